/*
 * funnel_apply.c — what an event adds to the discovery funnel (0004_funnel.sql), for both ways
 * reporting applies events (handlers.c one at a time, handlers_batch.c a fetched run at a time):
 * the household (or the case's household) reaching a stage on the event's business date.  Writes are
 * idempotent (the earliest date is kept), so a replay or a run applied again changes nothing.  A run
 * writes the stages it names by household (a blind spot, a case opened, a visit, a linkage started)
 * in one statement after its events, each household once with its earliest date per stage: the
 * earliest of dates does not depend on their order, so that is what one event at a time writes (a
 * bulk import's blind spots were one statement each, docs/benchmarks.md).
 */
#include <stdlib.h>
#include <string.h>

#include "reporting.h"
#include "wh/util.h"

/* The stages a run reached by household id, in the order met (collapsed by household when written). */
typedef struct later {
    reporting_household_stages *rows;
    size_t n, cap;
    bool failed;
} later;

static void keep_for_later(later *l, int64_t id, reporting_funnel_stage s, const char *on)
{
    reporting_household_stages *v = wh_grow(l->rows, &l->cap, l->n + 1, sizeof *v, 64);
    if (!v) {
        l->failed = true;
        return;
    }
    l->rows = v;
    reporting_household_stages *r = &l->rows[l->n++];
    memset(r, 0, sizeof *r);
    r->household_id = id;
    memcpy(r->on[s], on, 10); /* wh_date_valid: YYYY-MM-DD */
}

static int by_household(const void *x, const void *y)
{
    const reporting_household_stages *a = x, *b = y;
    return a->household_id < b->household_id ? -1 : a->household_id > b->household_id;
}

/* Each household once, the earliest date of each stage (dates as YYYY-MM-DD order as text). */
static size_t collapse(reporting_household_stages *v, size_t n)
{
    size_t out = 0;
    qsort(v, n, sizeof *v, by_household);
    for (size_t i = 0; i < n; i++) {
        if (out == 0 || v[out - 1].household_id != v[i].household_id) {
            v[out++] = v[i];
            continue;
        }
        for (int k = 0; k < REPORTING_STAGE_COUNT; k++)
            if (v[i].on[k][0] && (!v[out - 1].on[k][0] || strcmp(v[i].on[k], v[out - 1].on[k]) < 0))
                memcpy(v[out - 1].on[k], v[i].on[k], 11);
    }
    return out;
}

/* A stage reached: written now, or (by household, in a run) kept for the run's one statement. */
static int stage_to(wh_db *db, later *l, bool by_case, int64_t id, reporting_funnel_stage s, const char *on)
{
    if (id == 0 || !on || !wh_date_valid(on))
        return 0; /* nothing to follow: the KPI fact (checked apart) is what counts */
    if (l && !by_case) {
        keep_for_later(l, id, s, on);
        return l->failed ? WH_INTERNAL : 0;
    }
    return reporting_store_funnel_stage(db, by_case, id, s, on);
}

static int apply_event(wh_db *db, const ProtobufCMessage *m, later *l)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    if (d == &welfare__intake__v1__blind_spot_discovered__descriptor) {
        const Welfare__Intake__V1__BlindSpotDiscovered *e = (const void *)m;
        return stage_to(db, l, false, e->household_id, REPORTING_STAGE_BLIND_SPOT, e->discovered_on);
    }
    if (d == &welfare__case__v1__case_opened__descriptor) {
        const Welfare__Case__V1__CaseOpened *e = (const void *)m;
        int rc = e->household_id ? reporting_store_funnel_case(db, e->case_id, e->household_id) : 0;
        return rc != 0 ? rc : stage_to(db, l, false, e->household_id, REPORTING_STAGE_CASE, e->opened_on);
    }
    if (d == &welfare__case__v1__home_visit_recorded__descriptor) {
        const Welfare__Case__V1__HomeVisitRecorded *e = (const void *)m;
        /* planned or not, a visit met and counselled is the household visited */
        return e->outcome == WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_MET_COUNSELLED
                   ? stage_to(db, l, false, e->household_id, REPORTING_STAGE_VISITED, e->visited_on)
                   : 0;
    }
    if (d == &welfare__routing__v1__visit_completed__descriptor) {
        const Welfare__Routing__V1__VisitCompleted *e = (const void *)m;
        return stage_to(db, l, true, e->case_id, REPORTING_STAGE_VISITED, e->visited_on);
    }
    if (d == &welfare__registry__v1__service_linkage_changed__descriptor) {
        const Welfare__Registry__V1__ServiceLinkageChanged *e = (const void *)m;
        return e->state == WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_STARTED && !e->restored
                   ? stage_to(db, l, false, e->household_id, REPORTING_STAGE_LINKED, e->changed_on)
                   : 0;
    }
    if (d == &welfare__case__v1__linkage_completed__descriptor) {
        const Welfare__Case__V1__LinkageCompleted *e = (const void *)m;
        return stage_to(db, l, true, e->case_id, REPORTING_STAGE_LINKED, e->completed_on);
    }
    return 0;
}

int reporting_funnel_apply(wh_db *db, const ProtobufCMessage *m)
{
    return apply_event(db, m, NULL);
}

int reporting_funnel_apply_all(wh_db *db, const ProtobufCMessage *const *events, size_t n)
{
    later l = {0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = apply_event(db, events[i], &l);
    if (rc == 0 && l.n > 0)
        rc = reporting_store_funnel_stages(db, l.rows, collapse(l.rows, l.n));
    free(l.rows);
    return rc;
}

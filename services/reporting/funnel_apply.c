/*
 * funnel_apply.c — what an event adds to the discovery funnel (0004_funnel.sql), for both ways
 * reporting applies events (handlers.c one at a time, handlers_batch.c a fetched run at a time):
 * the household (or the case's household) reaching a stage on the event's business date.  Writes are
 * idempotent (the earliest date is kept), so a replay or a run applied again changes nothing.
 */
#include "reporting.h"
#include "wh/util.h"

static int stage(wh_db *db, bool by_case, int64_t id, reporting_funnel_stage s, const char *on)
{
    if (id == 0 || !on || !wh_date_valid(on))
        return 0; /* nothing to follow: the KPI fact (checked apart) is what counts */
    return reporting_store_funnel_stage(db, by_case, id, s, on);
}

int reporting_funnel_apply(wh_db *db, const ProtobufCMessage *m)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    if (d == &welfare__intake__v1__blind_spot_discovered__descriptor) {
        const Welfare__Intake__V1__BlindSpotDiscovered *e = (const void *)m;
        return stage(db, false, e->household_id, REPORTING_STAGE_BLIND_SPOT, e->discovered_on);
    }
    if (d == &welfare__case__v1__case_opened__descriptor) {
        const Welfare__Case__V1__CaseOpened *e = (const void *)m;
        int rc = e->household_id ? reporting_store_funnel_case(db, e->case_id, e->household_id) : 0;
        return rc != 0 ? rc : stage(db, false, e->household_id, REPORTING_STAGE_CASE, e->opened_on);
    }
    if (d == &welfare__case__v1__home_visit_recorded__descriptor) {
        const Welfare__Case__V1__HomeVisitRecorded *e = (const void *)m;
        /* planned or not, a visit met and counselled is the household visited */
        return e->outcome == WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_MET_COUNSELLED
                   ? stage(db, false, e->household_id, REPORTING_STAGE_VISITED, e->visited_on)
                   : 0;
    }
    if (d == &welfare__routing__v1__visit_completed__descriptor) {
        const Welfare__Routing__V1__VisitCompleted *e = (const void *)m;
        return stage(db, true, e->case_id, REPORTING_STAGE_VISITED, e->visited_on);
    }
    if (d == &welfare__registry__v1__service_linkage_changed__descriptor) {
        const Welfare__Registry__V1__ServiceLinkageChanged *e = (const void *)m;
        return e->state == WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_STARTED && !e->restored
                   ? stage(db, false, e->household_id, REPORTING_STAGE_LINKED, e->changed_on)
                   : 0;
    }
    if (d == &welfare__case__v1__linkage_completed__descriptor) {
        const Welfare__Case__V1__LinkageCompleted *e = (const void *)m;
        return stage(db, true, e->case_id, REPORTING_STAGE_LINKED, e->completed_on);
    }
    return 0;
}

int reporting_funnel_apply_all(wh_db *db, const ProtobufCMessage *const *events, size_t n)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = reporting_funnel_apply(db, events[i]);
    return rc;
}

/*
 * apply_intake_batch.c — a fetched run of HouseholdIdentified applied together: exactly what
 * case_apply_household_identified (apply_intake.c) does event after event, with a few statements per
 * chunk of the run instead of about ten per event.
 *
 * A chunk is a stretch of the run in which no household comes twice and no hub with workers is met
 * on two business dates, so that doing each step for the whole chunk changes nothing the next event
 * of the chunk would have seen (a hub without workers assigns nothing, whatever the date).  For a chunk: the
 * hubs' state (would a pass release a case? the workers and their caseloads) in one read; the households
 * upserted; the cases inserted, in the stream's order (so the ids are those one at a time would give);
 * re-referrals decided; then, case after case, the hub's assignment pass from the workers read above — its
 * waiting cases read only when someone has room, and only up to this case's id, which is all a pass at this
 * case's opening could see; the first visits stored in one statement; and last every event emitted in the
 * order one event at a time emits them (CaseOpened, its pass's CaseAssigned, VisitRequested).  A chunk whose
 * pass would release a departed worker's cases is applied event after event instead.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"

#include "wh/log.h"
#include "wh/util.h"

typedef struct event_item {
    const Welfare__Intake__V1__HouseholdIdentified *ev;
    bool valid;
    case_identified h;
    const case_hub *hub; /* its dong's hub (valid events) */
} event_item;

/* What one event emits, in order: kept until the chunk's visit requests have ids. */
typedef enum { EMIT_OPENED, EMIT_ASSIGNED, EMIT_VISIT } emit_kind;

typedef struct emission {
    emit_kind kind;
    size_t item;    /* whose ctx */
    size_t opening; /* OPENED, VISIT: index among the chunk's openings */
    int64_t case_id, staff_id;
    char dong_code[CASE_CODE_MAX + 1];
    const char *date;
} emission;

typedef struct emissions {
    emission *v;
    size_t n, cap;
} emissions;

static emission *emit_add(emissions *e, emit_kind kind, size_t item)
{
    emission *v = wh_grow(e->v, &e->cap, e->n + 1, sizeof *v, 64);
    if (!v)
        return NULL;
    e->v = v;
    emission *x = &e->v[e->n++];
    memset(x, 0, sizeof *x);
    x->kind = kind;
    x->item = item;
    return x;
}

/* The checks of case_apply_household_identified. */
static bool check(event_item *it, size_t k)
{
    const Welfare__Intake__V1__HouseholdIdentified *ev = it[k].ev;
    if (ev->household_id <= 0 || !case_text_ok(ev->dong_code, CASE_CODE_MAX) || ev->risk_score < 0 ||
        ev->risk_score > 100) {
        wh_log_warn("ignoring household without id, dong or a valid risk score", "{s:I}", "referral_id",
                    (json_int_t)ev->referral_id);
        return false;
    }
    const Welfare__Common__V1__GeoPoint *at = ev->location;
    it[k].h.has_location =
        at && wh_geo_valid(at->latitude, at->longitude) && (at->latitude != 0.0 || at->longitude != 0.0);
    it[k].h.household_id = ev->household_id;
    it[k].h.referral_id = ev->referral_id;
    it[k].h.dong_code = ev->dong_code;
    it[k].h.latitude = it[k].h.has_location ? at->latitude : 0.0;
    it[k].h.longitude = it[k].h.has_location ? at->longitude : 0.0;
    it[k].h.risk_score = ev->risk_score;
    case_event_date(ev->identified_on, "HouseholdIdentified", it[k].h.date);
    return true;
}

/* The hub of every valid event's dong, one statement for the run (only routing's events change the
 * dong map, and none is applied in between). */
static int find_hubs(wh_ctx *ctx, event_item *it, size_t n)
{
    const char **dongs = wh_ctx_alloc(ctx, n * sizeof *dongs);
    case_hub *hubs = wh_ctx_alloc(ctx, n * sizeof *hubs);
    size_t d = 0;
    if (dongs == NULL || hubs == NULL)
        return WH_INTERNAL;
    for (size_t i = 0; i < n; i++) {
        if (!it[i].valid)
            continue;
        size_t k = 0;
        while (k < d && strcmp(dongs[k], it[i].h.dong_code) != 0)
            k++;
        if (k == d)
            dongs[d++] = it[i].h.dong_code;
    }
    int rc = d > 0 ? case_store_hubs_of(wh_ctx_db(ctx), dongs, d, hubs) : 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        for (size_t k = 0; it[i].valid && k < d; k++)
            if (strcmp(hubs[k].dong_code, it[i].h.dong_code) == 0) {
                it[i].hub = &hubs[k];
                break;
            }
    return rc;
}

/* Where the chunk from `from` ends: before the first household met again, or a hub with workers met
 * on another date (a hub without workers assigns nothing on any date). */
static size_t chunk_end(const event_item *it, size_t from, size_t n)
{
    size_t end = from;
    for (; end < n; end++) {
        if (!it[end].valid)
            continue;
        for (size_t k = from; k < end; k++) {
            if (!it[k].valid)
                continue;
            if (it[k].h.household_id == it[end].h.household_id)
                return end > from ? end : end + 1;
            if (it[end].hub->staffed && strcmp(it[k].hub->hub_dong_code, it[end].hub->hub_dong_code) == 0 &&
                strcmp(it[k].h.date, it[end].h.date) != 0)
                return end > from ? end : end + 1;
        }
    }
    return end;
}

/* The chunk's hubs (of events at case-level risk), each with its date, and their state. */
static int read_hubs(wh_ctx *ctx, const event_item *it, size_t from, size_t to, int threshold,
                     case_hub_state **out, size_t *n_out)
{
    case_hub_state *hs = wh_ctx_alloc(ctx, (to - from) * sizeof *hs);
    size_t n = 0;
    if (hs == NULL)
        return WH_INTERNAL;
    for (size_t i = from; i < to; i++) {
        if (!it[i].valid || it[i].h.risk_score < threshold)
            continue;
        size_t k = 0;
        while (k < n && strcmp(hs[k].hub_dong_code, it[i].hub->hub_dong_code) != 0)
            k++;
        if (k == n) {
            hs[n].hub_dong_code = it[i].hub->hub_dong_code;
            hs[n++].date = it[i].h.date;
        } else if (strcmp(it[i].h.date, hs[k].date) > 0) {
            hs[k].date = it[i].h.date; /* a hub without workers: its latest date */
        }
    }
    *out = hs;
    *n_out = n;
    return n > 0 ? case_store_hubs_state(ctx, hs, n) : 0;
}

static case_hub_state *hub_state(case_hub_state *hs, size_t n, const char *hub)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(hs[k].hub_dong_code, hub) == 0)
            return &hs[k];
    return NULL;
}

/* The chunk's openings: its events at case-level risk whose household has no closed case only. */
typedef struct openings {
    case_opening *o;
    const char **hubs;
    size_t *item;
    int64_t *ids;
    case_record *c;
    case_visit *v;
    int64_t *visit_ids;
    size_t n;
} openings;

static int collect_openings(wh_ctx *ctx, const event_item *it, size_t from, size_t to, int threshold,
                            openings *op)
{
    size_t cap = to - from, n_h = 0;
    case_identified *h = wh_ctx_alloc(ctx, cap * sizeof *h);
    size_t *at = wh_ctx_alloc(ctx, cap * sizeof *at);
    bool *closed = wh_ctx_alloc(ctx, cap * sizeof *closed);
    op->o = wh_ctx_alloc(ctx, cap * sizeof *op->o);
    op->hubs = wh_ctx_alloc(ctx, cap * sizeof *op->hubs);
    op->item = wh_ctx_alloc(ctx, cap * sizeof *op->item);
    op->ids = wh_ctx_alloc(ctx, cap * sizeof *op->ids);
    op->c = wh_ctx_alloc(ctx, cap * sizeof *op->c);
    op->v = wh_ctx_alloc(ctx, cap * sizeof *op->v);
    op->visit_ids = wh_ctx_alloc(ctx, cap * sizeof *op->visit_ids);
    op->n = 0;
    if (!h || !at || !closed || !op->o || !op->hubs || !op->item || !op->ids || !op->c || !op->v ||
        !op->visit_ids)
        return WH_INTERNAL;
    for (size_t i = from; i < to; i++)
        if (it[i].valid) {
            h[n_h] = it[i].h;
            at[n_h++] = i;
        }
    /* Every identified household is known to outreach, case or not. */
    int rc = n_h > 0 ? case_store_upsert_households(wh_ctx_db(ctx), h, n_h, closed) : 0;
    for (size_t k = 0; rc == 0 && k < n_h; k++) {
        const event_item *x = &it[at[k]];
        if (x->h.risk_score < threshold)
            continue;
        if (closed[k]) {
            /* A closed case's household re-reported: the hub decides (OpenCase), no case opens by itself. */
            wh_log_info("re-report of a closed case's household waits for the hub's decision", "{s:I}",
                        "household_id", (json_int_t)x->h.household_id);
            continue;
        }
        op->o[op->n] = (case_opening){.household_id = x->h.household_id,
                                      .referral_id = x->h.referral_id,
                                      .dong_code = x->h.dong_code,
                                      .has_location = x->h.has_location,
                                      .latitude = x->h.latitude,
                                      .longitude = x->h.longitude,
                                      .risk_score = x->h.risk_score,
                                      .opened_on = x->h.date};
        op->hubs[op->n] = x->hub->hub_dong_code;
        op->item[op->n++] = at[k];
    }
    return rc;
}

/* The case as case_store_case reads it right after its insert. */
static void new_case(const openings *op, size_t k, case_record *c)
{
    const case_opening *o = &op->o[k];
    memset(c, 0, sizeof *c);
    c->id = op->ids[k];
    c->household_id = o->household_id;
    c->open = true;
    snprintf(c->dong_code, sizeof c->dong_code, "%s", o->dong_code);
    snprintf(c->hub_dong_code, sizeof c->hub_dong_code, "%s", op->hubs[k]);
    c->has_location = o->has_location;
    c->latitude = o->has_location ? o->latitude : 0.0;
    c->longitude = o->has_location ? o->longitude : 0.0;
    c->risk_score = o->risk_score;
    memcpy(c->opened_on, o->opened_on, 11);
}

/* The assignment pass of case k's hub at its opening (case_assign_waiting, from the workers read for
 * the chunk).  *role: the role of the worker case k got, or a welfare official's. */
static int pass(wh_ctx *ctx, openings *op, size_t k, case_hub_state *h, emissions *e, int *role)
{
    const int limit = case_settings_of(ctx)->caseload_limit;
    const char *date = op->o[k].opened_on;
    int64_t *waiting = NULL;
    size_t n_waiting = 0;
    *role = CASE_ROLE_OFFICIAL;
    int spare = case_room(h->workers, h->n_workers, limit);
    int rc = spare > 0 ? case_store_waiting_upto(ctx, h->hub_dong_code, date, spare, op->ids[k], &waiting,
                                                 &n_waiting)
                       : 0;
    for (size_t i = 0; rc == 0 && i < n_waiting; i++) {
        int w = case_pick_worker(h->workers, h->n_workers, limit);
        if (w < 0)
            break;
        emission *x = emit_add(e, EMIT_ASSIGNED, op->item[k]);
        if (x == NULL)
            return WH_INTERNAL;
        if ((rc = case_assign_store(ctx, waiting[i], h->workers[w].staff_id, date, x->dong_code)) < 0)
            return rc;
        x->case_id = waiting[i];
        x->staff_id = h->workers[w].staff_id;
        x->date = date;
        h->workers[w].caseload++;
        if (waiting[i] == op->ids[k]) {
            op->c[k].staff_id = h->workers[w].staff_id;
            *role = h->workers[w].role;
        }
    }
    return rc;
}

static int emit_all(wh_ctx *const *ctx, const openings *op, const emissions *e)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < e->n; i++) {
        const emission *x = &e->v[i];
        wh_ctx *c = ctx[x->item];
        if (x->kind == EMIT_OPENED)
            rc = case_emit_opened(c, &op->c[x->opening]);
        else if (x->kind == EMIT_ASSIGNED)
            rc = case_emit_assigned(c, x->case_id, x->staff_id, x->dong_code, x->date);
        else
            rc = case_emit_visit_requested(c, &op->c[x->opening], &op->v[x->opening],
                                           op->visit_ids[x->opening]);
    }
    return rc;
}

/* The openings in stream order: a new case's pass and first visit, an open case's update. */
static int open_cases(wh_ctx *const *ctx, openings *op, case_hub_state *hs, size_t n_hubs, emissions *e)
{
    int64_t *decided = wh_ctx_alloc(ctx[0], (op->n ? op->n : 1) * sizeof *decided);
    case_visit *visits = wh_ctx_alloc(ctx[0], (op->n ? op->n : 1) * sizeof *visits);
    size_t n_decided = 0, n_visits = 0;
    int rc = decided && visits ? 0 : WH_INTERNAL;
    for (size_t k = 0; rc == 0 && k < op->n; k++) {
        wh_ctx *c = ctx[op->item[k]];
        if (op->ids[k] == 0) { /* the household's open case: keep its highest risk and latest location */
            int64_t id;
            case_record existing;
            if ((rc = case_store_open_case_of(wh_ctx_db(c), op->o[k].household_id, op->o[k].referral_id,
                                              &id)) == 0)
                rc = case_update_open(c, &op->o[k], id, &existing);
            continue;
        }
        new_case(op, k, &op->c[k]);
        if (!op->hubs[k] || !hub_state(hs, n_hubs, op->hubs[k]))
            return WH_INTERNAL;
        emission *x = emit_add(e, EMIT_OPENED, op->item[k]);
        if (x == NULL)
            return WH_INTERNAL;
        x->opening = k;
        decided[n_decided++] = op->o[k].household_id; /* a re-referral decided */
        int role;
        if ((rc = pass(c, op, k, hub_state(hs, n_hubs, op->hubs[k]), e, &role)) < 0)
            return rc;
        case_first_visit(c, &op->c[k], role, &op->v[k]);
        visits[n_visits] = op->v[k];
        if ((x = emit_add(e, EMIT_VISIT, op->item[k])) == NULL)
            return WH_INTERNAL;
        x->opening = k;
        op->visit_ids[k] = (int64_t)n_visits++; /* its index among the visits until they have ids */
        case_metrics_opened();
    }
    if (rc == 0)
        rc = case_store_decided_many(wh_ctx_db(ctx[0]), decided, n_decided);
    int64_t *ids = wh_ctx_alloc(ctx[0], (n_visits ? n_visits : 1) * sizeof *ids);
    if (rc == 0 && ids == NULL)
        rc = WH_INTERNAL;
    if (rc == 0)
        rc = case_store_insert_visit_requests(wh_ctx_db(ctx[0]), visits, n_visits, ids);
    for (size_t k = 0; rc == 0 && k < op->n; k++)
        if (op->ids[k] != 0)
            op->visit_ids[k] = ids[op->visit_ids[k]];
    return rc;
}

static void log_unknown_dongs(const openings *op, const event_item *it)
{
    for (size_t k = 0; k < op->n; k++)
        if (op->ids[k] != 0 && !it[op->item[k]].hub->known)
            wh_log_info("case opened in a dong routing has not defined; it is its own hub until it is",
                        "{s:I}", "case_id", (json_int_t)op->ids[k]);
}

static int apply_chunk(wh_ctx *const *ctx, const ProtobufCMessage *const *events, event_item *it, size_t from,
                       size_t to)
{
    const int threshold = case_settings_of(ctx[from])->risk_threshold;
    case_hub_state *hs;
    size_t n_hubs;
    int rc = read_hubs(ctx[from], it, from, to, threshold, &hs, &n_hubs);
    for (size_t k = 0; rc == 0 && k < n_hubs; k++)
        if (hs[k].departed) { /* a pass would release cases: one event at a time, as ever */
            for (size_t i = from; rc == 0 && i < to; i++)
                rc = case_apply_household_identified(ctx[i], events[i]);
            return rc;
        }
    openings op = {0};
    if (rc == 0)
        rc = collect_openings(ctx[from], it, from, to, threshold, &op);
    if (rc < 0 || op.n == 0)
        return rc;
    if ((rc = case_store_insert_cases(wh_ctx_db(ctx[from]), op.o, op.hubs, op.n, op.ids)) < 0)
        return rc;
    log_unknown_dongs(&op, it);
    emissions e = {0};
    rc = open_cases(ctx, &op, hs, n_hubs, &e);
    if (rc == 0)
        rc = emit_all(ctx, &op, &e);
    free(e.v);
    return rc;
}

int case_apply_households_identified(wh_ctx *const *ctx, const ProtobufCMessage *const *events, size_t n)
{
    event_item *it = wh_ctx_alloc(ctx[0], n * sizeof *it);
    if (it == NULL)
        return wh_ctx_fail(ctx[0], WH_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        it[i].ev = (const Welfare__Intake__V1__HouseholdIdentified *)events[i];
        it[i].valid = check(it, i);
    }
    int rc = find_hubs(ctx[0], it, n);
    for (size_t from = 0, to; rc == 0 && from < n; from = to) {
        to = chunk_end(it, from, n);
        rc = apply_chunk(ctx, events, it, from, to);
    }
    return rc;
}

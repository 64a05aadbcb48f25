/*
 * store_read.c — reads stored day plans and visit requests into reply messages.  The statements are
 * store.c's; this file only turns their rows into messages allocated from the ctx.
 */
#include <string.h>

#include "routing.h"
#include "wh/db_rows.h"

static void two(wh_params *p, const char *a, const char *b)
{
    wh_params_reset(p);
    wh_params_text(p, a);
    wh_params_text(p, b);
}

static int read_routes(wh_ctx *ctx, const char *hub, const char *date, Welfare__Routing__V1__DayPlan *plan)
{
    wh_params p;
    wh_db *db = wh_ctx_db(ctx);
    two(&p, hub, date);
    PGresult *r = wh_db_query(db, "routing_plan_routes", &p);
    if (!r)
        return wh_db_last_status(db);
    int n = PQntuples(r), rc = 0;
    plan->routes = wh_ctx_alloc(ctx, sizeof *plan->routes * (size_t)(n ? n : 1));
    for (int i = 0; plan->routes && i < n; i++) {
        Welfare__Routing__V1__Route *m = wh_ctx_alloc(ctx, sizeof *m);
        if (!m)
            break;
        welfare__routing__v1__route__init(m);
        m->staff_id = wh_db_i64(r, i, 0, 0);
        m->role = (Welfare__Common__V1__StaffRole)wh_db_i64(r, i, 1, 0);
        m->shift_start_minute = (int32_t)wh_db_i64(r, i, 2, 0);
        m->shift_end_minute = (int32_t)wh_db_i64(r, i, 3, 0);
        m->travel_minutes = (int32_t)wh_db_i64(r, i, 4, 0);
        m->return_minute = (int32_t)wh_db_i64(r, i, 5, 0);
        plan->routes[plan->n_routes++] = m;
        plan->travel_minutes += m->travel_minutes;
    }
    if (!plan->routes || plan->n_routes != (size_t)n)
        rc = WH_INTERNAL;
    PQclear(r);
    return rc;
}

static Welfare__Routing__V1__Route *route_of(Welfare__Routing__V1__DayPlan *plan, int64_t staff_id)
{
    for (size_t i = 0; i < plan->n_routes; i++)
        if (plan->routes[i]->staff_id == staff_id)
            return plan->routes[i];
    return NULL;
}

static Welfare__Routing__V1__Stop *stop_from_row(wh_ctx *ctx, const PGresult *r, int i)
{
    Welfare__Routing__V1__Stop *s = wh_ctx_alloc(ctx, sizeof *s);
    int64_t ids[ROUTING_PLAN_MAX_ROLES];
    if (!s)
        return NULL;
    welfare__routing__v1__stop__init(s);
    s->visit_id = wh_db_i64(r, i, 1, 0);
    s->visit_request_id = wh_db_i64(r, i, 2, 0);
    s->case_id = wh_db_i64(r, i, 3, 0);
    s->dong_code = wh_ctx_db_text(ctx, r, i, 4);
    s->start_minute = (int32_t)wh_db_i64(r, i, 5, 0);
    s->end_minute = (int32_t)wh_db_i64(r, i, 6, 0);
    s->travel_minutes = (int32_t)wh_db_i64(r, i, 7, 0);
    size_t n = routing_parse_int_array(wh_db_text(r, i, 8), ids, ROUTING_PLAN_MAX_ROLES);
    s->staff_ids = wh_ctx_alloc(ctx, sizeof *s->staff_ids * (n ? n : 1));
    if (!s->staff_ids || !s->dong_code)
        return NULL;
    memcpy(s->staff_ids, ids, n * sizeof *ids);
    s->n_staff_ids = n;
    s->late_minutes = (int32_t)wh_db_i64(r, i, 9, 0);
    return s;
}

static int read_stops(wh_ctx *ctx, const char *hub, const char *date, Welfare__Routing__V1__DayPlan *plan)
{
    wh_params p;
    wh_db *db = wh_ctx_db(ctx);
    two(&p, hub, date);
    PGresult *r = wh_db_query(db, "routing_plan_stops", &p);
    if (!r)
        return wh_db_last_status(db);
    int rc = 0, n = PQntuples(r);
    for (int i = 0; rc == 0 && i < n; i++) {
        Welfare__Routing__V1__Route *route = route_of(plan, wh_db_i64(r, i, 0, 0));
        if (!route)
            continue;
        if (!route->stops) /* rows of one route are adjacent; n bounds every route */
            route->stops = wh_ctx_alloc(ctx, sizeof *route->stops * (size_t)n);
        Welfare__Routing__V1__Stop *s = route->stops ? stop_from_row(ctx, r, i) : NULL;
        if (!s)
            rc = WH_INTERNAL;
        else
            route->stops[route->n_stops++] = s;
    }
    PQclear(r);
    return rc;
}

static int read_unplaced(wh_ctx *ctx, const char *hub, const char *date, Welfare__Routing__V1__DayPlan *plan)
{
    wh_params p;
    wh_db *db = wh_ctx_db(ctx);
    two(&p, hub, date);
    PGresult *r = wh_db_query(db, "routing_plan_unplaced", &p);
    if (!r)
        return wh_db_last_status(db);
    int rc = 0, n = PQntuples(r);
    plan->unplaced = wh_ctx_alloc(ctx, sizeof *plan->unplaced * (size_t)(n ? n : 1));
    for (int i = 0; plan->unplaced && i < n; i++) {
        Welfare__Routing__V1__UnplacedVisit *u = wh_ctx_alloc(ctx, sizeof *u);
        if (!u)
            break;
        welfare__routing__v1__unplaced_visit__init(u);
        u->visit_request_id = wh_db_i64(r, i, 0, 0);
        u->case_id = wh_db_i64(r, i, 1, 0);
        u->dong_code = wh_ctx_db_text(ctx, r, i, 2);
        u->reason = (Welfare__Routing__V1__UnplacedReason)wh_db_i64(r, i, 3, 0);
        plan->unplaced[plan->n_unplaced++] = u;
    }
    if (!plan->unplaced || plan->n_unplaced != (size_t)n)
        rc = WH_INTERNAL;
    PQclear(r);
    return rc;
}

static int is_planned(wh_db *db, const char *hub, const char *date, bool *planned)
{
    wh_params p;
    two(&p, hub, date);
    PGresult *r = wh_db_query(db, "routing_is_planned", &p);
    if (!r)
        return wh_db_last_status(db);
    *planned = PQntuples(r) > 0;
    PQclear(r);
    return 0;
}

int routing_store_read_plan(wh_ctx *ctx, const char *hub, const char *date,
                            Welfare__Routing__V1__DayPlan **out)
{
    Welfare__Routing__V1__DayPlan *plan = wh_ctx_alloc(ctx, sizeof *plan);
    if (!plan)
        return WH_INTERNAL;
    welfare__routing__v1__day_plan__init(plan);
    plan->hub_dong_code = wh_ctx_strdup(ctx, hub);
    plan->date = wh_ctx_strdup(ctx, date);
    bool planned = false;
    int rc = is_planned(wh_ctx_db(ctx), hub, date, &planned);
    plan->planned = planned;
    if (rc == 0)
        rc = read_routes(ctx, hub, date, plan);
    if (rc == 0)
        rc = read_stops(ctx, hub, date, plan);
    if (rc == 0)
        rc = read_unplaced(ctx, hub, date, plan);
    *out = plan;
    return rc;
}

static Welfare__Routing__V1__VisitRequestStatus status_of(const char *s)
{
    if (s && strcmp(s, "pending") == 0)
        return WELFARE__ROUTING__V1__VISIT_REQUEST_STATUS__VISIT_REQUEST_STATUS_PENDING;
    if (s && strcmp(s, "scheduled") == 0)
        return WELFARE__ROUTING__V1__VISIT_REQUEST_STATUS__VISIT_REQUEST_STATUS_SCHEDULED;
    if (s && strcmp(s, "completed") == 0)
        return WELFARE__ROUTING__V1__VISIT_REQUEST_STATUS__VISIT_REQUEST_STATUS_COMPLETED;
    if (s && strcmp(s, "dropped") == 0)
        return WELFARE__ROUTING__V1__VISIT_REQUEST_STATUS__VISIT_REQUEST_STATUS_DROPPED;
    return WELFARE__ROUTING__V1__VISIT_REQUEST_STATUS__VISIT_REQUEST_STATUS_UNSPECIFIED;
}

static Welfare__Routing__V1__VisitRequest *request_from_row(wh_ctx *ctx, const PGresult *r, int i)
{
    Welfare__Routing__V1__VisitRequest *m = wh_ctx_alloc(ctx, sizeof *m);
    int64_t roles[ROUTING_PLAN_MAX_ROLES];
    if (!m)
        return NULL;
    welfare__routing__v1__visit_request__init(m);
    m->visit_request_id = wh_db_i64(r, i, 0, 0);
    m->case_id = wh_db_i64(r, i, 1, 0);
    m->dong_code = wh_ctx_db_text(ctx, r, i, 2);
    m->hub_dong_code = wh_ctx_db_text(ctx, r, i, 3);
    size_t n = routing_parse_int_array(wh_db_text(r, i, 4), roles, ROUTING_PLAN_MAX_ROLES);
    m->roles = wh_ctx_alloc(ctx, sizeof *m->roles * (n ? n : 1));
    if (!m->roles)
        return NULL;
    for (size_t k = 0; k < n; k++)
        m->roles[k] = (Welfare__Common__V1__StaffRole)roles[k];
    m->n_roles = n;
    m->priority = (int32_t)wh_db_i64(r, i, 5, 0);
    m->duration_minutes = (int32_t)wh_db_i64(r, i, 6, 0);
    m->earliest_on = wh_ctx_db_text(ctx, r, i, 7);
    m->latest_on = wh_ctx_db_text(ctx, r, i, 8);
    m->status = status_of(wh_db_text(r, i, 9));
    m->sequence = (Welfare__Case__V1__VisitSequence)wh_db_i64(r, i, 10, 0);
    m->min_delay_minutes = (int32_t)wh_db_i64(r, i, 11, 0);
    m->max_delay_minutes = (int32_t)wh_db_i64(r, i, 12, 0);
    m->max_lateness_minutes = (int32_t)wh_db_i64(r, i, 13, 0);
    return m;
}

static const char *status_name(Welfare__Routing__V1__VisitRequestStatus s)
{
    switch (s) {
    case WELFARE__ROUTING__V1__VISIT_REQUEST_STATUS__VISIT_REQUEST_STATUS_PENDING:
        return "pending";
    case WELFARE__ROUTING__V1__VISIT_REQUEST_STATUS__VISIT_REQUEST_STATUS_SCHEDULED:
        return "scheduled";
    case WELFARE__ROUTING__V1__VISIT_REQUEST_STATUS__VISIT_REQUEST_STATUS_COMPLETED:
        return "completed";
    case WELFARE__ROUTING__V1__VISIT_REQUEST_STATUS__VISIT_REQUEST_STATUS_DROPPED:
        return "dropped";
    default:
        return "";
    }
}

int routing_store_list_requests(wh_ctx *ctx, const Welfare__Routing__V1__ListVisitRequests *q,
                                Welfare__Routing__V1__VisitRequest ***out, size_t *n)
{
    wh_params p;
    wh_db *db = wh_ctx_db(ctx);
    two(&p, q->hub_dong_code ? q->hub_dong_code : "", status_name(q->status));
    wh_params_i64(&p, q->after_id);
    wh_params_i64(&p, q->limit > 0 ? q->limit : 100);
    PGresult *r = wh_db_query(db, "routing_list_requests", &p);
    if (!r)
        return wh_db_last_status(db);
    int rows = PQntuples(r), rc = 0;
    Welfare__Routing__V1__VisitRequest **v = wh_ctx_alloc(ctx, sizeof *v * (size_t)(rows ? rows : 1));
    if (!v)
        rc = WH_INTERNAL;
    for (int i = 0; rc == 0 && i < rows; i++)
        if (!(v[i] = request_from_row(ctx, r, i)))
            rc = WH_INTERNAL;
    PQclear(r);
    *out = v;
    *n = rc == 0 ? (size_t)rows : 0;
    return rc;
}

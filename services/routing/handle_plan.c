/*
 * handle_plan.c — PlanDay and GetDayPlan.
 *
 * PlanDay loads the hub's active staff, the visits already planned for the date (fixed) and the
 * pending requests that may take place that day, runs the planner (plan.h: the optimizer library by
 * default, the constructive heuristic with WH_ROUTING_PLANNER=heuristic), stores the new visits
 * and every route, emits VisitScheduled per new visit, and answers with the stored plan — the same
 * message GetDayPlan reads, so both always agree.
 */
#include "routing.h"

#include "wh/metrics.h"
#include "wh/util.h"

const routing_settings *routing_settings_of(wh_ctx *ctx)
{
    static const routing_settings defaults = {
        20.0, 1.3, 2000, true, {200.0, 1000, 1, 0.0, ROUTING_PLAN_LATENESS_COST}};
    const routing_settings *s = ctx ? wh_ctx_state(ctx) : NULL;
    return s ? s : &defaults;
}

static int check_hub(wh_ctx *ctx, const char *hub, const char *date, routing_dong *d)
{
    if (!routing_text_ok(hub, ROUTING_CODE_MAX))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "hub_dong_code", "hub_dong_code must be 1..32 bytes");
    if (!wh_date_valid(date))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "date", "date must be YYYY-MM-DD");
    int rc = routing_store_dong(wh_ctx_db(ctx), hub, d);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the hub dong");
    if (!d->found)
        return wh_ctx_fail(ctx, WH_NOT_FOUND, "hub_dong_code", "the hub dong is not defined");
    if (d->hub_type != WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_BASIC)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "hub_dong_code", "the dong is not a basic-type hub");
    return 0;
}

static int emit_scheduled(wh_ctx *ctx, const routing_day *day, size_t i, const char *date)
{
    const routing_plan_visit *v = &day->plan.visits[i];
    const routing_day_item *it = &day->items[i];
    int64_t staff_ids[ROUTING_PLAN_MAX_ROLES];
    for (int k = 0; k < v->n_staff; k++)
        staff_ids[k] = day->plan.staff[v->staff[k]].id;
    Welfare__Routing__V1__VisitScheduled ev = WELFARE__ROUTING__V1__VISIT_SCHEDULED__INIT;
    ev.visit_id = it->visit_id;
    ev.visit_request_id = it->visit_request_id;
    ev.case_id = it->case_id;
    ev.dong_code = it->dong_code;
    ev.staff_ids = staff_ids;
    ev.n_staff_ids = (size_t)v->n_staff;
    ev.scheduled_on = (char *)date;
    ev.start_minute = v->start;
    return wh_ctx_emit(ctx, &ev.base);
}

/* New visits first, so that every stop of every route has a visit id. */
static int save_new_visits(wh_ctx *ctx, routing_day *day, const char *hub, const char *date)
{
    wh_db *db = wh_ctx_db(ctx);
    int rc = routing_store_reset_unplaced(db, hub, date);
    for (size_t i = day->n_fixed; rc == 0 && i < day->plan.n_visits; i++) {
        routing_plan_visit *v = &day->plan.visits[i];
        routing_day_item *it = &day->items[i];
        if (!v->placed) {
            rc = routing_store_insert_unplaced(db, hub, date, it->visit_request_id, v->unplaced_reason);
            continue;
        }
        rc = routing_store_insert_visit(db, it->visit_request_id, hub, date, v->start, v->start + v->duration,
                                        &it->visit_id);
        if (rc == 0)
            rc = routing_store_set_request_status(db, it->visit_request_id, "scheduled");
        if (rc == 0)
            rc = emit_scheduled(ctx, day, i, date);
    }
    return rc;
}

static int save_routes(wh_ctx *ctx, const routing_day *day, const char *hub, const char *date)
{
    wh_db *db = wh_ctx_db(ctx);
    int rc = 0;
    for (size_t s = 0; rc == 0 && s < day->plan.n_staff; s++) {
        const routing_plan_route *r = &day->plan.routes[s];
        for (size_t g = 0; rc == 0 && g < r->n; g++) {
            const routing_plan_visit *v = &day->plan.visits[r->stops[g].visit];
            rc = routing_store_put_visit_staff(db, day->items[r->stops[g].visit].visit_id,
                                               day->plan.staff[s].id, (int)g, r->stops[g].travel,
                                               routing_plan_start_for(v, s) - v->start);
        }
        if (rc == 0)
            rc = routing_store_put_day_route(db, hub, date, day->plan.staff[s].id, r->travel,
                                             r->return_minute);
    }
    if (rc == 0)
        rc = routing_store_mark_planned(db, hub, date);
    return rc;
}

static void count(int placed, size_t pending, double seconds)
{
    wh_counter_add(wh_metrics_counter("routing_visits_placed_total", NULL, "Visits placed by day planning"),
                   (uint64_t)placed);
    wh_counter_add(
        wh_metrics_counter("routing_visits_unplaced_total", NULL, "Pending visits planning left out"),
        pending - (size_t)placed);
    wh_histogram_observe(wh_metrics_histogram("routing_plan_seconds", NULL, "Time to plan one hub's day"),
                         seconds);
}

static int plan_day(wh_ctx *ctx, const char *hub, const char *date, const routing_dong *d, int *placed)
{
    const routing_settings *cfg = routing_settings_of(ctx);
    routing_day day = {0};
    day.plan.hub_latitude = d->latitude;
    day.plan.hub_longitude = d->longitude;
    day.plan.detour = cfg->detour;
    day.plan.speed_kmh = cfg->speed_kmh;
    uint64_t t0 = wh_mono_ns();
    int rc = routing_store_load_day(ctx, hub, date, d, cfg->max_pending, &day);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not load the day");
    *placed =
        cfg->use_optimizer ? routing_plan_optimize(&day.plan, &cfg->optimizer) : routing_plan_run(&day.plan);
    if (*placed < 0) {
        rc = wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory while planning");
        goto cleanup;
    }
    if ((rc = save_new_visits(ctx, &day, hub, date)) == 0)
        rc = save_routes(ctx, &day, hub, date);
    if (rc < 0) {
        rc = wh_ctx_fail(ctx, rc, NULL, "could not store the plan");
        goto cleanup;
    }
    count(*placed, day.plan.n_visits - day.n_fixed, (double)(wh_mono_ns() - t0) / 1e9);
cleanup:
    routing_plan_free(&day.plan);
    return rc;
}

int routing_handle_plan_day(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Routing__V1__PlanDay *m = (const void *)req;
    routing_dong d;
    int placed = 0;
    int rc = check_hub(ctx, m->hub_dong_code, m->date, &d);
    if (rc == 0)
        rc = plan_day(ctx, m->hub_dong_code, m->date, &d, &placed);
    if (rc < 0)
        return rc;
    Welfare__Routing__V1__PlanDayReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__routing__v1__plan_day_reply__init(r);
    r->placed = placed;
    if ((rc = routing_store_read_plan(ctx, m->hub_dong_code, m->date, &r->plan)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the plan");
    *reply = &r->base;
    return 0;
}

int routing_handle_get_day_plan(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Routing__V1__GetDayPlan *m = (const void *)req;
    routing_dong d;
    int rc = check_hub(ctx, m->hub_dong_code, m->date, &d);
    if (rc < 0)
        return rc;
    Welfare__Routing__V1__GetDayPlanReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__routing__v1__get_day_plan_reply__init(r);
    if ((rc = routing_store_read_plan(ctx, m->hub_dong_code, m->date, &r->plan)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the plan");
    *reply = &r->base;
    return 0;
}

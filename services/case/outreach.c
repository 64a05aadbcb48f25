/*
 * outreach.c — the steps of outreach to any identified household that commands and events share:
 * asking routing for a household's visit, and applying a visit's outcome to the household's watch
 * (failed attempts in a row, the unreachable escalation at WH_CASE_UNREACHABLE_ATTEMPTS, the end of
 * the watch when the household moved or died).
 */
#include <jansson.h>
#include <string.h>

#include "case.h"

#include "wh/log.h"

int case_request_household_visit(wh_ctx *ctx, const case_household *h, case_visit *v,
                                 int64_t *visit_request_id)
{
    v->case_id = h->open_case_id;
    v->household_id = h->id;
    int rc = case_store_insert_visit_request(wh_ctx_db(ctx), v, visit_request_id);
    if (rc < 0)
        return rc;
    Welfare__Common__V1__StaffRole roles[CASE_MAX_ROLES];
    for (int i = 0; i < v->n_roles; i++)
        roles[i] = (Welfare__Common__V1__StaffRole)v->roles[i];
    Welfare__Common__V1__GeoPoint at = WELFARE__COMMON__V1__GEO_POINT__INIT;
    at.latitude = h->latitude;
    at.longitude = h->longitude;
    Welfare__Case__V1__VisitRequested ev = WELFARE__CASE__V1__VISIT_REQUESTED__INIT;
    ev.visit_request_id = *visit_request_id;
    ev.case_id = h->open_case_id;
    ev.household_id = h->id;
    ev.dong_code = (char *)h->dong_code;
    ev.hub_dong_code = (char *)h->hub_dong_code;
    ev.location = h->has_location ? &at : NULL;
    ev.roles = roles;
    ev.n_roles = (size_t)v->n_roles;
    ev.priority = v->priority;
    ev.duration_minutes = v->duration_minutes;
    ev.earliest_on = v->earliest_on;
    ev.latest_on = v->latest_on;
    ev.window_start_minute = v->window_start_minute;
    ev.window_end_minute = v->window_end_minute;
    ev.skills = (char **)v->skills;
    ev.n_skills = v->n_skills;
    ev.sequence = (Welfare__Case__V1__VisitSequence)v->sequence;
    ev.min_delay_minutes = v->min_delay_minutes;
    ev.max_delay_minutes = v->max_delay_minutes;
    ev.max_lateness_minutes = v->max_lateness_minutes;
    return wh_ctx_emit(ctx, &ev.base);
}

static int emit_escalated(wh_ctx *ctx, const case_household *h, int failed_attempts, const char *date)
{
    Welfare__Case__V1__HouseholdEscalated ev = WELFARE__CASE__V1__HOUSEHOLD_ESCALATED__INIT;
    ev.household_id = h->id;
    ev.case_id = h->open_case_id;
    ev.dong_code = (char *)h->dong_code;
    ev.hub_dong_code = (char *)h->hub_dong_code;
    ev.failed_attempts = failed_attempts;
    ev.escalated_on = (char *)date;
    case_metrics_escalated();
    wh_log_info("household escalated as unreachable", "{s:I, s:i}", "household_id", (json_int_t)h->id,
                "failed_attempts", failed_attempts);
    return wh_ctx_emit(ctx, &ev.base);
}

/* The escalation drives the case's end: closed as unreachable on the escalation's date (not before
 * it opened). */
static int close_unreachable(wh_ctx *ctx, int64_t case_id, const char *date)
{
    case_record c;
    int rc = case_store_case(wh_ctx_db(ctx), case_id, &c);
    if (rc < 0 || !c.open)
        return rc;
    wh_log_info("case closed as unreachable", "{s:I}", "case_id", (json_int_t)case_id);
    return case_close(ctx, &c, WELFARE__CASE__V1__CLOSE_REASON__CLOSE_REASON_UNREACHABLE,
                      strcmp(date, c.opened_on) < 0 ? c.opened_on : date);
}

int case_outreach_attempt(wh_ctx *ctx, const case_household *h, int outcome, const char *date,
                          int *failed_attempts, bool *escalated)
{
    int limit = case_settings_of(ctx)->unreachable_attempts;
    int rc =
        case_store_household_attempt(wh_ctx_db(ctx), h->id, outcome, date, limit, failed_attempts, escalated);
    if (rc == 0 && *escalated)
        rc = emit_escalated(ctx, h, *failed_attempts, date);
    if (rc == 0 && *escalated && h->open_case_id && case_settings_of(ctx)->close_unreachable)
        rc = close_unreachable(ctx, h->open_case_id, date);
    return rc;
}

int case_outreach_routing_outcome(wh_ctx *ctx, int64_t visit_id, int64_t visit_request_id, int outcome,
                                  const char *date)
{
    int64_t household_id, id;
    case_household h;
    int rc = case_store_request_household(wh_ctx_db(ctx), visit_request_id, &household_id);
    if (rc < 0 || household_id == 0 || outcome == 0)
        return rc;
    if ((rc = case_store_household(wh_ctx_db(ctx), household_id, &h)) == WH_NOT_FOUND)
        return 0; /* a case opened by hand for a household intake never identified: nothing to watch */
    if (rc < 0)
        return rc;
    case_home_visit v = {.household_id = h.id,
                         .case_id = h.open_case_id,
                         .visit_id = visit_id,
                         .visited_on = date,
                         .outcome = outcome};
    bool fresh, escalated;
    int failed;
    if ((rc = case_store_insert_home_visit(wh_ctx_db(ctx), &v, &id, &fresh)) < 0 || !fresh)
        return rc;
    return case_outreach_attempt(ctx, &h, outcome, date, &failed, &escalated);
}

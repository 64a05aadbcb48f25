/*
 * casework.c — the steps commands and events share: opening a case (with its worker and first home
 * visit), requesting a linkage for a need, requesting a visit.  Each emits what it decided.
 */
#include <jansson.h>
#include <string.h>

#include "case.h"
#include "wh/util.h"

#include "wh/log.h"

#define FIRST_VISIT_MINUTES 60 /* a first visit is an assessment at home */

static Welfare__Common__V1__GeoPoint *location_of(const case_record *c, Welfare__Common__V1__GeoPoint *at)
{
    if (!c->has_location)
        return NULL;
    welfare__common__v1__geo_point__init(at);
    at->latitude = c->latitude;
    at->longitude = c->longitude;
    return at;
}

int case_request_visit(wh_ctx *ctx, const case_record *c, case_visit *v, int64_t *visit_request_id)
{
    v->case_id = c->id;
    v->household_id = c->household_id;
    int rc = case_store_insert_visit_request(wh_ctx_db(ctx), v, visit_request_id);
    return rc < 0 ? rc : case_emit_visit_requested(ctx, c, v, *visit_request_id);
}

int case_emit_visit_requested(wh_ctx *ctx, const case_record *c, const case_visit *v,
                              int64_t visit_request_id)
{
    Welfare__Common__V1__StaffRole roles[CASE_MAX_ROLES];
    for (int i = 0; i < v->n_roles; i++)
        roles[i] = (Welfare__Common__V1__StaffRole)v->roles[i];
    Welfare__Common__V1__GeoPoint at;
    Welfare__Case__V1__VisitRequested ev = WELFARE__CASE__V1__VISIT_REQUESTED__INIT;
    ev.visit_request_id = visit_request_id;
    ev.case_id = c->id;
    ev.household_id = c->household_id;
    ev.dong_code = (char *)c->dong_code;
    ev.hub_dong_code = (char *)c->hub_dong_code;
    ev.location = location_of(c, &at);
    ev.roles = roles;
    ev.n_roles = (size_t)v->n_roles;
    ev.priority = v->priority;
    ev.duration_minutes = v->duration_minutes;
    ev.earliest_on = (char *)v->earliest_on;
    ev.latest_on = (char *)v->latest_on;
    return wh_ctx_emit(ctx, &ev.base);
}

int case_request_linkage(wh_ctx *ctx, const case_record *c, int64_t assessment_id, int domain, int severity,
                         const char *date, int64_t *linkage_id)
{
    int rc =
        case_store_insert_linkage(wh_ctx_db(ctx), c->id, assessment_id, domain, severity, date, linkage_id);
    if (rc < 0)
        return rc;
    Welfare__Common__V1__GeoPoint at;
    Welfare__Case__V1__Need need = WELFARE__CASE__V1__NEED__INIT;
    need.domain = (Welfare__Common__V1__NeedDomain)domain;
    need.severity = (Welfare__Common__V1__Severity)severity;
    Welfare__Case__V1__LinkageRequested ev = WELFARE__CASE__V1__LINKAGE_REQUESTED__INIT;
    ev.linkage_id = *linkage_id;
    ev.case_id = c->id;
    ev.dong_code = (char *)c->dong_code;
    ev.hub_dong_code = (char *)c->hub_dong_code;
    ev.need = &need;
    ev.location = location_of(c, &at);
    ev.requested_on = (char *)date;
    if ((rc = wh_ctx_emit(ctx, &ev.base)) < 0)
        return rc;
    case_metrics_linkage("requested");
    return 0;
}

int case_emit_opened(wh_ctx *ctx, const case_record *c)
{
    Welfare__Case__V1__CaseOpened ev = WELFARE__CASE__V1__CASE_OPENED__INIT;
    ev.case_id = c->id;
    ev.household_id = c->household_id;
    ev.dong_code = (char *)c->dong_code;
    ev.hub_dong_code = (char *)c->hub_dong_code;
    ev.risk_score = c->risk_score;
    ev.opened_on = (char *)c->opened_on;
    return wh_ctx_emit(ctx, &ev.base);
}

void case_first_visit(wh_ctx *ctx, const case_record *c, int worker_role, case_visit *v)
{
    const case_settings *s = case_settings_of(ctx);
    *v = (case_visit){.purpose = WELFARE__CASE__V1__VISIT_PURPOSE__VISIT_PURPOSE_FIRST};
    v->roles[0] = worker_role;
    v->n_roles = 1;
    if (c->risk_score >= s->joint_visit_risk)
        v->roles[v->n_roles++] = CASE_ROLE_NURSE;
    v->priority = c->risk_score;
    v->duration_minutes = FIRST_VISIT_MINUTES;
    memcpy(v->earliest_on, c->opened_on, 11);
    wh_date_add_days(c->opened_on, s->first_visit_days, v->latest_on);
    v->case_id = c->id;
    v->household_id = c->household_id;
}

/* The first home visit: the case worker's profession, with a visiting nurse at high risk. */
static int request_first_visit(wh_ctx *ctx, const case_record *c, int64_t *visit_request_id)
{
    case_visit v;
    int role;
    int rc = case_worker_role(ctx, c, &role);
    if (rc < 0)
        return rc;
    case_first_visit(ctx, c, role, &v);
    return case_request_visit(ctx, c, &v, visit_request_id);
}

int case_update_open(wh_ctx *ctx, const case_opening *o, int64_t case_id, case_record *out)
{
    int rc = case_store_raise_risk(wh_ctx_db(ctx), case_id, o->risk_score, o);
    return rc < 0 ? rc : case_store_case(wh_ctx_db(ctx), case_id, out);
}

int case_open(wh_ctx *ctx, const case_opening *o, case_record *out, int64_t *visit_request_id, bool *created)
{
    wh_db *db = wh_ctx_db(ctx);
    char hub[CASE_CODE_MAX + 1];
    bool known;
    int64_t id;
    *visit_request_id = 0;
    int rc = case_store_hub_of(db, o->dong_code, hub, &known);
    if (rc == 0)
        rc = case_store_insert_case(db, o, hub, &id, created);
    if (rc < 0)
        return rc;
    if (!*created)
        return case_update_open(ctx, o, id, out);
    if (!known)
        wh_log_info("case opened in a dong routing has not defined; it is its own hub until it is", "{s:I}",
                    "case_id", (json_int_t)id);
    if ((rc = case_store_case(db, id, out)) < 0 || (rc = case_emit_opened(ctx, out)) < 0 ||
        (rc = case_store_decided(db, o->household_id)) < 0) /* a re-referral decided */
        return rc;
    if ((rc = case_assign_waiting(ctx, hub, o->opened_on, NULL)) < 0 ||
        (rc = case_store_case(db, id, out)) < 0)
        return rc;
    if ((rc = request_first_visit(ctx, out, visit_request_id)) < 0)
        return rc;
    case_metrics_opened();
    return 0;
}

int case_load_open(wh_ctx *ctx, int64_t case_id, const char *date, const char *date_field, case_record *c)
{
    if (case_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "case_id", "case_id is required");
    int rc = case_store_case(wh_ctx_db(ctx), case_id, c);
    if (rc == WH_NOT_FOUND)
        return wh_ctx_fail(ctx, rc, "case_id", "no such case");
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the case");
    if (!c->open)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "case_id", "the case is closed");
    if (date && strcmp(date, c->opened_on) < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, date_field, "%s is before the case was opened",
                           date_field);
    return 0;
}

int case_close(wh_ctx *ctx, const case_record *c, int reason, const char *date)
{
    int rc = case_store_close(wh_ctx_db(ctx), c->id, reason, date);
    if (rc < 0)
        return rc;
    Welfare__Case__V1__CaseClosed ev = WELFARE__CASE__V1__CASE_CLOSED__INIT;
    ev.case_id = c->id;
    ev.dong_code = (char *)c->dong_code;
    ev.reason = (Welfare__Case__V1__CloseReason)reason;
    ev.closed_on = (char *)date;
    if ((rc = wh_ctx_emit(ctx, &ev.base)) < 0)
        return rc;
    if (c->staff_id != 0 && (rc = case_assign_waiting(ctx, c->hub_dong_code, date, NULL)) < 0)
        return rc;
    case_metrics_closed();
    return 0;
}

/*
 * handle_case.c — OpenCase, AssignCase and CloseCase: a case's life from opening to closing.
 */
#include <string.h>

#include "case.h"

#include "wh/util.h"

static int validate_open(wh_ctx *ctx, const Welfare__Case__V1__OpenCase *m)
{
    if (m->household_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "household_id", "household_id is required");
    if (!case_text_ok(m->dong_code, CASE_CODE_MAX))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "dong_code", "dong_code must be 1..32 bytes");
    if (m->location && (!wh_geo_valid(m->location->latitude, m->location->longitude) ||
                        (m->location->latitude == 0.0 && m->location->longitude == 0.0)))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "location", "location is not a valid WGS84 position");
    if (m->risk_score < 0 || m->risk_score > 100)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "risk_score", "risk_score must be 0..100");
    return 0;
}

int case_handle_open_case(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Case__V1__OpenCase *m = (const void *)req;
    char date[11], hub[CASE_CODE_MAX + 1];
    bool known, created;
    int rc = validate_open(ctx, m);
    if (rc == 0)
        rc = wh_ctx_business_date(ctx, m->opened_on, "opened_on", NULL, date);
    if (rc < 0)
        return rc;
    if ((rc = case_store_hub_of(wh_ctx_db(ctx), m->dong_code, hub, &known)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the dong");
    if (!known)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "dong_code", "the dong is not defined in routing");
    case_opening o = {.household_id = m->household_id,
                      .dong_code = m->dong_code,
                      .has_location = m->location != NULL,
                      .latitude = m->location ? m->location->latitude : 0.0,
                      .longitude = m->location ? m->location->longitude : 0.0,
                      .risk_score = m->risk_score,
                      .opened_on = date};
    case_record c;
    Welfare__Case__V1__OpenCaseReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__case__v1__open_case_reply__init(r);
    if ((rc = case_open(ctx, &o, &c, &r->visit_request_id, &created)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not open the case");
    if (!created)
        return wh_ctx_fail(ctx, WH_ALREADY_EXISTS, "household_id", "the household has an open case");
    r->case_id = c.id;
    r->hub_dong_code = wh_ctx_strdup(ctx, c.hub_dong_code);
    r->staff_id = c.staff_id;
    *reply = &r->base;
    return 0;
}

/* staff_id 0: the rule's choice among the hub's workers. */
static int choose_worker(wh_ctx *ctx, const case_record *c, const char *date, int64_t *staff_id,
                         int *caseload)
{
    case_worker *w;
    size_t n;
    if (c->staff_id != 0)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "staff_id",
                           "the case has a worker: name the new one");
    int rc = case_store_hub_workers(ctx, c->hub_dong_code, date, &w, &n);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the hub's workers");
    int k = case_pick_worker(w, n, case_settings_of(ctx)->caseload_limit);
    if (k < 0)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "staff_id",
                           n ? "every case worker of the hub is at the caseload limit"
                             : "the hub has no active case worker");
    *staff_id = w[k].staff_id;
    *caseload = w[k].caseload;
    return 0;
}

static int check_worker(wh_ctx *ctx, const case_record *c, const char *date, int64_t staff_id, int *caseload)
{
    bool active;
    int rc = case_store_worker_active(wh_ctx_db(ctx), staff_id, c->hub_dong_code, date, &active, caseload);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the worker");
    if (!active)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "staff_id",
                           "not a case worker of the case's hub active on that date");
    if (staff_id != c->staff_id && *caseload >= case_settings_of(ctx)->caseload_limit)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "staff_id", "the worker is at the caseload limit");
    return 0;
}

int case_handle_assign_case(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Case__V1__AssignCase *m = (const void *)req;
    char date[11];
    case_record c;
    int64_t staff_id = m->staff_id;
    int caseload = 0;
    if (m->staff_id < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "staff_id", "staff_id must not be negative");
    int rc = wh_ctx_business_date(ctx, m->assigned_on, "assigned_on", NULL, date);
    if (rc == 0)
        rc = case_load_open(ctx, m->case_id, date, "assigned_on", &c);
    if (rc == 0)
        rc = staff_id == 0 ? choose_worker(ctx, &c, date, &staff_id, &caseload)
                           : check_worker(ctx, &c, date, staff_id, &caseload);
    if (rc < 0)
        return rc;
    if (staff_id != c.staff_id) {
        if ((rc = case_assign_to(ctx, c.id, staff_id, date)) < 0)
            return wh_ctx_fail(ctx, rc, NULL, "could not assign the case");
        caseload++;
        /* The previous worker has room again. */
        if (c.staff_id != 0 && (rc = case_assign_waiting(ctx, c.hub_dong_code, date, NULL)) < 0)
            return wh_ctx_fail(ctx, rc, NULL, "could not reassign waiting cases");
    }
    Welfare__Case__V1__AssignCaseReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__case__v1__assign_case_reply__init(r);
    r->case_id = c.id;
    r->staff_id = staff_id;
    r->caseload = caseload;
    *reply = &r->base;
    return 0;
}

int case_handle_close_case(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Case__V1__CloseCase *m = (const void *)req;
    char date[11];
    case_record c;
    bool escalated = false;
    if (m->reason <= WELFARE__CASE__V1__CLOSE_REASON__CLOSE_REASON_UNSPECIFIED ||
        m->reason > WELFARE__CASE__V1__CLOSE_REASON__CLOSE_REASON_UNREACHABLE)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "reason",
                           "reason is required: GOALS_MET..UNREACHABLE (MERGED is intake's merges' own)");
    int rc = wh_ctx_business_date(ctx, m->closed_on, "closed_on", NULL, date);
    if (rc == 0)
        rc = case_load_open(ctx, m->case_id, date, "closed_on", &c);
    if (rc < 0)
        return rc;
    if (m->reason == WELFARE__CASE__V1__CLOSE_REASON__CLOSE_REASON_UNREACHABLE &&
        ((rc = case_store_case_escalated(wh_ctx_db(ctx), c.id, &escalated)) < 0 || !escalated))
        return wh_ctx_fail(ctx, rc < 0 ? rc : WH_FAILED_PRECONDITION, "reason",
                           "unreachable is for a household escalated after its failed visits");
    if ((rc = case_close(ctx, &c, m->reason, date)) < 0)
        return wh_ctx_fail(ctx, rc, rc == WH_FAILED_PRECONDITION ? "case_id" : NULL,
                           rc == WH_FAILED_PRECONDITION ? "the case is closed" : "could not close the case");
    Welfare__Case__V1__CloseCaseReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__case__v1__close_case_reply__init(r);
    r->case_id = c.id;
    r->closed_on = wh_ctx_strdup(ctx, date);
    *reply = &r->base;
    return 0;
}

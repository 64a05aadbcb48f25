/*
 * handle_query.c — GetCase and ListCases, the queries: a case with its history, and pages of cases.
 */
#include "case.h"

#include "wh/util.h"

int case_handle_get_case(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Case__V1__GetCase *m = (const void *)req;
    if (m->case_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "case_id", "case_id is required");
    Welfare__Case__V1__GetCaseReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__case__v1__get_case_reply__init(r);
    int rc = case_store_read_case(ctx, m->case_id, r);
    if (rc == WH_NOT_FOUND)
        return wh_ctx_fail(ctx, rc, "case_id", "no such case");
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the case");
    *reply = &r->base;
    return 0;
}

static int validate_list(wh_ctx *ctx, const Welfare__Case__V1__ListCases *m)
{
    if (m->dong_code && !wh_utf8_valid(m->dong_code, CASE_CODE_MAX))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "dong_code", "dong_code must be at most 32 bytes");
    if (m->hub_dong_code && !wh_utf8_valid(m->hub_dong_code, CASE_CODE_MAX))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "hub_dong_code",
                           "hub_dong_code must be at most 32 bytes");
    if (m->status < 0 || m->status > WELFARE__CASE__V1__CASE_STATUS__CASE_STATUS_CLOSED)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "status", "unknown status");
    if (m->staff_id < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "staff_id", "staff_id must not be negative");
    if (m->staff_id > 0 && m->unassigned_only)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "unassigned_only",
                           "unassigned_only contradicts a staff_id");
    if (m->after_id < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "after_id", "after_id must not be negative");
    if (m->limit < 0 || m->limit > 1000)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "limit", "limit must be 0..1000");
    return 0;
}

int case_handle_list_cases(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Case__V1__ListCases *m = (const void *)req;
    int rc = validate_list(ctx, m);
    if (rc < 0)
        return rc;
    Welfare__Case__V1__ListCasesReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__case__v1__list_cases_reply__init(r);
    if ((rc = case_store_list_cases(ctx, m, r)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not list cases");
    *reply = &r->base;
    return 0;
}

/*
 * apply_registry.c — what case does with the registry's answers to its linkage requests: a
 * reservation completes the linkage (LinkageCompleted, dated by the reservation, never before the
 * request), a MatchFailed fails it (LinkageFailed).  A reservation made by hand (no linkage) and an
 * answer to a linkage answered already change nothing.  A reservation that restores one a merge's
 * fold released (restores_reservation_id, at the unmerge) answers nothing new: the linkage, completed
 * already, points at it, and no LinkageCompleted is emitted (the KPI counted the linkage once).
 */
#include <jansson.h>
#include <string.h>

#include "case.h"

#include "wh/log.h"
#include "wh/util.h"

/* An answer case cannot use is logged and skipped: retrying would not change it. */
static int skip(int rc, int64_t linkage_id, const char *what)
{
    if (rc == WH_NOT_FOUND)
        wh_log_warn("ignoring an answer for an unknown linkage", "{s:I, s:s}", "linkage_id",
                    (json_int_t)linkage_id, "event", what);
    else if (rc == WH_FAILED_PRECONDITION)
        wh_log_info("linkage answered already", "{s:I, s:s}", "linkage_id", (json_int_t)linkage_id, "event",
                    what);
    return rc == WH_NOT_FOUND || rc == WH_FAILED_PRECONDITION ? 0 : rc;
}

int case_apply_capacity_reserved(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Registry__V1__CapacityReserved *ev = (const void *)event;
    if (ev->linkage_id <= 0)
        return 0;
    if (ev->restores_reservation_id > 0)
        return case_store_restored_reservation(wh_ctx_db(ctx), ev->linkage_id, ev->restores_reservation_id,
                                               ev->reservation_id);
    char date[11];
    case_linkage_answer a;
    case_event_date(ev->reserved_on, "CapacityReserved", date);
    int rc = case_store_complete_linkage(wh_ctx_db(ctx), ev->linkage_id, ev->resource_id, ev->reservation_id,
                                         date, &a);
    if (rc < 0)
        return skip(rc, ev->linkage_id, "CapacityReserved");
    Welfare__Case__V1__LinkageCompleted out = WELFARE__CASE__V1__LINKAGE_COMPLETED__INIT;
    out.linkage_id = ev->linkage_id;
    out.case_id = a.case_id;
    out.dong_code = a.dong_code;
    out.resource_id = ev->resource_id;
    out.reservation_id = ev->reservation_id;
    out.completed_on = strcmp(date, a.requested_on) < 0 ? a.requested_on : date;
    if ((rc = wh_ctx_emit(ctx, &out.base)) < 0)
        return rc;
    case_metrics_linkage("completed");
    return 0;
}

int case_apply_match_failed(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Registry__V1__MatchFailed *ev = (const void *)event;
    if (ev->linkage_id <= 0)
        return 0;
    /* The registry's reason carries no personal data; anything unreadable gets a plain one. */
    const char *reason =
        case_text_ok(ev->reason, CASE_REASON_MAX) ? ev->reason : "the registry found no resource";
    case_linkage_answer a;
    int rc = case_store_fail_linkage(wh_ctx_db(ctx), ev->linkage_id, reason, &a);
    if (rc < 0)
        return skip(rc, ev->linkage_id, "MatchFailed");
    Welfare__Case__V1__LinkageFailed out = WELFARE__CASE__V1__LINKAGE_FAILED__INIT;
    out.linkage_id = ev->linkage_id;
    out.case_id = a.case_id;
    out.dong_code = a.dong_code;
    out.reason = (char *)reason;
    if ((rc = wh_ctx_emit(ctx, &out.base)) < 0)
        return rc;
    case_metrics_linkage("failed");
    return 0;
}

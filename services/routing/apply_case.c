/*
 * apply_case.c — the case service's events that take visits off the plans: a closed case's pending
 * visits, and those of a household escalated as unreachable, moved or deceased, are dropped (with the
 * visits planned from that date on), so routing neither places nor counts them; a case intake's
 * merge moved to another household takes its open requests there (CaseMoved), so that household's
 * escalation drops them; a case a merge folded (closed as merged) gets the requests the fold dropped
 * back when the unmerge reopens it (CaseReopened).
 */
#include <jansson.h>
#include <stdio.h>

#include "routing.h"

#include "wh/log.h"
#include "wh/util.h"

/* The event's date, or today (logged) when it carries none. */
static void event_date(const char *given, const char *what, char out[11])
{
    if (wh_date_valid(given)) {
        snprintf(out, 11, "%s", given);
        return;
    }
    wh_date_today(out);
    wh_log_warn("event carries no business date; using today", "{s:s}", "event", what);
}

int routing_apply_case_closed(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Case__V1__CaseClosed *ev = (const void *)event;
    char date[11];
    if (ev->case_id <= 0)
        return 0;
    event_date(ev->closed_on, "CaseClosed", date);
    bool folded = ev->reason == WELFARE__CASE__V1__CLOSE_REASON__CLOSE_REASON_MERGED;
    return routing_store_drop_requests(wh_ctx_db(ctx), true, ev->case_id, date,
                                       folded ? "case merged" : "case closed");
}

int routing_apply_case_reopened(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Case__V1__CaseReopened *ev = (const void *)event;
    if (ev->case_id <= 0 || ev->household_id <= 0)
        return 0;
    int64_t n = routing_store_restore_case(wh_ctx_db(ctx), ev->case_id, ev->household_id);
    if (n > 0)
        wh_log_info("a reopened case's visit requests are pending again", "{s:I, s:I}", "case_id",
                    (json_int_t)ev->case_id, "requests", (json_int_t)n);
    return n < 0 ? (int)n : 0;
}

int routing_apply_case_moved(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Case__V1__CaseMoved *ev = (const void *)event;
    if (ev->case_id <= 0 || ev->household_id <= 0)
        return 0;
    return routing_store_move_case(wh_ctx_db(ctx), ev->case_id, ev->household_id);
}

int routing_apply_household_escalated(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Case__V1__HouseholdEscalated *ev = (const void *)event;
    char date[11];
    if (ev->household_id <= 0)
        return 0;
    event_date(ev->escalated_on, "HouseholdEscalated", date);
    return routing_store_drop_requests(wh_ctx_db(ctx), false, ev->household_id, date, "unreachable");
}

int routing_apply_home_visit_recorded(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Case__V1__HomeVisitRecorded *ev = (const void *)event;
    char date[11];
    bool moved = ev->outcome == WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_MOVED;
    if (ev->household_id <= 0 ||
        (!moved && ev->outcome != WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_DECEASED))
        return 0;
    event_date(ev->visited_on, "HomeVisitRecorded", date);
    return routing_store_drop_requests(wh_ctx_db(ctx), false, ev->household_id, date,
                                       moved ? "moved" : "deceased");
}

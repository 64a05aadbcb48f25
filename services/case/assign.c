/*
 * assign.c — assignment against the store: one case to one worker, and a hub's assignment pass.
 *
 * A pass runs as of a business date whenever the hub's capacity may have changed: a case opened or
 * closed, a worker arrived, left, moved or was given a case by hand.  It first unassigns the cases of
 * workers who are gone by that date (left before it, moved to another hub, no longer in a role that
 * carries cases), then gives the hub's waiting cases — highest risk first, then the longest waiting —
 * to the workers with room, lowest caseload first (assign_rule.c).  A case nobody has room for waits;
 * the next pass of its hub picks it up.
 */
#include <jansson.h>
#include <string.h>

#include "case.h"

#include "wh/log.h"

int case_assign_store(wh_ctx *ctx, int64_t case_id, int64_t staff_id, const char *date,
                      char dong_code[CASE_CODE_MAX + 1])
{
    case_record c;
    wh_db *db = wh_ctx_db(ctx);
    int rc = case_store_case(db, case_id, &c);
    if (rc == 0)
        rc = case_store_assign(db, case_id, staff_id, date);
    if (rc == 0)
        memcpy(dong_code, c.dong_code, sizeof c.dong_code);
    return rc;
}

int case_emit_assigned(wh_ctx *ctx, int64_t case_id, int64_t staff_id, const char *dong_code,
                       const char *date)
{
    Welfare__Case__V1__CaseAssigned ev = WELFARE__CASE__V1__CASE_ASSIGNED__INIT;
    ev.case_id = case_id;
    ev.staff_id = staff_id;
    ev.dong_code = (char *)dong_code;
    ev.assigned_on = (char *)date;
    int rc = wh_ctx_emit(ctx, &ev.base);
    if (rc == 0)
        case_metrics_assigned();
    return rc;
}

int case_assign_to(wh_ctx *ctx, int64_t case_id, int64_t staff_id, const char *date)
{
    char dong[CASE_CODE_MAX + 1];
    int rc = case_assign_store(ctx, case_id, staff_id, date, dong);
    return rc < 0 ? rc : case_emit_assigned(ctx, case_id, staff_id, dong, date);
}

/* Room left in the hub: what the waiting query needs to read at most. */
int case_room(const case_worker *w, size_t n, int limit)
{
    int spare = 0;
    for (size_t i = 0; i < n; i++)
        if (w[i].caseload < limit)
            spare += limit - w[i].caseload;
    return spare;
}

int case_assign_waiting(wh_ctx *ctx, const char *hub, const char *date, int *assigned)
{
    const int limit = case_settings_of(ctx)->caseload_limit;
    int64_t released = 0, *waiting = NULL;
    case_worker *w = NULL;
    size_t n_workers = 0, n_waiting = 0;
    int done = 0;
    int rc = case_store_release_departed(wh_ctx_db(ctx), hub, date, &released);
    if (rc == 0)
        rc = case_store_hub_workers(ctx, hub, date, &w, &n_workers);
    int spare = rc == 0 ? case_room(w, n_workers, limit) : 0;
    if (rc == 0 && spare > 0)
        rc = case_store_waiting(ctx, hub, date, spare, &waiting, &n_waiting);
    for (size_t i = 0; rc == 0 && i < n_waiting; i++) {
        int k = case_pick_worker(w, n_workers, limit);
        if (k < 0)
            break;
        if ((rc = case_assign_to(ctx, waiting[i], w[k].staff_id, date)) == 0) {
            w[k].caseload++;
            done++;
        }
    }
    if (rc == 0 && released > 0)
        wh_log_info("cases of departed workers released", "{s:s, s:I, s:i}", "hub_dong_code", hub, "released",
                    (json_int_t)released, "reassigned", done);
    if (assigned)
        *assigned = done;
    return rc;
}

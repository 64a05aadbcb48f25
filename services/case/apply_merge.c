/*
 * apply_merge.c — what case does with intake's merges (HouseholdsMerged, HouseholdsUnmerged): the
 * merged household leaves the hub's outreach queues (due visits, escalations, re-referrals) and the
 * household that stayed keeps the higher risk; an unmerge brings the household back with the risks
 * intake recomputed.  An open case of the merged household stays open with the hub (not moved).
 */
#include <jansson.h>

#include "case.h"

#include "wh/log.h"

int case_apply_households_merged(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Intake__V1__HouseholdsMerged *ev = (const void *)event;
    if (ev->household_id <= 0 || ev->merged_household_id <= 0 ||
        ev->household_id == ev->merged_household_id || ev->risk_score < 0 || ev->risk_score > 100) {
        wh_log_warn("ignoring a merge without two households or a valid risk score", "{s:I}", "merge_id",
                    (json_int_t)ev->merge_id);
        return 0;
    }
    return case_store_merge(wh_ctx_db(ctx), ev->household_id, ev->merged_household_id, ev->risk_score);
}

int case_apply_households_unmerged(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Intake__V1__HouseholdsUnmerged *ev = (const void *)event;
    if (ev->household_id <= 0 || ev->restored_household_id <= 0 || ev->risk_score < 0 ||
        ev->risk_score > 100 || ev->restored_risk_score < 0 || ev->restored_risk_score > 100) {
        wh_log_warn("ignoring an unmerge without two households or valid risk scores", "{s:I}", "merge_id",
                    (json_int_t)ev->merge_id);
        return 0;
    }
    return case_store_unmerge(wh_ctx_db(ctx), ev->household_id, ev->restored_household_id, ev->risk_score,
                              ev->restored_risk_score);
}

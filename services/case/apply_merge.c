/*
 * apply_merge.c — what case does with intake's merges (HouseholdsMerged, HouseholdsUnmerged): the
 * merged household leaves the hub's outreach queues (due visits, escalations, re-referrals) and the
 * household that stayed keeps the higher risk; an unmerge brings the household back with the risks
 * intake recomputed.
 *
 * The merged household's open case follows, once per merge (case_merge, 0007_case_merges.sql):
 * when the household that stays has no open case, the case is moved to it with its visits, linkages
 * and history (CaseMoved); when it has one, the merged household's case is closed as
 * CLOSE_REASON_MERGED, folded into that one (CaseClosed: routing drops its visits, the registry ends
 * its linkages, reporting takes its opening back; the hub's pass fills the freed place).  The unmerge
 * moves a moved case back while it is still open with the household that stayed (CaseMoved), and
 * reopens a folded one (CaseReopened: routing gives it back the visit requests the fold dropped) with
 * its worker; a case closed or moved since stays.
 */
#include <jansson.h>
#include <string.h>

#include "case.h"

#include "wh/log.h"
#include "wh/util.h"

/* The event's business date, never before the case was opened (closed_on >= opened_on). */
static void business_date(const char *given, const case_record *c, char out[11])
{
    if (wh_date_valid(given))
        memcpy(out, given, 11);
    else
        wh_date_today(out);
    if (strcmp(out, c->opened_on) < 0)
        memcpy(out, c->opened_on, 11);
}

static int emit_moved(wh_ctx *ctx, const case_record *c, int64_t from, int64_t merge_id, const char *on)
{
    Welfare__Case__V1__CaseMoved ev = WELFARE__CASE__V1__CASE_MOVED__INIT;
    ev.case_id = c->id;
    ev.household_id = c->household_id;
    ev.from_household_id = from;
    ev.dong_code = (char *)c->dong_code;
    ev.merge_id = merge_id;
    ev.moved_on = (char *)on;
    return wh_ctx_emit(ctx, &ev.base);
}

/* Moves case c to household `to` (when that one has no open case); emits CaseMoved. */
static int move_case(wh_ctx *ctx, case_record *c, int64_t to, int64_t merge_id, const char *given)
{
    bool moved;
    int64_t from = c->household_id;
    int rc = case_store_move(wh_ctx_db(ctx), c->id, to, &moved);
    if (rc < 0 || !moved)
        return rc;
    char on[11];
    business_date(given, c, on);
    c->household_id = to;
    return emit_moved(ctx, c, from, merge_id, on);
}

/* The merged household's open case, once per merge: moved to the kept household or folded. */
static int follow_merge(wh_ctx *ctx, const Welfare__Intake__V1__HouseholdsMerged *ev)
{
    wh_db *db = wh_ctx_db(ctx);
    int64_t merged_case, kept_case;
    int rc = case_store_merge_record(db, ev->merge_id, ev->household_id, ev->merged_household_id);
    if (rc <= 0)
        return rc; /* a replay: done already */
    if ((rc = case_store_open_case(db, ev->merged_household_id, &merged_case)) < 0 || merged_case == 0)
        return rc;
    if ((rc = case_store_open_case(db, ev->household_id, &kept_case)) < 0)
        return rc;
    case_record c;
    if ((rc = case_store_case(db, merged_case, &c)) < 0)
        return rc;
    if ((rc = case_store_merge_note(db, ev->merge_id, merged_case, kept_case != 0)) < 0)
        return rc;
    if (kept_case == 0)
        return move_case(ctx, &c, ev->household_id, ev->merge_id, ev->merged_on);
    char on[11];
    business_date(ev->merged_on, &c, on);
    return case_close(ctx, &c, WELFARE__CASE__V1__CLOSE_REASON__CLOSE_REASON_MERGED, on);
}

static int reopen_case(wh_ctx *ctx, const case_record *c, int64_t merge_id, const char *given)
{
    bool reopened;
    int rc = case_store_reopen(wh_ctx_db(ctx), c->id, &reopened);
    if (rc < 0 || !reopened) {
        if (rc == 0)
            wh_log_info("a case folded by a merge stays closed: its household has an open case", "{s:I}",
                        "case_id", (json_int_t)c->id);
        return rc;
    }
    char on[11];
    business_date(given, c, on);
    Welfare__Case__V1__CaseReopened ev = WELFARE__CASE__V1__CASE_REOPENED__INIT;
    ev.case_id = c->id;
    ev.household_id = c->household_id;
    ev.dong_code = (char *)c->dong_code;
    ev.opened_on = (char *)c->opened_on;
    ev.merge_id = merge_id;
    ev.reopened_on = on;
    if ((rc = wh_ctx_emit(ctx, &ev.base)) < 0)
        return rc;
    return case_assign_waiting(ctx, c->hub_dong_code, on, NULL); /* its worker may have left since */
}

/* What the merge did with the merged household's case, undone once. */
static int follow_unmerge(wh_ctx *ctx, const Welfare__Intake__V1__HouseholdsUnmerged *ev)
{
    wh_db *db = wh_ctx_db(ctx);
    int64_t case_id;
    bool folded;
    int rc = case_store_merge_undo(db, ev->merge_id, &case_id, &folded);
    if (rc <= 0 || case_id == 0)
        return rc < 0 ? rc : 0; /* undone already, or it had no case */
    case_record c;
    if ((rc = case_store_case(db, case_id, &c)) < 0)
        return rc;
    if (folded)
        return reopen_case(ctx, &c, ev->merge_id, ev->unmerged_on);
    if (!c.open || c.household_id != ev->household_id) {
        wh_log_info("a case moved by a merge stays: closed or moved since", "{s:I}", "case_id",
                    (json_int_t)case_id);
        return 0;
    }
    return move_case(ctx, &c, ev->restored_household_id, ev->merge_id, ev->unmerged_on);
}

int case_apply_households_merged(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Intake__V1__HouseholdsMerged *ev = (const void *)event;
    if (ev->merge_id <= 0 || ev->household_id <= 0 || ev->merged_household_id <= 0 ||
        ev->household_id == ev->merged_household_id || ev->risk_score < 0 || ev->risk_score > 100) {
        wh_log_warn("ignoring a merge without an id, two households or a valid risk score", "{s:I}",
                    "merge_id", (json_int_t)ev->merge_id);
        return 0;
    }
    int rc = case_store_merge(wh_ctx_db(ctx), ev->household_id, ev->merged_household_id, ev->risk_score);
    return rc < 0 ? rc : follow_merge(ctx, ev);
}

int case_apply_households_unmerged(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Intake__V1__HouseholdsUnmerged *ev = (const void *)event;
    if (ev->merge_id <= 0 || ev->household_id <= 0 || ev->restored_household_id <= 0 || ev->risk_score < 0 ||
        ev->risk_score > 100 || ev->restored_risk_score < 0 || ev->restored_risk_score > 100) {
        wh_log_warn("ignoring an unmerge without an id, two households or valid risk scores", "{s:I}",
                    "merge_id", (json_int_t)ev->merge_id);
        return 0;
    }
    int rc = case_store_unmerge(wh_ctx_db(ctx), ev->household_id, ev->restored_household_id, ev->risk_score,
                                ev->restored_risk_score);
    return rc < 0 ? rc : follow_unmerge(ctx, ev);
}

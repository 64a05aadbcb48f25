/*
 * handle_household.c — RegisterReporter, ResolveDuplicate (merges recorded, HouseholdsMerged),
 * UnmergeHouseholds (HouseholdsUnmerged), GetHousehold, GetReferral.
 */
#include <stdlib.h>
#include <string.h>

#include "intake.h"
#include "roster.h"
#include "wh/util.h"

int intake_handle_register_reporter(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__RegisterReporter *m = (const void *)req;
    if (!intake_utf8_ok(m->name, 1, 200))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "name", "name must be 1..200 bytes of UTF-8");
    if (!intake_channel_valid(m->channel))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "channel", "channel is required");
    Welfare__Intake__V1__RegisterReporterReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__intake__v1__register_reporter_reply__init(r);
    int rc = intake_store_insert_reporter(wh_ctx_db(ctx), m->name, m->channel, &r->reporter_id);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not register the reporter");
    *reply = &r->base;
    return 0;
}

/* NOT_FOUND for an unknown household, FAILED_PRECONDITION for one merged away already. */
static int check_live(wh_ctx *ctx, int64_t id, const char *field)
{
    int64_t merged_into = 0;
    int rc = intake_store_household_merged_into(wh_ctx_db(ctx), id, &merged_into);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, field,
                           rc == WH_NOT_FOUND ? "no such household" : "could not read household");
    if (merged_into)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, field, "household was merged into %lld",
                           (long long)merged_into);
    return 0;
}

static int emit_merged(wh_ctx *ctx, const intake_merge_result *mr, int64_t id, int64_t other,
                       const char *dong, const char *other_dong)
{
    Welfare__Intake__V1__HouseholdsMerged ev = WELFARE__INTAKE__V1__HOUSEHOLDS_MERGED__INIT;
    char today[11];
    wh_date_today(today);
    ev.merge_id = mr->merge_id;
    ev.household_id = id;
    ev.merged_household_id = other;
    ev.dong_code = (char *)dong;
    ev.merged_dong_code = (char *)(strcmp(dong, other_dong) == 0 ? "" : other_dong);
    ev.persons_moved = mr->persons_moved;
    ev.referrals_moved = mr->referrals_moved;
    ev.risk_score = mr->risk_score;
    ev.merged_on = today;
    return wh_ctx_emit(ctx, &ev.base);
}

/* Moves other's persons and referrals into id (recorded, so it can be undone); the moved persons'
 * targets follow them to id's dong; emits HouseholdsMerged. */
static int merge(wh_ctx *ctx, int64_t id, int64_t other, Welfare__Intake__V1__ResolveDuplicateReply *r)
{
    wh_db *db = wh_ctx_db(ctx);
    int64_t *moved = NULL, *members = NULL, merged_into = 0;
    size_t n_moved = 0, n_members = 0;
    char from_dong[16], to_dong[16];
    intake_merge_result mr = {0};
    int rc = intake_store_household_members(db, other, &moved, &n_moved, from_dong, &merged_into);
    if (rc == 0)
        rc = intake_store_household_members(db, id, &members, &n_members, to_dong, &merged_into);
    free(members);
    if (rc == 0)
        rc = intake_store_merge(db, id, other, &mr);
    if (rc < 0) {
        free(moved);
        return wh_ctx_fail(ctx, rc, NULL, "could not merge the households");
    }
    r->persons_moved = mr.persons_moved;
    r->referrals_moved = mr.referrals_moved;
    r->merge_id = mr.merge_id;
    intake_roster_moving mv = {other, id, from_dong, to_dong, moved, n_moved};
    rc = intake_roster_move(ctx, &mv);
    free(moved);
    if (rc == 0 && (rc = emit_merged(ctx, &mr, id, other, to_dong, from_dong)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not emit an event");
    return rc;
}

int intake_handle_resolve_duplicate(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__ResolveDuplicate *m = (const void *)req;
    if (m->household_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "household_id", "household_id is required");
    if (m->other_household_id <= 0 || m->other_household_id == m->household_id)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "other_household_id",
                           "other_household_id must be another household");
    if (m->resolution != WELFARE__INTAKE__V1__DUPLICATE_RESOLUTION__DUPLICATE_RESOLUTION_MERGE &&
        m->resolution != WELFARE__INTAKE__V1__DUPLICATE_RESOLUTION__DUPLICATE_RESOLUTION_KEEP_APART)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "resolution", "resolution is required");
    int rc;
    if ((rc = check_live(ctx, m->household_id, "household_id")) < 0 ||
        (rc = check_live(ctx, m->other_household_id, "other_household_id")) < 0)
        return rc;
    Welfare__Intake__V1__ResolveDuplicateReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__intake__v1__resolve_duplicate_reply__init(r);
    r->household_id = m->household_id;
    wh_db *db = wh_ctx_db(ctx);
    if (m->resolution == WELFARE__INTAKE__V1__DUPLICATE_RESOLUTION__DUPLICATE_RESOLUTION_MERGE &&
        (rc = merge(ctx, m->household_id, m->other_household_id, r)) < 0)
        return rc;
    if ((rc = intake_store_resolve(db, m->household_id, m->other_household_id, (int)m->resolution)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not record the resolution");
    *reply = &r->base;
    return 0;
}

static int emit_unmerged(wh_ctx *ctx, int64_t merge_id, int64_t id, int64_t other, const char *dong,
                         const char *other_dong, const intake_unmerge_result *u)
{
    Welfare__Intake__V1__HouseholdsUnmerged ev = WELFARE__INTAKE__V1__HOUSEHOLDS_UNMERGED__INIT;
    char today[11];
    wh_date_today(today);
    ev.merge_id = merge_id;
    ev.household_id = id;
    ev.restored_household_id = other;
    ev.dong_code = (char *)dong;
    ev.restored_dong_code = (char *)other_dong;
    ev.persons_moved = (int32_t)u->persons_moved;
    ev.referrals_moved = u->referrals_moved;
    ev.risk_score = u->risk_score;
    ev.restored_risk_score = u->restored_risk_score;
    ev.unmerged_on = today;
    return wh_ctx_emit(ctx, &ev.base);
}

/* The pair's merge (FAILED_PRECONDITION when there is none to undo) and both households' dongs. */
static int find_merge(wh_ctx *ctx, int64_t id, int64_t other, int64_t *merge_id, char dong[16],
                      char other_dong[16])
{
    wh_db *db = wh_ctx_db(ctx);
    int64_t *ids = NULL, merged_into = 0, other_into = 0;
    size_t n = 0;
    int rc = intake_store_household_members(db, other, &ids, &n, other_dong, &other_into);
    free(ids);
    ids = NULL;
    if (rc < 0 && rc != WH_FAILED_PRECONDITION) /* merged away: what an unmerge expects */
        return wh_ctx_fail(ctx, rc, "other_household_id",
                           rc == WH_NOT_FOUND ? "no such household" : "could not read the household");
    rc = intake_store_household_members(db, id, &ids, &n, dong, &merged_into);
    free(ids);
    if (rc == WH_FAILED_PRECONDITION)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "household_id",
                           "household was merged into %lld since: unmerge that first",
                           (long long)merged_into);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, "household_id",
                           rc == WH_NOT_FOUND ? "no such household" : "could not read the household");
    rc = intake_store_merge_live(db, id, other, merge_id);
    if (rc == WH_NOT_FOUND)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "other_household_id",
                           "other_household_id is not merged into household_id (never merged, or unmerged)");
    return rc < 0 ? wh_ctx_fail(ctx, rc, NULL, "could not read the merge") : 0;
}

int intake_handle_unmerge_households(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__UnmergeHouseholds *m = (const void *)req;
    if (m->household_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "household_id", "household_id is required");
    if (m->other_household_id <= 0 || m->other_household_id == m->household_id)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "other_household_id",
                           "other_household_id must be another household");
    int64_t merge_id = 0;
    char dong[16], other_dong[16];
    int rc = find_merge(ctx, m->household_id, m->other_household_id, &merge_id, dong, other_dong);
    if (rc < 0)
        return rc;
    Welfare__Intake__V1__UnmergeHouseholdsReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__intake__v1__unmerge_households_reply__init(r);
    wh_db *db = wh_ctx_db(ctx);
    intake_unmerge_result u;
    if ((rc = intake_store_unmerge(db, m->household_id, m->other_household_id, merge_id, &u)) < 0) {
        free(u.person_ids);
        return wh_ctx_fail(ctx, rc, NULL, "could not unmerge the households");
    }
    /* the persons' targets follow them back; the pair is kept apart (the operator said they differ) */
    intake_roster_moving mv = {m->household_id, m->other_household_id, dong,
                               other_dong,      u.person_ids,          u.persons_moved};
    rc = intake_roster_move(ctx, &mv);
    if (rc == 0 && (rc = intake_store_resolve(
                        db, m->household_id, m->other_household_id,
                        WELFARE__INTAKE__V1__DUPLICATE_RESOLUTION__DUPLICATE_RESOLUTION_KEEP_APART)) < 0)
        rc = wh_ctx_fail(ctx, rc, NULL, "could not record the resolution");
    if (rc == 0 &&
        (rc = emit_unmerged(ctx, merge_id, m->household_id, m->other_household_id, dong, other_dong, &u)) < 0)
        rc = wh_ctx_fail(ctx, rc, NULL, "could not emit an event");
    free(u.person_ids);
    if (rc < 0)
        return rc;
    r->merge_id = merge_id;
    r->persons_moved = (int32_t)u.persons_moved;
    r->referrals_moved = u.referrals_moved;
    *reply = &r->base;
    return 0;
}

int intake_handle_get_household(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__GetHousehold *m = (const void *)req;
    if (m->household_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "household_id", "household_id is required");
    Welfare__Intake__V1__GetHouseholdReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__intake__v1__get_household_reply__init(r);
    int rc = intake_store_get_household(ctx, m->household_id, &r->household);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, "household_id",
                           rc == WH_NOT_FOUND ? "no such household" : "could not read household");
    wh_ctx_audit_disclosure(ctx, "household:%lld", (long long)m->household_id); /* masked names, dates */
    *reply = &r->base;
    return 0;
}

int intake_handle_get_referral(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__GetReferral *m = (const void *)req;
    if (m->referral_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "referral_id", "referral_id is required");
    Welfare__Intake__V1__GetReferralReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__intake__v1__get_referral_reply__init(r);
    int rc = intake_store_get_referral(ctx, m->referral_id, &r->referral);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, "referral_id",
                           rc == WH_NOT_FOUND ? "no such referral" : "could not read referral");
    wh_ctx_audit_disclosure(ctx, "referral:%lld", (long long)m->referral_id); /* the concern in clear */
    *reply = &r->base;
    return 0;
}

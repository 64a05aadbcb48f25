/*
 * test_merge.c — a merge, then its unmerge, over the real bus (issue 16, "Merges are reversible"):
 *
 *   intake    two households of one run, ResolveDuplicate MERGE: the other's person and referral move,
 *             HouseholdsMerged; UnmergeHouseholds: they move back, HouseholdsUnmerged, both live
 *   case      follows: the merged household leaves its outreach (merged_into) and comes back
 *   reporting follows: three blind spots, two once two of them are merged, three again after the
 *             unmerge (QueryKpi of the dong's June; a blind spot is a household, not a referral)
 *   bad input an unmerge of households never merged, and the same unmerge twice: FAILED_PRECONDITION,
 *             nothing changed
 *
 * Dong "73…" of this run, persons 3730–3739.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "itest.h"
#include "welfare/intake/v1/events.pb-c.h"
#include "wh/status.h"

#define PERSON 3730
#define ON     "2026-06-03"

static bool merge_event(const Welfare__Bus__V1__Envelope *env, void *arg)
{
    const int64_t *merge_id = arg;
    Welfare__Intake__V1__HouseholdsMerged *e =
        welfare__intake__v1__households_merged__unpack(NULL, env->payload.len, env->payload.data);
    bool hit = e && e->merge_id == *merge_id && e->persons_moved == 1 && e->referrals_moved == 1;
    if (e)
        welfare__intake__v1__households_merged__free_unpacked(e, NULL);
    return hit;
}

static bool unmerge_event(const Welfare__Bus__V1__Envelope *env, void *arg)
{
    const int64_t *merge_id = arg;
    Welfare__Intake__V1__HouseholdsUnmerged *e =
        welfare__intake__v1__households_unmerged__unpack(NULL, env->payload.len, env->payload.data);
    bool hit = e && e->merge_id == *merge_id && e->persons_moved == 1 && e->referrals_moved == 1;
    if (e)
        welfare__intake__v1__households_unmerged__free_unpacked(e, NULL);
    return hit;
}

static int64_t submit(whc *c, const char *dong, int household)
{
    itest_referral r;
    itest_referral_init(&r, dong, household, PERSON + household, 1, ITEST_RISK_LOW, ON);
    Welfare__Intake__V1__SubmitReferralReply *reply = itest_submit(c, &r);
    int64_t id = reply->household_id;
    welfare__intake__v1__submit_referral_reply__free_unpacked(reply, NULL);
    return id;
}

/* Polls reporting's QueryKpi of the dong's June until it counts `want` blind spots (10 s). */
static int64_t blind_spots(const char *dong, int64_t want)
{
    const char *dongs[] = {dong};
    itest_kpi got = {0};
    for (int i = 0; i < 100; i++) {
        if (itest_kpi_query(dongs, 1, "2026-06-01", "2026-06-30", &got) == 0 && got.blind_spots == want)
            break;
        usleep(100 * 1000);
    }
    return got.blind_spots;
}

static int unmerge(whc *c, int64_t id, int64_t other, Welfare__Intake__V1__UnmergeHouseholdsReply **reply,
                   whc_error *err)
{
    Welfare__Intake__V1__UnmergeHouseholds u = WELFARE__INTAKE__V1__UNMERGE_HOUSEHOLDS__INIT;
    u.household_id = id;
    u.other_household_id = other;
    return whc_call(c, &u.base, &welfare__intake__v1__unmerge_households_reply__descriptor,
                    (ProtobufCMessage **)reply, err);
}

static void merge_then_unmerge(void **state)
{
    (void)state;
    char dong[11], a[24], b[24], n[24];
    snprintf(dong, sizeof dong, "73%08lld", (long long)itest_run_number());
    itest_dong_define(dong); /* intake refuses dongs routing has not defined */
    whc *intake = itest_client("intake");
    int64_t h1 = submit(intake, dong, 1), h2 = submit(intake, dong, 2), h3 = submit(intake, dong, 3);
    snprintf(a, sizeof a, "%lld", (long long)h1);
    snprintf(b, sizeof b, "%lld", (long long)h2);
    assert_int_equal(itest_wait_i64_params(2, 20,
                                           "SELECT count(*) FROM casework.household WHERE household_id IN "
                                           "($1::bigint, $2::bigint)",
                                           a, b, NULL),
                     2);
    assert_int_equal(blind_spots(dong, 3), 3);

    /* an unmerge of households never merged changes nothing */
    Welfare__Intake__V1__UnmergeHouseholdsReply *ur = NULL;
    whc_error err;
    assert_int_equal(unmerge(intake, h1, h3, &ur, &err), WH_FAILED_PRECONDITION);
    assert_string_equal(err.field, "other_household_id");

    Welfare__Intake__V1__ResolveDuplicate d = WELFARE__INTAKE__V1__RESOLVE_DUPLICATE__INIT;
    d.household_id = h1;
    d.other_household_id = h2;
    d.resolution = WELFARE__INTAKE__V1__DUPLICATE_RESOLUTION__DUPLICATE_RESOLUTION_MERGE;
    Welfare__Intake__V1__ResolveDuplicateReply *mr =
        (void *)itest_call(intake, &d.base, &welfare__intake__v1__resolve_duplicate_reply__descriptor);
    int64_t merge_id = mr->merge_id;
    assert_true(merge_id > 0);
    assert_int_equal(mr->persons_moved, 1);
    assert_int_equal(mr->referrals_moved, 1);
    welfare__intake__v1__resolve_duplicate_reply__free_unpacked(mr, NULL);
    assert_int_equal(
        itest_events_count("intake", "welfare.intake.v1.HouseholdsMerged", merge_event, &merge_id, NULL), 1);
    /* case follows: the merged household leaves the hub's outreach */
    assert_int_equal(itest_wait_i64_params(1, 20,
                                           "SELECT count(*) FROM casework.household WHERE household_id = "
                                           "$2::bigint AND merged_into = $1::bigint",
                                           a, b, NULL),
                     1);
    assert_int_equal(
        itest_sql_i64("SELECT count(*) FROM intake.person WHERE household_id = $1::bigint", a, NULL), 2);
    /* reporting follows: the two households are one blind spot */
    assert_int_equal(blind_spots(dong, 2), 2);

    assert_int_equal(unmerge(intake, h1, h2, &ur, &err), 0);
    assert_int_equal(ur->merge_id, merge_id);
    assert_int_equal(ur->persons_moved, 1);
    assert_int_equal(ur->referrals_moved, 1);
    welfare__intake__v1__unmerge_households_reply__free_unpacked(ur, NULL);
    assert_int_equal(
        itest_events_count("intake", "welfare.intake.v1.HouseholdsUnmerged", unmerge_event, &merge_id, NULL),
        1);
    assert_int_equal(
        itest_sql_i64("SELECT count(*) FROM intake.person WHERE household_id = $1::bigint", b, NULL), 1);
    assert_int_equal(
        itest_sql_i64("SELECT count(*) FROM intake.household WHERE id = $1::bigint AND merged_into IS "
                      "NULL AND referral_count = 1",
                      b, NULL),
        1);
    assert_int_equal(itest_wait_i64_params(1, 20,
                                           "SELECT count(*) FROM casework.household WHERE household_id = "
                                           "$1::bigint AND merged_into IS NULL",
                                           b, NULL),
                     1);
    assert_int_equal(blind_spots(dong, 3), 3);
    /* undone once: a second unmerge is refused and changes nothing */
    snprintf(n, sizeof n, "%lld", (long long)merge_id);
    assert_int_equal(unmerge(intake, h1, h2, &ur, &err), WH_FAILED_PRECONDITION);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.household_merge WHERE id = $1::bigint AND "
                                   "unmerged_at IS NOT NULL",
                                   n, NULL),
                     1);
    whc_close(&intake);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(merge_then_unmerge)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

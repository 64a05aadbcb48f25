/*
 * test_merge_cases.c — case and reporting follow a merge and its unmerge (issue 16): the merged
 * household's open case, and seed 004's KPIs of section 10 as reporting serves them (QueryKpi of
 * the dong's June), before, after the merges and after the unmerges.
 *
 *   four households of one run: 1, 2 and 3 at case-level risk (a case each), 4 low (no case)
 *   merge 2 into 1 (both with a case): case 2 is closed as merged (CaseClosed MERGED), folded into
 *             case 1 — the cases KPI counts one household, not two
 *   merge 3 into 4 (4 without a case): case 3 moves to household 4 (CaseMoved), the KPI unchanged
 *   the funnel follows: the merged households' referrals count as the kept ones' (one household each);
 *             routing drops the folded case's first visit and gives the moved case's to household 4
 *   unmerge both: case 2 reopened (CaseReopened) on household 2 with its first visit pending again in
 *             routing, case 3 back on household 3, the KPIs and the funnel as before
 *   bad input an unmerge of households never merged: FAILED_PRECONDITION, nothing changed
 *
 * Dong "77…" of this run, persons 3740–3749.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"
#include "welfare/case/v1/events.pb-c.h"
#include "welfare/intake/v1/events.pb-c.h"
#include "wh/status.h"

#define PERSON 3740
#define ON     "2026-06-03"
#define FROM   "2026-06-01"
#define TO     "2026-06-30"

typedef struct scene {
    char dong[11];
    const char *dongs[1];
    int64_t h[5];        /* households 1..4 */
    char id[5][24];      /* their ids as text, for SQL */
    char case_of[5][24]; /* the cases of 1..3 as text */
} scene;

static int64_t submit(whc *c, const char *dong, int household, int risk)
{
    itest_referral r;
    itest_referral_init(&r, dong, household, PERSON + household, 1, risk, ON);
    Welfare__Intake__V1__SubmitReferralReply *reply = itest_submit(c, &r);
    int64_t id = reply->household_id;
    welfare__intake__v1__submit_referral_reply__free_unpacked(reply, NULL);
    return id;
}

static void kpi_is(const scene *s, const itest_kpi *want, const char *when)
{
    itest_kpi got;
    if (!itest_kpi_wait(s->dongs, 1, FROM, TO, want, 30, &got))
        print_message("KPI %s:\n", when);
    itest_kpi_assert_equal(want, &got);
    print_message("KPI %s: %lld case households, %lld blind spots\n", when, (long long)got.case_households,
                  (long long)got.blind_spots);
}

static int64_t merge(whc *c, int64_t keep, int64_t other)
{
    Welfare__Intake__V1__ResolveDuplicate d = WELFARE__INTAKE__V1__RESOLVE_DUPLICATE__INIT;
    d.household_id = keep;
    d.other_household_id = other;
    d.resolution = WELFARE__INTAKE__V1__DUPLICATE_RESOLUTION__DUPLICATE_RESOLUTION_MERGE;
    Welfare__Intake__V1__ResolveDuplicateReply *r =
        (void *)itest_call(c, &d.base, &welfare__intake__v1__resolve_duplicate_reply__descriptor);
    int64_t id = r->merge_id;
    welfare__intake__v1__resolve_duplicate_reply__free_unpacked(r, NULL);
    return id;
}

static int unmerge(whc *c, int64_t keep, int64_t other, whc_error *err)
{
    Welfare__Intake__V1__UnmergeHouseholds u = WELFARE__INTAKE__V1__UNMERGE_HOUSEHOLDS__INIT;
    u.household_id = keep;
    u.other_household_id = other;
    Welfare__Intake__V1__UnmergeHouseholdsReply *reply = NULL;
    int rc = whc_call(c, &u.base, &welfare__intake__v1__unmerge_households_reply__descriptor,
                      (ProtobufCMessage **)&reply, err);
    if (reply)
        welfare__intake__v1__unmerge_households_reply__free_unpacked(reply, NULL);
    return rc;
}

/* Waits until case `k`'s row is household `h` with this status and close reason. */
static void case_is(const scene *s, int k, int h, const char *status, int reason)
{
    char r[8];
    snprintf(r, sizeof r, "%d", reason);
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM casework.cases WHERE id = $1::bigint AND "
                                           "household_id = $2::bigint AND status = $3 AND close_reason = "
                                           "$4::integer",
                                           s->case_of[k], s->id[h], status, r, NULL),
                     1);
}

/* The funnel's households of the run's dong: distinct households its referrals count as. */
static int64_t funnel_households(const scene *s, int64_t want)
{
    return itest_wait_i64_params(want, 30,
                                 "SELECT count(DISTINCT household_id) FROM reporting.funnel_referral WHERE "
                                 "dong_code = $1",
                                 s->dong, NULL);
}

static void setup_scene(scene *s, whc *intake)
{
    snprintf(s->dong, sizeof s->dong, "77%08lld", (long long)itest_run_number());
    s->dongs[0] = s->dong;
    itest_dong_define(s->dong);
    for (int k = 1; k <= 4; k++) {
        s->h[k] = submit(intake, s->dong, k, k < 4 ? ITEST_RISK_HIGH : ITEST_RISK_LOW);
        snprintf(s->id[k], sizeof s->id[k], "%lld", (long long)s->h[k]);
    }
    for (int k = 1; k <= 3; k++) {
        assert_int_equal(itest_wait_i64_params(1, 30,
                                               "SELECT count(*) FROM casework.cases WHERE household_id = "
                                               "$1::bigint AND status = 'open'",
                                               s->id[k], NULL),
                         1);
        snprintf(s->case_of[k], sizeof s->case_of[k], "%lld",
                 (long long)itest_sql_i64("SELECT id FROM casework.cases WHERE household_id = $1::bigint",
                                          s->id[k], NULL));
    }
}

static void cases_follow_merges(void **state)
{
    (void)state;
    scene s;
    whc *intake = itest_client("intake");
    setup_scene(&s, intake);
    itest_kpi before = {0};
    before.case_households = 3;
    before.blind_spots = 4;
    kpi_is(&s, &before, "before the merges");
    assert_int_equal(funnel_households(&s, 4), 4);

    whc_error err;
    assert_int_equal(unmerge(intake, s.h[1], s.h[4], &err), WH_FAILED_PRECONDITION); /* never merged */
    assert_string_equal(err.field, "other_household_id");

    assert_true(merge(intake, s.h[1], s.h[2]) > 0);
    assert_true(merge(intake, s.h[4], s.h[3]) > 0);
    case_is(&s, 2, 2, "closed", WELFARE__CASE__V1__CLOSE_REASON__CLOSE_REASON_MERGED);
    case_is(&s, 3, 4, "open", 0);
    case_is(&s, 1, 1, "open", 0);
    itest_kpi merged = before;
    merged.case_households = 2; /* case 2 folded into case 1; case 3 is household 4's now */
    merged.blind_spots = 2;     /* 1+2 and 3+4 are one household each */
    kpi_is(&s, &merged, "after the merges");
    assert_int_equal(funnel_households(&s, 2), 2);
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM reporting.funnel_case WHERE case_id = "
                                           "$1::bigint AND household_id = $2::bigint",
                                           s.case_of[3], s.id[4], NULL),
                     1);
    /* routing follows: the folded case's first visit dropped, the moved case's is household 4's */
    assert_int_equal(
        itest_wait_i64_params(1, 30,
                              "SELECT count(*) FROM routing.visit_request WHERE case_id = "
                              "$1::bigint AND status = 'dropped' AND dropped_reason = 'case merged'",
                              s.case_of[2], NULL),
        1);
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM routing.visit_request WHERE case_id = "
                                           "$1::bigint AND household_id = $2::bigint",
                                           s.case_of[3], s.id[4], NULL),
                     1);

    assert_int_equal(unmerge(intake, s.h[1], s.h[2], &err), 0);
    assert_int_equal(unmerge(intake, s.h[4], s.h[3], &err), 0);
    case_is(&s, 2, 2, "open", 0);
    case_is(&s, 3, 3, "open", 0);
    kpi_is(&s, &before, "after the unmerges");
    /* routing follows the reopen: the visit the fold dropped is pending again, household 2's */
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM routing.visit_request WHERE case_id = "
                                           "$1::bigint AND household_id = $2::bigint AND status = 'pending' "
                                           "AND dropped_reason IS NULL",
                                           s.case_of[2], s.id[2], NULL),
                     1);
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM routing.visit_request WHERE case_id = "
                                           "$1::bigint AND household_id = $2::bigint",
                                           s.case_of[3], s.id[3], NULL),
                     1);
    assert_int_equal(funnel_households(&s, 4), 4);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM casework.cases WHERE household_id IN ($1::bigint, "
                                   "$2::bigint, $3::bigint, $4::bigint) AND status = 'open'",
                                   s.id[1], s.id[2], s.id[3], s.id[4], NULL),
                     3);
    whc_close(&intake);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(cases_follow_merges)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

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
 *   the registry follows: case 2's two linkages, one STARTED on a resource of 2 units and one ACCEPTED
 *             on a resource of 1, end at the fold (capacity given back); household 1 takes the one
 *             unit of the second while merged
 *   unmerge both: case 2 reopened (CaseReopened) on household 2 with its first visit pending again in
 *             routing, case 3 back on household 3, the KPIs and the funnel as before; the registry puts
 *             the STARTED linkage back (restored, its unit taken again, counted once in the KPI) and
 *             leaves the other ended: its resource has no unit left
 *   bad input an unmerge of households never merged: FAILED_PRECONDITION, nothing changed
 *
 * Dong "77…" of this run, persons 3740–3749.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"
#include "welfare/case/v1/events.pb-c.h"
#include "welfare/intake/v1/events.pb-c.h"
#include "welfare/registry/v1/commands.pb-c.h"
#include "wh/status.h"
#include "wh/util.h"

#define PERSON 3740
#define ON     "2026-06-03"
#define FROM   "2026-06-01"
#define TO     "2026-06-30"
#define LINKED "2026-06-10"
#define FOUND  "2026-05-01" /* the resources' discovery, before the KPI's month */

typedef struct scene {
    char dong[11];
    const char *dongs[1];
    int64_t h[5];        /* households 1..4 */
    char id[5][24];      /* their ids as text, for SQL */
    char case_of[5][24]; /* the cases of 1..3 as text */
    int64_t resource[2]; /* of 2 units and of 1 */
    int64_t linkage[2];  /* case 2's: STARTED on resource 0, ACCEPTED on resource 1 */
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

static void kpi_between(const scene *s, const char *from, const char *to, const itest_kpi *want,
                        const char *when)
{
    itest_kpi got;
    if (!itest_kpi_wait(s->dongs, 1, from, to, want, 30, &got))
        print_message("KPI %s:\n", when);
    itest_kpi_assert_equal(want, &got);
    print_message("KPI %s: %lld case households, %lld blind spots, %lld linkages\n", when,
                  (long long)got.case_households, (long long)got.blind_spots, (long long)got.linkages);
}

static void kpi_is(const scene *s, const itest_kpi *want, const char *when)
{
    kpi_between(s, FROM, TO, want, when);
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

/* --- the registry's linkages of case 2 --------------------------------------------------------- */

static int64_t resource(whc *registry, const scene *s, int64_t provider, int capacity, const char *title)
{
    Welfare__Registry__V1__RegisterResource q = WELFARE__REGISTRY__V1__REGISTER_RESOURCE__INIT;
    q.provider_id = provider;
    q.domain = WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_CARE;
    q.kind = WELFARE__REGISTRY__V1__RESOURCE_KIND__RESOURCE_KIND_SERVICE;
    q.dong_code = (char *)s->dong;
    q.capacity = capacity;
    q.discovered_on = FOUND;
    q.title = (char *)title;
    Welfare__Registry__V1__RegisterResourceReply *r =
        (void *)itest_call(registry, &q.base, &welfare__registry__v1__register_resource_reply__descriptor);
    int64_t id = r->resource_id;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    return id;
}

static int64_t request_linkage(whc *registry, const scene *s, int h, int64_t case_id, int64_t resource_id)
{
    Welfare__Registry__V1__RequestServiceLinkage q = WELFARE__REGISTRY__V1__REQUEST_SERVICE_LINKAGE__INIT;
    q.household_id = s->h[h];
    q.case_id = case_id;
    q.kind = WELFARE__REGISTRY__V1__LINKAGE_KIND__LINKAGE_KIND_RESOURCE;
    q.resource_id = resource_id;
    q.domain = WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_CARE;
    q.requested_on = LINKED;
    Welfare__Registry__V1__RequestServiceLinkageReply *r = (void *)itest_call(
        registry, &q.base, &welfare__registry__v1__request_service_linkage_reply__descriptor);
    int64_t id = r->linkage_id;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    return id;
}

static void change_linkage(whc *registry, int64_t linkage, int state)
{
    Welfare__Registry__V1__ChangeServiceLinkage q = WELFARE__REGISTRY__V1__CHANGE_SERVICE_LINKAGE__INIT;
    q.linkage_id = linkage;
    q.state = state;
    q.changed_on = LINKED;
    protobuf_c_message_free_unpacked(
        itest_call(registry, &q.base, &welfare__registry__v1__change_service_linkage_reply__descriptor),
        NULL);
}

/* Case 2 (household 2) gets a linkage STARTED on a resource of 2 units and one ACCEPTED on a
 * resource of 1. */
static void link_case_2(whc *registry, scene *s)
{
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM registry.household WHERE household_id = "
                                           "$1::bigint",
                                           s->id[2], NULL),
                     1);
    Welfare__Registry__V1__RegisterProvider p = WELFARE__REGISTRY__V1__REGISTER_PROVIDER__INIT;
    char name[80];
    snprintf(name, sizeof name, "Itest Merge Meals %s", itest_run_id());
    p.name = name;
    p.kind = WELFARE__REGISTRY__V1__PROVIDER_KIND__PROVIDER_KIND_PRIVATE;
    p.dong_code = s->dong;
    Welfare__Registry__V1__RegisterProviderReply *r =
        (void *)itest_call(registry, &p.base, &welfare__registry__v1__register_provider_reply__descriptor);
    int64_t provider = r->provider_id;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    s->resource[0] = resource(registry, s, provider, 2, "meals delivered");
    s->resource[1] = resource(registry, s, provider, 1, "home help");
    int64_t case_2 = strtoll(s->case_of[2], NULL, 10);
    for (int i = 0; i < 2; i++)
        s->linkage[i] = request_linkage(registry, s, 2, case_2, s->resource[i]);
    change_linkage(registry, s->linkage[0], WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_STARTED);
    change_linkage(registry, s->linkage[1], WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_ACCEPTED);
}

/* Waits until linkage i is in this state with this outcome and its resource has `left` units. */
static void linkage_is(const scene *s, int i, int state, int outcome, int left)
{
    char id[24], res[24], st[8], out[8], n[8];
    snprintf(id, sizeof id, "%lld", (long long)s->linkage[i]);
    snprintf(res, sizeof res, "%lld", (long long)s->resource[i]);
    snprintf(st, sizeof st, "%d", state);
    snprintf(out, sizeof out, "%d", outcome);
    snprintf(n, sizeof n, "%d", left);
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM registry.service_linkage l JOIN "
                                           "registry.resource r ON r.id = l.resource_id WHERE l.id = "
                                           "$1::bigint AND r.id = $2::bigint AND l.state = $3::integer AND "
                                           "l.outcome = $4::integer AND r.remaining = $5::integer",
                                           id, res, st, out, n, NULL),
                     1);
}

static void cases_follow_merges(void **state)
{
    (void)state;
    scene s;
    whc *intake = itest_client("intake");
    whc *registry = itest_client("registry");
    setup_scene(&s, intake);
    link_case_2(registry, &s);
    const int STARTED = WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_STARTED;
    const int ACCEPTED = WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_ACCEPTED;
    const int ENDED = WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_ENDED;
    const int CASE_CLOSED = WELFARE__REGISTRY__V1__LINKAGE_OUTCOME__LINKAGE_OUTCOME_CASE_CLOSED;
    itest_kpi before = {0};
    before.case_households = 3;
    before.blind_spots = 4;
    before.linkages = 1; /* case 2's started one */
    kpi_is(&s, &before, "before the merges");
    assert_int_equal(funnel_households(&s, 4), 4);

    whc_error err;
    assert_int_equal(unmerge(intake, s.h[1], s.h[4], &err), WH_FAILED_PRECONDITION); /* never merged */
    assert_string_equal(err.field, "other_household_id");

    linkage_is(&s, 0, STARTED, 0, 1);
    linkage_is(&s, 1, ACCEPTED, 0, 0);

    assert_true(merge(intake, s.h[1], s.h[2]) > 0);
    assert_true(merge(intake, s.h[4], s.h[3]) > 0);
    case_is(&s, 2, 2, "closed", WELFARE__CASE__V1__CLOSE_REASON__CLOSE_REASON_MERGED);
    case_is(&s, 3, 4, "open", 0);
    case_is(&s, 1, 1, "open", 0);
    itest_kpi merged = before;
    merged.case_households = 2; /* case 2 folded into case 1; case 3 is household 4's now */
    merged.blind_spots = 2;     /* 1+2 and 3+4 are one household each */
    kpi_is(&s, &merged, "after the merges");
    /* the registry ends the folded case's linkages; household 1 takes the freed unit of resource 1 */
    linkage_is(&s, 0, ENDED, CASE_CLOSED, 2);
    linkage_is(&s, 1, ENDED, CASE_CLOSED, 1);
    assert_true(request_linkage(registry, &s, 1, 0, s.resource[1]) > 0);
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
    /* the registry follows the reopen: the started linkage back with its unit (not counted again:
     * the KPI's linkages stay 1), the accepted one ended (resource 1 has no unit left) */
    linkage_is(&s, 0, STARTED, 0, 1);
    linkage_is(&s, 1, ENDED, CASE_CLOSED, 0);
    assert_int_equal(itest_wait_i64_params(2, 30,
                                           "SELECT count(*) FROM registry.folded_linkage WHERE case_id = "
                                           "$1::bigint AND undone_on IS NOT NULL",
                                           s.case_of[2], NULL),
                     2);
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
    /* the restoring is dated today: from June to today the KPIs are June's (one linkage, not two) */
    assert_true(itest_wait_caught_up("reporting", "registry", 30));
    char today[11];
    wh_date_today(today);
    kpi_between(&s, FROM, today, &before, "from June to today, after the registry followed");
    whc_close(&registry);
    whc_close(&intake);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(cases_follow_merges)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

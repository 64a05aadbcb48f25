/*
 * test_flow.c — the end-to-end scenario through all five services over the real bus.
 *
 *   routing   a basic-type hub dong A and a sphere-type dong S served by A; four visiting staff at A
 *             (two privately employed)
 *   registry  a provider and three resources (two in A worth 500,000 + 300,000 KRW, a service in S)
 *   intake    five referrals: H1 (A, high risk, 2 persons), a second referral of H1 by another channel
 *             naming one of its persons (attached to H1), H2 (S, high risk), H3 (A, low risk, 3 persons),
 *             H4 (S, low risk, known to a programme)
 *   case      opens and assigns a case for H1 and H2 (risk 64 ≥ 50) and requests their first visits;
 *             assessments request three linkages, which the registry fills
 *   routing   PlanDay places both first visits; one is completed, one missed and placed again on a
 *             later day and completed; a joint visit (case manager + visiting nurse) for H2 is
 *             planned with two staff at one time and completed
 *   reporting QueryKpi for {A, S}, for A and for S returns exactly those counts
 *
 * Every dong code and person is unique to the run (itest_run_id), so the test can run again against a
 * kept stack.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"
#include "welfare/case/v1/commands.pb-c.h"
#include "welfare/registry/v1/commands.pb-c.h"
#include "welfare/routing/v1/commands.pb-c.h"

#define FROM "2026-05-01"
#define TO   "2026-05-31"

#define ROLE(x)       WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_##x
#define EMPLOYMENT(x) WELFARE__COMMON__V1__EMPLOYMENT__EMPLOYMENT_##x
#define DOMAIN(x)     WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_##x
#define SEVERITY(x)   WELFARE__COMMON__V1__SEVERITY__SEVERITY_##x

typedef struct scenario {
    char a[11], s[11]; /* the hub's dong, the sphere-type dong it serves */
    whc *intake, *kase, *registry, *routing;
    int64_t staff[4];
    int64_t household[4]; /* H1..H4 */
    int64_t case_h1, case_h2;
} scenario;

static scenario sc;

/* --- routing: dongs and staff ------------------------------------------------------------------- */

static int64_t register_staff(const char *name, int role, int employment)
{
    Welfare__Routing__V1__RegisterStaff q = WELFARE__ROUTING__V1__REGISTER_STAFF__INIT;
    q.name = (char *)name;
    q.role = role;
    q.employment = employment;
    q.hub_dong_code = sc.a;
    q.shift_start_minute = 9 * 60;
    q.shift_end_minute = 18 * 60;
    q.active_from = FROM;
    Welfare__Routing__V1__RegisterStaffReply *r = (Welfare__Routing__V1__RegisterStaffReply *)itest_call(
        sc.routing, &q.base, &welfare__routing__v1__register_staff_reply__descriptor);
    int64_t id = r->staff_id;
    assert_true(id > 0);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    return id;
}

static void set_up_routing(void)
{
    itest_dong_define_as(sc.a, "Itest hub dong", WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_BASIC, sc.a, 35.150,
                         129.110);
    itest_dong_define_as(sc.s, "Itest sphere dong", WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_SPHERE, sc.a,
                         35.156, 129.116);
    sc.staff[0] = register_staff("Itest Manager One", ROLE(CASE_MANAGER), EMPLOYMENT(PUBLIC));
    sc.staff[1] = register_staff("Itest Manager Two", ROLE(CASE_MANAGER), EMPLOYMENT(PRIVATE));
    sc.staff[2] = register_staff("Itest Official", ROLE(WELFARE_OFFICIAL), EMPLOYMENT(PUBLIC));
    sc.staff[3] = register_staff("Itest Nurse", ROLE(VISITING_NURSE), EMPLOYMENT(PRIVATE));
}

/* --- registry: a provider and its resources --------------------------------------------------------- */

static void register_resource(int64_t provider, int domain, int kind, const char *dong, int capacity,
                              int64_t amount, const char *on, const char *title)
{
    Welfare__Registry__V1__RegisterResource q = WELFARE__REGISTRY__V1__REGISTER_RESOURCE__INIT;
    q.provider_id = provider;
    q.domain = domain;
    q.kind = kind;
    q.dong_code = (char *)dong;
    q.capacity = capacity;
    q.amount_krw = amount;
    q.discovered_on = (char *)on;
    q.title = (char *)title;
    q.eligibility_notes = "households assessed by the hub";
    ProtobufCMessage *r =
        itest_call(sc.registry, &q.base, &welfare__registry__v1__register_resource_reply__descriptor);
    assert_true(((Welfare__Registry__V1__RegisterResourceReply *)r)->resource_id > 0);
    protobuf_c_message_free_unpacked(r, NULL);
}

static void set_up_registry(void)
{
    Welfare__Registry__V1__RegisterProvider p = WELFARE__REGISTRY__V1__REGISTER_PROVIDER__INIT;
    char name[80];
    snprintf(name, sizeof name, "Itest Foundation %s", itest_run_id());
    p.name = name;
    p.kind = WELFARE__REGISTRY__V1__PROVIDER_KIND__PROVIDER_KIND_PRIVATE;
    p.has_mou = true;
    p.dong_code = sc.a;
    Welfare__Registry__V1__RegisterProviderReply *r =
        (Welfare__Registry__V1__RegisterProviderReply *)itest_call(
            sc.registry, &p.base, &welfare__registry__v1__register_provider_reply__descriptor);
    int64_t provider = r->provider_id;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    register_resource(provider, DOMAIN(INCOME), WELFARE__REGISTRY__V1__RESOURCE_KIND__RESOURCE_KIND_MONEY,
                      sc.a, 10, 500000, "2026-05-02", "emergency living grant");
    register_resource(provider, DOMAIN(HOUSING), WELFARE__REGISTRY__V1__RESOURCE_KIND__RESOURCE_KIND_GOODS,
                      sc.a, 3, 300000, "2026-05-03", "winter heating oil");
    register_resource(provider, DOMAIN(HEALTH), WELFARE__REGISTRY__V1__RESOURCE_KIND__RESOURCE_KIND_SERVICE,
                      sc.s, 5, 0, "2026-05-03", "home nursing");
}

/* --- intake: referrals ---------------------------------------------------------------------------- */

static Welfare__Intake__V1__SubmitReferralReply *refer(const char *dong, int household, int first_person,
                                                       int n_persons, int risk, const char *on,
                                                       bool known_to_programme, int channel)
{
    itest_referral r;
    itest_referral_init(&r, dong, household, first_person, n_persons, risk, on);
    r.household.known_to_programme = known_to_programme;
    r.req.channel = channel;
    return itest_submit(sc.intake, &r);
}

static void expect_referral(Welfare__Intake__V1__SubmitReferralReply *r, bool is_new, int persons_added,
                            bool blind_spot, int64_t *household)
{
    assert_int_equal(r->is_new, is_new);
    assert_int_equal(r->persons_added, persons_added);
    assert_int_equal(r->blind_spot, blind_spot);
    if (*household == 0)
        *household = r->household_id;
    assert_int_equal(r->household_id, *household);
    protobuf_c_message_free_unpacked(&r->base, NULL);
}

static void submit_referrals(void)
{
    const int SAFETY = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SAFETY_NET;
    const int SURVEY = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SURVEY;
    Welfare__Intake__V1__SubmitReferralReply *r;

    r = refer(sc.a, 1, 0, 2, ITEST_RISK_HIGH, "2026-05-04", false, SAFETY);
    assert_int_equal(r->risk_score, 64); /* 12 alone + 10 aged + 3 × 6 utility + 3 × 8 rent */
    expect_referral(r, true, 2, true, &sc.household[0]);
    /* H1 again, weeks later, by a survey that knows only its first person: the same household */
    r = refer(sc.a, 1, 0, 1, ITEST_RISK_HIGH, "2026-05-20", false, SURVEY);
    expect_referral(r, false, 0, false, &sc.household[0]);
    r = refer(sc.s, 2, 2, 1, ITEST_RISK_HIGH, "2026-05-04", false, SAFETY);
    expect_referral(r, true, 1, true, &sc.household[1]);
    r = refer(sc.a, 3, 3, 3, ITEST_RISK_LOW, "2026-05-04", false, SAFETY);
    assert_int_equal(r->risk_score, 10);
    expect_referral(r, true, 3, true, &sc.household[2]);
    r = refer(sc.s, 4, 6, 1, ITEST_RISK_LOW, "2026-05-05", true, SURVEY);
    expect_referral(r, true, 1, false, &sc.household[3]);
    char h1[24];
    snprintf(h1, sizeof h1, "%lld", (long long)sc.household[0]);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.referral WHERE household_id = $1", h1, NULL),
                     2);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.person WHERE household_id = $1", h1, NULL),
                     2);
}

/* --- case: cases, assignment, assessments, linkages ---------------------------------------------- */

static Welfare__Case__V1__ListCasesReply *list_cases(const char *dong)
{
    Welfare__Case__V1__ListCases q = WELFARE__CASE__V1__LIST_CASES__INIT;
    q.dong_code = (char *)dong;
    return (Welfare__Case__V1__ListCasesReply *)itest_call(sc.kase, &q.base,
                                                           &welfare__case__v1__list_cases_reply__descriptor);
}

static bool is_case_worker(int64_t staff_id)
{
    return staff_id == sc.staff[0] || staff_id == sc.staff[1] || staff_id == sc.staff[2];
}

/* The one case of a dong's household, opened from the referral and assigned to one of A's workers. */
static int64_t expect_one_case(const char *dong, int64_t household)
{
    assert_int_equal(
        itest_wait_i64_params(1, 30, "SELECT count(*) FROM casework.cases WHERE dong_code = $1", dong, NULL),
        1);
    Welfare__Case__V1__ListCasesReply *r = list_cases(dong);
    assert_int_equal(r->n_cases, 1);
    const Welfare__Case__V1__CaseSummary *c = r->cases[0];
    assert_int_equal(c->household_id, household);
    assert_string_equal(c->hub_dong_code, sc.a);
    assert_int_equal(c->status, WELFARE__CASE__V1__CASE_STATUS__CASE_STATUS_OPEN);
    assert_string_equal(c->opened_on, "2026-05-04");
    assert_true(is_case_worker(c->staff_id));
    int64_t id = c->case_id;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    return id;
}

static void assess(int64_t case_id, int d1, int s1, int d2, int s2, size_t linkages_expected)
{
    Welfare__Case__V1__AssessNeeds q = WELFARE__CASE__V1__ASSESS_NEEDS__INIT;
    Welfare__Case__V1__Need n1 = WELFARE__CASE__V1__NEED__INIT, n2 = WELFARE__CASE__V1__NEED__INIT;
    Welfare__Case__V1__Need *needs[] = {&n1, &n2};
    n1.domain = d1;
    n1.severity = s1;
    n2.domain = d2;
    n2.severity = s2;
    q.case_id = case_id;
    q.needs = needs;
    q.n_needs = 2;
    q.assessed_on = "2026-05-07";
    Welfare__Case__V1__AssessNeedsReply *r = (Welfare__Case__V1__AssessNeedsReply *)itest_call(
        sc.kase, &q.base, &welfare__case__v1__assess_needs_reply__descriptor);
    assert_true(r->assessment_id > 0);
    assert_int_equal(r->n_linkage_ids, linkages_expected);
    protobuf_c_message_free_unpacked(&r->base, NULL);
}

static void expect_linkages_completed(int64_t case_id, size_t n)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)case_id);
    assert_int_equal(
        itest_wait_i64_params((int64_t)n, 30,
                              "SELECT count(*) FROM casework.linkage WHERE case_id = $1 AND status = "
                              "'completed'",
                              id, NULL),
        (int64_t)n);
    Welfare__Case__V1__GetCase q = WELFARE__CASE__V1__GET_CASE__INIT;
    q.case_id = case_id;
    Welfare__Case__V1__GetCaseReply *r = (Welfare__Case__V1__GetCaseReply *)itest_call(
        sc.kase, &q.base, &welfare__case__v1__get_case_reply__descriptor);
    assert_int_equal(r->n_linkages, n);
    for (size_t i = 0; i < r->n_linkages; i++) {
        assert_int_equal(r->linkages[i]->status, WELFARE__CASE__V1__LINKAGE_STATUS__LINKAGE_STATUS_COMPLETED);
        assert_true(r->linkages[i]->resource_id > 0);
        assert_string_equal(r->linkages[i]->completed_on, "2026-05-07");
    }
    protobuf_c_message_free_unpacked(&r->base, NULL);
}

static void work_cases(void)
{
    sc.case_h1 = expect_one_case(sc.a, sc.household[0]);
    sc.case_h2 = expect_one_case(sc.s, sc.household[1]);
    /* H1: income moderate → one linkage; health low → none */
    assess(sc.case_h1, DOMAIN(INCOME), SEVERITY(MODERATE), DOMAIN(HEALTH), SEVERITY(LOW), 1);
    /* H2: housing high, health moderate → two linkages (goods from A's sphere, the service in S) */
    assess(sc.case_h2, DOMAIN(HOUSING), SEVERITY(HIGH), DOMAIN(HEALTH), SEVERITY(MODERATE), 2);
    expect_linkages_completed(sc.case_h1, 1);
    expect_linkages_completed(sc.case_h2, 2);
}

/* --- routing: plans and outcomes ------------------------------------------------------------------ */

static Welfare__Routing__V1__PlanDayReply *plan_day(const char *date, int placed)
{
    Welfare__Routing__V1__PlanDay q = WELFARE__ROUTING__V1__PLAN_DAY__INIT;
    q.hub_dong_code = sc.a;
    q.date = (char *)date;
    Welfare__Routing__V1__PlanDayReply *r = (Welfare__Routing__V1__PlanDayReply *)itest_call(
        sc.routing, &q.base, &welfare__routing__v1__plan_day_reply__descriptor);
    assert_true(r->plan->planned);
    assert_int_equal(r->plan->n_unplaced, 0);
    assert_int_equal(r->placed, placed);
    return r;
}

/* The planned stops of a day, each with its case, into visits (up to n). */
typedef struct stop_ref {
    int64_t visit_id, case_id;
    size_t n_staff;
} stop_ref;

static size_t stops_of(const Welfare__Routing__V1__PlanDayReply *r, stop_ref *out, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < r->plan->n_routes; i++)
        for (size_t j = 0; j < r->plan->routes[i]->n_stops; j++) {
            const Welfare__Routing__V1__Stop *s = r->plan->routes[i]->stops[j];
            bool seen = false;
            for (size_t m = 0; m < k; m++)
                seen = seen || out[m].visit_id == s->visit_id; /* a joint visit is in several routes */
            if (!seen && k < n)
                out[k++] = (stop_ref){s->visit_id, s->case_id, s->n_staff_ids};
        }
    return k;
}

static void record_outcome(int64_t visit_id, bool completed)
{
    Welfare__Routing__V1__RecordVisitOutcome q = WELFARE__ROUTING__V1__RECORD_VISIT_OUTCOME__INIT;
    q.visit_id = visit_id;
    q.outcome = completed ? WELFARE__ROUTING__V1__VISIT_OUTCOME__VISIT_OUTCOME_COMPLETED
                          : WELFARE__ROUTING__V1__VISIT_OUTCOME__VISIT_OUTCOME_MISSED;
    if (!completed)
        q.miss_reason = WELFARE__ROUTING__V1__MISS_REASON__MISS_REASON_NOBODY_HOME;
    Welfare__Routing__V1__RecordVisitOutcomeReply *r =
        (Welfare__Routing__V1__RecordVisitOutcomeReply *)itest_call(
            sc.routing, &q.base, &welfare__routing__v1__record_visit_outcome_reply__descriptor);
    assert_int_equal(r->request_status,
                     completed ? WELFARE__ROUTING__V1__VISIT_REQUEST_STATUS__VISIT_REQUEST_STATUS_COMPLETED
                               : WELFARE__ROUTING__V1__VISIT_REQUEST_STATUS__VISIT_REQUEST_STATUS_PENDING);
    protobuf_c_message_free_unpacked(&r->base, NULL);
}

static void request_joint_visit(int64_t case_id)
{
    Welfare__Case__V1__RequestVisit q = WELFARE__CASE__V1__REQUEST_VISIT__INIT;
    Welfare__Common__V1__StaffRole roles[] = {ROLE(CASE_MANAGER), ROLE(VISITING_NURSE)};
    q.case_id = case_id;
    q.roles = roles;
    q.n_roles = 2;
    q.duration_minutes = 60;
    q.earliest_on = "2026-05-11";
    q.latest_on = "2026-05-15";
    Welfare__Case__V1__RequestVisitReply *r = (Welfare__Case__V1__RequestVisitReply *)itest_call(
        sc.kase, &q.base, &welfare__case__v1__request_visit_reply__descriptor);
    assert_true(r->joint);
    protobuf_c_message_free_unpacked(&r->base, NULL);
}

static void pending_visits_reach(int n)
{
    assert_int_equal(
        itest_wait_i64_params(n, 30,
                              "SELECT count(*) FROM routing.visit_request WHERE hub_dong_code = $1 "
                              "AND status = 'pending'",
                              sc.a, NULL),
        n);
}

static void plan_and_visit(void)
{
    stop_ref stops[4];
    /* day 1: both first visits (requested when the cases opened) */
    pending_visits_reach(2);
    Welfare__Routing__V1__PlanDayReply *r = plan_day("2026-05-08", 2);
    assert_int_equal(stops_of(r, stops, 4), 2);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    int h1 = stops[0].case_id == sc.case_h1 ? 0 : 1;
    assert_int_equal(stops[h1].case_id, sc.case_h1);
    assert_int_equal(stops[1 - h1].case_id, sc.case_h2);
    record_outcome(stops[h1].visit_id, true);
    record_outcome(stops[1 - h1].visit_id, false); /* nobody home: pending again */

    /* day 2: H2's first visit again, and a joint visit for H2 */
    request_joint_visit(sc.case_h2);
    pending_visits_reach(2);
    r = plan_day("2026-05-11", 2);
    assert_int_equal(stops_of(r, stops, 4), 2);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    int joint = 0;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(stops[i].case_id, sc.case_h2);
        joint += stops[i].n_staff == 2;
        record_outcome(stops[i].visit_id, true);
    }
    assert_int_equal(joint, 1);
}

/* --- reporting ------------------------------------------------------------------------------------- */

static void expect_kpi(const char *const *dongs, size_t n, const itest_kpi *want)
{
    itest_kpi got;
    itest_kpi_wait(dongs, n, FROM, TO, want, 30, &got);
    itest_kpi_assert_equal(want, &got);
}

static void expect_kpi_table(void)
{
    const char *both[] = {sc.a, sc.s}, *only_a[] = {sc.a}, *only_s[] = {sc.s};
    /* targets are the roster's stock (test_roster.c); referrals enrol nobody */
    itest_kpi total = {.targets = 0,
                       .personnel = 4,
                       .personnel_private = 2,
                       .case_households = 2,
                       .blind_spots = 3,
                       .site_visits = 3,
                       .linkages = 3,
                       .resources = 3,
                       .resource_amount_krw = 800000};
    itest_kpi a = {.targets = 0,
                   .personnel = 4,
                   .personnel_private = 2,
                   .case_households = 1,
                   .blind_spots = 2,
                   .site_visits = 1,
                   .linkages = 1,
                   .resources = 2,
                   .resource_amount_krw = 800000};
    /* personnel belong to their hub's dong: the sphere dong S counts none of A's staff */
    itest_kpi s = {.targets = 0,
                   .personnel = 0,
                   .personnel_private = 0,
                   .case_households = 1,
                   .blind_spots = 1,
                   .site_visits = 2,
                   .linkages = 2,
                   .resources = 1,
                   .resource_amount_krw = 0};
    expect_kpi(both, 2, &total);
    expect_kpi(only_a, 1, &a);
    expect_kpi(only_s, 1, &s);
    /* the period matters: nothing of it happened in April */
    itest_kpi april = {.personnel = 0}, got;
    assert_int_equal(itest_kpi_query(both, 2, "2026-04-01", "2026-04-30", &got), 0);
    itest_kpi_assert_equal(&april, &got);
}

static void end_to_end(void **state)
{
    (void)state;
    itest_dong_code(sc.a, 5);
    itest_dong_code(sc.s, 6);
    sc.intake = itest_client("intake");
    sc.kase = itest_client("case");
    sc.registry = itest_client("registry");
    sc.routing = itest_client("routing");

    set_up_routing();
    set_up_registry();
    /* case must know the dongs and workers, registry the sphere, before the referrals arrive */
    assert_true(itest_wait_caught_up("casework", "routing", 30));
    assert_true(itest_wait_caught_up("registry", "routing", 30));
    submit_referrals();
    work_cases();
    plan_and_visit();
    expect_kpi_table();

    whc_close(&sc.intake);
    whc_close(&sc.kase);
    whc_close(&sc.registry);
    whc_close(&sc.routing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(end_to_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

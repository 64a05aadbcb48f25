/*
 * test_discovery.c — surveys and the human safety net from intake to reporting, over the real bus.
 *
 *   routing   a basic-type hub dong A and a sphere-type dong B it serves; a case manager at A
 *   intake    200 households (120 in A, 80 in B); a survey of over-60s living alone in A and B over
 *             January–July 2026, its list imported in two blocks (one repeats 10 households), a
 *             result for each: 120 no need, 40 need (2 linkages and KRW 50,000 each, every 4th
 *             selected for case management), 20 not reachable, 20 refused; one need recorded again
 *             with 3 linkages (it replaces the first)
 *   bad input a result for a household not on the list, for an unknown survey, an unknown outcome:
 *             typed errors, reporting's figures unchanged
 *   reporting QuerySurveys of A and B over 2026 equals intake's GetSurveyResults and the plan above;
 *             of A alone, its 120 households; before the survey, no survey
 *   intake    a discovery member of A reports a household at high risk: case opens it, the member is
 *             credited (MemberCredited); a visiting member looks in on another household: seen well,
 *             not seen, not seen (a referral), concern (a referral)
 *   reporting QuerySafetyNet of A per member and per team; an agency is refused it
 *
 * Dongs "78…" and "79…" of this run, persons 1400–1620.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"
#include "welfare/intake/v1/safety_net.pb-c.h"
#include "welfare/intake/v1/survey.pb-c.h"
#include "welfare/reporting/v1/discovery.pb-c.h"
#include "welfare/routing/v1/commands.pb-c.h"
#include "wh/status.h"

#define PERSON     1400
#define HOUSEHOLDS 200
#define IN_A       120
#define OUTCOME(x) WELFARE__INTAKE__V1__SURVEY_OUTCOME__SURVEY_OUTCOME_##x
#define TEAM(x)    WELFARE__INTAKE__V1__SAFETY_NET_TEAM__SAFETY_NET_TEAM_##x
#define CHECK(x)   WELFARE__INTAKE__V1__CHECK_IN_OUTCOME__CHECK_IN_OUTCOME_##x

static struct {
    char a[11], b[11];
    whc *intake, *routing, *reporting;
    int64_t households[HOUSEHOLDS];
    int64_t survey;
    int64_t discoverer, visitor, visitor_reporter, discoverer_reporter;
} sc;

/* --- the district ------------------------------------------------------------------------------- */

static void define_dong(const char *code, const char *hub, int hub_type)
{
    Welfare__Routing__V1__DefineDong d = WELFARE__ROUTING__V1__DEFINE_DONG__INIT;
    Welfare__Common__V1__GeoPoint centre = WELFARE__COMMON__V1__GEO_POINT__INIT;
    centre.latitude = 35.162;
    centre.longitude = 129.118;
    d.dong_code = (char *)code;
    d.name = "Itest discovery dong";
    d.hub_type = hub_type;
    d.hub_dong_code = (char *)hub;
    d.centre = &centre;
    protobuf_c_message_free_unpacked(
        itest_call(sc.routing, &d.base, &welfare__routing__v1__define_dong_reply__descriptor), NULL);
}

static void set_up(void)
{
    define_dong(sc.a, sc.a, WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_BASIC);
    define_dong(sc.b, sc.a, WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_SPHERE);
    /* intake refuses a referral naming a dong it has not applied yet (dongs.c) */
    assert_true(itest_wait_caught_up("intake", "routing", 30));
    Welfare__Routing__V1__RegisterStaff s = WELFARE__ROUTING__V1__REGISTER_STAFF__INIT;
    s.name = "Itest discovery case manager";
    s.role = WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_CASE_MANAGER;
    s.employment = WELFARE__COMMON__V1__EMPLOYMENT__EMPLOYMENT_PUBLIC;
    s.hub_dong_code = sc.a;
    s.shift_start_minute = 9 * 60;
    s.shift_end_minute = 18 * 60;
    s.active_from = "2026-01-01";
    protobuf_c_message_free_unpacked(
        itest_call(sc.routing, &s.base, &welfare__routing__v1__register_staff_reply__descriptor), NULL);
    for (int i = 0; i < HOUSEHOLDS; i++) {
        itest_referral r;
        itest_referral_init(&r, i < IN_A ? sc.a : sc.b, PERSON + i, PERSON + i, 1, ITEST_RISK_LOW,
                            "2026-01-02");
        Welfare__Intake__V1__SubmitReferralReply *h = itest_submit(sc.intake, &r);
        sc.households[i] = h->household_id;
        protobuf_c_message_free_unpacked(&h->base, NULL);
    }
    /* reporting knows A and B before it is asked about them */
    assert_true(itest_wait_caught_up("reporting", "routing", 30));
}

/* --- the survey --------------------------------------------------------------------------------- */

static void create_survey(void)
{
    Welfare__Intake__V1__CreateSurvey c = WELFARE__INTAKE__V1__CREATE_SURVEY__INIT;
    char *dongs[] = {sc.a, sc.b};
    char name[80];
    snprintf(name, sizeof name, "2026 over-60s living alone %s", itest_run_id());
    c.name = name;
    c.target_group = "seniors_living_alone";
    c.dong_codes = dongs;
    c.n_dong_codes = 2;
    c.start_on = "2026-01-05";
    c.end_on = "2026-07-31";
    Welfare__Intake__V1__CreateSurveyReply *r =
        (void *)itest_call(sc.intake, &c.base, &welfare__intake__v1__create_survey_reply__descriptor);
    sc.survey = r->survey_id;
    protobuf_c_message_free_unpacked(&r->base, NULL);
}

static void list_block(int from, int n, int want_added, int want_listed)
{
    Welfare__Intake__V1__AddSurveyHouseholds a = WELFARE__INTAKE__V1__ADD_SURVEY_HOUSEHOLDS__INIT;
    a.survey_id = sc.survey;
    a.household_ids = &sc.households[from];
    a.n_household_ids = (size_t)n;
    Welfare__Intake__V1__AddSurveyHouseholdsReply *r =
        (void *)itest_call(sc.intake, &a.base, &welfare__intake__v1__add_survey_households_reply__descriptor);
    assert_int_equal(r->added, want_added);
    assert_int_equal(r->already_listed, want_listed);
    assert_int_equal(r->n_errors, 0);
    protobuf_c_message_free_unpacked(&r->base, NULL);
}

/* The plan: i % 10 of 0..5 no need, 6..7 need, 8 not reachable, 9 refused. */
static void result_of(int i, Welfare__Intake__V1__RecordSurveyResult *m)
{
    static const int outcomes[10] = {
        OUTCOME(NO_NEED), OUTCOME(NO_NEED), OUTCOME(NO_NEED), OUTCOME(NO_NEED),       OUTCOME(NO_NEED),
        OUTCOME(NO_NEED), OUTCOME(NEED),    OUTCOME(NEED),    OUTCOME(NOT_REACHABLE), OUTCOME(REFUSED)};
    welfare__intake__v1__record_survey_result__init(m);
    m->survey_id = sc.survey;
    m->household_id = sc.households[i];
    m->outcome = outcomes[i % 10];
    m->surveyed_on = i % 2 ? "2026-03-10" : "2026-06-20";
    if (m->outcome == OUTCOME(NEED)) {
        m->concern = "lives alone, no heating since winter";
        m->service_linkages = 2;
        m->support_krw = 50000;
        m->selected_for_case_management = (i / 10) % 4 == 0;
    }
}

static void record(const Welfare__Intake__V1__RecordSurveyResult *m)
{
    protobuf_c_message_free_unpacked(
        itest_call(sc.intake, &m->base, &welfare__intake__v1__record_survey_result_reply__descriptor), NULL);
}

static void survey(void)
{
    create_survey();
    list_block(0, 150, 150, 0);
    list_block(140, 60, 50, 10); /* 140..149 are listed already */
    for (int i = 0; i < HOUSEHOLDS; i++) {
        Welfare__Intake__V1__RecordSurveyResult m;
        result_of(i, &m);
        record(&m);
    }
    Welfare__Intake__V1__RecordSurveyResult again;
    result_of(6, &again); /* a need, recorded again: 3 linkages instead of 2 */
    again.service_linkages = 3;
    record(&again);
}

static void survey_refusals(void)
{
    Welfare__Intake__V1__RecordSurveyResult m;
    itest_referral r;
    itest_referral_init(&r, sc.a, PERSON + 210, PERSON + 210, 1, ITEST_RISK_LOW, "2026-01-02");
    Welfare__Intake__V1__SubmitReferralReply *h = itest_submit(sc.intake, &r);
    result_of(0, &m);
    m.household_id = h->household_id; /* not on the list */
    protobuf_c_message_free_unpacked(&h->base, NULL);
    itest_expect_error(sc.intake, &m.base, &welfare__intake__v1__record_survey_result_reply__descriptor,
                       WH_FAILED_PRECONDITION, "household_id");
    result_of(0, &m);
    m.survey_id = sc.survey + 1000000;
    itest_expect_error(sc.intake, &m.base, &welfare__intake__v1__record_survey_result_reply__descriptor,
                       WH_NOT_FOUND, "survey_id");
    result_of(0, &m);
    m.outcome = 9;
    itest_expect_error(sc.intake, &m.base, &welfare__intake__v1__record_survey_result_reply__descriptor,
                       WH_INVALID_ARGUMENT, "outcome");
}

static Welfare__Reporting__V1__QuerySurveysReply *query_surveys(char **dongs, size_t n, const char *from_on,
                                                                const char *to_on)
{
    Welfare__Reporting__V1__QuerySurveys q = WELFARE__REPORTING__V1__QUERY_SURVEYS__INIT;
    Welfare__Reporting__V1__KpiSelection sel = WELFARE__REPORTING__V1__KPI_SELECTION__INIT;
    sel.dong_codes = dongs;
    sel.n_dong_codes = n;
    sel.from_on = (char *)from_on;
    sel.to_on = (char *)to_on;
    q.selection = &sel;
    return (void *)itest_call(sc.reporting, &q.base,
                              &welfare__reporting__v1__query_surveys_reply__descriptor);
}

/* This run's survey among the reply's rows (other programs' surveys may be there too), or NULL. */
static const Welfare__Reporting__V1__SurveyFigures *
our_survey(const Welfare__Reporting__V1__QuerySurveysReply *r)
{
    for (size_t i = 0; i < r->n_surveys; i++)
        if (r->surveys[i]->survey_id == sc.survey)
            return r->surveys[i];
    return NULL;
}

static void survey_figures(void)
{
    char *both[] = {sc.a, sc.b}, *only_a[] = {sc.a};
    assert_true(itest_wait_caught_up("reporting", "intake", 60));
    Welfare__Intake__V1__GetSurveyResults g = WELFARE__INTAKE__V1__GET_SURVEY_RESULTS__INIT;
    g.survey_id = sc.survey;
    Welfare__Intake__V1__GetSurveyResultsReply *in =
        (void *)itest_call(sc.intake, &g.base, &welfare__intake__v1__get_survey_results_reply__descriptor);
    Welfare__Reporting__V1__QuerySurveysReply *r = query_surveys(both, 2, "2026-01-01", "2026-12-31");
    const Welfare__Reporting__V1__SurveyFigures *f = our_survey(r);
    assert_non_null(f);
    assert_int_equal(r->n_surveys, 1);
    assert_string_equal(f->target_group, "seniors_living_alone");
    assert_string_equal(f->start_on, "2026-01-05");
    /* the plan */
    assert_int_equal(f->households_listed, HOUSEHOLDS);
    assert_int_equal(f->households_surveyed, 160);
    assert_int_equal(f->no_need, 120);
    assert_int_equal(f->need, 40);
    assert_int_equal(f->not_reachable, 20);
    assert_int_equal(f->refused, 20);
    assert_int_equal(f->service_linkages, 40 * 2 + 1);
    assert_int_equal(f->support_krw, 40 * 50000);
    assert_int_equal(f->selected_for_case_management, 10);
    assert_int_equal(f->pending, 0); /* every listed household has a result by December */
    /* intake's own count of the same survey */
    const Welfare__Intake__V1__SurveyResults *s = in->results;
    assert_int_equal(f->households_listed, s->households_listed);
    assert_int_equal(f->households_surveyed, s->households_surveyed);
    assert_int_equal(f->need, s->need);
    assert_int_equal(f->service_linkages, s->service_linkages);
    assert_int_equal(f->support_krw, s->support_krw);
    assert_int_equal(f->selected_for_case_management, s->selected_for_case_management);
    assert_int_equal(r->total->households_surveyed, 160);
    protobuf_c_message_free_unpacked(&in->base, NULL);
    protobuf_c_message_free_unpacked(&r->base, NULL);

    r = query_surveys(only_a, 1, "2026-01-01", "2026-12-31");
    f = our_survey(r);
    assert_non_null(f);
    assert_int_equal(f->households_listed, IN_A);
    assert_int_equal(f->households_surveyed, IN_A * 8 / 10);
    assert_int_equal(f->need, IN_A * 2 / 10);
    protobuf_c_message_free_unpacked(&r->base, NULL);

    r = query_surveys(both, 2, "2026-01-01", "2026-04-30"); /* the March half of the results */
    f = our_survey(r);
    assert_non_null(f);
    assert_int_equal(f->households_surveyed, 80);
    assert_int_equal(f->pending, HOUSEHOLDS - 100); /* June's hundred results are not in yet */
    protobuf_c_message_free_unpacked(&r->base, NULL);

    r = query_surveys(both, 2, "2025-01-01", "2025-12-31");
    assert_int_equal(r->n_surveys, 0);
    protobuf_c_message_free_unpacked(&r->base, NULL);

    Welfare__Reporting__V1__QuerySurveys q = WELFARE__REPORTING__V1__QUERY_SURVEYS__INIT;
    Welfare__Reporting__V1__KpiSelection sel = WELFARE__REPORTING__V1__KPI_SELECTION__INIT;
    sel.from_on = "2026-12-31";
    sel.to_on = "2026-01-01";
    q.selection = &sel;
    itest_expect_error(sc.reporting, &q.base, &welfare__reporting__v1__query_surveys_reply__descriptor,
                       WH_INVALID_ARGUMENT, "selection.to_on");
}

/* The same figures over HTTP: /api/surveys (by the columns' keys), the page, a bad period. */
static void survey_http(void)
{
    char cmd[1536];
    snprintf(cmd, sizeof cmd,
             "url=http://127.0.0.1:$((WH_HTTP_BASE + 40)); "
             "curl -fsS \"$url/api/surveys?dongs=%s,%s&from=2026-01-01&to=2026-12-31\" | jq -e "
             "\".columns as \\$c | .surveys[] | select(.survey_id == %lld) | [\\$c, .values] | transpose "
             "| map({(.[0].key): .[1]}) | add | .households_surveyed == 160 and .service_linkages == 81 "
             "and .support_krw == 2000000 and .selected_for_case_management == 10\" >/dev/null && "
             "curl -fsS \"$url/dashboard/surveys?dongs=%s&from=2026-01-01&to=2026-12-31\" | grep -q "
             "\"id=surveys\" "
             "&& test \"$(curl -s -o /dev/null -w %%{http_code} "
             "\"$url/api/surveys?from=2026-12-31&to=2026-01-01\")\" "
             "= 400",
             sc.a, sc.b, (long long)sc.survey, sc.a);
    assert_int_equal(itest_stack(cmd), 0);
}

/* --- the safety net ----------------------------------------------------------------------------- */

static int64_t register_member(int team, const char *affiliation, int64_t *reporter_id)
{
    Welfare__Intake__V1__RegisterMember m = WELFARE__INTAKE__V1__REGISTER_MEMBER__INIT;
    m.dong_code = sc.a;
    m.team = team;
    m.affiliation = (char *)affiliation;
    m.name = "김순자";
    m.active_from = "2026-01-01";
    Welfare__Intake__V1__RegisterMemberReply *r =
        (void *)itest_call(sc.intake, &m.base, &welfare__intake__v1__register_member_reply__descriptor);
    int64_t id = r->member_id;
    *reporter_id = r->reporter_id;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    return id;
}

static void check_in(int64_t watch, int outcome, const char *on)
{
    Welfare__Intake__V1__RecordCheckIn c = WELFARE__INTAKE__V1__RECORD_CHECK_IN__INIT;
    c.watch_id = watch;
    c.outcome = outcome;
    c.checked_on = (char *)on;
    c.concern = outcome == CHECK(CONCERN) ? "the door was open, nobody answered" : "";
    protobuf_c_message_free_unpacked(
        itest_call(sc.intake, &c.base, &welfare__intake__v1__record_check_in_reply__descriptor), NULL);
}

static void safety_net(void)
{
    sc.discoverer = register_member(TEAM(DISCOVERY), "village_foreman", &sc.discoverer_reporter);
    sc.visitor = register_member(TEAM(VISITING_AND_CHECKING), "delivery", &sc.visitor_reporter);
    itest_referral r;
    itest_referral_init(&r, sc.a, PERSON + 215, PERSON + 215, 1, ITEST_RISK_HIGH, "2026-05-04");
    r.req.reporter_id = sc.discoverer_reporter;
    Welfare__Intake__V1__SubmitReferralReply *h = itest_submit(sc.intake, &r);
    char household[24];
    snprintf(household, sizeof household, "%lld", (long long)h->household_id);
    protobuf_c_message_free_unpacked(&h->base, NULL);
    assert_int_equal(
        itest_wait_i64_params(1, 60,
                              "SELECT count(*) FROM intake.safety_net_credit WHERE household_id = "
                              "$1::bigint",
                              household, NULL),
        1);

    Welfare__Intake__V1__AssignWatch w = WELFARE__INTAKE__V1__ASSIGN_WATCH__INIT;
    w.member_id = sc.visitor;
    w.household_id = sc.households[1];
    w.every_days = 7;
    w.from_on = "2026-03-01";
    Welfare__Intake__V1__AssignWatchReply *wr =
        (void *)itest_call(sc.intake, &w.base, &welfare__intake__v1__assign_watch_reply__descriptor);
    int64_t watch = wr->watch_id;
    protobuf_c_message_free_unpacked(&wr->base, NULL);
    check_in(watch, CHECK(SEEN_WELL), "2026-03-02");
    check_in(watch, CHECK(NOT_SEEN), "2026-03-09");
    check_in(watch, CHECK(NOT_SEEN), "2026-03-16"); /* the second in a row: a referral */
    check_in(watch, CHECK(CONCERN), "2026-03-23");  /* a referral */
}

static const Welfare__Reporting__V1__MemberFigures *
member_row(const Welfare__Reporting__V1__QuerySafetyNetReply *r, int64_t id)
{
    for (size_t i = 0; i < r->n_members; i++)
        if (r->members[i]->member_id == id)
            return r->members[i];
    return NULL;
}

static void safety_net_figures(void)
{
    char *only_a[] = {sc.a};
    assert_true(itest_wait_caught_up("reporting", "intake", 60));
    Welfare__Reporting__V1__QuerySafetyNet q = WELFARE__REPORTING__V1__QUERY_SAFETY_NET__INIT;
    Welfare__Reporting__V1__KpiSelection sel = WELFARE__REPORTING__V1__KPI_SELECTION__INIT;
    sel.dong_codes = only_a;
    sel.n_dong_codes = 1;
    sel.from_on = "2026-01-01";
    sel.to_on = "2026-12-31";
    q.selection = &sel;
    Welfare__Reporting__V1__QuerySafetyNetReply *r = (void *)itest_call(
        sc.reporting, &q.base, &welfare__reporting__v1__query_safety_net_reply__descriptor);
    assert_int_equal(r->n_members, 2);
    const Welfare__Reporting__V1__MemberFigures *d = member_row(r, sc.discoverer);
    const Welfare__Reporting__V1__MemberFigures *v = member_row(r, sc.visitor);
    assert_non_null(d);
    assert_non_null(v);
    assert_int_equal(d->team, TEAM(DISCOVERY));
    assert_string_equal(d->affiliation, "village_foreman");
    assert_int_equal(d->figures->credited_cases_opened, 1);
    assert_int_equal(d->figures->check_ins, 0);
    assert_int_equal(v->figures->check_ins, 4);
    assert_int_equal(v->figures->seen_well, 1);
    assert_int_equal(v->figures->not_seen, 2);
    assert_int_equal(v->figures->concerns, 1);
    assert_int_equal(v->figures->check_in_referrals, 2);
    /* the referrals each member filed: the discoverer's report (a new household), the visitor's two
     * check-ins that became referrals (on a known household) */
    assert_int_equal(d->figures->referrals, 1);
    assert_int_equal(d->figures->households_discovered, 1);
    assert_int_equal(v->figures->referrals, 2);
    assert_int_equal(v->figures->households_discovered, 0);
    assert_int_equal(r->total->referrals, 3);
    assert_int_equal(r->n_teams, 2);
    assert_int_equal(r->teams[0]->team, TEAM(DISCOVERY));
    assert_int_equal(r->teams[0]->members, 1);
    assert_int_equal(r->teams[1]->team, TEAM(VISITING_AND_CHECKING));
    assert_int_equal(r->teams[1]->figures->check_ins, 4);
    assert_int_equal(r->total->credited_cases_opened, 1);
    assert_int_equal(r->total->check_in_referrals, 2);
    protobuf_c_message_free_unpacked(&r->base, NULL);

    /* the same work by intake's own tally */
    Welfare__Intake__V1__GetSafetyNetTally t = WELFARE__INTAKE__V1__GET_SAFETY_NET_TALLY__INIT;
    t.member_id = sc.discoverer;
    Welfare__Intake__V1__GetSafetyNetTallyReply *tr =
        (void *)itest_call(sc.intake, &t.base, &welfare__intake__v1__get_safety_net_tally_reply__descriptor);
    assert_int_equal(tr->n_members, 1);
    assert_int_equal(tr->members[0]->cases_opened, 1);
    assert_int_equal(tr->members[0]->referrals, 1);
    assert_int_equal(tr->members[0]->households_discovered, 1);
    protobuf_c_message_free_unpacked(&tr->base, NULL);

    /* before the members' work: listed (active), nothing counted */
    sel.from_on = "2026-01-01";
    sel.to_on = "2026-01-31";
    r = (void *)itest_call(sc.reporting, &q.base,
                           &welfare__reporting__v1__query_safety_net_reply__descriptor);
    assert_int_equal(r->n_members, 2);
    assert_int_equal(r->total->check_ins, 0);
    assert_int_equal(r->total->credited_cases_opened, 0);
    protobuf_c_message_free_unpacked(&r->base, NULL);

    whc *agency = itest_client_as("reporting", "agency-demo");
    sel.to_on = "2026-12-31";
    itest_expect_error(agency, &q.base, &welfare__reporting__v1__query_safety_net_reply__descriptor,
                       WH_PERMISSION_DENIED, "");
    whc_close(&agency);
}

static void discovery(void **state)
{
    (void)state;
    snprintf(sc.a, sizeof sc.a, "78%08lld", (long long)itest_run_number());
    snprintf(sc.b, sizeof sc.b, "79%08lld", (long long)itest_run_number());
    sc.intake = itest_client("intake");
    sc.routing = itest_client("routing");
    sc.reporting = itest_client("reporting");
    set_up();
    survey();
    survey_refusals();
    survey_figures();
    survey_http();
    safety_net();
    safety_net_figures();
    assert_true(itest_events_count("intake", "welfare.intake.v1.SurveyResultRecorded", NULL, NULL, NULL) >=
                HOUSEHOLDS + 1);
    whc_close(&sc.intake);
    whc_close(&sc.routing);
    whc_close(&sc.reporting);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(discovery)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

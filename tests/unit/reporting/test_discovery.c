/*
 * test_discovery.c — which survey and safety-net events reporting counts, and the field it names for
 * those it cannot (discovery_events.c); the figures' columns as data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "discovery.h"
#include "wh/status.h"

static void expect_field(int rc, const char *const *field, const char *want)
{
    assert_int_equal(rc, WH_INVALID_ARGUMENT);
    assert_string_equal(*field, want);
}

static void survey_created_needs_ids_dongs_and_a_period(void **state)
{
    char *dongs[] = {"2650051000", "2650052000"};
    Welfare__Intake__V1__SurveyCreated e = WELFARE__INTAKE__V1__SURVEY_CREATED__INIT;
    const char *field = "";
    e.survey_id = 7;
    e.name = "2016 over-60s living alone";
    e.target_group = "seniors_living_alone";
    e.dong_codes = dongs;
    e.n_dong_codes = 2;
    e.start_on = "2016-01-01";
    e.end_on = "2016-07-31";
    assert_int_equal(reporting_check_survey_created(&e, &field), 0);
    e.end_on = "2015-12-31";
    expect_field(reporting_check_survey_created(&e, &field), &field, "end_on");
    e.end_on = "2016-07-31";
    dongs[1] = "26500'52000";
    expect_field(reporting_check_survey_created(&e, &field), &field, "dong_codes");
    dongs[1] = "2650052000";
    e.name = "";
    expect_field(reporting_check_survey_created(&e, &field), &field, "name");
    e.name = "\xff\xfe";
    expect_field(reporting_check_survey_created(&e, &field), &field, "name");
    e.name = "ok";
    e.survey_id = 0;
    expect_field(reporting_check_survey_created(&e, &field), &field, "survey_id");
}

static void listed_counts_are_positive_and_once_per_dong(void **state)
{
    Welfare__Intake__V1__SurveyDongCount a = WELFARE__INTAKE__V1__SURVEY_DONG_COUNT__INIT,
                                         b = WELFARE__INTAKE__V1__SURVEY_DONG_COUNT__INIT;
    Welfare__Intake__V1__SurveyDongCount *dongs[] = {&a, &b};
    Welfare__Intake__V1__SurveyHouseholdsListed e = WELFARE__INTAKE__V1__SURVEY_HOUSEHOLDS_LISTED__INIT;
    const char *field = "";
    a.dong_code = "2650051000";
    a.households = 120;
    b.dong_code = "2650052000";
    b.households = 80;
    e.survey_id = 7;
    e.added = 200;
    e.dongs = dongs;
    e.n_dongs = 2;
    assert_int_equal(reporting_check_survey_listed(&e, &field), 0);
    b.dong_code = "2650051000";
    expect_field(reporting_check_survey_listed(&e, &field), &field, "dongs.dong_code");
    b.dong_code = "2650052000";
    b.households = -1;
    expect_field(reporting_check_survey_listed(&e, &field), &field, "dongs.households");
    e.n_dongs = 0;
    expect_field(reporting_check_survey_listed(&e, &field), &field, "dongs");
}

static void a_result_has_an_outcome_a_date_and_no_negative_figures(void **state)
{
    Welfare__Intake__V1__SurveyResultRecorded e = WELFARE__INTAKE__V1__SURVEY_RESULT_RECORDED__INIT;
    const char *field = "";
    e.survey_id = 7;
    e.household_id = 12;
    e.dong_code = "2650051000";
    e.outcome = WELFARE__INTAKE__V1__SURVEY_OUTCOME__SURVEY_OUTCOME_NEED;
    e.surveyed_on = "2016-03-10";
    e.service_linkages = 2;
    e.support_krw = 50000;
    assert_int_equal(reporting_check_survey_result(&e, &field), 0);
    e.outcome = WELFARE__INTAKE__V1__SURVEY_OUTCOME__SURVEY_OUTCOME_UNSPECIFIED;
    expect_field(reporting_check_survey_result(&e, &field), &field, "outcome");
    e.outcome = 5;
    expect_field(reporting_check_survey_result(&e, &field), &field, "outcome");
    e.outcome = WELFARE__INTAKE__V1__SURVEY_OUTCOME__SURVEY_OUTCOME_REFUSED;
    e.support_krw = -1;
    expect_field(reporting_check_survey_result(&e, &field), &field, "support_krw");
    e.support_krw = 0;
    e.surveyed_on = "2016-02-30";
    expect_field(reporting_check_survey_result(&e, &field), &field, "surveyed_on");
    e.surveyed_on = "2016-03-10";
    e.dong_code = "";
    expect_field(reporting_check_survey_result(&e, &field), &field, "dong_code");
}

static void members_check_ins_and_credits(void **state)
{
    Welfare__Intake__V1__MemberRegistered m = WELFARE__INTAKE__V1__MEMBER_REGISTERED__INIT;
    Welfare__Intake__V1__CheckInRecorded c = WELFARE__INTAKE__V1__CHECK_IN_RECORDED__INIT;
    Welfare__Intake__V1__MemberCredited k = WELFARE__INTAKE__V1__MEMBER_CREDITED__INIT;
    const char *field = "";
    m.member_id = 3;
    m.dong_code = "2650051000";
    m.team = WELFARE__INTAKE__V1__SAFETY_NET_TEAM__SAFETY_NET_TEAM_VISITING_AND_CHECKING;
    m.affiliation = "village_foreman";
    m.active_from = "2016-01-01";
    m.active_until = "";
    assert_int_equal(reporting_check_member(&m, &field), 0);
    m.team = 4;
    expect_field(reporting_check_member(&m, &field), &field, "team");
    m.team = WELFARE__INTAKE__V1__SAFETY_NET_TEAM__SAFETY_NET_TEAM_DISCOVERY;
    m.active_until = "2015-12-31";
    expect_field(reporting_check_member(&m, &field), &field, "active_until");
    m.active_until = "";
    m.reporter_id = -1;
    expect_field(reporting_check_member(&m, &field), &field, "reporter_id");

    c.check_in_id = 1;
    c.member_id = 3;
    c.outcome = WELFARE__INTAKE__V1__CHECK_IN_OUTCOME__CHECK_IN_OUTCOME_NOT_SEEN;
    c.checked_on = "2016-03-16";
    assert_int_equal(reporting_check_check_in(&c, &field), 0);
    c.outcome = 0;
    expect_field(reporting_check_check_in(&c, &field), &field, "outcome");
    c.outcome = WELFARE__INTAKE__V1__CHECK_IN_OUTCOME__CHECK_IN_OUTCOME_CONCERN;
    c.checked_on = "yesterday";
    expect_field(reporting_check_check_in(&c, &field), &field, "checked_on");

    k.member_id = 3;
    k.household_id = 12;
    k.kind = WELFARE__INTAKE__V1__MEMBER_CREDIT_KIND__MEMBER_CREDIT_KIND_CASE_OPENED;
    k.credited_on = "2016-05-04";
    assert_int_equal(reporting_check_credit(&k, &field), 0);
    k.kind = 0;
    expect_field(reporting_check_credit(&k, &field), &field, "kind");
    k.kind = WELFARE__INTAKE__V1__MEMBER_CREDIT_KIND__MEMBER_CREDIT_KIND_SELECTED_FOR_AID;
    k.household_id = 0;
    expect_field(reporting_check_credit(&k, &field), &field, "household_id");
}

static void every_column_has_a_key_and_both_labels(void **state)
{
    for (int c = 0; c < REPORTING_SURVEY_COLS; c++)
        assert_true(reporting_survey_cols[c].key && *reporting_survey_cols[c].label_ko &&
                    *reporting_survey_cols[c].label_en);
    for (int c = 0; c < REPORTING_NET_COLS; c++)
        assert_true(reporting_net_cols[c].key && *reporting_net_cols[c].label_ko &&
                    *reporting_net_cols[c].label_en);
    assert_string_equal(
        reporting_team_labels[WELFARE__INTAKE__V1__SAFETY_NET_TEAM__SAFETY_NET_TEAM_DISCOVERY].key,
        "discovery");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(survey_created_needs_ids_dongs_and_a_period),
        cmocka_unit_test(listed_counts_are_positive_and_once_per_dong),
        cmocka_unit_test(a_result_has_an_outcome_a_date_and_no_negative_figures),
        cmocka_unit_test(members_check_ins_and_credits),
        cmocka_unit_test(every_column_has_a_key_and_both_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

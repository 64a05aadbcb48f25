/*
 * test_survey.c — survey campaigns: the target table and the checks (pure), and — with
 * WH_TEST_DB_URL — a survey of 200 households against real PostgreSQL: the list added in one block
 * (with an unknown household, one outside the survey's dongs and repeats), every household's result
 * (no need, need → one referral of channel survey each, not reachable, refused), a result recorded
 * again (no second referral), the per-survey result as the seed reports it, and the typed errors that
 * change nothing (a household not on the list, a day outside the period, linkages without a need).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "db_fixture.h"
#include "dongs_fixture.h"
#include "fake_ctx.h"
#include "roster.h"
#include "survey.h"

extern const wh_migration intake_migrations[];
extern const size_t intake_migrations_count;

#define DONG  "2650051000"
#define OTHER "2650052000"
#define N     200

static char *dongs[] = {DONG, "2650053000"};

static void survey_init(Welfare__Intake__V1__CreateSurvey *m)
{
    welfare__intake__v1__create_survey__init(m);
    m->name = "2016 홀몸 어르신 전수조사";
    m->target_group = "seniors_living_alone";
    m->dong_codes = dongs;
    m->n_dong_codes = 2;
    m->start_on = "2016-01-04";
    m->end_on = "2016-07-29";
}

static void result_init(Welfare__Intake__V1__RecordSurveyResult *m, int64_t survey, int64_t household,
                        int outcome)
{
    welfare__intake__v1__record_survey_result__init(m);
    m->survey_id = survey;
    m->household_id = household;
    m->outcome = outcome;
    m->surveyed_on = "2016-03-15";
}

static void expect_survey_error(const Welfare__Intake__V1__CreateSurvey *m, const char *field)
{
    intake_error err;
    assert_int_equal(intake_validate_survey(m, &err), WH_INVALID_ARGUMENT);
    assert_string_equal(err.field, field);
}

static void checks(void **state)
{
    (void)state;
    Welfare__Intake__V1__CreateSurvey m;
    intake_error err;
    survey_init(&m);
    assert_int_equal(intake_validate_survey(&m, &err), 0);
    assert_non_null(intake_survey_target_find("secondary_poor"));
    m.target_group = "everyone";
    expect_survey_error(&m, "target_group");
    survey_init(&m);
    m.n_dong_codes = 0;
    expect_survey_error(&m, "dong_codes");
    survey_init(&m);
    char *bad[] = {DONG, "26500"};
    m.dong_codes = bad;
    expect_survey_error(&m, "dong_codes.1");
    survey_init(&m);
    m.end_on = "2015-12-31";
    expect_survey_error(&m, "end_on");
    Welfare__Intake__V1__RecordSurveyResult r;
    result_init(&r, 1, 1, WELFARE__INTAKE__V1__SURVEY_OUTCOME__SURVEY_OUTCOME_NO_NEED);
    assert_int_equal(intake_validate_survey_result(&r, &err), 0);
    r.service_linkages = 1; /* linkages without a need */
    assert_int_equal(intake_validate_survey_result(&r, &err), WH_INVALID_ARGUMENT);
    assert_string_equal(err.field, "service_linkages");
    r.service_linkages = 0;
    r.outcome = 9;
    assert_int_equal(intake_validate_survey_result(&r, &err), WH_INVALID_ARGUMENT);
    assert_string_equal(err.field, "outcome");
}

/* --- against PostgreSQL ----------------------------------------------------------------------- */

static int db_setup(void **state)
{
    (void)state;
    static const unsigned char key[32] = {2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5, 9, 0, 4, 5,
                                          2, 3, 5, 3, 6, 0, 2, 8, 7, 4, 7, 1, 3, 5, 2, 6};
    return intake_test_db_open("intake_survey_test", key);
}

static int db_teardown(void **state)
{
    (void)state;
    return intake_test_db_close();
}

/* The households of a district's list, inserted directly (their referrals are not what is tested). */
static void seed_households(void)
{
    PGresult *r = PQexec(wh_db_conn(fake.db),
                         "INSERT INTO household (dong_code, address_sealed, address_key, known_to_programme, "
                         "blind_spot, risk_score, first_reported_on, last_reported_on) "
                         "SELECT CASE WHEN g <= 201 THEN '" DONG "' ELSE '" OTHER
                         "' END, 'sealed', convert_to('key' || g, 'UTF8'), "
                         "false, false, 10, '2015-12-01', '2015-12-01' FROM generate_series(1, 202) AS g");
    assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
}

static int outcome_of(int64_t h)
{
    return h % 10 < 6 ? 1 : h % 10 < 8 ? 2 : h % 10 == 8 ? 3 : 4; /* 60% no need, 20% need, 10% each */
}

static void a_survey_of_200_households(void **state)
{
    (void)state;
    if (!fake.db)
        skip();
    seed_households();
    Welfare__Intake__V1__CreateSurvey c;
    survey_init(&c);
    ProtobufCMessage *reply = NULL;
    assert_int_equal(fake_command(intake_handle_create_survey, &c.base, &reply), 0);
    int64_t survey = ((const Welfare__Intake__V1__CreateSurveyReply *)reply)->survey_id;
    assert_int_equal(fake.n_events, 1);
    assert_string_equal(fake_event(0), "welfare.intake.v1.SurveyCreated");
    assert_int_equal(((const Welfare__Intake__V1__SurveyCreated *)fake.events[0])->survey_id, survey);

    int64_t ids[N + 4];
    for (int i = 0; i < N; i++)
        ids[i] = i + 1;
    ids[N] = 5;        /* twice */
    ids[N + 1] = 202;  /* another dong */
    ids[N + 2] = 9999; /* unknown */
    ids[N + 3] = 201;  /* kept off, for "not on the list" */
    Welfare__Intake__V1__AddSurveyHouseholds a = WELFARE__INTAKE__V1__ADD_SURVEY_HOUSEHOLDS__INIT;
    a.survey_id = survey;
    a.household_ids = ids;
    a.n_household_ids = N + 3;
    assert_int_equal(fake_command(intake_handle_add_survey_households, &a.base, &reply), 0);
    const Welfare__Intake__V1__AddSurveyHouseholdsReply *ar = (const void *)reply;
    assert_int_equal(fake.n_events, 1); /* the households newly listed, per dong */
    assert_string_equal(fake_event(0), "welfare.intake.v1.SurveyHouseholdsListed");
    const Welfare__Intake__V1__SurveyHouseholdsListed *listed = (const void *)fake.events[0];
    assert_int_equal(listed->added, N);
    int32_t per_dong = 0;
    for (size_t i = 0; i < listed->n_dongs; i++)
        per_dong += listed->dongs[i]->households;
    assert_int_equal(per_dong, N);
    assert_int_equal(ar->added, N);
    assert_int_equal(ar->already_listed, 1);
    assert_int_equal(ar->n_errors, 2);
    assert_int_equal(ar->errors[0]->household_id, 202);
    assert_int_equal(ar->errors[0]->status, WH_FAILED_PRECONDITION);
    assert_int_equal(ar->errors[1]->status, WH_NOT_FOUND);
    a.n_household_ids = 10; /* again: nothing new */
    assert_int_equal(fake_command(intake_handle_add_survey_households, &a.base, &reply), 0);
    assert_int_equal(((const Welfare__Intake__V1__AddSurveyHouseholdsReply *)reply)->already_listed, 10);
    assert_int_equal(fake.n_events, 0); /* nothing listed, no event */

    int needs = 0, referrals = 0;
    for (int64_t h = 1; h <= N; h++) {
        Welfare__Intake__V1__RecordSurveyResult r;
        result_init(&r, survey, h, outcome_of(h));
        if (r.outcome == WELFARE__INTAKE__V1__SURVEY_OUTCOME__SURVEY_OUTCOME_NEED) {
            r.concern = "겨울 난방비 체납";
            r.service_linkages = (int32_t)(h % 3) + 1;
            r.support_krw = 50000 * (h % 4);
            r.selected_for_case_management = h % 20 == 7;
            needs++;
        }
        assert_int_equal(fake_command(intake_handle_record_survey_result, &r.base, &reply), 0);
        bool referred = ((const Welfare__Intake__V1__RecordSurveyResultReply *)reply)->referral_id != 0;
        assert_int_equal(referred, r.outcome == WELFARE__INTAKE__V1__SURVEY_OUTCOME__SURVEY_OUTCOME_NEED);
        /* ReferralReceived, HouseholdIdentified for a need; then the result as it stands */
        assert_int_equal(fake.n_events, referred ? 3 : 1);
        assert_string_equal(fake_event(fake.n_events - 1), "welfare.intake.v1.SurveyResultRecorded");
        const Welfare__Intake__V1__SurveyResultRecorded *ev = (const void *)fake.events[fake.n_events - 1];
        assert_int_equal(ev->household_id, h);
        assert_int_equal(ev->outcome, r.outcome);
        assert_int_equal(ev->support_krw, r.support_krw);
        assert_true(ev->dong_code && strlen(ev->dong_code) == 10);
        referrals += referred;
        if (referred) {
            assert_string_equal(fake_event(0), "welfare.intake.v1.ReferralReceived");
            assert_int_equal(((const Welfare__Intake__V1__ReferralReceived *)fake.events[0])->channel,
                             WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SURVEY);
        }
    }
    /* household 7 (a need) recorded again: the same result, no second referral */
    Welfare__Intake__V1__RecordSurveyResult again;
    result_init(&again, survey, 7, WELFARE__INTAKE__V1__SURVEY_OUTCOME__SURVEY_OUTCOME_NEED);
    again.service_linkages = 2;
    again.support_krw = 150000;
    again.selected_for_case_management = true;
    assert_int_equal(fake_command(intake_handle_record_survey_result, &again.base, &reply), 0);
    assert_int_equal(((const Welfare__Intake__V1__RecordSurveyResultReply *)reply)->referral_id, 0);
    assert_int_equal(intake_test_count("SELECT count(*) FROM referral WHERE channel = 3"), referrals);
    assert_int_equal(referrals, 40);

    /* bad input changes nothing */
    Welfare__Intake__V1__RecordSurveyResult bad;
    result_init(&bad, survey, 201, 1); /* not on the list */
    assert_int_equal(fake_command(intake_handle_record_survey_result, &bad.base, &reply),
                     WH_FAILED_PRECONDITION);
    assert_string_equal(fake.field, "household_id");
    result_init(&bad, survey, 3, 4); /* household 3 had no need: stays so */
    bad.surveyed_on = "2016-08-01";  /* after the period */
    assert_int_equal(fake_command(intake_handle_record_survey_result, &bad.base, &reply),
                     WH_FAILED_PRECONDITION);
    result_init(&bad, 777, 3, 4);
    assert_int_equal(fake_command(intake_handle_record_survey_result, &bad.base, &reply), WH_NOT_FOUND);
    assert_int_equal(
        intake_test_count("SELECT count(*) FROM survey_household WHERE household_id = 3 AND outcome = 1"), 1);

    Welfare__Intake__V1__GetSurveyResults g = WELFARE__INTAKE__V1__GET_SURVEY_RESULTS__INIT;
    g.survey_id = survey;
    assert_int_equal(fake_command(intake_handle_get_survey_results, &g.base, &reply), 0);
    const Welfare__Intake__V1__SurveyResults *s =
        ((const Welfare__Intake__V1__GetSurveyResultsReply *)reply)->results;
    int64_t linkages = 0, support = 0, managed = 0;
    for (int64_t h = 1; h <= N; h++)
        if (outcome_of(h) == 2) {
            linkages += h == 7 ? 2 : (h % 3) + 1;
            support += h == 7 ? 150000 : 50000 * (h % 4);
            managed += h == 7 || h % 20 == 7;
        }
    assert_int_equal(s->households_listed, N);
    assert_int_equal(s->households_surveyed, 160);
    assert_int_equal(s->no_need, 120);
    assert_int_equal(s->need, needs);
    assert_int_equal(s->not_reachable, 20);
    assert_int_equal(s->refused, 20);
    assert_int_equal(s->pending, 0);
    assert_int_equal(s->service_linkages, linkages);
    assert_int_equal(s->support_krw, support);
    assert_int_equal(s->selected_for_case_management, managed);
    assert_string_equal(s->target_group, "seniors_living_alone");
    assert_int_equal(s->n_dong_codes, 2);
    assert_string_equal(s->dong_codes[1], "2650053000");
    printf("survey of %d households: surveyed %d (no need %d, need %d), not reachable %d, refused %d; "
           "%d service linkages, KRW %lld, %d for case management\n",
           s->households_listed, s->households_surveyed, s->no_need, s->need, s->not_reachable, s->refused,
           s->service_linkages, (long long)s->support_krw, s->selected_for_case_management);
}

int main(void)
{
    (void)fake_event_apply; /* shared helper this suite does not need */
    const struct CMUnitTest pure[] = {cmocka_unit_test(checks)};
    const struct CMUnitTest db[] = {cmocka_unit_test(a_survey_of_200_households)};
    int failed = cmocka_run_group_tests_name("survey", pure, NULL, NULL);
    return failed + cmocka_run_group_tests_name("survey_db", db, db_setup, db_teardown);
}

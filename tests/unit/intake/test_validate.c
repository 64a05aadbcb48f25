/*
 * test_validate.c — every bad field of a SubmitReferral is rejected with its own field path, and a
 * good one yields the normalized numbers, the derived indicators and the score.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "intake.h"

/* A good referral in static storage the tests mutate; fixture() resets it. */
static Welfare__Intake__V1__SubmitReferral m;
static Welfare__Intake__V1__ReferredHousehold h;
static Welfare__Common__V1__GeoPoint g;
static Welfare__Intake__V1__ReferredPerson p0, p1;
static Welfare__Intake__V1__ReferredPerson *persons[INTAKE_MAX_PERSONS + 1];
static Welfare__Intake__V1__RiskIndicators risk;

static int fixture(void **state)
{
    (void)state;
    welfare__intake__v1__submit_referral__init(&m);
    welfare__intake__v1__referred_household__init(&h);
    welfare__common__v1__geo_point__init(&g);
    welfare__intake__v1__referred_person__init(&p0);
    welfare__intake__v1__referred_person__init(&p1);
    welfare__intake__v1__risk_indicators__init(&risk);
    g.latitude = 35.15;
    g.longitude = 129.11;
    h.address = "수영로 123, 101동 202호";
    h.dong_code = "2650051000";
    h.location = &g;
    p0.rrn = "550315-2234564";
    p0.name = "김영희";
    p0.birth_date = "1955-03-15";
    p0.phone = "010-1234-5678";
    p1.rrn = "8001011234560";
    p1.name = "이철수";
    persons[0] = &p0;
    persons[1] = &p1;
    m.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SAFETY_NET;
    m.household = &h;
    m.persons = persons;
    m.n_persons = 2;
    m.concern = "우편물이 쌓여 있음";
    risk.months_utility_arrears = 3;
    risk.lives_alone = true;
    m.risk = &risk;
    m.reported_on = "2026-06-01";
    return 0;
}

static void expect_field(const char *field)
{
    intake_checked c;
    intake_error err;
    assert_int_equal(intake_validate_referral(&m, &c, &err), WH_INVALID_ARGUMENT);
    assert_string_equal(err.field, field);
    assert_non_null(err.message);
    fixture(NULL);
}

static void good_referral(void **state)
{
    (void)state;
    intake_checked c;
    intake_error err;
    assert_int_equal(intake_validate_referral(&m, &c, &err), 0);
    assert_int_equal(c.n_persons, 2);
    assert_string_equal(c.persons[0].rrn.digits, "5503152234564");
    assert_string_equal(c.persons[0].phone, "01012345678");
    assert_string_equal(c.persons[1].rrn.birth_date, "1980-01-01"); /* derived */
    assert_string_equal(c.persons[1].phone, "");
    /* 71 on the reporting date: aged 65+ derived. 3 months utility 18 + alone 12 + 65+ 10. */
    assert_int_equal(c.indicators[INTAKE_IND_AGED_65], 1);
    assert_int_equal(c.risk_score, 40);
    m.risk = NULL;
    m.household->location = NULL; /* optional */
    m.concern = NULL;
    assert_int_equal(intake_validate_referral(&m, &c, &err), 0);
    assert_int_equal(c.risk_score, 10);
}

static void channel_and_reporter(void **state)
{
    (void)state;
    m.channel = 0;
    expect_field("channel");
    m.channel = 8; /* one past CHANNEL_ROSTER */
    expect_field("channel");
    m.reporter_id = -1;
    expect_field("reporter_id");
}

static void household_fields(void **state)
{
    (void)state;
    m.household = NULL;
    expect_field("household");
    h.address = "";
    expect_field("household.address");
    h.address = " -,. ";
    expect_field("household.address");
    h.address = "\xff\xfe";
    expect_field("household.address");
    h.dong_code = "265005100";
    expect_field("household.dong_code");
    h.dong_code = "26500510AB";
    expect_field("household.dong_code");
    h.dong_code = NULL;
    expect_field("household.dong_code");
    g.latitude = 91;
    expect_field("household.location");
    g.latitude = 0;
    g.longitude = 0;
    expect_field("household.location");
}

static void person_fields(void **state)
{
    (void)state;
    m.n_persons = 0;
    expect_field("persons");
    m.n_persons = INTAKE_MAX_PERSONS + 1;
    expect_field("persons");
    p1.rrn = "80010";
    expect_field("persons.1.rrn");
    p1.rrn = "800101-1234561";
    expect_field("persons.1.rrn");
    p1.rrn = "550315-2234564"; /* same as persons.0 */
    expect_field("persons.1.rrn");
    p0.name = "";
    expect_field("persons.0.name");
    p0.name = "...";
    expect_field("persons.0.name");
    p0.birth_date = "1955-3-15";
    expect_field("persons.0.birth_date");
    p0.birth_date = "1955-03-16";
    expect_field("persons.0.birth_date");
    p1.phone = "12";
    expect_field("persons.1.phone");
    p1.phone = "010-abcd-5678";
    expect_field("persons.1.phone");
    persons[1] = NULL;
    expect_field("persons.1");
    persons[1] = &p1;
}

static void other_fields(void **state)
{
    (void)state;
    char big[2100];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    m.concern = big;
    expect_field("concern");
    m.reported_on = "";
    expect_field("reported_on");
    m.reported_on = "2026-13-01";
    expect_field("reported_on");
    m.reported_on = "1979-12-31"; /* before persons.1 was born */
    expect_field("persons.1.rrn");
    risk.months_utility_arrears = -1;
    expect_field("risk.months_utility_arrears");
    risk.months_rent_arrears = 121;
    expect_field("risk.months_rent_arrears");
    risk.months_insurance_arrears = 1000;
    expect_field("risk.months_insurance_arrears");
}

/* Random bytes in every text field never crash validation, and whatever passes is well-formed. */
static void random_input_is_rejected_or_well_formed(void **state)
{
    (void)state;
    static const char alphabet[] = "0123456789-- .,#abc\xea\xb9\x80\xff\x80";
    char fields[5][40];
    unsigned seed = 12345;
    for (int round = 0; round < 20000; round++) {
        for (int f = 0; f < 5; f++) {
            seed = seed * 1103515245u + 12345u;
            size_t len = (seed >> 16) % (sizeof fields[f] - 1);
            for (size_t i = 0; i < len; i++) {
                seed = seed * 1103515245u + 12345u;
                fields[f][i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
            }
            fields[f][len] = '\0';
        }
        p0.rrn = round % 3 ? fields[0] : "550315-2234564";
        p0.name = fields[1];
        p0.birth_date = round % 2 ? fields[2] : "";
        p0.phone = fields[3];
        h.address = fields[4];
        intake_checked c;
        intake_error err;
        if (intake_validate_referral(&m, &c, &err) == 0) {
            assert_int_equal(strlen(c.persons[0].rrn.digits), 13);
            assert_true(intake_date_parse(c.persons[0].rrn.birth_date, NULL, NULL, NULL));
            assert_true(c.risk_score >= 0 && c.risk_score <= 100);
            assert_true(intake_utf8_ok(p0.name, 1, 64));
        } else {
            assert_true(err.field[0] != '\0');
            assert_non_null(err.message);
        }
    }
}

/* p1 as a neighbour knows him: no number; expect_field resets the fixture, so each case starts here. */
static void unnumbered(int approximate_age, int birth_year, const char *birth_date, int sex)
{
    p1.rrn = "";
    p1.approximate_age = approximate_age;
    p1.birth_year = birth_year;
    p1.birth_date = (char *)birth_date;
    p1.sex = sex;
}

/* What a neighbour knows: a name and the address, perhaps an age, a sex, a phone — no number. */
static void person_without_a_number(void **state)
{
    (void)state;
    intake_checked c;
    intake_error err;
    const int male = WELFARE__INTAKE__V1__SEX__SEX_MALE, unknown = WELFARE__INTAKE__V1__SEX__SEX_UNSPECIFIED;
    unnumbered(80, 0, "", male);
    assert_int_equal(intake_validate_referral(&m, &c, &err), 0);
    assert_false(c.persons[1].has_rrn);
    assert_int_equal(c.persons[1].birth_year, 1946);
    assert_int_equal(c.persons[1].sex, 'M');
    assert_string_equal(c.persons[1].rrn.birth_date, "");
    assert_true(c.persons[0].has_rrn);
    assert_int_equal(c.persons[0].sex, 'F'); /* the number's sex digit 2 */
    assert_int_equal(c.persons[0].birth_year, 1955);
    p0.rrn = ""; /* two persons without a number are not "the same number twice" */
    assert_int_equal(intake_validate_referral(&m, &c, &err), 0);
    assert_string_equal(c.persons[0].rrn.birth_date, "1955-03-15");
    unnumbered(0, 0, "", unknown);
    assert_int_equal(intake_validate_referral(&m, &c, &err), 0);
    assert_int_equal(c.persons[1].birth_year, 0); /* nothing known but the name */
    assert_int_equal(c.persons[1].sex, 0);

    unnumbered(250, 0, "", unknown);
    expect_field("persons.1.approximate_age");
    unnumbered(-3, 0, "", unknown);
    expect_field("persons.1.approximate_age");
    unnumbered(0, 1700, "", unknown);
    expect_field("persons.1.birth_year");
    unnumbered(0, 2027, "", unknown); /* after reported_on's year */
    expect_field("persons.1.birth_year");
    unnumbered(60, 1946, "", unknown); /* 1966 is not within a year of 1946 */
    expect_field("persons.1.approximate_age");
    unnumbered(0, 1946, "1950-01-01", unknown);
    expect_field("persons.1.birth_year");
    unnumbered(0, 0, "2026-07-01", unknown); /* born after it was reported */
    expect_field("persons.1.birth_date");
    unnumbered(0, 0, "", 7);
    expect_field("persons.1.sex");
    p0.sex = male; /* the number says a woman */
    expect_field("persons.0.sex");
    p1.name = ""; /* a name is the least a report gives */
    p1.rrn = "";
    expect_field("persons.1.name");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(good_referral, fixture),
        cmocka_unit_test_setup(channel_and_reporter, fixture),
        cmocka_unit_test_setup(household_fields, fixture),
        cmocka_unit_test_setup(person_fields, fixture),
        cmocka_unit_test_setup(person_without_a_number, fixture),
        cmocka_unit_test_setup(other_fields, fixture),
        cmocka_unit_test_setup(random_input_is_rejected_or_well_formed, fixture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

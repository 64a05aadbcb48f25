/*
 * test_rrn.c — resident registration numbers: format, dash, century digit, birth date, check digit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "intake.h"

static int parse(const char *s, intake_rrn *r)
{
    const char *why = NULL;
    int rc = intake_rrn_parse(s, r, &why);
    if (rc < 0)
        assert_non_null(why);
    return rc;
}

static void valid_with_and_without_dash(void **state)
{
    (void)state;
    intake_rrn r;
    assert_int_equal(parse("800101-1234560", &r), 0);
    assert_string_equal(r.digits, "8001011234560");
    assert_string_equal(r.birth_date, "1980-01-01");
    assert_int_equal(parse("8001011234560", &r), 0);
    assert_string_equal(r.digits, "8001011234560");
    assert_int_equal(parse("550315-2234564", &r), 0);
    assert_string_equal(r.birth_date, "1955-03-15");
}

static void century_digits(void **state)
{
    (void)state;
    intake_rrn r;
    assert_int_equal(parse("991231-5123451", &r), 0); /* foreign resident, 1900s */
    assert_string_equal(r.birth_date, "1999-12-31");
    /* Born after 2020-10-01: random tail, no check digit. */
    assert_int_equal(parse("210615-3000000", &r), 0);
    assert_string_equal(r.birth_date, "2021-06-15");
    assert_int_equal(parse("210615-4999999", &r), 0);
}

static void bad_format(void **state)
{
    (void)state;
    intake_rrn r;
    assert_int_equal(parse(NULL, &r), WH_INVALID_ARGUMENT);
    assert_int_equal(parse("", &r), WH_INVALID_ARGUMENT);
    assert_int_equal(parse("800101-123456", &r), WH_INVALID_ARGUMENT);   /* 12 digits */
    assert_int_equal(parse("800101-12345600", &r), WH_INVALID_ARGUMENT); /* 14 digits */
    assert_int_equal(parse("8001-011234560", &r), WH_INVALID_ARGUMENT);  /* dash misplaced */
    assert_int_equal(parse("800101--1234560", &r), WH_INVALID_ARGUMENT);
    assert_int_equal(parse("800101 1234560", &r), WH_INVALID_ARGUMENT);
    assert_int_equal(parse("80010a-1234560", &r), WH_INVALID_ARGUMENT);
}

static void bad_birth_date(void **state)
{
    (void)state;
    intake_rrn r;
    assert_int_equal(parse("801301-1234560", &r), WH_INVALID_ARGUMENT); /* month 13 */
    assert_int_equal(parse("800132-1234560", &r), WH_INVALID_ARGUMENT);
    assert_int_equal(parse("020229-4123451", &r), WH_INVALID_ARGUMENT); /* 2002 is not a leap year */
}

static void bad_check_digit(void **state)
{
    (void)state;
    intake_rrn r;
    const char *why = NULL;
    assert_int_equal(intake_rrn_parse("800101-1234561", &r, &why), WH_INVALID_ARGUMENT);
    assert_string_equal(why, "resident registration number has a wrong check digit");
    assert_int_equal(parse("900101-1999999", &r), WH_INVALID_ARGUMENT);
    assert_int_equal(parse("900101-1999998", &r), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_with_and_without_dash),
        cmocka_unit_test(century_digits),
        cmocka_unit_test(bad_format),
        cmocka_unit_test(bad_birth_date),
        cmocka_unit_test(bad_check_digit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

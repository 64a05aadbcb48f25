/*
 * test_visit_cycle.c — the monitoring frequency as data (WH_CASE_VISIT_CYCLES: parsing, the band a
 * risk falls in) and what each visit outcome means for the watch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "case.h"

static void cycles_parse_and_sort(void **state)
{
    (void)state;
    case_cycles c;
    assert_int_equal(case_cycles_parse("50:90,80:30,30:180", &c), 0);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.min_risk[0], 80);
    assert_int_equal(c.days[0], 30);
    assert_int_equal(c.min_risk[2], 30);
    assert_int_equal(case_cycle_days(&c, 95), 30);
    assert_int_equal(case_cycle_days(&c, 80), 30);
    assert_int_equal(case_cycle_days(&c, 79), 90);
    assert_int_equal(case_cycle_days(&c, 30), 180);
    assert_int_equal(case_cycle_days(&c, 29), 0); /* below every band: not under watch */
    assert_int_equal(case_cycles_parse("0:365", &c), 0);
    assert_int_equal(case_cycle_days(&c, 0), 365);
}

static void bad_cycles_are_refused(void **state)
{
    (void)state;
    case_cycles c = {0};
    const char *bad[] = {"",       "80",          "80:",     ":30",
                         "80:0",   "101:30",      "-1:30",   "80:30,80:60",
                         "80:30,", "80:30;50:90", "80:3651", "1:1,2:1,3:1,4:1,5:1,6:1,7:1,8:1,9:1",
                         "80:30x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(case_cycles_parse(bad[i], &c), -1);
    assert_int_equal(case_cycles_parse(NULL, &c), -1);
}

static void outcomes_for_the_watch(void **state)
{
    (void)state;
    assert_false(case_outcome_failed(CASE_OUTCOME_MET));
    assert_true(case_outcome_failed(CASE_OUTCOME_NOT_AT_HOME));
    assert_true(case_outcome_failed(CASE_OUTCOME_REFUSED));
    assert_false(case_outcome_failed(CASE_OUTCOME_MOVED));
    assert_false(case_outcome_failed(CASE_OUTCOME_DECEASED));
    assert_false(case_outcome_valid(0));
    assert_false(case_outcome_valid(6));
    assert_int_equal(case_outcome_of_miss(WELFARE__ROUTING__V1__MISS_REASON__MISS_REASON_NOBODY_HOME),
                     CASE_OUTCOME_NOT_AT_HOME);
    assert_int_equal(case_outcome_of_miss(WELFARE__ROUTING__V1__MISS_REASON__MISS_REASON_REFUSED),
                     CASE_OUTCOME_REFUSED);
    /* staff's own misses are no attempt on the household */
    assert_int_equal(case_outcome_of_miss(WELFARE__ROUTING__V1__MISS_REASON__MISS_REASON_STAFF_UNAVAILABLE),
                     0);
    assert_int_equal(case_outcome_of_miss(WELFARE__ROUTING__V1__MISS_REASON__MISS_REASON_OUT_OF_TIME), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cycles_parse_and_sort),
        cmocka_unit_test(bad_cycles_are_refused),
        cmocka_unit_test(outcomes_for_the_watch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_assign_rule.c — the pure assignment rule: which roles carry cases, and who gets the next case
 * (the lowest caseload under the limit, the lowest staff id among equals, nobody when all are full).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "case.h"

static void roles_that_carry_cases(void **state)
{
    (void)state;
    assert_true(case_role_carries_cases(WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_CASE_MANAGER));
    assert_true(case_role_carries_cases(WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_WELFARE_OFFICIAL));
    assert_false(case_role_carries_cases(WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_VISITING_NURSE));
    assert_false(case_role_carries_cases(WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_VOCATIONAL_COUNSELLOR));
    assert_false(case_role_carries_cases(0));
}

static void lowest_caseload_wins(void **state)
{
    (void)state;
    case_worker w[] = {{30, 3, 12}, {31, 1, 4}, {32, 3, 9}};
    assert_int_equal(case_pick_worker(w, 3, 115), 1);
    w[1].caseload = 10;
    assert_int_equal(case_pick_worker(w, 3, 115), 2);
}

static void ties_go_to_the_lowest_staff_id(void **state)
{
    (void)state;
    /* Not sorted by id, so the tie rule is not an accident of order. */
    case_worker w[] = {{52, 3, 5}, {17, 1, 5}, {40, 3, 5}};
    assert_int_equal(case_pick_worker(w, 3, 115), 1);
    w[1].caseload = 6;
    assert_int_equal(case_pick_worker(w, 3, 115), 2);
}

static void the_limit_is_never_passed(void **state)
{
    (void)state;
    case_worker w[] = {{1, 3, 115}, {2, 3, 114}, {3, 3, 200}};
    assert_int_equal(case_pick_worker(w, 3, 115), 1);
    w[1].caseload = 115;
    assert_int_equal(case_pick_worker(w, 3, 115), -1);
    assert_int_equal(case_pick_worker(w, 3, 116), 0);
    assert_int_equal(case_pick_worker(w, 0, 115), -1);
}

/* Filling a hub one case at a time spreads the cases evenly and stops at the limit. */
static void filling_a_hub_spreads_evenly(void **state)
{
    (void)state;
    case_worker w[] = {{5, 3, 0}, {6, 1, 2}, {7, 3, 0}};
    int given = 0;
    for (int k; (k = case_pick_worker(w, 3, 4)) >= 0; given++)
        w[k].caseload++;
    assert_int_equal(given, 10);
    for (int i = 0; i < 3; i++)
        assert_int_equal(w[i].caseload, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roles_that_carry_cases),         cmocka_unit_test(lowest_caseload_wins),
        cmocka_unit_test(ties_go_to_the_lowest_staff_id), cmocka_unit_test(the_limit_is_never_passed),
        cmocka_unit_test(filling_a_hub_spreads_evenly),
    };
    return cmocka_run_group_tests_name("case assignment rule", tests, NULL, NULL);
}

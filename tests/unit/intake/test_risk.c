/*
 * test_risk.c — the risk rule table: weights, caps, the overall cap, and the documented examples.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "intake.h"

static void nothing_scores_zero(void **state)
{
    (void)state;
    int v[INTAKE_IND_COUNT] = {0};
    assert_int_equal(intake_risk_score(v), 0);
    v[INTAKE_IND_RENT_ARREARS] = -5; /* never negative */
    assert_int_equal(intake_risk_score(v), 0);
}

static void every_indicator_has_one_row(void **state)
{
    (void)state;
    int seen[INTAKE_IND_COUNT] = {0};
    for (size_t i = 0; i < intake_risk_rules_count; i++) {
        const intake_risk_rule *r = &intake_risk_rules[i];
        assert_true(r->weight > 0 && r->cap >= r->weight);
        seen[r->indicator]++;
        /* One unit alone scores its weight. */
        int v[INTAKE_IND_COUNT] = {0};
        v[r->indicator] = 1;
        assert_int_equal(intake_risk_score(v), r->weight);
    }
    for (int i = 0; i < INTAKE_IND_COUNT; i++)
        assert_int_equal(seen[i], 1);
}

static void caps(void **state)
{
    (void)state;
    int v[INTAKE_IND_COUNT] = {0};
    v[INTAKE_IND_UTILITY_ARREARS] = 2;
    assert_int_equal(intake_risk_score(v), 12);
    v[INTAKE_IND_UTILITY_ARREARS] = 120;
    assert_int_equal(intake_risk_score(v), 24); /* row cap */
    for (int i = 0; i < INTAKE_IND_COUNT; i++)
        v[i] = 120;
    assert_int_equal(intake_risk_score(v), 100); /* overall cap */
}

static void documented_examples(void **state)
{
    (void)state;
    int v[INTAKE_IND_COUNT] = {0};
    v[INTAKE_IND_LIVES_ALONE] = 1;
    v[INTAKE_IND_AGED_65] = 1;
    v[INTAKE_IND_UTILITY_ARREARS] = 3;
    assert_int_equal(intake_risk_score(v), 40);
    v[INTAKE_IND_RENT_ARREARS] = 2;
    assert_int_equal(intake_risk_score(v), 56);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nothing_scores_zero),
        cmocka_unit_test(every_indicator_has_one_row),
        cmocka_unit_test(caps),
        cmocka_unit_test(documented_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_eject_chain.c — the descent's two-link ejection chain (services/routing/solver/eject_chain.c):
 * on worse plans of random days with windows and capacities, every chain it applies lowers the
 * objective by what it moved (three routes, the rest untouched), every task is still served once, and
 * the independent checker accepts the plan.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "internal.h"

/* Tries a chain from every task; counts those applied, checking each lowered the objective. */
static int chains_from_every_task(const model_t *m, sol_t *s)
{
    int moves = 0;
    for (int a = 0; a < m->nveh; a++)
        for (int i = 1; i <= s->r[a].n; i++) {
            double before = routing_sol_objective(m, s);
            int served = 0;
            for (int v = 0; v < m->nveh; v++)
                served += s->r[v].n;
            if (!routing_eject_chain(m, s, a, i))
                continue;
            int after_served = 0, changed = 0;
            for (int v = 0; v < m->nveh; v++) {
                after_served += s->r[v].n;
                changed += s->touched[v];
                s->touched[v] = 0;
            }
            assert_int_equal(after_served, served);
            assert_true(changed <= 3);
            assert_true(routing_sol_objective(m, s) < before - 1e-9);
            moves++;
        }
    return moves;
}

static void chains_lower_cost_and_stay_feasible(void **state)
{
    (void)state;
    int moves = 0;
    for (unsigned seed = 1; seed <= 8; seed++) {
        th_day_t d;
        th_day_open(&d, th_random_problem(seed, 50, 8, 25, 480, seed % 2 ? 90 : 0));
        const model_t *m = &d.m;
        sol_t *s = &d.s;
        rng_t rng;
        routing_rng_seed(&rng, seed);
        assert_int_equal(routing_construct(m, s, &rng), 0);
        int removed[m->njobs + 1];
        for (int step = 0; step < 30; step++) {
            int n = routing_ruin_strings(m, s, &rng, removed, 10, 10);
            routing_recreate(m, s, removed, n, &rng, 0.3); /* many blinks: a worse plan to improve */
            memset(s->touched, 0, (size_t)m->nveh);
            moves += chains_from_every_task(m, s);
            s->cost = routing_sol_objective(m, s);
            th_assert_plan_checked(d.p, m, s);
        }
        th_day_close(&d);
    }
    assert_true(moves > 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chains_lower_cost_and_stay_feasible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

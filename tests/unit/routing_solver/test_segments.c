/*
 * test_segments.c — the O(1) time-window bookkeeping against a plain forward simulation: for random
 * routes and every insertion position, route_insert_delta is finite exactly when the simulated route
 * is feasible, and then equals the simulated travel change; after the insertion every prefix and
 * suffix segment agrees with the simulation too.  Also seg_join on hand-checked cases.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "helpers.h"
#include "internal.h"

/* Simulated route: seq[0..n+1] with depots; returns travel, or INFINITY when infeasible. */
static double simulate(const model_t *m, const sol_t *s, const int *seq, int n, int v)
{
    double t = m->tasks[seq[0]].e, travel = 0, load = 0;
    for (int i = 1; i <= n + 1; i++) {
        double leg = model_tt(m, seq[i - 1], seq[i]);
        travel += leg;
        t += m->tasks[seq[i - 1]].service + leg;
        t = fmax(t, s->e[seq[i]]);
        if (t > s->l[seq[i]] + 1e-9)
            return INFINITY;
        load += m->tasks[seq[i]].demand;
    }
    return load <= m->veh[v].capacity + 1e-9 ? travel : INFINITY;
}

static void check_all_positions(const model_t *m, sol_t *s, int v, int task)
{
    const route_t *r = &s->r[v];
    int seq[64];
    double base = simulate(m, s, r->seq, r->n, v);
    for (int pos = 0; pos <= r->n; pos++) {
        int k = 0;
        for (int i = 0; i <= r->n + 1; i++) {
            seq[k++] = r->seq[i];
            if (i == pos)
                seq[k++] = task;
        }
        double sim = simulate(m, s, seq, r->n + 1, v);
        double d = routing_route_insert_delta(m, s, v, pos, task);
        assert_int_equal(isfinite(sim), isfinite(d));
        if (isfinite(sim))
            if (fabs(d - (sim - base)) > 1e-7)
                fail_msg("pos %d: delta %.12f, simulated %.12f", pos, d, sim - base);
    }
}

static void insertion_agrees_with_simulation(void **state)
{
    for (unsigned seed = 1; seed <= 30; seed++) {
        routing_problem_t *p = th_random_problem(seed, 30, 3, 40, 500, 40 + 10 * (seed % 5));
        routing_solver_params_t prm;
        routing_solver_params_default(&prm);
        model_t m;
        sol_t s;
        assert_int_equal(routing_model_build(&m, p, &prm), 0);
        assert_int_equal(routing_sol_init(&s, &m), 0);
        for (int t = 0; t < m.ntasks; t++) {
            int v = t % m.nveh;
            check_all_positions(&m, &s, v, t);
            for (int pos = 0; pos <= s.r[v].n; pos++)
                if (isfinite(routing_route_insert_delta(&m, &s, v, pos, t))) {
                    routing_route_insert(&m, &s, v, pos, t);
                    break;
                }
        }
        for (int v = 0; v < m.nveh; v++)
            assert_true(s.r[v].fwd[s.r[v].n + 1].TW < 1e-9);
        routing_sol_free(&s);
        routing_model_free(&m);
        routing_problem_destroy(&p);
    }
}

static void join_waits_and_warps(void **state)
{
    seg_t a = {1, 0, 0, 10}, b = {1, 0, 5, 6};
    seg_t ab = seg_join(a, b, 2); /* start a in [2, 3] to reach b in its window without waiting */
    th_assert_near(ab.D, 4, 1e-12);
    th_assert_near(ab.TW, 0, 1e-12);
    th_assert_near(ab.E, 2, 1e-12);
    th_assert_near(ab.L, 3, 1e-12);
    seg_t c = {1, 0, 20, 30}; /* b must wait: starting b at 6 at the latest still waits until 20 */
    seg_t bc = seg_join(b, c, 1);
    th_assert_near(bc.TW, 0, 1e-12);
    th_assert_near(bc.D, 1 + 1 + 1 + (20 - 6 - 2), 1e-12);
    seg_t late = seg_join((seg_t){1, 0, 50, 60}, b, 1); /* 50 + 2 > 6: time warp 46 */
    th_assert_near(late.TW, 46, 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(join_waits_and_warps),
        cmocka_unit_test(insertion_agrees_with_simulation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_swap_star.c — SWAP* (services/routing/solver/swap_star.c).  Without time windows or capacities
 * SWAP* is exact: on two routes, one pass lowers the travel by exactly the best exchange that a brute
 * force over every pair of tasks and every pair of new places finds.  With windows and capacities,
 * every pass that reports a move lowers the objective, and the plan it leaves is accepted by the
 * independent checker.
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

static double route_travel(const model_t *m, const int *seq, int n)
{
    double t = 0;
    for (int i = 0; i + 1 < n; i++)
        t += model_tt(m, seq[i], seq[i + 1]);
    return t;
}

/* seq of route r without position i, with x after (original) position j. */
static int exchanged(const route_t *r, int i, int x, int j, int *out)
{
    int k = 0;
    for (int p = 0; p <= r->n + 1; p++) {
        if (p != i)
            out[k++] = r->seq[p];
        if (p == j)
            out[k++] = x;
    }
    return k;
}

/* The least travel change of any exchange of a task of route a with one of route b, each put anywhere
 * in the other route; 0 when none gains. */
static double brute_best_exchange(const model_t *m, const sol_t *s, int a, int b)
{
    const route_t *ra = &s->r[a], *rb = &s->r[b];
    double before = ra->dist[ra->n + 1] + rb->dist[rb->n + 1], best = 0;
    int sa[ra->n + 2], sb[rb->n + 2];
    for (int i = 1; i <= ra->n; i++)
        for (int j = 1; j <= rb->n; j++)
            for (int ja = 0; ja <= ra->n; ja++)
                for (int jb = 0; jb <= rb->n; jb++) {
                    if (ja == i || jb == j)
                        continue;
                    int na = exchanged(ra, i, rb->seq[j], ja, sa), nb = exchanged(rb, j, ra->seq[i], jb, sb);
                    double d = route_travel(m, sa, na) + route_travel(m, sb, nb) - before;
                    best = d < best ? d : best;
                }
    return best;
}

static void exact_without_windows(void **state)
{
    (void)state;
    int moved = 0;
    for (unsigned seed = 1; seed <= 12; seed++) {
        th_day_t d;
        th_day_open(&d, th_random_problem(seed, 14, 2, 0, 1e6, 0));
        for (int t = 0; t < d.m.ntasks; t++) /* alternating, in index order: far from good */
            routing_route_insert(&d.m, &d.s, t % 2, d.s.r[t % 2].n, t);
        double best = brute_best_exchange(&d.m, &d.s, 0, 1), before = routing_sol_objective(&d.m, &d.s);
        bool any = routing_swap_star_pass(&d.m, &d.s);
        assert_true(any == (best < -1e-9));
        th_assert_near(routing_sol_objective(&d.m, &d.s) - before, best, 1e-6);
        moved += any;
        th_day_close(&d);
    }
    assert_true(moved >= 10);
}

static void feasible_with_windows(void **state)
{
    (void)state;
    int moves = 0;
    for (unsigned seed = 1; seed <= 8; seed++) {
        th_day_t d;
        th_day_open(&d, th_random_problem(seed, 40, 6, 30, 480, 90));
        const model_t *m = &d.m;
        sol_t *s = &d.s;
        rng_t rng;
        routing_rng_seed(&rng, seed);
        assert_int_equal(routing_construct(m, s, &rng), 0);
        int removed[m->njobs + 1];
        for (int step = 0; step < 30; step++) {
            int n = routing_ruin_strings(m, s, &rng, removed, 10, 10);
            routing_recreate(m, s, removed, n, &rng, 0.3); /* many blinks: a worse plan to improve */
            double before = s->cost;
            while (routing_swap_star_pass(m, s)) {
                double after = routing_sol_objective(m, s);
                assert_true(after < before - 1e-9);
                before = after;
                moves++;
            }
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
        cmocka_unit_test(exact_without_windows),
        cmocka_unit_test(feasible_with_windows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

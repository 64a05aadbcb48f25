/*
 * test_insert_single.c — the one-task insertion scans of insert_single.c against plain enumeration on
 * 500-visit days: the full scan finds the cheapest feasible position of all (every position of every
 * route, empty routes included); the granular scan the cheapest among the positions next to the task's
 * nearest tasks and the empty routes, or nothing when no neighbour's position is feasible; and the scan
 * recreate uses falls back to the full one when no neighbour's position is feasible, so a visit that fits
 * somewhere is always placed.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "helpers.h"
#include "internal.h"

#define N_VISITS 500

typedef struct day {
    routing_problem_t *p;
    model_t m;
    sol_t s;
    rng_t rng;
} day_t;

/* A constructed 500-visit day (windows of width `width`, 0 = none). */
static void day_build(day_t *d, unsigned seed, double width)
{
    d->p = th_random_problem(seed, N_VISITS, 60, 40, 1000, width);
    routing_solver_params_t prm;
    routing_solver_params_default(&prm);
    assert_int_equal(routing_model_build(&d->m, d->p, &prm), 0);
    assert_true(d->m.ntasks > ROUTING_GRANULAR_MIN_TASKS);
    assert_int_equal(routing_sol_init(&d->s, &d->m), 0);
    routing_rng_seed(&d->rng, seed);
    assert_int_equal(routing_construct(&d->m, &d->s, &d->rng), 0);
}

static void day_free(day_t *d)
{
    routing_sol_free(&d->s);
    routing_model_free(&d->m);
    routing_problem_destroy(&d->p);
}

/* Cheapest feasible insertion of task over every position (near_only: next to its nearest tasks, and
 * into an empty route when one of those is feasible). */
static double enumerate(const model_t *m, const sol_t *s, int task, bool near_only)
{
    double best = INFINITY, empty = INFINITY;
    for (int v = 0; v < m->nveh; v++)
        for (int pos = 0; pos <= s->r[v].n; pos++) {
            bool near = false;
            for (int k = 0; k < ROUTING_GRANULAR_INSERT && k < m->nnear && !near; k++) {
                int w = m->near[(size_t)task * m->nnear + k];
                near = s->route_of[w] == v && (s->pos_of[w] == pos || s->pos_of[w] == pos + 1);
            }
            double d = routing_route_insert_delta(m, s, v, pos, task);
            if (s->r[v].n == 0)
                empty = fmin(empty, d);
            else if (!near_only || near)
                best = fmin(best, d);
        }
    return isfinite(best) || !near_only ? fmin(best, empty) : INFINITY;
}

static void scans_find_the_cheapest_position(void **state)
{
    for (unsigned seed = 1; seed <= 4; seed++) {
        day_t d;
        day_build(&d, seed, seed % 2 ? 150 : 0);
        for (int t = 0; t < 40; t++) {
            int task = (int)((t * 7919u + seed) % (unsigned)d.m.ntasks);
            if (d.s.route_of[task] < 0)
                continue;
            routing_route_remove(&d.m, &d.s, task);
            int v = -1, pos = -1;
            double full, gran;
            bool fok = routing_insert_single_full(&d.m, &d.s, task, &d.rng, 0, &v, &pos, &full);
            assert_int_equal(fok, isfinite(enumerate(&d.m, &d.s, task, false)));
            if (fok) {
                th_assert_near(full, enumerate(&d.m, &d.s, task, false), 1e-9);
                th_assert_near(routing_route_insert_delta(&d.m, &d.s, v, pos, task), full, 1e-9);
            }
            bool gok = routing_insert_single_granular(&d.m, &d.s, task, &d.rng, 0, &v, &pos, &gran);
            double want = enumerate(&d.m, &d.s, task, true);
            assert_int_equal(gok, isfinite(want));
            if (gok) {
                th_assert_near(gran, want, 1e-9);
                assert_true(gran >= full - 1e-9);
            }
            assert_true(routing_insert_single_best(&d.m, &d.s, task, &d.rng, 0, &v, &pos, &gran));
            routing_route_insert(&d.m, &d.s, v, pos, task);
        }
        day_free(&d);
    }
}

/* With the task's nearest tasks all off the routes, only the fallback can place it. */
static void granular_falls_back_to_full_scan(void **state)
{
    day_t d;
    day_build(&d, 9, 0);
    int task = 17;
    assert_true(d.s.route_of[task] >= 0);
    routing_route_remove(&d.m, &d.s, task);
    for (int k = 0; k < ROUTING_GRANULAR_INSERT; k++) {
        int w = d.m.near[(size_t)task * d.m.nnear + k];
        if (d.s.route_of[w] >= 0)
            routing_route_remove(&d.m, &d.s, w);
    }
    int v = -1, pos = -1;
    double gran, best, full;
    assert_false(routing_insert_single_granular(&d.m, &d.s, task, &d.rng, 0, &v, &pos, &gran));
    assert_true(routing_insert_single_full(&d.m, &d.s, task, &d.rng, 0, &v, &pos, &full));
    assert_true(routing_insert_single_best(&d.m, &d.s, task, &d.rng, 0, &v, &pos, &best));
    th_assert_near(best, full, 1e-9);
    assert_true(isfinite(routing_route_insert_delta(&d.m, &d.s, v, pos, task)));
    day_free(&d);
}

/* Depot (50, 50); a line of 40 visits A0..A39 at (90, 50 + i) on route 0, A0 due at 40 exactly; T at
 * (50, 90) with window [100, 110] and vehicle 1 empty.  Before A0 and after A39 T is infeasible (A0
 * late; T reached at 119), after A_i it fits for i <= 28 at a detour of 82.3 or more; alone it costs
 * 80.  So the granular scan must find the empty route, as the full scan does. */
static void granular_offers_an_empty_route(void **state)
{
    routing_problem_t *p = routing_problem_new();
    routing_problem_add_location(p, 50, 50);
    for (int k = 0; k < 2; k++) {
        routing_staff_t st = {.shift_start = 0, .shift_end = 1000};
        routing_problem_add_staff(p, &st);
    }
    for (int i = 0; i <= 40; i++) {
        routing_visit_t v;
        routing_visit_init(&v);
        v.duration = 0;
        v.location =
            i < 40 ? routing_problem_add_location(p, 90, 50 + i) : routing_problem_add_location(p, 50, 90);
        if (i == 0 || i == 40) {
            v.n_windows = 1;
            v.windows[0] = i == 0 ? (routing_window_t){40, 40} : (routing_window_t){100, 110};
        }
        routing_problem_add_visit(p, &v);
    }
    routing_solver_params_t prm;
    routing_solver_params_default(&prm);
    model_t m;
    sol_t s;
    rng_t rng;
    routing_rng_seed(&rng, 1);
    assert_int_equal(routing_model_build(&m, p, &prm), 0);
    assert_int_equal(routing_sol_init(&s, &m), 0);
    for (int i = 0; i < 40; i++)
        routing_route_insert(&m, &s, 0, i, i);
    assert_true(s.r[0].fwd[s.r[0].n + 1].TW < 1e-9);
    int v = -1, pos = -1;
    double gran, full;
    assert_true(routing_insert_single_granular(&m, &s, 40, &rng, 0, &v, &pos, &gran));
    assert_int_equal(v, 1);
    th_assert_near(gran, 80, 1e-9);
    assert_true(routing_insert_single_full(&m, &s, 40, &rng, 0, &v, &pos, &full));
    th_assert_near(full, 80, 1e-9);
    assert_true(routing_route_insert_delta(&m, &s, 0, 28, 40) > 82);
    assert_true(isfinite(routing_route_insert_delta(&m, &s, 0, 28, 40)));
    routing_sol_free(&s);
    routing_model_free(&m);
    routing_problem_destroy(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scans_find_the_cheapest_position),
        cmocka_unit_test(granular_falls_back_to_full_scan),
        cmocka_unit_test(granular_offers_an_empty_route),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

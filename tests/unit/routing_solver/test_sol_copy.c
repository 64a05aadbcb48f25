/*
 * test_sol_copy.c — routing_sol_copy_changed, the annealing step's copy of only the routes changed since
 * the last one, against the full copy: over many ruin-and-recreate steps and local-search descents,
 * accepted or not as the annealing would, the candidate after each partial copy is route for route,
 * position for position the current solution (sequence, segments, schedule, loads), on days with and
 * without joint visits.
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
#include "scale.h"

static void assert_same_route(const route_t *a, const route_t *b)
{
    assert_int_equal(a->n, b->n);
    size_t k = (size_t)a->n + 2;
    assert_memory_equal(a->seq, b->seq, sizeof(int) * k);
    assert_memory_equal(a->fwd, b->fwd, sizeof(seg_t) * k);
    assert_memory_equal(a->bwd, b->bwd, sizeof(seg_t) * k);
    assert_memory_equal(a->dist, b->dist, sizeof(double) * k);
    assert_memory_equal(a->start, b->start, sizeof(double) * k);
    assert_memory_equal(a->cum, b->cum, sizeof(double) * k);
    assert_true(a->load == b->load && a->late == b->late && a->nsync == b->nsync);
}

static void assert_same_solution(const model_t *m, const sol_t *a, const sol_t *b)
{
    for (int v = 0; v < m->nveh; v++)
        assert_same_route(&a->r[v], &b->r[v]);
    assert_memory_equal(a->route_of, b->route_of, sizeof(int) * (size_t)m->nall);
    assert_memory_equal(a->pos_of, b->pos_of, sizeof(int) * (size_t)m->nall);
    assert_memory_equal(a->enw, b->enw, sizeof(int) * (size_t)m->nall);
    assert_memory_equal(a->ew, b->ew, sizeof(routing_window_t) * ROUTING_MAX_WINDOWS * (size_t)m->nall);
    assert_true(a->cost == b->cost);
}

/* The annealing's pattern: cand = cur (partial), ruin and recreate cand, sometimes polish it, and swap
 * the two when accepted. */
static void steps_keep_copies_exact(const routing_problem_t *p)
{
    routing_solver_params_t prm;
    routing_solver_params_default(&prm);
    model_t m;
    sol_t cur, cand;
    rng_t rng;
    assert_int_equal(routing_model_build(&m, p, &prm), 0);
    assert_int_equal(routing_sol_init(&cur, &m), 0);
    assert_int_equal(routing_sol_init(&cand, &m), 0);
    routing_rng_seed(&rng, 5);
    assert_int_equal(routing_construct(&m, &cur, &rng), 0);
    int *removed = malloc(sizeof(int) * ((size_t)m.njobs + 1));
    assert_non_null(removed);
    for (int step = 0; step < 300; step++) {
        routing_sol_copy_changed(&cand, &cur);
        assert_same_solution(&m, &cand, &cur);
        int n = routing_ruin_strings(&m, &cand, &rng, removed, 10, 10);
        routing_recreate(&m, &cand, removed, n, &rng, 0.01);
        if (step % 7 == 0)
            routing_local_search(&m, &cand, &rng);
        if (routing_rng_unit(&rng) < 0.5) {
            sol_t tmp = cur;
            cur = cand;
            cand = tmp;
        }
    }
    free(removed);
    routing_sol_free(&cur);
    routing_sol_free(&cand);
    routing_model_free(&m);
}

static void partial_copy_equals_full_copy(void **state)
{
    routing_problem_t *p = th_random_problem(3, 120, 12, 30, 600, 90);
    steps_keep_copies_exact(p);
    routing_problem_destroy(&p);
}

static void partial_copy_equals_full_copy_with_joint_visits(void **state)
{
    routing_problem_t *p = scale_generate_n(5, 150, 12);
    assert_non_null(p);
    steps_keep_copies_exact(p);
    routing_problem_destroy(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(partial_copy_equals_full_copy),
        cmocka_unit_test(partial_copy_equals_full_copy_with_joint_visits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

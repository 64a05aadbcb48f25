/*
 * test_solve.c — whole solves, each result through the checker: tiny instances against a brute-force
 * optimum, C101 against its known optimum, reproducibility for a seed, the reasons given for visits
 * left out, optional visits by priority, several windows, breaks.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "helpers.h"

static void tiny_instances_reach_brute_force_optimum(void **state)
{
    for (unsigned seed = 1; seed <= 6; seed++) {
        routing_problem_t *p = th_random_problem(seed, 7, 2, 20, 400, seed % 2 ? 60 : 0);
        double opt = th_brute_force(p);
        routing_result_t *res = th_solve_checked(p, 1500, seed);
        if (isfinite(opt)) {
            assert_int_equal(res->n_unassigned, 0);
            th_assert_near(res->travel, opt, 1e-6);
        } else {
            assert_true(res->n_unassigned > 0);
        }
        routing_result_destroy(&res);
        routing_problem_destroy(&p);
    }
}

static void c101_reaches_known_optimum(void **state)
{
    char buf[1024];
    const char *path = th_solomon_path("C101", buf, sizeof(buf));
    if (!path)
        skip();
    routing_problem_t *p = NULL;
    assert_int_equal(routing_solomon_read(path, &p, NULL, 0), 0);
    assert_int_equal(routing_problem_visit_count(p), 100);
    routing_result_t *res = th_solve_checked(p, 3000, 1);
    assert_int_equal(res->n_unassigned, 0);
    assert_true(res->travel < 828.937 + 0.01); /* the proven optimum, real-valued */
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
}

static void same_seed_same_result(void **state)
{
    routing_problem_t *p = th_random_problem(42, 40, 6, 30, 600, 80);
    routing_result_t *a = th_solve_checked(p, 800, 7), *b = th_solve_checked(p, 800, 7);
    th_assert_near(a->cost, b->cost, 0);
    for (int r = 0; r < a->n_routes; r++) {
        assert_int_equal(a->routes[r].n_stops, b->routes[r].n_stops);
        for (int i = 0; i < a->routes[r].n_stops; i++)
            assert_int_equal(a->routes[r].stops[i].index, b->routes[r].stops[i].index);
    }
    routing_result_destroy(&a);
    routing_result_destroy(&b);
    routing_problem_destroy(&p);
}

static routing_problem_t *one_staff(double shift_end, double cap)
{
    routing_problem_t *p = routing_problem_new();
    routing_problem_add_location(p, 0, 0);
    routing_staff_t s = {.id = "s", .role = 0, .shift_end = shift_end, .capacity = cap};
    routing_problem_add_staff(p, &s);
    return p;
}

static int add_visit(routing_problem_t *p, double x, double lo, double hi, int role, bool optional, int prio)
{
    routing_visit_t v;
    routing_visit_init(&v);
    v.location = routing_problem_add_location(p, x, 0);
    v.duration = 10;
    v.demand = 1;
    v.n_windows = 1;
    v.windows[0] = (routing_window_t){lo, hi};
    v.parts[0].role = role;
    v.optional = optional;
    v.priority = prio;
    return routing_problem_add_visit(p, &v);
}

static routing_reason_t reason_for(const routing_result_t *res, int visit)
{
    for (int i = 0; i < res->n_unassigned; i++)
        if (res->unassigned[i].visit == visit)
            return res->unassigned[i].reason;
    return ROUTING_REASON_NONE;
}

static void reasons_for_visits_left_out(void **state)
{
    routing_problem_t *p = one_staff(100, 2);
    int ok1 = add_visit(p, 5, 0, 100, ROUTING_ANY_ROLE, false, 0);
    int ok2 = add_visit(p, 6, 0, 100, ROUTING_ANY_ROLE, false, 0);
    int full = add_visit(p, 7, 0, 100, ROUTING_ANY_ROLE, false, 0); /* capacity 2: one of the three */
    int role = add_visit(p, 5, 0, 100, 3, false, 0);
    int late = add_visit(p, 60, 0, 10, ROUTING_ANY_ROLE, false, 0); /* 60 away, window closes at 10 */
    routing_result_t *res = th_solve_checked(p, 200, 1);
    assert_int_equal(res->n_unassigned, 3);
    assert_int_equal(reason_for(res, role), ROUTING_REASON_NO_SKILLED_STAFF);
    assert_int_equal(reason_for(res, late), ROUTING_REASON_NO_TIME_WINDOW);
    int cap_out = (reason_for(res, ok1) == ROUTING_REASON_DAY_CAPACITY) +
                  (reason_for(res, ok2) == ROUTING_REASON_DAY_CAPACITY) +
                  (reason_for(res, full) == ROUTING_REASON_DAY_CAPACITY);
    assert_int_equal(cap_out, 1);
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
}

static void optional_visits_by_priority(void **state)
{
    routing_problem_t *p = one_staff(45, 0); /* time for one 10-minute visit 10 away, not two */
    int low = add_visit(p, 10, 0, 45, ROUTING_ANY_ROLE, true, 0);
    int high = add_visit(p, -10, 0, 45, ROUTING_ANY_ROLE, true, 3);
    routing_result_t *res = th_solve_checked(p, 200, 1);
    assert_int_equal(res->n_unassigned, 1);
    assert_int_equal(res->unassigned[0].visit, low);
    assert_int_equal(res->unassigned[0].reason, ROUTING_REASON_DAY_CAPACITY);
    assert_int_equal(res->routes[0].stops[0].index, high);
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
}

static void second_window_used_when_first_unreachable(void **state)
{
    routing_problem_t *p = one_staff(500, 0);
    routing_visit_t v;
    routing_visit_init(&v);
    v.location = routing_problem_add_location(p, 50, 0);
    v.duration = 10;
    v.n_windows = 2;
    v.windows[0] = (routing_window_t){0, 20};
    v.windows[1] = (routing_window_t){200, 220};
    routing_problem_add_visit(p, &v);
    routing_result_t *res = th_solve_checked(p, 100, 1);
    assert_int_equal(res->n_unassigned, 0);
    th_assert_near(res->routes[0].stops[0].start, 200, 1e-9);
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
}

static void break_placed_inside_its_window(void **state)
{
    routing_problem_t *p = one_staff(300, 0);
    for (int i = 0; i < 6; i++)
        add_visit(p, 5 + 3 * i, 0, 300, ROUTING_ANY_ROLE, false, 0);
    routing_break_t b = {.staff = 0, .location = 0, .duration = 30, .window = {100, 120}};
    assert_int_equal(routing_problem_add_break(p, &b), 0);
    routing_result_t *res = th_solve_checked(p, 300, 1);
    assert_int_equal(res->n_unassigned, 0);
    int seen = 0;
    for (int i = 0; i < res->routes[0].n_stops; i++)
        if (res->routes[0].stops[i].kind == ROUTING_STOP_BREAK) {
            seen++;
            assert_true(res->routes[0].stops[i].start >= 100 && res->routes[0].stops[i].start <= 120);
        }
    assert_int_equal(seen, 1);
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
}

static void rejects_bad_input(void **state)
{
    routing_problem_t *p = one_staff(100, 0);
    routing_visit_t v;
    routing_visit_init(&v);
    v.location = 99;
    assert_int_equal(routing_problem_add_visit(p, &v), ROUTING_EINVAL);
    v.location = 0;
    v.n_windows = 1;
    v.windows[0] = (routing_window_t){10, 5};
    assert_int_equal(routing_problem_add_visit(p, &v), ROUTING_EINVAL);
    routing_staff_t s = {.shift_start = 10, .shift_end = 5};
    assert_int_equal(routing_problem_add_staff(p, &s), ROUTING_EINVAL);
    routing_problem_destroy(&p);
    assert_null(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tiny_instances_reach_brute_force_optimum),
        cmocka_unit_test(c101_reaches_known_optimum),
        cmocka_unit_test(same_seed_same_result),
        cmocka_unit_test(reasons_for_visits_left_out),
        cmocka_unit_test(optional_visits_by_priority),
        cmocka_unit_test(second_window_used_when_first_unreachable),
        cmocka_unit_test(break_placed_inside_its_window),
        cmocka_unit_test(rejects_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

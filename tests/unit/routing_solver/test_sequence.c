/*
 * test_sequence.c — sequential multi-visits (part k + 1 starts [min_delay, max_delay] after part k, on
 * distinct staff; any order for two parts) and soft time windows (lateness priced per time unit up to a
 * hard limit), in the solver and in the independent checker.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

/* Two people at a hub at (0, 0), roles 0 and 1, shift [0, 1000]. */
static routing_problem_t *two_staff(void)
{
    routing_problem_t *p = routing_problem_new();
    int hub = routing_problem_add_location(p, 0, 0);
    for (int r = 0; r < 2; r++) {
        routing_staff_t s = {.role = r, .shift_end = 1000, .start_location = hub, .end_location = hub};
        routing_problem_add_staff(p, &s);
    }
    return p;
}

/* A sequential visit at (10, 0), 20 minutes per part: part 0 by role 0, part 1 by role 1, window w. */
static routing_visit_t sequence(routing_problem_t *p, routing_window_t w, double min_delay, double max_delay,
                                bool any_order)
{
    routing_visit_t v;
    routing_visit_init(&v);
    v.location = routing_problem_add_location(p, 10, 0);
    v.duration = 20;
    v.n_parts = 2;
    v.parts[0] = (routing_part_t){0, 0};
    v.parts[1] = (routing_part_t){1, 0};
    v.sequential = true;
    v.any_order = any_order;
    v.min_delay = min_delay;
    v.max_delay = max_delay;
    v.optional = true;
    v.n_windows = 1;
    v.windows[0] = w;
    return v;
}

/* Keeps the person of a role busy at (0, 5) from `at` for `duration` (a mandatory pinned visit). */
static void add_busy(routing_problem_t *p, int role, double at, double duration)
{
    routing_visit_t v;
    routing_visit_init(&v);
    v.location = routing_problem_add_location(p, 0, 5);
    v.parts[0].role = role;
    v.duration = duration;
    v.n_windows = 1;
    v.windows[0] = (routing_window_t){at, at};
    routing_problem_add_visit(p, &v);
}

static double part_start(const routing_result_t *res, int visit, int part)
{
    for (int r = 0; r < res->n_routes; r++)
        for (int i = 0; i < res->routes[r].n_stops; i++)
            if (res->routes[r].stops[i].kind == ROUTING_STOP_VISIT &&
                res->routes[r].stops[i].index == visit && res->routes[r].stops[i].part == part)
                return res->routes[r].stops[i].start;
    return NAN;
}

static void sequential_parts_keep_their_delay(void **state)
{
    routing_problem_t *p = two_staff();
    routing_visit_t v = sequence(p, (routing_window_t){0, 500}, 60, 120, false);
    int j = routing_problem_add_visit(p, &v);
    routing_result_t *res = th_solve_checked(p, 200, 1);
    assert_int_equal(res->n_unassigned, 0);
    double gap = part_start(res, j, 1) - part_start(res, j, 0);
    assert_true(gap >= 60 - 1e-6 && gap <= 120 + 1e-6);
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
}

/* Role 0 can only start its part at 10 (busy from 45), role 1 not before 301 (busy until 290): a max
 * delay of 120 cannot be met and the visit is left out; with 320 it fits. */
static void sequential_pair_beyond_max_delay_is_infeasible(void **state)
{
    for (int wide = 0; wide < 2; wide++) {
        routing_problem_t *p = two_staff();
        routing_visit_t v = sequence(p, (routing_window_t){0, 310}, 0, wide ? 320 : 120, false);
        int j = routing_problem_add_visit(p, &v);
        add_busy(p, 0, 45, 900);
        add_busy(p, 1, 5, 285);
        routing_result_t *res = th_solve_checked(p, 200, 1);
        if (!wide) {
            assert_int_equal(res->n_unassigned, 1);
            assert_int_equal(res->unassigned[0].visit, j);
        } else {
            assert_int_equal(res->n_unassigned, 0);
            double gap = part_start(res, j, 1) - part_start(res, j, 0);
            assert_true(gap >= 290 - 1e-6 && gap <= 320 + 1e-6);
        }
        routing_result_destroy(&res);
        routing_problem_destroy(&p);
    }
}

/* The checker refuses a plan whose parts are further apart than max_delay. */
static void checker_rejects_a_broken_delay(void **state)
{
    routing_problem_t *p = two_staff();
    routing_visit_t v = sequence(p, (routing_window_t){0, 900}, 60, 120, false);
    int j = routing_problem_add_visit(p, &v);
    routing_result_t *res = th_solve_checked(p, 200, 1);
    assert_int_equal(res->n_unassigned, 0);
    double shift = part_start(res, j, 0) + 121 - part_start(res, j, 1); /* one past the max delay */
    for (int r = 0; r < res->n_routes; r++)
        for (int i = 0; i < res->routes[r].n_stops; i++) {
            routing_stop_t *st = &res->routes[r].stops[i];
            if (st->index == j && st->part == 1) {
                st->start += shift;
                st->end += shift;
                res->routes[r].arrive += shift;
            }
        }
    char err[256];
    assert_int_equal(routing_solver_check(p, res, err, sizeof(err)), ROUTING_EINFEAS);
    assert_non_null(strstr(err, "sequential"));
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
}

/* Role 0 is free only after 400, role 1 only before 150: in the fixed order (part 0 first) the visit
 * cannot be served; in any order it is, part 1 first. */
static void any_order_lets_the_second_part_go_first(void **state)
{
    for (int any = 0; any < 2; any++) {
        routing_problem_t *p = two_staff();
        routing_visit_t v = sequence(p, (routing_window_t){0, 900}, 100, 400, any);
        int j = routing_problem_add_visit(p, &v);
        add_busy(p, 0, 5, 390);
        add_busy(p, 1, 150, 840);
        routing_result_t *res = th_solve_checked(p, 300, 1);
        if (!any) {
            assert_int_equal(res->n_unassigned, 1);
        } else {
            assert_int_equal(res->n_unassigned, 0);
            double gap = part_start(res, j, 0) - part_start(res, j, 1);
            assert_true(gap >= 100 - 1e-6 && gap <= 400 + 1e-6);
        }
        routing_result_destroy(&res);
        routing_problem_destroy(&p);
    }
}

/* One person, one visit 100 away whose soft window closes at 50: 50 late at 2 per unit. */
static routing_problem_t *late_day(double max_lateness, bool optional)
{
    routing_problem_t *p = routing_problem_new();
    int hub = routing_problem_add_location(p, 0, 0);
    routing_staff_t s = {.shift_end = 1000, .start_location = hub, .end_location = hub};
    routing_problem_add_staff(p, &s);
    routing_visit_t v;
    routing_visit_init(&v);
    v.location = routing_problem_add_location(p, 100, 0);
    v.duration = 10;
    v.n_windows = 1;
    v.windows[0] = (routing_window_t){0, 50};
    v.lateness_cost = 2;
    v.max_lateness = max_lateness;
    v.optional = optional;
    v.penalty = optional ? 1e6 : 0;
    routing_problem_add_visit(p, &v);
    return p;
}

static void soft_window_lateness_priced_exactly(void **state)
{
    routing_problem_t *p = late_day(100, false);
    routing_result_t *res = th_solve_checked(p, 50, 1);
    assert_int_equal(res->n_unassigned, 0);
    th_assert_near(res->routes[0].stops[0].start, 100, 1e-9);
    th_assert_near(res->routes[0].stops[0].lateness, 50, 1e-9);
    th_assert_near(res->lateness_cost, 100, 1e-9);
    th_assert_near(res->travel, 200, 1e-9);
    th_assert_near(res->cost, 300, 1e-9);
    char err[256];
    res->routes[0].stops[0].lateness = 40; /* a misreported lateness is caught */
    assert_int_equal(routing_solver_check(p, res, err, sizeof(err)), ROUTING_EINFEAS);
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
}

static void lateness_beyond_the_hard_limit_is_infeasible(void **state)
{
    routing_problem_t *p = late_day(40, true); /* would be 50 late, 40 allowed */
    routing_result_t *res = th_solve_checked(p, 50, 1);
    assert_int_equal(res->n_unassigned, 1);
    assert_int_equal(res->unassigned[0].reason, ROUTING_REASON_NO_TIME_WINDOW);
    th_assert_near(res->lateness_cost, 0, 1e-9);
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
}

/* Two visits 10 apart with soft windows: serving the one that closes first first saves lateness even
 * though the other order is no longer; the search finds the order with the least travel + lateness. */
static void lateness_steers_the_order(void **state)
{
    routing_problem_t *p = routing_problem_new();
    int hub = routing_problem_add_location(p, 0, 0);
    routing_staff_t s = {.shift_end = 1000, .start_location = hub, .end_location = hub};
    routing_problem_add_staff(p, &s);
    double close[2] = {200, 20};
    for (int i = 0; i < 2; i++) {
        routing_visit_t v;
        routing_visit_init(&v);
        v.location = routing_problem_add_location(p, 10 + 10 * i, 0);
        v.duration = 30;
        v.n_windows = 1;
        v.windows[0] = (routing_window_t){0, close[i]};
        v.lateness_cost = 5;
        v.max_lateness = 500;
        routing_problem_add_visit(p, &v);
    }
    routing_result_t *res = th_solve_checked(p, 100, 1);
    /* visit 1 (closes at 20, reached at 20 directly) first: no lateness; travel 20 + 10 + 10 = 40 */
    assert_int_equal(res->routes[0].stops[0].index, 1);
    th_assert_near(res->lateness_cost, 0, 1e-9);
    th_assert_near(res->cost, 40, 1e-9);
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
}

static void bad_sequences_and_soft_windows_are_refused(void **state)
{
    routing_problem_t *p = two_staff();
    routing_visit_t v;
    routing_visit_init(&v);
    v.location = 0;
    v.sequential = true; /* one part */
    assert_int_equal(routing_problem_add_visit(p, &v), ROUTING_EINVAL);
    v.n_parts = 2;
    v.min_delay = 50;
    v.max_delay = 10; /* min > max */
    assert_int_equal(routing_problem_add_visit(p, &v), ROUTING_EINVAL);
    v.n_parts = 3;
    v.max_delay = 60;
    v.any_order = true; /* any order needs two parts */
    assert_int_equal(routing_problem_add_visit(p, &v), ROUTING_EINVAL);
    routing_visit_init(&v);
    v.lateness_cost = -1;
    assert_int_equal(routing_problem_add_visit(p, &v), ROUTING_EINVAL);
    v.lateness_cost = 1;
    v.max_lateness = NAN;
    assert_int_equal(routing_problem_add_visit(p, &v), ROUTING_EINVAL);
    routing_problem_destroy(&p);
}

/* The JSON day plan carries both: a sequence object and soft-window fields, and the lateness back out. */
static void json_day_plan_with_sequence_and_soft_window(void **state)
{
    const char *text =
        "{\"travel\": {\"coordinates\": \"plane\", \"detour\": 1, \"speed\": 1},"
        " \"locations\": [{\"id\": \"hub\", \"x\": 0, \"y\": 0}, {\"id\": \"a\", \"x\": 10, \"y\": 0},"
        "                 {\"id\": \"b\", \"x\": 100, \"y\": 0}],"
        " \"roles\": [\"official\", \"nurse\"],"
        " \"staff\": [{\"id\": \"o\", \"role\": \"official\", \"shift\": [0, 1000], \"start\": \"hub\"},"
        "             {\"id\": \"n\", \"role\": \"nurse\", \"shift\": [0, 1000], \"start\": \"hub\"}],"
        " \"visits\": [{\"id\": \"v1\", \"location\": \"a\", \"duration\": 20,"
        "               \"parts\": [{\"role\": \"official\"}, {\"role\": \"nurse\"}],"
        "               \"sequence\": {\"min_delay\": 60, \"max_delay\": 180}},"
        "              {\"id\": \"v2\", \"location\": \"b\", \"duration\": 10, \"role\": \"nurse\","
        "               \"windows\": [[0, 50]], \"lateness_cost\": 2, \"max_lateness\": 100}],"
        " \"solver\": {\"iterations\": 200, \"cpu_time\": true}}";
    routing_problem_t *p = NULL;
    routing_solver_params_t prm;
    routing_solver_params_default(&prm);
    char err[256] = "";
    assert_int_equal(routing_json_read(text, &p, &prm, err, sizeof(err)), 0);
    assert_true(prm.cpu_time);
    const routing_visit_t *v1 = routing_problem_visit(p, 0), *v2 = routing_problem_visit(p, 1);
    assert_true(v1->sequential && !v1->any_order);
    th_assert_near(v1->min_delay, 60, 0);
    th_assert_near(v1->max_delay, 180, 0);
    th_assert_near(v2->lateness_cost, 2, 0);
    th_assert_near(v2->max_lateness, 100, 0);
    routing_result_t *res = th_solve_checked(p, 200, 1);
    assert_int_equal(res->n_unassigned, 0);
    th_assert_near(res->lateness_cost, 100, 1e-9); /* the nurse reaches b at 100: 50 late */
    char *out = routing_json_write(p, res);
    assert_non_null(strstr(out, "\"lateness_cost\": 100"));
    free(out);
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
    const char *bad = "{\"locations\": [{\"id\": \"h\", \"x\": 0, \"y\": 0}], \"staff\": [],"
                      " \"travel\": {\"coordinates\": \"plane\"},"
                      " \"visits\": [{\"id\": \"v\", \"location\": \"h\", \"duration\": 5,"
                      "  \"parts\": [{}, {}], \"sequence\": {\"min_delay\": 9, \"max_delay\": 3}}]}";
    assert_true(routing_json_read(bad, &p, &prm, err, sizeof(err)) < 0);
    assert_non_null(strstr(err, "min_delay"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sequential_parts_keep_their_delay),
        cmocka_unit_test(sequential_pair_beyond_max_delay_is_infeasible),
        cmocka_unit_test(checker_rejects_a_broken_delay),
        cmocka_unit_test(any_order_lets_the_second_part_go_first),
        cmocka_unit_test(soft_window_lateness_priced_exactly),
        cmocka_unit_test(lateness_beyond_the_hard_limit_is_infeasible),
        cmocka_unit_test(lateness_steers_the_order),
        cmocka_unit_test(bad_sequences_and_soft_windows_are_refused),
        cmocka_unit_test(json_day_plan_with_sequence_and_soft_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_sync.c — joint visits: parts on distinct, qualified staff starting within the tolerance, the
 * waiting that synchronization forces, a joint visit nobody can staff, and a generated district day
 * (many joint visits, breaks, several windows) solved and checked.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "helpers.h"
#include "scale.h"

static routing_problem_t *two_roles(void)
{
    routing_problem_t *p = routing_problem_new();
    int hub = routing_problem_add_location(p, 0, 0);
    for (int r = 0; r < 2; r++) {
        routing_staff_t s = {.role = r, .shift_end = 500, .start_location = hub, .end_location = hub};
        routing_problem_add_staff(p, &s);
    }
    return p;
}

static int add_joint(routing_problem_t *p, double x, double y, int r0, int r1, double tol)
{
    routing_visit_t v;
    routing_visit_init(&v);
    v.location = routing_problem_add_location(p, x, y);
    v.duration = 30;
    v.n_parts = 2;
    v.parts[0] = (routing_part_t){r0, 0};
    v.parts[1] = (routing_part_t){r1, 0};
    v.sync_tolerance = tol;
    return routing_problem_add_visit(p, &v);
}

static void joint_parts_start_together(void **state)
{
    routing_problem_t *p = two_roles();
    /* staff 0 first has a visit far away, so staff 1 must wait at the joint visit */
    routing_visit_t v;
    routing_visit_init(&v);
    v.location = routing_problem_add_location(p, 0, 100);
    v.duration = 20;
    v.parts[0].role = 0;
    v.n_windows = 1;
    v.windows[0] = (routing_window_t){0, 120};
    routing_problem_add_visit(p, &v);
    int j = add_joint(p, 10, 0, 0, 1, 0);
    routing_result_t *res = th_solve_checked(p, 300, 1);
    assert_int_equal(res->n_unassigned, 0);
    double start[2] = {NAN, NAN};
    int staff[2] = {-1, -1};
    for (int r = 0; r < res->n_routes; r++)
        for (int i = 0; i < res->routes[r].n_stops; i++)
            if (res->routes[r].stops[i].index == j) {
                start[res->routes[r].stops[i].part] = res->routes[r].stops[i].start;
                staff[res->routes[r].stops[i].part] = res->routes[r].staff;
            }
    assert_int_equal(staff[0], 0);
    assert_int_equal(staff[1], 1);
    th_assert_near(start[0], start[1], 1e-9);
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
}

static void unstaffable_joint_visit_is_reported(void **state)
{
    routing_problem_t *p = two_roles();
    int j = add_joint(p, 10, 0, 0, 0, 5); /* two people of role 0; there is one */
    routing_result_t *res = th_solve_checked(p, 50, 1);
    assert_int_equal(res->n_unassigned, 1);
    assert_int_equal(res->unassigned[0].visit, j);
    assert_int_equal(res->unassigned[0].reason, ROUTING_REASON_NO_SKILLED_STAFF);
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
}

static void many_joint_visits_stay_synchronized(void **state)
{
    routing_problem_t *p = two_roles();
    for (int i = 0; i < 8; i++)
        add_joint(p, 10 * cos(i), 10 * sin(i), 0, 1, i % 2 ? 0 : 3);
    routing_result_t *res = th_solve_checked(p, 400, 3);
    assert_int_equal(res->n_unassigned, 0);
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
}

static void generated_district_day_is_feasible(void **state)
{
    routing_problem_t *p = scale_generate_n(5, 150, 12);
    routing_result_t *res = th_solve_checked(p, 300, 5);
    int joint_served = 0;
    for (int r = 0; r < res->n_routes; r++)
        for (int i = 0; i < res->routes[r].n_stops; i++)
            joint_served += res->routes[r].stops[i].kind == ROUTING_STOP_VISIT &&
                            routing_problem_visit(p, res->routes[r].stops[i].index)->n_parts > 1;
    assert_true(joint_served >= 2 * 8); /* most of the 15 joint visits, two stops each */
    routing_result_destroy(&res);
    routing_problem_destroy(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(joint_parts_start_together),
        cmocka_unit_test(unstaffable_joint_visit_is_reported),
        cmocka_unit_test(many_joint_visits_stay_synchronized),
        cmocka_unit_test(generated_district_day_is_feasible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_checker.c — the independent checker accepts a hand-made valid plan and rejects each kind of
 * violation: early start, window, role, synchronization, shift end, capacity, double service,
 * missing visits, a wrong travel total, one person on two parts of a joint visit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "solver.h"

typedef struct variant {
    double v0_end;    /* window end of visit 0 */
    int role0, role1; /* staff roles */
    double tol;       /* joint tolerance */
    double shift_end;
    double cap;
    bool any_role; /* joint parts accept any role */
} variant_t;

static const variant_t base = {20, 0, 1, 2, 100, 0, false};

/* depot (0,0); A (3,4) 5 away; B (6,8) 10 away, 5 from A. */
static routing_problem_t *make(variant_t w)
{
    routing_problem_t *p = routing_problem_new();
    int d = routing_problem_add_location(p, 0, 0), a = routing_problem_add_location(p, 3, 4),
        b = routing_problem_add_location(p, 6, 8);
    routing_staff_t s0 = {.id = "s0",
                          .role = w.role0,
                          .shift_end = w.shift_end,
                          .start_location = d,
                          .end_location = d,
                          .capacity = w.cap};
    routing_staff_t s1 = s0;
    s1.id = "s1";
    s1.role = w.role1;
    routing_problem_add_staff(p, &s0);
    routing_problem_add_staff(p, &s1);
    routing_visit_t v;
    routing_visit_init(&v);
    v.location = a;
    v.duration = 10;
    v.demand = 1;
    v.n_windows = 1;
    v.windows[0] = (routing_window_t){w.v0_end < 5 ? 0 : 5, w.v0_end};
    routing_problem_add_visit(p, &v);
    v.location = b;
    v.windows[0] = (routing_window_t){20, 40};
    v.n_parts = 2;
    v.parts[0] = (routing_part_t){w.any_role ? ROUTING_ANY_ROLE : 0, 0};
    v.parts[1] = (routing_part_t){w.any_role ? ROUTING_ANY_ROLE : 1, 0};
    v.sync_tolerance = w.tol;
    routing_problem_add_visit(p, &v);
    return p;
}

typedef struct plan {
    routing_result_t res;
    routing_route_t routes[2];
    routing_stop_t s0[3], s1[2];
    routing_unassigned_t un[2];
} plan_t;

static void valid_plan(plan_t *pl)
{
    memset(pl, 0, sizeof(*pl));
    pl->s0[0] = (routing_stop_t){ROUTING_STOP_VISIT, 0, 0, 5, 5, 15, 0};
    pl->s0[1] = (routing_stop_t){ROUTING_STOP_VISIT, 1, 0, 20, 20, 30, 0};
    pl->s1[0] = (routing_stop_t){ROUTING_STOP_VISIT, 1, 1, 20, 21, 31, 0};
    pl->routes[0] = (routing_route_t){0, 2, pl->s0, 0, 40, 20, 0};
    pl->routes[1] = (routing_route_t){1, 1, pl->s1, 10, 41, 20, 0};
    pl->res.n_routes = 2;
    pl->res.routes = pl->routes;
    pl->res.unassigned = pl->un;
    pl->res.travel = 40;
}

static void expect(variant_t w, const plan_t *pl, int want, const char *words)
{
    routing_problem_t *p = make(w);
    char err[256] = "";
    int rc = routing_solver_check(p, &pl->res, err, sizeof(err));
    if (rc != want || (words && !strstr(err, words)))
        fail_msg("want %d (%s), got %d: %s", want, words ? words : "", rc, err);
    routing_problem_destroy(&p);
}

static void accepts_valid_plan(void **state)
{
    plan_t pl;
    valid_plan(&pl);
    expect(base, &pl, 0, NULL);
}

static void rejects_start_before_arrival(void **state)
{
    plan_t pl;
    valid_plan(&pl);
    pl.s0[0].start = 4;
    pl.s0[0].end = 14;
    expect(base, &pl, ROUTING_EINFEAS, "arrival");
}

static void rejects_start_outside_window(void **state)
{
    plan_t pl;
    valid_plan(&pl);
    variant_t w = base;
    w.v0_end = 4.5;
    expect(w, &pl, ROUTING_EINFEAS, "outside its windows");
}

static void rejects_wrong_role(void **state)
{
    plan_t pl;
    valid_plan(&pl);
    variant_t w = base;
    w.role0 = 1;
    w.role1 = 0;
    expect(w, &pl, ROUTING_EINFEAS, "lacks the role");
}

static void rejects_unsynchronized_joint_visit(void **state)
{
    plan_t pl;
    valid_plan(&pl);
    variant_t w = base;
    w.tol = 0.5;
    expect(w, &pl, ROUTING_EINFEAS, "joint visit 1");
}

static void rejects_late_return(void **state)
{
    plan_t pl;
    valid_plan(&pl);
    variant_t w = base;
    w.shift_end = 39;
    expect(w, &pl, ROUTING_EINFEAS, "after the shift end");
}

static void rejects_over_capacity(void **state)
{
    plan_t pl;
    valid_plan(&pl);
    variant_t w = base;
    w.cap = 1.5;
    expect(w, &pl, ROUTING_EINFEAS, "capacity");
}

static void rejects_served_and_listed(void **state)
{
    plan_t pl;
    valid_plan(&pl);
    pl.un[0] = (routing_unassigned_t){0, ROUTING_REASON_DAY_CAPACITY};
    pl.res.n_unassigned = 1;
    expect(base, &pl, ROUTING_EINFEAS, "visit 0");
}

static void missing_visit_must_be_listed(void **state)
{
    plan_t pl;
    valid_plan(&pl);
    pl.s0[0] = (routing_stop_t){ROUTING_STOP_VISIT, 1, 0, 10, 20, 30, 0};
    pl.routes[0].n_stops = 1;
    pl.routes[0].travel = 20;
    expect(base, &pl, ROUTING_EINFEAS, "neither served nor listed");
    pl.un[0] = (routing_unassigned_t){0, ROUTING_REASON_DAY_CAPACITY};
    pl.res.n_unassigned = 1;
    expect(base, &pl, 0, NULL);
}

static void rejects_wrong_travel_total(void **state)
{
    plan_t pl;
    valid_plan(&pl);
    pl.res.travel = 41;
    expect(base, &pl, ROUTING_EINFEAS, "travel");
}

static void rejects_one_person_on_two_parts(void **state)
{
    plan_t pl;
    valid_plan(&pl);
    variant_t w = base;
    w.any_role = true;
    w.tol = 100;
    pl.s0[2] = (routing_stop_t){ROUTING_STOP_VISIT, 1, 1, 30, 30, 40, 0};
    pl.routes[0].n_stops = 3;
    pl.routes[0].arrive = 50;
    pl.routes[1].n_stops = 0;
    pl.routes[1].travel = 0;
    pl.res.travel = 20;
    expect(w, &pl, ROUTING_EINFEAS, "serves two parts");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_valid_plan),
        cmocka_unit_test(rejects_start_before_arrival),
        cmocka_unit_test(rejects_start_outside_window),
        cmocka_unit_test(rejects_wrong_role),
        cmocka_unit_test(rejects_unsynchronized_joint_visit),
        cmocka_unit_test(rejects_late_return),
        cmocka_unit_test(rejects_over_capacity),
        cmocka_unit_test(rejects_served_and_listed),
        cmocka_unit_test(missing_visit_must_be_listed),
        cmocka_unit_test(rejects_wrong_travel_total),
        cmocka_unit_test(rejects_one_person_on_two_parts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

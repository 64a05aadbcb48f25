/*
 * test_plan_optimizer.c — the day plan through the optimizer library: the same contract as the
 * heuristic (shifts, roles, joint visits at one start, fixed visits kept where they are), and what only
 * the optimizer plans: sequential visits within their delays, soft windows overrun within their limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "plan.h"

#define OFFICIAL 1
#define NURSE    2
#define MANAGER  3
#define HUB_LAT  35.15
#define HUB_LON  129.11
#define KM_LAT   (1.0 / 111.195)

static const routing_plan_optimizer quick = {200.0, 300, 1, 0.0, ROUTING_PLAN_LATENESS_COST};

static routing_plan make_plan(routing_plan_staff *staff, size_t n_staff, routing_plan_visit *visits, size_t n)
{
    routing_plan p;
    memset(&p, 0, sizeof p);
    p.hub_latitude = HUB_LAT;
    p.hub_longitude = HUB_LON;
    p.detour = 1.3;
    p.speed_kmh = 20.0;
    p.staff = staff;
    p.n_staff = n_staff;
    p.visits = visits;
    p.n_visits = n;
    return p;
}

static routing_plan_visit visit(int64_t id, double km_north, double km_east, int role, int priority,
                                int duration)
{
    routing_plan_visit v;
    memset(&v, 0, sizeof v);
    v.id = id;
    v.latitude = HUB_LAT + km_north * KM_LAT;
    v.longitude = HUB_LON + km_east * KM_LAT * 1.22;
    v.roles[0] = role;
    v.n_roles = 1;
    v.priority = priority;
    v.duration = duration;
    return v;
}

static void assert_feasible(const routing_plan *p)
{
    for (size_t s = 0; s < p->n_staff; s++) {
        const routing_plan_route *r = &p->routes[s];
        double lat = p->hub_latitude, lon = p->hub_longitude;
        int t = p->staff[s].shift_start;
        for (size_t g = 0; g < r->n; g++) {
            const routing_plan_visit *v = &p->visits[r->stops[g].visit];
            int start = routing_plan_start_for(v, s);
            assert_true(t + routing_plan_travel(p, lat, lon, v->latitude, v->longitude) <= start);
            t = start + v->duration;
            lat = v->latitude;
            lon = v->longitude;
        }
        assert_true(r->return_minute <= p->staff[s].shift_end);
    }
    for (size_t i = 0; i < p->n_visits; i++) {
        const routing_plan_visit *v = &p->visits[i];
        if (!v->placed)
            continue;
        assert_int_equal(v->n_staff, v->n_roles);
        for (int k = 0; k < v->n_staff; k++) {
            assert_true(v->staff[k] < p->n_staff);
            assert_int_equal(p->staff[v->staff[k]].role, v->roles[k]);
            for (int j = 0; j < k; j++)
                assert_true(v->staff[j] != v->staff[k]);
        }
    }
}

static void places_and_reports(void **state)
{
    (void)state;
    routing_plan_staff staff[] = {{1, OFFICIAL, 540, 660, 0}, {2, NURSE, 540, 1080, 0}};
    routing_plan_visit v[] = {visit(1, 1, 0, OFFICIAL, 50, 45), visit(2, 1, 1, OFFICIAL, 60, 45),
                              visit(3, -1, 0, OFFICIAL, 10, 45), visit(4, 0, 2, MANAGER, 90, 30),
                              visit(5, 2, 0, NURSE, 50, 30)};
    routing_plan p = make_plan(staff, 2, v, 5);
    int placed = routing_plan_optimize(&p, &quick);
    assert_int_equal(placed, 3); /* two of the official's three fit the 2-hour shift, and the nurse's */
    assert_int_equal(v[3].unplaced_reason, ROUTING_UNPLACED_NO_STAFF_WITH_ROLE);
    assert_true(v[4].placed);
    assert_true(v[1].placed); /* the higher priorities */
    assert_true(v[0].placed);
    assert_int_equal(v[2].unplaced_reason, ROUTING_UNPLACED_NO_TIME);
    assert_feasible(&p);
    routing_plan_free(&p);
}

static void joint_and_fixed(void **state)
{
    (void)state;
    routing_plan_staff staff[] = {{1, MANAGER, 540, 1080, 0}, {2, NURSE, 540, 1080, 0}};
    routing_plan_visit v[] = {visit(1, 0, 0, NURSE, 50, 60), visit(2, 2, 0, MANAGER, 80, 30),
                              visit(3, -2, 0, MANAGER, 40, 30)};
    v[0].placed = true; /* the nurse is busy at the hub 9:00-10:00 */
    v[0].start = 540;
    v[0].staff[0] = 1;
    v[0].n_staff = 1;
    v[1].roles[1] = NURSE;
    v[1].n_roles = 2;
    routing_plan p = make_plan(staff, 2, v, 3);
    assert_int_equal(routing_plan_optimize(&p, &quick), 2);
    assert_int_equal(v[0].start, 540);
    assert_true(v[1].start >= 600);
    assert_int_equal(p.routes[1].stops[0].visit, 0);
    assert_feasible(&p);
    routing_plan_free(&p);
}

/* The official, then the nurse 60–120 minutes later, 30 minutes each, by 10:00 but up to lateness late. */
static routing_plan_visit sequential(int max_lateness)
{
    routing_plan_visit v = visit(1, 1, 0, OFFICIAL, 50, 30);
    v.roles[1] = NURSE;
    v.n_roles = 2;
    v.sequence = 1;
    v.min_delay = 60;
    v.max_delay = 120;
    v.window_start = 540;
    v.window_end = 600;
    v.max_lateness = max_lateness;
    return v;
}

static void sequential_and_soft(void **state)
{
    (void)state;
    routing_plan_staff staff[] = {{1, NURSE, 540, 1080, 0}, {2, OFFICIAL, 540, 1080, 0}};
    routing_plan_visit v[] = {sequential(90)};
    routing_plan p = make_plan(staff, 2, v, 1);
    assert_int_equal(routing_plan_optimize(&p, &quick), 1);
    int official = routing_plan_start_for(&v[0], 1), nurse = routing_plan_start_for(&v[0], 0);
    assert_int_equal(v[0].start, official); /* the earliest part's start */
    assert_true(nurse - official >= 60 && nurse - official <= 120);
    assert_true(official + 30 <= 600);   /* the official is on time */
    assert_true(nurse + 30 - 600 <= 90); /* the nurse is late, within the limit */
    assert_feasible(&p);
    routing_plan_free(&p);

    v[0] = sequential(0); /* a hard window leaves no room for the nurse */
    p = make_plan(staff, 2, v, 1);
    assert_int_equal(routing_plan_optimize(&p, &quick), 0);
    assert_int_equal(v[0].unplaced_reason, ROUTING_UNPLACED_NO_TIME);
    routing_plan_free(&p);

    v[0] = sequential(90); /* the heuristic does not plan sequences */
    p = make_plan(staff, 2, v, 1);
    assert_int_equal(routing_plan_run(&p), 0);
    assert_int_equal(v[0].unplaced_reason, ROUTING_UNPLACED_NO_TIME);
    routing_plan_free(&p);
}

static void many_visits(void **state)
{
    (void)state;
    routing_plan_staff staff[6];
    routing_plan_visit v[60];
    for (int s = 0; s < 6; s++)
        staff[s] = (routing_plan_staff){s + 1, 1 + s % 3, 540 + 30 * (s % 2), 1080, 0};
    for (int i = 0; i < 60; i++) {
        v[i] = visit(i + 1, ((i * 37) % 61 - 30) / 10.0, ((i * 17) % 41 - 20) / 10.0, 1 + i % 3,
                     (i * 13) % 100, 20 + i % 3 * 10);
        if (i % 10 == 0) {
            v[i].roles[1] = 1 + (i + 1) % 3;
            v[i].n_roles = 2;
        }
    }
    routing_plan p = make_plan(staff, 6, v, 60);
    int placed = routing_plan_optimize(&p, &quick);
    assert_true(placed >= 40);
    assert_feasible(&p);
    routing_plan_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(places_and_reports),
        cmocka_unit_test(joint_and_fixed),
        cmocka_unit_test(sequential_and_soft),
        cmocka_unit_test(many_visits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_plan.c — the constructive day planner: travel, shifts, priorities, joint visits, fixed visits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "plan.h"

enum { OFFICIAL = 1, NURSE = 2, MANAGER = 3, COUNSELLOR = 4 };

#define HUB_LAT 35.15
#define HUB_LON 129.11
#define KM_LAT  (1.0 / 111.195) /* one km north, in degrees */

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

static routing_plan_visit visit(int64_t id, double km_north, int role, int priority, int duration)
{
    routing_plan_visit v;
    memset(&v, 0, sizeof v);
    v.id = id;
    v.latitude = HUB_LAT + km_north * KM_LAT;
    v.longitude = HUB_LON;
    v.roles[0] = role;
    v.n_roles = 1;
    v.priority = priority;
    v.due = 20261130;
    v.duration = duration;
    return v;
}

/* Checks every route: ordered, no overlap, reachable in time, inside the shift. */
static void assert_routes_feasible(const routing_plan *p)
{
    for (size_t s = 0; s < p->n_staff; s++) {
        const routing_plan_route *r = &p->routes[s];
        double lat = p->hub_latitude, lon = p->hub_longitude;
        int t = p->staff[s].shift_start;
        for (size_t g = 0; g < r->n; g++) {
            const routing_plan_visit *v = &p->visits[r->stops[g].visit];
            assert_true(t + routing_plan_travel(p, lat, lon, v->latitude, v->longitude) <= v->start);
            t = v->start + v->duration;
            lat = v->latitude;
            lon = v->longitude;
        }
        assert_true(t + routing_plan_travel(p, lat, lon, p->hub_latitude, p->hub_longitude) <=
                    p->staff[s].shift_end);
        assert_true(r->return_minute <= p->staff[s].shift_end);
    }
}

static void travel_time(void **state)
{
    (void)state;
    routing_plan p = make_plan(NULL, 0, NULL, 0);
    /* 1 km × 1.3 at 20 km/h = 3.9 minutes, rounded up. */
    assert_int_equal(routing_plan_travel(&p, HUB_LAT, HUB_LON, HUB_LAT + KM_LAT, HUB_LON), 4);
    assert_int_equal(routing_plan_travel(&p, HUB_LAT, HUB_LON, HUB_LAT, HUB_LON), 0);
    /* 9.9 km: 38.6 minutes. */
    assert_int_equal(routing_plan_travel(&p, HUB_LAT, HUB_LON, HUB_LAT + 9.9 * KM_LAT, HUB_LON), 39);
}

static void single_visit_at_shift_start(void **state)
{
    (void)state;
    routing_plan_staff staff[] = {{1, OFFICIAL, 540, 1080, 0}};
    routing_plan_visit v[] = {visit(1, 1.0, OFFICIAL, 50, 30)};
    routing_plan p = make_plan(staff, 1, v, 1);
    assert_int_equal(routing_plan_run(&p), 1);
    assert_true(v[0].placed);
    assert_int_equal(v[0].start, 544);
    assert_int_equal(v[0].n_staff, 1);
    assert_int_equal(p.routes[0].n, 1);
    assert_int_equal(p.routes[0].stops[0].travel, 4);
    assert_int_equal(p.routes[0].travel, 8);
    assert_int_equal(p.routes[0].return_minute, 578);
    routing_plan_free(&p);
    assert_null(p.routes);
}

/* The resident's "after 14:00": the visit waits for its window and ends inside it, in both planners;
 * a window it cannot fit leaves it out. */
static void time_window_respected(void **state)
{
    (void)state;
    for (int optimizer = 0; optimizer < 2; optimizer++) {
        routing_plan_staff staff[] = {{1, OFFICIAL, 540, 1080, 0}};
        routing_plan_visit v[] = {visit(1, 1.0, OFFICIAL, 50, 30), visit(2, 1.0, OFFICIAL, 50, 30)};
        v[0].window_start = 840;
        v[0].window_end = 1080;
        v[1].window_start = 1070; /* 30 minutes do not fit in 10 */
        v[1].window_end = 1080;
        routing_plan p = make_plan(staff, 1, v, 2);
        routing_plan_optimizer o = {.time_limit_ms = 100, .max_iterations = 200, .seed = 1};
        assert_int_equal(optimizer ? routing_plan_optimize(&p, &o) : routing_plan_run(&p), 1);
        assert_true(v[0].placed);
        assert_true(v[0].start >= 840 && v[0].start + 30 <= 1080);
        assert_false(v[1].placed);
        assert_routes_feasible(&p);
        routing_plan_free(&p);
    }
}

/* Skills: the lead must hold them; a skill nobody has cannot be staffed. */
static void skills_needed(void **state)
{
    (void)state;
    routing_skill_dict d = {.n = 0};
    uint32_t dementia = routing_skill_bits(&d, "[\"dementia\"]", true);
    uint32_t both = routing_skill_bits(&d, "[\"sign-language\", \"dementia\"]", true);
    assert_int_equal(dementia, 1u);
    assert_int_equal(both, 3u);
    assert_int_equal(routing_skill_bits(&d, "[\"braille\"]", false), ROUTING_SKILL_NOBODY);
    assert_int_equal(routing_skill_bits(&d, "[]", false), 0u);
    assert_int_equal(routing_skill_bits(&d, NULL, false), 0u);
    assert_int_equal(routing_skill_bits(&d, "not json", false), 0u);
    for (int optimizer = 0; optimizer < 2; optimizer++) {
        routing_plan_staff staff[] = {{1, OFFICIAL, 540, 1080, 0}, {2, OFFICIAL, 540, 1080, dementia}};
        routing_plan_visit v[] = {visit(1, 1.0, OFFICIAL, 50, 30), visit(2, 1.0, OFFICIAL, 50, 30)};
        v[0].skills = dementia;
        v[1].skills = ROUTING_SKILL_NOBODY;
        routing_plan p = make_plan(staff, 2, v, 2);
        routing_plan_optimizer o = {.time_limit_ms = 100, .max_iterations = 200, .seed = 1};
        assert_int_equal(optimizer ? routing_plan_optimize(&p, &o) : routing_plan_run(&p), 1);
        assert_true(v[0].placed);
        assert_int_equal(v[0].staff[0], 1); /* the one with the skill */
        assert_false(v[1].placed);
        if (!optimizer)
            assert_int_equal(v[1].unplaced_reason, ROUTING_UNPLACED_NO_STAFF_WITH_ROLE);
        routing_plan_free(&p);
    }
}

static void shift_window_limits(void **state)
{
    (void)state;
    /* A 2-hour shift fits two 45-minute visits 1 km out, not three. */
    routing_plan_staff staff[] = {{1, OFFICIAL, 540, 660, 0}};
    routing_plan_visit v[] = {visit(1, 1.0, OFFICIAL, 50, 45), visit(2, 1.0, OFFICIAL, 50, 45),
                              visit(3, 1.0, OFFICIAL, 50, 45)};
    routing_plan p = make_plan(staff, 1, v, 3);
    assert_int_equal(routing_plan_run(&p), 2);
    assert_false(v[2].placed);
    assert_int_equal(v[2].unplaced_reason, ROUTING_UNPLACED_NO_TIME);
    assert_routes_feasible(&p);
    routing_plan_free(&p);

    /* Too far to get there and back within the shift. */
    routing_plan_staff shortshift[] = {{1, OFFICIAL, 540, 600, 0}};
    routing_plan_visit far[] = {visit(1, 10.0, OFFICIAL, 50, 30)};
    p = make_plan(shortshift, 1, far, 1);
    assert_int_equal(routing_plan_run(&p), 0);
    assert_int_equal(far[0].unplaced_reason, ROUTING_UNPLACED_NO_TIME);
    routing_plan_free(&p);
}

static void priority_first(void **state)
{
    (void)state;
    routing_plan_staff staff[] = {{1, OFFICIAL, 540, 640, 0}};
    routing_plan_visit v[] = {visit(1, 1.0, OFFICIAL, 10, 60), visit(2, 1.0, OFFICIAL, 90, 60)};
    routing_plan p = make_plan(staff, 1, v, 2);
    assert_int_equal(routing_plan_run(&p), 1);
    assert_true(v[1].placed);
    assert_false(v[0].placed);
    routing_plan_free(&p);

    /* Equal priority: the earlier due date wins. */
    routing_plan_visit w[] = {visit(1, 1.0, OFFICIAL, 50, 60), visit(2, 1.0, OFFICIAL, 50, 60)};
    w[1].due = 20261101;
    p = make_plan(staff, 1, w, 2);
    assert_int_equal(routing_plan_run(&p), 1);
    assert_true(w[1].placed);
    routing_plan_free(&p);
}

static void role_needed(void **state)
{
    (void)state;
    routing_plan_staff staff[] = {{1, OFFICIAL, 540, 1080, 0}, {2, NURSE, 540, 1080, 0}};
    routing_plan_visit v[] = {visit(1, 1.0, COUNSELLOR, 50, 30), visit(2, 1.0, NURSE, 50, 30)};
    routing_plan p = make_plan(staff, 2, v, 2);
    assert_int_equal(routing_plan_run(&p), 1);
    assert_int_equal(v[0].unplaced_reason, ROUTING_UNPLACED_NO_STAFF_WITH_ROLE);
    assert_true(v[1].placed);
    assert_int_equal(v[1].staff[0], 1);
    routing_plan_free(&p);
}

static void joint_visit_same_start(void **state)
{
    (void)state;
    /* The nurse is busy until 10:00 with a fixed visit; the joint visit must wait for her. */
    routing_plan_staff staff[] = {{1, MANAGER, 540, 1080, 0}, {2, NURSE, 540, 1080, 0}};
    routing_plan_visit v[] = {visit(1, 0.0, NURSE, 50, 60), visit(2, 2.0, MANAGER, 80, 30)};
    v[0].placed = true;
    v[0].start = 540;
    v[0].staff[0] = 1;
    v[0].n_staff = 1;
    v[1].roles[1] = NURSE;
    v[1].n_roles = 2;
    routing_plan p = make_plan(staff, 2, v, 2);
    assert_int_equal(routing_plan_run(&p), 1);
    assert_true(v[1].placed);
    assert_int_equal(v[1].n_staff, 2);
    assert_true(v[1].staff[0] != v[1].staff[1]);
    assert_int_equal(v[1].start, 600 + 8); /* 2 km: 7.8 → 8 minutes after the nurse is free */
    assert_int_equal(p.routes[0].n, 1);
    assert_int_equal(p.routes[1].n, 2);
    assert_int_equal(p.routes[1].stops[1].visit, 1);
    assert_routes_feasible(&p);
    routing_plan_free(&p);
}

static void joint_visit_two_of_a_role(void **state)
{
    (void)state;
    routing_plan_staff one[] = {{1, NURSE, 540, 1080, 0}};
    routing_plan_visit v[] = {visit(1, 1.0, NURSE, 50, 30)};
    v[0].roles[1] = NURSE;
    v[0].n_roles = 2;
    routing_plan p = make_plan(one, 1, v, 1);
    assert_int_equal(routing_plan_run(&p), 0);
    assert_int_equal(v[0].unplaced_reason, ROUTING_UNPLACED_NO_STAFF_WITH_ROLE);
    routing_plan_free(&p);

    routing_plan_staff two[] = {{1, NURSE, 540, 1080, 0}, {2, NURSE, 600, 1080, 0}};
    v[0].unplaced_reason = 0;
    p = make_plan(two, 2, v, 1);
    assert_int_equal(routing_plan_run(&p), 1);
    assert_int_equal(v[0].start, 604); /* the later shift decides */
    assert_routes_feasible(&p);
    routing_plan_free(&p);
}

static void joint_visit_no_common_time(void **state)
{
    (void)state;
    /* Shifts that do not overlap long enough. */
    routing_plan_staff staff[] = {{1, MANAGER, 540, 620, 0}, {2, NURSE, 600, 1080, 0}};
    routing_plan_visit v[] = {visit(1, 1.0, MANAGER, 50, 30)};
    v[0].roles[1] = NURSE;
    v[0].n_roles = 2;
    routing_plan p = make_plan(staff, 2, v, 1);
    assert_int_equal(routing_plan_run(&p), 0);
    assert_int_equal(v[0].unplaced_reason, ROUTING_UNPLACED_NO_TIME);
    routing_plan_free(&p);
}

static void fixed_visits_kept_and_gaps_used(void **state)
{
    (void)state;
    routing_plan_staff staff[] = {{1, OFFICIAL, 540, 1080, 0}};
    routing_plan_visit v[] = {visit(1, 1.0, OFFICIAL, 50, 30), visit(2, 1.0, OFFICIAL, 50, 30)};
    v[0].placed = true;
    v[0].start = 700; /* leaves a gap from 9:00 to 11:40 */
    v[0].staff[0] = 0;
    v[0].n_staff = 1;
    routing_plan p = make_plan(staff, 1, v, 2);
    assert_int_equal(routing_plan_run(&p), 1);
    assert_int_equal(v[0].start, 700);
    assert_int_equal(v[1].start, 544); /* in the gap before the fixed visit */
    assert_int_equal(p.routes[0].stops[0].visit, 1);
    assert_int_equal(p.routes[0].stops[1].visit, 0);
    assert_routes_feasible(&p);
    routing_plan_free(&p);
}

static void clusters_by_cost(void **state)
{
    (void)state;
    /* Two staff, visits north and south: each goes to one side. */
    routing_plan_staff staff[] = {{1, OFFICIAL, 540, 1080, 0}, {2, OFFICIAL, 540, 1080, 0}};
    routing_plan_visit v[] = {visit(1, 3.0, OFFICIAL, 50, 30), visit(2, -3.0, OFFICIAL, 49, 30),
                              visit(3, 3.2, OFFICIAL, 48, 30), visit(4, -3.2, OFFICIAL, 47, 30)};
    routing_plan p = make_plan(staff, 2, v, 4);
    assert_int_equal(routing_plan_run(&p), 4);
    assert_int_equal(v[0].staff[0], v[2].staff[0]);
    assert_int_equal(v[1].staff[0], v[3].staff[0]);
    assert_routes_feasible(&p);
    routing_plan_free(&p);
}

static void many_visits_feasible(void **state)
{
    (void)state;
    routing_plan_staff staff[6];
    routing_plan_visit v[120];
    for (int s = 0; s < 6; s++)
        staff[s] = (routing_plan_staff){s + 1, 1 + s % 3, 540 + 30 * (s % 2), 1080, 0};
    for (int i = 0; i < 120; i++) {
        v[i] = visit(i + 1, ((i * 37) % 61 - 30) / 10.0, 1 + i % 3, (i * 13) % 100, 20 + i % 3 * 10);
        v[i].longitude += ((i * 17) % 41 - 20) / 1000.0;
        if (i % 10 == 0) {
            v[i].roles[1] = 1 + (i + 1) % 3;
            v[i].n_roles = 2;
        }
    }
    routing_plan p = make_plan(staff, 6, v, 120);
    int placed = routing_plan_run(&p);
    assert_true(placed > 20);
    int counted = 0;
    for (int i = 0; i < 120; i++) {
        if (!v[i].placed) {
            assert_true(v[i].unplaced_reason != 0);
            continue;
        }
        counted++;
        for (int k = 0; k < v[i].n_staff; k++)
            assert_int_equal(staff[v[i].staff[k]].role, v[i].roles[k]);
    }
    assert_int_equal(counted, placed);
    assert_routes_feasible(&p);
    routing_plan_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(travel_time),
        cmocka_unit_test(single_visit_at_shift_start),
        cmocka_unit_test(shift_window_limits),
        cmocka_unit_test(time_window_respected),
        cmocka_unit_test(skills_needed),
        cmocka_unit_test(priority_first),
        cmocka_unit_test(role_needed),
        cmocka_unit_test(joint_visit_same_start),
        cmocka_unit_test(joint_visit_two_of_a_role),
        cmocka_unit_test(joint_visit_no_common_time),
        cmocka_unit_test(fixed_visits_kept_and_gaps_used),
        cmocka_unit_test(clusters_by_cost),
        cmocka_unit_test(many_visits_feasible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_handlers.c — routing's handlers: every bad input is a typed error naming its field (no database
 * needed), and, when WH_TEST_DB_URL is set, the store path against real PostgreSQL: dongs and hubs,
 * staff, visit requests from the case stream, planning a day (again), outcomes and queries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fake_ctx.h"
#include "routing.h"

extern const wh_migration routing_migrations[];
extern const size_t routing_migrations_count;

/* Plain ints: protobuf-c's enum fields take them without conversion warnings. */
#define BASIC      1
#define SPHERE     2
#define OFFICIAL   1
#define NURSE      2
#define MANAGER    3
#define COUNSELLOR 4
#define PRIVATE    2
#define COMPLETED  1
#define MISSED     2

static void expect_status(wh_command_fn fn, const ProtobufCMessage *m, int status, const char *field)
{
    ProtobufCMessage *reply;
    assert_int_equal(fake_command(fn, m, &reply), status);
    assert_int_equal(fake.status, status);
    assert_string_equal(fake.field, field);
    assert_int_equal(fake.n_events, 0);
}

static Welfare__Common__V1__GeoPoint centre = {
    PROTOBUF_C_MESSAGE_INIT(&welfare__common__v1__geo_point__descriptor), 35.15, 129.11};

static Welfare__Routing__V1__DefineDong good_dong(void)
{
    Welfare__Routing__V1__DefineDong m = WELFARE__ROUTING__V1__DEFINE_DONG__INIT;
    m.dong_code = "H1";
    m.name = "Gwangan 1-dong";
    m.hub_type = BASIC;
    m.centre = &centre;
    return m;
}

static Welfare__Routing__V1__RegisterStaff good_staff(void)
{
    Welfare__Routing__V1__RegisterStaff m = WELFARE__ROUTING__V1__REGISTER_STAFF__INIT;
    m.name = "Kim";
    m.role = MANAGER;
    m.employment = PRIVATE;
    m.hub_dong_code = "H1";
    m.shift_start_minute = 540;
    m.shift_end_minute = 1080;
    m.active_from = "2026-01-01";
    return m;
}

static void dong_validation(void **state)
{
    (void)state;
    Welfare__Common__V1__GeoPoint bad = {PROTOBUF_C_MESSAGE_INIT(&welfare__common__v1__geo_point__descriptor),
                                         135.0, 129.0};
    Welfare__Routing__V1__DefineDong m = good_dong();
    m.dong_code = "";
    expect_status(routing_handle_define_dong, &m.base, WH_INVALID_ARGUMENT, "dong_code");
    m = good_dong();
    m.name = NULL;
    expect_status(routing_handle_define_dong, &m.base, WH_INVALID_ARGUMENT, "name");
    m = good_dong();
    m.hub_type = 0;
    expect_status(routing_handle_define_dong, &m.base, WH_INVALID_ARGUMENT, "hub_type");
    m = good_dong();
    m.centre = NULL;
    expect_status(routing_handle_define_dong, &m.base, WH_INVALID_ARGUMENT, "centre");
    m.centre = &bad;
    expect_status(routing_handle_define_dong, &m.base, WH_INVALID_ARGUMENT, "centre");
    m = good_dong();
    m.hub_dong_code = "H2";
    expect_status(routing_handle_define_dong, &m.base, WH_INVALID_ARGUMENT, "hub_dong_code");
    m = good_dong();
    m.hub_type = SPHERE;
    expect_status(routing_handle_define_dong, &m.base, WH_INVALID_ARGUMENT, "hub_dong_code");
}

static void staff_validation(void **state)
{
    (void)state;
    char *skills[17];
    for (int i = 0; i < 17; i++)
        skills[i] = "visits";
    Welfare__Routing__V1__RegisterStaff m = good_staff();
    m.name = "";
    expect_status(routing_handle_register_staff, &m.base, WH_INVALID_ARGUMENT, "name");
    m = good_staff();
    m.role = 0;
    expect_status(routing_handle_register_staff, &m.base, WH_INVALID_ARGUMENT, "role");
    m = good_staff();
    m.employment = 3;
    expect_status(routing_handle_register_staff, &m.base, WH_INVALID_ARGUMENT, "employment");
    m = good_staff();
    m.hub_dong_code = NULL;
    expect_status(routing_handle_register_staff, &m.base, WH_INVALID_ARGUMENT, "hub_dong_code");
    m = good_staff();
    m.shift_start_minute = -1;
    expect_status(routing_handle_register_staff, &m.base, WH_INVALID_ARGUMENT, "shift_start_minute");
    m = good_staff();
    m.shift_end_minute = 540;
    expect_status(routing_handle_register_staff, &m.base, WH_INVALID_ARGUMENT, "shift_end_minute");
    m.shift_end_minute = 1441;
    expect_status(routing_handle_register_staff, &m.base, WH_INVALID_ARGUMENT, "shift_end_minute");
    m = good_staff();
    m.skills = skills;
    m.n_skills = 17;
    expect_status(routing_handle_register_staff, &m.base, WH_INVALID_ARGUMENT, "skills");
    skills[0] = "";
    m.n_skills = 1;
    expect_status(routing_handle_register_staff, &m.base, WH_INVALID_ARGUMENT, "skills");
    m = good_staff();
    m.active_from = "01/01/2026";
    expect_status(routing_handle_register_staff, &m.base, WH_INVALID_ARGUMENT, "active_from");

    Welfare__Routing__V1__DeactivateStaff d = WELFARE__ROUTING__V1__DEACTIVATE_STAFF__INIT;
    expect_status(routing_handle_deactivate_staff, &d.base, WH_INVALID_ARGUMENT, "staff_id");
    d.staff_id = 1;
    d.active_until = "soon";
    expect_status(routing_handle_deactivate_staff, &d.base, WH_INVALID_ARGUMENT, "active_until");
}

static void plan_and_visit_validation(void **state)
{
    (void)state;
    Welfare__Routing__V1__PlanDay p = WELFARE__ROUTING__V1__PLAN_DAY__INIT;
    p.date = "2026-11-23";
    expect_status(routing_handle_plan_day, &p.base, WH_INVALID_ARGUMENT, "hub_dong_code");
    p.hub_dong_code = "H1";
    p.date = "";
    expect_status(routing_handle_plan_day, &p.base, WH_INVALID_ARGUMENT, "date");
    Welfare__Routing__V1__GetDayPlan g = WELFARE__ROUTING__V1__GET_DAY_PLAN__INIT;
    g.hub_dong_code = "H1";
    g.date = "2026-02-30x";
    expect_status(routing_handle_get_day_plan, &g.base, WH_INVALID_ARGUMENT, "date");

    Welfare__Routing__V1__RecordVisitOutcome o = WELFARE__ROUTING__V1__RECORD_VISIT_OUTCOME__INIT;
    o.outcome = COMPLETED;
    expect_status(routing_handle_record_visit_outcome, &o.base, WH_INVALID_ARGUMENT, "visit_id");
    o.visit_id = 1;
    o.outcome = 0;
    expect_status(routing_handle_record_visit_outcome, &o.base, WH_INVALID_ARGUMENT, "outcome");
    o.outcome = MISSED;
    expect_status(routing_handle_record_visit_outcome, &o.base, WH_INVALID_ARGUMENT, "miss_reason");
    o.outcome = COMPLETED;
    o.miss_reason = 1;
    expect_status(routing_handle_record_visit_outcome, &o.base, WH_INVALID_ARGUMENT, "miss_reason");

    Welfare__Routing__V1__ListVisitRequests l = WELFARE__ROUTING__V1__LIST_VISIT_REQUESTS__INIT;
    l.limit = -1;
    expect_status(routing_handle_list_visit_requests, &l.base, WH_INVALID_ARGUMENT, "limit");
    l.limit = 0;
    l.status = 9;
    expect_status(routing_handle_list_visit_requests, &l.base, WH_INVALID_ARGUMENT, "status");
}

static void int_array(void **state)
{
    (void)state;
    int64_t v[4];
    assert_int_equal(routing_parse_int_array("{1,2,3}", v, 4), 3);
    assert_int_equal(v[2], 3);
    assert_int_equal(routing_parse_int_array("{}", v, 4), 0);
    assert_int_equal(routing_parse_int_array(NULL, v, 4), 0);
    assert_int_equal(routing_parse_int_array("{7,8,9,10,11}", v, 4), 4);
    assert_int_equal(v[3], 10);
}

/* --- against PostgreSQL ----------------------------------------------------------------------- */

/* The exact expectations below are the heuristic's; test_plan_optimizer.c covers the optimizer. */
static routing_settings heuristic = {
    20.0, 1.3, 2000, false, {200.0, 1000, 1, 0.0, ROUTING_PLAN_LATENESS_COST}};

static int db_setup(void **state)
{
    (void)state;
    fake.state = &heuristic;
    int rc = fake_db_setup("routing", routing_migrations, routing_migrations_count, routing_statements,
                           routing_statements_count);
    return rc == -2 ? -1 : 0; /* unset: the tests skip themselves */
}

static int db_teardown(void **state)
{
    (void)state;
    fake_done();
    return 0;
}

static int define(const char *code, int type, const char *hub)
{
    Welfare__Routing__V1__DefineDong m = good_dong();
    ProtobufCMessage *reply;
    m.dong_code = (char *)code;
    m.hub_type = type;
    m.hub_dong_code = (char *)hub;
    return fake_command(routing_handle_define_dong, &m.base, &reply);
}

static int64_t staff(int role, const char *hub, int start, int end)
{
    Welfare__Routing__V1__RegisterStaff m = good_staff();
    ProtobufCMessage *reply;
    char *skills[] = {"dementia \"care\"", "sign, language"};
    m.role = role;
    m.hub_dong_code = (char *)hub;
    m.shift_start_minute = start;
    m.shift_end_minute = end;
    m.skills = skills;
    m.n_skills = 2;
    int rc = fake_command(routing_handle_register_staff, &m.base, &reply);
    if (rc < 0)
        return rc;
    assert_string_equal(fake_event(0), "welfare.routing.v1.StaffRegistered");
    return ((Welfare__Routing__V1__RegisterStaffReply *)reply)->staff_id;
}

static void request(int64_t id, const char *dong, double km_north, int role1, int role2, int priority)
{
    Welfare__Case__V1__VisitRequested e = WELFARE__CASE__V1__VISIT_REQUESTED__INIT;
    Welfare__Common__V1__GeoPoint at = WELFARE__COMMON__V1__GEO_POINT__INIT;
    Welfare__Common__V1__StaffRole roles[2] = {role1, role2};
    at.latitude = 35.15 + km_north / 111.195;
    at.longitude = 129.11;
    e.visit_request_id = id;
    e.case_id = 1000 + id;
    e.household_id = 5000 + id;
    e.dong_code = (char *)dong;
    e.hub_dong_code = "H1";
    e.location = km_north == 0 ? NULL : &at;
    e.roles = roles;
    e.n_roles = role2 ? 2 : 1;
    e.priority = priority;
    e.duration_minutes = 40;
    e.earliest_on = "2026-11-20";
    e.latest_on = "2026-11-30";
    assert_int_equal(fake_event_apply(routing_apply_visit_requested, &e.base), 0);
}

static const Welfare__Routing__V1__PlanDayReply *plan(const char *date)
{
    Welfare__Routing__V1__PlanDay m = WELFARE__ROUTING__V1__PLAN_DAY__INIT;
    ProtobufCMessage *reply;
    m.hub_dong_code = "H1";
    m.date = (char *)date;
    assert_int_equal(fake_command(routing_handle_plan_day, &m.base, &reply), 0);
    return (const void *)reply;
}

static void dongs_and_staff(void **state)
{
    (void)state;
    if (!fake.db)
        skip();
    assert_int_equal(define("H1", BASIC, ""), 0);
    assert_string_equal(fake_event(0), "welfare.routing.v1.DongDefined");
    assert_string_equal(((Welfare__Routing__V1__DongDefined *)fake.events[0])->hub_dong_code, "H1");
    assert_int_equal(define("S1", SPHERE, "H1"), 0);
    assert_int_equal(define("S2", SPHERE, "S1"), WH_FAILED_PRECONDITION); /* spheres do not chain */
    assert_int_equal(define("S3", SPHERE, "NOPE"), WH_NOT_FOUND);
    assert_int_equal(define("H1", BASIC, "H1"), 0); /* redefining is allowed */

    assert_int_equal(staff(MANAGER, "H1", 540, 1080), 1);
    assert_int_equal(staff(NURSE, "H1", 540, 1080), 2);
    assert_int_equal(staff(OFFICIAL, "H1", 600, 720), 3);
    assert_int_equal(staff(OFFICIAL, "S1", 540, 1080), WH_FAILED_PRECONDITION);
    assert_int_equal(staff(OFFICIAL, "NOPE", 540, 1080), WH_NOT_FOUND);
}

static void plan_a_day(void **state)
{
    (void)state;
    if (!fake.db)
        skip();
    request(1, "H1", 1.0, MANAGER, 0, 50);
    request(2, "S1", 2.0, MANAGER, NURSE, 90); /* joint, most urgent */
    request(3, "S1", 0.0, OFFICIAL, 0, 70);    /* no location: its dong's centre */
    request(4, "H1", -1.0, NURSE, 0, 40);
    request(5, "H1", 3.0, COUNSELLOR, 0, 80); /* nobody with the role */
    request(6, "H1", 1.5, OFFICIAL, 0, 30);
    request(7, "H1", 1.2, OFFICIAL, 0, 20); /* the official's 2-hour shift is full by then */
    request(1, "H1", 1.0, MANAGER, 0, 50);  /* a repeat is ignored */

    const Welfare__Routing__V1__PlanDayReply *r = plan("2026-11-23");
    assert_int_equal(r->placed, 5);
    assert_int_equal(fake.n_events, 5);
    const Welfare__Routing__V1__VisitScheduled *first = (const void *)fake.events[0];
    assert_string_equal(fake_event(0), "welfare.routing.v1.VisitScheduled");
    assert_int_equal(first->visit_request_id, 2);
    assert_int_equal(first->n_staff_ids, 2);
    assert_string_equal(first->scheduled_on, "2026-11-23");
    const Welfare__Routing__V1__DayPlan *p = r->plan;
    assert_true(p->planned);
    assert_int_equal(p->n_routes, 3);
    /* The joint visit is in both the manager's and the nurse's route, at one start. */
    assert_int_equal(p->routes[0]->stops[0]->visit_request_id, 2);
    assert_int_equal(p->routes[1]->stops[0]->visit_request_id, 2);
    assert_int_equal(p->routes[0]->stops[0]->start_minute, p->routes[1]->stops[0]->start_minute);
    assert_int_equal(p->routes[0]->stops[0]->n_staff_ids, 2);
    for (size_t i = 0; i < p->n_routes; i++) {
        const Welfare__Routing__V1__Route *route = p->routes[i];
        assert_true(route->return_minute <= route->shift_end_minute);
        for (size_t k = 0; k < route->n_stops; k++)
            assert_true(route->stops[k]->start_minute >= route->shift_start_minute);
    }
    assert_int_equal(p->n_unplaced, 2);
    assert_int_equal(p->unplaced[0]->visit_request_id, 5);
    assert_int_equal(p->unplaced[0]->reason, 1);
    assert_int_equal(p->unplaced[1]->visit_request_id, 7);
    assert_int_equal(p->unplaced[1]->reason, 2);

    /* Again: nothing new; then a new request goes around the visits already planned. */
    r = plan("2026-11-23");
    assert_int_equal(r->placed, 0);
    assert_int_equal(fake.n_events, 0);
    request(8, "H1", 0.5, MANAGER, 0, 99);
    r = plan("2026-11-23");
    assert_int_equal(r->placed, 1);
    assert_int_equal(r->plan->routes[0]->n_stops, 3);
    assert_int_equal(r->plan->routes[0]->stops[0]->visit_request_id, 2); /* kept its place */
}

static void outcomes_and_queries(void **state)
{
    (void)state;
    if (!fake.db)
        skip();
    ProtobufCMessage *reply;
    Welfare__Routing__V1__RecordVisitOutcome o = WELFARE__ROUTING__V1__RECORD_VISIT_OUTCOME__INIT;
    o.visit_id = 1; /* the joint visit */
    o.outcome = COMPLETED;
    assert_int_equal(fake_command(routing_handle_record_visit_outcome, &o.base, &reply), 0);
    const Welfare__Routing__V1__VisitCompleted *done = (const void *)fake.events[0];
    assert_string_equal(fake_event(0), "welfare.routing.v1.VisitCompleted");
    assert_int_equal(done->staff_count, 2);
    assert_string_equal(done->visited_on, "2026-11-23"); /* the plan date */
    assert_int_equal(done->case_id, 1002);
    assert_int_equal(fake_command(routing_handle_record_visit_outcome, &o.base, &reply),
                     WH_FAILED_PRECONDITION);

    o.visit_id = 2;
    o.outcome = MISSED;
    o.miss_reason = 1;
    o.date = "2026-11-24";
    assert_int_equal(fake_command(routing_handle_record_visit_outcome, &o.base, &reply), 0);
    assert_string_equal(fake_event(0), "welfare.routing.v1.VisitMissed");
    assert_string_equal(((Welfare__Routing__V1__VisitMissed *)fake.events[0])->missed_on, "2026-11-24");
    assert_int_equal(((Welfare__Routing__V1__RecordVisitOutcomeReply *)reply)->request_status, 1);
    o.visit_id = 99;
    assert_int_equal(fake_command(routing_handle_record_visit_outcome, &o.base, &reply), WH_NOT_FOUND);

    Welfare__Routing__V1__ListVisitRequests l = WELFARE__ROUTING__V1__LIST_VISIT_REQUESTS__INIT;
    l.hub_dong_code = "H1";
    l.status = 1; /* pending: the missed one, and the two left out */
    assert_int_equal(fake_command(routing_handle_list_visit_requests, &l.base, &reply), 0);
    const Welfare__Routing__V1__ListVisitRequestsReply *lr = (const void *)reply;
    assert_int_equal(lr->n_requests, 3);
    l.status = 0;
    l.after_id = 6;
    assert_int_equal(fake_command(routing_handle_list_visit_requests, &l.base, &reply), 0);
    assert_int_equal(((Welfare__Routing__V1__ListVisitRequestsReply *)reply)->n_requests, 2);

    Welfare__Routing__V1__GetDayPlan g = WELFARE__ROUTING__V1__GET_DAY_PLAN__INIT;
    g.hub_dong_code = "H1";
    g.date = "2026-11-25";
    assert_int_equal(fake_command(routing_handle_get_day_plan, &g.base, &reply), 0);
    assert_false(((Welfare__Routing__V1__GetDayPlanReply *)reply)->plan->planned);
    g.hub_dong_code = "S1";
    assert_int_equal(fake_command(routing_handle_get_day_plan, &g.base, &reply), WH_FAILED_PRECONDITION);
    g.hub_dong_code = "NOPE";
    assert_int_equal(fake_command(routing_handle_get_day_plan, &g.base, &reply), WH_NOT_FOUND);

    Welfare__Routing__V1__DeactivateStaff d = WELFARE__ROUTING__V1__DEACTIVATE_STAFF__INIT;
    d.staff_id = 3;
    d.active_until = "2026-11-23";
    assert_int_equal(fake_command(routing_handle_deactivate_staff, &d.base, &reply), 0);
    assert_string_equal(fake_event(0), "welfare.routing.v1.StaffDeactivated");
    assert_int_equal(fake_command(routing_handle_deactivate_staff, &d.base, &reply), WH_FAILED_PRECONDITION);
    d.staff_id = 99;
    assert_int_equal(fake_command(routing_handle_deactivate_staff, &d.base, &reply), WH_NOT_FOUND);

    /* The next day: the official is gone, so official visits wait; the missed visit comes back. */
    const Welfare__Routing__V1__PlanDayReply *r = plan("2026-11-24");
    assert_int_equal(r->plan->n_routes, 2);
    for (size_t i = 0; i < r->plan->n_unplaced; i++)
        assert_int_equal(r->plan->unplaced[i]->reason, 1);
}

static void plan_with_optimizer(void **state)
{
    (void)state;
    if (!fake.db)
        skip();
    static routing_settings optimizer = {
        20.0, 1.3, 2000, true, {200.0, 500, 1, 0.0, ROUTING_PLAN_LATENESS_COST}};
    fake.state = &optimizer;
    for (int64_t id = 20; id < 30; id++)
        request(id, id % 2 ? "S1" : "H1", (double)(id % 5) - 2.0, id % 3 ? MANAGER : NURSE,
                id == 25 ? MANAGER : 0, (int)id);
    const Welfare__Routing__V1__PlanDayReply *r = plan("2026-11-25");
    fake.state = &heuristic;
    assert_true(r->placed >= 8);
    assert_int_equal(fake.n_events, r->placed);
    for (size_t i = 0; i < r->plan->n_routes; i++) {
        const Welfare__Routing__V1__Route *route = r->plan->routes[i];
        int t = route->shift_start_minute;
        for (size_t k = 0; k < route->n_stops; k++) {
            assert_true(route->stops[k]->start_minute >= t + route->stops[k]->travel_minutes);
            t = route->stops[k]->end_minute;
        }
        assert_true(route->return_minute <= route->shift_end_minute);
    }
}

int main(void)
{
    const struct CMUnitTest validation[] = {
        cmocka_unit_test(dong_validation),
        cmocka_unit_test(staff_validation),
        cmocka_unit_test(plan_and_visit_validation),
        cmocka_unit_test(int_array),
    };
    const struct CMUnitTest store[] = {
        cmocka_unit_test(dongs_and_staff),
        cmocka_unit_test(plan_a_day),
        cmocka_unit_test(outcomes_and_queries),
        cmocka_unit_test(plan_with_optimizer),
    };
    int failed = cmocka_run_group_tests_name("routing validation", validation, NULL, NULL);
    failed += cmocka_run_group_tests_name("routing store", store, db_setup, db_teardown);
    fake_done();
    return failed;
}

/*
 * test_sequential_visits.c — a sequential double visit and a soft time window, requested through the
 * case service and planned by routing, over the real bus and PostgreSQL.
 *
 *   routing   a basic-type hub dong A with a welfare official and a visiting nurse, 09:00–18:00
 *   intake    H1 and H2 at low risk (no case)
 *   case      RequestHomeVisit refuses bad sequences and windows with a typed error naming the field,
 *             changing nothing; then H1: the official, then the nurse 60–180 minutes after the
 *             official's start, each 60 minutes, "preferably" 09:00–10:30 (up to 120 minutes late);
 *             H2: the same with a hard window 09:00–10:00
 *   routing   PlanDay: the nurse starts 60–180 minutes after the official, the nurse's stop is late by
 *             exactly its end minus 10:30 (and by at most 120); H2 cannot be placed (a hard window
 *             leaves no room for the nurse)
 *
 * Dongs "71…" of this run, persons 3500–3509.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"
#include "welfare/case/v1/commands.pb-c.h"
#include "welfare/routing/v1/commands.pb-c.h"
#include "wh/status.h"

#define ROLE(x)     WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_##x
#define SEQUENCE(x) WELFARE__CASE__V1__VISIT_SEQUENCE__VISIT_SEQUENCE_##x
#define PERSON      3500
#define DAY         "2016-04-05"

static struct {
    char a[11];
    whc *intake, *kase, *routing;
    int64_t h1, h2, official, nurse;
} sc;

static int64_t register_staff(int role, const char *name)
{
    Welfare__Routing__V1__RegisterStaff s = WELFARE__ROUTING__V1__REGISTER_STAFF__INIT;
    s.name = (char *)name;
    s.role = role;
    s.employment = WELFARE__COMMON__V1__EMPLOYMENT__EMPLOYMENT_PUBLIC;
    s.hub_dong_code = sc.a;
    s.shift_start_minute = 9 * 60;
    s.shift_end_minute = 18 * 60;
    s.active_from = "2016-01-01";
    Welfare__Routing__V1__RegisterStaffReply *r =
        (void *)itest_call(sc.routing, &s.base, &welfare__routing__v1__register_staff_reply__descriptor);
    int64_t id = r->staff_id;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    return id;
}

static void set_up_routing(void)
{
    itest_dong_define_as(sc.a, "Itest sequential hub", WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_BASIC, sc.a,
                         35.150, 129.110);
    sc.official = register_staff(ROLE(WELFARE_OFFICIAL), "Itest Sequential Official");
    sc.nurse = register_staff(ROLE(VISITING_NURSE), "Itest Sequential Nurse");
}

static int64_t refer(int household)
{
    itest_referral r;
    itest_referral_init(&r, sc.a, household, PERSON + household, 1, ITEST_RISK_LOW, "2016-04-01");
    Welfare__Intake__V1__SubmitReferralReply *reply = itest_submit(sc.intake, &r);
    int64_t id = reply->household_id;
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    const char *known = "SELECT count(*) FROM casework.household WHERE household_id = $1";
    assert_int_equal(itest_wait_i64_params(1, 30, known, itest_id_text(id), NULL), 1);
    return id;
}

static Welfare__Common__V1__StaffRole two_roles[] = {ROLE(WELFARE_OFFICIAL), ROLE(VISITING_NURSE)};
static Welfare__Common__V1__StaffRole three_roles[] = {ROLE(WELFARE_OFFICIAL), ROLE(VISITING_NURSE),
                                                       ROLE(WELFARE_OFFICIAL)};

/* The official, then the nurse 60–180 minutes after, 60 minutes each, 09:00–10:30. */
static void sequential_request(Welfare__Case__V1__RequestHomeVisit *q, int64_t household, int max_lateness)
{
    welfare__case__v1__request_home_visit__init(q);
    q->household_id = household;
    q->roles = two_roles;
    q->n_roles = 2;
    q->duration_minutes = 60;
    q->earliest_on = DAY;
    q->latest_on = DAY;
    q->window_start_minute = 9 * 60;
    q->window_end_minute = 10 * 60 + 30;
    q->sequence = SEQUENCE(IN_ORDER);
    q->min_delay_minutes = 60;
    q->max_delay_minutes = 180;
    q->max_lateness_minutes = max_lateness;
}

static void expect_invalid(const Welfare__Case__V1__RequestHomeVisit *q, const char *field)
{
    ProtobufCMessage *reply = NULL;
    whc_error err;
    int rc =
        whc_call(sc.kase, &q->base, &welfare__case__v1__request_home_visit_reply__descriptor, &reply, &err);
    if (rc != WH_INVALID_ARGUMENT || strcmp(err.field, field) != 0)
        fail_msg("want INVALID_ARGUMENT (%s), got %s (%s): %s", field, wh_status_name(rc), err.field,
                 err.message);
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
}

static void bad_requests_change_nothing(void)
{
    Welfare__Case__V1__RequestHomeVisit q;
    sequential_request(&q, sc.h1, 120);
    q.min_delay_minutes = 200; /* min > max */
    expect_invalid(&q, "max_delay_minutes");
    sequential_request(&q, sc.h1, 120);
    q.min_delay_minutes = -1;
    expect_invalid(&q, "min_delay_minutes");
    sequential_request(&q, sc.h1, 120);
    q.max_delay_minutes = 1441;
    expect_invalid(&q, "max_delay_minutes");
    sequential_request(&q, sc.h1, 120);
    q.n_roles = 1; /* a sequence of one */
    expect_invalid(&q, "sequence");
    sequential_request(&q, sc.h1, 120);
    q.sequence = SEQUENCE(ANY_ORDER);
    q.roles = three_roles; /* either order is for two visits */
    q.n_roles = 3;
    expect_invalid(&q, "sequence");
    sequential_request(&q, sc.h1, 120);
    q.sequence = SEQUENCE(UNSPECIFIED); /* delays of a joint visit */
    expect_invalid(&q, "min_delay_minutes");
    sequential_request(&q, sc.h1, 120);
    q.sequence = 7; /* not a known sequence */
    expect_invalid(&q, "sequence");
    sequential_request(&q, sc.h1, 120);
    q.window_start_minute = 0; /* lateness without a window */
    q.window_end_minute = 0;
    expect_invalid(&q, "max_lateness_minutes");
    sequential_request(&q, sc.h1, 481);
    expect_invalid(&q, "max_lateness_minutes");
    sequential_request(&q, sc.h1, 120);
    q.window_end_minute = 8 * 60; /* the window ends before it starts */
    expect_invalid(&q, "window_end_minute");
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM casework.visit_request WHERE household_id = $1",
                                   itest_id_text(sc.h1), NULL),
                     0);
}

static int64_t request(int64_t household, int window_end, int max_lateness)
{
    Welfare__Case__V1__RequestHomeVisit q;
    sequential_request(&q, household, max_lateness);
    q.window_end_minute = window_end;
    Welfare__Case__V1__RequestHomeVisitReply *r =
        (void *)itest_call(sc.kase, &q.base, &welfare__case__v1__request_home_visit_reply__descriptor);
    int64_t id = r->visit_request_id;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    char lateness[16];
    snprintf(lateness, sizeof lateness, "%d", max_lateness);
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM routing.visit_request WHERE id = $1 AND "
                                           "sequence = 1 AND min_delay_minutes = 60 AND max_delay_minutes = "
                                           "180 AND max_lateness_minutes = $2::integer",
                                           itest_id_text(id), lateness, NULL),
                     1);
    return id;
}

static const Welfare__Routing__V1__Stop *stop_of(const Welfare__Routing__V1__DayPlan *plan, int64_t staff,
                                                 int64_t request_id)
{
    for (size_t r = 0; r < plan->n_routes; r++)
        for (size_t k = 0; plan->routes[r]->staff_id == staff && k < plan->routes[r]->n_stops; k++)
            if (plan->routes[r]->stops[k]->visit_request_id == request_id)
                return plan->routes[r]->stops[k];
    return NULL;
}

static void planned_in_sequence(void)
{
    /* H2's official must start at 09:00 sharp, so the nurse cannot start by 09:00: no room */
    int64_t soft = request(sc.h1, 10 * 60 + 30, 120), hard = request(sc.h2, 10 * 60, 0);
    Welfare__Routing__V1__PlanDay p = WELFARE__ROUTING__V1__PLAN_DAY__INIT;
    p.hub_dong_code = sc.a;
    p.date = DAY;
    Welfare__Routing__V1__PlanDayReply *r =
        (void *)itest_call(sc.routing, &p.base, &welfare__routing__v1__plan_day_reply__descriptor);
    assert_int_equal(r->placed, 1);
    const Welfare__Routing__V1__Stop *first = stop_of(r->plan, sc.official, soft);
    const Welfare__Routing__V1__Stop *second = stop_of(r->plan, sc.nurse, soft);
    assert_non_null(first);
    assert_non_null(second);
    int gap = second->start_minute - first->start_minute;
    if (gap < 60 || gap > 180)
        fail_msg("the nurse starts %d minutes after the official (want 60..180)", gap);
    assert_int_equal(first->end_minute - first->start_minute, 60);
    assert_int_equal(second->end_minute - second->start_minute, 60);
    assert_int_equal(first->late_minutes, first->end_minute > 630 ? first->end_minute - 630 : 0);
    assert_int_equal(second->late_minutes, second->end_minute - 630); /* it cannot end by 10:30 */
    assert_true(second->late_minutes > 0 && second->late_minutes <= 120);
    assert_int_equal(r->plan->n_unplaced, 1);
    assert_int_equal(r->plan->unplaced[0]->visit_request_id, hard);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    /* GetDayPlan reads the same from the tables */
    Welfare__Routing__V1__GetDayPlan g = WELFARE__ROUTING__V1__GET_DAY_PLAN__INIT;
    g.hub_dong_code = sc.a;
    g.date = DAY;
    Welfare__Routing__V1__GetDayPlanReply *again =
        (void *)itest_call(sc.routing, &g.base, &welfare__routing__v1__get_day_plan_reply__descriptor);
    const Welfare__Routing__V1__Stop *nurse = stop_of(again->plan, sc.nurse, soft);
    assert_non_null(nurse);
    assert_int_equal(nurse->start_minute - stop_of(again->plan, sc.official, soft)->start_minute, gap);
    protobuf_c_message_free_unpacked(&again->base, NULL);
}

static void sequential_visits(void **state)
{
    (void)state;
    snprintf(sc.a, sizeof sc.a, "71%08lld", (long long)itest_run_number());
    sc.intake = itest_client("intake");
    sc.kase = itest_client("case");
    sc.routing = itest_client("routing");
    set_up_routing();
    sc.h1 = refer(1);
    sc.h2 = refer(2);
    bad_requests_change_nothing();
    planned_in_sequence();
    whc_close(&sc.intake);
    whc_close(&sc.kase);
    whc_close(&sc.routing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(sequential_visits)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

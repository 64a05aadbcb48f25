/*
 * test_print.c — the printers: widths of Korean text, aligned tables, JSON of a message, and the
 * readable form of a reply with a repeated message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wctl.h"
#include "welfare/reporting/v1/commands.pb-c.h"
#include "welfare/routing/v1/commands.pb-c.h"

static char *capture(void (*fn)(FILE *, const void *), const void *arg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    fn(f, arg);
    fclose(f);
    return buf;
}

static void test_width(void **state)
{
    (void)state;
    assert_int_equal(wctl_text_width("abc"), 3);
    assert_int_equal(wctl_text_width("남천1동"), 7);
    assert_int_equal(wctl_text_width(""), 0);
}

static void print_table(FILE *f, const void *arg)
{
    wctl_table *t = wctl_table_new(3);
    const char *rows[3][3] = {
        {"dong", "name", "targets"}, {"2650051000", "남천1동", "7"}, {"2", "x", "1234"}};

    (void)arg;
    for (int i = 0; i < 3; i++)
        wctl_table_add(t, rows[i]);
    wctl_table_print(f, t);
    wctl_table_free(&t);
    assert_null(t);
}

static void test_table_alignment(void **state)
{
    char *out = capture(print_table, NULL);

    (void)state;
    /* columns line up by display width; numbers are right-aligned */
    assert_string_equal(out, "dong        name     targets\n"
                             "2650051000  남천1동        7\n"
                             "         2  x           1234\n");
    free(out);
}

static Welfare__Reporting__V1__ListDongsReply *sample(void)
{
    static Welfare__Reporting__V1__Dong d1 = WELFARE__REPORTING__V1__DONG__INIT,
                                        d2 = WELFARE__REPORTING__V1__DONG__INIT;
    static Welfare__Reporting__V1__Dong *list[2] = {&d1, &d2};
    static Welfare__Reporting__V1__ListDongsReply r = WELFARE__REPORTING__V1__LIST_DONGS_REPLY__INIT;

    d1.dong_code = "2650051000";
    d1.name = "남천1동";
    d2.dong_code = "2650052000";
    d2.name = "남천2동";
    r.n_dongs = 2;
    r.dongs = list;
    return &r;
}

static void test_json(void **state)
{
    json_t *j = wctl_json_from_message(&sample()->base);
    json_t *dongs = json_object_get(j, "dongs");

    (void)state;
    assert_true(json_is_array(dongs));
    assert_int_equal(json_array_size(dongs), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(dongs, 1), "name")), "남천2동");
    json_decref(j);
}

static void print_reply(FILE *f, const void *arg)
{
    wctl_print_message(f, arg);
}

static void test_readable_reply(void **state)
{
    char *out = capture(print_reply, sample());

    (void)state;
    assert_non_null(strstr(out, "dongs (2):"));
    assert_non_null(strstr(out, "dong_code"));
    assert_non_null(strstr(out, "2650052000"));
    assert_non_null(strstr(out, "남천1동"));
    free(out);
}

static void test_nested_tables(void **state)
{
    Welfare__Routing__V1__Stop s1 = WELFARE__ROUTING__V1__STOP__INIT, s2 = WELFARE__ROUTING__V1__STOP__INIT;
    Welfare__Routing__V1__Stop *stops[2] = {&s1, &s2};
    Welfare__Routing__V1__Route route = WELFARE__ROUTING__V1__ROUTE__INIT, *routes[1] = {&route};
    Welfare__Routing__V1__DayPlan plan = WELFARE__ROUTING__V1__DAY_PLAN__INIT;
    Welfare__Routing__V1__PlanDayReply r = WELFARE__ROUTING__V1__PLAN_DAY_REPLY__INIT;
    int64_t staff[2] = {7, 8};
    char *out;

    (void)state;
    s1.visit_id = 101;
    s1.dong_code = "2650051000";
    s1.n_staff_ids = 2;
    s1.staff_ids = staff;
    s2.visit_id = 102;
    route.staff_id = 7;
    route.role = WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_VISITING_NURSE;
    route.n_stops = 2;
    route.stops = stops;
    plan.hub_dong_code = "2650051000";
    plan.date = "2026-05-04";
    plan.n_routes = 1;
    plan.routes = routes;
    r.plan = &plan;
    r.placed = 2;
    out = capture(print_reply, &r);
    assert_non_null(strstr(out, "plan.date:"));
    assert_non_null(strstr(out, "placed:"));
    assert_non_null(strstr(out, "plan.routes (1):"));
    assert_non_null(strstr(out, "VISITING_NURSE")); /* enums by short name */
    assert_non_null(strstr(out, "[2]"));            /* the stops, counted in the routes table */
    assert_non_null(strstr(out, "plan.routes[0].stops (2):"));
    assert_non_null(strstr(out, "7,8")); /* a repeated scalar, joined */
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_width),         cmocka_unit_test(test_table_alignment),
        cmocka_unit_test(test_json),          cmocka_unit_test(test_readable_reply),
        cmocka_unit_test(test_nested_tables),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

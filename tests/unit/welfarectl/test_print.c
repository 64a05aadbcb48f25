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

#define EXPECTED_KPI_TABLE                                                                                   \
    "시행 전 / before 2015-04-01 .. 2015-10-31    시행 후 / after 2016-04-01 .. 2016-10-31\n"          \
    "시행동 / treated: 2650051000\n"                                                                      \
    "\n"                                                                                                     \
    "구분 / period        대상자 수  방문인력        자원발굴 건수\n"                        \
    "시행 전                 33,669      5(0)  1,178(₩608,331,000)\n"                                   \
    "시행 후                 35,886    43(28)  1,726(₩835,600,000)\n"                                   \
    "증감                    +2,217  +38(+28)  +548(+₩227,269,000)\n"                                    \
    "  증감률 / change %      +6.6%   +760.0%               +46.5%\n"                                     \
    "\n"                                                                                                     \
    "columns: Targets; Personnel; Resources\n"

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
    assert_int_equal(wctl_text_width("\u20a9608"), 4);    /* ₩ is half-width */
    assert_int_equal(wctl_text_width("e\u0301"), 1);      /* a combining accent takes no column */
    assert_int_equal(wctl_text_width("\uff21\uff22"), 4); /* fullwidth Latin */
    assert_int_equal(wctl_text_width("\xff"), 1);         /* not UTF-8: one column a byte */
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

/* The seed's first table as `welfarectl kpi-table` prints it: every column lines up on the screen
 * (display width: a Hangul syllable takes two columns, "₩" one), the cells right-aligned. */
static void print_kpi_table(FILE *f, const void *arg)
{
    static char *cols_ko[] = {"대상자 수", "방문인력", "자원발굴 건수"},
                *cols_en[] = {"Targets", "Personnel", "Resources"};
    static char *c0[] = {"33,669", "5(0)", "1,178(₩608,331,000)"},
                *c1[] = {"35,886", "43(28)", "1,726(₩835,600,000)"},
                *c2[] = {"+2,217", "+38(+28)", "+548(+₩227,269,000)"}, *p2[] = {"+6.6%", "+760.0%", "+46.5%"};
    static Welfare__Reporting__V1__KpiTableRow r0 = WELFARE__REPORTING__V1__KPI_TABLE_ROW__INIT,
                                               r1 = WELFARE__REPORTING__V1__KPI_TABLE_ROW__INIT,
                                               r2 = WELFARE__REPORTING__V1__KPI_TABLE_ROW__INIT;
    static Welfare__Reporting__V1__KpiTableRow *rows[] = {&r0, &r1, &r2};
    static char *treated[] = {"2650051000"};
    Welfare__Reporting__V1__KpiTable t = WELFARE__REPORTING__V1__KPI_TABLE__INIT;

    (void)arg;
    r0.label_ko = "시행 전", r0.n_cells = 3, r0.cells = c0;
    r1.label_ko = "시행 후", r1.n_cells = 3, r1.cells = c1;
    r2.label_ko = "증감", r2.n_cells = 3, r2.cells = c2, r2.n_change_percent = 3, r2.change_percent = p2;
    t.from_on = "2016-04-01", t.to_on = "2016-10-31", t.before_from_on = "2015-04-01",
    t.before_to_on = "2015-10-31";
    t.n_columns_ko = 3, t.columns_ko = cols_ko, t.n_columns_en = 3, t.columns_en = cols_en;
    t.n_rows = 3, t.rows = rows, t.n_treated_dong_codes = 1, t.treated_dong_codes = treated;
    wctl_print_kpi_table(f, &t);
}

static void test_kpi_table_alignment(void **state)
{
    char *out = capture(print_kpi_table, NULL);

    (void)state;
    assert_string_equal(out, EXPECTED_KPI_TABLE);
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
        cmocka_unit_test(test_nested_tables), cmocka_unit_test(test_kpi_table_alignment),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

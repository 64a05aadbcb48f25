/*
 * test_report.c — selections (what a KPI query may ask), report assembly and totals, the dong list
 * of the HTTP API, and the JSON and HTML renderings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dash_form.h"
#include "reporting.h"
#include "wh/status.h"

static char *two[] = {"2650051000", "2650052000"};

static void good_selection_passes(void **state)
{
    reporting_selection s = {two, 2, "2026-01-01", "2026-12-31"};
    const char *field = NULL, *why = NULL;
    assert_int_equal(reporting_selection_check(&s, &field, &why), 0);
    s.n_dongs = 0; /* every dong */
    assert_int_equal(reporting_selection_check(&s, &field, &why), 0);
    s.to_on = "2026-01-01"; /* one day */
    assert_int_equal(reporting_selection_check(&s, &field, &why), 0);
}

static void bad_selection_names_the_field(void **state)
{
    const char *field = NULL, *why = NULL;
    reporting_selection s = {two, 2, "2026-13-01", "2026-12-31"};
    assert_int_equal(reporting_selection_check(&s, &field, &why), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "from_on");

    s.from_on = "2026-06-01";
    s.to_on = "2026-05-31";
    assert_int_equal(reporting_selection_check(&s, &field, &why), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "to_on");

    s.to_on = NULL;
    assert_int_equal(reporting_selection_check(&s, &field, &why), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "to_on");

    char *dup[] = {"2650051000", "2650051000"};
    reporting_selection d = {dup, 2, "2026-01-01", "2026-12-31"};
    assert_int_equal(reporting_selection_check(&d, &field, &why), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "dong_codes");

    char *bad[] = {"2650051000", "{x}"};
    reporting_selection b = {bad, 2, "2026-01-01", "2026-12-31"};
    assert_int_equal(reporting_selection_check(&b, &field, &why), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "dong_codes");

    reporting_selection many = {two, REPORTING_SELECT_MAX + 1, "2026-01-01", "2026-12-31"};
    assert_int_equal(reporting_selection_check(&many, &field, &why), WH_INVALID_ARGUMENT);
}

static void dongs_literal(void **state)
{
    char out[64];
    reporting_selection s = {two, 2, "2026-01-01", "2026-12-31"};
    assert_int_equal(reporting_dongs_literal(&s, out, sizeof out), 0);
    assert_string_equal(out, "{2650051000,2650052000}");
    s.n_dongs = 0;
    assert_int_equal(reporting_dongs_literal(&s, out, sizeof out), 0);
    assert_string_equal(out, "");
    s.n_dongs = 2;
    assert_int_equal(reporting_dongs_literal(&s, out, 20), WH_INVALID_ARGUMENT);
}

static void period_bounds(void **state)
{
    char a[11], b[11], m[11];
    assert_int_equal(reporting_period_bounds("2026-01-01", "2026-06-30", a, b, m), 0);
    assert_string_equal(a, "2026-01-01");
    assert_string_equal(b, "2026-07-01");
    assert_string_equal(m, "2026-01-01");
    assert_int_equal(reporting_period_bounds("2026-01-10", "2026-03-01", a, b, m), 0);
    assert_string_equal(a, "2026-02-01");
    assert_string_equal(b, "2026-03-01");
    assert_string_equal(m, "2026-01-01");
    assert_int_equal(reporting_period_bounds("2025-12-05", "2025-12-31", a, b, m), 0);
    assert_string_equal(a, "2026-01-01");
    assert_string_equal(b, "2026-01-01");
    assert_int_equal(reporting_period_bounds("2024-02-01", "2024-02-29", a, b, m), 0); /* leap year */
    assert_string_equal(b, "2024-03-01");
    assert_int_equal(reporting_period_bounds("2023-02-01", "2023-02-28", a, b, m), 0);
    assert_string_equal(b, "2023-03-01");
    assert_int_equal(reporting_period_bounds("2024-02-01", "2024-02-28", a, b, m), 0);
    assert_string_equal(b, "2024-02-01");
    assert_int_equal(reporting_period_bounds("x", "2024-02-28", a, b, m), WH_INVALID_ARGUMENT);
}

static void parse_dongs(void **state)
{
    char copy[64], *codes[4];
    size_t n = 99;
    assert_int_equal(reporting_parse_dongs(NULL, copy, sizeof copy, codes, 4, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(reporting_parse_dongs("2650051000,2650052000", copy, sizeof copy, codes, 4, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(codes[1], "2650052000");
    assert_int_equal(reporting_parse_dongs(" a, b ,,c ", copy, sizeof copy, codes, 4, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(codes[2], "c");
    assert_int_equal(reporting_parse_dongs("a,b,c,d,e", copy, sizeof copy, codes, 4, &n),
                     WH_INVALID_ARGUMENT);
    assert_int_equal(
        reporting_parse_dongs("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", copy,
                              sizeof copy, codes, 4, &n),
        WH_INVALID_ARGUMENT);
}

/* Two dongs served by one sphere hub: personnel is per dong, but the total counts staff once. */
static void build_two_dongs(reporting_report *r)
{
    reporting_selection s = {two, 2, "2026-01-01", "2026-06-30"};
    assert_int_equal(reporting_report_init(r, &s), 0);
    reporting_row *b = reporting_report_row(r, "2650052000");
    reporting_row *a = reporting_report_row(r, "2650051000");
    assert_int_equal(r->n_rows, 2);
    a->values.v[REPORTING_KPI_TARGETS] = 10;
    b->values.v[REPORTING_KPI_TARGETS] = 5;
    a->values.v[REPORTING_KPI_AMOUNT_KRW] = 1000000;
    b->values.v[REPORTING_KPI_AMOUNT_KRW] = 250000;
    a->values.v[REPORTING_KPI_CASES] = 2;
    a->values.v[REPORTING_KPI_PERSONNEL] = 4;
    b->values.v[REPORTING_KPI_PERSONNEL] = 4;
    a->values.v[REPORTING_KPI_PERSONNEL_PRIVATE] = 1;
    b->values.v[REPORTING_KPI_PERSONNEL_PRIVATE] = 1;
    r->total.v[REPORTING_KPI_PERSONNEL] = 4; /* the store's distinct count */
    r->total.v[REPORTING_KPI_PERSONNEL_PRIVATE] = 1;
    snprintf(a->name, sizeof a->name, "%s", "광안1동 <Gwangan 1-dong>");
}

static void totals_follow_the_definitions(void **state)
{
    reporting_report r;
    build_two_dongs(&r);
    reporting_report_row(&r, "2650050000"); /* a dong with no facts sorts first */
    reporting_report_finish(&r);
    assert_int_equal(r.n_rows, 3);
    assert_string_equal(r.rows[0].dong_code, "2650050000");
    assert_string_equal(r.rows[1].dong_code, "2650051000");
    assert_int_equal(r.total.v[REPORTING_KPI_TARGETS], 15);
    assert_int_equal(r.total.v[REPORTING_KPI_AMOUNT_KRW], 1250000);
    assert_int_equal(r.total.v[REPORTING_KPI_CASES], 2);
    assert_int_equal(r.total.v[REPORTING_KPI_PERSONNEL], 4); /* not 8 */
    assert_int_equal(r.total.v[REPORTING_KPI_PERSONNEL_PRIVATE], 1);
    reporting_report_free(&r);
    assert_null(r.rows);
}

static void difference(void **state)
{
    reporting_values a = {{0}}, b = {{0}}, d;
    a.v[REPORTING_KPI_VISITS] = 10;
    b.v[REPORTING_KPI_VISITS] = 25;
    a.v[REPORTING_KPI_BLIND_SPOTS] = 7;
    reporting_values_diff(&a, &b, &d);
    assert_int_equal(d.v[REPORTING_KPI_VISITS], 15);
    assert_int_equal(d.v[REPORTING_KPI_BLIND_SPOTS], -7);
}

static void many_rows_grow(void **state)
{
    reporting_report r;
    reporting_selection s = {NULL, 0, "2026-01-01", "2026-01-31"};
    char code[16];
    assert_int_equal(reporting_report_init(&r, &s), 0);
    for (int i = 99; i >= 0; i--) {
        snprintf(code, sizeof code, "26500%05d", i);
        reporting_report_row(&r, code)->values.v[REPORTING_KPI_VISITS] = i;
    }
    reporting_report_finish(&r);
    assert_int_equal(r.n_rows, 100);
    assert_string_equal(r.rows[0].dong_code, "2650000000");
    assert_int_equal(r.total.v[REPORTING_KPI_VISITS], 4950);
    reporting_report_free(&r);
}

static void json_has_keys_and_totals(void **state)
{
    reporting_report r;
    build_two_dongs(&r);
    reporting_report_finish(&r);
    char *json = reporting_render_json(&r);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"from_on\":\"2026-01-01\""));
    assert_non_null(strstr(json, "\"total\":{"));
    assert_non_null(strstr(json, "\"resource_amount_krw\":1250000"));
    assert_non_null(strstr(json, "\"label_en\":\"Site visits\""));
    assert_non_null(strstr(json, "\"part_of\":\"visiting_personnel\""));
    free(json);
    reporting_report_free(&r);
}

static void html_is_escaped_and_self_contained(void **state)
{
    reporting_report r;
    build_two_dongs(&r);
    reporting_report_finish(&r);
    static reporting_dong_menu menu;
    reporting_form_view v = {"",   "2026-01-01", "2026-06-30", "",   "", "2650051000,<script>",
                             true, "2650051000", &menu,        false};
    char *form = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&form, &len);
    reporting_form_fields_html(f, NULL, &v);
    fclose(f);
    char *html = reporting_render_html(&r, form);
    assert_non_null(html);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "http://"));
    assert_null(strstr(html, "https://"));
    assert_non_null(strstr(html, "&lt;Gwangan 1-dong&gt;"));
    assert_non_null(strstr(html, "1,250,000"));
    assert_non_null(strstr(html, "합계"));
    assert_non_null(strstr(html, "name=from value=\"2026-01-01\""));
    assert_non_null(strstr(html, "value=\"2650051000,&lt;script&gt;\""));
    free(html);
    char *err = reporting_render_html_error("to: <bad>", form);
    assert_non_null(strstr(err, "&lt;bad&gt;"));
    assert_non_null(strstr(err, "name=dongs")); /* the error page keeps the form */
    free(err);
    free(form);
    reporting_report_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_selection_passes),
        cmocka_unit_test(bad_selection_names_the_field),
        cmocka_unit_test(dongs_literal),
        cmocka_unit_test(period_bounds),
        cmocka_unit_test(parse_dongs),
        cmocka_unit_test(totals_follow_the_definitions),
        cmocka_unit_test(difference),
        cmocka_unit_test(many_rows_grow),
        cmocka_unit_test(json_has_keys_and_totals),
        cmocka_unit_test(html_is_escaped_and_self_contained),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_compare.c — the comparison table's arithmetic and cells (compare.c), with the seed's own
 * figures (section 10): Before/After/Increase of the basic type in 5 dongs, the percentages, the
 * difference-in-differences, unequal periods, mixed models and the treated/untreated split.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "compare.h"
#include "wh/status.h"

static reporting_values seed(int64_t targets, int64_t staff, int64_t priv, int64_t cases, int64_t blind,
                             int64_t visits, int64_t links, int64_t res, int64_t krw)
{
    reporting_values v = {{0}};
    v.v[REPORTING_KPI_TARGETS] = targets;
    v.v[REPORTING_KPI_PERSONNEL] = staff;
    v.v[REPORTING_KPI_PERSONNEL_PRIVATE] = priv;
    v.v[REPORTING_KPI_CASES] = cases;
    v.v[REPORTING_KPI_BLIND_SPOTS] = blind;
    v.v[REPORTING_KPI_VISITS] = visits;
    v.v[REPORTING_KPI_LINKAGES] = links;
    v.v[REPORTING_KPI_RESOURCES] = res;
    v.v[REPORTING_KPI_AMOUNT_KRW] = krw;
    return v;
}

static void cells_of(const reporting_table_row *row, char cells[REPORTING_COLUMNS][REPORTING_CELL_MAX])
{
    for (int c = 0; c < REPORTING_COLUMNS; c++)
        reporting_table_cell(row, c, cells[c]);
}

static void the_seeds_first_table(void **state)
{
    reporting_table t;
    memset(&t, 0, sizeof t);
    reporting_values before = seed(33669, 5, 0, 71, 1453, 2995, 17787, 1178, 608331000);
    reporting_values after = seed(35886, 43, 28, 216, 5522, 23960, 38274, 1726, 835600000);
    reporting_table_add_values(&t, "시행 전", "Before", &before);
    reporting_table_add_values(&t, "시행 후", "After", &after);
    reporting_table_add_difference(&t, "증감", "Increase", &before, &after);
    char c[REPORTING_COLUMNS][REPORTING_CELL_MAX];
    cells_of(&t.rows[1], c);
    assert_string_equal(c[0], "35,886");
    assert_string_equal(c[1], "43(28)");
    assert_string_equal(c[6], "1,726(₩835,600,000)");
    cells_of(&t.rows[2], c);
    /* The seed prints: up2,217 Up 38(28) Up 145 up4,069 up20,965 up20,487 Up 548(₩227,269,000) */
    assert_string_equal(c[0], "+2,217");
    assert_string_equal(c[1], "+38(+28)");
    assert_string_equal(c[2], "+145");
    assert_string_equal(c[3], "+4,069");
    assert_string_equal(c[4], "+20,965");
    assert_string_equal(c[5], "+20,487");
    assert_string_equal(c[6], "+548(+₩227,269,000)");
    char p[REPORTING_CELL_MAX];
    reporting_table_percent_cell(&t.rows[2], 0, p);
    assert_string_equal(p, "+6.6%"); /* 2,217 / 33,669 */
    reporting_table_percent_cell(&t.rows[2], 1, p);
    assert_string_equal(p, "+760.0%");
    reporting_table_percent_cell(&t.rows[1], 0, p);
    assert_string_equal(p, "-"); /* a values row has no percentage */
}

static void difference_in_differences(void **state)
{
    reporting_table t;
    memset(&t, 0, sizeof t);
    reporting_values tb = seed(100, 5, 0, 10, 0, 0, 0, 1, 1000), ta = seed(150, 9, 4, 30, 0, 0, 0, 3, 500);
    reporting_values ub = seed(80, 2, 0, 5, 0, 0, 0, 0, 0), ua = seed(90, 2, 1, 4, 0, 0, 0, 2, 700);
    reporting_table_add_did(&t, &tb, &ta, &ub, &ua);
    const reporting_table_row *did = &t.rows[0];
    assert_true(did->difference);
    assert_false(did->has_percent);
    assert_int_equal(did->values.v[REPORTING_KPI_TARGETS], 40);       /* 50 − 10 */
    assert_int_equal(did->values.v[REPORTING_KPI_PERSONNEL], 4);      /* 4 − 0 */
    assert_int_equal(did->values.v[REPORTING_KPI_CASES], 21);         /* 20 − (−1) */
    assert_int_equal(did->values.v[REPORTING_KPI_RESOURCES], 0);      /* 2 − 2 */
    assert_int_equal(did->values.v[REPORTING_KPI_AMOUNT_KRW], -1200); /* −500 − 700 */
    char c[REPORTING_CELL_MAX];
    reporting_table_cell(did, 6, c);
    assert_string_equal(c, "+0(-₩1,200)");
    /* The table holds at most its seven rows. */
    for (int i = 0; i < 10; i++)
        reporting_table_add_values(&t, "x", "x", &tb);
    assert_int_equal(t.n_rows, REPORTING_TABLE_ROWS);
}

static void unequal_periods_warn(void **state)
{
    reporting_table t;
    memset(&t, 0, sizeof t);
    strcpy(t.before_from_on, "2015-04-01");
    strcpy(t.before_to_on, "2015-10-31");
    strcpy(t.from_on, "2016-04-01");
    strcpy(t.to_on, "2016-10-31");
    reporting_table_check_periods(&t);
    assert_int_equal(t.n_warnings, 0); /* 214 days each */
    assert_int_equal(reporting_period_days("2015-04-01", "2015-10-31"), 214);
    assert_int_equal(reporting_period_days("2016-01-01", "2016-12-31"), 366);
    strcpy(t.before_to_on, "2015-09-30");
    reporting_table_check_periods(&t);
    assert_int_equal(t.n_warnings, 1);
    assert_non_null(strstr(t.warnings[0], "183일"));
    assert_non_null(strstr(t.warnings[0], "214 days"));
    char d[REPORTING_DATE_LEN];
    assert_int_equal(reporting_date_years_back("2016-02-29", 1, d), 0);
    assert_string_equal(d, "2015-02-28");
    assert_int_equal(reporting_date_years_back("2016-13-01", 1, d), WH_INVALID_ARGUMENT);
    assert_int_equal(reporting_period_days("2016-02-30", "2016-03-01"), -1);
}

static void mixed_models_and_the_split(void **state)
{
    reporting_table t;
    memset(&t, 0, sizeof t);
    strcpy(t.from_on, "2016-04-01");
    strcpy(t.to_on, "2016-10-31");
    reporting_dong_live d[] = {
        {"A", "2014-07-01", 1}, /* pilot */
        {"B", "2016-04-01", 1}, /* expansion */
        {"C", "2016-10-01", 2}, /* sphere type, inside the period */
        {"D", "", 0},           /* not live */
    };
    reporting_table_check_models(&t, "시행동", d, 2);
    assert_int_equal(t.n_warnings, 0);
    reporting_table_check_models(&t, "시행동", d, 3);
    assert_int_equal(t.n_warnings, 1);
    assert_non_null(strstr(t.warnings[0], "basic 2, sphere 1"));
    reporting_table_split(&t, d, 4);
    assert_int_equal(t.treated.n, 2);
    assert_string_equal(t.treated.codes[1], "B");
    assert_int_equal(t.untreated.n, 2);
    assert_int_equal(t.n_warnings, 2);
    assert_non_null(strstr(t.warnings[1], "C (2016-10-01)"));
}

static void thousands(void **state)
{
    char s[32];
    reporting_format_thousands(0, true, s, sizeof s);
    assert_string_equal(s, "+0");
    reporting_format_thousands(-1234567, false, s, sizeof s);
    assert_string_equal(s, "-1,234,567");
    reporting_format_thousands(999, false, s, sizeof s);
    assert_string_equal(s, "999");
    reporting_format_thousands(INT64_MIN, false, s, sizeof s);
    assert_string_equal(s, "-9,223,372,036,854,775,808");
    /* The columns are the KPI declaration's indices that are not part of another. */
    assert_int_equal(reporting_column_part(REPORTING_KPI_PERSONNEL), REPORTING_KPI_PERSONNEL_PRIVATE);
    assert_int_equal(reporting_column_part(REPORTING_KPI_TARGETS), -1);
    for (int c = 0; c < REPORTING_COLUMNS; c++)
        assert_int_equal(reporting_kpi_defs[reporting_table_columns[c]].part_of, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_seeds_first_table),
        cmocka_unit_test(difference_in_differences),
        cmocka_unit_test(unequal_periods_warn),
        cmocka_unit_test(mixed_models_and_the_split),
        cmocka_unit_test(thousands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

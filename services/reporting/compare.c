/*
 * compare.c — the comparison table's arithmetic, cells and warnings (pure, no database).
 *
 * Columns and their bracketed parts come from the KPI declaration (kpi_defs.c): every definition
 * that is not part of another is a column, and its part (part_of) goes in brackets, so the table,
 * the CSV, the workbook, the CLI and the dashboard all print the same cells from one source.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compare.h"
#include "wh/status.h"
#include "wh/util.h"

const reporting_kpi reporting_table_columns[REPORTING_COLUMNS] = {
    REPORTING_KPI_TARGETS, REPORTING_KPI_PERSONNEL, REPORTING_KPI_CASES,     REPORTING_KPI_BLIND_SPOTS,
    REPORTING_KPI_VISITS,  REPORTING_KPI_LINKAGES,  REPORTING_KPI_RESOURCES,
};

int reporting_column_part(reporting_kpi column)
{
    /* The change of the stock of targets is a part of targets, but the table shows it as the
     * Increase row, not in brackets: the seed's cells are "35,886", "43(28)", "1,726(₩…)". */
    for (int k = 0; k < REPORTING_KPI_COUNT; k++)
        if (reporting_kpi_defs[k].part_of == (int)column && k != REPORTING_KPI_TARGETS_CHANGE)
            return k;
    return -1;
}

long reporting_period_days(const char *from_on, const char *to_on)
{
    int fy, fm, fd, ty, tm, td;
    if (!wh_date_valid(from_on) || !wh_date_valid(to_on) ||
        sscanf(from_on, "%4d-%2d-%2d", &fy, &fm, &fd) != 3 ||
        sscanf(to_on, "%4d-%2d-%2d", &ty, &tm, &td) != 3)
        return -1;
    return (long)wh_days_from_civil(ty, tm, td) - wh_days_from_civil(fy, fm, fd) + 1;
}

int reporting_date_years_back(const char *on, int years, char out[REPORTING_DATE_LEN])
{
    int y, m, d;
    if (!wh_date_valid(on) || sscanf(on, "%4d-%2d-%2d", &y, &m, &d) != 3 || y - years < 1)
        return WH_INVALID_ARGUMENT;
    y -= years;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        d = 28;
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    memcpy(out, tmp, REPORTING_DATE_LEN - 1);
    out[REPORTING_DATE_LEN - 1] = 0;
    return 0;
}

static reporting_table_row *next_row(reporting_table *t, const char *ko, const char *en)
{
    if (t->n_rows == REPORTING_TABLE_ROWS)
        return NULL;
    reporting_table_row *row = &t->rows[t->n_rows++];
    memset(row, 0, sizeof *row);
    row->label_ko = ko;
    row->label_en = en;
    return row;
}

void reporting_table_add_values(reporting_table *t, const char *ko, const char *en, const reporting_values *v)
{
    reporting_table_row *row = next_row(t, ko, en);
    if (row)
        row->values = *v;
}

void reporting_table_add_difference(reporting_table *t, const char *ko, const char *en,
                                    const reporting_values *base, const reporting_values *later)
{
    reporting_table_row *row = next_row(t, ko, en);
    if (!row)
        return;
    reporting_values_diff(base, later, &row->values);
    row->difference = row->has_percent = true;
    for (int k = 0; k < REPORTING_KPI_COUNT; k++) {
        row->percent_ok[k] = base->v[k] != 0;
        row->percent[k] = base->v[k] ? 100.0 * (double)row->values.v[k] / (double)base->v[k] : 0.0;
    }
}

void reporting_table_add_did(reporting_table *t, const reporting_values *tb, const reporting_values *ta,
                             const reporting_values *ub, const reporting_values *ua)
{
    reporting_table_row *row = next_row(t, "이중차분 (시행동 증감 − 미시행동 증감)",
                                        "Difference-in-differences (treated change − untreated change)");
    if (!row)
        return;
    row->difference = true;
    for (int k = 0; k < REPORTING_KPI_COUNT; k++)
        row->values.v[k] = (ta->v[k] - tb->v[k]) - (ua->v[k] - ub->v[k]);
}

void reporting_table_warn(reporting_table *t, const char *fmt, ...)
{
    if (t->n_warnings == REPORTING_TABLE_WARN)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->warnings[t->n_warnings++], REPORTING_WARN_MAX, fmt, ap);
    va_end(ap);
}

void reporting_table_check_periods(reporting_table *t)
{
    long before = reporting_period_days(t->before_from_on, t->before_to_on);
    long after = reporting_period_days(t->from_on, t->to_on);
    if (before > 0 && after > 0 && before != after)
        reporting_table_warn(
            t,
            "두 기간의 길이가 다릅니다 (시행 전 %ld일, 시행 후 %ld일) / the periods differ in "
            "length (before %ld days, after %ld days)",
            before, after, before, after);
}

void reporting_table_check_models(reporting_table *t, const char *group_ko, const reporting_dong_live *d,
                                  size_t n)
{
    int seen[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++)
        seen[d[i].hub_type >= 0 && d[i].hub_type <= 2 ? d[i].hub_type : 0]++;
    if ((seen[1] > 0) + (seen[2] > 0) + (seen[0] > 0) > 1)
        reporting_table_warn(
            t,
            "%s: 모형이 섞여 있습니다 (기본형 %d, 권역형 %d, 미시행 %d) / the dong set mixes "
            "models (basic %d, sphere %d, not live %d)",
            group_ko, seen[1], seen[2], seen[0], seen[1], seen[2], seen[0]);
}

static void add_code(reporting_dong_set *s, const char *code)
{
    if (s->n < REPORTING_SELECT_MAX)
        snprintf(s->codes[s->n++], REPORTING_DONG_MAX, "%s", code);
}

void reporting_table_split(reporting_table *t, const reporting_dong_live *d, size_t n)
{
    char going[REPORTING_WARN_MAX / 2] = "";
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        bool live = d[i].first_live[0] && strcmp(d[i].first_live, t->from_on) <= 0;
        add_code(live ? &t->treated : &t->untreated, d[i].dong_code);
        if (!live && d[i].first_live[0] && strcmp(d[i].first_live, t->to_on) <= 0 && used + 36 < sizeof going)
            used += (size_t)snprintf(going + used, sizeof going - used, "%s%s (%s)", used ? ", " : "",
                                     d[i].dong_code, d[i].first_live);
    }
    if (used)
        reporting_table_warn(t,
                             "기간 중 시행된 동은 미시행동에 포함: %s / dongs going live inside the period "
                             "count as untreated",
                             going);
}

void reporting_format_thousands(int64_t v, bool sign, char *out, size_t size)
{
    char digits[32], tmp[48];
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int n = snprintf(digits, sizeof digits, "%" PRIu64, u);
    size_t j = 0;
    if (v < 0)
        tmp[j++] = '-';
    else if (sign)
        tmp[j++] = '+';
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            tmp[j++] = ',';
        tmp[j++] = digits[i];
    }
    tmp[j] = 0;
    snprintf(out, size, "%s", tmp);
}

void reporting_table_cell(const reporting_table_row *row, int column, char out[REPORTING_CELL_MAX])
{
    reporting_kpi k = reporting_table_columns[column];
    int part = reporting_column_part(k);
    char main[24], sub[24]; /* "+9,223,372,036,854,775,807" would be truncated, not overrun */
    reporting_format_thousands(row->values.v[k], row->difference, main, sizeof main);
    if (part < 0) {
        snprintf(out, REPORTING_CELL_MAX, "%s", main);
        return;
    }
    reporting_format_thousands(row->values.v[part], row->difference, sub, sizeof sub);
    bool krw = strcmp(reporting_kpi_defs[part].unit, "KRW") == 0;
    if (krw && (sub[0] == '+' || sub[0] == '-'))
        snprintf(out, REPORTING_CELL_MAX, "%s(%c₩%s)", main, sub[0], sub + 1);
    else
        snprintf(out, REPORTING_CELL_MAX, "%s(%s%s)", main, krw ? "₩" : "", sub);
}

void reporting_table_percent_cell(const reporting_table_row *row, int column, char out[REPORTING_CELL_MAX])
{
    reporting_kpi k = reporting_table_columns[column];
    if (!row->has_percent || !row->percent_ok[k])
        snprintf(out, REPORTING_CELL_MAX, "-");
    else
        snprintf(out, REPORTING_CELL_MAX, "%+.1f%%", row->percent[k]);
}

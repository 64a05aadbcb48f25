/*
 * report.c — KPI selections and reports: checking what is asked, and assembling the table.
 *
 * The store fills rows index by index (one query per kind of aggregation); this file keeps the rows
 * by dong, sorts them and works out the totals the way the KPI definitions say: additive indices are
 * the sum of the rows, visiting personnel is counted once per person over the whole set (a sphere
 * hub's staff serve several dongs), which the store computes and this file leaves alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reporting.h"
#include "wh/status.h"
#include "wh/util.h"

static int fail(const char **field, const char **why, const char *f, const char *w)
{
    *field = f;
    *why = w;
    return WH_INVALID_ARGUMENT;
}

int reporting_selection_check(const reporting_selection *s, const char **field, const char **why)
{
    if (s->n_dongs > REPORTING_SELECT_MAX)
        return fail(field, why, "dong_codes", "too many dong codes (at most 200)");
    for (size_t i = 0; i < s->n_dongs; i++) {
        if (!reporting_dong_code_valid(s->dong_codes[i]))
            return fail(field, why, "dong_codes", "dong code must be 1-23 letters, digits or '-'");
        for (size_t j = 0; j < i; j++)
            if (strcmp(s->dong_codes[i], s->dong_codes[j]) == 0)
                return fail(field, why, "dong_codes", "dong code given twice");
    }
    if (!wh_date_valid(s->from_on))
        return fail(field, why, "from_on", "from_on must be a date YYYY-MM-DD");
    if (!wh_date_valid(s->to_on))
        return fail(field, why, "to_on", "to_on must be a date YYYY-MM-DD");
    if (strcmp(s->from_on, s->to_on) > 0)
        return fail(field, why, "to_on", "to_on is before from_on");
    return 0;
}

int reporting_dongs_literal(const reporting_selection *s, char *out, size_t size)
{
    size_t used = 0;
    if (size < 3)
        return WH_INVALID_ARGUMENT;
    out[0] = 0;
    if (s->n_dongs == 0)
        return 0;
    out[used++] = '{';
    for (size_t i = 0; i < s->n_dongs; i++) {
        size_t n = strlen(s->dong_codes[i]);
        if (used + n + 2 >= size)
            return WH_INVALID_ARGUMENT;
        if (i > 0)
            out[used++] = ',';
        memcpy(out + used, s->dong_codes[i], n);
        used += n;
    }
    out[used++] = '}';
    out[used] = 0;
    return 0;
}

int reporting_report_init(reporting_report *r, const reporting_selection *s)
{
    memset(r, 0, sizeof *r);
    snprintf(r->from_on, sizeof r->from_on, "%s", s->from_on ? s->from_on : "");
    snprintf(r->to_on, sizeof r->to_on, "%s", s->to_on ? s->to_on : "");
    for (size_t i = 0; i < s->n_dongs; i++)
        if (!reporting_report_row(r, s->dong_codes[i]))
            return WH_INTERNAL;
    return 0;
}

void reporting_report_free(reporting_report *r)
{
    free(r->rows);
    memset(r, 0, sizeof *r);
}

reporting_row *reporting_report_row(reporting_report *r, const char *dong_code)
{
    /* The store reads every query in dong-code order, so the row after the last one found is
     * nearly always the one wanted: filling a report stays linear in its rows. */
    if (r->next_hint < r->n_rows && strcmp(r->rows[r->next_hint].dong_code, dong_code) == 0)
        return &r->rows[r->next_hint++];
    for (size_t i = 0; i < r->n_rows; i++)
        if (strcmp(r->rows[i].dong_code, dong_code) == 0) {
            r->next_hint = i + 1;
            return &r->rows[i];
        }
    reporting_row *rows = wh_grow(r->rows, &r->cap_rows, r->n_rows + 1, sizeof *rows, 16);
    if (!rows)
        return NULL;
    r->rows = rows;
    reporting_row *row = &r->rows[r->n_rows++];
    r->next_hint = r->n_rows;
    memset(row, 0, sizeof *row);
    snprintf(row->dong_code, sizeof row->dong_code, "%s", dong_code);
    return row;
}

static int row_cmp(const void *a, const void *b)
{
    return strcmp(((const reporting_row *)a)->dong_code, ((const reporting_row *)b)->dong_code);
}

void reporting_report_finish(reporting_report *r)
{
    if (r->n_rows > 1)
        qsort(r->rows, r->n_rows, sizeof *r->rows, row_cmp);
    for (int k = 0; k < REPORTING_KPI_COUNT; k++) {
        reporting_agg agg = reporting_kpi_defs[k].agg;
        if (agg == REPORTING_AGG_STAFF_DISTINCT || agg == REPORTING_AGG_STAFF_PRIVATE)
            continue;
        int64_t sum = 0;
        for (size_t i = 0; i < r->n_rows; i++)
            sum += r->rows[i].values.v[k];
        r->total.v[k] = sum;
    }
}

void reporting_values_diff(const reporting_values *a, const reporting_values *b, reporting_values *d)
{
    for (int k = 0; k < REPORTING_KPI_COUNT; k++)
        d->v[k] = b->v[k] - a->v[k];
}

int reporting_parse_dongs(const char *arg, char *copy, size_t size, char **codes, size_t max, size_t *n)
{
    *n = 0;
    if (!arg || !*arg)
        return 0;
    if (strlen(arg) >= size)
        return WH_INVALID_ARGUMENT;
    strcpy(copy, arg);
    for (char *save = NULL, *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (*n == max)
            return WH_INVALID_ARGUMENT;
        codes[(*n)++] = tok;
    }
    return 0;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return days[m - 1] + (m == 2 && leap(y));
}

static void first_of(char out[REPORTING_DATE_LEN], int y, int m)
{
    if (m > 12) {
        y++;
        m = 1;
    }
    char tmp[32]; /* y and m are in range; the wider buffer only quiets the truncation check */
    snprintf(tmp, sizeof tmp, "%04d-%02d-01", y, m);
    memcpy(out, tmp, REPORTING_DATE_LEN - 1);
    out[REPORTING_DATE_LEN - 1] = 0;
}

int reporting_period_bounds(const char *from_on, const char *to_on, char whole_from[REPORTING_DATE_LEN],
                            char whole_until[REPORTING_DATE_LEN], char from_month[REPORTING_DATE_LEN])
{
    int fy, fm, fd, ty, tm, td;
    if (!from_on || !to_on || sscanf(from_on, "%4d-%2d-%2d", &fy, &fm, &fd) != 3 ||
        sscanf(to_on, "%4d-%2d-%2d", &ty, &tm, &td) != 3 || fm < 1 || fm > 12 || tm < 1 || tm > 12)
        return WH_INVALID_ARGUMENT;
    first_of(from_month, fy, fm);
    first_of(whole_from, fy, fd == 1 ? fm : fm + 1);
    first_of(whole_until, ty, td == month_days(ty, tm) ? tm + 1 : tm);
    return 0;
}

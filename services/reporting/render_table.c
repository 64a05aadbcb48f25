/*
 * render_table.c — the comparison table as JSON (/api/kpi-table), CSV and .xlsx (the exports).
 *
 * All three print the cells of compare.c, so a number reads the same in the CLI, on the bus, in the
 * API, on the dashboard and in the files.  JSON:
 *   {"comparison":"BEFORE_AFTER","from_on":…,"to_on":…,"before_from_on":…,"before_to_on":…,
 *    "treated_dong_codes":[…],"untreated_dong_codes":[…],
 *    "columns":[{"key":"targets","label_ko":"대상자 수","label_en":"Number of targets"},…],
 *    "rows":[{"label_ko":"시행 전","label_en":"Before","difference":false,"values":{…},
 *             "cells":["33,669","5(0)",…],"change_percent":[…]},…],
 *    "warnings":[…]}
 * The CSV starts with a UTF-8 byte-order mark so Excel reads the Hangul; the workbook is written by
 * libxlsxwriter (Debian libxlsxwriter-dev) with the numbers as numbers, one column per value.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "compare.h"

static const char *const cmp_names[] = {"", "BEFORE_AFTER", "TREATED_UNTREATED", "BOTH"};

static json_t *codes_json(const reporting_dong_set *s)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < s->n; i++)
        json_array_append_new(a, json_string(s->codes[i]));
    return a;
}

static json_t *row_json(const reporting_table_row *row)
{
    json_t *values = json_object(), *cells = json_array(), *pct = json_array();
    char cell[REPORTING_CELL_MAX];
    for (int k = 0; values && k < REPORTING_KPI_COUNT; k++)
        json_object_set_new(values, reporting_kpi_defs[k].key, json_integer(row->values.v[k]));
    for (int c = 0; cells && pct && c < REPORTING_COLUMNS; c++) {
        reporting_table_cell(row, c, cell);
        json_array_append_new(cells, json_string(cell));
        if (row->has_percent) {
            reporting_table_percent_cell(row, c, cell);
            json_array_append_new(pct, json_string(cell));
        }
    }
    return json_pack("{s:s, s:s, s:b, s:o, s:o, s:o}", "label_ko", row->label_ko, "label_en", row->label_en,
                     "difference", row->difference, "values", values, "cells", cells, "change_percent", pct);
}

char *reporting_table_json(const reporting_table *t)
{
    json_t *cols = json_array(), *rows = json_array(), *warn = json_array();
    for (int c = 0; cols && c < REPORTING_COLUMNS; c++) {
        const reporting_kpi_def *d = &reporting_kpi_defs[reporting_table_columns[c]];
        json_array_append_new(cols, json_pack("{s:s, s:s, s:s}", "key", d->key, "label_ko", d->label_ko,
                                              "label_en", d->label_en));
    }
    for (size_t i = 0; rows && i < t->n_rows; i++)
        json_array_append_new(rows, row_json(&t->rows[i]));
    for (size_t i = 0; warn && i < t->n_warnings; i++)
        json_array_append_new(warn, json_string(t->warnings[i]));
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "comparison",
                          cmp_names[t->cmp], "from_on", t->from_on, "to_on", t->to_on, "before_from_on",
                          t->before_from_on, "before_to_on", t->before_to_on, "treated_dong_codes",
                          codes_json(&t->treated), "untreated_dong_codes", codes_json(&t->untreated),
                          "columns", cols, "rows", rows, "warnings", warn);
    char *out = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return out;
}

/* A CSV field: quoted, inner quotes doubled (labels and warnings hold commas). */
static void csv_field(FILE *f, const char *s, bool last)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputs(last ? "\"\r\n" : "\",", f);
}

char *reporting_table_csv(const reporting_table *t)
{
    char *out = NULL, cell[REPORTING_CELL_MAX];
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f)
        return NULL;
    fputs("\xEF\xBB\xBF", f);
    csv_field(f, "구분 / Period", false);
    for (int c = 0; c < REPORTING_COLUMNS; c++) {
        const reporting_kpi_def *d = &reporting_kpi_defs[reporting_table_columns[c]];
        char head[160];
        snprintf(head, sizeof head, "%s / %s", d->label_ko, d->label_en);
        csv_field(f, head, c == REPORTING_COLUMNS - 1);
    }
    for (size_t i = 0; i < t->n_rows; i++) {
        const reporting_table_row *row = &t->rows[i];
        char label[200];
        snprintf(label, sizeof label, "%s / %s", row->label_ko, row->label_en);
        csv_field(f, label, false);
        for (int c = 0; c < REPORTING_COLUMNS; c++) {
            reporting_table_cell(row, c, cell);
            csv_field(f, cell, c == REPORTING_COLUMNS - 1);
        }
        if (row->has_percent) {
            csv_field(f, "증감률 / Change %", false);
            for (int c = 0; c < REPORTING_COLUMNS; c++) {
                reporting_table_percent_cell(row, c, cell);
                csv_field(f, cell, c == REPORTING_COLUMNS - 1);
            }
        }
    }
    for (size_t i = 0; i < t->n_warnings; i++) {
        csv_field(f, "경고 / Warning", false);
        csv_field(f, t->warnings[i], true);
    }
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* The workbook: the header row, then per row its label and every KPI value as a number (the part in
 * its own column: "of whom privately employed", "amount (KRW)"), then the printed cells. */
static void xlsx_sheet(lxw_workbook *wb, const reporting_table *t)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "KPI");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *num = workbook_add_format(wb);
    format_set_num_format(num, "#,##0");
    worksheet_write_string(ws, 0, 0, "구분 / Period", bold);
    for (int k = 0; k < REPORTING_KPI_COUNT; k++) {
        char head[160];
        snprintf(head, sizeof head, "%s / %s", reporting_kpi_defs[k].label_ko,
                 reporting_kpi_defs[k].label_en);
        worksheet_write_string(ws, 0, (lxw_col_t)(1 + k), head, bold);
    }
    for (size_t i = 0; i < t->n_rows; i++) {
        const reporting_table_row *row = &t->rows[i];
        char label[200];
        snprintf(label, sizeof label, "%s / %s", row->label_ko, row->label_en);
        worksheet_write_string(ws, (lxw_row_t)(1 + i), 0, label, NULL);
        for (int k = 0; k < REPORTING_KPI_COUNT; k++)
            worksheet_write_number(ws, (lxw_row_t)(1 + i), (lxw_col_t)(1 + k), (double)row->values.v[k], num);
    }
    lxw_row_t r = (lxw_row_t)(t->n_rows + 2);
    for (size_t i = 0; i < t->n_warnings; i++)
        worksheet_write_string(ws, r++, 0, t->warnings[i], NULL);
    worksheet_set_column(ws, 0, 0, 34, NULL);
    worksheet_set_column(ws, 1, REPORTING_KPI_COUNT, 18, NULL);
}

/* The whole of the file behind fd, from its start; NULL when empty or unreadable. */
static char *read_all(int fd, size_t *len)
{
    struct stat st;

    if (fstat(fd, &st) != 0 || st.st_size <= 0)
        return NULL;
    char *out = malloc((size_t)st.st_size);
    size_t got = 0;
    while (out != NULL && got < (size_t)st.st_size) {
        ssize_t n = pread(fd, out + got, (size_t)st.st_size - got, (off_t)got);
        if (n <= 0) {
            free(out);
            out = NULL;
        } else
            got += (size_t)n;
    }
    *len = out != NULL ? got : 0;
    return out;
}

/* libxlsxwriter 1.1.4 (Debian bookworm) writes a workbook only to a named file: its
 * lxw_workbook_options has no output_buffer (that came in 1.1.5).  The file is an anonymous memfd,
 * named through /proc/self/fd, so nothing is left in /tmp and nothing needs removing; its own
 * scratch files are tmpfile()s, already unlinked. */
char *reporting_table_xlsx(const reporting_table *t, size_t *len)
{
    int fd = memfd_create("wh-kpi-xlsx", MFD_CLOEXEC);
    char path[64];
    char *out = NULL;

    *len = 0;
    if (fd < 0)
        return NULL;
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    lxw_workbook *wb = workbook_new(path);
    if (wb != NULL) {
        xlsx_sheet(wb, t);
        if (workbook_close(wb) == LXW_NO_ERROR)
            out = read_all(fd, len);
    }
    close(fd);
    return out;
}

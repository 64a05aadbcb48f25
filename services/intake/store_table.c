/*
 * store_table.c — the set-wise store's cell tables (store_table.h): cells appended row by row, then
 * written with COPY … FROM STDIN (text format) or as one array parameter per column.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_table.h"
#include "wh/log.h"
#include "wh/util.h"

/* --- a table of text cells, row-major: rendered as COPY text rows or as one array per column ---- */

#define NULL_CELL SIZE_MAX

#define COPY_PIECE (64 * 1024) /* bytes per PQputCopyData */

void intake_cell(intake_table *t, const char *s)
{
    size_t *c = wh_grow(t->cells, &t->cap, t->n + 1, sizeof *c, 1024);
    if (!c) {
        t->failed = true;
        return;
    }
    t->cells = c;
    if (!s) {
        t->cells[t->n++] = NULL_CELL;
        return;
    }
    t->cells[t->n++] = t->text.len;
    wh_buf_put(&t->text, s, strlen(s) + 1);
}

void intake_cell_i64(intake_table *t, int64_t v)
{
    char s[WH_I64_TEXT];
    wh_i64_text(v, s); /* not snprintf: its format parsing was 5.5% of the bulk path's intake */
    intake_cell(t, s);
}

void intake_cell_f64(intake_table *t, double v)
{
    char s[32];
    snprintf(s, sizeof s, "%.17g", v); /* as wh_params_f64: the same double reaches the table */
    intake_cell(t, s);
}

void intake_cell_bool(intake_table *t, bool v)
{
    intake_cell(t, v ? "t" : "f");
}

static size_t table_rows(const intake_table *t)
{
    return t->n / (size_t)t->n_cols;
}

static const char *cell_at(const intake_table *t, size_t row, int col)
{
    size_t off = t->cells[row * (size_t)t->n_cols + (size_t)col];
    return off == NULL_CELL ? NULL : t->text.data + off;
}

void intake_table_free(intake_table *t)
{
    wh_buf_free(&t->text);
    free(t->cells);
    t->cells = NULL;
    t->n = t->cap = 0;
}

/* COPY's text format: backslash escapes for the delimiter, newlines and backslash; \N is NULL. */
static void copy_escape(wh_buf *b, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *esc = *s == '\\'   ? "\\\\"
                          : *s == '\t' ? "\\t"
                          : *s == '\n' ? "\\n"
                          : *s == '\r' ? "\\r"
                                       : NULL;
        if (!esc)
            continue;
        wh_buf_put(b, run, (size_t)(s - run));
        wh_buf_puts(b, esc);
        run = s + 1;
    }
    wh_buf_put(b, run, (size_t)(s - run));
}

static int copy_failed(wh_db *db, const intake_table *t, const char *what)
{
    PGconn *c = wh_db_conn(db);
    wh_log_error("bulk copy failed", "{s:s, s:s, s:s}", "table", t->name, "step", what, "error",
                 c ? PQerrorMessage(c) : "no connection");
    return c && PQstatus(c) == CONNECTION_OK ? WH_INTERNAL : WH_UNAVAILABLE;
}

static int table_copy(wh_db *db, intake_table *t)
{
    PGconn *c = wh_db_conn(db);
    wh_buf out = {0};
    size_t rows = table_rows(t);
    for (size_t r = 0; r < rows; r++)
        for (int k = 0; k < t->n_cols; k++) {
            const char *v = cell_at(t, r, k);
            if (v)
                copy_escape(&out, v);
            else
                wh_buf_puts(&out, "\\N");
            wh_buf_put(&out, k + 1 < t->n_cols ? "\t" : "\n", 1);
        }
    if (out.failed) {
        wh_buf_free(&out);
        return WH_INTERNAL;
    }
    int rc = 0;
    PGresult *r = PQexec(c, t->copy_sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        rc = copy_failed(db, t, "start");
        PQclear(r);
        /* a COPY that did start and failed leaves nothing more to read; drain in case */
        while ((r = PQgetResult(c)) != NULL)
            PQclear(r);
        wh_buf_free(&out);
        return rc;
    }
    PQclear(r);
    /* In pieces: libpq copies what it is given into its output buffer, which never shrinks — one
     * call with a block's 2 MB kept a 2..8 MB buffer for the connection's life (memory.c). */
    for (size_t at = 0; rc == 0 && at < out.len; at += COPY_PIECE) {
        size_t n = out.len - at < COPY_PIECE ? out.len - at : COPY_PIECE;
        if (PQputCopyData(c, out.data + at, (int)n) != 1)
            rc = copy_failed(db, t, "data");
    }
    if (PQputCopyEnd(c, rc == 0 ? NULL : "client failed") != 1 && rc == 0)
        rc = copy_failed(db, t, "end");
    while ((r = PQgetResult(c)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0)
            rc = copy_failed(db, t, "result");
        PQclear(r);
    }
    wh_buf_free(&out);
    return rc;
}

/* An array literal of one column's cells. */
void intake_table_column(wh_sqlarray *a, const intake_table *t, int col)
{
    size_t rows = table_rows(t);
    for (size_t r = 0; r < rows; r++) {
        const char *v = cell_at(t, r, col);
        if (v)
            wh_sqlarray_text(a, v);
        else
            wh_sqlarray_null(a);
    }
}

/* Runs the table's statement with one array parameter per column. */
int intake_table_unnest(wh_db *db, const intake_table *t)
{
    wh_sqlarray cols[WH_PARAMS_MAX] = {{0}};
    wh_params p;
    int rc = 0;
    wh_params_reset(&p);
    for (int k = 0; k < t->n_cols; k++) {
        intake_table_column(&cols[k], t, k);
        const char *value = wh_sqlarray_value(&cols[k]);
        if (value == NULL)
            rc = WH_INTERNAL;
        wh_params_text(&p, value);
    }
    if (rc == 0) {
        int64_t n = wh_db_exec(db, t->statement, &p);
        rc = n < 0 ? (int)n : 0;
    }
    for (int k = 0; k < t->n_cols; k++)
        wh_sqlarray_free(&cols[k]);
    return rc;
}

int intake_table_write(wh_db *db, intake_table *t, intake_bulk_write mode)
{
    if (t->failed || t->text.failed)
        return WH_INTERNAL;
    if (t->n == 0)
        return 0;
    return mode == INTAKE_BULK_UNNEST ? intake_table_unnest(db, t) : table_copy(db, t);
}

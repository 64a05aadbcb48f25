/*
 * query_table.c — QueryKpiTable on the bus: the comparison table built by table.c, copied into the
 * reply with the cells already formatted (compare.c), so every client prints the same table.
 */
#include <stdio.h>
#include <string.h>

#include "compare.h"
#include "wh/status.h"

static char **codes_to_proto(wh_ctx *ctx, const reporting_dong_set *set)
{
    char **out = wh_ctx_alloc(ctx, (set->n ? set->n : 1) * sizeof *out);
    for (size_t i = 0; out && i < set->n; i++)
        if (!(out[i] = wh_ctx_strdup(ctx, set->codes[i])))
            return NULL;
    return out;
}

static Welfare__Reporting__V1__KpiTableRow *row_to_proto(wh_ctx *ctx, const reporting_table_row *row)
{
    Welfare__Reporting__V1__KpiTableRow *out = wh_ctx_alloc(ctx, sizeof *out);
    char **cells = wh_ctx_alloc(ctx, REPORTING_COLUMNS * sizeof *cells);
    char **pct = wh_ctx_alloc(ctx, REPORTING_COLUMNS * sizeof *pct);
    if (!out || !cells || !pct)
        return NULL;
    welfare__reporting__v1__kpi_table_row__init(out);
    out->label_ko = wh_ctx_strdup(ctx, row->label_ko);
    out->label_en = wh_ctx_strdup(ctx, row->label_en);
    out->values = reporting_values_to_proto(ctx, &row->values);
    out->difference = row->difference;
    for (int c = 0; c < REPORTING_COLUMNS; c++) {
        char cell[REPORTING_CELL_MAX];
        reporting_table_cell(row, c, cell);
        if (!(cells[c] = wh_ctx_strdup(ctx, cell)))
            return NULL;
        reporting_table_percent_cell(row, c, cell);
        if (!(pct[c] = wh_ctx_strdup(ctx, cell)))
            return NULL;
    }
    out->cells = cells;
    out->n_cells = REPORTING_COLUMNS;
    out->change_percent = pct;
    out->n_change_percent = row->has_percent ? REPORTING_COLUMNS : 0;
    return out->label_ko && out->label_en && out->values ? out : NULL;
}

static Welfare__Reporting__V1__KpiTable *table_to_proto(wh_ctx *ctx, const reporting_table *t)
{
    Welfare__Reporting__V1__KpiTable *out = wh_ctx_alloc(ctx, sizeof *out);
    char **keys = wh_ctx_alloc(ctx, REPORTING_COLUMNS * sizeof *keys);
    char **ko = wh_ctx_alloc(ctx, REPORTING_COLUMNS * sizeof *ko);
    char **en = wh_ctx_alloc(ctx, REPORTING_COLUMNS * sizeof *en);
    Welfare__Reporting__V1__KpiTableRow **rows = wh_ctx_alloc(ctx, REPORTING_TABLE_ROWS * sizeof *rows);
    char **warnings = wh_ctx_alloc(ctx, REPORTING_TABLE_WARN * sizeof *warnings);
    if (!out || !keys || !ko || !en || !rows || !warnings)
        return NULL;
    welfare__reporting__v1__kpi_table__init(out);
    out->comparison = (Welfare__Reporting__V1__KpiComparison)t->cmp;
    out->from_on = wh_ctx_strdup(ctx, t->from_on);
    out->to_on = wh_ctx_strdup(ctx, t->to_on);
    out->before_from_on = wh_ctx_strdup(ctx, t->before_from_on);
    out->before_to_on = wh_ctx_strdup(ctx, t->before_to_on);
    out->treated_dong_codes = codes_to_proto(ctx, &t->treated);
    out->n_treated_dong_codes = t->treated.n;
    out->untreated_dong_codes = codes_to_proto(ctx, &t->untreated);
    out->n_untreated_dong_codes = t->untreated.n;
    for (int c = 0; c < REPORTING_COLUMNS; c++) {
        const reporting_kpi_def *d = &reporting_kpi_defs[reporting_table_columns[c]];
        keys[c] = (char *)d->key;
        ko[c] = (char *)d->label_ko;
        en[c] = (char *)d->label_en;
    }
    out->column_keys = keys;
    out->columns_ko = ko;
    out->columns_en = en;
    out->n_column_keys = out->n_columns_ko = out->n_columns_en = REPORTING_COLUMNS;
    for (size_t i = 0; i < t->n_rows; i++)
        if (!(rows[i] = row_to_proto(ctx, &t->rows[i])))
            return NULL;
    out->rows = rows;
    out->n_rows = t->n_rows;
    for (size_t i = 0; i < t->n_warnings; i++)
        if (!(warnings[i] = wh_ctx_strdup(ctx, t->warnings[i])))
            return NULL;
    out->warnings = warnings;
    out->n_warnings = t->n_warnings;
    bool ok = out->from_on && out->to_on && out->before_from_on && out->before_to_on &&
              out->treated_dong_codes && out->untreated_dong_codes;
    return ok ? out : NULL;
}

int reporting_handle_query_table(wh_ctx *ctx, const ProtobufCMessage *request, ProtobufCMessage **reply)
{
    const Welfare__Reporting__V1__QueryKpiTable *q = (const Welfare__Reporting__V1__QueryKpiTable *)request;
    reporting_table_request r = {(reporting_cmp)q->comparison,
                                 q->dong_codes,
                                 q->n_dong_codes,
                                 q->from_on,
                                 q->to_on,
                                 q->before_from_on,
                                 q->before_to_on};
    /* 13 KB, off the stack; only the loop thread runs this (static, not __thread: README, HTTP) */
    static reporting_table t;
    const char *field = "", *why = "";
    int rc = reporting_build_table(wh_ctx_db(ctx), &r, &t, &field, &why);
    if (rc == WH_INVALID_ARGUMENT)
        return wh_ctx_fail(ctx, rc, field, "%s", why);
    if (rc != 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the KPI facts");
    Welfare__Reporting__V1__QueryKpiTableReply *out = wh_ctx_alloc(ctx, sizeof *out);
    if (!out)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__reporting__v1__query_kpi_table_reply__init(out);
    if (!(out->table = table_to_proto(ctx, &t)))
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    *reply = &out->base;
    return 0;
}

/*
 * queries.c — the queries reporting answers on the bus: QueryKpi, CompareKpi, ListDongs.
 *
 * All three only read, so they are `query` rows (no idempotency record).  A bad selection is a typed
 * INVALID_ARGUMENT naming the field ("selection.to_on", "baseline.dong_codes").  The report is built
 * in plain memory by report.c and store.c (the HTTP thread shares that code) and then copied into
 * the reply, allocated from the handler's ctx.
 */
#include <stdio.h>
#include <string.h>

#include "compare.h"
#include "discovery.h"
#include "reporting.h"
#include "reporting_commands.h"
#include "wh/access.h"
#include "wh/status.h"

Welfare__Reporting__V1__KpiValues *reporting_values_to_proto(wh_ctx *ctx, const reporting_values *v)
{
    Welfare__Reporting__V1__KpiValues *out = wh_ctx_alloc(ctx, sizeof *out);
    if (!out)
        return NULL;
    welfare__reporting__v1__kpi_values__init(out);
#define SET_FIELD(NAME, key, ...) out->key = v->v[REPORTING_KPI_##NAME];
    REPORTING_KPI_LIST(SET_FIELD)
#undef SET_FIELD
    return out;
}

static Welfare__Reporting__V1__DongKpi *row_to_proto(wh_ctx *ctx, const reporting_row *row)
{
    Welfare__Reporting__V1__DongKpi *out = wh_ctx_alloc(ctx, sizeof *out);
    if (!out)
        return NULL;
    welfare__reporting__v1__dong_kpi__init(out);
    out->dong_code = wh_ctx_strdup(ctx, row->dong_code);
    out->name = wh_ctx_strdup(ctx, row->name);
    out->hub_dong_code = wh_ctx_strdup(ctx, row->hub_dong_code);
    out->values = reporting_values_to_proto(ctx, &row->values);
    return out->dong_code && out->name && out->hub_dong_code && out->values ? out : NULL;
}

Welfare__Reporting__V1__KpiReport *reporting_report_to_proto(wh_ctx *ctx, const reporting_report *r)
{
    Welfare__Reporting__V1__KpiReport *out = wh_ctx_alloc(ctx, sizeof *out);
    Welfare__Reporting__V1__KpiSelection *sel = wh_ctx_alloc(ctx, sizeof *sel);
    size_t n = r->n_rows ? r->n_rows : 1;
    if (!out || !sel)
        return NULL;
    welfare__reporting__v1__kpi_report__init(out);
    welfare__reporting__v1__kpi_selection__init(sel);
    sel->from_on = wh_ctx_strdup(ctx, r->from_on);
    sel->to_on = wh_ctx_strdup(ctx, r->to_on);
    sel->dong_codes = wh_ctx_alloc(ctx, n * sizeof *sel->dong_codes);
    out->dongs = wh_ctx_alloc(ctx, n * sizeof *out->dongs);
    out->total = reporting_values_to_proto(ctx, &r->total);
    if (!sel->from_on || !sel->to_on || !sel->dong_codes || !out->dongs || !out->total)
        return NULL;
    for (size_t i = 0; i < r->n_rows; i++) {
        out->dongs[i] = row_to_proto(ctx, &r->rows[i]);
        sel->dong_codes[i] = out->dongs[i] ? out->dongs[i]->dong_code : NULL;
        if (!out->dongs[i])
            return NULL;
    }
    out->n_dongs = sel->n_dong_codes = r->n_rows;
    out->selection = sel;
    return out;
}

/* Builds the report of one selection of a request; prefix names the selection in errors. */
static int build(wh_ctx *ctx, const Welfare__Reporting__V1__KpiSelection *sel, const char *prefix,
                 reporting_report *r)
{
    const char *field = "", *why = "selection is required";
    if (!sel)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, prefix, "%s", why);
    reporting_selection s = {sel->dong_codes, sel->n_dong_codes, sel->from_on, sel->to_on};
    int rc = reporting_build_report(wh_ctx_db(ctx), &s, r, &field, &why);
    if (rc == WH_INVALID_ARGUMENT) {
        char path[96];
        snprintf(path, sizeof path, "%s.%s", prefix, field);
        return wh_ctx_fail(ctx, rc, path, "%s", why);
    }
    if (rc != 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the KPI facts");
    return 0;
}

static int handle_query_kpi(wh_ctx *ctx, const ProtobufCMessage *request, ProtobufCMessage **reply)
{
    const Welfare__Reporting__V1__QueryKpi *q = (const Welfare__Reporting__V1__QueryKpi *)request;
    reporting_report r;
    int rc = build(ctx, q->selection, "selection", &r);
    if (rc != 0)
        return rc;
    Welfare__Reporting__V1__QueryKpiReply *out = wh_ctx_alloc(ctx, sizeof *out);
    if (out) {
        welfare__reporting__v1__query_kpi_reply__init(out);
        out->report = reporting_report_to_proto(ctx, &r);
    }
    reporting_report_free(&r);
    if (!out || !out->report)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    *reply = &out->base;
    return 0;
}

static int handle_compare_kpi(wh_ctx *ctx, const ProtobufCMessage *request, ProtobufCMessage **reply)
{
    const Welfare__Reporting__V1__CompareKpi *q = (const Welfare__Reporting__V1__CompareKpi *)request;
    reporting_report a, b;
    int rc = build(ctx, q->baseline, "baseline", &a);
    if (rc != 0)
        return rc;
    rc = build(ctx, q->comparison, "comparison", &b);
    if (rc != 0) {
        reporting_report_free(&a);
        return rc;
    }
    reporting_values d;
    reporting_values_diff(&a.total, &b.total, &d);
    Welfare__Reporting__V1__CompareKpiReply *out = wh_ctx_alloc(ctx, sizeof *out);
    if (out) {
        welfare__reporting__v1__compare_kpi_reply__init(out);
        out->baseline = reporting_report_to_proto(ctx, &a);
        out->comparison = reporting_report_to_proto(ctx, &b);
        out->difference = reporting_values_to_proto(ctx, &d);
    }
    reporting_report_free(&a);
    reporting_report_free(&b);
    if (!out || !out->baseline || !out->comparison || !out->difference)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    *reply = &out->base;
    return 0;
}

static int handle_list_dongs(wh_ctx *ctx, const ProtobufCMessage *request, ProtobufCMessage **reply)
{
    PGresult *res = reporting_store_list_dongs(wh_ctx_db(ctx));
    if (!res)
        return wh_ctx_fail(ctx, wh_db_last_status(wh_ctx_db(ctx)), NULL, "could not read the dongs");
    int n = PQntuples(res);
    Welfare__Reporting__V1__ListDongsReply *out = wh_ctx_alloc(ctx, sizeof *out);
    Welfare__Reporting__V1__Dong *dongs = wh_ctx_alloc(ctx, (size_t)(n ? n : 1) * sizeof *dongs);
    Welfare__Reporting__V1__Dong **ptrs = wh_ctx_alloc(ctx, (size_t)(n ? n : 1) * sizeof *ptrs);
    if (!out || !dongs || !ptrs) {
        PQclear(res);
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    }
    welfare__reporting__v1__list_dongs_reply__init(out);
    for (int i = 0; i < n; i++) {
        welfare__reporting__v1__dong__init(&dongs[i]);
        dongs[i].dong_code = wh_ctx_strdup(ctx, wh_db_text(res, i, 0));
        dongs[i].name = wh_ctx_strdup(ctx, wh_db_text(res, i, 1));
        dongs[i].hub_type = (Welfare__Routing__V1__HubType)wh_db_i64(res, i, 2, 0);
        dongs[i].hub_dong_code = wh_ctx_strdup(ctx, wh_db_text(res, i, 3));
        ptrs[i] = &dongs[i];
    }
    PQclear(res);
    out->dongs = ptrs;
    out->n_dongs = (size_t)n;
    *reply = &out->base;
    return 0;
}

/* Who may send each query and its summary are declared once, as options on its request in
 * proto/welfare/reporting/v1/commands.proto (generated into reporting_commands.h). */
#define QUERY(name, key, fn) WH_COMMAND(welfare__reporting__v1__, name, REPORTING_##key, fn)

const wh_command reporting_commands[] = {
    QUERY(query_kpi, QUERY_KPI, handle_query_kpi),
    QUERY(compare_kpi, COMPARE_KPI, handle_compare_kpi),
    QUERY(list_dongs, LIST_DONGS, handle_list_dongs),
    QUERY(query_kpi_table, QUERY_KPI_TABLE, reporting_handle_query_table),
    QUERY(query_surveys, QUERY_SURVEYS, reporting_handle_query_surveys),
    QUERY(query_safety_net, QUERY_SAFETY_NET, reporting_handle_query_safety_net),
};

const size_t reporting_commands_count = sizeof reporting_commands / sizeof reporting_commands[0];

/*
 * http_table.c — the comparison table on the HTTP port:
 *
 *   /api/kpi-table?compare=before-after|treated|both&dongs=…&from=…&to=…[&before_from=…&before_to=…]
 *   /export/kpi-table.csv?…   /export/kpi-table.xlsx?…   (the same arguments)
 *   /dashboard/compare?…      (the page: the form, the table, the warnings, the export links)
 *   and on all of them the form's d_<code>=1 (dongs ticked) and year=…&part=… (a preset): dash_form.c
 *
 * Every surface prints the table built by table.c with the cells of compare.c.  Bad input is a 400:
 * JSON {"error","field"} for the API and the exports, and for the page the form again, as filled in,
 * with the error in Korean (then English).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "dash_form.h"
#include "wh/status.h"
#include "wh/util.h"

static int cmp_of(const char *s)
{
    if (!s || !*s || strcmp(s, "before-after") == 0)
        return REPORTING_CMP_BEFORE_AFTER;
    return strcmp(s, "treated") == 0 ? REPORTING_CMP_TREATED
           : strcmp(s, "both") == 0  ? REPORTING_CMP_BOTH
                                     : 0;
}

/* Reads the arguments and builds the table: 0, or an HTTP status with *field and *why. */
static int table_for(const wh_http_request *req, reporting_form_input *a, reporting_table *t,
                     const char **field, const char **why)
{
    int rc = reporting_form_read(req, a, field, why);
    if (rc != 0)
        return rc;
    reporting_table_request q = {(reporting_cmp)cmp_of(wh_http_arg(req, "compare")),
                                 a->codes,
                                 a->n,
                                 a->from,
                                 a->to,
                                 wh_http_arg(req, "before_from"),
                                 wh_http_arg(req, "before_to")};
    rc = reporting_http_build_table(&q, t, field, why);
    if (rc == WH_INVALID_ARGUMENT) {
        static const char *const names[][2] = {
            {"dong_codes", "dongs"},           {"from_on", "from"},           {"to_on", "to"},
            {"before_from_on", "before_from"}, {"before_to_on", "before_to"}, {"comparison", "compare"}};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strcmp(*field, names[i][0]) == 0)
                *field = names[i][1];
        return 400;
    }
    if (rc != 0) {
        *field = "";
        *why = "the KPI facts cannot be read now";
        return 503;
    }
    return 0;
}

typedef enum { AS_JSON, AS_CSV, AS_XLSX } table_format;

static void serve_table(void *arg, const wh_http_request *req, wh_http_response *resp)
{
    static reporting_table t;
    static reporting_form_input a;
    const char *field = "", *why = "";
    int status = table_for(req, &a, &t, &field, &why);
    char *body = NULL;
    if (status != 0) {
        reporting_http_respond(resp, status, "application/json", reporting_http_error_json(field, why));
        return;
    }
    size_t len = 0;
    switch ((table_format)(intptr_t)arg) {
    case AS_JSON:
        body = reporting_table_json(&t);
        reporting_http_respond(resp, 200, "application/json", body);
        break;
    case AS_CSV:
        body = reporting_table_csv(&t);
        reporting_http_respond(resp, 200, "text/csv; charset=utf-8", body);
        break;
    case AS_XLSX:
        body = reporting_table_xlsx(&t, &len);
        reporting_http_respond_bytes(
            resp, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body, len);
        break;
    }
}

static const char *arg_or_empty(const wh_http_request *req, const char *k)
{
    const char *v = wh_http_arg(req, k);
    return v ? v : "";
}

/* The codes the table compared (treated, then untreated), comma-separated. */
static void table_codes(const reporting_table *t, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    const reporting_dong_set *sets[] = {&t->treated, &t->untreated};
    for (size_t s = 0; s < 2; s++)
        for (size_t i = 0; i < sets[s]->n && len < size; i++) {
            int n = snprintf(out + len, size - len, "%s%s", len ? "," : "", sets[s]->codes[i]);
            len += n > 0 ? (size_t)n : 0;
        }
}

static void serve_compare_page(void *arg, const wh_http_request *req, wh_http_response *resp)
{
    static reporting_table t;
    static reporting_form_input a;
    static char used[REPORTING_DONGS_ARG];
    static const char *const cmp_names[] = {"", "before-after", "treated", "both"};
    const char *field = "", *why = "";
    int status = table_for(req, &a, &t, &field, &why);
    char query[REPORTING_DONGS_ARG + 160];
    reporting_form_view v;
    if (status == 0) {
        table_codes(&t, used, sizeof used);
        v = (reporting_form_view){cmp_names[t.cmp], t.from_on, t.to_on, t.before_from_on,
                                  t.before_to_on,   used,      true,    used,
                                  &a.menu,          false};
        snprintf(query, sizeof query, "compare=%s&dongs=%s&from=%s&to=%s&before_from=%s&before_to=%s",
                 cmp_names[t.cmp], a.dongs, t.from_on, t.to_on, t.before_from_on, t.before_to_on);
    } else {
        v = reporting_form_view_of(req, &a, false, used, sizeof used);
        v.compare = arg_or_empty(req, "compare");
        v.before_from = arg_or_empty(req, "before_from");
        v.before_to = arg_or_empty(req, "before_to");
        query[0] = '\0';
    }
    char *body = reporting_render_compare(req, &v, status == 0 ? &t : NULL, query, field, why);
    reporting_http_respond(resp, status == 0 ? 200 : status, "text/html; charset=utf-8", body);
}

int reporting_http_table_routes(wh_http *http)
{
    int rc = wh_http_route(http, "/api/kpi-table", serve_table, (void *)(intptr_t)AS_JSON);
    if (rc == 0)
        rc = wh_http_route(http, "/export/kpi-table.csv", serve_table, (void *)(intptr_t)AS_CSV);
    if (rc == 0)
        rc = wh_http_route(http, "/export/kpi-table.xlsx", serve_table, (void *)(intptr_t)AS_XLSX);
    if (rc == 0)
        rc = wh_http_route(http, "/dashboard/compare", serve_compare_page, NULL);
    return rc;
}

/*
 * http_table.c — the comparison table on the HTTP port:
 *
 *   /api/kpi-table?compare=before-after|treated|both&dongs=…&from=…&to=…[&before_from=…&before_to=…]
 *   /export/kpi-table.csv?…   /export/kpi-table.xlsx?…   (the same arguments)
 *   /dashboard/compare?…      (the page: the form, the table, the warnings, the export links)
 *
 * Every surface prints the table built by table.c with the cells of compare.c.  Bad input is a 400:
 * JSON {"error","field"} for the API and the exports, and for the page the form again, as filled in,
 * with the error in Korean (then English).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
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
static int table_for(const wh_http_request *req, reporting_table *t, const char **field, const char **why)
{
    static __thread char *codes[REPORTING_SELECT_MAX];
    static __thread char copy[REPORTING_SELECT_MAX * (REPORTING_DONG_MAX + 1)];
    char today[REPORTING_DATE_LEN], jan1[REPORTING_DATE_LEN];
    size_t n = 0;
    wh_date_today(today);
    snprintf(jan1, sizeof jan1, "%.4s-01-01", today);
    if (reporting_parse_dongs(wh_http_arg(req, "dongs"), copy, sizeof copy, codes, REPORTING_SELECT_MAX,
                              &n) != 0) {
        *field = "dongs";
        *why = "too many dong codes";
        return 400;
    }
    const char *from = wh_http_arg(req, "from"), *to = wh_http_arg(req, "to");
    reporting_table_request q = {(reporting_cmp)cmp_of(wh_http_arg(req, "compare")),
                                 codes,
                                 n,
                                 from && *from ? from : jan1,
                                 to && *to ? to : today,
                                 wh_http_arg(req, "before_from"),
                                 wh_http_arg(req, "before_to")};
    int rc = reporting_http_build_table(&q, t, field, why);
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

static void respond(wh_http_response *resp, int status, const char *type, char *body, size_t len)
{
    resp->status = body ? status : 500;
    resp->content_type = body ? type : "text/plain; charset=utf-8";
    resp->body = body ? body : strdup("out of memory\n");
    resp->len = body ? len : (resp->body ? strlen(resp->body) : 0);
}

static char *error_json(const char *field, const char *why)
{
    char *out = NULL;
    /* field and why are our own constant texts or a checked dong code: nothing to escape */
    return asprintf(&out, "{\"error\":\"%s\",\"field\":\"%s\"}\n", why, field) < 0 ? NULL : out;
}

typedef enum { AS_JSON, AS_CSV, AS_XLSX } table_format;

static void serve_table(void *arg, const wh_http_request *req, wh_http_response *resp)
{
    static __thread reporting_table t;
    const char *field = "", *why = "";
    int status = table_for(req, &t, &field, &why);
    char *body = NULL;
    if (status != 0) {
        body = error_json(field, why);
        respond(resp, status, "application/json", body, body ? strlen(body) : 0);
        return;
    }
    size_t len = 0;
    switch ((table_format)(intptr_t)arg) {
    case AS_JSON:
        body = reporting_table_json(&t);
        respond(resp, 200, "application/json", body, body ? strlen(body) : 0);
        break;
    case AS_CSV:
        body = reporting_table_csv(&t);
        respond(resp, 200, "text/csv; charset=utf-8", body, body ? strlen(body) : 0);
        break;
    case AS_XLSX:
        body = reporting_table_xlsx(&t, &len);
        respond(resp, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body, len);
        break;
    }
}

static void serve_compare_page(void *arg, const wh_http_request *req, wh_http_response *resp)
{
    static __thread reporting_table t;
    const char *field = "", *why = "";
    int status = table_for(req, &t, &field, &why);
    char *body = reporting_render_compare(req, status == 0 ? &t : NULL, field, why);
    respond(resp, status == 0 ? 200 : status, "text/html; charset=utf-8", body, body ? strlen(body) : 0);
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

/*
 * http_trend.c — /dashboard/trend: the monthly trend of each index for a dong set, as server-rendered
 * SVG bar charts (no scripts, no external assets).
 *
 *   /dashboard/trend?dongs=…&from=2016-01-01&to=2016-12-31     (at most 36 months)
 *
 * Each month is one KPI report of the same code as every other surface (reporting_build_report over
 * the month, cut to the period at both ends), so a bar equals what `welfarectl kpi` gives for that
 * month.  Bad input is a 400 page in Korean with the form kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "dash_form.h"
#include "wh/status.h"
#include "wh/util.h"

#define TREND_MONTHS_MAX 36

typedef struct trend {
    int n;
    char month[TREND_MONTHS_MAX][8]; /* "2016-04" */
    reporting_values v[TREND_MONTHS_MAX];
} trend;

static int month_days(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return d[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

/* The months of [from, to], each cut to the period: 0, or WH_INVALID_ARGUMENT with *field, *why. */
static int fill(trend *t, char **codes, size_t n, const char *from, const char *to, const char **field,
                const char **why)
{
    int y, m, ty, tm;
    reporting_selection whole = {codes, n, from, to};
    int rc = reporting_selection_check(&whole, field, why);
    if (rc != 0)
        return rc;
    sscanf(from, "%4d-%2d", &y, &m);
    sscanf(to, "%4d-%2d", &ty, &tm);
    if ((ty - y) * 12 + tm - m + 1 > TREND_MONTHS_MAX) {
        *field = "to_on";
        *why = "at most 36 months";
        return WH_INVALID_ARGUMENT;
    }
    for (t->n = 0; y < ty || (y == ty && m <= tm); t->n++) {
        char a[32], b[32];
        snprintf(a, sizeof a, "%04d-%02d-01", y, m);
        snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, month_days(y, m));
        snprintf(t->month[t->n], sizeof t->month[t->n], "%04d-%02d", y, m);
        reporting_selection s = {codes, n, strcmp(a, from) < 0 ? from : a, strcmp(b, to) > 0 ? to : b};
        reporting_report r;
        if ((rc = reporting_http_build_report(&s, &r, field, why)) != 0)
            return rc;
        t->v[t->n] = r.total;
        reporting_report_free(&r);
        if (++m == 13) {
            m = 1;
            y++;
        }
    }
    return 0;
}

/* One chart: a bar per month of index k (the bracketed part, if any, in the tooltip). */
static void chart(FILE *f, const trend *t, reporting_kpi k)
{
    const reporting_kpi_def *d = &reporting_kpi_defs[k];
    int part = reporting_column_part(k);
    int64_t max = 1;
    for (int i = 0; i < t->n; i++)
        if (t->v[i].v[k] > max)
            max = t->v[i].v[k];
    const int w = 640, h = 170, top = 18, bottom = 26;
    double bw = (double)w / t->n;
    fprintf(f,
            "<figure><figcaption>%s <small>%s</small></figcaption><svg viewBox=\"0 0 %d %d\" role=img "
            "aria-label=\"%s\">",
            d->label_ko, d->label_en, w, h, d->label_en);
    for (int i = 0; i < t->n; i++) {
        int64_t v = t->v[i].v[k];
        double bh = (double)(h - top - bottom) * (double)v / (double)max;
        char num[32], sub[32] = "";
        reporting_format_thousands(v, false, num, sizeof num);
        if (part >= 0)
            reporting_format_thousands(t->v[i].v[part], false, sub, sizeof sub);
        fprintf(f,
                "<g><title>%s: %s%s%s%s</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                "fill=\"#1f6feb\"/><text x=\"%.1f\" y=\"%.1f\" class=v>%s</text><text x=\"%.1f\" y=\"%d\" "
                "class=m>%s</text></g>",
                t->month[i], num, part >= 0 ? " (" : "", sub, part >= 0 ? ")" : "", i * bw + bw * 0.15,
                h - bottom - bh, bw * 0.7, bh, i * bw + bw / 2, h - bottom - bh - 4, num, i * bw + bw / 2,
                h - 8, t->month[i] + 5);
    }
    fputs("</svg></figure>", f);
}

static const char css[] = REPORTING_PAGE_CSS
    ".charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));gap:1rem}"
    "figure{margin:0;background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:.6rem}"
    "figcaption{font-weight:600}figcaption small{font-weight:normal;color:#5a6b7b}"
    "svg{width:100%;height:auto}text{font-size:11px;text-anchor:middle;fill:#3b4a59}"
    "text.v{font-size:10px}";

static char *page(const wh_http_request *req, const reporting_form_view *v, const trend *t, const char *field,
                  const char *why)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f)
        return NULL;
    fprintf(f,
            "<!doctype html><html lang=ko><head><meta charset=utf-8><title>월별 추이 / Monthly trend</title>"
            "<style>%s%s</style></head><body>" REPORTING_DASHBOARD_NAV "<h1>월별 추이 <small>/ "
            "Monthly trend</small></h1><form method=get action=/dashboard/trend>",
            css, reporting_form_css);
    reporting_form_fields_html(f, req, v);
    fputs("</form>", f);
    if (t) {
        fputs("<div class=charts>", f);
        for (int c = 0; c < REPORTING_COLUMNS; c++)
            chart(f, t, reporting_table_columns[c]);
        fputs("</div>", f);
    } else {
        reporting_form_error_html(f, "입력을 확인해 주세요 (동, 기간은 최대 36개월)", field, why);
    }
    return reporting_page_close(f, &out);
}

static void serve_trend(void *arg, const wh_http_request *req, wh_http_response *resp)
{
    static trend t;
    static reporting_form_input in;
    static char shown[REPORTING_DONGS_ARG];
    const char *field = "dongs", *why = "too many dong codes";
    int rc = reporting_form_read(req, &in, &field, &why) != 0 ? WH_INVALID_ARGUMENT : 0;
    if (rc == 0)
        rc = fill(&t, in.codes, in.n, in.from, in.to, &field, &why);
    reporting_form_view v = reporting_form_view_of(req, &in, rc == 0, shown, sizeof shown);
    resp->body = page(req, &v, rc == 0 ? &t : NULL, field, why);
    resp->status = !resp->body ? 500 : rc == 0 ? 200 : rc == WH_INVALID_ARGUMENT ? 400 : 503;
    resp->content_type = "text/html; charset=utf-8";
    resp->len = resp->body ? strlen(resp->body) : 0;
}

int reporting_http_trend_routes(wh_http *http)
{
    return wh_http_route(http, "/dashboard/trend", serve_trend, NULL);
}

/*
 * render_html.c — the dashboard: one self-contained HTML page (inline CSS, no scripts or external
 * assets, so it works on an air-gapped district network) with the KPI table per dong, the totals,
 * and the form (dash_form.c: presets, dates, dongs by name) to choose the period and the dongs.  Columns and
 * labels come from the KPI definitions. Dong names arrive in events, so everything printed is HTML-escaped.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dash_form.h"
#include "reporting.h"
#include "wh/buf.h"

static void escaped(wh_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            wh_buf_puts(b, "&lt;");
            break;
        case '>':
            wh_buf_puts(b, "&gt;");
            break;
        case '&':
            wh_buf_puts(b, "&amp;");
            break;
        case '"':
            wh_buf_puts(b, "&quot;");
            break;
        case '\'':
            wh_buf_puts(b, "&#39;");
            break;
        default:
            wh_buf_put(b, s, 1);
        }
    }
}

/* 1234567 → "1,234,567". */
static void number(wh_buf *b, int64_t v)
{
    char digits[32], out[48];
    int n = snprintf(digits, sizeof digits, "%" PRId64, v < 0 ? -v : v), o = 0;
    if (v < 0)
        out[o++] = '-';
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = 0;
    wh_buf_puts(b, out);
}

static const char style[] =
    "*{box-sizing:border-box}"
    "body{font-family:system-ui,'Noto Sans KR','Malgun Gothic',sans-serif;margin:1.2rem;color:#1d2733;"
    "background:#f6f8fa}h1{font-size:1.4rem;margin:0 0 .2rem}p.sub{color:#5a6b7b;margin:0 0 1.2rem}"
    "form{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:.8rem 1rem;margin-bottom:1.2rem;"
    "display:flex;gap:1rem;flex-wrap:wrap;align-items:end}label{display:flex;flex-direction:column;"
    "font-size:.8rem;color:#5a6b7b}input{font:inherit;padding:.3rem .4rem;border:1px solid #c2cbd4;"
    "border-radius:4px}button{font:inherit;padding:.35rem 1rem;border:0;border-radius:4px;background:#1f6feb;"
    "color:#fff;cursor:pointer}table{border-collapse:collapse;background:#fff;border:1px solid #d8dee4;"
    "border-radius:8px;font-variant-numeric:tabular-nums;width:100%;table-layout:fixed;font-size:.9rem}"
    "th,td{padding:.4rem .45rem;border-bottom:1px solid #eaeef2;text-align:right;overflow-wrap:anywhere}"
    "th.d{width:15%}th{background:#eef2f6;font-size:.75rem;vertical-align:bottom}"
    "th small{display:block;font-weight:normal;color:#5a6b7b}td.d,th.d{text-align:left}td.d "
    "small{color:#5a6b7b}"
    "tr.total td{font-weight:600;background:#f0f5ff;border-top:2px solid #9fb7d9}a{color:#1f6feb}"
    "dl{font-size:.85rem;color:#3b4a59;max-width:60rem}dt{font-weight:600;margin-top:.5rem}dd{margin-left:"
    "1rem}";

static const char nav[] = REPORTING_DASHBOARD_NAV;

static void head(wh_buf *b, const reporting_report *r, const char *form_html)
{
    wh_buf_puts(b, "<!doctype html><html lang=\"ko\"><head><meta charset=\"utf-8\">"
                   "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                   "<title>welfarehub KPI</title><style>");
    wh_buf_puts(b, style);
    wh_buf_puts(b, reporting_form_css);
    wh_buf_puts(b, "</style></head><body>");
    wh_buf_puts(b, nav);
    wh_buf_puts(b, "<h1>마을복지허브 성과지표 · Village welfare hub KPIs</h1><p class=\"sub\">");
    escaped(b, r->from_on);
    wh_buf_puts(b, " – ");
    escaped(b, r->to_on);
    wh_buf_printf(b, " · %zu dongs · counted by business date from the services' events</p>", r->n_rows);
    wh_buf_puts(b, form_html ? form_html : "");
}

static void table_head(wh_buf *b)
{
    wh_buf_puts(b, "<table><thead><tr><th class=\"d\">동 · Dong<small>hub</small></th>");
    for (int k = 0; k < REPORTING_KPI_COUNT; k++) {
        wh_buf_puts(b, "<th>");
        escaped(b, reporting_kpi_defs[k].label_ko);
        wh_buf_puts(b, "<small>");
        escaped(b, reporting_kpi_defs[k].label_en);
        wh_buf_puts(b, "</small></th>");
    }
    wh_buf_puts(b, "</tr></thead><tbody>");
}

static void values_cells(wh_buf *b, const reporting_values *v)
{
    for (int k = 0; k < REPORTING_KPI_COUNT; k++) {
        wh_buf_puts(b, "<td>");
        number(b, v->v[k]);
        wh_buf_puts(b, "</td>");
    }
}

static void row_html(wh_buf *b, const reporting_report *r, const reporting_row *row)
{
    wh_buf_puts(b, "<tr><td class=\"d\"><a href=\"/dashboard?dongs=");
    escaped(b, row->dong_code);
    wh_buf_puts(b, "&amp;from=");
    escaped(b, r->from_on);
    wh_buf_puts(b, "&amp;to=");
    escaped(b, r->to_on);
    wh_buf_puts(b, "\">");
    escaped(b, row->name[0] ? row->name : row->dong_code);
    wh_buf_puts(b, "</a> <small>");
    escaped(b, row->dong_code);
    if (row->hub_dong_code[0] && strcmp(row->hub_dong_code, row->dong_code) != 0) {
        wh_buf_puts(b, " · served by ");
        escaped(b, row->hub_dong_code);
    }
    wh_buf_puts(b, "</small></td>");
    values_cells(b, &row->values);
    wh_buf_puts(b, "</tr>");
}

static const char *agg_text(reporting_agg agg)
{
    switch (agg) {
    case REPORTING_AGG_DAILY_SUM:
        return "sum over the days of the period";
    case REPORTING_AGG_STOCK:
        return "on the period's last day: persons enrolled in at least one programme";
    case REPORTING_AGG_CASES_OPEN:
        return "cases open at any time in the period";
    case REPORTING_AGG_STAFF_DISTINCT:
        return "distinct staff assigned in the period to the dong's own hub (a sphere dong's visitors count "
               "at "
               "its central dong, so the rows add up and each person counts once)";
    case REPORTING_AGG_STAFF_PRIVATE:
        return "the same, privately employed only";
    }
    return "";
}

static void definitions(wh_buf *b)
{
    wh_buf_puts(b, "<dl>");
    for (int k = 0; k < REPORTING_KPI_COUNT; k++) {
        const reporting_kpi_def *d = &reporting_kpi_defs[k];
        wh_buf_puts(b, "<dt>");
        escaped(b, d->label_ko);
        wh_buf_puts(b, " · ");
        escaped(b, d->label_en);
        wh_buf_puts(b, "</dt><dd>");
        escaped(b, agg_text(d->agg));
        wh_buf_puts(b, " (");
        escaped(b, d->unit);
        wh_buf_puts(b, ")</dd>");
    }
    wh_buf_puts(b, "</dl>");
}

char *reporting_render_html(const reporting_report *r, const char *form_html)
{
    wh_buf b = {0};
    head(&b, r, form_html);
    table_head(&b);
    for (size_t i = 0; i < r->n_rows; i++)
        row_html(&b, r, &r->rows[i]);
    wh_buf_puts(&b, "<tr class=\"total\"><td class=\"d\">합계 · Total</td>");
    values_cells(&b, &r->total);
    wh_buf_puts(&b, "</tr></tbody></table>");
    definitions(&b);
    wh_buf_puts(&b, "</body></html>\n");
    if (b.failed) {
        wh_buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* An error page keeps the form, so a bad date can be corrected in place. */
char *reporting_render_html_error(const char *message, const char *form_html)
{
    wh_buf b = {0};
    wh_buf_puts(&b,
                "<!doctype html><html lang=\"ko\"><head><meta charset=\"utf-8\"><title>welfarehub KPI</title>"
                "<style>");
    wh_buf_puts(&b, style);
    wh_buf_puts(&b, reporting_form_css);
    wh_buf_puts(&b, ".err{background:#ffebe9;border:1px solid #ff8182;padding:.6rem .8rem;border-radius:6px}"
                    "</style></head><body>");
    wh_buf_puts(&b, nav);
    wh_buf_puts(&b, "<h1>마을복지허브 성과지표 · Village welfare hub KPIs</h1>");
    wh_buf_puts(&b, form_html ? form_html : "");
    wh_buf_puts(&b, "<div class=\"err\" role=\"alert\">입력을 확인해 주세요 (동 코드, 기간)<br><small>");
    escaped(&b, message);
    wh_buf_puts(&b, " — the form keeps what you entered.</small></div></body></html>\n");
    if (b.failed) {
        wh_buf_free(&b);
        return NULL;
    }
    return b.data;
}

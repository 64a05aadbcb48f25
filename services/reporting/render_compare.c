/*
 * render_compare.c — /dashboard/compare: the Ministry's comparison table as one self-contained page
 * (inline CSS, no scripts, no external assets: it works offline on the district LAN).  Korean first,
 * English second.  The form comes back as filled in, with the error in Korean, when the input is bad.
 * The table is laid out to fit a 1,366 px laptop: fixed layout over the page width, headings wrap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "dash_form.h"

static const char css[] = REPORTING_PAGE_CSS
    "body{max-width:100%}h1{margin:0 0 .2rem}p.sub{margin:0 0 1rem;font-size:inherit}"
    "input,select{border:1px solid #c2cbd4;border-radius:4px}table{font-size:.9rem}"
    "th,td{padding:.4rem .5rem}th.d,td.d{width:16%}tr.diff td{font-weight:600;background:#f0f5ff}"
    "tr.pct td{color:#5a6b7b;font-size:.8rem}"
    "tr.did td{font-weight:700;background:#fff4d6;border-top:2px solid #d4a72c}"
    ".err{margin-bottom:1rem}"
    ".warn{background:#fff8c5;border:1px solid #d4a72c;padding:.5rem .8rem;border-radius:6px;margin:.6rem 0}";

static void form(FILE *f, const reporting_form_view *v, const wh_http_request *req)
{
    static const char *const opts[][2] = {{"before-after", "시행 전후 / Before-after"},
                                          {"treated", "시행동·미시행동 / Treated-untreated"},
                                          {"both", "둘 다와 이중차분 / Both, with DiD"}};
    fputs("<form method=get action=/dashboard/compare><label>비교 / Comparison<select name=compare>", f);
    for (size_t i = 0; i < 3; i++)
        fprintf(f, "<option value=%s%s>%s</option>", opts[i][0],
                strcmp(v->compare, opts[i][0]) == 0 || (!*v->compare && i == 0) ? " selected" : "",
                opts[i][1]);
    fputs("</select></label>", f);
    reporting_form_period_html(f, req, v->keep_preset);
    reporting_form_date_html(f, "from", "시작일 / From", v->from);
    reporting_form_date_html(f, "to", "종료일 / To", v->to);
    reporting_form_date_html(f, "before_from", "시행 전 시작 / Before from", v->before_from);
    reporting_form_date_html(f, "before_to", "시행 전 종료 / Before to", v->before_to);
    reporting_form_dongs_text_html(f, v->dongs_text, v->echo);
    fputs("<button>조회 / Show</button>", f);
    reporting_form_dongs_html(f, v->menu, v->chosen);
    fputs("</form>", f);
}

static void table(FILE *f, const reporting_table *t, const char *query)
{
    char cell[REPORTING_CELL_MAX];
    if (t->before_from_on[0])
        fprintf(f, "<p class=sub>시행 전 %s ~ %s · 시행 후 %s ~ %s</p>", t->before_from_on, t->before_to_on,
                t->from_on, t->to_on);
    else
        fprintf(f, "<p class=sub>기간 %s ~ %s</p>", t->from_on, t->to_on);
    fputs("<table id=kpi-table><thead><tr><th class=d>구분<small>Period</small></th>", f);
    for (int c = 0; c < REPORTING_COLUMNS; c++) {
        const reporting_kpi_def *d = &reporting_kpi_defs[reporting_table_columns[c]];
        int part = reporting_column_part(reporting_table_columns[c]);
        fprintf(f, "<th>%s%s%s%s<small>%s</small></th>", d->label_ko, part >= 0 ? " (" : "",
                part >= 0 ? reporting_kpi_defs[part].label_ko : "", part >= 0 ? ")" : "", d->label_en);
    }
    fputs("</tr></thead><tbody>", f);
    for (size_t i = 0; i < t->n_rows; i++) {
        const reporting_table_row *row = &t->rows[i];
        fprintf(f, "<tr class=\"%s\"><td class=d>%s<small>%s</small></td>",
                !row->difference   ? ""
                : row->has_percent ? "diff"
                                   : "did",
                row->label_ko, row->label_en);
        for (int c = 0; c < REPORTING_COLUMNS; c++) {
            reporting_table_cell(row, c, cell);
            fprintf(f, "<td data-col=%d>%s</td>", c, cell);
        }
        fputs("</tr>", f);
        if (row->has_percent) {
            fputs("<tr class=pct><td class=d>증감률 / change %</td>", f);
            for (int c = 0; c < REPORTING_COLUMNS; c++) {
                reporting_table_percent_cell(row, c, cell);
                fprintf(f, "<td>%s</td>", cell);
            }
            fputs("</tr>", f);
        }
    }
    fputs("</tbody></table>", f);
    for (size_t i = 0; i < t->n_warnings; i++) {
        fputs("<div class=warn>⚠ ", f);
        reporting_html_escape(f, t->warnings[i]);
        fputs("</div>", f);
    }
    fputs("<p>시행동 / treated: ", f);
    for (size_t i = 0; i < t->treated.n; i++)
        fprintf(f, "%s ", t->treated.codes[i]);
    if (t->untreated.n) {
        fputs("· 미시행동 / untreated: ", f);
        for (size_t i = 0; i < t->untreated.n; i++)
            fprintf(f, "%s ", t->untreated.codes[i]);
    }
    fputs("</p><nav>", f);
    static const char *const links[][2] = {{"/export/kpi-table.csv", "CSV 내려받기 / CSV"},
                                           {"/export/kpi-table.xlsx", "엑셀 내려받기 / Excel (.xlsx)"},
                                           {"/api/kpi-table", "JSON"}};
    for (size_t i = 0; i < 3; i++) {
        fprintf(f, "<a href=\"%s?", links[i][0]);
        reporting_html_escape(f, query);
        fprintf(f, "\">%s</a>", links[i][1]);
    }
    fputs("</nav>", f);
}

/* The Korean line of an error, by the argument it names (the English detail follows it). */
static const char *korean_of(const char *field)
{
    static const char *const ko[][2] = {
        {"dongs", "동 코드를 확인해 주세요 (등록되지 않았거나 잘못된 동, 또는 비교할 동이 없습니다)"},
        {"from", "시작일을 YYYY-MM-DD 형식으로 입력해 주세요"},
        {"to", "종료일을 확인해 주세요 (YYYY-MM-DD, 시작일 이후)"},
        {"before_from", "시행 전 기간의 시작일을 확인해 주세요 (둘 다 입력하거나 둘 다 비워 두세요)"},
        {"before_to", "시행 전 기간의 종료일을 확인해 주세요 (시행 후 기간 전에 끝나야 합니다)"},
        {"compare", "비교 방식을 선택해 주세요"},
        {"period", "기간(연·분기·월)을 다시 선택해 주세요"},
    };
    for (size_t i = 0; i < sizeof ko / sizeof ko[0]; i++)
        if (strcmp(field, ko[i][0]) == 0)
            return ko[i][1];
    return "지금은 지표를 읽을 수 없습니다. 잠시 후 다시 시도해 주세요";
}

char *reporting_render_compare(const wh_http_request *req, const reporting_form_view *v,
                               const reporting_table *t, const char *query, const char *field,
                               const char *why)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f)
        return NULL;
    fprintf(f,
            "<!doctype html><html lang=ko><head><meta charset=utf-8><title>지표 비교 / KPI comparison"
            "</title><style>%s%s</style></head><body>" REPORTING_DASHBOARD_NAV "<h1>복지허브 지표 비교 "
            "<small>/ KPI comparison</small></h1>",
            css, reporting_form_css);
    form(f, v, req);
    if (t)
        table(f, t, query);
    else {
        char ko[320];
        snprintf(ko, sizeof ko, "입력을 확인해 주세요: %s", korean_of(field));
        reporting_form_error_html(f, ko, field, why);
    }
    return reporting_page_close(f, &out);
}

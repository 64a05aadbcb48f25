/*
 * http_funnel.c — the discovery funnel per channel on the HTTP port (funnel.c counts it):
 *
 *   /api/funnel?dongs=…&from=…&to=…          JSON: columns, a row per channel, the total
 *   /dashboard/funnel?…                      the page: the form (dash_form.c), the table, the definitions
 *
 * A row per channel: referrals reported in the period, the households first reported then, and how
 * many of them were blind spots, were visited, managed as cases and linked to a service by the
 * period's end (each with its share of the households).  Channels 1–6 always have a row; rosters and
 * an unknown channel only when they count something.  Bad input is a 400 (JSON, or the page with the
 * form kept and the error in Korean).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "dash_form.h"
#include "wh/status.h"

static const char *const col_keys[REPORTING_FUNNEL_COLS] = {"referrals", "households", "blind_spots",
                                                            "visited",   "cases",      "linked"};

static bool shown(const reporting_funnel *f, int channel)
{
    if (channel >= 1 && channel <= 6)
        return true;
    for (int c = 0; c < REPORTING_FUNNEL_COLS; c++)
        if (f->v[channel][c])
            return true;
    return false;
}

/* Reads the form and counts the funnel: 0, or an HTTP status with *field, *why. */
static int funnel_for(const wh_http_request *req, reporting_form_input *in, reporting_funnel *f,
                      const char **field, const char **why)
{
    int rc = reporting_form_read(req, in, field, why);
    if (rc != 0)
        return rc;
    reporting_selection s = {in->codes, in->n, in->from, in->to};
    rc = reporting_http_build_funnel(&s, f, field, why);
    if (rc == WH_INVALID_ARGUMENT) {
        *field = strcmp(*field, "dong_codes") == 0 ? "dongs" : strcmp(*field, "from_on") == 0 ? "from" : "to";
        return 400;
    }
    if (rc != 0) {
        *field = "";
        *why = "the funnel cannot be read now";
        return 503;
    }
    return 0;
}

static json_t *values_json(const int64_t *v)
{
    json_t *a = json_array();
    for (int c = 0; a && c < REPORTING_FUNNEL_COLS; c++)
        json_array_append_new(a, json_integer(v[c]));
    return a;
}

static char *funnel_json(const reporting_funnel *f)
{
    json_t *cols = json_array(), *rows = json_array();
    for (int c = 0; c < REPORTING_FUNNEL_COLS; c++)
        json_array_append_new(cols, json_pack("{s:s, s:s, s:s}", "key", col_keys[c], "label_ko",
                                              reporting_funnel_col_labels[c][0], "label_en",
                                              reporting_funnel_col_labels[c][1]));
    for (int ch = 1; ch <= REPORTING_CHANNELS; ch++) {
        int channel = ch % REPORTING_CHANNELS; /* 1..7, then unknown (0) */
        if (shown(f, channel))
            json_array_append_new(rows, json_pack("{s:i, s:s, s:s, s:o}", "channel", channel, "label_ko",
                                                  reporting_channel_labels[channel][0], "label_en",
                                                  reporting_channel_labels[channel][1], "values",
                                                  values_json(f->v[channel])));
    }
    json_t *root = json_pack("{s:s, s:s, s:o, s:o, s:o}", "from_on", f->from_on, "to_on", f->to_on, "columns",
                             cols, "channels", rows, "total", values_json(f->total));
    char *out = root ? json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    return out;
}

static const char css[] = REPORTING_PAGE_CSS
    "th.d,td.d{width:20%}"
    "td .bar{height:.35rem;background:#1f6feb;border-radius:2px;margin-top:.2rem;margin-left:auto}"
    "dl{color:#5a6b7b;font-size:.85rem}";

/* A stage cell: the count, its share of the cohort's households and a bar of that share. */
static void stage_cell(FILE *f, const int64_t *v, int c)
{
    char num[32];
    reporting_format_thousands(v[c], false, num, sizeof num);
    if (c <= REPORTING_FUNNEL_HOUSEHOLDS || v[REPORTING_FUNNEL_HOUSEHOLDS] == 0) {
        fprintf(f, "<td data-col=%d>%s</td>", c, num);
        return;
    }
    double share = 100.0 * (double)v[c] / (double)v[REPORTING_FUNNEL_HOUSEHOLDS];
    fprintf(f, "<td data-col=%d>%s<small>%.1f%%</small><div class=bar style=\"width:%.0f%%\"></div></td>", c,
            num, share, share > 100 ? 100 : share);
}

static void funnel_row(FILE *f, const char *ko, const char *en, const int64_t *v, bool total)
{
    fprintf(f, "<tr%s><td class=d>%s<small>%s</small></td>", total ? " class=total" : "", ko, en);
    for (int c = 0; c < REPORTING_FUNNEL_COLS; c++)
        stage_cell(f, v, c);
    fputs("</tr>", f);
}

static void funnel_table(FILE *f, const reporting_funnel *fu)
{
    fprintf(f,
            "<p class=sub>기간 %s ~ %s · 가구는 그 기간에 처음 접수된 가구, 단계는 기간 말까지 / households "
            "first reported in the period, their stages by its end</p><table id=funnel><thead><tr>"
            "<th class=d>발굴 경로<small>Channel</small></th>",
            fu->from_on, fu->to_on);
    for (int c = 0; c < REPORTING_FUNNEL_COLS; c++)
        fprintf(f, "<th>%s<small>%s</small></th>", reporting_funnel_col_labels[c][0],
                reporting_funnel_col_labels[c][1]);
    fputs("</tr></thead><tbody>", f);
    for (int ch = 1; ch <= REPORTING_CHANNELS; ch++) {
        int channel = ch % REPORTING_CHANNELS;
        if (shown(fu, channel))
            funnel_row(f, reporting_channel_labels[channel][0], reporting_channel_labels[channel][1],
                       fu->v[channel], false);
    }
    funnel_row(f, "합계", "Total", fu->total, true);
    fputs("</tbody></table><dl><dt>발굴 경로 / channel</dt><dd>가구의 첫 의뢰가 들어온 경로 (한 가구는 한 "
          "경로에만 "
          "셉니다) / the channel of the household's first referral (each household counts once)</dd>"
          "<dt>현장방문 / visited</dt><dd>만나서 상담한 방문 / a visit met and counselled</dd>"
          "<dt>서비스 연계 / linked</dt><dd>시작된 연계 / a linkage delivered or started</dd></dl>",
          f);
}

static char *funnel_page(const wh_http_request *req, const reporting_form_view *v, const reporting_funnel *fu,
                         const char *field, const char *why)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f)
        return NULL;
    fprintf(f,
            "<!doctype html><html lang=ko><head><meta charset=utf-8><title>발굴 경로별 흐름 / Discovery "
            "funnel</title><style>%s%s</style></head><body>" REPORTING_DASHBOARD_NAV
            "<h1>발굴 경로별 흐름 <small>/ Discovery "
            "funnel per channel</small></h1><form method=get action=/dashboard/funnel>",
            css, reporting_form_css);
    reporting_form_fields_html(f, req, v);
    fputs("</form>", f);
    if (fu)
        funnel_table(f, fu);
    else {
        reporting_form_error_html(f, "입력을 확인해 주세요 (동, 기간)", field, why);
    }
    return reporting_page_close(f, &out);
}

static void serve_funnel(void *arg, const wh_http_request *req, wh_http_response *resp)
{
    static reporting_form_input in;
    static reporting_funnel fu;
    static char used[REPORTING_DONGS_ARG];
    const char *field = "", *why = "";
    int status = funnel_for(req, &in, &fu, &field, &why);
    if (arg != NULL) { /* the API */
        reporting_http_respond(resp, status ? status : 200, "application/json",
                               status ? reporting_http_error_json(field, why) : funnel_json(&fu));
        return;
    }
    reporting_form_view v = reporting_form_view_of(req, &in, status == 0, used, sizeof used);
    reporting_http_respond(resp, status ? status : 200, "text/html; charset=utf-8",
                           funnel_page(req, &v, status == 0 ? &fu : NULL, field, why));
}

int reporting_http_funnel_routes(wh_http *http)
{
    static int api = 1;
    int rc = wh_http_route(http, "/api/funnel", serve_funnel, &api);
    if (rc == 0)
        rc = wh_http_route(http, "/dashboard/funnel", serve_funnel, NULL);
    return rc;
}

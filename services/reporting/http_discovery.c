/*
 * http_discovery.c — surveys and the safety net on the HTTP port (discovery.c builds the figures):
 *
 *   /api/surveys?dongs=…&from=…&to=…     JSON: columns, a row per survey, the total
 *   /api/safety-net?dongs=…&from=…&to=…  JSON: columns, a row per member, per team, the total
 *   /dashboard/surveys?…                 the page: the form (dash_form.c), the surveys, the teams
 *
 * The form's arguments as on the other pages (presets, dates, dong codes and boxes); bad input is a
 * 400 (JSON with error and field, or the page with the form kept), a database that cannot be read a
 * 503.  Survey names are escaped on the page; JSON strings are written by jansson.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "dash_form.h"
#include "discovery.h"
#include "wh/status.h"

typedef struct figures {
    reporting_surveys surveys;
    reporting_safety_net net;
} figures;

enum { SURVEYS = 1, NET = 2 };

/* Reads the form and builds what `what` asks for: 0, or an HTTP status with *field, *why. */
static int figures_for(const wh_http_request *req, int what, reporting_form_input *in, figures *fg,
                       const char **field, const char **why)
{
    memset(fg, 0, sizeof *fg);
    int rc = reporting_form_read(req, in, field, why);
    if (rc != 0)
        return rc;
    reporting_selection s = {in->codes, in->n, in->from, in->to};
    if (what & SURVEYS)
        rc = reporting_http_build_surveys(&s, &fg->surveys, field, why);
    if (rc == 0 && (what & NET))
        rc = reporting_http_build_safety_net(&s, &fg->net, field, why);
    if (rc == WH_INVALID_ARGUMENT) {
        *field = strcmp(*field, "dong_codes") == 0 ? "dongs" : strcmp(*field, "from_on") == 0 ? "from" : "to";
        return 400;
    }
    if (rc != 0) {
        *field = "";
        *why = "the figures cannot be read now";
        return 503;
    }
    return 0;
}

static void figures_free(figures *fg)
{
    reporting_surveys_free(&fg->surveys);
    reporting_safety_net_free(&fg->net);
}

static json_t *columns_json(const reporting_col_def *cols, int n)
{
    json_t *a = json_array();
    for (int c = 0; a && c < n; c++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "key", cols[c].key, "label_ko",
                                           cols[c].label_ko, "label_en", cols[c].label_en));
    return a;
}

static json_t *values_json(const int64_t *v, int n)
{
    json_t *a = json_array();
    for (int c = 0; a && c < n; c++)
        json_array_append_new(a, json_integer(v[c]));
    return a;
}

static char *dump(json_t *root)
{
    char *out = root ? json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    return out;
}

static char *surveys_json(const reporting_surveys *s)
{
    json_t *rows = json_array();
    for (size_t i = 0; rows && i < s->n_rows; i++) {
        const reporting_survey_row *r = &s->rows[i];
        json_array_append_new(rows, json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "survey_id",
                                              (json_int_t)r->survey_id, "name", r->name, "target_group",
                                              r->target_group, "start_on", r->start_on, "end_on", r->end_on,
                                              "values", values_json(r->v, REPORTING_SURVEY_COLS)));
    }
    return dump(json_pack("{s:s, s:s, s:o, s:o, s:o}", "from_on", s->from_on, "to_on", s->to_on, "columns",
                          columns_json(reporting_survey_cols, REPORTING_SURVEY_COLS), "surveys", rows,
                          "total", values_json(s->total, REPORTING_SURVEY_COLS)));
}

static const char *team_key(int team)
{
    return reporting_team_labels[team > 0 && team < REPORTING_TEAMS ? team : 0].key;
}

static char *net_json(const reporting_safety_net *n)
{
    json_t *members = json_array(), *teams = json_array();
    for (size_t i = 0; members && i < n->n_members; i++) {
        const reporting_member_row *m = &n->members[i];
        json_array_append_new(members,
                              json_pack("{s:I, s:s, s:s, s:s, s:o}", "member_id", (json_int_t)m->member_id,
                                        "dong_code", m->dong_code, "team", team_key(m->team), "affiliation",
                                        m->affiliation, "values", values_json(m->v, REPORTING_NET_COLS)));
    }
    for (size_t i = 0; teams && i < n->n_teams; i++) {
        const reporting_team_row *t = &n->teams[i];
        json_array_append_new(teams, json_pack("{s:s, s:s, s:s, s:I, s:o}", "team", team_key(t->team),
                                               "label_ko", reporting_team_labels[t->team].label_ko,
                                               "label_en", reporting_team_labels[t->team].label_en, "members",
                                               (json_int_t)t->members, "values",
                                               values_json(t->v, REPORTING_NET_COLS)));
    }
    return dump(json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "from_on", n->from_on, "to_on", n->to_on,
                          "columns", columns_json(reporting_net_cols, REPORTING_NET_COLS), "members", members,
                          "teams", teams, "total", values_json(n->total, REPORTING_NET_COLS)));
}

static const char css[] = REPORTING_PAGE_CSS "th.d,td.d{width:18%}td[data-col]{white-space:nowrap}"
                                             "nav.api{margin-top:.8rem}nav.api a{margin-right:1.2rem}";

static void head_cells(FILE *f, const char *first_ko, const char *first_en, const reporting_col_def *cols,
                       int n)
{
    fprintf(f, "<thead><tr><th class=d>%s<small>%s</small></th>", first_ko, first_en);
    for (int c = 0; c < n; c++)
        fprintf(f, "<th>%s<small>%s</small></th>", cols[c].label_ko, cols[c].label_en);
    fputs("</tr></thead>", f);
}

static void value_cells(FILE *f, const int64_t *v, int n)
{
    char num[32];
    for (int c = 0; c < n; c++) {
        reporting_format_thousands(v[c], false, num, sizeof num);
        fprintf(f, "<td data-col=%d>%s</td>", c, num);
    }
}

static void surveys_table(FILE *f, const reporting_surveys *s)
{
    fputs("<h2>전수 조사 <small>/ Surveys</small></h2><table id=surveys>", f);
    head_cells(f, "조사", "Survey", reporting_survey_cols, REPORTING_SURVEY_COLS);
    fputs("<tbody>", f);
    for (size_t i = 0; i < s->n_rows; i++) {
        fputs("<tr><td class=d>", f);
        reporting_html_escape(f, s->rows[i].name);
        fprintf(f, "<small>%s ~ %s · ", s->rows[i].start_on, s->rows[i].end_on);
        reporting_html_escape(f, s->rows[i].target_group);
        fputs("</small></td>", f);
        value_cells(f, s->rows[i].v, REPORTING_SURVEY_COLS);
        fputs("</tr>", f);
    }
    fputs("<tr class=total><td class=d>합계<small>Total</small></td>", f);
    value_cells(f, s->total, REPORTING_SURVEY_COLS);
    fputs("</tr></tbody></table>", f);
}

static void teams_table(FILE *f, const reporting_safety_net *n)
{
    fputs("<h2>인적 안전망 <small>/ Human safety net</small></h2><table id=teams>", f);
    head_cells(f, "팀 (인원)", "Team (members)", reporting_net_cols, REPORTING_NET_COLS);
    fputs("<tbody>", f);
    for (size_t i = 0; i < n->n_teams; i++) {
        const reporting_team_row *t = &n->teams[i];
        fprintf(f, "<tr><td class=d>%s (%lld)<small>%s</small></td>", reporting_team_labels[t->team].label_ko,
                (long long)t->members, reporting_team_labels[t->team].label_en);
        value_cells(f, t->v, REPORTING_NET_COLS);
        fputs("</tr>", f);
    }
    fprintf(f, "<tr class=total><td class=d>합계 (%zu)<small>Total</small></td>", n->n_members);
    value_cells(f, n->total, REPORTING_NET_COLS);
    fputs("</tr></tbody></table>", f);
}

/* The JSON of the same selection: the surveys, and the safety net per member and per team. */
static void api_links(FILE *f, const char *dongs, const char *from, const char *to)
{
    static const char *const links[][2] = {
        {"/api/surveys", "조사 JSON / Surveys (JSON)"},
        {"/api/safety-net", "회원별·팀별 JSON / Per member and team (JSON)"}};
    fputs("<nav class=api>", f);
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        fprintf(f, "<a href=\"%s?", links[i][0]);
        if (dongs[0]) {
            fputs("dongs=", f);
            reporting_html_escape(f, dongs);
            fputs("&amp;", f);
        }
        fprintf(f, "from=%s&amp;to=%s\">%s</a>", from, to, links[i][1]);
    }
    fputs("</nav>", f);
}

static char *page(const wh_http_request *req, const reporting_form_view *v, const char *dongs,
                  const figures *fg, const char *field, const char *why)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f)
        return NULL;
    fprintf(
        f,
        "<!doctype html><html lang=ko><head><meta charset=utf-8><title>전수 조사·인적 안전망 / Surveys and "
        "the safety net</title><style>%s%s</style></head><body>" REPORTING_DASHBOARD_NAV
        "<h1>전수 조사·인적 안전망 <small>/ Surveys and the human safety net</small></h1>"
        "<form method=get action=/dashboard/surveys>",
        css, reporting_form_css);
    reporting_form_fields_html(f, req, v);
    fputs("</form>", f);
    if (fg) {
        fprintf(f,
                "<p class=sub>기간 %s ~ %s · 조사 결과는 조사일 기준, 조사 대상은 기간과 무관 / results by "
                "their survey date, the list whatever the period</p>",
                fg->surveys.from_on, fg->surveys.to_on);
        surveys_table(f, &fg->surveys);
        teams_table(f, &fg->net);
        api_links(f, dongs, fg->surveys.from_on, fg->surveys.to_on);
    } else {
        reporting_form_error_html(f, "입력을 확인해 주세요 (동, 기간)", field, why);
    }
    return reporting_page_close(f, &out);
}

static void serve_api(void *arg, const wh_http_request *req, wh_http_response *resp)
{
    static reporting_form_input in;
    static figures fg;
    int what = (int)(intptr_t)arg;
    const char *field = "", *why = "";
    int status = figures_for(req, what, &in, &fg, &field, &why);
    char *body = status            ? reporting_http_error_json(field, why)
                 : what == SURVEYS ? surveys_json(&fg.surveys)
                                   : net_json(&fg.net);
    figures_free(&fg);
    reporting_http_respond(resp, status ? status : 200, "application/json", body);
}

static void serve_page(void *arg, const wh_http_request *req, wh_http_response *resp)
{
    static reporting_form_input in;
    static figures fg;
    static char used[REPORTING_DONGS_ARG];
    const char *field = "", *why = "";
    int status = figures_for(req, SURVEYS | NET, &in, &fg, &field, &why);
    reporting_form_view v = reporting_form_view_of(req, &in, status == 0, used, sizeof used);
    char *body = page(req, &v, in.dongs, status == 0 ? &fg : NULL, field, why);
    figures_free(&fg);
    reporting_http_respond(resp, status ? status : 200, "text/html; charset=utf-8", body);
}

int reporting_http_discovery_routes(wh_http *http)
{
    int rc = wh_http_route(http, "/api/surveys", serve_api, (void *)(intptr_t)SURVEYS);
    if (rc == 0)
        rc = wh_http_route(http, "/api/safety-net", serve_api, (void *)(intptr_t)NET);
    if (rc == 0)
        rc = wh_http_route(http, "/dashboard/surveys", serve_page, NULL);
    return rc;
}

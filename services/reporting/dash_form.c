/*
 * dash_form.c — the dashboard forms' dong picker (by name, grouped by hub) and period presets.
 *
 * The picker is one box per hub: the central (basic-type) dong, then the sphere-type dongs its hub
 * serves ("연계 / linked"), each with its go-live date; a dong whose hub has not started says so.
 * Each dong is a checkbox "d_<code>", so no script is needed and the choice survives an error page.
 * The presets are a year (this one and the twelve before) and a part of it (the year, a quarter, a
 * month); chosen, they replace the dates typed in the form.
 */
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "dash_form.h"
#include "wh/util.h"

const char reporting_form_css[] =
    "select{font:inherit;padding:.3rem .4rem;border:1px solid #c2cbd4;border-radius:4px;background:#fff}"
    "fieldset.dongs{border:1px solid #d8dee4;border-radius:6px;padding:.4rem .6rem;margin:0;display:flex;"
    "flex-wrap:wrap;gap:.4rem;flex-basis:100%}fieldset.dongs legend{font-size:.8rem;color:#5a6b7b}"
    "div.hub{border:1px solid #eaeef2;border-radius:4px;padding:.2rem .4rem;background:#fff;font-size:.85rem}"
    "div.hub b{display:block;font-size:.75rem;color:#5a6b7b;font-weight:600}"
    "div.hub label{display:inline-flex;flex-direction:row;gap:.2rem;align-items:center;margin-right:.5rem;"
    "color:#1d2733;font-size:.85rem}div.hub small{color:#5a6b7b}";

void reporting_html_escape(FILE *f, const char *s)
{
    for (; s && *s; s++)
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            fputc(*s, f);
        }
}

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

int reporting_dong_menu_read(wh_db *db, reporting_dong_menu *m)
{
    PGresult *res = reporting_store_dong_menu(db);
    m->n = 0;
    if (!res)
        return wh_db_last_status(db);
    for (int i = 0; i < PQntuples(res) && m->n < REPORTING_MENU_MAX; i++) {
        reporting_menu_dong *d = &m->dongs[m->n++];
        copy(d->code, sizeof d->code, wh_db_text(res, i, 0));
        copy(d->name, sizeof d->name, wh_db_text(res, i, 1));
        d->hub_type = (int)wh_db_i64(res, i, 2, 0);
        copy(d->hub, sizeof d->hub, wh_db_text(res, i, 3));
        copy(d->live_from, sizeof d->live_from, wh_db_text(res, i, 4));
    }
    PQclear(res);
    return 0;
}

static int append(char *out, size_t size, size_t *len, const char *code)
{
    int n = snprintf(out + *len, size - *len, "%s%s", *len ? "," : "", code);
    if (n < 0 || (size_t)n >= size - *len)
        return -1;
    *len += (size_t)n;
    return 0;
}

/* True when code is one of chosen's comma-separated codes (spaces around them ignored). */
static bool chosen_has(const char *chosen, const char *code)
{
    size_t n = strlen(code);
    for (const char *p = chosen; p && *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ", ");
        if (len == n && strncmp(p, code, n) == 0)
            return true;
        p += len;
    }
    return false;
}

int reporting_form_dongs(const wh_http_request *req, const reporting_dong_menu *m, char *out, size_t size)
{
    const char *typed = wh_http_arg(req, "dongs"), *shown = wh_http_arg(req, "dongs_shown");
    size_t len = 0;
    out[0] = '\0';
    if (typed && shown && strcmp(typed, shown) == 0)
        typed = NULL; /* the page's echo, not typed: the boxes say what is chosen */
    if (typed && *typed && append(out, size, &len, typed) != 0)
        return -1;
    for (size_t i = 0; i < m->n; i++) {
        char key[REPORTING_DONG_MAX + 2];
        snprintf(key, sizeof key, "d_%s", m->dongs[i].code);
        const char *box = wh_http_arg(req, key);
        if (box && *box && !chosen_has(out, m->dongs[i].code) &&
            append(out, size, &len, m->dongs[i].code) != 0)
            return -1;
    }
    return 0;
}

/* part: "year", "q1".."q4", "m01".."m12" → first and last month; -1 when not one of them. */
static int part_months(const char *part, int *first, int *last)
{
    char *end = NULL;
    if (strcmp(part, "year") == 0) {
        *first = 1, *last = 12;
        return 0;
    }
    long n = strtol(part + (part[0] ? 1 : 0), &end, 10);
    if (end == part + 1 || *end != '\0')
        return -1;
    if (part[0] == 'q' && n >= 1 && n <= 4 && strlen(part) == 2) {
        *first = (int)n * 3 - 2, *last = (int)n * 3;
        return 0;
    }
    if (part[0] == 'm' && n >= 1 && n <= 12 && strlen(part) == 3) {
        *first = *last = (int)n;
        return 0;
    }
    return -1;
}

int reporting_form_period(const wh_http_request *req, char from[REPORTING_DATE_LEN],
                          char to[REPORTING_DATE_LEN])
{
    const char *year = wh_http_arg(req, "year"), *part = wh_http_arg(req, "part");
    char *end = NULL;
    int first, last;
    if (!year || !*year)
        return 1;
    long y = strtol(year, &end, 10);
    if (end == year || *end != '\0' || y < 1990 || y > 2999 ||
        part_months(part && *part ? part : "year", &first, &last) != 0)
        return -1;
    char next[REPORTING_DATE_LEN]; /* the first day after the period */
    snprintf(from, REPORTING_DATE_LEN, "%04ld-%02d-01", y, first);
    snprintf(next, sizeof next, "%04ld-%02d-01", last == 12 ? y + 1 : y, last == 12 ? 1 : last + 1);
    wh_date_add_days(next, -1, to);
    return 0;
}

void reporting_form_period_html(FILE *f, const wh_http_request *req, bool keep)
{
    const char *year = keep ? wh_http_arg(req, "year") : NULL, *part = keep ? wh_http_arg(req, "part") : NULL;
    char today[REPORTING_DATE_LEN];
    wh_date_today(today);
    int this_year = atoi(today);
    fputs("<label>기간 (연·분기·월) / Period preset<span><select name=year><option value=\"\">직접 입력 / "
          "dates</option>",
          f);
    for (int y = this_year; y >= this_year - 12; y--) {
        char v[8];
        snprintf(v, sizeof v, "%d", y);
        fprintf(f, "<option%s>%s</option>", year && strcmp(year, v) == 0 ? " selected" : "", v);
    }
    fputs("</select> <select name=part>", f);
    static const char *const parts[][2] = {
        {"year", "연간 / year"}, {"q1", "1분기 / Q1"}, {"q2", "2분기 / Q2"},  {"q3", "3분기 / Q3"},
        {"q4", "4분기 / Q4"},    {"m01", "1월 / Jan"}, {"m02", "2월 / Feb"},  {"m03", "3월 / Mar"},
        {"m04", "4월 / Apr"},    {"m05", "5월 / May"}, {"m06", "6월 / Jun"},  {"m07", "7월 / Jul"},
        {"m08", "8월 / Aug"},    {"m09", "9월 / Sep"}, {"m10", "10월 / Oct"}, {"m11", "11월 / Nov"},
        {"m12", "12월 / Dec"}};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        fprintf(f, "<option value=%s%s>%s</option>", parts[i][0],
                part && strcmp(part, parts[i][0]) == 0 ? " selected" : "", parts[i][1]);
    fputs("</select></span></label>", f);
}

static void dong_box(FILE *f, const reporting_menu_dong *d, const char *chosen, bool linked)
{
    fprintf(f, "<label title=\"%s\"><input type=checkbox name=d_%s value=1%s>", d->code, d->code,
            chosen_has(chosen, d->code) ? " checked" : "");
    reporting_html_escape(f, d->name);
    fprintf(f, " <small>%s%s%s</small></label>", linked ? "연계 / linked · " : "",
            d->live_from[0] ? d->live_from : "미시행 / not live", d->live_from[0] ? "~" : "");
}

/* The hub that serves d: its own code for a basic-type dong. */
static const char *hub_of(const reporting_menu_dong *d)
{
    return d->hub_type == 2 && d->hub[0] ? d->hub : d->code;
}

void reporting_form_dongs_html(FILE *f, const reporting_dong_menu *m, const char *chosen)
{
    fputs("<fieldset class=dongs><legend>동 선택 (허브별) / Dongs by hub</legend>", f);
    for (size_t i = 0; i < m->n; i++) {
        const reporting_menu_dong *hub = &m->dongs[i];
        if (strcmp(hub_of(hub), hub->code) != 0)
            continue; /* a linked dong: shown in its hub's box */
        bool sphere = false;
        for (size_t j = 0; j < m->n; j++)
            sphere = sphere || (j != i && strcmp(hub_of(&m->dongs[j]), hub->code) == 0);
        fputs("<div class=hub><b>", f);
        reporting_html_escape(f, hub->name);
        fputs(sphere ? " 허브 · 권역형 중심동 / sphere hub</b>" : " 허브 · 기본형 / basic hub</b>", f);
        dong_box(f, hub, chosen, false);
        for (size_t j = 0; j < m->n; j++)
            if (j != i && strcmp(hub_of(&m->dongs[j]), hub->code) == 0)
                dong_box(f, &m->dongs[j], chosen, true);
        fputs("</div>", f);
    }
    /* a linked dong whose hub reporting does not know: a box of its own */
    for (size_t i = 0; i < m->n; i++) {
        bool known = false;
        for (size_t j = 0; j < m->n; j++)
            known = known || strcmp(m->dongs[j].code, hub_of(&m->dongs[i])) == 0;
        if (!known) {
            fputs("<div class=hub><b>허브 미등록 / hub not defined</b>", f);
            dong_box(f, &m->dongs[i], chosen, true);
            fputs("</div>", f);
        }
    }
    if (m->n == 0)
        fputs("<small>등록된 동이 없습니다 / no dongs defined yet</small>", f);
    fputs("</fieldset>", f);
}

void reporting_form_dongs_text_html(FILE *f, const char *value, bool echo)
{
    fputs("<label>동 코드 / Dong codes<input type=text name=dongs size=24 placeholder=\"비우면 전체 / empty "
          "= all\" "
          "value=\"",
          f);
    reporting_html_escape(f, value);
    fputs("\"></label>", f);
    if (echo) {
        fputs("<input type=hidden name=dongs_shown value=\"", f);
        reporting_html_escape(f, value);
        fputs("\">", f);
    }
}

int reporting_form_read(const wh_http_request *req, reporting_form_input *in, const char **field,
                        const char **why)
{
    if (reporting_http_dong_menu(&in->menu) != 0)
        in->menu.n = 0; /* the query's own read reports the database */
    in->n = 0;
    if (reporting_form_dongs(req, &in->menu, in->dongs, sizeof in->dongs) != 0 ||
        reporting_parse_dongs(in->dongs, in->copy, sizeof in->copy, in->codes, REPORTING_SELECT_MAX,
                              &in->n) != 0) {
        *field = "dongs";
        *why = "too many dong codes";
        return 400;
    }
    int preset = reporting_form_period(req, in->from, in->to);
    if (preset < 0) {
        *field = "period";
        *why = "the preset must be a year, a quarter or a month of a year";
        return 400;
    }
    if (preset > 0) {
        const char *from = wh_http_arg(req, "from"), *to = wh_http_arg(req, "to");
        wh_date_today(in->to);
        snprintf(in->from, sizeof in->from, "%.4s-01-01", in->to);
        if (from && *from)
            snprintf(in->from, sizeof in->from, "%.10s", from);
        if (to && *to)
            snprintf(in->to, sizeof in->to, "%.10s", to);
    }
    return 0;
}

void reporting_form_all_codes(const reporting_dong_menu *m, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < m->n && append(out, size, &len, m->dongs[i].code) == 0; i++)
        ;
}

void reporting_form_date_html(FILE *f, const char *name, const char *label, const char *value)
{
    fprintf(f, "<label>%s<input type=date name=%s value=\"", label, name);
    reporting_html_escape(f, value);
    fputs("\"></label>", f);
}

static const char *arg_or_empty(const wh_http_request *req, const char *k)
{
    const char *v = wh_http_arg(req, k);
    return v ? v : "";
}

reporting_form_view reporting_form_view_of(const wh_http_request *req, const reporting_form_input *in,
                                           bool ok, char *buf, size_t size)
{
    if (ok) {
        if (in->dongs[0])
            snprintf(buf, size, "%s", in->dongs);
        else
            reporting_form_all_codes(&in->menu, buf, size);
        return (reporting_form_view){"", in->from, in->to, "", "", buf, true, buf, &in->menu, false};
    }
    const char *typed = arg_or_empty(req, "dongs"), *shown = wh_http_arg(req, "dongs_shown");
    return (reporting_form_view){"",
                                 arg_or_empty(req, "from"),
                                 arg_or_empty(req, "to"),
                                 "",
                                 "",
                                 typed,
                                 shown && strcmp(shown, typed) == 0,
                                 in->dongs,
                                 &in->menu,
                                 true};
}

void reporting_form_fields_html(FILE *f, const wh_http_request *req, const reporting_form_view *v)
{
    reporting_form_period_html(f, req, v->keep_preset);
    reporting_form_date_html(f, "from", "시작일 / From", v->from);
    reporting_form_date_html(f, "to", "종료일 / To", v->to);
    reporting_form_dongs_text_html(f, v->dongs_text, v->echo);
    fputs("<button>조회 / Show</button>", f);
    reporting_form_dongs_html(f, v->menu, v->chosen);
}

void reporting_form_error_html(FILE *f, const char *korean, const char *field, const char *why)
{
    fputs("<div class=err role=alert>", f);
    fputs(korean, f);
    fputs("<br><small>", f);
    reporting_html_escape(f, field);
    fputs(": ", f);
    reporting_html_escape(f, why);
    fputs(" — the form keeps what you entered.</small></div>", f);
}

char *reporting_page_close(FILE *f, char **out)
{
    fputs("</body></html>\n", f);
    if (fclose(f) != 0) { /* *out is the stream's buffer only once it is closed */
        free(*out);
        return NULL;
    }
    return *out;
}

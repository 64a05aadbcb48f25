/*
 * dash_form.h — the dashboard forms' shared parts (dash_form.c): the dong picker by name, grouped by
 * hub (a central dong with the sphere-type dongs it serves), and the period presets (a year, a
 * quarter or a month).  No scripts: the picker is checkboxes named "d_<code>", the presets two
 * selects ("year", "part"), all read back on the server.
 */
#ifndef REPORTING_DASH_FORM_H
#define REPORTING_DASH_FORM_H

#include <stdio.h>

#include "reporting.h"
#include "wh/http.h"

#define REPORTING_MENU_MAX  REPORTING_SELECT_MAX
#define REPORTING_DONGS_ARG (REPORTING_SELECT_MAX * (REPORTING_DONG_MAX + 1))

typedef struct reporting_menu_dong {
    char code[REPORTING_DONG_MAX], name[REPORTING_NAME_MAX], hub[REPORTING_DONG_MAX];
    char live_from[REPORTING_DATE_LEN]; /* first go-live, "" when not live yet */
    int hub_type;                       /* 1 basic, 2 sphere (served by hub) */
} reporting_menu_dong;

/* The dongs reporting knows, ordered by hub (the central dong first, then its linked dongs). */
typedef struct reporting_dong_menu {
    reporting_menu_dong dongs[REPORTING_MENU_MAX];
    size_t n;
} reporting_dong_menu;

/* The dashboards' dong picker from the HTTP thread's connection (http.c); 0 or a status. */
int reporting_http_dong_menu(reporting_dong_menu *m);

/* What a dashboard form shows: the selection a query used (after a result) or as filled in (after an
 * error), the dong menu and the chosen dongs (comma-separated codes). */
typedef struct reporting_form_view {
    const char *compare, *from, *to, *before_from, *before_to;
    const char *dongs_text; /* the text field's value */
    bool echo;              /* dongs_text is the page's echo of the selection (see below) */
    const char *chosen;     /* the boxes to tick */
    const reporting_dong_menu *menu;
    bool keep_preset; /* the preset selects as sent (an error page); else unselected, the dates shown */
} reporting_form_view;

/* A dashboard request's selection: the dong menu, the dongs asked for, the period (a preset, or the
 * dates, defaulting to 1 January of this year up to today). */
typedef struct reporting_form_input {
    reporting_dong_menu menu;
    char dongs[REPORTING_DONGS_ARG];   /* comma-separated, as asked */
    char *codes[REPORTING_SELECT_MAX]; /* the same, parsed (into copy) */
    char copy[REPORTING_DONGS_ARG];
    size_t n;
    char from[REPORTING_DATE_LEN], to[REPORTING_DATE_LEN];
} reporting_form_input;

/* Reads it (the menu from the HTTP thread's connection): 0, or 400 with *field ("dongs",
 * "period") and *why. */
int reporting_form_read(const wh_http_request *req, reporting_form_input *in, const char **field,
                        const char **why);

/* Every code of the menu, comma-separated (what "every dong" was, to show after a query). */
void reporting_form_all_codes(const reporting_dong_menu *m, char *out, size_t size);

/* The view of a form with a period and dongs (trend, KPI page): after a result (ok) the period
 * and the dongs used (every dong of the menu when none was asked for, written into buf), else the
 * request as filled in. */
reporting_form_view reporting_form_view_of(const wh_http_request *req, const struct reporting_form_input *in,
                                           bool ok, char *buf, size_t size);

/* A period-and-dongs form's fields (the trend, the KPI page): presets, dates, dong codes, the
 * button, the picker. */
void reporting_form_fields_html(FILE *f, const wh_http_request *req, const reporting_form_view *v);

/* A page's error under its form: the Korean line (our own text, not escaped), then field: why. */
void reporting_form_error_html(FILE *f, const char *korean, const char *field, const char *why);
/* Ends a page written into f (an open_memstream over *out): its body, or NULL when it failed. */
char *reporting_page_close(FILE *f, char **out);

/* A date input. */
void reporting_form_date_html(FILE *f, const char *name, const char *label, const char *value);

/* Fills the menu from the database (reporting_menu_dongs); 0 or a negative status. */
int reporting_dong_menu_read(wh_db *db, reporting_dong_menu *m);

/* The dongs the form asks for: the typed codes ("dongs", unless it is the page's unchanged echo
 * "dongs_shown") then every ticked box of the menu not typed already, comma-separated into out
 * (empty: every dong).  -1 when they do not fit. */
int reporting_form_dongs(const wh_http_request *req, const reporting_dong_menu *m, char *out, size_t size);

/* The period a preset names: year=YYYY and part=year|q1..q4|m01..m12 → from, to.  0 with both set,
 * 1 when no preset was chosen (from, to untouched), -1 when the preset is not valid. */
int reporting_form_period(const wh_http_request *req, char from[REPORTING_DATE_LEN],
                          char to[REPORTING_DATE_LEN]);

/* The preset selects (years: this one and the twelve before); with keep, the request's selected. */
void reporting_form_period_html(FILE *f, const wh_http_request *req, bool keep);

/* The picker: one box per hub, its dongs ticked when in `chosen` (comma-separated codes). */
void reporting_form_dongs_html(FILE *f, const reporting_dong_menu *m, const char *chosen);

/* The dong-code text field and, hidden, the value it was shown with: a field sent back unchanged is
 * the page's own echo of the selection and yields to the boxes (reporting_form_dongs). */
void reporting_form_dongs_text_html(FILE *f, const char *value, bool echo);

/* What every dashboard page looks like (a string literal: a page's own rules follow it, and win where
 * they differ): the type, the navigation, the form, the table, the totals row, errors. */
#define REPORTING_PAGE_CSS                                                                                   \
    "*{box-sizing:border-box}body{font-family:'Noto Sans CJK KR','Noto Sans KR','Malgun Gothic',sans-serif;" \
    "margin:1.2rem;color:#1d2733;background:#f6f8fa}h1{font-size:1.3rem}h2{font-size:1.05rem}"               \
    "nav a{margin-right:1rem}a{color:#1f6feb}form{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;"    \
    "margin-bottom:1rem}label{display:flex;flex-direction:column;font-size:.8rem;color:#5a6b7b}"             \
    "input,select{font:inherit;padding:.3rem .4rem}button{font:inherit;padding:.35rem 1rem;border:0;"        \
    "border-radius:4px;background:#1f6feb;color:#fff}table{border-collapse:collapse;background:#fff;"        \
    "border:1px solid #d8dee4;width:100%;table-layout:fixed;font-variant-numeric:tabular-nums}th,td{"        \
    "padding:.45rem .5rem;border-bottom:1px solid #eaeef2;text-align:right;overflow-wrap:anywhere}th{"       \
    "background:#eef2f6;font-size:.8rem;vertical-align:bottom}th small,td small{display:block;"              \
    "font-weight:normal;color:#5a6b7b;font-size:.75rem}th.d,td.d{text-align:left}tr.total td{"               \
    "font-weight:600;background:#f0f5ff;border-top:2px solid #9fb7d9}.err{background:#ffebe9;border:1px "    \
    "solid #ff8182;padding:.6rem .8rem;border-radius:6px}p.sub{color:#5a6b7b;font-size:.85rem}"

/* The pickers' CSS (inline in each page). */
extern const char reporting_form_css[];

/* The dashboard's pages, linked at the top of every page (a string literal, so pages splice it into
 * their format strings; it holds no '%'). */
/* Every dashboard page and API answers through these (http_reply.c).  body is the caller's malloc'd
 * text (or bytes, with len), and NULL is a 500 "out of memory"; the error JSON is
 * {"error":why,"field":field}, escaped. */
void reporting_http_respond(wh_http_response *resp, int status, const char *type, char *body);
void reporting_http_respond_bytes(wh_http_response *resp, int status, const char *type, char *body,
                                  size_t len);
char *reporting_http_error_json(const char *field, const char *why);

#define REPORTING_DASHBOARD_NAV                                                                              \
    "<nav><a href=/dashboard>지표 / KPI</a> <a href=/dashboard/compare>비교 / Comparison</a> "           \
    "<a href=/dashboard/trend>추이 / Trend</a> <a href=/dashboard/funnel>발굴 경로 / Funnel</a> "      \
    "<a href=/dashboard/surveys>전수 조사 / Surveys</a></nav>"

/* HTML-escapes s into f. */
void reporting_html_escape(FILE *f, const char *s);

#endif

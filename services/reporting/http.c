/*
 * http.c — GET /api/kpi (JSON) and GET /dashboard (HTML) on the service's HTTP port.
 *
 *   /api/kpi?dongs=2650051000,2650052000&from=2026-01-01&to=2026-06-30
 *   /dashboard?from=…&to=…&dongs=…          (the same selection; a form on the page sets it)
 *
 * Both default to the current year up to today and to every dong.  The handlers run in the HTTP
 * thread, so they use their own read-only connection (WH_DB_URL, default_transaction_read_only),
 * opened at start and re-opened when it drops, serialized by a mutex: a dashboard is read by people,
 * a handful of requests at a time.  Bad input is a 400 naming the argument; a database that is down
 * is a 503.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "dash_form.h"
#include "discovery.h"
#include "reporting.h"
#include "wh/config.h"
#include "wh/http.h"
#include "wh/log.h"
#include "wh/status.h"
#include "wh/util.h"

static struct {
    pthread_mutex_t lock;
    wh_db *db;
    const char *url;
} reader = {PTHREAD_MUTEX_INITIALIZER, NULL, NULL};

/* The read-only connection, (re)opened on demand; call with the lock held. */
static wh_db *reader_db(void)
{
    if (reader.db && !wh_db_connected(reader.db) && wh_db_reconnect(reader.db) != 0)
        return NULL;
    if (!reader.db) {
        size_t n_statements;
        const wh_db_statement *statements = reporting_all_statements(&n_statements);
        if (wh_db_open(&reader.db, reader.url, "reporting", statements, n_statements) != 0)
            return NULL;
        if (wh_db_exec_sql(reader.db, "SET default_transaction_read_only = on") != 0) {
            wh_db_close(&reader.db);
            return NULL;
        }
    }
    return reader.db;
}

/* Reads the selection from the query string (dash_form.c: presets, ticked dongs) and builds the
 * report.  0, or an HTTP status with *field and *why set. */
static int report_for(const wh_http_request *req, reporting_form_input *in, reporting_report *r,
                      const char **field, const char **why)
{
    int status = reporting_form_read(req, in, field, why);
    if (status != 0)
        return status;
    reporting_selection s = {in->codes, in->n, in->from, in->to};
    pthread_mutex_lock(&reader.lock);
    wh_db *db = reader_db();
    int rc = db ? reporting_build_report(db, &s, r, field, why) : WH_UNAVAILABLE;
    pthread_mutex_unlock(&reader.lock);
    if (rc == WH_INVALID_ARGUMENT) {
        if (strcmp(*field, "dong_codes") == 0)
            *field = "dongs";
        else
            *field = strcmp(*field, "from_on") == 0 ? "from" : "to";
        return 400;
    }
    if (rc != 0) {
        *field = "";
        *why = "the KPI facts cannot be read now";
        return 503;
    }
    return 0;
}

int reporting_http_build_report(const reporting_selection *s, reporting_report *r, const char **field,
                                const char **why)
{
    pthread_mutex_lock(&reader.lock);
    wh_db *db = reader_db();
    int rc = db ? reporting_build_report(db, s, r, field, why) : WH_UNAVAILABLE;
    pthread_mutex_unlock(&reader.lock);
    return rc;
}

int reporting_http_dong_menu(reporting_dong_menu *m)
{
    pthread_mutex_lock(&reader.lock);
    wh_db *db = reader_db();
    int rc = db ? reporting_dong_menu_read(db, m) : WH_UNAVAILABLE;
    pthread_mutex_unlock(&reader.lock);
    return rc;
}

int reporting_http_build_funnel(const reporting_selection *s, reporting_funnel *f, const char **field,
                                const char **why)
{
    pthread_mutex_lock(&reader.lock);
    wh_db *db = reader_db();
    int rc = db ? reporting_build_funnel(db, s, f, field, why) : WH_UNAVAILABLE;
    pthread_mutex_unlock(&reader.lock);
    return rc;
}

int reporting_http_build_surveys(const reporting_selection *s, reporting_surveys *out, const char **field,
                                 const char **why)
{
    pthread_mutex_lock(&reader.lock);
    wh_db *db = reader_db();
    int rc = db ? reporting_build_surveys(db, s, out, field, why) : WH_UNAVAILABLE;
    pthread_mutex_unlock(&reader.lock);
    return rc;
}

int reporting_http_build_safety_net(const reporting_selection *s, reporting_safety_net *out,
                                    const char **field, const char **why)
{
    pthread_mutex_lock(&reader.lock);
    wh_db *db = reader_db();
    int rc = db ? reporting_build_safety_net(db, s, out, field, why) : WH_UNAVAILABLE;
    pthread_mutex_unlock(&reader.lock);
    return rc;
}

int reporting_http_build_table(const reporting_table_request *q, reporting_table *t, const char **field,
                               const char **why)
{
    pthread_mutex_lock(&reader.lock);
    wh_db *db = reader_db();
    int rc = db ? reporting_build_table(db, q, t, field, why) : WH_UNAVAILABLE;
    pthread_mutex_unlock(&reader.lock);
    return rc;
}

static void serve_api(void *arg, const wh_http_request *req, wh_http_response *resp)
{
    static reporting_form_input in;
    reporting_report r;
    const char *field = "", *why = "";
    int status = report_for(req, &in, &r, &field, &why);
    if (status != 0) {
        reporting_http_respond(resp, status, "application/json", reporting_http_error_json(field, why));
        return;
    }
    reporting_http_respond(resp, 200, "application/json", reporting_render_json(&r));
    reporting_report_free(&r);
}

/* The KPI page's form: presets, dates, dongs, the picker, and the JSON of the same selection. */
static char *dashboard_form(const wh_http_request *req, const reporting_form_view *v, const char *dongs)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f)
        return NULL;
    fputs("<form method=\"get\" action=\"/dashboard\">", f);
    reporting_form_fields_html(f, req, v);
    fputs("<a href=\"/api/kpi?from=", f);
    reporting_html_escape(f, v->from);
    fputs("&amp;to=", f);
    reporting_html_escape(f, v->to);
    if (*dongs) {
        fputs("&amp;dongs=", f);
        reporting_html_escape(f, dongs);
    }
    fputs("\">JSON</a></form>", f);
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

static void serve_dashboard(void *arg, const wh_http_request *req, wh_http_response *resp)
{
    static reporting_form_input in;
    static char shown[REPORTING_DONGS_ARG];
    reporting_report r;
    const char *field = "", *why = "";
    int status = report_for(req, &in, &r, &field, &why);
    reporting_form_view v = reporting_form_view_of(req, &in, status == 0, shown, sizeof shown);
    char *form = dashboard_form(req, &v, in.dongs);
    if (status != 0) {
        char message[256];
        snprintf(message, sizeof message, "%s%s%s", field, *field ? ": " : "", why);
        reporting_http_respond(resp, status, "text/html; charset=utf-8",
                               reporting_render_html_error(message, form));
    } else {
        reporting_http_respond(resp, 200, "text/html; charset=utf-8", reporting_render_html(&r, form));
        reporting_report_free(&r);
    }
    free(form);
}

int reporting_http_start(wh_service *svc)
{
    wh_http *http = wh_service_http(svc);
    reader.url = wh_config_str("WH_DB_URL", "");
    pthread_mutex_lock(&reader.lock);
    if (!reader_db())
        wh_log_warn("dashboard database not reachable yet", NULL); /* retried per request */
    pthread_mutex_unlock(&reader.lock);
    if (!http)
        return 0;
    int rc = wh_http_route(http, "/api/kpi", serve_api, NULL);
    if (rc == 0)
        rc = wh_http_route(http, "/dashboard", serve_dashboard, NULL);
    if (rc == 0)
        rc = reporting_http_table_routes(http); /* http_table.c */
    if (rc == 0)
        rc = reporting_http_trend_routes(http); /* http_trend.c */
    if (rc == 0)
        rc = reporting_http_funnel_routes(http); /* http_funnel.c */
    if (rc == 0)
        rc = reporting_http_discovery_routes(http); /* http_discovery.c */
    return rc;
}

void reporting_http_stop(wh_service *svc)
{
    pthread_mutex_lock(&reader.lock);
    wh_db_close(&reader.db);
    pthread_mutex_unlock(&reader.lock);
}

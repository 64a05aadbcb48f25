/*
 * service.c — case as data: its commands and who may send them, the events it applies, migrations,
 * statements, settings, the PII key for notes, and the service's metrics.
 */
#include <jansson.h>
#include <stdio.h>

#include "case.h"

#include "wh/config.h"
#include "wh/log.h"
#include "wh/metrics.h"
#include "wh/pii.h"

extern const wh_migration case_migrations[];
extern const size_t case_migrations_count;

#define STAFF (WH_ROLE_SERVICE | WH_ROLE_OPERATOR)
#define CMD(name, fn, query, summary)                                                                        \
    {                                                                                                        \
        &welfare__case__v1__##name##__descriptor, &welfare__case__v1__##name##_reply__descriptor, fn, STAFF, \
            query, summary                                                                                   \
    }

static const wh_command commands[] = {
    CMD(open_case, case_handle_open_case, false,
        "open a case for a household, with a worker and a first visit"),
    CMD(assign_case, case_handle_assign_case, false,
        "give a case to a case worker (or to the rule's choice)"),
    CMD(assess_needs, case_handle_assess_needs, false,
        "record a needs assessment; requests linkages for moderate needs and above"),
    CMD(request_linkage, case_handle_request_linkage, false, "ask the registry for a resource for one need"),
    CMD(request_visit, case_handle_request_visit, false,
        "ask routing for a home visit (joint with several roles)"),
    CMD(record_follow_up, case_handle_record_follow_up, false,
        "record a follow-up contact, maybe the next visit"),
    CMD(close_case, case_handle_close_case, false, "close a case with a reason"),
    CMD(get_case, case_handle_get_case, true, "a case with its history"),
    CMD(list_cases, case_handle_list_cases, true, "list cases by dong, hub, status, worker; paged"),
};

static const wh_subscription subscriptions[] = {
    {"intake", &welfare__intake__v1__household_identified__descriptor, case_apply_household_identified},
    {"routing", &welfare__routing__v1__dong_defined__descriptor, case_apply_dong_defined},
    {"routing", &welfare__routing__v1__staff_registered__descriptor, case_apply_staff_registered},
    {"routing", &welfare__routing__v1__staff_deactivated__descriptor, case_apply_staff_deactivated},
    {"routing", &welfare__routing__v1__visit_completed__descriptor, case_apply_visit_completed},
    {"routing", &welfare__routing__v1__visit_missed__descriptor, case_apply_visit_missed},
    {"registry", &welfare__registry__v1__capacity_reserved__descriptor, case_apply_capacity_reserved},
    {"registry", &welfare__registry__v1__match_failed__descriptor, case_apply_match_failed},
};

static case_settings settings = {50, 115, 7, 80, false};

const case_settings *case_settings_of(wh_ctx *ctx)
{
    static const case_settings defaults = {50, 115, 7, 80, false};
    const case_settings *s = ctx ? wh_ctx_state(ctx) : NULL;
    return s ? s : &defaults;
}

/* --- metrics ---------------------------------------------------------------------------------- */

#define LINKAGES_HELP "Linkages requested of the registry, and its answers"

static wh_counter *opened, *closed, *assigned, *linkages[3];
static wh_gauge *open_cases, *unassigned_cases, *workers, *max_caseload, *caseload_limit;

static void register_metrics(void)
{
    static const char *const results[] = {"requested", "completed", "failed"};
    opened = wh_metrics_counter("case_cases_opened_total", NULL, "Cases opened");
    closed = wh_metrics_counter("case_cases_closed_total", NULL, "Cases closed");
    assigned = wh_metrics_counter("case_assignments_total", NULL, "Cases given to a case worker");
    for (size_t i = 0; i < 3; i++) {
        char labels[48];
        snprintf(labels, sizeof labels, "result=\"%s\"", results[i]);
        linkages[i] = wh_metrics_counter("case_linkages_total", labels, LINKAGES_HELP);
    }
    open_cases = wh_metrics_gauge("case_open_cases", NULL, "Open cases");
    unassigned_cases =
        wh_metrics_gauge("case_unassigned_cases", NULL, "Open cases waiting for a case worker");
    workers = wh_metrics_gauge("case_workers_active", NULL, "Case workers active today");
    max_caseload = wh_metrics_gauge("case_caseload_max", NULL, "Open cases of the most loaded case worker");
    caseload_limit = wh_metrics_gauge("case_caseload_limit", NULL, "Most open cases per case worker");
    wh_gauge_set(caseload_limit, settings.caseload_limit);
}

static void count(wh_counter *c)
{
    if (c) /* NULL before start (unit tests) */
        wh_counter_add(c, 1);
}

void case_metrics_opened(void)
{
    count(opened);
}

void case_metrics_closed(void)
{
    count(closed);
}

void case_metrics_assigned(void)
{
    count(assigned);
}

void case_metrics_linkage(const char *result)
{
    count(linkages[result[0] == 'r' ? 0 : result[0] == 'c' ? 1 : 2]);
}

/* The gauges are read from the tables (so they hold across restarts and rollbacks). */
static int refresh_gauges(wh_ctx *ctx, void *arg)
{
    (void)arg;
    case_counts n;
    int rc = case_store_counts(wh_ctx_db(ctx), &n);
    if (rc < 0)
        return rc;
    wh_gauge_set(open_cases, (double)n.open);
    wh_gauge_set(unassigned_cases, (double)n.unassigned);
    wh_gauge_set(workers, (double)n.workers);
    wh_gauge_set(max_caseload, (double)n.max_caseload);
    return 0;
}

#define GAUGE_MS 10000
static uv_timer_t gauge_timer;

static void on_gauge_timer(uv_timer_t *t)
{
    wh_service_run(t->data, refresh_gauges, NULL);
}

/* --- lifecycle -------------------------------------------------------------------------------- */

static int read_settings(void)
{
    int64_t threshold, limit, days, joint;
    if (wh_config_int("WH_CASE_RISK_THRESHOLD", 50, 0, 100, &threshold) < 0 ||
        wh_config_int("WH_CASE_CASELOAD_LIMIT", 115, 1, 10000, &limit) < 0 ||
        wh_config_int("WH_CASE_FIRST_VISIT_DAYS", 7, 0, 90, &days) < 0 ||
        wh_config_int("WH_CASE_JOINT_VISIT_RISK", 80, 0, 101, &joint) < 0)
        return WH_INVALID_ARGUMENT;
    settings.risk_threshold = (int)threshold;
    settings.caseload_limit = (int)limit;
    settings.first_visit_days = (int)days;
    settings.joint_visit_risk = (int)joint;
    return 0;
}

/* Notes are stored only encrypted: without the key the service runs, and refuses notes. */
static int load_note_key(void)
{
    const char *path = wh_config_str("WH_PII_KEY_FILE", NULL);
    if (!path || !*path) {
        wh_log_warn("WH_PII_KEY_FILE is not set: follow-up notes will be refused", NULL);
        return 0;
    }
    int rc = wh_pii_init_file(path);
    if (rc < 0)
        return rc;
    settings.notes_sealed = true;
    return 0;
}

static int start(wh_service *svc)
{
    int rc = read_settings();
    if (rc == 0)
        rc = load_note_key();
    if (rc < 0)
        return rc;
    wh_service_set_state(svc, &settings);
    register_metrics();
    wh_service_run(svc, refresh_gauges, NULL);
    uv_timer_init(wh_service_loop(svc), &gauge_timer);
    gauge_timer.data = svc;
    uv_timer_start(&gauge_timer, on_gauge_timer, GAUGE_MS, GAUGE_MS);
    wh_log_info("case settings", "{s:i, s:i, s:i, s:i, s:b}", "risk_threshold", settings.risk_threshold,
                "caseload_limit", settings.caseload_limit, "first_visit_days", settings.first_visit_days,
                "joint_visit_risk", settings.joint_visit_risk, "notes_sealed", settings.notes_sealed);
    return 0;
}

static void stop(wh_service *svc)
{
    (void)svc;
    uv_timer_stop(&gauge_timer);
    uv_close((uv_handle_t *)&gauge_timer, NULL);
    if (settings.notes_sealed)
        wh_pii_shutdown();
}

const wh_service_def *case_service_def(void)
{
    /* The counts are variables of other translation units, not constant expressions: set here. */
    static wh_service_def def = {
        .name = "case",
        .schema = "casework",
        .commands = commands,
        .n_commands = sizeof commands / sizeof commands[0],
        .subscriptions = subscriptions,
        .n_subscriptions = sizeof subscriptions / sizeof subscriptions[0],
        .migrations = case_migrations,
        .statements = case_statements,
        .start = start,
        .stop = stop,
    };
    def.n_migrations = case_migrations_count;
    def.n_statements = case_statements_count;
    return &def;
}

/*
 * service.c — case as data: its commands and who may send them, the events it applies, migrations
 * and statements; at start the settings, the PII key for notes, the metrics and the gauges' timer.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "case_commands.h"

#include "wh/config.h"
#include "wh/log.h"
#include "wh/pii.h"

extern const wh_migration case_migrations[];
extern const size_t case_migrations_count;

/* Who may send each command, whether it is a query and its summary are declared once, as options on
 * its request in proto/welfare/case/v1/commands.proto (generated into case_commands.h). */
#define CMD(name, key) WH_COMMAND(welfare__case__v1__, name, CASE_##key, case_handle_##name)

static const wh_command commands[] = {
    CMD(open_case, OPEN_CASE),
    CMD(assign_case, ASSIGN_CASE),
    CMD(assess_needs, ASSESS_NEEDS),
    CMD(request_linkage, REQUEST_LINKAGE),
    CMD(request_visit, REQUEST_VISIT),
    CMD(record_follow_up, RECORD_FOLLOW_UP),
    CMD(close_case, CLOSE_CASE),
    CMD(get_case, GET_CASE),
    CMD(list_cases, LIST_CASES),
    CMD(request_home_visit, REQUEST_HOME_VISIT),
    CMD(record_home_visit, RECORD_HOME_VISIT),
    CMD(list_due_visits, LIST_DUE_VISITS),
    CMD(propose_due_visits, PROPOSE_DUE_VISITS),
    CMD(list_escalations, LIST_ESCALATIONS),
    CMD(set_case_goal, SET_CASE_GOAL),
    CMD(set_case_team_member, SET_CASE_TEAM_MEMBER),
    CMD(list_re_referrals, LIST_RE_REFERRALS),
};

static const wh_subscription subscriptions[] = {
    {"intake", &welfare__intake__v1__household_identified__descriptor, case_apply_household_identified},
    {"intake", &welfare__intake__v1__households_merged__descriptor, case_apply_households_merged},
    {"intake", &welfare__intake__v1__households_unmerged__descriptor, case_apply_households_unmerged},
    {"routing", &welfare__routing__v1__dong_defined__descriptor, case_apply_dong_defined},
    {"routing", &welfare__routing__v1__staff_registered__descriptor, case_apply_staff_registered},
    {"routing", &welfare__routing__v1__staff_deactivated__descriptor, case_apply_staff_deactivated},
    {"routing", &welfare__routing__v1__visit_completed__descriptor, case_apply_visit_completed},
    {"routing", &welfare__routing__v1__visit_missed__descriptor, case_apply_visit_missed},
    {"registry", &welfare__registry__v1__capacity_reserved__descriptor, case_apply_capacity_reserved},
    {"registry", &welfare__registry__v1__match_failed__descriptor, case_apply_match_failed},
};

/* Runs of these are applied together (the same effects, fewer statements). */
static const wh_event_batch event_batches[] = {
    {"intake", &welfare__intake__v1__household_identified__descriptor, case_apply_households_identified},
};

static case_settings settings;

#define GAUGE_MS 10000
static uv_timer_t gauge_timer;

static void on_gauge_timer(uv_timer_t *t)
{
    wh_service_run(t->data, case_metrics_refresh, NULL);
}

/* --- lifecycle -------------------------------------------------------------------------------- */

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
    int rc = case_settings_read(&settings);
    if (rc == 0)
        rc = load_note_key();
    if (rc < 0)
        return rc;
    wh_service_set_state(svc, &settings);
    case_metrics_register(settings.caseload_limit);
    wh_service_run(svc, case_metrics_refresh, NULL);
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
        .event_batch_handlers = event_batches,
        .n_event_batch_handlers = sizeof event_batches / sizeof event_batches[0],
        .migrations = case_migrations,
        .start = start,
        .stop = stop,
    };
    def.n_migrations = case_migrations_count;
    if (!def.statements) {
        def.statements = case_all_statements(&def.n_statements);
        if (!def.statements)
            return NULL;
    }
    return &def;
}

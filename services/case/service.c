/*
 * service.c — case as data: its commands and who may send them, the events it applies, migrations
 * and statements; at start the settings, the PII key for notes, the metrics and the gauges' timer.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"

#include "wh/config.h"
#include "wh/log.h"
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
    CMD(request_home_visit, case_handle_request_home_visit, false,
        "plan a home visit of any identified household, case or not"),
    CMD(record_home_visit, case_handle_record_home_visit, false,
        "record a home visit's outcome, needs observed, sealed note, follow-up"),
    CMD(list_due_visits, case_handle_list_due_visits, true, "a hub's households due (or overdue) a visit"),
    CMD(propose_due_visits, case_handle_propose_due_visits, false,
        "ask routing for a hub's due monitoring visits"),
    CMD(list_escalations, case_handle_list_escalations, true, "a hub's queue of unreachable households"),
    CMD(set_case_goal, case_handle_set_case_goal, false, "set the case plan's goal for a need domain"),
    CMD(set_case_team_member, case_handle_set_case_team_member, false,
        "add a profession to the case team with its role, or take one off"),
    CMD(list_re_referrals, case_handle_list_rereferrals, true,
        "a hub's closed cases' households reported again, waiting for its decision"),
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
        /* case's statements, outreach's and the batch's, one table (built once, lives as long as the process)
         */
        size_t n = case_statements_count + case_outreach_statements_count + case_batch_statements_count;
        wh_db_statement *all = malloc(sizeof *all * n);
        if (!all)
            return NULL;
        memcpy(all, case_statements, sizeof *all * case_statements_count);
        memcpy(all + case_statements_count, case_outreach_statements,
               sizeof *all * case_outreach_statements_count);
        memcpy(all + case_statements_count + case_outreach_statements_count, case_batch_statements,
               sizeof *all * case_batch_statements_count);
        def.statements = all;
        def.n_statements = n;
    }
    return &def;
}

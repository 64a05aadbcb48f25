/*
 * service.c — routing as data: its commands, the events it applies, migrations, statements and
 * settings.
 */
#include <jansson.h>
#include <string.h>

#include "routing.h"

#include "wh/config.h"
#include "wh/log.h"
#include "wh/metrics.h"

extern const wh_migration routing_migrations[];
extern const size_t routing_migrations_count;

#define STAFF (WH_ROLE_SERVICE | WH_ROLE_OPERATOR)
#define CMD(name, fn, roles, query, summary)                                                                 \
    {                                                                                                        \
        &welfare__routing__v1__##name##__descriptor, &welfare__routing__v1__##name##_reply__descriptor, fn,  \
            roles, query, summary                                                                            \
    }

static const wh_command commands[] = {
    CMD(define_dong, routing_handle_define_dong, STAFF, false, "define a dong and the hub that serves it"),
    CMD(register_staff, routing_handle_register_staff, STAFF, false,
        "add a member of visiting staff to a hub"),
    CMD(deactivate_staff, routing_handle_deactivate_staff, STAFF, false,
        "record that a member of staff left"),
    CMD(plan_day, routing_handle_plan_day, STAFF, false, "plan a hub's visits for a date"),
    CMD(get_day_plan, routing_handle_get_day_plan, STAFF, true, "read a hub's plan for a date"),
    CMD(record_visit_outcome, routing_handle_record_visit_outcome, STAFF, false,
        "record that a visit took place or was missed"),
    CMD(list_visit_requests, routing_handle_list_visit_requests, STAFF, true, "list visit requests"),
};

static const wh_subscription subscriptions[] = {
    {"case", &welfare__case__v1__visit_requested__descriptor, routing_apply_visit_requested},
    {"case", &welfare__case__v1__case_closed__descriptor, routing_apply_case_closed},
    {"case", &welfare__case__v1__household_escalated__descriptor, routing_apply_household_escalated},
    {"case", &welfare__case__v1__home_visit_recorded__descriptor, routing_apply_home_visit_recorded},
};

static routing_settings settings = {20.0, 1.3, 2000, true, {200.0, 1000, 1, 0.0}};

static int start(wh_service *svc)
{
    int64_t speed, detour, max_visits, ms, iterations;
    const char *planner = wh_config_str("WH_ROUTING_PLANNER", "optimizer");
    if (wh_config_int("WH_ROUTING_SPEED_KMH", 20, 1, 200, &speed) < 0 ||
        wh_config_int("WH_ROUTING_DETOUR_PERCENT", 130, 100, 400, &detour) < 0 ||
        wh_config_int("WH_ROUTING_PLAN_MAX_VISITS", 2000, 1, 100000, &max_visits) < 0 ||
        wh_config_int("WH_ROUTING_OPTIMIZER_MS", 200, 1, 60000, &ms) < 0 ||
        wh_config_int("WH_ROUTING_OPTIMIZER_ITERATIONS", 1000, 0, 100000000, &iterations) < 0)
        return WH_INVALID_ARGUMENT;
    if (strcmp(planner, "optimizer") != 0 && strcmp(planner, "heuristic") != 0) {
        wh_log_error("WH_ROUTING_PLANNER must be optimizer or heuristic", NULL);
        return WH_INVALID_ARGUMENT;
    }
    settings.use_optimizer = strcmp(planner, "optimizer") == 0;
    settings.optimizer.time_limit_ms = (double)ms;
    settings.optimizer.max_iterations = (long)iterations;
    settings.speed_kmh = (double)speed;
    settings.detour = (double)detour / 100.0;
    settings.max_pending = (int)max_visits;
    wh_service_set_state(svc, &settings);
    /* Registered at zero, so /metrics shows them before the first planning. */
    wh_metrics_counter("routing_visits_placed_total", NULL, "Visits placed by day planning");
    wh_metrics_counter("routing_visits_unplaced_total", NULL, "Pending visits planning left out");
    wh_metrics_histogram("routing_plan_seconds", NULL, "Time to plan one hub's day");
    wh_metrics_counter("routing_visit_outcomes_total", "outcome=\"completed\"", "Visit outcomes recorded");
    wh_metrics_counter("routing_visit_outcomes_total", "outcome=\"missed\"", "Visit outcomes recorded");
    wh_log_info("routing settings", "{s:I, s:I, s:I, s:s, s:I, s:I}", "speed_kmh", (json_int_t)speed,
                "detour_percent", (json_int_t)detour, "plan_max_visits", (json_int_t)max_visits, "planner",
                planner, "optimizer_ms", (json_int_t)ms, "optimizer_iterations", (json_int_t)iterations);
    return 0;
}

const wh_service_def *routing_service_def(void)
{
    /* The counts are variables of other translation units, not constant expressions: set here. */
    static wh_service_def def = {
        .name = "routing",
        .schema = "routing",
        .commands = commands,
        .n_commands = sizeof commands / sizeof commands[0],
        .subscriptions = subscriptions,
        .n_subscriptions = sizeof subscriptions / sizeof subscriptions[0],
        .migrations = routing_migrations,
        .statements = routing_statements,
        .start = start,
    };
    def.n_migrations = routing_migrations_count;
    def.n_statements = routing_statements_count;
    return &def;
}

/*
 * service.c — routing as data: its commands, the events it applies, migrations, statements and
 * settings.
 */
#include <jansson.h>
#include <string.h>

#include "routing.h"
#include "routing_commands.h"

#include "wh/config.h"
#include "wh/log.h"
#include "wh/metrics.h"

extern const wh_migration routing_migrations[];
extern const size_t routing_migrations_count;

/* Who may send each command, whether it is a query and its summary are declared once, as options on
 * its request in proto/welfare/routing/v1/commands.proto (generated into routing_commands.h). */
#define CMD(name, key) WH_COMMAND(welfare__routing__v1__, name, ROUTING_##key, routing_handle_##name)

static const wh_command commands[] = {
    CMD(define_dong, DEFINE_DONG),
    CMD(register_staff, REGISTER_STAFF),
    CMD(deactivate_staff, DEACTIVATE_STAFF),
    CMD(plan_day, PLAN_DAY),
    CMD(get_day_plan, GET_DAY_PLAN),
    CMD(record_visit_outcome, RECORD_VISIT_OUTCOME),
    CMD(list_visit_requests, LIST_VISIT_REQUESTS),
};

static const wh_subscription subscriptions[] = {
    {"case", &welfare__case__v1__visit_requested__descriptor, routing_apply_visit_requested},
    {"case", &welfare__case__v1__case_closed__descriptor, routing_apply_case_closed},
    {"case", &welfare__case__v1__case_moved__descriptor, routing_apply_case_moved},
    {"case", &welfare__case__v1__case_reopened__descriptor, routing_apply_case_reopened},
    {"case", &welfare__case__v1__household_escalated__descriptor, routing_apply_household_escalated},
    {"case", &welfare__case__v1__home_visit_recorded__descriptor, routing_apply_home_visit_recorded},
};

static routing_settings settings = {20.0, 1.3, 2000, true, {200.0, 1000, 1, 0.0, ROUTING_PLAN_LATENESS_COST}};

static int start(wh_service *svc)
{
    int64_t speed, detour, max_visits, ms, iterations, lateness_cost;
    const char *planner = wh_config_str("WH_ROUTING_PLANNER", "optimizer");
    if (wh_config_int("WH_ROUTING_SPEED_KMH", 20, 1, 200, &speed) < 0 ||
        wh_config_int("WH_ROUTING_DETOUR_PERCENT", 130, 100, 400, &detour) < 0 ||
        wh_config_int("WH_ROUTING_PLAN_MAX_VISITS", 2000, 1, 100000, &max_visits) < 0 ||
        wh_config_int("WH_ROUTING_OPTIMIZER_MS", 200, 1, 60000, &ms) < 0 ||
        wh_config_int("WH_ROUTING_OPTIMIZER_ITERATIONS", 1000, 0, 100000000, &iterations) < 0 ||
        wh_config_int("WH_ROUTING_LATENESS_COST", (int64_t)ROUTING_PLAN_LATENESS_COST, 1, 1000,
                      &lateness_cost) < 0)
        return WH_INVALID_ARGUMENT;
    if (strcmp(planner, "optimizer") != 0 && strcmp(planner, "heuristic") != 0) {
        wh_log_error("WH_ROUTING_PLANNER must be optimizer or heuristic", NULL);
        return WH_INVALID_ARGUMENT;
    }
    settings.use_optimizer = strcmp(planner, "optimizer") == 0;
    settings.optimizer.time_limit_ms = (double)ms;
    settings.optimizer.max_iterations = (long)iterations;
    settings.optimizer.lateness_cost = (double)lateness_cost;
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
    wh_log_info("routing settings", "{s:I, s:I, s:I, s:s, s:I, s:I, s:I}", "speed_kmh", (json_int_t)speed,
                "detour_percent", (json_int_t)detour, "plan_max_visits", (json_int_t)max_visits, "planner",
                planner, "optimizer_ms", (json_int_t)ms, "optimizer_iterations", (json_int_t)iterations,
                "lateness_cost", (json_int_t)lateness_cost);
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

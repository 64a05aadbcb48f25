/*
 * reporting.c — the reporting service as data: the queries it answers, the streams and events it
 * applies, its migrations and statements, and the hooks that add the dashboard's HTTP routes.
 */
#include "reporting.h"

static int reporting_start(wh_service *svc)
{
    reporting_event_metrics_register();
    return reporting_http_start(svc);
}

static void reporting_stop(wh_service *svc)
{
    reporting_http_stop(svc);
}

const wh_service_def *reporting_service_def(void)
{
    /* The tables' lengths are variables of other translation units, not constant expressions: set here. */
    static wh_service_def def = {
        .name = "reporting",
        .schema = "reporting",
        .commands = reporting_commands,
        .subscriptions = reporting_subscriptions,
        .event_batch_handlers = reporting_event_batches,
        .migrations = reporting_migrations,
        .statements = NULL, /* reporting_all_statements(), below */
        .start = reporting_start,
        .stop = reporting_stop,
    };
    def.n_commands = reporting_commands_count;
    def.n_subscriptions = reporting_subscriptions_count;
    def.n_event_batch_handlers = reporting_event_batches_count;
    def.n_migrations = reporting_migrations_count;
    def.statements = reporting_all_statements(&def.n_statements);
    return &def;
}

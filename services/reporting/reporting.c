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

/* Filled at run time: the tables' lengths live in other translation units. */
void reporting_service_def(wh_service_def *def)
{
    *def = (wh_service_def){
        .name = "reporting",
        .schema = "reporting",
        .commands = reporting_commands,
        .n_commands = reporting_commands_count,
        .subscriptions = reporting_subscriptions,
        .n_subscriptions = reporting_subscriptions_count,
        .event_batch_handlers = reporting_event_batches,
        .n_event_batch_handlers = reporting_event_batches_count,
        .migrations = reporting_migrations,
        .n_migrations = reporting_migrations_count,
        .statements = reporting_statements,
        .n_statements = reporting_statements_count,
        .start = reporting_start,
        .stop = reporting_stop,
    };
}

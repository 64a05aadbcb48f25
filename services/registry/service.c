/*
 * service.c — the registry as data: its commands, the events it applies, migrations and statements.
 */
#include <string.h>

#include "ledger.h"
#include "registry_commands.h"
#include "wh/config.h"
#include "wh/log.h"
#include "wh/metrics.h"
#include "wh/pii.h"

extern const wh_migration registry_migrations[];
extern const size_t registry_migrations_count;

/* Who may send each command, whether it is a query and its summary are declared once, as options on
 * its request in proto/welfare/registry/v1/commands.proto (generated into registry_commands.h). */
#define CMD(name, key) WH_COMMAND(welfare__registry__v1__, name, REGISTRY_##key, registry_handle_##name)

static const wh_command commands[] = {
    CMD(register_provider, REGISTER_PROVIDER),
    CMD(register_resource, REGISTER_RESOURCE),
    CMD(match_needs, MATCH_NEEDS),
    CMD(reserve_capacity, RESERVE_CAPACITY),
    CMD(release_capacity, RELEASE_CAPACITY),
    CMD(list_resources, LIST_RESOURCES),
    CMD(get_resource, GET_RESOURCE),
    CMD(request_service_linkage, REQUEST_SERVICE_LINKAGE),
    CMD(change_service_linkage, CHANGE_SERVICE_LINKAGE),
    CMD(list_service_linkages, LIST_SERVICE_LINKAGES),
    /* the resource ledger (ledger.h) */
    CMD(record_donation, RECORD_DONATION),
    CMD(record_receipt, RECORD_RECEIPT),
    CMD(allocate_donation, ALLOCATE_DONATION),
    CMD(list_donations, LIST_DONATIONS),
    CMD(record_mou, RECORD_MOU),
    CMD(list_mous, LIST_MOUS),
    CMD(tally_finds, TALLY_FINDS),
};

static const wh_subscription subscriptions[] = {
    {"routing", &welfare__routing__v1__dong_defined__descriptor, registry_apply_dong_defined},
    {"case", &welfare__case__v1__linkage_requested__descriptor, registry_apply_linkage_requested},
    {"case", &welfare__case__v1__case_closed__descriptor, registry_apply_case_closed},
    {"case", &welfare__case__v1__case_reopened__descriptor, registry_apply_case_reopened},
    {"intake", &welfare__intake__v1__household_identified__descriptor, registry_apply_household_identified},
};

/* Runs of these are applied together (the same effects, one statement a run). */
static const wh_event_batch event_batches[] = {
    {"intake", &welfare__intake__v1__household_identified__descriptor, registry_apply_households_identified},
};

static bool pii_ready;

bool registry_pii_ready(void)
{
    return pii_ready;
}

/* A person donor's name is stored only sealed: without the key the service runs and refuses those. */
static int load_pii_key(void)
{
    const char *path = wh_config_str("WH_PII_KEY_FILE", NULL);
    if (!path || !*path) {
        wh_log_warn("WH_PII_KEY_FILE is not set: donations by persons and donor contacts will be refused",
                    NULL);
        return 0;
    }
    int rc = wh_pii_init_file(path);
    pii_ready = rc == 0;
    return rc;
}

/* Registers the service's own metrics at zero, so /metrics shows them before the first linkage. */
static int start(wh_service *svc)
{
    (void)svc;
    int rc = load_pii_key();
    if (rc < 0)
        return rc;
    wh_metrics_counter("registry_linkages_total", "result=\"reserved\"",
                       "Linkage requests applied, by result");
    wh_metrics_counter("registry_linkages_total", "result=\"failed\"", "Linkage requests applied, by result");
    wh_metrics_counter("registry_reservations_total", NULL, "Units of capacity reserved");
    return 0;
}

static void stop(wh_service *svc)
{
    (void)svc;
    if (pii_ready)
        wh_pii_shutdown();
    pii_ready = false;
}

const wh_db_statement *registry_all_statements(size_t *n)
{
    static const wh_db_statement_part parts[] = {
        {registry_statements, &registry_statements_count},
        {registry_ledger_statements, &registry_ledger_statements_count},
    };
    return wh_db_statements_join(parts, sizeof parts / sizeof parts[0], n);
}

const wh_service_def *registry_service_def(void)
{
    /* The counts are variables of other translation units, not constant expressions: set here. */
    static wh_service_def def = {
        .name = "registry",
        .schema = "registry",
        .commands = commands,
        .n_commands = sizeof commands / sizeof commands[0],
        .subscriptions = subscriptions,
        .n_subscriptions = sizeof subscriptions / sizeof subscriptions[0],
        .migrations = registry_migrations,
        .event_batch_handlers = event_batches,
        .n_event_batch_handlers = sizeof event_batches / sizeof event_batches[0],
        .start = start,
        .stop = stop,
    };
    def.n_migrations = registry_migrations_count;
    def.statements = registry_all_statements(&def.n_statements);
    return &def;
}

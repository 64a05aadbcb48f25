/*
 * service.c — the registry as data: its commands, the events it applies, migrations and statements.
 */
#include <string.h>

#include "ledger.h"
#include "wh/config.h"
#include "wh/log.h"
#include "wh/metrics.h"
#include "wh/pii.h"

extern const wh_migration registry_migrations[];
extern const size_t registry_migrations_count;

#define ANYONE (WH_ROLE_SERVICE | WH_ROLE_OPERATOR | WH_ROLE_AGENCY)
#define STAFF  (WH_ROLE_SERVICE | WH_ROLE_OPERATOR)
#define CMD(name, reply_name, fn, roles, query, summary)                                                     \
    {                                                                                                        \
        &welfare__registry__v1__##name##__descriptor, &welfare__registry__v1__##reply_name##__descriptor,    \
            fn, roles, query, summary                                                                        \
    }

static const wh_command commands[] = {
    CMD(register_provider, register_provider_reply, registry_handle_register_provider, ANYONE, false,
        "register a public or private provider"),
    CMD(register_resource, register_resource_reply, registry_handle_register_resource, ANYONE, false,
        "register a resource a provider offers (a resource discovery)"),
    CMD(match_needs, match_needs_reply, registry_handle_match_needs, STAFF, true,
        "rank resources for a household's needs by fit, distance and capacity"),
    CMD(reserve_capacity, reserve_capacity_reply, registry_handle_reserve_capacity, STAFF, false,
        "reserve one unit of a resource's capacity"),
    CMD(release_capacity, release_capacity_reply, registry_handle_release_capacity, STAFF, false,
        "give a reservation back"),
    CMD(list_resources, list_resources_reply, registry_handle_list_resources, ANYONE, true,
        "list resources by dong and domain"),
    CMD(get_resource, get_resource_reply, registry_handle_get_resource, ANYONE, true, "read one resource"),
    CMD(request_service_linkage, request_service_linkage_reply, registry_handle_request_service_linkage,
        STAFF, false, "link any household to a public programme or a resource (reserves capacity)"),
    CMD(change_service_linkage, change_service_linkage_reply, registry_handle_change_service_linkage, ANYONE,
        false, "accept, refuse, start or end a linkage (agencies: their own providers')"),
    CMD(list_service_linkages, list_service_linkages_reply, registry_handle_list_service_linkages, ANYONE,
        true, "list linkages by household, provider, state"),
    /* the resource ledger (ledger.h) */
    CMD(record_donation, record_donation_reply, registry_handle_record_donation, STAFF, false,
        "record a donation pledged (a resource discovery), with what was received on the spot"),
    CMD(record_receipt, record_receipt_reply, registry_handle_record_receipt, STAFF, false,
        "record what arrived of a pledge (the KPI's amount)"),
    CMD(allocate_donation, allocate_donation_reply, registry_handle_allocate_donation, STAFF, false,
        "give received value of a donation to a service linkage (and its household)"),
    CMD(list_donations, list_donations_reply, registry_handle_list_donations, STAFF, true,
        "list donations by dong"),
    CMD(record_mou, record_mou_reply, registry_handle_record_mou, STAFF, false,
        "record an MOU with a partner: purpose, period, commitments"),
    CMD(list_mous, list_mous_reply, registry_handle_list_mous, ANYONE, true, "list MOUs by partner and date"),
    CMD(tally_finds, tally_finds_reply, registry_handle_tally_finds, STAFF, true,
        "finds of a period per safety-net member, team or hub"),
};

static const wh_subscription subscriptions[] = {
    {"routing", &welfare__routing__v1__dong_defined__descriptor, registry_apply_dong_defined},
    {"case", &welfare__case__v1__linkage_requested__descriptor, registry_apply_linkage_requested},
    {"case", &welfare__case__v1__case_closed__descriptor, registry_apply_case_closed},
    {"intake", &welfare__intake__v1__household_identified__descriptor, registry_apply_household_identified},
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
    static wh_db_statement all[256];
    static size_t count;
    if (!count &&
        registry_statements_count + registry_ledger_statements_count <= sizeof all / sizeof all[0]) {
        memcpy(all, registry_statements, registry_statements_count * sizeof all[0]);
        memcpy(all + registry_statements_count, registry_ledger_statements,
               registry_ledger_statements_count * sizeof all[0]);
        count = registry_statements_count + registry_ledger_statements_count;
    }
    *n = count;
    return all;
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
        .start = start,
        .stop = stop,
    };
    def.n_migrations = registry_migrations_count;
    def.statements = registry_all_statements(&def.n_statements);
    return &def;
}

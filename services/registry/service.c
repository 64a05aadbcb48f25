/*
 * service.c — the registry as data: its commands, the events it applies, migrations and statements.
 */
#include "registry.h"

#include "wh/metrics.h"

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
};

static const wh_subscription subscriptions[] = {
    {"routing", &welfare__routing__v1__dong_defined__descriptor, registry_apply_dong_defined},
    {"case", &welfare__case__v1__linkage_requested__descriptor, registry_apply_linkage_requested},
    {"case", &welfare__case__v1__case_closed__descriptor, registry_apply_case_closed},
    {"intake", &welfare__intake__v1__household_identified__descriptor, registry_apply_household_identified},
};

/* Registers the service's own metrics at zero, so /metrics shows them before the first linkage. */
static int start(wh_service *svc)
{
    (void)svc;
    wh_metrics_counter("registry_linkages_total", "result=\"reserved\"",
                       "Linkage requests applied, by result");
    wh_metrics_counter("registry_linkages_total", "result=\"failed\"", "Linkage requests applied, by result");
    wh_metrics_counter("registry_reservations_total", NULL, "Units of capacity reserved");
    return 0;
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
        .statements = registry_statements,
        .start = start,
    };
    def.n_migrations = registry_migrations_count;
    def.n_statements = registry_statements_count;
    return &def;
}

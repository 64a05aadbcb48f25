/*
 * test_command_roles.c — registry's command table, generated from the options in
 * proto/welfare/registry/v1/commands.proto, grants exactly what the hand-written table did before: each
 * command's roles, query flag and summary, in order.
 */
#include "command_table.h"
#include "registry.h"

static const expected_command expected[] = {
    {"welfare.registry.v1.RegisterProvider", WH_ROLE_SERVICE | WH_ROLE_OPERATOR | WH_ROLE_AGENCY, false,
     "register a public or private provider"},
    {"welfare.registry.v1.RegisterResource", WH_ROLE_SERVICE | WH_ROLE_OPERATOR | WH_ROLE_AGENCY, false,
     "register a resource a provider offers (a resource discovery)"},
    {"welfare.registry.v1.MatchNeeds", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, true,
     "rank resources for a household's needs by fit, distance and capacity"},
    {"welfare.registry.v1.ReserveCapacity", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, false,
     "reserve one unit of a resource's capacity"},
    {"welfare.registry.v1.ReleaseCapacity", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, false,
     "give a reservation back"},
    {"welfare.registry.v1.ListResources", WH_ROLE_SERVICE | WH_ROLE_OPERATOR | WH_ROLE_AGENCY, true,
     "list resources by dong and domain"},
    {"welfare.registry.v1.GetResource", WH_ROLE_SERVICE | WH_ROLE_OPERATOR | WH_ROLE_AGENCY, true,
     "read one resource"},
    {"welfare.registry.v1.RequestServiceLinkage", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, false,
     "link any household to a public programme or a resource (reserves capacity)"},
    {"welfare.registry.v1.ChangeServiceLinkage", WH_ROLE_SERVICE | WH_ROLE_OPERATOR | WH_ROLE_AGENCY, false,
     "accept, refuse, start or end a linkage (agencies: their own providers')"},
    {"welfare.registry.v1.ListServiceLinkages", WH_ROLE_SERVICE | WH_ROLE_OPERATOR | WH_ROLE_AGENCY, true,
     "list linkages by household, provider, state"},
    {"welfare.registry.v1.RecordDonation", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, false,
     "record a donation pledged (a resource discovery), with what was received on the spot"},
    {"welfare.registry.v1.RecordReceipt", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, false,
     "record what arrived of a pledge (the KPI's amount)"},
    {"welfare.registry.v1.AllocateDonation", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, false,
     "give received value of a donation to a service linkage (and its household)"},
    {"welfare.registry.v1.ListDonations", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, true, "list donations by dong"},
    {"welfare.registry.v1.RecordMou", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, false,
     "record an MOU with a partner: purpose, period, commitments"},
    {"welfare.registry.v1.ListMous", WH_ROLE_SERVICE | WH_ROLE_OPERATOR | WH_ROLE_AGENCY, true,
     "list MOUs by partner and date"},
    {"welfare.registry.v1.TallyFinds", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, true,
     "finds of a period per safety-net member, team or hub"},
};

static void table_matches_the_roles_granted_before(void **state)
{
    (void)state;
    assert_command_table(registry_service_def(), expected, sizeof expected / sizeof expected[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(table_matches_the_roles_granted_before)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_command_roles.c — routing's command table, generated from the options in
 * proto/welfare/routing/v1/commands.proto, grants exactly what the hand-written table did before:
 * every command to services and operators only (never to agencies), GetDayPlan and ListVisitRequests
 * as queries, each with its summary.
 */
#include "command_table.h"
#include "routing.h"

#define STAFF (WH_ROLE_SERVICE | WH_ROLE_OPERATOR)

static const expected_command expected[] = {
    {"welfare.routing.v1.DefineDong", STAFF, false, "define a dong and the hub that serves it"},
    {"welfare.routing.v1.RegisterStaff", STAFF, false, "add a member of visiting staff to a hub"},
    {"welfare.routing.v1.DeactivateStaff", STAFF, false, "record that a member of staff left"},
    {"welfare.routing.v1.PlanDay", STAFF, false, "plan a hub's visits for a date"},
    {"welfare.routing.v1.GetDayPlan", STAFF, true, "read a hub's plan for a date"},
    {"welfare.routing.v1.RecordVisitOutcome", STAFF, false, "record that a visit took place or was missed"},
    {"welfare.routing.v1.ListVisitRequests", STAFF, true, "list visit requests"},
};

static void table_matches_the_roles_granted_before(void **state)
{
    (void)state;
    assert_command_table(routing_service_def(), expected, sizeof expected / sizeof expected[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(table_matches_the_roles_granted_before)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_command_roles.c — routing's command table, now generated from the options in
 * proto/welfare/routing/v1/commands.proto, grants exactly what the hand-written table did before:
 * every command to services and operators only (never to agencies), GetDayPlan and ListVisitRequests
 * as queries, each with its summary.  A change of who may send a command must change this test too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "routing.h"

#define STAFF (WH_ROLE_SERVICE | WH_ROLE_OPERATOR)

static const struct {
    const char *type;
    unsigned roles;
    bool query;
    const char *summary;
} expected[] = {
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
    const wh_service_def *def = routing_service_def();
    assert_int_equal(def->n_commands, sizeof expected / sizeof expected[0]);
    for (size_t i = 0; i < def->n_commands; i++) {
        const wh_command *c = &def->commands[i];
        assert_string_equal(c->request->name, expected[i].type);
        assert_int_equal(c->roles, expected[i].roles);
        assert_false(c->roles & WH_ROLE_AGENCY);
        assert_int_equal(c->query, expected[i].query);
        assert_string_equal(c->summary, expected[i].summary);
        assert_non_null(c->reply);
        assert_non_null(c->handle);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(table_matches_the_roles_granted_before)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

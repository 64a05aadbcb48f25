/*
 * test_command_roles.c — case's command table, generated from the options in
 * proto/welfare/case/v1/commands.proto, grants exactly what the hand-written table did before: every
 * command to services and operators only (a case's history holds workers' notes: no agency), the
 * reads as queries, each with its summary.
 */
#include "case.h"
#include "command_table.h"

#define STAFF (WH_ROLE_SERVICE | WH_ROLE_OPERATOR)

static const expected_command expected[] = {
    {"welfare.case.v1.OpenCase", STAFF, false,
     "open a case for a household, with a worker and a first visit"},
    {"welfare.case.v1.AssignCase", STAFF, false, "give a case to a case worker (or to the rule's choice)"},
    {"welfare.case.v1.AssessNeeds", STAFF, false,
     "record a needs assessment; requests linkages for moderate needs and above"},
    {"welfare.case.v1.RequestLinkage", STAFF, false, "ask the registry for a resource for one need"},
    {"welfare.case.v1.RequestVisit", STAFF, false, "ask routing for a home visit (joint with several roles)"},
    {"welfare.case.v1.RecordFollowUp", STAFF, false, "record a follow-up contact, maybe the next visit"},
    {"welfare.case.v1.CloseCase", STAFF, false, "close a case with a reason"},
    {"welfare.case.v1.GetCase", STAFF, true, "a case with its history"},
    {"welfare.case.v1.ListCases", STAFF, true, "list cases by dong, hub, status, worker; paged"},
    {"welfare.case.v1.RequestHomeVisit", STAFF, false,
     "plan a home visit of any identified household, case or not"},
    {"welfare.case.v1.RecordHomeVisit", STAFF, false,
     "record a home visit's outcome, needs observed, sealed note, follow-up"},
    {"welfare.case.v1.ListDueVisits", STAFF, true, "a hub's households due (or overdue) a visit"},
    {"welfare.case.v1.ProposeDueVisits", STAFF, false, "ask routing for a hub's due monitoring visits"},
    {"welfare.case.v1.ListEscalations", STAFF, true, "a hub's queue of unreachable households"},
    {"welfare.case.v1.SetCaseGoal", STAFF, false, "set the case plan's goal for a need domain"},
    {"welfare.case.v1.SetCaseTeamMember", STAFF, false,
     "add a profession to the case team with its role, or take one off"},
    {"welfare.case.v1.ListReReferrals", STAFF, true,
     "a hub's closed cases' households reported again, waiting for its decision"},
};

static void table_matches_the_roles_granted_before(void **state)
{
    (void)state;
    assert_command_table(case_service_def(), expected, sizeof expected / sizeof expected[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(table_matches_the_roles_granted_before)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

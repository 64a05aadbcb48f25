/*
 * test_command_roles.c — intake's command table, generated from the options in
 * proto/welfare/intake/v1/commands.proto, grants exactly what the hand-written table did before: each
 * command's roles, query flag and summary, in order.  And the service's retention hook is the prune
 * of import row ids (tested against PostgreSQL in test_bulk.c).
 */
#include "command_table.h"
#include "import_rows.h"
#include "intake.h"

static const expected_command expected[] = {
    {"welfare.intake.v1.SubmitReferral", WH_ROLE_SERVICE | WH_ROLE_OPERATOR | WH_ROLE_AGENCY, false,
     "report a household; attaches to a known one or creates it, risk-scored"},
    {"welfare.intake.v1.RegisterReporter", WH_ROLE_OPERATOR, false,
     "register a reporting organisation or group"},
    {"welfare.intake.v1.ResolveDuplicate", WH_ROLE_OPERATOR, false,
     "merge two suspected-duplicate households, or keep them apart"},
    {"welfare.intake.v1.GetHousehold", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, true,
     "a household's summary (no resident numbers, names masked)"},
    {"welfare.intake.v1.GetReferral", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, true, "one referral"},
    {"welfare.intake.v1.ImportReferralBlock", WH_ROLE_SERVICE | WH_ROLE_OPERATOR | WH_ROLE_AGENCY, false,
     "a block of referrals (bulk import): each row as SubmitReferral, resolved set-wise"},
    {"welfare.intake.v1.ImportEnrolmentBlock", WH_ROLE_SERVICE | WH_ROLE_OPERATOR | WH_ROLE_AGENCY, false,
     "a block of a programme's national list: enrolments, persons matched as referrals"},
    {"welfare.intake.v1.RecordEnrolment", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, false,
     "record or correct one enrolment of a person in a programme"},
    {"welfare.intake.v1.SelectForPublicAid", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, false,
     "a hub's decision: a household's members selected for a public programme"},
    {"welfare.intake.v1.EndEnrolment", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, false,
     "end an enrolment with a reason (an exit, e.g. an unqualified beneficiary found)"},
    {"welfare.intake.v1.ListEnrolments", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, true,
     "a household's enrolments and its members' target spells"},
    {"welfare.intake.v1.ListProgrammes", WH_ROLE_SERVICE | WH_ROLE_OPERATOR | WH_ROLE_AGENCY, true,
     "the programmes of the roster"},
    {"welfare.intake.v1.RegisterMember", WH_ROLE_OPERATOR, false,
     "register a safety-net member (dong, team, affiliation, active period; name sealed)"},
    {"welfare.intake.v1.AssignWatch", WH_ROLE_OPERATOR, false,
     "ask a visiting-and-checking member to look in on a household every N days"},
    {"welfare.intake.v1.RecordCheckIn", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, false,
     "a member's check-in: seen well, concern or not seen (a concern or a second not-seen refers)"},
    {"welfare.intake.v1.GetSafetyNetTally", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, true,
     "the safety net's work and credits, per member and per team"},
    {"welfare.intake.v1.CreateSurvey", WH_ROLE_OPERATOR, false,
     "open a survey of a target group in a set of dongs over a period"},
    {"welfare.intake.v1.AddSurveyHouseholds", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, false,
     "add households to a survey's list (1..10000 ids a command)"},
    {"welfare.intake.v1.RecordSurveyResult", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, false,
     "what a survey found at a listed household (a need becomes a referral of channel survey)"},
    {"welfare.intake.v1.GetSurveyResults", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, true,
     "one survey's result: surveyed, linkages, support, case management"},
    {"welfare.intake.v1.UnmergeHouseholds", WH_ROLE_OPERATOR, false,
     "undo a merge: the persons and referrals it moved go back, both households recounted"},
    {"welfare.intake.v1.DecideTie", WH_ROLE_OPERATOR, false,
     "an operator's decision on a tie: a referral's person is one of the persons tied, or a new person"},
};

static void table_matches_the_roles_granted_before(void **state)
{
    (void)state;
    assert_command_table(intake_service_def(), expected, sizeof expected / sizeof expected[0]);
}

static void import_rows_are_pruned_with_the_command_records(void **state)
{
    (void)state;
    assert_ptr_equal(intake_service_def()->prune, intake_prune);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(table_matches_the_roles_granted_before),
                                       cmocka_unit_test(import_rows_are_pruned_with_the_command_records)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

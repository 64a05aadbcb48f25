/*
 * test_command_roles.c — reporting's query table, generated from the options in
 * proto/welfare/reporting/v1/commands.proto and discovery.proto, grants exactly what the hand-written
 * table did before: every query to every role (the KPI table holds no personal data) but
 * QuerySafetyNet (per-member rows), all of them queries.
 */
#include "command_table.h"
#include "reporting.h"

static const expected_command expected[] = {
    {"welfare.reporting.v1.QueryKpi", WH_ROLES_ALL, true, "KPI table of a set of dongs over a period"},
    {"welfare.reporting.v1.CompareKpi", WH_ROLES_ALL, true,
     "two KPI tables (before/after, treated/untreated) and their difference"},
    {"welfare.reporting.v1.ListDongs", WH_ROLES_ALL, true, "the dongs and the hubs serving them"},
    {"welfare.reporting.v1.QueryKpiTable", WH_ROLES_ALL, true,
     "the Ministry's comparison table: before/after, treated/untreated, difference-in-differences"},
    {"welfare.reporting.v1.QuerySurveys", WH_ROLES_ALL, true,
     "the surveys of a dong set and a period: households surveyed, linkages, support, case management"},
    /* per-member rows: operators and services only */
    {"welfare.reporting.v1.QuerySafetyNet", WH_ROLE_SERVICE | WH_ROLE_OPERATOR, true,
     "the safety net's referrals, check-ins, credits and resources found of a dong set and a period, per "
     "member and per team"},
};

static void table_matches_the_roles_granted_before(void **state)
{
    (void)state;
    assert_command_table(reporting_service_def(), expected, sizeof expected / sizeof expected[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(table_matches_the_roles_granted_before)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

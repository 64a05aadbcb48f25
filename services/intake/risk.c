/*
 * risk.c — the risk score of a referral, from a rule table.
 *
 * Each indicator contributes min(value × weight, cap) points and the sum is capped at 100.  The rows
 * are the district's policy, not code: a hub that weighs arrears differently edits the table (and the
 * README's copy of it).  With the default threshold of the case service (50), an older person living
 * alone with three months of utility arrears (10 + 12 + 18 = 40) is watched, and the same person with
 * two months of rent arrears as well (56) gets a case.
 */
#include "intake.h"

const intake_risk_rule intake_risk_rules[] = {
    /* indicator                     name                       weight cap */
    {INTAKE_IND_UTILITY_ARREARS, "months_utility_arrears", 6, 24},
    {INTAKE_IND_RENT_ARREARS, "months_rent_arrears", 8, 24},
    {INTAKE_IND_INSURANCE_ARREARS, "months_insurance_arrears", 4, 16},
    {INTAKE_IND_LIVES_ALONE, "lives_alone", 12, 12},
    {INTAKE_IND_AGED_65, "aged_65_or_over", 10, 10},
    {INTAKE_IND_DISABILITY, "disability", 10, 10},
    {INTAKE_IND_CHRONIC_ILLNESS, "chronic_illness", 8, 8},
    {INTAKE_IND_UNEMPLOYED, "unemployed", 8, 8},
    {INTAKE_IND_SINGLE_PARENT, "single_parent", 6, 6},
};
const size_t intake_risk_rules_count = sizeof intake_risk_rules / sizeof intake_risk_rules[0];

#define INTAKE_RISK_MAX 100

int intake_risk_score(const int values[INTAKE_IND_COUNT])
{
    long score = 0;
    for (size_t i = 0; i < intake_risk_rules_count; i++) {
        const intake_risk_rule *r = &intake_risk_rules[i];
        long v = values[r->indicator] > 0 ? values[r->indicator] : 0;
        long points = v * r->weight;
        score += points < r->cap ? points : r->cap;
    }
    return score < INTAKE_RISK_MAX ? (int)score : INTAKE_RISK_MAX;
}

/*
 * affiliations.c — the safety net as data: the affiliations a member may have, the teams, the rule
 * that turns a check-in into a referral, and the checks of a RegisterMember (pure).
 */
#include <stdio.h>
#include <string.h>

#include "safety_net.h"

/* Who the seed's 1,160 members are: village foremen (통장, more than 80% women), shop owners,
 * delivery workers, religious groups, women's societies, community welfare committee members,
 * meter readers and other utility workers, and residents. */
const intake_affiliation intake_affiliations[] = {
    {"village_foreman", "통장", "village foreman"},
    {"shop", "상점", "shop owner"},
    {"delivery", "배달원", "delivery worker"},
    {"religious", "종교단체", "religious group"},
    {"womens_society", "부녀회", "women's society"},
    {"community_committee", "지역사회보장협의체", "community welfare committee"},
    {"utility_worker", "검침원", "meter reader or utility worker"},
    {"resident", "주민", "resident"},
};
const size_t intake_affiliations_count = sizeof intake_affiliations / sizeof intake_affiliations[0];

const intake_affiliation *intake_affiliation_find(const char *code)
{
    for (size_t i = 0; code && i < intake_affiliations_count; i++)
        if (strcmp(intake_affiliations[i].code, code) == 0)
            return &intake_affiliations[i];
    return NULL;
}

bool intake_team_valid(int team)
{
    return team >= WELFARE__INTAKE__V1__SAFETY_NET_TEAM__SAFETY_NET_TEAM_DISCOVERY &&
           team <= WELFARE__INTAKE__V1__SAFETY_NET_TEAM__SAFETY_NET_TEAM_VISITING_AND_CHECKING;
}

bool intake_check_in_refers(int outcome, int consecutive_not_seen)
{
    return outcome == WELFARE__INTAKE__V1__CHECK_IN_OUTCOME__CHECK_IN_OUTCOME_CONCERN ||
           (outcome == WELFARE__INTAKE__V1__CHECK_IN_OUTCOME__CHECK_IN_OUTCOME_NOT_SEEN &&
            consecutive_not_seen >= INTAKE_NOT_SEEN_REFERRAL_AFTER);
}

static int fail(intake_error *err, const char *field, const char *message)
{
    snprintf(err->field, sizeof err->field, "%s", field);
    err->message = message;
    return WH_INVALID_ARGUMENT;
}

int intake_validate_member(const Welfare__Intake__V1__RegisterMember *m, char phone[INTAKE_PHONE_DIGITS + 1],
                           intake_error *err)
{
    memset(err, 0, sizeof *err);
    phone[0] = '\0';
    if (!intake_dong_code_valid(m->dong_code))
        return fail(err, "dong_code", "dong_code must be 10 digits");
    if (!intake_team_valid(m->team))
        return fail(err, "team", "team must be discovery, resource_engaging or visiting_and_checking");
    if (!intake_affiliation_find(m->affiliation))
        return fail(err, "affiliation", "unknown affiliation (see the affiliation table)");
    if (!intake_utf8_ok(m->name, 1, 64))
        return fail(err, "name", "name must be 1..64 bytes of UTF-8");
    if (m->phone && *m->phone && intake_phone_digits(m->phone, phone) < 0)
        return fail(err, "phone", "phone must have 9..15 digits");
    if (!intake_date_parse(m->active_from, NULL, NULL, NULL))
        return fail(err, "active_from", "active_from must be YYYY-MM-DD");
    if (m->active_until && *m->active_until &&
        (!intake_date_parse(m->active_until, NULL, NULL, NULL) ||
         strcmp(m->active_until, m->active_from) < 0))
        return fail(err, "active_until", "active_until must be a date on or after active_from");
    return 0;
}

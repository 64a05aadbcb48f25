/*
 * discovery_events.c — the checks of the survey and safety-net events reporting keeps (pure), and
 * the figures' columns and the teams' labels as data.
 *
 * An event is uncountable when an id is missing, a dong code or a business date is not valid, an
 * enum is outside what intake defines, a count or an amount is negative, or a text is not UTF-8 of
 * its length: the check names the field, the handler rejects the event (dead-lettered, counted).
 */
#include <string.h>

#include "discovery.h"
#include "wh/status.h"
#include "wh/util.h"

const reporting_col_def reporting_survey_cols[REPORTING_SURVEY_COLS] = {
    [REPORTING_SURVEY_LISTED] = {"households_listed", "조사 대상 가구", "Households listed"},
    [REPORTING_SURVEY_SURVEYED] = {"households_surveyed", "조사 가구", "Households surveyed"},
    [REPORTING_SURVEY_NO_NEED] = {"no_need", "욕구 없음", "No need"},
    [REPORTING_SURVEY_NEED] = {"need", "욕구 있음 (의뢰)", "Need (referred)"},
    [REPORTING_SURVEY_NOT_REACHABLE] = {"not_reachable", "연락 불가", "Not reachable"},
    [REPORTING_SURVEY_REFUSED] = {"refused", "거부", "Refused"},
    [REPORTING_SURVEY_PENDING] = {"pending", "결과 미입력", "No result yet"},
    [REPORTING_SURVEY_LINKAGES] = {"service_linkages", "서비스 연계", "Service linkages"},
    [REPORTING_SURVEY_SUPPORT_KRW] = {"support_krw", "지원 금액", "Amount of support (KRW)"},
    [REPORTING_SURVEY_CASE_MANAGEMENT] = {"selected_for_case_management", "사례관리 선정",
                                          "Selected for case management"},
};

const reporting_col_def reporting_net_cols[REPORTING_NET_COLS] = {
    [REPORTING_NET_FILED] = {"referrals", "의뢰", "Referrals filed"},
    [REPORTING_NET_DISCOVERED] = {"households_discovered", "신규 발굴 가구", "Households discovered"},
    [REPORTING_NET_CHECK_INS] = {"check_ins", "안부 확인", "Check-ins"},
    [REPORTING_NET_SEEN_WELL] = {"seen_well", "이상 없음", "Seen well"},
    [REPORTING_NET_CONCERNS] = {"concerns", "우려", "Concerns"},
    [REPORTING_NET_NOT_SEEN] = {"not_seen", "미확인", "Not seen"},
    [REPORTING_NET_REFERRALS] = {"check_in_referrals", "의뢰로 이어짐", "Became referrals"},
    [REPORTING_NET_CREDIT_AID] = {"credited_selected_for_aid", "급여 선정 기여",
                                  "Credited: selected for aid"},
    [REPORTING_NET_CREDIT_CASE] = {"credited_cases_opened", "사례관리 기여", "Credited: case opened"},
    [REPORTING_NET_FOUND] = {"resources_found", "자원 발굴", "Resources found"},
    [REPORTING_NET_FOUND_KRW] = {"resources_found_krw", "발굴 자원 금액", "Found resources (KRW)"},
};

const reporting_col_def reporting_team_labels[REPORTING_TEAMS] = {
    {"unknown", "미상", "Unknown"},
    {"discovery", "발굴", "Discovery"},
    {"resource_engaging", "자원 연계", "Resource-engaging"},
    {"visiting_and_checking", "방문·안부 확인", "Visiting and checking"},
};

static int bad(const char **field, const char *name)
{
    *field = name;
    return WH_INVALID_ARGUMENT;
}

static bool text_ok(const char *s, size_t max)
{
    return s && *s && wh_utf8_valid(s, max);
}

int reporting_check_survey_created(const Welfare__Intake__V1__SurveyCreated *e, const char **field)
{
    if (e->survey_id <= 0)
        return bad(field, "survey_id");
    if (!text_ok(e->name, REPORTING_SURVEY_NAME_MAX - 1))
        return bad(field, "name");
    if (!text_ok(e->target_group, REPORTING_TARGET_MAX - 1))
        return bad(field, "target_group");
    if (e->n_dong_codes == 0 || e->n_dong_codes > REPORTING_SELECT_MAX)
        return bad(field, "dong_codes");
    for (size_t i = 0; i < e->n_dong_codes; i++)
        if (!reporting_dong_code_valid(e->dong_codes[i]))
            return bad(field, "dong_codes");
    if (!wh_date_valid(e->start_on))
        return bad(field, "start_on");
    if (!wh_date_valid(e->end_on) || strcmp(e->end_on, e->start_on) < 0)
        return bad(field, "end_on");
    return 0;
}

int reporting_check_survey_listed(const Welfare__Intake__V1__SurveyHouseholdsListed *e, const char **field)
{
    if (e->survey_id <= 0)
        return bad(field, "survey_id");
    if (e->n_dongs == 0 || e->n_dongs > REPORTING_SELECT_MAX)
        return bad(field, "dongs");
    for (size_t i = 0; i < e->n_dongs; i++) {
        if (!e->dongs[i] || !reporting_dong_code_valid(e->dongs[i]->dong_code))
            return bad(field, "dongs.dong_code");
        if (e->dongs[i]->households <= 0)
            return bad(field, "dongs.households");
        for (size_t j = 0; j < i; j++) /* one count per dong */
            if (strcmp(e->dongs[j]->dong_code, e->dongs[i]->dong_code) == 0)
                return bad(field, "dongs.dong_code");
    }
    return 0;
}

int reporting_check_survey_result(const Welfare__Intake__V1__SurveyResultRecorded *e, const char **field)
{
    if (e->survey_id <= 0)
        return bad(field, "survey_id");
    if (e->household_id <= 0)
        return bad(field, "household_id");
    if (!reporting_dong_code_valid(e->dong_code))
        return bad(field, "dong_code");
    if (e->outcome < WELFARE__INTAKE__V1__SURVEY_OUTCOME__SURVEY_OUTCOME_NO_NEED ||
        e->outcome > WELFARE__INTAKE__V1__SURVEY_OUTCOME__SURVEY_OUTCOME_REFUSED)
        return bad(field, "outcome");
    if (!wh_date_valid(e->surveyed_on))
        return bad(field, "surveyed_on");
    if (e->service_linkages < 0)
        return bad(field, "service_linkages");
    if (e->support_krw < 0)
        return bad(field, "support_krw");
    return 0;
}

static bool team_ok(int team)
{
    return team > 0 && team < REPORTING_TEAMS;
}

int reporting_check_member(const Welfare__Intake__V1__MemberRegistered *e, const char **field)
{
    if (e->member_id <= 0)
        return bad(field, "member_id");
    if (e->reporter_id < 0)
        return bad(field, "reporter_id");
    if (!reporting_dong_code_valid(e->dong_code))
        return bad(field, "dong_code");
    if (!team_ok(e->team))
        return bad(field, "team");
    if (!text_ok(e->affiliation, REPORTING_AFFILIATION_MAX - 1))
        return bad(field, "affiliation");
    if (!wh_date_valid(e->active_from))
        return bad(field, "active_from");
    if (e->active_until && *e->active_until &&
        (!wh_date_valid(e->active_until) || strcmp(e->active_until, e->active_from) < 0))
        return bad(field, "active_until");
    return 0;
}

int reporting_check_check_in(const Welfare__Intake__V1__CheckInRecorded *e, const char **field)
{
    if (e->check_in_id <= 0)
        return bad(field, "check_in_id");
    if (e->member_id <= 0)
        return bad(field, "member_id");
    if (e->outcome < WELFARE__INTAKE__V1__CHECK_IN_OUTCOME__CHECK_IN_OUTCOME_SEEN_WELL ||
        e->outcome > WELFARE__INTAKE__V1__CHECK_IN_OUTCOME__CHECK_IN_OUTCOME_NOT_SEEN)
        return bad(field, "outcome");
    if (!wh_date_valid(e->checked_on))
        return bad(field, "checked_on");
    if (e->referral_id < 0)
        return bad(field, "referral_id");
    return 0;
}

int reporting_check_credit(const Welfare__Intake__V1__MemberCredited *e, const char **field)
{
    if (e->member_id <= 0)
        return bad(field, "member_id");
    if (e->household_id <= 0)
        return bad(field, "household_id");
    if (e->kind != WELFARE__INTAKE__V1__MEMBER_CREDIT_KIND__MEMBER_CREDIT_KIND_SELECTED_FOR_AID &&
        e->kind != WELFARE__INTAKE__V1__MEMBER_CREDIT_KIND__MEMBER_CREDIT_KIND_CASE_OPENED)
        return bad(field, "kind");
    if (!wh_date_valid(e->credited_on))
        return bad(field, "credited_on");
    return 0;
}

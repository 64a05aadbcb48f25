/*
 * survey_targets.c — the survey target groups as data (the seed's surveys of 2014–2016) and the
 * checks of CreateSurvey and RecordSurveyResult that need no database (pure).
 */
#include <stdio.h>
#include <string.h>

#include "safety_net.h"
#include "survey.h"

const intake_survey_target intake_survey_targets[] = {
    {"children_vulnerable", "children aged under 12 in vulnerable households"},
    {"secondary_poor", "households in the secondary poor class"},
    {"seniors_waste_paper", "seniors collecting waste paper"},
    {"seniors_depression", "single seniors at risk of depression"},
    {"seniors_living_alone", "households aged over 60 living alone"},
    {"nbls_recipients", "households receiving basic livelihood security"},
    {"other", "another group (named by the survey)"},
};
const size_t intake_survey_targets_count = sizeof intake_survey_targets / sizeof intake_survey_targets[0];

const intake_survey_target *intake_survey_target_find(const char *code)
{
    for (size_t i = 0; code && i < intake_survey_targets_count; i++)
        if (strcmp(intake_survey_targets[i].code, code) == 0)
            return &intake_survey_targets[i];
    return NULL;
}

static int fail(intake_error *err, const char *message, const char *fmt, size_t i)
{
    snprintf(err->field, sizeof err->field, fmt, i);
    err->message = message;
    return WH_INVALID_ARGUMENT;
}

int intake_validate_survey(const Welfare__Intake__V1__CreateSurvey *m, intake_error *err)
{
    memset(err, 0, sizeof *err);
    if (!intake_utf8_ok(m->name, 1, 200))
        return fail(err, "name must be 1..200 bytes of UTF-8", "name", 0);
    if (!intake_survey_target_find(m->target_group))
        return fail(err, "unknown target group (see the survey target table)", "target_group", 0);
    if (m->n_dong_codes < 1 || m->n_dong_codes > INTAKE_SURVEY_MAX_DONGS)
        return fail(err, "a survey covers 1..64 dongs", "dong_codes", 0);
    for (size_t i = 0; i < m->n_dong_codes; i++)
        if (!intake_dong_code_valid(m->dong_codes[i]))
            return fail(err, "dong code must be 10 digits", "dong_codes.%zu", i);
    if (!intake_date_parse(m->start_on, NULL, NULL, NULL))
        return fail(err, "start_on must be YYYY-MM-DD", "start_on", 0);
    if (!intake_date_parse(m->end_on, NULL, NULL, NULL) || strcmp(m->end_on, m->start_on) < 0)
        return fail(err, "end_on must be a date on or after start_on", "end_on", 0);
    return 0;
}

int intake_validate_survey_result(const Welfare__Intake__V1__RecordSurveyResult *m, intake_error *err)
{
    memset(err, 0, sizeof *err);
    bool need = m->outcome == WELFARE__INTAKE__V1__SURVEY_OUTCOME__SURVEY_OUTCOME_NEED;
    if (m->survey_id <= 0)
        return fail(err, "survey_id is required", "survey_id", 0);
    if (m->household_id <= 0)
        return fail(err, "household_id is required", "household_id", 0);
    if (m->outcome < WELFARE__INTAKE__V1__SURVEY_OUTCOME__SURVEY_OUTCOME_NO_NEED ||
        m->outcome > WELFARE__INTAKE__V1__SURVEY_OUTCOME__SURVEY_OUTCOME_REFUSED)
        return fail(err, "outcome must be no_need, need, not_reachable or refused", "outcome", 0);
    if (!intake_date_parse(m->surveyed_on, NULL, NULL, NULL))
        return fail(err, "surveyed_on must be YYYY-MM-DD", "surveyed_on", 0);
    if (!intake_utf8_ok(m->concern, 0, 2000))
        return fail(err, "concern must be at most 2000 bytes of UTF-8", "concern", 0);
    if (m->service_linkages < 0 || m->service_linkages > 100 || (m->service_linkages && !need))
        return fail(err, "service_linkages must be 0..100, and 0 without a need", "service_linkages", 0);
    if (m->support_krw < 0 || m->support_krw > INTAKE_SURVEY_MAX_SUPPORT || (m->support_krw && !need))
        return fail(err, "support_krw must be 0..1,000,000,000, and 0 without a need", "support_krw", 0);
    if (m->selected_for_case_management && !need)
        return fail(err, "only a household in need is selected for case management",
                    "selected_for_case_management", 0);
    return 0;
}

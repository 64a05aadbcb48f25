/*
 * handle_survey.c — CreateSurvey, AddSurveyHouseholds (the bulk list), RecordSurveyResult (a NEED
 * becomes a referral of channel CHANNEL_SURVEY on the household, once), GetSurveyResults.
 *
 * Each command that changes a survey emits its event (SurveyCreated, SurveyHouseholdsListed,
 * SurveyResultRecorded) in the command's transaction, so reporting follows the surveys from the
 * intake stream alone.
 */
#include <stdlib.h>
#include <string.h>

#include "dongs.h"
#include "safety_net.h"
#include "survey.h"

static int emit_created(wh_ctx *ctx, const Welfare__Intake__V1__CreateSurvey *m, int64_t id)
{
    Welfare__Intake__V1__SurveyCreated ev = WELFARE__INTAKE__V1__SURVEY_CREATED__INIT;
    ev.survey_id = id;
    ev.name = m->name;
    ev.target_group = m->target_group;
    ev.n_dong_codes = m->n_dong_codes;
    ev.dong_codes = m->dong_codes;
    ev.start_on = m->start_on;
    ev.end_on = m->end_on;
    int rc = wh_ctx_emit(ctx, &ev.base);
    return rc < 0 ? wh_ctx_fail(ctx, rc, NULL, "could not emit an event") : 0;
}

int intake_handle_create_survey(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__CreateSurvey *m = (const void *)req;
    intake_error err;
    if (intake_validate_survey(m, &err) < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, err.field, "%s", err.message);
    int known =
        intake_dong_check_list(ctx, "dong_codes", (const char *const *)m->dong_codes, m->n_dong_codes);
    if (known < 0)
        return known;
    Welfare__Intake__V1__CreateSurveyReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__intake__v1__create_survey_reply__init(r);
    int rc = intake_store_insert_survey(wh_ctx_db(ctx), m, &r->survey_id);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not store the survey");
    if ((rc = emit_created(ctx, m, r->survey_id)) < 0)
        return rc;
    *reply = &r->base;
    return 0;
}

static const char *const add_refusals[] = {
    [SURVEY_ADD_UNKNOWN] = "no such household",
    [SURVEY_ADD_MERGED] = "household was merged into another",
    [SURVEY_ADD_OTHER_DONG] = "household is outside the survey's dongs",
};

/* The refused ids as errors[], the others (not listed yet) compacted into ok[]. */
static int sort_rows(wh_ctx *ctx, const Welfare__Intake__V1__AddSurveyHouseholds *m, const int *kind,
                     int64_t *ok, size_t *n_ok, Welfare__Intake__V1__AddSurveyHouseholdsReply *r)
{
    r->errors = wh_ctx_alloc(ctx, m->n_household_ids * sizeof *r->errors);
    if (!r->errors)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; i < m->n_household_ids; i++) {
        if (kind[i] == SURVEY_ADD_OK) {
            ok[(*n_ok)++] = m->household_ids[i];
            continue;
        }
        if (kind[i] == SURVEY_ADD_LISTED) {
            r->already_listed++;
            continue;
        }
        Welfare__Intake__V1__SurveyHouseholdError *e = wh_ctx_alloc(ctx, sizeof *e);
        if (!e)
            return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
        welfare__intake__v1__survey_household_error__init(e);
        e->row = (int64_t)i;
        e->household_id = m->household_ids[i];
        e->status = kind[i] == SURVEY_ADD_UNKNOWN ? WH_NOT_FOUND : WH_FAILED_PRECONDITION;
        e->message = (char *)add_refusals[kind[i]];
        r->errors[r->n_errors++] = e;
    }
    return 0;
}

int intake_handle_add_survey_households(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__AddSurveyHouseholds *m = (const void *)req;
    intake_survey s;
    if (m->n_household_ids < 1 || m->n_household_ids > INTAKE_SURVEY_MAX_HOUSEHOLDS)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "household_ids", "household_ids must hold 1..10000 ids");
    int rc = m->survey_id > 0 ? intake_store_get_survey(wh_ctx_db(ctx), m->survey_id, &s) : WH_NOT_FOUND;
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, "survey_id",
                           rc == WH_NOT_FOUND ? "no such survey" : "could not read survey");
    Welfare__Intake__V1__AddSurveyHouseholdsReply *r = wh_ctx_alloc(ctx, sizeof *r);
    int *kind = calloc(m->n_household_ids, sizeof *kind);
    int64_t *ok = calloc(m->n_household_ids, sizeof *ok);
    size_t n_ok = 0;
    if (!r || !kind || !ok) {
        rc = wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
        goto cleanup;
    }
    welfare__intake__v1__add_survey_households_reply__init(r);
    if ((rc = intake_store_survey_classify(wh_ctx_db(ctx), m->survey_id, m->household_ids, m->n_household_ids,
                                           kind)) < 0) {
        rc = wh_ctx_fail(ctx, rc, NULL, "could not read the households");
        goto cleanup;
    }
    if ((rc = sort_rows(ctx, m, kind, ok, &n_ok, r)) < 0)
        goto cleanup;
    Welfare__Intake__V1__SurveyHouseholdsListed listed = WELFARE__INTAKE__V1__SURVEY_HOUSEHOLDS_LISTED__INIT;
    listed.survey_id = m->survey_id;
    if ((rc = intake_store_survey_add(ctx, m->survey_id, ok, n_ok, &listed)) < 0) {
        rc = wh_ctx_fail(ctx, rc, NULL, "could not list the households");
        goto cleanup;
    }
    if (listed.added > 0 && (rc = wh_ctx_emit(ctx, &listed.base)) < 0) {
        rc = wh_ctx_fail(ctx, rc, NULL, "could not emit an event");
        goto cleanup;
    }
    r->added = listed.added;
    r->already_listed += (int32_t)n_ok - r->added; /* an id twice in one command */
    *reply = &r->base;
cleanup:
    free(kind);
    free(ok);
    return rc;
}

/* The household's result as it now stands, for reporting. */
static int emit_result(wh_ctx *ctx, const Welfare__Intake__V1__RecordSurveyResult *m, const char *dong_code,
                       int64_t referral_id)
{
    Welfare__Intake__V1__SurveyResultRecorded ev = WELFARE__INTAKE__V1__SURVEY_RESULT_RECORDED__INIT;
    ev.survey_id = m->survey_id;
    ev.household_id = m->household_id;
    ev.dong_code = (char *)dong_code;
    ev.outcome = m->outcome;
    ev.surveyed_on = m->surveyed_on;
    ev.service_linkages = m->service_linkages;
    ev.support_krw = m->support_krw;
    ev.selected_for_case_management = m->selected_for_case_management;
    ev.referral_id = referral_id;
    int rc = wh_ctx_emit(ctx, &ev.base);
    return rc < 0 ? wh_ctx_fail(ctx, rc, NULL, "could not emit an event") : 0;
}

int intake_handle_record_survey_result(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__RecordSurveyResult *m = (const void *)req;
    intake_error err;
    intake_survey s;
    int64_t referral_id = 0;
    char dong_code[16];
    if (intake_validate_survey_result(m, &err) < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, err.field, "%s", err.message);
    int rc = intake_store_get_survey(wh_ctx_db(ctx), m->survey_id, &s);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, "survey_id",
                           rc == WH_NOT_FOUND ? "no such survey" : "could not read survey");
    if (strcmp(m->surveyed_on, s.start_on) < 0 || strcmp(m->surveyed_on, s.end_on) > 0)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "surveyed_on",
                           "surveyed_on is outside the survey's period");
    if ((rc = intake_store_survey_listed(wh_ctx_db(ctx), m->survey_id, m->household_id, &referral_id,
                                         dong_code)) < 0)
        return wh_ctx_fail(ctx, rc == WH_NOT_FOUND ? WH_FAILED_PRECONDITION : rc, "household_id",
                           rc == WH_NOT_FOUND ? "the household is not on the survey's list"
                                              : "could not read the survey's list");
    Welfare__Intake__V1__RecordSurveyResultReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__intake__v1__record_survey_result_reply__init(r);
    if (m->outcome == WELFARE__INTAKE__V1__SURVEY_OUTCOME__SURVEY_OUTCOME_NEED && referral_id == 0) {
        intake_known_referral k = {
            .household_id = m->household_id,
            .channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SURVEY,
            .reported_on = m->surveyed_on,
        };
        if ((rc = intake_refer_known_household(ctx, &k, m->concern, &referral_id)) < 0)
            return rc;
        r->referral_id = referral_id;
    }
    if ((rc = intake_store_survey_result(wh_ctx_db(ctx), m, referral_id)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not store the result");
    if ((rc = emit_result(ctx, m, dong_code, referral_id)) < 0)
        return rc;
    *reply = &r->base;
    return 0;
}

int intake_handle_get_survey_results(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__GetSurveyResults *m = (const void *)req;
    if (m->survey_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "survey_id", "survey_id is required");
    Welfare__Intake__V1__GetSurveyResultsReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__intake__v1__get_survey_results_reply__init(r);
    int rc = intake_store_survey_results(ctx, m->survey_id, &r->results);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, "survey_id",
                           rc == WH_NOT_FOUND ? "no such survey" : "could not read survey");
    *reply = &r->base;
    return 0;
}

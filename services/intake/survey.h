/*
 * survey.h — survey campaigns: a survey of a target group in a set of dongs over a period, the
 * households on its list, and per household what it found (a NEED becomes a referral of channel
 * CHANNEL_SURVEY).  The target groups are data (survey_targets.c, pure, with CreateSurvey's and
 * RecordSurveyResult's checks); store_survey.c holds the SQL, handle_survey.c the commands.
 */
#ifndef INTAKE_SURVEY_H
#define INTAKE_SURVEY_H

#include "intake.h"

#include "welfare/intake/v1/survey.pb-c.h"

typedef struct intake_survey_target {
    const char *code;
    const char *name_en;
} intake_survey_target;

extern const intake_survey_target intake_survey_targets[];
extern const size_t intake_survey_targets_count;

/* The target group of that code, or NULL. */
const intake_survey_target *intake_survey_target_find(const char *code);

#define INTAKE_SURVEY_MAX_DONGS      64
#define INTAKE_SURVEY_MAX_HOUSEHOLDS 10000
#define INTAKE_SURVEY_MAX_SUPPORT    1000000000LL

/* The checks of CreateSurvey / RecordSurveyResult that need no database: 0, or WH_INVALID_ARGUMENT
 * with *err naming the field. */
int intake_validate_survey(const Welfare__Intake__V1__CreateSurvey *m, intake_error *err);
int intake_validate_survey_result(const Welfare__Intake__V1__RecordSurveyResult *m, intake_error *err);

/* --- store (store_survey.c) ---------------------------------------------------------------------- */

extern const wh_db_statement intake_survey_statements[];
extern const size_t intake_survey_statements_count;

typedef struct intake_survey {
    int64_t id;
    char start_on[INTAKE_DATE_LEN + 1], end_on[INTAKE_DATE_LEN + 1];
} intake_survey;

int intake_store_insert_survey(wh_db *db, const Welfare__Intake__V1__CreateSurvey *m, int64_t *id);
/* 0, or WH_NOT_FOUND. */
int intake_store_get_survey(wh_db *db, int64_t id, intake_survey *out);

/* What each of ids[n] is to the survey: SURVEY_ADD_* per id. */
enum { SURVEY_ADD_OK, SURVEY_ADD_LISTED, SURVEY_ADD_UNKNOWN, SURVEY_ADD_MERGED, SURVEY_ADD_OTHER_DONG };
int intake_store_survey_classify(wh_db *db, int64_t survey_id, const int64_t *ids, size_t n, int *kind);
/* Lists ids[n] (all SURVEY_ADD_OK): listed->added rows inserted, listed->dongs the same per dong (in
 * ctx memory, by dong code). */
int intake_store_survey_add(wh_ctx *ctx, int64_t survey_id, const int64_t *ids, size_t n,
                            Welfare__Intake__V1__SurveyHouseholdsListed *listed);

/* The household's row on the list: 0 with *referral_id (0 when none yet) and the household's dong, or
 * WH_NOT_FOUND. */
int intake_store_survey_listed(wh_db *db, int64_t survey_id, int64_t household_id, int64_t *referral_id,
                               char dong_code[16]);
int intake_store_survey_result(wh_db *db, const Welfare__Intake__V1__RecordSurveyResult *m,
                               int64_t referral_id);
int intake_store_survey_results(wh_ctx *ctx, int64_t survey_id, Welfare__Intake__V1__SurveyResults **out);

/* --- handlers (handle_survey.c) ------------------------------------------------------------------ */

int intake_handle_create_survey(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int intake_handle_add_survey_households(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int intake_handle_record_survey_result(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int intake_handle_get_survey_results(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);

#endif

/*
 * discovery.h — the discovery work that is not a KPI column: survey campaigns with the seed's
 * per-survey figures, and the human safety net's check-ins and credits per member and per team.
 *
 * Intake emits SurveyCreated, SurveyHouseholdsListed, SurveyResultRecorded, MemberRegistered,
 * CheckInRecorded and MemberCredited; reporting keeps them as rows of ids, codes, dates and counts
 * (0005_discovery.sql), with the registry's finds that credit a member or a team (finds.c,
 * 0009_member_finds.sql, 0010_team_finds.sql: the resource-engaging work), and sums them for a selection
 * (dongs, period) on the bus (QuerySurveys, QuerySafetyNet) and over HTTP (/api/surveys, /api/safety-net,
 * /dashboard/surveys).
 *
 *   discovery_events.c    the events' checks (pure) and the figure columns as data
 *   handlers_discovery.c  applying the events
 *   finds.c               the member or team a registry find credits (ResourceRegistered, DonationPledged,
 *                         DonationReceived), applied by handlers.c and handlers_batch.c
 *   store_discovery.c     the SQL
 *   discovery.c           building the figures of a selection (shared by the bus and HTTP)
 *   query_discovery.c     QuerySurveys, QuerySafetyNet
 *   http_discovery.c      /api/surveys, /api/safety-net, /dashboard/surveys
 */
#ifndef REPORTING_DISCOVERY_H
#define REPORTING_DISCOVERY_H

#include "reporting.h"
#include "welfare/intake/v1/safety_net.pb-c.h"
#include "welfare/intake/v1/survey.pb-c.h"
#include "welfare/reporting/v1/discovery.pb-c.h"

/* --- the figures' columns (data) ---------------------------------------------------------------- */

typedef enum reporting_survey_col {
    REPORTING_SURVEY_LISTED,
    REPORTING_SURVEY_SURVEYED,
    REPORTING_SURVEY_NO_NEED,
    REPORTING_SURVEY_NEED,
    REPORTING_SURVEY_NOT_REACHABLE,
    REPORTING_SURVEY_REFUSED,
    REPORTING_SURVEY_PENDING,
    REPORTING_SURVEY_LINKAGES,
    REPORTING_SURVEY_SUPPORT_KRW,
    REPORTING_SURVEY_CASE_MANAGEMENT,
    REPORTING_SURVEY_COLS
} reporting_survey_col;

typedef enum reporting_net_col {
    REPORTING_NET_FILED,
    REPORTING_NET_DISCOVERED,
    REPORTING_NET_CHECK_INS,
    REPORTING_NET_SEEN_WELL,
    REPORTING_NET_CONCERNS,
    REPORTING_NET_NOT_SEEN,
    REPORTING_NET_REFERRALS,
    REPORTING_NET_CREDIT_AID,
    REPORTING_NET_CREDIT_CASE,
    REPORTING_NET_FOUND,
    REPORTING_NET_FOUND_KRW,
    REPORTING_NET_COLS
} reporting_net_col;

/* A column: its JSON key and its Korean and English labels. */
typedef struct reporting_col_def {
    const char *key, *label_ko, *label_en;
} reporting_col_def;

extern const reporting_col_def reporting_survey_cols[REPORTING_SURVEY_COLS];
extern const reporting_col_def reporting_net_cols[REPORTING_NET_COLS];
/* The teams' labels, indexed by welfare.intake.v1.SafetyNetTeam (0 unknown). */
#define REPORTING_TEAMS 4
extern const reporting_col_def reporting_team_labels[REPORTING_TEAMS];

/* --- the events' checks (discovery_events.c, pure) ------------------------------------------------ */

/* 0, or WH_INVALID_ARGUMENT with *field naming what makes the event uncountable. */
int reporting_check_survey_created(const Welfare__Intake__V1__SurveyCreated *e, const char **field);
int reporting_check_survey_listed(const Welfare__Intake__V1__SurveyHouseholdsListed *e, const char **field);
int reporting_check_survey_result(const Welfare__Intake__V1__SurveyResultRecorded *e, const char **field);
int reporting_check_member(const Welfare__Intake__V1__MemberRegistered *e, const char **field);
int reporting_check_check_in(const Welfare__Intake__V1__CheckInRecorded *e, const char **field);
int reporting_check_credit(const Welfare__Intake__V1__MemberCredited *e, const char **field);

/* --- store (store_discovery.c) -------------------------------------------------------------------- */

extern const wh_db_statement reporting_discovery_statements[];
extern const size_t reporting_discovery_statements_count;

int reporting_store_survey(wh_db *db, const Welfare__Intake__V1__SurveyCreated *e);
int reporting_store_survey_listed(wh_db *db, const Welfare__Intake__V1__SurveyHouseholdsListed *e);
int reporting_store_survey_result(wh_db *db, const Welfare__Intake__V1__SurveyResultRecorded *e);
int reporting_store_member(wh_db *db, const Welfare__Intake__V1__MemberRegistered *e);
int reporting_store_check_in(wh_db *db, const Welfare__Intake__V1__CheckInRecorded *e);
int reporting_store_credit(wh_db *db, const Welfare__Intake__V1__MemberCredited *e);

/* A find of the registry's ledger credited to the safety net: what it records (source and the
 * registry's id of it), the member credited or (member 0) the team credited with the find's dong, its
 * business date, 1 for a find (a resource, a pledge) or 0 for a receipt, and its value in KRW. */
typedef enum reporting_find_source {
    REPORTING_FIND_RESOURCE = 1,
    REPORTING_FIND_PLEDGE = 2,
    REPORTING_FIND_RECEIPT = 3,
} reporting_find_source;

typedef struct reporting_find {
    reporting_find_source source;
    int64_t source_id, member_id;
    int team;              /* a team's own find (member_id 0): welfare.intake.v1.SafetyNetTeam */
    const char *dong_code; /* a team's own find: the dong it was found in; "" for a member's */
    const char *found_on;
    int finds;
    int64_t amount_krw;
} reporting_find;

int reporting_store_find(wh_db *db, const reporting_find *f);

/* finds.c: true when m is a ResourceRegistered, DonationPledged or DonationReceived whose finder
 * names a member (member_id > 0) or, without one, a team, with *out its find (pure; m already
 * checked as a fact). */
bool reporting_find_of(const ProtobufCMessage *m, reporting_find *out);
/* Stores m's find when it credits a member or a team; 0 (nothing to store) or a negative status. */
int reporting_apply_find(wh_db *db, const ProtobufCMessage *m);

/* The rows of a (checked) selection; NULL on failure (wh_db_last_status).  Surveys: id, name, target
 * group, start, end, then the REPORTING_SURVEY_COLS figures.  Members: id, dong, team, affiliation,
 * then the REPORTING_NET_COLS figures. */
PGresult *reporting_store_surveys(wh_db *db, const reporting_selection *s);
PGresult *reporting_store_safety_net(wh_db *db, const reporting_selection *s);
/* The teams' own finds (no member named) found in the dongs in the period: team, finds, KRW. */
PGresult *reporting_store_team_finds(wh_db *db, const reporting_selection *s);

/* --- the figures of a selection (discovery.c) ----------------------------------------------------- */

#define REPORTING_SURVEY_NAME_MAX 201 /* bytes of a survey's name, with its NUL */
#define REPORTING_TARGET_MAX      65
#define REPORTING_AFFILIATION_MAX 65

typedef struct reporting_survey_row {
    int64_t survey_id;
    char name[REPORTING_SURVEY_NAME_MAX], target_group[REPORTING_TARGET_MAX];
    char start_on[REPORTING_DATE_LEN], end_on[REPORTING_DATE_LEN];
    int64_t v[REPORTING_SURVEY_COLS];
} reporting_survey_row;

typedef struct reporting_surveys {
    char from_on[REPORTING_DATE_LEN], to_on[REPORTING_DATE_LEN];
    reporting_survey_row *rows;
    size_t n_rows;
    int64_t total[REPORTING_SURVEY_COLS];
} reporting_surveys;

typedef struct reporting_member_row {
    int64_t member_id;
    char dong_code[REPORTING_DONG_MAX], affiliation[REPORTING_AFFILIATION_MAX];
    int team;
    int64_t v[REPORTING_NET_COLS];
} reporting_member_row;

typedef struct reporting_team_row {
    int team;
    int64_t members;
    int64_t v[REPORTING_NET_COLS];
} reporting_team_row;

typedef struct reporting_safety_net {
    char from_on[REPORTING_DATE_LEN], to_on[REPORTING_DATE_LEN];
    reporting_member_row *members;
    size_t n_members;
    reporting_team_row teams[REPORTING_TEAMS]; /* those with members or finds, by team, first n_teams */
    size_t n_teams;
    int64_t total[REPORTING_NET_COLS];
} reporting_safety_net;

/* Checks the selection (as QueryKpi: codes, dates, known dongs) and reads the figures: 0, or
 * WH_INVALID_ARGUMENT with *field and *why, or another status.  Free with the _free functions (also
 * after an error). */
int reporting_build_surveys(wh_db *db, const reporting_selection *s, reporting_surveys *out,
                            const char **field, const char **why);
void reporting_surveys_free(reporting_surveys *s);
int reporting_build_safety_net(wh_db *db, const reporting_selection *s, reporting_safety_net *out,
                               const char **field, const char **why);
void reporting_safety_net_free(reporting_safety_net *n);

/* The same on the HTTP thread's read-only connection (http.c). */
int reporting_http_build_surveys(const reporting_selection *s, reporting_surveys *out, const char **field,
                                 const char **why);
int reporting_http_build_safety_net(const reporting_selection *s, reporting_safety_net *out,
                                    const char **field, const char **why);

/* --- the bus (handlers_discovery.c, query_discovery.c) -------------------------------------------- */

int reporting_apply_survey_created(wh_ctx *ctx, const ProtobufCMessage *m);
int reporting_apply_survey_listed(wh_ctx *ctx, const ProtobufCMessage *m);
int reporting_apply_survey_result(wh_ctx *ctx, const ProtobufCMessage *m);
int reporting_apply_member(wh_ctx *ctx, const ProtobufCMessage *m);
int reporting_apply_check_in(wh_ctx *ctx, const ProtobufCMessage *m);
int reporting_apply_credit(wh_ctx *ctx, const ProtobufCMessage *m);

int reporting_handle_query_surveys(wh_ctx *ctx, const ProtobufCMessage *request, ProtobufCMessage **reply);
int reporting_handle_query_safety_net(wh_ctx *ctx, const ProtobufCMessage *request, ProtobufCMessage **reply);

/* --- HTTP (http_discovery.c) ---------------------------------------------------------------------- */

/* Adds /api/surveys, /api/safety-net and /dashboard/surveys: 0 or -1. */
int reporting_http_discovery_routes(wh_http *http);

#endif

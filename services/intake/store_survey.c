/*
 * store_survey.c — survey campaigns' SQL: the survey, its list (classified and added set-wise, one
 * statement each for a block of ids), a household's result, and the per-survey counts.
 */
#include <stdio.h>
#include <string.h>

#include "survey.h"
#include "wh/db_rows.h"
#include "wh/sqlarray.h"

const wh_db_statement intake_survey_statements[] = {
    {"intake_survey_insert", "INSERT INTO survey (name, target_group, dong_codes, start_on, end_on) VALUES "
                             "($1, $2, $3::text[], $4, $5) "
                             "RETURNING id"},
    {"intake_survey_get", "SELECT id, start_on::text, end_on::text FROM survey WHERE id = $1"},
    {"intake_survey_classify",
     /* per id (ordinality = position): 1 listed already, 2 unknown, 3 merged, 4 outside the dongs */
     "SELECT k.i, CASE WHEN sh.household_id IS NOT NULL THEN 1 WHEN h.id IS NULL THEN 2 "
     "WHEN h.merged_into IS NOT NULL THEN 3 WHEN NOT h.dong_code = ANY (s.dong_codes) THEN 4 ELSE 0 END "
     "FROM unnest($2::bigint[]) WITH ORDINALITY AS k (id, i) JOIN survey s ON s.id = $1 "
     "LEFT JOIN household h ON h.id = k.id "
     "LEFT JOIN survey_household sh ON sh.survey_id = $1 AND sh.household_id = k.id"},
    {"intake_survey_add",
     /* the households newly listed, counted per dong (SurveyHouseholdsListed) */
     "WITH added AS (INSERT INTO survey_household (survey_id, household_id) SELECT $1, id "
     "FROM unnest($2::bigint[]) AS id ON CONFLICT DO NOTHING RETURNING household_id) "
     "SELECT h.dong_code, count(*) FROM added JOIN household h ON h.id = added.household_id "
     "GROUP BY h.dong_code ORDER BY h.dong_code"},
    {"intake_survey_listed",
     "SELECT COALESCE(sh.referral_id, 0), h.dong_code FROM survey_household sh "
     "JOIN household h ON h.id = sh.household_id WHERE sh.survey_id = $1 AND sh.household_id = $2"},
    {"intake_survey_result",
     "UPDATE survey_household SET outcome = $3, surveyed_on = $4, service_linkages = $5, support_krw = $6, "
     "selected_for_case_management = $7, referral_id = NULLIF($8, 0) WHERE survey_id = $1 AND household_id = "
     "$2"},
    {"intake_survey_results",
     "SELECT s.id, s.name, s.target_group, s.start_on::text, s.end_on::text, count(sh.household_id), "
     "count(*) FILTER (WHERE sh.outcome IN (1, 2)), count(*) FILTER (WHERE sh.outcome = 1), "
     "count(*) FILTER (WHERE sh.outcome = 2), count(*) FILTER (WHERE sh.outcome = 3), "
     "count(*) FILTER (WHERE sh.outcome = 4), count(*) FILTER (WHERE sh.outcome = 0), "
     "COALESCE(sum(sh.service_linkages), 0), COALESCE(sum(sh.support_krw), 0), "
     "count(*) FILTER (WHERE sh.selected_for_case_management), array_to_string(s.dong_codes, ',') "
     "FROM survey s LEFT JOIN survey_household sh ON sh.survey_id = s.id WHERE s.id = $1 GROUP BY s.id"},
};
const size_t intake_survey_statements_count =
    sizeof intake_survey_statements / sizeof intake_survey_statements[0];

int intake_store_insert_survey(wh_db *db, const Welfare__Intake__V1__CreateSurvey *m, int64_t *id)
{
    wh_sqlarray a = {0};
    for (size_t i = 0; i < m->n_dong_codes; i++)
        wh_sqlarray_text(&a, m->dong_codes[i]);
    wh_params p;
    PGresult *r = NULL;
    wh_params_reset(&p);
    wh_params_text(&p, m->name);
    wh_params_text(&p, m->target_group);
    wh_params_text(&p, wh_sqlarray_value(&a));
    wh_params_text(&p, m->start_on);
    wh_params_text(&p, m->end_on);
    int rc = a.failed ? WH_INTERNAL : wh_db_query_row(db, "intake_survey_insert", &p, &r);
    wh_sqlarray_free(&a);
    if (rc < 0 || !r)
        return rc < 0 ? rc : WH_INTERNAL;
    *id = wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    return 0;
}

int intake_store_get_survey(wh_db *db, int64_t id, intake_survey *out)
{
    PGresult *r;
    int rc = wh_db_row_by_id(db, "intake_survey_get", id, &r);
    if (rc != 0)
        return rc;
    out->id = wh_db_i64(r, 0, 0, 0);
    snprintf(out->start_on, sizeof out->start_on, "%s", wh_db_text(r, 0, 1));
    snprintf(out->end_on, sizeof out->end_on, "%s", wh_db_text(r, 0, 2));
    PQclear(r);
    return 0;
}

/* Runs statement ($1 the survey, $2 the ids as an array): 0 with *out (caller PQclear()s), or a
 * negative status. */
static int ids_statement(wh_db *db, const char *statement, int64_t survey_id, const int64_t *ids, size_t n,
                         PGresult **out)
{
    wh_sqlarray a = {0};
    for (size_t i = 0; i < n; i++)
        wh_sqlarray_i64(&a, ids[i]);
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, survey_id);
    wh_params_text(&p, wh_sqlarray_value(&a));
    int rc = WH_INTERNAL;
    if (!a.failed)
        rc = (*out = wh_db_query(db, statement, &p)) ? 0 : wh_db_last_status(db);
    wh_sqlarray_free(&a);
    return rc;
}

int intake_store_survey_classify(wh_db *db, int64_t survey_id, const int64_t *ids, size_t n, int *kind)
{
    PGresult *r = NULL;
    int rc = ids_statement(db, "intake_survey_classify", survey_id, ids, n, &r);
    for (int k = 0; rc == 0 && k < PQntuples(r); k++) {
        int64_t i = wh_db_i64(r, k, 0, 0) - 1;
        if (i >= 0 && (size_t)i < n)
            kind[i] = (int)wh_db_i64(r, k, 1, 0);
    }
    PQclear(r);
    return rc;
}

int intake_store_survey_add(wh_ctx *ctx, int64_t survey_id, const int64_t *ids, size_t n,
                            Welfare__Intake__V1__SurveyHouseholdsListed *listed)
{
    PGresult *r = NULL;
    listed->added = 0;
    listed->n_dongs = 0;
    if (n == 0)
        return 0;
    int rc = ids_statement(wh_ctx_db(ctx), "intake_survey_add", survey_id, ids, n, &r);
    int rows = rc == 0 ? PQntuples(r) : 0;
    listed->dongs = rows ? wh_ctx_alloc(ctx, (size_t)rows * sizeof *listed->dongs) : NULL;
    for (int k = 0; rc == 0 && k < rows; k++) {
        Welfare__Intake__V1__SurveyDongCount *d = wh_ctx_alloc(ctx, sizeof *d);
        if (!listed->dongs || !d) {
            rc = WH_INTERNAL;
            break;
        }
        welfare__intake__v1__survey_dong_count__init(d);
        d->dong_code = wh_ctx_db_text(ctx, r, k, 0);
        d->households = (int32_t)wh_db_i64(r, k, 1, 0);
        if (!d->dong_code) {
            rc = WH_INTERNAL;
            break;
        }
        listed->added += d->households;
        listed->dongs[listed->n_dongs++] = d;
    }
    PQclear(r);
    return rc;
}

int intake_store_survey_listed(wh_db *db, int64_t survey_id, int64_t household_id, int64_t *referral_id,
                               char dong_code[16])
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, survey_id);
    wh_params_i64(&p, household_id);
    int rc = wh_db_query_row(db, "intake_survey_listed", &p, &r);
    if (rc < 0)
        return rc;
    if (!r)
        return WH_NOT_FOUND;
    *referral_id = wh_db_i64(r, 0, 0, 0);
    snprintf(dong_code, 16, "%s", wh_db_text(r, 0, 1));
    PQclear(r);
    return 0;
}

int intake_store_survey_result(wh_db *db, const Welfare__Intake__V1__RecordSurveyResult *m,
                               int64_t referral_id)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, m->survey_id);
    wh_params_i64(&p, m->household_id);
    wh_params_i64(&p, m->outcome);
    wh_params_text(&p, m->surveyed_on);
    wh_params_i64(&p, m->service_linkages);
    wh_params_i64(&p, m->support_krw);
    wh_params_bool(&p, m->selected_for_case_management);
    wh_params_i64(&p, referral_id);
    int64_t n = wh_db_exec(db, "intake_survey_result", &p);
    return n < 0 ? (int)n : n == 1 ? 0 : WH_NOT_FOUND;
}

static int32_t i32(const PGresult *r, int col)
{
    return (int32_t)wh_db_i64(r, 0, col, 0);
}

int intake_store_survey_results(wh_ctx *ctx, int64_t survey_id, Welfare__Intake__V1__SurveyResults **out)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, survey_id);
    int rc = wh_db_query_row(wh_ctx_db(ctx), "intake_survey_results", &p, &r);
    if (rc < 0)
        return rc;
    if (!r)
        return WH_NOT_FOUND;
    Welfare__Intake__V1__SurveyResults *s = wh_ctx_alloc(ctx, sizeof *s);
    char *dongs = s ? wh_ctx_db_text(ctx, r, 0, 15) : NULL;
    char **list = s ? wh_ctx_alloc(ctx, INTAKE_SURVEY_MAX_DONGS * sizeof *list) : NULL;
    if (!s || !dongs || !list) {
        PQclear(r);
        return WH_INTERNAL;
    }
    welfare__intake__v1__survey_results__init(s);
    s->survey_id = wh_db_i64(r, 0, 0, 0);
    s->name = wh_ctx_db_text(ctx, r, 0, 1);
    s->target_group = wh_ctx_db_text(ctx, r, 0, 2);
    s->start_on = wh_ctx_db_text(ctx, r, 0, 3);
    s->end_on = wh_ctx_db_text(ctx, r, 0, 4);
    s->households_listed = i32(r, 5);
    s->households_surveyed = i32(r, 6);
    s->no_need = i32(r, 7);
    s->need = i32(r, 8);
    s->not_reachable = i32(r, 9);
    s->refused = i32(r, 10);
    s->pending = i32(r, 11);
    s->service_linkages = i32(r, 12);
    s->support_krw = wh_db_i64(r, 0, 13, 0);
    s->selected_for_case_management = i32(r, 14);
    PQclear(r);
    for (char *save = NULL, *d = strtok_r(dongs, ",", &save); d && s->n_dong_codes < INTAKE_SURVEY_MAX_DONGS;
         d = strtok_r(NULL, ",", &save))
        list[s->n_dong_codes++] = d;
    s->dong_codes = list;
    *out = s;
    return s->name && s->target_group && s->start_on && s->end_on ? 0 : WH_INTERNAL;
}

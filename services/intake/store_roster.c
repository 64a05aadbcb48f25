/*
 * store_roster.c — the roster's SQL: persons by resident-number hash, a household's members, the
 * enrolments of a set of persons, and the enrolments written set-wise (one INSERT … unnest for the
 * new ones with ids taken from the sequence first, one UPDATE … FROM unnest for the changed ones).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dongs.h"
#include "import_rows.h"
#include "roster.h"
#include "safety_net.h"
#include "survey.h"
#include "wh/sqlarray.h"

#define ENROLMENT_COLUMNS                                                                                    \
    "e.id, e.person_id, e.programme, e.start_on::text, COALESCE(e.end_on::text, ''), e.exit_reason, "        \
    "e.source, e.decided_from"

const wh_db_statement intake_roster_statements[] = {
    {"intake_roster_persons_by_rrn",
     /* index probes on person_rrn_hash_key, one per hash (ordinality = the caller's position) */
     "SELECT k.i, p.id, p.household_id, h.dong_code FROM unnest($1::bytea[]) WITH ORDINALITY AS k (rrn, i) "
     "JOIN person p ON p.rrn_hash = k.rrn JOIN household h ON h.id = p.household_id"},
    {"intake_roster_person_by_name_key",
     "SELECT p.id, p.household_id, h.dong_code FROM person p JOIN household h ON h.id = p.household_id "
     "WHERE p.household_id = $1 AND p.name_key = $2 ORDER BY p.id LIMIT 1"},
    {"intake_roster_household", "SELECT dong_code, COALESCE(merged_into, 0) FROM household WHERE id = $1"},
    {"intake_roster_members", "SELECT id FROM person WHERE household_id = $1 ORDER BY id"},
    {"intake_roster_enrolments_of",
     "SELECT " ENROLMENT_COLUMNS " FROM enrolment e WHERE e.person_id = ANY ($1::bigint[]) "
     "ORDER BY e.person_id, e.id"},
    {"intake_roster_enrolment",
     "SELECT " ENROLMENT_COLUMNS ", p.household_id, h.dong_code FROM enrolment e "
     "JOIN person p ON p.id = e.person_id JOIN household h ON h.id = p.household_id WHERE e.id = $1"},
    {"intake_roster_ids", "SELECT nextval('enrolment_id_seq') FROM generate_series(1, $1::integer)"},
    {"intake_roster_insert",
     "INSERT INTO enrolment (id, person_id, programme, start_on, end_on, source, exit_reason, decided_from) "
     "SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::date[], $5::date[], $6::integer[], "
     "$7::integer[], $8::text[])"},
    {"intake_roster_update",
     "UPDATE enrolment e SET end_on = u.end_on, exit_reason = u.exit_reason FROM "
     "unnest($1::bigint[], $2::date[], $3::integer[]) AS u (id, end_on, exit_reason) WHERE e.id = u.id"},
};
const size_t intake_roster_statements_count =
    sizeof intake_roster_statements / sizeof intake_roster_statements[0];

const wh_db_statement *intake_all_statements(size_t *n)
{
    static const wh_db_statement_part parts[] = {
        {intake_statements, &intake_statements_count},
        {intake_roster_statements, &intake_roster_statements_count},
        {intake_merge_statements, &intake_merge_statements_count},
        {intake_safety_net_statements, &intake_safety_net_statements_count},
        {intake_survey_statements, &intake_survey_statements_count},
        {intake_dong_statements, &intake_dong_statements_count},
        {intake_import_row_statements, &intake_import_row_statements_count},
        {intake_tie_statements, &intake_tie_statements_count},
    };
    return wh_db_statements_join(parts, sizeof parts / sizeof parts[0], n);
}

static void copy_dong(char out[16], const char *s)
{
    snprintf(out, 16, "%s", s ? s : "");
}

int intake_store_persons_by_rrn(wh_db *db, const char *const *rrn_hashes, size_t n,
                                intake_roster_person *persons, bool *found)
{
    memset(found, 0, n * sizeof *found);
    if (n == 0)
        return 0;
    wh_sqlarray a = {0};
    for (size_t i = 0; i < n; i++)
        wh_sqlarray_text(&a, rrn_hashes[i]);
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, wh_sqlarray_value(&a));
    PGresult *r = a.failed ? NULL : wh_db_query(db, "intake_roster_persons_by_rrn", &p);
    int rc = r ? 0 : a.failed ? WH_INTERNAL : wh_db_last_status(db);
    for (int k = 0; r && k < PQntuples(r); k++) {
        int64_t i = wh_db_i64(r, k, 0, 0) - 1;
        if (i < 0 || (size_t)i >= n)
            continue;
        found[i] = true;
        persons[i].person_id = wh_db_i64(r, k, 1, 0);
        persons[i].household_id = wh_db_i64(r, k, 2, 0);
        copy_dong(persons[i].dong_code, wh_db_text(r, k, 3));
    }
    if (r)
        PQclear(r);
    wh_sqlarray_free(&a);
    return rc;
}

int intake_store_person_by_name_key(wh_db *db, int64_t household_id, const char *name_key,
                                    intake_roster_person *out)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, household_id);
    wh_params_text(&p, name_key);
    int rc = wh_db_query_row(db, "intake_roster_person_by_name_key", &p, &r);
    if (rc < 0)
        return rc;
    if (!r)
        return WH_NOT_FOUND;
    out->person_id = wh_db_i64(r, 0, 0, 0);
    out->household_id = wh_db_i64(r, 0, 1, 0);
    copy_dong(out->dong_code, wh_db_text(r, 0, 2));
    PQclear(r);
    return 0;
}

int intake_store_household_members(wh_db *db, int64_t household_id, int64_t **ids, size_t *n,
                                   char dong_code[16], int64_t *merged_into)
{
    wh_params p;
    PGresult *r;
    *ids = NULL;
    *n = 0;
    int rc = wh_db_row_by_id(db, "intake_roster_household", household_id, &r);
    if (rc != 0)
        return rc;
    copy_dong(dong_code, wh_db_text(r, 0, 0));
    *merged_into = wh_db_i64(r, 0, 1, 0);
    PQclear(r);
    if (*merged_into)
        return WH_FAILED_PRECONDITION;
    wh_params_reset(&p);
    wh_params_i64(&p, household_id);
    if (!(r = wh_db_query(db, "intake_roster_members", &p)))
        return wh_db_last_status(db);
    int rows = PQntuples(r);
    *ids = malloc((size_t)(rows ? rows : 1) * sizeof **ids);
    for (int i = 0; *ids && i < rows; i++)
        (*ids)[(*n)++] = wh_db_i64(r, i, 0, 0);
    PQclear(r);
    return *ids ? 0 : WH_INTERNAL;
}

static void enrolment_from(const PGresult *r, int i, intake_enrolment *e)
{
    memset(e, 0, sizeof *e);
    e->id = wh_db_i64(r, i, 0, 0);
    e->person_id = wh_db_i64(r, i, 1, 0);
    snprintf(e->programme, sizeof e->programme, "%s", wh_db_text(r, i, 2));
    e->start = intake_day_number(wh_db_text(r, i, 3));
    const char *end = wh_db_text(r, i, 4);
    e->end = end && end[0] ? intake_day_number(end) : INTAKE_DAY_OPEN;
    e->exit_reason = (int)wh_db_i64(r, i, 5, 0);
    e->source = (int)wh_db_i64(r, i, 6, 0);
    snprintf(e->decided_from, sizeof e->decided_from, "%s", wh_db_text(r, i, 7) ? wh_db_text(r, i, 7) : "");
}

int intake_store_enrolments_of(wh_db *db, const int64_t *person_ids, size_t n, intake_enrolment **out,
                               size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    wh_sqlarray a = {0};
    for (size_t i = 0; i < n; i++)
        wh_sqlarray_i64(&a, person_ids[i]);
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, n ? wh_sqlarray_value(&a) : "{}");
    PGresult *r = a.failed ? NULL : wh_db_query(db, "intake_roster_enrolments_of", &p);
    int rc = r ? 0 : a.failed ? WH_INTERNAL : wh_db_last_status(db);
    if (r) {
        int rows = PQntuples(r);
        *out = malloc((size_t)(rows ? rows : 1) * sizeof **out);
        for (int i = 0; *out && i < rows; i++)
            enrolment_from(r, i, &(*out)[(*n_out)++]);
        rc = *out ? 0 : WH_INTERNAL;
        PQclear(r);
    }
    wh_sqlarray_free(&a);
    return rc;
}

int intake_store_enrolment(wh_db *db, int64_t id, intake_enrolment *e, intake_roster_person *p)
{
    wh_params q;
    PGresult *r;
    wh_params_reset(&q);
    wh_params_i64(&q, id);
    int rc = wh_db_query_row(db, "intake_roster_enrolment", &q, &r);
    if (rc < 0)
        return rc;
    if (!r)
        return WH_NOT_FOUND;
    enrolment_from(r, 0, e);
    p->person_id = e->person_id;
    p->household_id = wh_db_i64(r, 0, 8, 0);
    copy_dong(p->dong_code, wh_db_text(r, 0, 9));
    PQclear(r);
    return 0;
}

static void day_cell(wh_sqlarray *a, int32_t day)
{
    char d[INTAKE_DATE_LEN + 1];
    if (day == INTAKE_DAY_OPEN)
        wh_sqlarray_null(a);
    else {
        intake_day_format(day, d);
        wh_sqlarray_text(a, d);
    }
}

static int take_ids(wh_db *db, intake_enrolment *rows, size_t n)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, (int64_t)n);
    PGresult *r = wh_db_query(db, "intake_roster_ids", &p);
    if (!r)
        return wh_db_last_status(db);
    int rc = (size_t)PQntuples(r) == n ? 0 : WH_INTERNAL;
    /* a sequence hands out increasing values: sorted is the order they were taken in */
    int64_t prev = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rows[i].id = wh_db_i64(r, (int)i, 0, 0);
        if (rows[i].id <= prev)
            rc = WH_INTERNAL;
        prev = rows[i].id;
    }
    PQclear(r);
    return rc;
}

static int insert_rows(wh_db *db, const intake_enrolment *rows, size_t n)
{
    wh_sqlarray col[8] = {{0}};
    for (size_t i = 0; i < n; i++) {
        const intake_enrolment *e = &rows[i];
        char d[INTAKE_DATE_LEN + 1];
        wh_sqlarray_i64(&col[0], e->id);
        wh_sqlarray_i64(&col[1], e->person_id);
        wh_sqlarray_text(&col[2], e->programme);
        intake_day_format(e->start, d);
        wh_sqlarray_text(&col[3], d);
        day_cell(&col[4], e->end);
        wh_sqlarray_i64(&col[5], e->source);
        wh_sqlarray_i64(&col[6], e->exit_reason);
        wh_sqlarray_text(&col[7], e->decided_from);
    }
    wh_params p;
    wh_params_reset(&p);
    bool failed = false;
    for (int c = 0; c < 8; c++) {
        failed |= col[c].failed;
        wh_params_text(&p, wh_sqlarray_value(&col[c]));
    }
    int64_t rc = failed ? WH_INTERNAL : wh_db_exec(db, "intake_roster_insert", &p);
    for (int c = 0; c < 8; c++)
        wh_sqlarray_free(&col[c]);
    return rc < 0 ? (int)rc : 0;
}

static int update_rows(wh_db *db, const intake_enrolment *rows, size_t n)
{
    wh_sqlarray col[3] = {{0}};
    for (size_t i = 0; i < n; i++) {
        wh_sqlarray_i64(&col[0], rows[i].id);
        day_cell(&col[1], rows[i].end);
        wh_sqlarray_i64(&col[2], rows[i].exit_reason);
    }
    wh_params p;
    wh_params_reset(&p);
    bool failed = false;
    for (int c = 0; c < 3; c++) {
        failed |= col[c].failed;
        wh_params_text(&p, wh_sqlarray_value(&col[c]));
    }
    int64_t rc = failed ? WH_INTERNAL : wh_db_exec(db, "intake_roster_update", &p);
    for (int c = 0; c < 3; c++)
        wh_sqlarray_free(&col[c]);
    return rc < 0 ? (int)rc : 0;
}

int intake_store_write_enrolments(wh_db *db, intake_enrolment *rows, size_t n,
                                  const intake_enrolment *changed, size_t m)
{
    int rc = 0;
    if (n > 0 && (rc = take_ids(db, rows, n)) == 0)
        rc = insert_rows(db, rows, n);
    if (rc == 0 && m > 0)
        rc = update_rows(db, changed, m);
    return rc;
}

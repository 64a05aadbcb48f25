/*
 * store_ties.c — ties an operator decides (store_ties.h, migrations/0017_tie_decisions.sql).
 *
 * Written with the block that raised them (store_bulk.c: every path — a referral, a batch, a block, a
 * roster row); read back as the resolver's decisions by name key, so a decided reading resolves to the
 * decided person by the one rule (resolve.c) rather than by a rule of its own here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_table.h"
#include "store_ties.h"

const wh_db_statement intake_tie_statements[] = {
    /* The latest decision per (name key, household of the decided person now: merges move persons). */
    {"intake_tie_decided",
     "SELECT DISTINCT ON (t.name_key, p.household_id) t.name_key, p.household_id, t.decided_person_id "
     "FROM person_tie t JOIN person p ON p.id = t.decided_person_id "
     "WHERE t.name_key = ANY ($1::bytea[]) AND t.decided_person_id IS NOT NULL "
     "ORDER BY t.name_key, p.household_id, t.decided_at DESC, t.id DESC"},
    {"intake_tie_insert",
     "INSERT INTO person_tie (referral_id, person, household_id, tied_person_ids, added_person_id, name_key, "
     "name_sealed, phone_hash, phone_sealed, birth_date, birth_year, sex, name_block, address_block) "
     "SELECT u.referral_id, u.person, u.household_id, u.tied::bigint[], u.added, u.name_key, u.name_sealed, "
     "u.phone_hash, u.phone_sealed, u.birth_date, u.birth_year, u.sex, u.name_block, u.address_block "
     "FROM unnest($1::bigint[], $2::smallint[], $3::bigint[], $4::text[], $5::bigint[], $6::bytea[], "
     "$7::text[], $8::bytea[], $9::text[], $10::date[], $11::smallint[], $12::text[], $13::bytea[], "
     "$14::bytea[]) AS u (referral_id, person, household_id, tied, added, name_key, name_sealed, phone_hash, "
     "phone_sealed, birth_date, birth_year, sex, name_block, address_block)"},
    {"intake_tie_get",
     "SELECT id, household_id, array_to_string(tied_person_ids, ','), COALESCE(added_person_id, 0), "
     "decision, COALESCE(decided_person_id, 0) FROM person_tie WHERE referral_id = $1 AND person = $2 "
     "FOR UPDATE"},
    {"intake_tie_referral", "SELECT 1 FROM referral WHERE id = $1"},
    /* In the household of the first person tied, where merges have taken them. */
    {"intake_tie_add_person",
     "INSERT INTO person (household_id, name_sealed, name_key, phone_hash, phone_sealed, birth_date, "
     "birth_year, sex, name_block, address_block) SELECT p.household_id, t.name_sealed, t.name_key, "
     "t.phone_hash, t.phone_sealed, t.birth_date, t.birth_year, t.sex, t.name_block, t.address_block "
     "FROM person_tie t JOIN person p ON p.id = t.tied_person_ids[1] "
     "WHERE t.id = $1 AND t.name_sealed IS NOT NULL RETURNING id"},
    /* The person "a new person" made of another tie of the same reading and the same persons tied (two
     * open ties of one reading decided "new" are one new person, not two). */
    {"intake_tie_new_of_reading",
     "SELECT o.decided_person_id FROM person_tie t JOIN person_tie o ON o.name_key = t.name_key "
     "AND o.tied_person_ids = t.tied_person_ids AND o.decision = 2 AND o.id <> t.id WHERE t.id = $1 "
     "ORDER BY o.decided_at DESC, o.id DESC LIMIT 1"},
    {"intake_tie_decide",
     "UPDATE person_tie SET decision = $2, decided_person_id = $3, decided_by = $4, decided_at = now(), "
     "name_sealed = NULL, phone_hash = NULL, phone_sealed = NULL, birth_date = NULL, birth_year = NULL, "
     "sex = NULL, name_block = NULL, address_block = NULL WHERE id = $1"},
    {"intake_tie_person_household",
     "SELECT p.household_id, h.dong_code FROM person p JOIN household h ON h.id = p.household_id "
     "WHERE p.id = $1"},
};
const size_t intake_tie_statements_count = sizeof intake_tie_statements / sizeof intake_tie_statements[0];

int intake_store_decided_read(wh_db *db, const intake_bulk *b, intake_decided_read *out)
{
    memset(out, 0, sizeof *out);
    wh_sqlarray keys = {0};
    for (size_t i = 0; i < b->n_rows; i++)
        for (size_t k = 0; k < b->rows[i].prep->n_persons; k++)
            wh_sqlarray_text(&keys, b->rows[i].prep->persons[k].name_key);
    const char *keys_v = wh_sqlarray_value(&keys);
    int rc = keys_v ? 0 : WH_INTERNAL;
    if (rc == 0) {
        wh_params p;
        wh_params_reset(&p);
        wh_params_text(&p, keys_v);
        if (!(out->result = wh_db_query(db, "intake_tie_decided", &p)))
            rc = wh_db_last_status(db);
    }
    wh_sqlarray_free(&keys);
    int n = rc == 0 ? PQntuples(out->result) : 0;
    if (n > 0 && !(out->v = calloc((size_t)n, sizeof *out->v)))
        rc = WH_INTERNAL;
    for (int i = 0; rc == 0 && i < n; i++)
        out->v[out->n++] = (intake_tie_decided){.name_key = PQgetvalue(out->result, i, 0),
                                                .household_id = wh_db_i64(out->result, i, 1, 0),
                                                .person_id = wh_db_i64(out->result, i, 2, 0)};
    return rc;
}

void intake_decided_read_free(intake_decided_read *d)
{
    PQclear(d->result);
    free(d->v);
    memset(d, 0, sizeof *d);
}

/* The id the resolver stored the referral's person p under, when it added them (their number no one
 * held), else 0. */
static int64_t added_as(const intake_resolver *s, const int64_t *person_ids, const intake_person_row *p)
{
    for (size_t i = 0; i < s->n_persons; i++)
        if (s->persons[i].p == p)
            return person_ids[s->persons[i].id_index];
    return 0;
}

static void cell_or_null(intake_table *t, const char *v)
{
    intake_cell(t, v && v[0] ? v : NULL);
}

/* One referral person's tie: the n persons tied for them, from tied. */
static void tie_row(intake_table *t, const intake_resolver *s, const int64_t *person_ids,
                    const intake_bulk_row *row, const intake_bulk_tied *tied, size_t n)
{
    const intake_person_row *p = &row->prep->persons[tied->person];
    char ids[3 + INTAKE_RESOLVE_LISTED * 21] = "{";
    for (size_t i = 0, len = 1; i < n && len < sizeof ids; i++)
        len += (size_t)snprintf(ids + len, sizeof ids - len, "%s%lld", i ? "," : "",
                                (long long)tied[i].person_id);
    size_t len = strlen(ids);
    snprintf(ids + len, sizeof ids - len, "}");
    int64_t added = added_as(s, person_ids, p);
    char sex[2] = {p->sex, 0};
    intake_cell_i64(t, row->referral_id);
    intake_cell_i64(t, tied->person);
    intake_cell_i64(t, row->state.id);
    intake_cell(t, ids);
    if (added)
        intake_cell_i64(t, added);
    else
        intake_cell(t, NULL);
    intake_cell(t, p->name_key);
    cell_or_null(t, p->name_sealed);
    cell_or_null(t, p->phone_hash);
    cell_or_null(t, p->phone_sealed);
    cell_or_null(t, p->birth_date);
    if (p->birth_year)
        intake_cell_i64(t, p->birth_year);
    else
        intake_cell(t, NULL);
    cell_or_null(t, sex);
    cell_or_null(t, p->name_block);
    cell_or_null(t, row->prep->address_block);
}

int intake_store_write_ties(wh_db *db, const intake_resolver *s, const int64_t *person_ids,
                            const intake_bulk *b)
{
    if (b->n_tied == 0)
        return 0;
    intake_table t = {.name = "person_tie", .statement = "intake_tie_insert", .n_cols = 14};
    for (size_t i = 0; i < b->n_rows; i++) {
        const intake_bulk_row *row = &b->rows[i];
        const intake_bulk_tied *v = row->n_tied ? &b->tied[row->first_tied] : NULL;
        for (size_t j = 0, n; j < row->n_tied; j += n) { /* the tied of one person are consecutive */
            for (n = 1; j + n < row->n_tied && v[j + n].person == v[j].person; n++)
                ;
            tie_row(&t, s, person_ids, row, &v[j], n);
        }
    }
    int rc = intake_table_write(db, &t, INTAKE_BULK_UNNEST);
    intake_table_free(&t);
    return rc;
}

int intake_store_tie_get(wh_db *db, int64_t referral_id, int person, intake_tie *t, const char **field)
{
    memset(t, 0, sizeof *t);
    *field = NULL;
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, referral_id);
    wh_params_i64(&p, person);
    PGresult *r;
    int rc = wh_db_query_row(db, "intake_tie_get", &p, &r);
    if (rc < 0)
        return rc;
    if (!r) {
        wh_params_reset(&p);
        wh_params_i64(&p, referral_id);
        if ((rc = wh_db_query_row(db, "intake_tie_referral", &p, &r)) < 0)
            return rc;
        *field = r ? "person" : "referral_id";
        PQclear(r);
        return WH_NOT_FOUND;
    }
    t->id = wh_db_i64(r, 0, 0, 0);
    t->household_id = wh_db_i64(r, 0, 1, 0);
    for (const char *c = PQgetvalue(r, 0, 2); *c && t->n_tied < INTAKE_RESOLVE_LISTED; c += *c == ',') {
        char *end;
        int64_t id = strtoll(c, &end, 10);
        if (end == c)
            break; /* not a number: array_to_string of bigint[] never gives one */
        t->tied[t->n_tied++] = id;
        c = end;
    }
    t->added_person_id = wh_db_i64(r, 0, 3, 0);
    t->decision = (int)wh_db_i64(r, 0, 4, 0);
    t->decided_person_id = wh_db_i64(r, 0, 5, 0);
    PQclear(r);
    return 0;
}

int intake_store_tie_add_person(wh_db *db, int64_t tie_id, int64_t *person_id)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, tie_id);
    PGresult *r;
    int rc = wh_db_query_row(db, "intake_tie_add_person", &p, &r);
    if (rc < 0)
        return rc;
    if (!r)
        return WH_INTERNAL; /* an open tie keeps its prepared values and its persons */
    *person_id = wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    return 0;
}

int intake_store_tie_new_of_reading(wh_db *db, int64_t tie_id, int64_t *person_id)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, tie_id);
    PGresult *r;
    int rc = wh_db_query_row(db, "intake_tie_new_of_reading", &p, &r);
    if (rc < 0)
        return rc;
    *person_id = r ? wh_db_i64(r, 0, 0, 0) : 0;
    PQclear(r);
    return 0;
}

int intake_store_tie_decide(wh_db *db, int64_t tie_id, int decision, int64_t person_id, const char *by)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, tie_id);
    wh_params_i64(&p, decision);
    wh_params_i64(&p, person_id);
    wh_params_text(&p, by);
    int64_t n = wh_db_exec(db, "intake_tie_decide", &p);
    return n < 0 ? (int)n : 0;
}

int intake_store_person_household(wh_db *db, int64_t person_id, int64_t *household_id, char dong[16])
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, person_id);
    PGresult *r;
    int rc = wh_db_query_row(db, "intake_tie_person_household", &p, &r);
    if (rc < 0)
        return rc;
    if (!r)
        return WH_NOT_FOUND;
    *household_id = wh_db_i64(r, 0, 0, 0);
    snprintf(dong, 16, "%s", PQgetvalue(r, 0, 1));
    PQclear(r);
    return 0;
}

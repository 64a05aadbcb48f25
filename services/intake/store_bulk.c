/*
 * store_bulk.c — referrals attached set-wise: the reads and writes around the resolver (resolve.h).
 * Every path that attaches referrals comes here (pipeline.c): SubmitReferral alone is an array of
 * one, a batch of SubmitReferrals an array of n, ImportReferralBlock and ImportEnrolmentBlock a block.
 *
 *   1. read    every stored person the rows can meet (by resident number, name key or phone), the
 *              persons the scored kind can meet by block (store_fuzzy.c), and their households and
 *              those at the rows' addresses: three statements (intake_bulk_persons, intake_bulk_fuzzy,
 *              intake_bulk_households), index probes;
 *   2. resolve the rows in order with the pure resolver (resolve.c), against what was read and what
 *              earlier rows decided;
 *   3. write   ids taken from the sequences in the order the row-by-row statements took them (one
 *              statement), the new households, persons and referrals with COPY … FROM STDIN (or INSERT
 *              … unnest, WH_INTAKE_BULK_WRITE=unnest), the matched households updated and the
 *              suspicions inserted (ON CONFLICT DO NOTHING RETURNING the new ones) in one statement
 *              each.
 *
 * Everything runs in the caller's transaction.  Only hashes and sealed values reach this file.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"
#include "resolve.h"
#include "store_fuzzy.h"
#include "store_numbers.h"
#include "store_table.h"
#include "store_ties.h"
#include "wh/sqlarray.h"

/* --- reading what the rows can meet ------------------------------------------------------------ */

typedef struct reads {
    PGresult *persons, *households;
    intake_fuzzy_read fuzzy;
    intake_decided_read decided; /* the operators' decisions on ties (store_ties.c) */
} reads;

static int read_persons(wh_db *db, const intake_bulk *b, reads *r)
{
    wh_sqlarray rrn = {0}, name = {0}, phone = {0};
    for (size_t i = 0; i < b->n_rows; i++) {
        const intake_prepared *p = b->rows[i].prep;
        for (size_t k = 0; k < p->n_persons; k++) {
            wh_sqlarray_text(&rrn, p->persons[k].rrn_hash);
            wh_sqlarray_text(&name, p->persons[k].name_key);
            if (p->persons[k].phone_hash[0])
                wh_sqlarray_text(&phone, p->persons[k].phone_hash);
        }
    }
    const char *rrn_v = wh_sqlarray_value(&rrn), *name_v = wh_sqlarray_value(&name);
    const char *phone_v = wh_sqlarray_value(&phone);
    int rc = rrn_v && name_v && phone_v ? 0 : WH_INTERNAL;
    if (rc == 0) {
        wh_params p;
        wh_params_reset(&p);
        wh_params_text(&p, rrn_v);
        wh_params_text(&p, name_v);
        wh_params_text(&p, phone_v);
        if (!(r->persons = wh_db_query(db, "intake_bulk_persons", &p)))
            rc = wh_db_last_status(db);
    }
    wh_sqlarray_free(&rrn);
    wh_sqlarray_free(&name);
    wh_sqlarray_free(&phone);
    return rc;
}

static int read_households(wh_db *db, const intake_bulk *b, reads *r)
{
    wh_sqlarray ids = {0}, keys = {0};
    for (int i = 0; i < PQntuples(r->persons); i++)
        wh_sqlarray_text(&ids, PQgetvalue(r->persons, i, 3));
    for (size_t i = 0; i < r->fuzzy.n; i++)
        wh_sqlarray_i64(&ids, r->fuzzy.persons[i].household_id);
    for (size_t i = 0; i < b->n_rows; i++)
        wh_sqlarray_text(&keys, b->rows[i].prep->address_key);
    const char *ids_v = wh_sqlarray_value(&ids), *keys_v = wh_sqlarray_value(&keys);
    int rc = ids_v && keys_v ? 0 : WH_INTERNAL;
    if (rc == 0) {
        wh_params p;
        wh_params_reset(&p);
        wh_params_text(&p, ids_v);
        wh_params_text(&p, keys_v);
        wh_params_i64(&p, (int64_t)intake_address_max_households + 1);
        if (!(r->households = wh_db_query(db, "intake_bulk_households", &p)))
            rc = wh_db_last_status(db);
    }
    wh_sqlarray_free(&ids);
    wh_sqlarray_free(&keys);
    return rc;
}

/* The read rows as the resolver's known persons and households (keys point into the results). */
typedef struct stored {
    intake_known_person *persons;
    intake_known_household *households;
    size_t n_persons, n_households;
} stored;

static int known_from(const reads *rd, stored *k)
{
    int np = PQntuples(rd->persons), nh = PQntuples(rd->households);
    k->persons = calloc(np ? (size_t)np : 1, sizeof *k->persons);
    k->households = calloc(nh ? (size_t)nh : 1, sizeof *k->households);
    if (!k->persons || !k->households)
        return WH_INTERNAL;
    for (int i = 0; i < nh; i++) {
        const PGresult *r = rd->households;
        k->households[k->n_households++] = (intake_known_household){
            .id = wh_db_i64(r, i, 0, 0),
            .dong_code = PQgetvalue(r, i, 1),
            .has_location = !PQgetisnull(r, i, 2) && !PQgetisnull(r, i, 3),
            .latitude = wh_db_f64(r, i, 2, 0),
            .longitude = wh_db_f64(r, i, 3, 0),
            .risk_score = (int)wh_db_i64(r, i, 4, 0),
            .known_to_programme = PQgetvalue(r, i, 5)[0] == 't',
            .first_reported_on = PQgetvalue(r, i, 6),
            .last_reported_on = PQgetvalue(r, i, 7),
            .live = PQgetvalue(r, i, 8)[0] == 't',
            .address_key = PQgetvalue(r, i, 9),
        };
    }
    for (int i = 0; i < np; i++) {
        const PGresult *r = rd->persons;
        intake_known_person *p = &k->persons[k->n_persons++];
        p->household_id = wh_db_i64(r, i, 3, 0);
        p->key[INTAKE_MATCH_RRN] = PQgetvalue(r, i, 0);
        p->key[INTAKE_MATCH_NAME_KEY] = PQgetvalue(r, i, 1);
        p->phone_hash = PQgetisnull(r, i, 2) ? NULL : PQgetvalue(r, i, 2);
    }
    return 0;
}

static void known_free(stored *k)
{
    free(k->persons);
    free(k->households);
}

/* The row's persons recognised by score, copied out of the resolver (it is freed before the events). */
static int keep_recognised(const intake_resolver *s, const intake_resolution *res, intake_bulk *b,
                           intake_bulk_row *row)
{
    row->first_recognised = b->n_recognised;
    row->n_recognised = res->n_recognised;
    if (res->n_recognised == 0)
        return 0;
    intake_bulk_recognised *v = realloc(b->recognised, (b->n_recognised + res->n_recognised) * sizeof *v);
    if (!v)
        return WH_INTERNAL;
    b->recognised = v;
    for (size_t i = 0; i < res->n_recognised; i++) {
        const intake_explained *e = &s->explained[res->first_recognised + i];
        intake_bulk_recognised *out = &b->recognised[b->n_recognised++];
        out->person = e->person;
        out->score = e->score;
        snprintf(out->reasons, sizeof out->reasons, "%s", e->reasons);
    }
    return 0;
}

size_t intake_address_max_households = INTAKE_ADDRESS_MAX_HOUSEHOLDS_DEFAULT;

/* Every row through the resolver, in order; the rows' results provisional until ids are taken. */
static int resolve_rows(intake_resolver *s, const reads *rd, intake_bulk *b)
{
    stored k = {0};
    size_t block_persons = 0;
    for (size_t i = 0; i < b->n_rows; i++)
        block_persons += b->rows[i].prep->n_persons;
    int rc = known_from(rd, &k);
    if (rc == 0)
        rc = intake_resolver_init(s, k.persons, k.n_persons, k.households, k.n_households, b->n_rows,
                                  block_persons);
    if (rc == 0)
        rc = intake_resolver_init_fuzzy(s, rd->fuzzy.persons, rd->fuzzy.n, block_persons,
                                        intake_fuzzy_max_candidates);
    if (rc == 0)
        rc = intake_resolver_init_decided(s, rd->decided.v, rd->decided.n);
    /* Rows whose address key has more stored live households than were read (the cap): counted
     * before any row adds its own. */
    for (size_t i = 0; rc == 0 && i < b->n_rows; i++)
        b->rows[i].address_capped =
            intake_resolver_at_address(s, b->rows[i].prep->address_key, intake_address_max_households + 1) >
            intake_address_max_households;
    for (size_t i = 0; rc == 0 && i < b->n_rows; i++) {
        intake_bulk_row *row = &b->rows[i];
        intake_resolution res;
        rc = intake_resolve(s, row->prep, &res);
        row->state = res.state;
        row->is_new = res.is_new;
        row->persons_added = res.persons_added;
        row->fuzzy_capped = res.fuzzy_capped;
        row->n_suspicions = row->first_suspicion = 0;
        row->first_tied = res.first_tied;
        row->n_tied = res.n_tied;
        if (rc == 0)
            rc = keep_recognised(s, &res, b, row);
    }
    known_free(&k); /* the resolver keeps the keys (they point into the results), not the arrays */
    return rc;
}

/* A candidate on its way to the table: its pair (lower first, real ids) and whether it was new. */
typedef struct pair {
    const intake_candidate *c;
    int64_t household_id, other, a, b;
    size_t order;
    bool raised;
} pair;

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* --- ids --------------------------------------------------------------------------------------- */

typedef struct ids {
    int64_t *household, *person, *referral;
    size_t n_household, n_person, n_referral;
} ids;

static int take_ids(wh_db *db, size_t households, size_t persons, size_t referrals, ids *out)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, (int64_t)households);
    wh_params_i64(&p, (int64_t)persons);
    wh_params_i64(&p, (int64_t)referrals);
    PGresult *r = wh_db_query(db, "intake_bulk_ids", &p);
    if (!r)
        return wh_db_last_status(db);
    out->household = malloc((households + 1) * sizeof(int64_t));
    out->person = malloc((persons + 1) * sizeof(int64_t));
    out->referral = malloc((referrals + 1) * sizeof(int64_t));
    int rc = out->household && out->person && out->referral ? 0 : WH_INTERNAL;
    for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
        int64_t kind = wh_db_i64(r, i, 0, 0), v = wh_db_i64(r, i, 1, 0);
        if (kind == 1 && out->n_household < households)
            out->household[out->n_household++] = v;
        else if (kind == 2 && out->n_person < persons)
            out->person[out->n_person++] = v;
        else if (kind == 3 && out->n_referral < referrals)
            out->referral[out->n_referral++] = v;
    }
    PQclear(r);
    if (rc == 0 &&
        (out->n_household != households || out->n_person != persons || out->n_referral != referrals))
        rc = WH_INTERNAL;
    if (rc == 0) { /* a sequence hands out increasing values: sorted is the order they were taken in */
        qsort(out->household, out->n_household, sizeof(int64_t), cmp_i64);
        qsort(out->person, out->n_person, sizeof(int64_t), cmp_i64);
        qsort(out->referral, out->n_referral, sizeof(int64_t), cmp_i64);
    }
    return rc;
}

static int64_t real_id(const ids *t, int64_t id)
{
    return intake_resolver_provisional(id) ? t->household[id - INTAKE_PROVISIONAL_BASE] : id;
}

static void ids_free(ids *t)
{
    free(t->household);
    free(t->person);
    free(t->referral);
}

/* --- writing ----------------------------------------------------------------------------------- */

static void household_rows(const intake_resolver *s, const ids *t, intake_table *out)
{
    size_t n;
    const intake_resolved_household *v = intake_resolver_households(s, &n);
    for (size_t i = 0; i < n; i++) {
        const intake_resolved_household *e = &v[i];
        if (!e->is_new)
            continue;
        const intake_household_row *hr = &e->creator->household;
        intake_cell_i64(out, real_id(t, e->id));
        intake_cell(out, e->dong);
        if (e->has_location) {
            intake_cell_f64(out, e->latitude);
            intake_cell_f64(out, e->longitude);
        } else {
            intake_cell(out, NULL);
            intake_cell(out, NULL);
        }
        intake_cell(out, hr->address_sealed);
        intake_cell(out, hr->address_key);
        intake_cell_bool(out, e->known);
        intake_cell_bool(out, !hr->known_to_programme);
        intake_cell_i64(out, e->risk);
        intake_cell_i64(out, e->referrals);
        intake_cell(out, e->first);
        intake_cell(out, e->last);
    }
}

static void person_rows(const intake_resolver *s, const ids *t, intake_table *out)
{
    for (size_t i = 0; i < s->n_persons; i++) {
        const intake_resolved_person *np = &s->persons[i];
        /* given a number by a later row: stored as the row-by-row UPDATE of store_numbers.c leaves it */
        const intake_person_row *num = np->numbered_by ? np->numbered_by : np->p;
        intake_cell_i64(out, t->person[np->id_index]);
        intake_cell_i64(out, real_id(t, np->household_id));
        intake_cell(out, num->rrn_hash[0] ? num->rrn_hash : NULL);
        intake_cell(out, num->rrn_sealed);
        intake_cell(out, np->p->name_sealed);
        intake_cell(out, np->p->name_key);
        intake_cell(out, np->p->phone_hash[0] ? np->p->phone_hash : NULL);
        intake_cell(out, np->p->phone_sealed);
        intake_cell(out, num->birth_date[0] ? num->birth_date : NULL);
        if (num->birth_year)
            intake_cell_i64(out, num->birth_year);
        else
            intake_cell(out, NULL);
        char sex[2] = {num->sex ? num->sex : np->p->sex, 0};
        intake_cell(out, sex[0] ? sex : NULL);
        intake_cell(out, np->p->name_block);
        intake_cell(out, np->address_block);
    }
}

static void referral_rows(const intake_bulk *b, intake_table *out)
{
    for (size_t i = 0; i < b->n_rows; i++) {
        const intake_bulk_row *r = &b->rows[i];
        const int *ind = r->checked->indicators;
        intake_cell_i64(out, r->referral_id);
        intake_cell_i64(out, r->state.id);
        intake_cell_i64(out, r->m->channel);
        if (r->m->reporter_id > 0)
            intake_cell_i64(out, r->m->reporter_id);
        else
            intake_cell(out, NULL);
        intake_cell(out, r->m->reported_on);
        intake_cell(out, r->prep->concern_sealed);
        intake_cell_i64(out, ind[INTAKE_IND_UTILITY_ARREARS]);
        intake_cell_i64(out, ind[INTAKE_IND_RENT_ARREARS]);
        intake_cell_i64(out, ind[INTAKE_IND_INSURANCE_ARREARS]);
        for (int k = INTAKE_IND_LIVES_ALONE; k <= INTAKE_IND_SINGLE_PARENT; k++)
            intake_cell_bool(out, ind[k] != 0);
        intake_cell_i64(out, r->checked->risk_score);
        intake_cell_i64(out, (int64_t)r->prep->n_persons);
        intake_cell_i64(out, r->persons_added);
        intake_cell_bool(out, r->is_new);
    }
}

/* The stored households the rows attached to: their changes in one UPDATE … FROM unnest. */
static int update_households(wh_db *db, const intake_resolver *s)
{
    intake_table t = {.name = "household", .n_cols = 8};
    size_t n;
    const intake_resolved_household *v = intake_resolver_households(s, &n);
    for (size_t i = 0; i < n; i++) {
        const intake_resolved_household *e = &v[i];
        if (e->is_new || e->referrals == 0)
            continue;
        intake_cell_i64(&t, e->id);
        intake_cell_i64(&t, e->risk);
        intake_cell_i64(&t, e->referrals);
        intake_cell_bool(&t, e->known);
        intake_cell(&t, e->first);
        intake_cell(&t, e->last);
        if (e->got_location) {
            intake_cell_f64(&t, e->latitude);
            intake_cell_f64(&t, e->longitude);
        } else {
            intake_cell(&t, NULL);
            intake_cell(&t, NULL);
        }
    }
    int rc = 0;
    if (t.failed || t.text.failed)
        rc = WH_INTERNAL;
    else if (t.n > 0) {
        t.statement = "intake_bulk_update_households";
        rc = intake_table_unnest(db, &t);
    }
    intake_table_free(&t);
    return rc;
}

static int cmp_pair(const void *x, const void *y)
{
    const pair *a = x, *b = y;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    if (a->b != b->b)
        return a->b < b->b ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static int cmp_order(const void *x, const void *y)
{
    const pair *a = x, *b = y;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* The index of the first pair (a, b) in the sorted pairs, or n. */
static size_t find_pair(const pair *v, size_t n, int64_t a, int64_t b)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid].a < a || (v[mid].a == a && v[mid].b < b))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo].a == a && v[lo].b == b ? lo : n;
}

/* The first candidate of each pair is inserted; the ones RETURNING gives back were raised.  The
 * pairs come back in the order the resolver raised them. */
static int insert_suspicions(wh_db *db, const intake_resolver *s, const ids *t, pair *v)
{
    size_t n = s->n_candidates;
    for (size_t i = 0; i < n; i++) {
        const intake_candidate *c = &s->candidates[i];
        int64_t h = real_id(t, c->household_id), o = real_id(t, c->other);
        v[i] =
            (pair){.c = c, .household_id = h, .other = o, .a = h < o ? h : o, .b = h < o ? o : h, .order = i};
    }
    qsort(v, n, sizeof *v, cmp_pair);
    intake_table u = {.name = "duplicate_suspicion", .n_cols = 3, .statement = "intake_bulk_suspect"};
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && v[i].a == v[i - 1].a && v[i].b == v[i - 1].b)
            continue;
        intake_cell_i64(&u, v[i].a);
        intake_cell_i64(&u, v[i].b);
        intake_cell(&u, v[i].c->reason);
    }
    int rc = u.failed || u.text.failed ? WH_INTERNAL : 0;
    wh_sqlarray cols[3] = {{0}};
    wh_params p;
    wh_params_reset(&p);
    for (int k = 0; k < 3 && rc == 0; k++) {
        intake_table_column(&cols[k], &u, k);
        const char *value = wh_sqlarray_value(&cols[k]);
        rc = value ? 0 : WH_INTERNAL;
        wh_params_text(&p, value);
    }
    PGresult *r = NULL;
    if (rc == 0 && !(r = wh_db_query(db, "intake_bulk_suspect", &p)))
        rc = wh_db_last_status(db);
    for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
        size_t at = find_pair(v, n, wh_db_i64(r, i, 0, 0), wh_db_i64(r, i, 1, 0));
        if (at < n)
            v[at].raised = true;
    }
    PQclear(r);
    for (int k = 0; k < 3; k++)
        wh_sqlarray_free(&cols[k]);
    intake_table_free(&u);
    qsort(v, n, sizeof *v, cmp_order);
    return rc;
}

/* The raised suspicions, in row order, into b->suspicions (a similar person's with its score). */
static int collect_suspicions(const intake_resolver *s, const pair *v, size_t n_pairs, intake_bulk *b)
{
    size_t n = 0;
    for (size_t i = 0; i < n_pairs; i++)
        n += v[i].raised;
    b->suspicions = n ? malloc(n * sizeof *b->suspicions) : NULL;
    if (n && !b->suspicions)
        return WH_INTERNAL;
    for (size_t i = 0; i < n_pairs; i++) {
        if (!v[i].raised)
            continue;
        intake_bulk_row *r = &b->rows[v[i].c->referral];
        if (r->n_suspicions == 0)
            r->first_suspicion = b->n_suspicions;
        r->n_suspicions++;
        intake_bulk_suspicion *out = &b->suspicions[b->n_suspicions++];
        *out = (intake_bulk_suspicion){v[i].household_id, v[i].other, v[i].c->reason, 0, ""};
        if (v[i].c->explained >= 0) {
            const intake_explained *e = &s->explained[v[i].c->explained];
            out->score = e->score;
            snprintf(out->score_reasons, sizeof out->score_reasons, "%s", e->reasons);
        }
    }
    return 0;
}

/* The tied persons with their real ids, in the resolver's order (the rows' ranges index them). */
static int collect_tied(const intake_resolver *s, const ids *t, intake_bulk *b)
{
    if (s->n_tied == 0)
        return 0;
    b->tied = malloc(s->n_tied * sizeof *b->tied);
    if (!b->tied)
        return WH_INTERNAL;
    for (size_t i = 0; i < s->n_tied; i++) {
        const intake_tied *x = &s->tied[i];
        const intake_explained *e = &s->explained[x->explained];
        intake_bulk_tied *out = &b->tied[b->n_tied++];
        out->person = x->person;
        out->person_id = x->added ? t->person[s->persons[x->added - 1].id_index] : x->person_id;
        out->score = e->score;
        snprintf(out->reasons, sizeof out->reasons, "%s", e->reasons);
    }
    return 0;
}

static int write_suspicions(wh_db *db, const intake_resolver *s, const ids *t, intake_bulk *b)
{
    if (s->n_candidates == 0)
        return 0;
    pair *v = malloc(s->n_candidates * sizeof *v);
    int rc = v ? insert_suspicions(db, s, t, v) : WH_INTERNAL;
    if (rc == 0)
        rc = collect_suspicions(s, v, s->n_candidates, b);
    free(v);
    return rc;
}

static const char COPY_HOUSEHOLDS[] = "COPY household (" INTAKE_BULK_HOUSEHOLD_COLUMNS ") FROM STDIN";
static const char COPY_PERSONS[] = "COPY person (" INTAKE_BULK_PERSON_COLUMNS ") FROM STDIN";
static const char COPY_REFERRALS[] = "COPY referral (" INTAKE_BULK_REFERRAL_COLUMNS ") FROM STDIN";

/* The reads as index probes at every size: planned while person was small (a fresh database, or
 * before autovacuum's next ANALYZE), each "= ANY" branch became a sequential scan comparing every
 * person with every key — 78 % of the backend's time under 16 x 16 SubmitReferral (perf).  The
 * setting stays for the writes (intake_store_attach_many resets it after them): the UPDATE of the
 * matched households joins household by id, and its plan cached on a small table was a hash join
 * over a sequential scan too (6.7 ms a batch against 0.6, docs/benchmarks.md). */
static int read_all(wh_db *db, const intake_bulk *b, reads *rd)
{
    int rc = wh_db_exec_sql(db, INTAKE_PLAN_INDEXED);
    if (rc == 0)
        rc = read_persons(db, b, rd);
    if (rc == 0)
        rc = intake_store_fuzzy_read(db, b, &rd->fuzzy);
    if (rc == 0)
        rc = read_households(db, b, rd);
    if (rc == 0)
        rc = intake_store_decided_read(db, b, &rd->decided);
    return rc;
}

static int write_all(wh_db *db, const intake_resolver *s, const ids *t, intake_bulk *b)
{
    intake_table households = {.name = "household",
                               .copy_sql = COPY_HOUSEHOLDS,
                               .statement = "intake_bulk_insert_households",
                               .n_cols = 12};
    intake_table persons = {
        .name = "person", .copy_sql = COPY_PERSONS, .statement = "intake_bulk_insert_persons", .n_cols = 13};
    intake_table referrals = {.name = "referral",
                              .copy_sql = COPY_REFERRALS,
                              .statement = "intake_bulk_insert_referrals",
                              .n_cols = 19};
    for (size_t i = 0; i < b->n_rows; i++) {
        b->rows[i].state.id = real_id(t, b->rows[i].state.id);
        b->rows[i].referral_id = t->referral[i];
    }
    household_rows(s, t, &households);
    person_rows(s, t, &persons);
    referral_rows(b, &referrals);
    int rc = intake_table_write(db, &households, b->write);
    if (rc == 0)
        rc = update_households(db, s);
    if (rc == 0)
        rc = intake_table_write(db, &persons, b->write);
    if (rc == 0)
        rc = intake_store_give_numbers(db, s);
    if (rc == 0)
        rc = intake_table_write(db, &referrals, b->write);
    if (rc == 0)
        rc = write_suspicions(db, s, t, b);
    if (rc == 0)
        rc = collect_tied(s, t, b);
    if (rc == 0)
        rc = intake_store_write_ties(db, s, t->person, b);
    intake_table_free(&households);
    intake_table_free(&persons);
    intake_table_free(&referrals);
    return rc;
}

int intake_store_attach_many(wh_db *db, intake_bulk *b)
{
    intake_resolver s = {0};
    reads rd = {0};
    ids t = {0};
    b->suspicions = NULL;
    b->n_suspicions = 0;
    b->recognised = NULL;
    b->n_recognised = 0;
    b->tied = NULL;
    b->n_tied = 0;
    if (b->n_rows == 0)
        return 0;
    intake_memory_used();
    int rc = read_all(db, b, &rd);
    if (rc == 0)
        rc = resolve_rows(&s, &rd, b);
    if (rc == 0)
        rc = take_ids(db, s.n_new_households, s.n_person_ids, b->n_rows, &t);
    if (rc == 0)
        rc = write_all(db, &s, &t, b);
    if (rc == 0)
        rc = wh_db_exec_sql(db, INTAKE_PLAN_DEFAULT);
    ids_free(&t);
    intake_resolver_free(&s);
    PQclear(rd.persons);
    PQclear(rd.households);
    intake_fuzzy_read_free(&rd.fuzzy);
    intake_decided_read_free(&rd.decided);
    return rc;
}

void intake_bulk_free(intake_bulk *b)
{
    free(b->suspicions);
    free(b->recognised);
    free(b->tied);
    b->tied = NULL;
    b->n_tied = 0;
    b->suspicions = NULL;
    b->n_suspicions = 0;
    b->recognised = NULL;
    b->n_recognised = 0;
}

int intake_store_reporters_known(wh_db *db, const int64_t *ids_in, size_t n, bool *known)
{
    wh_sqlarray a = {0};
    for (size_t i = 0; i < n; i++) {
        known[i] = false;
        wh_sqlarray_i64(&a, ids_in[i]);
    }
    const char *value = wh_sqlarray_value(&a);
    if (value == NULL) {
        wh_sqlarray_free(&a);
        return WH_INTERNAL;
    }
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, value);
    PGresult *r = wh_db_query(db, "intake_bulk_reporters", &p);
    wh_sqlarray_free(&a);
    if (!r)
        return wh_db_last_status(db);
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t id = wh_db_i64(r, i, 0, 0);
        for (size_t k = 0; k < n; k++)
            if (ids_in[k] == id)
                known[k] = true;
    }
    PQclear(r);
    return 0;
}

/*
 * store.c — the intake schema's SQL: the only file that talks to the database.
 *
 * The statements as a table, for every path.  Attaching referrals (every path: one, a batch, a block)
 * is set-wise, in store_bulk.c around the pure resolver (resolve.c); this file holds the rest —
 * reporters, merges and decisions, the read models.  Values arrive hashed or sealed; nothing here
 * sees a resident number in clear.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

const wh_db_statement intake_statements[] = {
    {"intake_insert_reporter", "INSERT INTO reporter (name, channel) VALUES ($1, $2) RETURNING id"},
    {"intake_reporter_exists", "SELECT 1 FROM reporter WHERE id = $1"},
    /* --- the set-wise path (store_bulk.c): a whole block of rows in a handful of statements --- */
    {"intake_bulk_reporters", "SELECT id FROM reporter WHERE id = ANY ($1::bigint[])"},
    /* Every stored person a block's rows can meet: by resident number, name key or phone. */
    /* A UNION of one look-up per key, not one scan with three ORed "= ANY": that form was planned as
     * a sequential scan comparing every person with every array element (78 % of the backend's time
     * under 16 x 16 SubmitReferral, perf), while each branch here is an index scan on its own key.
     * The id makes UNION keep every person once. */
    {"intake_bulk_persons",
     "SELECT rrn_hash, name_key, phone_hash, household_id, id FROM person WHERE rrn_hash = ANY ($1::bytea[]) "
     "UNION SELECT rrn_hash, name_key, phone_hash, household_id, id FROM person WHERE name_key = ANY "
     "($2::bytea[]) "
     "UNION SELECT rrn_hash, name_key, phone_hash, household_id, id FROM person "
     "WHERE phone_hash = ANY ($3::bytea[])"},
    /* The persons the scored kind can meet (resolve_fuzzy.c): without a number by name block ($1),
     * address block ($2) or phone ($3) of any row; anyone by name block ($4) or phone ($5) of a person
     * without a number, or in a live household at the address key ($6) of a row naming one.  Per block
     * and route the most recent $7 (WH_INTAKE_FUZZY_MAX_CANDIDATES + 1: one more shows the resolver
     * the cap was reached), by the (block, id) indexes of 0012_fuzzy_recent.sql: ordered by block and
     * id, so no plan walks the primary key backwards past a block's every person, and read by
     * "= ANY (ARRAY (…))", probes rather than a merge over every person (EXPLAIN: docs/benchmarks.md). */
    {"intake_bulk_fuzzy",
     "SELECT p.id, p.household_id, p.rrn_hash IS NOT NULL, p.name_sealed, COALESCE(p.birth_date::text, ''), "
     "COALESCE(p.birth_year, 0), COALESCE(p.sex, ''), p.phone_hash, p.phone_sealed, p.name_block, "
     "p.address_block FROM person p WHERE p.id = ANY (ARRAY ("
     "SELECT q.id FROM (SELECT DISTINCT b FROM unnest($1::bytea[]) AS u (b)) k CROSS JOIN LATERAL ("
     "SELECT id FROM person WHERE rrn_hash IS NULL AND name_block = k.b "
     "ORDER BY name_block DESC, id DESC LIMIT $7::integer) q "
     "UNION SELECT q.id FROM (SELECT DISTINCT b FROM unnest($2::bytea[]) AS u (b)) k CROSS JOIN LATERAL ("
     "SELECT id FROM person WHERE rrn_hash IS NULL AND address_block = k.b "
     "ORDER BY address_block DESC, id DESC LIMIT $7::integer) q "
     "UNION SELECT q.id FROM (SELECT DISTINCT b FROM unnest($3::bytea[]) AS u (b)) k CROSS JOIN LATERAL ("
     "SELECT id FROM person WHERE rrn_hash IS NULL AND phone_hash = k.b "
     "ORDER BY phone_hash DESC, id DESC LIMIT $7::integer) q "
     "UNION SELECT q.id FROM (SELECT DISTINCT b FROM unnest($4::bytea[]) AS u (b)) k CROSS JOIN LATERAL ("
     "SELECT id FROM person WHERE name_block = k.b ORDER BY name_block DESC, id DESC LIMIT $7::integer) q "
     "UNION SELECT q.id FROM (SELECT DISTINCT b FROM unnest($5::bytea[]) AS u (b)) k CROSS JOIN LATERAL ("
     "SELECT id FROM person WHERE phone_hash = k.b ORDER BY phone_hash DESC, id DESC LIMIT $7::integer) q "
     "UNION SELECT q.id FROM (SELECT DISTINCT b FROM unnest($6::bytea[]) AS u (b)) k CROSS JOIN LATERAL ("
     "SELECT r.id FROM (SELECT id FROM household WHERE address_key = k.b AND merged_into IS NULL "
     "ORDER BY address_key DESC, id DESC LIMIT $7::integer) h JOIN person r ON r.household_id = h.id "
     "ORDER BY r.id DESC LIMIT $7::integer) q)) "
     "ORDER BY p.id"},
    /* The households of those persons, and the oldest $3 live ones at each of the rows' address keys
     * (WH_INTAKE_ADDRESS_MAX_HOUSEHOLDS + 1: one more shows the key has more), by the (address_key,
     * id) index of 0014_address_recent.sql.  The resolver lists the INTAKE_RESOLVE_LISTED oldest of
     * them as "same address" candidates and meets the fuzzy route's persons through their households,
     * read by id, so the cap changes no result; without it one agency's ten thousand households at
     * one address were read whole by every later block naming it. */
    {"intake_bulk_households",
     "SELECT id, dong_code, latitude, longitude, risk_score, known_to_programme, first_reported_on::text, "
     "last_reported_on::text, merged_into IS NULL, address_key FROM household WHERE id = ANY ($1::bigint[]) "
     "UNION SELECT h.* FROM (SELECT DISTINCT k FROM unnest($2::bytea[]) AS u (k)) a CROSS JOIN LATERAL ("
     "SELECT id, dong_code, latitude, longitude, risk_score, known_to_programme, first_reported_on::text, "
     "last_reported_on::text, merged_into IS NULL, address_key FROM household "
     "WHERE address_key = a.k AND merged_into IS NULL ORDER BY address_key, id LIMIT $3::integer) h"},
    /* Ids for the block's new households, persons and referrals, taken in order as the row-by-row
     * statements would take them. */
    {"intake_bulk_ids",
     "SELECT 1, nextval('household_id_seq') FROM generate_series(1, $1::integer) "
     "UNION ALL SELECT 2, nextval('person_id_seq') FROM generate_series(1, $2::integer) "
     "UNION ALL SELECT 3, nextval('referral_id_seq') FROM generate_series(1, $3::integer)"},
    {"intake_bulk_update_households",
     "UPDATE household h SET risk_score = GREATEST(h.risk_score, u.risk_score), "
     "referral_count = h.referral_count + u.referrals, known_to_programme = h.known_to_programme OR u.known, "
     "first_reported_on = LEAST(h.first_reported_on, u.first_on), "
     "last_reported_on = GREATEST(h.last_reported_on, u.last_on), latitude = COALESCE(h.latitude, "
     "u.latitude), "
     "longitude = COALESCE(h.longitude, u.longitude) "
     "FROM unnest($1::bigint[], $2::integer[], $3::integer[], $4::boolean[], $5::date[], $6::date[], "
     "$7::float8[], $8::float8[]) AS u (id, risk_score, referrals, known, first_on, last_on, latitude, "
     "longitude) WHERE h.id = u.id"},
    {"intake_bulk_suspect",
     "INSERT INTO duplicate_suspicion (household_a, household_b, reason) "
     "SELECT u.a, u.b, u.reason FROM unnest($1::bigint[], $2::bigint[], $3::text[]) WITH ORDINALITY "
     "AS u (a, b, reason, n) ORDER BY u.n ON CONFLICT DO NOTHING RETURNING household_a, household_b"},
    /* The unnest form of the three writes (WH_INTAKE_BULK_WRITE=unnest); the default is COPY with the
     * same columns (store_bulk.c). */
    {"intake_bulk_insert_households",
     "INSERT INTO household (" INTAKE_BULK_HOUSEHOLD_COLUMNS ") SELECT * FROM unnest($1::bigint[], "
     "$2::text[], $3::float8[], $4::float8[], $5::text[], $6::bytea[], $7::boolean[], $8::boolean[], "
     "$9::integer[], $10::integer[], $11::date[], $12::date[])"},
    {"intake_bulk_insert_persons",
     "INSERT INTO person (" INTAKE_BULK_PERSON_COLUMNS ") SELECT * FROM unnest($1::bigint[], $2::bigint[], "
     "$3::bytea[], $4::text[], $5::text[], $6::bytea[], $7::bytea[], $8::text[], $9::date[], "
     "$10::smallint[], "
     "$11::text[], $12::bytea[], $13::bytea[])"},
    {"intake_bulk_insert_referrals",
     "INSERT INTO referral (" INTAKE_BULK_REFERRAL_COLUMNS ") SELECT * FROM unnest($1::bigint[], "
     "$2::bigint[], $3::integer[], $4::bigint[], $5::date[], $6::text[], $7::integer[], $8::integer[], "
     "$9::integer[], $10::boolean[], $11::boolean[], $12::boolean[], $13::boolean[], $14::boolean[], "
     "$15::boolean[], $16::integer[], $17::integer[], $18::integer[], $19::boolean[])"},
    /* --- the NFC rekey (rekey.c) --- */
    {"intake_rekey_state", "SELECT pending, after_household FROM key_migration WHERE name = 'nfc'"},
    {"intake_rekey_households",
     "SELECT id, dong_code, address_sealed, address_key FROM household WHERE id > $1 ORDER BY id LIMIT $2"},
    {"intake_rekey_persons", "SELECT id, household_id, name_sealed, name_key, birth_date::text FROM person "
                             "WHERE household_id = ANY ($1::bigint[]) ORDER BY id"},
    {"intake_rekey_update_households", "UPDATE household h SET address_key = u.key FROM unnest($1::bigint[], "
                                       "$2::bytea[]) AS u (id, key) WHERE h.id = u.id"},
    {"intake_rekey_update_persons", "UPDATE person p SET name_key = u.key FROM unnest($1::bigint[], "
                                    "$2::bytea[]) AS u (id, key) WHERE p.id = u.id"},
    {"intake_rekey_progress",
     "UPDATE key_migration SET after_household = $1, households_rekeyed = households_rekeyed + $2, "
     "persons_rekeyed = persons_rekeyed + $3, persons_kept = persons_kept + $4, pending = NOT $5, "
     "done_at = CASE WHEN $5 THEN now() END WHERE name = 'nfc' "
     "RETURNING households_rekeyed, persons_rekeyed, persons_kept"},
    /* Stored persons without a number given the number of a referral's person recognised as them
     * (store_numbers.c): the birth date, year and sex agree with it (validate.c). */
    {"intake_give_numbers",
     "UPDATE person p SET rrn_hash = u.rrn_hash, rrn_sealed = u.rrn_sealed, birth_date = u.birth_date, "
     "birth_year = u.birth_year, sex = COALESCE(u.sex, p.sex) FROM unnest($1::bigint[], $2::bytea[], "
     "$3::text[], $4::date[], $5::smallint[], $6::text[]) AS u (id, rrn_hash, rrn_sealed, birth_date, "
     "birth_year, sex) WHERE p.id = u.id AND p.rrn_hash IS NULL"},
    /* --- the fuzzy blocks of persons stored before 0009 (store_blocks.c, migrations/0015) --- */
    {"intake_blocks_state", "SELECT pending, after_person FROM key_migration WHERE name = 'fuzzy_blocks'"},
    {"intake_blocks_persons",
     "SELECT p.id, h.dong_code, p.name_sealed, h.address_sealed, p.rrn_sealed FROM person p JOIN household h "
     "ON h.id = p.household_id WHERE p.name_block IS NULL AND p.id > $1 ORDER BY p.id LIMIT $2"},
    {"intake_blocks_update",
     "UPDATE person p SET name_block = u.name_block, address_block = u.address_block, "
     "birth_year = COALESCE(p.birth_year, extract(year FROM p.birth_date)::smallint), "
     "sex = COALESCE(p.sex, u.sex) FROM unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::text[]) "
     "AS u (id, name_block, address_block, sex) WHERE p.id = u.id"},
    {"intake_blocks_progress",
     "UPDATE key_migration SET after_person = $1, persons_rekeyed = persons_rekeyed + $2, "
     "persons_kept = persons_kept + $3, pending = NOT $4, done_at = CASE WHEN $4 THEN now() END "
     "WHERE name = 'fuzzy_blocks' RETURNING persons_rekeyed, persons_kept"},
    {"intake_household_merged_into", "SELECT COALESCE(merged_into, 0) FROM household WHERE id = $1"},
    {"intake_fold_household", "UPDATE household h SET risk_score = GREATEST(h.risk_score, o.risk_score), "
                              "referral_count = h.referral_count + o.referral_count, "
                              "known_to_programme = h.known_to_programme OR o.known_to_programme, "
                              "first_reported_on = LEAST(h.first_reported_on, o.first_reported_on), "
                              "last_reported_on = GREATEST(h.last_reported_on, o.last_reported_on) "
                              "FROM household o WHERE h.id = $1 AND o.id = $2 RETURNING h.risk_score"},
    {"intake_mark_merged", "UPDATE household SET merged_into = $1, referral_count = 0 WHERE id = $2"},
    {"intake_resolve",
     "INSERT INTO duplicate_suspicion (household_a, household_b, reason, resolution) "
     "VALUES (LEAST($1::bigint, $2::bigint), GREATEST($1::bigint, $2::bigint), 'resolved by an operator', "
     "$3) "
     "ON CONFLICT (household_a, household_b) DO UPDATE SET resolution = EXCLUDED.resolution"},
    {"intake_get_household",
     "SELECT h.id, h.dong_code, h.latitude, h.longitude, h.risk_score, h.referral_count, "
     "h.known_to_programme, "
     "h.blind_spot, h.first_reported_on::text, h.last_reported_on::text, COALESCE(h.merged_into, 0) "
     "FROM household h WHERE h.id = $1"},
    {"intake_household_names", "SELECT name_sealed FROM person WHERE household_id = $1 ORDER BY id"},
    {"intake_get_referral",
     "SELECT id, household_id, channel, COALESCE(reporter_id, 0), reported_on::text, concern_sealed, "
     "months_utility_arrears, months_rent_arrears, months_insurance_arrears, lives_alone, aged_65_or_over, "
     "disability, chronic_illness, unemployed, single_parent, risk_score, person_count, persons_added, "
     "created_household FROM referral WHERE id = $1"},
};
const size_t intake_statements_count = sizeof intake_statements / sizeof intake_statements[0];

static bool cell_bool(const PGresult *r, int row, int col)
{
    const char *v = wh_db_text(r, row, col);
    return v && v[0] == 't';
}

int intake_store_insert_reporter(wh_db *db, const char *name, int channel, int64_t *id)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_text(&p, name);
    wh_params_i64(&p, channel);
    int rc = wh_db_query_row(db, "intake_insert_reporter", &p, &r);
    if (rc < 0 || !r)
        return rc < 0 ? rc : WH_INTERNAL;
    *id = wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    return 0;
}

int intake_store_reporter_exists(wh_db *db, int64_t id)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, id);
    int rc = wh_db_query_row(db, "intake_reporter_exists", &p, &r);
    if (rc < 0)
        return rc;
    PQclear(r);
    return r ? 0 : WH_NOT_FOUND;
}

int intake_store_household_merged_into(wh_db *db, int64_t id, int64_t *merged_into)
{
    PGresult *r;
    int rc = wh_db_row_by_id(db, "intake_household_merged_into", id, &r);
    if (rc != 0)
        return rc;
    *merged_into = wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    return 0;
}

static int64_t exec_pair(wh_db *db, const char *stmt, int64_t a, int64_t b)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, a);
    wh_params_i64(&p, b);
    return wh_db_exec(db, stmt, &p);
}

int intake_store_fold(wh_db *db, int64_t id, int64_t other, int *risk_score)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, id);
    wh_params_i64(&p, other);
    int rc = wh_db_query_row(db, "intake_fold_household", &p, &r);
    if (rc < 0)
        return rc;
    if (!r)
        return WH_NOT_FOUND;
    *risk_score = (int)wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    int64_t marked = exec_pair(db, "intake_mark_merged", id, other);
    return marked < 0 ? (int)marked : 0;
}

int intake_store_resolve(wh_db *db, int64_t a, int64_t b, int resolution)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, a);
    wh_params_i64(&p, b);
    wh_params_i64(&p, resolution);
    int64_t rc = wh_db_exec(db, "intake_resolve", &p);
    return rc < 0 ? (int)rc : 0;
}

/* Masks every member's name (opened, masked, wiped) into ctx memory. */
static int household_names(wh_ctx *ctx, int64_t id, Welfare__Intake__V1__HouseholdSummary *h)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, id);
    PGresult *r = wh_db_query(wh_ctx_db(ctx), "intake_household_names", &p);
    if (!r)
        return wh_db_last_status(wh_ctx_db(ctx));
    int rc = 0, n = PQntuples(r);
    h->masked_names = wh_ctx_alloc(ctx, (size_t)(n ? n : 1) * sizeof *h->masked_names);
    for (int i = 0; h->masked_names && i < n && rc == 0; i++) {
        char *name = NULL, masked[256];
        if ((rc = wh_pii_open(wh_db_text(r, i, 0), &name)) < 0)
            break;
        intake_mask_name(name, masked, sizeof masked);
        memset(name, 0, strlen(name));
        free(name);
        if (!(h->masked_names[h->n_masked_names++] = wh_ctx_strdup(ctx, masked)))
            rc = WH_INTERNAL;
    }
    h->member_count = n;
    PQclear(r);
    return h->masked_names ? rc : WH_INTERNAL;
}

int intake_store_get_household(wh_ctx *ctx, int64_t id, Welfare__Intake__V1__HouseholdSummary **out)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, id);
    int rc = wh_db_query_row(wh_ctx_db(ctx), "intake_get_household", &p, &r);
    if (rc < 0 || !r)
        return rc < 0 ? rc : WH_NOT_FOUND;
    Welfare__Intake__V1__HouseholdSummary *h = wh_ctx_alloc(ctx, sizeof *h);
    Welfare__Common__V1__GeoPoint *g = wh_ctx_alloc(ctx, sizeof *g);
    if (!h || !g) {
        PQclear(r);
        return WH_INTERNAL;
    }
    welfare__intake__v1__household_summary__init(h);
    welfare__common__v1__geo_point__init(g);
    h->household_id = wh_db_i64(r, 0, 0, 0);
    h->dong_code = wh_ctx_strdup(ctx, wh_db_text(r, 0, 1));
    if (!PQgetisnull(r, 0, 2)) {
        g->latitude = wh_db_f64(r, 0, 2, 0);
        g->longitude = wh_db_f64(r, 0, 3, 0);
        h->location = g;
    }
    h->risk_score = (int32_t)wh_db_i64(r, 0, 4, 0);
    h->referral_count = (int32_t)wh_db_i64(r, 0, 5, 0);
    h->known_to_programme = cell_bool(r, 0, 6);
    h->blind_spot = cell_bool(r, 0, 7);
    h->first_reported_on = wh_ctx_strdup(ctx, wh_db_text(r, 0, 8));
    h->last_reported_on = wh_ctx_strdup(ctx, wh_db_text(r, 0, 9));
    h->merged_into_household_id = wh_db_i64(r, 0, 10, 0);
    PQclear(r);
    if ((rc = household_names(ctx, id, h)) < 0)
        return rc;
    *out = h;
    return 0;
}

/* Opens the sealed concern into ctx memory ("" when none). */
static char *open_concern(wh_ctx *ctx, const char *sealed)
{
    char *plain = NULL;
    if (!sealed || wh_pii_open(sealed, &plain) < 0)
        return wh_ctx_strdup(ctx, "");
    char *copy = wh_ctx_strdup(ctx, plain);
    memset(plain, 0, strlen(plain));
    free(plain);
    return copy;
}

int intake_store_get_referral(wh_ctx *ctx, int64_t id, Welfare__Intake__V1__ReferralSummary **out)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, id);
    int rc = wh_db_query_row(wh_ctx_db(ctx), "intake_get_referral", &p, &r);
    if (rc < 0 || !r)
        return rc < 0 ? rc : WH_NOT_FOUND;
    Welfare__Intake__V1__ReferralSummary *s = wh_ctx_alloc(ctx, sizeof *s);
    Welfare__Intake__V1__RiskIndicators *k = wh_ctx_alloc(ctx, sizeof *k);
    if (!s || !k) {
        PQclear(r);
        return WH_INTERNAL;
    }
    welfare__intake__v1__referral_summary__init(s);
    welfare__intake__v1__risk_indicators__init(k);
    s->referral_id = wh_db_i64(r, 0, 0, 0);
    s->household_id = wh_db_i64(r, 0, 1, 0);
    s->channel = (Welfare__Intake__V1__Channel)wh_db_i64(r, 0, 2, 0);
    s->reporter_id = wh_db_i64(r, 0, 3, 0);
    s->reported_on = wh_ctx_strdup(ctx, wh_db_text(r, 0, 4));
    s->concern = open_concern(ctx, wh_db_text(r, 0, 5));
    k->months_utility_arrears = (int32_t)wh_db_i64(r, 0, 6, 0);
    k->months_rent_arrears = (int32_t)wh_db_i64(r, 0, 7, 0);
    k->months_insurance_arrears = (int32_t)wh_db_i64(r, 0, 8, 0);
    k->lives_alone = cell_bool(r, 0, 9);
    k->aged_65_or_over = cell_bool(r, 0, 10);
    k->disability = cell_bool(r, 0, 11);
    k->chronic_illness = cell_bool(r, 0, 12);
    k->unemployed = cell_bool(r, 0, 13);
    k->single_parent = cell_bool(r, 0, 14);
    s->risk = k;
    s->risk_score = (int32_t)wh_db_i64(r, 0, 15, 0);
    s->person_count = (int32_t)wh_db_i64(r, 0, 16, 0);
    s->persons_added = (int32_t)wh_db_i64(r, 0, 17, 0);
    s->created_household = cell_bool(r, 0, 18);
    PQclear(r);
    *out = s;
    return 0;
}

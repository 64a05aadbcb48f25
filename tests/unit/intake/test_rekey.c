/*
 * test_rekey.c — the NFC rekey (store_rekey.c, migrations/0005_nfc_keys.sql) on real PostgreSQL when
 * WH_TEST_DB_URL is set: households and persons stored with keys of decomposed (NFD) text, as before
 * the bus normalised to NFC, get the keys a new referral computes; keys of NFC text are untouched;
 * a person whose key came from another address than their household's is kept and counted; the
 * migration is done afterwards and a second run changes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "intake.h"
#include "wh/migrate.h"

extern const wh_migration intake_migrations[];
extern const size_t intake_migrations_count;

#define NFD_NAME    "\xe1\x84\x80\xe1\x85\xb5\xe1\x86\xb7\xec\xb2\xa0\xec\x88\x98" /* 김철수, decomposed 김 */
#define NFC_NAME    "김철수"
#define NFD_ADDRESS "\xe1\x84\x89\xe1\x85\xae\xe1\x84\x8b\xe1\x85\xa7\xe1\x86\xbc로 12" /* 수영로 12, NFD */
#define NFC_ADDRESS "수영로 12"
#define DONG        "2650051000"
#define BIRTH       "1950-01-01"

static wh_db *db;

static int open_schema(const char *url)
{
    PGconn *c = PQconnectdb(url);
    PGresult *r = PQexec(c, "SET client_min_messages = warning; DROP SCHEMA IF EXISTS intake_rekey CASCADE; "
                            "CREATE SCHEMA intake_rekey");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    PQfinish(c);
    wh_db *m = NULL;
    if (!ok || wh_db_open(&m, url, "intake_rekey", NULL, 0) < 0 ||
        wh_migrate(m, "intake_rekey", intake_migrations, intake_migrations_count) < 0)
        return -1;
    wh_db_close(&m);
    return wh_db_open(&db, url, "intake_rekey", intake_statements, intake_statements_count);
}

static void sql(const char *q)
{
    assert_true(wh_db_exec_sql(db, q) == 0);
}

static char *scalar_text(const char *q)
{
    PGresult *r = PQexec(wh_db_conn(db), q);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    char *v = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

static void name_key(size_t (*normalize)(const char *, char *, size_t), const char *name, const char *address,
                     char out[INTAKE_KEY_TEXT + 1])
{
    char input[1024];
    if (normalize == intake_normalize_raw)
        assert_int_equal(intake_name_key_input_raw(name, BIRTH, address, input, sizeof input), 0);
    else
        assert_int_equal(intake_name_key_input(name, BIRTH, address, input, sizeof input), 0);
    assert_int_equal(intake_hash_labelled("name", input, out), 0);
}

/* A household of address with one person of name, keys made with normalize (sealed values real). */
static void store(int64_t id, const char *address, size_t (*normalize)(const char *, char *, size_t),
                  const char *name, const char *key_address, const char *rrn_hash)
{
    char akey[INTAKE_KEY_TEXT + 1], nkey[INTAKE_KEY_TEXT + 1], q[2048];
    char *asealed, *nsealed;
    assert_int_equal(intake_address_key(DONG, address, normalize, akey), 0);
    name_key(normalize, name, key_address, nkey);
    assert_int_equal(wh_pii_seal(address, &asealed), 0);
    assert_int_equal(wh_pii_seal(name, &nsealed), 0);
    snprintf(
        q, sizeof q,
        "INSERT INTO household (id, dong_code, address_sealed, address_key, known_to_programme, blind_spot, "
        "risk_score, first_reported_on, last_reported_on) VALUES (%lld, '%s', '%s', '%s', false, true, 10, "
        "'2015-01-01', '2015-01-01'); INSERT INTO person (household_id, rrn_hash, rrn_sealed, name_sealed, "
        "name_key, birth_date) VALUES (%lld, '%s', 'x', '%s', '%s', '" BIRTH "')",
        (long long)id, DONG, asealed, akey, (long long)id, rrn_hash, nsealed, nkey);
    sql(q);
    free(asealed);
    free(nsealed);
}

static void rekeys_nfd_keys(void **state)
{
    (void)state;
    const char *url = getenv("WH_TEST_DB_URL");
    if (!url || !*url) {
        skip();
        return;
    }
    assert_int_equal(open_schema(url), 0);
    store(1, NFD_ADDRESS, intake_normalize_raw, NFD_NAME, NFD_ADDRESS, "r1");   /* stored before NFC */
    store(2, NFC_ADDRESS, intake_normalize, NFC_NAME, NFC_ADDRESS, "r2");       /* NFC already */
    store(3, NFD_ADDRESS, intake_normalize_raw, NFD_NAME, "다른 주소 1", "r3"); /* key of another address */
    sql("UPDATE key_migration SET pending = true WHERE name = 'nfc'"); /* as a database from before */
    char *before2 = scalar_text("SELECT name_key || address_key FROM person p JOIN household h ON h.id = "
                                "p.household_id WHERE h.id = 2");
    char *before3 = scalar_text("SELECT name_key FROM person WHERE household_id = 3");

    intake_rekey b;
    assert_int_equal(intake_rekey_state(db, &b), 0);
    assert_false(b.done);
    sql("BEGIN");
    while (!b.done)
        assert_int_equal(intake_rekey_batch(db, &b), 0);
    sql("COMMIT");

    char want_a[INTAKE_KEY_TEXT + 1], want_n[INTAKE_KEY_TEXT + 1];
    assert_int_equal(intake_address_key(DONG, NFC_ADDRESS, intake_normalize, want_a), 0);
    name_key(intake_normalize, NFC_NAME, NFC_ADDRESS, want_n);
    char *a1 = scalar_text("SELECT address_key FROM household WHERE id = 1");
    char *n1 = scalar_text("SELECT name_key FROM person WHERE household_id = 1");
    assert_string_equal(a1, want_a); /* as a new referral of the NFC text computes them */
    assert_string_equal(n1, want_n);
    char *after2 = scalar_text("SELECT name_key || address_key FROM person p JOIN household h ON h.id = "
                               "p.household_id WHERE h.id = 2");
    char *after3 = scalar_text("SELECT name_key FROM person WHERE household_id = 3");
    assert_string_equal(before2, after2);
    assert_string_equal(before3, after3);
    char *counts =
        scalar_text("SELECT households_rekeyed || '/' || persons_rekeyed || '/' || persons_kept || '/' "
                    "|| pending FROM key_migration WHERE name = 'nfc'");
    assert_string_equal(counts, "2/1/1/false"); /* households 1 and 3 (same NFD address), person of 1 */
    assert_int_equal(intake_rekey_state(db, &b), 0);
    assert_true(b.done);
    free(a1);
    free(n1);
    free(before2);
    free(after2);
    free(before3);
    free(after3);
    free(counts);
    wh_db_close(&db);
}

int main(void)
{
    static const unsigned char key[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6,
                                          7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2};
    if (wh_pii_init_key(key) < 0)
        return 1;
    const struct CMUnitTest tests[] = {cmocka_unit_test(rekeys_nfd_keys)};
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    wh_pii_shutdown();
    return rc;
}

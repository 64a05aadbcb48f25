/*
 * test_bytea_keys.c — migrations/0016_bytea_keys.sql on real PostgreSQL when WH_TEST_DB_URL is set: a
 * household and a person stored before it with their keys as 64 hex characters (what the service
 * wrote then) have, after it, every key as its 32 bytes, reading back as the key intake computes
 * today (bytea's text form, INTAKE_KEY_TEXT); and the resolver's reads (intake_bulk_persons,
 * intake_bulk_households), given those keys as the service passes them (an array of the text form),
 * find the person and the household.
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

#include "fuzzy.h"
#include "intake.h"
#include "wh/migrate.h"
#include "wh/sqlarray.h"

extern const wh_migration intake_migrations[];
extern const size_t intake_migrations_count;

#define SCHEMA "intake_bytea_keys"
#define DONG   "2650051000"

static const char *statement_sql(const char *name)
{
    for (size_t i = 0; i < intake_statements_count; i++)
        if (strcmp(intake_statements[i].name, name) == 0)
            return intake_statements[i].sql;
    return NULL;
}

/* q with its n values, or q's statements (n 0). */
static PGresult *exec_ok(PGconn *c, const char *q, int n, const char *const *values)
{
    PGresult *r = n ? PQexecParams(c, q, n, NULL, values, NULL, NULL, 0) : PQexec(c, q);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", q, PQerrorMessage(c));
    return r;
}

/* Applies intake's migrations before 0016 (up_to_0016) or all of them. */
static void migrate(const char *url, bool up_to_0016)
{
    size_t n = 0;
    while (n < intake_migrations_count && (!up_to_0016 || strncmp(intake_migrations[n].name, "0016", 4) < 0))
        n++;
    assert_true(!up_to_0016 || n < intake_migrations_count); /* 0016 is there */
    wh_db *m = NULL;
    assert_true(wh_db_open(&m, url, SCHEMA, NULL, 0) >= 0);
    assert_true(wh_migrate(m, SCHEMA, intake_migrations, n) >= 0);
    wh_db_close(&m);
}

typedef struct keys {
    char rrn[INTAKE_KEY_TEXT + 1], name[INTAKE_KEY_TEXT + 1], phone[INTAKE_KEY_TEXT + 1];
    char name_block[INTAKE_KEY_TEXT + 1], address_block[INTAKE_KEY_TEXT + 1], address[INTAKE_KEY_TEXT + 1];
} keys;

static void compute(keys *k)
{
    assert_int_equal(intake_hash_labelled("rrn", "5503152234564", k->rrn), 0);
    assert_int_equal(intake_hash_labelled("name", "a name key's input", k->name), 0);
    assert_int_equal(intake_hash_labelled("phone", "01011112222", k->phone), 0);
    assert_int_equal(intake_dong_keyed("name-block", DONG, "김영희", intake_normalize, k->name_block), 0);
    assert_int_equal(
        intake_dong_keyed("address-block", DONG, "수영로 12", intake_fuzzy_address_form, k->address_block),
        0);
    assert_int_equal(intake_address_key(DONG, "수영로 12", intake_normalize, k->address), 0);
    assert_int_equal(strlen(k->rrn), INTAKE_KEY_TEXT);
    assert_memory_equal(k->rrn, "\\x", 2);
}

/* The rows as the service stored them before 0016: the hex digits, as text. */
static void store_as_hex(PGconn *c, const keys *k)
{
    const char *v[] = {k->address + 2, k->rrn + 2,        k->name + 2,
                       k->phone + 2,   k->name_block + 2, k->address_block + 2};
    PQclear(exec_ok(c,
                    "INSERT INTO household (id, dong_code, address_sealed, address_key, known_to_programme, "
                    "blind_spot, risk_score, first_reported_on, last_reported_on) VALUES (7, '" DONG
                    "', 'x', "
                    "$1, false, true, 10, '2026-01-01', '2026-01-01')",
                    1, v));
    PQclear(exec_ok(c,
                    "INSERT INTO person (id, household_id, rrn_hash, rrn_sealed, name_sealed, name_key, "
                    "phone_hash, phone_sealed, birth_date, birth_year, sex, name_block, address_block) "
                    "VALUES (70, 7, $1, 'x', 'x', $2, $3, 'x', '1955-03-15', 1955, 'F', $4, $5)",
                    5, v + 1));
}

static void expect_column(PGconn *c, const char *column, const char *table, const char *want)
{
    char q[256];
    snprintf(q, sizeof q, "SELECT pg_typeof(%s)::text, octet_length(%s), %s FROM %s", column, column, column,
             table);
    PGresult *r = exec_ok(c, q, 0, NULL);
    assert_int_equal(PQntuples(r), 1);
    assert_string_equal(PQgetvalue(r, 0, 0), "bytea");
    assert_string_equal(PQgetvalue(r, 0, 1), "32");
    assert_string_equal(PQgetvalue(r, 0, 2), want);
    PQclear(r);
}

static char *array_of(wh_sqlarray *a, const char *key)
{
    wh_sqlarray_text(a, key);
    return (char *)wh_sqlarray_value(a);
}

static void hex_keys_become_bytes_and_still_match(void **state)
{
    (void)state;
    const char *url = getenv("WH_TEST_DB_URL");
    if (!url)
        skip();
    static const unsigned char pii_key[32] = {1, 6, 0, 0, 1, 6};
    assert_int_equal(wh_pii_init_key(pii_key), 0);
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PQclear(
        exec_ok(c, "SET client_min_messages = warning; DROP SCHEMA IF EXISTS " SCHEMA " CASCADE", 0, NULL));
    PQclear(exec_ok(c, "CREATE SCHEMA " SCHEMA, 0, NULL));
    migrate(url, true);
    PQclear(exec_ok(c, "SET search_path = " SCHEMA, 0, NULL));
    keys k;
    compute(&k);
    store_as_hex(c, &k);
    migrate(url, false);

    expect_column(c, "address_key", "household", k.address);
    expect_column(c, "rrn_hash", "person", k.rrn);
    expect_column(c, "name_key", "person", k.name);
    expect_column(c, "phone_hash", "person", k.phone);
    expect_column(c, "name_block", "person", k.name_block);
    expect_column(c, "address_block", "person", k.address_block);

    /* the resolver's reads, each key as the only element of its array, as store_bulk.c passes them */
    wh_sqlarray rrn = {0}, name = {0}, phone = {0}, ids = {0}, address = {0};
    const char *by_rrn[] = {array_of(&rrn, k.rrn), "{}", "{}"};
    const char *by_name[] = {"{}", array_of(&name, k.name), "{}"};
    const char *by_phone[] = {"{}", "{}", array_of(&phone, k.phone)};
    const char *const *reads[] = {by_rrn, by_name, by_phone};
    for (size_t i = 0; i < 3; i++) {
        PGresult *r = exec_ok(c, statement_sql("intake_bulk_persons"), 3, reads[i]);
        assert_int_equal(PQntuples(r), 1);
        assert_string_equal(PQgetvalue(r, 0, 0), k.rrn);
        assert_string_equal(PQgetvalue(r, 0, 4), "70");
        PQclear(r);
    }
    wh_sqlarray_i64(&ids, 0);
    const char *at_address[] = {wh_sqlarray_value(&ids), array_of(&address, k.address), "2"};
    PGresult *r = exec_ok(c, statement_sql("intake_bulk_households"), 3, at_address);
    assert_int_equal(PQntuples(r), 1);
    assert_string_equal(PQgetvalue(r, 0, 0), "7");
    assert_string_equal(PQgetvalue(r, 0, 9), k.address);
    PQclear(r);
    wh_sqlarray *arrays[] = {&rrn, &name, &phone, &ids, &address};
    for (size_t i = 0; i < 5; i++)
        wh_sqlarray_free(arrays[i]);

    PQclear(exec_ok(c, "RESET search_path; DROP SCHEMA " SCHEMA " CASCADE", 0, NULL));
    PQfinish(c);
    wh_pii_shutdown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(hex_keys_become_bytes_and_still_match)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

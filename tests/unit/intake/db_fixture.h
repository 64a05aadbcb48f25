/*
 * db_fixture.h — the database of intake's store tests: the PII key, a schema of WH_TEST_DB_URL
 * migrated with every statement (the roster's too) and the dongs of dongs_fixture.h, on fake_ctx.h's
 * fake.db; one-value queries for the checks.  Include after cmocka.h.
 */
#ifndef INTAKE_DB_FIXTURE_H
#define INTAKE_DB_FIXTURE_H

#include "dongs_fixture.h"
#include "fake_ctx.h"
#include "roster.h"

extern const wh_migration intake_migrations[];
extern const size_t intake_migrations_count;

/* 0, also when WH_TEST_DB_URL is unset (fake.db stays NULL and the tests skip); -1 on failure. */
static inline int intake_test_db_open(const char *schema, const unsigned char key[32])
{
    if (wh_pii_init_key(key) < 0)
        return -1;
    size_t n;
    const wh_db_statement *st = intake_all_statements(&n);
    int rc = fake_db_setup(schema, intake_migrations, intake_migrations_count, st, n);
    if (rc == 0 && intake_test_define_dongs(wh_db_conn(fake.db)) < 0)
        return -1;
    return rc == -2 ? -1 : 0;
}

/* The first value of a query on db as an integer (a count); the test fails when the query does. */
static inline int64_t intake_test_scalar(wh_db *db, const char *sql)
{
    PGresult *r = PQexec(wh_db_conn(db), sql);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    int64_t v = wh_db_i64(r, 0, 0, -1);
    PQclear(r);
    return v;
}

/* intake_test_scalar on fake.db. */
static inline int64_t intake_test_count(const char *sql)
{
    return intake_test_scalar(fake.db, sql);
}

/* The one value of a one-row query, malloc'd. */
static inline char *intake_test_text(const char *q)
{
    PGresult *r = PQexec(wh_db_conn(fake.db), q);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    assert_int_equal(PQntuples(r), 1);
    char *v = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

static inline void intake_test_expect_text(const char *q, const char *want)
{
    char *v = intake_test_text(q);
    assert_string_equal(v, want);
    free(v);
}

static inline int intake_test_db_close(void)
{
    fake_done();
    wh_pii_shutdown();
    return 0;
}

#endif

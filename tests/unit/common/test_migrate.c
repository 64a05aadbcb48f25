/*
 * test_migrate.c — wh_migrate against a real PostgreSQL (WH_TEST_DB_URL; skipped without it):
 * migrations applied once with SHA-256 checksums recorded, a re-run that changes nothing, a new
 * migration applied alone, a changed or vanished applied migration refused with nothing applied, a
 * failing migration rolled back whole, components numbered independently, a bad list rejected, the
 * advisory lock released, and two concurrent migrators that apply each migration exactly once.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "wh/db.h"
#include "wh/log.h"
#include "wh/migrate.h"
#include "wh/status.h"

#define SCHEMA      "wh_test_mig"
#define CONC_SCHEMA "wh_test_mig_conc"

static const char *url;
static PGconn *admin;

static const wh_migration v1[] = {
    {"svc", "0001_init.sql", "CREATE TABLE a (id integer PRIMARY KEY);\nINSERT INTO a VALUES (1);\n"},
    {"svc", "0002_fn.sql",
     "CREATE FUNCTION one() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;\n"
     "ALTER TABLE a ADD COLUMN note text DEFAULT 'x;y';\n"},
};

static int64_t scalar(const char *sql)
{
    PGresult *r = PQexec(admin, sql);
    int64_t v;

    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(admin));
    v = PQgetisnull(r, 0, 0) ? -1 : strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return v;
}

static void exec_admin(const char *sql)
{
    PGresult *r = PQexec(admin, sql);

    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(admin));
    PQclear(r);
}

static int setup(void **state)
{
    wh_log_init("test_migrate");
    url = getenv("WH_TEST_DB_URL");
    if (url == NULL || *url == '\0')
        return 0;
    admin = PQconnectdb(url);
    if (PQstatus(admin) != CONNECTION_OK)
        return -1;
    PQclear(PQexec(admin, "SET client_min_messages = warning"));
    PQclear(PQexec(admin, "DROP SCHEMA IF EXISTS " SCHEMA " CASCADE"));
    PQclear(PQexec(admin, "DROP SCHEMA IF EXISTS " CONC_SCHEMA " CASCADE"));
    PQclear(PQexec(admin, "CREATE SCHEMA " SCHEMA));
    PQclear(PQexec(admin, "CREATE SCHEMA " CONC_SCHEMA));
    return 0;
}

static int teardown(void **state)
{
    PQfinish(admin);
    return 0;
}

#define NEED_DB()                                                                                            \
    do {                                                                                                     \
        if (admin == NULL)                                                                                   \
            skip();                                                                                          \
    } while (0)

static int migrate(const char *schema, const wh_migration *m, size_t n)
{
    wh_db *db;
    int rc = wh_db_open(&db, url, schema, NULL, 0);

    assert_int_equal(rc, 0);
    rc = wh_migrate(db, schema, m, n);
    /* The session lock is released whatever the outcome. */
    PGresult *r = PQexec(wh_db_conn(db), "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND "
                                         "pid = pg_backend_pid()");
    assert_string_equal(PQgetvalue(r, 0, 0), "0");
    PQclear(r);
    wh_db_close(&db);
    return rc;
}

static void applies_once(void **state)
{
    NEED_DB();
    assert_int_equal(migrate(SCHEMA, v1, 2), 0);
    assert_int_equal(scalar("SELECT count(*) FROM " SCHEMA ".a"), 1);
    assert_int_equal(scalar("SELECT " SCHEMA ".one()"), 1);
    assert_int_equal(scalar("SELECT count(*) FROM " SCHEMA ".schema_migrations WHERE component = 'svc'"), 2);
    assert_int_equal(scalar("SELECT max(version) FROM " SCHEMA ".schema_migrations"), 2);
    /* The checksum is the SHA-256 of the file's text, as PostgreSQL computes it too. */
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM " SCHEMA ".schema_migrations WHERE version = 1 AND name = '0001_init.sql' "
             "AND checksum = encode(sha256(convert_to(%s, 'UTF8')), 'hex')",
             "E'CREATE TABLE a (id integer PRIMARY KEY);\\nINSERT INTO a VALUES (1);\\n'");
    assert_int_equal(scalar(sql), 1);
}

static void rerun_is_noop(void **state)
{
    NEED_DB();
    int64_t before =
        scalar("SELECT extract(epoch FROM max(applied_at)) * 1000000 FROM " SCHEMA ".schema_migrations");

    assert_int_equal(migrate(SCHEMA, v1, 2), 0);
    assert_int_equal(migrate(SCHEMA, v1, 2), 0);
    assert_int_equal(scalar("SELECT count(*) FROM " SCHEMA ".a"), 1);
    assert_int_equal(scalar("SELECT count(*) FROM " SCHEMA ".schema_migrations"), 2);
    assert_int_equal(
        scalar("SELECT extract(epoch FROM max(applied_at)) * 1000000 FROM " SCHEMA ".schema_migrations"),
        before);
}

static void new_one_applied_alone(void **state)
{
    NEED_DB();
    const wh_migration v2[] = {v1[0], v1[1], {"svc", "0003_more.sql", "INSERT INTO a VALUES (2);"}};

    assert_int_equal(migrate(SCHEMA, v2, 3), 0);
    assert_int_equal(scalar("SELECT count(*) FROM " SCHEMA ".a"), 2);
    assert_int_equal(migrate(SCHEMA, v2, 3), 0);
    assert_int_equal(scalar("SELECT count(*) FROM " SCHEMA ".a"), 2);
    assert_int_equal(scalar("SELECT count(*) FROM " SCHEMA ".schema_migrations"), 3);
}

static void changed_is_refused(void **state)
{
    NEED_DB();
    const wh_migration changed[] = {
        v1[0],
        {"svc", "0002_fn.sql", "CREATE FUNCTION one() RETURNS integer LANGUAGE sql AS $$ SELECT 2 $$;"},
        {"svc", "0003_more.sql", "INSERT INTO a VALUES (2);"},
        {"svc", "0004_never.sql", "INSERT INTO a VALUES (4);"},
    };

    assert_int_equal(migrate(SCHEMA, changed, 4), WH_FAILED_PRECONDITION);
    assert_int_equal(scalar("SELECT count(*) FROM " SCHEMA ".a WHERE id = 4"), 0);
    assert_int_equal(scalar("SELECT count(*) FROM " SCHEMA ".schema_migrations"), 3);
}

static void missing_is_refused(void **state)
{
    NEED_DB();
    const wh_migration gap[] = {
        v1[0],
        v1[1],
        {"svc", "0004_never.sql", "INSERT INTO a VALUES (4);"},
    };

    assert_int_equal(migrate(SCHEMA, gap, 3), WH_FAILED_PRECONDITION); /* 0003 was applied */
    assert_int_equal(scalar("SELECT count(*) FROM " SCHEMA ".a WHERE id = 4"), 0);
}

static void failing_rolls_back_whole(void **state)
{
    NEED_DB();
    wh_migration m[] = {
        v1[0],
        v1[1],
        {"svc", "0003_more.sql", "INSERT INTO a VALUES (2);"},
        {"svc", "0004_bad.sql", "CREATE TABLE b (id integer);\nINSERT INTO a VALUES (4);\nSELECT 1 / 0;\n"},
    };

    assert_int_equal(migrate(SCHEMA, m, 4), WH_INTERNAL);
    assert_int_equal(
        scalar("SELECT count(*) FROM pg_tables WHERE schemaname = '" SCHEMA "' AND tablename = 'b'"), 0);
    assert_int_equal(scalar("SELECT count(*) FROM " SCHEMA ".a WHERE id = 4"), 0);
    assert_int_equal(scalar("SELECT count(*) FROM " SCHEMA ".schema_migrations"), 3);
    m[3].sql = "CREATE TABLE b (id integer);\nINSERT INTO a VALUES (4);\n"; /* fixed before it ever applied */
    assert_int_equal(migrate(SCHEMA, m, 4), 0);
    assert_int_equal(scalar("SELECT count(*) FROM " SCHEMA ".a WHERE id = 4"), 1);
}

static void components_are_separate(void **state)
{
    NEED_DB();
    const wh_migration bus[] = {{"bus", "0001_outbox.sql", "CREATE TABLE bus_t (id integer);"}};

    assert_int_equal(migrate(SCHEMA, bus, 1), 0);
    assert_int_equal(scalar("SELECT count(*) FROM " SCHEMA ".schema_migrations WHERE component = 'bus'"), 1);
    assert_int_equal(scalar("SELECT count(*) FROM " SCHEMA ".schema_migrations WHERE component = 'svc'"), 4);
    assert_int_equal(migrate(SCHEMA, bus, 1), 0);
    assert_int_equal(migrate(SCHEMA, NULL, 0), 0);
}

static void bad_lists_rejected(void **state)
{
    NEED_DB();
    const wh_migration unordered[] = {{"x", "0002_b.sql", "SELECT 1;"}, {"x", "0001_a.sql", "SELECT 1;"}};
    const wh_migration unnumbered[] = {{"x", "init.sql", "SELECT 1;"}};
    const wh_migration mixed[] = {{"x", "0001_a.sql", "SELECT 1;"}, {"y", "0002_b.sql", "SELECT 1;"}};

    assert_int_equal(migrate(SCHEMA, unordered, 2), WH_INVALID_ARGUMENT);
    assert_int_equal(migrate(SCHEMA, unnumbered, 1), WH_INVALID_ARGUMENT);
    assert_int_equal(migrate(SCHEMA, mixed, 2), WH_INVALID_ARGUMENT);
    assert_int_equal(
        scalar("SELECT count(*) FROM " SCHEMA ".schema_migrations WHERE component IN ('x', 'y')"), 0);
}

/* Each migrator counts itself in; the migration sleeps so both are surely in flight together. */
static const wh_migration slow[] = {
    {"conc", "0001_counter.sql", "CREATE TABLE applied (n integer);"},
    {"conc", "0002_slow.sql", "INSERT INTO applied VALUES (2);\nSELECT pg_sleep(0.3);\n"},
    {"conc", "0003_last.sql", "INSERT INTO applied VALUES (3);"},
};

static pthread_barrier_t start_together;

static void *migrator(void *arg)
{
    wh_db *db;
    int *rc = arg;

    *rc = wh_db_open(&db, url, CONC_SCHEMA, NULL, 0);
    pthread_barrier_wait(&start_together);
    if (*rc == 0)
        *rc = wh_migrate(db, CONC_SCHEMA, slow, 3);
    wh_db_close(&db);
    return NULL;
}

static void concurrent_migrators_apply_once(void **state)
{
    NEED_DB();
    enum { N = 3 };
    pthread_t t[N];
    int rc[N];

    pthread_barrier_init(&start_together, NULL, N);
    for (int i = 0; i < N; i++)
        assert_int_equal(pthread_create(&t[i], NULL, migrator, &rc[i]), 0);
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(rc[i], 0);
    }
    pthread_barrier_destroy(&start_together);
    assert_int_equal(scalar("SELECT count(*) FROM " CONC_SCHEMA ".applied"), 2);
    assert_int_equal(scalar("SELECT count(*) FROM " CONC_SCHEMA ".schema_migrations"), 3);
}

static void changes_land_in_the_named_schema(void **state)
{
    NEED_DB();
    /* Nothing leaked into public: every table went where the search_path of the run pointed. */
    assert_int_equal(scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN "
                            "('a', 'b', 'applied', 'schema_migrations', 'bus_t')"),
                     0);
    exec_admin("SELECT 1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(applies_once),
        cmocka_unit_test(rerun_is_noop),
        cmocka_unit_test(new_one_applied_alone),
        cmocka_unit_test(changed_is_refused),
        cmocka_unit_test(missing_is_refused),
        cmocka_unit_test(failing_rolls_back_whole),
        cmocka_unit_test(components_are_separate),
        cmocka_unit_test(bad_lists_rejected),
        cmocka_unit_test(concurrent_migrators_apply_once),
        cmocka_unit_test(changes_land_in_the_named_schema),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_db.c — wh_db against a real PostgreSQL (WH_TEST_DB_URL; the database tests skip without it):
 * prepared statement round trips of every parameter and cell type, the SQLSTATE → status mapping
 * (unique, check, not-null, foreign key, bad input, syntax, unknown statement), logs that never carry
 * parameter values, transactions, statements added later, a reconnect after
 * pg_terminate_backend that prepares everything again, and the recycle of a connection whose
 * buffers a large statement grew.  The parameter helpers are tested without a
 * database.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "capture_stderr.h"
#include "wh/db.h"
#include "wh/log.h"
#include "wh/status.h"

#define SCHEMA "wh_test_db"

static const wh_db_statement statements[] = {
    {"t_insert",
     "INSERT INTO item (name, qty, price, active, parent) VALUES ($1, $2, $3, $4, $5) RETURNING id"},
    {"t_get", "SELECT name, qty, price, active, parent FROM item WHERE id = $1"},
    {"t_set_qty", "UPDATE item SET qty = $2 WHERE name LIKE $1"},
    {"t_count", "SELECT count(*) FROM item"},
    {"t_where", "SELECT current_schema(), current_setting('application_name')"},
    {"t_echo", "SELECT $1::text"},
};

static const wh_db_statement extra[] = {
    {"t_max_qty", "SELECT max(qty) FROM item"},
};

static const char *url;
static wh_db *db;

static void admin(const char *sql)
{
    PGconn *c = PQconnectdb(url);
    PGresult *r;

    assert_int_equal(PQstatus(c), CONNECTION_OK);
    r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

static int setup(void **state)
{
    wh_log_init("test_db");
    url = getenv("WH_TEST_DB_URL");
    if (url == NULL || *url == '\0')
        return 0;
    admin("SET client_min_messages = warning; DROP SCHEMA IF EXISTS " SCHEMA " CASCADE; CREATE SCHEMA " SCHEMA
          "; CREATE TABLE " SCHEMA ".item (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE, "
          "qty integer NOT NULL CHECK (qty >= 0), price float8, active boolean, "
          "parent bigint REFERENCES " SCHEMA ".item (id))");
    return wh_db_open(&db, url, SCHEMA, statements, sizeof statements / sizeof statements[0]);
}

static int teardown(void **state)
{
    wh_db_close(&db);
    return 0;
}

#define NEED_DB()                                                                                            \
    do {                                                                                                     \
        if (db == NULL)                                                                                      \
            skip();                                                                                          \
    } while (0)

static int64_t insert(const char *name, int64_t qty, double price, bool active, const char *parent)
{
    wh_params p;
    PGresult *r;
    int64_t id;

    wh_params_reset(&p);
    wh_params_text(&p, name);
    wh_params_i64(&p, qty);
    wh_params_f64(&p, price);
    wh_params_bool(&p, active);
    wh_params_text(&p, parent);
    r = wh_db_query(db, "t_insert", &p);
    if (r == NULL)
        return wh_db_last_status(db);
    id = wh_db_i64(r, 0, 0, -1);
    PQclear(r);
    return id;
}

static void params_format(void **state)
{
    wh_params p;
    double v = 0.1 + 0.2;

    wh_params_reset(&p);
    wh_params_i64(&p, INT64_MIN);
    wh_params_i64(&p, 42);
    wh_params_f64(&p, v);
    wh_params_f64(&p, -1e-300);
    wh_params_bool(&p, true);
    wh_params_bool(&p, false);
    wh_params_text(&p, NULL);
    wh_params_text(&p, "x");
    assert_int_equal(p.n, 8);
    assert_string_equal(p.values[0], "-9223372036854775808");
    assert_string_equal(p.values[1], "42");
    assert_true(strtod(p.values[2], NULL) == v); /* %.17g round-trips every double */
    assert_true(strtod(p.values[3], NULL) == -1e-300);
    assert_string_equal(p.values[4], "true");
    assert_string_equal(p.values[5], "false");
    assert_null(p.values[6]);
    assert_string_equal(p.values[7], "x");
    wh_params_reset(&p);
    assert_int_equal(p.n, 0);
}

static void cell_readers_without_result(void **state)
{
    assert_int_equal(wh_db_i64(NULL, 0, 0, -7), -7);
    assert_true(wh_db_f64(NULL, 0, 0, 2.5) == 2.5);
    assert_null(wh_db_text(NULL, 0, 0));
}

static void session_settings(void **state)
{
    NEED_DB();
    PGresult *r = wh_db_query(db, "t_where", NULL);
    assert_non_null(r);
    assert_string_equal(wh_db_text(r, 0, 0), SCHEMA);
    assert_string_equal(wh_db_text(r, 0, 1), SCHEMA);
    PQclear(r);
    assert_true(wh_db_connected(db));
}

static void round_trip(void **state)
{
    NEED_DB();
    double price = 1.0 / 3.0;
    int64_t a = insert("rt-a", 5, price, true, NULL), b;
    char parent[32];
    wh_params p;
    PGresult *r;

    assert_true(a > 0);
    snprintf(parent, sizeof parent, "%lld", (long long)a);
    b = insert("rt-b 수영구 \"quoted\" 'single'", 0, -0.0, false, parent);
    assert_true(b > a);

    wh_params_reset(&p);
    wh_params_i64(&p, b);
    r = wh_db_query(db, "t_get", &p);
    assert_non_null(r);
    assert_int_equal(PQntuples(r), 1);
    assert_string_equal(wh_db_text(r, 0, 0), "rt-b 수영구 \"quoted\" 'single'");
    assert_int_equal(wh_db_i64(r, 0, 1, -1), 0);
    assert_string_equal(wh_db_text(r, 0, 3), "f");
    assert_int_equal(wh_db_i64(r, 0, 4, -1), a);
    assert_null(wh_db_text(r, 0, 9));             /* out of range */
    assert_int_equal(wh_db_i64(r, 1, 0, -3), -3); /* no such row */
    PQclear(r);

    wh_params_reset(&p);
    wh_params_i64(&p, a);
    r = wh_db_query(db, "t_get", &p);
    assert_non_null(r);
    assert_true(wh_db_f64(r, 0, 2, 0) == price); /* exact: float8 text round trip */
    assert_string_equal(wh_db_text(r, 0, 3), "t");
    assert_null(wh_db_text(r, 0, 4)); /* SQL NULL */
    assert_int_equal(wh_db_i64(r, 0, 4, -9), -9);
    assert_true(wh_db_f64(r, 0, 4, 4.5) == 4.5);
    PQclear(r);

    wh_params_reset(&p);
    wh_params_text(&p, "rt-%");
    wh_params_i64(&p, 9);
    assert_int_equal(wh_db_exec(db, "t_set_qty", &p), 2);
    wh_params_reset(&p);
    wh_params_text(&p, "nothing-%");
    wh_params_i64(&p, 9);
    assert_int_equal(wh_db_exec(db, "t_set_qty", &p), 0);
}

static void expect_failure(int64_t got, int status, const char *sqlstate)
{
    assert_int_equal(got, status);
    assert_int_equal(wh_db_last_status(db), status);
    assert_string_equal(wh_db_last_sqlstate(db), sqlstate);
}

static void status_mapping(void **state)
{
    NEED_DB();
    wh_params p;

    assert_true(insert("map-a", 1, 1, true, NULL) > 0);
    expect_failure(insert("map-a", 1, 1, true, NULL), WH_ALREADY_EXISTS, "23505");
    expect_failure(insert("map-neg", -1, 1, true, NULL), WH_INVALID_ARGUMENT, "23514");
    expect_failure(insert(NULL, 1, 1, true, NULL), WH_INVALID_ARGUMENT, "23502");
    expect_failure(insert("map-fk", 1, 1, true, "999999999"), WH_INVALID_ARGUMENT, "23503");
    expect_failure(insert("map-bad", 1, 1, true, "not-a-number"), WH_INVALID_ARGUMENT, "22P02");
    expect_failure(insert("map-big", (int64_t)1 << 40, 1, true, NULL), WH_INVALID_ARGUMENT, "22003");

    wh_params_reset(&p);
    assert_null(wh_db_query(db, "no_such_statement", &p));
    assert_int_equal(wh_db_last_status(db), WH_INTERNAL);
    assert_string_equal(wh_db_last_sqlstate(db), "26000");
    expect_failure(wh_db_exec_sql(db, "SELEC 1"), WH_INTERNAL, "42601");
    assert_int_equal(wh_db_exec_sql(db, "SELECT 1"), 0);

    /* A failure is the last failure until the next one: success does not clear it. */
    assert_string_equal(wh_db_last_sqlstate(db), "42601");
}

static void too_many_params(void **state)
{
    NEED_DB();
    wh_params p;

    wh_params_reset(&p);
    for (int i = 0; i < WH_PARAMS_MAX + 3; i++)
        wh_params_i64(&p, i);
    assert_true(p.n > WH_PARAMS_MAX);
    assert_null(wh_db_query(db, "t_echo", &p));
    assert_int_equal(wh_db_last_status(db), WH_INTERNAL);
    assert_true(wh_db_exec(db, "t_echo", &p) < 0);
}

static void fail_with_personal_data(void)
{
    insert("900101-1234567", 1, 1, true, NULL);
    insert("900101-1234567", 1, 1, true, NULL);          /* unique violation */
    insert("Kim Minsu", 1, 1, true, "Kim-Minsu-parent"); /* 22P02 quotes its input in the message */
}

static void logs_hold_no_values(void **state)
{
    NEED_DB();
    char buf[8192];

    capture_stderr(fail_with_personal_data, buf, sizeof buf);
    assert_non_null(strstr(buf, "\"statement\":\"t_insert\""));
    assert_non_null(strstr(buf, "\"sqlstate\":\"23505\""));
    assert_non_null(strstr(buf, "\"sqlstate\":\"22P02\""));
    assert_non_null(strstr(buf, "\"constraint\":\"item_name_key\""));
    assert_null(strstr(buf, "1234567"));
    assert_null(strstr(buf, "Minsu"));
    /* Exactly one line per failure. */
    int lines = 0;
    for (char *c = buf; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 2);
}

static int64_t count_items(void)
{
    PGresult *r = wh_db_query(db, "t_count", NULL);
    int64_t n;

    assert_non_null(r);
    n = wh_db_i64(r, 0, 0, -1);
    PQclear(r);
    return n;
}

static void transactions(void **state)
{
    NEED_DB();
    int64_t before = count_items();

    assert_int_equal(wh_db_exec_sql(db, "BEGIN"), 0);
    assert_true(insert("tx-a", 1, 1, true, NULL) > 0);
    assert_int_equal(wh_db_exec_sql(db, "SAVEPOINT s"), 0);
    assert_int_equal(insert("tx-a", 1, 1, true, NULL), WH_ALREADY_EXISTS);
    assert_int_equal(wh_db_exec_sql(db, "ROLLBACK TO SAVEPOINT s"), 0);
    assert_true(insert("tx-b", 1, 1, true, NULL) > 0);
    assert_int_equal(count_items(), before + 2);
    assert_int_equal(wh_db_exec_sql(db, "ROLLBACK"), 0);
    assert_int_equal(count_items(), before);
}

/* COMMIT after a failure inside the transaction answers "ROLLBACK" without an error: wh_db_commit
 * reports it, and nothing of the transaction stays. */
static void commit_of_failed_transaction(void **state)
{
    NEED_DB();
    int64_t before = count_items();

    assert_int_equal(wh_db_exec_sql(db, "BEGIN"), 0);
    assert_true(insert("commit-a", 1, 1, true, NULL) > 0);
    assert_int_equal(wh_db_commit(db), 0);
    assert_int_equal(count_items(), before + 1);

    assert_int_equal(wh_db_exec_sql(db, "BEGIN"), 0);
    assert_true(insert("commit-b", 1, 1, true, NULL) > 0);
    assert_int_equal(insert("commit-a", 1, 1, true, NULL), WH_ALREADY_EXISTS);
    expect_failure(wh_db_commit(db), WH_INTERNAL, "25P02");
    assert_int_equal(count_items(), before + 1);
}

static void added_statements(void **state)
{
    NEED_DB();
    static const wh_db_statement clash[] = {{"t_max_qty", "SELECT 1"}};
    PGresult *r;

    assert_int_equal(wh_db_add_statements(db, extra, 1), 0);
    assert_int_equal(wh_db_add_statements(db, extra, 1), 0); /* the same again: nothing to do */
    assert_int_equal(wh_db_add_statements(db, clash, 1), WH_INVALID_ARGUMENT);
    r = wh_db_query(db, "t_max_qty", NULL);
    assert_non_null(r);
    PQclear(r);
}

static void reconnect_after_terminate(void **state)
{
    NEED_DB();
    char sql[128];
    int pid = PQbackendPID(wh_db_conn(db));
    PGresult *r;

    assert_int_equal(wh_db_add_statements(db, extra, 1), 0);
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d)", pid);
    admin(sql);
    usleep(100 * 1000);
    assert_null(wh_db_query(db, "t_count", NULL));
    assert_int_equal(wh_db_last_status(db), WH_UNAVAILABLE);
    assert_false(wh_db_connected(db));
    assert_int_equal(wh_db_exec(db, "t_count", NULL), WH_UNAVAILABLE);

    assert_int_equal(wh_db_reconnect(db), 0);
    assert_true(wh_db_connected(db));
    assert_int_not_equal(PQbackendPID(wh_db_conn(db)), pid);
    assert_true(count_items() > 0);
    r = wh_db_query(db, "t_max_qty", NULL); /* added later, prepared again too */
    assert_non_null(r);
    PQclear(r);
    session_settings(state);
}

/* A statement larger than WH_DB_KEEP_MESSAGE_BYTES marks the connection's buffers as grown; a recycle
 * gives a new backend with every statement prepared and the schema set, and clears the mark. */
static void recycle_after_a_large_statement(void **state)
{
    NEED_DB();
    size_t n = WH_DB_KEEP_MESSAGE_BYTES + 1;
    char *big = malloc(n + 1);
    wh_params p;
    PGresult *r;
    int pid;

    assert_non_null(big);
    memset(big, 'x', n);
    big[n] = '\0';
    assert_int_equal(wh_db_recycle(db), 0); /* a fresh connection: nothing large sent yet */
    wh_params_reset(&p);
    wh_params_text(&p, "small");
    r = wh_db_query(db, "t_echo", &p);
    assert_non_null(r);
    PQclear(r);
    assert_false(wh_db_buffers_grown(db));
    wh_params_reset(&p);
    wh_params_text(&p, big);
    r = wh_db_query(db, "t_echo", &p);
    assert_non_null(r);
    assert_int_equal(PQgetlength(r, 0, 0), (int)n);
    PQclear(r);
    assert_true(wh_db_buffers_grown(db));
    pid = PQbackendPID(wh_db_conn(db));
    assert_int_equal(wh_db_recycle(db), 0);
    assert_false(wh_db_buffers_grown(db));
    assert_int_not_equal(PQbackendPID(wh_db_conn(db)), pid);
    assert_true(count_items() > 0);
    session_settings(state);
    free(big);
}

/* libpq's own message would quote the password ("missing = after hunter2-secret"). */
static void open_with_malformed_password(void)
{
    wh_db *other = NULL;

    assert_int_equal(wh_db_open(&other, "host=localhost password hunter2-secret", SCHEMA, NULL, 0),
                     WH_UNAVAILABLE);
    assert_null(other);
}

static void open_failures(void **state)
{
    NEED_DB();
    static const wh_db_statement broken[] = {{"t_broken", "SELECT FROM nowhere_at_all"}};
    static const wh_db_statement twice[] = {{"t_a", "SELECT 1"}, {"t_a", "SELECT 2"}};
    wh_db *other = (wh_db *)&other;

    assert_int_equal(wh_db_open(&other, "host=127.0.0.1 port=1 connect_timeout=2", SCHEMA, NULL, 0),
                     WH_UNAVAILABLE);
    assert_null(other);
    char log[4096];
    capture_stderr(open_with_malformed_password, log, sizeof log);
    assert_non_null(strstr(log, "does not parse"));
    assert_null(strstr(log, "hunter2-secret"));
    assert_int_equal(wh_db_open(&other, url, SCHEMA, broken, 1), WH_INTERNAL);
    assert_null(other);
    assert_int_equal(wh_db_open(&other, url, SCHEMA, twice, 2), WH_INVALID_ARGUMENT);
    assert_null(other);
    wh_db_close(&other); /* NULL-safe */
    wh_db_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(params_format),
        cmocka_unit_test(cell_readers_without_result),
        cmocka_unit_test(session_settings),
        cmocka_unit_test(round_trip),
        cmocka_unit_test(status_mapping),
        cmocka_unit_test(too_many_params),
        cmocka_unit_test(logs_hold_no_values),
        cmocka_unit_test(transactions),
        cmocka_unit_test(commit_of_failed_transaction),
        cmocka_unit_test(added_statements),
        cmocka_unit_test(reconnect_after_terminate),
        cmocka_unit_test(recycle_after_a_large_statement),
        cmocka_unit_test(open_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_audit.c — the audit log (common/src/audit.c) against a real PostgreSQL (WH_TEST_DB_URL; skipped
 * without it): rows whose fields a hostile peer chose — longer than their column's limit with the cut
 * falling inside a multi-byte character, or holding bytes that are not UTF-8 — are stored, cut at a
 * character boundary, every one of them, beside the well-behaved rows of the same flush; a flood of
 * refusals is a log line per decision a tick, not a line per attempt; and a row PostgreSQL refuses
 * anyway is lost alone, the others of its tick written one by one.
 */
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

#include "bus_internal.h"
#include "capture_stderr.h"
#include "wh/db.h"
#include "wh/log.h"
#include "wh/migrate.h"
#include "wh/util.h"

#define SCHEMA "wh_test_audit"

static const char *url;
static wh_service svc;

static PGresult *query(const char *sql)
{
    PGresult *r = PQexec(wh_db_conn(svc.db), sql);

    if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(wh_db_conn(svc.db)));
    return r;
}

/* A statement whose result is not needed. */
static void run(const char *sql)
{
    PQclear(query(sql));
}

static int64_t scalar(const char *sql)
{
    PGresult *r = query(sql);
    int64_t v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);

    PQclear(r);
    return v;
}

static int setup(void **state)
{
    PGconn *admin;

    wh_log_init("test_audit");
    url = getenv("WH_TEST_DB_URL");
    if (url == NULL || *url == '\0')
        return 0;
    admin = PQconnectdb(url);
    if (PQstatus(admin) != CONNECTION_OK)
        return -1;
    PQclear(PQexec(admin, "SET client_min_messages = warning; DROP SCHEMA IF EXISTS " SCHEMA " CASCADE"));
    PQclear(PQexec(admin, "CREATE SCHEMA " SCHEMA));
    PQfinish(admin);
    if (wh_db_open(&svc.db, url, SCHEMA, NULL, 0) != 0 ||
        wh_migrate(svc.db, SCHEMA, bus_migrations, bus_migrations_count) != 0 ||
        wh_db_add_statements(svc.db, wh_bus_statements, wh_bus_statements_count) != 0)
        return -1;
    svc.db_up = true;
    return wh_audit_start(&svc);
}

static int teardown(void **state)
{
    free(svc.audit);
    svc.audit = NULL;
    wh_db_close(&svc.db);
    return 0;
}

#define NEED_DB()                                                                                            \
    do {                                                                                                     \
        if (svc.db == NULL)                                                                                  \
            skip();                                                                                          \
    } while (0)

/* n copies of a character after a one-byte prefix, so a byte cut at the limit falls inside one */
static void repeat(char *out, size_t size, const char *prefix, const char *ch, int n)
{
    snprintf(out, size, "%s", prefix);
    for (int i = 0; i < n; i++)
        strncat(out, ch, size - strlen(out) - 1);
}

static void hostile_fields_are_cut_at_a_character_and_stored(void **state)
{
    char principal[256], reason[512], subject[256];
    PGresult *r;

    NEED_DB();
    run("TRUNCATE audit_log");
    repeat(principal, sizeof principal, "a", "김", 40);           /* 121 bytes; the column keeps 63 */
    repeat(reason, sizeof reason, "ab", "é", 100);                /* 202 bytes; 127 kept */
    repeat(subject, sizeof subject, "x", "\xf0\x9f\x98\x80", 30); /* 4-byte characters; 63 kept */
    wh_audit_record(&svc, principal, "KEY", "welfare.intake.v1.SubmitReferral", "malformed", reason, subject);
    wh_audit_record(&svc, "agency-bad", "KEY2", "t", "malformed", "bad \xff\xfe bytes \xe2\x82", "\xc0\xaf");
    wh_audit_record(&svc, "agency-good", "KEY3", "t", "permission_denied", "principal may not", NULL);
    wh_audit_record(&svc, "agency-good", "KEY3", "t", "permission_denied", "principal may not", NULL);
    wh_audit_flush(&svc);

    assert_int_equal(scalar("SELECT count(*) FROM audit_log"), 3);
    assert_int_equal(scalar("SELECT sum(count) FROM audit_log"), 4);
    r = query("SELECT principal, reason, subject FROM audit_log WHERE public_key = 'KEY'");
    assert_int_equal(PQntuples(r), 1);
    assert_true(wh_utf8_valid(PQgetvalue(r, 0, 0), 63));
    assert_int_equal(strlen(PQgetvalue(r, 0, 0)), 1 + 20 * 3); /* 'a' and the 20 whole characters */
    assert_memory_equal(PQgetvalue(r, 0, 0), principal, 61);
    assert_int_equal(strlen(PQgetvalue(r, 0, 1)), 2 + 62 * 2);
    assert_memory_equal(PQgetvalue(r, 0, 1), reason, 126);
    assert_int_equal(strlen(PQgetvalue(r, 0, 2)), 1 + 15 * 4);
    assert_memory_equal(PQgetvalue(r, 0, 2), subject, 61);
    PQclear(r);
    r = query("SELECT reason, subject FROM audit_log WHERE public_key = 'KEY2'");
    assert_int_equal(PQntuples(r), 1);
    assert_string_equal(PQgetvalue(r, 0, 0), "bad ?? bytes ??");
    assert_string_equal(PQgetvalue(r, 0, 1), "??");
    PQclear(r);
    assert_int_equal(scalar("SELECT count FROM audit_log WHERE principal = 'agency-good'"), 2);
}

/* The copy itself: whole characters that fit, never part of one; ill-formed bytes replaced. */
static void utf8_copy_cuts_at_a_character(void **state)
{
    char out[8];

    assert_true(wh_utf8_copy(out, sizeof out, "abc"));
    assert_string_equal(out, "abc");
    assert_true(wh_utf8_copy(out, sizeof out, NULL));
    assert_string_equal(out, "");
    assert_false(wh_utf8_copy(out, sizeof out, "a김철수")); /* 10 bytes: 'a' and two characters fit */
    assert_string_equal(out, "a김철");
    assert_false(wh_utf8_copy(out, sizeof out, "ab김철수"));
    assert_string_equal(out, "ab김");
    assert_true(wh_utf8_copy(out, sizeof out, "1234567"));
    assert_false(wh_utf8_copy(out, sizeof out, "12345678"));
    assert_string_equal(out, "1234567");
    assert_false(wh_utf8_copy(out, sizeof out, "\xed\xa0\x80")); /* a surrogate: three bad bytes */
    assert_string_equal(out, "???");
    assert_false(wh_utf8_copy(out, sizeof out, "\xe2\x82")); /* a character cut short by the NUL */
    assert_string_equal(out, "??");
    assert_false(wh_utf8_copy(out, 1, "a"));
    assert_string_equal(out, "");
    assert_true(wh_utf8_valid(out, sizeof out));
}

static size_t occurrences(const char *text, const char *what)
{
    size_t n = 0;

    for (const char *s = strstr(text, what); s != NULL; s = strstr(s + 1, what))
        n++;
    return n;
}

static void flood_and_flush(void)
{
    char key[16];

    for (int i = 0; i < 1024; i++) {
        snprintf(key, sizeof key, "KEY%d", i % 300); /* 300 distinct rows */
        wh_audit_record(&svc, "", key, "", "handshake_denied", "unknown key", NULL);
        wh_audit_record(&svc, "agency-x", "KX", "t", "malformed", "too many frames", NULL);
    }
    wh_audit_record(&svc, "staff", "KS", "t", "disclosed", "", "household:1");
    wh_audit_flush(&svc);
}

/* A flood of 2 × 1,024 refusals in a tick is two log lines with their counts, not 2,048. */
static void refusals_are_logged_once_a_tick(void **state)
{
    static char out[65536];

    NEED_DB();
    run("TRUNCATE audit_log");
    capture_stderr(flood_and_flush, out, sizeof out);
    assert_int_equal(occurrences(out, "\n"), 2);
    assert_int_equal(occurrences(out, "\"decision\":\"handshake_denied\",\"count\":1024,\"distinct\":300"),
                     1);
    assert_int_equal(occurrences(out, "\"decision\":\"malformed\",\"count\":1024,\"distinct\":1"), 1);
    assert_int_equal(occurrences(out, "disclosed"), 0);
    assert_int_equal(scalar("SELECT count(*) FROM audit_log"), 302);
    assert_int_equal(scalar("SELECT sum(count) FROM audit_log"), 2049);
}

/* A row PostgreSQL refuses (a test trigger) is lost alone: the tick's other rows are written one by
 * one, the lost attempts counted, and nothing is retried on the next tick. */
static void a_refused_row_is_lost_alone(void **state)
{
    wh_counter *lost = wh_metrics_counter("wh_bus_audit_records_total", "result=\"lost\"", NULL);
    uint64_t lost_before = wh_counter_value(lost);

    NEED_DB();
    run("TRUNCATE audit_log");
    run("CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.reason = 'poison' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$");
    run("CREATE TRIGGER refuse_poison BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION "
        "refuse_poison()");
    wh_audit_record(&svc, "a", "KA", "t", "malformed", "fine", NULL);
    for (int i = 0; i < 3; i++)
        wh_audit_record(&svc, "b", "KB", "t", "malformed", "poison", NULL);
    wh_audit_record(&svc, "c", "KC", "t", "permission_denied", "fine", NULL);
    wh_audit_record(&svc, "c", "KC", "t", "permission_denied", "fine", NULL);
    wh_audit_flush(&svc);
    assert_int_equal(scalar("SELECT count(*) FROM audit_log"), 2);
    assert_int_equal(scalar("SELECT sum(count) FROM audit_log"), 3);
    assert_int_equal(scalar("SELECT count(*) FROM audit_log WHERE reason = 'poison'"), 0);
    assert_int_equal(wh_counter_value(lost) - lost_before, 3);
    wh_audit_flush(&svc); /* nothing kept over */
    assert_int_equal(scalar("SELECT count(*) FROM audit_log"), 2);
    run("DROP TRIGGER refuse_poison ON audit_log; DROP FUNCTION refuse_poison()");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_copy_cuts_at_a_character),
        cmocka_unit_test(hostile_fields_are_cut_at_a_character_and_stored),
        cmocka_unit_test(refusals_are_logged_once_a_tick),
        cmocka_unit_test(a_refused_row_is_lost_alone),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_fuzzy_read.c — the cost of intake_bulk_fuzzy's address-key route (store.c) on real
 * PostgreSQL when WH_TEST_DB_URL is set (issue 16's hostile slow-down): an agency that files HOT
 * households under one address key must not make every later referral naming that key read them all.
 * EXPLAIN ANALYZE of the statement with only that route's key, HOT households there among COLD
 * others: no plan node reads more than max_candidates + 1 household rows (the branch's LIMIT, on the
 * (address_key, id) index backwards), where the uncapped join read all HOT and their persons; it
 * still returns the CAP most recent persons at the key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "intake.h"
#include "wh/migrate.h"

extern const wh_migration intake_migrations[];
extern const size_t intake_migrations_count;

#define HOT  2000  /* households at the hot key, a person without a number each */
#define COLD 50000 /* households of other keys: the district around it */
#define CAP  11    /* intake_fuzzy_max_candidates + 1 of the default 10 */

static const char *statement_sql(const char *name)
{
    for (size_t i = 0; i < intake_statements_count; i++)
        if (strcmp(intake_statements[i].name, name) == 0)
            return intake_statements[i].sql;
    return NULL;
}

/* The largest rows x loops of any plan node reading table `relation`. */
static double rows_read(const json_t *plan, const char *relation)
{
    double most = 0;
    const char *rel = json_string_value(json_object_get(plan, "Relation Name"));
    if (rel && strcmp(rel, relation) == 0)
        most = json_number_value(json_object_get(plan, "Actual Rows")) *
               json_number_value(json_object_get(plan, "Actual Loops"));
    size_t i;
    json_t *child;
    json_array_foreach(json_object_get(plan, "Plans"), i, child)
    {
        double r = rows_read(child, relation);
        most = r > most ? r : most;
    }
    return most;
}

static void exec_ok(PGconn *c, const char *q)
{
    PGresult *r = PQexec(c, q);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", q, PQerrorMessage(c));
    PQclear(r);
}

static void the_address_key_route_reads_at_most_its_cap(void **state)
{
    (void)state;
    const char *url = getenv("WH_TEST_DB_URL");
    if (!url)
        skip();
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    exec_ok(c, "SET client_min_messages = warning; DROP SCHEMA IF EXISTS intake_fuzzy_read CASCADE; "
               "CREATE SCHEMA intake_fuzzy_read");
    wh_db *m = NULL;
    assert_true(wh_db_open(&m, url, "intake_fuzzy_read", NULL, 0) >= 0);
    assert_true(wh_migrate(m, "intake_fuzzy_read", intake_migrations, intake_migrations_count) >= 0);
    wh_db_close(&m);
    exec_ok(c, "SET search_path = intake_fuzzy_read");
    char q[1024];
    snprintf(q, sizeof q,
             "INSERT INTO household (id, dong_code, address_sealed, address_key, known_to_programme, "
             "blind_spot, risk_score, first_reported_on, last_reported_on) SELECT g, '2650051000', 'x', "
             "convert_to(CASE WHEN g <= %d THEN 'hot' ELSE 'cold-' || g END, 'UTF8'), false, true, 10, "
             "'2026-01-01', "
             "'2026-01-01' FROM generate_series(1, %d) g; "
             "INSERT INTO person (household_id, name_sealed, name_key, name_block, address_block) "
             "SELECT g, 'x', convert_to('n-' || g, 'UTF8'), convert_to('nb-' || g, 'UTF8'), "
             "convert_to('ab-' || g, 'UTF8') FROM generate_series(1, %d) g; ANALYZE",
             HOT, HOT + COLD, HOT);
    exec_ok(c, q);
    char explain[8192];
    snprintf(explain, sizeof explain, "EXPLAIN (ANALYZE, FORMAT JSON) %s",
             statement_sql("intake_bulk_fuzzy"));
    const char *values[7] = {"{}", "{}", "{}", "{}", "{}", "{hot}", "11"};
    PGresult *r = PQexecParams(c, explain, 7, NULL, values, NULL, NULL, 0);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    json_t *doc = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
    PQclear(r);
    assert_non_null(doc);
    const json_t *plan = json_object_get(json_array_get(doc, 0), "Plan");
    double households = rows_read(plan, "household"), persons = rows_read(plan, "person");
    print_message("address-key route, %d households at one key among %d: at most %.0f household and %.0f "
                  "person rows read by a node, %.2f ms\n",
                  HOT, HOT + COLD, households, persons,
                  json_number_value(json_object_get(json_array_get(doc, 0), "Execution Time")));
    assert_true(households <= CAP);
    json_decref(doc);
    /* and what it returns: the CAP most recent persons at the key */
    r = PQexecParams(c, statement_sql("intake_bulk_fuzzy"), 7, NULL, values, NULL, NULL, 0);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    assert_int_equal(PQntuples(r), CAP);
    assert_string_equal(PQgetvalue(r, 0, 0), "1990");
    assert_string_equal(PQgetvalue(r, CAP - 1, 0), "2000");
    PQclear(r);
    exec_ok(c, "RESET search_path; DROP SCHEMA intake_fuzzy_read CASCADE");
    PQfinish(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(the_address_key_route_reads_at_most_its_cap)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_store.c — reporting's SQL against a real PostgreSQL (WH_TEST_DB_URL; skipped when unset):
 * facts add up per dong and day, cases count when open at any time in the period, staff count once
 * per person at the hubs serving the dongs, and a replayed CaseOpened changes nothing.
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

#include "reporting.h"
#include "wh/status.h"

#define A "2650051000" /* basic hub */
#define B "2650052000" /* sphere, served by A */
#define C "2650053000" /* basic hub */

static wh_db *db;

/* A fresh `reporting` schema with the service's migrations, as the superuser of the test database. */
static int setup(void **state)
{
    const char *url = getenv("WH_TEST_DB_URL");
    if (!url || !*url)
        return 0;
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "test_store: %s", PQerrorMessage(c));
        PQfinish(c);
        return -1;
    }
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    PQclear(PQexec(c, "DROP SCHEMA IF EXISTS reporting CASCADE"));
    PQclear(PQexec(c, "CREATE SCHEMA reporting"));
    PQclear(PQexec(c, "SET search_path = reporting"));
    for (size_t i = 0; i < reporting_migrations_count; i++) {
        PGresult *r = PQexec(c, reporting_migrations[i].sql);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            fprintf(stderr, "test_store: %s: %s", reporting_migrations[i].name, PQerrorMessage(c));
            PQclear(r);
            PQfinish(c);
            return -1;
        }
        PQclear(r);
    }
    PQfinish(c);
    return wh_db_open(&db, url, "reporting", reporting_statements, reporting_statements_count);
}

static int teardown(void **state)
{
    wh_db_close(&db);
    return 0;
}

#define NEED_DB()                                                                                            \
    do {                                                                                                     \
        if (!db)                                                                                             \
            skip();                                                                                          \
    } while (0)

static void dong(const char *code, const char *name, int type, const char *hub)
{
    Welfare__Routing__V1__DongDefined e = WELFARE__ROUTING__V1__DONG_DEFINED__INIT;
    Welfare__Common__V1__GeoPoint p = WELFARE__COMMON__V1__GEO_POINT__INIT;
    p.latitude = 35.15;
    p.longitude = 129.11;
    e.dong_code = (char *)code;
    e.name = (char *)name;
    e.hub_type = type;
    e.hub_dong_code = (char *)hub;
    e.centre = &p;
    assert_int_equal(reporting_store_define_dong(db, &e), 0);
}

static void staff(int64_t id, const char *hub, int employment, const char *from)
{
    Welfare__Routing__V1__StaffRegistered e = WELFARE__ROUTING__V1__STAFF_REGISTERED__INIT;
    e.staff_id = id;
    e.hub_dong_code = (char *)hub;
    e.role = WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_CASE_MANAGER;
    e.employment = employment;
    e.active_from = (char *)from;
    assert_int_equal(reporting_store_register_staff(db, &e), 0);
}

static void fact(const char *dong_code, const char *day, reporting_fact_col col, int64_t n)
{
    reporting_fact f;
    memset(&f, 0, sizeof f);
    snprintf(f.dong_code, sizeof f.dong_code, "%s", dong_code);
    snprintf(f.day, sizeof f.day, "%s", day);
    f.delta[col] = n;
    assert_int_equal(reporting_store_add_fact(db, &f), 0);
}

/* As the handlers do: a case counts once when opened, and once when closed. */
static void open_case(int64_t id, const char *dong_code, const char *day, int fresh)
{
    assert_int_equal(reporting_store_open_case(db, id, dong_code, day), fresh);
    if (fresh)
        fact(dong_code, day, REPORTING_FACT_CASES_OPENED, 1);
}

static void close_case(int64_t id, const char *day, int closed)
{
    reporting_fact f;
    memset(&f, 0, sizeof f);
    snprintf(f.day, sizeof f.day, "%s", day);
    assert_int_equal(reporting_store_close_case(db, id, &f), closed);
    if (closed) {
        f.delta[REPORTING_FACT_CASES_CLOSED] = 1;
        assert_int_equal(reporting_store_add_fact(db, &f), 0);
    }
}

static void load(void **state)
{
    NEED_DB();
    dong(A, "광안1동", 1, A);
    dong(B, "광안2동", 2, A);
    dong(C, "수영동", 1, C);
    dong(C, "수영동", 1, C); /* redefinition is an update */
    const int PUB = 1, PRIV = 2;
    staff(1, A, PUB, "2025-01-01");
    staff(2, A, PRIV, "2026-01-01");
    staff(3, C, PRIV, "2026-01-01");
    staff(4, C, PUB, "2026-08-01"); /* starts after the first half */
    assert_int_equal(reporting_store_deactivate_staff(db, 1, "2026-02-28"), 0);
    staff(5, A, PUB, "2026-01-01");
    staff(5, C, PUB, "2026-04-01"); /* moves from A to C */

    fact(A, "2026-01-10", REPORTING_FACT_TARGETS, 3);
    fact(A, "2026-01-10", REPORTING_FACT_TARGETS, 2);
    fact(B, "2026-03-01", REPORTING_FACT_TARGETS, 4);
    fact(B, "2026-05-01", REPORTING_FACT_TARGETS, -1);  /* a person of B ceased on 1 May */
    fact(A, "2026-07-01", REPORTING_FACT_TARGETS, 100); /* outside the first half */
    fact(C, "2026-06-30", REPORTING_FACT_VISITS, 1);
    fact(C, "2026-06-30", REPORTING_FACT_VISITS, 1);
    fact(B, "2026-02-02", REPORTING_FACT_BLIND_SPOTS, 1);
    fact(A, "2026-02-02", REPORTING_FACT_LINKAGES, 1);
    reporting_fact f;
    memset(&f, 0, sizeof f);
    strcpy(f.dong_code, C);
    strcpy(f.day, "2026-05-05");
    f.delta[REPORTING_FACT_RESOURCES] = 1;
    f.delta[REPORTING_FACT_AMOUNT_KRW] = 3000000;
    assert_int_equal(reporting_store_add_fact(db, &f), 0);

    open_case(11, A, "2025-12-01", 1); /* open before, still open */
    open_case(11, A, "2025-12-01", 0); /* replay: no change */
    open_case(12, A, "2026-02-01", 1);
    close_case(12, "2026-03-01", 1);
    close_case(12, "2026-03-05", 0); /* closed already */
    open_case(13, B, "2025-01-01", 1);
    close_case(13, "2025-12-31", 1);   /* closed before the period */
    open_case(14, C, "2026-07-01", 1); /* opened after */
    close_case(99, "2026-07-01", 0);   /* never opened */
    open_case(15, C, "2026-06-10", 1);
    close_case(15, "2026-06-01", 1); /* a close dated before the opening counts on the opening day */
}

static reporting_row *row_of(reporting_report *r, const char *code)
{
    for (size_t i = 0; i < r->n_rows; i++)
        if (strcmp(r->rows[i].dong_code, code) == 0)
            return &r->rows[i];
    fail_msg("no row for %s", code);
    return NULL;
}

static void first_half_of_2026(void **state)
{
    NEED_DB();
    reporting_report r;
    const char *field = NULL, *why = NULL;
    reporting_selection all = {NULL, 0, "2026-01-01", "2026-06-30"};
    assert_int_equal(reporting_build_report(db, &all, &r, &field, &why), 0);
    assert_int_equal(r.n_rows, 3);
    assert_string_equal(r.rows[0].name, "광안1동");
    assert_string_equal(r.rows[1].hub_dong_code, A);

    reporting_row *a = row_of(&r, A), *b = row_of(&r, B), *c = row_of(&r, C);
    /* targets: the stock on 30 June; its change since the day before 1 January */
    assert_int_equal(a->values.v[REPORTING_KPI_TARGETS], 5);
    assert_int_equal(b->values.v[REPORTING_KPI_TARGETS], 3);
    assert_int_equal(r.total.v[REPORTING_KPI_TARGETS], 8);
    assert_int_equal(b->values.v[REPORTING_KPI_TARGETS_CHANGE], 3);
    assert_int_equal(r.total.v[REPORTING_KPI_TARGETS_CHANGE], 8);
    assert_int_equal(c->values.v[REPORTING_KPI_VISITS], 2);
    assert_int_equal(r.total.v[REPORTING_KPI_BLIND_SPOTS], 1);
    assert_int_equal(r.total.v[REPORTING_KPI_LINKAGES], 1);
    assert_int_equal(r.total.v[REPORTING_KPI_RESOURCES], 1);
    assert_int_equal(r.total.v[REPORTING_KPI_AMOUNT_KRW], 3000000);
    /* Cases 11, 12 and 15 overlap the half year; 13 closed before it, 14 opened after. */
    assert_int_equal(a->values.v[REPORTING_KPI_CASES], 2);
    assert_int_equal(b->values.v[REPORTING_KPI_CASES], 0);
    assert_int_equal(c->values.v[REPORTING_KPI_CASES], 1);
    assert_int_equal(r.total.v[REPORTING_KPI_CASES], 3);
    /* Hub A: staff 1 (until Feb), 2 (private), 5 (until Mar). Hub C: 3, 5.  Personnel belong to
     * their hub's dong: B (sphere, served by A) counts none of A's staff, so the rows add up. */
    assert_int_equal(a->values.v[REPORTING_KPI_PERSONNEL], 3);
    assert_int_equal(b->values.v[REPORTING_KPI_PERSONNEL], 0);
    assert_int_equal(a->values.v[REPORTING_KPI_PERSONNEL_PRIVATE], 1);
    assert_int_equal(c->values.v[REPORTING_KPI_PERSONNEL], 2);
    assert_int_equal(r.total.v[REPORTING_KPI_PERSONNEL], 4); /* 1, 2, 3, 5 */
    assert_int_equal(r.total.v[REPORTING_KPI_PERSONNEL_PRIVATE], 2);
    reporting_report_free(&r);
}

static void a_dong_set_and_a_later_period(void **state)
{
    NEED_DB();
    reporting_report r;
    const char *field = NULL, *why = NULL;
    char *only_b[] = {B};
    reporting_selection s = {only_b, 1, "2026-07-01", "2026-12-31"};
    assert_int_equal(reporting_build_report(db, &s, &r, &field, &why), 0);
    assert_int_equal(r.n_rows, 1);
    assert_int_equal(r.total.v[REPORTING_KPI_TARGETS], 3); /* a stock: B's targets are still there */
    assert_int_equal(r.total.v[REPORTING_KPI_TARGETS_CHANGE], 0);
    assert_int_equal(r.total.v[REPORTING_KPI_PERSONNEL], 0); /* staff 2 belongs to hub A, not to B */
    assert_int_equal(r.total.v[REPORTING_KPI_CASES], 0);
    reporting_report_free(&r);

    char *only_c[] = {C};
    reporting_selection sc = {only_c, 1, "2026-07-01", "2026-12-31"};
    assert_int_equal(reporting_build_report(db, &sc, &r, &field, &why), 0);
    assert_int_equal(r.total.v[REPORTING_KPI_CASES], 1);     /* case 14 */
    assert_int_equal(r.total.v[REPORTING_KPI_PERSONNEL], 3); /* 3, 4, 5 */
    reporting_report_free(&r);

    /* A dong routing never defined is an error naming it, not a row of zeros. */
    char *unknown[] = {"1111111111", C};
    reporting_selection u = {unknown, 2, "2026-07-01", "2026-12-31"};
    assert_int_equal(reporting_build_report(db, &u, &r, &field, &why), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "dong_codes");
    assert_non_null(strstr(why, "1111111111"));

    reporting_selection bad = {NULL, 0, "2026-07-01", "2026-06-01"};
    assert_int_equal(reporting_build_report(db, &bad, &r, &field, &why), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "to_on");
}

static int64_t total(const char *from, const char *to, reporting_kpi k)
{
    reporting_report r;
    const char *field = NULL, *why = NULL;
    reporting_selection s = {NULL, 0, from, to};
    assert_int_equal(reporting_build_report(db, &s, &r, &field, &why), 0);
    int64_t v = r.total.v[k];
    reporting_report_free(&r);
    return v;
}

/* Periods that cut months: whole months come from kpi_monthly, the ends from kpi_daily. */
static void partial_months(void **state)
{
    NEED_DB();
    assert_int_equal(total("2026-01-10", "2026-03-01", REPORTING_KPI_TARGETS), 9);
    assert_int_equal(total("2026-01-10", "2026-03-01", REPORTING_KPI_TARGETS_CHANGE), 9);
    assert_int_equal(total("2026-01-11", "2026-03-01", REPORTING_KPI_TARGETS), 9);
    assert_int_equal(total("2026-01-11", "2026-03-01", REPORTING_KPI_TARGETS_CHANGE), 4);
    assert_int_equal(total("2026-01-10", "2026-02-28", REPORTING_KPI_TARGETS), 5);
    assert_int_equal(total("2026-01-09", "2026-01-09", REPORTING_KPI_TARGETS), 0);
    assert_int_equal(total("2026-01-11", "2026-01-31", REPORTING_KPI_TARGETS), 5);
    assert_int_equal(total("2026-01-11", "2026-01-31", REPORTING_KPI_TARGETS_CHANGE), 0);
    assert_int_equal(total("2026-05-01", "2026-05-01", REPORTING_KPI_TARGETS), 8);
    assert_int_equal(total("2026-05-01", "2026-05-01", REPORTING_KPI_TARGETS_CHANGE), -1);
    assert_int_equal(total("2026-04-30", "2026-04-30", REPORTING_KPI_TARGETS), 9);
    assert_int_equal(total("2026-01-11", "2026-02-27", REPORTING_KPI_BLIND_SPOTS), 1);
    assert_int_equal(total("2026-02-02", "2026-02-02", REPORTING_KPI_BLIND_SPOTS), 1);
    assert_int_equal(total("2026-02-03", "2026-12-31", REPORTING_KPI_BLIND_SPOTS), 0);
    assert_int_equal(total("2026-06-30", "2026-07-01", REPORTING_KPI_TARGETS), 108);
    assert_int_equal(total("2026-06-30", "2026-07-01", REPORTING_KPI_TARGETS_CHANGE), 100);
    assert_int_equal(total("2025-12-15", "2027-01-15", REPORTING_KPI_TARGETS), 108);
    assert_int_equal(total("2026-03-02", "2026-03-31", REPORTING_KPI_CASES), 1); /* 11 */
    assert_int_equal(total("2026-03-01", "2026-03-01", REPORTING_KPI_CASES), 2); /* 11, 12 */
    assert_int_equal(total("2025-12-31", "2025-12-31", REPORTING_KPI_CASES), 2); /* 11, 13 */
    assert_int_equal(total("2026-01-01", "2026-01-01", REPORTING_KPI_CASES), 1); /* 11 */
    assert_int_equal(total("2026-06-10", "2026-06-10", REPORTING_KPI_CASES), 2); /* 11, 15 */
    assert_int_equal(total("2026-06-11", "2026-06-30", REPORTING_KPI_CASES), 1);
    assert_int_equal(total("2024-01-01", "2024-12-31", REPORTING_KPI_CASES), 0);
}

static void list_dongs(void **state)
{
    NEED_DB();
    PGresult *res = reporting_store_list_dongs(db);
    assert_non_null(res);
    assert_int_equal(PQntuples(res), 3);
    assert_string_equal(wh_db_text(res, 1, 0), B);
    assert_int_equal(wh_db_i64(res, 1, 2, 0), 2);
    assert_string_equal(wh_db_text(res, 1, 3), A);
    PQclear(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load),
        cmocka_unit_test(first_half_of_2026),
        cmocka_unit_test(a_dong_set_and_a_later_period),
        cmocka_unit_test(partial_months),
        cmocka_unit_test(list_dongs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

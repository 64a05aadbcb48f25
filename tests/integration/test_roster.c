/*
 * test_roster.c — the roster over the real bus and PostgreSQL, through welfarectl only: a national
 * list of ITEST_ROSTER_PERSONS persons (default 50,000) × 2 programmes = 100,000 rows with the list's
 * Korean headers and a column skipped with --map, in four dongs of their own; each person enrolled in
 * a basic pension from 2014 or 2015 (a quarter ended at the end of 2015) and in a medical benefit from 2016
 * (a fifth back-dated to June 2013, overlapping the pension; a third ended in September 2016), the
 * second programme's rows after all of the first's (out of date order, in other blocks).  Reporting's
 * KPI must return exactly the brute-force stock of targets on 31 Dec 2014 and 31 Dec 2016 and its
 * change over each period; the same file again submits nothing twice (no event); an exit for an
 * unqualified beneficiary through `welfarectl intake end-enrolment` (a bad end date first: a typed
 * error naming end_on) takes one person out of the stock.  The import's rows/s is printed.
 * Dongs "60…"–"63…" of this run; persons: resident numbers with century digit 2 on dates of their own
 * (itest_rrn's have 1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "itest.h"

#define DONGS 4

static char dong[DONGS][11];
static int persons = 50000;

static const int weights[12] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};

/* Person k's resident number: 500 persons a day from a date of this run's own. */
static void rrn_of(int k, char out[15])
{
    struct tm tm = {.tm_year = 30,
                    .tm_mon = 0,
                    /* before 2000: the century digit is 2 (born 1900-1999), and 2000-02-29 read as
                     * 1900-02-29 is no date (that day's 500 rows were refused: a flaky run) */
                    .tm_mday = 1 + (int)(itest_run_number() % 250) * 100 + k / 500,
                    .tm_hour = 12};
    time_t t = timegm(&tm);
    gmtime_r(&t, &tm);
    char d[64];
    snprintf(d, sizeof d, "%02d%02d%02d2%05d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday, 20000 + k % 500);
    int sum = 0;
    for (int i = 0; i < 12; i++)
        sum += (d[i] - '0') * weights[i];
    snprintf(out, 15, "%.6s-%.6s%d", d, d + 6, (11 - sum % 11) % 10);
}

typedef struct spell {
    char start[11], end[11]; /* end "" while open */
} spell;

static void pension(int k, spell *e)
{
    snprintf(e->start, sizeof e->start, "%d-%02d-%02d", k % 7 == 0 ? 2015 : 2014, 1 + k % 12, 1 + k % 28);
    snprintf(e->end, sizeof e->end, "%s", k % 4 == 0 ? "2015-12-31" : "");
}

static void medical(int k, spell *e)
{
    if (k % 5 == 0)
        snprintf(e->start, sizeof e->start, "2013-06-01");
    else
        snprintf(e->start, sizeof e->start, "2016-%02d-%02d", 1 + k % 9, 1 + k % 28);
    snprintf(e->end, sizeof e->end, "%s", k % 3 == 0 ? "2016-09-30" : "");
}

static bool covers(const spell *e, const char *day)
{
    return strcmp(e->start, day) <= 0 && (!e->end[0] || strcmp(day, e->end) <= 0);
}

/* The brute-force stock on day: persons with an enrolment covering it (all dongs, or dong d). */
static int64_t stock(const char *day, int only_dong, int skip_person)
{
    int64_t n = 0;
    for (int k = 0; k < persons; k++) {
        spell a, b;
        pension(k, &a);
        medical(k, &b);
        if (k == skip_person)
            snprintf(b.end, sizeof b.end, "2016-06-30");
        if ((only_dong < 0 || k % DONGS == only_dong) && (covers(&a, day) || covers(&b, day)))
            n++;
    }
    return n;
}

static void write_csv(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("주민등록번호,성명,주소,행정동코드,사업코드,시작일,종료일,비고\n", f);
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < persons; k++) {
            char rrn[15];
            spell e;
            rrn_of(k, rrn);
            if (pass == 0)
                pension(k, &e);
            else
                medical(k, &e);
            fprintf(f, "%s,수급자 %d,\"부산광역시 수영구 명단로 %d, %s\",%s,%s,%s,%s,\"note, %d\"\n", rrn, k,
                    k, itest_run_id(), dong[k % DONGS], pass == 0 ? "basic_pension" : "nbls_medical", e.start,
                    e.end, k);
        }
    fclose(f);
}

static int welfarectl(const char *args, const char *out)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "\"$WH_BIN/welfarectl\" %s >%s.out 2>%s.err", args, out, out);
    return itest_stack(cmd);
}

static char *slurp(const char *base, const char *suffix)
{
    char path[600];
    static char buf[2][8192];
    static int which;
    snprintf(path, sizeof path, "%s%s", base, suffix);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *b = buf[which++ % 2];
    size_t n = fread(b, 1, sizeof buf[0] - 1, f);
    b[n] = '\0';
    fclose(f);
    return b;
}

static void expect_stock(const char *from, const char *to, const char *before_from, int skip_person)
{
    const char *dongs[DONGS] = {dong[0], dong[1], dong[2], dong[3]};
    itest_kpi want = {0}, got;
    want.targets = stock(to, -1, skip_person);
    want.targets_change = want.targets - stock(before_from, -1, skip_person);
    if (!itest_kpi_wait(dongs, DONGS, from, to, &want, 120, &got))
        itest_kpi_assert_equal(&want, &got);
    fprintf(stderr, "roster: targets on %s: %lld, change since %s: %+lld\n", to, (long long)got.targets,
            before_from, (long long)got.targets_change);
    want.targets = stock(to, 2, skip_person);
    want.targets_change = want.targets - stock(before_from, 2, skip_person);
    if (!itest_kpi_wait(&dongs[2], 1, from, to, &want, 10, &got)) /* one dong alone */
        itest_kpi_assert_equal(&want, &got);
}

static void a_national_list_gives_the_stock(void **state)
{
    (void)state;
    const char *env = getenv("ITEST_ROSTER_PERSONS");
    if (env && atoi(env) > 0)
        persons = atoi(env);
    const char *var = getenv("WH_VAR");
    char csv[512], out[512], args[1024];
    for (int c = 0; c < DONGS; c++) {
        snprintf(dong[c], sizeof dong[c], "6%d%08lld", c, (long long)itest_run_number());
        itest_dong_define(dong[c]); /* intake refuses roster rows naming a dong it does not know */
    }
    snprintf(csv, sizeof csv, "%s/roster-%s.csv", var, itest_run_id());
    snprintf(out, sizeof out, "%s/roster-%s", var, itest_run_id());
    write_csv(csv);

    snprintf(args, sizeof args, "import roster %s --map 비고=- --json", csv);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = welfarectl(args, out);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (rc != 0)
        fail_msg("import roster: %d\n%s", rc, slurp(out, ".err"));
    char want[256];
    snprintf(want, sizeof want,
             "\"rows\": %d, \"ok\": %d, \"failed\": 0, \"enrolments_added\": %d, "
             "\"enrolments_changed\": 0, \"persons_added\": %d, ",
             2 * persons, 2 * persons, 2 * persons, persons);
    const char *o = slurp(out, ".out");
    if (!strstr(o, want))
        fail_msg("import roster said: %s (wanted %s)", o, want);
    fprintf(stderr, "roster: %d rows imported in %.1f s: %.0f rows/s\n", 2 * persons, secs,
            2 * persons / secs);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.enrolment e JOIN intake.person p ON p.id = "
                                   "e.person_id JOIN intake.household h ON h.id = p.household_id WHERE "
                                   "h.dong_code = $1",
                                   dong[1], NULL),
                     2 * (persons / DONGS + (persons % DONGS > 1)));

    expect_stock("2014-01-01", "2014-12-31", "2013-12-31", -1);
    expect_stock("2015-01-01", "2016-12-31", "2014-12-31", -1);

    /* the same list again: every block answered from its stored reply, nothing stored or emitted */
    int64_t enrolments = itest_sql_i64("SELECT count(*) FROM intake.enrolment", NULL);
    uint64_t head = 0;
    assert_true(itest_events_count("intake", NULL, NULL, NULL, &head) >= 0);
    snprintf(args, sizeof args, "import roster %s --map 비고=-", csv);
    assert_int_equal(welfarectl(args, out), 0);
    /* the blocks' stored replies: the same summary as the first time, and nothing new */
    assert_non_null(strstr(slurp(out, ".out"), " 0 failed; "));
    uint64_t again = 0;
    assert_true(itest_events_count("intake", NULL, NULL, NULL, &again) >= 0);
    assert_int_equal(again, head);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.enrolment", NULL), enrolments);

    /* person 4's medical benefit (from 5 May 2016; the pension ended in 2015) found unqualified: ended on
     * 30 June 2016 */
    int64_t enrolment = itest_sql_i64("SELECT e.id FROM intake.enrolment e JOIN intake.person p ON p.id = "
                                      "e.person_id JOIN intake.household h "
                                      "ON h.id = p.household_id WHERE h.dong_code = $1 AND e.programme = "
                                      "'nbls_medical' AND e.start_on = $2 ORDER BY e.id LIMIT 1",
                                      dong[4 % DONGS], "2016-05-05", NULL);
    assert_true(enrolment > 0);
    snprintf(args, sizeof args,
             "intake end-enrolment --enrolment_id %lld --end_on 2016-01-01 --reason unqualified_beneficiary",
             (long long)enrolment);
    assert_int_not_equal(welfarectl(args, out), 0);
    const char *err = slurp(out, ".err");
    if (!strstr(err, "INVALID_ARGUMENT") || !strstr(err, "end_on"))
        fail_msg("end-enrolment before the start said: %s", err);
    snprintf(args, sizeof args,
             "intake end-enrolment --enrolment_id %lld --end_on 2016-06-30 --reason unqualified_beneficiary "
             "--json",
             (long long)enrolment);
    assert_int_equal(welfarectl(args, out), 0);
    o = slurp(out, ".out");
    if (!strstr(o, "\"targets_changed\": true"))
        fail_msg("end-enrolment said: %s", o);
    expect_stock("2015-01-01", "2016-12-31", "2014-12-31", 4);
    expect_stock("2016-07-01", "2016-07-01", "2016-06-30", 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_national_list_gives_the_stock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_import.c — `welfarectl import referrals` over the real bus: the block path
 * (ImportReferralBlock) against the row-by-row path (--row-by-row) on two copies of one CSV in dongs
 * of their own, with re-reports inside a block and across blocks (blocks of 8 rows), a row intake
 * refuses (a wrong check digit) and one welfarectl refuses (a bad channel): the same households,
 * persons, referrals, suspicions and events per kind; the refused rows named by line; a second run
 * of the same file that submits nothing twice (every block answered from its stored reply); and an
 * agency granted SubmitReferral only, whose import goes on row by row after intake refuses the block.
 * Persons 2000–2299 of this run (itest_rrn), dongs "80…", "81…" and "82…".
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

#include "itest.h"

#define ROWS       40
#define HOUSEHOLDS 24

static char dong[4][11];

/* The CSV: households 0..23 once, then 16 re-reports (some in the same block of 8, some later),
 * a wrong check digit on line 12 and a bad channel on line 30. */
static void write_csv(const char *path, int copy, int person_base)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    /* every copy as the demo agency may file it (its channel, its reporter): the operator's copies too */
    int64_t reporter = itest_agency_reporter("agency-demo");
    fputs(
        "channel,reporter_id,reported_on,household.dong_code,household.address,household.known_to_programme,"
        "persons.0.name,persons.0.rrn,persons.1.name,persons.1.rrn,persons.1.phone,"
        "risk.lives_alone,risk.months_utility_arrears,concern\n",
        f);
    for (int i = 0; i < ROWS; i++) {
        int h = i < HOUSEHOLDS ? i : (i * 7) % HOUSEHOLDS, line = i + 2;
        char rrn0[15], rrn1[15];
        itest_rrn(rrn0, person_base + 2 * h);
        itest_rrn(rrn1, person_base + 2 * h + 1);
        if (line == 12)
            rrn0[13] = rrn0[13] == '0' ? '1' : '0';
        bool two = i % 3 != 0;
        fprintf(f, "%s,%lld,2026-06-%02d,%s,\"Import-ro %s-%d, %d\",%s,Import %d-%d,%s,",
                line == 30 ? "spaceship" : "partner_agency", (long long)reporter, 1 + i % 28, dong[copy],
                itest_run_id(), h, copy, h % 5 == 0 ? "true" : "false", h, 0, rrn0);
        if (two)
            fprintf(f, "Import %d-%d,%s,010-77%02d-%04d,", h, 1, rrn1, copy, h % 6);
        else
            fputs(",,,", f);
        fprintf(f, "%s,%d,%s\n", i % 2 ? "true" : "false", i % 4, i % 5 ? "" : "\"needs, a visit\"");
    }
    fclose(f);
}

static int import(const char *csv, const char *extra, const char *out)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "\"$WH_BIN/welfarectl\" import referrals %s %s >%s.out 2>%s.err", csv, extra,
             out, out);
    return itest_stack(cmd);
}

/* The text of base + suffix (alternating static buffers: two at a time). */
/* The import as the demo agency (its own key; granted SubmitReferral only), in blocks of block_rows. */
static int agency_import(const char *csv, int block_rows, const char *out)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "WH_SECRET_KEY_FILE=\"$WH_VAR/keys/agency-demo.key\" \"$WH_BIN/welfarectl\" import referrals %s "
             "--block-rows %d >%s.out 2>%s.err",
             csv, block_rows, out, out);
    return itest_stack(cmd);
}

static char *slurp(const char *base, const char *suffix)
{
    char path[600];
    snprintf(path, sizeof path, "%s%s", base, suffix);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[2][8192];
    static int which;
    char *b = buf[which++ % 2];
    size_t n = fread(b, 1, sizeof buf[0] - 1, f);
    b[n] = '\0';
    fclose(f);
    return b;
}

static int64_t in_dong(const char *sql, int copy)
{
    return itest_sql_i64(sql, dong[copy], NULL);
}

static const char *const FIGURES[] = {
    "SELECT count(*) FROM intake.household WHERE dong_code = $1",
    "SELECT count(*) FROM intake.referral r JOIN intake.household h ON h.id = r.household_id WHERE "
    "h.dong_code = $1",
    "SELECT count(*) FROM intake.person p JOIN intake.household h ON h.id = p.household_id WHERE h.dong_code "
    "= $1",
    "SELECT coalesce(sum(r.persons_added), 0) FROM intake.referral r JOIN intake.household h "
    "ON h.id = r.household_id WHERE h.dong_code = $1",
    "SELECT count(*) FROM intake.referral r JOIN intake.household h ON h.id = r.household_id "
    "WHERE h.dong_code = $1 AND r.created_household",
    "SELECT coalesce(sum(h.referral_count * 1000 + h.risk_score), 0) FROM intake.household h WHERE "
    "h.dong_code = $1",
    "SELECT count(*) FROM intake.household h WHERE h.dong_code = $1 AND h.blind_spot",
    "SELECT count(*) FROM intake.duplicate_suspicion s JOIN intake.household h ON h.id = s.household_a "
    "WHERE h.dong_code = $1",
    "SELECT count(*) FROM intake.referral r JOIN intake.household h ON h.id = r.household_id "
    "WHERE h.dong_code = $1 AND r.concern_sealed IS NOT NULL",
};

static bool event_in_dong(const Welfare__Bus__V1__Envelope *env, void *arg)
{
    /* every intake event carries the dong code as a string field; look for its bytes */
    const char *d = arg;
    size_t n = strlen(d);
    for (size_t i = 0; i + n <= env->payload.len; i++)
        if (memcmp(env->payload.data + i, d, n) == 0)
            return true;
    return false;
}

static void block_path_equals_row_path(void **state)
{
    (void)state;
    const char *var = getenv("WH_VAR");
    char csv[4][512], out[4][512];
    for (int c = 0; c < 4; c++) {
        snprintf(dong[c], sizeof dong[c], "8%d%08lld", c, (long long)itest_run_number());
        itest_dong_define(dong[c]);
        snprintf(csv[c], sizeof csv[c], "%s/import-%s-%d.csv", var, itest_run_id(), c);
        snprintf(out[c], sizeof out[c], "%s/import-%s-%d", var, itest_run_id(), c);
        write_csv(csv[c], c, 2000 + 100 * c);
    }
    assert_int_equal(import(csv[0], "--block-rows 8", out[0]), 1); /* two rows failed */
    assert_int_equal(import(csv[1], "--row-by-row --jobs 8", out[1]), 1);
    /* an agency (granted SubmitReferral only): the block is refused, the rows go one by one — when
     * the refusal comes while the file is still read (blocks of 8), and when the whole file was one
     * block, refused only after the last row was read (a 1-row import once lost its row so) */
    assert_int_equal(agency_import(csv[2], 8, out[2]), 1);
    assert_int_equal(agency_import(csv[3], 2000, out[3]), 1);
    for (int c = 2; c < 4; c++)
        assert_non_null(
            strstr(slurp(out[c], ".err"), "note: intake refused ImportReferralBlock (PERMISSION_DENIED)"));
    for (int c = 0; c < 4; c++) {
        const char *err = slurp(out[c], ".err");
        assert_non_null(strstr(err, "line 12: INVALID_ARGUMENT (persons.0.rrn)"));
        assert_non_null(strstr(err, "line 30: INVALID_ARGUMENT (channel)"));
        const char *o = slurp(out[c], ".out");
        assert_non_null(strstr(o, "  new                               38  ("));
        assert_non_null(strstr(o, "  failed                            2\n"));
    }
    for (size_t k = 0; k < sizeof FIGURES / sizeof FIGURES[0]; k++) {
        int64_t a = in_dong(FIGURES[k], 0), b = in_dong(FIGURES[k], 1), g = in_dong(FIGURES[k], 2);
        int64_t g1 = in_dong(FIGURES[k], 3);
        if (a != b || a != g || a != g1)
            fail_msg("%s: blocks %lld, row by row %lld, agency %lld / %lld", FIGURES[k], (long long)a,
                     (long long)b, (long long)g, (long long)g1);
    }
    assert_int_equal(in_dong(FIGURES[1], 0), 38);
    assert_true(in_dong(FIGURES[0], 0) < 38); /* re-reports were matched */
    static const char *const TYPES[] = {
        "welfare.intake.v1.ReferralReceived", "welfare.intake.v1.HouseholdIdentified",
        "welfare.intake.v1.BlindSpotDiscovered", "welfare.intake.v1.DuplicateSuspected"};
    for (size_t t = 0; t < sizeof TYPES / sizeof TYPES[0]; t++) {
        int64_t a = itest_events_count("intake", TYPES[t], event_in_dong, dong[0], NULL);
        int64_t b = itest_events_count("intake", TYPES[t], event_in_dong, dong[1], NULL);
        if (a != b)
            fail_msg("%s: blocks %lld, row by row %lld", TYPES[t], (long long)a, (long long)b);
        if (t < 2)
            assert_int_equal(a, 38);
    }

    /* The same file again: every block is a repeat, answered from its stored reply. */
    uint64_t head_before = 0, head_after = 0;
    itest_events_count("intake", "welfare.intake.v1.ReferralReceived", NULL, NULL, &head_before);
    char again[600];
    snprintf(again, sizeof again, "%s-again", out[0]);
    sleep(1); /* the stored replies older than the clock margin (500 ms) */
    assert_int_equal(import(csv[0], "--block-rows 8", again), 1);
    const char *second = slurp(again, ".out");
    assert_non_null(
        strstr(second, "  new                               0  (0 new households, 0 blind spots)\n"));
    assert_non_null(strstr(second, "  already imported (no change)      38\n"));
    assert_non_null(strstr(second, "  failed                            2\n"));
    assert_int_equal(in_dong(FIGURES[1], 0), 38);
    itest_events_count("intake", "welfare.intake.v1.ReferralReceived", NULL, NULL, &head_after);
    assert_int_equal(head_after, head_before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(block_path_equals_row_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

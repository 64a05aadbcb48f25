/*
 * test_import.c — `welfarectl import referrals`, `events` and a table command against the fake service
 * (fake_service.h): pipelined rows, per-row errors that do not stop the import (intake's own checks
 * refuse a row before it is sent), a retried row,
 * deterministic message ids (a second import repeats the same ids), and decoding of events.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_service.h"
#include "wctl.h"

static void environment(fake *f)
{
    setenv("WH_ALLOWLIST_FILE", f->allowlist, 1);
    setenv("WH_SECRET_KEY_FILE", f->client_key, 1);
    setenv("WH_INTAKE_BUS", f->endpoint, 1);
    setenv("WH_TIMEOUT_MS", "300", 1);
    setenv("WH_RETRIES", "2", 1);
}

static int import(fake *f, const char *csv_text, const char *jobs)
{
    char path[128], *argv[6] = {"referrals", path, "--jobs", (char *)jobs, "--row-by-row", NULL};

    snprintf(path, sizeof path, "%s/referrals.csv", f->dir);
    fake_write_file(path, csv_text);
    return wctl_cmd_import(5, argv); /* the fake service answers SubmitReferral only */
}

static size_t ids_seen(fake *f, int times)
{
    size_t n = 0;

    for (size_t i = 0; i < f->n_ids; i++)
        n += f->counts[i] == times;
    return n;
}

static void test_import_rows(void **state)
{
    fake *f = *state;
    static const char csv[] =
        "channel,reported_on,household.dong_code,household.address,persons.0.name,persons.0.rrn,concern\n"
        "survey,2026-05-01,2650051000,남천동 1,김순자,430512-2123452,ok\n"
        "self,2026-05-02,2650051000,\"남천동 2, 101호\",\"박, 정호\",750823-1234562,ok\n"
        "spaceship,2026-05-02,2650051000,남천동 3,x,750823-1234562,ok\n" /* bad enum: reported, not sent */
        "survey,2026-05-03,2650051000,남천동 4,y,750823-1234562,fail\n"  /* the service says no */
        "survey,2026-05-04,2650051000,남천동 5,z,750823-1234562,drop-first\n"
        "survey,2026-05-05\n"                                         /* too few cells */
        "survey,2026-05-07,2650051000,남천동 7,v,430512-2123453,ok\n" /* intake's check fails here: not sent
                                                                       */
        "survey,2026-05-06,2650051000,남천동 6,w,750823-1234562,ok\n";
    environment(f);
    assert_int_equal(import(f, csv, "2"), 1); /* some rows failed */
    assert_int_equal(f->n_ids, 5);            /* 5 rows sent */
    assert_int_equal(ids_seen(f, 2), 1);      /* drop-first was resent with its id */
    /* the same file again: the same message ids */
    assert_int_equal(import(f, csv, "64"), 1);
    assert_int_equal(f->n_ids, 5);
    assert_int_equal(ids_seen(f, 2), 4); /* ok, ok, fail, ok: each id seen twice */
    assert_int_equal(ids_seen(f, 3), 1); /* drop-first: twice, then once more */
}

static void test_import_header_checked(void **state)
{
    fake *f = *state;

    environment(f);
    assert_int_equal(import(f, "channel,not_a_field\nsurvey,1\n", "4"), 2);
    assert_int_equal(import(f, "", "4"), 2);
}

/* `welfarectl batch`: a line per command, pipelined; a line that does not parse is reported and not
 * sent; a refused one counts as failed; a dropped reply is resent with its id; the same file again
 * sends the same ids. */
static void test_batch(void **state)
{
    fake *f = *state;
    char path[128], *argv[] = {"intake", "submit-referral", path, "--jobs", "3", NULL};
    static const char lines[] = "{\"channel\": \"survey\", \"concern\": \"ok\"}\n"
                                "\n"
                                "# a comment\n"
                                "{\"channel\": \"spaceship\"}\n" /* bad enum: reported, not sent */
                                "{\"concern\": \"fail\"}\n"      /* the service says no */
                                "{\"concern\": \"drop-first\"}\n"
                                "[1, 2\n"
                                "{\"concern\": \"ok\", \"reported_on\": \"2026-05-06\"}\n";

    environment(f);
    f->n_ids = 0;
    snprintf(path, sizeof path, "%s/lines.jsonl", f->dir);
    fake_write_file(path, lines);
    assert_int_equal(wctl_cmd_batch(5, argv), 1); /* some lines failed */
    assert_int_equal(f->n_ids, 4);                /* 4 lines sent */
    assert_int_equal(ids_seen(f, 2), 1);          /* drop-first was resent with its id */
    assert_int_equal(wctl_cmd_batch(5, argv), 1);
    assert_int_equal(f->n_ids, 4); /* the same ids again */
    assert_int_equal(wctl_cmd_batch(2, argv), 2);
    assert_int_equal(wctl_cmd_batch(3, (char *[]){"intake", "no-such-command", path}), 2);
    assert_int_equal(wctl_cmd_batch(5, (char *[]){"intake", "submit-referral", path, "--jobs", "0"}), 2);
}

static void test_events(void **state)
{
    fake *f = *state;
    char *argv[3] = {"intake", "--from", "1"};

    environment(f);
    assert_int_equal(wctl_cmd_events(3, argv), 0);
    assert_int_equal(wctl_cmd_events(1, (char *[]){"nowhere"}), 2);
}

static void test_table_command(void **state)
{
    fake *f = *state;
    const wctl_cmd *cmd = wctl_command_find("intake", "get-referral");

    environment(f);
    assert_non_null(cmd);
    assert_int_equal(wctl_run_command(cmd, 0, NULL), 0);
    assert_int_equal(wctl_run_command(cmd, 1, (char *[]){"--bogus"}), 2);
    assert_int_equal(wctl_run_command(cmd, 2, (char *[]){"--referral_id", "x"}), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_rows),   cmocka_unit_test(test_import_header_checked),
        cmocka_unit_test(test_batch),         cmocka_unit_test(test_events),
        cmocka_unit_test(test_table_command),
    };

    return cmocka_run_group_tests(tests, fake_setup, fake_teardown);
}

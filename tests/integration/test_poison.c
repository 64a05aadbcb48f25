/*
 * test_poison.c — an event its consumers cannot apply does not stop them: a HouseholdIdentified and a
 * TargetsChanged whose payloads do not decode are put into intake's stream (written into the outbox as
 * superuser, the way a buggy producer would), followed by a real referral.  The consumers of those
 * types (case the first, reporting the second) try it WH_EVENT_MAX_ATTEMPTS times, park it in their
 * dead_letter with the error, move on, and apply the real referral's events exactly once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "itest.h"
#include "wh/service.h"

#define DAY "2026-08-03"

static uint64_t intake_head(void)
{
    uint64_t head = 0;
    assert_true(itest_events_count("intake", NULL, NULL, NULL, &head) >= 0);
    return head;
}

/* Appends an undecodable event of type to the intake stream; returns its sequence. */
static int64_t append_poison(const char *type)
{
    int64_t seq = itest_sql_i64(
        "WITH s AS (UPDATE intake.stream_head SET head = head + 1 WHERE stream = 'intake' RETURNING head) "
        "INSERT INTO intake.outbox (sequence, message_id, type, correlation_id, causation_id, time_ms, "
        "payload) "
        "SELECT head, 'itest-poison-' || $1 || '-' || $2, $2, 'itest-poison', '', "
        "(extract(epoch FROM now()) * 1000)::bigint, '\\x0f0f0f'::bytea FROM s RETURNING sequence",
        itest_run_id(), type, NULL);
    assert_true(seq > 0);
    return seq;
}

static void expect_parked(const char *schema, int64_t seq, const char *type)
{
    char sql[256], s[24];
    snprintf(s, sizeof s, "%lld", (long long)seq);
    snprintf(sql, sizeof sql,
             "SELECT attempts FROM %s.dead_letter WHERE stream = 'intake' AND sequence = $1 AND "
             "type = $2 AND error <> ''",
             schema);
    assert_int_equal(itest_wait_i64_params(WH_EVENT_MAX_ATTEMPTS, 60, sql, s, type, NULL),
                     WH_EVENT_MAX_ATTEMPTS);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s.dead_letter WHERE stream = 'intake'", schema);
    assert_int_equal(itest_sql_i64(sql, NULL), 1);
}

static void undecodable_event_is_parked_and_the_stream_moves_on(void **state)
{
    (void)state;
    char dong[11];
    itest_dong_code(dong, 9);
    uint64_t before = intake_head();
    /* case consumes HouseholdIdentified, reporting TargetsChanged: one poison of each */
    int64_t poison = append_poison("welfare.intake.v1.HouseholdIdentified");
    int64_t poison_targets = append_poison("welfare.intake.v1.TargetsChanged");
    assert_int_equal(poison, (int64_t)before + 1);
    assert_int_equal(poison_targets, (int64_t)before + 2);

    /* a real referral after it: the relay's next numbers follow the poison's */
    itest_referral r;
    itest_referral_init(&r, dong, 2900, 2900, 2, ITEST_RISK_HIGH, DAY);
    itest_submit_one(&r);
    assert_int_equal(intake_head(),
                     before + 5); /* poisons + ReferralReceived, HouseholdIdentified, BlindSpot */

    expect_parked("reporting", poison_targets, "welfare.intake.v1.TargetsChanged");
    expect_parked("casework", poison, "welfare.intake.v1.HouseholdIdentified");
    assert_true(itest_wait_caught_up("reporting", "intake", 30));
    assert_true(itest_wait_caught_up("casework", "intake", 30));

    /* the events after the poison were applied, once: the KPI and the case */
    const char *dongs[] = {dong};
    itest_kpi want = {.targets = 0 /* referrals enrol nobody */, .case_households = 1, .blind_spots = 1}, got;
    itest_kpi_wait(dongs, 1, DAY, DAY, &want, 30, &got);
    itest_kpi_assert_equal(&want, &got);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM casework.cases WHERE dong_code = $1", dong, NULL),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(undecodable_event_is_parked_and_the_stream_moves_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

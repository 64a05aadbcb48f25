/*
 * test_liveness.c — consumers rely on hints when idle, and the slow liveness fetch catches up what
 * no hint announced.
 *
 *   idle:         with nothing happening, case (a consumer of intake) sends at most one FetchEvents
 *                 to intake in IDLE_SECONDS: the default liveness period is 15 s and hints wake it
 *                 otherwise (it used to ask once a second).
 *   missed hints: reporting is restarted deaf to intake's hints (WH_INTAKE_HINTS names a port where
 *                 nobody publishes) with WH_FETCH_LIVENESS_MS=LIVENESS_MS; a referral submitted
 *                 then reaches reporting's position within the liveness period (plus a tick and the
 *                 apply), and its KPI counts it once.  Afterwards reporting is restarted as it was.
 *   unanswered:   intake is stopped (SIGSTOP) for STOPPED_SECONDS while reporting, restarted with a
 *                 1 s liveness period, keeps asking it: the unanswered FetchEvents is abandoned with
 *                 its socket (wh_bus_fetches_abandoned_total rises) and, once intake goes on, a
 *                 referral submitted then is counted once in the KPI within a few seconds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "itest.h"

#define DAY             "2026-06-11"
#define IDLE_SECONDS    6
#define LIVENESS_MS     3000
#define SLACK_MS        2500 /* a tick (1 s), the fetch and the apply */
#define STOPPED_SECONDS 8    /* longer than WH_FETCH_TIMEOUT_MS (5 s) plus a liveness period */

static int64_t elapsed_ms(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

static void idle_consumer_does_not_poll(void **state)
{
    (void)state;
    const char *sample = "wh_bus_fetches_total{stream=\"intake\"}";
    assert_true(itest_wait_caught_up("casework", "intake", 30));
    int64_t before = itest_metric("case", sample);
    assert_true(before >= 1); /* it did fetch at start */
    sleep(IDLE_SECONDS);
    int64_t after = itest_metric("case", sample);
    if (after - before > 1)
        fail_msg("case sent %lld FetchEvents to an idle intake in %d s (at most 1 expected)",
                 (long long)(after - before), IDLE_SECONDS);
}

static void missed_hints_caught_up_by_liveness_fetch(void **state)
{
    (void)state;
    char dong[11], start[512];
    itest_dong_code(dong, 5);
    snprintf(start, sizeof start,
             "wh_service_stop reporting && export WH_INTAKE_HINTS=tcp://127.0.0.1:$((WH_PORT_BASE + 9)) "
             "WH_FETCH_LIVENESS_MS=%d && wh_service_start reporting && wh_service_wait_ready reporting 60",
             LIVENESS_MS);
    assert_int_equal(itest_stack(start), 0);
    assert_true(itest_wait_caught_up("reporting", "intake", 30));

    whc *c = itest_client("intake");
    itest_referral r;
    itest_referral_init(&r, dong, 3100, 3100, 1, ITEST_RISK_LOW, DAY);
    struct timespec sent;
    clock_gettime(CLOCK_MONOTONIC, &sent);
    Welfare__Intake__V1__SubmitReferralReply *reply = itest_submit(c, &r);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    whc_close(&c);
    bool caught_up = itest_wait_caught_up("reporting", "intake", (LIVENESS_MS + SLACK_MS) / 1000 + 1);
    int64_t took = elapsed_ms(&sent);

    const char *dongs[] = {dong};
    itest_kpi want = {.blind_spots = 1}, got;
    bool counted = itest_kpi_wait(dongs, 1, DAY, DAY, &want, 10, &got);
    assert_int_equal(itest_stack("wh_service_stop reporting && wh_service_start reporting && "
                                 "wh_service_wait_ready reporting 60"),
                     0);
    if (!caught_up || took > LIVENESS_MS + SLACK_MS)
        fail_msg("reporting, deaf to intake's hints, caught up after %lld ms (liveness %d ms)",
                 (long long)took, LIVENESS_MS);
    assert_true(counted);
    itest_kpi_assert_equal(&want, &got);
}

static void unanswered_fetch_renews_the_socket(void **state)
{
    (void)state;
    const char *abandoned = "wh_bus_fetches_abandoned_total{stream=\"intake\"}";
    char dong[11];
    itest_dong_code(dong, 5);
    assert_int_equal(itest_stack("wh_service_stop reporting && export WH_FETCH_LIVENESS_MS=1000 && "
                                 "wh_service_start reporting && wh_service_wait_ready reporting 60"),
                     0);
    assert_true(itest_wait_caught_up("reporting", "intake", 30));
    int64_t before = itest_metric("reporting", abandoned);
    assert_int_equal(itest_stack("kill -STOP \"$(wh_service_pid intake)\""), 0);
    sleep(STOPPED_SECONDS);
    int64_t during = itest_metric("reporting", abandoned);
    assert_int_equal(itest_stack("kill -CONT \"$(wh_service_pid intake)\""), 0);

    itest_referral r;
    itest_referral_init(&r, dong, 3101, 3101, 1, ITEST_RISK_LOW, DAY);
    itest_submit_one(&r);
    bool caught_up = itest_wait_caught_up("reporting", "intake", 10);
    const char *dongs[] = {dong};
    itest_kpi want = {.blind_spots = 2}, got; /* this referral and the one of the test before */
    bool counted = itest_kpi_wait(dongs, 1, DAY, DAY, &want, 10, &got);
    assert_int_equal(itest_stack("wh_service_stop reporting && wh_service_start reporting && "
                                 "wh_service_wait_ready reporting 60"),
                     0);
    if (during <= before)
        fail_msg("reporting abandoned no FetchEvents while intake was stopped %d s (%lld before, %lld after)",
                 STOPPED_SECONDS, (long long)before, (long long)during);
    assert_true(caught_up);
    assert_true(counted);
    itest_kpi_assert_equal(&want, &got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(idle_consumer_does_not_poll),
        cmocka_unit_test(missed_hints_caught_up_by_liveness_fetch),
        cmocka_unit_test(unanswered_fetch_renews_the_socket),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

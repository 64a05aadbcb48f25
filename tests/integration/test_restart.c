/*
 * test_restart.c — kill -9 a service while referrals flow, restart it, and prove that nothing was
 * lost and nothing applied twice.
 *
 *   consumer: reporting is killed a third of the way through N referrals and started again at two
 *             thirds; afterwards its KPI counts equal exactly what was submitted, its position in the
 *             intake stream equals the stream's head, and nothing was dead-lettered.
 *   producer: intake itself is killed mid-stream; the client resends each unanswered command with its
 *             id until the restarted intake answers; afterwards every referral is stored once, the
 *             stream holds one ReferralReceived per referral, and reporting counted each once.
 *   case:     the case service (a consumer of intake and a producer for routing and reporting) is
 *             killed while high-risk referrals flow; afterwards one case and one first visit per
 *             household, in case, in routing and in reporting's KPI.
 *   database: PostgreSQL is stopped (fast: every connection cut) mid-stream and started again; the
 *             services reconnect, the client's resends (after UNAVAILABLE or a timeout) take effect
 *             once, and reporting catches up with exact counts.
 *
 * The referrals are low-risk (no case opens), one person each, so each adds exactly one target and
 * one blind spot to this run's own dong.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "itest.h"
#include "welfare/routing/v1/commands.pb-c.h"
#include "wh/status.h"
#include "wh/util.h"

#define N_REFERRALS 300 /* per test; person numbers (itest_rrn, k % 4000) must not overlap in a program */
#define DAY         "2026-06-10"

typedef struct flow {
    char dong[11];
    int first_household;
    int timeout_ms, retries;
    int risk; /* ITEST_RISK_LOW (0) or ITEST_RISK_HIGH: then each referral opens a case */
    atomic_int sent, failed;
    atomic_bool go_on; /* the submitter holds at two thirds until the interruption is over */
    int64_t referral_ids[N_REFERRALS];
    char first_error[700];
} flow;

/* whc_call_id, and again with the same id after a pause while the answer is UNAVAILABLE (the
 * service's database is away: libwhclient resends a typed UNAVAILABLE at once, so its own retries
 * are spent in milliseconds), for up to a minute. */
static int call_until_answered(whc *c, const char *id, const ProtobufCMessage *req,
                               Welfare__Intake__V1__SubmitReferralReply **reply, whc_error *err)
{
    int rc = WH_UNAVAILABLE;
    for (int i = 0; i < 300 && rc == WH_UNAVAILABLE; i++) {
        if (i > 0)
            usleep(200 * 1000);
        rc = whc_call_id(c, id, req, &welfare__intake__v1__submit_referral_reply__descriptor,
                         (ProtobufCMessage **)reply, err);
    }
    return rc;
}

/* The submitter: N referrals one after the other, each with its own id (resent on timeouts). */
static void *submit_all(void *arg)
{
    flow *f = arg;
    whc *c = itest_client_with("intake", f->timeout_ms, f->retries);
    for (int i = 0; i < N_REFERRALS; i++) {
        for (int wait = 0; i == 2 * N_REFERRALS / 3 && !atomic_load(&f->go_on) && wait < 60000; wait++)
            usleep(1000);
        itest_referral r;
        char id[WH_UUID_LEN + 1];
        Welfare__Intake__V1__SubmitReferralReply *reply = NULL;
        whc_error err;
        int k = f->first_household + i;
        itest_referral_init(&r, f->dong, k, k, 1, f->risk, DAY);
        wh_uuid(id);
        int rc = call_until_answered(c, id, &r.req.base, &reply, &err);
        if (rc != 0) {
            if (atomic_fetch_add(&f->failed, 1) == 0)
                snprintf(f->first_error, sizeof f->first_error, "referral %d: %s (%s): %s", i,
                         wh_status_name(rc), err.field, err.message);
        } else {
            f->referral_ids[i] = reply->referral_id;
            protobuf_c_message_free_unpacked(&reply->base, NULL);
        }
        atomic_fetch_add(&f->sent, 1);
    }
    whc_close(&c);
    return NULL;
}

static void wait_sent(flow *f, int at_least)
{
    for (int i = 0; i < 6000 && atomic_load(&f->sent) < at_least; i++)
        usleep(10 * 1000);
    assert_true(atomic_load(&f->sent) >= at_least);
}

/* Runs the submitter; a third of the way through runs stop_cmd, waits (until two thirds when the
 * flow can go on without what was stopped, else a second), runs start_cmd, and waits for the end.
 * The submitter holds at two thirds until start_cmd has run, so the interruption is mid-stream
 * however slowly the stop and start commands run on a loaded machine. */
static void interrupt_mid_flow(flow *f, const char *stop_cmd, const char *start_cmd, bool flow_goes_on)
{
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, submit_all, f), 0);
    wait_sent(f, N_REFERRALS / 3);
    assert_int_equal(itest_stack(stop_cmd), 0);
    int sent_at_kill = atomic_load(&f->sent);
    if (flow_goes_on)
        wait_sent(f, 2 * N_REFERRALS / 3); /* the flow goes on without the consumer */
    else
        sleep(1); /* the submitter is stuck resending the same id */
    assert_int_equal(itest_stack(start_cmd), 0);
    atomic_store(&f->go_on, true);
    pthread_join(t, NULL);
    if (atomic_load(&f->failed) != 0)
        fail_msg("%d referrals failed; first: %s", atomic_load(&f->failed), f->first_error);
    /* the interruption really happened mid-stream */
    assert_true(sent_at_kill < N_REFERRALS);
}

static void kill_and_restart_mid_flow(flow *f, const char *service)
{
    char kill_cmd[96], start_cmd[160];
    snprintf(kill_cmd, sizeof kill_cmd, "wh_service_stop %s KILL", service);
    snprintf(start_cmd, sizeof start_cmd, "wh_service_start %s && wh_service_wait_ready %s 60", service,
             service);
    interrupt_mid_flow(f, kill_cmd, start_cmd, strcmp(service, "intake") != 0);
}

static int64_t dead_letters(const char *consumer_schema)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s.dead_letter", consumer_schema);
    return itest_sql_i64(sql, NULL);
}

/* Reporting's position in the intake stream (the framework's consumer table) equals the stream
 * head, and nothing was dead-lettered since the test began (dead_before). */
static void expect_caught_up(const char *consumer_schema, int64_t dead_before)
{
    uint64_t head = 0;
    assert_true(itest_events_count("intake", NULL, NULL, NULL, &head) >= 0);
    char sql[256], want[24];
    snprintf(want, sizeof want, "%llu", (unsigned long long)head);
    snprintf(sql, sizeof sql, "SELECT position FROM %s.consumer_position WHERE stream = 'intake'",
             consumer_schema);
    assert_int_equal(itest_wait_i64((int64_t)head, 30, sql), (int64_t)head);
    assert_int_equal(dead_letters(consumer_schema), dead_before);
}

static void expect_counted_once(const flow *f)
{
    const char *dongs[] = {f->dong};
    itest_kpi want = {.targets = 0, /* the roster's stock; referrals enrol nobody */
                      .blind_spots = N_REFERRALS,
                      .case_households = f->risk == ITEST_RISK_HIGH ? N_REFERRALS : 0},
              got;
    itest_kpi_wait(dongs, 1, DAY, DAY, &want, 60, &got);
    itest_kpi_assert_equal(&want, &got);
    /* the stored facts agree with the answer: one day row for the dong, the exact sums */
    assert_int_equal(
        itest_sql_i64("SELECT sum(blind_spots) FROM reporting.kpi_daily WHERE dong_code = $1", f->dong, NULL),
        N_REFERRALS);
}

static void consumer_killed_mid_stream(void **state)
{
    (void)state;
    static flow f = {.first_household = 1000, .timeout_ms = 5000, .retries = 2};
    itest_dong_code(f.dong, 3);
    int64_t dead_before = dead_letters("reporting");
    kill_and_restart_mid_flow(&f, "reporting");
    assert_int_equal(
        itest_sql_i64("SELECT count(*) FROM intake.household WHERE dong_code = $1", f.dong, NULL),
        N_REFERRALS);
    expect_counted_once(&f);
    expect_caught_up("reporting", dead_before);
}

static bool in_flow(const Welfare__Bus__V1__Envelope *ev, void *arg)
{
    const flow *f = arg;
    Welfare__Intake__V1__ReferralReceived *m =
        welfare__intake__v1__referral_received__unpack(NULL, ev->payload.len, ev->payload.data);
    bool yes = m != NULL && strcmp(m->dong_code, f->dong) == 0;
    if (m)
        welfare__intake__v1__referral_received__free_unpacked(m, NULL);
    return yes;
}

static void producer_killed_mid_stream(void **state)
{
    (void)state;
    /* one-second tries, resent for up to a minute: they span intake's restart */
    static flow f = {.first_household = 300, .timeout_ms = 1000, .retries = 60};
    itest_dong_code(f.dong, 4);
    int64_t dead_before = dead_letters("reporting");
    kill_and_restart_mid_flow(&f, "intake");
    /* each command exactly once, whether its first try was lost before the commit or after it */
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.referral r JOIN intake.household h ON "
                                   "h.id = r.household_id WHERE h.dong_code = $1",
                                   f.dong, NULL),
                     N_REFERRALS);
    assert_int_equal(
        itest_sql_i64("SELECT count(DISTINCT id) FROM intake.household WHERE dong_code = $1", f.dong, NULL),
        N_REFERRALS);
    for (int i = 1; i < N_REFERRALS; i++)
        assert_true(f.referral_ids[i] > f.referral_ids[i - 1]);
    assert_int_equal(itest_events_count("intake", "welfare.intake.v1.ReferralReceived", in_flow, &f, NULL),
                     N_REFERRALS);
    expect_counted_once(&f);
    expect_caught_up("reporting", dead_before);
}

/* case consumes intake and routing and produces for routing and reporting: killed mid-stream, it
 * still opens exactly one case (and asks for one first visit) per household. */
static void case_killed_mid_stream(void **state)
{
    (void)state;
    static flow f = {.first_household = 600, .timeout_ms = 5000, .retries = 2, .risk = ITEST_RISK_HIGH};
    itest_dong_code(f.dong, 0);
    int64_t dead[3] = {dead_letters("casework"), dead_letters("routing"), dead_letters("reporting")};

    /* the dong is a basic-type hub of its own, known to case before the referrals come */
    Welfare__Routing__V1__DefineDong q = WELFARE__ROUTING__V1__DEFINE_DONG__INIT;
    Welfare__Common__V1__GeoPoint centre = WELFARE__COMMON__V1__GEO_POINT__INIT;
    centre.latitude = 35.15;
    centre.longitude = 129.11;
    q.dong_code = f.dong;
    q.name = "Itest restart dong";
    q.hub_type = WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_BASIC;
    q.hub_dong_code = f.dong;
    q.centre = &centre;
    whc *routing = itest_client("routing");
    protobuf_c_message_free_unpacked(
        itest_call(routing, &q.base, &welfare__routing__v1__define_dong_reply__descriptor), NULL);
    whc_close(&routing);
    assert_true(itest_wait_caught_up("casework", "routing", 30));

    kill_and_restart_mid_flow(&f, "case");
    assert_true(itest_wait_caught_up("casework", "intake", 60));
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM casework.cases WHERE dong_code = $1", f.dong, NULL),
                     N_REFERRALS);
    assert_int_equal(
        itest_sql_i64("SELECT count(DISTINCT household_id) FROM casework.cases WHERE dong_code = $1", f.dong,
                      NULL),
        N_REFERRALS);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM casework.visit_request v JOIN casework.cases c ON "
                                   "c.id = v.case_id WHERE c.dong_code = $1",
                                   f.dong, NULL),
                     N_REFERRALS);
    /* what case published reached its consumers once */
    assert_true(itest_wait_caught_up("routing", "case", 60));
    assert_int_equal(
        itest_sql_i64("SELECT count(*) FROM routing.visit_request WHERE dong_code = $1", f.dong, NULL),
        N_REFERRALS);
    expect_counted_once(&f);
    assert_true(itest_wait_caught_up("reporting", "case", 60));
    assert_int_equal(dead_letters("casework"), dead[0]);
    assert_int_equal(dead_letters("routing"), dead[1]);
    assert_int_equal(dead_letters("reporting"), dead[2]);
}

static void database_restarted_mid_stream(void **state)
{
    (void)state;
    static flow f = {.first_household = 1650, .timeout_ms = 1000, .retries = 60};
    itest_dong_code(f.dong, 7);
    int64_t dead_before = dead_letters("reporting");
    interrupt_mid_flow(
        &f, "wh_pg_stop fast",
        "wh_pg_start && for s in ${WH_SERVICES[@]}; do wh_service_wait_ready $s 60 || exit 1; done", false);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.referral r JOIN intake.household h ON "
                                   "h.id = r.household_id WHERE h.dong_code = $1",
                                   f.dong, NULL),
                     N_REFERRALS);
    assert_int_equal(itest_events_count("intake", "welfare.intake.v1.ReferralReceived", in_flow, &f, NULL),
                     N_REFERRALS);
    expect_counted_once(&f);
    expect_caught_up("reporting", dead_before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(consumer_killed_mid_stream),
        cmocka_unit_test(producer_killed_mid_stream),
        cmocka_unit_test(case_killed_mid_stream),
        cmocka_unit_test(database_restarted_mid_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

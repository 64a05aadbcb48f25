/*
 * test_bus_bytes.c — the two byte bounds of the command socket, set small on a restarted intake:
 *
 *   WH_FETCH_MAX_BYTES  a FetchEvents reply stops before the event that would take its events past
 *                       the bound (each counted as its packed envelope + 8), though the count allows
 *                       more: the reply is short by bytes, not by WH_FETCH_MAX, and its
 *                       covered_sequence is its last event, as is that of the same fetch filtered to
 *                       the reply's types (FetchEvents.types);
 *   WH_BATCH_MAX_BYTES  a batch takes no more commands once they hold the bound: 64 SubmitReferral
 *                       sent on one connection while intake is stopped (SIGSTOP), so all of them wait
 *                       when it goes on, are handled in at least 64 × size / (bound + size) batches
 *                       (wh_bus_batch_stage_seconds_count{stage="commit"} on /metrics) — with the
 *                       default bound (256 KiB) they would fit in one or two.
 *
 * Intake is restarted with its usual settings afterwards.
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
#include "welfare/bus/v1/stream.pb-c.h"

#define FETCH_BYTES  16384 /* the smallest WH_FETCH_MAX_BYTES allowed */
#define BATCH_BYTES  1024  /* the smallest WH_BATCH_MAX_BYTES allowed */
#define PIPELINED    64    /* commands of one connection a batch may hold (WH_IN_FLIGHT_MAX) */
#define PERSON       3200  /* persons 3200–3399 of this run (itest_rrn), used by no other program */
#define COMMIT_COUNT "wh_bus_batch_stage_seconds_count{stage=\"commit\"}"

static void restart_intake(const char *settings)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "wh_service_stop intake && %s wh_service_start intake && wh_service_wait_ready intake 60",
             settings);
    assert_int_equal(itest_stack(cmd), 0);
}

/* FetchEvents of intake's stream after `after`, of the n types given (every type when n is 0). */
static Welfare__Bus__V1__FetchEventsReply *fetch_types(whc *c, uint64_t after, const char *const *types,
                                                       size_t n)
{
    int status;
    Welfare__Bus__V1__FetchEventsReply *r = itest_fetch_events(c, "intake", after, 0, types, n, &status);
    assert_int_equal(status, 0);
    assert_non_null(r);
    return r;
}

static Welfare__Bus__V1__FetchEventsReply *fetch(whc *c, uint64_t after)
{
    return fetch_types(c, after, NULL, 0);
}

/* A reply cut by bytes covers up to its last event only, filtered or not: a consumer that moved to
 * covered_sequence must not pass the events the cut left for the next fetch. */
static void cut_reply_covers_its_last_event(whc *c, uint64_t after,
                                            const Welfare__Bus__V1__FetchEventsReply *r)
{
    const char *types[8];
    size_t n = 0;
    uint64_t last = r->events[r->n_events - 1]->sequence;
    assert_int_equal(r->covered_sequence, last);
    for (size_t i = 0; i < r->n_events; i++) {
        size_t k = 0;
        while (k < n && strcmp(types[k], r->events[i]->type) != 0)
            k++;
        if (k == n && n < 8)
            types[n++] = r->events[i]->type;
    }
    Welfare__Bus__V1__FetchEventsReply *f = fetch_types(c, after, types, n);
    assert_true(f->n_events >= 1 && f->n_events <= r->n_events);
    assert_int_equal(f->covered_sequence, f->events[f->n_events - 1]->sequence);
    protobuf_c_message_free_unpacked(&f->base, NULL);
}

static size_t counted_bytes(const Welfare__Bus__V1__Envelope *e)
{
    return welfare__bus__v1__envelope__get_packed_size(e) + 8;
}

static void fetch_reply_is_bounded_by_bytes(void **state)
{
    (void)state;
    char dong[11];
    itest_dong_code(dong, 7);
    restart_intake("export WH_FETCH_MAX_BYTES=16384 &&"); /* FETCH_BYTES */
    whc *c = itest_client("intake");
    Welfare__Bus__V1__FetchEventsReply *r = fetch(c, 0);
    uint64_t head = r->head_sequence;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    for (int k = 0; head < 200; k++) { /* enough events for several 16 KiB replies */
        itest_referral ref;
        assert_true(k < 100);
        itest_referral_init(&ref, dong, PERSON + k, PERSON + k, 1, ITEST_RISK_LOW, "2026-07-01");
        protobuf_c_message_free_unpacked(&itest_submit(c, &ref)->base, NULL);
        r = fetch(c, 0);
        head = r->head_sequence;
        protobuf_c_message_free_unpacked(&r->base, NULL);
    }
    uint64_t after = head > 150 ? head - 150 : 0;
    r = fetch(c, after);
    size_t bytes = 0;
    assert_true(r->n_events >= 1);
    for (size_t i = 0; i < r->n_events; i++) {
        assert_int_equal(r->events[i]->sequence, after + 1 + i);
        bytes += counted_bytes(r->events[i]);
    }
    uint64_t last = r->events[r->n_events - 1]->sequence;
    size_t n = r->n_events;
    if (bytes > FETCH_BYTES)
        fail_msg("a reply of %zu events holds %zu bytes, above WH_FETCH_MAX_BYTES=%d", n, bytes, FETCH_BYTES);
    assert_true(last < head); /* short of the head and of the count (2000): cut by bytes */
    cut_reply_covers_its_last_event(c, after, r);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    r = fetch(c, last);
    assert_true(r->n_events >= 1);
    size_t next = counted_bytes(r->events[0]);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    if (bytes + next <= FETCH_BYTES)
        fail_msg(
            "the reply stopped at %zu bytes (%zu events) though the next event (%zu bytes) fitted under %d",
            bytes, n, next, FETCH_BYTES);
    whc_close(&c);
    restart_intake("");
}

static void batch_is_bounded_by_bytes(void **state)
{
    (void)state;
    char dong[11], id[37];
    itest_dong_code(dong, 7);
    restart_intake("export WH_BATCH_MAX_BYTES=1024 &&"); /* BATCH_BYTES */
    whc *c = itest_client("intake");
    itest_referral first;
    itest_referral_init(&first, dong, PERSON + 100, PERSON + 100, 1, ITEST_RISK_LOW, "2026-07-01");
    protobuf_c_message_free_unpacked(&itest_submit(c, &first)->base, NULL); /* connected and placed */
    int64_t before = itest_metric("intake", COMMIT_COUNT);
    assert_true(before >= 0);
    assert_int_equal(itest_stack("kill -STOP \"$(wh_service_pid intake)\""), 0);
    size_t size = 0;
    for (int k = 0; k < PIPELINED; k++) {
        itest_referral ref;
        itest_referral_init(&ref, dong, PERSON + 101 + k, PERSON + 101 + k, 1, ITEST_RISK_LOW, "2026-07-01");
        size_t s = protobuf_c_message_get_packed_size(&ref.req.base);
        size = size == 0 || s < size ? s : size;
        assert_int_equal(whc_send(c, &ref.req.base, id), 0);
    }
    usleep(300 * 1000);
    assert_int_equal(itest_stack("kill -CONT \"$(wh_service_pid intake)\""), 0);
    for (int k = 0; k < PIPELINED; k++) {
        ProtobufCMessage *reply = NULL;
        whc_error err;
        assert_int_equal(
            whc_recv(c, 30000, &welfare__intake__v1__submit_referral_reply__descriptor, &reply, id, &err), 0);
        protobuf_c_message_free_unpacked(reply, NULL);
    }
    int64_t batches = itest_metric("intake", COMMIT_COUNT) - before;
    size_t least = PIPELINED * size / (BATCH_BYTES + size + 256); /* + 256: the envelope around each */
    whc_close(&c);
    restart_intake("");
    if ((size_t)batches < least)
        fail_msg("%d pipelined commands of ~%zu bytes took %lld batches under WH_BATCH_MAX_BYTES=%d (at "
                 "least %zu)",
                 PIPELINED, size, (long long)batches, BATCH_BYTES, least);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fetch_reply_is_bounded_by_bytes),
        cmocka_unit_test(batch_is_bounded_by_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

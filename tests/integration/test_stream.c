/*
 * test_stream.c — reading an event stream the way docs/bus-protocol.md tells an agency to: FetchEvents
 * after a position (gap-free, in order, capped batches, the head), replay that returns the same
 * events, events that carry the command's ids as correlation and causation, StreamHead hints and
 * heartbeats on the PUB socket, and an agency that the documented procedure
 * (`welfarectl keys add-agency … --grant stream:intake`, restart) lets read the stream.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include <cmocka.h>

#include "itest.h"
#include "welfare/bus/v1/stream.pb-c.h"
#include "wh/access.h"
#include "wh/status.h"
#include "wh/util.h"

#define FETCH_MAX       2000         /* the framework's default WH_FETCH_MAX */
#define FETCH_MAX_BYTES (256 * 1024) /* and WH_FETCH_MAX_BYTES */
#define CAPPED_EVENTS   1400         /* more than FETCH_MAX_BYTES of this test's events (~225 bytes each) */
#define PERSON          2400 /* persons 2400–2899 of this run (itest_rrn), used by no other program */

static Welfare__Bus__V1__FetchEventsReply *fetch_ok(whc *c, uint64_t after, uint32_t max)
{
    int status;
    Welfare__Bus__V1__FetchEventsReply *r = itest_fetch_events(c, "intake", after, max, NULL, 0, &status);
    assert_int_equal(status, 0);
    assert_non_null(r);
    return r;
}

/* Makes sure the intake stream holds at least n events (three or so per referral; at most 1,500). */
static uint64_t stream_at_least(whc *c, uint64_t n)
{
    Welfare__Bus__V1__FetchEventsReply *r = fetch_ok(c, 0, 1);
    uint64_t head = r->head_sequence;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    char dong[11];
    itest_dong_code(dong, 8);
    for (int k = 0; head < n; k++) {
        itest_referral ref;
        assert_true(k < 500);
        itest_referral_init(&ref, dong, PERSON + k, PERSON + k, 1, ITEST_RISK_LOW, "2026-07-01");
        protobuf_c_message_free_unpacked(&itest_submit(c, &ref)->base, NULL);
        r = fetch_ok(c, 0, 1);
        head = r->head_sequence;
        protobuf_c_message_free_unpacked(&r->base, NULL);
    }
    return head;
}

/* The bytes the producer counts for an event of a reply (common/src/bus_store.c: the envelope + 8). */
static size_t event_bytes(const Welfare__Bus__V1__Envelope *e)
{
    return welfare__bus__v1__envelope__get_packed_size(e) + 8;
}

/* How many events after `after` (up to head) one reply of the producer's maximum holds, by the rule
 * of docs/bus-protocol.md — FETCH_MAX events and FETCH_MAX_BYTES of them, at least one — counted from
 * small fetches. */
static size_t expected_reply(whc *c, uint64_t after, uint64_t head)
{
    size_t n = 0, bytes = 0;
    while (after + n < head && n < FETCH_MAX) {
        Welfare__Bus__V1__FetchEventsReply *r = fetch_ok(c, after + n, 100);
        assert_true(r->n_events > 0);
        for (size_t i = 0; i < r->n_events && n < FETCH_MAX; i++) {
            bytes += event_bytes(r->events[i]);
            if (n > 0 && bytes > FETCH_MAX_BYTES) {
                protobuf_c_message_free_unpacked(&r->base, NULL);
                return n;
            }
            n++;
        }
        protobuf_c_message_free_unpacked(&r->base, NULL);
    }
    return n;
}

static void batches_are_gap_free_and_capped(void **state)
{
    (void)state;
    whc *c = itest_client("intake");
    uint64_t head = stream_at_least(c, CAPPED_EVENTS + 20);
    uint64_t after = head - CAPPED_EVENTS - 10;

    Welfare__Bus__V1__FetchEventsReply *r = fetch_ok(c, after, 3);
    assert_int_equal(r->n_events, 3);
    for (size_t i = 0; i < r->n_events; i++) {
        assert_int_equal(r->events[i]->sequence, after + 1 + i);
        assert_string_equal(r->events[i]->stream, "intake");
        assert_string_equal(r->events[i]->producer, "intake");
        assert_true(r->events[i]->payload.len > 0);
    }
    assert_true(r->head_sequence >= head);
    protobuf_c_message_free_unpacked(&r->base, NULL);

    /* 0 and anything above the producer's maximum both mean its maximum: here the byte bound binds
     * before the 2,000 events (1,400 of this test's are more than 256 KiB) */
    size_t want = expected_reply(c, after, head);
    assert_true(want > 500 && want < CAPPED_EVENTS); /* more than the old 500, fewer than there are */
    printf("a reply of the producer's maximum: %zu events (its byte bound)\n", want);
    uint32_t maxes[] = {0, 100000};
    for (size_t m = 0; m < 2; m++) {
        r = fetch_ok(c, after, maxes[m]);
        assert_int_equal(r->n_events, want);
        size_t bytes = 0;
        for (size_t i = 0; i < r->n_events; i++) {
            assert_int_equal(r->events[i]->sequence, after + 1 + i);
            bytes += event_bytes(r->events[i]);
        }
        assert_true(bytes <= FETCH_MAX_BYTES);
        protobuf_c_message_free_unpacked(&r->base, NULL);
    }

    /* at the head: nothing, and the head */
    r = fetch_ok(c, head, 0);
    assert_int_equal(r->n_events, 0);
    assert_int_equal(r->head_sequence, head);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    whc_close(&c);
}

static void replay_returns_the_same_events(void **state)
{
    (void)state;
    whc *c = itest_client("intake");
    uint64_t head = stream_at_least(c, 50);
    Welfare__Bus__V1__FetchEventsReply *a = fetch_ok(c, head - 50, 50), *b = fetch_ok(c, head - 50, 50);
    assert_int_equal(a->n_events, 50);
    assert_int_equal(b->n_events, 50);
    for (size_t i = 0; i < 50; i++) {
        assert_string_equal(a->events[i]->message_id, b->events[i]->message_id);
        assert_true(itest_same_message(&a->events[i]->base, &b->events[i]->base));
    }
    protobuf_c_message_free_unpacked(&a->base, NULL);
    protobuf_c_message_free_unpacked(&b->base, NULL);
    whc_close(&c);
}

static void other_streams_are_not_found_here(void **state)
{
    (void)state;
    whc *c = itest_client("intake");
    int status;
    Welfare__Bus__V1__FetchEventsReply *r = itest_fetch_events(c, "case", 0, 0, NULL, 0, &status);
    assert_null(r);
    assert_int_equal(status, WH_NOT_FOUND);
    whc_close(&c);
}

/* The events a command emits carry its id as causation and its correlation id. */
static void events_carry_the_command_ids(void **state)
{
    (void)state;
    whc *c = itest_client("intake");
    Welfare__Bus__V1__FetchEventsReply *r = fetch_ok(c, 0, 1);
    uint64_t before = r->head_sequence;
    protobuf_c_message_free_unpacked(&r->base, NULL);

    char id[WH_UUID_LEN + 1], dong[11];
    itest_referral ref;
    itest_dong_code(dong, 8);
    itest_referral_init(&ref, dong, 4900, 4900, 1, ITEST_RISK_LOW, "2026-07-02");
    wh_uuid(id);
    ProtobufCMessage *reply = NULL;
    whc_error err;
    assert_int_equal(whc_call_id(c, id, &ref.req.base,
                                 &welfare__intake__v1__submit_referral_reply__descriptor, &reply, &err),
                     0);
    protobuf_c_message_free_unpacked(reply, NULL);

    /* a new household not known to any programme: ReferralReceived, HouseholdIdentified, BlindSpotDiscovered
     */
    r = fetch_ok(c, before, 0);
    size_t mine = 0;
    for (size_t i = 0; i < r->n_events; i++)
        if (strcmp(r->events[i]->causation_id, id) == 0) {
            assert_string_equal(r->events[i]->correlation_id, id); /* libwhclient starts the flow */
            mine++;
        }
    assert_int_equal(mine, 3);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    whc_close(&c);
}

/* --- hints ------------------------------------------------------------------------------------------ */

static void *hint_subscriber(void *zctx, const char *topic)
{
    char path[1024], srv[WH_Z85_KEY_LEN + 1], pub[WH_Z85_KEY_LEN + 1], sec[WH_Z85_KEY_LEN + 1];
    const char *var = getenv("WH_VAR");
    wh_access *a = NULL;
    snprintf(path, sizeof path, "%s/keys/allowlist", var ? var : "var");
    assert_int_equal(wh_access_load(&a, path), 0);
    snprintf(srv, sizeof srv, "%s", wh_access_by_name(a, "intake")->public_key);
    wh_access_destroy(&a);
    snprintf(path, sizeof path, "%s/keys/cli.key", var ? var : "var");
    assert_int_equal(wh_keys_load_secret(path, sec, pub), 0);

    void *s = zmq_socket(zctx, ZMQ_SUB);
    int zero = 0;
    zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, srv, WH_Z85_KEY_LEN + 1);
    zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, pub, WH_Z85_KEY_LEN + 1);
    zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, sec, WH_Z85_KEY_LEN + 1);
    zmq_setsockopt(s, ZMQ_SUBSCRIBE, topic, strlen(topic));
    assert_non_null(getenv("WH_INTAKE_HINTS"));
    assert_int_equal(zmq_connect(s, getenv("WH_INTAKE_HINTS")), 0);
    return s;
}

/* The next hint within ms: its head, or 0 when none came.  Checks the two-frame layout. */
static uint64_t next_hint(void *s, int ms)
{
    zmq_pollitem_t item = {.socket = s, .events = ZMQ_POLLIN};
    if (zmq_poll(&item, 1, ms) <= 0)
        return 0;
    zmq_msg_t topic, body;
    zmq_msg_init(&topic);
    zmq_msg_init(&body);
    assert_true(zmq_msg_recv(&topic, s, 0) >= 0);
    assert_int_equal(zmq_msg_size(&topic), 6);
    assert_memory_equal(zmq_msg_data(&topic), "intake", 6);
    assert_true(zmq_msg_more(&topic));
    assert_true(zmq_msg_recv(&body, s, 0) >= 0);
    assert_false(zmq_msg_more(&body));
    Welfare__Bus__V1__Envelope *env =
        welfare__bus__v1__envelope__unpack(NULL, zmq_msg_size(&body), zmq_msg_data(&body));
    assert_non_null(env);
    assert_string_equal(env->type, "welfare.bus.v1.StreamHead");
    Welfare__Bus__V1__StreamHead *h =
        welfare__bus__v1__stream_head__unpack(NULL, env->payload.len, env->payload.data);
    assert_non_null(h);
    assert_string_equal(h->stream, "intake");
    uint64_t head = h->head_sequence;
    welfare__bus__v1__stream_head__free_unpacked(h, NULL);
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
    zmq_msg_close(&topic);
    zmq_msg_close(&body);
    return head;
}

static void hints_announce_the_head(void **state)
{
    (void)state;
    void *zctx = zmq_ctx_new();
    void *sub = hint_subscriber(zctx, "intake");
    whc *c = itest_client("intake");

    /* a heartbeat comes without any activity (once a second) */
    uint64_t beat = next_hint(sub, 3000);
    assert_true(beat > 0);

    char dong[11];
    itest_referral ref;
    itest_dong_code(dong, 8);
    itest_referral_init(&ref, dong, 4901, 4901, 1, ITEST_RISK_LOW, "2026-07-02");
    protobuf_c_message_free_unpacked(&itest_submit(c, &ref)->base, NULL);
    Welfare__Bus__V1__FetchEventsReply *r = fetch_ok(c, 0, 1);
    uint64_t head = r->head_sequence;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    assert_int_equal(head, beat + 3);

    /* a hint with the new head arrives (at once after the commit, or with the next heartbeat) */
    uint64_t seen = 0;
    for (int i = 0; i < 5 && seen != head; i++)
        seen = next_hint(sub, 2000);
    assert_int_equal(seen, head);
    whc_close(&c);
    zmq_close(sub);
    zmq_ctx_term(zctx);
}

/* --- an agency granted stream:intake, the documented way ------------------------------------------- */

static void granted_agency_reads_the_stream(void **state)
{
    (void)state;
    char cmd[512], name[64];
    snprintf(name, sizeof name, "itest-reader-%s", itest_run_id());
    snprintf(cmd, sizeof cmd,
             "\"$WH_BIN/welfarectl\" keys add-agency \"$WH_VAR/keys\" %s --grant stream:intake >/dev/null && "
             "wh_service_stop intake && wh_service_start intake && wh_service_wait_ready intake 60",
             name);
    assert_int_equal(itest_stack(cmd), 0);

    char principal[80];
    snprintf(principal, sizeof principal, "agency-%s", name);
    whc *agency = itest_client_as("intake", principal);
    int status;
    Welfare__Bus__V1__FetchEventsReply *r = itest_fetch_events(agency, "intake", 0, 5, NULL, 0, &status);
    assert_int_equal(status, 0);
    assert_int_equal(r->n_events, 5);
    assert_int_equal(r->events[0]->sequence, 1);
    protobuf_c_message_free_unpacked(&r->base, NULL);

    /* the grant is for the stream only: a referral is not among them */
    itest_referral ref;
    char dong[11];
    itest_dong_code(dong, 8);
    itest_referral_init(&ref, dong, 4902, 4902, 1, ITEST_RISK_LOW, "2026-07-02");
    ProtobufCMessage *reply = NULL;
    whc_error err;
    assert_int_equal(whc_call(agency, &ref.req.base, &welfare__intake__v1__submit_referral_reply__descriptor,
                              &reply, &err),
                     WH_PERMISSION_DENIED);
    whc_close(&agency);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(batches_are_gap_free_and_capped),  cmocka_unit_test(replay_returns_the_same_events),
        cmocka_unit_test(other_streams_are_not_found_here), cmocka_unit_test(events_carry_the_command_ids),
        cmocka_unit_test(hints_announce_the_head),          cmocka_unit_test(granted_agency_reads_the_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * fake_service.h — a fake welfarehub service for the welfarectl tests: a CURVE ROUTER in a thread,
 * with a fresh allow-list and client key in a temporary directory.
 *
 * SubmitReferral is answered according to its `concern`: "ok" (a reply whose referral_id counts how
 * often the service saw the message id), "fail" (INVALID_ARGUMENT on field concern), "drop-first"
 * (no answer the first time), "drop-all" (never).  FetchEvents returns events 1..3 of a stream of
 * ReferralReceived.  Anything else gets an empty reply of type <request>Reply.
 *
 * Header-only (static functions) because each unit test is one source file.
 */
#ifndef FAKE_SERVICE_H
#define FAKE_SERVICE_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "welfare/bus/v1/envelope.pb-c.h"
#include "welfare/bus/v1/stream.pb-c.h"
#include "welfare/intake/v1/commands.pb-c.h"
#include "welfare/intake/v1/events.pb-c.h"

#define MAX_IDS 256

typedef struct fake {
    void *zctx, *router;
    pthread_t thread;
    volatile int stop;
    char endpoint[128];
    char dir[64], allowlist[128], client_key[128];
    char ids[MAX_IDS][40]; /* message ids seen, with counts */
    int counts[MAX_IDS];
    size_t n_ids;
} fake;

static int seen(fake *f, const char *id)
{
    for (size_t i = 0; i < f->n_ids; i++)
        if (strcmp(f->ids[i], id) == 0)
            return ++f->counts[i];
    if (f->n_ids == MAX_IDS)
        return 1;
    snprintf(f->ids[f->n_ids], sizeof f->ids[0], "%s", id);
    f->counts[f->n_ids++] = 1;
    return 1;
}

static void reply(fake *f, zmq_msg_t *identity, const Welfare__Bus__V1__Envelope *req, const char *concern,
                  int count)
{
    Welfare__Bus__V1__Envelope env = WELFARE__BUS__V1__ENVELOPE__INIT;
    Welfare__Bus__V1__Error error = WELFARE__BUS__V1__ERROR__INIT;
    Welfare__Intake__V1__SubmitReferralReply r = WELFARE__INTAKE__V1__SUBMIT_REFERRAL_REPLY__INIT;
    uint8_t payload[256], frame[1024];
    size_t n;

    env.message_id = "reply-id";
    env.type = "welfare.intake.v1.SubmitReferralReply";
    env.causation_id = req->message_id;
    env.correlation_id = req->correlation_id;
    if (strcmp(concern, "fail") == 0) {
        error.status = WELFARE__BUS__V1__STATUS__STATUS_INVALID_ARGUMENT;
        error.field = "concern";
        error.message = "concern must not be fail";
        env.error = &error;
    } else {
        r.referral_id = count; /* how many times the service saw this message id */
        r.household_id = 42;
        env.payload.len = welfare__intake__v1__submit_referral_reply__pack(&r, payload);
        env.payload.data = payload;
    }
    n = welfare__bus__v1__envelope__pack(&env, frame);
    zmq_msg_send(identity, f->router, ZMQ_SNDMORE);
    zmq_send(f->router, frame, n, 0);
}

static void send_envelope(fake *f, zmq_msg_t *identity, Welfare__Bus__V1__Envelope *env)
{
    size_t n = welfare__bus__v1__envelope__get_packed_size(env);
    uint8_t *frame = malloc(n);

    welfare__bus__v1__envelope__pack(env, frame);
    zmq_msg_send(identity, f->router, ZMQ_SNDMORE);
    zmq_send(f->router, frame, n, 0);
    free(frame);
}

static void reply_events(fake *f, zmq_msg_t *identity, const Welfare__Bus__V1__Envelope *req)
{
    Welfare__Bus__V1__FetchEvents *q =
        welfare__bus__v1__fetch_events__unpack(NULL, req->payload.len, req->payload.data);
    Welfare__Bus__V1__FetchEventsReply r = WELFARE__BUS__V1__FETCH_EVENTS_REPLY__INIT;
    Welfare__Bus__V1__Envelope events[3], *list[3], env = WELFARE__BUS__V1__ENVELOPE__INIT;
    Welfare__Intake__V1__ReferralReceived ev = WELFARE__INTAKE__V1__REFERRAL_RECEIVED__INIT;
    uint8_t payload[256], out[4096];

    ev.referral_id = 7;
    for (uint64_t s = q != NULL ? q->after_sequence + 1 : 1; s <= 3; s++) {
        Welfare__Bus__V1__Envelope *e = &events[r.n_events];

        welfare__bus__v1__envelope__init(e);
        e->message_id = "event";
        e->type = "welfare.intake.v1.ReferralReceived";
        e->stream = "intake";
        e->sequence = s;
        e->payload.len = welfare__intake__v1__referral_received__pack(&ev, payload);
        e->payload.data = payload;
        list[r.n_events++] = e;
    }
    r.events = list;
    r.head_sequence = 3;
    env.type = "welfare.bus.v1.FetchEventsReply";
    env.causation_id = req->message_id;
    env.payload.len = welfare__bus__v1__fetch_events_reply__pack(&r, out);
    env.payload.data = out;
    send_envelope(f, identity, &env);
    if (q != NULL)
        welfare__bus__v1__fetch_events__free_unpacked(q, NULL);
}

static void reply_empty(fake *f, zmq_msg_t *identity, const Welfare__Bus__V1__Envelope *req)
{
    Welfare__Bus__V1__Envelope env = WELFARE__BUS__V1__ENVELOPE__INIT;
    char type[256];

    snprintf(type, sizeof type, "%sReply", req->type);
    env.type = type;
    env.causation_id = req->message_id;
    send_envelope(f, identity, &env);
}

static void *serve(void *arg)
{
    fake *f = arg;
    zmq_pollitem_t item = {.socket = f->router, .events = ZMQ_POLLIN};

    while (!f->stop) {
        zmq_msg_t identity, body;
        Welfare__Bus__V1__Envelope *env;
        Welfare__Intake__V1__SubmitReferral *req;

        if (zmq_poll(&item, 1, 20) <= 0)
            continue;
        zmq_msg_init(&identity);
        zmq_msg_init(&body);
        zmq_msg_recv(&identity, f->router, 0);
        zmq_msg_recv(&body, f->router, 0);
        env = welfare__bus__v1__envelope__unpack(NULL, zmq_msg_size(&body), zmq_msg_data(&body));
        if (env != NULL && strcmp(env->type, "welfare.bus.v1.FetchEvents") == 0)
            reply_events(f, &identity, env);
        else if (env != NULL && strcmp(env->type, "welfare.intake.v1.SubmitReferral") != 0)
            reply_empty(f, &identity, env);
        else if (env != NULL && strcmp(env->correlation_id, env->message_id) == 0 &&
                 (req = welfare__intake__v1__submit_referral__unpack(NULL, env->payload.len,
                                                                     env->payload.data)) != NULL) {
            int count = seen(f, env->message_id);

            if (!(strcmp(req->concern, "drop-all") == 0 ||
                  (strcmp(req->concern, "drop-first") == 0 && count == 1)))
                reply(f, &identity, env, req->concern, count);
            welfare__intake__v1__submit_referral__free_unpacked(req, NULL);
        }
        if (env != NULL)
            welfare__bus__v1__envelope__free_unpacked(env, NULL);
        zmq_msg_close(&identity);
        zmq_msg_close(&body);
    }
    return NULL;
}

static void fake_write_file(const char *path, const char *text)
{
    FILE *out = fopen(path, "w");

    assert_non_null(out);
    fputs(text, out);
    fclose(out);
}

static int fake_setup(void **state)
{
    fake *f = calloc(1, sizeof *f);
    char server_pub[41], server_sec[41], client_pub[41], client_sec[41], text[512];
    size_t len = sizeof f->endpoint;
    int one = 1;

    snprintf(f->dir, sizeof f->dir, "/tmp/whc-test-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    zmq_curve_keypair(server_pub, server_sec);
    zmq_curve_keypair(client_pub, client_sec);
    snprintf(f->allowlist, sizeof f->allowlist, "%s/allowlist", f->dir);
    snprintf(text, sizeof text, "# test\nintake service %s\ncli operator %s\n", server_pub, client_pub);
    fake_write_file(f->allowlist, text);
    snprintf(f->client_key, sizeof f->client_key, "%s/cli.key", f->dir);
    snprintf(text, sizeof text, "%s\n%s\n", client_sec, client_pub);
    fake_write_file(f->client_key, text);
    f->zctx = zmq_ctx_new();
    f->router = zmq_socket(f->zctx, ZMQ_ROUTER);
    zmq_setsockopt(f->router, ZMQ_CURVE_SERVER, &one, sizeof one);
    zmq_setsockopt(f->router, ZMQ_CURVE_SECRETKEY, server_sec, 41);
    assert_int_equal(zmq_bind(f->router, "tcp://127.0.0.1:*"), 0);
    zmq_getsockopt(f->router, ZMQ_LAST_ENDPOINT, f->endpoint, &len);
    pthread_create(&f->thread, NULL, serve, f);
    *state = f;
    return 0;
}

static int fake_teardown(void **state)
{
    fake *f = *state;
    char cmd[200];

    f->stop = 1;
    pthread_join(f->thread, NULL);
    zmq_close(f->router);
    zmq_ctx_term(f->zctx);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

#endif

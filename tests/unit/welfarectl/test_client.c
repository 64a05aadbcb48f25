/*
 * test_client.c — libwhclient against a fake service: a CURVE ROUTER in a thread that answers
 * SubmitReferral according to its `concern` ("ok", "fail", "drop-first", "drop-all").  Checks the
 * Envelope framing, typed errors, retries with the same message id, timeouts, and pipelining.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include <cmocka.h>

#include "welfare/bus/v1/envelope.pb-c.h"
#include "welfare/intake/v1/commands.pb-c.h"
#include "wh/status.h"
#include "whclient.h"

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
        if (env != NULL && strcmp(env->type, "welfare.intake.v1.SubmitReferral") == 0 &&
            strcmp(env->correlation_id, env->message_id) == 0 &&
            (req = welfare__intake__v1__submit_referral__unpack(NULL, env->payload.len, env->payload.data)) !=
                NULL) {
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

static void write_file(const char *path, const char *text)
{
    FILE *out = fopen(path, "w");

    assert_non_null(out);
    fputs(text, out);
    fclose(out);
}

static int setup(void **state)
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
    write_file(f->allowlist, text);
    snprintf(f->client_key, sizeof f->client_key, "%s/cli.key", f->dir);
    snprintf(text, sizeof text, "%s\n%s\n", client_sec, client_pub);
    write_file(f->client_key, text);
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

static int teardown(void **state)
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

static whc *open_client(fake *f, int timeout_ms, int retries)
{
    whc_options o = {.allowlist_path = f->allowlist,
                     .secret_key_path = f->client_key,
                     .endpoint = f->endpoint,
                     .timeout_ms = timeout_ms,
                     .retries = retries};
    whc *c = NULL;

    assert_int_equal(whc_open(&c, "intake", &o), 0);
    return c;
}

static int submit(whc *c, const char *concern, Welfare__Intake__V1__SubmitReferralReply **r, whc_error *err)
{
    Welfare__Intake__V1__SubmitReferral req = WELFARE__INTAKE__V1__SUBMIT_REFERRAL__INIT;

    req.concern = (char *)concern;
    return whc_call(c, &req.base, &welfare__intake__v1__submit_referral_reply__descriptor,
                    (ProtobufCMessage **)r, err);
}

static void test_call(void **state)
{
    whc *c = open_client(*state, 2000, 0);
    Welfare__Intake__V1__SubmitReferralReply *r = NULL;
    whc_error err;

    assert_int_equal(submit(c, "ok", &r, &err), 0);
    assert_int_equal(err.status, 0);
    assert_int_equal(r->household_id, 42);
    assert_int_equal(r->referral_id, 1);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    whc_close(&c);
    assert_null(c);
}

static void test_typed_error(void **state)
{
    whc *c = open_client(*state, 2000, 0);
    Welfare__Intake__V1__SubmitReferralReply *r = NULL;
    whc_error err;

    assert_int_equal(submit(c, "fail", &r, &err), WH_INVALID_ARGUMENT);
    assert_null(r);
    assert_int_equal(err.status, WH_INVALID_ARGUMENT);
    assert_string_equal(err.field, "concern");
    assert_string_equal(err.message, "concern must not be fail");
    whc_close(&c);
}

static void test_retry_same_id(void **state)
{
    whc *c = open_client(*state, 300, 2);
    Welfare__Intake__V1__SubmitReferralReply *r = NULL;
    whc_error err;

    assert_int_equal(submit(c, "drop-first", &r, &err), 0);
    assert_int_equal(r->referral_id, 2); /* the service saw the same message id twice */
    protobuf_c_message_free_unpacked(&r->base, NULL);
    whc_close(&c);
}

static void test_timeout(void **state)
{
    whc *c = open_client(*state, 100, 1);
    Welfare__Intake__V1__SubmitReferralReply *r = NULL;
    whc_error err;

    assert_int_equal(submit(c, "drop-all", &r, &err), WH_UNAVAILABLE);
    assert_int_equal(err.status, WH_UNAVAILABLE);
    assert_non_null(strstr(err.message, "2 tries"));
    whc_close(&c);
}

static void test_pipelining(void **state)
{
    whc *c = open_client(*state, 2000, 0);
    Welfare__Intake__V1__SubmitReferral req = WELFARE__INTAKE__V1__SUBMIT_REFERRAL__INIT;
    char sent[20][37];
    int matched = 0;

    req.concern = "ok";
    for (int i = 0; i < 20; i++)
        assert_int_equal(whc_send(c, &req.base, sent[i]), 0);
    for (int i = 0; i < 20; i++) {
        Welfare__Intake__V1__SubmitReferralReply *r = NULL;
        whc_error err;
        char id[37];

        assert_int_equal(whc_recv(c, 2000, &welfare__intake__v1__submit_referral_reply__descriptor,
                                  (ProtobufCMessage **)&r, id, &err),
                         0);
        for (int k = 0; k < 20; k++)
            matched += strcmp(sent[k], id) == 0;
        protobuf_c_message_free_unpacked(&r->base, NULL);
    }
    assert_int_equal(matched, 20);
    {
        char id[37];
        whc_error err;

        assert_int_equal(whc_recv(c, 50, NULL, NULL, id, &err), WH_UNAVAILABLE);
        assert_string_equal(id, "");
    }
    whc_close(&c);
}

static void test_open_failures(void **state)
{
    fake *f = *state;
    whc_options o = {
        .allowlist_path = f->allowlist, .secret_key_path = f->client_key, .endpoint = f->endpoint};
    whc *c = NULL;

    assert_int_equal(whc_open(&c, "routing", &o), WH_NOT_FOUND); /* not in the allow-list */
    assert_null(c);
    o.secret_key_path = "/nonexistent/cli.key";
    assert_true(whc_open(&c, "intake", &o) < 0);
    o.secret_key_path = NULL;
    assert_true(whc_open(&c, "intake", &o) < 0);
    assert_null(c);
    whc_close(&c); /* closing nothing is fine */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_call),          cmocka_unit_test(test_typed_error),
        cmocka_unit_test(test_retry_same_id), cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_pipelining),    cmocka_unit_test(test_open_failures),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}

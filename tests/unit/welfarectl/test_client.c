/*
 * test_client.c — libwhclient against a fake service: a CURVE ROUTER in a thread that answers
 * SubmitReferral according to its `concern` ("ok", "fail", "drop-first", "drop-all").  Checks the
 * Envelope framing, typed errors, retries with the same message id, timeouts, and pipelining
 * (the fake is in fake_service.h).
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

#include "fake_service.h"
#include "welfare/bus/v1/envelope.pb-c.h"
#include "welfare/intake/v1/commands.pb-c.h"
#include "wh/status.h"
#include "whclient.h"

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

    return cmocka_run_group_tests(tests, fake_setup, fake_teardown);
}

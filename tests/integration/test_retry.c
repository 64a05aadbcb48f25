/*
 * test_retry.c — a command takes effect exactly once however often it arrives: the same message id
 * sent three times in a row, three times in one pipelined burst (so in one batch), and a final error
 * replayed for its id; and ids are per principal.  Effects are counted in the database as superuser, events
 * in the stream, and the replies compared byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"
#include "wh/status.h"
#include "wh/util.h"

#define TRIES 3

/* Sends the referral with one id TRIES times, one after the other; returns the replies.  The first
 * ran; each repeat is answered from the stored reply and says so (Envelope.replayed). */
static void submit_same_id(whc *c, const char *id, const itest_referral *r,
                           Welfare__Intake__V1__SubmitReferralReply *replies[TRIES])
{
    for (int i = 0; i < TRIES; i++) {
        whc_error err;
        int rc = whc_call_id(c, id, &r->req.base, &welfare__intake__v1__submit_referral_reply__descriptor,
                             (ProtobufCMessage **)&replies[i], &err);
        if (rc != 0)
            fail_msg("try %d: %s (%s): %s", i, wh_status_name(rc), err.field, err.message);
        assert_int_equal(whc_reply_replayed(c), i > 0);
    }
}

static bool referral_is(const Welfare__Bus__V1__Envelope *ev, void *arg)
{
    const ProtobufCMessageDescriptor *d = strcmp(ev->type, "welfare.intake.v1.ReferralReceived") == 0
                                              ? &welfare__intake__v1__referral_received__descriptor
                                              : &welfare__intake__v1__household_identified__descriptor;
    ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, ev->payload.len, ev->payload.data);
    int64_t id = m == NULL ? -1
                 : d == &welfare__intake__v1__referral_received__descriptor
                     ? ((Welfare__Intake__V1__ReferralReceived *)m)->referral_id
                     : ((Welfare__Intake__V1__HouseholdIdentified *)m)->referral_id;
    if (m)
        protobuf_c_message_free_unpacked(m, NULL);
    return id == *(const int64_t *)arg;
}

static void expect_one_effect(const char *message_id, int64_t referral_id, int64_t household_id)
{
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.processed_command WHERE message_id = $1",
                                   message_id, NULL),
                     1);
    char hh[24];
    snprintf(hh, sizeof hh, "%lld", (long long)household_id);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.referral WHERE household_id = $1", hh, NULL),
                     1);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.person WHERE household_id = $1", hh, NULL),
                     2);
    assert_int_equal(itest_sql_i64("SELECT referral_count FROM intake.household WHERE id = $1", hh, NULL), 1);
    /* the events were emitted once: one ReferralReceived and one HouseholdIdentified for it */
    assert_int_equal(
        itest_events_count("intake", "welfare.intake.v1.ReferralReceived", referral_is, &referral_id, NULL),
        1);
    assert_int_equal(itest_events_count("intake", "welfare.intake.v1.HouseholdIdentified", referral_is,
                                        &referral_id, NULL),
                     1);
}

static void expect_same_replies(Welfare__Intake__V1__SubmitReferralReply *replies[TRIES])
{
    for (int i = 0; i < TRIES; i++) {
        assert_non_null(replies[i]);
        assert_true(replies[i]->is_new); /* the stored reply, not a new look-up ("matched") */
        assert_int_equal(replies[i]->persons_added, 2);
        assert_int_equal(replies[i]->referral_id, replies[0]->referral_id);
        assert_true(itest_same_message(&replies[i]->base, &replies[0]->base));
    }
}

static void free_replies(Welfare__Intake__V1__SubmitReferralReply *replies[TRIES])
{
    for (int i = 0; i < TRIES; i++)
        if (replies[i])
            protobuf_c_message_free_unpacked(&replies[i]->base, NULL);
}

static void same_id_three_times_in_a_row(void **state)
{
    (void)state;
    char dong[11], id[WH_UUID_LEN + 1];
    itest_referral r;
    Welfare__Intake__V1__SubmitReferralReply *replies[TRIES] = {0};
    whc *c = itest_client("intake");
    itest_dong_code(dong, 1);
    itest_referral_init(&r, dong, 1, 10, 2, ITEST_RISK_LOW, "2026-05-04");
    wh_uuid(id);

    submit_same_id(c, id, &r, replies);
    expect_same_replies(replies);
    expect_one_effect(id, replies[0]->referral_id, replies[0]->household_id);
    free_replies(replies);
    whc_close(&c);
}

/* Three copies sent before any reply is read arrive together: the service handles them in one batch
 * (one transaction), where the second and third must find the first's stored reply. */
static void same_id_three_times_pipelined(void **state)
{
    (void)state;
    char dong[11], id[WH_UUID_LEN + 1], got[37];
    itest_referral r;
    Welfare__Intake__V1__SubmitReferralReply *replies[TRIES] = {0};
    whc *c = itest_client("intake");
    itest_dong_code(dong, 1);
    itest_referral_init(&r, dong, 2, 20, 2, ITEST_RISK_LOW, "2026-05-04");
    wh_uuid(id);

    for (int i = 0; i < TRIES; i++)
        assert_int_equal(whc_send_id(c, id, &r.req.base), 0);
    for (int i = 0; i < TRIES; i++) {
        whc_error err;
        int rc = whc_recv(c, 10000, &welfare__intake__v1__submit_referral_reply__descriptor,
                          (ProtobufCMessage **)&replies[i], got, &err);
        if (rc != 0)
            fail_msg("reply %d: %s (%s): %s", i, wh_status_name(rc), err.field, err.message);
        assert_string_equal(got, id);
        assert_int_equal(whc_reply_replayed(c), i > 0); /* the copies repeat the first, in one batch */
    }
    expect_same_replies(replies);
    expect_one_effect(id, replies[0]->referral_id, replies[0]->household_id);
    free_replies(replies);
    whc_close(&c);
}

/* A final error is stored with its id and replayed for the same command; the id reused for another
 * payload (the request made valid) is ALREADY_EXISTS naming message_id, and nothing is stored for it. */
/* A message id is the sender's: another principal using the same id sends another command, gets its
 * own reply, and never sees the first one's. */
static void ids_are_per_principal(void **state)
{
    (void)state;
    char dong[11], id[WH_UUID_LEN + 1];
    itest_referral mine, theirs;
    Welfare__Intake__V1__SubmitReferralReply *a = NULL, *b = NULL;
    whc_error err;
    whc *operator= itest_client("intake"), *agency = itest_client_as("intake", "agency-demo");
    itest_dong_code(dong, 2);
    itest_referral_init(&mine, dong, 1, 20, 2, ITEST_RISK_LOW, "2026-05-04");
    itest_referral_init(&theirs, dong, 2, 30, 1, ITEST_RISK_LOW, "2026-05-04");
    itest_referral_as_agency(&theirs, "agency-demo");
    wh_uuid(id);

    assert_int_equal(whc_call_id(operator, id, &mine.req.base,
                                 &welfare__intake__v1__submit_referral_reply__descriptor,
                                 (ProtobufCMessage **)&a, &err),
                     0);
    assert_int_equal(whc_call_id(agency, id, &theirs.req.base,
                                 &welfare__intake__v1__submit_referral_reply__descriptor,
                                 (ProtobufCMessage **)&b, &err),
                     0);
    assert_int_not_equal(a->household_id, b->household_id);
    assert_int_not_equal(a->referral_id, b->referral_id);
    assert_int_equal(b->persons_added, 1);
    assert_int_equal(
        itest_sql_i64("SELECT count(*) FROM intake.processed_command WHERE message_id = $1", id, NULL), 2);
    protobuf_c_message_free_unpacked(&a->base, NULL);
    protobuf_c_message_free_unpacked(&b->base, NULL);
    whc_close(&operator);
    whc_close(&agency);
}

static void final_error_replayed(void **state)
{
    (void)state;
    char id[WH_UUID_LEN + 1], name[64];
    Welfare__Intake__V1__RegisterReporter bad = WELFARE__INTAKE__V1__REGISTER_REPORTER__INIT;
    Welfare__Intake__V1__RegisterReporter good = WELFARE__INTAKE__V1__REGISTER_REPORTER__INIT;
    whc *c = itest_client("intake");
    snprintf(name, sizeof name, "itest retry reporter %s", itest_run_id());
    bad.name = name;
    bad.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_UNSPECIFIED; /* INVALID_ARGUMENT "channel" */
    good.name = name;
    good.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SAFETY_NET;
    wh_uuid(id);

    for (int i = 0; i < TRIES; i++) {
        ProtobufCMessage *reply = NULL;
        whc_error err;
        assert_int_equal(whc_call_id(c, id, &bad.base,
                                     &welfare__intake__v1__register_reporter_reply__descriptor, &reply, &err),
                         WH_INVALID_ARGUMENT);
        assert_null(reply);
        assert_int_equal(err.status, WH_INVALID_ARGUMENT);
        assert_string_equal(err.field, "channel");
        assert_int_equal(whc_reply_replayed(c), i > 0); /* the stored error, for the same command */
    }
    /* the id reused for another payload (now valid) or another command type is a conflict, not the
     * old reply */
    char dong[11];
    itest_referral other;
    itest_dong_code(dong, 1);
    itest_referral_init(&other, dong, 90, 190, 1, ITEST_RISK_LOW, "2026-05-04");
    int64_t referrals = itest_sql_i64("SELECT count(*) FROM intake.referral", NULL);
    for (int i = 0; i < 2; i++) {
        ProtobufCMessage *reply = NULL;
        whc_error err;
        const ProtobufCMessage *m = i == 0 ? &good.base : &other.req.base;
        const ProtobufCMessageDescriptor *want =
            i == 0 ? &welfare__intake__v1__register_reporter_reply__descriptor
                   : &welfare__intake__v1__submit_referral_reply__descriptor;
        assert_int_equal(whc_call_id(c, id, m, want, &reply, &err), WH_ALREADY_EXISTS);
        assert_null(reply);
        assert_string_equal(err.field, "message_id");
        assert_false(whc_reply_replayed(c)); /* another content: a conflict, nothing replayed */
    }
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.referral", NULL), referrals);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.reporter WHERE name = $1", name, NULL), 0);

    /* the same request under a new id is a new command and takes effect, once */
    Welfare__Intake__V1__RegisterReporterReply *ok[TRIES] = {0};
    wh_uuid(id);
    for (int i = 0; i < TRIES; i++) {
        whc_error err;
        assert_int_equal(whc_call_id(c, id, &good.base,
                                     &welfare__intake__v1__register_reporter_reply__descriptor,
                                     (ProtobufCMessage **)&ok[i], &err),
                         0);
        assert_int_equal(ok[i]->reporter_id, ok[0]->reporter_id);
    }
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.reporter WHERE name = $1", name, NULL), 1);
    for (int i = 0; i < TRIES; i++)
        protobuf_c_message_free_unpacked(&ok[i]->base, NULL);
    whc_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_id_three_times_in_a_row),
        cmocka_unit_test(same_id_three_times_pipelined),
        cmocka_unit_test(final_error_replayed),
        cmocka_unit_test(ids_are_per_principal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

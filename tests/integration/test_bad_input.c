/*
 * test_bad_input.c — what a hostile or broken client can do to a service, over raw ZeroMQ (libzmq
 * directly, keys from $WH_VAR/keys): garbage bytes, an unknown type, an undecodable payload, an
 * oversize frame, a frame above libzmq's hard limit, an unknown CURVE key, a plain client, and the
 * agency principal sending what it is not granted.  Each time the reply is the documented one (or
 * there is none), nothing is stored (the service's tables and its processed-command record are
 * counted as superuser), and the service still answers a good command afterwards.
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
#include "welfare/reporting/v1/commands.pb-c.h"
#include "wh/access.h"
#include "wh/status.h"
#include "wh/util.h"

#define REPLY_MS   5000               /* a reply that should come */
#define SILENCE_MS 1500               /* how long "no reply" is waited for */
#define MAX_FRAME  (1024 * 1024)      /* the framework's default WH_MAX_FRAME (common/src/bus_internal.h) */
#define HARD_LIMIT (16 * 1024 * 1024) /* its ZMQ_MAXMSGSIZE: libzmq drops the peer above it */

static void *zctx;

typedef enum { KEY_CLI, KEY_AGENCY, KEY_UNKNOWN, KEY_NONE } client_key;

static void keys_dir_file(char *out, size_t n, const char *file)
{
    const char *var = getenv("WH_VAR");
    snprintf(out, n, "%s/keys/%s", var ? var : "var", file);
}

static void server_key(const char *service, char out[WH_Z85_KEY_LEN + 1])
{
    char path[1024];
    wh_access *a = NULL;
    keys_dir_file(path, sizeof path, "allowlist");
    assert_int_equal(wh_access_load(&a, path), 0);
    const wh_principal *p = wh_access_by_name(a, service);
    assert_non_null(p);
    snprintf(out, WH_Z85_KEY_LEN + 1, "%s", p->public_key);
    wh_access_destroy(&a);
}

static void set_key(void *s, int option, const char *z85)
{
    assert_int_equal(zmq_setsockopt(s, option, z85, WH_Z85_KEY_LEN + 1), 0);
}

/* A DEALER connected to a service's command endpoint, with the given identity. */
static void *raw_dealer(const char *service, client_key key)
{
    void *s = zmq_socket(zctx, ZMQ_DEALER);
    int zero = 0, send_ms = REPLY_MS;
    assert_non_null(s);
    assert_int_equal(zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero), 0);
    /* a connection whose handshake fails must not block the test in zmq_send */
    assert_int_equal(zmq_setsockopt(s, ZMQ_SNDTIMEO, &send_ms, sizeof send_ms), 0);
    if (key != KEY_NONE) {
        char srv[WH_Z85_KEY_LEN + 1], pub[WH_Z85_KEY_LEN + 1], sec[WH_Z85_KEY_LEN + 1], path[1024];
        server_key(service, srv);
        if (key == KEY_UNKNOWN) {
            assert_int_equal(zmq_curve_keypair(pub, sec), 0);
        } else {
            keys_dir_file(path, sizeof path, key == KEY_CLI ? "cli.key" : "agency-demo.key");
            assert_int_equal(wh_keys_load_secret(path, sec, pub), 0);
        }
        set_key(s, ZMQ_CURVE_SERVERKEY, srv);
        set_key(s, ZMQ_CURVE_PUBLICKEY, pub);
        set_key(s, ZMQ_CURVE_SECRETKEY, sec);
    }
    char up[32], var[48];
    size_t i = 0;
    for (; service[i] && i < sizeof up - 1; i++)
        up[i] = (char)(service[i] >= 'a' && service[i] <= 'z' ? service[i] - 32 : service[i]);
    up[i] = '\0';
    snprintf(var, sizeof var, "WH_%s_BUS", up);
    assert_non_null(getenv(var));
    assert_int_equal(zmq_connect(s, getenv(var)), 0);
    return s;
}

static void send_bytes(void *s, const void *data, size_t len)
{
    assert_int_equal(zmq_send(s, data, len, 0), (int)len);
}

/* An envelope frame (malloc()ed) with the given type and payload bytes. */
static uint8_t *envelope_frame(const char *id, const char *type, const void *payload, size_t payload_len,
                               size_t *len)
{
    Welfare__Bus__V1__Envelope env = WELFARE__BUS__V1__ENVELOPE__INIT;
    env.message_id = (char *)id;
    env.type = (char *)type;
    env.correlation_id = (char *)id;
    env.producer = "itest";
    env.time_unix_ms = wh_now_ms();
    env.payload.data = (uint8_t *)payload;
    env.payload.len = payload_len;
    *len = welfare__bus__v1__envelope__get_packed_size(&env);
    uint8_t *frame = malloc(*len);
    assert_non_null(frame);
    welfare__bus__v1__envelope__pack(&env, frame);
    return frame;
}

static void send_message(void *s, const char *id, const ProtobufCMessage *m)
{
    size_t n = protobuf_c_message_get_packed_size(m), len;
    uint8_t *payload = malloc(n + 1);
    protobuf_c_message_pack(m, payload);
    uint8_t *frame = envelope_frame(id, m->descriptor->name, payload, n, &len);
    send_bytes(s, frame, len);
    free(frame);
    free(payload);
}

/* The next reply within ms, or NULL when none came. */
static Welfare__Bus__V1__Envelope *recv_reply(void *s, int ms)
{
    zmq_pollitem_t item = {.socket = s, .events = ZMQ_POLLIN};
    if (zmq_poll(&item, 1, ms) <= 0)
        return NULL;
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    assert_true(zmq_msg_recv(&msg, s, 0) >= 0);
    assert_false(zmq_msg_more(&msg)); /* one frame per reply */
    Welfare__Bus__V1__Envelope *env =
        welfare__bus__v1__envelope__unpack(NULL, zmq_msg_size(&msg), zmq_msg_data(&msg));
    zmq_msg_close(&msg);
    assert_non_null(env);
    return env;
}

/* Expects an error reply with status (caused by id when id is not NULL) naming field. */
static void expect_error_field(void *s, const char *id, Welfare__Bus__V1__Status status, const char *field)
{
    Welfare__Bus__V1__Envelope *env = recv_reply(s, REPLY_MS);
    if (env == NULL)
        fail_msg("no reply, expected status %d", status);
    assert_non_null(env->error);
    assert_int_equal(env->error->status, status);
    assert_int_equal(env->payload.len, 0);
    assert_true(env->error->message != NULL && env->error->message[0] != '\0');
    if (id != NULL)
        assert_string_equal(env->causation_id, id);
    else
        assert_string_equal(env->causation_id, ""); /* the id could not be read */
    assert_string_equal(env->error->field, field);
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
}

static void expect_error(void *s, const char *id, Welfare__Bus__V1__Status status)
{
    expect_error_field(s, id, status, "");
}

static void expect_silence(void *s)
{
    Welfare__Bus__V1__Envelope *env = recv_reply(s, SILENCE_MS);
    if (env != NULL) {
        welfare__bus__v1__envelope__free_unpacked(env, NULL);
        fail_msg("a reply came where none should");
    }
}

/* --- what "nothing stored" means: intake's rows and the bus's record of commands ------------------ */

typedef struct counts {
    int64_t referrals, households, reporters, processed, outbox;
} counts;

static counts intake_counts(void)
{
    counts c = {
        .referrals = itest_sql_i64("SELECT count(*) FROM intake.referral", NULL),
        .households = itest_sql_i64("SELECT count(*) FROM intake.household", NULL),
        .reporters = itest_sql_i64("SELECT count(*) FROM intake.reporter", NULL),
        .processed = itest_sql_i64("SELECT count(*) FROM intake.processed_command", NULL),
        .outbox = itest_sql_i64("SELECT count(*) FROM intake.outbox", NULL),
    };
    assert_true(c.referrals >= 0 && c.households >= 0 && c.reporters >= 0 && c.processed >= 0 &&
                c.outbox >= 0);
    return c;
}

static void expect_unchanged(const counts *before)
{
    counts now = intake_counts();
    assert_int_equal(now.referrals, before->referrals);
    assert_int_equal(now.households, before->households);
    assert_int_equal(now.reporters, before->reporters);
    assert_int_equal(now.processed, before->processed);
    assert_int_equal(now.outbox, before->outbox);
}

/* A good command on a fresh, good connection: answered, and stored exactly once. */
static void expect_service_answers(void)
{
    char name[80], id[WH_UUID_LEN + 1];
    static int n;
    snprintf(name, sizeof name, "itest bad-input control %s-%d", itest_run_id(), ++n);
    Welfare__Intake__V1__RegisterReporter r = WELFARE__INTAKE__V1__REGISTER_REPORTER__INIT;
    r.name = name;
    r.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SURVEY;
    void *s = raw_dealer("intake", KEY_CLI);
    wh_uuid(id);
    send_message(s, id, &r.base);
    Welfare__Bus__V1__Envelope *env = recv_reply(s, REPLY_MS);
    if (env == NULL)
        fail_msg("the service does not answer a good command any more");
    assert_null(env->error);
    assert_string_equal(env->causation_id, id);
    assert_string_equal(env->type, "welfare.intake.v1.RegisterReporterReply");
    Welfare__Intake__V1__RegisterReporterReply *reply =
        welfare__intake__v1__register_reporter_reply__unpack(NULL, env->payload.len, env->payload.data);
    assert_non_null(reply);
    assert_true(reply->reporter_id > 0);
    welfare__intake__v1__register_reporter_reply__free_unpacked(reply, NULL);
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
    zmq_close(s);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.reporter WHERE name = $1", name, NULL), 1);
}

/* --- the cases ------------------------------------------------------------------------------------ */

static void garbage_bytes_are_malformed(void **state)
{
    (void)state;
    counts before = intake_counts();
    void *s = raw_dealer("intake", KEY_CLI);
    /* field 1 with wire type 7, which does not exist: no protobuf decoder accepts it */
    static const uint8_t garbage[] = {0x0f, 0x0f, 0x0f, 0xff, 0xfe, 'n', 'o', 't', ' ', 'p', 'b'};
    send_bytes(s, garbage, sizeof garbage);
    expect_error(s, NULL, WELFARE__BUS__V1__STATUS__STATUS_MALFORMED);
    zmq_close(s);
    expect_unchanged(&before);
    expect_service_answers();
}

static void unknown_type_is_malformed(void **state)
{
    (void)state;
    char id[WH_UUID_LEN + 1];
    size_t len;
    counts before = intake_counts();
    void *s = raw_dealer("intake", KEY_CLI);
    wh_uuid(id);
    uint8_t *frame = envelope_frame(id, "welfare.intake.v1.NoSuchCommand", "", 0, &len);
    send_bytes(s, frame, len);
    free(frame);
    expect_error_field(s, id, WELFARE__BUS__V1__STATUS__STATUS_MALFORMED, "type");
    /* a type another service owns is unknown here too */
    wh_uuid(id);
    Welfare__Reporting__V1__ListDongs q = WELFARE__REPORTING__V1__LIST_DONGS__INIT;
    send_message(s, id, &q.base);
    expect_error_field(s, id, WELFARE__BUS__V1__STATUS__STATUS_MALFORMED, "type");
    zmq_close(s);
    expect_unchanged(&before);
    expect_service_answers();
}

static void undecodable_payload_is_malformed(void **state)
{
    (void)state;
    char id[WH_UUID_LEN + 1];
    size_t len;
    static const uint8_t bad_payload[] = {0x0f, 0x0f, 0x0f};
    counts before = intake_counts();
    void *s = raw_dealer("intake", KEY_CLI);
    wh_uuid(id);
    uint8_t *frame =
        envelope_frame(id, "welfare.intake.v1.SubmitReferral", bad_payload, sizeof bad_payload, &len);
    send_bytes(s, frame, len);
    free(frame);
    expect_error_field(s, id, WELFARE__BUS__V1__STATUS__STATUS_MALFORMED, "payload");
    zmq_close(s);
    expect_unchanged(&before);
    expect_service_answers();
}

/* Ids the bus does not accept: empty, 65 characters, a space; the reply does not echo a field that
 * failed its check (its causation_id is empty). */
static void bad_message_ids_are_malformed(void **state)
{
    (void)state;
    char long_id[66];
    memset(long_id, 'a', 65);
    long_id[65] = '\0';
    const char *ids[] = {"", long_id, "has space"};
    counts before = intake_counts();
    void *s = raw_dealer("intake", KEY_CLI);
    Welfare__Intake__V1__RegisterReporter r = WELFARE__INTAKE__V1__REGISTER_REPORTER__INIT;
    r.name = "itest bad id";
    r.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SURVEY;
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        send_message(s, ids[i], &r.base);
        expect_error_field(s, NULL, WELFARE__BUS__V1__STATUS__STATUS_MALFORMED, "message_id");
    }
    zmq_close(s);
    expect_unchanged(&before);
    expect_service_answers();
}

/* Sends `lead` empty frames, then a GetHousehold of an unknown household; counts the reply's frames
 * into *n_frames (the leading ones must be our empty frames, echoed) and decodes the last. */
static Welfare__Bus__V1__Envelope *query_with_leading_frames(void *s, int lead, const char *id, int *n_frames)
{
    Welfare__Intake__V1__GetHousehold q = WELFARE__INTAKE__V1__GET_HOUSEHOLD__INIT;
    q.household_id = INT64_MAX;
    size_t n = protobuf_c_message_get_packed_size(&q.base), len;
    uint8_t payload[64];
    protobuf_c_message_pack(&q.base, payload);
    uint8_t *frame = envelope_frame(id, q.base.descriptor->name, payload, n, &len);
    for (int i = 0; i < lead; i++)
        assert_int_equal(zmq_send(s, "", 0, ZMQ_SNDMORE), 0);
    send_bytes(s, frame, len);
    free(frame);
    zmq_pollitem_t item = {.socket = s, .events = ZMQ_POLLIN};
    assert_int_equal(zmq_poll(&item, 1, REPLY_MS), 1);
    Welfare__Bus__V1__Envelope *env = NULL;
    *n_frames = 0;
    for (int more = 1; more;) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        assert_true(zmq_msg_recv(&m, s, 0) >= 0);
        more = zmq_msg_more(&m);
        (*n_frames)++;
        if (!more)
            env = welfare__bus__v1__envelope__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
        else
            assert_int_equal(zmq_msg_size(&m), 0); /* our empty frames, echoed */
        zmq_msg_close(&m);
    }
    assert_non_null(env);
    return env;
}

/* Up to three leading frames (a REQ's delimiter) are echoed back; a fourth is MALFORMED. */
static void leading_frames_are_echoed_up_to_three(void **state)
{
    (void)state;
    char id[WH_UUID_LEN + 1];
    counts before = intake_counts();
    void *s = raw_dealer("intake", KEY_CLI);
    for (int lead = 0; lead <= 4; lead++) {
        int frames;
        wh_uuid(id);
        Welfare__Bus__V1__Envelope *env = query_with_leading_frames(s, lead, id, &frames);
        assert_non_null(env->error);
        assert_int_equal(env->error->status, lead <= 3 ? WELFARE__BUS__V1__STATUS__STATUS_NOT_FOUND
                                                       : WELFARE__BUS__V1__STATUS__STATUS_MALFORMED);
        assert_int_equal(frames, (lead <= 3 ? lead : 3) + 1);
        welfare__bus__v1__envelope__free_unpacked(env, NULL);
    }
    zmq_close(s);
    expect_unchanged(&before);
    expect_service_answers();
}

static void oversize_frame_is_too_large(void **state)
{
    (void)state;
    char id[WH_UUID_LEN + 1], dong[11];
    counts before = intake_counts();
    void *s = raw_dealer("intake", KEY_CLI);
    /* a well-formed referral whose concern makes the frame just over the limit */
    itest_referral r;
    itest_dong_code(dong, 2);
    itest_referral_init(&r, dong, 900, 900, 1, ITEST_RISK_LOW, "2026-05-04");
    char *concern = malloc(MAX_FRAME + 1);
    memset(concern, 'a', MAX_FRAME);
    concern[MAX_FRAME] = '\0';
    r.req.concern = concern;
    wh_uuid(id);
    send_message(s, id, &r.req.base);
    /* the id is read from the wire: the reply answers the command, with the command's reply type */
    Welfare__Bus__V1__Envelope *env = recv_reply(s, REPLY_MS);
    assert_non_null(env);
    assert_non_null(env->error);
    assert_int_equal(env->error->status, WELFARE__BUS__V1__STATUS__STATUS_TOO_LARGE);
    assert_string_equal(env->causation_id, id);
    assert_string_equal(env->type, "welfare.intake.v1.SubmitReferralReply");
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
    zmq_close(s);
    /* libwhclient surfaces it at once as the call's status, not as a timeout after its retries */
    whc *c = itest_client_with("intake", 3000, 2);
    whc_error err;
    uint64_t t0 = wh_mono_ns();
    assert_int_equal(
        whc_call(c, &r.req.base, &welfare__intake__v1__submit_referral_reply__descriptor, NULL, &err),
        WH_TOO_LARGE);
    assert_true(wh_mono_ns() - t0 < UINT64_C(2000000000));
    assert_int_equal(err.status, WH_TOO_LARGE);
    whc_close(&c);
    free(concern);
    expect_unchanged(&before);
    expect_service_answers();
}

/* Above libzmq's ZMQ_MAXMSGSIZE the connection is dropped before the service sees the frame. */
static void frame_above_hard_limit_drops_the_peer(void **state)
{
    (void)state;
    counts before = intake_counts();
    void *s = raw_dealer("intake", KEY_CLI);
    size_t len = HARD_LIMIT + 1024;
    uint8_t *big = calloc(1, len);
    send_bytes(s, big, len);
    free(big);
    expect_silence(s);
    zmq_close(s);
    expect_unchanged(&before);
    expect_service_answers();
}

static void unknown_key_gets_nothing(void **state)
{
    (void)state;
    char id[WH_UUID_LEN + 1], name[80];
    counts before = intake_counts();
    snprintf(name, sizeof name, "itest unknown key %s", itest_run_id());
    Welfare__Intake__V1__RegisterReporter r = WELFARE__INTAKE__V1__REGISTER_REPORTER__INIT;
    r.name = name;
    r.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SURVEY;
    void *s = raw_dealer("intake", KEY_UNKNOWN);
    wh_uuid(id);
    send_message(s, id, &r.base);
    expect_silence(s);
    zmq_close(s);
    expect_unchanged(&before);
    expect_service_answers();
}

static void plain_client_gets_nothing(void **state)
{
    (void)state;
    char id[WH_UUID_LEN + 1];
    counts before = intake_counts();
    Welfare__Intake__V1__RegisterReporter r = WELFARE__INTAKE__V1__REGISTER_REPORTER__INIT;
    r.name = "itest plain client";
    r.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SURVEY;
    void *s = raw_dealer("intake", KEY_NONE);
    wh_uuid(id);
    send_message(s, id, &r.base);
    expect_silence(s);
    zmq_close(s);
    expect_unchanged(&before);
    expect_service_answers();
}

/* agency-demo has the default grant (welfare.intake.v1.SubmitReferral) and nothing else. */
static void agency_outside_its_grants_is_denied(void **state)
{
    (void)state;
    char id[WH_UUID_LEN + 1], name[80];
    counts before = intake_counts();
    void *s = raw_dealer("intake", KEY_AGENCY);

    /* a command whose row does not allow agencies at all */
    snprintf(name, sizeof name, "itest agency reporter %s", itest_run_id());
    Welfare__Intake__V1__RegisterReporter r = WELFARE__INTAKE__V1__REGISTER_REPORTER__INIT;
    r.name = name;
    r.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_PARTNER_AGENCY;
    wh_uuid(id);
    send_message(s, id, &r.base);
    expect_error(s, id, WELFARE__BUS__V1__STATUS__STATUS_PERMISSION_DENIED);

    /* reading the intake stream needs stream:intake */
    Welfare__Bus__V1__FetchEvents f = WELFARE__BUS__V1__FETCH_EVENTS__INIT;
    f.stream = "intake";
    wh_uuid(id);
    send_message(s, id, &f.base);
    expect_error(s, id, WELFARE__BUS__V1__STATUS__STATUS_PERMISSION_DENIED);
    zmq_close(s);
    expect_unchanged(&before);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.reporter WHERE name = $1", name, NULL), 0);

    /* reporting's queries allow every role, but an agency needs the type among its grants */
    void *rep = raw_dealer("reporting", KEY_AGENCY);
    Welfare__Reporting__V1__ListDongs q = WELFARE__REPORTING__V1__LIST_DONGS__INIT;
    wh_uuid(id);
    send_message(rep, id, &q.base);
    expect_error(rep, id, WELFARE__BUS__V1__STATUS__STATUS_PERMISSION_DENIED);
    zmq_close(rep);
    expect_service_answers();
}

/* The control: the same agency key is accepted for what it is granted (so the denials above are
 * authorization, not a failed handshake), and that command is stored once. */
static void agency_within_its_grants_is_served(void **state)
{
    (void)state;
    char id[WH_UUID_LEN + 1], dong[11];
    counts before = intake_counts();
    itest_referral r;
    itest_dong_code(dong, 2);
    itest_referral_init(&r, dong, 901, 901, 1, ITEST_RISK_LOW, "2026-05-04");
    itest_referral_as_agency(&r, "agency-demo");
    void *s = raw_dealer("intake", KEY_AGENCY);
    wh_uuid(id);
    send_message(s, id, &r.req.base);
    Welfare__Bus__V1__Envelope *env = recv_reply(s, REPLY_MS);
    assert_non_null(env);
    assert_null(env->error);
    assert_string_equal(env->causation_id, id);
    assert_string_equal(env->type, "welfare.intake.v1.SubmitReferralReply");
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
    zmq_close(s);
    counts now = intake_counts();
    assert_int_equal(now.referrals, before.referrals + 1);
    assert_int_equal(now.households, before.households + 1);
    assert_int_equal(now.processed, before.processed + 1);
}

/* Who reports is who sent it (services/intake/identity.c): the demo agency may file only as its own
 * reporter (its reporter:<id> grant) on its own channel.  Each refusal names the field, is final (stored
 * with the command id, so a resend gets it again) and changes nothing else. */
static void agency_files_only_as_itself(void **state)
{
    (void)state;
    enum { CASES = 4 };
    static const struct {
        int channel, reporter; /* reporter: 0 none, 1 its own, 2 another */
        Welfare__Bus__V1__Status status;
        const char *field;
    } cases[CASES] = {
        {WELFARE__INTAKE__V1__CHANNEL__CHANNEL_PARTNER_AGENCY, 2,
         WELFARE__BUS__V1__STATUS__STATUS_PERMISSION_DENIED, "reporter_id"},
        {WELFARE__INTAKE__V1__CHANNEL__CHANNEL_PARTNER_AGENCY, 0,
         WELFARE__BUS__V1__STATUS__STATUS_INVALID_ARGUMENT, "reporter_id"},
        {WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SAFETY_NET, 1,
         WELFARE__BUS__V1__STATUS__STATUS_PERMISSION_DENIED, "channel"},
        {WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SURVEY, 1, WELFARE__BUS__V1__STATUS__STATUS_PERMISSION_DENIED,
         "channel"},
    };
    char dong[11], id[CASES][WH_UUID_LEN + 1];
    int64_t own = itest_agency_reporter("agency-demo");
    itest_dong_code(dong, 2);
    counts before = intake_counts();
    void *s = raw_dealer("intake", KEY_AGENCY);
    for (int i = 0; i < CASES; i++) {
        itest_referral r;
        itest_referral_init(&r, dong, 940 + i, 940 + i, 1, ITEST_RISK_LOW, "2026-05-04");
        r.req.channel = (Welfare__Intake__V1__Channel)cases[i].channel;
        r.req.reporter_id = cases[i].reporter == 0 ? 0 : cases[i].reporter == 1 ? own : own + 1;
        wh_uuid(id[i]);
        send_message(s, id[i], &r.req.base);
    }
    for (int i = 0; i < CASES; i++)
        expect_error_field(s, id[i], cases[i].status, cases[i].field);
    counts now = intake_counts();
    assert_int_equal(now.referrals, before.referrals);
    assert_int_equal(now.households, before.households);
    assert_int_equal(now.outbox, before.outbox);
    assert_int_equal(now.processed, before.processed + CASES); /* final errors, replayed to a resend */
    zmq_close(s);
}

/* --- envelope fields (issue 10, item 1): a bad one is MALFORMED for its own command alone ----------- */

/* Appends a length-delimited field (number, raw bytes) to a frame; protobuf keeps the last value of
 * a singular field, so it replaces what the frame held.  Returns the new frame (realloc()ed). */
static uint8_t *append_raw_field(uint8_t *frame, size_t *len, unsigned number, const void *bytes, size_t n)
{
    uint8_t *f = realloc(frame, *len + n + 16);
    assert_non_null(f);
    size_t at = *len;
    f[at++] = (uint8_t)(number << 3 | 2);
    for (size_t v = n;; v >>= 7) {
        f[at++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        if (v <= 0x7f)
            break;
    }
    memcpy(f + at, bytes, n);
    *len = at + n;
    return f;
}

/* Every string of a reply must be valid UTF-8: a strict parser (Python's protobuf) refuses it
 * otherwise. */
static void expect_clean_strings(const Welfare__Bus__V1__Envelope *env)
{
    const char *strings[] = {env->message_id,
                             env->type,
                             env->correlation_id,
                             env->causation_id,
                             env->producer,
                             env->error != NULL ? env->error->message : "",
                             env->error != NULL ? env->error->field : ""};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        assert_true(strings[i] != NULL && wh_utf8_valid(strings[i], 4096));
}

/* A SubmitReferral (valid payload) from the agency whose envelope field `number` is replaced by
 * `bytes`; the reply is MALFORMED naming `field`, with clean strings and the message id as causation
 * when that was good. */
static void send_bad_envelope_field(void *s, unsigned number, const void *bytes, size_t n, const char *field,
                                    int household)
{
    char id[WH_UUID_LEN + 1], dong[11];
    itest_referral r;
    itest_dong_code(dong, 2);
    itest_referral_init(&r, dong, household, household, 1, ITEST_RISK_LOW, "2026-05-04");
    itest_referral_as_agency(&r, "agency-demo");
    size_t pn = protobuf_c_message_get_packed_size(&r.req.base), len;
    uint8_t *payload = malloc(pn + 1);
    protobuf_c_message_pack(&r.req.base, payload);
    wh_uuid(id);
    uint8_t *frame = envelope_frame(id, r.req.base.descriptor->name, payload, pn, &len);
    free(payload);
    frame = append_raw_field(frame, &len, number, bytes, n);
    send_bytes(s, frame, len);
    free(frame);
    Welfare__Bus__V1__Envelope *env = recv_reply(s, REPLY_MS);
    if (env == NULL)
        fail_msg("no reply for a bad %s", field);
    expect_clean_strings(env);
    assert_non_null(env->error);
    assert_int_equal(env->error->status, WELFARE__BUS__V1__STATUS__STATUS_MALFORMED);
    assert_string_equal(env->error->field, field);
    assert_string_equal(env->causation_id, strcmp(field, "message_id") == 0 ? "" : id);
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
}

static void bad_envelope_fields_are_malformed(void **state)
{
    (void)state;
    counts before = intake_counts();
    void *s = raw_dealer("intake", KEY_AGENCY);
    char *big = malloc(64 * 1024);
    memset(big, 'c', 64 * 1024);
    static const char nul_id[] = "abc\0def", bad_utf8[] = "flow-\xff\xfe", control[] = "flow\x01one";
    send_bad_envelope_field(s, 3, bad_utf8, sizeof bad_utf8 - 1, "correlation_id", 910);
    send_bad_envelope_field(s, 3, big, 64 * 1024, "correlation_id", 911);
    send_bad_envelope_field(s, 3, control, sizeof control - 1, "correlation_id", 912);
    send_bad_envelope_field(s, 4, bad_utf8, sizeof bad_utf8 - 1, "causation_id", 913);
    send_bad_envelope_field(s, 5, "\xc3\x28", 2, "producer", 914);
    send_bad_envelope_field(s, 5, big, 65, "producer", 915);
    send_bad_envelope_field(s, 1, nul_id, sizeof nul_id - 1, "message_id", 916);
    send_bad_envelope_field(s, 2, "welfare.intake.v1.SubmitReferral\0x", 34, "type", 917);
    send_bad_envelope_field(s, 7, bad_utf8, sizeof bad_utf8 - 1, "stream", 918);
    free(big);
    zmq_close(s);
    expect_unchanged(&before);
    expect_service_answers();
}

/* A reply to a command whose every field is good; fails the test otherwise. */
static void expect_ok(void *s, const char *what)
{
    Welfare__Bus__V1__Envelope *env = recv_reply(s, REPLY_MS);
    if (env == NULL)
        fail_msg("no reply for %s", what);
    if (env->error != NULL)
        fail_msg("%s failed: %d %s", what, env->error->status, env->error->message);
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
}

#define MIXED 24

/* The operator's good commands and the agency's bad ones pipelined together, so they share batches:
 * every good one is served, every bad one is MALFORMED(correlation_id), nothing of the bad stored. */
static void bad_envelopes_do_not_fail_their_batch(void **state)
{
    (void)state;
    char id[WH_UUID_LEN + 1], name[MIXED][80], bad_id[MIXED][WH_UUID_LEN + 1];
    static const char bad_utf8[] = "\xff\xfe\xfd";
    counts before = intake_counts();
    void *good = raw_dealer("intake", KEY_CLI), *bad = raw_dealer("intake", KEY_AGENCY);
    for (int i = 0; i < MIXED; i++) {
        Welfare__Intake__V1__RegisterReporter r = WELFARE__INTAKE__V1__REGISTER_REPORTER__INIT;
        snprintf(name[i], sizeof name[i], "itest mixed batch %s-%d", itest_run_id(), i);
        r.name = name[i];
        r.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SURVEY;
        wh_uuid(id);
        send_message(good, id, &r.base);
        Welfare__Intake__V1__SubmitReferral q = WELFARE__INTAKE__V1__SUBMIT_REFERRAL__INIT;
        size_t pn = protobuf_c_message_get_packed_size(&q.base), len;
        uint8_t payload[16];
        protobuf_c_message_pack(&q.base, payload);
        wh_uuid(bad_id[i]);
        uint8_t *frame = envelope_frame(bad_id[i], q.base.descriptor->name, payload, pn, &len);
        frame = append_raw_field(frame, &len, 3, bad_utf8, sizeof bad_utf8 - 1);
        send_bytes(bad, frame, len);
        free(frame);
    }
    for (int i = 0; i < MIXED; i++) {
        expect_ok(good, "a good command beside bad envelopes");
        expect_error_field(bad, bad_id[i], WELFARE__BUS__V1__STATUS__STATUS_MALFORMED, "correlation_id");
    }
    zmq_close(good);
    zmq_close(bad);
    counts now = intake_counts();
    assert_int_equal(now.reporters, before.reporters + MIXED);
    assert_int_equal(now.referrals, before.referrals);
}

#define POISONED 6

/* How many lines of $WH_VAR/log/<service>.log contain text. */
static int log_lines_with(const char *service, const char *text)
{
    char path[1024], line[8192];
    int n = 0;
    snprintf(path, sizeof path, "%s/log/%s.log", getenv("WH_VAR") ? getenv("WH_VAR") : "var", service);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f) != NULL)
        n += strstr(line, text) != NULL;
    fclose(f);
    return n;
}

/* The property behind item 1 in general: a statement of the batch as a whole that fails because of
 * one member (here a trigger on intake's outbox refuses the events of correlation ids "itest-poison-*")
 * fails that member alone.  The agency's poisoned referrals are answered UNAVAILABLE; the operator's
 * referrals pipelined with them (in the same batches) are all served.  With the trigger gone, the
 * same message ids go through, once each. */
static void a_failing_member_fails_alone(void **state)
{
    (void)state;
    char dong[11], good_id[MIXED][WH_UUID_LEN + 1], bad_id[POISONED][WH_UUID_LEN + 1];
    char correlation[POISONED][40];
    uint8_t *bad_frame[POISONED];
    size_t bad_len[POISONED];
    itest_dong_code(dong, 2);
    assert_int_equal(
        itest_sql_exec("CREATE OR REPLACE FUNCTION intake.itest_poison() RETURNS trigger "
                       "LANGUAGE plpgsql AS $f$ BEGIN IF NEW.correlation_id LIKE 'itest-poison-%' "
                       "THEN RAISE EXCEPTION 'itest poison'; END IF; RETURN NEW; END $f$; "
                       "CREATE TRIGGER itest_poison BEFORE INSERT ON intake.outbox FOR EACH ROW "
                       "EXECUTE FUNCTION intake.itest_poison()"),
        0);
    counts before = intake_counts();
    int alone_before = log_lines_with("intake", "each command runs alone");
    void *good = raw_dealer("intake", KEY_CLI), *bad = raw_dealer("intake", KEY_AGENCY);
    for (int i = 0, k = 0; i < MIXED; i++) {
        itest_referral r;
        itest_referral_init(&r, dong, 920 + i, 920 + i, 1, ITEST_RISK_LOW, "2026-05-04");
        wh_uuid(good_id[i]);
        send_message(good, good_id[i], &r.req.base);
        if (i % (MIXED / POISONED) != 0)
            continue;
        itest_referral_init(&r, dong, 960 + k, 960 + k, 1, ITEST_RISK_LOW, "2026-05-04");
        itest_referral_as_agency(&r, "agency-demo");
        size_t pn = protobuf_c_message_get_packed_size(&r.req.base);
        uint8_t *payload = malloc(pn + 1);
        protobuf_c_message_pack(&r.req.base, payload);
        wh_uuid(bad_id[k]);
        snprintf(correlation[k], sizeof correlation[k], "itest-poison-%d", k);
        bad_frame[k] = envelope_frame(bad_id[k], r.req.base.descriptor->name, payload, pn, &bad_len[k]);
        bad_frame[k] = append_raw_field(bad_frame[k], &bad_len[k], 3, correlation[k], strlen(correlation[k]));
        free(payload);
        send_bytes(bad, bad_frame[k], bad_len[k]);
        k++;
    }
    for (int i = 0; i < MIXED; i++)
        expect_ok(good, "a referral beside poisoned ones");
    for (int k = 0; k < POISONED; k++) {
        Welfare__Bus__V1__Envelope *env = recv_reply(bad, REPLY_MS);
        assert_non_null(env);
        assert_non_null(env->error);
        assert_int_equal(env->error->status, WELFARE__BUS__V1__STATUS__STATUS_UNAVAILABLE);
        welfare__bus__v1__envelope__free_unpacked(env, NULL);
    }
    counts now = intake_counts();
    assert_int_equal(now.referrals, before.referrals + MIXED);
    /* the poison did share batches with good referrals (else this test proves nothing) */
    assert_true(log_lines_with("intake", "each command runs alone") > alone_before);
    assert_int_equal(itest_sql_exec("DROP TRIGGER itest_poison ON intake.outbox"), 0);
    for (int round = 0; round < 2; round++) /* the retry, and a repeat of it: stored once */
        for (int k = 0; k < POISONED; k++) {
            send_bytes(bad, bad_frame[k], bad_len[k]);
            expect_ok(bad, "a poisoned referral once the poison is gone");
        }
    for (int k = 0; k < POISONED; k++)
        free(bad_frame[k]);
    zmq_close(good);
    zmq_close(bad);
    assert_int_equal(intake_counts().referrals, before.referrals + MIXED + POISONED);
}

/* --- the text policy (issue 10, item 3), applied to every command before its handler --------------- */

/* A RegisterReporter from the operator whose name is the raw bytes given (on the wire: a NUL inside
 * survives there); the reply. */
static Welfare__Bus__V1__Envelope *register_raw_name(void *s, const char *id, const void *name, size_t n)
{
    Welfare__Intake__V1__RegisterReporter r = WELFARE__INTAKE__V1__REGISTER_REPORTER__INIT;
    r.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SURVEY;
    uint8_t payload[600];
    size_t pn = welfare__intake__v1__register_reporter__pack(&r, payload), len;
    assert_true(n < 127);
    payload[pn++] = 0x0a; /* field 1 (name), length-delimited */
    payload[pn++] = (uint8_t)n;
    memcpy(payload + pn, name, n);
    pn += n;
    uint8_t *frame = envelope_frame(id, r.base.descriptor->name, payload, pn, &len);
    send_bytes(s, frame, len);
    free(frame);
    Welfare__Bus__V1__Envelope *env = recv_reply(s, REPLY_MS);
    assert_non_null(env);
    expect_clean_strings(env);
    return env;
}

static void bad_text_is_invalid_argument_naming_the_field(void **state)
{
    (void)state;
    static const char nul[] = "\xea\xb9\x80\0\xec\xb2\xa0\xec\x88\x98"; /* 김\0철수 */
    const struct {
        const char *bytes;
        size_t n;
    } bad[] = {
        {nul, sizeof nul - 1},
        {"\xcc\x81", 2},                 /* a lone combining mark */
        {"\xe2\x80\x8b\xe2\x80\x8b", 6}, /* zero-width only */
        {"ab\xe2\x80\xae"
         "cd",
         7},              /* a right-to-left override */
        {"a\x1b[31m", 6}, /* an escape sequence */
        {"\xff\xfe", 2},  /* not UTF-8 */
    };
    counts before = intake_counts();
    void *s = raw_dealer("intake", KEY_CLI);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char id[WH_UUID_LEN + 1];
        wh_uuid(id);
        Welfare__Bus__V1__Envelope *env = register_raw_name(s, id, bad[i].bytes, bad[i].n);
        assert_non_null(env->error);
        if (env->error->status != WELFARE__BUS__V1__STATUS__STATUS_INVALID_ARGUMENT)
            fail_msg("bad name %zu: status %d", i, env->error->status);
        assert_string_equal(env->error->field, "name");
        assert_string_equal(env->causation_id, id);
        welfare__bus__v1__envelope__free_unpacked(env, NULL);
    }
    expect_unchanged(&before);
    /* a decomposed name is stored composed (NFC) */
    char id[WH_UUID_LEN + 1], name[80], composed[80];
    snprintf(name, sizeof name, "nfc \xe1\x84\x80\xe1\x85\xa1 %s", itest_run_id());
    snprintf(composed, sizeof composed, "nfc \xea\xb0\x80 %s", itest_run_id());
    wh_uuid(id);
    Welfare__Bus__V1__Envelope *env = register_raw_name(s, id, name, strlen(name));
    assert_null(env->error);
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
    zmq_close(s);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.reporter WHERE name = $1", composed, NULL),
                     1);
    expect_service_answers();
}

static int setup(void **state)
{
    (void)state;
    zctx = zmq_ctx_new();
    return zctx ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    zmq_ctx_term(zctx);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(garbage_bytes_are_malformed),
        cmocka_unit_test(unknown_type_is_malformed),
        cmocka_unit_test(undecodable_payload_is_malformed),
        cmocka_unit_test(bad_message_ids_are_malformed),
        cmocka_unit_test(leading_frames_are_echoed_up_to_three),
        cmocka_unit_test(oversize_frame_is_too_large),
        cmocka_unit_test(frame_above_hard_limit_drops_the_peer),
        cmocka_unit_test(unknown_key_gets_nothing),
        cmocka_unit_test(plain_client_gets_nothing),
        cmocka_unit_test(agency_outside_its_grants_is_denied),
        cmocka_unit_test(agency_within_its_grants_is_served),
        cmocka_unit_test(agency_files_only_as_itself),
        cmocka_unit_test(bad_envelope_fields_are_malformed),
        cmocka_unit_test(bad_envelopes_do_not_fail_their_batch),
        cmocka_unit_test(a_failing_member_fails_alone),
        cmocka_unit_test(bad_text_is_invalid_argument_naming_the_field),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

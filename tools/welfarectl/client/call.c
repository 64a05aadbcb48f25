/*
 * call.c — commands over a whclient connection: Envelope framing, the request/reply call with
 * retries, and pipelining (whc_send / whc_recv).
 *
 * A request travels as exactly one frame, a serialized welfare.bus.v1.Envelope.  The reply's
 * causation_id is the command's message_id; that is how a reply finds its command, both when a call
 * skips a late reply to something else and when an import matches replies to rows.  A retry resends
 * the SAME message id on a fresh socket, so the service answers a repeat from its stored reply and the
 * command takes effect once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "welfare/bus/v1/envelope.pb-c.h"
#include "wh/status.h"
#include "wh/util.h"
#include "whc_internal.h"

#define WHC_PRODUCER "whclient"

static void error_set(whc_error *err, int status, const char *field, const char *message)
{
    if (err == NULL)
        return;
    err->status = status;
    snprintf(err->field, sizeof err->field, "%s", field != NULL ? field : "");
    snprintf(err->message, sizeof err->message, "%s", message != NULL ? message : "");
}

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int whc_send_envelope(whc *c, const char *message_id, const ProtobufCMessage *request)
{
    Welfare__Bus__V1__Envelope env = WELFARE__BUS__V1__ENVELOPE__INIT;
    uint8_t *payload = NULL, *frame = NULL;
    size_t n;
    int rc = WH_INTERNAL;

    env.message_id = (char *)message_id;
    env.type = (char *)request->descriptor->name;
    env.correlation_id = (char *)message_id; /* this client originates the flow */
    env.producer = WHC_PRODUCER;
    env.time_unix_ms = wall_ms();
    n = protobuf_c_message_get_packed_size(request);
    payload = malloc(n > 0 ? n : 1);
    if (payload == NULL)
        goto cleanup;
    env.payload.len = protobuf_c_message_pack(request, payload);
    env.payload.data = payload;
    n = welfare__bus__v1__envelope__get_packed_size(&env);
    frame = malloc(n > 0 ? n : 1);
    if (frame == NULL)
        goto cleanup;
    n = welfare__bus__v1__envelope__pack(&env, frame);
    rc = zmq_send(c->sock, frame, n, 0) == (int)n ? 0 : WH_UNAVAILABLE;
cleanup:
    free(payload);
    free(frame);
    return rc;
}

/* Waits up to timeout_ms for one message and unpacks its Envelope (the last non-empty frame, so an
 * empty delimiter frame is tolerated).  0, WH_UNAVAILABLE on timeout, WH_MALFORMED. */
static int recv_envelope(whc *c, int timeout_ms, Welfare__Bus__V1__Envelope **out)
{
    zmq_pollitem_t item = {.socket = c->sock, .events = ZMQ_POLLIN};
    zmq_msg_t msg, last;
    int more = 1, flags = ZMQ_DONTWAIT;

    *out = NULL;
    zmq_msg_init(&last);
    while (more) {
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, c->sock, flags) < 0) {
            zmq_msg_close(&msg);
            /* nothing queued: wait (a poll per message only when replies are not already there) */
            if (flags == ZMQ_DONTWAIT && zmq_errno() == EAGAIN && zmq_poll(&item, 1, timeout_ms) > 0) {
                flags = 0;
                continue;
            }
            zmq_msg_close(&last);
            return WH_UNAVAILABLE;
        }
        flags = 0;
        more = zmq_msg_more(&msg);
        if (zmq_msg_size(&msg) > 0)
            zmq_msg_move(&last, &msg);
        zmq_msg_close(&msg);
    }
    *out = welfare__bus__v1__envelope__unpack(NULL, zmq_msg_size(&last), zmq_msg_data(&last));
    zmq_msg_close(&last);
    return *out != NULL ? 0 : WH_MALFORMED;
}

/* The id of the command a reply answers. */
static const char *reply_command_id(const Welfare__Bus__V1__Envelope *env)
{
    if (env->causation_id != NULL && env->causation_id[0] != '\0')
        return env->causation_id;
    return env->message_id != NULL ? env->message_id : "";
}

/* A refusal of a frame the service could not read an id from (TOO_LARGE or MALFORMED with an empty
 * causation_id): a call has one command outstanding, so it is that command's answer (a late reply
 * to an earlier call always names its command). */
static bool answers_unreadable(const Welfare__Bus__V1__Envelope *env)
{
    return (env->causation_id == NULL || env->causation_id[0] == '\0') && env->error != NULL &&
           (env->error->status == WELFARE__BUS__V1__STATUS__STATUS_TOO_LARGE ||
            env->error->status == WELFARE__BUS__V1__STATUS__STATUS_MALFORMED);
}

static int decode_reply(const Welfare__Bus__V1__Envelope *env, const ProtobufCMessageDescriptor *reply_type,
                        ProtobufCMessage **reply, whc_error *err)
{
    if (env->error != NULL && env->error->status != WELFARE__BUS__V1__STATUS__STATUS_UNSPECIFIED) {
        int status = wh_status_from_proto(env->error->status);

        if (status >= 0)
            status = WH_INTERNAL;
        error_set(err, status, env->error->field, env->error->message);
        return status;
    }
    if (reply_type == NULL || reply == NULL)
        return 0;
    if (env->type == NULL || strcmp(env->type, reply_type->name) != 0) {
        char msg[200];

        snprintf(msg, sizeof msg, "reply type %s, expected %s", env->type ? env->type : "(none)",
                 reply_type->name);
        error_set(err, WH_MALFORMED, "", msg);
        return WH_MALFORMED;
    }
    *reply = protobuf_c_message_unpack(reply_type, NULL, env->payload.len, env->payload.data);
    if (*reply == NULL) {
        error_set(err, WH_MALFORMED, "", "reply payload could not be decoded");
        return WH_MALFORMED;
    }
    return 0;
}

/* Waits until the reply to message_id arrives or deadline passes; replies to other commands (late
 * answers to an earlier call) are dropped. */
static int await_reply(whc *c, const char *message_id, int64_t deadline,
                       const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply, whc_error *err)
{
    for (;;) {
        Welfare__Bus__V1__Envelope *env = NULL;
        int64_t left = deadline - mono_ms();
        int rc;

        if (left <= 0)
            return WH_UNAVAILABLE;
        rc = recv_envelope(c, (int)left, &env);
        if (rc == WH_UNAVAILABLE)
            return rc;
        if (rc != 0)
            continue;
        if (strcmp(reply_command_id(env), message_id) == 0 || answers_unreadable(env)) {
            c->reply_replayed = env->replayed;
            rc = decode_reply(env, reply_type, reply, err);
            welfare__bus__v1__envelope__free_unpacked(env, NULL);
            return rc;
        }
        welfare__bus__v1__envelope__free_unpacked(env, NULL);
    }
}

/* 250 ms, 500 ms, 1 s … never longer than one try's timeout. */
static void pause_before_retry(const whc *c, int attempt)
{
    int64_t ms = (int64_t)250 << (attempt < 6 ? attempt : 6);
    struct timespec ts;

    if (ms > c->timeout_ms)
        ms = c->timeout_ms;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

int whc_call_id(whc *c, const char *message_id, const ProtobufCMessage *request,
                const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply, whc_error *err)
{
    whc_error local;
    int attempt, rc = WH_UNAVAILABLE;
    char msg[160];

    if (err == NULL)
        err = &local;
    error_set(err, 0, "", "");
    if (reply != NULL)
        *reply = NULL;
    for (attempt = 0; attempt <= c->retries; attempt++) {
        if (attempt > 0 && whc_reconnect(c) != 0)
            continue;
        error_set(err, 0, "", "");
        rc = whc_send_envelope(c, message_id, request);
        if (rc == 0)
            rc = await_reply(c, message_id, mono_ms() + c->timeout_ms, reply_type, reply, err);
        /* Timeouts and a typed UNAVAILABLE (the service's database is down, say) are worth another try
         * with the same id; everything else is the service's answer. */
        if (rc != WH_UNAVAILABLE)
            return rc;
        if (err->status == WH_UNAVAILABLE && attempt < c->retries)
            pause_before_retry(c, attempt); /* the service answered: give it time to recover */
    }
    if (err->status == WH_UNAVAILABLE)
        return rc; /* the service itself said so: keep its message */
    snprintf(msg, sizeof msg, "no reply from %s after %d tries of %d ms", c->service, c->retries + 1,
             c->timeout_ms);
    error_set(err, WH_UNAVAILABLE, "", msg);
    return WH_UNAVAILABLE;
}

int whc_call(whc *c, const ProtobufCMessage *request, const ProtobufCMessageDescriptor *reply_type,
             ProtobufCMessage **reply, whc_error *err)
{
    char id[WH_UUID_LEN + 1];

    wh_uuid(id);
    return whc_call_id(c, id, request, reply_type, reply, err);
}

bool whc_reply_replayed(const whc *c)
{
    return c->reply_replayed;
}

int whc_send_id(whc *c, const char *message_id, const ProtobufCMessage *request)
{
    return whc_send_envelope(c, message_id, request);
}

int whc_send(whc *c, const ProtobufCMessage *request, char id_out[37])
{
    wh_uuid(id_out);
    return whc_send_envelope(c, id_out, request);
}

int whc_recv(whc *c, int timeout_ms, const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply,
             char id_out[37], whc_error *err)
{
    Welfare__Bus__V1__Envelope *env = NULL;
    int rc;

    error_set(err, 0, "", "");
    if (reply != NULL)
        *reply = NULL;
    id_out[0] = '\0';
    rc = recv_envelope(c, timeout_ms, &env);
    if (rc != 0) {
        error_set(err, rc, "", rc == WH_UNAVAILABLE ? "no reply in time" : "reply could not be decoded");
        return rc;
    }
    snprintf(id_out, 37, "%s", reply_command_id(env));
    c->reply_replayed = env->replayed;
    rc = decode_reply(env, reply_type, reply, err);
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
    return rc;
}

int whc_reset(whc *c)
{
    return whc_reconnect(c);
}

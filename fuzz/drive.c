/*
 * drive.c — runs one fuzz input through a service's handlers the way the framework does
 * (common/src/commands.c, consumer.c), without the bus and without a database.
 *
 * The first byte picks a row of the service's tables (its commands, then its subscribed events), the
 * rest is decoded as that row's message — input that does not decode is what the framework answers
 * MALFORMED before any handler, so it stops here.  The handler runs with libwh's real context and
 * arena (common/src/ctx.c, arena.c, outbox.c) on the offline connection of offline_db.c, and its
 * outcome is checked as the framework would use it: the typed status, the field an INVALID_ARGUMENT
 * names, and the reply envelope the client would read.
 */
#include <sanitizer/common_interface_defs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus_internal.h"
#include "fuzz.h"
#include "wh/log.h"
#include "wh/pii.h"
#include "wh/util.h"

void fuzz_fail(const char *what, const char *where, int index)
{
    char summary[512];

    /* The sanitizers' report channel: libFuzzer keeps it open when the targets' stderr is closed. */
    snprintf(summary, sizeof summary, "fuzz invariant broken: %s (%s, %d)", what, where ? where : "", index);
    __sanitizer_report_error_summary(summary);
    __builtin_trap();
}

void fuzz_setup(void)
{
    static const unsigned char key[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    setenv("WH_LOG_LEVEL", "error", 1);
    wh_log_init("fuzz");
    if (wh_pii_init_key(key) != 0)
        fuzz_fail("could not set the PII key", "fuzz_setup", 0);
}

/* The reply as the client would receive it must decode, answer the command and carry the status. */
static void check_reply_envelope(wh_service *svc, const Welfare__Bus__V1__Envelope *cause,
                                 const wh_command *cmd, const ProtobufCMessage *reply, int status,
                                 const char *field, const char *message)
{
    uint8_t *frame = NULL;
    size_t len = 0;

    if (wh_envelope_reply(svc, cause, cmd->reply->name, reply, status, field, message, 0, &frame, &len) != 0)
        fuzz_fail("reply could not be packed", cmd->request->name, 0);
    Welfare__Bus__V1__Envelope *env = welfare__bus__v1__envelope__unpack(NULL, len, frame);
    if (env == NULL)
        fuzz_fail("reply envelope does not decode", cmd->request->name, 0);
    if (strcmp(env->causation_id, cause->message_id) != 0 || strcmp(env->type, cmd->reply->name) != 0)
        fuzz_fail("reply does not answer its command", cmd->request->name, 0);
    if ((status < 0) != (env->error != NULL) ||
        (env->error && wh_status_from_proto((int)env->error->status) != status))
        fuzz_fail("reply carries another status", cmd->request->name, status);
    if (status == 0) {
        ProtobufCMessage *back = wh_envelope_payload(env, cmd->reply);
        if (back == NULL)
            fuzz_fail("reply payload does not decode as its type", cmd->request->name, 0);
        protobuf_c_message_free_unpacked(back, NULL);
    }
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
    free(frame);
}

static void check_command(wh_service *svc, const Welfare__Bus__V1__Envelope *env, const wh_command *cmd,
                          wh_ctx *ctx, int rc, const ProtobufCMessage *reply)
{
    const char *name = cmd->request->name;

    if (rc > 0)
        fuzz_fail("handler returned a positive value", name, rc);
    if (rc == 0) {
        if (reply == NULL)
            fuzz_fail("handler succeeded without a reply", name, 0);
        if (reply->descriptor != cmd->reply)
            fuzz_fail("reply is not of the row's reply type", name, 0);
        if (!protobuf_c_message_check(reply))
            fuzz_fail("reply has a NULL string or a missing field", name, 0);
        check_reply_envelope(svc, env, cmd, reply, 0, NULL, NULL);
        return;
    }
    int status = ctx->status < 0 ? ctx->status : rc;
    if (status < WH_TOO_LARGE)
        fuzz_fail("handler returned a code that is not a wh_status", name, status);
    if (!wh_command_may_return(cmd, status))
        fuzz_fail("handler answered a status its command does not declare (commands.proto errors)", name,
                  status);
    if (status == WH_INVALID_ARGUMENT && ctx->field[0] == '\0')
        fuzz_fail("INVALID_ARGUMENT without the field it is about", name, 0);
    if (!wh_utf8_valid(ctx->field, sizeof ctx->field) || !wh_utf8_valid(ctx->message, sizeof ctx->message))
        fuzz_fail("error field or message is not valid UTF-8", name, 0);
    check_reply_envelope(svc, env, cmd, NULL, status, ctx->field,
                         ctx->message[0] ? ctx->message : wh_status_name(status));
}

static void run_command(wh_service *svc, wh_arena *arena, const wh_command *cmd, const uint8_t *data,
                        size_t size)
{
    static const wh_principal operator= {.name = "fuzz-operator", .role = WH_ROLE_OPERATOR};
    Welfare__Bus__V1__Envelope env = WELFARE__BUS__V1__ENVELOPE__INIT;
    ProtobufCMessage *request = protobuf_c_message_unpack(cmd->request, NULL, size, data);
    ProtobufCMessage *reply = NULL;
    wh_ctx ctx;

    if (request == NULL)
        return;
    env.message_id = "fuzz-command-1";
    env.correlation_id = "fuzz-correlation-1";
    env.type = (char *)cmd->request->name;
    env.producer = "fuzz";
    wh_ctx_init(&ctx, svc, arena, &env, &operator);
    int rc = cmd->handle(&ctx, request, &reply);
    check_command(svc, &env, cmd, &ctx, rc, reply);
    protobuf_c_message_free_unpacked(request, NULL);
}

static void run_event(wh_service *svc, wh_arena *arena, const wh_subscription *sub, const uint8_t *data,
                      size_t size)
{
    Welfare__Bus__V1__Envelope env = WELFARE__BUS__V1__ENVELOPE__INIT;
    ProtobufCMessage *event = protobuf_c_message_unpack(sub->event, NULL, size, data);
    wh_ctx ctx;

    if (event == NULL)
        return;
    env.message_id = "fuzz-event-1";
    env.correlation_id = "fuzz-correlation-1";
    env.type = (char *)sub->event->name;
    env.producer = (char *)sub->stream;
    env.stream = (char *)sub->stream;
    env.sequence = 1;
    wh_ctx_init(&ctx, svc, arena, &env, NULL);
    int rc = sub->apply(&ctx, event);
    if (rc > 0 || (ctx.status < 0 ? ctx.status : rc) < WH_TOO_LARGE)
        fuzz_fail("event handler returned a code that is not a wh_status", sub->event->name, rc);
    protobuf_c_message_free_unpacked(event, NULL);
}

void fuzz_drive(const wh_service_def *def, const uint8_t *data, size_t size)
{
    static wh_service svc;
    static wh_arena *arena;
    size_t rows = def->n_commands + def->n_subscriptions;

    if (size < 1 || rows == 0)
        return;
    if (arena == NULL && (arena = wh_arena_new()) == NULL)
        fuzz_fail("out of memory", "wh_arena_new", 0);
    svc.def = def;
    svc.db = fuzz_offline_db();
    size_t row = data[0] % rows;
    fuzz_check_params = row < def->n_commands;
    if (row < def->n_commands)
        run_command(&svc, arena, &def->commands[row], data + 1, size - 1);
    else
        run_event(&svc, arena, &def->subscriptions[row - def->n_commands], data + 1, size - 1);
    wh_arena_reset(arena);
}

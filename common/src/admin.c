/*
 * admin.c — the dead-letter commands every service answers (welfare.bus.v1.ListDeadLetters and
 * ReplayDeadLetter, operators only).
 *
 * A replay runs the event's handler in the command's transaction (and savepoint), exactly as the
 * consumer would have; success marks the dead letter replayed in the same transaction, so a replay
 * takes effect once — and, being a command, a repeated message id gets the stored reply.
 */
#include <string.h>

#include "bus_internal.h"

#define LIST_DEFAULT 100
#define LIST_MAX     1000

int wh_admin_list_dead_letters(wh_ctx *ctx, const ProtobufCMessage *request, ProtobufCMessage **reply)
{
    const Welfare__Bus__V1__ListDeadLetters *req = (const Welfare__Bus__V1__ListDeadLetters *)request;
    Welfare__Bus__V1__ListDeadLettersReply *out = wh_ctx_alloc(ctx, sizeof *out);
    uint32_t max = req->max == 0 ? LIST_DEFAULT : req->max;
    int rc;

    if (out == NULL)
        return WH_INTERNAL;
    if (max > LIST_MAX)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "max", "at most %d dead letters at a time", LIST_MAX);
    welfare__bus__v1__list_dead_letters_reply__init(out);
    rc = wh_bus_dead_letters(wh_ctx_db(ctx), ctx->arena, req->stream, req->include_replayed, max, out);
    if (rc != 0)
        return wh_ctx_fail(ctx, rc, "", "could not read the dead letters");
    *reply = &out->base;
    return 0;
}

int wh_admin_replay_dead_letter(wh_ctx *ctx, const ProtobufCMessage *request, ProtobufCMessage **reply)
{
    const Welfare__Bus__V1__ReplayDeadLetter *req = (const Welfare__Bus__V1__ReplayDeadLetter *)request;
    Welfare__Bus__V1__ReplayDeadLetterReply *out = wh_ctx_alloc(ctx, sizeof *out);
    Welfare__Bus__V1__Envelope *event = wh_ctx_alloc(ctx, sizeof *event);
    int rc;

    if (out == NULL || event == NULL)
        return WH_INTERNAL;
    if (req->stream == NULL || req->stream[0] == '\0')
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "stream", "stream is required");
    if (req->sequence == 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "sequence", "sequence is required");
    rc = wh_bus_dead_letter_load(wh_ctx_db(ctx), ctx->arena, req->stream, req->sequence, event);
    if (rc == WH_NOT_FOUND)
        return wh_ctx_fail(ctx, WH_NOT_FOUND, "sequence", "no parked event %s/%llu waits for a replay",
                           req->stream, (unsigned long long)req->sequence);
    if (rc != 0)
        return wh_ctx_fail(ctx, rc, "", "could not read the dead letter");
    rc = wh_consumer_apply_stored(ctx, req->stream, event);
    if (rc != 0)
        return rc; /* the handler's failure, recorded in ctx */
    rc = wh_bus_dead_letter_replayed(wh_ctx_db(ctx), req->stream, req->sequence);
    if (rc != 0)
        return wh_ctx_fail(ctx, rc, "", "could not mark the dead letter replayed");
    welfare__bus__v1__replay_dead_letter_reply__init(out);
    out->type = event->type;
    *reply = &out->base;
    return 0;
}

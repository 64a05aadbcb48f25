/*
 * fetch.c — FetchEvents: the events of this service's stream after a position.
 *
 * A query like any other on the command socket (no idempotency record: reading twice is harmless).
 * Only committed events are handed out — the batch's own transaction may hold events that have not
 * committed yet, so the read stops at the head known before the batch.  Authorization: the principal
 * must be allowed to read the stream (wh_access_may_read); a stream other than this service's is
 * NOT_FOUND.  A reply holds at most fetch_max events (WH_FETCH_MAX) and fetch_max_bytes of them
 * (WH_FETCH_MAX_BYTES), at least one: a client fetches again after the last sequence it got.
 */
#include <string.h>

#include "bus_internal.h"

bool wh_fetch_allowed(const wh_service *svc, const wh_principal *p, const ProtobufCMessage *request)
{
    const Welfare__Bus__V1__FetchEvents *req = (const Welfare__Bus__V1__FetchEvents *)request;
    const char *stream = req->stream != NULL && req->stream[0] != '\0' ? req->stream : svc->def->name;

    return wh_access_may_read(p, stream);
}

int wh_fetch_handle(wh_ctx *ctx, const ProtobufCMessage *request, ProtobufCMessage **reply)
{
    const Welfare__Bus__V1__FetchEvents *req = (const Welfare__Bus__V1__FetchEvents *)request;
    wh_service *svc = ctx->svc;
    Welfare__Bus__V1__FetchEventsReply *out = wh_ctx_alloc(ctx, sizeof *out);
    uint32_t max = req->max_events;
    int rc;

    if (out == NULL)
        return WH_INTERNAL;
    welfare__bus__v1__fetch_events_reply__init(out);
    if (req->stream != NULL && req->stream[0] != '\0' && strcmp(req->stream, svc->def->name) != 0)
        return wh_ctx_fail(ctx, WH_NOT_FOUND, "stream", "this service publishes only the stream \"%s\"",
                           svc->def->name);
    if (max == 0 || max > (uint32_t)svc->fetch_max)
        max = (uint32_t)svc->fetch_max;
    out->head_sequence = svc->head;
    if (req->after_sequence < svc->head) {
        rc = wh_bus_read_events(svc->db, ctx->arena, svc->def->name, req->after_sequence, svc->head, max,
                                (size_t)svc->fetch_max_bytes, out);
        if (rc != 0)
            return wh_ctx_fail(ctx, rc, "", "could not read the stream");
    }
    *reply = &out->base;
    return 0;
}

/*
 * fetch.c — FetchEvents: the events of this service's stream after a position.
 *
 * A query like any other on the command socket (no idempotency record: reading twice is harmless).
 * Only committed events are handed out — the batch's own transaction may hold events that have not
 * committed yet, so the read stops at the head known before the batch.  Authorization: the principal
 * must be allowed to read the stream (wh_access_may_read); a stream other than this service's is
 * NOT_FOUND.  A reply holds at most fetch_max events (WH_FETCH_MAX) and fetch_max_bytes of them
 * (WH_FETCH_MAX_BYTES), at least one — or fewer bytes, its connection's allowance, while the connection
 * has not been seen to read its replies (fetch_pace.c).
 *
 * Types: a request naming event types gets only the events of those types (the store filters in
 * SQL), so a consumer neither receives nor decodes the events it would only skip.  Such a reply skips
 * sequences; covered_sequence says how far it accounts for the stream, and a client fetches again
 * after it.  A filtered read covers at most WH_FETCH_SCAN_PER_EVENT × WH_FETCH_MAX sequences, so a
 * client far behind that asks for a rare type costs the producer a bounded read per fetch, not a scan
 * of the whole outbox.  At most WH_FETCH_MAX_TYPES types of at most WH_FETCH_TYPE_MAX_BYTES each
 * (INVALID_ARGUMENT past them).
 */
#include <string.h>

#include "bus_internal.h"
#include "wh/sqlarray.h"

bool wh_fetch_allowed(const wh_service *svc, const wh_principal *p, const ProtobufCMessage *request)
{
    const Welfare__Bus__V1__FetchEvents *req = (const Welfare__Bus__V1__FetchEvents *)request;
    const char *stream = req->stream != NULL && req->stream[0] != '\0' ? req->stream : svc->def->name;

    return wh_access_may_read(p, stream);
}

/* The most sequences one filtered read covers. */
static uint64_t scan_window(const wh_service *svc)
{
    return (uint64_t)WH_FETCH_SCAN_PER_EVENT * (uint64_t)svc->fetch_max;
}

/* The asked types as an array literal in types (NULL when every type is asked); 0 or a failure. */
static int asked_types(wh_ctx *ctx, const Welfare__Bus__V1__FetchEvents *req, wh_sqlarray *types)
{
    if (req->n_types > WH_FETCH_MAX_TYPES)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "types", "at most %d event types a fetch",
                           WH_FETCH_MAX_TYPES);
    for (size_t i = 0; i < req->n_types; i++) {
        size_t len = req->types[i] != NULL ? strlen(req->types[i]) : 0;
        if (len == 0 || len > WH_FETCH_TYPE_MAX_BYTES)
            return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "types", "an event type is 1 to %d bytes",
                               WH_FETCH_TYPE_MAX_BYTES);
        wh_sqlarray_text(types, req->types[i]);
    }
    return req->n_types > 0 && wh_sqlarray_value(types) == NULL ? WH_INTERNAL : 0;
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
    out->covered_sequence = req->after_sequence;
    if (req->after_sequence < svc->head) {
        wh_sqlarray types = {0};
        uint64_t upto = svc->head;
        rc = asked_types(ctx, req, &types);
        if (rc == 0 && req->n_types > 0 && svc->head - req->after_sequence > scan_window(svc))
            upto = req->after_sequence + scan_window(svc);
        if (rc == 0)
            rc = wh_bus_read_events(svc->db, ctx->arena, svc->def->name, req->after_sequence, upto,
                                    req->n_types > 0 ? wh_sqlarray_value(&types) : NULL, max,
                                    ctx->fetch_bytes > 0 ? ctx->fetch_bytes : (size_t)svc->fetch_max_bytes,
                                    out);
        wh_sqlarray_free(&types);
        if (rc != 0)
            return ctx->status != 0 ? rc : wh_ctx_fail(ctx, rc, "", "could not read the stream");
    }
    ctx->fetch_covered = out->covered_sequence;
    ctx->fetch_replied = true;
    *reply = &out->base;
    return 0;
}

/*
 * outbox.c — wh_ctx_emit: an event joins this service's stream inside the handler's transaction.
 *
 * The event gets the stream's next sequence from the counter row in the same statement that stores
 * it, so it exists exactly when the handler's effect commits, and the numbers a rollback gives back
 * are reused: the stream stays gap-free, in commit order.  After the commit the loop announces the
 * new head (hints.c) and consumers fetch it (fetch.c).
 */
#include <stdlib.h>
#include <string.h>

#include "bus_internal.h"
#include "wh/log.h"
#include "wh/util.h"

static const char *cause_id(const wh_ctx *ctx)
{
    return ctx->env != NULL && ctx->env->message_id != NULL ? ctx->env->message_id : "";
}

static const char *correlation_of(const wh_ctx *ctx, const char *fallback)
{
    if (ctx->env != NULL && ctx->env->correlation_id != NULL && ctx->env->correlation_id[0] != '\0')
        return ctx->env->correlation_id;
    return ctx->env != NULL && ctx->env->message_id != NULL && ctx->env->message_id[0] != '\0'
               ? ctx->env->message_id
               : fallback;
}

int wh_ctx_emit(wh_ctx *ctx, const ProtobufCMessage *event)
{
    Welfare__Bus__V1__Envelope env = WELFARE__BUS__V1__ENVELOPE__INIT;
    wh_service *svc = ctx->svc;
    char id[WH_UUID_LEN + 1];
    size_t n = protobuf_c_message_get_packed_size(event);
    uint64_t sequence = 0;
    int rc;

    wh_uuid(id);
    env.message_id = id;
    env.type = (char *)event->descriptor->name;
    env.correlation_id = (char *)correlation_of(ctx, id);
    env.causation_id = (char *)cause_id(ctx);
    env.producer = (char *)svc->def->name;
    env.stream = (char *)svc->def->name;
    env.time_unix_ms = wh_now_ms();
    env.payload.data = wh_arena_alloc(ctx->arena, n > 0 ? n : 1);
    if (env.payload.data == NULL)
        return WH_INTERNAL;
    env.payload.len = protobuf_c_message_pack(event, env.payload.data);
    rc = wh_bus_append_event(svc->db, svc->def->name, &env, &sequence);
    if (rc != 0) {
        wh_log_error("could not append an event to the outbox", "{s:s, s:s}", "type", env.type, "status",
                     wh_status_name(rc));
        return rc;
    }
    if (sequence > svc->tx_head)
        svc->tx_head = sequence;
    return 0;
}

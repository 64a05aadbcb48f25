/*
 * outbox.c — wh_ctx_emit: an event joins this service's stream inside the handler's transaction.
 *
 * Emitted events wait in memory until the transaction commits; wh_service_commit then writes them,
 * in slices of at most WH_OUTBOX_SLICE_BYTES each (libpq never shrinks its buffers), with statements
 * that also take their sequences from the stream's counter row, right before COMMIT.  So an event exists
 * exactly when the handler's effect commits; a rollback (of the batch, or of one command's savepoint) drops
 * its events, and their numbers are never handed out: the stream stays gap-free, in commit order.  After the
 * commit the loop announces the new head (hints.c) and consumers fetch it (fetch.c).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bus_internal.h"
#include "wh/log.h"
#include "wh/util.h"

enum { COL_ID, COL_TYPE, COL_CORRELATION, COL_CAUSATION, COL_TIME, COL_PAYLOAD };

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
    wh_outbox *o = &ctx->svc->outbox;
    size_t n = protobuf_c_message_get_packed_size(event);
    uint8_t *payload = wh_arena_alloc(ctx->arena, n > 0 ? n : 1);
    char id[WH_UUID_LEN + 1];

    if (payload == NULL)
        return WH_INTERNAL;
    n = protobuf_c_message_pack(event, payload);
    wh_uuid(id);
    wh_sqlarray_text(&o->col[COL_ID], id);
    wh_sqlarray_text(&o->col[COL_TYPE], event->descriptor->name);
    wh_sqlarray_text(&o->col[COL_CORRELATION], correlation_of(ctx, id));
    wh_sqlarray_text(&o->col[COL_CAUSATION], cause_id(ctx));
    wh_sqlarray_i64(&o->col[COL_TIME], wh_now_ms());
    wh_sqlarray_bytea(&o->col[COL_PAYLOAD], payload, n);
    if (o->col[COL_PAYLOAD].failed || o->col[COL_ID].failed) {
        wh_log_error("out of memory for an event", "{s:s}", "type", event->descriptor->name);
        return WH_INTERNAL;
    }
    return 0;
}

/* At most about this many bytes of array literals go in one INSERT of events.  libpq grows its output
 * buffer to the largest message it has sent and never shrinks it, so one statement holding a whole
 * bulk batch's events left megabytes resident in the service for good; slices bound it. */
#define WH_OUTBOX_SLICE_BYTES (128 * 1024)

/* A slice of the outbox: per column, the offsets of its first element and just past its last. */
typedef struct outbox_slice {
    size_t from[WH_OUTBOX_COLUMNS], to[WH_OUTBOX_COLUMNS];
    size_t n;
} outbox_slice;

/* The next slice starting at `from` (element offsets per column), of at least one of the `left`
 * events and as many more as fit within WH_OUTBOX_SLICE_BYTES. */
static void next_slice(const wh_outbox *o, const size_t from[WH_OUTBOX_COLUMNS], size_t left, outbox_slice *s)
{
    size_t bytes = 0;

    memcpy(s->from, from, sizeof s->from);
    memcpy(s->to, from, sizeof s->to);
    for (s->n = 0; s->n < left && (s->n == 0 || bytes < WH_OUTBOX_SLICE_BYTES); s->n++) {
        bytes = 0;
        for (int i = 0; i < WH_OUTBOX_COLUMNS; i++) {
            size_t at = s->n == 0 ? s->from[i] : s->to[i] + 1;

            s->to[i] = wh_sqlarray_skip(&o->col[i], at, 1);
            bytes += s->to[i] - s->from[i];
        }
    }
}

/* "{" + the elements in [from, to) + "}", malloc()ed; NULL when out of memory. */
static char *slice_literal(const wh_sqlarray *a, size_t from, size_t to)
{
    char *out = malloc(to - from + 3);

    if (out == NULL)
        return NULL;
    out[0] = '{';
    memcpy(out + 1, a->text + from, to - from);
    out[to - from + 1] = '}';
    out[to - from + 2] = '\0';
    return out;
}

static int append_slice(wh_service *svc, const outbox_slice *s, uint64_t *head)
{
    char *columns[WH_OUTBOX_COLUMNS] = {0};
    int rc = 0;

    for (int i = 0; i < WH_OUTBOX_COLUMNS && rc == 0; i++)
        if ((columns[i] = slice_literal(&svc->outbox.col[i], s->from[i], s->to[i])) == NULL)
            rc = WH_INTERNAL;
    if (rc == 0)
        rc = wh_bus_append_events(svc->db, svc->def->name, s->n, (const char *const *)columns, head);
    for (int i = 0; i < WH_OUTBOX_COLUMNS; i++)
        free(columns[i]);
    return rc;
}

int wh_outbox_flush(wh_service *svc, uint64_t *head)
{
    wh_outbox *o = &svc->outbox;
    size_t n = o->col[COL_ID].n, from[WH_OUTBOX_COLUMNS];
    int rc = 0;

    *head = svc->head;
    if (n == 0)
        return 0;
    for (int i = 0; i < WH_OUTBOX_COLUMNS; i++)
        if (wh_sqlarray_value(&o->col[i]) == NULL || o->col[i].n != n)
            rc = WH_INTERNAL;
    for (int i = 0; i < WH_OUTBOX_COLUMNS; i++)
        from[i] = 1; /* just past the opening brace */
    for (size_t done = 0; rc == 0 && done < n;) {
        outbox_slice s;

        next_slice(o, from, n - done, &s);
        rc = append_slice(svc, &s, head);
        done += s.n;
        for (int i = 0; i < WH_OUTBOX_COLUMNS; i++)
            from[i] = s.to[i] + 1; /* past the separating comma */
    }
    if (rc != 0)
        wh_log_error("could not write the events to the outbox", "{s:I, s:s}", "events", (json_int_t)n,
                     "status", wh_status_name(rc));
    wh_outbox_clear(svc);
    return rc;
}

void wh_outbox_mark_get(const wh_service *svc, wh_outbox_mark *m)
{
    for (int i = 0; i < WH_OUTBOX_COLUMNS; i++)
        m->len[i] = svc->outbox.col[i].len;
    m->n = svc->outbox.col[COL_ID].n;
}

void wh_outbox_rewind(wh_service *svc, const wh_outbox_mark *m)
{
    for (int i = 0; i < WH_OUTBOX_COLUMNS; i++)
        wh_sqlarray_truncate(&svc->outbox.col[i], m->len[i], m->n);
}

void wh_outbox_clear(wh_service *svc)
{
    for (int i = 0; i < WH_OUTBOX_COLUMNS; i++)
        wh_sqlarray_clear(&svc->outbox.col[i]);
}

void wh_outbox_free(wh_service *svc)
{
    for (int i = 0; i < WH_OUTBOX_COLUMNS; i++)
        wh_sqlarray_free(&svc->outbox.col[i]);
}

/*
 * outbox.c — wh_ctx_emit: an event joins this service's stream inside the handler's transaction.
 *
 * Emitted events wait in memory until the transaction commits; wh_service_commit then writes them,
 * in slices of at most WH_SQLARRAY_BOUND_BYTES each (libpq never shrinks its buffers), with statements
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
    wh_uuid_v7(id); /* time-ordered: the outbox's unique index on message_id grows at its end */
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

/* Events [first, first + n) of the outbox. */
typedef struct outbox_slice {
    size_t first, n;
} outbox_slice;

/* Bytes of column i's literals for events [first, last]. */
static size_t column_bytes(const wh_outbox *o, int i, size_t first, size_t last)
{
    return wh_sqlarray_end(&o->col[i], last) - wh_sqlarray_start(&o->col[i], first);
}

/* The next slice from event `first`: at least one event and as many more as keep the statement's
 * literals within WH_SQLARRAY_BOUND_BYTES (libpq never shrinks its output buffer).  The offsets were
 * recorded as the events were appended, so this reads no literal text. */
static outbox_slice next_slice(const wh_outbox *o, size_t first, size_t total)
{
    outbox_slice s = {.first = first, .n = 1};

    while (first + s.n < total) {
        size_t bytes = 0;

        for (int i = 0; i < WH_OUTBOX_COLUMNS; i++)
            bytes += column_bytes(o, i, first, first + s.n);
        if (bytes > WH_SQLARRAY_BOUND_BYTES)
            break;
        s.n++;
    }
    return s;
}

/* "{" + the literals of the slice's events in column a + "}", malloc()ed; NULL when out of memory. */
static char *slice_literal(const wh_sqlarray *a, const outbox_slice *s)
{
    size_t from = wh_sqlarray_start(a, s->first), to = wh_sqlarray_end(a, s->first + s->n - 1);
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
        if ((columns[i] = slice_literal(&svc->outbox.col[i], s)) == NULL)
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
    size_t n = o->col[COL_ID].n;
    int rc = 0;

    *head = svc->head;
    if (n == 0)
        return 0;
    for (int i = 0; i < WH_OUTBOX_COLUMNS; i++)
        if (wh_sqlarray_value(&o->col[i]) == NULL || o->col[i].n != n)
            rc = WH_INTERNAL;
    for (size_t done = 0; rc == 0 && done < n;) {
        outbox_slice s = next_slice(o, done, n);

        rc = append_slice(svc, &s, head);
        done += s.n;
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

/* wh_outbox_clear keeps each column's buffers for the next transaction, up to
 * WH_SQLARRAY_BOUND_BYTES of text each (six columns: up to ~0.8 MiB with their offsets); once the
 * service is idle they go back, and the next event allocates afresh. */
void wh_outbox_release(wh_service *svc)
{
    if (svc->outbox.col[COL_ID].n == 0)
        wh_outbox_free(svc);
}

void wh_outbox_free(wh_service *svc)
{
    for (int i = 0; i < WH_OUTBOX_COLUMNS; i++)
        wh_sqlarray_free(&svc->outbox.col[i]);
}

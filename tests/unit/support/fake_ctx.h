/*
 * fake_ctx.h — a handler context for unit tests of service handlers, without the bus.
 *
 * Include it in exactly one test file: it defines the wh_ctx_* functions of wh/service.h, so the
 * handlers run directly against a wh_db (or none, for validation tests) and the test can look at the
 * failure recorded and the events emitted.  The framework's own wh_ctx (libwh's service module) is then
 * not linked in.  Also used by tests/unit/routing.
 *
 * Events are kept unpacked in fake.events (the last command's, at most FAKE_MAX_EVENTS), or, when the
 * test sets fake.log, packed in that log, every one in order (test_bulk compares whole sequences).
 */
#ifndef FAKE_CTX_H
#define FAKE_CTX_H

#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wh/db.h"
#include "wh/migrate.h"
#include "wh/service.h"
#include "wh/util.h"

#define FAKE_MAX_EVENTS 64

/* Every event emitted while it is fake.log: its type and packed bytes, in order. */
typedef struct fake_event_log {
    char **types;
    uint8_t **data;
    size_t *len;
    size_t n, cap;
} fake_event_log;

struct wh_ctx {
    wh_db *db;
    void *state;
    int status;     /* of the last wh_ctx_fail */
    char field[64]; /* its field */
    int n_events;
    ProtobufCMessage *events[FAKE_MAX_EVENTS]; /* unpacked copies of what was emitted */
    void **allocs;
    size_t n_allocs, cap_allocs;
    const wh_principal *principal; /* who sends the command; NULL: an operator */
    fake_event_log *log;           /* NULL: events into events[] */
};

static wh_ctx fake;

wh_db *wh_ctx_db(wh_ctx *ctx)
{
    return ctx->db;
}

void *wh_ctx_state(wh_ctx *ctx)
{
    return ctx->state;
}

const wh_principal *wh_ctx_principal(wh_ctx *ctx)
{
    return ctx->principal;
}

void *wh_ctx_alloc(wh_ctx *ctx, size_t size)
{
    void **a = wh_grow(ctx->allocs, &ctx->cap_allocs, ctx->n_allocs + 1, sizeof *a, 64);
    if (!a)
        return NULL;
    ctx->allocs = a;
    void *p = calloc(1, size ? size : 1);
    if (p)
        ctx->allocs[ctx->n_allocs++] = p;
    return p;
}

char *wh_ctx_strdup(wh_ctx *ctx, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = wh_ctx_alloc(ctx, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* Appends the packed event to the log; WH_INTERNAL when out of memory. */
static inline int fake_log_event(fake_event_log *l, const ProtobufCMessage *event)
{
    size_t need = l->n + 1, cap_types = l->cap, cap_data = l->cap, cap_len = l->cap;
    char **types = wh_grow(l->types, &cap_types, need, sizeof *types, 256);
    if (types)
        l->types = types;
    uint8_t **data = types ? wh_grow(l->data, &cap_data, need, sizeof *data, 256) : NULL;
    if (data)
        l->data = data;
    size_t *len = data ? wh_grow(l->len, &cap_len, need, sizeof *len, 256) : NULL;
    if (!len)
        return WH_INTERNAL;
    l->len = len;
    l->cap = cap_len; /* the three grew alike */
    size_t n = protobuf_c_message_get_packed_size(event);
    l->data[l->n] = malloc(n ? n : 1);
    l->types[l->n] = strdup(event->descriptor->name);
    if (!l->data[l->n] || !l->types[l->n]) {
        free(l->data[l->n]);
        free(l->types[l->n]);
        return WH_INTERNAL;
    }
    protobuf_c_message_pack(event, l->data[l->n]);
    l->len[l->n++] = n;
    return 0;
}

/* Drops the log's events from index `from` on (a failed command's, rolled back with it). */
static inline void fake_log_truncate(fake_event_log *l, size_t from)
{
    while (l->n > from) {
        l->n--;
        free(l->types[l->n]);
        free(l->data[l->n]);
    }
}

static inline void fake_log_free(fake_event_log *l)
{
    fake_log_truncate(l, 0);
    free(l->types);
    free(l->data);
    free(l->len);
    memset(l, 0, sizeof *l);
}

int wh_ctx_emit(wh_ctx *ctx, const ProtobufCMessage *event)
{
    if (ctx->log)
        return fake_log_event(ctx->log, event);
    size_t len = protobuf_c_message_get_packed_size(event);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf || ctx->n_events == FAKE_MAX_EVENTS) {
        free(buf);
        return WH_INTERNAL;
    }
    protobuf_c_message_pack(event, buf);
    ctx->events[ctx->n_events++] = protobuf_c_message_unpack(event->descriptor, NULL, len, buf);
    free(buf);
    return 0;
}

/* Disclosures are counted (the audit row is the framework's, tested in the integration suite). */
static int fake_disclosures;
void wh_ctx_audit_disclosure(wh_ctx *ctx, const char *subject_fmt, ...)
{
    (void)ctx;
    (void)subject_fmt;
    fake_disclosures++;
}

int wh_ctx_fail(wh_ctx *ctx, int status, const char *field, const char *fmt, ...)
{
    (void)fmt;
    ctx->status = status;
    snprintf(ctx->field, sizeof ctx->field, "%s", field ? field : "");
    return status;
}

/* Frees what the last message allocated and emitted. */
static inline void fake_reset(void)
{
    for (size_t i = 0; i < fake.n_allocs; i++)
        free(fake.allocs[i]);
    fake.n_allocs = 0;
    for (int i = 0; i < fake.n_events; i++)
        protobuf_c_message_free_unpacked(fake.events[i], NULL);
    fake.n_events = 0;
    fake.status = 0;
    fake.field[0] = '\0';
}

static inline void fake_done(void)
{
    fake_reset();
    free(fake.allocs);
    fake.allocs = NULL;
    fake.cap_allocs = 0;
    wh_db_close(&fake.db);
}

/* The name of the i-th event emitted ("welfare.registry.v1.CapacityReserved"), or "". */
static inline const char *fake_event(int i)
{
    return i < fake.n_events ? fake.events[i]->descriptor->name : "";
}

/* Runs a command handler in its own transaction, as the bus would.  Returns its status. */
static inline int fake_command(wh_command_fn fn, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    fake_reset();
    *reply = NULL;
    if (fake.db)
        wh_db_exec_sql(fake.db, "BEGIN");
    int rc = fn(&fake, req, reply);
    if (fake.db)
        wh_db_exec_sql(fake.db, rc == 0 ? "COMMIT" : "ROLLBACK");
    return rc;
}

static inline int fake_event_apply(wh_event_fn fn, const ProtobufCMessage *event)
{
    fake_reset();
    wh_db_exec_sql(fake.db, "BEGIN");
    int rc = fn(&fake, event);
    wh_db_exec_sql(fake.db, rc == 0 ? "COMMIT" : "ROLLBACK");
    return rc;
}

/* Recreates `schema` in the database at url, applies the migrations and opens *db on it with the
 * statements.  0, or -2 on failure. */
static inline int fake_schema_open(const char *url, const char *schema, const wh_migration *migrations,
                                   size_t n_migrations, const wh_db_statement *statements,
                                   size_t n_statements, wh_db **db)
{
    PGconn *c = PQconnectdb(url);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SET client_min_messages = warning; DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", schema,
             schema);
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    PQfinish(c);
    if (!ok)
        return -2;
    wh_db *m = NULL;
    if (wh_db_open(&m, url, schema, NULL, 0) < 0 || wh_migrate(m, schema, migrations, n_migrations) < 0)
        return -2;
    wh_db_close(&m);
    return wh_db_open(db, url, schema, statements, n_statements) < 0 ? -2 : 0;
}

/* fake_schema_open in the WH_TEST_DB_URL database, into fake.db.  Returns 0, or -1 when
 * WH_TEST_DB_URL is unset (the caller skips), -2 on failure. */
static inline int fake_db_setup(const char *schema, const wh_migration *migrations, size_t n_migrations,
                                const wh_db_statement *statements, size_t n_statements)
{
    const char *url = getenv("WH_TEST_DB_URL");
    if (!url || !*url)
        return -1;
    return fake_schema_open(url, schema, migrations, n_migrations, statements, n_statements, &fake.db);
}

#endif

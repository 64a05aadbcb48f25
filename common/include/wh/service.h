/*
 * wh/service.h — the service framework: a service is its tables, its handlers and its store.
 *
 * A service declares, as data, the commands it accepts (one row per message type: request and reply
 * descriptors, handler, the roles that may send it), the events it applies from other services'
 * streams, its migrations and its prepared statements; wh_service_main() does the rest:
 *
 *   environment → log → database (+ bus and service migrations) → CURVE/ZAP → sockets → HTTP → uv_run
 *
 * Commands (ROUTER socket, WH_<NAME>_BUS).  Each wake-up drains what is waiting (up to WH_BATCH_MAX),
 * rejects what cannot be decoded, is too large, has an unknown type or is not allowed (typed error
 * reply, counted, nothing stored), answers the queries (`query` rows: no idempotency record, read
 * only), then runs the commands in ONE transaction: the repeats of a principal's message_id get the
 * stored reply and no new effect, the others their handler and a stored reply.  After COMMIT every
 * reply is sent.  A handler that fails undoes only its own effect (the batch is redone with a
 * savepoint per command); a final failure (wh_status_is_final) is stored and replayed like a success.
 *
 * Events.  wh_ctx_emit() adds an event to this service's outbox in the current transaction: the
 * transaction's events are written, with their gap-free sequences in the service's stream (its name),
 * just before it commits.  After the commit the loop publishes a StreamHead hint (PUB,
 * WH_<NAME>_HINTS); FetchEvents serves the stored stream.
 * For each subscribed stream the service keeps its position in its own schema; it fetches after that
 * position (on a hint, a timer, and at start), and applies each event with the row's handler in one
 * transaction with the position update — exactly once, whatever restarts.  Event types a service does
 * not subscribe to just advance the position.  An event whose handler keeps failing is retried
 * WH_EVENT_MAX_ATTEMPTS times and then parked in the dead-letter table, and the stream moves on.
 *
 * Memory.  Everything a handler allocates with wh_ctx_alloc()/wh_ctx_strdup() (a reply and its
 * strings, say) lives until the batch is answered, then is freed at once.
 */
#ifndef WH_SERVICE_H
#define WH_SERVICE_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "welfare/bus/v1/envelope.pb-c.h"
#include "wh/access.h"
#include "wh/db.h"
#include "wh/http.h"
#include "wh/migrate.h"
#include "wh/status.h"

typedef struct wh_service wh_service; /* a running service */
typedef struct wh_ctx wh_ctx;         /* one command or event being handled */

/* Handles a command.  On success stores the reply message (allocated from the ctx, or static) in
 * *reply and returns 0; on failure returns wh_ctx_fail(…). */
typedef int (*wh_command_fn)(wh_ctx *ctx, const ProtobufCMessage *request, ProtobufCMessage **reply);

/* Optionally (wh_service_def.batch_handlers), handles n ≥ 1 commands of one type together, in their
 * order: the same effects, events (emitted through each ctx[i], command after command) and replies
 * as n calls of the type's wh_command_fn, with fewer statements.  0 with every replies[i] set; any
 * failure (bad input in one of them too) undoes the whole batch, which is then run again one command
 * at a time with the wh_command_fn, so each command gets its own reply or typed error. */
typedef int (*wh_command_batch_fn)(wh_ctx *const *ctx, ProtobufCMessage *const *requests,
                                   ProtobufCMessage **replies, size_t n);

typedef struct wh_command {
    const ProtobufCMessageDescriptor *request; /* its full name is the envelope's type */
    const ProtobufCMessageDescriptor *reply;
    wh_command_fn handle;
    unsigned roles;      /* wh_role bits allowed to send it */
    bool query;          /* reads only: no idempotency record, no outbox */
    const char *summary; /* one line, for docs and `welfarectl help` */
    unsigned errors;     /* WH_STATUS_BIT of each status it may return besides WH_COMMON_ERRORS */
} wh_command;

/* True when cmd may answer status: success, a common error, or one it declares. */
bool wh_command_may_return(const wh_command *cmd, int status);

/* One row of a service's command table. PKG is the protobuf-c prefix of the service's package
 * (welfare__routing__v1__), NAME the request's snake name, KEY the constants scripts/gen-commands.py
 * generated from the request's options in commands.proto (ROUTING_DEFINE_DONG gives
 * ROUTING_DEFINE_DONG_ROLES, _QUERY, _SUMMARY, _ERRORS): who may send it, and what it may answer, are
 * declared once, in the proto. */
#define WH_COMMAND(PKG, NAME, KEY, FN)                                                                       \
    {                                                                                                        \
        &PKG##NAME##__descriptor, &PKG##NAME##_reply__descriptor, FN, KEY##_ROLES, KEY##_QUERY,              \
            KEY##_SUMMARY, KEY##_ERRORS                                                                      \
    }

/* A batch handler for one of the service's command types (wh_service_def.batch_handlers). */
typedef struct wh_command_batch {
    const ProtobufCMessageDescriptor *request;
    wh_command_batch_fn handle;
} wh_command_batch;

/* Applies one event of another service's stream.  0, or a negative status (the event is retried,
 * then dead-lettered). */
typedef int (*wh_event_fn)(wh_ctx *ctx, const ProtobufCMessage *event);

typedef struct wh_subscription {
    const char *stream; /* the producing service's name, e.g. "intake" */
    const ProtobufCMessageDescriptor *event;
    wh_event_fn apply;
} wh_subscription;

/* Optionally (wh_service_def.event_batch_handlers), applies n ≥ 1 events of one subscribed type
 * together, in their stream order: the same effects and events (emitted through each ctx[i], event
 * after event) as n calls of the type's wh_event_fn, with fewer statements.  Events of types the
 * service does not apply may lie between them on the stream; an event of another subscribed type
 * ends the run, unless that type has the same batch function: then the run goes on and the function
 * gets the types mixed, in stream order (declare one function for several types only when their
 * effects commute, so the mixed run gives what one event at a time gives).  0, or a negative status: the
 * consumer's whole transaction is undone and the fetched events are applied again one at a time with the
 * wh_event_fn, so a failing event is retried and dead-lettered on its own. */
typedef int (*wh_event_batch_fn)(wh_ctx *const *ctx, const ProtobufCMessage *const *events, size_t n);

typedef struct wh_event_batch {
    const char *stream;
    const ProtobufCMessageDescriptor *event;
    wh_event_batch_fn apply;
} wh_event_batch;

typedef struct wh_service_def {
    const char *name;   /* "intake": stream name, principal name, log "service" field */
    const char *schema; /* the PostgreSQL schema it owns */
    const wh_command *commands;
    size_t n_commands;
    const wh_subscription *subscriptions;
    size_t n_subscriptions;
    const wh_migration *migrations; /* component = name */
    size_t n_migrations;
    const wh_db_statement *statements;
    size_t n_statements;
    const wh_command_batch *batch_handlers; /* optional: types whose runs are handled together */
    size_t n_batch_handlers;
    const wh_event_batch *event_batch_handlers; /* optional: subscribed types applied together */
    size_t n_event_batch_handlers;
    /* Optional: after the database is ready and before serving (load keys, start timers).  0 to go on. */
    int (*start)(wh_service *svc);
    /* Optional: at orderly shutdown, before the database closes. */
    void (*stop)(wh_service *svc);
    /* Optional: the service's own records kept only as long as the command records (retention.c):
     * once a minute, after those, deletes up to `limit` of its rows older than `days`
     * (WH_COMMAND_RETENTION_DAYS) in one statement of its own; the count deleted or a negative
     * status.  Intake's import_row ids, say. */
    int64_t (*prune)(wh_db *db, int64_t days, int64_t limit);
} wh_service_def;

/* Runs the service until SIGINT/SIGTERM.  Returns the process exit code. */
int wh_service_main(const wh_service_def *def, int argc, char **argv);

/* --- for handlers --------------------------------------------------------------------------- */

/* The connection, inside the batch's transaction (and the command's savepoint). */
wh_db *wh_ctx_db(wh_ctx *ctx);
/* The envelope being handled (message id, correlation id, time; for events also stream, sequence). */
const Welfare__Bus__V1__Envelope *wh_ctx_envelope(wh_ctx *ctx);
/* Who sent the command (from the CURVE handshake); NULL while applying an event. */
const wh_principal *wh_ctx_principal(wh_ctx *ctx);
/* The service's own state (wh_service_set_state). */
void *wh_ctx_state(wh_ctx *ctx);
wh_service *wh_ctx_service(wh_ctx *ctx);

/* Adds an event to this service's outbox in the current transaction; it carries the handled
 * message's correlation id, and its message_id as causation.  0 or a negative status. */
int wh_ctx_emit(wh_ctx *ctx, const ProtobufCMessage *event);

/* Records a typed failure for the reply and returns status, so handlers write
 *     return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "persons.0.birth_date", "birth date must be YYYY-MM-DD");
 * The message is English, without personal data. */
int wh_ctx_fail(wh_ctx *ctx, int status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The business date of a command into out: `given` when it is a valid YYYY-MM-DD, the fallback (or
 * today in the district) when `given` is empty; otherwise INVALID_ARGUMENT naming field. */
int wh_ctx_business_date(wh_ctx *ctx, const char *given, const char *field, const char *fallback,
                         char out[11]);

/* Audits an accepted command that discloses personal data to its sender (a household's summary, a
 * sealed note read in clear): an audit_log row, decision "disclosed", with who (principal and key),
 * the message type and what (subject, e.g. "household:12", "follow_up:7"); the same again within a
 * tick adds to one row's count.  Nothing for an event being applied. */
void wh_ctx_audit_disclosure(wh_ctx *ctx, const char *subject_fmt, ...) __attribute__((format(printf, 2, 3)));

/* Batch-lifetime memory (zeroed). */
void *wh_ctx_alloc(wh_ctx *ctx, size_t size);
char *wh_ctx_strdup(wh_ctx *ctx, const char *s);

/* --- for the service's start/stop and timers ------------------------------------------------- */

void wh_service_set_state(wh_service *svc, void *state);
void *wh_service_state(wh_service *svc);
uv_loop_t *wh_service_loop(wh_service *svc);
const char *wh_service_name(const wh_service *svc);
/* The operations endpoint, for services that add routes in start (created before start, listening
 * after it). */
wh_http *wh_service_http(wh_service *svc);

/* Runs job(ctx, arg) in a transaction of its own, with emit available, as the loop does for
 * commands (a timer's daily planning, say).  0 or the job's / the database's negative status. */
int wh_service_run(wh_service *svc, int (*job)(wh_ctx *ctx, void *arg), void *arg);

#define WH_EVENT_MAX_ATTEMPTS 5

#endif

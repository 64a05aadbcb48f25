/*
 * commands.c — the command socket: a ROUTER that drains what waits, rejects what is bad, handles the
 * rest in one transaction and replies after the commit.
 *
 *   receive ≤ batch_max messages ─▶ check each (size, envelope and every one of its fields, principal,
 *   type, grant, payload): a bad one is answered at once with a typed error, stores nothing ─▶ queries, in a
 * read transaction, answered at once ─▶ BEGIN ─▶ the repeats' stored replies (one statement) ─▶ every other
 * command's handler ─▶ their replies (one statement) and events (one statement, outbox.c) ─▶ COMMIT ─▶ send
 * every reply ─▶ announce the new stream head.
 *
 * The fast pass runs the handlers without savepoints: a round trip per handler statement and nothing
 * else.  When a handler fails, the batch is rolled back and run again carefully, each command in a
 * savepoint, so a failure undoes only its own effect and events.  A final failure (wh_status_is_final)
 * is stored and replayed like a success; a transient one is not, so the client's retry can succeed.
 * When the commit fails nothing of the batch happened, and every command is answered UNAVAILABLE.
 *
 * This file is the socket side (receiving, checking, replying); the batch's transaction is
 * commands_batch.c.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bus_internal.h"
#include "commands_internal.h"
#include "welfare/bus/v1/stream.pb-c.h"
#include "wh/config.h"
#include "wh/log.h"
#include "wh/text.h"
#include "wh/util.h"

/* What every service answers besides its own table: reading its stream, and its dead letters. */
static const wh_command builtin_rows[] = {
    {&welfare__bus__v1__fetch_events__descriptor, &welfare__bus__v1__fetch_events_reply__descriptor,
     wh_fetch_handle, WH_ROLES_ALL, true, "read this service's event stream after a position",
     WH_STATUS_BIT(WH_NOT_FOUND)},
    {&welfare__bus__v1__list_dead_letters__descriptor, &welfare__bus__v1__list_dead_letters_reply__descriptor,
     wh_admin_list_dead_letters, WH_ROLE_OPERATOR, true, "list the events this service parked", 0},
    {&welfare__bus__v1__replay_dead_letter__descriptor,
     &welfare__bus__v1__replay_dead_letter_reply__descriptor, wh_admin_replay_dead_letter, WH_ROLE_OPERATOR,
     false, "apply a parked event again",
     WH_STATUS_BIT(WH_NOT_FOUND) | WH_STATUS_BIT(WH_FAILED_PRECONDITION)},
};
#define N_BUILTIN (sizeof builtin_rows / sizeof builtin_rows[0])
static const wh_command *const fetch_row = &builtin_rows[0];

/* --- metrics ------------------------------------------------------------------------------------ */

static void count(wh_commands *c, const pending *p, int status)
{
    size_t slot = p->row * STATUS_SLOTS + (size_t)(-status);
    char labels[200];

    if (status > 0 || -status >= STATUS_SLOTS)
        return;
    if (c->by_row[slot] == NULL) {
        snprintf(labels, sizeof labels, "type=\"%s\",status=\"%s\"", p->cmd->request->name,
                 wh_status_name(status));
        c->by_row[slot] =
            wh_metrics_counter("wh_bus_commands_total", labels, "Commands answered, by type and status");
    }
    wh_counter_add(c->by_row[slot], 1);
}

bool wh_command_may_return(const wh_command *cmd, int status)
{
    if (status >= 0 || status < WH_TOO_LARGE)
        return true; /* success, or a code this build does not know: answered as INTERNAL */
    return ((WH_COMMON_ERRORS | cmd->errors) & WH_STATUS_BIT(status)) != 0;
}

void wh_cmd_undeclared(wh_commands *c, const pending *p, int status, const char *field, const char *message)
{
    size_t slot = p->row * STATUS_SLOTS + (size_t)(-status);
    char labels[200];

    if (c->undeclared[slot] == NULL) { /* the first of its type and status: logged once */
        wh_log_error("a handler answered a status its command does not declare (commands.proto errors)",
                     "{s:s, s:s, s:s, s:s}", "type", p->cmd->request->name, "status", wh_status_name(status),
                     "field", field != NULL ? field : "", "message", message != NULL ? message : "");
        snprintf(labels, sizeof labels, "type=\"%s\",status=\"%s\"", p->cmd->request->name,
                 wh_status_name(status));
        c->undeclared[slot] = wh_metrics_counter("wh_bus_undeclared_errors_total", labels,
                                                 "Replies with a status the command does not declare");
    }
    wh_counter_add(c->undeclared[slot], 1);
}

static void register_metrics(wh_commands *c)
{
    const char *help = "Messages rejected before any handler ran, by reason";

    c->rejected_malformed = wh_metrics_counter("wh_bus_rejected_total", "reason=\"malformed\"", help);
    c->rejected_large = wh_metrics_counter("wh_bus_rejected_total", "reason=\"too_large\"", help);
    c->rejected_unknown = wh_metrics_counter("wh_bus_rejected_total", "reason=\"unknown_type\"", help);
    c->rejected_denied = wh_metrics_counter("wh_bus_rejected_total", "reason=\"permission_denied\"", help);
    c->rejected_text = wh_metrics_counter("wh_bus_rejected_total", "reason=\"invalid_text\"", help);
    c->rejected_busy = wh_metrics_counter("wh_bus_rejected_total", "reason=\"resource_exhausted\"", help);
    c->rejected_in_flight = wh_metrics_counter("wh_bus_rejected_total", "reason=\"in_flight\"", help);
    c->rejected_connections = wh_metrics_counter("wh_bus_rejected_total", "reason=\"connections\"", help);
    c->connections_refused =
        wh_metrics_counter("wh_bus_connections_refused_total", NULL,
                           "Connections refused: their key had WH_MAX_CONNECTIONS_PER_KEY open already");
    c->idle_closed = wh_metrics_counter("wh_bus_connections_idle_closed_total", NULL,
                                        "Connections closed: nothing sent within WH_IDLE_CONNECTION_SECONDS");
    c->shed = wh_metrics_counter("wh_bus_connections_shed_total", NULL,
                                 "Connections closed past WH_MAX_CONNECTIONS: the one waiting longest "
                                 "without sending anything");
    c->dropped_unread =
        wh_metrics_counter("wh_bus_replies_dropped_total", "reason=\"not_reading\"",
                           "Replies dropped: the connection's send queue was full, or it was gone");
    c->dropped_gone =
        wh_metrics_counter("wh_bus_replies_dropped_total", "reason=\"gone\"",
                           "Replies dropped: the connection's send queue was full, or it was gone");
    c->queries_gone =
        wh_metrics_counter("wh_bus_queries_dropped_total", "reason=\"gone\"",
                           "Queries not run: their connection had closed before they were read");
    c->fetches_held = wh_metrics_counter("wh_bus_fetches_held_total", NULL,
                                         "FetchEvents at the head held for the next commit (wait_ms)");
    c->replayed = wh_metrics_counter("wh_bus_commands_replayed_total", NULL,
                                     "Repeated message ids answered with the stored reply");
    c->latency = wh_metrics_histogram("wh_bus_command_seconds", NULL,
                                      "From receiving a command to sending its reply (after commit)");
    c->batch_size = wh_metrics_gauge("wh_bus_batch_size", NULL, "Commands in the last batch");
    static const char *const stages[WH_STAGE_COUNT] = {"receive", "queries", "repeats", "handlers",
                                                       "replies", "commit",  "send"};
    for (int i = 0; i < WH_STAGE_COUNT; i++) {
        char labels[48];
        snprintf(labels, sizeof labels, "stage=\"%s\"", stages[i]);
        c->stage[i] = wh_metrics_histogram("wh_bus_batch_stage_seconds", labels,
                                           "Time a batch of the command socket spends in each stage");
    }
}

void wh_cmd_stage_done(wh_commands *c, wh_batch_stage stage, uint64_t *since_ns)
{
    uint64_t now = wh_mono_ns();
    wh_histogram_observe(c->stage[stage], (double)(now - *since_ns) / 1e9);
    *since_ns = now;
}

/* --- replies -------------------------------------------------------------------------------------- */

void wh_cmd_set_reply(wh_commands *c, pending *p, int status, const char *field, const char *message,
                      const ProtobufCMessage *msg)
{
    const char *type = p->cmd != NULL ? p->cmd->reply->name : "";

    free(p->reply);
    p->reply = NULL;
    p->status = status;
    snprintf(p->why, sizeof p->why, "%s", status < 0 && message != NULL ? message : "");
    if (wh_envelope_reply(c->svc, p->env, type, msg, status, field, message, p->retry_after_ms, &p->reply,
                          &p->reply_len) != 0)
        p->reply = NULL; /* out of memory: no answer; the client retries */
}

/* ZMQ_ROUTER_MANDATORY: a connection whose queue is full (it does not read) or that is gone makes the
 * first frame fail; the reply is dropped, counted and audited — never waited for. */
static void reply_dropped(wh_commands *c, const pending *p)
{
    bool gone = zmq_errno() == EHOSTUNREACH;

    wh_counter_add(gone ? c->dropped_gone : c->dropped_unread, 1);
    if (!gone)
        wh_audit_record(c->svc, p->principal != NULL ? p->principal->name : "", p->public_key,
                        p->cmd != NULL ? p->cmd->request->name : "", "reply_dropped",
                        "the connection does not read its replies: its send queue is full", NULL);
}

static void free_frame(void *data, void *hint)
{
    (void)hint;
    free(data);
}

/* The reply's last frame, handed to libzmq as it is (zero-copy): freed by its I/O thread once written
 * to the connection, not copied first — a FetchEvents reply (up to WH_FETCH_MAX_BYTES) was held twice
 * until then, ours and zmq_send's copy. */
static void send_frame(wh_commands *c, pending *p)
{
    zmq_msg_t m;

    if (zmq_msg_init_data(&m, p->reply, p->reply_len, free_frame, NULL) != 0) {
        zmq_send(c->z.sock, p->reply, p->reply_len, ZMQ_DONTWAIT);
        return;
    }
    p->reply = NULL; /* libzmq's now */
    p->reply_len = 0;
    if (zmq_msg_send(&m, c->z.sock, ZMQ_DONTWAIT) < 0)
        zmq_msg_close(&m);
}

static void send_reply(wh_commands *c, pending *p)
{
    for (int i = 0; i < p->n_route; i++)
        if (zmq_msg_send(&p->route[i], c->z.sock, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
            if (i == 0) {
                reply_dropped(c, p);
                return;
            }
        }
    if (p->reply != NULL)
        send_frame(c, p);
    else if (p->n_route > 0)
        zmq_send(c->z.sock, "", 0, ZMQ_DONTWAIT); /* close the multipart message */
    wh_histogram_observe(c->latency, (double)(wh_mono_ns() - p->received_ns) / 1e9);
}

/* Sets aside the envelope field that failed its check (by its name in the Envelope), so the reply
 * built from the envelope cannot echo it; pending_clear puts it back for the decoder to free. */
static void hide_field(pending *p, const char *field)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(&welfare__bus__v1__envelope__descriptor, field);

    if (f == NULL || f->type != PROTOBUF_C_TYPE_STRING)
        return;
    p->hidden_at = (char **)((char *)p->env + f->offset);
    p->hidden = *p->hidden_at;
    *p->hidden_at = NULL;
}

void wh_cmd_pending_clear(pending *p)
{
    for (int i = 0; i < p->n_route; i++)
        zmq_msg_close(&p->route[i]);
    if (p->hidden_at != NULL)
        *p->hidden_at = p->hidden;
    if (p->env != NULL)
        welfare__bus__v1__envelope__free_unpacked(p->env, NULL);
    if (p->request != NULL)
        protobuf_c_message_free_unpacked(p->request, NULL);
    free(p->reply);
    memset(p, 0, sizeof *p);
}

/* Rejects a message before any handler: typed error now, nothing stored. */
static void reject(wh_commands *c, pending *p, wh_counter *counter, int status, const char *field,
                   const char *message)
{
    const char *decision = status == WH_PERMISSION_DENIED   ? "permission_denied"
                           : status == WH_UNAVAILABLE       ? "resource_exhausted"
                           : status == WH_TOO_LARGE         ? "too_large"
                           : counter == c->rejected_unknown ? "unknown_type"
                           : counter == c->rejected_text    ? "invalid_text"
                                                            : "malformed";

    const char *type = p->env != NULL && wh_envelope_type_valid(p->env->type) ? p->env->type : "";

    wh_counter_add(counter, 1);
    wh_audit_record(c->svc, p->principal != NULL ? p->principal->name : "", p->public_key, type, decision,
                    message, NULL);
    wh_cmd_set_reply(c, p, status, field, message, NULL);
    if (p->cmd != NULL)
        count(c, p, status);
    send_reply(c, p); /* logged with the others of the second by the audit (audit.c), not one by one */
    wh_cmd_pending_clear(p);
}

/* --- receiving and checking ---------------------------------------------------------------------- */

static const wh_command *find_row(const wh_service *svc, const char *type, size_t *row)
{
    for (size_t i = 0; i < svc->def->n_commands; i++)
        if (strcmp(svc->def->commands[i].request->name, type) == 0) {
            *row = i;
            return &svc->def->commands[i];
        }
    for (size_t i = 0; i < N_BUILTIN; i++)
        if (strcmp(builtin_rows[i].request->name, type) == 0) {
            *row = svc->def->n_commands + i;
            return &builtin_rows[i];
        }
    return NULL;
}

/* Reads one multipart message: routing frames into p->route, the last frame into *body.
 * 1 read, 0 nothing waiting, -1 more frames than we accept (read and dropped). */
static wh_command_batch_fn find_batch_handler(const wh_service *svc, const wh_command *cmd)
{
    for (size_t i = 0; i < svc->def->n_batch_handlers; i++)
        if (svc->def->batch_handlers[i].request == cmd->request)
            return svc->def->batch_handlers[i].handle;
    return NULL;
}

static int receive(wh_commands *c, pending *p, zmq_msg_t *body)
{
    int more = 1, frames = 0;

    zmq_msg_init(body);
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, c->z.sock, frames == 0 ? ZMQ_DONTWAIT : 0) < 0) {
            zmq_msg_close(&m);
            return 0;
        }
        frames++;
        more = zmq_msg_more(&m);
        if (!more) {
            zmq_msg_move(body, &m);
        } else if (p->n_route < ROUTE_MAX) {
            zmq_msg_init(&p->route[p->n_route]);
            zmq_msg_move(&p->route[p->n_route++], &m);
        }
        zmq_msg_close(&m);
    }
    return frames <= ROUTE_MAX + 1 ? 1 : -1;
}

/* A frame too large to decode: its id and type read from the wire, so the TOO_LARGE reply answers
 * the command (causation_id) with its reply type, and a client waiting for it sees it at once. */
static void recover_cause(wh_service *svc, pending *p, const uint8_t *frame, size_t len)
{
    Welfare__Bus__V1__Envelope cause = WELFARE__BUS__V1__ENVELOPE__INIT;
    char id[WH_MESSAGE_ID_MAX + 1], type[WH_TYPE_MAX + 1];
    uint8_t packed[WH_MESSAGE_ID_MAX + WH_TYPE_MAX + 16];

    if (!wh_envelope_peek(frame, len, id, type))
        return;
    cause.message_id = id;
    cause.type = type;
    p->env =
        welfare__bus__v1__envelope__unpack(NULL, welfare__bus__v1__envelope__pack(&cause, packed), packed);
    p->cmd = p->env != NULL && p->principal != NULL ? find_row(svc, type, &p->row) : NULL;
}

/* What "the same command" means for a reused message id: BLAKE2b-256 over the type, a NUL and the
 * payload bytes exactly as received (a retry resends the same frame). */
static void command_digest(pending *p)
{
    crypto_generichash_state h;

    crypto_generichash_init(&h, NULL, 0, sizeof p->digest);
    crypto_generichash_update(&h, (const unsigned char *)p->cmd->request->name,
                              strlen(p->cmd->request->name) + 1);
    crypto_generichash_update(&h, p->env->payload.data, p->env->payload.len);
    crypto_generichash_final(&h, p->digest, sizeof p->digest);
}

/* Who sent it: the key of the connection's handshake, and its principal in the current list. */
static void identify(wh_service *svc, pending *p, zmq_msg_t *body)
{
    const char *user = zmq_msg_gets(body, "User-Id");

    p->received_ns = wh_mono_ns();
    p->fd = zmq_msg_get(body, ZMQ_SRCFD);
    snprintf(p->public_key, sizeof p->public_key, "%s", user != NULL ? user : "");
    p->principal = user != NULL ? wh_access_by_key(svc->access, user) : NULL; /* the current list */
}

/* The per-connection bounds (peer_bounds.c): true when p may go on.  A query of a connection that is
 * gone is dropped first, unanswered (peer_gone.c); a command of one runs, unbounded by a connection
 * that is no more, and its reply is stored for the client's retry. */
static bool within_bounds(wh_commands *c, pending *p, zmq_msg_t *body)
{
    bool gone = p->cmd->query && wh_peer_message_gone(c, p);

    if (gone) {
        wh_counter_add(c->queries_gone, 1);
        wh_cmd_pending_clear(p);
        return false;
    }
    wh_peer_standing standing = wh_peer_connection_ok(c, p, body);

    if (standing == WH_PEER_REFUSED) {
        p->retry_after_ms = WH_RETRY_CONNECTIONS_MS;
        reject(c, p, c->rejected_connections, WH_UNAVAILABLE, "",
               "this key has WH_MAX_CONNECTIONS_PER_KEY connections open already: this one is refused; "
               "close it and send on one of the others");
        return false;
    }
    if (standing != WH_PEER_STALE && wh_peer_unread_past_bound(body)) {
        p->retry_after_ms = WH_RETRY_UNREAD_MS;
        reject(c, p, c->rejected_busy, WH_UNAVAILABLE, "",
               "the replies already sent on this connection are not being read: read them, then resend "
               "(same message_id)");
        return false;
    }
    _Static_assert(WH_IN_FLIGHT_MAX == 64, "the reply below says 64");
    if (wh_peer_in_batch(c, p) >= WH_IN_FLIGHT_MAX) {
        p->retry_after_ms = WH_RETRY_IN_FLIGHT_MS;
        reject(c, p, c->rejected_in_flight, WH_UNAVAILABLE, "",
               "more than 64 commands of this connection in flight: read replies, then resend (same "
               "message_id)");
        return false;
    }
    if (p->cmd != fetch_row)
        return true;
    if (wh_peer_fetch_in_batch(c, p)) {
        p->retry_after_ms = WH_RETRY_FETCH_MS;
        reject(c, p, c->rejected_busy, WH_UNAVAILABLE, "",
               "one FetchEvents per connection at a time: read its reply, then fetch again");
        return false;
    }
    p->is_fetch = true;
    p->fetch_bytes =
        wh_peer_fetch_allowance(c, p, ((const Welfare__Bus__V1__FetchEvents *)p->request)->after_sequence);
    return true;
}

/* May p's principal send its type (a FetchEvents: read the stream it asks for)? */
static bool may_send(const wh_service *svc, const pending *p)
{
    return p->cmd == fetch_row ? wh_fetch_allowed(svc, p->principal, p->request)
                               : wh_access_may_send(p->principal, p->cmd->request->name, p->cmd->roles);
}

/* Checks a received message; true when it joins the batch, false when it was answered already. */
static bool admit(wh_commands *c, pending *p, zmq_msg_t *body)
{
    wh_service *svc = c->svc;
    size_t len = zmq_msg_size(body);

    identify(svc, p, body);
    if ((int64_t)len > svc->max_frame) {
        recover_cause(svc, p, zmq_msg_data(body), len);
        reject(c, p, c->rejected_large, WH_TOO_LARGE, "", "frame larger than the service accepts");
        return false;
    }
    p->env = welfare__bus__v1__envelope__unpack(NULL, len, zmq_msg_data(body));
    if (p->env == NULL) {
        reject(c, p, c->rejected_malformed, WH_MALFORMED, "", "not a welfare.bus.v1.Envelope");
        return false;
    }
    char field[WH_FIELD_PATH_MAX];
    const char *why = NULL;
    if (wh_envelope_check(p->env, zmq_msg_data(body), len, field, &why) != 0) {
        hide_field(p, field);
        reject(c, p, c->rejected_malformed, WH_MALFORMED, field, why);
        return false;
    }
    if (p->principal == NULL) {
        reject(c, p, c->rejected_denied, WH_PERMISSION_DENIED, "",
               "key not (or no longer) on the allow-list");
        return false;
    }
    p->cmd = find_row(svc, p->env->type != NULL ? p->env->type : "", &p->row);
    p->together = p->cmd != NULL && !p->cmd->query ? find_batch_handler(svc, p->cmd) : NULL;
    if (p->cmd == NULL) {
        reject(c, p, c->rejected_unknown, WH_MALFORMED, "type", "unknown message type for this service");
        return false;
    }
    p->request = wh_envelope_payload(p->env, p->cmd->request);
    if (p->request == NULL) {
        reject(c, p, c->rejected_malformed, WH_MALFORMED, "payload", "payload does not decode as its type");
        return false;
    }
    if (!may_send(svc, p)) {
        reject(c, p, c->rejected_denied, WH_PERMISSION_DENIED, "", "principal may not send this type");
        return false;
    }
    if (!within_bounds(c, p, body))
        return false;
    /* the text policy (wh/text.h), for every command of every service: on the wire, then decoded */
    if (wh_wire_strings_check(p->cmd->request, p->env->payload.data, p->env->payload.len, field, sizeof field,
                              &why) != 0 ||
        wh_text_policy_apply(p->request, field, sizeof field, &why) != 0) {
        reject(c, p, c->rejected_text, WH_INVALID_ARGUMENT, field, why);
        return false;
    }
    command_digest(p);
    return true;
}

/* Sends a reply and counts it; the message is answered.  A handler's PERMISSION_DENIED (an agency
 * filing as another reporter, say) is a refusal like the framework's: audited. */
void wh_cmd_finish(wh_commands *c, pending *p)
{
    if (p->status == WH_PERMISSION_DENIED && !p->replayed)
        wh_audit_record(c->svc, p->principal != NULL ? p->principal->name : "", p->public_key,
                        p->cmd != NULL ? p->cmd->request->name : "", "permission_denied", p->why, NULL);
    count(c, p, p->status);
    send_reply(c, p);
    p->done = true;
}

/* True when the batch holds a command (not only queries).  Only such a batch counts as work for
 * giving memory back when idle (service.c:give_back_memory): consumers fetch a producer's stream every
 * tick even when nothing is new, so counting their queries kept a producer "busy" for good and it
 * never trimmed its heap nor recycled its connection. */
static bool batch_writes(const wh_commands *c)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->batch[i].cmd != NULL && !c->batch[i].cmd->query)
            return true;
    return false;
}

/* Takes the next batch: up to batch_max commands, and no more once they hold batch_max_bytes (one
 * large command — an import block of ~1 MB — makes a batch of its own, so the queries waiting behind
 * it, consumers' FetchEvents, are answered after each block, not after four: docs/benchmarks.md).
 * Its queries are answered at once (commands_batch.c); its commands stay in the batch for
 * finish_batch.  False when no command is left to run. */
static bool take_batch(wh_commands *c)
{
    zmq_msg_t body;
    uint64_t t = wh_mono_ns();
    size_t bytes = 0, waiting = 0;

    c->n = 0;
    wh_monitor_drain(c->monitor); /* the connections gone since the last batch (peer_gone.c) */
    while (c->n < (size_t)c->svc->batch_max && bytes < (size_t)c->svc->batch_max_bytes) {
        pending *p = &c->batch[c->n];
        int got = receive(c, p, &body);
        if (got == 0) {
            zmq_msg_close(&body);
            wh_cmd_pending_clear(p);
            break;
        }
        if (got < 0) {
            identify(c->svc, p, &body); /* audited with who sent it */
            reject(c, p, c->rejected_malformed, WH_MALFORMED, "", "too many frames");
        } else if (admit(c, p, &body)) {
            c->n++;
            bytes += zmq_msg_size(&body);
        }
        zmq_msg_close(&body);
    }
    if (c->n == 0)
        return false;
    c->svc->trim_due = true; /* a query allocates too (a FetchEvents reply): one trim once idle */
    wh_gauge_set(c->batch_size, (double)c->n);
    if (batch_writes(c))
        c->svc->worked = 2;
    wh_cmd_stage_done(c, WH_STAGE_RECEIVE, &t);
    wh_cmd_run_queries(c);
    for (size_t i = 0; i < c->n; i++)
        waiting += !c->batch[i].done;
    if (waiting > 0)
        return true;
    for (size_t i = 0; i < c->n; i++)
        wh_cmd_pending_clear(&c->batch[i]);
    c->n = 0;
    wh_arena_reset(c->arena);
    return false;
}

/* The taken batch's commands in one transaction, their replies sent, the new head announced (and the
 * fetches held for it answered, fetch_wait.c). */
static void finish_batch(wh_commands *c)
{
    uint64_t t;

    wh_cmd_run_batch(c);
    t = wh_mono_ns();
    for (size_t i = 0; i < c->n; i++) {
        if (!c->batch[i].done)
            wh_cmd_finish(c, &c->batch[i]);
        wh_cmd_pending_clear(&c->batch[i]);
    }
    wh_cmd_stage_done(c, WH_STAGE_SEND, &t);
    c->n = 0;
    wh_arena_reset(c->arena);
    wh_hints_publish(c->svc, false);
}

/* A batch is taken (its queries answered), then finished (its commands committed).  Right after a
 * commit the next batch is taken at once: the queries that arrived while this one ran — consumers'
 * FetchEvents — are answered now, with the events just committed, not after whatever the loop runs
 * before the next turn (intake's own apply of case's stream took ~50 ms there: docs/benchmarks.md).
 * Its commands wait in the batch for the next turn (wh_zsock.more), as they would have in the socket;
 * an allow-list reloaded meanwhile authorizes them again (wh_commands_reauthorize). */
static void on_readable(wh_zsock *z, void *arg)
{
    wh_commands *c = arg;

    z->more = false;
    if (c->n == 0 && !take_batch(c))
        return;
    finish_batch(c);
    z->more = take_batch(c);
}

bool wh_cmd_authorized_again(wh_commands *c, pending *p)
{
    p->principal = wh_access_by_key(c->svc->access, p->public_key);
    if (p->principal != NULL && may_send(c->svc, p))
        return true;
    wh_cmd_set_reply(c, p, WH_PERMISSION_DENIED, "", "key not (or no longer) allowed to send this type",
                     NULL);
    wh_cmd_finish(c, p);
    return false;
}

void wh_commands_reauthorize(wh_commands *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n; i++)
        if (!c->batch[i].done)
            wh_cmd_authorized_again(c, &c->batch[i]);
    wh_fetch_wait_reauthorize(c);
}

/* --- lifecycle ---------------------------------------------------------------------------------- */

/* The monitor is attached before the bind: no connection can be accepted, nor its handshake fail,
 * before its events are listened to (monitor.c). */
static void *bind_router(wh_commands *c)
{
    wh_service *svc = c->svc;
    const char *bind = wh_config_str("WH_BUS_BIND", NULL);
    const char *endpoint = bind != NULL && *bind ? bind : wh_config_bus_endpoint(svc->def->name);
    void *sock = zmq_socket(svc->zctx, ZMQ_ROUTER);
    int64_t hard = WH_HARD_FRAME_LIMIT;
    int zero = 0, one = 1, sndhwm = WH_ROUTER_SNDHWM, rcvhwm = WH_ROUTER_RCVHWM;
    int handshake_ms = (int)svc->handshake_s * 1000;

    if (sock == NULL || wh_zsock_curve_server(sock, svc->secret_key, WH_ZAP_DOMAIN_COMMANDS) != 0 ||
        zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &hard, sizeof hard) != 0 ||
        zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        zmq_setsockopt(sock, ZMQ_HANDSHAKE_IVL, &handshake_ms, sizeof handshake_ms) != 0 ||
        zmq_setsockopt(sock, ZMQ_RCVHWM, &rcvhwm, sizeof rcvhwm) != 0 ||
        zmq_setsockopt(sock, ZMQ_SNDHWM, &sndhwm, sizeof sndhwm) != 0 ||
        zmq_setsockopt(sock, ZMQ_ROUTER_MANDATORY, &one, sizeof one) != 0 ||
        wh_monitor_start(&c->monitor, c, sock) != 0 || zmq_bind(sock, endpoint) != 0) {
        wh_log_error("cannot bind the command socket", "{s:s, s:s}", "endpoint", endpoint, "error",
                     zmq_strerror(zmq_errno()));
        wh_monitor_stop(&c->monitor);
        if (sock != NULL)
            zmq_close(sock);
        return NULL;
    }
    wh_log_info("commands bound", "{s:s}", "endpoint", endpoint);
    return sock;
}

static void free_commands(wh_zsock *z)
{
    wh_commands *c = z->arg;

    wh_fetch_wait_free(c);
    free(c->waiting);
    for (size_t i = 0; i < c->n; i++) /* a batch taken, its commands not run: as if still queued */
        wh_cmd_pending_clear(&c->batch[i]);
    wh_arena_free(&c->arena);
    wh_peers_free(&c->peers);
    for (int i = 0; i < WH_KEEP_COLUMNS; i++)
        wh_sqlarray_free(&c->keep[i]);
    free(c->batch);
    free(c->by_row);
    free(c->undeclared);
    free(c);
}

int wh_commands_start(wh_commands **out, wh_service *svc)
{
    wh_commands *c = calloc(1, sizeof *c);
    void *sock;

    *out = NULL;
    if (c == NULL)
        return WH_INTERNAL;
    c->svc = svc;
    c->arena = wh_arena_new();
    c->batch = calloc((size_t)svc->batch_max, sizeof *c->batch);
    c->waiting = calloc(WH_FETCH_WAITING_MAX, sizeof *c->waiting);
    c->by_row = calloc((svc->def->n_commands + N_BUILTIN) * STATUS_SLOTS, sizeof *c->by_row);
    c->undeclared = calloc((svc->def->n_commands + N_BUILTIN) * STATUS_SLOTS, sizeof *c->undeclared);
    if (c->arena == NULL || c->batch == NULL || c->waiting == NULL || c->by_row == NULL ||
        c->undeclared == NULL) {
        free_commands(&c->z);
        return WH_INTERNAL;
    }
    c->z.arg = c;
    register_metrics(c);
    sock = bind_router(c);
    if (sock == NULL || wh_zsock_start(&c->z, svc->loop, sock, on_readable, c) != 0) {
        wh_monitor_stop(&c->monitor);
        if (sock != NULL)
            zmq_close(sock);
        free_commands(&c->z);
        return WH_UNAVAILABLE;
    }
    *out = c;
    return 0;
}

void wh_commands_stop(wh_commands **c)
{
    if (c == NULL || *c == NULL)
        return;
    wh_monitor_stop(&(*c)->monitor); /* before the socket it watches closes */
    (*c)->z.on_closed = free_commands;
    wh_zsock_close(&(*c)->z);
    *c = NULL;
}

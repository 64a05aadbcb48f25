/*
 * consumer.c — one stream this service subscribes to: its position, pulling what follows, applying
 * each event exactly once.
 *
 * The position (the last sequence applied) lives in consumer_position, in this service's schema.
 * We ask the producer for the events after it (FetchEvents on its command socket) at start, when a
 * StreamHead hint (or a reply) says the stream is ahead of the position, right after a full batch
 * (while behind), to retry what failed on the next tick, and — the safety net for lost hints — once
 * every WH_FETCH_LIVENESS_MS (15 s) without any fetch.  An idle consumer therefore sends one
 * FetchEvents per liveness period, not one a tick.  At most one FetchEvents is in flight per stream:
 * one left unanswered for WH_FETCH_TIMEOUT_MS is abandoned with its socket: a new DEALER, a new
 * connection, so its late reply cannot arrive beside the next one's (and nothing of the old
 * connection's state can wedge the new one; reconnecting one socket to the same endpoint is not
 * reliable in libzmq).  So is a socket that could not send a due FetchEvents for that long (no
 * connection ever completed).  The events of one
 * reply are applied in one transaction together with the new position, so an event's effect and the
 * position that says it happened commit together: after any crash the stream resumes exactly after
 * the last committed event.  Sequences are checked: an event at or below the position is a duplicate
 * and skipped, a gap stops the batch and the rest is fetched again.
 *
 * A handler that fails rolls the batch back; the events before it are applied on their own, and the
 * failing one is retried on the following ticks (a refused fetch also waits for the next tick, so a
 * producer that cannot answer is not asked thousands of times a second).  After WH_EVENT_MAX_ATTEMPTS
 * failures it is parked in dead_letter with its error and the stream moves on.  A database that is away is
 * not the event's fault: those failures are not counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include <jansson.h>

#include "bus_internal.h"
#include "wh/config.h"
#include "wh/log.h"
#include "wh/util.h"

struct wh_consumer {
    wh_service *svc;
    char stream[WH_PRINCIPAL_NAME_MAX];
    wh_zsock *dealer; /* replaced when a request is abandoned (renew_dealer) */
    wh_zsock sub;
    wh_arena *arena;
    bool position_loaded, in_flight;
    bool hold;      /* a fetch was refused or an event failed: wait for the next tick */
    bool retry;     /* the tick after a hold: fetch then, whatever the head says */
    bool wait_next; /* the last reply moved the stream on: the next fetch at the head waits for a commit */
    uint64_t position, head, sent_ns;
    uint64_t sent_after; /* the position the request in flight asked after */
    const char **types;  /* the event types this service applies of the stream: all it asks for */
    size_t n_types;
    uint64_t last_fetch_ns;   /* the last FetchEvents sent: the liveness fetch counts from it */
    uint64_t unsent_since_ns; /* a due FetchEvents could not be sent since then (0: it could) */
    char request_id[WH_UUID_LEN + 1];
    uint64_t failing_sequence;
    int attempts;
    int open_sockets; /* while stopping */
    wh_gauge *position_gauge, *lag_gauge;
    wh_counter *applied, *parked, *failures;
    wh_counter *fetches, *abandoned; /* FetchEvents sent; left unanswered (or unsendable), socket renewed */
    wh_histogram *fetch_seconds;     /* FetchEvents sent → its reply */
    wh_histogram *apply_seconds;     /* one fetched batch: begin → commit */
    wh_histogram *event_seconds;     /* an event's emission by its producer → its apply committed here */
};

typedef struct run_result {
    int status;       /* 0, a handler's failure, or a database status */
    size_t failed_at; /* index of the event that failed */
    bool together;    /* a batch handler failed: which event is not known */
    char error[300];  /* what failed, for the log and the dead letter */
} run_result;

/* --- applying ---------------------------------------------------------------------------------- */

static const wh_subscription *find_subscription(const wh_service *svc, const char *stream, const char *type)
{
    for (size_t i = 0; i < svc->def->n_subscriptions; i++) {
        const wh_subscription *s = &svc->def->subscriptions[i];
        if (strcmp(s->stream, stream) == 0 && strcmp(s->event->name, type) == 0)
            return s;
    }
    return NULL;
}

/* Applies one event inside the open transaction.  0 or a negative status with error filled. */
static int apply_event(wh_consumer *c, const Welfare__Bus__V1__Envelope *env, run_result *res)
{
    const wh_subscription *s = find_subscription(c->svc, c->stream, env->type != NULL ? env->type : "");
    ProtobufCMessage *event;
    wh_ctx ctx;
    int rc;

    if (s == NULL)
        return 0; /* not ours: the position moves past it */
    event = wh_envelope_payload(env, s->event);
    if (event == NULL) {
        snprintf(res->error, sizeof res->error, "payload does not decode as %s", s->event->name);
        return WH_MALFORMED;
    }
    wh_ctx_init(&ctx, c->svc, c->arena, env, NULL);
    wh_log_set_correlation(env->correlation_id);
    rc = s->apply(&ctx, event);
    wh_log_set_correlation(NULL);
    protobuf_c_message_free_unpacked(event, NULL);
    if (rc != 0) {
        rc = ctx.status < 0 ? ctx.status : rc;
        snprintf(res->error, sizeof res->error, "%s%s%s%s", wh_status_name(rc), ctx.field[0] ? " " : "",
                 ctx.field, ctx.message[0] ? ": " : "");
        strncat(res->error, ctx.message, sizeof res->error - strlen(res->error) - 1);
    }
    return rc;
}

int wh_consumer_apply_stored(wh_ctx *ctx, const char *stream, const Welfare__Bus__V1__Envelope *env)
{
    const wh_subscription *s = find_subscription(ctx->svc, stream, env->type != NULL ? env->type : "");
    ProtobufCMessage *event;
    wh_ctx inner;
    int rc;

    if (s == NULL)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "type", "this service no longer applies %s",
                           env->type);
    event = wh_envelope_payload(env, s->event);
    if (event == NULL)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "", "payload does not decode as %s", s->event->name);
    wh_ctx_init(&inner, ctx->svc, ctx->arena, env, NULL);
    rc = s->apply(&inner, event);
    protobuf_c_message_free_unpacked(event, NULL);
    if (rc != 0)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, inner.field, "handler failed again: %s%s%s",
                           wh_status_name(inner.status < 0 ? inner.status : rc), inner.message[0] ? ": " : "",
                           inner.message);
    return 0;
}

static wh_event_batch_fn batch_handler(const wh_service *svc, const char *stream, const wh_subscription *s)
{
    for (size_t i = 0; s != NULL && i < svc->def->n_event_batch_handlers; i++) {
        const wh_event_batch *b = &svc->def->event_batch_handlers[i];
        if (b->event == s->event && strcmp(b->stream, stream) == 0)
            return b->apply;
    }
    return NULL;
}

/* The run of events[from] on that a batch handler takes: events of its type, and the events between
 * them that this service does not apply, up to the first one of another subscribed type or a gap
 * (fetched.c: the sequences a reply of the asked types only skips are no gap).
 * The index after the run. */
static size_t run_end(const wh_consumer *c, const wh_fetched *f, size_t from, size_t to,
                      const wh_subscription *s)
{
    Welfare__Bus__V1__Envelope **events = f->ev;
    size_t end = from + 1;

    while (end < to && wh_fetched_follows(f, end, events[end - 1]->sequence)) {
        const wh_subscription *t =
            find_subscription(c->svc, c->stream, events[end]->type != NULL ? events[end]->type : "");
        if (t != NULL && t != s && batch_handler(c->svc, c->stream, t) != batch_handler(c->svc, c->stream, s))
            break; /* another type with another batch handler (or none) ends the run */
        end++;
    }
    return end;
}

/* Applies events[from, end) of the subscription s with its batch handler, inside the open
 * transaction.  0 or a negative status with error filled. */
static int apply_together(wh_consumer *c, Welfare__Bus__V1__Envelope **events, size_t from, size_t end,
                          const wh_subscription *s, wh_event_batch_fn apply, run_result *res)
{
    size_t cap = end - from, n = 0;
    wh_ctx *ctx = wh_arena_alloc(c->arena, cap * sizeof *ctx);
    wh_ctx **ctxs = wh_arena_alloc(c->arena, cap * sizeof *ctxs);
    ProtobufCMessage **decoded = wh_arena_alloc(c->arena, cap * sizeof *decoded);
    int rc = ctx != NULL && ctxs != NULL && decoded != NULL ? 0 : WH_INTERNAL;

    for (size_t i = from; rc == 0 && i < end; i++) {
        /* s's type, or another whose batch function is the same one (run_end) */
        const wh_subscription *t =
            find_subscription(c->svc, c->stream, events[i]->type != NULL ? events[i]->type : "");
        if (t == NULL)
            continue; /* not ours: the position moves past it */
        decoded[n] = wh_envelope_payload(events[i], t->event);
        if (decoded[n] == NULL) {
            rc = WH_MALFORMED;
            break;
        }
        wh_ctx_init(&ctx[n], c->svc, c->arena, events[i], NULL);
        ctxs[n] = &ctx[n];
        n++;
    }
    if (rc == 0 && n > 0) {
        rc = apply(ctxs, (const ProtobufCMessage *const *)decoded, n);
        if (rc != 0) {
            int first = 0;
            while (first < (int)n - 1 && ctx[first].status == 0)
                first++;
            rc = ctx[first].status < 0 ? ctx[first].status : rc;
            snprintf(res->error, sizeof res->error, "%s (a batch of %zu %s)", wh_status_name(rc), n,
                     s->event->name);
        }
    }
    for (size_t k = 0; k < n; k++)
        protobuf_c_message_free_unpacked(decoded[k], NULL);
    if (rc != 0 && res->error[0] == '\0')
        snprintf(res->error, sizeof res->error, "%s", wh_status_name(rc));
    return rc;
}

/* Where the time went: the transaction, and each event from its emission to now. */
static void observe_applied(wh_consumer *c, Welfare__Bus__V1__Envelope **events, size_t from, size_t to,
                            uint64_t began_ns)
{
    int64_t now_ms = wh_now_ms();

    wh_histogram_observe(c->apply_seconds, (double)(wh_mono_ns() - began_ns) / 1e9);
    for (size_t i = from; i < to; i++)
        if (events[i]->time_unix_ms > 0 && now_ms >= events[i]->time_unix_ms)
            wh_histogram_observe(c->event_seconds, (double)(now_ms - events[i]->time_unix_ms) / 1e3);
}

/* Applies events[from, to) that follow the position, in one transaction with the position: runs of
 * a type with a batch handler together when together is set, every other event on its own.  When
 * they are the reply's last, the position moves past its tail too (to what it covers), even with no
 * event to apply (from == to == n: only the position moves). */
static int apply_run(wh_consumer *c, const wh_fetched *f, size_t from, size_t to, bool together,
                     run_result *res)
{
    Welfare__Bus__V1__Envelope **events = f->ev;
    wh_service *svc = c->svc;
    uint64_t next = c->position, began = wh_mono_ns();
    size_t i;

    res->status = wh_service_begin(svc);
    if (res->status != 0)
        return res->status;
    for (i = from; i < to && wh_fetched_follows(f, i, next);) {
        const wh_subscription *s =
            together ? find_subscription(svc, c->stream, events[i]->type != NULL ? events[i]->type : "")
                     : NULL;
        wh_event_batch_fn apply = batch_handler(svc, c->stream, s);
        size_t end = apply != NULL ? run_end(c, f, i, to, s) : i + 1;
        res->status =
            apply != NULL ? apply_together(c, events, i, end, s, apply, res) : apply_event(c, events[i], res);
        if (res->status != 0) {
            res->failed_at = i;
            res->together = apply != NULL;
            if (res->together)
                wh_log_warn("events applied together failed; applying them one at a time",
                            "{s:s, s:I, s:s, s:s}", "stream", c->stream, "sequence",
                            (json_int_t)events[i]->sequence, "type", s->event->name, "error", res->error);
            wh_service_rollback(svc);
            wh_arena_reset(c->arena);
            return res->status;
        }
        next = events[end - 1]->sequence;
        i = end;
    }
    if (i == to && to == f->n && wh_fetched_follows(f, to, next))
        next = f->end; /* the tail: events of types not asked for */
    if (next > c->position)
        res->status = wh_bus_position_advance(svc->db, c->stream, c->position, next);
    if (res->status == 0)
        res->status = wh_service_commit(svc);
    else
        wh_service_rollback(svc);
    wh_arena_reset(c->arena);
    if (res->status == WH_FAILED_PRECONDITION) /* the stored position is not ours: read it again */
        c->position_loaded = false;
    if (res->status != 0)
        return res->status;
    wh_counter_add(c->applied, next - c->position); /* sequences passed, applied or not asked for */
    observe_applied(c, events, from, i, began);
    c->position = next;
    svc->worked = 2;
    wh_hints_publish(svc, false);
    return 0;
}

/* Parks the event at the position + 1 and moves past it. */
static int park(wh_consumer *c, const Welfare__Bus__V1__Envelope *env, const char *error)
{
    wh_service *svc = c->svc;
    int rc = wh_service_begin(svc);

    if (rc == 0)
        rc = wh_bus_park(svc->db, c->stream, env, c->attempts, error);
    if (rc == 0)
        rc = wh_bus_position_advance(svc->db, c->stream, c->position, env->sequence);
    if (rc == 0)
        rc = wh_service_commit(svc);
    else
        wh_service_rollback(svc);
    if (rc != 0)
        return rc;
    wh_counter_add(c->parked, 1);
    wh_log_error("event parked in dead_letter", "{s:s, s:I, s:s, s:i, s:s}", "stream", c->stream, "sequence",
                 (json_int_t)env->sequence, "type", env->type, "attempts", c->attempts, "error", error);
    c->position = env->sequence;
    c->attempts = 0;
    c->hold = false; /* the stream moves on at once */
    return 0;
}

/* A single event failed: count it, and park it once it has failed often enough.  True to go on. */
static bool after_failure(wh_consumer *c, const Welfare__Bus__V1__Envelope *env, const run_result *res)
{
    c->hold = true; /* whatever happens next, the next try waits for the tick */
    if (res->status == WH_UNAVAILABLE || !c->svc->db_up)
        return false; /* the database, not the event: wait */
    if (env->sequence != c->failing_sequence) {
        c->failing_sequence = env->sequence;
        c->attempts = 0;
    }
    c->attempts++;
    wh_counter_add(c->failures, 1);
    wh_log_warn("event handler failed", "{s:s, s:I, s:s, s:i, s:s}", "stream", c->stream, "sequence",
                (json_int_t)env->sequence, "type", env->type, "attempt", c->attempts, "error", res->error);
    if (c->attempts < WH_EVENT_MAX_ATTEMPTS)
        return false; /* again on the next tick */
    return park(c, env, res->error) == 0;
}

static void apply_reply(wh_consumer *c, const wh_fetched *f)
{
    Welfare__Bus__V1__Envelope **ev = f->ev;
    size_t n = f->n, i = wh_fetched_first_after(f, c->position); /* before it: a late or repeated reply */
    bool together = true;
    run_result res;

    while (wh_fetched_follows(f, i, c->position)) {
        memset(&res, 0, sizeof res);
        if (apply_run(c, f, i, n, together, &res) == 0)
            return;
        if (res.together && res.status != WH_UNAVAILABLE && c->svc->db_up) {
            together = false; /* which event failed is not known: one at a time, from the start */
            continue;
        }
        if (res.status == WH_UNAVAILABLE || !c->svc->db_up || res.failed_at < i || res.failed_at >= n ||
            !wh_fetched_chained(f, i, res.failed_at)) {
            c->hold = true;
            return;
        }
        if (res.failed_at > i) { /* apply what precedes the failing event on its own */
            run_result before;
            memset(&before, 0, sizeof before);
            if (apply_run(c, f, i, res.failed_at, false, &before) != 0) {
                c->hold = true;
                return;
            }
            i = res.failed_at;
            continue;
        }
        if (!after_failure(c, ev[i], &res))
            return;
        i++;
    }
}

/* --- fetching ---------------------------------------------------------------------------------- */

static void update_gauges(wh_consumer *c)
{
    wh_gauge_set(c->position_gauge, (double)c->position);
    wh_gauge_set(c->lag_gauge, c->head > c->position ? (double)(c->head - c->position) : 0);
}

static void on_dealer(wh_zsock *z, void *arg);
static void *client_socket(wh_service *svc, int type, const char *server_key, const char *endpoint);

static void free_retired(wh_zsock *z)
{
    free(z);
}

/* The consumer's DEALER on the loop: a new socket connected to the stream's producer, or NULL. */
static wh_zsock *open_dealer(wh_consumer *c)
{
    const wh_principal *producer = wh_access_by_name(c->svc->access, c->stream);
    wh_zsock *z = calloc(1, sizeof *z);
    void *sock = z != NULL && producer != NULL ? client_socket(c->svc, ZMQ_DEALER, producer->public_key,
                                                               wh_config_bus_endpoint(c->stream))
                                               : NULL;

    if (sock == NULL || wh_zsock_start(z, c->svc->loop, sock, on_dealer, c) != 0) {
        if (sock != NULL && !z->started)
            zmq_close(sock);
        free(z);
        return NULL;
    }
    return z;
}

/* A FetchEvents left unanswered for WH_FETCH_TIMEOUT_MS (the producer restarted, the network lost
 * it), or a socket that could not send one for that long, is given up together with its socket: a
 * new DEALER connects afresh, so a late reply cannot come in beside the next request's, the producer
 * never sees two from us, and no state of the old connection is kept. */
static void renew_dealer(wh_consumer *c, const char *why)
{
    wh_zsock *fresh = open_dealer(c);

    c->in_flight = false;
    c->unsent_since_ns = 0;
    wh_counter_add(c->abandoned, 1);
    if (fresh == NULL) {
        wh_log_error("cannot open a new socket to a stream's producer; keeping the old one", "{s:s, s:s}",
                     "stream", c->stream, "error", zmq_strerror(zmq_errno()));
        return;
    }
    wh_log_warn("no FetchEvents reply; a new connection asks again", "{s:s, s:s, s:i}", "stream", c->stream,
                "why", why, "timeout_ms", WH_FETCH_TIMEOUT_MS);
    c->dealer->on_closed = free_retired;
    wh_zsock_close(c->dealer);
    c->dealer = fresh;
}

/* Asks for the stream's events after `after` (the position, or the last event of a reply not yet
 * applied: see on_reply); at most one request in flight.  wait_ms: at the head, the producer holds it
 * that long for its next commit (FetchEvents.wait_ms). */
static void fetch_after(wh_consumer *c, uint64_t after, uint32_t wait_ms)
{
    Welfare__Bus__V1__FetchEvents req = WELFARE__BUS__V1__FETCH_EVENTS__INIT;
    Welfare__Bus__V1__Envelope env = WELFARE__BUS__V1__ENVELOPE__INIT;
    wh_service *svc = c->svc;
    uint8_t *payload, *frame;
    size_t n;

    if (!svc->db_up || svc->stopping)
        return;
    if (c->in_flight) {
        if (wh_mono_ns() - c->sent_ns < (uint64_t)WH_FETCH_TIMEOUT_MS * 1000000)
            return;
        renew_dealer(c, "unanswered");
    } else if (c->unsent_since_ns != 0 &&
               wh_mono_ns() - c->unsent_since_ns >= (uint64_t)WH_FETCH_TIMEOUT_MS * 1000000) {
        renew_dealer(c, "no connection to send on");
    }
    if (!c->position_loaded) {
        if (wh_bus_position_load(svc->db, c->stream, &c->position) != 0)
            return;
        c->position_loaded = true;
    }
    req.stream = c->stream;
    req.after_sequence = after;
    req.max_events = (uint32_t)svc->fetch_max;
    req.types = (char **)c->types;
    req.n_types = c->n_types;
    req.wait_ms = wait_ms;
    wh_uuid(c->request_id);
    env.message_id = c->request_id;
    env.type = (char *)req.base.descriptor->name;
    env.correlation_id = c->request_id;
    env.producer = (char *)svc->def->name;
    env.time_unix_ms = wh_now_ms();
    n = welfare__bus__v1__fetch_events__get_packed_size(&req);
    payload = malloc(n + 1);
    if (payload == NULL)
        return;
    env.payload.len = welfare__bus__v1__fetch_events__pack(&req, payload);
    env.payload.data = payload;
    n = welfare__bus__v1__envelope__get_packed_size(&env);
    frame = malloc(n);
    if (frame != NULL) {
        n = welfare__bus__v1__envelope__pack(&env, frame);
        c->in_flight = zmq_send(c->dealer->sock, frame, n, ZMQ_DONTWAIT) == (int)n;
        c->sent_ns = wh_mono_ns();
        if (c->in_flight) {
            c->sent_after = after;
            c->last_fetch_ns = c->sent_ns;
            c->unsent_since_ns = 0;
            wh_counter_add(c->fetches, 1);
        } else if (c->unsent_since_ns == 0) {
            c->unsent_since_ns = c->sent_ns;
        }
        wh_zsock_kick(c->dealer);
    }
    free(frame);
    free(payload);
}

static void fetch(wh_consumer *c)
{
    fetch_after(c, c->position, 0);
}

/* At the head after a reply that moved the stream on: the next fetch goes out now and waits in the
 * producer for its next commit (fetch_wait.c), so the events of that commit come straight after it —
 * not after the hint, a fetch and, on a busy producer, its whole next batch.  A reply that moved
 * nothing (the wait passed with no commit, or a producer that does not wait) ends it: hints again. */
static void fetch_waiting(wh_consumer *c)
{
    c->wait_next = false;
    fetch_after(c, c->position, WH_FETCH_WAIT_MS);
}

/* While behind, the next fetch goes out before this reply is applied, so the producer reads and
 * sends it while this service applies (the round trip and the apply overlap instead of adding up).
 * It asks after what this reply covers; if the apply fails or stops short, its events do not follow
 * the position, are ignored (apply_reply), and the next fetch starts from the position again. */
static void prefetch(wh_consumer *c, const wh_fetched *f, uint64_t head)
{
    if (c->hold || c->in_flight || !c->position_loaded)
        return;
    if (wh_fetched_follows(f, wh_fetched_first_after(f, c->position), c->position) && f->end > c->position &&
        head > f->end)
        fetch_after(c, f->end, 0);
}

static void on_reply(wh_consumer *c, const Welfare__Bus__V1__Envelope *env)
{
    Welfare__Bus__V1__FetchEventsReply *reply;
    bool answers = env->causation_id != NULL && strcmp(env->causation_id, c->request_id) == 0;
    uint64_t after = c->sent_after; /* before prefetch sends the next */
    wh_fetched f;

    if (answers) {
        c->in_flight = false;
        wh_histogram_observe(c->fetch_seconds, (double)(wh_mono_ns() - c->sent_ns) / 1e9);
    }
    if (env->error != NULL && env->error->status != WELFARE__BUS__V1__STATUS__STATUS_UNSPECIFIED) {
        c->hold = true;
        wh_log_warn("stream fetch refused", "{s:s, s:s, s:s}", "stream", c->stream, "status",
                    wh_status_name(wh_status_from_proto(env->error->status)), "message",
                    env->error->message != NULL ? env->error->message : "");
        return;
    }
    reply = (Welfare__Bus__V1__FetchEventsReply *)wh_envelope_payload(
        env, &welfare__bus__v1__fetch_events_reply__descriptor);
    if (reply == NULL) {
        wh_log_error("stream fetch reply does not decode", "{s:s}", "stream", c->stream);
        return;
    }
    if (reply->head_sequence > c->head)
        c->head = reply->head_sequence;
    c->svc->trim_due = true; /* the reply was decoded, even when it held nothing new */
    wh_fetched_init(&f, reply, answers, after);
    c->wait_next = answers && f.end > after;
    prefetch(c, &f, reply->head_sequence);
    apply_reply(c, &f);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
}

static void on_dealer(wh_zsock *z, void *arg)
{
    wh_consumer *c = arg;

    for (int k = 0; k < 16; k++) {
        zmq_msg_t m;
        Welfare__Bus__V1__Envelope *env;
        if (z != c->dealer)
            break; /* a reply made us renew the socket (renew_dealer): this one is closed */
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, z->sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            break;
        }
        env = zmq_msg_more(&m) ? NULL
                               : welfare__bus__v1__envelope__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
        zmq_msg_close(&m);
        if (env != NULL) {
            on_reply(c, env);
            welfare__bus__v1__envelope__free_unpacked(env, NULL);
        }
    }
    update_gauges(c);
    if (!c->in_flight && !c->hold && c->head > c->position)
        fetch(c);
    else if (!c->in_flight && !c->hold && c->wait_next && c->position_loaded && c->head <= c->position)
        fetch_waiting(c);
}

/* A hint: [topic][Envelope(StreamHead)]. */
static void on_hint(wh_zsock *z, void *arg)
{
    wh_consumer *c = arg;

    for (int k = 0; k < 64; k++) {
        zmq_msg_t topic, body;
        Welfare__Bus__V1__Envelope *env = NULL;
        Welfare__Bus__V1__StreamHead *head = NULL;
        zmq_msg_init(&topic);
        zmq_msg_init(&body);
        if (zmq_msg_recv(&topic, z->sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&topic);
            zmq_msg_close(&body);
            break;
        }
        if (zmq_msg_more(&topic) && zmq_msg_recv(&body, z->sock, 0) >= 0 && !zmq_msg_more(&body))
            env = welfare__bus__v1__envelope__unpack(NULL, zmq_msg_size(&body), zmq_msg_data(&body));
        if (env != NULL)
            head = (Welfare__Bus__V1__StreamHead *)wh_envelope_payload(
                env, &welfare__bus__v1__stream_head__descriptor);
        if (head != NULL && head->stream != NULL && strcmp(head->stream, c->stream) == 0 &&
            head->head_sequence > c->head)
            c->head = head->head_sequence;
        if (head != NULL)
            protobuf_c_message_free_unpacked(&head->base, NULL);
        if (env != NULL)
            welfare__bus__v1__envelope__free_unpacked(env, NULL);
        zmq_msg_close(&topic);
        zmq_msg_close(&body);
    }
    update_gauges(c);
    if (!c->hold && c->head > c->position)
        fetch(c);
}

/* --- lifecycle ---------------------------------------------------------------------------------- */

static void register_metrics(wh_consumer *c)
{
    char labels[96];

    snprintf(labels, sizeof labels, "stream=\"%s\"", c->stream);
    c->position_gauge =
        wh_metrics_gauge("wh_bus_consumer_position", labels, "Last sequence applied, per stream");
    c->lag_gauge = wh_metrics_gauge("wh_bus_consumer_lag", labels, "Events published but not yet applied");
    c->applied =
        wh_metrics_counter("wh_bus_events_applied_total", labels, "Events applied (or passed), per stream");
    c->failures = wh_metrics_counter("wh_bus_event_failures_total", labels, "Event handler failures");
    c->parked = wh_metrics_counter("wh_bus_dead_letters_total", labels, "Events parked in dead_letter");
    c->fetches = wh_metrics_counter("wh_bus_fetches_total", labels, "FetchEvents sent to the producer");
    c->abandoned = wh_metrics_counter(
        "wh_bus_fetches_abandoned_total", labels,
        "FetchEvents left unanswered (or unsendable) for the timeout, their socket renewed");
    c->fetch_seconds = wh_metrics_histogram("wh_bus_fetch_seconds", labels,
                                            "FetchEvents round trips to the producer, per stream");
    c->apply_seconds = wh_metrics_histogram("wh_bus_apply_seconds", labels,
                                            "Transactions applying a fetched batch, per stream");
    c->event_seconds = wh_metrics_histogram(
        "wh_bus_event_seconds", labels, "An event's emission by its producer to its apply committed here");
}

static void *client_socket(wh_service *svc, int type, const char *server_key, const char *endpoint)
{
    void *sock = zmq_socket(svc->zctx, type);
    int zero = 0, one = 1, hwm = 16;

    if (sock == NULL)
        return NULL;
    if (wh_zsock_curve_client(sock, svc->secret_key, svc->public_key, server_key) != 0 ||
        zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        (type == ZMQ_DEALER && (zmq_setsockopt(sock, ZMQ_IMMEDIATE, &one, sizeof one) != 0 ||
                                zmq_setsockopt(sock, ZMQ_SNDHWM, &hwm, sizeof hwm) != 0)) ||
        zmq_connect(sock, endpoint) != 0) {
        zmq_close(sock);
        return NULL;
    }
    return sock;
}

/* The types of `stream` the service's subscription table applies, each once: what its FetchEvents
 * ask for (the producer sends no other), so the handler table is the one declaration of both. */
static const char **subscribed_types(const wh_service *svc, const char *stream, size_t *n)
{
    const char **types = calloc(svc->def->n_subscriptions + 1, sizeof *types);

    *n = 0;
    for (size_t i = 0; types != NULL && i < svc->def->n_subscriptions; i++) {
        const wh_subscription *s = &svc->def->subscriptions[i];
        bool listed = false;
        for (size_t k = 0; k < *n && !listed; k++)
            listed = strcmp(types[k], s->event->name) == 0;
        if (strcmp(s->stream, stream) == 0 && !listed)
            types[(*n)++] = s->event->name;
    }
    return types;
}

static int consumer_start(wh_service *svc, const char *stream, wh_consumer **out)
{
    const wh_principal *producer = wh_access_by_name(svc->access, stream);
    wh_consumer *c;
    void *sub;

    if (producer == NULL) {
        wh_log_error("producer of a subscribed stream is not in the allow-list", "{s:s}", "stream", stream);
        return WH_INVALID_ARGUMENT;
    }
    c = calloc(1, sizeof *c);
    if (c == NULL || (c->arena = wh_arena_new()) == NULL ||
        (c->types = subscribed_types(svc, stream, &c->n_types)) == NULL) {
        if (c != NULL)
            wh_arena_free(&c->arena);
        free(c);
        return WH_INTERNAL;
    }
    c->svc = svc;
    snprintf(c->stream, sizeof c->stream, "%s", stream);
    register_metrics(c);
    c->dealer = open_dealer(c);
    sub = client_socket(svc, ZMQ_SUB, producer->public_key, wh_config_hints_endpoint(stream));
    if (c->dealer == NULL || sub == NULL || zmq_setsockopt(sub, ZMQ_SUBSCRIBE, stream, strlen(stream)) != 0 ||
        wh_zsock_start(&c->sub, svc->loop, sub, on_hint, c) != 0) {
        wh_log_error("cannot connect to a stream", "{s:s, s:s}", "stream", stream, "error",
                     zmq_strerror(zmq_errno()));
        *out = c; /* closed by wh_consumers_stop */
        if (!c->sub.started && sub != NULL)
            zmq_close(sub);
        return WH_UNAVAILABLE;
    }
    *out = c;
    wh_log_info("subscribed", "{s:s}", "stream", stream);
    return 0;
}

static bool seen_before(const wh_service *svc, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (strcmp(svc->def->subscriptions[j].stream, svc->def->subscriptions[i].stream) == 0)
            return true;
    return false;
}

int wh_consumers_start(wh_service *svc)
{
    size_t n = svc->def->n_subscriptions;

    svc->consumers = calloc(n > 0 ? n : 1, sizeof *svc->consumers);
    if (svc->consumers == NULL)
        return WH_INTERNAL;
    for (size_t i = 0; i < n; i++) {
        if (seen_before(svc, i))
            continue;
        int rc = consumer_start(svc, svc->def->subscriptions[i].stream, &svc->consumers[svc->n_consumers]);
        if (svc->consumers[svc->n_consumers] != NULL)
            svc->n_consumers++;
        if (rc != 0)
            return rc;
    }
    wh_consumers_poll(svc);
    return 0;
}

/* Whether the tick should ask: the stream is ahead (a hint or a reply said so and nothing is in
 * flight to bring it), something failed on the last tick, the position must be read again, a
 * request went unanswered, or the liveness period passed without any fetch. */
static bool fetch_due(const wh_consumer *c, uint64_t now_ns)
{
    if (c->in_flight)
        return now_ns - c->sent_ns >= (uint64_t)WH_FETCH_TIMEOUT_MS * 1000000;
    return c->retry || !c->position_loaded || c->head > c->position ||
           now_ns - c->last_fetch_ns >= (uint64_t)c->svc->liveness_ms * 1000000;
}

void wh_consumers_tick(wh_service *svc)
{
    uint64_t now = wh_mono_ns();

    for (size_t i = 0; i < svc->n_consumers; i++) {
        wh_consumer *c = svc->consumers[i];
        c->retry = c->hold;
        c->hold = false;
        if (fetch_due(c, now))
            fetch(c);
        c->retry = c->retry && !c->in_flight; /* not sent (the database, the socket): next tick */
        update_gauges(c);
    }
}

void wh_consumers_poll(wh_service *svc)
{
    for (size_t i = 0; i < svc->n_consumers; i++) {
        svc->consumers[i]->hold = false;
        fetch(svc->consumers[i]);
        update_gauges(svc->consumers[i]);
    }
}

/* Each of the consumer's sockets reports once; the last frees the consumer. */
static void consumer_release(wh_consumer *c)
{
    if (--c->open_sockets > 0)
        return;
    wh_arena_free(&c->arena);
    free(c->types);
    free(c);
}

static void dealer_closed(wh_zsock *z)
{
    wh_consumer *c = z->arg;

    free(z);
    consumer_release(c);
}

static void sub_closed(wh_zsock *z)
{
    consumer_release(z->arg);
}

void wh_consumers_stop(wh_service *svc)
{
    for (size_t i = 0; i < svc->n_consumers; i++) {
        wh_consumer *c = svc->consumers[i];
        c->open_sockets = c->dealer != NULL ? 2 : 1;
        c->sub.on_closed = sub_closed;
        c->sub.arg = c;
        if (c->dealer != NULL) {
            c->dealer->on_closed = dealer_closed;
            c->dealer->arg = c;
            wh_zsock_close(c->dealer);
            c->dealer = NULL;
        }
        wh_zsock_close(&c->sub); /* may free c */
    }
    free(svc->consumers);
    svc->consumers = NULL;
    svc->n_consumers = 0;
}

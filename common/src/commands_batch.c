/*
 * commands_batch.c — one batch of the command socket (commands.c): the queries in a read transaction,
 * answered at once; then the commands in one write transaction — their repeats found in one
 * statement, the handlers run fast (no savepoints; consecutive commands of a type with a batch
 * handler in one call) or, after a failure, carefully (one handler call and savepoint each), their
 * replies stored in one statement and their events written at the commit.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "commands_internal.h"
#include "wh/log.h"
#include "wh/util.h"

#define LOST  1 /* the connection went away: the batch is lost */
#define ABORT 2 /* the transaction failed: the batch is answered UNAVAILABLE */
#define RETRY 3 /* the fast pass met a failure: the batch is redone with savepoints */

#define WH_QUERIES_REDRAIN_NS (10 * 1000 * 1000) /* queries run this long: the monitor is read again */

static int savepoint(wh_service *svc, const char *sql)
{
    return wh_db_exec_sql(svc->db, sql);
}

/* Runs one handler; fills the reply.  Careful: inside a savepoint, a failure undoes the command's own
 * effect and events and becomes its reply.  Fast: a failure returns RETRY (the batch is redone
 * carefully).  0, RETRY or LOST. */
static int run_one(wh_commands *c, pending *p, bool careful)
{
    wh_service *svc = c->svc;
    ProtobufCMessage *reply = NULL;
    wh_outbox_mark mark;
    wh_ctx ctx;
    int rc;

    if (careful && savepoint(svc, "SAVEPOINT wh_command") != 0)
        return LOST;
    wh_outbox_mark_get(svc, &mark);
    wh_ctx_init(&ctx, svc, c->arena, p->env, p->principal);
    ctx.fetch_bytes = p->fetch_bytes;
    wh_log_set_correlation(p->env->correlation_id != NULL && p->env->correlation_id[0]
                               ? p->env->correlation_id
                               : p->env->message_id);
    rc = p->cmd->handle(&ctx, p->request, &reply);
    wh_log_set_correlation(NULL);
    if (ctx.fetch_replied)
        wh_peer_fetch_replied(c, p, ctx.fetch_covered);
    if (rc == 0 && reply == NULL)
        rc = wh_ctx_fail(&ctx, WH_INTERNAL, "", "handler gave no reply");
    if (rc == 0)
        wh_cmd_set_reply(c, p, 0, NULL, NULL, reply);
    if (rc == 0 && p->reply != NULL)
        return careful && savepoint(svc, "RELEASE SAVEPOINT wh_command") != 0 ? LOST : 0;
    if (!wh_db_connected(svc->db))
        return LOST;
    if (!careful)
        return RETRY;
    wh_outbox_rewind(svc, &mark);
    if (savepoint(svc, "ROLLBACK TO SAVEPOINT wh_command") != 0)
        return LOST;
    if (rc != 0) {
        int status = ctx.status < 0 ? ctx.status : rc;
        if (!wh_command_may_return(p->cmd, status))
            wh_cmd_undeclared(c, p, status, ctx.field, ctx.message);
        wh_cmd_set_reply(c, p, status, ctx.field, ctx.message[0] ? ctx.message : wh_status_name(status),
                         NULL);
    } /* else: no memory for the reply; its effect is undone, so the client's retry redoes it */
    return 0;
}

/* A reply answering a repeat says so (Envelope.replayed).  Without memory to re-encode it, the stored
 * reply goes as it is: still the right answer, only without the flag. */
static void mark_replayed(pending *p)
{
    if (wh_envelope_mark_replayed(&p->reply, &p->reply_len) != 0)
        wh_log_warn("could not mark a repeated command's reply as replayed", "{s:s}", "message_id",
                    p->env->message_id);
}

/* A repeat within the batch gets the reply of the command it repeats, marked as a repeat. */
static void copy_reply(wh_commands *c, pending *p, const pending *first)
{
    free(p->reply);
    p->reply = first->reply != NULL ? malloc(first->reply_len > 0 ? first->reply_len : 1) : NULL;
    if (p->reply != NULL)
        memcpy(p->reply, first->reply, first->reply_len);
    p->reply_len = p->reply != NULL ? first->reply_len : 0;
    if (p->reply != NULL)
        mark_replayed(p);
    p->status = first->status;
    wh_counter_add(c->replayed, 1);
}

/* Queries go first, in a read transaction of their own, and are answered at once: they see only what
 * is committed, and a consumer's FetchEvents does not wait behind the commit of a large batch.  Each
 * query's reply is sent as soon as it is built and the arena reset after it: what a handler read (a
 * FetchEvents reply's rows, up to WH_FETCH_MAX_BYTES decoded) lives only until its reply is packed,
 * so a batch of 256 FetchEvents holds one of them at a time, not all (at 1,024 connections the
 * arena alone had reached 55 MiB of main heap: docs/benchmarks.md).  Nothing else of the batch is in
 * the arena yet: the commands run after the queries (commands.c: when the batch is taken, right after
 * the commit of the one before).  A query whose connection closed since it was read is not run
 * (peer_gone.c): the monitor's events are read before the batch's first query, and again before the
 * next one once WH_QUERIES_REDRAIN_NS have passed since (a batch of FetchEvents can take seconds on a
 * loaded machine) — not before every query: a read of the monitor is a syscall or two, and most
 * queries take less than a millisecond. */
static void run_queries(wh_commands *c)
{
    wh_service *svc = c->svc;
    size_t n = 0;
    uint64_t t = wh_mono_ns();
    int rc;

    for (size_t i = 0; i < c->n; i++)
        n += c->batch[i].cmd->query;
    if (n == 0)
        return;
    bool begun = svc->db_up && wh_service_begin(svc) == 0;
    uint64_t drained = 0;
    rc = begun ? 0 : LOST;
    for (size_t i = 0; i < c->n; i++) {
        pending *p = &c->batch[i];
        if (!p->cmd->query)
            continue;
        if (drained == 0 || wh_mono_ns() - drained >= WH_QUERIES_REDRAIN_NS) {
            wh_monitor_drain(c->monitor); /* once a batch, and again once it has run long */
            drained = wh_mono_ns();
        }
        if (wh_peer_message_gone(c, p)) { /* it closed while the batch ran: nobody to answer */
            wh_counter_add(c->queries_gone, 1);
            p->done = true;
            continue;
        }
        if (rc == 0 && wh_fetch_wait_hold(c, p))
            continue; /* answered after the next commit (fetch_wait.c) */
        if (rc == 0)
            rc = run_one(c, p, true);
        if (rc != 0)
            wh_cmd_set_reply(c, p, WH_UNAVAILABLE, "", "database unavailable; retry", NULL);
        wh_cmd_finish(c, p);
        wh_arena_reset(c->arena);
    }
    if (rc == LOST && svc->db_up && !wh_db_connected(svc->db))
        wh_service_db_lost(svc);
    if (begun)
        wh_service_rollback(svc); /* nothing to keep: reads end without a commit */
    wh_cmd_stage_done(c, WH_STAGE_QUERIES, &t);
}

/* A message id the principal used before for another command (type or payload differ): a typed
 * conflict, never the other command's reply; nothing runs and nothing is stored for it. */
static void id_conflict(wh_commands *c, pending *p)
{
    p->conflict = true;
    p->repeat_of = -1;
    wh_cmd_set_reply(c, p, WH_ALREADY_EXISTS, "message_id",
                     "message_id was already used by this principal for a different command (another type or "
                     "payload); use a fresh id",
                     NULL);
}

/* Does a stored command (its type and hex digest, NULL before digests were kept) match p? */
static bool same_command(const pending *p, const char *type, const char *digest_hex)
{
    uint8_t *digest = NULL;
    size_t len = 0;
    bool same;

    if (type == NULL || strcmp(type, p->cmd->request->name) != 0)
        return false;
    if (digest_hex == NULL || digest_hex[0] == '\0')
        return true; /* stored before digests: the id alone decides, as it did then */
    same = wh_bus_bytea(digest_hex, &digest, &len) == 0 && len == sizeof p->digest &&
           memcmp(digest, p->digest, len) == 0;
    free(digest);
    return same;
}

/* Marks repeats: a stored reply from an earlier batch, or an earlier command of this batch with the
 * same principal and id.  One statement for the whole batch.  0 or a status. */
static int find_repeats(wh_commands *c)
{
    wh_sqlarray principals = {0}, ids = {0};
    size_t *at = calloc(c->n + 1, sizeof *at);
    const char *pv, *iv;
    PGresult *r = NULL;
    int rc = at == NULL ? WH_INTERNAL : 0;

    for (size_t i = 0; rc == 0 && i < c->n; i++) {
        pending *p = &c->batch[i];
        p->repeat_of = -1;
        p->conflict = false;
        if (p->done || p->held)
            continue;
        for (size_t k = 0; k < i && p->repeat_of < 0; k++)
            if (!c->batch[k].done && !c->batch[k].held && c->batch[k].principal == p->principal &&
                strcmp(c->batch[k].env->message_id, p->env->message_id) == 0)
                p->repeat_of = (int)k;
        if (p->repeat_of >= 0) {
            if (memcmp(p->digest, c->batch[p->repeat_of].digest, sizeof p->digest) != 0)
                id_conflict(c, p);
            continue;
        }
        at[principals.n] = i;
        wh_sqlarray_text(&principals, p->principal->name);
        wh_sqlarray_text(&ids, p->env->message_id);
    }
    if (rc == 0 && principals.n > 0) {
        pv = wh_sqlarray_value(&principals);
        iv = wh_sqlarray_value(&ids);
        r = pv != NULL && iv != NULL ? wh_bus_find_replies(c->svc->db, pv, iv) : NULL;
        if (r == NULL)
            rc = pv == NULL || iv == NULL ? WH_INTERNAL : wh_db_last_status(c->svc->db);
    }
    for (int row = 0; r != NULL && row < PQntuples(r); row++) {
        int64_t k = wh_db_i64(r, row, 0, 0) - 1;
        pending *p = k >= 0 && (size_t)k < principals.n ? &c->batch[at[k]] : NULL;
        if (p != NULL && !same_command(p, wh_db_text(r, row, 2), wh_db_text(r, row, 3))) {
            id_conflict(c, p);
            continue;
        }
        if (p != NULL && wh_bus_bytea(wh_db_text(r, row, 1), &p->reply, &p->reply_len) == 0) {
            mark_replayed(p);
            p->replayed = true;
            p->status = 0;
            wh_counter_add(c->replayed, 1);
        }
    }
    PQclear(r);
    free(at);
    wh_sqlarray_free(&principals);
    wh_sqlarray_free(&ids);
    return rc;
}

/* A reply to keep, as array elements for one INSERT at the end of the batch. */
static void keep_reply(wh_commands *c, const pending *p)
{
    wh_sqlarray_text(&c->keep[0], p->principal->name);
    wh_sqlarray_text(&c->keep[1], p->env->message_id);
    wh_sqlarray_text(&c->keep[2], p->cmd->request->name);
    wh_sqlarray_i64(&c->keep[3], p->status);
    wh_sqlarray_bytea(&c->keep[4], p->reply, p->reply_len);
    wh_sqlarray_bytea(&c->keep[5], p->digest, sizeof p->digest);
}

static int store_replies(wh_commands *c)
{
    const char *columns[WH_KEEP_COLUMNS];

    if (c->keep[0].n == 0)
        return 0;
    for (int i = 0; i < WH_KEEP_COLUMNS; i++)
        if ((columns[i] = wh_sqlarray_value(&c->keep[i])) == NULL)
            return WH_INTERNAL;
    return wh_bus_store_replies(c->svc->db, columns);
}

static bool runs(const pending *p)
{
    return !p->done && !p->held && !p->replayed && !p->conflict && p->repeat_of < 0;
}

/* The fast pass of a run of commands of one type that has a batch handler: from batch[first] on,
 * every command of that type up to the first one of another type that runs (queries, repeats and
 * stored replies in between do not run, so they do not break the order).  One call for all of them;
 * *next is where the run ended.  0, RETRY or LOST. */
static int run_together(wh_commands *c, size_t first, size_t *next)
{
    const wh_command *cmd = c->batch[first].cmd;
    size_t n = 0, end = first, k = 0;
    wh_ctx *ctx, **ctxs;
    ProtobufCMessage **requests, **replies;
    int rc;

    while (end < c->n && (!runs(&c->batch[end]) || c->batch[end].cmd == cmd))
        n += runs(&c->batch[end++]);
    *next = end;
    ctx = wh_arena_alloc(c->arena, n * sizeof *ctx);
    ctxs = wh_arena_alloc(c->arena, n * sizeof *ctxs);
    requests = wh_arena_alloc(c->arena, n * sizeof *requests);
    replies = wh_arena_alloc(c->arena, n * sizeof *replies);
    if (ctx == NULL || ctxs == NULL || requests == NULL || replies == NULL)
        return RETRY;
    for (size_t i = first; i < end; i++)
        if (runs(&c->batch[i])) {
            wh_ctx_init(&ctx[k], c->svc, c->arena, c->batch[i].env, c->batch[i].principal);
            ctxs[k] = &ctx[k];
            requests[k++] = c->batch[i].request;
        }
    rc = c->batch[first].together(ctxs, requests, replies, n);
    for (size_t i = first, r = 0; rc == 0 && i < end; i++)
        if (runs(&c->batch[i])) {
            if (replies[r] == NULL)
                rc = WH_INTERNAL;
            else
                wh_cmd_set_reply(c, &c->batch[i], 0, NULL, NULL, replies[r]);
            if (rc == 0 && c->batch[i].reply == NULL)
                rc = WH_INTERNAL; /* no memory for the reply: the careful pass tries again */
            r++;
        }
    if (rc == 0)
        return 0;
    return wh_db_connected(c->svc->db) ? RETRY : LOST;
}

/* Runs the commands of the batch, fast or careful (run_one; a run of one type with a batch handler
 * together on the fast pass), and stores their replies.  0, RETRY, LOST or ABORT. */
static int run_commands(wh_commands *c, bool careful)
{
    uint64_t t = wh_mono_ns();

    for (int i = 0; i < WH_KEEP_COLUMNS; i++)
        wh_sqlarray_clear(&c->keep[i]);
    for (size_t i = 0, next; i < c->n; i = next) {
        pending *p = &c->batch[i];
        int rc = 0;
        next = i + 1;
        if (!runs(p))
            continue;
        if (!careful && p->together != NULL)
            rc = run_together(c, i, &next);
        else
            rc = run_one(c, p, careful);
        if (rc != 0)
            return rc;
    }
    wh_cmd_stage_done(c, WH_STAGE_HANDLERS, &t);
    for (size_t i = 0; i < c->n; i++) {
        pending *p = &c->batch[i];
        if (runs(p) && p->reply != NULL && (p->status == 0 || wh_status_is_final(p->status)))
            keep_reply(c, p);
    }
    int stored = store_replies(c);
    wh_cmd_stage_done(c, WH_STAGE_REPLIES, &t);
    if (stored == 0)
        return 0;
    return wh_db_connected(c->svc->db) ? ABORT : LOST;
}

static void answer_commands(wh_commands *c, int status, const char *message)
{
    for (size_t i = 0; i < c->n; i++)
        if (!c->batch[i].done && !c->batch[i].held)
            wh_cmd_set_reply(c, &c->batch[i], status, "", message, NULL);
}

/* Forgets what a pass produced, before the careful pass or when the batch failed. */
static void undo_pass(wh_commands *c)
{
    wh_service_rollback(c->svc);
    for (size_t i = 0; i < c->n; i++)
        if (!c->batch[i].done && !c->batch[i].held) {
            free(c->batch[i].reply);
            c->batch[i].reply = NULL;
            c->batch[i].replayed = false;
            c->batch[i].conflict = false;
            c->batch[i].status = 0;
        }
    wh_arena_reset(c->arena);
}

/* One write transaction: repeats found, handlers run (fast, or careful after a failure), replies and
 * events stored, commit.  The replies wait in the batch until the commit.  0, ABORT (the transaction
 * failed with the database up: every command answered UNAVAILABLE) or LOST. */
static int run_commands_in_transaction(wh_commands *c)
{
    wh_service *svc = c->svc;
    int rc = LOST;
    uint64_t t = wh_mono_ns();

    for (int pass = 0; pass < 2; pass++) {
        if (!svc->db_up || wh_service_begin(svc) != 0) {
            rc = LOST;
            break;
        }
        rc = find_repeats(c) == 0 ? 0 : wh_db_connected(svc->db) ? ABORT : LOST;
        wh_cmd_stage_done(c, WH_STAGE_REPEATS, &t);
        if (rc == 0)
            rc = run_commands(c, pass == 1);
        t = wh_mono_ns();
        if (rc == 0)
            break;
        undo_pass(c);
        if (rc != RETRY)
            break;
    }
    if (rc == 0 && wh_service_commit(svc) != 0)
        rc = ABORT;
    if (rc == 0)
        wh_cmd_stage_done(c, WH_STAGE_COMMIT, &t);
    if (rc == LOST && svc->db_up)
        wh_service_db_lost(svc);
    if (rc != 0) {
        answer_commands(c, WH_UNAVAILABLE,
                        rc == LOST ? "database unavailable; retry with the same message id"
                                   : "the batch could not be committed; retry with the same message id");
        return rc;
    }
    for (size_t i = 0; i < c->n; i++) {
        pending *p = &c->batch[i];
        if (!p->done && !p->held && p->repeat_of >= 0)
            copy_reply(c, p, &c->batch[p->repeat_of]);
    }
    return 0;
}

/* The batch's transaction failed with the database up (a statement of the batch as a whole — its
 * events, its stored replies, the COMMIT — met something no handler did): each command runs again in
 * a transaction of its own, in order, so whatever caused it fails only the command that brought it
 * and no other principal's command shares its fate. */
static void run_commands_alone(wh_commands *c)
{
    size_t n = 0;

    for (size_t i = 0; i < c->n; i++)
        if (!c->batch[i].done) {
            c->batch[i].held = true;
            n++;
        }
    wh_log_warn("the batch could not be committed; each command runs alone", "{s:I}", "commands",
                (json_int_t)n);
    for (size_t i = 0; i < c->n; i++) {
        pending *p = &c->batch[i];
        if (p->done)
            continue;
        p->held = false;
        free(p->reply);
        p->reply = NULL;
        p->replayed = false;
        p->status = 0;
        int rc = run_commands_in_transaction(c);
        p->held = true;
        if (rc == LOST) /* every command still waiting is answered UNAVAILABLE below */
            break;
    }
    for (size_t i = 0; i < c->n; i++) {
        pending *p = &c->batch[i];
        if (!p->done && p->held && p->reply == NULL)
            wh_cmd_set_reply(c, p, WH_UNAVAILABLE, "", "database unavailable; retry with the same message id",
                             NULL);
        p->held = false;
    }
}

void wh_cmd_run_queries(wh_commands *c)
{
    run_queries(c);
}

void wh_cmd_run_batch(wh_commands *c)
{
    size_t waiting = 0;

    for (size_t i = 0; i < c->n; i++)
        waiting += !c->batch[i].done;
    if (waiting > 0 && run_commands_in_transaction(c) == ABORT && waiting > 1)
        run_commands_alone(c);
}

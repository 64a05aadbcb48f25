/*
 * fetch_wait.c — FetchEvents that wait for the next commit (FetchEvents.wait_ms, docs/bus-protocol.md).
 *
 * A FetchEvents asking to wait, with nothing after its position (after_sequence at the head), is held
 * instead of answered empty, and answered right after the next commit that moves the head — the
 * command batch's group commit (commands.c) or a consumer's apply (consumer.c), where the hint is
 * published — with the events just committed.  A consumer that keeps such a fetch in flight is so
 * answered at once instead of hearing the hint and asking again, which put its FetchEvents behind the
 * whole of the producer's next batch (docs/benchmarks.md).  One whose wait (at most
 * WH_FETCH_WAIT_MAX_MS) passes without a commit is answered empty on the tick.  A held fetch is
 * answered like any other query (commands_batch.c: a read transaction, committed events only, its
 * connection gone: dropped), so what it returns is exactly what an unheld fetch would have.  An
 * allow-list reloaded while it is held authorizes it again at once (wh_fetch_wait_reauthorize).
 *
 * At most WH_FETCH_WAITING_MAX are held, one a connection; beyond, a fetch is answered at once.
 * Held fetches of a stopping service are dropped with the socket: their clients' timeout asks again.
 */
#include <string.h>

#include "commands_internal.h"
#include "wh/util.h"

/* Moves the message from src to dst; src stays a done, empty slot (its routing frames empty). */
static void move_pending(pending *dst, pending *src)
{
    if (dst == src)
        return;
    memcpy(dst, src, sizeof *dst);
    for (int i = 0; i < src->n_route; i++) {
        zmq_msg_init(&dst->route[i]);
        zmq_msg_move(&dst->route[i], &src->route[i]);
    }
    src->env = NULL;
    src->request = NULL;
    src->reply = NULL;
    src->hidden_at = NULL;
    src->hidden = NULL;
    src->is_fetch = false;
    src->done = true;
}

static bool held_for(const wh_commands *c, const pending *p)
{
    for (size_t i = 0; i < c->n_waiting; i++)
        if (wh_peer_same_connection(&c->waiting[i], p))
            return true;
    return false;
}

bool wh_fetch_wait_hold(wh_commands *c, pending *p)
{
    const Welfare__Bus__V1__FetchEvents *req = (const Welfare__Bus__V1__FetchEvents *)p->request;
    wh_service *svc = c->svc;
    uint32_t wait_ms;

    if (!p->is_fetch || p->waited || req->wait_ms == 0 || req->after_sequence < svc->head || svc->stopping ||
        c->n_waiting >= WH_FETCH_WAITING_MAX || held_for(c, p))
        return false;
    if (req->stream != NULL && req->stream[0] != '\0' && strcmp(req->stream, svc->def->name) != 0)
        return false; /* NOT_FOUND, at once */
    wait_ms = req->wait_ms < WH_FETCH_WAIT_MAX_MS ? req->wait_ms : WH_FETCH_WAIT_MAX_MS;
    pending *w = &c->waiting[c->n_waiting++];
    move_pending(w, p);
    w->done = false;
    w->is_fetch = true;
    w->waited = true;
    w->wait_until_ns = wh_mono_ns() + (uint64_t)wait_ms * 1000000;
    wh_counter_add(c->fetches_held, 1);
    return true;
}

void wh_fetch_wait_reauthorize(wh_commands *c)
{
    size_t kept = 0;

    for (size_t i = 0; i < c->n_waiting; i++) {
        pending *w = &c->waiting[i];
        if (wh_cmd_authorized_again(c, w))
            move_pending(&c->waiting[kept++], w);
        else
            wh_cmd_pending_clear(w);
    }
    c->n_waiting = kept;
}

/* Takes the held fetches that are due into the (idle) batch: the head passed their position, their
 * wait is over, or the service stops. */
static void take_due(wh_commands *c)
{
    uint64_t now = wh_mono_ns();
    size_t kept = 0;

    for (size_t i = 0; i < c->n_waiting; i++) {
        pending *w = &c->waiting[i];
        const Welfare__Bus__V1__FetchEvents *req = (const Welfare__Bus__V1__FetchEvents *)w->request;
        bool due = req->after_sequence < c->svc->head || now >= w->wait_until_ns || c->svc->stopping;
        if (!due || c->n >= (size_t)c->svc->batch_max)
            move_pending(&c->waiting[kept++], w);
        else
            move_pending(&c->batch[c->n++], w);
    }
    c->n_waiting = kept;
}

void wh_fetch_wait_wake(wh_commands *c)
{
    if (c == NULL || c->n_waiting == 0 || c->n > 0)
        return; /* nothing held, or a batch is running (it wakes them itself when it ends) */
    take_due(c);
    if (c->n == 0)
        return;
    wh_cmd_run_queries(c);
    for (size_t i = 0; i < c->n; i++) {
        if (!c->batch[i].done)
            wh_cmd_finish(c, &c->batch[i]);
        wh_cmd_pending_clear(&c->batch[i]);
    }
    c->n = 0;
    wh_arena_reset(c->arena);
}

void wh_fetch_wait_free(wh_commands *c)
{
    for (size_t i = 0; i < c->n_waiting; i++)
        wh_cmd_pending_clear(&c->waiting[i]);
    c->n_waiting = 0;
}

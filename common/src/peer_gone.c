/*
 * peer_gone.c — no work for a connection that is gone: its queries still queued are not run.
 *
 * libzmq keeps the messages a connection had sent and the service had not read yet after the
 * connection closed: the ROUTER hands them out later like any other, and only the reply finds the
 * connection gone (EHOSTUNREACH, wh_bus_replies_dropped_total{reason="gone"}).  256 consumers that
 * queued 40 FetchEvents each and closed had intake fetch and build ~24,000 replies for nobody, its RSS
 * at 0.8–1.2 GiB for ~20 s.  So the routing id of each connection the monitor saw end (monitor.c) is
 * remembered here, and a query (a read-only request: FetchEvents and every type declared a query) of a
 * connection gone is dropped when it is read, before any statement runs or any reply is built — counted
 * (wh_bus_queries_dropped_total), nothing else: there is nobody to answer.  A command that changes
 * state still runs and its reply is stored as any other: its client, which may not know whether it
 * arrived, resends it on a new connection with the same message_id and gets that reply (section 4 of
 * docs/bus-protocol.md: exactly once).
 *
 * Which connection a message came on: its routing id.  Only the ids the ROUTER generates — five
 * bytes, the first zero — are told apart this way: they are never given twice, while a peer that sets
 * its own (ZMQ_ROUTING_ID) may reconnect with it, and that new connection must not inherit the old
 * one's end.  The end of a connection is known by the fd the monitor names, so a routing id is
 * remembered only for a connection placed on its fd (its first message read, peer_bounds.c) after the
 * monitor told its accept: the next end told on that fd is then its own, not the end of an older
 * connection whose fd it took before the monitor's events were read.  A message of a connection whose
 * end came before its first message was read is told by its fd instead (ZMQ_SRCFD): no longer a
 * connected socket (wh_peer_hash 0), so gone too — and its routing id remembered for its later ones.
 * A query is looked at twice: when it is read, and again just before it runs (commands_batch.c), the
 * monitor's events read before the batch's first query and again once the batch's queries have run
 * 10 ms since (not before each: a syscall or two a query) — a batch of FetchEvents takes seconds on a
 * loaded machine, and the connections may close meanwhile.
 *
 * The ids are kept in a ring of the last WH_GONE_REMEMBERED (4,096) ends, indexed by an
 * open-addressing set: a lookup is a probe or two, whatever the churn.  More ends than that while
 * their messages still wait would let the oldest ones' queries run, as before.
 */
#include <string.h>
#include <zmq.h>

#include "commands_internal.h"

#define SLOT_MASK (WH_GONE_SLOTS - 1)
_Static_assert((WH_GONE_SLOTS & SLOT_MASK) == 0, "the set's size is a power of two");
_Static_assert(WH_GONE_SLOTS >= 2 * WH_GONE_REMEMBERED, "the set is at most half full");

/* A routing id's key in the set: its hash, never 0 (an empty slot). */
static uint64_t key_of(uint64_t route)
{
    return route | 1;
}

static size_t home_of(uint64_t key)
{
    return (size_t)(key >> 11) & SLOT_MASK;
}

static bool set_has(const peer_gone *g, uint64_t key)
{
    for (size_t i = home_of(key); g->slot[i] != 0; i = (i + 1) & SLOT_MASK)
        if (g->slot[i] == key)
            return true;
    return false;
}

static void set_add(peer_gone *g, uint64_t key)
{
    size_t i = home_of(key);

    while (g->slot[i] != 0 && g->slot[i] != key)
        i = (i + 1) & SLOT_MASK;
    g->slot[i] = key;
}

/* Is slot j's key, whose home is h, still found from h when slot i is emptied?  Only when h lies
 * cyclically after i and at or before j. */
static bool reachable_without(size_t i, size_t j, size_t h)
{
    return i <= j ? (i < h && h <= j) : (i < h || h <= j);
}

/* Removes key; the keys after it in its run move back into the hole when they must (Knuth's
 * algorithm R for linear probing), so no lookup ever stops short of one. */
static void set_remove(peer_gone *g, uint64_t key)
{
    size_t i = home_of(key), j;

    while (g->slot[i] != key) {
        if (g->slot[i] == 0)
            return;
        i = (i + 1) & SLOT_MASK;
    }
    g->slot[i] = 0;
    for (j = (i + 1) & SLOT_MASK; g->slot[j] != 0; j = (j + 1) & SLOT_MASK) {
        if (reachable_without(i, j, home_of(g->slot[j])))
            continue;
        g->slot[i] = g->slot[j];
        g->slot[j] = 0;
        i = j;
    }
}

void wh_gone_remember(peer_gone *g, uint64_t route)
{
    uint64_t key = key_of(route);

    if (set_has(g, key))
        return;
    if (g->n == WH_GONE_REMEMBERED)
        set_remove(g, g->ring[g->next]); /* the oldest end is forgotten */
    else
        g->n++;
    g->ring[g->next] = key;
    g->next = (g->next + 1) % WH_GONE_REMEMBERED;
    set_add(g, key);
}

bool wh_gone_has(const peer_gone *g, uint64_t route)
{
    return set_has(g, key_of(route));
}

/* A routing id the ROUTER made (a zero byte and a 32-bit counter), never given to two connections. */
static bool generated_id(const pending *p)
{
    zmq_msg_t *id = (zmq_msg_t *)&p->route[0];

    return zmq_msg_size(id) == 5 && ((const unsigned char *)zmq_msg_data(id))[0] == 0;
}

bool wh_peer_message_gone(wh_commands *c, const pending *p)
{
    if (p->n_route == 0)
        return false;
    if (generated_id(p) && wh_gone_has(&c->peers.gone, wh_peer_route_hash(p)))
        return true;
    if (p->fd < 0 || wh_fd_connected(p->fd))
        return false; /* no fd (inproc), or still a connected socket */
    if (generated_id(p))
        wh_gone_remember(&c->peers.gone, wh_peer_route_hash(p));
    return true;
}

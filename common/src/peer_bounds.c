/*
 * peer_bounds.c — what one connection may cost the service, whatever its peer does.
 *
 * The replies a service sends wait in libzmq's queue for that connection (at most WH_ROUTER_SNDHWM
 * messages), then in the kernel's send buffer of its TCP socket, until the peer reads them.  A peer
 * that never reads would otherwise make the service hold every reply it keeps asking for — a
 * FetchEvents reply is up to WH_FETCH_MAX_BYTES — in its own memory.  So before a command of a
 * connection is taken, the kernel is asked how many bytes of that socket are still unsent
 * (SIOCOUTQNSD on the fd the message came from, ZMQ_SRCFD): libzmq moves replies from its queue to
 * the kernel as long as the kernel takes them, so a backlog there means the queue in front of it is
 * filling.  Past WH_PEER_UNREAD_MAX_BYTES the command is refused UNAVAILABLE with a retry hint (nothing
 * stored, audited), a reply small enough to cost nothing — and when even those find the queue full,
 * the reply is dropped and counted (commands.c).  A peer that reads its replies never meets this.
 *
 * Within one batch a connection gets at most one FetchEvents: a consumer has one in flight at a time,
 * and the batch's replies live in memory together until it is answered.  And at most WH_IN_FLIGHT_MAX
 * (64) commands of one connection: a batch is what a service holds of a connection at once (it is
 * answered before the next is read), so one peer pipelining hundreds cannot take a whole batch from
 * everyone else; each one beyond is UNAVAILABLE with a retry hint, nothing stored, counted
 * (wh_bus_rejected_total{reason="in_flight"}) and audited.
 *
 * And a CURVE key has at most WH_MAX_CONNECTIONS_PER_KEY (default 64) connections served at once.  A
 * connection is placed on its first message (its fd, ZMQ_SRCFD, and a hash of its routing id, which
 * tells a reused fd from the connection that had it): within the key's bound it counts until it is
 * gone (ZMQ_EVENT_DISCONNECTED, monitor.c); beyond it, the connection is refused for the rest of its
 * life — each of its commands UNAVAILABLE with a retry hint of 1 s, nothing stored, audited
 * (resource_exhausted), counted (wh_bus_rejected_total{reason="connections"}, and the connection once
 * in wh_bus_connections_refused_total).  A connection that never sends costs libzmq's buffers only and
 * is not counted.  A refused connection is left open, not closed by the service: its client would
 * reconnect (libzmq does, every 100 ms by default) and handshake again.  Measured (1,000 connections of
 * one key, 936 refused, held 10 s, load 4): left open, intake peaks at 53.5 MiB and spends 0.01 s of
 * CPU, and is back at 16.1 MiB once they close; closed a tick after their refusal (shutdown(2)),
 * 74.5 MiB and 0.42 s of CPU for the reconnections (docs/benchmarks.md).  A connection costs ~38 KiB of
 * libzmq's.  Should a gone event be read only after a new connection reused its fd, that new
 * connection is placed again on its next message (at worst refused then, if the key is at its bound).
 */
#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <zmq.h>

#include "bus_internal.h"
#include "commands_internal.h"

int wh_peer_unsent_bytes(zmq_msg_t *body)
{
    int fd = zmq_msg_get(body, ZMQ_SRCFD), unsent = 0;

    if (fd < 0 || ioctl(fd, SIOCOUTQNSD, &unsent) != 0)
        return 0;
    return unsent;
}

static bool same_connection(const pending *a, const pending *b)
{
    return a->n_route > 0 && b->n_route > 0 &&
           zmq_msg_size((zmq_msg_t *)&a->route[0]) == zmq_msg_size((zmq_msg_t *)&b->route[0]) &&
           memcmp(zmq_msg_data((zmq_msg_t *)&a->route[0]), zmq_msg_data((zmq_msg_t *)&b->route[0]),
                  zmq_msg_size((zmq_msg_t *)&a->route[0])) == 0;
}

size_t wh_peer_in_batch(const wh_commands *c, const pending *p)
{
    size_t n = 0;

    for (size_t i = 0; i < c->n; i++)
        n += same_connection(&c->batch[i], p);
    return n;
}

bool wh_peer_fetch_in_batch(const wh_commands *c, const pending *p)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->batch[i].is_fetch && same_connection(&c->batch[i], p))
            return true;
    return false;
}

/* --- connections per key ------------------------------------------------------------------------- */

#define PEER_FD_MAX 65536 /* connections on a higher fd are not bounded (the table stays ≤ 1 MiB) */

static uint64_t route_hash(const pending *p)
{
    const unsigned char *b = zmq_msg_data((zmq_msg_t *)&p->route[0]);
    size_t n = zmq_msg_size((zmq_msg_t *)&p->route[0]);
    uint64_t h = 1469598103934665603ull; /* FNV-1a */

    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

/* The key's entry (added on first sight: only keys on the allow-list get here). */
static peer_key *key_entry(wh_peers *ps, const char *key, uint32_t *index)
{
    for (size_t i = 0; i < ps->n_keys; i++)
        if (strcmp(ps->keys[i].key, key) == 0) {
            *index = (uint32_t)i;
            return &ps->keys[i];
        }
    if (ps->n_keys == ps->cap_keys) {
        size_t cap = ps->cap_keys > 0 ? ps->cap_keys * 2 : 16;
        peer_key *grown = realloc(ps->keys, cap * sizeof *grown);

        if (grown == NULL)
            return NULL;
        ps->keys = grown;
        ps->cap_keys = cap;
    }
    *index = (uint32_t)ps->n_keys;
    memset(&ps->keys[ps->n_keys], 0, sizeof ps->keys[0]);
    snprintf(ps->keys[ps->n_keys].key, sizeof ps->keys[0].key, "%s", key);
    return &ps->keys[ps->n_keys++];
}

static peer_conn *conn_slot(wh_peers *ps, int fd)
{
    if (fd < 0 || fd >= PEER_FD_MAX)
        return NULL;
    if ((size_t)fd >= ps->n_fd) {
        size_t n = ps->n_fd > 0 ? ps->n_fd : 64;
        peer_conn *grown;

        while (n <= (size_t)fd)
            n *= 2;
        grown = realloc(ps->by_fd, n * sizeof *grown);
        if (grown == NULL)
            return NULL;
        memset(grown + ps->n_fd, 0, (n - ps->n_fd) * sizeof *grown);
        ps->by_fd = grown;
        ps->n_fd = n;
    }
    return &ps->by_fd[fd];
}

static void conn_release(wh_peers *ps, peer_conn *pc)
{
    if (pc->used && !pc->refused && ps->keys[pc->key].open > 0)
        ps->keys[pc->key].open--;
    memset(pc, 0, sizeof *pc);
}

bool wh_peer_connection_ok(wh_commands *c, const pending *p, zmq_msg_t *body)
{
    wh_peers *ps = &c->peers;
    peer_conn *pc = p->n_route > 0 ? conn_slot(ps, zmq_msg_get(body, ZMQ_SRCFD)) : NULL;
    uint64_t route;
    uint32_t index;
    peer_key *k;

    if (pc == NULL)
        return true; /* not a TCP connection, or no memory for the table: not bounded */
    route = route_hash(p);
    if (pc->used && pc->route == route && strcmp(ps->keys[pc->key].key, p->public_key) == 0)
        return !pc->refused; /* decided at its first message */
    conn_release(ps, pc);    /* the fd's earlier connection, gone before its event was read */
    k = key_entry(ps, p->public_key, &index);
    if (k == NULL)
        return true;
    pc->used = true;
    pc->route = route;
    pc->key = index;
    pc->refused = k->open >= c->svc->max_conns_per_key;
    if (pc->refused)
        wh_counter_add(c->connections_refused, 1);
    else
        k->open++;
    return !pc->refused;
}

void wh_peer_gone(wh_commands *c, int fd)
{
    if (fd >= 0 && (size_t)fd < c->peers.n_fd)
        conn_release(&c->peers, &c->peers.by_fd[fd]);
}

void wh_peers_free(wh_peers *ps)
{
    free(ps->by_fd);
    free(ps->keys);
    memset(ps, 0, sizeof *ps);
}

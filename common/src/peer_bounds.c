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
 * filling.  (An ipc:// peer's Unix socket has no SIOCOUTQNSD: there the bytes written and not yet read
 * by the peer, SIOCOUTQ.)  Past WH_PEER_UNREAD_MAX_BYTES, or past half the socket's send buffer when
 * that is less (the kernel takes no more than that buffer: a bound above it is never reached), the command is
 * refused UNAVAILABLE with a retry hint (nothing stored, audited), a reply small enough to cost nothing — and
 * when even those find the queue full, the reply is dropped and counted (commands.c).  A peer that reads its
 * replies never meets this.
 *
 * ZMQ_SRCFD is deprecated in libzmq 4.3, and its fd "might be closed already, reused even" (zmq_msg_get
 * (3)).  It stays: nothing else in libzmq 4.3.4's stable API names a message's kernel socket — the
 * Peer-Address metadata is the peer's IP alone, the monitor's events name fds but no routing id, and
 * ZMQ_ROUTER_NOTIFY (connect/disconnect messages with the routing id) is draft API, not in Debian's
 * build (zmq_setsockopt says EINVAL).  What a stale fd could do is guarded instead: a connection is told
 * by its routing id (a ROUTER never reuses one) and its peer's address and port (getpeername when it is
 * placed); a message whose routing id is not the one placed on its fd, while the fd still has that
 * placed connection's peer, is a late message of a connection that is gone (WH_PEER_STALE): it takes
 * nobody's place and the fd's unsent bytes are not its own, so that bound is not asked (its reply has
 * no connection to go to anyway).  The idle close checks the peer too before shutdown(2).
 *
 * Within one batch a connection gets at most one FetchEvents: a consumer has one in flight at a time,
 * and the batch's replies live in memory together until it is answered.  And at most WH_IN_FLIGHT_MAX
 * (64) commands of one connection: a batch is what a service holds of a connection at once (it is
 * answered before the next is read), so one peer pipelining hundreds cannot take a whole batch from
 * everyone else; each one beyond is UNAVAILABLE with a retry hint, nothing stored, counted
 * (wh_bus_rejected_total{reason="in_flight"}) and audited.
 *
 * And a CURVE key has at most WH_MAX_CONNECTIONS_PER_KEY (default 32: a client needs one, the bench's
 * command path uses 16 of one key; 12 keys fill WH_MAX_CONNECTIONS) connections open at once on the
 * command socket, counted from the handshake on, at most half of them (wh_peer_held_max) in places held
 * by handshakes not yet followed by a message, and every key together at most WH_MAX_CONNECTIONS
 * (the bound that keeps the service's memory bounded: each connection is ~50-100 KiB of libzmq's own,
 * docs/benchmarks.md).  The ZAP handler (zap.c) asks wh_peer_handshake: with the key's connections
 * placed and the places its accepted handshakes hold at the bound, or its held places at half the
 * bound (so a few keys that handshake and never send cannot hold everyone's places), or those of every
 * key at WH_MAX_CONNECTIONS, the handshake is refused (400 "connection limit", audited connection_limit, the
 * bound named in the reason) — the client learns at once
 * and libzmq does not reconnect it; else a place is held for the new connection, which takes it with
 * its first message (its fd, ZMQ_SRCFD, and a hash of its routing id, which tells a reused fd from the
 * connection that had it) and keeps it until it is gone (ZMQ_EVENT_DISCONNECTED, monitor.c).  A ZAP
 * request names no fd, so a held place cannot be tied to its connection: it is freed when its
 * connection sends, or WH_SHED_SILENT_MS (10 s; WH_IDLE_CONNECTION_SECONDS when shorter) + 2 ticks after
 * the handshake (wh_peer_held_ms; was the idle bound + 2 s, 32 s) — by then a connection that never sent
 * is one the bound of all connections may shed (connection_bound.c), and it is closed once idle: the monitor
 * notes each accepted fd (ZMQ_EVENT_ACCEPTED) and each tick shuts down (shutdown(2); libzmq then closes it)
 * those that sent nothing for WH_IDLE_CONNECTION_SECONDS (default 30), after checking the fd still has the
 * peer (address and port) it had when accepted.  So a connection that authenticates and never sends costs ~38
 * KiB of libzmq's for at most that long, and at most 64 of one key: measured, 1,500 such connections of one
 * key made intake peak at 39 MiB, where they had kept it at ~72 MiB (docs/benchmarks.md).  A connection
 * closed before its first message keeps its place held until that time is over.  One that sends without a
 * held place (they all ran out, then were reused) is placed as before: within both bounds it counts;
 * beyond either, the connection is refused for the rest of its life — each of its commands UNAVAILABLE
 * with a retry hint of 1 s, nothing stored, audited (resource_exhausted), counted
 * (wh_bus_rejected_total{reason="connections"}, and the connection once in
 * wh_bus_connections_refused_total), left open: its client would reconnect (libzmq does, every 100 ms
 * by default) and handshake again.  Should a gone event be read only after a new connection reused its
 * fd, that new connection is placed again on its next message (at worst refused then, if the key is at
 * its bound).
 */
#include <jansson.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <zmq.h>

#include "bus_internal.h"
#include "commands_internal.h"
#include "wh/log.h"
#include "wh/util.h"

/* The bytes of fd's connection its peer has not taken yet, and fd's send buffer; false when unknown. */
static bool fd_backlog(int fd, int *unsent, int *sndbuf)
{
    socklen_t n = sizeof *sndbuf;

    *unsent = 0;
    if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_SNDBUF, sndbuf, &n) != 0)
        return false;
    /* TCP: in the kernel, not sent yet (SIOCOUTQNSD).  Not TCP (SIOCOUTQNSD is TCP's): a Unix socket
     * (ipc://), whose data waits in the peer's receive queue, charged to the sender until read
     * (SIOCOUTQ).  Either is at most the send buffer, which can be smaller than the bound — an ipc://
     * one (~208 KiB by default), a TCP one sized by SO_SNDBUF or, off loopback, by the kernel's
     * autotuning, which does not grow it while the peer's window is shut (on loopback it starts at
     * ~3.8 MiB) — and then the bound alone would never be reached and the replies would pile up in
     * libzmq's queue, in our memory: past half of the send buffer, or the bound if smaller */
    return ioctl(fd, SIOCOUTQNSD, unsent) == 0 || ioctl(fd, SIOCOUTQ, unsent) == 0;
}

bool wh_fd_unread_past_bound(int fd)
{
    int unsent = 0, sndbuf = 0;

    if (!fd_backlog(fd, &unsent, &sndbuf))
        return false;
    return unsent > (sndbuf / 2 < WH_PEER_UNREAD_MAX_BYTES ? sndbuf / 2 : WH_PEER_UNREAD_MAX_BYTES);
}

bool wh_peer_unread_past_bound(zmq_msg_t *body)
{
    return wh_fd_unread_past_bound(zmq_msg_get(body, ZMQ_SRCFD));
}

bool wh_peer_same_connection(const pending *a, const pending *b)
{
    /* One connection has one fd: different fds are different connections, without reading the
     * routing ids (an fd closed and reused since is told apart by them). */
    if (a->fd >= 0 && b->fd >= 0 && a->fd != b->fd)
        return false;
    return a->n_route > 0 && b->n_route > 0 &&
           zmq_msg_size((zmq_msg_t *)&a->route[0]) == zmq_msg_size((zmq_msg_t *)&b->route[0]) &&
           memcmp(zmq_msg_data((zmq_msg_t *)&a->route[0]), zmq_msg_data((zmq_msg_t *)&b->route[0]),
                  zmq_msg_size((zmq_msg_t *)&a->route[0])) == 0;
}

size_t wh_peer_in_batch(const wh_commands *c, const pending *p)
{
    size_t n = 0;

    for (size_t i = 0; i < c->n; i++)
        n += wh_peer_same_connection(&c->batch[i], p);
    return n;
}

bool wh_peer_fetch_in_batch(const wh_commands *c, const pending *p)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->batch[i].is_fetch && wh_peer_same_connection(&c->batch[i], p))
            return true;
    return false;
}

/* p's connection's place in the bound of connections per key (placed on its first message), or NULL. */
static peer_conn *placed(wh_commands *c, const pending *p)
{
    if (p->n_route == 0 || p->fd < 0 || (size_t)p->fd >= c->peers.n_fd)
        return NULL;
    peer_conn *pc = &c->peers.by_fd[p->fd];
    return pc->used && !pc->refused && pc->route == wh_peer_route_hash(p) ? pc : NULL;
}

size_t wh_peer_fetch_allowance(wh_commands *c, const pending *p, uint64_t after)
{
    peer_conn *pc = placed(c, p);
    int unsent = 0, sndbuf = 0;

    if (pc == NULL)
        return (size_t)c->svc->fetch_max_bytes;
    bool all_taken = !fd_backlog(p->fd, &unsent, &sndbuf) || unsent == 0; /* unknown: not held against it */
    return wh_fetch_pace_allowance(&pc->pace, after, all_taken, (size_t)c->svc->fetch_start_bytes,
                                   (size_t)c->svc->fetch_max_bytes);
}

void wh_peer_fetch_replied(wh_commands *c, const pending *p, uint64_t covered)
{
    peer_conn *pc = placed(c, p); /* NULL when it closed (or its fd was reused) since it was read */

    if (pc != NULL)
        wh_fetch_pace_replied(&pc->pace, covered);
}

/* --- connections per key ------------------------------------------------------------------------- */

#define PEER_FD_MAX 65536 /* connections on a higher fd are not bounded (the table stays ≤ 1 MiB) */

static uint64_t fnv1a(const void *data, size_t n)
{
    const unsigned char *b = data;
    uint64_t h = 1469598103934665603ull; /* FNV-1a */

    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

uint64_t wh_peer_route_hash(const pending *p)
{
    return fnv1a(zmq_msg_data((zmq_msg_t *)&p->route[0]), zmq_msg_size((zmq_msg_t *)&p->route[0]));
}

/* Who is at the other end of fd (address and port) and which socket fd is, to tell a connection from
 * one that got its fd since: 0 when fd is no connected socket. */
uint64_t wh_peer_hash(int fd)
{
    struct {
        struct sockaddr_storage addr;
        ino_t socket; /* the peer address of every ipc:// (Unix) peer is the same, unnamed: the inode of
                       * the socket itself tells one connection from the next on a reused fd */
    } who;
    socklen_t n = sizeof who.addr;
    struct stat st;

    memset(&who, 0, sizeof who);
    if (getpeername(fd, (struct sockaddr *)&who.addr, &n) != 0 || fstat(fd, &st) != 0)
        return 0;
    who.socket = st.st_ino;
    return fnv1a(&who, sizeof who) | 1;
}

bool wh_fd_connected(int fd)
{
    struct sockaddr_storage addr;
    socklen_t n = sizeof addr;

    return getpeername(fd, (struct sockaddr *)&addr, &n) == 0;
}

static uint64_t now_ms(void)
{
    return wh_mono_ns() / 1000000u;
}

/* The key's entry (added on first sight: only keys on the allow-list get here). */
static peer_key *key_entry(wh_peers *ps, const char *key, uint32_t *index)
{
    for (size_t i = 0; i < ps->n_keys; i++)
        if (strcmp(ps->keys[i].key, key) == 0) {
            *index = (uint32_t)i;
            return &ps->keys[i];
        }
    peer_key *keys = wh_grow(ps->keys, &ps->cap_keys, ps->n_keys + 1, sizeof *keys, 16);
    if (!keys)
        return NULL;
    ps->keys = keys;
    *index = (uint32_t)ps->n_keys;
    memset(&ps->keys[ps->n_keys], 0, sizeof ps->keys[0]);
    snprintf(ps->keys[ps->n_keys].key, sizeof ps->keys[0].key, "%s", key);
    return &ps->keys[ps->n_keys++];
}

/* Forgets the held places whose connection has had its time to send (it is closed by then). */
static void held_expire(peer_key *k, uint64_t now)
{
    size_t kept = 0;

    for (size_t i = 0; i < k->n_held; i++)
        if (k->held[i] > now)
            k->held[kept++] = k->held[i];
    k->n_held = kept;
}

/* A connection of k sent its first message: the place its handshake held (the oldest) is its own. */
static bool held_take(peer_key *k)
{
    held_expire(k, now_ms());
    if (k->n_held == 0)
        return false;
    memmove(k->held, k->held + 1, (k->n_held - 1) * sizeof *k->held);
    k->n_held--;
    return true;
}

/* The places of every key: its connections served and the places its handshakes hold. */
static int64_t places_of_every_key(wh_peers *ps, uint64_t now)
{
    int64_t n = 0;

    for (size_t i = 0; i < ps->n_keys; i++) {
        held_expire(&ps->keys[i], now);
        n += ps->keys[i].open + (int64_t)ps->keys[i].n_held;
    }
    return n;
}

wh_peer_handshake_verdict wh_peer_handshake(wh_commands *c, const char *key)
{
    wh_peers *ps = &c->peers;
    uint64_t now = now_ms();
    uint32_t index;
    peer_key *k = key_entry(ps, key, &index);

    if (k == NULL)
        return WH_HANDSHAKE_IN; /* no memory for the table: not bounded */
    held_expire(k, now);
    if (k->open + (int64_t)k->n_held >= c->svc->max_conns_per_key)
        return WH_HANDSHAKE_KEY_FULL;
    if ((int64_t)k->n_held >= wh_peer_held_max(c->svc->max_conns_per_key))
        return WH_HANDSHAKE_KEY_HELD;
    if (places_of_every_key(ps, now) >= c->svc->max_conns)
        return WH_HANDSHAKE_SOCKET_FULL;
    uint64_t *held = wh_grow(k->held, &k->cap_held, k->n_held + 1, sizeof *held, 8);
    if (!held)
        return WH_HANDSHAKE_IN; /* no memory: not bounded */
    k->held = held;
    k->held[k->n_held++] = now + wh_peer_held_ms(c->svc->idle_conn_s);
    return WH_HANDSHAKE_IN;
}

int64_t wh_peer_held_max(int64_t per_key)
{
    return per_key / 2 > 0 ? per_key / 2 : 1;
}

uint64_t wh_peer_held_ms(int64_t idle_conn_s)
{
    uint64_t idle_ms = (uint64_t)idle_conn_s * 1000u;

    /* two ticks of slack: by then a connection that has not sent is closed (idle) or may be shed */
    return (idle_ms < WH_SHED_SILENT_MS ? idle_ms : WH_SHED_SILENT_MS) + 2 * WH_TICK_MS;
}

static peer_conn *conn_slot(wh_peers *ps, int fd)
{
    if (fd < 0 || fd >= PEER_FD_MAX)
        return NULL;
    if ((size_t)fd >= ps->n_fd) {
        size_t n = ps->n_fd;
        peer_conn *grown = wh_grow(ps->by_fd, &n, (size_t)fd + 1, sizeof *grown, 64);
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
    if (pc->shed && ps->shedding > 0)
        ps->shedding--;
    wh_tally_forget(ps, pc);
    memset(pc, 0, sizeof *pc);
}

wh_peer_standing wh_peer_place(wh_commands *c, int fd, uint64_t route, const char *key)
{
    wh_peers *ps = &c->peers;
    peer_conn *pc = conn_slot(ps, fd);
    uint32_t index;
    peer_key *k;

    if (pc == NULL)
        return WH_PEER_SERVED; /* not a TCP connection, or no memory for the table: not bounded */
    if (pc->used && pc->route == route && strcmp(ps->keys[pc->key].key, key) == 0)
        return pc->refused ? WH_PEER_REFUSED : WH_PEER_SERVED; /* decided at its first message */
    /* Another connection is placed on this fd.  If the fd still has that one's peer, this message is
     * the stale one: its connection is gone and the fd was given to that other (ZMQ_SRCFD "might be
     * closed already, reused even"), so it must not take the other's place.  Else the other is gone
     * and its event not read yet: this one takes the fd. */
    if (pc->used && pc->peer != 0 && wh_peer_hash(fd) == pc->peer)
        return WH_PEER_STALE;
    bool told = pc->waiting && !pc->used; /* the monitor told the accept of the connection on fd */
    conn_release(ps, pc);
    pc->told = told;
    k = key_entry(ps, key, &index);
    if (k == NULL)
        return WH_PEER_SERVED;
    pc->used = true;
    pc->route = route;
    pc->peer = wh_peer_hash(fd);
    pc->key = index;
    /* its handshake held a place (zap.c); without one (held longer than the idle bound), as free */
    pc->refused = !held_take(k) && (k->open >= c->svc->max_conns_per_key ||
                                    places_of_every_key(ps, now_ms()) >= c->svc->max_conns);
    if (pc->refused)
        wh_counter_add(c->connections_refused, 1);
    else
        k->open++;
    return pc->refused ? WH_PEER_REFUSED : WH_PEER_SERVED;
}

wh_peer_standing wh_peer_connection_ok(wh_commands *c, const pending *p, zmq_msg_t *body)
{
    if (p->n_route == 0)
        return WH_PEER_SERVED;
    return wh_peer_place(c, zmq_msg_get(body, ZMQ_SRCFD), wh_peer_route_hash(p), p->public_key);
}

void wh_peer_accepted(wh_commands *c, int fd)
{
    peer_conn *pc = conn_slot(&c->peers, fd);
    uint64_t peer = fd >= 0 ? wh_peer_hash(fd) : 0;

    if (pc != NULL && pc->used && pc->peer != 0 && pc->peer == peer) {
        pc->told = true; /* its first message was read before this event: placed already */
        return;
    }
    if (pc == NULL)
        return;
    conn_release(&c->peers, pc);
    pc->waiting = true;
    pc->peer = peer;
    pc->accepted_ms = now_ms();
}

void wh_peer_gone(wh_commands *c, int fd)
{
    if (fd < 0 || (size_t)fd >= c->peers.n_fd)
        return;
    peer_conn *pc = &c->peers.by_fd[fd];
    if (pc->used && pc->told) /* this end is its own: its accept came before, on this fd */
        wh_gone_remember(&c->peers.gone, pc->route);
    conn_release(&c->peers, pc);
}

void wh_peers_tick(wh_commands *c)
{
    wh_peers *ps = &c->peers;
    uint64_t now = now_ms(), idle_ms = (uint64_t)c->svc->idle_conn_s * 1000u;
    int64_t closed = 0;

    for (size_t fd = 0; fd < ps->n_fd; fd++) {
        peer_conn *pc = &ps->by_fd[fd];

        if (!pc->waiting || pc->used || now - pc->accepted_ms < idle_ms)
            continue;
        pc->waiting = false; /* once: its end (ZMQ_EVENT_DISCONNECTED) frees the slot */
        wh_tally_update(ps, pc);
        /* the fd is still the same connection (same peer), not one that got the number since */
        if (pc->peer != 0 && wh_peer_hash((int)fd) == pc->peer && shutdown((int)fd, SHUT_RDWR) == 0)
            closed++;
    }
    if (closed > 0) {
        wh_counter_add(c->idle_closed, closed);
        wh_log_info("closed connections that sent nothing", "{s:I,s:I}", "connections", (json_int_t)closed,
                    "idle_seconds", (json_int_t)c->svc->idle_conn_s);
    }
    for (size_t i = 0; i < ps->n_keys; i++)
        held_expire(&ps->keys[i], now);
}

void wh_peers_free(wh_peers *ps)
{
    for (size_t i = 0; i < ps->n_keys; i++)
        free(ps->keys[i].held);
    free(ps->by_fd);
    free(ps->keys);
    wh_tally_free(&ps->tally);
    memset(ps, 0, sizeof *ps);
}

/*
 * connection_bound.c — how many connections the command socket holds at once, whoever they are.
 *
 * The per-key bound (peer_bounds.c) counts a connection from its CURVE handshake on; before that a
 * connection has no key — a TCP connection that never starts its handshake, or stops halfway, is
 * nobody's.  libzmq closes one whose handshake is not done within ZMQ_HANDSHAKE_IVL
 * (WH_HANDSHAKE_SECONDS, 10 s), but within that time a peer could open any number of them, each an fd
 * and libzmq's buffers.  So the monitor (monitor.c) counts every accepted connection until it is gone,
 * and past WH_MAX_CONNECTIONS (1,024) the connection that has waited longest without sending anything —
 * its handshake undecided, or done and silent — is shut down (shutdown(2); libzmq then closes it): a
 * flood of half-open connections displaces its own oldest, never a connection that has sent a command,
 * and a new client that completes its handshake and sends within the flood's turnover is served.  When
 * every other connection has sent, the new one is shut down.  Each is counted
 * (wh_bus_connections_shed_total) and audited (connection_limit, no principal: there is none yet).
 * One source address alone cannot fill it: address_bound.c.
 */
#include <sys/socket.h>

#include "bus_internal.h"
#include "commands_internal.h"

/* The accepted connection that has waited longest without a message: its fd, or -1. */
static int oldest_waiting(const wh_peers *ps)
{
    int fd = -1;

    for (size_t i = 0; i < ps->n_fd; i++) {
        const peer_conn *pc = &ps->by_fd[i];
        if (pc->waiting && !pc->used && (fd < 0 || pc->accepted_ms < ps->by_fd[fd].accepted_ms))
            fd = (int)i;
    }
    return fd;
}

bool wh_peer_shed(wh_commands *c, int fd, const char *reason)
{
    wh_peers *ps = &c->peers;
    peer_conn *pc = &ps->by_fd[fd];

    pc->waiting = false; /* once: its end (ZMQ_EVENT_DISCONNECTED) frees the slot */
    /* the fd is still the connection accepted on it (same peer), not one that got the number since */
    if (pc->peer == 0 || wh_peer_hash(fd) != pc->peer || shutdown(fd, SHUT_RDWR) != 0)
        return false;
    pc->shed = true;
    ps->shedding++;
    wh_counter_add(c->shed, 1);
    wh_audit_record(c->svc, "", "", "", "connection_limit", reason, NULL);
    return true;
}

void wh_peer_total_bound(wh_commands *c, int64_t open)
{
    wh_peers *ps = &c->peers;

    if (open - ps->shedding <= c->svc->max_conns)
        return;
    int fd = oldest_waiting(ps);
    if (fd < 0)
        return; /* only connections above the table's fds (peer_bounds.c): not bounded */
    wh_peer_shed(c, fd,
                 "WH_MAX_CONNECTIONS connections open on the command socket: the one waiting longest "
                 "without sending anything closed");
}

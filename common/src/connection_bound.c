/*
 * connection_bound.c — how many connections the command socket holds at once, whoever they are.
 *
 * The per-key bound (peer_bounds.c) counts a connection from its CURVE handshake on; before that a
 * connection has no key — a TCP connection that never starts its handshake, or stops halfway, is
 * nobody's.  libzmq closes one whose handshake is not done within ZMQ_HANDSHAKE_IVL
 * (WH_HANDSHAKE_SECONDS, 10 s), but within that time a peer could open any number of them, each an fd
 * and libzmq's buffers.  So the monitor (monitor.c) counts every accepted connection until it is gone,
 * and past WH_MAX_CONNECTIONS (384) one connection that cannot have sent a command the service has
 * not read is shut down (shutdown(2); libzmq then closes it): one done with its handshake and silent
 * for WH_SHED_SILENT_MS (10 s) since — its first command, had it sent one, would have been read by
 * then — the longest silent first; else one whose handshake is undecided (nothing can come before the
 * handshake is done), the one accepted longest ago: the new one itself when every other has sent or is
 * within those 10 s.  Never one whose handshake succeeded in the last 10 s: the monitor sees a
 * connection's handshake, not its first message, which may wait unread in libzmq's queue behind a
 * batch — closing it lost that message, its client waiting for a reply that could not come (it was so
 * when the one accepted longest ago went first, whatever its handshake).  A flood of half-open
 * connections displaces its own oldest, never a connection that has sent a command, and a new client
 * that completes its handshake and sends within the flood's turnover is served.  Each is counted
 * (wh_bus_connections_shed_total) and audited (connection_limit, no principal: there is none yet).
 * One source address alone cannot fill it: address_bound.c.  A connection whose handshake succeeded is
 * not shed: that those of every key together stay within WH_MAX_CONNECTIONS is the ZAP handler's
 * refusal past it (peer_bounds.c), the bound that keeps the service's memory bounded.
 */
#include <sys/socket.h>

#include "bus_internal.h"
#include "commands_internal.h"
#include "wh/util.h"

int wh_peer_shed_choice(const wh_peers *ps, uint64_t now_ms)
{
    int silent = -1, undecided = -1;

    for (size_t i = 0; i < ps->n_fd; i++) {
        const peer_conn *pc = &ps->by_fd[i];
        if (!pc->waiting || pc->used)
            continue;
        if (!pc->secured) {
            if (undecided < 0 || pc->accepted_ms < ps->by_fd[undecided].accepted_ms)
                undecided = (int)i;
        } else if (now_ms - pc->secured_ms >= WH_SHED_SILENT_MS &&
                   (silent < 0 || pc->secured_ms < ps->by_fd[silent].secured_ms)) {
            silent = (int)i;
        }
    }
    return silent >= 0 ? silent : undecided;
}

bool wh_peer_shed(wh_commands *c, int fd, const char *reason)
{
    wh_peers *ps = &c->peers;
    peer_conn *pc = &ps->by_fd[fd];

    pc->waiting = false; /* once: its end (ZMQ_EVENT_DISCONNECTED) frees the slot */
    wh_tally_update(ps, pc);
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
    int fd = wh_peer_shed_choice(ps, wh_mono_ns() / 1000000u);
    if (fd < 0)
        return; /* only connections above the table's fds (peer_bounds.c): not bounded */
    wh_peer_shed(c, fd,
                 "WH_MAX_CONNECTIONS connections open on the command socket: one that cannot have sent "
                 "anything closed (silent 10 s past its handshake, or its handshake not done)");
}

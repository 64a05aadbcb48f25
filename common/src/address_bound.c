/*
 * address_bound.c — how many connections of one source address may be in their handshake at once on the
 * command socket.
 *
 * The bound on all connections (connection_bound.c) closes, past WH_MAX_CONNECTIONS, the connection
 * that has waited longest without sending anything — whoever it is.  A flood of half-open connections
 * from one address would so close other peers' handshakes still under way, the oldest first.  So each
 * accepted connection (monitor.c) is noted with its source address (IPv4, IPv6; an IPv4-mapped IPv6
 * address counts as the IPv4 one) until its CURVE handshake succeeds (ZMQ_EVENT_HANDSHAKE_SUCCEEDED) or
 * it sends, and a new connection of an address that has WH_MAX_HANDSHAKES_PER_ADDRESS (default 256) in
 * their handshake already is closed at once: a flood from one address is refused its own connections,
 * never closes another address's, and with the bound below WH_MAX_CONNECTIONS it cannot fill the socket
 * alone.  The new one, not the address's oldest: a connection just accepted cannot have sent anything,
 * while an older one may have completed its handshake and sent its first message before the monitor
 * told (its events lag), and closing it would lose that message — with the oldest closed, 3 of 1,024
 * DEALERs opened at once from one host never got their first reply; libzmq reconnects the new one.
 * Silent connections past their handshake are the idle bound's (peer_bounds.c).  Counted with the others shed
 * (wh_bus_connections_shed_total), audited (connection_limit, no principal, the address in the reason).
 * Unix-socket (ipc://) peers have no address and are not bounded here.  The connections of an address
 * in their handshake are counted as they change (address_tally.c): an accept asks one table entry, where
 * it scanned every fd.  An IPv6 address is folded into 64
 * bits: two whose halves XOR alike would share one bound.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "bus_internal.h"
#include "commands_internal.h"
#include "wh/util.h"

#define SOURCE_V4 (UINT64_C(1) << 32)
#define SOURCE_V6 (UINT64_C(1) << 63)

static uint64_t source_v6(const struct in6_addr *a)
{
    uint64_t hi, lo;

    if (IN6_IS_ADDR_V4MAPPED(a)) {
        uint32_t v4;
        memcpy(&v4, &a->s6_addr[12], sizeof v4);
        return SOURCE_V4 | v4;
    }
    memcpy(&hi, &a->s6_addr[0], sizeof hi);
    memcpy(&lo, &a->s6_addr[8], sizeof lo);
    return SOURCE_V6 | ((hi ^ lo) & ~SOURCE_V6) | 1;
}

/* fd's peer address without its port, as a number (0: not an IP peer) and as text. */
static uint64_t source_of(int fd, char *text, socklen_t n)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    memset(&ss, 0, sizeof ss);
    if (getpeername(fd, (struct sockaddr *)&ss, &len) != 0)
        return 0;
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &a->sin_addr, text, n);
        return SOURCE_V4 | a->sin_addr.s_addr;
    }
    if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &a->sin6_addr, text, n);
        return source_v6(&a->sin6_addr);
    }
    return 0;
}

void wh_peer_address_bound(wh_commands *c, int fd)
{
    wh_peers *ps = &c->peers;
    char text[INET6_ADDRSTRLEN] = "?", reason[160];

    if (fd < 0 || (size_t)fd >= ps->n_fd || !ps->by_fd[fd].waiting)
        return; /* above the table's fds (peer_bounds.c), or placed already by its first message */
    ps->by_fd[fd].secured = false;
    ps->by_fd[fd].source = source_of(fd, text, sizeof text);
    wh_tally_update(ps, &ps->by_fd[fd]); /* counted under its address (address_tally.c) */
    if (ps->by_fd[fd].source == 0 || wh_tally_of(ps, ps->by_fd[fd].source) <= c->svc->waiting_per_addr)
        return;
    snprintf(reason, sizeof reason,
             "WH_MAX_HANDSHAKES_PER_ADDRESS connections from %s in their handshake: the new one closed",
             text);
    wh_peer_shed(c, fd, reason);
}

void wh_peer_secured(wh_commands *c, int fd)
{
    if (fd < 0 || (size_t)fd >= c->peers.n_fd)
        return;
    c->peers.by_fd[fd].secured = true;
    c->peers.by_fd[fd].secured_ms = wh_mono_ns() / 1000000u;
    wh_tally_update(&c->peers, &c->peers.by_fd[fd]);
}

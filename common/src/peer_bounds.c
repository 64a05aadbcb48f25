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
 */
#include <linux/sockios.h>
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

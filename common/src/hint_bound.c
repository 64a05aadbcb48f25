/*
 * hint_bound.c — how many connections the hint socket holds at once.
 *
 * Every subscriber of a service's hints is a connection with libzmq's buffers and, while it does not
 * read, up to the socket's high-water mark of hints queued for it (hints.c): before, nothing bounded
 * how many a peer opened.  The hint socket's handshakes go through the same ZAP handler as the command
 * socket's (zap.c, ZAP domain WH_ZAP_DOMAIN_HINTS), which asks wh_hint_bound_admit: an agency's or
 * operator's handshake is refused (400 "connection limit", audited connection_limit, counted in
 * wh_bus_handshakes_total{result="connection_limit"}) once the socket's connections are at
 * WH_MAX_HINT_CONNECTIONS (default 64).  A service's own key is never refused here (five services, a
 * few consumers each: agencies must not keep them from their wake-ups), but its connections count.
 *
 * Counted as the command socket's are (peer_bounds.c), from the handshake on.  A ZAP request names no
 * fd, and libzmq 4.3.4's ZMQ_EVENT_HANDSHAKE_SUCCEEDED carries no fd either (its value is 0), so an
 * accepted handshake holds a place, and the connection takes it with its first subscription: the
 * socket is an XPUB with ZMQ_XPUB_VERBOSE, so every subscription reaches us with the fd it came on
 * (ZMQ_SRCFD).  The place is the connection's until its end (ZMQ_EVENT_DISCONNECTED of that fd, from
 * the socket's monitor).  A held place is forgotten WH_HANDSHAKE_SECONDS + 2 ticks after its
 * handshake, and by then a connection that has not subscribed is closed (each accepted fd is noted,
 * ZMQ_EVENT_ACCEPTED, and shut down on the tick past that time if it still has the peer it had): a
 * connection that subscribes to nothing gets no hints, and must not stay uncounted.  A refused
 * subscriber loses only wake-ups: its consumer still fetches every WH_FETCH_LIVENESS_MS, and no
 * event is lost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <zmq.h>

#include "bus_internal.h"
#include "commands_internal.h"
#include "wh/log.h"
#include "wh/util.h"

#define HINT_MONITOR_EVENTS (ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED)
#define HINT_DRAIN          256   /* messages a loop turn */
#define HINT_FD_MAX         65536 /* connections on a higher fd are not counted */

struct wh_hint_bound {
    wh_zsock xpub;    /* the hint socket: its subscriptions read here, its hints sent by hints.c */
    wh_zsock monitor; /* the socket's events */
    int open_handles; /* of the two above, not yet closed */
    wh_service *svc;
    wh_hint_places places;
    wh_gauge *open;
    wh_counter *closed;
};

static uint64_t now_ms(void)
{
    return wh_mono_ns() / 1000000u;
}

/* --- the places, by fd ------------------------------------------------------------------------- */

static wh_hint_conn *slot(wh_hint_places *p, int fd)
{
    if (fd < 0 || fd >= HINT_FD_MAX)
        return NULL;
    if ((size_t)fd >= p->n_fd) {
        size_t n = p->n_fd;
        wh_hint_conn *grown = wh_grow(p->by_fd, &n, (size_t)fd + 1, sizeof *grown, 64);
        if (grown == NULL)
            return NULL;
        memset(grown + p->n_fd, 0, (n - p->n_fd) * sizeof *grown);
        p->by_fd = grown;
        p->n_fd = n;
    }
    return &p->by_fd[fd];
}

static void held_expire(wh_hint_places *p, uint64_t now)
{
    size_t kept = 0;

    for (size_t i = 0; i < p->n_held; i++)
        if (p->held[i] > now)
            p->held[kept++] = p->held[i];
    p->n_held = kept;
}

int64_t wh_hint_places_count(wh_hint_places *p, uint64_t now)
{
    held_expire(p, now);
    return p->n_placed + (int64_t)p->n_held;
}

bool wh_hint_places_admit(wh_hint_places *p, int64_t max, bool never_refused, uint64_t now, uint64_t hold_ms)
{
    if (!never_refused && wh_hint_places_count(p, now) >= max)
        return false;
    uint64_t *grown = wh_grow(p->held, &p->cap_held, p->n_held + 1, sizeof *grown, 16);
    if (grown == NULL)
        return true; /* no memory: in, not counted */
    p->held = grown;
    p->held[p->n_held++] = now + hold_ms;
    return true;
}

void wh_hint_places_accepted(wh_hint_places *p, int fd, uint64_t peer, uint64_t now)
{
    wh_hint_conn *c = slot(p, fd);

    if (c == NULL)
        return;
    if (c->placed && p->n_placed > 0) /* its end was not told: it is gone */
        p->n_placed--;
    c->placed = false;
    c->waiting = true;
    c->peer = peer;
    c->accepted_ms = now;
}

void wh_hint_places_subscribed(wh_hint_places *p, int fd)
{
    wh_hint_conn *c = slot(p, fd);

    if (c == NULL || c->placed)
        return;          /* counted already (another subscription of the same connection) */
    if (p->n_held > 0) { /* the oldest held place is this connection's */
        memmove(p->held, p->held + 1, (p->n_held - 1) * sizeof *p->held);
        p->n_held--;
    }
    c->placed = true;
    c->waiting = false;
    p->n_placed++;
}

void wh_hint_places_gone(wh_hint_places *p, int fd)
{
    if (fd < 0 || (size_t)fd >= p->n_fd)
        return;
    if (p->by_fd[fd].placed && p->n_placed > 0)
        p->n_placed--;
    memset(&p->by_fd[fd], 0, sizeof p->by_fd[fd]);
}

int wh_hint_places_unsubscribed(wh_hint_places *p, uint64_t now, uint64_t hold_ms)
{
    for (size_t fd = 0; fd < p->n_fd; fd++) {
        wh_hint_conn *c = &p->by_fd[fd];

        if (c->waiting && now - c->accepted_ms >= hold_ms) {
            c->waiting = false; /* once: its end frees the slot */
            return (int)fd;
        }
    }
    return -1;
}

void wh_hint_places_free(wh_hint_places *p)
{
    free(p->by_fd);
    free(p->held);
    memset(p, 0, sizeof *p);
}

/* --- the socket -------------------------------------------------------------------------------- */

static uint64_t hold_ms(const wh_hint_bound *b)
{
    return (uint64_t)b->svc->handshake_s * 1000u + 2 * WH_TICK_MS;
}

bool wh_hint_bound_admit(wh_hint_bound *b, const wh_principal *who)
{
    return wh_hint_places_admit(&b->places, b->svc->max_hint_conns, (who->role & WH_ROLE_SERVICE) != 0,
                                now_ms(), hold_ms(b));
}

static void on_subscription(wh_zsock *z, void *arg)
{
    wh_hint_bound *b = arg;
    void *xpub = z->sock;

    for (int n = 0; n < HINT_DRAIN; n++) {
        zmq_msg_t m;

        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, xpub, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            break;
        }
        /* a subscription is one frame, 1 then the topic; an unsubscription 0 (unused) */
        if (zmq_msg_size(&m) >= 1 && ((const unsigned char *)zmq_msg_data(&m))[0] == 1)
            wh_hint_places_subscribed(&b->places, zmq_msg_get(&m, ZMQ_SRCFD));
        zmq_msg_close(&m);
    }
    wh_gauge_set(b->open, (double)b->places.n_placed);
}

static void on_hint_event(void *arg, uint16_t event, uint32_t value)
{
    wh_hint_bound *b = arg;

    if (event == ZMQ_EVENT_ACCEPTED)
        wh_hint_places_accepted(&b->places, (int)value, wh_peer_hash((int)value), now_ms());
    else if (event == ZMQ_EVENT_DISCONNECTED)
        wh_hint_places_gone(&b->places, (int)value);
}

static void on_event(wh_zsock *z, void *arg)
{
    wh_hint_bound *b = arg;

    wh_monitor_read(z->sock, HINT_DRAIN, on_hint_event, b);
    wh_gauge_set(b->open, (double)b->places.n_placed);
}

void wh_hint_bound_tick(wh_hint_bound *b)
{
    int fd, closed = 0;

    if (b == NULL)
        return;
    while ((fd = wh_hint_places_unsubscribed(&b->places, now_ms(), hold_ms(b))) >= 0) {
        uint64_t peer = b->places.by_fd[fd].peer;
        /* the fd is still the connection accepted on it (same peer), not one that got the number since */
        if (peer != 0 && wh_peer_hash(fd) == peer && shutdown(fd, SHUT_RDWR) == 0)
            closed++;
    }
    if (closed > 0) {
        wh_counter_add(b->closed, closed);
        wh_log_info("closed hint connections that subscribed to nothing", "{s:i}", "connections", closed);
    }
}

static void freed(wh_zsock *z);

int wh_hint_bound_start(wh_hint_bound **out, wh_service *svc, void *xpub)
{
    wh_hint_bound *b = calloc(1, sizeof *b);
    char endpoint[64];
    void *pair = NULL;

    *out = NULL;
    if (b == NULL)
        return WH_INTERNAL;
    b->svc = svc;
    b->open = wh_metrics_gauge("wh_bus_hint_connections", NULL,
                               "Connections subscribed on the hint socket (WH_MAX_HINT_CONNECTIONS)");
    b->closed = wh_metrics_counter("wh_bus_hint_connections_closed_total", NULL,
                                   "Hint connections closed for subscribing to nothing in time");
    snprintf(endpoint, sizeof endpoint, "inproc://wh-hint-monitor-%p", xpub);
    if (zmq_socket_monitor(xpub, endpoint, HINT_MONITOR_EVENTS) != 0 ||
        (pair = zmq_socket(svc->zctx, ZMQ_PAIR)) == NULL || zmq_connect(pair, endpoint) != 0 ||
        wh_zsock_start(&b->monitor, svc->loop, pair, on_event, b) != 0) {
        wh_log_error("cannot monitor the hint socket", "{s:s}", "error", zmq_strerror(zmq_errno()));
        if (pair != NULL)
            zmq_close(pair);
        zmq_socket_monitor(xpub, NULL, 0);
        free(b);
        return WH_INTERNAL;
    }
    if (wh_zsock_start(&b->xpub, svc->loop, xpub, on_subscription, b) != 0) {
        zmq_socket_monitor(xpub, NULL, 0);
        b->open_handles = 1;
        b->monitor.on_closed = freed; /* b is freed once its monitor's handles are closed */
        wh_zsock_close(&b->monitor);
        return WH_INTERNAL;
    }
    b->open_handles = 2;
    *out = b;
    return 0;
}

void wh_hint_bound_kick(wh_hint_bound *b)
{
    if (b != NULL)
        wh_zsock_kick(&b->xpub);
}

static void freed(wh_zsock *z)
{
    wh_hint_bound *b = z->arg;

    if (--b->open_handles > 0)
        return;
    wh_hint_places_free(&b->places);
    free(b);
}

void wh_hint_bound_stop(wh_hint_bound **b)
{
    if (b == NULL || *b == NULL)
        return;
    zmq_socket_monitor((*b)->xpub.sock, NULL, 0);
    (*b)->monitor.on_closed = freed;
    (*b)->xpub.on_closed = freed;
    wh_zsock_close(&(*b)->monitor);
    wh_zsock_close(&(*b)->xpub); /* closes the hint socket */
    *b = NULL;
}

/*
 * monitor.c — the command socket's connection events (zmq_socket_monitor), on the loop.
 *
 * The monitor is attached before the socket binds, so no connection's events — its first handshake
 * included — can happen before anyone listens.  What it tells:
 *   - a connection gone (ZMQ_EVENT_DISCONNECTED, with its fd): its place in the per-key connection
 *     bound is released (peer_bounds.c), and the service gives memory back once idle (service.c:
 *     give_back_memory; refused commands are no work, so without this 1,000 connections' buffers,
 *     54 MiB, stayed after they closed);
 *   - a handshake that failed before the ZAP handler was asked — the peer is not a CURVE client, broke
 *     the protocol, or closed or timed out before completing it (ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL,
 *     _NO_DETAIL): counted (wh_bus_handshakes_total{result="failed"}) and audited (decision
 *     handshake_failed, no principal nor key: there was none).  A key the allow-list refuses is the ZAP
 *     handler's (zap.c: handshake_denied), not counted again here;
 *   - a connection accepted (ZMQ_EVENT_ACCEPTED, with its fd): it has WH_IDLE_CONNECTION_SECONDS to
 *     send its first command, else it is closed (peer_bounds.c: wh_peers_tick); past
 *     WH_MAX_CONNECTIONS open, the one that has waited longest without sending is closed
 *     (connection_bound.c); past WH_MAX_HANDSHAKES_PER_ADDRESS of its source address with the handshake
 *     undecided, the new one is closed (address_bound.c);
 *   - a handshake succeeded (ZMQ_EVENT_HANDSHAKE_SUCCEEDED, with its fd): its address's bound counts it
 *     no more (address_bound.c);
 *   - connections open (accepted minus gone): wh_bus_connections.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bus_internal.h"
#include "commands_internal.h"
#include "wh/log.h"

#define MONITOR_EVENTS                                                                                       \
    (ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |                     \
     ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
#define MONITOR_DRAIN 256 /* events a loop turn, to keep the loop fair */

struct wh_monitor {
    wh_zsock z;
    void *watched; /* the command socket */
    wh_commands *commands;
    wh_counter *failed;
    wh_gauge *open;
    int64_t connections;
};

static void on_event(void *arg, uint16_t event, uint32_t value)
{
    wh_monitor *m = arg;

    switch (event) {
    case ZMQ_EVENT_ACCEPTED:
        wh_gauge_set(m->open, (double)++m->connections);
        wh_peer_accepted(m->commands, (int)value);        /* closed if it sends nothing (peer_bounds.c) */
        wh_peer_address_bound(m->commands, (int)value);   /* one address's waiting (address_bound.c) */
        wh_peer_total_bound(m->commands, m->connections); /* WH_MAX_CONNECTIONS (connection_bound.c) */
        break;
    case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
        wh_peer_secured(m->commands, (int)value); /* its address's bound counts it no more */
        break;
    case ZMQ_EVENT_DISCONNECTED:
        if (m->connections > 0)
            m->connections--;
        wh_gauge_set(m->open, (double)m->connections);
        wh_peer_gone(m->commands, (int)value);
        m->commands->svc->worked = 2; /* its buffers freed: give the memory back once idle (service.c) */
        m->commands->svc->trim_due = true;
        break;
    default: /* a handshake failed before ZAP: not CURVE, a protocol error, closed or timed out */
        wh_counter_add(m->failed, 1);
        wh_audit_record(m->commands->svc, "", "", "", "handshake_failed",
                        event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
                            ? "protocol error (not a CURVE client, or not ZMTP)"
                            : "closed or timed out before completing the handshake",
                        NULL);
        break;
    }
}

void wh_monitor_read(void *sock, int most, wh_monitor_event_fn on, void *arg)
{
    for (int n = 0; n < most; n++) {
        zmq_msg_t head, endpoint;
        uint16_t event;
        uint32_t value;

        zmq_msg_init(&head);
        if (zmq_msg_recv(&head, sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&head);
            return;
        }
        zmq_msg_init(&endpoint); /* the second frame: the endpoint, unused */
        if (zmq_msg_more(&head))
            zmq_msg_recv(&endpoint, sock, 0);
        if (zmq_msg_size(&head) >= sizeof event + sizeof value) {
            memcpy(&event, zmq_msg_data(&head), sizeof event);
            memcpy(&value, (const char *)zmq_msg_data(&head) + sizeof event, sizeof value);
            on(arg, event, value);
        }
        zmq_msg_close(&endpoint);
        zmq_msg_close(&head);
    }
}

static void on_readable(wh_zsock *z, void *arg)
{
    wh_monitor_read(z->sock, MONITOR_DRAIN, on_event, arg);
}

void wh_monitor_drain(wh_monitor *m)
{
    if (m == NULL)
        return;
    on_readable(&m->z, m);
    wh_zsock_kick(&m->z); /* reading it here may have taken the edge its poll waits for */
}

int wh_monitor_start(wh_monitor **out, wh_commands *c, void *sock)
{
    wh_monitor *m = calloc(1, sizeof *m);
    char endpoint[64];
    void *pair = NULL;

    *out = NULL;
    if (m == NULL)
        return WH_INTERNAL;
    m->watched = sock;
    m->commands = c;
    m->failed = wh_metrics_counter("wh_bus_handshakes_total", "result=\"failed\"",
                                   "CURVE handshakes decided by the ZAP handler");
    m->open = wh_metrics_gauge("wh_bus_connections", NULL, "Connections open on the command socket");
    snprintf(endpoint, sizeof endpoint, "inproc://wh-monitor-%p", sock);
    if (zmq_socket_monitor(sock, endpoint, MONITOR_EVENTS) != 0 ||
        (pair = zmq_socket(c->svc->zctx, ZMQ_PAIR)) == NULL || zmq_connect(pair, endpoint) != 0 ||
        wh_zsock_start(&m->z, c->svc->loop, pair, on_readable, m) != 0) {
        wh_log_error("cannot monitor the command socket", "{s:s}", "error", zmq_strerror(zmq_errno()));
        if (pair != NULL)
            zmq_close(pair);
        zmq_socket_monitor(sock, NULL, 0);
        free(m);
        return WH_INTERNAL;
    }
    *out = m;
    return 0;
}

void wh_monitor_stop(wh_monitor **m)
{
    if (m == NULL || *m == NULL)
        return;
    zmq_socket_monitor((*m)->watched, NULL, 0);
    wh_zsock_close_and_free(&(*m)->z);
    *m = NULL;
}

/*
 * zap.c — the ZAP handler (ZeroMQ RFC 27): who may complete a CURVE handshake with this service.
 *
 * libzmq asks on inproc://zeromq.zap.01 for every handshake on the service's sockets.  We accept a
 * CURVE client only when its public key is on the allow-list, and answer with that key (Z85) as
 * User-Id, which libzmq then attaches to every message from that connection: identity comes from the
 * handshake, never from a payload, and each message is looked up again in the current allow-list, so
 * revoking a key also silences connections opened before.  Everything else is refused (400), counted
 * and audited (audit_log, decision handshake_denied, with the presented key and the peer's address);
 * the log has one line a second for all of them (audit.c), never one per attempt, so a flood of
 * handshakes cannot flood it.  On the command socket (ZAP domain welfarehub-commands) a key that has
 * WH_MAX_CONNECTIONS_PER_KEY connections already, or any key once every key together has
 * WH_MAX_CONNECTIONS — counted from their handshake on, whether they have sent anything or not
 * (peer_bounds.c) — is refused too (400 "connection limit"), counted
 * (wh_bus_handshakes_total{result="connection_limit"}) and audited (connection_limit): the client
 * learns at once (its handshake fails; libzmq does not reconnect after a refused handshake) instead
 * of a connection that is never served.  The exchange itself is zap_protocol.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bus_internal.h"
#include "wh/log.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"

struct wh_zap {
    wh_zsock z;
    wh_service *svc; /* its access is the current allow-list */
    wh_counter *accepted, *denied, *at_limit;
};

/* Within the bounds of the socket it is for: the command socket's (peer_bounds.c), the hint socket's
 * (hint_bound.c); no other socket is bounded here. */
static wh_peer_handshake_verdict handshake_verdict(wh_service *svc, const char *domain, const char *key,
                                                   const wh_principal *who)
{
    if (strcmp(domain, WH_ZAP_DOMAIN_COMMANDS) == 0 && svc->commands != NULL)
        return wh_peer_handshake(svc->commands, key);
    if (strcmp(domain, WH_ZAP_DOMAIN_HINTS) == 0 && svc->hint_bound != NULL &&
        !wh_hint_bound_admit(svc->hint_bound, who))
        return WH_HANDSHAKE_HINTS_FULL;
    return WH_HANDSHAKE_IN;
}

/* Which bound a refused handshake met, for its audit row. */
static const char *bound_reached(wh_peer_handshake_verdict v)
{
    switch (v) {
    case WH_HANDSHAKE_KEY_FULL:
        return "WH_MAX_CONNECTIONS_PER_KEY connections open already";
    case WH_HANDSHAKE_HINTS_FULL:
        return "WH_MAX_HINT_CONNECTIONS connections on the hint socket already";
    case WH_HANDSHAKE_KEY_HELD:
        return "half of WH_MAX_CONNECTIONS_PER_KEY held by handshakes not yet followed by a message";
    default:
        return "WH_MAX_CONNECTIONS of every key open already";
    }
}

/* A key on the current allow-list may in, within its connections on the command socket; everything
 * else is counted and audited. */
static bool decide(void *arg, const char *domain, const char *key, const char *address, const char **why)
{
    wh_zap *zap = arg;
    const wh_principal *who = key != NULL ? wh_access_by_key(zap->svc->access, key) : NULL;
    char reason[192];

    if (who != NULL) {
        wh_peer_handshake_verdict v = handshake_verdict(zap->svc, domain, key, who);
        if (v == WH_HANDSHAKE_IN) {
            wh_counter_add(zap->accepted, 1);
            return true;
        }
        *why = "connection limit";
        wh_counter_add(zap->at_limit, 1);
        snprintf(reason, sizeof reason, "%s, from %s", bound_reached(v), address != NULL ? address : "?");
        wh_audit_record(zap->svc, who->name, key, "", "connection_limit", reason, NULL);
        return false;
    }

    if (key != NULL)
        *why = "unknown key";
    wh_counter_add(zap->denied, 1);
    /* the presented key (or none) is who: a flood of retries is one counted row a tick */
    snprintf(reason, sizeof reason, "%s, from %s", *why, address != NULL ? address : "?");
    wh_audit_record(zap->svc, "", key != NULL ? key : "", "", "handshake_denied", reason, NULL);
    return false;
}

static void on_request(wh_zsock *z, void *arg)
{
    wh_zap_answer_waiting(z->sock, decide, arg);
}

int wh_zap_start(wh_zap **out, wh_service *svc)
{
    wh_zap *zap = calloc(1, sizeof *zap);
    void *sock;

    *out = NULL;
    if (zap == NULL)
        return WH_INTERNAL;
    zap->svc = svc;
    zap->accepted = wh_metrics_counter("wh_bus_handshakes_total", "result=\"accepted\"",
                                       "CURVE handshakes decided by the ZAP handler");
    zap->denied = wh_metrics_counter("wh_bus_handshakes_total", "result=\"denied\"",
                                     "CURVE handshakes decided by the ZAP handler");
    zap->at_limit = wh_metrics_counter("wh_bus_handshakes_total", "result=\"connection_limit\"",
                                       "CURVE handshakes decided by the ZAP handler");
    sock = zmq_socket(svc->zctx, ZMQ_REP);
    if (sock == NULL || zmq_bind(sock, ZAP_ENDPOINT) != 0) {
        wh_log_error("cannot bind the ZAP handler", "{s:s}", "error", zmq_strerror(zmq_errno()));
        if (sock != NULL)
            zmq_close(sock);
        free(zap);
        return WH_INTERNAL;
    }
    if (wh_zsock_start(&zap->z, svc->loop, sock, on_request, zap) != 0) {
        zmq_close(sock);
        free(zap);
        return WH_INTERNAL;
    }
    *out = zap;
    return 0;
}

void wh_zap_stop(wh_zap **zap)
{
    if (zap == NULL || *zap == NULL)
        return;
    wh_zsock_close_and_free(&(*zap)->z);
    *zap = NULL;
}

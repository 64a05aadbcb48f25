/*
 * hints.c — StreamHead on the PUB socket: "this stream is at N".
 *
 * Published after every commit that moved the head, and once a tick as a heartbeat, as two frames:
 * the topic (the stream name, so a SUB can filter) and an Envelope carrying the StreamHead.  A hint is
 * only a wake-up: losing one delays a consumer until its next poll, never loses an event.
 */
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bus_internal.h"
#include "wh/config.h"
#include "wh/log.h"

int wh_hints_start(wh_service *svc)
{
    const char *bind = wh_config_str("WH_HINTS_BIND", NULL);
    const char *endpoint = bind != NULL && *bind ? bind : wh_config_hints_endpoint(svc->def->name);
    int zero = 0, one = 1, hwm = 1000, handshake_ms = (int)svc->handshake_s * 1000;

    /* an XPUB, every subscription passed up (ZMQ_XPUB_VERBOSE): each tells which connection it came on,
     * which takes its place in WH_MAX_HINT_CONNECTIONS (hint_bound.c) */
    svc->pub = zmq_socket(svc->zctx, ZMQ_XPUB);
    if (svc->pub == NULL || wh_zsock_curve_server(svc->pub, svc->secret_key, WH_ZAP_DOMAIN_HINTS) != 0 ||
        zmq_setsockopt(svc->pub, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        zmq_setsockopt(svc->pub, ZMQ_HANDSHAKE_IVL, &handshake_ms, sizeof handshake_ms) != 0 ||
        zmq_setsockopt(svc->pub, ZMQ_SNDHWM, &hwm, sizeof hwm) != 0 ||
        zmq_setsockopt(svc->pub, ZMQ_XPUB_VERBOSE, &one, sizeof one) != 0 ||
        wh_hint_bound_start(&svc->hint_bound, svc, svc->pub) != 0 || zmq_bind(svc->pub, endpoint) != 0) {
        wh_log_error("cannot bind the hint socket", "{s:s, s:s}", "endpoint", endpoint, "error",
                     zmq_strerror(zmq_errno()));
        return WH_UNAVAILABLE;
    }
    wh_log_info("hints bound", "{s:s}", "endpoint", endpoint);
    return 0;
}

void wh_hints_publish(wh_service *svc, bool heartbeat)
{
    Welfare__Bus__V1__StreamHead head = WELFARE__BUS__V1__STREAM_HEAD__INIT;
    const char *stream = svc->def->name;
    uint8_t *frame = NULL;
    size_t len = 0;

    wh_fetch_wait_wake(svc->commands); /* after a commit: what waited for it; on the tick: the expired */
    if (svc->pub == NULL || (!heartbeat && svc->head == svc->published))
        return;
    head.stream = (char *)stream;
    head.head_sequence = svc->head;
    if (wh_envelope_pack_message(stream, NULL, &head.base, &frame, &len) != 0)
        return;
    if (zmq_send(svc->pub, stream, strlen(stream), ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0)
        zmq_send(svc->pub, frame, len, ZMQ_DONTWAIT);
    wh_hint_bound_kick(svc->hint_bound);
    free(frame);
    svc->published = svc->head;
    wh_gauge_set(svc->head_gauge, (double)svc->head);
}

void wh_hints_stop(wh_service *svc)
{
    int zero = 0;

    if (svc->hint_bound != NULL) { /* it closes the socket */
        wh_hint_bound_stop(&svc->hint_bound);
        svc->pub = NULL;
        return;
    }
    if (svc->pub == NULL)
        return;
    zmq_setsockopt(svc->pub, ZMQ_LINGER, &zero, sizeof zero);
    zmq_close(svc->pub);
    svc->pub = NULL;
}

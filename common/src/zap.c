/*
 * zap.c — the ZAP handler (ZeroMQ RFC 27): who may complete a CURVE handshake with this service.
 *
 * libzmq asks on inproc://zeromq.zap.01 for every handshake on the service's sockets.  We accept a
 * CURVE client only when its public key is on the allow-list, and answer with that key (Z85) as
 * User-Id, which libzmq then attaches to every message from that connection: identity comes from the
 * handshake, never from a payload, and each message is looked up again in the current allow-list, so
 * revoking a key also silences connections opened before.  Everything else is refused (400), counted and
 * logged without the key material beyond its Z85 text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bus_internal.h"
#include "wh/log.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_FRAMES   7 /* version, request id, domain, address, routing id, mechanism, credential */

struct wh_zap {
    wh_zsock z;
    wh_service *svc; /* its access is the current allow-list */
    wh_counter *accepted, *denied;
};

typedef struct zap_request {
    zmq_msg_t frames[ZAP_FRAMES];
    int n;
} zap_request;

static void request_close(zap_request *r)
{
    for (int i = 0; i < r->n; i++)
        zmq_msg_close(&r->frames[i]);
    r->n = 0;
}

/* Reads one request (all its frames; extra credential frames are read and ignored). */
static int request_read(void *sock, zap_request *r)
{
    int more = 1;

    r->n = 0;
    while (more) {
        zmq_msg_t extra, *m = r->n < ZAP_FRAMES ? &r->frames[r->n] : &extra;
        zmq_msg_init(m);
        if (zmq_msg_recv(m, sock, r->n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
            zmq_msg_close(m);
            request_close(r);
            return -1;
        }
        more = zmq_msg_more(m);
        if (m == &extra)
            zmq_msg_close(m);
        else
            r->n++;
    }
    return 0;
}

static bool frame_is(zmq_msg_t *m, const char *text)
{
    size_t n = strlen(text);
    return zmq_msg_size(m) == n && memcmp(zmq_msg_data(m), text, n) == 0;
}

/* The principal a request's CURVE key names, or NULL with why set. */
static const wh_principal *decide(wh_zap *zap, zap_request *r, char key[WH_Z85_KEY_LEN + 1], const char **why)
{
    const wh_principal *p;

    key[0] = '\0';
    if (r->n < ZAP_FRAMES || !frame_is(&r->frames[0], "1.0")) {
        *why = "malformed ZAP request";
        return NULL;
    }
    if (!frame_is(&r->frames[5], "CURVE") || zmq_msg_size(&r->frames[6]) != 32) {
        *why = "not CURVE";
        return NULL;
    }
    zmq_z85_encode(key, zmq_msg_data(&r->frames[6]), 32);
    p = wh_access_by_key(zap->svc->access, key);
    if (p == NULL)
        *why = "unknown key";
    return p;
}

static void send_frame(void *sock, const void *data, size_t len, int more)
{
    zmq_send(sock, data, len, more ? ZMQ_SNDMORE : 0);
}

static void reply(void *sock, zap_request *r, const char *code, const char *text, const char *user)
{
    send_frame(sock, "1.0", 3, 1);
    if (r->n > 1)
        send_frame(sock, zmq_msg_data(&r->frames[1]), zmq_msg_size(&r->frames[1]), 1);
    else
        send_frame(sock, "", 0, 1);
    send_frame(sock, code, strlen(code), 1);
    send_frame(sock, text, strlen(text), 1);
    send_frame(sock, user, strlen(user), 1);
    send_frame(sock, "", 0, 0);
}

static void on_request(wh_zsock *z, void *arg)
{
    wh_zap *zap = arg;
    zap_request r;
    char key[WH_Z85_KEY_LEN + 1], address[64] = "";

    for (int i = 0; i < 64 && request_read(z->sock, &r) == 0; i++) {
        const char *why = "";
        const wh_principal *p = decide(zap, &r, key, &why);

        if (r.n > 3)
            snprintf(address, sizeof address, "%.*s", (int)zmq_msg_size(&r.frames[3]),
                     (const char *)zmq_msg_data(&r.frames[3]));
        if (p != NULL) {
            reply(z->sock, &r, "200", "OK", key);
            wh_counter_add(zap->accepted, 1);
        } else {
            reply(z->sock, &r, "400", why, "");
            wh_counter_add(zap->denied, 1);
            wh_log_warn("connection refused", "{s:s, s:s, s:s}", "reason", why, "address", address,
                        "public_key", key);
        }
        request_close(&r);
    }
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

static void free_zap(wh_zsock *z)
{
    free(z->arg);
}

void wh_zap_stop(wh_zap **zap)
{
    if (zap == NULL || *zap == NULL)
        return;
    (*zap)->z.on_closed = free_zap;
    wh_zsock_close(&(*zap)->z);
    *zap = NULL;
}

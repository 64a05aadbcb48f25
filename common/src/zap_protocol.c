/*
 * zap_protocol.c — the ZAP exchange (ZeroMQ RFC 27) without its policy: reads the requests waiting
 * on the handler's REP socket, turns a CURVE client's key into Z85 and asks the caller's decide()
 * whether that key may in; the answer is 200 with the key as User-Id, or 400 with the reason.  The
 * service's handler (zap.c) decides from the allow-list; the fault suite's bus proxy from the keys it
 * holds.
 */
#include <stdio.h>
#include <string.h>
#include <zmq.h>

#include "bus_internal.h"

#define ZAP_FRAMES 7 /* version, request id, domain, address, routing id, mechanism, credential */

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

/* The request's CURVE key in Z85, or NULL with why set. */
static const char *curve_key(zap_request *r, char key[WH_Z85_KEY_LEN + 1], const char **why)
{
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
    return key;
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

int wh_zap_answer_waiting(void *sock, wh_zap_decide_fn decide, void *arg)
{
    zap_request r;
    int answered = 0;

    for (; answered < 64 && request_read(sock, &r) == 0; answered++) {
        char key_z85[WH_Z85_KEY_LEN + 1], address[64] = "", domain[64] = "";
        const char *why = NULL;
        const char *key = curve_key(&r, key_z85, &why);

        if (r.n > 3)
            snprintf(address, sizeof address, "%.*s", (int)zmq_msg_size(&r.frames[3]),
                     (const char *)zmq_msg_data(&r.frames[3]));
        if (r.n > 2)
            snprintf(domain, sizeof domain, "%.*s", (int)zmq_msg_size(&r.frames[2]),
                     (const char *)zmq_msg_data(&r.frames[2]));
        if (decide(arg, domain, key, address, &why))
            reply(sock, &r, "200", "OK", key);
        else
            reply(sock, &r, "400", why != NULL ? why : "refused", "");
        request_close(&r);
    }
    return answered;
}

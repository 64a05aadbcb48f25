/*
 * zsock.c — a ZeroMQ socket driven by the libuv loop.
 *
 * ZMQ_FD is edge-triggered: it becomes readable when the socket's state changes, not while messages
 * wait, and any zmq call on the socket (a send included) may consume the edge.  So every time the loop
 * hands us the socket we read ZMQ_EVENTS, let the owner drain (it stops at its batch size to keep the
 * loop fair), and read ZMQ_EVENTS again: while messages still wait, an idle handle brings us back on
 * the next loop turn instead of waiting for an edge that will not come — and so it does while the
 * owner says it has work left (wh_zsock.more: the command socket's batch taken but not yet run).  Code that
 * sends on the socket elsewhere calls wh_zsock_kick() afterwards for the same reason.
 */
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bus_internal.h"
#include "wh/log.h"

static int pending_events(wh_zsock *z)
{
    int events = 0;
    size_t len = sizeof events;

    if (zmq_getsockopt(z->sock, ZMQ_EVENTS, &events, &len) != 0)
        return 0;
    return events;
}

static void on_idle(uv_idle_t *handle);

static void service(wh_zsock *z)
{
    if (!z->started)
        return;
    if (z->more || (pending_events(z) & ZMQ_POLLIN))
        z->on_readable(z, z->arg);
    if (!z->started)
        return;
    if (z->more || (pending_events(z) & ZMQ_POLLIN))
        uv_idle_start(&z->idle, on_idle);
    else
        uv_idle_stop(&z->idle);
}

static void on_poll(uv_poll_t *handle, int status, int events)
{
    (void)status;
    (void)events;
    service(handle->data);
}

static void on_idle(uv_idle_t *handle)
{
    service(handle->data);
}

int wh_zsock_start(wh_zsock *z, uv_loop_t *loop, void *sock, wh_zsock_fn on_readable, void *arg)
{
    int fd = -1;
    size_t len = sizeof fd;

    z->sock = sock;
    z->on_readable = on_readable;
    z->arg = arg;
    if (zmq_getsockopt(sock, ZMQ_FD, &fd, &len) != 0 || uv_poll_init(loop, &z->poll, fd) != 0 ||
        uv_idle_init(loop, &z->idle) != 0) {
        wh_log_error("cannot put a socket on the loop", "{s:s}", "error", zmq_strerror(zmq_errno()));
        return WH_INTERNAL;
    }
    z->poll.data = z;
    z->idle.data = z;
    z->started = true;
    z->more = false;
    uv_poll_start(&z->poll, UV_READABLE, on_poll);
    /* messages may already wait (a connect raced the start): look once */
    uv_idle_start(&z->idle, on_idle);
    return 0;
}

void wh_zsock_kick(wh_zsock *z)
{
    if (z->started && (pending_events(z) & ZMQ_POLLIN))
        uv_idle_start(&z->idle, on_idle);
}

static void on_handle_closed(uv_handle_t *handle)
{
    wh_zsock *z = handle->data;

    if (++z->handles_closed == 2 && z->on_closed != NULL)
        z->on_closed(z);
}

void wh_zsock_close(wh_zsock *z)
{
    int zero = 0;
    bool was_started = z->started;

    if (was_started) { /* the handles first: libuv must not watch a descriptor ZeroMQ closes */
        z->started = false;
        uv_poll_stop(&z->poll);
        uv_idle_stop(&z->idle);
        uv_close((uv_handle_t *)&z->poll, on_handle_closed);
        uv_close((uv_handle_t *)&z->idle, on_handle_closed);
    }
    if (z->sock != NULL) {
        zmq_setsockopt(z->sock, ZMQ_LINGER, &zero, sizeof zero);
        zmq_close(z->sock);
        z->sock = NULL;
    }
    if (!was_started && z->on_closed != NULL)
        z->on_closed(z); /* last: it may free z */
}

static void free_arg(wh_zsock *z)
{
    free(z->arg);
}

void wh_zsock_close_and_free(wh_zsock *z)
{
    z->on_closed = free_arg;
    wh_zsock_close(z);
}

static int set_key(void *sock, int option, const char *z85)
{
    return zmq_setsockopt(sock, option, z85, WH_Z85_KEY_LEN + 1);
}

int wh_zsock_curve_server(void *sock, const char *secret_z85, const char *zap_domain)
{
    int one = 1;

    if (zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &one, sizeof one) != 0 ||
        set_key(sock, ZMQ_CURVE_SECRETKEY, secret_z85) != 0 ||
        zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, zap_domain, strlen(zap_domain)) != 0)
        return WH_INTERNAL;
    return 0;
}

int wh_zsock_curve_client(void *sock, const char *secret_z85, const char *public_z85,
                          const char *server_public_z85)
{
    if (set_key(sock, ZMQ_CURVE_SERVERKEY, server_public_z85) != 0 ||
        set_key(sock, ZMQ_CURVE_PUBLICKEY, public_z85) != 0 ||
        set_key(sock, ZMQ_CURVE_SECRETKEY, secret_z85) != 0)
        return WH_INTERNAL;
    return 0;
}

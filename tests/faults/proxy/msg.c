/*
 * msg.c — faults-proxy's messages: multipart frames received, copied and sent as they are.
 */
#include <errno.h>
#include <string.h>

#include "proxy.h"

void px_msg_close(px_msg *msg)
{
    for (int i = 0; i < msg->n; i++)
        zmq_msg_close(&msg->frames[i]);
    msg->n = 0;
}

/* Reads and drops what is left of a message that had too many frames. */
static void drain(void *sock)
{
    int more = 1;

    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sock, 0) < 0) {
            zmq_msg_close(&m);
            return;
        }
        more = zmq_msg_more(&m);
        zmq_msg_close(&m);
    }
}

int px_msg_recv(px_msg *msg, void *sock, int flags)
{
    msg->n = 0;
    for (;;) {
        zmq_msg_t *m = &msg->frames[msg->n];
        zmq_msg_init(m);
        if (zmq_msg_recv(m, sock, msg->n == 0 ? flags : 0) < 0) {
            int again = msg->n == 0 && zmq_errno() == EAGAIN;
            zmq_msg_close(m);
            px_msg_close(msg);
            return again ? 0 : -1;
        }
        msg->n++;
        if (!zmq_msg_more(m))
            return 1;
        if (msg->n == PX_MAX_FRAMES) {
            drain(sock);
            px_msg_close(msg);
            return -1;
        }
    }
}

int px_msg_copy(px_msg *to, const px_msg *from)
{
    to->n = 0;
    for (int i = 0; i < from->n; i++) {
        zmq_msg_init(&to->frames[i]);
        if (zmq_msg_copy(&to->frames[i], (zmq_msg_t *)&from->frames[i]) != 0) {
            zmq_msg_close(&to->frames[i]);
            px_msg_close(to);
            return -1;
        }
        to->n++;
    }
    return 0;
}

void px_msg_move(px_msg *to, px_msg *from)
{
    for (int i = 0; i < from->n; i++) {
        zmq_msg_init(&to->frames[i]);
        zmq_msg_move(&to->frames[i], &from->frames[i]);
        zmq_msg_close(&from->frames[i]);
    }
    to->n = from->n;
    from->n = 0;
}

int px_msg_send(const px_msg *msg, void *sock, const uint8_t *rid, size_t rid_len)
{
    px_msg out;

    if (px_msg_copy(&out, msg) != 0)
        return -1;
    if (rid != NULL && zmq_send(sock, rid, rid_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
        px_msg_close(&out);
        return -1;
    }
    for (int i = 0; i < out.n; i++) {
        /* a message is all or nothing: once its first frame is queued, the rest are too */
        if (zmq_msg_send(&out.frames[i], sock, (i + 1 < out.n ? ZMQ_SNDMORE : 0) | ZMQ_DONTWAIT) < 0) {
            for (int k = i; k < out.n; k++)
                zmq_msg_close(&out.frames[k]);
            return -1;
        }
    }
    return 0;
}

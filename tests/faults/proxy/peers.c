/*
 * peers.c — faults-proxy's connections: for each client connection (a routing id of the listening
 * ROUTER) one DEALER of its own to the service, made with that client's keys, so the service sees
 * the client's own principal.  A connection nothing came from for a while (a client that went away)
 * is closed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus_internal.h"
#include "proxy.h"

px_peer *px_peer_find(px_peer *list, const uint8_t *rid, size_t rid_len)
{
    for (px_peer *p = list; p != NULL; p = p->next)
        if (p->rid_len == rid_len && memcmp(p->rid, rid, rid_len) == 0)
            return p;
    return NULL;
}

static void *open_upstream(const px_upstream *up, const char *public_z85)
{
    const char *secret = px_keyring_secret(up->keys, public_z85);
    int zero = 0, hwm = 10000;
    void *sock;

    if (secret == NULL)
        return NULL;
    sock = zmq_socket(up->zctx, ZMQ_DEALER);
    if (sock == NULL)
        return NULL;
    /* no ZMQ_IMMEDIATE: while the service is down, messages wait here and arrive late, as a
     * network's would */
    if (wh_zsock_curve_client(sock, secret, public_z85, up->service_public) != 0 ||
        zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        zmq_setsockopt(sock, ZMQ_SNDHWM, &hwm, sizeof hwm) != 0 || zmq_connect(sock, up->endpoint) != 0) {
        fprintf(stderr, "faults-proxy: cannot connect to %s: %s\n", up->endpoint, zmq_strerror(zmq_errno()));
        zmq_close(sock);
        return NULL;
    }
    return sock;
}

px_peer *px_peer_get(px_peer **list, const px_upstream *up, const uint8_t *rid, size_t rid_len,
                     const char *public_z85, px_counts *counts)
{
    px_peer *p = px_peer_find(*list, rid, rid_len);

    if (p != NULL || rid_len == 0 || rid_len > PX_RID_MAX || public_z85 == NULL)
        return p;
    p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->upstream = open_upstream(up, public_z85);
    if (p->upstream == NULL) {
        free(p);
        return NULL;
    }
    memcpy(p->rid, rid, rid_len);
    p->rid_len = rid_len;
    p->next = *list;
    *list = p;
    counts->peers_opened++;
    return p;
}

void px_peers_close_idle(px_peer **list, int64_t now_ms, int64_t idle_ms, px_counts *counts)
{
    px_peer **at = list;

    while (*at != NULL) {
        px_peer *p = *at;
        if (now_ms - p->last_ms < idle_ms) {
            at = &p->next;
            continue;
        }
        *at = p->next;
        zmq_close(p->upstream);
        free(p);
        counts->peers_closed++;
    }
}

void px_peers_close_all(px_peer **list)
{
    while (*list != NULL) {
        px_peer *p = *list;
        *list = p->next;
        zmq_close(p->upstream);
        free(p);
    }
}

size_t px_peers_count(const px_peer *list)
{
    size_t n = 0;

    for (; list != NULL; list = list->next)
        n++;
    return n;
}

/*
 * proxy.h — faults-proxy, the fault suite's man in the middle of the bus.
 *
 * It stands in front of one service's command socket and passes every message through, in both
 * directions, while it repeats some and holds others back so that later ones overtake them: the
 * duplicated and reordered deliveries of a real network, injected between the services themselves
 * (the consumers' FetchEvents and their replies) and between clients and services.
 *
 * To stay out of the security model, it is transparent: towards a client it is the service (it holds
 * the service's secret key and runs its own ZAP handler), and towards the service it is that client
 * (for each connection it opens one of its own with the client's key, so the service sees the same
 * principal, grants and message ids as without it).  It can therefore only carry principals whose
 * secret keys it was given — a test harness's keys directory.
 */
#ifndef FAULTS_PROXY_H
#define FAULTS_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zmq.h>

#include "wh/access.h"

#define PX_MAX_FRAMES 8   /* more frames than this is no bus message: dropped */
#define PX_RID_MAX    256 /* a ROUTER routing id is at most 255 bytes */
#define PX_HELD_MAX   10000

typedef enum px_dir { PX_TO_SERVICE, PX_TO_CLIENT, PX_DIRS } px_dir;

/* One message: its frames (the routing id not among them). */
typedef struct px_msg {
    int n;
    zmq_msg_t frames[PX_MAX_FRAMES];
} px_msg;

/* How much goes wrong: each message is repeated with probability dup (the copy follows after up to
 * hold_max_ms), or else held back with probability hold for up to hold_max_ms. */
typedef struct px_dose {
    double dup, hold;
    int hold_max_ms;
} px_dose;

typedef struct px_counts {
    long forwarded[PX_DIRS], duplicated[PX_DIRS], held[PX_DIRS], dropped[PX_DIRS];
    long peers_opened, peers_closed;
} px_counts;

/* --- keyring.c: the secret keys the proxy may act with ----------------------------------------- */

typedef struct px_keyring px_keyring;
/* Reads every *.key file of dir.  0, or -1 with the reason on stderr. */
int px_keyring_load(px_keyring **out, const char *dir);
void px_keyring_free(px_keyring **k);
/* The secret key that goes with a public key (Z85), or NULL. */
const char *px_keyring_secret(const px_keyring *k, const char *public_z85);
/* The ZAP decision: a key the ring holds may in (wh_zap_decide_fn). */
bool px_keyring_admits(void *keyring, const char *domain, const char *key, const char *address,
                       const char **why);

/* --- peers.c: a client connection and the proxy's own connection upstream in its name ------------ */

typedef struct px_peer {
    uint8_t rid[PX_RID_MAX];
    size_t rid_len;
    void *upstream; /* DEALER to the service, CURVE with the client's keys */
    int64_t last_ms;
    struct px_peer *next;
} px_peer;

typedef struct px_upstream {
    void *zctx;
    const char *endpoint;
    char service_public[WH_Z85_KEY_LEN + 1];
    const px_keyring *keys;
} px_upstream;

/* The peer of this routing id, opened with the key (Z85) of its connection when new; NULL when that
 * key is not in the ring or the socket cannot be made. */
px_peer *px_peer_get(px_peer **list, const px_upstream *up, const uint8_t *rid, size_t rid_len,
                     const char *public_z85, px_counts *counts);
px_peer *px_peer_find(px_peer *list, const uint8_t *rid, size_t rid_len);
/* Closes the peers nothing came from for idle_ms. */
void px_peers_close_idle(px_peer **list, int64_t now_ms, int64_t idle_ms, px_counts *counts);
void px_peers_close_all(px_peer **list);
size_t px_peers_count(const px_peer *list);

/* --- held.c: messages held back, due later ------------------------------------------------------- */

typedef struct px_held px_held;
int px_held_new(px_held **out);
void px_held_free(px_held **h);
/* Keeps msg (moved in) for the peer of rid until due_ms.  -1 when full (msg untouched). */
int px_held_push(px_held *h, int64_t due_ms, px_dir dir, const uint8_t *rid, size_t rid_len, px_msg *msg);
/* The earliest due time, or -1 when nothing is held. */
int64_t px_held_next_due(const px_held *h);
/* Takes the earliest message due by now_ms: 1 with dir, rid and msg (moved out), else 0. */
int px_held_pop_due(px_held *h, int64_t now_ms, px_dir *dir, uint8_t rid[PX_RID_MAX], size_t *rid_len,
                    px_msg *msg);

/* --- msg.c: frames in and out -------------------------------------------------------------------- */

/* Receives one multipart message (its first frame with flags, the rest as they are already there):
 * 1, 0 when nothing waits (ZMQ_DONTWAIT), -1 on error or too many frames (the rest is drained). */
int px_msg_recv(px_msg *msg, void *sock, int flags);
/* Sends it (copies: msg stays valid), after a routing id when rid is not NULL.  0 or -1. */
int px_msg_send(const px_msg *msg, void *sock, const uint8_t *rid, size_t rid_len);
int px_msg_copy(px_msg *to, const px_msg *from);
/* Moves the frames of from into to (from is left empty). */
void px_msg_move(px_msg *to, px_msg *from);
void px_msg_close(px_msg *msg);

#endif

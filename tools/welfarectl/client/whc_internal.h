/*
 * whc_internal.h — the connection object shared by the files of libwhclient (not installed).
 */
#ifndef WHC_INTERNAL_H
#define WHC_INTERNAL_H

#include "wh/access.h"
#include "whclient.h"

struct whc {
    char service[32];
    char endpoint[256];
    char server_key[WH_Z85_KEY_LEN + 1];
    char secret_key[WH_Z85_KEY_LEN + 1];
    char public_key[WH_Z85_KEY_LEN + 1];
    int timeout_ms;
    int retries;
    void *zctx;
    void *sock;          /* DEALER; replaced by whc_reconnect after a timeout (lazy pirate) */
    bool reply_replayed; /* the last reply whc_recv returned answered a repeat (Envelope.replayed) */
};

/* Closes the socket and connects a fresh one, so replies to abandoned tries are dropped. */
int whc_reconnect(whc *c);

/* Sends one Envelope frame carrying request under message_id. */
int whc_send_envelope(whc *c, const char *message_id, const ProtobufCMessage *request);

#endif

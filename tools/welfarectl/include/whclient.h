/*
 * whclient.h — the C client library partner agencies link to talk to welfarehub's bus.
 *
 * A whc is one CURVE-authenticated DEALER connection to one service's command endpoint.  whc_call()
 * sends a command in an Envelope with a fresh message id and waits for the reply; on a timeout it
 * resends the SAME message id (so the command takes effect once) up to `retries` times, reconnecting
 * between tries.  whc_send()/whc_recv() pipeline many commands on one connection (bulk import).
 *
 *     whc *c = NULL;
 *     whc_options opt = whc_options_from_env();        // WH_ALLOWLIST_FILE, WH_SECRET_KEY_FILE, …
 *     if (whc_open(&c, "intake", &opt) == 0) {
 *         Welfare__Intake__V1__SubmitReferralReply *r = NULL;
 *         whc_error err;
 *         if (whc_call(c, &req.base, &welfare__intake__v1__submit_referral_reply__descriptor,
 *                      (ProtobufCMessage **)&r, &err) == 0)
 *             …; protobuf_c_message_free_unpacked(&r->base, NULL);
 *         whc_close(&c);
 *     }
 */
#ifndef WHCLIENT_H
#define WHCLIENT_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct whc whc;

typedef struct whc_options {
    const char *allowlist_path;  /* where the servers' public keys are (by service name) */
    const char *secret_key_path; /* this client's CURVE secret key */
    const char *endpoint;        /* NULL: wh_config_bus_endpoint(service) */
    int timeout_ms;              /* per try; default 5000 */
    int retries;                 /* resends of the same message id after a timeout; default 2 */
} whc_options;

typedef struct whc_error {
    int status; /* a wh_status (negative), 0 when none */
    char message[256];
    char field[128];
} whc_error;

/* Options from WH_ALLOWLIST_FILE, WH_SECRET_KEY_FILE, WH_TIMEOUT_MS, WH_RETRIES. */
whc_options whc_options_from_env(void);

/* Connects to a service ("intake", …).  0 or a negative wh_status (logged to stderr as JSON). */
int whc_open(whc **out, const char *service, const whc_options *opt);
void whc_close(whc **c);

/* Sends request, waits for the reply, unpacks it as reply_type into *reply (free it with
 * protobuf_c_message_free_unpacked).  Returns 0, or the failure's status with err filled. */
int whc_call(whc *c, const ProtobufCMessage *request, const ProtobufCMessageDescriptor *reply_type,
             ProtobufCMessage **reply, whc_error *err);

/* The same with a caller-chosen message id (a retry that spans processes, or a test). */
int whc_call_id(whc *c, const char *message_id, const ProtobufCMessage *request,
                const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply, whc_error *err);

/* Pipelining: send without waiting (message id into id_out, 37 bytes), and receive the next reply,
 * whichever command it answers (its id into id_out).  Don't mix them with whc_call on one connection
 * while commands are in flight: a call drops replies that are not its own.  Receive returns WH_UNAVAILABLE on
 * timeout, with id_out empty (a typed UNAVAILABLE reply has id_out set: resend that command with
 * whc_send_id). */
int whc_send(whc *c, const ProtobufCMessage *request, char id_out[37]);
int whc_recv(whc *c, int timeout_ms, const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply,
             char id_out[37], whc_error *err);

/* Pipelining with a caller-chosen id: resends a command whose reply did not come (same id, so it
 * takes effect once).  0 or WH_UNAVAILABLE. */
int whc_send_id(whc *c, const char *message_id, const ProtobufCMessage *request);

/* Whether the last reply whc_recv or whc_call returned is the one the service stored for an earlier command
 * with the same message id and the same content (Envelope.replayed): it took effect then, nothing ran now (an
 * import of the same file again).  A changed command under a used id is ALREADY_EXISTS instead. */
bool whc_reply_replayed(const whc *c);

/* Drops the socket and connects a new one (lazy pirate): replies to what was in flight are lost, so
 * resend those with whc_send_id.  0 or WH_UNAVAILABLE. */
int whc_reset(whc *c);

#endif

/*
 * faults.h — the fault suite's load driver (tests/faults/load.c and its parts).
 *
 * The driver sends commands over the real bus with libwhclient, the way an agency would, and writes
 * one journal line (CSV, loaded by check.sql) for every command a service acknowledged:
 *
 *   service,type,message_id,status,tries,sent_ms,ack_ms,dong,n1,n2,n3,n4
 *
 * n1..n4 carry what the checker counts from the replies (persons added, blind spot, case expected,
 * linkages requested, visit completed, staff privately employed, resource amount; see fl_journal).
 * Every command is sent with its own message id and resent with the same id until a service answers
 * (fl_call): a kill -9 or a PostgreSQL restart only delays it.
 */
#ifndef FAULTS_H
#define FAULTS_H

#include <protobuf-c/protobuf-c.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "whclient.h"

/* How long one command is resent before the driver gives up on it (and the run fails). */
#define FL_GIVE_UP_MS 90000

/* What the driver counts while it runs (printed at the end as JSON). */
typedef struct fl_counts {
    atomic_long acked, final_errors, gave_up, resent, dup_sent, dup_same, dup_differ, dup_unanswered,
        replayed, replay_same, replay_differ;
} fl_counts;

extern fl_counts fl_stats;

/* Opens the journal (appending).  0 or -1. */
int fl_journal_open(const char *path);
void fl_journal_close(void);
/* One acknowledged command. */
void fl_journal(const char *service, const ProtobufCMessage *request, const char *message_id, int status,
                int tries, int64_t sent_ms, const char *dong, int64_t n1, int64_t n2, int64_t n3, int64_t n4);

/* A connection to a service as the operator (the environment's keys), 1 s per try and no resends of
 * its own (fl_call resends).  Exits the program when the keys are unusable. */
whc *fl_connect(const char *service);

/* Sends request with message_id (a fresh one when NULL or empty) and resends it with the same id
 * until a reply that is not UNAVAILABLE comes or FL_GIVE_UP_MS pass.  Returns the reply's status
 * (0, a final error, or WH_UNAVAILABLE when it gave up); *reply is set on 0; *tries counts the sends. */
int fl_call(whc *c, const char *message_id, const ProtobufCMessage *request,
            const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply, int *tries);

/* The same, journaled: an acknowledged command gets its line (n1..n4 from count(), which may be NULL,
 * called with the reply on success).  The id used is written to id_out (37 bytes) when not NULL. */
typedef void (*fl_count_fn)(const ProtobufCMessage *reply, int64_t n[4]);
int fl_call_journaled(whc *c, const char *service, const char *dong, const ProtobufCMessage *request,
                      const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply,
                      fl_count_fn count, char id_out[37]);

/* The same with a caller-chosen id. */
int fl_call_journaled_id(whc *c, const char *id, const char *service, const char *dong,
                         const ProtobufCMessage *request, const ProtobufCMessageDescriptor *reply_type,
                         ProtobufCMessage **reply, fl_count_fn count);

/* True when two messages pack to the same bytes. */
bool fl_same_message(const ProtobufCMessage *a, const ProtobufCMessage *b);

/* --- dup.c: duplicated and reordered deliveries ------------------------------------------------- */

/* Remembers an acknowledged command (packed) so the replayers can resend it later, out of order. */
void fl_dup_remember(const char *service, const char *message_id, const ProtobufCMessage *request,
                     const ProtobufCMessage *reply);
/* Starts n replayer threads that resend remembered commands with their ids, in random order, and
 * compare each answer with the first one byte for byte; fl_dup_stop joins them. */
int fl_dup_start(int n);
void fl_dup_stop(void);

/* Sends request with the same id on a second connection at the same time as the first (a duplicate
 * delivery racing the original); after both answered, compares the replies. */
int fl_call_twice(whc *c, whc *twin, const char *service, const char *dong, const ProtobufCMessage *request,
                  const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply, fl_count_fn count);

#endif

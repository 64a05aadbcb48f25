/*
 * journal.c — the driver's calls and its journal: every command is resent with its message id until
 * a service answers, and every answer is one CSV line for the checker (tests/faults/check.sql).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faults.h"
#include "wh/status.h"
#include "wh/util.h"

fl_counts fl_stats;

static FILE *journal;
static pthread_mutex_t journal_lock = PTHREAD_MUTEX_INITIALIZER;

int fl_journal_open(const char *path)
{
    journal = fopen(path, "a");
    return journal != NULL ? 0 : -1;
}

void fl_journal_close(void)
{
    if (journal != NULL)
        fclose(journal);
    journal = NULL;
}

/* "welfare.intake.v1.SubmitReferral" → "SubmitReferral". */
static const char *short_type(const ProtobufCMessage *m)
{
    const char *dot = strrchr(m->descriptor->name, '.');
    return dot != NULL ? dot + 1 : m->descriptor->name;
}

void fl_journal(const char *service, const ProtobufCMessage *request, const char *message_id, int status,
                int tries, int64_t sent_ms, const char *dong, int64_t n1, int64_t n2, int64_t n3, int64_t n4)
{
    pthread_mutex_lock(&journal_lock);
    fprintf(journal, "%s,%s,%s,%d,%d,%lld,%lld,%s,%lld,%lld,%lld,%lld\n", service, short_type(request),
            message_id, status, tries, (long long)sent_ms, (long long)wh_now_ms(), dong, (long long)n1,
            (long long)n2, (long long)n3, (long long)n4);
    fflush(journal);
    pthread_mutex_unlock(&journal_lock);
}

whc *fl_connect(const char *service)
{
    whc_options opt = whc_options_from_env();
    whc *c = NULL;

    opt.timeout_ms = 1000;
    opt.retries = 0; /* fl_call resends, and counts every try */
    if (whc_open(&c, service, &opt) != 0) {
        fprintf(stderr, "faults: cannot open a connection to %s (keys? WH_ALLOWLIST_FILE)\n", service);
        exit(2);
    }
    return c;
}

/* Whether a status may change on a resend of the same id: the service or its database was away. */
static bool transient(int rc)
{
    return rc == WH_UNAVAILABLE || rc == WH_INTERNAL;
}

int fl_call(whc *c, const char *message_id, const ProtobufCMessage *request,
            const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply, int *tries)
{
    char id[WH_UUID_LEN + 1];
    int64_t start = wh_now_ms();
    whc_error err;
    int rc;

    if (message_id == NULL || message_id[0] == '\0')
        wh_uuid(id);
    else
        snprintf(id, sizeof id, "%s", message_id);
    *tries = 0;
    for (;;) {
        ++*tries;
        rc = whc_call_id(c, id, request, reply_type, reply, &err);
        if (!transient(rc) || wh_now_ms() - start > FL_GIVE_UP_MS)
            break;
        atomic_fetch_add(&fl_stats.resent, 1);
        whc_reset(c); /* a new socket before the resend, as whc's own retries do (lazy pirate) */
        usleep(100 * 1000);
    }
    return rc;
}

int fl_call_journaled_id(whc *c, const char *id, const char *service, const char *dong,
                         const ProtobufCMessage *request, const ProtobufCMessageDescriptor *reply_type,
                         ProtobufCMessage **reply, fl_count_fn count)
{
    int64_t n[4] = {0, 0, 0, 0}, sent = wh_now_ms();
    int tries = 0, rc;

    *reply = NULL;
    rc = fl_call(c, id, request, reply_type, reply, &tries);
    if (transient(rc)) {
        atomic_fetch_add(&fl_stats.gave_up, 1);
        fprintf(stderr, "faults: %s %s got no answer in %d s (id %s)\n", service, request->descriptor->name,
                FL_GIVE_UP_MS / 1000, id);
        return rc;
    }
    if (rc == 0 && count != NULL)
        count(*reply, n);
    if (rc != 0)
        atomic_fetch_add(&fl_stats.final_errors, 1);
    atomic_fetch_add(&fl_stats.acked, 1);
    fl_journal(service, request, id, rc, tries, sent, dong, n[0], n[1], n[2], n[3]);
    if (rc == 0)
        fl_dup_remember(service, id, request, *reply);
    return rc;
}

int fl_call_journaled(whc *c, const char *service, const char *dong, const ProtobufCMessage *request,
                      const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply,
                      fl_count_fn count, char id_out[37])
{
    char id[WH_UUID_LEN + 1];

    wh_uuid(id);
    if (id_out != NULL)
        memcpy(id_out, id, sizeof id);
    return fl_call_journaled_id(c, id, service, dong, request, reply_type, reply, count);
}

bool fl_same_message(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
    size_t na = protobuf_c_message_get_packed_size(a), nb = protobuf_c_message_get_packed_size(b);
    uint8_t *pa, *pb;
    bool same;

    if (na != nb)
        return false;
    pa = malloc(na + 1);
    pb = malloc(nb + 1);
    if (pa == NULL || pb == NULL) {
        free(pa);
        free(pb);
        return false;
    }
    protobuf_c_message_pack(a, pa);
    protobuf_c_message_pack(b, pb);
    same = memcmp(pa, pb, na) == 0;
    free(pa);
    free(pb);
    return same;
}

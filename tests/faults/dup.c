/*
 * dup.c — duplicated and reordered deliveries, the way a network or an impatient client makes them.
 *
 * Two kinds, both with the ORIGINAL message id:
 *   - racing twins: a command sent on a second connection at the same moment as the first, so the
 *     two copies may land in one batch or in two consecutive ones (fl_call_twice);
 *   - late replays: replayer threads resend commands acknowledged earlier, picked at random (so out
 *     of order), concurrently with the live load (fl_dup_start).
 * Each answer must be the first answer byte for byte (the stored reply), and the checker verifies in
 * the schemas that none of them took effect again.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faults.h"
#include "wh/status.h"
#include "wh/util.h"

#define RING        512
#define MAX_REPLAYS 4

typedef struct remembered {
    char service[16];
    char id[WH_UUID_LEN + 1];
    const ProtobufCMessageDescriptor *request_type, *reply_type;
    uint8_t *request, *reply;
    size_t request_len, reply_len;
} remembered;

static remembered ring[RING];
static size_t ring_next, ring_count;
static pthread_mutex_t ring_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t replayers[MAX_REPLAYS];
static int n_replayers;
static atomic_bool stopping;

static uint8_t *pack(const ProtobufCMessage *m, size_t *len)
{
    uint8_t *buf = malloc(protobuf_c_message_get_packed_size(m) + 1);
    if (buf != NULL)
        *len = protobuf_c_message_pack(m, buf);
    return buf;
}

void fl_dup_remember(const char *service, const char *message_id, const ProtobufCMessage *request,
                     const ProtobufCMessage *reply)
{
    remembered r = {.request_type = request->descriptor, .reply_type = reply->descriptor};

    snprintf(r.service, sizeof r.service, "%s", service);
    snprintf(r.id, sizeof r.id, "%s", message_id);
    r.request = pack(request, &r.request_len);
    r.reply = pack(reply, &r.reply_len);
    pthread_mutex_lock(&ring_lock);
    free(ring[ring_next].request);
    free(ring[ring_next].reply);
    ring[ring_next] = r;
    ring_next = (ring_next + 1) % RING;
    if (ring_count < RING)
        ring_count++;
    pthread_mutex_unlock(&ring_lock);
}

/* A copy of a random remembered command (caller frees both buffers); false when none yet. */
static bool pick(remembered *out, unsigned *seed)
{
    bool found = false;

    pthread_mutex_lock(&ring_lock);
    if (ring_count > 0) {
        const remembered *r = &ring[(size_t)rand_r(seed) % ring_count];
        *out = *r;
        out->request = malloc(r->request_len + 1);
        out->reply = malloc(r->reply_len + 1);
        found = out->request != NULL && out->reply != NULL;
        if (found) {
            memcpy(out->request, r->request, r->request_len);
            memcpy(out->reply, r->reply, r->reply_len);
        }
    }
    pthread_mutex_unlock(&ring_lock);
    return found;
}

static whc *connection_for(whc **conns, const char *service)
{
    static const char *const services[] = {"intake", "case", "registry", "routing", "reporting"};

    for (int i = 0; i < 5; i++)
        if (strcmp(services[i], service) == 0)
            return conns[i] != NULL ? conns[i] : (conns[i] = fl_connect(service));
    return NULL;
}

/* Resends one remembered command with its id and compares the answer with the first. */
static void replay_one(whc **conns, const remembered *r)
{
    ProtobufCMessage *request = protobuf_c_message_unpack(r->request_type, NULL, r->request_len, r->request);
    ProtobufCMessage *reply = NULL;
    whc *c = connection_for(conns, r->service);
    int tries = 0;

    if (request == NULL || c == NULL) {
        if (request != NULL)
            protobuf_c_message_free_unpacked(request, NULL);
        return;
    }
    atomic_fetch_add(&fl_stats.replayed, 1);
    if (fl_call(c, r->id, request, r->reply_type, &reply, &tries) == 0) {
        size_t len = 0;
        uint8_t *got = pack(reply, &len);
        bool same = got != NULL && len == r->reply_len && memcmp(got, r->reply, len) == 0;
        atomic_fetch_add(same ? &fl_stats.replay_same : &fl_stats.replay_differ, 1);
        if (!same)
            fprintf(stderr, "faults: replay of %s %s answered differently\n", r->service, r->id);
        free(got);
        protobuf_c_message_free_unpacked(reply, NULL);
    } else {
        atomic_fetch_add(&fl_stats.replay_differ, 1);
        fprintf(stderr, "faults: replay of %s %s answered an error the first try did not\n", r->service,
                r->id);
    }
    protobuf_c_message_free_unpacked(request, NULL);
}

static void *replayer(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg ^ (unsigned)wh_now_ms();
    whc *conns[5] = {NULL, NULL, NULL, NULL, NULL};

    while (!atomic_load(&stopping)) {
        remembered r;
        if (pick(&r, &seed)) {
            replay_one(conns, &r);
            free(r.request);
            free(r.reply);
        }
        usleep((useconds_t)(20000 + rand_r(&seed) % 60000));
    }
    for (int i = 0; i < 5; i++)
        whc_close(&conns[i]);
    return NULL;
}

int fl_dup_start(int n)
{
    atomic_store(&stopping, false);
    for (n_replayers = 0; n_replayers < n && n_replayers < MAX_REPLAYS; n_replayers++)
        if (pthread_create(&replayers[n_replayers], NULL, replayer, (void *)(uintptr_t)(n_replayers + 1)) !=
            0)
            return -1;
    return 0;
}

void fl_dup_stop(void)
{
    atomic_store(&stopping, true);
    for (int i = 0; i < n_replayers; i++)
        pthread_join(replayers[i], NULL);
    n_replayers = 0;
}

/* Waits for the twin's answer to id (skipping late answers to earlier twins); NULL when none came. */
static ProtobufCMessage *twin_answer(whc *twin, const char *id, const ProtobufCMessageDescriptor *reply_type)
{
    int64_t until = wh_now_ms() + 5000;

    while (wh_now_ms() < until) {
        ProtobufCMessage *reply = NULL;
        char got[WH_UUID_LEN + 1] = "";
        whc_error err;
        int rc = whc_recv(twin, 1000, reply_type, &reply, got, &err);
        if (strcmp(got, id) == 0 && rc == 0)
            return reply;
        if (reply != NULL)
            protobuf_c_message_free_unpacked(reply, NULL);
        if (strcmp(got, id) == 0)
            return NULL; /* answered with an error (UNAVAILABLE while a database restarts) */
    }
    return NULL;
}

int fl_call_twice(whc *c, whc *twin, const char *service, const char *dong, const ProtobufCMessage *request,
                  const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply, fl_count_fn count)
{
    char id[WH_UUID_LEN + 1];
    ProtobufCMessage *other;
    int rc;

    /* the id is chosen by fl_call_journaled; send the twin right after with the same one */
    wh_uuid(id);
    atomic_fetch_add(&fl_stats.dup_sent, 1);
    if (whc_send_id(twin, id, request) != 0) {
        atomic_fetch_add(&fl_stats.dup_unanswered, 1);
        whc_reset(twin);
        return fl_call_journaled(c, service, dong, request, reply_type, reply, count, NULL);
    }
    rc = fl_call_journaled_id(c, id, service, dong, request, reply_type, reply, count);
    other = twin_answer(twin, id, reply_type);
    if (other == NULL) {
        atomic_fetch_add(&fl_stats.dup_unanswered, 1);
        whc_reset(twin);
    } else {
        bool same = rc == 0 && fl_same_message(other, *reply);
        atomic_fetch_add(same ? &fl_stats.dup_same : &fl_stats.dup_differ, 1);
        if (!same)
            fprintf(stderr, "faults: the twin of %s %s got another answer\n", service, id);
        protobuf_c_message_free_unpacked(other, NULL);
    }
    return rc;
}

/*
 * commands.c — `wh-bench commands`: SubmitReferral from N concurrent clients (threads, each its own
 * whc connection), each keeping `window` commands in flight.  A command's latency runs from its send
 * to its reply, which intake sends only after the batch committed.  Samples and the rate count the
 * replies that arrive after the warm-up; the rate is replies / measured seconds.
 *
 * Each client draws its own stream (its own namespace of resident numbers) with 15% re-reports, so
 * dedup and the duplicate checks run as in production.  Prints rate=, p50_ms=, p99_ms=, replies=,
 * errors=.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "referral.h"
#include "stats.h"
#include "welfare/intake/v1/commands.pb-c.h"
#include "whclient.h"

#define WINDOW_MAX 256

typedef struct client {
    pthread_t thread;
    unsigned ns;
    int window;
    uint64_t seed;
    double start_ms, measure_from_ms, end_ms;
    bench_samples samples;
    long replies, errors, measured;
    int failed; /* could not connect, or the connection stopped answering */
} client;

typedef struct in_flight {
    char id[37];
    double sent_ms;
} in_flight;

static int send_one(whc *c, bench_stream *s, in_flight *slot)
{
    bench_referral r;
    bench_referral_pb pb;
    bench_stream_next(s, &r);
    bench_referral_to_pb(&r, &pb);
    slot->sent_ms = bench_now_ms();
    return whc_send(c, &pb.msg.base, slot->id);
}

static in_flight *find_slot(in_flight *slots, int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (strcmp(slots[i].id, id) == 0)
            return &slots[i];
    return NULL;
}

/* Receives one reply and refills its slot while the run lasts.  0, or -1 when the service stopped
 * answering. */
static int receive_one(client *cl, whc *c, bench_stream *s, in_flight *slots, int *open)
{
    ProtobufCMessage *reply = NULL;
    whc_error err;
    char id[37] = "";
    int rc = whc_recv(c, 10000, &welfare__intake__v1__submit_referral_reply__descriptor, &reply, id, &err);
    double now = bench_now_ms();
    in_flight *slot = id[0] ? find_slot(slots, cl->window, id) : NULL;
    if (!slot) {
        fprintf(stderr, "wh-bench commands: client %u: no reply within 10 s (%s)\n", cl->ns,
                rc ? err.message : "unknown id");
        return -1;
    }
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
    cl->replies++;
    if (rc != 0 && cl->errors++ < 3)
        fprintf(stderr, "wh-bench commands: error reply %d %s: %s\n", rc, err.field, err.message);
    if (now >= cl->measure_from_ms && now <= cl->end_ms) {
        cl->measured++;
        bench_samples_add(&cl->samples, now - slot->sent_ms);
    }
    if (now < cl->end_ms)
        return send_one(c, s, slot) == 0 ? 0 : -1;
    slot->id[0] = '\0';
    (*open)--;
    return 0;
}

static void *client_run(void *arg)
{
    client *cl = arg;
    whc *c = NULL;
    whc_options opt = whc_options_from_env();
    in_flight slots[WINDOW_MAX];
    bench_mix mix = {.seed = cl->seed, .ns = cl->ns, .duplicate_rate = 0.15, .high_risk_rate = 0.2};
    bench_stream s;
    int open = 0;

    bench_stream_init(&s, &mix);
    if (whc_open(&c, "intake", &opt) < 0) {
        cl->failed = 1;
        return NULL;
    }
    for (int i = 0; i < cl->window; i++, open++)
        if (send_one(c, &s, &slots[i]) != 0) {
            cl->failed = 1;
            break;
        }
    while (!cl->failed && open > 0)
        if (receive_one(cl, c, &s, slots, &open) < 0)
            cl->failed = 1;
    whc_close(&c);
    return NULL;
}

int bench_commands_main(int argc, char **argv)
{
    double clients = 16, window = 16, seconds = 20, warmup = 3, seed = 1;
    bench_opt opts[] = {{"--clients", &clients}, {"--window", &window}, {"--seconds", &seconds},
                        {"--warmup", &warmup},   {"--seed", &seed},     {NULL, NULL}};
    if (bench_parse_opts(argc, argv, opts) < 0 || clients < 1 || clients > 19 || window < 1 ||
        window > WINDOW_MAX || seconds <= warmup)
        return -1;
    client cl[19];
    double start = bench_now_ms();
    memset(cl, 0, sizeof cl);
    for (int i = 0; i < (int)clients; i++) {
        cl[i].ns = 1 + (unsigned)i; /* namespace 0 is the bulk CSV's */
        cl[i].window = (int)window;
        cl[i].seed = (uint64_t)seed;
        cl[i].start_ms = start;
        cl[i].measure_from_ms = start + warmup * 1000;
        cl[i].end_ms = start + seconds * 1000;
        pthread_create(&cl[i].thread, NULL, client_run, &cl[i]);
    }
    bench_samples all = {0};
    long replies = 0, errors = 0, measured = 0, failed = 0;
    for (int i = 0; i < (int)clients; i++) {
        pthread_join(cl[i].thread, NULL);
        bench_samples_merge(&all, &cl[i].samples);
        bench_samples_free(&cl[i].samples);
        replies += cl[i].replies;
        errors += cl[i].errors;
        measured += cl[i].measured;
        failed += cl[i].failed;
    }
    bench_samples_sort(&all);
    printf("clients=%d\nwindow=%d\nseconds=%.0f\nwarmup=%.0f\nreplies=%ld\nerrors=%ld\nfailed_clients=%ld\n",
           (int)clients, (int)window, seconds, warmup, replies, errors, failed);
    printf("rate=%.0f\np50_ms=%.2f\np99_ms=%.2f\nmax_ms=%.2f\n", (double)measured / (seconds - warmup),
           bench_samples_percentile(&all, 50), bench_samples_percentile(&all, 99),
           bench_samples_percentile(&all, 100));
    bench_samples_free(&all);
    return failed ? -1 : 0;
}

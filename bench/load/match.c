/*
 * match.c — `wh-bench match`: registry matching at district scale.  Defines --dongs dongs
 * "96NNNNNNNN" through routing (spheres of four: every fourth dong is the hub of the three after
 * it), registers one provider per dong and --resources resources spread over the dongs and the eight
 * need domains (capacity 1..20, severity thresholds LOW..HIGH) through the registry (--setup 1: that
 * alone, so that bench/lib.sh can wait for the consumers before measuring); otherwise asks --queries
 * MatchNeeds (one need of a random domain and severity, a household in a random dong, limit 10)
 * with --window in flight on one connection.  MatchNeeds runs the same matching (load the candidates, rank)
 * as a LinkageRequested. Prints resources=, queries=, errors=, rate=, p50_ms=, p99_ms=, max_ms=,
 * mean_candidates=.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "referral.h"
#include "stats.h"
#include "welfare/registry/v1/commands.pb-c.h"
#include "welfare/routing/v1/commands.pb-c.h"
#include "whclient.h"

#define WINDOW_MAX  256
#define DOMAINS     8
#define SPHERE_SIZE 4

static void dong_code(int i, char out[11])
{
    snprintf(out, 11, "96%08u", (unsigned)i % 100000000U);
}

/* Runs one command; 0 or -1 (logged). */
static int call(whc *c, const ProtobufCMessage *req, const ProtobufCMessageDescriptor *reply_type,
                ProtobufCMessage **reply)
{
    whc_error err;
    if (whc_call(c, req, reply_type, reply, &err) == 0)
        return 0;
    fprintf(stderr, "wh-bench match: %s failed: %s %s\n", req->descriptor->name, err.field, err.message);
    return -1;
}

static int define_dongs(int dongs)
{
    whc *c = NULL;
    whc_options opt = whc_options_from_env();
    if (whc_open(&c, "routing", &opt) < 0)
        return -1;
    int rc = 0;
    for (int i = 0; rc == 0 && i < dongs; i++) {
        char code[11], hub[11], name[32];
        Welfare__Common__V1__GeoPoint centre = WELFARE__COMMON__V1__GEO_POINT__INIT;
        Welfare__Routing__V1__DefineDong d = WELFARE__ROUTING__V1__DEFINE_DONG__INIT;
        dong_code(i, code);
        dong_code(i - i % SPHERE_SIZE, hub);
        snprintf(name, sizeof name, "bench dong %d", i);
        centre.latitude = 37.45 + 0.01 * (i % 20);
        centre.longitude = 126.85 + 0.01 * (i / 20 % 20);
        d.dong_code = code;
        d.name = name;
        d.hub_type = i % SPHERE_SIZE == 0 ? WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_BASIC
                                          : WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_SPHERE;
        d.hub_dong_code = hub;
        d.centre = &centre;
        ProtobufCMessage *reply = NULL;
        rc = call(c, &d.base, &welfare__routing__v1__define_dong_reply__descriptor, &reply);
        if (reply)
            protobuf_c_message_free_unpacked(reply, NULL);
    }
    whc_close(&c);
    return rc;
}

typedef struct slot {
    char id[37];
    double sent_ms;
} slot;

/* What a pipelined run sends and does with each reply (reply NULL: an error reply). */
typedef struct pipeline {
    int (*send)(whc *c, void *arg, long i, slot *s);
    void (*received)(void *arg, const ProtobufCMessage *reply, double ms);
    const ProtobufCMessageDescriptor *reply_type;
    void *arg;
} pipeline;

/* Sends `total` requests with `window` in flight on c.  Replies that came, or -1 when the service
 * stopped answering; *errors counts error replies. */
static long run_pipelined(whc *c, const pipeline *pl, long total, int window, long *errors)
{
    slot slots[WINDOW_MAX];
    long sent = 0, done = 0;
    int open = 0;
    for (; open < window && sent < total; open++, sent++)
        if (pl->send(c, pl->arg, sent, &slots[open]) != 0)
            return -1;
    while (done < sent) {
        ProtobufCMessage *reply = NULL;
        whc_error err;
        char id[37] = "";
        int rc = whc_recv(c, 30000, pl->reply_type, &reply, id, &err);
        if (!id[0]) {
            fprintf(stderr, "wh-bench match: no reply for 30 s\n");
            return -1;
        }
        int k = 0;
        while (k < open && strcmp(slots[k].id, id) != 0)
            k++;
        if (k == open)
            continue; /* not ours */
        done++;
        if (rc != 0 && (*errors)++ < 3)
            fprintf(stderr, "wh-bench match: error reply: %s %s\n", err.field, err.message);
        pl->received(pl->arg, rc == 0 ? reply : NULL, bench_now_ms() - slots[k].sent_ms);
        if (reply)
            protobuf_c_message_free_unpacked(reply, NULL);
        if (sent < total) {
            if (pl->send(c, pl->arg, sent, &slots[k]) != 0)
                return -1;
            sent++;
        } else {
            slots[k] = slots[--open];
        }
    }
    return done;
}

typedef struct setup {
    int dongs;
    int64_t *providers;
    uint64_t *rng;
} setup;

static int send_resource(whc *c, void *arg, long i, slot *s)
{
    setup *st = arg;
    char code[11], title[32];
    int dong = (int)(bench_rand(st->rng) % (uint64_t)st->dongs);
    Welfare__Registry__V1__RegisterResource r = WELFARE__REGISTRY__V1__REGISTER_RESOURCE__INIT;
    dong_code(dong, code);
    snprintf(title, sizeof title, "bench resource %ld", i);
    r.provider_id = st->providers[dong];
    r.domain = (Welfare__Common__V1__NeedDomain)(1 + bench_rand(st->rng) % DOMAINS);
    r.kind = WELFARE__REGISTRY__V1__RESOURCE_KIND__RESOURCE_KIND_SERVICE;
    r.dong_code = code;
    r.capacity = 1 + (int32_t)(bench_rand(st->rng) % 20);
    r.discovered_on = "2026-01-01";
    r.title = title;
    r.min_severity = (Welfare__Common__V1__Severity)(1 + bench_rand(st->rng) % 3);
    s->sent_ms = bench_now_ms();
    return whc_send(c, &r.base, s->id);
}

static void ignore_reply(void *arg, const ProtobufCMessage *reply, double ms)
{
    (void)arg, (void)reply, (void)ms;
}

static int register_resources(int dongs, int resources, uint64_t *rng)
{
    whc *c = NULL;
    whc_options opt = whc_options_from_env();
    if (whc_open(&c, "registry", &opt) < 0)
        return -1;
    int64_t *providers = calloc((size_t)dongs, sizeof *providers);
    int rc = providers ? 0 : -1;
    for (int i = 0; rc == 0 && i < dongs; i++) {
        char code[11], name[32];
        Welfare__Registry__V1__RegisterProvider p = WELFARE__REGISTRY__V1__REGISTER_PROVIDER__INIT;
        dong_code(i, code);
        snprintf(name, sizeof name, "bench provider %d", i);
        p.name = name;
        p.kind = i % 2 ? WELFARE__REGISTRY__V1__PROVIDER_KIND__PROVIDER_KIND_PRIVATE
                       : WELFARE__REGISTRY__V1__PROVIDER_KIND__PROVIDER_KIND_PUBLIC;
        p.dong_code = code;
        ProtobufCMessage *reply = NULL;
        if ((rc = call(c, &p.base, &welfare__registry__v1__register_provider_reply__descriptor, &reply)) == 0)
            providers[i] = ((Welfare__Registry__V1__RegisterProviderReply *)reply)->provider_id;
        if (reply)
            protobuf_c_message_free_unpacked(reply, NULL);
    }
    setup st = {dongs, providers, rng};
    pipeline pl = {send_resource, ignore_reply, &welfare__registry__v1__register_resource_reply__descriptor,
                   &st};
    long errors = 0;
    if (rc == 0 && (run_pipelined(c, &pl, resources, 16, &errors) != resources || errors > 0))
        rc = -1;
    free(providers);
    whc_close(&c);
    return rc;
}

typedef struct queries {
    int dongs;
    uint64_t *rng;
    bench_samples samples;
    long candidates;
} queries;

static int send_match(whc *c, void *arg, long i, slot *s)
{
    queries *q = arg;
    char code[11];
    Welfare__Registry__V1__NeedQuery need = WELFARE__REGISTRY__V1__NEED_QUERY__INIT;
    Welfare__Registry__V1__NeedQuery *needs[1] = {&need};
    Welfare__Registry__V1__MatchNeeds m = WELFARE__REGISTRY__V1__MATCH_NEEDS__INIT;
    (void)i;
    dong_code((int)(bench_rand(q->rng) % (uint64_t)q->dongs), code);
    need.domain = (Welfare__Common__V1__NeedDomain)(1 + bench_rand(q->rng) % DOMAINS);
    need.severity = (Welfare__Common__V1__Severity)(1 + bench_rand(q->rng) % 4);
    m.dong_code = code;
    m.needs = needs;
    m.n_needs = 1;
    m.limit = 10;
    m.as_of = "2026-06-30";
    s->sent_ms = bench_now_ms();
    return whc_send(c, &m.base, s->id);
}

static void match_received(void *arg, const ProtobufCMessage *reply, double ms)
{
    queries *q = arg;
    const Welfare__Registry__V1__MatchNeedsReply *r = (const void *)reply;
    if (r == NULL)
        return;
    q->candidates += r->n_matches > 0 ? (long)r->matches[0]->n_candidates : 0;
    bench_samples_add(&q->samples, ms);
}

int bench_match_main(int argc, char **argv)
{
    double dongs = 100, resources = 10000, n_queries = 100000, window = 16, seed = 1, setup_only = 0;
    bench_opt opts[] = {{"--dongs", &dongs},   {"--resources", &resources}, {"--queries", &n_queries},
                        {"--window", &window}, {"--seed", &seed},           {"--setup", &setup_only},
                        {NULL, NULL}};
    if (bench_parse_opts(argc, argv, opts) < 0 || dongs < SPHERE_SIZE || resources < 1 || n_queries < 1 ||
        window < 1 || window > WINDOW_MAX)
        return -1;
    uint64_t rng = (uint64_t)seed;
    if (setup_only != 0) /* the dongs and resources, once; the queries in a run of their own */
        return define_dongs((int)dongs) < 0 || register_resources((int)dongs, (int)resources, &rng) < 0 ? -1
                                                                                                        : 0;
    whc *c = NULL;
    whc_options opt = whc_options_from_env();
    if (whc_open(&c, "registry", &opt) < 0)
        return -1;
    queries q = {.dongs = (int)dongs, .rng = &rng};
    pipeline pl = {send_match, match_received, &welfare__registry__v1__match_needs_reply__descriptor, &q};
    long errors = 0;
    double t0 = bench_now_ms();
    long done = run_pipelined(c, &pl, (long)n_queries, (int)window, &errors);
    double seconds = (bench_now_ms() - t0) / 1000.0;
    whc_close(&c);
    bench_samples_sort(&q.samples);
    printf("dongs=%.0f\nresources=%.0f\nqueries=%ld\nerrors=%ld\nwindow=%.0f\nseconds=%.1f\nrate=%.0f\n",
           dongs, resources, done, errors, window, seconds, seconds > 0 ? (double)done / seconds : 0);
    printf("p50_ms=%.2f\np99_ms=%.2f\nmax_ms=%.2f\nmean_candidates=%.1f\n",
           bench_samples_percentile(&q.samples, 50), bench_samples_percentile(&q.samples, 99),
           bench_samples_percentile(&q.samples, 100), done > 0 ? (double)q.candidates / (double)done : 0);
    bench_samples_free(&q.samples);
    return errors || done < (long)n_queries ? -1 : 0;
}

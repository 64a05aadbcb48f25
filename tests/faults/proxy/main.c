/*
 * main.c — faults-proxy: duplicated and reordered deliveries on the bus (proxy.h).
 *
 *   faults-proxy --listen EP --upstream EP --service-key FILE --keys DIR
 *                [--dup P] [--hold P] [--hold-max-ms N] [--seed N] [--stats FILE]
 *
 * Listens on --listen as the service whose secret key is --service-key, and carries each client's
 * messages to --upstream in that client's name (its key from --keys).  Each message, either way, is
 * repeated with probability --dup (the copy after up to --hold-max-ms, default 40) or held back that
 * long with probability --hold.  Its counts are one JSON line in --stats, rewritten each second; on
 * SIGTERM or SIGINT it writes them once more (and to stdout) and exits.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus_internal.h"
#include "proxy.h"
#include "wh/log.h"

#define PEER_IDLE_MS 30000
#define DRAIN_MAX    256 /* messages read from one socket before the others get their turn */

typedef struct options {
    const char *listen, *upstream, *service_key, *keys, *stats;
    px_dose dose;
    uint64_t seed;
} options;

typedef struct proxy {
    options opt;
    void *zctx, *router, *zap;
    px_keyring *keys;
    px_upstream up;
    px_peer *peers;
    px_held *held;
    px_counts counts;
    uint64_t rng;
} proxy;

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* xorshift64*: the dose is reproducible from the seed */
static double chance(proxy *p)
{
    p->rng ^= p->rng >> 12;
    p->rng ^= p->rng << 25;
    p->rng ^= p->rng >> 27;
    return (double)((p->rng * 2685821657736338717ULL) >> 11) / (double)(1ULL << 53);
}

/* --- carrying ------------------------------------------------------------------------------------ */

static void send_now(proxy *p, px_dir dir, const uint8_t *rid, size_t rid_len, const px_msg *msg)
{
    int rc;

    if (dir == PX_TO_CLIENT) {
        rc = px_msg_send(msg, p->router, rid, rid_len);
    } else {
        px_peer *peer = px_peer_find(p->peers, rid, rid_len);
        rc = peer != NULL ? px_msg_send(msg, peer->upstream, NULL, 0) : -1;
    }
    if (rc != 0)
        p->counts.dropped[dir]++;
}

static int64_t later(proxy *p)
{
    return now_ms() + 1 + (int64_t)(chance(p) * p->opt.dose.hold_max_ms);
}

/* One message on its way: passed on, repeated, or held back (msg is consumed). */
static void carry(proxy *p, px_dir dir, const uint8_t *rid, size_t rid_len, px_msg *msg)
{
    double roll = chance(p);
    px_msg copy;

    p->counts.forwarded[dir]++;
    if (roll < p->opt.dose.dup && px_msg_copy(&copy, msg) == 0) {
        send_now(p, dir, rid, rid_len, msg);
        if (px_held_push(p->held, later(p), dir, rid, rid_len, &copy) == 0)
            p->counts.duplicated[dir]++;
        else
            px_msg_close(&copy);
    } else if (roll < p->opt.dose.dup + p->opt.dose.hold &&
               px_held_push(p->held, later(p), dir, rid, rid_len, msg) == 0) {
        p->counts.held[dir]++;
    } else {
        send_now(p, dir, rid, rid_len, msg);
    }
    px_msg_close(msg);
}

static void release_due(proxy *p)
{
    uint8_t rid[PX_RID_MAX];
    size_t rid_len;
    px_dir dir;
    px_msg msg;

    while (px_held_pop_due(p->held, now_ms(), &dir, rid, &rid_len, &msg) == 1) {
        send_now(p, dir, rid, rid_len, &msg);
        px_msg_close(&msg);
    }
}

/* From clients: [routing id][frames…]; the connection's key (ZAP's User-Id) opens its peer. */
static void from_clients(proxy *p)
{
    for (int k = 0; k < DRAIN_MAX; k++) {
        zmq_msg_t rid;
        px_msg msg;
        px_peer *peer;

        zmq_msg_init(&rid);
        if (zmq_msg_recv(&rid, p->router, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&rid);
            return;
        }
        if (!zmq_msg_more(&rid) || px_msg_recv(&msg, p->router, 0) != 1) {
            p->counts.dropped[PX_TO_SERVICE]++;
            zmq_msg_close(&rid);
            continue;
        }
        peer = px_peer_get(&p->peers, &p->up, zmq_msg_data(&rid), zmq_msg_size(&rid),
                           zmq_msg_gets(&msg.frames[0], "User-Id"), &p->counts);
        if (peer == NULL) {
            p->counts.dropped[PX_TO_SERVICE]++;
            px_msg_close(&msg);
        } else {
            peer->last_ms = now_ms();
            carry(p, PX_TO_SERVICE, peer->rid, peer->rid_len, &msg);
        }
        zmq_msg_close(&rid);
    }
}

static void from_service(proxy *p, px_peer *peer)
{
    px_msg msg;

    for (int k = 0; k < DRAIN_MAX; k++) {
        int rc = px_msg_recv(&msg, peer->upstream, ZMQ_DONTWAIT);
        if (rc == 0)
            return;
        if (rc < 0) {
            p->counts.dropped[PX_TO_CLIENT]++;
            continue;
        }
        carry(p, PX_TO_CLIENT, peer->rid, peer->rid_len, &msg);
    }
}

static void report(const proxy *p, bool at_end);

/* --- the loop ------------------------------------------------------------------------------------ */

static long poll_timeout(const proxy *p)
{
    int64_t due = px_held_next_due(p->held), wait;

    if (due < 0)
        return 200;
    wait = due - now_ms();
    return wait < 0 ? 0 : wait > 200 ? 200 : (long)wait;
}

static int run(proxy *p)
{
    zmq_pollitem_t *items = NULL;
    size_t cap = 0;
    int64_t reported_ms = 0;

    while (!stopping) {
        size_t n = 2 + px_peers_count(p->peers), i = 2;
        px_peer *peer;

        if (n > cap) {
            zmq_pollitem_t *grown = realloc(items, n * sizeof *items);
            if (grown == NULL)
                break;
            items = grown;
            cap = n;
        }
        items[0] = (zmq_pollitem_t){.socket = p->zap, .events = ZMQ_POLLIN};
        items[1] = (zmq_pollitem_t){.socket = p->router, .events = ZMQ_POLLIN};
        for (peer = p->peers; peer != NULL; peer = peer->next)
            items[i++] = (zmq_pollitem_t){.socket = peer->upstream, .events = ZMQ_POLLIN};
        if (zmq_poll(items, (int)n, poll_timeout(p)) < 0 && zmq_errno() != EINTR)
            break;
        if (items[0].revents & ZMQ_POLLIN)
            wh_zap_answer_waiting(p->zap, px_keyring_admits, p->keys);
        i = 2;
        for (peer = p->peers; peer != NULL; peer = peer->next, i++)
            if (items[i].revents & ZMQ_POLLIN)
                from_service(p, peer);
        if (items[1].revents & ZMQ_POLLIN)
            from_clients(p); /* after the peers: it may add one, which this turn did not poll */
        release_due(p);
        px_peers_close_idle(&p->peers, now_ms(), PEER_IDLE_MS, &p->counts);
        if (now_ms() - reported_ms >= 1000) {
            report(p, false);
            reported_ms = now_ms();
        }
    }
    free(items);
    return stopping ? 0 : -1;
}

/* --- setting up ---------------------------------------------------------------------------------- */

static int usage(void)
{
    fprintf(stderr, "usage: faults-proxy --listen EP --upstream EP --service-key FILE --keys DIR\n"
                    "                    [--dup P] [--hold P] [--hold-max-ms N] [--seed N] [--stats FILE]\n");
    return 2;
}

static bool parse_chance(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);

    if (end == s || *end != '\0' || v < 0 || v > 1)
        return false;
    *out = v;
    return true;
}

static int parse(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->dose.hold_max_ms = 40;
    o->seed = (uint64_t)time(NULL);
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        bool ok = true;
        if (strcmp(k, "--listen") == 0)
            o->listen = v;
        else if (strcmp(k, "--upstream") == 0)
            o->upstream = v;
        else if (strcmp(k, "--service-key") == 0)
            o->service_key = v;
        else if (strcmp(k, "--keys") == 0)
            o->keys = v;
        else if (strcmp(k, "--stats") == 0)
            o->stats = v;
        else if (strcmp(k, "--dup") == 0)
            ok = parse_chance(v, &o->dose.dup);
        else if (strcmp(k, "--hold") == 0)
            ok = parse_chance(v, &o->dose.hold);
        else if (strcmp(k, "--hold-max-ms") == 0)
            ok = (o->dose.hold_max_ms = atoi(v)) >= 0 && o->dose.hold_max_ms <= 60000;
        else if (strcmp(k, "--seed") == 0)
            o->seed = strtoull(v, NULL, 10);
        else
            ok = false;
        if (!ok) {
            fprintf(stderr, "faults-proxy: bad option %s %s\n", k, v);
            return -1;
        }
    }
    if (argc % 2 == 0 || o->listen == NULL || o->upstream == NULL || o->service_key == NULL ||
        o->keys == NULL || o->dose.dup + o->dose.hold > 1)
        return -1;
    return 0;
}

static int open_sockets(proxy *p)
{
    char service_secret[WH_Z85_KEY_LEN + 1];
    int zero = 0;
    int64_t max_frame = 16 << 20;

    if (wh_keys_load_secret(p->opt.service_key, service_secret, p->up.service_public) != 0)
        return -1;
    p->zctx = zmq_ctx_new();
    p->zap = zmq_socket(p->zctx, ZMQ_REP);
    if (p->zap == NULL || zmq_bind(p->zap, "inproc://zeromq.zap.01") != 0)
        return -1;
    p->router = zmq_socket(p->zctx, ZMQ_ROUTER);
    if (p->router == NULL || wh_zsock_curve_server(p->router, service_secret, WH_ZAP_DOMAIN_COMMANDS) != 0 ||
        zmq_setsockopt(p->router, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        zmq_setsockopt(p->router, ZMQ_MAXMSGSIZE, &max_frame, sizeof max_frame) != 0 ||
        zmq_bind(p->router, p->opt.listen) != 0) {
        fprintf(stderr, "faults-proxy: cannot listen on %s: %s\n", p->opt.listen, zmq_strerror(zmq_errno()));
        return -1;
    }
    p->up.zctx = p->zctx;
    p->up.endpoint = p->opt.upstream;
    p->up.keys = p->keys;
    return 0;
}

/* The counts as one JSON line, to --stats (rewritten each second and at the end) and, at the end, to
 * stdout. */
static void report(const proxy *p, bool at_end)
{
    const px_counts *c = &p->counts;
    char line[512];
    FILE *f;

    snprintf(line, sizeof line,
             "{\"forwarded_to_service\": %ld, \"forwarded_to_client\": %ld, \"duplicated_to_service\": %ld, "
             "\"duplicated_to_client\": %ld, \"held_to_service\": %ld, \"held_to_client\": %ld, "
             "\"dropped_to_service\": %ld, \"dropped_to_client\": %ld, \"peers_opened\": %ld, "
             "\"peers_closed\": %ld}\n",
             c->forwarded[PX_TO_SERVICE], c->forwarded[PX_TO_CLIENT], c->duplicated[PX_TO_SERVICE],
             c->duplicated[PX_TO_CLIENT], c->held[PX_TO_SERVICE], c->held[PX_TO_CLIENT],
             c->dropped[PX_TO_SERVICE], c->dropped[PX_TO_CLIENT], c->peers_opened, c->peers_closed);
    if (at_end)
        fputs(line, stdout);
    if (p->opt.stats != NULL && (f = fopen(p->opt.stats, "w")) != NULL) {
        fputs(line, f);
        fclose(f);
    }
}

static void close_all(proxy *p)
{
    px_peers_close_all(&p->peers);
    px_held_free(&p->held);
    if (p->router != NULL)
        zmq_close(p->router);
    if (p->zap != NULL)
        zmq_close(p->zap);
    if (p->zctx != NULL)
        zmq_ctx_term(p->zctx);
    px_keyring_free(&p->keys);
}

int main(int argc, char **argv)
{
    static proxy p;
    int rc;

    if (parse(argc, argv, &p.opt) != 0)
        return usage();
    setenv("WH_LOG_LEVEL", "error", 0);
    wh_log_init("faults-proxy");
    p.rng = p.opt.seed * 2654435761u + 1;
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    if (px_keyring_load(&p.keys, p.opt.keys) != 0 || px_held_new(&p.held) != 0 || open_sockets(&p) != 0) {
        close_all(&p);
        return 1;
    }
    rc = run(&p);
    report(&p, true);
    close_all(&p);
    return rc == 0 ? 0 : 1;
}

/*
 * events.c — `wh-bench events`: the event path, referral accepted → case opened → KPI visible.
 *
 * --connections (4) sender threads, one intake connection each, submit referrals open-loop at --rate
 * per second together (each a new household at case-level risk in one of 50 synthetic dongs
 * "98NNNNNNNN", or "99…" with --ns 19 for a second run, so every one opens a case) and record when
 * each ack arrived.  One connection would hold the whole run's in-flight commands, and intake refuses
 * a connection's 65th (peer_bounds): at 1,000/s an ack slower than 64 ms would be refused, not timed.  A
 * poller thread reads, as superuser every 5 ms, the new rows of casework.cases (case opened: its referral_id)
 * and of reporting.case_interval (written in the same transaction as the kpi_daily / kpi_monthly counters, so
 * its row appearing is the KPI becoming visible).  Latency per referral = first poll that saw the effect −
 * its ack, so it includes up to one poll interval.  At the end a QueryKpi through the reporting service
 * checks that the KPI counts every case.  Prints sent=, acked=, cases=, kpi_seen=, case_p50_ms=,
 * case_p99_ms=, kpi_p50_ms=, kpi_p99_ms=, kpi_case_households=, and ack_p50_ms= / ack_p99_ms= (a
 * referral's send → its ack: the command path's share of the event path, mostly the wait for intake's
 * batch and its group commit).
 */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "referral.h"
#include "stats.h"
#include "welfare/intake/v1/commands.pb-c.h"
#include "whclient.h"

#define POLL_MS         5
#define EVENT_DONGS     50
#define DRAIN_S         60     /* after the last ack: the case and KPI effects */
#define ACK_WAIT_MS     120000 /* after the last send: acks of a backlog the service is still working off */
#define CONNECTIONS_MAX 16

typedef struct seen {
    long long case_id, referral_id;
    double case_ms, kpi_ms;
} seen;

typedef struct ack {
    long long referral_id;
    double ms;
    double ack_ms; /* sent → acked */
} ack;

/* The send times of one connection's commands, by message id, in send order: a reply is looked for
 * from the oldest command not yet answered (a connection's replies come in order, so that is nearly
 * always the first place looked at). */
typedef struct in_flight {
    char (*id)[37];
    double *sent_ms;
    size_t n, cap, oldest; /* oldest: the first command not yet answered */
} in_flight;

static int in_flight_init(in_flight *f, size_t cap)
{
    f->id = calloc(cap, sizeof *f->id);
    f->sent_ms = calloc(cap, sizeof *f->sent_ms);
    f->n = f->oldest = 0;
    f->cap = cap;
    return f->id != NULL && f->sent_ms != NULL ? 0 : -1;
}

static void in_flight_free(in_flight *f)
{
    free(f->id);
    free(f->sent_ms);
}

static void in_flight_add(in_flight *f, const char *id, double now)
{
    if (f->n == f->cap)
        return; /* not timed */
    memcpy(f->id[f->n], id, 37);
    f->sent_ms[f->n++] = now;
}

/* The send time of the command with this id (marked answered), or -1 when it is not known. */
static double in_flight_take(in_flight *f, const char *id)
{
    for (size_t k = f->oldest; k < f->n; k++) {
        if (f->id[k][0] != '\0' && strcmp(f->id[k], id) == 0) {
            f->id[k][0] = '\0';
            while (f->oldest < f->n && f->id[f->oldest][0] == '\0')
                f->oldest++;
            return f->sent_ms[k];
        }
    }
    return -1;
}

typedef struct poller {
    PGconn *db;
    char prefix[3];       /* dong codes of this run: "98" or "99" */
    long long first_case; /* only cases above this id are ours */
    seen *rows;
    size_t n, cap;
    size_t kpi_seen;
    long long last_case, last_interval;
    atomic_int stop;
    int failed;
} poller;

static long long scalar(PGconn *db, const char *sql)
{
    PGresult *r = PQexec(db, sql);
    long long v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? atoll(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return v;
}

static seen *find_case(poller *p, long long case_id)
{
    size_t lo = 0, hi = p->n; /* rows are in case id order */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p->rows[mid].case_id < case_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->n && p->rows[lo].case_id == case_id ? &p->rows[lo] : NULL;
}

static int poll_cases(poller *p, double now)
{
    char last[24];
    const char *params[2] = {last, p->prefix};
    snprintf(last, sizeof last, "%lld", p->last_case);
    PGresult *r =
        PQexecParams(p->db,
                     "SELECT id, referral_id, left(dong_code, 2) = $2 FROM casework.cases WHERE id > $1 "
                     "ORDER BY id",
                     2, NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    for (int i = 0; ok && i < PQntuples(r); i++) {
        p->last_case = atoll(PQgetvalue(r, i, 0));
        if (strcmp(PQgetvalue(r, i, 2), "t") != 0)
            continue; /* not a referral of this run */
        if (p->n == p->cap) {
            size_t cap = p->cap ? p->cap * 2 : 8192;
            seen *grown = realloc(p->rows, cap * sizeof *grown);
            if (!grown)
                break;
            p->rows = grown;
            p->cap = cap;
        }
        seen *s = &p->rows[p->n++];
        s->case_id = atoll(PQgetvalue(r, i, 0));
        s->referral_id = atoll(PQgetvalue(r, i, 1));
        s->case_ms = now;
        s->kpi_ms = -1;
    }
    if (!ok)
        fprintf(stderr, "wh-bench events: poll: %s", PQerrorMessage(p->db));
    PQclear(r);
    return ok ? 0 : -1;
}

static int poll_kpi(poller *p, double now)
{
    char last[24], first[24];
    const char *params[2] = {last, first};
    snprintf(last, sizeof last, "%lld", p->last_interval);
    snprintf(first, sizeof first, "%lld", p->first_case);
    PGresult *r =
        PQexecParams(p->db,
                     "SELECT case_id FROM reporting.case_interval WHERE case_id > greatest($1::bigint, "
                     "$2::bigint) AND case_id < 1000000000000 ORDER BY case_id",
                     2, NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    for (int i = 0; ok && i < PQntuples(r); i++) {
        long long id = atoll(PQgetvalue(r, i, 0));
        if (id > p->last_case)
            break; /* its case committed after this round's case poll: take it next round */
        seen *s = find_case(p, id);
        if (s && s->kpi_ms < 0) {
            s->kpi_ms = now;
            p->kpi_seen++;
        }
        p->last_interval = id;
    }
    PQclear(r);
    return ok ? 0 : -1;
}

static void *poller_run(void *arg)
{
    poller *p = arg;
    while (!atomic_load(&p->stop)) {
        double now = bench_now_ms();
        if (poll_cases(p, now) < 0 || poll_kpi(p, now) < 0) {
            p->failed = 1;
            break;
        }
        usleep(POLL_MS * 1000);
    }
    return NULL;
}

static int by_referral(const void *a, const void *b)
{
    long long x = ((const ack *)a)->referral_id, y = ((const ack *)b)->referral_id;
    return (x > y) - (x < y);
}

/* Receives replies until deadline_ms, or until `expected` replies (acks and errors) have come when
 * expected > 0; records each ack. */
static void receive_until(whc *c, double deadline_ms, long expected, in_flight *fl, ack *acks, long *n_acks,
                          long *errors)
{
    while (expected <= 0 || *n_acks + *errors < expected) {
        double left = deadline_ms - bench_now_ms();
        ProtobufCMessage *reply = NULL;
        whc_error err;
        char id[37] = "";
        if (left < 0)
            left = 0;
        if (whc_recv(c, (int)left, &welfare__intake__v1__submit_referral_reply__descriptor, &reply, id,
                     &err) != 0) {
            if (!id[0])
                return;             /* nothing more before the deadline */
            in_flight_take(fl, id); /* answered, not timed */
            if ((*errors)++ < 3)
                fprintf(stderr, "wh-bench events: error reply: %s %s\n", err.field, err.message);
            continue;
        }
        const Welfare__Intake__V1__SubmitReferralReply *rep = (const void *)reply;
        double now = bench_now_ms(), sent = in_flight_take(fl, id);
        acks[*n_acks].referral_id = rep->referral_id;
        acks[*n_acks].ack_ms = sent >= 0 ? now - sent : -1;
        acks[(*n_acks)++].ms = now;
        protobuf_c_message_free_unpacked(reply, NULL);
    }
}

static void report_latencies(poller *p, ack *acks, long n_acks)
{
    bench_samples to_case = {0}, to_kpi = {0}, to_ack = {0};
    for (long i = 0; i < n_acks; i++)
        if (acks[i].ack_ms >= 0)
            bench_samples_add(&to_ack, acks[i].ack_ms);
    qsort(acks, (size_t)n_acks, sizeof *acks, by_referral);
    for (size_t i = 0; i < p->n; i++) {
        ack key = {.referral_id = p->rows[i].referral_id};
        ack *a = bsearch(&key, acks, (size_t)n_acks, sizeof *acks, by_referral);
        if (!a)
            continue;
        double c = p->rows[i].case_ms - a->ms, k = p->rows[i].kpi_ms - a->ms;
        bench_samples_add(&to_case, c > 0 ? c : 0);
        if (p->rows[i].kpi_ms >= 0)
            bench_samples_add(&to_kpi, k > 0 ? k : 0);
    }
    bench_samples_sort(&to_case);
    bench_samples_sort(&to_kpi);
    bench_samples_sort(&to_ack);
    printf("acks_timed=%zu\nack_p50_ms=%.1f\nack_p99_ms=%.1f\n", to_ack.n,
           bench_samples_percentile(&to_ack, 50), bench_samples_percentile(&to_ack, 99));
    printf("cases=%zu\nkpi_seen=%zu\n", to_case.n, to_kpi.n);
    printf("case_p50_ms=%.1f\ncase_p99_ms=%.1f\n", bench_samples_percentile(&to_case, 50),
           bench_samples_percentile(&to_case, 99));
    printf("kpi_p50_ms=%.1f\nkpi_p99_ms=%.1f\nkpi_max_ms=%.1f\n", bench_samples_percentile(&to_kpi, 50),
           bench_samples_percentile(&to_kpi, 99), bench_samples_percentile(&to_kpi, 100));
    bench_samples_free(&to_case);
    bench_samples_free(&to_kpi);
    bench_samples_free(&to_ack);
}

/* One connection's share of the paced submissions: referral k of the run (k = j, j + n, j + 2n, …
 * for sender j of n) goes at start + k / rate, so the n connections together send at `rate`.  The
 * stream is shared, so every referral is a new household whichever connection sends it. */
typedef struct sender {
    whc *c;
    bench_stream *s;
    pthread_mutex_t *lock;
    double rate, start;
    long total, j, n;
    ack *acks;
    long n_acks, errors, sent;
    in_flight *fl;
} sender;

static void *sender_run(void *arg)
{
    sender *sd = arg;
    for (long k = sd->j; k < sd->total; k += sd->n) {
        bench_referral r;
        bench_referral_pb pb;
        char id[37];
        receive_until(sd->c, sd->start + (double)k * 1000.0 / sd->rate, 0, sd->fl, sd->acks, &sd->n_acks,
                      &sd->errors);
        pthread_mutex_lock(sd->lock);
        bench_stream_next(sd->s, &r);
        pthread_mutex_unlock(sd->lock);
        bench_referral_to_pb(&r, &pb);
        double now = bench_now_ms();
        if (whc_send(sd->c, &pb.msg.base, id) != 0)
            break;
        in_flight_add(sd->fl, id, now);
        sd->sent++;
    }
    receive_until(sd->c, bench_now_ms() + ACK_WAIT_MS, sd->sent, sd->fl, sd->acks, &sd->n_acks, &sd->errors);
    return NULL;
}

/* Submits at `rate` for `seconds` over the n connections c[], each receiving in between (one
 * connection holds at most 64 commands in flight, which an open-loop 1,000/s exceeds whenever an ack
 * takes over 64 ms).  Returns referrals sent; acks[] gets every ack. */
static long submit_paced(whc **c, int n, const poller *p, double rate, double seconds, uint64_t seed,
                         unsigned ns, ack *acks, long *n_acks, long *errors)
{
    bench_mix mix = {
        .seed = seed, .ns = ns, .high_risk_rate = 1.0, .dong_prefix = p->prefix, .dongs = EVENT_DONGS};
    bench_stream s;
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    sender sd[CONNECTIONS_MAX];
    pthread_t t[CONNECTIONS_MAX];
    long total = (long)(rate * seconds), sent = 0;
    double start = bench_now_ms();
    bench_stream_init(&s, &mix);
    for (int j = 0; j < n; j++) {
        sd[j] = (sender){.c = c[j],
                         .s = &s,
                         .lock = &lock,
                         .rate = rate,
                         .start = start,
                         .total = total,
                         .j = j,
                         .n = n,
                         .acks = calloc((size_t)(total / n + 1), sizeof(ack)),
                         .fl = calloc(1, sizeof(in_flight))};
        if (!sd[j].acks || !sd[j].fl || in_flight_init(sd[j].fl, (size_t)(total / n + 1)) != 0 ||
            pthread_create(&t[j], NULL, sender_run, &sd[j]) != 0) {
            fprintf(stderr, "wh-bench events: cannot start sender %d\n", j);
            exit(1);
        }
    }
    for (int j = 0; j < n; j++) {
        pthread_join(t[j], NULL);
        memcpy(acks + *n_acks, sd[j].acks, (size_t)sd[j].n_acks * sizeof *acks);
        *n_acks += sd[j].n_acks;
        *errors += sd[j].errors;
        sent += sd[j].sent;
        free(sd[j].acks);
        in_flight_free(sd[j].fl);
        free(sd[j].fl);
    }
    return sent;
}

static void wait_drained(poller *p, long n_acks)
{
    double until = bench_now_ms() + DRAIN_S * 1000;
    while (bench_now_ms() < until && !p->failed) {
        if ((long)p->kpi_seen >= n_acks)
            break;
        usleep(50000);
    }
    atomic_store(&p->stop, 1);
}

int bench_events_main(int argc, char **argv)
{
    double rate = 1000, seconds = 10, seed = 1, ns = 18, connections = 4;
    bench_opt opts[] = {{"--rate", &rate}, {"--seconds", &seconds},         {"--seed", &seed},
                        {"--ns", &ns},     {"--connections", &connections}, {NULL, NULL}};
    const char *url = getenv("WH_BENCH_DB_URL");
    if (bench_parse_opts(argc, argv, opts) < 0 || rate <= 0 || seconds <= 0 || !url ||
        (ns != 18 && ns != 19) || connections < 1 || connections > CONNECTIONS_MAX) {
        fprintf(stderr, "wh-bench events: needs WH_BENCH_DB_URL, a positive --rate/--seconds, --ns 18|19, "
                        "--connections 1..16\n");
        return -1;
    }
    poller p = {.db = PQconnectdb(url)};
    snprintf(p.prefix, sizeof p.prefix, "%u", 80 + (unsigned)ns);
    whc *c = NULL, *conn[CONNECTIONS_MAX] = {0};
    whc_options opt = whc_options_from_env();
    int n_conn = (int)connections, opened = 0;
    while (opened < n_conn && whc_open(&conn[opened], "intake", &opt) == 0)
        opened++;
    if (PQstatus(p.db) != CONNECTION_OK || opened < n_conn) {
        fprintf(stderr, "wh-bench events: cannot connect: %s", PQerrorMessage(p.db));
        for (int j = 0; j < opened; j++)
            whc_close(&conn[j]);
        PQfinish(p.db);
        return -1;
    }
    p.first_case = p.last_case = scalar(p.db, "SELECT coalesce(max(id), 0) FROM casework.cases");
    p.last_interval = p.first_case;
    ack *acks = calloc((size_t)(rate * seconds) + 1, sizeof *acks);
    long n_acks = 0, errors = 0;
    pthread_t t;
    pthread_create(&t, NULL, poller_run, &p);
    long sent =
        submit_paced(conn, n_conn, &p, rate, seconds, (uint64_t)seed, (unsigned)ns, acks, &n_acks, &errors);
    wait_drained(&p, n_acks);
    pthread_join(t, NULL);
    printf("rate=%.0f\nseconds=%.0f\nconnections=%d\npoll_ms=%d\nsent=%ld\nacked=%ld\nerrors=%ld\n", rate,
           seconds, n_conn, POLL_MS, sent, n_acks, errors);
    report_latencies(&p, acks, n_acks);
    long long households = -1;
    for (int j = 0; j < n_conn; j++)
        whc_close(&conn[j]);
    if (whc_open(&c, "reporting", &opt) == 0) {
        households = bench_kpi_case_households(c, p.prefix, EVENT_DONGS, "2026-01-01", "2026-12-31");
        whc_close(&c);
    }
    printf("kpi_case_households=%lld\n", households);
    free(acks);
    free(p.rows);
    PQfinish(p.db);
    return p.failed || households < 0 ? -1 : 0;
}

/*
 * kpi.c — `wh-bench kpi`: QueryKpi latency through the reporting service over the bus.  One client
 * asks --queries queries one after another, each for a random set of the --dongs loaded dongs
 * "PREFIXNNNNNNNN" (one in ten for every dong: an empty set) and a random period inside the loaded
 * --days from --from, after --queries/10 unmeasured warm-up queries.  Prints queries=, p50_ms=,
 * p99_ms=, max_ms=, errors=.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "referral.h"
#include "stats.h"
#include "welfare/reporting/v1/commands.pb-c.h"
#include "whclient.h"

#define DONGS_MAX 200

static void dong_code(const char *prefix, int i, char out[11])
{
    snprintf(out, 11, "%.2s%08d", prefix, (unsigned)i % 100000000U);
}

/* Day number of "YYYY-MM-DD" counted from 1970-01-01, and back. */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil(long z, char out[11])
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1), m = (int)(mp < 10 ? mp + 3 : mp - 9);
    snprintf(out, 11, "%04d-%02d-%02d", (int)(yoe + era * 400 + (m <= 2)), m, d);
}

static int query(whc *c, char **codes, size_t n, const char *from, const char *to, long long *households,
                 whc_error *err)
{
    Welfare__Reporting__V1__KpiSelection sel = WELFARE__REPORTING__V1__KPI_SELECTION__INIT;
    Welfare__Reporting__V1__QueryKpi q = WELFARE__REPORTING__V1__QUERY_KPI__INIT;
    ProtobufCMessage *reply = NULL;
    sel.n_dong_codes = n;
    sel.dong_codes = codes;
    sel.from_on = (char *)from;
    sel.to_on = (char *)to;
    q.selection = &sel;
    int rc = whc_call(c, &q.base, &welfare__reporting__v1__query_kpi_reply__descriptor, &reply, err);
    if (rc == 0) {
        const Welfare__Reporting__V1__QueryKpiReply *r = (const void *)reply;
        *households = r->report && r->report->total ? r->report->total->case_households : 0;
        protobuf_c_message_free_unpacked(reply, NULL);
    }
    return rc;
}

long long bench_kpi_case_households(whc *c, const char *prefix, int n, const char *from, const char *to)
{
    char buf[DONGS_MAX][11], *codes[DONGS_MAX];
    long long households = -1;
    whc_error err;
    for (int i = 0; i < n && i < DONGS_MAX; i++) {
        dong_code(prefix, i, buf[i]);
        codes[i] = buf[i];
    }
    if (query(c, codes, (size_t)(n < DONGS_MAX ? n : DONGS_MAX), from, to, &households, &err) != 0) {
        fprintf(stderr, "wh-bench: QueryKpi failed: %s\n", err.message);
        return -1;
    }
    return households;
}

/* One random selection: a subset of the dongs (or none: every dong) and a period. */
static size_t random_selection(uint64_t *rng, const char *prefix, int dongs, long first, int days,
                               char buf[][11], char **codes, char from[11], char to[11])
{
    size_t n = 0;
    if (bench_rand(rng) % 10 != 0) {
        int want = 1 + (int)(bench_rand(rng) % (uint64_t)dongs);
        for (int i = 0; i < dongs; i++) /* each kept with probability want/dongs, in code order */
            if ((int)(bench_rand(rng) % (uint64_t)dongs) < want) {
                dong_code(prefix, i, buf[n]);
                codes[n] = buf[n];
                n++;
            }
        if (n == 0) {
            dong_code(prefix, 0, buf[0]);
            codes[n++] = buf[0];
        }
    }
    long a = first + (long)(bench_rand(rng) % (uint64_t)days),
         b = first + (long)(bench_rand(rng) % (uint64_t)days);
    civil(a < b ? a : b, from);
    civil(a < b ? b : a, to);
    return n;
}

int bench_kpi_main(int argc, char **argv)
{
    double queries = 2000, dongs = 20, prefix = 97, days = 3650, seed = 1, y = 2016, m = 1, d = 1;
    bench_opt opts[] = {{"--queries", &queries}, {"--dongs", &dongs}, {"--prefix", &prefix},
                        {"--days", &days},       {"--seed", &seed},   {"--year", &y},
                        {"--month", &m},         {"--day", &d},       {NULL, NULL}};
    if (bench_parse_opts(argc, argv, opts) < 0 || dongs < 1 || dongs > DONGS_MAX || days < 1 || queries < 1)
        return -1;
    char pfx[3], buf[DONGS_MAX][11], *codes[DONGS_MAX], from[11], to[11];
    snprintf(pfx, sizeof pfx, "%02d", (int)prefix);
    whc *c = NULL;
    whc_options opt = whc_options_from_env();
    if (whc_open(&c, "reporting", &opt) < 0)
        return -1;
    uint64_t rng = (uint64_t)seed;
    long first = days_from_civil((int)y, (int)m, (int)d), errors = 0;
    bench_samples s = {0};
    long warmup = (long)queries / 10;
    for (long i = 0; i < warmup + (long)queries; i++) {
        size_t n = random_selection(&rng, pfx, (int)dongs, first, (int)days, buf, codes, from, to);
        long long households;
        whc_error err;
        double t0 = bench_now_ms();
        int rc = query(c, codes, n, from, to, &households, &err);
        double ms = bench_now_ms() - t0;
        if (rc != 0 && errors++ < 3)
            fprintf(stderr, "wh-bench kpi: QueryKpi failed: %s %s\n", err.field, err.message);
        if (i >= warmup && rc == 0)
            bench_samples_add(&s, ms);
    }
    whc_close(&c);
    bench_samples_sort(&s);
    printf("queries=%zu\nerrors=%ld\np50_ms=%.2f\np99_ms=%.2f\nmax_ms=%.2f\nmean_ms=%.2f\n", s.n, errors,
           bench_samples_percentile(&s, 50), bench_samples_percentile(&s, 99),
           bench_samples_percentile(&s, 100), bench_samples_mean(&s));
    bench_samples_free(&s);
    return errors ? -1 : 0;
}

/*
 * metrics.c — the process-wide Prometheus registry: counters, gauges and latency histograms.
 *
 * Metrics are grouped in families by name (one HELP and TYPE line each, every label set of that name
 * beneath), kept in registration order.  Registration and rendering take a mutex; updates never do:
 * counters and histogram buckets are C11 atomic integers, gauges and sums are doubles stored as their
 * bit pattern in an atomic 64-bit word and updated by compare-and-swap.  Metrics are never freed:
 * callers keep the pointers for the life of the process.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wh/buf.h"
#include "wh/log.h"
#include "wh/metrics.h"
#include "wh/status.h"

static const double bucket_bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                       0.1,    0.25,  0.5,    1,     2.5,  5,     10};
#define N_BUCKETS (sizeof bucket_bounds / sizeof bucket_bounds[0])

typedef enum kind { KIND_COUNTER, KIND_GAUGE, KIND_HISTOGRAM } kind;
static const char *const kind_names[] = {"counter", "gauge", "histogram"};

struct wh_counter {
    atomic_uint_fast64_t value;
};

struct wh_gauge {
    _Atomic uint64_t bits; /* a double's bit pattern */
};

struct wh_histogram {
    atomic_uint_fast64_t buckets[N_BUCKETS + 1]; /* per bucket, not cumulative; last is +Inf */
    _Atomic uint64_t sum_bits;
};

typedef struct series {
    struct series *next;
    char *labels; /* "" when none */
    void *metric;
} series;

typedef struct family {
    struct family *next;
    char *name, *help;
    kind kind;
    series *first, *last;
} family;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static family *families, *last_family;
static series *detached; /* misused registrations: working, never rendered, kept reachable */

/* --- atomic doubles -------------------------------------------------------------------------- */

static uint64_t bits_of(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return b;
}

static double double_of(uint64_t b)
{
    double v;
    memcpy(&v, &b, sizeof v);
    return v;
}

static void atomic_double_add(_Atomic uint64_t *bits, double delta)
{
    uint64_t old = atomic_load_explicit(bits, memory_order_relaxed);

    while (!atomic_compare_exchange_weak_explicit(bits, &old, bits_of(double_of(old) + delta),
                                                  memory_order_relaxed, memory_order_relaxed))
        ;
}

/* --- registration ---------------------------------------------------------------------------- */

static void *must(void *p)
{
    if (p == NULL) {
        fputs("wh_metrics: out of memory at registration\n", stderr);
        abort();
    }
    return p;
}

static bool name_valid(const char *name)
{
    if (name == NULL ||
        !(*name == '_' || *name == ':' || (*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z')))
        return false;
    for (const char *c = name + 1; *c != '\0'; c++)
        if (!(*c == '_' || *c == ':' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9')))
            return false;
    return true;
}

static void *new_metric(kind k)
{
    size_t size = k == KIND_COUNTER ? sizeof(wh_counter)
                  : k == KIND_GAUGE ? sizeof(wh_gauge)
                                    : sizeof(wh_histogram);
    return must(calloc(1, size)); /* all-zero bits are 0 and 0.0 for every field */
}

static family *family_find(const char *name)
{
    for (family *f = families; f != NULL; f = f->next)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

static family *family_add(const char *name, const char *help, kind k)
{
    family *f = must(calloc(1, sizeof *f));

    f->name = must(strdup(name));
    f->help = must(strdup(help ? help : ""));
    f->kind = k;
    if (last_family != NULL)
        last_family->next = f;
    else
        families = f;
    last_family = f;
    return f;
}

/* The metric of name{labels}, created on first use.  A misuse (bad name, a name registered with
 * another type) is logged and gets a working metric that is not exported, never a crash. */
static void *lookup(const char *name, const char *labels, const char *help, kind k)
{
    family *f;
    void *metric = NULL;

    labels = labels ? labels : "";
    pthread_mutex_lock(&registry_lock);
    f = name_valid(name) ? family_find(name) : NULL;
    if (f == NULL && name_valid(name))
        f = family_add(name, help, k);
    if (f != NULL && f->kind == k) {
        for (series *s = f->first; s != NULL && metric == NULL; s = s->next)
            if (strcmp(s->labels, labels) == 0)
                metric = s->metric;
        if (metric == NULL) {
            series *s = must(calloc(1, sizeof *s));

            s->labels = must(strdup(labels));
            s->metric = metric = new_metric(k);
            if (f->last != NULL)
                f->last->next = s;
            else
                f->first = s;
            f->last = s;
        }
    }
    if (metric == NULL) {
        series *s = must(calloc(1, sizeof *s));

        s->metric = metric = new_metric(k);
        s->next = detached;
        detached = s;
    }
    pthread_mutex_unlock(&registry_lock);
    if (f == NULL || f->kind != k)
        wh_log_error("metric not exported: bad name or registered with another type", "{s:s, s:s}", "metric",
                     name ? name : "(null)", "type", kind_names[k]);
    return metric;
}

wh_counter *wh_metrics_counter(const char *name, const char *labels, const char *help)
{
    return lookup(name, labels, help, KIND_COUNTER);
}

wh_gauge *wh_metrics_gauge(const char *name, const char *labels, const char *help)
{
    return lookup(name, labels, help, KIND_GAUGE);
}

wh_histogram *wh_metrics_histogram(const char *name, const char *labels, const char *help)
{
    return lookup(name, labels, help, KIND_HISTOGRAM);
}

/* --- updates --------------------------------------------------------------------------------- */

void wh_counter_add(wh_counter *c, uint64_t n)
{
    atomic_fetch_add_explicit(&c->value, n, memory_order_relaxed);
}

void wh_gauge_set(wh_gauge *g, double v)
{
    atomic_store_explicit(&g->bits, bits_of(v), memory_order_relaxed);
}

void wh_gauge_add(wh_gauge *g, double delta)
{
    atomic_double_add(&g->bits, delta);
}

void wh_histogram_observe(wh_histogram *h, double seconds)
{
    size_t b = 0;

    if (isnan(seconds))
        return;
    while (b < N_BUCKETS && seconds > bucket_bounds[b]) /* bounds are inclusive: le = less or equal */
        b++;
    atomic_fetch_add_explicit(&h->buckets[b], 1, memory_order_relaxed);
    atomic_double_add(&h->sum_bits, seconds);
}

uint64_t wh_counter_value(const wh_counter *c)
{
    return atomic_load_explicit(&((wh_counter *)c)->value, memory_order_relaxed);
}

double wh_gauge_value(const wh_gauge *g)
{
    return double_of(atomic_load_explicit(&((wh_gauge *)g)->bits, memory_order_relaxed));
}

/* --- rendering ------------------------------------------------------------------------------- */

/* A sample value as Prometheus spells it. */
static void put_double(wh_buf *b, double v)
{
    if (isnan(v))
        wh_buf_printf(b, "NaN");
    else if (isinf(v))
        wh_buf_printf(b, v > 0 ? "+Inf" : "-Inf");
    else
        wh_buf_printf(b, "%.17g", v);
}

/* HELP text with '\' and newlines escaped, as the exposition format requires. */
static void put_help(wh_buf *b, const family *f)
{
    wh_buf_printf(b, "# HELP %s ", f->name);
    for (const char *c = f->help; *c != '\0'; c++) {
        if (*c == '\\')
            wh_buf_printf(b, "\\\\");
        else if (*c == '\n')
            wh_buf_printf(b, "\\n");
        else
            wh_buf_printf(b, "%c", *c);
    }
    wh_buf_printf(b, "\n# TYPE %s %s\n", f->name, kind_names[f->kind]);
}

static void put_labels(wh_buf *b, const char *labels, const char *le)
{
    if (*labels == '\0' && le == NULL)
        return;
    wh_buf_printf(b, "{%s%s", labels, *labels != '\0' && le != NULL ? "," : "");
    if (le != NULL)
        wh_buf_printf(b, "le=\"%s\"", le);
    wh_buf_printf(b, "}");
}

static void put_histogram(wh_buf *b, const char *name, const series *s)
{
    wh_histogram *h = s->metric;
    uint64_t cumulative = 0;
    char le[32];

    for (size_t i = 0; i <= N_BUCKETS; i++) {
        cumulative += atomic_load_explicit(&h->buckets[i], memory_order_relaxed);
        if (i < N_BUCKETS)
            snprintf(le, sizeof le, "%g", bucket_bounds[i]);
        else
            snprintf(le, sizeof le, "+Inf");
        wh_buf_printf(b, "%s_bucket", name);
        put_labels(b, s->labels, le);
        wh_buf_printf(b, " %llu\n", (unsigned long long)cumulative);
    }
    wh_buf_printf(b, "%s_sum", name);
    put_labels(b, s->labels, NULL);
    wh_buf_printf(b, " ");
    put_double(b, double_of(atomic_load_explicit(&h->sum_bits, memory_order_relaxed)));
    wh_buf_printf(b, "\n%s_count", name);
    put_labels(b, s->labels, NULL);
    wh_buf_printf(b, " %llu\n",
                  (unsigned long long)cumulative); /* the +Inf bucket, so the two always agree */
}

static void put_family(wh_buf *b, const family *f)
{
    put_help(b, f);
    for (const series *s = f->first; s != NULL; s = s->next) {
        if (f->kind == KIND_HISTOGRAM) {
            put_histogram(b, f->name, s);
            continue;
        }
        wh_buf_printf(b, "%s", f->name);
        put_labels(b, s->labels, NULL);
        wh_buf_printf(b, " ");
        if (f->kind == KIND_COUNTER)
            wh_buf_printf(b, "%llu\n", (unsigned long long)wh_counter_value(s->metric));
        else {
            put_double(b, wh_gauge_value(s->metric));
            wh_buf_printf(b, "\n");
        }
    }
}

int wh_metrics_render(char **out, size_t *len)
{
    wh_buf b = {0};

    *out = NULL;
    *len = 0;
    wh_buf_put(&b, "", 0); /* "" when no metric is registered */
    pthread_mutex_lock(&registry_lock);
    for (const family *f = families; f != NULL; f = f->next)
        put_family(&b, f);
    pthread_mutex_unlock(&registry_lock);
    if (b.failed) {
        wh_buf_free(&b);
        return WH_INTERNAL;
    }
    *out = b.data;
    *len = b.len;
    return 0;
}

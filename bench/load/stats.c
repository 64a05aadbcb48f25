/*
 * stats.c — latency samples and percentiles for the benchmark drivers.
 */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int bench_samples_add(bench_samples *s, double ms)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        double *grown = realloc(s->ms, cap * sizeof *grown);
        if (!grown)
            return -1;
        s->ms = grown;
        s->cap = cap;
    }
    s->ms[s->n++] = ms;
    return 0;
}

int bench_samples_merge(bench_samples *into, const bench_samples *from)
{
    for (size_t i = 0; i < from->n; i++)
        if (bench_samples_add(into, from->ms[i]) < 0)
            return -1;
    return 0;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void bench_samples_sort(bench_samples *s)
{
    if (s->n > 1)
        qsort(s->ms, s->n, sizeof *s->ms, by_value);
}

double bench_samples_percentile(const bench_samples *s, double p)
{
    if (s->n == 0)
        return 0;
    size_t rank = (size_t)ceil(p / 100.0 * (double)s->n);
    if (rank < 1)
        rank = 1;
    return s->ms[(rank > s->n ? s->n : rank) - 1];
}

double bench_samples_mean(const bench_samples *s)
{
    double sum = 0;
    for (size_t i = 0; i < s->n; i++)
        sum += s->ms[i];
    return s->n ? sum / (double)s->n : 0;
}

void bench_samples_free(bench_samples *s)
{
    free(s->ms);
    memset(s, 0, sizeof *s);
}

double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

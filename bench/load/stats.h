/*
 * stats.h — latency samples for the benchmark drivers: a growable array of milliseconds and its
 * percentiles (nearest rank), and the monotonic clock they are measured on.
 */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stddef.h>

typedef struct bench_samples {
    double *ms;
    size_t n, cap;
} bench_samples;

/* Appends one sample; 0 or -1 when out of memory. */
int bench_samples_add(bench_samples *s, double ms);
/* Appends every sample of from. */
int bench_samples_merge(bench_samples *into, const bench_samples *from);
/* Sorts the samples (call once before the percentiles). */
void bench_samples_sort(bench_samples *s);
/* The p-th percentile (0 < p <= 100) of sorted samples, 0 when empty. */
double bench_samples_percentile(const bench_samples *s, double p);
double bench_samples_mean(const bench_samples *s);
void bench_samples_free(bench_samples *s);

/* Milliseconds on CLOCK_MONOTONIC. */
double bench_now_ms(void);

#endif

/*
 * wh/metrics.h — Prometheus metrics.
 *
 * A process-wide registry of counters, gauges and histograms.  Registering the same name and labels
 * twice returns the same metric, so callers may look one up on the hot path's first use and keep the
 * pointer.  Updates are lock-free (C11 atomics) and safe from any thread; rendering runs in the HTTP
 * thread.  Labels are given pre-formatted, e.g. "type=\"welfare.intake.v1.SubmitReferral\"".
 */
#ifndef WH_METRICS_H
#define WH_METRICS_H

#include <stddef.h>
#include <stdint.h>

typedef struct wh_counter wh_counter;
typedef struct wh_gauge wh_gauge;
typedef struct wh_histogram wh_histogram;

/* labels may be NULL.  Never returns NULL (aborts on out-of-memory at registration). */
wh_counter *wh_metrics_counter(const char *name, const char *labels, const char *help);
wh_gauge *wh_metrics_gauge(const char *name, const char *labels, const char *help);
/* Latency histogram in seconds, buckets 0.5 ms … 10 s. */
wh_histogram *wh_metrics_histogram(const char *name, const char *labels, const char *help);

void wh_counter_add(wh_counter *c, uint64_t n);
void wh_gauge_set(wh_gauge *g, double v);
void wh_gauge_add(wh_gauge *g, double delta);
void wh_histogram_observe(wh_histogram *h, double seconds);

/* Value readers, for tests and for /readyz decisions. */
uint64_t wh_counter_value(const wh_counter *c);
double wh_gauge_value(const wh_gauge *g);

/* Renders every metric in the Prometheus text exposition format.  Caller frees *out. */
int wh_metrics_render(char **out, size_t *len);

#endif

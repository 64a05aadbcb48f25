/*
 * test_metrics.c — the registry (same name and labels → same metric, label sets under one family,
 * misuse logged and not exported), exact totals from concurrent updates, gauge CAS arithmetic,
 * inclusive histogram buckets, and the Prometheus text: one HELP/TYPE per name, cumulative buckets,
 * escaping and special values.
 */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wh/log.h"
#include "wh/metrics.h"

static char *render(void)
{
    char *text;
    size_t len;

    assert_int_equal(wh_metrics_render(&text, &len), 0);
    assert_int_equal(strlen(text), len);
    return text;
}

static int count_of(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void same_metric_twice(void **state)
{
    wh_counter *a = wh_metrics_counter("t_requests_total", "type=\"a\"", "Requests");
    wh_counter *b = wh_metrics_counter("t_requests_total", "type=\"b\"", "Requests");

    assert_ptr_equal(a, wh_metrics_counter("t_requests_total", "type=\"a\"", "Requests"));
    assert_ptr_not_equal(a, b);
    assert_ptr_equal(wh_metrics_counter("t_plain_total", NULL, "x"),
                     wh_metrics_counter("t_plain_total", "", "x"));
    wh_counter_add(a, 3);
    wh_counter_add(b, 1);
    wh_counter_add(a, 2);
    assert_int_equal(wh_counter_value(a), 5);
    assert_int_equal(wh_counter_value(b), 1);

    char *text = render();
    assert_int_equal(count_of(text, "# HELP t_requests_total Requests\n"), 1);
    assert_int_equal(count_of(text, "# TYPE t_requests_total counter\n"), 1);
    assert_non_null(strstr(text, "# TYPE t_requests_total counter\nt_requests_total{type=\"a\"} 5\n"
                                 "t_requests_total{type=\"b\"} 1\n"));
    assert_non_null(strstr(text, "\nt_plain_total 0\n"));
    free(text);
}

static void misuse_is_not_exported(void **state)
{
    wh_counter *c = wh_metrics_counter("t_kind_clash", NULL, "first a counter");
    wh_gauge *g = wh_metrics_gauge("t_kind_clash", NULL, "then a gauge");
    wh_counter *bad = wh_metrics_counter("0bad name", NULL, "invalid");

    assert_non_null(g);
    assert_non_null(bad);
    wh_gauge_set(g, 7); /* works, but is nobody's series */
    wh_counter_add(bad, 1);
    assert_true(wh_gauge_value(g) == 7);
    char *text = render();
    assert_int_equal(count_of(text, "# TYPE t_kind_clash counter\n"), 1);
    assert_int_equal(count_of(text, "t_kind_clash 0\n"), 1);
    assert_int_equal(count_of(text, "gauge\nt_kind_clash"), 0);
    assert_null(strstr(text, "0bad"));
    free(text);
    (void)c;
}

static void gauges(void **state)
{
    wh_gauge *g = wh_metrics_gauge("t_lag", "stream=\"intake\"", "Lag");

    assert_true(wh_gauge_value(g) == 0);
    wh_gauge_set(g, 10.5);
    wh_gauge_add(g, -0.25);
    assert_true(wh_gauge_value(g) == 10.25);
    wh_gauge_set(g, 1e308);
    wh_gauge_add(g, 1e308); /* overflows to +Inf, rendered as such */
    char *text = render();
    assert_non_null(strstr(text, "t_lag{stream=\"intake\"} +Inf\n"));
    free(text);
    wh_gauge_set(g, NAN);
    text = render();
    assert_non_null(strstr(text, "t_lag{stream=\"intake\"} NaN\n"));
    free(text);
    wh_gauge_set(g, 0.1);
    text = render();
    assert_non_null(strstr(text, "t_lag{stream=\"intake\"} 0.10000000000000001\n")); /* round-trips */
    free(text);
}

static void histogram_buckets(void **state)
{
    wh_histogram *h = wh_metrics_histogram("t_latency_seconds", "type=\"x\"", "Latency");

    wh_histogram_observe(h, 0.0005); /* exactly on a bound: counted in it (le) */
    wh_histogram_observe(h, 0.0006);
    wh_histogram_observe(h, 0.3);
    wh_histogram_observe(h, 10);
    wh_histogram_observe(h, 11);  /* only +Inf */
    wh_histogram_observe(h, NAN); /* ignored */
    char *text = render();
    assert_int_equal(count_of(text, "# TYPE t_latency_seconds histogram\n"), 1);
    assert_non_null(strstr(text, "t_latency_seconds_bucket{type=\"x\",le=\"0.0005\"} 1\n"
                                 "t_latency_seconds_bucket{type=\"x\",le=\"0.001\"} 2\n"));
    assert_non_null(strstr(text, "t_latency_seconds_bucket{type=\"x\",le=\"0.25\"} 2\n"
                                 "t_latency_seconds_bucket{type=\"x\",le=\"0.5\"} 3\n"));
    assert_non_null(strstr(text, "t_latency_seconds_bucket{type=\"x\",le=\"10\"} 4\n"
                                 "t_latency_seconds_bucket{type=\"x\",le=\"+Inf\"} 5\n"));
    assert_non_null(strstr(text, "t_latency_seconds_count{type=\"x\"} 5\n"));
    char *sum = strstr(text, "t_latency_seconds_sum{type=\"x\"} ");
    assert_non_null(sum);
    assert_true(fabs(strtod(sum + strlen("t_latency_seconds_sum{type=\"x\"} "), NULL) - 21.3011) < 1e-9);
    assert_int_equal(count_of(text, "t_latency_seconds_bucket{type=\"x\""), 15);
    free(text);

    wh_histogram *plain = wh_metrics_histogram("t_plain_seconds", NULL, "No labels");
    wh_histogram_observe(plain, 0.002);
    text = render();
    assert_non_null(strstr(text, "t_plain_seconds_bucket{le=\"0.0025\"} 1\n"));
    assert_non_null(strstr(text, "t_plain_seconds_count 1\n"));
    free(text);
}

static void help_escaping(void **state)
{
    wh_metrics_counter("t_escaped_total", NULL, "line one\nback\\slash");
    char *text = render();
    assert_non_null(strstr(text, "# HELP t_escaped_total line one\\nback\\\\slash\n"));
    free(text);
}

#define THREADS 8
#define ROUNDS  20000

static void *hammer(void *arg)
{
    wh_counter *c = wh_metrics_counter("t_hammer_total", NULL, "Concurrent adds");
    wh_gauge *g = wh_metrics_gauge("t_hammer_gauge", NULL, "Concurrent gauge adds");
    wh_histogram *h = wh_metrics_histogram("t_hammer_seconds", NULL, "Concurrent observations");

    for (int i = 0; i < ROUNDS; i++) {
        wh_counter_add(c, 1);
        wh_gauge_add(g, 0.5);
        wh_histogram_observe(h, 0.001);
    }
    return arg;
}

static void concurrent_updates_are_exact(void **state)
{
    pthread_t t[THREADS];

    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, hammer, NULL), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(wh_counter_value(wh_metrics_counter("t_hammer_total", NULL, "")), THREADS * ROUNDS);
    assert_true(wh_gauge_value(wh_metrics_gauge("t_hammer_gauge", NULL, "")) == THREADS * ROUNDS * 0.5);
    char *text = render();
    char expect[128];
    snprintf(expect, sizeof expect, "t_hammer_seconds_count %d\n", THREADS * ROUNDS);
    assert_non_null(strstr(text, expect));
    free(text);
}

int main(void)
{
    wh_log_init("test_metrics");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_metric_twice),
        cmocka_unit_test(misuse_is_not_exported),
        cmocka_unit_test(gauges),
        cmocka_unit_test(histogram_buckets),
        cmocka_unit_test(help_escaping),
        cmocka_unit_test(concurrent_updates_are_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_log.c — the JSON lines: core fields and their order, the timestamp's form, caller fields that
 * cannot replace core ones, a bad fields format, the level filter, the thread-local correlation id,
 * and lines from many threads that never interleave.
 */
#include <jansson.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "wh/log.h"

#define MAX_LINES 4096

typedef struct capture {
    int saved_stderr;
    FILE *file;
    json_t *lines[MAX_LINES];
    size_t n;
} capture;

static void capture_start(capture *c)
{
    memset(c, 0, sizeof *c);
    c->file = tmpfile();
    assert_non_null(c->file);
    fflush(stderr);
    c->saved_stderr = dup(STDERR_FILENO);
    assert_true(dup2(fileno(c->file), STDERR_FILENO) >= 0);
}

/* Restores stderr and parses every captured line; each must be one JSON object. */
static void capture_stop(capture *c)
{
    char buf[8192];

    dup2(c->saved_stderr, STDERR_FILENO);
    close(c->saved_stderr);
    rewind(c->file);
    while (fgets(buf, sizeof buf, c->file) != NULL) {
        json_error_t err;
        size_t len = strlen(buf);

        assert_true(len > 0 && buf[len - 1] == '\n');
        assert_true(c->n < MAX_LINES);
        c->lines[c->n] = json_loads(buf, 0, &err);
        if (c->lines[c->n] == NULL)
            fail_msg("not JSON: %s (%s)", buf, err.text);
        assert_true(json_is_object(c->lines[c->n]));
        c->n++;
    }
    fclose(c->file);
}

static void capture_free(capture *c)
{
    for (size_t i = 0; i < c->n; i++)
        json_decref(c->lines[i]);
}

static const char *field(json_t *line, const char *key)
{
    return json_string_value(json_object_get(line, key));
}

static void core_fields(void **state)
{
    capture c;

    unsetenv("WH_LOG_LEVEL");
    wh_log_init("intake");
    wh_log_set_correlation(NULL);
    capture_start(&c);
    wh_log_error("could not insert referral", "{s:s, s:I}", "sqlstate", "23505", "batch", (json_int_t)7);
    wh_log_info("started", NULL);
    capture_stop(&c);

    assert_int_equal(c.n, 2);
    json_t *l = c.lines[0];
    const char *keys[] = {"ts", "level", "service", "msg", "sqlstate", "batch"};
    size_t i = 0;
    const char *key;
    json_t *value;
    json_object_foreach(l, key, value)
    {
        assert_true(i < 6);
        assert_string_equal(key, keys[i++]);
    }
    assert_int_equal(i, 6);
    assert_string_equal(field(l, "level"), "error");
    assert_string_equal(field(l, "service"), "intake");
    assert_string_equal(field(l, "msg"), "could not insert referral");
    assert_string_equal(field(l, "sqlstate"), "23505");
    assert_int_equal(json_integer_value(json_object_get(l, "batch")), 7);
    assert_null(json_object_get(l, "correlation_id"));

    const char *ts = field(l, "ts");
    assert_int_equal(strlen(ts), 24); /* 2024-05-01T03:04:05.678Z */
    assert_int_equal(ts[4], '-');
    assert_int_equal(ts[10], 'T');
    assert_int_equal(ts[19], '.');
    assert_int_equal(ts[23], 'Z');
    assert_string_equal(field(c.lines[1], "level"), "info");
    capture_free(&c);
}

static void fields_cannot_replace_core(void **state)
{
    capture c;

    wh_log_init("case");
    capture_start(&c);
    wh_log_warn("odd", "{s:s, s:s, s:s}", "level", "debug", "msg", "forged", "service", "other");
    wh_log_warn("bad format", "{s:s", "key", "value");
    capture_stop(&c);
    assert_int_equal(c.n, 2);
    assert_string_equal(field(c.lines[0], "level"), "warn");
    assert_string_equal(field(c.lines[0], "msg"), "odd");
    assert_string_equal(field(c.lines[0], "service"), "case");
    assert_string_equal(field(c.lines[1], "msg"), "bad format");
    assert_non_null(field(c.lines[1], "log_fields_error"));
    capture_free(&c);
}

static void level_filter(void **state)
{
    capture c;

    setenv("WH_LOG_LEVEL", "warn", 1);
    wh_log_init("routing");
    capture_start(&c);
    wh_log_debug("hidden", NULL);
    wh_log_info("hidden", NULL);
    wh_log_warn("shown", NULL);
    wh_log_error("shown", NULL);
    capture_stop(&c);
    assert_int_equal(c.n, 2);
    assert_string_equal(field(c.lines[0], "level"), "warn");
    assert_string_equal(field(c.lines[1], "level"), "error");
    capture_free(&c);

    setenv("WH_LOG_LEVEL", "DEBUG", 1);
    wh_log_init("routing");
    capture_start(&c);
    wh_log_debug("shown", NULL);
    capture_stop(&c);
    assert_int_equal(c.n, 1);
    capture_free(&c);
    unsetenv("WH_LOG_LEVEL");
    wh_log_init("routing");
}

static void *log_without_correlation(void *arg)
{
    wh_log_info("from another thread", NULL);
    return arg;
}

static void correlation_is_per_thread(void **state)
{
    capture c;
    pthread_t t;

    wh_log_init("registry");
    capture_start(&c);
    wh_log_set_correlation("0f8fad5b-d9cb-469f-a165-70867728950e");
    wh_log_info("with id", NULL);
    assert_int_equal(pthread_create(&t, NULL, log_without_correlation, NULL), 0);
    pthread_join(t, NULL);
    wh_log_set_correlation("\xc0\xaf");
    wh_log_info("invalid id dropped", NULL);
    wh_log_set_correlation(NULL);
    wh_log_info("cleared", NULL);
    capture_stop(&c);
    assert_int_equal(c.n, 4);
    assert_string_equal(field(c.lines[0], "correlation_id"), "0f8fad5b-d9cb-469f-a165-70867728950e");
    assert_null(json_object_get(c.lines[1], "correlation_id"));
    assert_null(json_object_get(c.lines[2], "correlation_id"));
    assert_null(json_object_get(c.lines[3], "correlation_id"));
    capture_free(&c);
}

#define THREADS          8
#define LINES_PER_THREAD 400

static void *log_many(void *arg)
{
    char id[32];
    snprintf(id, sizeof id, "thread-%d", (int)(intptr_t)arg);
    wh_log_set_correlation(id);
    for (int i = 0; i < LINES_PER_THREAD; i++)
        wh_log_info("line", "{s:i, s:s}", "i", i, "padding",
                    "a long field so that lines are big enough to tear if written in pieces ..........");
    return NULL;
}

static void threads_never_interleave(void **state)
{
    capture c;
    pthread_t t[THREADS];
    int per_thread[THREADS] = {0};

    wh_log_init("reporting");
    capture_start(&c);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, log_many, (void *)(intptr_t)i), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    capture_stop(&c); /* fails on any line that is not one whole JSON object */
    assert_int_equal(c.n, THREADS * LINES_PER_THREAD);
    for (size_t i = 0; i < c.n; i++) {
        int k;
        assert_int_equal(sscanf(field(c.lines[i], "correlation_id"), "thread-%d", &k), 1);
        assert_true(k >= 0 && k < THREADS);
        per_thread[k]++;
    }
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(per_thread[i], LINES_PER_THREAD);
    capture_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(core_fields),
        cmocka_unit_test(fields_cannot_replace_core),
        cmocka_unit_test(level_filter),
        cmocka_unit_test(correlation_is_per_thread),
        cmocka_unit_test(threads_never_interleave),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

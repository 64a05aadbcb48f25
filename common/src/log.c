/*
 * log.c — JSON-lines logging on stderr.
 *
 * Each line is built as a jansson object (ts, level, service, msg, correlation_id, then the caller's
 * fields, which never replace those five), serialized compactly and written with a single write(2),
 * so lines from several threads never interleave.  The correlation id is thread-local: the bus sets
 * it around each message it dispatches on that thread.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "wh/log.h"
#include "wh/util.h"

#define CORRELATION_MAX 128
#define SERVICE_MAX     64

static const char *const level_names[] = {"debug", "info", "warn", "error"};

static atomic_int min_level = WH_LOG_INFO;
static char service_name[SERVICE_MAX] = "";
static _Thread_local char correlation[CORRELATION_MAX];

static wh_log_level parse_level(const char *s)
{
    for (int i = WH_LOG_DEBUG; i <= WH_LOG_ERROR; i++)
        if (strcasecmp(s, level_names[i]) == 0)
            return (wh_log_level)i;
    if (strcasecmp(s, "warning") == 0)
        return WH_LOG_WARN;
    return WH_LOG_INFO;
}

void wh_log_init(const char *service)
{
    const char *level = getenv("WH_LOG_LEVEL");

    snprintf(service_name, sizeof service_name, "%s", service ? service : "");
    atomic_store(&min_level, level && *level ? parse_level(level) : WH_LOG_INFO);
    if (level && *level && parse_level(level) == WH_LOG_INFO && strcasecmp(level, "info") != 0)
        wh_log(WH_LOG_WARN, "unknown log level, using info", "{s:s}", "setting", "WH_LOG_LEVEL");
}

void wh_log_set_correlation(const char *correlation_id)
{
    /* An id that is not valid UTF-8 cannot go into JSON; it is dropped rather than mangled. */
    if (correlation_id == NULL || !wh_utf8_valid(correlation_id, CORRELATION_MAX - 1))
        correlation[0] = '\0';
    else
        snprintf(correlation, sizeof correlation, "%s", correlation_id);
}

/* ISO-8601 UTC with milliseconds: 2024-05-01T03:04:05.678Z. */
static void format_ts(char out[32])
{
    struct timespec ts;
    struct tm tm;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);

    snprintf(out + n, 32 - n, ".%03uZ", (unsigned)(ts.tv_nsec / 1000000) % 1000u);
}

/* Adds the caller's fields; a bad format is reported in the line itself instead of losing it. */
static void add_fields(json_t *line, const char *fmt, va_list ap)
{
    json_error_t err;
    json_t *fields = json_vpack_ex(&err, 0, fmt, ap);

    if (fields == NULL) {
        json_object_set_new(line, "log_fields_error", json_string(err.text));
        return;
    }
    if (json_is_object(fields))
        json_object_update_missing(line, fields);
    json_decref(fields);
}

static void write_line(const char *text)
{
    size_t len = strlen(text);
    char *buf = malloc(len + 1);
    ssize_t n;

    if (buf == NULL)
        return;
    memcpy(buf, text, len);
    buf[len] = '\n';
    do
        n = write(STDERR_FILENO, buf, len + 1);
    while (n < 0 && errno == EINTR);
    free(buf);
}

void wh_log(wh_log_level level, const char *msg, const char *fields_fmt, ...)
{
    char ts[32];
    json_t *line;
    char *text;

    if ((int)level < atomic_load_explicit(&min_level, memory_order_relaxed))
        return;
    if (level < WH_LOG_DEBUG || level > WH_LOG_ERROR)
        level = WH_LOG_ERROR;
    format_ts(ts);
    line = json_object();
    if (line == NULL)
        return;
    json_object_set_new(line, "ts", json_string(ts));
    json_object_set_new(line, "level", json_string(level_names[level]));
    if (service_name[0] != '\0')
        json_object_set_new(line, "service", json_string(service_name));
    json_object_set_new(line, "msg", json_string(msg ? msg : ""));
    if (correlation[0] != '\0')
        json_object_set_new(line, "correlation_id", json_string(correlation));
    if (fields_fmt != NULL) {
        va_list ap;

        va_start(ap, fields_fmt);
        add_fields(line, fields_fmt, ap);
        va_end(ap);
    }
    text = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    if (text != NULL)
        write_line(text);
    free(text);
}

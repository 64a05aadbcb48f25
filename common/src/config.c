/*
 * config.c — settings from the environment, or from files named by NAME_FILE (compose secrets).
 *
 * Values are copied into a process-lifetime cache, so a returned pointer stays valid even if the
 * environment changes later; asking again for an unchanged setting returns the same copy, so the
 * cache grows only when a value actually changes.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wh/config.h"
#include "wh/log.h"
#include "wh/status.h"

#define FILE_VALUE_MAX (1 << 20) /* a secret or a setting, never more */
#define ENV_NAME_MAX   128

typedef struct cached {
    struct cached *next;
    char *name;
    char *value;
} cached;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cached *cache;

/* Returns a lifetime copy of value for name; takes ownership of value when owned is true. */
static const char *remember(const char *name, char *value, bool owned)
{
    const char *result = NULL;

    pthread_mutex_lock(&cache_lock);
    for (cached *c = cache; c != NULL && result == NULL; c = c->next)
        if (strcmp(c->name, name) == 0 && strcmp(c->value, value) == 0)
            result = c->value;
    if (result == NULL) {
        cached *c = malloc(sizeof *c);

        if (c != NULL && (c->name = strdup(name)) != NULL &&
            (c->value = owned ? value : strdup(value)) != NULL) {
            owned = false;
            c->next = cache;
            cache = c;
            result = c->value;
        } else if (c != NULL) {
            free(c->name);
            free(c);
        }
    }
    pthread_mutex_unlock(&cache_lock);
    if (owned)
        free(value);
    return result;
}

/* Reads a whole small file, trailing newlines removed.  NULL (logged) on failure. */
static char *read_value_file(const char *setting, const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0;

    if (f == NULL) {
        wh_log_error("could not read setting file", "{s:s, s:s, s:s}", "setting", setting, "path", path,
                     "error", strerror(errno));
        return NULL;
    }
    buf = malloc(FILE_VALUE_MAX + 1);
    if (buf != NULL)
        len = fread(buf, 1, FILE_VALUE_MAX + 1, f);
    if (buf == NULL || ferror(f) || len > FILE_VALUE_MAX || memchr(buf, '\0', len) != NULL) {
        wh_log_error("could not read setting file", "{s:s, s:s, s:s}", "setting", setting, "path", path,
                     "error", buf == NULL ? "out of memory" : "unreadable, too large or binary");
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        len--;
    buf[len] = '\0';
    return buf;
}

const char *wh_config_str(const char *name, const char *fallback)
{
    char file_name[ENV_NAME_MAX + 8];
    const char *value = getenv(name), *path;
    char *contents;

    if (value != NULL)
        return remember(name, (char *)value, false);
    snprintf(file_name, sizeof file_name, "%s_FILE", name);
    path = getenv(file_name);
    if (path == NULL)
        return fallback;
    contents = read_value_file(file_name, path);
    if (contents == NULL)
        return fallback;
    return remember(name, contents, true);
}

int wh_config_int(const char *name, int64_t fallback, int64_t min, int64_t max, int64_t *out)
{
    const char *s = wh_config_str(name, NULL);
    char *end;
    long long v;

    if (s == NULL) {
        *out = fallback;
        return 0;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (*s == '\0' || isspace((unsigned char)*s) || *end != '\0' || errno == ERANGE || v < min || v > max) {
        wh_log_error("setting is not a number in range", "{s:s, s:I, s:I}", "setting", name, "min",
                     (json_int_t)min, "max", (json_int_t)max);
        return WH_INVALID_ARGUMENT;
    }
    *out = v;
    return 0;
}

typedef struct service_ports {
    const char *service;
    int bus, hints, http;
} service_ports;

static const service_ports default_ports[] = {
    {"intake", 7101, 7102, 8101},  {"case", 7111, 7112, 8111},      {"registry", 7121, 7122, 8121},
    {"routing", 7131, 7132, 8131}, {"reporting", 7141, 7142, 8141},
};

static const service_ports *ports_of(const char *service)
{
    for (size_t i = 0; i < sizeof default_ports / sizeof default_ports[0]; i++)
        if (strcmp(default_ports[i].service, service) == 0)
            return &default_ports[i];
    return NULL;
}

/* WH_<SERVICE>_<suffix>, the service name upper-cased (other characters become '_'). */
static void env_name(char *out, size_t n, const char *service, const char *suffix)
{
    size_t o = (size_t)snprintf(out, n, "WH_");

    for (const char *c = service; *c != '\0' && o + 1 < n; c++)
        out[o++] = isalnum((unsigned char)*c) ? (char)toupper((unsigned char)*c) : '_';
    out[o] = '\0';
    snprintf(out + o, n - o, "_%s", suffix);
}

static const char *endpoint(const char *service, const char *suffix, bool hints)
{
    char name[ENV_NAME_MAX], fallback[64];
    const service_ports *p = ports_of(service);
    const char *value;

    env_name(name, sizeof name, service, suffix);
    if (p == NULL) {
        value = wh_config_str(name, NULL);
        if (value == NULL)
            wh_log_error("no endpoint for unknown service", "{s:s, s:s}", "service", service, "setting",
                         name);
        return value;
    }
    snprintf(fallback, sizeof fallback, "tcp://127.0.0.1:%d", hints ? p->hints : p->bus);
    value = wh_config_str(name, NULL);
    return value != NULL ? value : remember(name, fallback, false);
}

const char *wh_config_bus_endpoint(const char *service)
{
    return endpoint(service, "BUS", false);
}

const char *wh_config_hints_endpoint(const char *service)
{
    return endpoint(service, "HINTS", true);
}

int wh_config_http_port(const char *service)
{
    const service_ports *p = ports_of(service);
    int64_t port;

    if (wh_config_int("WH_HTTP_PORT", p ? p->http : 0, p ? 1 : 0, 65535, &port) < 0)
        return WH_INVALID_ARGUMENT;
    if (port == 0) {
        wh_log_error("no HTTP port for unknown service", "{s:s, s:s}", "service", service, "setting",
                     "WH_HTTP_PORT");
        return WH_INVALID_ARGUMENT;
    }
    return (int)port;
}

/*
 * http.c — a service's operations endpoint on libmicrohttpd: /healthz, /readyz, /metrics and the
 * service's own exact-path GET routes.
 *
 * The server runs in libmicrohttpd's internal polling thread, so everything it reads from the service
 * is atomic: the last heartbeat (monotonic ms), the ready flag and the metrics.  Routes are fixed
 * before start.  Only GET (and HEAD, which libmicrohttpd answers without the body) is served: another
 * method on a known path gets 405, an unknown path 404.  Connections time out after 10 s and are
 * limited in number, so a slow or hostile client cannot tie the endpoint up.  The thread waits with
 * epoll (MHD_USE_AUTO: poll where there is no epoll), never select: a service holding more than
 * FD_SETSIZE (1,024) descriptors — bus connections, up to WH_MAX_CONNECTIONS — gets its HTTP
 * connections on descriptors above it, which select cannot watch and libmicrohttpd then closes at once
 * (tests/hostile/half_open.py: /metrics with 1,200 connections open).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wh/config.h"
#include "wh/http.h"
#include "wh/log.h"
#include "wh/metrics.h"
#include "wh/status.h"
#include "wh/util.h"

#define HEALTHY_WITHIN_MS  5000
#define CONNECTION_TIMEOUT 10 /* seconds */
#define CONNECTION_LIMIT   64
#define TEXT_PLAIN         "text/plain; charset=utf-8"
#define PROMETHEUS_TEXT    "text/plain; version=0.0.4; charset=utf-8"

typedef struct route {
    char *path;
    wh_http_fn fn;
    void *arg;
} route;

struct wh_http {
    struct MHD_Daemon *daemon;
    unsigned port;
    route *routes;
    size_t n_routes;
    atomic_bool ready;
    _Atomic uint64_t heartbeat_ms; /* monotonic; 0 = never */
};

struct wh_http_request {
    struct MHD_Connection *connection;
    const char *path;
};

static uint64_t mono_ms(void)
{
    return wh_mono_ns() / 1000000u;
}

int wh_http_create(wh_http **out, unsigned port)
{
    wh_http *http;

    *out = NULL;
    if (port == 0 || port > 65535) {
        wh_log_error("invalid HTTP port", "{s:I}", "port", (json_int_t)port);
        return WH_INVALID_ARGUMENT;
    }
    http = calloc(1, sizeof *http);
    if (http == NULL)
        return WH_INTERNAL;
    http->port = port;
    atomic_init(&http->ready, false);
    atomic_init(&http->heartbeat_ms, 0);
    *out = http;
    return 0;
}

int wh_http_route(wh_http *http, const char *path, wh_http_fn fn, void *arg)
{
    route *grown;

    if (http == NULL || path == NULL || path[0] != '/' || fn == NULL || http->daemon != NULL)
        return WH_INVALID_ARGUMENT;
    grown = realloc(http->routes, (http->n_routes + 1) * sizeof *grown);
    if (grown == NULL)
        return WH_INTERNAL;
    http->routes = grown;
    grown[http->n_routes].path = strdup(path);
    if (grown[http->n_routes].path == NULL)
        return WH_INTERNAL;
    grown[http->n_routes].fn = fn;
    grown[http->n_routes].arg = arg;
    http->n_routes++;
    return 0;
}

void wh_http_set_ready(wh_http *http, bool ready)
{
    if (http != NULL)
        atomic_store(&http->ready, ready);
}

void wh_http_heartbeat(wh_http *http)
{
    if (http != NULL)
        atomic_store_explicit(&http->heartbeat_ms, mono_ms(), memory_order_relaxed);
}

const char *wh_http_arg(const wh_http_request *req, const char *key)
{
    return req && key ? MHD_lookup_connection_value(req->connection, MHD_GET_ARGUMENT_KIND, key) : NULL;
}

const char *wh_http_path(const wh_http_request *req)
{
    return req ? req->path : NULL;
}

/* --- the built-in routes --------------------------------------------------------------------- */

static void set_text(wh_http_response *resp, int status, const char *text)
{
    resp->status = status;
    resp->body = strdup(text);
    resp->len = resp->body ? strlen(resp->body) : 0;
}

static void serve_healthz(void *arg, const wh_http_request *req, wh_http_response *resp)
{
    wh_http *http = arg;
    uint64_t last = atomic_load_explicit(&http->heartbeat_ms, memory_order_relaxed);
    bool alive = last != 0 && mono_ms() - last <= HEALTHY_WITHIN_MS;

    set_text(resp, alive ? 200 : 503, alive ? "ok\n" : "event loop has not ticked in the last 5 s\n");
}

static void serve_readyz(void *arg, const wh_http_request *req, wh_http_response *resp)
{
    wh_http *http = arg;
    bool ready = atomic_load(&http->ready);

    set_text(resp, ready ? 200 : 503, ready ? "ready\n" : "not ready\n");
}

static void serve_metrics(void *arg, const wh_http_request *req, wh_http_response *resp)
{
    if (wh_metrics_render(&resp->body, &resp->len) != 0) {
        set_text(resp, 500, "could not render metrics\n");
        return;
    }
    resp->content_type = PROMETHEUS_TEXT;
}

static const route builtin[] = {
    {"/healthz", serve_healthz, NULL},
    {"/readyz", serve_readyz, NULL},
    {"/metrics", serve_metrics, NULL},
};

/* --- dispatch -------------------------------------------------------------------------------- */

static const route *find_route(const wh_http *http, const char *path, void **arg)
{
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
        if (strcmp(builtin[i].path, path) == 0) {
            *arg = (void *)http;
            return &builtin[i];
        }
    for (size_t i = 0; i < http->n_routes; i++)
        if (strcmp(http->routes[i].path, path) == 0) {
            *arg = http->routes[i].arg;
            return &http->routes[i];
        }
    return NULL;
}

static enum MHD_Result send_response(struct MHD_Connection *c, wh_http_response *resp, bool allow_header)
{
    struct MHD_Response *r;
    enum MHD_Result ok;

    if (resp->body != NULL)
        r = MHD_create_response_from_buffer(resp->len, resp->body, MHD_RESPMEM_MUST_FREE);
    else
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (r == NULL) {
        free(resp->body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            resp->content_type ? resp->content_type : TEXT_PLAIN);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (allow_header)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    ok = MHD_queue_response(c, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    wh_http *http = cls;
    wh_http_request req = {connection, url};
    wh_http_response resp = {.status = 200};
    void *arg = NULL;
    const route *rt = find_route(http, url, &arg);
    bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;

    if (rt == NULL) {
        set_text(&resp, 404, "not found\n");
        return send_response(connection, &resp, false);
    }
    if (!get) {
        set_text(&resp, 405, "method not allowed\n");
        return send_response(connection, &resp, true);
    }
    rt->fn(arg, &req, &resp);
    if (resp.status < 100 || resp.status > 599) {
        free(resp.body);
        resp = (wh_http_response){0};
        set_text(&resp, 500, "internal error\n");
    }
    return send_response(connection, &resp, false);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char text[512];
    size_t n;

    vsnprintf(text, sizeof text, fmt, ap);
    n = strlen(text);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        text[--n] = '\0';
    wh_log_warn("http server message", "{s:s}", "detail", text);
}

/* --- lifecycle ------------------------------------------------------------------------------- */

/* WH_HTTP_BIND (an IPv4 or IPv6 address; default 0.0.0.0) with the port, into addr. */
static int bind_address(const wh_http *http, struct sockaddr_storage *addr, bool *ipv6)
{
    const char *bind = wh_config_str("WH_HTTP_BIND", "0.0.0.0");
    struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;

    memset(addr, 0, sizeof *addr);
    *ipv6 = false;
    if (inet_pton(AF_INET, bind, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)http->port);
        return 0;
    }
    if (inet_pton(AF_INET6, bind, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)http->port);
        *ipv6 = true;
        return 0;
    }
    wh_log_error("WH_HTTP_BIND is not an IP address", "{s:s}", "setting", "WH_HTTP_BIND");
    return WH_INVALID_ARGUMENT;
}

int wh_http_start(wh_http *http)
{
    struct sockaddr_storage addr;
    bool ipv6;
    int rc;

    if (http == NULL || http->daemon != NULL)
        return WH_INVALID_ARGUMENT;
    rc = bind_address(http, &addr, &ipv6);
    if (rc != 0)
        return rc;
    http->daemon = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | (ipv6 ? MHD_USE_IPv6 : 0), (uint16_t)http->port,
        NULL, NULL, on_request, http, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT, MHD_OPTION_END);
    if (http->daemon == NULL) {
        wh_log_error("could not start the HTTP server", "{s:I, s:s}", "port", (json_int_t)http->port, "error",
                     strerror(errno));
        return WH_UNAVAILABLE;
    }
    wh_log_info("http listening", "{s:I}", "port", (json_int_t)http->port);
    return 0;
}

void wh_http_destroy(wh_http **http)
{
    if (http == NULL || *http == NULL)
        return;
    if ((*http)->daemon != NULL)
        MHD_stop_daemon((*http)->daemon);
    for (size_t i = 0; i < (*http)->n_routes; i++)
        free((*http)->routes[i].path);
    free((*http)->routes);
    free(*http);
    *http = NULL;
}

/*
 * wh/http.h — the operations endpoint of a service: /healthz, /readyz, /metrics, and extra routes.
 *
 * Runs libmicrohttpd in its own thread, so handlers must be thread-safe: they may read metrics and
 * atomics, and a handler that needs the database opens its own connection.  /healthz answers 200
 * while the service's event loop has ticked in the last few seconds; /readyz answers 200 once the
 * service has set itself ready (database connected, migrations applied, sockets bound) and 503 while
 * it is not; /metrics renders wh/metrics.h.
 */
#ifndef WH_HTTP_H
#define WH_HTTP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct wh_http wh_http;
typedef struct wh_http_request wh_http_request;

typedef struct wh_http_response {
    int status;               /* default 200 */
    const char *content_type; /* default "text/plain; charset=utf-8" */
    char *body;               /* malloc()ed; the server frees it */
    size_t len;
} wh_http_response;

typedef void (*wh_http_fn)(void *arg, const wh_http_request *req, wh_http_response *resp);

/* Creates the server (not listening yet).  0 or a negative status. */
int wh_http_create(wh_http **out, unsigned port);

/* Adds a GET route for an exact path.  Call before wh_http_start(). */
int wh_http_route(wh_http *http, const char *path, wh_http_fn fn, void *arg);

/* Starts listening on 0.0.0.0:port (or WH_HTTP_BIND's address).  0 or WH_UNAVAILABLE. */
int wh_http_start(wh_http *http);

/* Stops the server and frees it; sets *http to NULL.  NULL-safe. */
void wh_http_destroy(wh_http **http);

/* Readiness and liveness, set by the service. */
void wh_http_set_ready(wh_http *http, bool ready);
void wh_http_heartbeat(wh_http *http); /* called from the event loop's timer */

/* The value of a query-string argument, or NULL. */
const char *wh_http_arg(const wh_http_request *req, const char *key);
const char *wh_http_path(const wh_http_request *req);

#endif

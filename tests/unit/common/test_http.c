/*
 * test_http.c — the operations endpoint over a real socket on a free high port: /healthz follows the
 * heartbeat (503 before any and after 5 s without one), /readyz follows wh_http_set_ready, /metrics
 * renders the registry, extra routes get their query arguments and set status and type, HEAD works,
 * other paths get 404 and other methods 405; WH_HTTP_BIND, a port in use and bad arguments.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "wh/http.h"
#include "wh/log.h"
#include "wh/metrics.h"
#include "wh/status.h"

typedef struct reply {
    int status;
    char head[2048];
    char body[65536];
} reply;

static unsigned port;
static wh_http *http;

/* A port the kernel just had free. */
static unsigned free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int s = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(s >= 0);
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
    close(s);
    return ntohs(a.sin_port);
}

/* Sends one HTTP/1.0 request and reads the whole answer. */
static void request(const char *method, const char *target, reply *out)
{
    struct sockaddr_in a = {
        .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    char raw[sizeof out->head + sizeof out->body], req[512];
    size_t got = 0;
    ssize_t n;
    int s = socket(AF_INET, SOCK_STREAM, 0);

    memset(out, 0, sizeof *out);
    assert_true(s >= 0);
    assert_int_equal(connect(s, (struct sockaddr *)&a, sizeof a), 0);
    snprintf(req, sizeof req, "%s %s HTTP/1.0\r\nHost: localhost\r\n\r\n", method, target);
    assert_int_equal(write(s, req, strlen(req)), (ssize_t)strlen(req));
    while (got < sizeof raw - 1 && (n = read(s, raw + got, sizeof raw - 1 - got)) > 0)
        got += (size_t)n;
    close(s);
    raw[got] = '\0';
    assert_int_equal(sscanf(raw, "HTTP/1.%*d %d", &out->status), 1);
    char *split = strstr(raw, "\r\n\r\n");
    assert_non_null(split);
    *split = '\0';
    assert_true(strlen(raw) < sizeof out->head && strlen(split + 4) < sizeof out->body);
    memcpy(out->head, raw, strlen(raw) + 1);
    memcpy(out->body, split + 4, strlen(split + 4) + 1);
}

static void echo(void *arg, const wh_http_request *req, wh_http_response *resp)
{
    const char *name = wh_http_arg(req, "name");
    char text[256];

    snprintf(text, sizeof text, "%s %s %s", (const char *)arg, wh_http_path(req), name ? name : "(none)");
    resp->body = strdup(text);
    resp->len = strlen(text);
}

static void created_json(void *arg, const wh_http_request *req, wh_http_response *resp)
{
    resp->status = 201;
    resp->content_type = "application/json";
    resp->body = strdup("{\"ok\":true}");
    resp->len = strlen(resp->body);
}

static void no_body(void *arg, const wh_http_request *req, wh_http_response *resp)
{
    resp->status = 204;
}

static int setup(void **state)
{
    wh_log_init("test_http");
    setenv("WH_HTTP_BIND", "127.0.0.1", 1);
    port = free_port();
    if (wh_http_create(&http, port) != 0 || wh_http_route(http, "/echo", echo, "echo") != 0 ||
        wh_http_route(http, "/created", created_json, NULL) != 0 ||
        wh_http_route(http, "/empty", no_body, NULL) != 0)
        return -1;
    wh_counter_add(wh_metrics_counter("t_http_hits_total", "route=\"x\"", "Hits"), 42);
    return wh_http_start(http);
}

static int teardown(void **state)
{
    wh_http_destroy(&http);
    return http == NULL ? 0 : -1;
}

static void healthz_follows_heartbeat(void **state)
{
    reply r;

    request("GET", "/healthz", &r);
    assert_int_equal(r.status, 503); /* the loop has never ticked */
    wh_http_heartbeat(http);
    request("GET", "/healthz", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "ok\n");
    assert_non_null(strstr(r.head, "Content-Type: text/plain; charset=utf-8"));
}

static void readyz_follows_flag(void **state)
{
    reply r;

    request("GET", "/readyz", &r);
    assert_int_equal(r.status, 503);
    wh_http_set_ready(http, true);
    request("GET", "/readyz", &r);
    assert_int_equal(r.status, 200);
    wh_http_set_ready(http, false);
    request("GET", "/readyz", &r);
    assert_int_equal(r.status, 503);
}

static void metrics_rendered(void **state)
{
    reply r;

    request("GET", "/metrics", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.head, "Content-Type: text/plain; version=0.0.4"));
    assert_non_null(strstr(r.body, "# TYPE t_http_hits_total counter\nt_http_hits_total{route=\"x\"} 42\n"));
}

static void extra_routes(void **state)
{
    reply r;

    request("GET", "/echo?name=%EC%88%98%EC%98%81&other=1", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "echo /echo 수영");
    request("GET", "/echo", &r);
    assert_string_equal(r.body, "echo /echo (none)");
    request("GET", "/created", &r);
    assert_int_equal(r.status, 201);
    assert_non_null(strstr(r.head, "Content-Type: application/json"));
    assert_string_equal(r.body, "{\"ok\":true}");
    request("GET", "/empty", &r);
    assert_int_equal(r.status, 204);
    assert_string_equal(r.body, "");
    request("HEAD", "/echo?name=x", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "");
}

static void not_found_and_not_allowed(void **state)
{
    reply r;

    request("GET", "/nope", &r);
    assert_int_equal(r.status, 404);
    request("GET", "/echo/", &r); /* exact paths only */
    assert_int_equal(r.status, 404);
    request("GET", "/", &r);
    assert_int_equal(r.status, 404);
    request("POST", "/healthz", &r);
    assert_int_equal(r.status, 405);
    assert_non_null(strstr(r.head, "Allow: GET, HEAD"));
    request("DELETE", "/echo", &r);
    assert_int_equal(r.status, 405);
}

static void bad_arguments(void **state)
{
    wh_http *other = (wh_http *)&other;

    assert_int_equal(wh_http_create(&other, 0), WH_INVALID_ARGUMENT);
    assert_null(other);
    assert_int_equal(wh_http_create(&other, 70000), WH_INVALID_ARGUMENT);
    assert_int_equal(wh_http_route(http, "/late", echo, NULL), WH_INVALID_ARGUMENT); /* after start */
    assert_int_equal(wh_http_create(&other, port), 0);
    assert_int_equal(wh_http_route(other, "relative", echo, NULL), WH_INVALID_ARGUMENT);
    assert_int_equal(wh_http_start(other), WH_UNAVAILABLE); /* the port is taken */
    wh_http_destroy(&other);
    assert_int_equal(wh_http_create(&other, free_port()), 0);
    setenv("WH_HTTP_BIND", "not-an-address", 1);
    assert_int_equal(wh_http_start(other), WH_INVALID_ARGUMENT);
    setenv("WH_HTTP_BIND", "127.0.0.1", 1);
    wh_http_destroy(&other);
    wh_http_destroy(&other); /* NULL-safe */
    wh_http_set_ready(NULL, true);
    wh_http_heartbeat(NULL);
}

static void healthz_goes_stale(void **state)
{
    reply r;

    wh_http_heartbeat(http);
    request("GET", "/healthz", &r);
    assert_int_equal(r.status, 200);
    sleep(6);
    request("GET", "/healthz", &r);
    assert_int_equal(r.status, 503);
    wh_http_heartbeat(http);
    request("GET", "/healthz", &r);
    assert_int_equal(r.status, 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(healthz_follows_heartbeat), cmocka_unit_test(readyz_follows_flag),
        cmocka_unit_test(metrics_rendered),          cmocka_unit_test(extra_routes),
        cmocka_unit_test(not_found_and_not_allowed), cmocka_unit_test(bad_arguments),
        cmocka_unit_test(healthz_goes_stale),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

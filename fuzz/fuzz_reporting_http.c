/*
 * fuzz_reporting_http.c — the HTTP endpoints as a browser or a scraper reaches them: a real
 * libmicrohttpd server (common/src/http.c) with reporting's /api/kpi and /dashboard routes
 * (services/reporting/http.c) on 127.0.0.1, asked over TCP for the path and query the input gives.
 *
 * The first byte picks the path (/api/kpi, /dashboard, /metrics, or the input as the path); the rest
 * is the query string, sent as is except bytes that would end the request line (percent-encoded),
 * so arbitrary decoded bytes — invalid UTF-8, NULs, huge numbers — reach the argument parsing.  The
 * database is offline (offline_db.c): a valid selection is answered 503, a bad one 400 naming its
 * argument, never a 500 or a dropped connection.  A valid selection is also rendered as JSON and
 * HTML (render_json.c, render_html.c) the way a reachable database would have it rendered.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bus_internal.h"
#include "fuzz.h"
#include "reporting.h"
#include "wh/util.h"

#define REQUEST_MAX  (64 * 1024)
#define RESPONSE_MAX (1024 * 1024)

static wh_service svc;
static unsigned port;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    setenv("WH_HTTP_BIND", "127.0.0.1", 1);
    svc.def = reporting_service_def();
    svc.db = fuzz_offline_db();
    for (int attempt = 0; attempt < 50; attempt++) {
        unsigned p = 20000 + (unsigned)((getpid() * 7 + attempt * 131) % 30000);
        if (wh_http_create(&svc.http, p) != 0)
            continue;
        if (reporting_http_start(&svc) == 0 && wh_http_start(svc.http) == 0) {
            port = p;
            return 0;
        }
        wh_http_destroy(&svc.http);
    }
    fuzz_fail("could not start the HTTP server on a free port", "127.0.0.1", 0);
}

/* The request line and headers; bytes that would break the line are percent-encoded. */
static size_t build_request(char *out, size_t cap, const char *path, const uint8_t *q, size_t n)
{
    size_t len = (size_t)snprintf(out, cap, "GET %s%s", path, n ? "?" : "");
    for (size_t i = 0; i < n && len + 8 < cap; i++) {
        uint8_t c = q[i];
        if (c <= ' ' || c == 0x7f || c == '#')
            len += (size_t)snprintf(out + len, cap - len, "%%%02X", c);
        else
            out[len++] = (char)c;
    }
    len += (size_t)snprintf(out + len, cap - len, " HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n");
    return len < cap ? len : cap - 1;
}

/* Sends the request and reads the whole response; the HTTP status, or 0 when there was none. */
static int exchange(const char *request, size_t len, char *response, size_t cap)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0), status = 0;
    size_t got = 0;

    /* Closed with a reset, so tens of thousands of requests do not use up the ports in TIME_WAIT. */
    struct linger reset = {.l_onoff = 1, .l_linger = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset) != 0)
        fuzz_fail("could not make a socket", "127.0.0.1", (int)port);
    int tries = 0;
    while (connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
        if (++tries == 100)
            fuzz_fail("could not connect to the HTTP server", "127.0.0.1", (int)port);
        else
            usleep(10000);
    if (write(fd, request, len) != (ssize_t)len)
        fuzz_fail("could not send the request", "", 0);
    for (ssize_t r; got + 1 < cap && (r = read(fd, response + got, cap - 1 - got)) > 0;)
        got += (size_t)r;
    close(fd);
    response[got] = '\0';
    if (sscanf(response, "HTTP/1.%*d %d", &status) != 1)
        return 0;
    return status;
}

static void check_api_answer(int status, const char *response)
{
    if (status != 400 && status != 503)
        fuzz_fail("/api/kpi answered a status other than 400 or 503 with the database away", "", status);
    if (status == 400 && !strstr(response, "\"field\":\"dongs\"") &&
        !strstr(response, "\"field\":\"from\"") && !strstr(response, "\"field\":\"to\""))
        fuzz_fail("a 400 from /api/kpi does not name dongs, from or to", "", status);
}

/* The raw value of key in a query string (not decoded), copied into out. */
static const char *raw_arg(const char *query, const char *key, char *out, size_t cap)
{
    size_t k = strlen(key);
    for (const char *p = query; p && *p; p = strchr(p, '&'), p = p ? p + 1 : NULL)
        if (strncmp(p, key, k) == 0 && p[k] == '=') {
            size_t n = strcspn(p + k + 1, "&");
            snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), p + k + 1);
            return out;
        }
    return NULL;
}

/* A selection the service would accept, rendered with an empty (all-zero) report. */
static void render_selection(const char *query)
{
    static char dongs[REPORTING_SELECT_MAX * (REPORTING_DONG_MAX + 1)], copy[sizeof dongs];
    char from[32], to[32];
    char *codes[REPORTING_SELECT_MAX];
    size_t n = 0;
    const char *field = "", *why = "";
    const char *d = raw_arg(query, "dongs", dongs, sizeof dongs);

    if (!raw_arg(query, "from", from, sizeof from) || !raw_arg(query, "to", to, sizeof to))
        return;
    if (reporting_parse_dongs(d, copy, sizeof copy, codes, REPORTING_SELECT_MAX, &n) != 0)
        return;
    reporting_selection s = {codes, n, from, to};
    if (reporting_selection_check(&s, &field, &why) != 0) {
        if (!field || !*field || !why || !*why)
            fuzz_fail("a refused selection without its field and reason", "", 0);
        return;
    }
    reporting_report r;
    if (reporting_report_init(&r, &s) != 0)
        return;
    reporting_report_finish(&r);
    char *json = reporting_render_json(&r), *html = reporting_render_html(&r, d);
    if (!json || !html || !wh_utf8_valid(json, strlen(json) + 1) || !wh_utf8_valid(html, strlen(html) + 1))
        fuzz_fail("a rendered report is missing or not valid UTF-8", "", 0);
    free(json);
    free(html);
    reporting_report_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"/api/kpi", "/dashboard", "/metrics"};
    static char request[REQUEST_MAX], response[RESPONSE_MAX], path[256];

    if (size < 1 || size > REQUEST_MAX / 4)
        return 0;
    int which = data[0] % 4;
    if (which < 3) {
        snprintf(path, sizeof path, "%s", paths[which]);
    } else {
        size_t n = 0;
        while (n + 1 < size && n < sizeof path - 2 && data[1 + n] > ' ' && data[1 + n] != '?' &&
               data[1 + n] != '#' && data[1 + n] != 0x7f)
            n++;
        snprintf(path, sizeof path, "/%.*s", (int)n, (const char *)data + 1);
    }
    size_t len = build_request(request, sizeof request, path, data + 1, which < 3 ? size - 1 : 0);
    /* A connection the server had no room for (its limit of concurrent connections, while it is
     * still reaping the reset ones on a busy machine) is closed unanswered: ask again before
     * calling it a failure. */
    int status = 0;
    for (int attempt = 0; attempt < 5 && status == 0; attempt++) {
        if (attempt > 0)
            usleep(20000);
        status = exchange(request, len, response, sizeof response);
    }
    if (status == 0 || status == 500)
        fuzz_fail("no HTTP answer, or a 500", path, status);
    if (which == 0)
        check_api_answer(status, response);
    if (which == 1 && status != 400 && status != 503)
        fuzz_fail("/dashboard answered a status other than 400 or 503 with the database away", "", status);
    if (which < 2) {
        char *query = strndup((const char *)data + 1, size - 1);
        if (query)
            render_selection(query);
        free(query);
    }
    return 0;
}

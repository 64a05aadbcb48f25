/*
 * connect.c — opening and closing a whclient connection: options from the environment, keys from the
 * allow-list and the secret key file, and the CURVE DEALER socket itself.
 *
 * The socket is disposable: after a timeout whc_reconnect() throws it away and makes a new one, the
 * "lazy pirate" way, because a DEALER that lost its peer may hold stale replies and queued frames.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "wh/access.h"
#include "wh/config.h"
#include "wh/log.h"
#include "wh/status.h"
#include "whc_internal.h"

#define WHC_DEFAULT_TIMEOUT_MS 5000
#define WHC_DEFAULT_RETRIES    2

static int env_int(const char *name, int fallback)
{
    const char *s = getenv(name);
    char *end = NULL;
    long v;

    if (s == NULL || *s == '\0')
        return fallback;
    v = strtol(s, &end, 10);
    if (*end != '\0' || v < 0 || v > 3600 * 1000)
        return fallback;
    return (int)v;
}

whc_options whc_options_from_env(void)
{
    whc_options o = {0};

    o.allowlist_path = wh_config_str("WH_ALLOWLIST_FILE", NULL);
    o.secret_key_path = wh_config_str("WH_SECRET_KEY_FILE", NULL);
    o.endpoint = NULL;
    o.timeout_ms = env_int("WH_TIMEOUT_MS", WHC_DEFAULT_TIMEOUT_MS);
    o.retries = env_int("WH_RETRIES", WHC_DEFAULT_RETRIES);
    return o;
}

static int load_server_key(whc *c, const char *allowlist_path)
{
    wh_access *access = NULL;
    const wh_principal *p;
    int rc;

    if (allowlist_path == NULL) {
        wh_log_error("no allow-list", "{s:s}", "hint", "set WH_ALLOWLIST_FILE");
        return WH_INVALID_ARGUMENT;
    }
    rc = wh_access_load(&access, allowlist_path);
    if (rc != 0)
        return rc;
    p = wh_access_by_name(access, c->service);
    if (p == NULL) {
        wh_log_error("service not in allow-list", "{s:s, s:s}", "service", c->service, "path",
                     allowlist_path);
        rc = WH_NOT_FOUND;
    } else {
        snprintf(c->server_key, sizeof c->server_key, "%s", p->public_key);
    }
    wh_access_destroy(&access);
    return rc;
}

static int set_key(void *sock, int option, const char *z85)
{
    return zmq_setsockopt(sock, option, z85, WH_Z85_KEY_LEN + 1);
}

int whc_reconnect(whc *c)
{
    int zero = 0;

    if (c->sock != NULL)
        zmq_close(c->sock);
    c->sock = zmq_socket(c->zctx, ZMQ_DEALER);
    if (c->sock == NULL)
        goto fail;
    /* a send must never block for good when the service is away: the try times out instead */
    if (zmq_setsockopt(c->sock, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        zmq_setsockopt(c->sock, ZMQ_SNDTIMEO, &c->timeout_ms, sizeof c->timeout_ms) != 0 ||
        set_key(c->sock, ZMQ_CURVE_SERVERKEY, c->server_key) != 0 ||
        set_key(c->sock, ZMQ_CURVE_PUBLICKEY, c->public_key) != 0 ||
        set_key(c->sock, ZMQ_CURVE_SECRETKEY, c->secret_key) != 0)
        goto fail;
    if (zmq_connect(c->sock, c->endpoint) != 0)
        goto fail;
    return 0;
fail:
    wh_log_error("could not connect", "{s:s, s:s, s:s}", "service", c->service, "endpoint", c->endpoint,
                 "error", zmq_strerror(zmq_errno()));
    return WH_UNAVAILABLE;
}

int whc_open(whc **out, const char *service, const whc_options *opt)
{
    whc *c = NULL;
    whc_options defaults = whc_options_from_env();
    int rc;

    *out = NULL;
    if (opt == NULL)
        opt = &defaults;
    c = calloc(1, sizeof *c);
    if (c == NULL)
        return WH_INTERNAL;
    snprintf(c->service, sizeof c->service, "%s", service);
    snprintf(c->endpoint, sizeof c->endpoint, "%s",
             opt->endpoint != NULL ? opt->endpoint : wh_config_bus_endpoint(service));
    c->timeout_ms = opt->timeout_ms > 0 ? opt->timeout_ms : WHC_DEFAULT_TIMEOUT_MS;
    c->retries = opt->retries >= 0 ? opt->retries : WHC_DEFAULT_RETRIES;
    rc = load_server_key(c, opt->allowlist_path);
    if (rc != 0)
        goto fail;
    if (opt->secret_key_path == NULL) {
        wh_log_error("no client key", "{s:s}", "hint", "set WH_SECRET_KEY_FILE");
        rc = WH_INVALID_ARGUMENT;
        goto fail;
    }
    rc = wh_keys_load_secret(opt->secret_key_path, c->secret_key, c->public_key);
    if (rc != 0)
        goto fail;
    c->zctx = zmq_ctx_new();
    rc = c->zctx != NULL ? whc_reconnect(c) : WH_INTERNAL;
    if (rc != 0)
        goto fail;
    *out = c;
    return 0;
fail:
    whc_close(&c);
    return rc;
}

void whc_close(whc **cp)
{
    whc *c = cp != NULL ? *cp : NULL;

    if (c == NULL)
        return;
    if (c->sock != NULL)
        zmq_close(c->sock);
    if (c->zctx != NULL)
        zmq_ctx_term(c->zctx);
    /* The secret key does not outlive the connection in memory we hand back to malloc. */
    memset(c->secret_key, 0, sizeof c->secret_key);
    free(c);
    *cp = NULL;
}

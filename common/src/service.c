/*
 * service.c — a service's life: environment → log → database and migrations → keys and allow-list →
 * the service's start → HTTP → ZAP, command and hint sockets, consumers → the loop → orderly shutdown
 * on SIGINT/SIGTERM.
 *
 * Settings (environment; see each service's README for its own):
 *   WH_DB_URL, WH_DB_PASSWORD[_FILE]   the service's connection (its role may touch only its schema)
 *   WH_SECRET_KEY_FILE                 this service's CURVE secret key
 *   WH_ALLOWLIST_FILE                  principals, their roles, keys and grants (wh/access.h)
 *   WH_BUS_BIND, WH_HINTS_BIND         where to bind (default: this service's WH_<NAME>_BUS/_HINTS)
 *   WH_BATCH_MAX                       commands per transaction (default 256)
 *   WH_BATCH_MAX_BYTES                 and their bytes: no more join past it (default 256 KiB)
 *   WH_MAX_FRAME_BYTES                 largest command accepted (default 1 MiB; larger: TOO_LARGE)
 *   WH_FETCH_MAX                       events per FetchEvents reply (default 2000)
 *   WH_FETCH_MAX_BYTES                 and their bytes at most (default 256 KiB; at least one event)
 *   WH_FETCH_START_BYTES               a connection's first replies' bytes, doubled while it reads
 *                                      (default 16 KiB; fetch_pace.c)
 *   WH_FETCH_LIVENESS_MS               an idle subscribed stream's fetch without hints (default 15000)
 *   WH_MAX_CONNECTIONS_PER_KEY         connections served at once per client key (default 32)
 *   WH_IDLE_CONNECTION_SECONDS         a connection that sent nothing this long is closed (default 30)
 *   WH_MAX_CONNECTIONS                 connections on the command socket, every key and none (default 384)
 *   WH_MAX_HINT_CONNECTIONS            connections on the hint socket; a service's never refused (64)
 *   WH_HANDSHAKE_SECONDS               a CURVE handshake not completed this long is closed (default 10)
 *   WH_DB_START_TIMEOUT                seconds to wait for PostgreSQL at start (default 60)
 *   WH_COMMAND_RETENTION_DAYS          how long a command's reply is kept for retries (default 30)
 *   WH_HTTP_PORT, WH_HTTP_BIND         the operations endpoint
 */
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zmq.h>

#include <jansson.h>

#include "bus_internal.h"
#include "wh/config.h"
#include "wh/log.h"
#include "wh/util.h"

static int usage(const wh_service_def *def, FILE *to)
{
    fprintf(to,
            "usage: welfare-%s\n"
            "Runs the %s service until SIGINT or SIGTERM.  Configured by the environment:\n"
            "  WH_DB_URL, WH_DB_PASSWORD[_FILE], WH_SECRET_KEY_FILE, WH_ALLOWLIST_FILE,\n"
            "  WH_BUS_BIND, WH_HINTS_BIND, WH_<SERVICE>_BUS, WH_<SERVICE>_HINTS, WH_HTTP_PORT,\n"
            "  WH_BATCH_MAX, WH_BATCH_MAX_BYTES, WH_MAX_FRAME_BYTES, WH_FETCH_MAX, WH_FETCH_MAX_BYTES, "
            "WH_FETCH_START_BYTES, WH_FETCH_LIVENESS_MS, "
            "WH_MAX_CONNECTIONS_PER_KEY,\n  WH_IDLE_CONNECTION_SECONDS, WH_MAX_CONNECTIONS, "
            "WH_MAX_HINT_CONNECTIONS, WH_HANDSHAKE_SECONDS, "
            "WH_DB_START_TIMEOUT, WH_COMMAND_RETENTION_DAYS, WH_LOG_LEVEL.\n"
            "See services/%s/README.md.\n",
            def->name, def->name, def->name);
    return to == stdout ? 0 : 2;
}

static int read_settings(wh_service *svc)
{
    if (wh_config_int("WH_BATCH_MAX", WH_BATCH_MAX_DEFAULT, 1, 10000, &svc->batch_max) != 0 ||
        wh_config_int("WH_BATCH_MAX_BYTES", WH_BATCH_MAX_BYTES_DEFAULT, 1024, WH_HARD_FRAME_LIMIT,
                      &svc->batch_max_bytes) != 0 ||
        wh_config_int("WH_MAX_FRAME_BYTES", WH_MAX_FRAME_DEFAULT, 1024, WH_HARD_FRAME_LIMIT,
                      &svc->max_frame) != 0 ||
        wh_config_int("WH_FETCH_MAX", WH_FETCH_MAX_DEFAULT, 1, 10000, &svc->fetch_max) != 0 ||
        wh_config_int("WH_FETCH_MAX_BYTES", WH_FETCH_MAX_BYTES_DEFAULT, 16 * 1024, 8 * 1024 * 1024,
                      &svc->fetch_max_bytes) != 0 ||
        wh_config_int("WH_FETCH_START_BYTES", WH_FETCH_START_BYTES_DEFAULT, 1024, 8 * 1024 * 1024,
                      &svc->fetch_start_bytes) != 0 ||
        wh_config_int("WH_FETCH_LIVENESS_MS", WH_FETCH_LIVENESS_DEFAULT_MS, 1000, 300000,
                      &svc->liveness_ms) != 0 ||
        wh_config_int("WH_MAX_CONNECTIONS_PER_KEY", WH_MAX_CONNECTIONS_PER_KEY_DEFAULT, 1, 100000,
                      &svc->max_conns_per_key) != 0 ||
        wh_config_int("WH_IDLE_CONNECTION_SECONDS", WH_IDLE_CONNECTION_DEFAULT_S, 1, 86400,
                      &svc->idle_conn_s) != 0 ||
        wh_config_int("WH_MAX_CONNECTIONS", WH_MAX_CONNECTIONS_DEFAULT, 16, 60000, &svc->max_conns) != 0 ||
        wh_config_int("WH_MAX_HINT_CONNECTIONS", WH_MAX_HINT_CONNECTIONS_DEFAULT, 1, 60000,
                      &svc->max_hint_conns) != 0 ||
        wh_config_int("WH_MAX_HANDSHAKES_PER_ADDRESS", WH_WAITING_PER_ADDRESS_DEFAULT, 1, 60000,
                      &svc->waiting_per_addr) != 0 ||
        wh_config_int("WH_HANDSHAKE_SECONDS", WH_HANDSHAKE_DEFAULT_S, 1, 300, &svc->handshake_s) != 0)
        return WH_INVALID_ARGUMENT;
    return 0;
}

/* The database may still be starting (compose, a reboot): wait for it, but not forever. */
static int open_database(wh_service *svc)
{
    int64_t timeout;
    int rc;

    if (wh_config_int("WH_DB_START_TIMEOUT", 60, 0, 3600, &timeout) != 0)
        return WH_INVALID_ARGUMENT;
    for (int64_t waited = 0;; waited++) {
        rc = wh_service_db_open(svc);
        if (rc != WH_UNAVAILABLE || waited >= timeout)
            return rc;
        if (waited == 0)
            wh_log_warn("database not reachable yet; waiting", "{s:I}", "timeout_s", (json_int_t)timeout);
        wh_db_close(&svc->db);
        free(svc->db_conninfo);
        svc->db_conninfo = NULL;
        sleep(1);
    }
}

static int load_keys(wh_service *svc)
{
    const char *allow = wh_config_str("WH_ALLOWLIST_FILE", NULL);
    const char *secret = wh_config_str("WH_SECRET_KEY_FILE", NULL);
    const wh_principal *self;

    if (allow == NULL || secret == NULL) {
        wh_log_error("WH_ALLOWLIST_FILE and WH_SECRET_KEY_FILE must be set", NULL);
        return WH_INVALID_ARGUMENT;
    }
    if (wh_access_load(&svc->access, allow) != 0 ||
        wh_keys_load_secret(secret, svc->secret_key, svc->public_key) != 0)
        return WH_INVALID_ARGUMENT;
    snprintf(svc->allowlist_path, sizeof svc->allowlist_path, "%s", allow);
    wh_access_watch(svc);
    self = wh_access_by_name(svc->access, svc->def->name);
    if (self == NULL || strcmp(self->public_key, svc->public_key) != 0) {
        wh_log_error("this service's public key is not the allow-list's entry for it", "{s:s}", "service",
                     svc->def->name);
        return WH_INVALID_ARGUMENT;
    }
    return 0;
}

/* glibc's heap, set before any thread starts, the same for every service: blocks of 128 KiB and more
 * (a FetchEvents reply of up to 1 MiB, decoded or being read; an import block) are mapped and unmapped
 * rather than taken from the heap and kept there, the heap's free top is given back past 128 KiB, and
 * there are at most two arenas (the loop's and one for libzmq's I/O thread, the HTTP and audit
 * threads: a third only adds its own fragments, case's held ~1 MiB).  Fixed thresholds also stop glibc
 * raising them after each large free, which is how a service kept the size of its busiest moment
 * (docs/benchmarks.md). */
static void configure_heap(void)
{
    mallopt(M_ARENA_MAX, WH_HEAP_ARENAS);
    mallopt(M_MMAP_THRESHOLD, WH_HEAP_MMAP_THRESHOLD);
    mallopt(M_TRIM_THRESHOLD, WH_HEAP_TRIM_THRESHOLD);
}

/* Once a busy service has been idle for a whole tick, the memory its last batches freed goes back
 * to the system: libpq's buffers (a fresh connection, if a large statement grew them), the outbox's
 * column buffers, and the heap glibc keeps freed (and the arena of ZeroMQ's I/O thread), so an idle
 * service does not stay at the size of its busiest moment.  The trim runs once an idle spell, and
 * again only after something ran meanwhile (trim_due: any command or query served, a fetch reply, a
 * connection closed, the audit's flush, retention's prune — what an idle service's ticks take; an
 * idle intake trimmed after its writing batches only grew to 20.6 MiB, 3.3 MiB above its size right
 * after its last batch), not on every tick of a service nothing touched (765be01 did). */
static void give_back_memory(wh_service *svc)
{
    if (svc->worked > 0 && --svc->worked == 0)
        wh_service_db_shrink(svc);
    if (svc->worked > 0 || !svc->trim_due)
        return;
    svc->trim_due = false;
    wh_outbox_release(svc);
    malloc_trim(0);
}

static void on_tick(uv_timer_t *t)
{
    wh_service *svc = t->data;

    wh_http_heartbeat(svc->http);
    wh_access_reload_if_changed(svc);
    wh_audit_flush(svc);
    wh_retention_tick(svc);
    if (svc->db_up)
        wh_hints_publish(svc, true);
    wh_consumers_tick(svc);
    if (svc->commands != NULL)
        wh_peers_tick(svc->commands);
    wh_hint_bound_tick(svc->hint_bound);
    wh_fetch_wait_wake(svc->commands); /* the waiting fetches whose wait is over, answered empty */
    give_back_memory(svc);
}

static void on_signal(uv_signal_t *s, int signum)
{
    wh_service *svc = s->data;

    wh_log_info("stopping", "{s:i}", "signal", signum);
    svc->stopping = true;
    uv_stop(svc->loop);
}

static int start_loop_handles(wh_service *svc)
{
    svc->tick.data = svc;
    svc->sigint.data = svc;
    svc->sigterm.data = svc;
    if (uv_timer_init(svc->loop, &svc->tick) != 0 || uv_signal_init(svc->loop, &svc->sigint) != 0 ||
        uv_signal_init(svc->loop, &svc->sigterm) != 0)
        return WH_INTERNAL;
    uv_timer_start(&svc->tick, on_tick, WH_TICK_MS, WH_TICK_MS);
    uv_signal_start(&svc->sigint, on_signal, SIGINT);
    uv_signal_start(&svc->sigterm, on_signal, SIGTERM);
    return 0;
}

/* Sockets, in the order libzmq needs: the ZAP handler before any CURVE server socket. */
static int start_bus(wh_service *svc)
{
    int rc;

    svc->zctx = zmq_ctx_new();
    if (svc->zctx == NULL)
        return WH_INTERNAL;
    rc = wh_audit_start(svc);
    if (rc == 0)
        rc = wh_zap_start(&svc->zap, svc);
    if (rc == 0)
        rc = wh_commands_start(&svc->commands, svc);
    if (rc == 0)
        rc = wh_hints_start(svc);
    if (rc == 0)
        rc = wh_consumers_start(svc);
    return rc;
}

static int create_http(wh_service *svc)
{
    int port = wh_config_http_port(svc->def->name);

    return port < 0 ? port /* logged by config */ : wh_http_create(&svc->http, (unsigned)port);
}

/* Every connection of the bus is a descriptor: the soft limit on open files (often 1,024) is raised
 * to the hard one, up to WH_OPEN_FILES_WANTED, so WH_MAX_CONNECTIONS bounds the connections, not it. */
static void raise_open_files(const wh_service *svc)
{
    struct rlimit r;

    if (getrlimit(RLIMIT_NOFILE, &r) != 0)
        return;
    rlim_t want =
        r.rlim_max == RLIM_INFINITY || r.rlim_max > WH_OPEN_FILES_WANTED ? WH_OPEN_FILES_WANTED : r.rlim_max;
    if (r.rlim_cur != RLIM_INFINITY && r.rlim_cur < want) {
        r.rlim_cur = want;
        setrlimit(RLIMIT_NOFILE, &r);
    }
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY &&
        (int64_t)r.rlim_cur < svc->max_conns + 64)
        wh_log_warn("the open-files limit is below WH_MAX_CONNECTIONS + 64: connections beyond it fail to be "
                    "accepted",
                    "{s:I, s:I}", "open_files", (json_int_t)r.rlim_cur, "max_connections",
                    (json_int_t)svc->max_conns);
}

static int start(wh_service *svc)
{
    int rc = read_settings(svc);

    if (rc == 0)
        raise_open_files(svc);

    if (rc == 0)
        rc = wh_retention_start(svc);
    if (rc == 0)
        rc = create_http(svc);
    if (rc == 0)
        rc = open_database(svc);
    if (rc == 0)
        rc = load_keys(svc);
    if (rc == 0 && svc->def->start != NULL)
        rc = svc->def->start(svc);
    if (rc == 0)
        rc = wh_http_start(svc->http);
    if (rc == 0)
        rc = start_loop_handles(svc);
    if (rc == 0)
        rc = start_bus(svc);
    return rc;
}

static void close_handle(uv_handle_t *h)
{
    if (h->loop != NULL && !uv_is_closing(h))
        uv_close(h, NULL);
}

static void shutdown_service(wh_service *svc, bool started)
{
    wh_http_set_ready(svc->http, false);
    if (started && svc->def->stop != NULL)
        svc->def->stop(svc);
    wh_consumers_stop(svc);
    wh_commands_stop(&svc->commands);
    wh_hints_stop(svc);
    wh_zap_stop(&svc->zap);
    wh_audit_stop(svc);
    close_handle((uv_handle_t *)&svc->tick);
    close_handle((uv_handle_t *)&svc->sigint);
    close_handle((uv_handle_t *)&svc->sigterm);
    close_handle((uv_handle_t *)&svc->reconnect_timer);
    uv_run(svc->loop, UV_RUN_DEFAULT); /* let the close callbacks run */
    if (svc->zctx != NULL)
        zmq_ctx_term(svc->zctx);
    wh_http_destroy(&svc->http);
    wh_db_close(&svc->db);
    wh_outbox_free(svc);
    free(svc->db_conninfo);
    wh_access_destroy(&svc->access);
    memset(svc->secret_key, 0, sizeof svc->secret_key);
    uv_loop_close(svc->loop);
}

int wh_service_main(const wh_service_def *def, int argc, char **argv)
{
    static uv_loop_t loop;
    wh_service *svc;
    int rc;

    if (argc > 1)
        return usage(def, strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ? stdout : stderr);
    configure_heap();
    wh_log_init(def->name);
    signal(SIGPIPE, SIG_IGN);
    svc = calloc(1, sizeof *svc);
    if (svc == NULL || uv_loop_init(&loop) != 0)
        return 1;
    svc->def = def;
    svc->loop = &loop;
    uv_timer_init(svc->loop, &svc->reconnect_timer);
    svc->ready_gauge = wh_metrics_gauge("wh_service_ready", NULL, "1 while the service serves");
    svc->head_gauge =
        wh_metrics_gauge("wh_bus_stream_head", NULL, "Highest committed sequence of this service's stream");
    rc = start(svc);
    if (rc == 0) {
        wh_http_set_ready(svc->http, true);
        wh_gauge_set(svc->ready_gauge, 1);
        wh_log_info("ready", "{s:I, s:I}", "stream_head", (json_int_t)svc->head, "batch_max",
                    (json_int_t)svc->batch_max);
        uv_run(svc->loop, UV_RUN_DEFAULT);
    } else {
        wh_log_error("could not start", "{s:s}", "status", wh_status_name(rc));
    }
    shutdown_service(svc, rc == 0);
    free(svc);
    wh_log_info("stopped", NULL);
    return rc == 0 ? 0 : 1;
}

int wh_service_run(wh_service *svc, int (*job)(wh_ctx *ctx, void *arg), void *arg)
{
    wh_arena *arena;
    wh_ctx ctx;
    int rc;

    if (!svc->db_up)
        return WH_UNAVAILABLE;
    arena = wh_arena_new();
    if (arena == NULL)
        return WH_INTERNAL;
    rc = wh_service_begin(svc);
    if (rc == 0) {
        wh_ctx_init(&ctx, svc, arena, NULL, NULL);
        rc = job(&ctx, arg);
        if (rc == 0)
            rc = wh_service_commit(svc);
        else
            wh_service_rollback(svc);
    }
    wh_arena_free(&arena);
    if (rc == 0)
        wh_hints_publish(svc, false);
    return rc;
}

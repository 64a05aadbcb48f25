/*
 * service_db.c — the framework's one connection: opened at start with the bus's and the service's
 * migrations, and re-established while PostgreSQL is away.
 *
 * While the database is down the service stays up: /healthz answers, /readyz says 503, commands get
 * UNAVAILABLE (the client retries with the same message id), consumers wait.  A timer reconnects
 * every half second and, once back, the stream head is read again and the service is ready.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bus_internal.h"
#include "wh/config.h"
#include "wh/log.h"

#define RECONNECT_MS 500

/* WH_DB_URL, with WH_DB_PASSWORD (or its _FILE) added as a quoted conninfo value when set. */
static char *conninfo(void)
{
    const char *url = wh_config_str("WH_DB_URL", "");
    const char *password = wh_config_str("WH_DB_PASSWORD", NULL);
    size_t n = strlen(url) + (password != NULL ? 2 * strlen(password) + 16 : 0) + 1;
    char *out = malloc(n), *w;

    if (out == NULL || password == NULL) {
        if (out != NULL)
            memcpy(out, url, strlen(url) + 1);
        return out;
    }
    w = out + sprintf(out, "%s password='", url);
    for (const char *s = password; *s; s++) {
        if (*s == '\'' || *s == '\\')
            *w++ = '\\';
        *w++ = *s;
    }
    *w++ = '\'';
    *w = '\0';
    return out;
}

static int migrate_all(wh_service *svc)
{
    const wh_service_def *d = svc->def;
    int rc = wh_migrate(svc->db, d->schema, bus_migrations, bus_migrations_count);

    if (rc == 0)
        rc = wh_migrate(svc->db, d->schema, d->migrations, d->n_migrations);
    return rc;
}

/* After (re)connecting: the committed head of our own stream. */
static int load_head(wh_service *svc)
{
    int rc = wh_bus_stream_ensure(svc->db, svc->def->name, &svc->head);

    if (svc->published > svc->head) /* the database was restored from a backup: say so */
        wh_log_warn("stream head moved back", "{s:I, s:I}", "published", (json_int_t)svc->published, "head",
                    (json_int_t)svc->head);
    return rc;
}

int wh_service_db_open(wh_service *svc)
{
    const wh_service_def *d = svc->def;
    int rc;

    svc->db_conninfo = conninfo();
    if (svc->db_conninfo == NULL)
        return WH_INTERNAL;
    rc = wh_db_open(&svc->db, svc->db_conninfo, d->schema, NULL, 0);
    if (rc == 0)
        rc = migrate_all(svc);
    if (rc == 0)
        rc = wh_db_add_statements(svc->db, wh_bus_statements, wh_bus_statements_count);
    if (rc == 0 && d->n_statements > 0)
        rc = wh_db_add_statements(svc->db, d->statements, d->n_statements);
    if (rc == 0)
        rc = load_head(svc);
    svc->db_up = rc == 0;
    return rc;
}

static void on_reconnect(uv_timer_t *t)
{
    wh_service *svc = t->data;

    if (svc->db_up || svc->stopping)
        return;
    if (wh_db_reconnect(svc->db) != 0 || load_head(svc) != 0)
        return;
    uv_timer_stop(t);
    svc->db_up = true;
    wh_http_set_ready(svc->http, true);
    wh_gauge_set(svc->ready_gauge, 1);
    wh_log_info("database connection restored", NULL);
    wh_consumers_poll(svc);
}

void wh_service_db_lost(wh_service *svc)
{
    if (!svc->db_up)
        return;
    svc->db_up = false;
    wh_http_set_ready(svc->http, false);
    wh_gauge_set(svc->ready_gauge, 0);
    wh_log_error("database connection lost; reconnecting", NULL);
    svc->reconnect_timer.data = svc;
    uv_timer_start(&svc->reconnect_timer, on_reconnect, RECONNECT_MS, RECONNECT_MS);
}

void wh_service_db_shrink(wh_service *svc)
{
    if (!svc->db_up || !wh_db_buffers_grown(svc->db))
        return;
    if (wh_db_recycle(svc->db) != 0)
        wh_service_db_lost(svc);
}

/* Maps a failure on the framework's connection: a lost connection starts reconnecting. */
static int checked(wh_service *svc, int rc)
{
    if (rc == WH_UNAVAILABLE || (rc < 0 && !wh_db_connected(svc->db)))
        wh_service_db_lost(svc);
    return rc;
}

int wh_service_begin(wh_service *svc)
{
    wh_outbox_clear(svc);
    return checked(svc, wh_db_exec_sql(svc->db, "BEGIN"));
}

/* Writes the transaction's events, then commits; the committed head moves only when both did. */
int wh_service_commit(wh_service *svc)
{
    uint64_t head = svc->head;
    int rc = checked(svc, wh_outbox_flush(svc, &head));

    if (rc != 0) {
        wh_service_rollback(svc);
        return rc;
    }
    rc = checked(svc, wh_db_commit(svc->db));
    if (rc == 0)
        svc->head = head;
    return rc;
}

void wh_service_rollback(wh_service *svc)
{
    wh_outbox_clear(svc);
    if (wh_db_connected(svc->db))
        checked(svc, wh_db_exec_sql(svc->db, "ROLLBACK"));
}

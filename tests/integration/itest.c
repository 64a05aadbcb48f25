/*
 * itest.c — the integration tests' shared helpers (see itest.h).
 */
#include "itest.h"

#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PARAMS 16

static whc *open_client(const char *service, const char *key_path)
{
    whc_options opt = whc_options_from_env();
    whc *c = NULL;
    if (key_path)
        opt.secret_key_path = key_path;
    if (whc_open(&c, service, &opt) != 0) {
        fprintf(stderr, "itest: cannot connect to %s\n", service);
        exit(2);
    }
    return c;
}

whc *itest_client(const char *service)
{
    return open_client(service, NULL);
}

whc *itest_client_as(const char *service, const char *principal)
{
    static char path[1024];
    const char *var = getenv("WH_VAR");
    snprintf(path, sizeof path, "%s/keys/%s.key", var ? var : "var", principal);
    return open_client(service, path);
}

static PGconn *connection(void)
{
    static PGconn *conn;
    if (conn && PQstatus(conn) == CONNECTION_OK)
        return conn;
    PQfinish(conn);
    const char *url = getenv("WH_TEST_DB_URL");
    conn = PQconnectdb(url ? url : "");
    if (PQstatus(conn) != CONNECTION_OK)
        fprintf(stderr, "itest: cannot connect to the database: %s", PQerrorMessage(conn));
    return conn;
}

static int64_t query_i64(const char *sql, int n, const char *const *params)
{
    PGresult *r = PQexecParams(connection(), sql, n, NULL, params, NULL, NULL, 0);
    int64_t value = -1;
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fprintf(stderr, "itest: query failed: %s  (%s)\n", PQresultErrorMessage(r), sql);
    else if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        value = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return value;
}

int64_t itest_sql_i64(const char *sql, ...)
{
    const char *params[MAX_PARAMS];
    int n = 0;
    va_list ap;
    va_start(ap, sql);
    for (const char *p; n < MAX_PARAMS && (p = va_arg(ap, const char *)) != NULL;)
        params[n++] = p;
    va_end(ap);
    return query_i64(sql, n, params);
}

int64_t itest_wait_i64(int64_t want, int secs, const char *sql)
{
    int64_t value = -1;
    for (int i = 0; i < secs * 20; i++) {
        value = query_i64(sql, 0, NULL);
        if (value == want)
            break;
        usleep(50 * 1000);
    }
    return value;
}

int itest_stack(const char *command)
{
    char script[2048];
    snprintf(script, sizeof script, "bash -c 'source scripts/stack.sh && wh_export_endpoints && %s'",
             command);
    int status = system(script);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const char *itest_run_id(void)
{
    static char id[32];
    if (!id[0])
        snprintf(id, sizeof id, "%ld%d", (long)time(NULL) % 100000, (int)getpid() % 1000);
    return id;
}

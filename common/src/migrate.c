/*
 * migrate.c — applies a component's embedded SQL migrations to a schema, once, in order.
 *
 * A session advisory lock keyed on the schema serializes instances that start together; under it the
 * applied versions are compared with the binary's (a changed or vanished applied migration refuses the
 * start: the database no longer matches any code), then each missing migration runs in its own
 * transaction together with its schema_migrations row, so a crash leaves it either applied and
 * recorded or neither.  Migration files may hold many statements, so they go through PQexec (simple
 * query protocol); everything else here takes its values as parameters.
 */
#include <ctype.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wh/log.h"
#include "wh/migrate.h"
#include "wh/status.h"
#include "wh/util.h"

#define CHECKSUM_HEX (crypto_hash_sha256_BYTES * 2)

#define LOCK_SQL   "SELECT pg_catalog.pg_advisory_lock(pg_catalog.hashtextextended($1, 0))"
#define UNLOCK_SQL "SELECT pg_catalog.pg_advisory_unlock(pg_catalog.hashtextextended($1, 0))"
#define SCOPE_SQL  "SELECT pg_catalog.set_config('search_path', $1, true)"
#define APPLIED_SQL                                                                                          \
    "SELECT version, name, checksum FROM schema_migrations WHERE component = $1 ORDER BY version"
#define RECORD_SQL                                                                                           \
    "INSERT INTO schema_migrations (component, version, name, checksum) VALUES ($1, $2, $3, $4)"
#define CREATE_SQL                                                                                           \
    "CREATE TABLE IF NOT EXISTS schema_migrations (component text NOT NULL, version integer NOT NULL, "      \
    "name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), "            \
    "PRIMARY KEY (component, version))"

typedef struct run {
    PGconn *conn;
    const char *schema;
    char quoted_schema[256]; /* the search_path value: one quoted identifier */
    const char *component;
} run;

/* Logs a failed step once and returns its status. */
static int step_failed(const run *m, const char *step, const char *migration, const PGresult *r)
{
    const char *sqlstate = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *message = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    int status = PQstatus(m->conn) == CONNECTION_OK ? WH_INTERNAL : WH_UNAVAILABLE;

    wh_log_error("migration step failed", "{s:s, s:s, s:s, s:s, s:s, s:s}", "step", step, "schema", m->schema,
                 "component", m->component, "migration", migration ? migration : "", "sqlstate",
                 sqlstate ? sqlstate : "", "error", message ? message : PQerrorMessage(m->conn));
    return status;
}

static bool ok(const PGresult *r)
{
    ExecStatusType s = PQresultStatus(r);
    return r != NULL && (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK);
}

/* Runs SQL with text parameters; the result on success (caller clears it), else NULL and *rc set. */
static PGresult *query(const run *m, const char *step, const char *migration, const char *sql, int n,
                       const char *const *values, int *rc)
{
    /* Without parameters, the simple protocol: a migration file holds many statements. */
    PGresult *r = n > 0 ? PQexecParams(m->conn, sql, n, NULL, values, NULL, NULL, 0) : PQexec(m->conn, sql);

    if (ok(r))
        return r;
    *rc = step_failed(m, step, migration, r);
    PQclear(r);
    return NULL;
}

static int command(const run *m, const char *step, const char *migration, const char *sql, int n,
                   const char *const *values)
{
    int rc = 0;
    PQclear(query(m, step, migration, sql, n, values, &rc));
    return rc;
}

static void checksum_of(const char *sql, char out[CHECKSUM_HEX + 1])
{
    unsigned char hash[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(hash, (const unsigned char *)sql, strlen(sql));
    sodium_bin2hex(out, CHECKSUM_HEX + 1, hash, sizeof hash);
}

/* The leading number of "0001_init.sql", or -1 when there is none. */
static long version_of(const char *name)
{
    char *end;
    long v;

    if (name == NULL || !isdigit((unsigned char)name[0]))
        return -1;
    v = strtol(name, &end, 10);
    return v > 0 && v <= 999999 && (*end == '_' || *end == '.') ? v : -1;
}

/* The binary's list must be one component, numbered, strictly increasing: anything else is a bug. */
static int check_binary(const run *m, const wh_migration *migrations, size_t n)
{
    long previous = 0;

    for (size_t i = 0; i < n; i++) {
        long v = version_of(migrations[i].name);

        if (v <= previous || migrations[i].sql == NULL || migrations[i].component == NULL ||
            strcmp(migrations[i].component, m->component) != 0) {
            wh_log_error("migration list is not numbered in order", "{s:s, s:s}", "component", m->component,
                         "migration", migrations[i].name ? migrations[i].name : "");
            return WH_INVALID_ARGUMENT;
        }
        previous = v;
    }
    return 0;
}

static const wh_migration *find_version(const wh_migration *migrations, size_t n, long version)
{
    for (size_t i = 0; i < n; i++)
        if (version_of(migrations[i].name) == version)
            return &migrations[i];
    return NULL;
}

/* Every applied migration must still be in the binary, unchanged. */
static int check_applied(const run *m, const PGresult *applied, const wh_migration *migrations, size_t n)
{
    for (int row = 0; row < PQntuples(applied); row++) {
        long version = strtol(PQgetvalue(applied, row, 0), NULL, 10);
        const char *name = PQgetvalue(applied, row, 1);
        const wh_migration *mig = find_version(migrations, n, version);
        char sum[CHECKSUM_HEX + 1];

        if (mig == NULL) {
            wh_log_error("applied migration is missing from this binary", "{s:s, s:s, s:s, s:I}", "schema",
                         m->schema, "component", m->component, "migration", name, "version",
                         (json_int_t)version);
            return WH_FAILED_PRECONDITION;
        }
        checksum_of(mig->sql, sum);
        if (strcmp(sum, PQgetvalue(applied, row, 2)) != 0) {
            wh_log_error("applied migration has changed since it was applied", "{s:s, s:s, s:s, s:s, s:s}",
                         "schema", m->schema, "component", m->component, "migration", mig->name, "applied_as",
                         name, "hint", "restore the file; schema changes go in a new migration");
            return WH_FAILED_PRECONDITION;
        }
    }
    return 0;
}

static bool is_applied(const PGresult *applied, long version)
{
    for (int row = 0; row < PQntuples(applied); row++)
        if (strtol(PQgetvalue(applied, row, 0), NULL, 10) == version)
            return true;
    return false;
}

/* One migration and its record in one transaction. */
static int apply_one(const run *m, const wh_migration *mig)
{
    char version[16], sum[CHECKSUM_HEX + 1];
    const char *scope[] = {m->quoted_schema};
    const char *record[] = {m->component, version, mig->name, sum};
    uint64_t started = wh_mono_ns();
    int rc;

    snprintf(version, sizeof version, "%ld", version_of(mig->name));
    checksum_of(mig->sql, sum);
    rc = command(m, "begin", mig->name, "BEGIN", 0, NULL);
    if (rc == 0)
        rc = command(m, "set search_path", mig->name, SCOPE_SQL, 1, scope);
    if (rc == 0)
        rc = command(m, "apply", mig->name, mig->sql, 0, NULL);
    if (rc == 0)
        rc = command(m, "record", mig->name, RECORD_SQL, 4, record);
    if (rc == 0)
        rc = command(m, "commit", mig->name, "COMMIT", 0, NULL);
    if (rc != 0) {
        PQclear(PQexec(m->conn, "ROLLBACK"));
        return rc;
    }
    wh_log_info("migration applied", "{s:s, s:s, s:s, s:f}", "schema", m->schema, "component", m->component,
                "migration", mig->name, "seconds", (double)(wh_mono_ns() - started) / 1e9);
    return 0;
}

/* Under the lock: the table, the checks, then the missing migrations in order. */
static int migrate_locked(const run *m, const wh_migration *migrations, size_t n)
{
    const char *scope[] = {m->quoted_schema}, *component[] = {m->component};
    PGresult *applied = NULL;
    int rc = command(m, "begin", NULL, "BEGIN", 0, NULL);

    if (rc == 0)
        rc = command(m, "set search_path", NULL, SCOPE_SQL, 1, scope);
    if (rc == 0)
        rc = command(m, "create schema_migrations", NULL, CREATE_SQL, 0, NULL);
    if (rc == 0)
        applied = query(m, "read schema_migrations", NULL, APPLIED_SQL, 1, component, &rc);
    if (rc == 0)
        rc = command(m, "commit", NULL, "COMMIT", 0, NULL);
    if (rc != 0) {
        PQclear(PQexec(m->conn, "ROLLBACK"));
        PQclear(applied);
        return rc;
    }
    rc = check_applied(m, applied, migrations, n);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (!is_applied(applied, version_of(migrations[i].name)))
            rc = apply_one(m, &migrations[i]);
    PQclear(applied);
    return rc;
}

static void quote_identifier(char *out, size_t size, const char *name)
{
    size_t o = 0;

    out[o++] = '"';
    for (const char *c = name; *c != '\0' && o + 3 < size; c++) {
        if (*c == '"')
            out[o++] = '"';
        out[o++] = *c;
    }
    out[o++] = '"';
    out[o] = '\0';
}

int wh_migrate(wh_db *db, const char *schema, const wh_migration *migrations, size_t n)
{
    run m = {.conn = wh_db_conn(db), .schema = schema};
    const char *lock[] = {schema};
    int rc, unlock_rc;

    if (n == 0)
        return 0;
    if (m.conn == NULL || schema == NULL || migrations == NULL)
        return m.conn == NULL ? WH_UNAVAILABLE : WH_INVALID_ARGUMENT;
    m.component = migrations[0].component ? migrations[0].component : "";
    quote_identifier(m.quoted_schema, sizeof m.quoted_schema, schema);
    rc = check_binary(&m, migrations, n);
    if (rc != 0)
        return rc;
    rc = command(&m, "lock", NULL, LOCK_SQL, 1, lock);
    if (rc != 0)
        return rc;
    rc = migrate_locked(&m, migrations, n);
    if (PQstatus(m.conn) != CONNECTION_OK)
        return rc; /* the session, and with it the lock, is gone */
    unlock_rc = command(&m, "unlock", NULL, UNLOCK_SQL, 1, lock);
    return rc != 0 ? rc : unlock_rc;
}

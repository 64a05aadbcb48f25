/*
 * db.c — one libpq connection for a service's store: search_path, prepared statements, typed errors.
 *
 * The connection keeps the list of statements it prepares (the store's table, then whatever other
 * components add), so a reconnect re-prepares exactly the same set.  Every execution is one
 * PQexecPrepared round trip with text parameters and no allocation of ours; a failure is mapped from
 * its SQLSTATE to a wh_status and logged here once, with the statement's name and the SQLSTATE but
 * never the parameter values or messages that may quote them (they may be personal data).
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wh/db.h"
#include "wh/log.h"
#include "wh/status.h"
#include "wh/util.h"

#define SEARCH_PATH_SQL "SELECT pg_catalog.set_config('search_path', $1, false)"

struct wh_db {
    PGconn *conn;
    char *conninfo;
    char *schema;
    wh_db_statement *statements; /* names and SQL are the callers' (static tables) */
    size_t n_statements, cap_statements;
    int last_status;
    char last_sqlstate[6];
    size_t largest_sent; /* bytes of parameters of the largest statement sent on this connection */
};

/* --- status mapping -------------------------------------------------------------------------- */

/* The wh_status of a SQLSTATE (see wh/db.h). */
static int status_of_sqlstate(const char *s)
{
    if (strncmp(s, "08", 2) == 0 || strcmp(s, "57P01") == 0 || strcmp(s, "57P02") == 0 ||
        strcmp(s, "57P03") == 0 || strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0)
        return WH_UNAVAILABLE;
    if (strcmp(s, "23505") == 0)
        return WH_ALREADY_EXISTS;
    if (strncmp(s, "22", 2) == 0 || strcmp(s, "23514") == 0 || strcmp(s, "23502") == 0 ||
        strcmp(s, "23503") == 0)
        return WH_INVALID_ARGUMENT;
    return WH_INTERNAL;
}

/* Data exceptions quote the offending input and RAISE (P0…, or 00000 for a plain NOTICE) can format
 * anything, so their messages are never logged; the others name only objects of the schema. */
static bool message_is_safe(const char *sqlstate)
{
    return strncmp(sqlstate, "22", 2) != 0 && strncmp(sqlstate, "P0", 2) != 0 &&
           strncmp(sqlstate, "00", 2) != 0;
}

static const char *diag(const PGresult *r, int field)
{
    const char *v = r ? PQresultErrorField(r, field) : NULL;
    return v ? v : "";
}

/* Records and logs the failure of what (a statement name or fixed SQL); returns its status. */
static int fail(wh_db *db, const char *what, const PGresult *r)
{
    const char *sqlstate = diag(r, PG_DIAG_SQLSTATE);
    const char *message = "";
    int status;

    /* No SQLSTATE means libpq made the error itself: the connection broke before libpq noticed
     * (PQstatus may still say OK right after a server crash), so it is treated as lost. */
    if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK || sqlstate[0] == '\0') {
        status = WH_UNAVAILABLE;
        if (sqlstate[0] == '\0')
            sqlstate = "08006";
        message = db->conn ? PQerrorMessage(db->conn) : "not connected";
    } else {
        status = status_of_sqlstate(sqlstate);
        if (message_is_safe(sqlstate))
            message = diag(r, PG_DIAG_MESSAGE_PRIMARY);
    }
    db->last_status = status;
    snprintf(db->last_sqlstate, sizeof db->last_sqlstate, "%s", sqlstate);
    wh_log(status == WH_INTERNAL || status == WH_UNAVAILABLE ? WH_LOG_ERROR : WH_LOG_WARN,
           strcmp(what, "connect") == 0 ? "could not connect to database" : "database statement failed",
           "{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "statement", what, "sqlstate", sqlstate, "status",
           wh_status_name(status), "error", message, "constraint", diag(r, PG_DIAG_CONSTRAINT_NAME), "table",
           diag(r, PG_DIAG_TABLE_NAME), "schema", db->schema);
    return status;
}

static bool result_ok(const PGresult *r)
{
    ExecStatusType s = PQresultStatus(r);
    return r != NULL && (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK);
}

/* Server notices become log lines instead of libpq's default raw text on stderr. */
static void on_notice(void *arg, const PGresult *r)
{
    const wh_db *db = arg;
    const char *sqlstate = diag(r, PG_DIAG_SQLSTATE);
    const char *severity = diag(r, PG_DIAG_SEVERITY_NONLOCALIZED);

    wh_log(strcmp(severity, "WARNING") == 0 ? WH_LOG_WARN : WH_LOG_DEBUG, "database notice",
           "{s:s, s:s, s:s, s:s}", "severity", severity, "sqlstate", sqlstate, "message",
           message_is_safe(sqlstate) ? diag(r, PG_DIAG_MESSAGE_PRIMARY) : "", "schema", db->schema);
}

/* --- connecting ------------------------------------------------------------------------------ */

/* search_path as one quoted identifier, so a schema name is never parsed as a list. */
static int set_search_path(wh_db *db)
{
    char path[256];
    size_t o = 0;
    const char *values[1] = {path};
    PGresult *r;
    int rc = 0;

    path[o++] = '"';
    for (const char *c = db->schema; *c != '\0' && o + 3 < sizeof path; c++) {
        if (*c == '"')
            path[o++] = '"';
        path[o++] = *c;
    }
    path[o++] = '"';
    path[o] = '\0';
    r = PQexecParams(db->conn, SEARCH_PATH_SQL, 1, NULL, values, NULL, NULL, 0);
    if (!result_ok(r))
        rc = fail(db, "set_search_path", r);
    PQclear(r);
    return rc;
}

static int prepare(wh_db *db, const wh_db_statement *s)
{
    PGresult *r = PQprepare(db->conn, s->name, s->sql, 0, NULL);
    int rc = 0;

    if (!result_ok(r)) {
        rc = fail(db, s->name, r);
        if (rc != WH_UNAVAILABLE)
            rc = WH_INTERNAL; /* SQL that does not prepare is a bug, whatever its SQLSTATE */
    }
    PQclear(r);
    return rc;
}

static void disconnect(wh_db *db)
{
    if (db->conn != NULL)
        PQfinish(db->conn);
    db->conn = NULL;
}

/* libpq's parse errors quote the offending piece of the string, which may be a password: they are
 * replaced by a message of our own. */
static bool conninfo_parses(const char *conninfo)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &err);

    if (opts == NULL) {
        wh_log_error("could not connect to database", "{s:s, s:s}", "sqlstate", "08001", "error",
                     "the connection string (WH_DB_URL) does not parse");
        PQfreemem(err);
        return false;
    }
    PQconninfoFree(opts);
    return true;
}

/* A new connection with search_path set and every listed statement prepared. */
static int connect_and_prepare(wh_db *db)
{
    const char *keys[] = {"dbname", "fallback_application_name", NULL};
    const char *values[] = {db->conninfo, db->schema, NULL};
    int rc;

    disconnect(db);
    if (!conninfo_parses(db->conninfo)) {
        db->last_status = WH_UNAVAILABLE;
        snprintf(db->last_sqlstate, sizeof db->last_sqlstate, "08001");
        return WH_UNAVAILABLE;
    }
    db->largest_sent = 0;
    db->conn = PQconnectdbParams(keys, values, 1);
    if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
        rc = fail(db, "connect", NULL);
        disconnect(db);
        return rc;
    }
    PQsetNoticeReceiver(db->conn, on_notice, db);
    rc = set_search_path(db);
    for (size_t i = 0; rc == 0 && i < db->n_statements; i++)
        rc = prepare(db, &db->statements[i]);
    if (rc != 0)
        disconnect(db);
    return rc;
}

/* Appends statements to the list; a name listed twice must have the same SQL. */
static int list_statements(wh_db *db, const wh_db_statement *statements, size_t n, size_t *first_new)
{
    *first_new = db->n_statements;
    for (size_t i = 0; i < n; i++) {
        const wh_db_statement *s = &statements[i];
        bool listed = false;

        if (s->name == NULL || s->sql == NULL)
            return WH_INVALID_ARGUMENT;
        for (size_t j = 0; j < db->n_statements && !listed; j++) {
            if (strcmp(db->statements[j].name, s->name) != 0)
                continue;
            if (strcmp(db->statements[j].sql, s->sql) != 0) {
                wh_log_error("prepared statement name used twice", "{s:s}", "statement", s->name);
                return WH_INVALID_ARGUMENT;
            }
            listed = true;
        }
        if (listed)
            continue;
        wh_db_statement *grown =
            wh_grow(db->statements, &db->cap_statements, db->n_statements + 1, sizeof *grown, 32);
        if (!grown)
            return WH_INTERNAL;
        db->statements = grown;
        db->statements[db->n_statements++] = *s;
    }
    return 0;
}

int wh_db_open(wh_db **out, const char *conninfo, const char *schema, const wh_db_statement *statements,
               size_t n_statements)
{
    wh_db *db = calloc(1, sizeof *db);
    size_t first_new;
    int rc;

    *out = NULL;
    if (db == NULL)
        return WH_INTERNAL;
    db->conninfo = strdup(conninfo ? conninfo : "");
    db->schema = strdup(schema ? schema : "public");
    if (db->conninfo == NULL || db->schema == NULL) {
        rc = WH_INTERNAL;
        goto cleanup;
    }
    rc = list_statements(db, statements, n_statements, &first_new);
    if (rc == 0)
        rc = connect_and_prepare(db);
cleanup:
    if (rc != 0) {
        wh_db_close(&db);
        return rc;
    }
    *out = db;
    return 0;
}

void wh_db_close(wh_db **db)
{
    if (db == NULL || *db == NULL)
        return;
    disconnect(*db);
    free((*db)->conninfo);
    free((*db)->schema);
    free((*db)->statements);
    free(*db);
    *db = NULL;
}

int wh_db_add_statements(wh_db *db, const wh_db_statement *statements, size_t n)
{
    size_t first_new;
    int rc = list_statements(db, statements, n, &first_new);

    if (rc != 0 || !wh_db_connected(db))
        return rc;
    for (size_t i = first_new; rc == 0 && i < db->n_statements; i++)
        rc = prepare(db, &db->statements[i]);
    return rc;
}

bool wh_db_connected(const wh_db *db)
{
    return db != NULL && db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK;
}

int wh_db_reconnect(wh_db *db)
{
    int rc = connect_and_prepare(db);

    if (rc == 0)
        wh_log_info("database reconnected", "{s:s}", "schema", db->schema);
    return rc;
}

bool wh_db_buffers_grown(const wh_db *db)
{
    return db != NULL && db->largest_sent > WH_DB_KEEP_MESSAGE_BYTES;
}

int wh_db_recycle(wh_db *db)
{
    size_t largest = db->largest_sent;
    int rc = connect_and_prepare(db);

    if (rc == 0)
        wh_log_info("database connection recycled to give back libpq's buffers", "{s:s, s:I}", "schema",
                    db->schema, "largest_message_bytes", (json_int_t)largest);
    return rc;
}

/* Remembers the largest parameter set sent: libpq's output buffer has grown to hold it. */
static void note_sent(wh_db *db, int n, const char *const *values)
{
    size_t bytes = 0;

    for (int i = 0; i < n; i++)
        if (values[i] != NULL)
            bytes += strlen(values[i]);
    if (bytes > db->largest_sent)
        db->largest_sent = bytes;
}

/* --- running statements ---------------------------------------------------------------------- */

PGresult *wh_db_query(wh_db *db, const char *statement, const wh_params *params)
{
    int n = params ? params->n : 0;
    PGresult *r;

    if (n > WH_PARAMS_MAX) {
        db->last_status = WH_INTERNAL;
        snprintf(db->last_sqlstate, sizeof db->last_sqlstate, "54023"); /* too_many_arguments */
        wh_log_error("too many statement parameters", "{s:s, s:i}", "statement", statement, "max",
                     WH_PARAMS_MAX);
        return NULL;
    }
    if (db->conn == NULL) {
        fail(db, statement, NULL);
        return NULL;
    }
    if (n > 0)
        note_sent(db, n, params->values);
    r = PQexecPrepared(db->conn, statement, n, n ? params->values : NULL, NULL, NULL, 0);
    if (result_ok(r))
        return r;
    fail(db, statement, r);
    PQclear(r);
    return NULL;
}

int64_t wh_db_exec(wh_db *db, const char *statement, const wh_params *params)
{
    PGresult *r = wh_db_query(db, statement, params);
    int64_t n;

    if (r == NULL)
        return db->last_status;
    n = strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return n;
}

int wh_db_exec_sql(wh_db *db, const char *sql)
{
    PGresult *r;
    int rc = 0;

    if (db->conn == NULL)
        return fail(db, sql, NULL);
    r = PQexec(db->conn, sql);
    if (!result_ok(r))
        rc = fail(db, sql, r);
    PQclear(r);
    return rc;
}

int wh_db_commit(wh_db *db)
{
    PGresult *r;
    int rc = 0;

    if (db->conn == NULL)
        return fail(db, "COMMIT", NULL);
    r = PQexec(db->conn, "COMMIT");
    if (!result_ok(r)) {
        rc = fail(db, "COMMIT", r);
    } else if (strcmp(PQcmdStatus(r), "COMMIT") != 0) {
        rc = db->last_status = WH_INTERNAL;
        snprintf(db->last_sqlstate, sizeof db->last_sqlstate, "25P02");
        wh_log_error("transaction had failed; the commit rolled it back", "{s:s}", "schema", db->schema);
    }
    PQclear(r);
    return rc;
}

int wh_db_last_status(const wh_db *db)
{
    return db ? db->last_status : WH_INTERNAL;
}

const char *wh_db_last_sqlstate(const wh_db *db)
{
    return db ? db->last_sqlstate : "";
}

PGconn *wh_db_conn(wh_db *db)
{
    return db ? db->conn : NULL;
}

/* --- result cells ---------------------------------------------------------------------------- */

static const char *cell(const PGresult *r, int row, int col)
{
    if (r == NULL || row < 0 || col < 0 || row >= PQntuples(r) || col >= PQnfields(r) ||
        PQgetisnull(r, row, col))
        return NULL;
    return PQgetvalue(r, row, col);
}

int64_t wh_db_i64(const PGresult *r, int row, int col, int64_t fallback)
{
    const char *v = cell(r, row, col);
    return v ? strtoll(v, NULL, 10) : fallback;
}

double wh_db_f64(const PGresult *r, int row, int col, double fallback)
{
    const char *v = cell(r, row, col);
    return v ? strtod(v, NULL) : fallback;
}

const char *wh_db_text(const PGresult *r, int row, int col)
{
    return cell(r, row, col);
}

int wh_db_query_row(wh_db *db, const char *statement, const wh_params *params, PGresult **row)
{
    *row = wh_db_query(db, statement, params);
    if (*row == NULL)
        return wh_db_last_status(db);
    if (PQntuples(*row) == 0) {
        PQclear(*row);
        *row = NULL;
    }
    return 0;
}

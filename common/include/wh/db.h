/*
 * wh/db.h — PostgreSQL access for a service's store.
 *
 * A wh_db is one libpq connection whose search_path is the service's schema and whose statements are
 * prepared once, at connect, from a table the store declares:
 *
 *     static const wh_db_statement statements[] = {
 *         {"insert_referral", "INSERT INTO referral (household_id, channel) VALUES ($1, $2) RETURNING id"},
 *     };
 *
 * Values always travel as parameters (text format), never pasted into SQL.  wh_params builds the
 * parameter list without allocating.  Every failure is logged once, with the statement name and
 * SQLSTATE, by this module; callers only map the return value.
 */
#ifndef WH_DB_H
#define WH_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct wh_db wh_db;

typedef struct wh_db_statement {
    const char *name; /* unique within the service */
    const char *sql;  /* with $1, $2… placeholders */
} wh_db_statement;

#define WH_PARAMS_MAX 32

/* A parameter list for one statement.  Numbers are formatted into the struct itself. */
typedef struct wh_params {
    int n;
    const char *values[WH_PARAMS_MAX];
    char numbers[WH_PARAMS_MAX][32];
} wh_params;

void wh_params_reset(wh_params *p);
void wh_params_text(wh_params *p, const char *s); /* NULL is SQL NULL; s must outlive the call */
void wh_params_i64(wh_params *p, int64_t v);
void wh_params_f64(wh_params *p, double v);
void wh_params_bool(wh_params *p, bool v);

/* Connects with conninfo, sets search_path to schema and prepares the statements.  0 or
 * WH_UNAVAILABLE (the connection failed) or WH_INTERNAL (a statement did not prepare: a bug). */
int wh_db_open(wh_db **out, const char *conninfo, const char *schema, const wh_db_statement *statements,
               size_t n_statements);

/* Closes the connection and sets *db to NULL.  NULL-safe. */
void wh_db_close(wh_db **db);

/* Adds statements to prepare (a component like the bus registers its own); prepared on the next
 * (re)connect and immediately if connected.  0 or a negative status. */
int wh_db_add_statements(wh_db *db, const wh_db_statement *statements, size_t n);

/* One of the tables a service's statements are split into (a store file each): its rows and their
 * count, a variable of the file that holds the table. */
typedef struct wh_db_statement_part {
    const wh_db_statement *rows;
    const size_t *count;
} wh_db_statement_part;

/* The parts as one table, in order, in memory that lives as long as the process (a service
 * definition's statements); the same table for the same parts array, from any thread.  NULL when
 * out of memory or past eight different parts arrays (a bug). */
const wh_db_statement *wh_db_statements_join(const wh_db_statement_part *parts, size_t n_parts, size_t *n);

/* True when the connection is up.  wh_db_reconnect() re-establishes it (and re-prepares). */
bool wh_db_connected(const wh_db *db);
int wh_db_reconnect(wh_db *db);

/* libpq grows a connection's output buffer to the largest message it has sent and never shrinks it;
 * closing the connection is the only public way to give that memory back.  wh_db_buffers_grown() is
 * true once a statement's parameters exceeded WH_DB_KEEP_MESSAGE_BYTES since the connection opened;
 * wh_db_recycle() then replaces the connection with a fresh one (search_path, every statement
 * prepared again).  Only between transactions: the session's state goes with the old connection.
 * 0 or WH_UNAVAILABLE (logged; the caller reconnects as for any lost connection). */
#define WH_DB_KEEP_MESSAGE_BYTES (256 * 1024)
bool wh_db_buffers_grown(const wh_db *db);
int wh_db_recycle(wh_db *db);

/* Runs a prepared statement.  Returns the result (caller PQclear()s it), or NULL on failure, which is
 * logged; then wh_db_last_status() says WH_UNAVAILABLE (connection lost), WH_ALREADY_EXISTS (unique
 * violation), WH_INVALID_ARGUMENT (data exception / check violation) or WH_INTERNAL. */
PGresult *wh_db_query(wh_db *db, const char *statement, const wh_params *params);

/* Runs a prepared statement expected to return at most one row: 0 with *row the result (caller
 * PQclear()s it) or NULL when there was no row; or a negative status as above. */
int wh_db_query_row(wh_db *db, const char *statement, const wh_params *params, PGresult **row);

/* Runs a prepared statement whose one parameter is a row's id and which returns that row: 0 with *row
 * the result (caller PQclear()s it), WH_NOT_FOUND when there is no such row, or a negative status as
 * above. */
int wh_db_row_by_id(wh_db *db, const char *statement, int64_t id, PGresult **row);

/* Runs a prepared statement that returns no rows needed by the caller.  Returns the number of rows
 * affected (>= 0) or a negative status as above. */
int64_t wh_db_exec(wh_db *db, const char *statement, const wh_params *params);

/* Runs fixed SQL without parameters (BEGIN, SAVEPOINT b, SET …).  0 or a negative status. */
int wh_db_exec_sql(wh_db *db, const char *sql);
/* COMMIT, checked: a transaction that had failed inside answers "ROLLBACK" without an error, which
 * is WH_INTERNAL here (SQLSTATE 25P02 recorded).  0 or a negative status. */
int wh_db_commit(wh_db *db);

/* Status and SQLSTATE of the last failure on this connection. */
int wh_db_last_status(const wh_db *db);
const char *wh_db_last_sqlstate(const wh_db *db);

/* The underlying connection, for COPY and other libpq calls the wrapper does not cover. */
PGconn *wh_db_conn(wh_db *db);

/* Convenience readers of a result cell: NULL-safe, return the fallback for SQL NULL. */
int64_t wh_db_i64(const PGresult *r, int row, int col, int64_t fallback);
double wh_db_f64(const PGresult *r, int row, int col, double fallback);
const char *wh_db_text(const PGresult *r, int row, int col); /* NULL for SQL NULL */

#endif

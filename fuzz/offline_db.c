/*
 * offline_db.c — wh/db.h for the fuzz targets: a PostgreSQL that is never reachable, and that
 * watches what a handler tries to send it.
 *
 * The fuzz targets run every service's handlers without a database.  A handler validates its input
 * first and only then calls its store; here every statement fails as if the connection had just
 * dropped (WH_UNAVAILABLE), so the handler's error path runs too.  Before failing, the parameters
 * of a command's statements are checked: what reaches a statement has passed validation, so it must
 * be what PostgreSQL takes as is — valid UTF-8 text, finite numbers (wh_params_f64 would send "nan"
 * and "inf", which a double precision column accepts).  A parameter that is not means a check is
 * missing in the handler (PostgreSQL would answer a data exception, an INVALID_ARGUMENT without
 * the field), and the target stops on it.  Events are not checked: their producer validated them,
 * and one that fails anyway is retried and parked as a poison message.
 *
 * libwh's db.c is not linked into the targets: this file defines the whole of wh/db.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "wh/db.h"
#include "wh/status.h"
#include "wh/util.h"

struct wh_db {
    int last_status;
};

static struct wh_db the_db = {WH_UNAVAILABLE};

wh_db *fuzz_offline_db(void)
{
    return &the_db;
}

bool fuzz_check_params = true;

static void check_params(const char *statement, const wh_params *p)
{
    for (int i = 0; fuzz_check_params && p && i < p->n && i < WH_PARAMS_MAX; i++) {
        const char *v = p->values[i];
        if (v == NULL)
            continue;
        if (!wh_utf8_valid(v, strlen(v)))
            fuzz_fail("invalid UTF-8 reached a statement", statement, i + 1);
        bool number = v == p->numbers[i]; /* formatted by wh_params_i64/f64 */
        if (number && (strstr(v, "nan") != NULL || strstr(v, "inf") != NULL))
            fuzz_fail("a number that is not finite reached a statement", statement, i + 1);
    }
}

int wh_db_open(wh_db **out, const char *conninfo, const char *schema, const wh_db_statement *statements,
               size_t n_statements)
{
    *out = &the_db;
    return 0;
}

void wh_db_close(wh_db **db)
{
    if (db)
        *db = NULL;
}

int wh_db_add_statements(wh_db *db, const wh_db_statement *statements, size_t n)
{
    return 0;
}

/* "Connected" until the first statement, which then finds the connection gone. */
bool wh_db_connected(const wh_db *db)
{
    return db != NULL;
}

int wh_db_reconnect(wh_db *db)
{
    return WH_UNAVAILABLE;
}

/* Nothing is ever sent, so libpq's buffers never grow and there is nothing to give back. */
bool wh_db_buffers_grown(const wh_db *db)
{
    return false;
}

int wh_db_recycle(wh_db *db)
{
    return WH_UNAVAILABLE;
}

PGresult *wh_db_query(wh_db *db, const char *statement, const wh_params *params)
{
    if (db == NULL)
        fuzz_fail("a statement ran without a connection", statement, 0);
    check_params(statement, params);
    db->last_status = WH_UNAVAILABLE;
    return NULL;
}

int64_t wh_db_exec(wh_db *db, const char *statement, const wh_params *params)
{
    return wh_db_query(db, statement, params) ? 0 : WH_UNAVAILABLE;
}

int wh_db_exec_sql(wh_db *db, const char *sql)
{
    return WH_UNAVAILABLE;
}

int wh_db_commit(wh_db *db)
{
    return WH_UNAVAILABLE;
}

int wh_db_last_status(const wh_db *db)
{
    return db ? db->last_status : WH_UNAVAILABLE;
}

const char *wh_db_last_sqlstate(const wh_db *db)
{
    return "08006"; /* connection_failure */
}

PGconn *wh_db_conn(wh_db *db)
{
    return NULL;
}

int64_t wh_db_i64(const PGresult *r, int row, int col, int64_t fallback)
{
    return fallback;
}

double wh_db_f64(const PGresult *r, int row, int col, double fallback)
{
    return fallback;
}

const char *wh_db_text(const PGresult *r, int row, int col)
{
    return NULL;
}

int wh_db_query_row(wh_db *db, const char *statement, const wh_params *params, PGresult **row)
{
    *row = wh_db_query(db, statement, params);
    return *row ? 0 : wh_db_last_status(db);
}

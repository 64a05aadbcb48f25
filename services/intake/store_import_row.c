/*
 * store_import_row.c — the import_row table's SQL: which of a block's row ids the sender stored
 * before (and with the same digest?), and the ids of the rows a block stored, each one statement for
 * the whole block; and the prune of ids older than the retention (the framework's retention hook).
 */
#include <stdlib.h>
#include <string.h>

#include "import_rows.h"
#include "wh/sqlarray.h"

const wh_db_statement intake_import_row_statements[] = {
    {"intake_import_rows_find",
     "SELECT u.i, r.digest = u.d, coalesce(r.referral_id, 0), coalesce(f.household_id, 0) "
     "FROM unnest($2::text[], $3::bytea[]) WITH ORDINALITY AS u(id, d, i) "
     "JOIN import_row r ON r.principal = $1 AND r.row_id = u.id LEFT JOIN referral f ON f.id = "
     "r.referral_id"},
    {"intake_import_rows_add", "INSERT INTO import_row (principal, row_id, digest, referral_id) "
                               "SELECT $1, u.id, u.d, nullif(u.r, 0) FROM unnest($2::text[], $3::bytea[], "
                               "$4::bigint[]) AS u(id, d, r)"},
    /* by the index on created_at (0011_import_row_age.sql), a bounded batch like bus_prune_commands */
    {"intake_import_rows_prune",
     "DELETE FROM import_row WHERE (principal, row_id) IN (SELECT principal, row_id FROM import_row "
     "WHERE created_at < now() - make_interval(days => $1::int) LIMIT $2)"},
};
const size_t intake_import_row_statements_count =
    sizeof intake_import_row_statements / sizeof intake_import_row_statements[0];

/* The ids and digests as two array literals bound after principal; 0 or WH_INTERNAL. */
static int bind_ids(wh_params *p, wh_sqlarray *ids, wh_sqlarray *digests, const char *principal,
                    const char *const *id, const uint8_t (*digest)[INTAKE_ROW_DIGEST_LEN], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        wh_sqlarray_text(ids, id[i]);
        wh_sqlarray_bytea(digests, digest[i], INTAKE_ROW_DIGEST_LEN);
    }
    const char *a = wh_sqlarray_value(ids), *b = wh_sqlarray_value(digests);
    if (!a || !b)
        return WH_INTERNAL;
    wh_params_reset(p);
    wh_params_text(p, principal);
    wh_params_text(p, a);
    wh_params_text(p, b);
    return 0;
}

int intake_store_import_rows_find(wh_db *db, const char *principal, const char *const *ids,
                                  const uint8_t (*digests)[INTAKE_ROW_DIGEST_LEN], size_t n, int *same,
                                  int64_t (*stored)[2])
{
    for (size_t i = 0; i < n; i++) {
        same[i] = -1;
        stored[i][0] = stored[i][1] = 0;
    }
    if (n == 0)
        return 0;
    wh_sqlarray a = {0}, d = {0};
    wh_params p;
    int rc = bind_ids(&p, &a, &d, principal, ids, digests, n);
    PGresult *r = rc == 0 ? wh_db_query(db, "intake_import_rows_find", &p) : NULL;
    wh_sqlarray_free(&a);
    wh_sqlarray_free(&d);
    if (rc < 0)
        return rc;
    if (!r)
        return wh_db_last_status(db);
    for (int k = 0; k < PQntuples(r); k++) {
        int64_t i = wh_db_i64(r, k, 0, 0);
        if (i >= 1 && (size_t)i <= n) {
            same[i - 1] = strcmp(PQgetvalue(r, k, 1), "t") == 0;
            stored[i - 1][0] = wh_db_i64(r, k, 2, 0);
            stored[i - 1][1] = wh_db_i64(r, k, 3, 0);
        }
    }
    PQclear(r);
    return 0;
}

int intake_store_import_rows_add(wh_db *db, const char *principal, const char *const *ids,
                                 const uint8_t (*digests)[INTAKE_ROW_DIGEST_LEN], const int64_t *referral_ids,
                                 size_t n)
{
    if (n == 0)
        return 0;
    wh_sqlarray a = {0}, d = {0}, r = {0};
    wh_params p;
    int rc = bind_ids(&p, &a, &d, principal, ids, digests, n);
    for (size_t i = 0; rc == 0 && i < n; i++)
        wh_sqlarray_i64(&r, referral_ids[i]);
    const char *refs = rc == 0 ? wh_sqlarray_value(&r) : NULL;
    if (rc == 0 && !refs)
        rc = WH_INTERNAL;
    if (rc == 0) {
        wh_params_text(&p, refs);
        int64_t added = wh_db_exec(db, "intake_import_rows_add", &p);
        rc = added < 0 ? (int)added : 0;
    }
    wh_sqlarray_free(&a);
    wh_sqlarray_free(&d);
    wh_sqlarray_free(&r);
    return rc;
}

int64_t intake_store_import_rows_prune(wh_db *db, int64_t days, int64_t limit)
{
    wh_params p;

    wh_params_reset(&p);
    wh_params_i64(&p, days);
    wh_params_i64(&p, limit);
    return wh_db_exec(db, "intake_import_rows_prune", &p);
}

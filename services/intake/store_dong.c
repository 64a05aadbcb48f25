/*
 * store_dong.c — the dong table's SQL: routing's DongDefined upserted, and for a list of codes which
 * are defined (one statement for a whole block) and whether any dong is known yet.
 */
#include <string.h>

#include "dongs.h"
#include "wh/sqlarray.h"

const wh_db_statement intake_dong_statements[] = {
    {"intake_dong_upsert", "INSERT INTO dong (dong_code, name) VALUES ($1, $2) "
                           "ON CONFLICT (dong_code) DO UPDATE SET name = EXCLUDED.name"},
    {"intake_dongs_known", "SELECT EXISTS (SELECT 1 FROM dong d WHERE d.dong_code = u.c), "
                           "EXISTS (SELECT 1 FROM dong) "
                           "FROM unnest($1::text[]) WITH ORDINALITY AS u(c, i) ORDER BY u.i"},
};
const size_t intake_dong_statements_count = sizeof intake_dong_statements / sizeof intake_dong_statements[0];

int intake_store_upsert_dong(wh_db *db, const char *dong_code, const char *name)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, dong_code);
    wh_params_text(&p, name ? name : "");
    int64_t n = wh_db_exec(db, "intake_dong_upsert", &p);
    return n < 0 ? (int)n : 0;
}

int intake_store_dongs_known(wh_db *db, const char *const *codes, size_t n, bool *known, bool *any)
{
    *any = false;
    for (size_t i = 0; i < n; i++)
        known[i] = false;
    if (n == 0)
        return 0;
    wh_sqlarray a = {0};
    for (size_t i = 0; i < n; i++)
        wh_sqlarray_text(&a, codes[i]);
    const char *value = wh_sqlarray_value(&a);
    if (value == NULL) {
        wh_sqlarray_free(&a);
        return WH_INTERNAL;
    }
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, value);
    PGresult *r = wh_db_query(db, "intake_dongs_known", &p);
    wh_sqlarray_free(&a);
    if (!r)
        return wh_db_last_status(db);
    for (int i = 0; i < PQntuples(r) && (size_t)i < n; i++) {
        known[i] = strcmp(PQgetvalue(r, i, 0), "t") == 0;
        *any = strcmp(PQgetvalue(r, i, 1), "t") == 0;
    }
    PQclear(r);
    return 0;
}

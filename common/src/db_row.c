/*
 * db_row.c — reading one row by its id, over wh_db_query_row (so the fuzz build's offline database
 * serves it too).
 */
#include "wh/db.h"
#include "wh/status.h"

int wh_db_row_by_id(wh_db *db, const char *statement, int64_t id, PGresult **row)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, id);
    int rc = wh_db_query_row(db, statement, &p, row);
    return rc < 0 ? rc : *row ? 0 : WH_NOT_FOUND;
}

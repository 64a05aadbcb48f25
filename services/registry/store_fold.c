/*
 * store_fold.c — the linkages a merge's fold ended, kept so that the unmerge can put them back
 * (folded_linkage, 0005_folded_linkage.sql).
 */
#include "registry.h"

int registry_store_fold_linkage(wh_db *db, const registry_linkage *l, int64_t case_id, const char *on)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, l->id);
    wh_params_i64(&p, case_id);
    wh_params_i64(&p, l->state);
    wh_params_text(&p, on);
    int64_t n = wh_db_exec(db, "registry_fold_linkage", &p);
    return n < 0 ? (int)n : 0;
}

int registry_store_folded_linkages(wh_ctx *ctx, int64_t case_id, registry_folded **out, size_t *n)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    PGresult *r = wh_db_query(wh_ctx_db(ctx), "registry_folded_linkages", &p);
    if (!r)
        return wh_db_last_status(wh_ctx_db(ctx));
    int rows = PQntuples(r);
    registry_folded *v = wh_ctx_alloc(ctx, sizeof *v * (size_t)(rows ? rows : 1));
    for (int i = 0; v && i < rows; i++)
        v[i] = (registry_folded){wh_db_i64(r, i, 0, 0), (int)wh_db_i64(r, i, 1, 0)};
    PQclear(r);
    if (!v)
        return WH_INTERNAL;
    *out = v;
    *n = (size_t)rows;
    return 0;
}

int registry_store_fold_undone(wh_db *db, int64_t linkage_id, const char *on, bool restored)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, linkage_id);
    wh_params_text(&p, on);
    wh_params_bool(&p, restored);
    int64_t n = wh_db_exec(db, "registry_fold_undone", &p);
    return n < 0 ? (int)n : 0;
}

int registry_store_restore_linkage(wh_db *db, const registry_linkage *l)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, l->id);
    wh_params_i64(&p, l->state);
    wh_params_i64(&p, l->reservation_id);
    wh_params_text(&p, l->changed_on);
    int64_t n = wh_db_exec(db, "registry_restore_linkage", &p);
    return n < 0 ? (int)n : n == 1 ? 0 : WH_FAILED_PRECONDITION;
}

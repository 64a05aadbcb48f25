/*
 * store_linkage.c — the SQL calls of service linkages (the statements are in store.c's table): the
 * households the registry knows, the linkages, and the ids a closed case releases.
 */
#include <stdio.h>
#include <string.h>

#include "registry.h"
#include "wh/sqlarray.h"

static void copy(char *out, size_t cap, const char *v)
{
    snprintf(out, cap, "%s", v ? v : "");
}

/* One row by one id: 0 with *row, or WH_NOT_FOUND. */
static int row_by_id(wh_db *db, const char *stmt, int64_t id, PGresult **row)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, id);
    int rc = wh_db_query_row(db, stmt, &p, row);
    return rc < 0 ? rc : *row ? 0 : WH_NOT_FOUND;
}

int registry_store_upsert_household(wh_db *db, int64_t household_id, const char *dong_code, const char *on)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, household_id);
    wh_params_text(&p, dong_code);
    wh_params_text(&p, on);
    int64_t n = wh_db_exec(db, "registry_upsert_household", &p);
    return n < 0 ? (int)n : 0;
}

int registry_store_upsert_households(wh_db *db, const registry_household_row *rows, size_t n)
{
    wh_sqlarray ids = {0}, dongs = {0}, dates = {0};
    for (size_t i = 0; i < n; i++) {
        wh_sqlarray_i64(&ids, rows[i].household_id);
        wh_sqlarray_text(&dongs, rows[i].dong_code);
        wh_sqlarray_text(&dates, rows[i].identified_on);
    }
    const char *ids_v = wh_sqlarray_value(&ids), *dongs_v = wh_sqlarray_value(&dongs);
    const char *dates_v = wh_sqlarray_value(&dates);
    int rc = ids_v && dongs_v && dates_v ? 0 : WH_INTERNAL;
    if (rc == 0) {
        wh_params p;
        wh_params_reset(&p);
        wh_params_text(&p, ids_v);
        wh_params_text(&p, dongs_v);
        wh_params_text(&p, dates_v);
        int64_t changed = wh_db_exec(db, "registry_upsert_households", &p);
        rc = changed < 0 ? (int)changed : 0;
    }
    wh_sqlarray_free(&ids);
    wh_sqlarray_free(&dongs);
    wh_sqlarray_free(&dates);
    return rc;
}

int registry_store_household(wh_db *db, int64_t household_id, char dong_code[33], char identified_on[11])
{
    PGresult *r;
    int rc = row_by_id(db, "registry_household", household_id, &r);
    if (rc < 0)
        return rc;
    copy(dong_code, 33, wh_db_text(r, 0, 0));
    copy(identified_on, 11, wh_db_text(r, 0, 1));
    PQclear(r);
    return 0;
}

int registry_store_resource_facts(wh_db *db, int64_t resource_id, int64_t *provider_id,
                                  char discovered_on[11])
{
    PGresult *r;
    int rc = row_by_id(db, "registry_resource_facts", resource_id, &r);
    if (rc < 0)
        return rc;
    *provider_id = wh_db_i64(r, 0, 0, 0);
    copy(discovered_on, 11, wh_db_text(r, 0, 1));
    PQclear(r);
    return 0;
}

int registry_store_provider_facts(wh_db *db, int64_t provider_id, bool *is_private, char registered_by[64])
{
    PGresult *r;
    int rc = row_by_id(db, "registry_provider_facts", provider_id, &r);
    if (rc < 0)
        return rc;
    *is_private = strcmp(wh_db_text(r, 0, 0), "t") == 0;
    copy(registered_by, 64, wh_db_text(r, 0, 1));
    PQclear(r);
    return 0;
}

int registry_store_insert_linkage(wh_db *db, const registry_linkage *l, int64_t *id)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, l->household_id);
    wh_params_i64(&p, l->case_id);
    wh_params_text(&p, l->dong_code);
    wh_params_i64(&p, l->kind);
    wh_params_i64(&p, l->programme);
    wh_params_i64(&p, l->provider_id);
    wh_params_i64(&p, l->resource_id);
    wh_params_i64(&p, l->reservation_id);
    wh_params_i64(&p, l->domain);
    wh_params_i64(&p, l->channel);
    wh_params_i64(&p, l->referral_id);
    wh_params_text(&p, l->requested_on);
    int rc = wh_db_query_row(db, "registry_insert_linkage", &p, &r);
    if (rc < 0)
        return rc;
    if (!r)
        return WH_INTERNAL;
    *id = wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    return 0;
}

static void linkage_from_row(const PGresult *r, int i, registry_linkage *l)
{
    memset(l, 0, sizeof *l);
    l->id = wh_db_i64(r, i, 0, 0);
    l->household_id = wh_db_i64(r, i, 1, 0);
    l->case_id = wh_db_i64(r, i, 2, 0);
    copy(l->dong_code, sizeof l->dong_code, wh_db_text(r, i, 3));
    l->kind = (int)wh_db_i64(r, i, 4, 0);
    l->programme = (int)wh_db_i64(r, i, 5, 0);
    l->provider_id = wh_db_i64(r, i, 6, 0);
    l->resource_id = wh_db_i64(r, i, 7, 0);
    l->reservation_id = wh_db_i64(r, i, 8, 0);
    l->domain = (int)wh_db_i64(r, i, 9, 0);
    l->channel = (int)wh_db_i64(r, i, 10, 0);
    l->referral_id = wh_db_i64(r, i, 11, 0);
    l->state = (int)wh_db_i64(r, i, 12, 0);
    l->outcome = (int)wh_db_i64(r, i, 13, 0);
    copy(l->requested_on, sizeof l->requested_on, wh_db_text(r, i, 14));
    copy(l->changed_on, sizeof l->changed_on, wh_db_text(r, i, 15));
}

int registry_store_linkage(wh_db *db, int64_t id, registry_linkage *out)
{
    PGresult *r;
    int rc = row_by_id(db, "registry_linkage", id, &r);
    if (rc < 0)
        return rc;
    linkage_from_row(r, 0, out);
    PQclear(r);
    return 0;
}

int registry_store_set_linkage_state(wh_db *db, int64_t id, int state, int outcome, const char *on)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, id);
    wh_params_i64(&p, state);
    wh_params_i64(&p, outcome);
    wh_params_text(&p, on);
    int64_t n = wh_db_exec(db, "registry_set_linkage_state", &p);
    return n < 0 ? (int)n : n == 1 ? 0 : WH_NOT_FOUND;
}

static void fill_id(const PGresult *r, int row, void *out)
{
    *(int64_t *)out = wh_db_i64(r, row, 0, 0);
}

int registry_store_case_ids(wh_ctx *ctx, const char *stmt, int64_t case_id, int64_t **ids, size_t *n)
{
    return registry_store_read_case_rows(ctx, stmt, case_id, sizeof **ids, fill_id, (void **)ids, n);
}

static Welfare__Registry__V1__ServiceLinkage *message_of(wh_ctx *ctx, const registry_linkage *l)
{
    Welfare__Registry__V1__ServiceLinkage *m = wh_ctx_alloc(ctx, sizeof *m);
    if (!m)
        return NULL;
    welfare__registry__v1__service_linkage__init(m);
    m->linkage_id = l->id;
    m->household_id = l->household_id;
    m->case_id = l->case_id;
    m->dong_code = wh_ctx_strdup(ctx, l->dong_code);
    m->kind = (Welfare__Registry__V1__LinkageKind)l->kind;
    m->programme = (Welfare__Registry__V1__PublicProgramme)l->programme;
    m->provider_id = l->provider_id;
    m->resource_id = l->resource_id;
    m->domain = (Welfare__Common__V1__NeedDomain)l->domain;
    m->state = (Welfare__Registry__V1__LinkageState)l->state;
    m->outcome = (Welfare__Registry__V1__LinkageOutcome)l->outcome;
    m->channel = l->channel;
    m->referral_id = l->referral_id;
    m->requested_on = wh_ctx_strdup(ctx, l->requested_on);
    m->changed_on = wh_ctx_strdup(ctx, l->changed_on);
    return m->dong_code && m->requested_on && m->changed_on ? m : NULL;
}

int registry_store_list_linkages(wh_ctx *ctx, const Welfare__Registry__V1__ListServiceLinkages *q,
                                 Welfare__Registry__V1__ServiceLinkage ***out, size_t *n)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, q->household_id);
    wh_params_i64(&p, q->provider_id);
    wh_params_i64(&p, q->state);
    wh_params_i64(&p, q->after_id);
    wh_params_i64(&p, q->limit > 0 ? q->limit : 100);
    PGresult *r = wh_db_query(wh_ctx_db(ctx), "registry_list_linkages", &p);
    if (!r)
        return wh_db_last_status(wh_ctx_db(ctx));
    int rows = PQntuples(r);
    Welfare__Registry__V1__ServiceLinkage **v = wh_ctx_alloc(ctx, sizeof *v * (size_t)(rows ? rows : 1));
    for (int i = 0; v && i < rows; i++) {
        registry_linkage l;
        linkage_from_row(r, i, &l);
        if (!(v[i] = message_of(ctx, &l)))
            v = NULL;
    }
    PQclear(r);
    if (!v)
        return WH_INTERNAL;
    *out = v;
    *n = (size_t)rows;
    return 0;
}

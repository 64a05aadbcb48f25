/*
 * store_batch.c — the casework SQL of HouseholdIdentified applied a fetched run at a time
 * (apply_intake_batch.c): each statement does for a whole chunk of households what store.c and
 * store_outreach.c do for one, with the same rules (the same conflicts, the same order of ids).
 * The inputs are arrays (wh/sqlarray.h) unnested WITH ORDINALITY, so the rows are written in the
 * stream's order.  The statements join case_statements when the service starts (service.c).
 */
#include <stdio.h>
#include <string.h>

#include "case.h"

#include "wh/sqlarray.h"

#define ACTIVE_ON(d) "w.active_from <= " d " AND (w.active_until IS NULL OR w.active_until >= " d ")"

const wh_db_statement case_batch_statements[] = {
    /* case_hub_of for many dongs at once: the hub of each, whether routing defined it, and whether
     * the hub has workers who carry cases (of any date). */
    {"case_hubs_of",
     "SELECT x.dong_code, x.hub, x.known, EXISTS (SELECT 1 FROM worker w WHERE w.hub_dong_code = x.hub AND "
     "w.carries_cases) FROM (SELECT i.ord, i.dong_code, CASE WHEN d.dong_code IS NULL THEN i.dong_code ELSE "
     "COALESCE(d.hub_dong_code, '') END AS hub, d.dong_code IS NOT NULL AS known FROM unnest($1::text[]) "
     "WITH ORDINALITY AS i(dong_code, ord) LEFT JOIN dong d ON d.dong_code = i.dong_code) x ORDER BY x.ord"},
    /* case_upsert_household for distinct households; returns each one's "closed case only" flag. */
    {"case_upsert_households",
     "WITH i AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::float8[], $4::float8[], $5::integer[], "
     "  $6::date[]) WITH ORDINALITY AS i(household_id, dong_code, latitude, longitude, risk_score, "
     "  identified_on, ord)), "
     "prior AS (SELECT i.*, EXISTS (SELECT 1 FROM cases c WHERE c.household_id = i.household_id AND "
     "  c.status = 'closed') AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.household_id = i.household_id "
     "  AND c.status = 'open') AS closed FROM i), "
     "up AS (INSERT INTO household (household_id, dong_code, latitude, longitude, risk_score, "
     "  identified_on, decision_since) SELECT household_id, dong_code, latitude, longitude, risk_score, "
     "  identified_on, CASE WHEN closed THEN identified_on END FROM prior ORDER BY ord "
     "  ON CONFLICT (household_id) DO UPDATE SET dong_code = EXCLUDED.dong_code, latitude = "
     "  COALESCE(EXCLUDED.latitude, household.latitude), longitude = COALESCE(EXCLUDED.longitude, "
     "  household.longitude), risk_score = EXCLUDED.risk_score, watch_ended_on = NULL, decision_since = "
     "  COALESCE(household.decision_since, EXCLUDED.decision_since)) "
     "SELECT closed FROM prior ORDER BY ord"},
    /* case_insert_case for distinct households: the new case's id, or 0 where the household has an
     * open case or the referral opened one already. */
    {"case_insert_cases",
     "WITH i AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::float8[], "
     "  $6::float8[], $7::integer[], $8::date[]) WITH ORDINALITY AS i(household_id, referral_id, "
     "  dong_code, hub_dong_code, latitude, longitude, risk_score, opened_on, ord)), "
     "ins AS (INSERT INTO cases (household_id, referral_id, dong_code, hub_dong_code, latitude, longitude, "
     "  risk_score, opened_on, previous_case_id) SELECT household_id, referral_id, dong_code, "
     "  hub_dong_code, latitude, longitude, risk_score, opened_on, (SELECT p.id FROM cases p WHERE "
     "  p.household_id = i.household_id AND p.status = 'closed' ORDER BY p.closed_on DESC, p.id DESC "
     "  LIMIT 1) FROM i ORDER BY ord ON CONFLICT DO NOTHING RETURNING id, household_id) "
     "SELECT COALESCE(ins.id, 0) FROM i LEFT JOIN ins ON ins.household_id = i.household_id ORDER BY i.ord"},
    /* case_decided for many households. */
    {"case_decided_many",
     "UPDATE household SET decision_since = NULL WHERE household_id = ANY ($1::bigint[]) AND "
     "decision_since IS NOT NULL"},
    /* For hubs ($1) each as of one date ($2): whether an assignment pass would release a case (its
     * worker left by then, stopped carrying cases or moved), and the workers with their caseloads
     * (staff id 0: none), as case_release_departed and case_hub_workers would find them. */
    {"case_hubs_state",
     "SELECT h.hub, EXISTS (SELECT 1 FROM cases c JOIN worker w ON w.staff_id = c.staff_id WHERE "
     "  c.status = 'open' AND c.staff_id IS NOT NULL AND c.hub_dong_code = h.hub AND (NOT w.carries_cases OR "
     "w.hub_dong_code <> h.hub "
     "  OR w.active_until < h.day)), COALESCE(w.staff_id, 0), COALESCE(w.role, 0), "
     "  COALESCE((SELECT count(*) FROM cases o WHERE o.staff_id = w.staff_id AND o.status = 'open'), 0) "
     "FROM unnest($1::text[], $2::date[]) AS h(hub, day) LEFT JOIN worker w ON w.hub_dong_code = h.hub AND "
     "  w.carries_cases AND " ACTIVE_ON("h.day") " ORDER BY h.hub, w.staff_id"},
    /* case_insert_visit_request for many first visits ($3 roles as array literals). */
    {"case_insert_visit_requests",
     "INSERT INTO visit_request (case_id, purpose, roles, priority, duration_minutes, earliest_on, "
     "latest_on, "
     "household_id) SELECT case_id, purpose, roles::integer[], priority, duration_minutes, earliest_on, "
     "latest_on, household_id FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::integer[], "
     "$5::integer[], $6::date[], $7::date[], $8::bigint[]) WITH ORDINALITY AS v(case_id, purpose, roles, "
     "priority, duration_minutes, earliest_on, latest_on, household_id, ord) ORDER BY ord RETURNING id"},
};
const size_t case_batch_statements_count = sizeof case_batch_statements / sizeof case_batch_statements[0];

/* --- arrays as parameters ----------------------------------------------------------------------- */

static void f64_or_null(wh_sqlarray *a, bool has, double v)
{
    char buf[40];
    if (!has) {
        wh_sqlarray_null(a);
        return;
    }
    snprintf(buf, sizeof buf, "%.17g", v);
    wh_sqlarray_text(a, buf);
}

/* Sets the arrays as the statement's parameters; WH_INTERNAL when one could not be built. */
static int array_params(wh_params *p, wh_sqlarray *a, size_t n)
{
    wh_params_reset(p);
    for (size_t i = 0; i < n; i++) {
        const char *v = wh_sqlarray_value(&a[i]);
        if (v == NULL)
            return WH_INTERNAL;
        wh_params_text(p, v);
    }
    return 0;
}

static void free_arrays(wh_sqlarray *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        wh_sqlarray_free(&a[i]);
}

/* Runs a statement whose result has one row per input, in order; NULL (and *rc) on failure. */
static PGresult *query_rows(wh_db *db, const char *stmt, wh_sqlarray *a, size_t n_arrays, size_t rows,
                            int *rc)
{
    wh_params p;
    PGresult *r = NULL;
    *rc = array_params(&p, a, n_arrays);
    if (*rc == 0 && (r = wh_db_query(db, stmt, &p)) == NULL)
        *rc = wh_db_last_status(db);
    if (r != NULL && rows != (size_t)-1 && (size_t)PQntuples(r) != rows) {
        PQclear(r);
        r = NULL;
        *rc = WH_INTERNAL;
    }
    free_arrays(a, n_arrays);
    return r;
}

/* --- the statements ----------------------------------------------------------------------------- */

int case_store_hubs_of(wh_db *db, const char *const *dongs, size_t n, case_hub *out)
{
    wh_sqlarray a[1] = {{0}};
    int rc;
    for (size_t i = 0; i < n; i++)
        wh_sqlarray_text(&a[0], dongs[i]);
    PGresult *r = query_rows(db, "case_hubs_of", a, 1, n, &rc);
    for (size_t i = 0; r != NULL && i < n; i++) {
        snprintf(out[i].dong_code, sizeof out[i].dong_code, "%s", wh_db_text(r, (int)i, 0));
        snprintf(out[i].hub_dong_code, sizeof out[i].hub_dong_code, "%s", wh_db_text(r, (int)i, 1));
        out[i].known = strcmp(wh_db_text(r, (int)i, 2), "t") == 0;
        out[i].staffed = strcmp(wh_db_text(r, (int)i, 3), "t") == 0;
    }
    PQclear(r);
    return rc;
}

int case_store_upsert_households(wh_db *db, const case_identified *h, size_t n, bool *had_closed_case)
{
    wh_sqlarray a[6] = {{0}};
    int rc;
    for (size_t i = 0; i < n; i++) {
        wh_sqlarray_i64(&a[0], h[i].household_id);
        wh_sqlarray_text(&a[1], h[i].dong_code);
        f64_or_null(&a[2], h[i].has_location, h[i].latitude);
        f64_or_null(&a[3], h[i].has_location, h[i].longitude);
        wh_sqlarray_i64(&a[4], h[i].risk_score);
        wh_sqlarray_text(&a[5], h[i].date);
    }
    PGresult *r = query_rows(db, "case_upsert_households", a, 6, n, &rc);
    for (size_t i = 0; r != NULL && i < n; i++)
        had_closed_case[i] = strcmp(wh_db_text(r, (int)i, 0), "t") == 0;
    PQclear(r);
    return rc;
}

int case_store_insert_cases(wh_db *db, const case_opening *o, const char *const *hubs, size_t n, int64_t *ids)
{
    wh_sqlarray a[8] = {{0}};
    int rc;
    for (size_t i = 0; i < n; i++) {
        wh_sqlarray_i64(&a[0], o[i].household_id);
        wh_sqlarray_i64(&a[1], o[i].referral_id);
        wh_sqlarray_text(&a[2], o[i].dong_code);
        wh_sqlarray_text(&a[3], hubs[i]);
        f64_or_null(&a[4], o[i].has_location, o[i].latitude);
        f64_or_null(&a[5], o[i].has_location, o[i].longitude);
        wh_sqlarray_i64(&a[6], o[i].risk_score);
        wh_sqlarray_text(&a[7], o[i].opened_on);
    }
    PGresult *r = query_rows(db, "case_insert_cases", a, 8, n, &rc);
    for (size_t i = 0; r != NULL && i < n; i++)
        ids[i] = wh_db_i64(r, (int)i, 0, 0);
    PQclear(r);
    return rc;
}

int case_store_decided_many(wh_db *db, const int64_t *household_ids, size_t n)
{
    wh_sqlarray a[1] = {{0}};
    wh_params p;
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        wh_sqlarray_i64(&a[0], household_ids[i]);
    int rc = array_params(&p, a, 1);
    int64_t changed = rc == 0 ? wh_db_exec(db, "case_decided_many", &p) : 0;
    free_arrays(a, 1);
    return rc != 0 ? rc : changed < 0 ? (int)changed : 0;
}

int case_store_hubs_state(wh_ctx *ctx, case_hub_state *hubs, size_t n)
{
    wh_sqlarray a[2] = {{0}};
    int rc;
    for (size_t i = 0; i < n; i++) {
        wh_sqlarray_text(&a[0], hubs[i].hub_dong_code);
        wh_sqlarray_text(&a[1], hubs[i].date);
    }
    PGresult *r = query_rows(wh_ctx_db(ctx), "case_hubs_state", a, 2, (size_t)-1, &rc);
    int rows = r != NULL ? PQntuples(r) : 0;
    for (size_t i = 0; r != NULL && i < n; i++) {
        hubs[i].departed = false;
        hubs[i].n_workers = 0;
        hubs[i].workers = wh_ctx_alloc(ctx, sizeof *hubs[i].workers * (size_t)(rows ? rows : 1));
        if (hubs[i].workers == NULL)
            rc = WH_INTERNAL;
    }
    for (int row = 0; rc == 0 && row < rows; row++) {
        const char *hub = wh_db_text(r, row, 0);
        for (size_t i = 0; i < n; i++) {
            if (strcmp(hubs[i].hub_dong_code, hub) != 0)
                continue;
            hubs[i].departed = hubs[i].departed || strcmp(wh_db_text(r, row, 1), "t") == 0;
            int64_t staff = wh_db_i64(r, row, 2, 0);
            if (staff != 0) {
                case_worker *w = &hubs[i].workers[hubs[i].n_workers++];
                w->staff_id = staff;
                w->role = (int)wh_db_i64(r, row, 3, 0);
                w->caseload = (int)wh_db_i64(r, row, 4, 0);
            }
            break;
        }
    }
    PQclear(r);
    return rc;
}

int case_store_insert_visit_requests(wh_db *db, const case_visit *v, size_t n, int64_t *ids)
{
    wh_sqlarray a[8] = {{0}};
    int rc;
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char roles[CASE_ROLES_LITERAL];
        case_roles_literal(&v[i], roles);
        wh_sqlarray_i64(&a[0], v[i].case_id);
        wh_sqlarray_i64(&a[1], v[i].purpose);
        wh_sqlarray_text(&a[2], roles);
        wh_sqlarray_i64(&a[3], v[i].priority);
        wh_sqlarray_i64(&a[4], v[i].duration_minutes);
        wh_sqlarray_text(&a[5], v[i].earliest_on);
        wh_sqlarray_text(&a[6], v[i].latest_on);
        wh_sqlarray_i64(&a[7], v[i].household_id);
    }
    PGresult *r = query_rows(db, "case_insert_visit_requests", a, 8, n, &rc);
    for (size_t i = 0; r != NULL && i < n; i++)
        ids[i] = wh_db_i64(r, (int)i, 0, 0);
    PQclear(r);
    return rc;
}

/*
 * store_merge.c — the SQL of intake's merges as case follows them (apply_merge.c,
 * migrations/0006_merges.sql and 0007_case_merges.sql): the merged household out of the outreach
 * queues and back, the risks intake recomputed, and the merged household's open case moved, folded
 * (closed as merged) or brought back, once per merge.  Joined to the other statements at start
 * (service.c).
 */
#include "case.h"

const wh_db_statement case_merge_statements[] = {
    {"case_merge_household", "UPDATE household SET merged_into = $1 WHERE household_id = $2"},
    {"case_unmerge_household",
     "UPDATE household SET merged_into = NULL, risk_score = $3 WHERE household_id = $2 AND merged_into = $1"},
    {"case_household_risk", "UPDATE household SET risk_score = $2 WHERE household_id = $1"},
    {"case_merge_record",
     "INSERT INTO case_merge (merge_id, household_id, merged_household_id) VALUES ($1, $2, $3) "
     "ON CONFLICT (merge_id) DO NOTHING RETURNING merge_id"},
    {"case_merge_note", "UPDATE case_merge SET case_id = $2, folded = $3 WHERE merge_id = $1"},
    {"case_merge_undo", "UPDATE case_merge SET unmerged = true WHERE merge_id = $1 AND NOT unmerged "
                        "RETURNING COALESCE(case_id, 0), folded"},
    {"case_open_case", "SELECT id FROM cases WHERE household_id = $1 AND status = 'open'"},
    {"case_move", "UPDATE cases SET household_id = $2 WHERE id = $1 AND status = 'open' AND NOT EXISTS "
                  "(SELECT 1 FROM cases o WHERE o.household_id = $2 AND o.status = 'open')"},
    {"case_reopen",
     "UPDATE cases c SET status = 'open', close_reason = 0, closed_on = NULL WHERE c.id = $1 AND "
     "c.status = 'closed' AND c.close_reason = $2 AND NOT EXISTS (SELECT 1 FROM cases o WHERE "
     "o.household_id = c.household_id AND o.status = 'open')"},
};
const size_t case_merge_statements_count = sizeof case_merge_statements / sizeof case_merge_statements[0];

/* A statement of two ids; *changed (may be NULL) when it changed a row. */
static int exec_pair_changed(wh_db *db, const char *stmt, int64_t a, int64_t b, bool *changed)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, a);
    wh_params_i64(&p, b);
    int64_t rc = wh_db_exec(db, stmt, &p);
    if (changed)
        *changed = rc > 0;
    return rc < 0 ? (int)rc : 0;
}

static int exec_pair(wh_db *db, const char *stmt, int64_t a, int64_t b)
{
    return exec_pair_changed(db, stmt, a, b, NULL);
}

int case_store_merge(wh_db *db, int64_t household_id, int64_t merged_household_id, int risk_score)
{
    int rc = exec_pair(db, "case_merge_household", household_id, merged_household_id);
    return rc < 0 ? rc : exec_pair(db, "case_household_risk", household_id, risk_score);
}

int case_store_unmerge(wh_db *db, int64_t household_id, int64_t restored_household_id, int risk_score,
                       int restored_risk_score)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, household_id);
    wh_params_i64(&p, restored_household_id);
    wh_params_i64(&p, restored_risk_score);
    int64_t rc = wh_db_exec(db, "case_unmerge_household", &p);
    return rc < 0 ? (int)rc : exec_pair(db, "case_household_risk", household_id, risk_score);
}

int case_store_merge_record(wh_db *db, int64_t merge_id, int64_t household_id, int64_t merged_household_id)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, merge_id);
    wh_params_i64(&p, household_id);
    wh_params_i64(&p, merged_household_id);
    int rc = wh_db_query_row(db, "case_merge_record", &p, &r);
    if (rc < 0)
        return rc;
    PQclear(r);
    return r ? 1 : 0;
}

int case_store_merge_note(wh_db *db, int64_t merge_id, int64_t case_id, bool folded)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, merge_id);
    wh_params_i64(&p, case_id);
    wh_params_bool(&p, folded);
    int64_t rc = wh_db_exec(db, "case_merge_note", &p);
    return rc < 0 ? (int)rc : 0;
}

int case_store_merge_undo(wh_db *db, int64_t merge_id, int64_t *case_id, bool *folded)
{
    wh_params p;
    PGresult *r;
    *case_id = 0;
    *folded = false;
    wh_params_reset(&p);
    wh_params_i64(&p, merge_id);
    int rc = wh_db_query_row(db, "case_merge_undo", &p, &r);
    if (rc < 0 || !r)
        return rc < 0 ? rc : 0;
    *case_id = wh_db_i64(r, 0, 0, 0);
    *folded = wh_db_text(r, 0, 1)[0] == 't';
    PQclear(r);
    return 1;
}

int case_store_open_case(wh_db *db, int64_t household_id, int64_t *case_id)
{
    wh_params p;
    PGresult *r;
    *case_id = 0;
    wh_params_reset(&p);
    wh_params_i64(&p, household_id);
    int rc = wh_db_query_row(db, "case_open_case", &p, &r);
    if (rc < 0)
        return rc;
    if (r)
        *case_id = wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    return 0;
}

int case_store_move(wh_db *db, int64_t case_id, int64_t household_id, bool *moved)
{
    return exec_pair_changed(db, "case_move", case_id, household_id, moved);
}

int case_store_reopen(wh_db *db, int64_t case_id, bool *reopened)
{
    return exec_pair_changed(db, "case_reopen", case_id, WELFARE__CASE__V1__CLOSE_REASON__CLOSE_REASON_MERGED,
                             reopened);
}

/*
 * store_merge.c — merges that can be undone (ResolveDuplicate MERGE, UnmergeHouseholds;
 * migrations/0010_merges.sql): a merge records the persons and referrals it moves; an unmerge moves
 * exactly those back (the ones still in the household that stayed), makes the other household live
 * again and recomputes both households' counters from their referrals.
 */
#include <stdlib.h>
#include <string.h>

#include "intake.h"
#include "wh/db_rows.h"

const wh_db_statement intake_merge_statements[] = {
    {"intake_merge_begin", "INSERT INTO household_merge (household_id, other_household_id, other_known) "
                           "SELECT $1, id, known_to_programme FROM household WHERE id = $2 RETURNING id"},
    {"intake_merge_persons",
     "WITH moved AS (UPDATE person SET household_id = $1 WHERE household_id = $2 RETURNING id) "
     "INSERT INTO household_merge_row (merge_id, person_id) SELECT $3, id FROM moved"},
    {"intake_merge_referrals",
     "WITH moved AS (UPDATE referral SET household_id = $1 WHERE household_id = $2 RETURNING id) "
     "INSERT INTO household_merge_row (merge_id, referral_id) SELECT $3, id FROM moved"},
    {"intake_merge_live",
     "SELECT m.id FROM household_merge m JOIN household o ON o.id = m.other_household_id "
     "WHERE m.household_id = $1 AND m.other_household_id = $2 AND m.unmerged_at IS NULL "
     "AND o.merged_into = $1"},
    {"intake_unmerge_persons",
     "UPDATE person p SET household_id = $2 FROM household_merge_row r "
     "WHERE r.merge_id = $3 AND r.person_id = p.id AND p.household_id = $1 RETURNING p.id"},
    {"intake_unmerge_referrals", "UPDATE referral f SET household_id = $2 FROM household_merge_row r "
                                 "WHERE r.merge_id = $3 AND r.referral_id = f.id AND f.household_id = $1"},
    /* Both households' counters from their referrals; the other one live with its own known flag. */
    {"intake_unmerge_recount",
     "UPDATE household h SET risk_score = x.risk, referral_count = x.n, first_reported_on = x.first_on, "
     "last_reported_on = x.last_on, "
     "merged_into = CASE WHEN h.id = $2 THEN NULL ELSE h.merged_into END, "
     "known_to_programme = CASE WHEN h.id = $2 THEN m.other_known ELSE h.known_to_programme END "
     "FROM (SELECT household_id, max(risk_score) AS risk, count(*) AS n, min(reported_on) AS first_on, "
     "max(reported_on) AS last_on FROM referral WHERE household_id IN ($1, $2) GROUP BY household_id) x, "
     "household_merge m WHERE h.id = x.household_id AND m.id = $3 RETURNING h.id, h.risk_score"},
    {"intake_unmerge_done", "UPDATE household_merge SET unmerged_at = now() WHERE id = $1"},
};
const size_t intake_merge_statements_count =
    sizeof intake_merge_statements / sizeof intake_merge_statements[0];

static void params3(wh_params *p, int64_t a, int64_t b, int64_t c)
{
    wh_params_reset(p);
    wh_params_i64(p, a);
    wh_params_i64(p, b);
    wh_params_i64(p, c);
}

static int64_t one_id(wh_db *db, const char *stmt, wh_params *p)
{
    PGresult *r;
    int rc = wh_db_query_row(db, stmt, p, &r);
    if (rc < 0)
        return rc;
    if (!r)
        return WH_NOT_FOUND;
    int64_t id = wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    return id;
}

int intake_store_merge(wh_db *db, int64_t id, int64_t other, intake_merge_result *out)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, id);
    wh_params_i64(&p, other);
    int64_t merge_id = one_id(db, "intake_merge_begin", &p);
    if (merge_id < 0)
        return (int)merge_id;
    params3(&p, id, other, merge_id);
    int64_t persons = wh_db_exec(db, "intake_merge_persons", &p);
    if (persons < 0)
        return (int)persons;
    int64_t referrals = wh_db_exec(db, "intake_merge_referrals", &p);
    if (referrals < 0)
        return (int)referrals;
    int rc = intake_store_fold(db, id, other, &out->risk_score);
    if (rc < 0)
        return rc;
    out->merge_id = merge_id;
    out->persons_moved = (int)persons;
    out->referrals_moved = (int)referrals;
    return 0;
}

int intake_store_merge_live(wh_db *db, int64_t id, int64_t other, int64_t *merge_id)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, id);
    wh_params_i64(&p, other);
    int64_t m = one_id(db, "intake_merge_live", &p);
    if (m < 0)
        return (int)m;
    *merge_id = m;
    return 0;
}

static int persons_back(wh_db *db, wh_params *p, intake_unmerge_result *out)
{
    PGresult *r = wh_db_query(db, "intake_unmerge_persons", p);
    if (!r)
        return wh_db_last_status(db);
    size_t n = (size_t)PQntuples(r);
    out->person_ids = malloc((n ? n : 1) * sizeof *out->person_ids);
    if (!out->person_ids) {
        PQclear(r);
        return WH_INTERNAL;
    }
    for (size_t i = 0; i < n; i++)
        out->person_ids[i] = wh_db_i64(r, (int)i, 0, 0);
    out->persons_moved = n;
    PQclear(r);
    return 0;
}

static int recount(wh_db *db, wh_params *p, int64_t id, intake_unmerge_result *out)
{
    PGresult *r = wh_db_query(db, "intake_unmerge_recount", p);
    if (!r)
        return wh_db_last_status(db);
    int rows = PQntuples(r);
    for (int i = 0; i < rows; i++) {
        int risk = (int)wh_db_i64(r, i, 1, 0);
        if (wh_db_i64(r, i, 0, 0) == id)
            out->risk_score = risk;
        else
            out->restored_risk_score = risk;
    }
    PQclear(r);
    return rows == 2 ? 0 : WH_INTERNAL; /* each household holds referrals again */
}

int intake_store_unmerge(wh_db *db, int64_t id, int64_t other, int64_t merge_id, intake_unmerge_result *out)
{
    wh_params p;
    memset(out, 0, sizeof *out);
    params3(&p, id, other, merge_id);
    int rc = persons_back(db, &p, out);
    int64_t referrals = rc < 0 ? rc : wh_db_exec(db, "intake_unmerge_referrals", &p);
    if (referrals < 0)
        return (int)referrals;
    out->referrals_moved = (int)referrals;
    if ((rc = recount(db, &p, id, out)) < 0)
        return rc;
    wh_params_reset(&p);
    wh_params_i64(&p, merge_id);
    int64_t done = wh_db_exec(db, "intake_unmerge_done", &p);
    return done < 0 ? (int)done : 0;
}

/*
 * store.c — the casework schema's SQL (writes and the small reads the handlers need): with
 * store_read.c the only files that talk to the database.
 *
 * Caseloads are counted from the open cases themselves (an index on staff_id of open cases), never
 * kept as a counter that could drift.  Inserts that may meet a unique index use ON CONFLICT DO
 * NOTHING, because a failed INSERT would abort the transaction an event is applied in.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "case.h"

#define ACTIVE_ON(d)                                                                                         \
    "w.active_from <= " d "::date AND (w.active_until IS NULL OR w.active_until >= " d "::date)"
#define OPEN_CASELOAD(w) "(SELECT count(*) FROM cases o WHERE o.staff_id = " w " AND o.status = 'open')"

const wh_db_statement case_statements[] = {
    {"case_upsert_dong",
     "INSERT INTO dong (dong_code, hub_dong_code, hub_type, latitude, longitude) VALUES ($1, $2, $3, $4, $5) "
     "ON CONFLICT (dong_code) DO UPDATE SET hub_dong_code = EXCLUDED.hub_dong_code, hub_type = "
     "EXCLUDED.hub_type, latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude"},
    {"case_hub_of", "SELECT hub_dong_code FROM dong WHERE dong_code = $1"},
    {"case_rehome_dong", "UPDATE cases SET hub_dong_code = $2 WHERE dong_code = $1 AND status = 'open' AND "
                         "hub_dong_code <> $2"},
    {"case_upsert_worker",
     "INSERT INTO worker (staff_id, hub_dong_code, role, employment, carries_cases, active_from) "
     "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (staff_id) DO UPDATE SET hub_dong_code = "
     "EXCLUDED.hub_dong_code, role = EXCLUDED.role, employment = EXCLUDED.employment, carries_cases = "
     "EXCLUDED.carries_cases, active_from = EXCLUDED.active_from, active_until = NULL"},
    {"case_worker_until", "UPDATE worker SET active_until = $2 WHERE staff_id = $1 RETURNING hub_dong_code"},
    {"case_worker_active",
     "SELECT " OPEN_CASELOAD("w.staff_id") " FROM worker w WHERE w.staff_id = $1 AND w.carries_cases AND "
                                           "w.hub_dong_code = $2 AND " ACTIVE_ON("$3")},
    {"case_worker_role", "SELECT role FROM worker WHERE staff_id = $1"},
    {"case_worker_hub", "SELECT hub_dong_code FROM worker WHERE staff_id = $1"},
    {"case_hub_workers", "SELECT w.staff_id, w.role, " OPEN_CASELOAD(
                             "w.staff_id") " FROM worker w "
                                           "WHERE w.hub_dong_code = $1 AND w.carries_cases AND " ACTIVE_ON(
                                               "$2") " ORDER BY w.staff_id"},
    {"case_release_departed",
     "WITH gone AS (SELECT c.id FROM cases c JOIN worker w ON w.staff_id = c.staff_id "
     "  WHERE c.status = 'open' AND c.staff_id IS NOT NULL AND c.hub_dong_code = $1 AND (NOT w.carries_cases "
     "  OR w.hub_dong_code <> $1 "
     "  OR w.active_until < $2::date)), "
     "ended AS (UPDATE assignment a SET ended_on = GREATEST($2::date, a.assigned_on) FROM gone "
     "  WHERE a.case_id = gone.id AND a.ended_on IS NULL) "
     "UPDATE cases c SET staff_id = NULL, assigned_on = NULL FROM gone WHERE c.id = gone.id"},
    /* The hub's waiting cases up to an id ($4): those a pass at that case's opening could see. */
    {"case_waiting",
     "SELECT id FROM cases WHERE hub_dong_code = $1 AND status = 'open' AND staff_id IS NULL AND "
     "opened_on <= $2::date AND id <= $4 ORDER BY risk_score DESC, opened_on, id LIMIT $3"},
    {"case_insert_case",
     "INSERT INTO cases (household_id, referral_id, dong_code, hub_dong_code, latitude, longitude, "
     "risk_score, opened_on, previous_case_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, (SELECT p.id FROM "
     "cases p "
     "WHERE p.household_id = $1 AND p.status = 'closed' ORDER BY p.closed_on DESC, p.id DESC LIMIT 1)) "
     "ON CONFLICT DO NOTHING RETURNING id"},
    {"case_open_case_of", "SELECT id FROM cases WHERE household_id = $1 AND status = 'open' UNION ALL "
                          "SELECT id FROM cases WHERE referral_id = $2 AND $2 <> 0 LIMIT 1"},
    {"case_raise_risk",
     "UPDATE cases SET risk_score = GREATEST(risk_score, $2), latitude = COALESCE($3, latitude), "
     "longitude = COALESCE($4, longitude) WHERE id = $1 AND status = 'open'"},
    {"case_case",
     "SELECT id, household_id, COALESCE(staff_id, 0), status = 'open', dong_code, hub_dong_code, latitude, "
     "longitude, risk_score, opened_on::text FROM cases WHERE id = $1"},
    {"case_end_assignment", "UPDATE assignment SET ended_on = GREATEST($2::date, assigned_on) "
                            "WHERE case_id = $1 AND ended_on IS NULL"},
    {"case_insert_assignment", "INSERT INTO assignment (case_id, staff_id, assigned_on) VALUES ($1, $2, $3)"},
    {"case_set_worker", "UPDATE cases SET staff_id = $2, assigned_on = $3 WHERE id = $1 AND status = 'open'"},
    {"case_close", "UPDATE cases SET status = 'closed', close_reason = $2, closed_on = $3 WHERE id = $1 AND "
                   "status = 'open'"},
    {"case_insert_assessment", "INSERT INTO assessment (case_id, assessed_on) VALUES ($1, $2) RETURNING id"},
    {"case_insert_need", "INSERT INTO need (assessment_id, domain, severity) VALUES ($1, $2, $3)"},
    {"case_domain_linked", "SELECT 1 FROM linkage WHERE case_id = $1 AND domain = $2 AND "
                           "status IN ('requested', 'completed') LIMIT 1"},
    {"case_insert_linkage", "INSERT INTO linkage (case_id, assessment_id, domain, severity, requested_on) "
                            "VALUES ($1, $2, $3, $4, $5) "
                            "ON CONFLICT DO NOTHING RETURNING id"},
    {"case_complete_linkage",
     "UPDATE linkage l SET status = 'completed', resource_id = $2, reservation_id = $3, completed_on = "
     "GREATEST($4::date, l.requested_on) FROM cases c WHERE l.id = $1 AND l.status = 'requested' AND "
     "c.id = l.case_id RETURNING l.case_id, c.dong_code, l.requested_on::text"},
    {"case_restored_reservation",
     "UPDATE linkage SET reservation_id = $3 WHERE id = $1 AND reservation_id = $2 AND status = 'completed'"},
    {"case_fail_linkage",
     "UPDATE linkage l SET status = 'failed', failure_reason = $2 FROM cases c WHERE l.id = $1 AND "
     "l.status = 'requested' AND c.id = l.case_id RETURNING l.case_id, c.dong_code, l.requested_on::text"},
    {"case_linkage_exists", "SELECT 1 FROM linkage WHERE id = $1"},
    {"case_insert_visit_request",
     "INSERT INTO visit_request (case_id, purpose, roles, priority, "
     "duration_minutes, earliest_on, latest_on, household_id) "
     "VALUES (NULLIF($1, 0), $2, $3::integer[], $4, $5, $6, $7, $8) RETURNING id"},
    {"case_insert_visit_outcome",
     "INSERT INTO visit_outcome (visit_id, visit_request_id, completed, miss_reason, outcome_on) "
     "SELECT $1, id, $3, $4, $5 FROM visit_request WHERE id = $2 ON CONFLICT DO NOTHING RETURNING 1"},
    {"case_visit_completed",
     "WITH r AS (UPDATE visit_request SET status = 'completed', visited_on = $2 WHERE id = $1 "
     "  RETURNING case_id) "
     "UPDATE cases c SET last_visit_on = GREATEST(c.last_visit_on, $2::date) FROM r WHERE c.id = r.case_id"},
    {"case_visit_missed", "UPDATE visit_request SET misses = misses + 1 WHERE id = $1"},
    {"case_insert_follow_up",
     "INSERT INTO follow_up (case_id, kind, note_sealed, recorded_on, visit_request_id) "
     "VALUES ($1, $2, $3, $4, $5) RETURNING id"},
    {"case_counts",
     "SELECT count(*) FILTER (WHERE status = 'open'), "
     "count(*) FILTER (WHERE status = 'open' AND staff_id IS NULL), "
     "(SELECT count(*) FROM worker w WHERE w.carries_cases AND w.active_from <= CURRENT_DATE AND "
     "(w.active_until IS NULL OR w.active_until >= CURRENT_DATE)), "
     "COALESCE((SELECT max(n) FROM (SELECT count(*) AS n FROM cases WHERE status = 'open' AND staff_id IS "
     "NOT NULL GROUP BY staff_id) x), 0), (SELECT count(*) FROM household h WHERE h.escalated_on IS NOT "
     "NULL), "
     "(SELECT count(*) FROM household h WHERE h.decision_since IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
     "cases o "
     "WHERE o.household_id = h.household_id AND o.status = 'open')) FROM cases"},
    /* store_read.c */
    {"case_read_summary",
     "SELECT id, household_id, dong_code, hub_dong_code, status, risk_score, COALESCE(staff_id, 0), "
     "opened_on::text, assigned_on::text, closed_on::text, close_reason, last_visit_on::text, "
     "COALESCE(previous_case_id, 0) FROM cases "
     "WHERE id = $1"},
    {"case_read_assessments",
     "SELECT a.id, a.assessed_on::text, n.domain, n.severity FROM assessment a JOIN need n ON "
     "n.assessment_id = a.id WHERE a.case_id = $1 ORDER BY a.id, n.domain"},
    {"case_read_linkages",
     "SELECT id, domain, severity, status, requested_on::text, resource_id, reservation_id, "
     "completed_on::text, failure_reason FROM linkage WHERE case_id = $1 ORDER BY id"},
    {"case_read_visits",
     "SELECT id, purpose, roles::text, priority, earliest_on::text, latest_on::text, status, "
     "visited_on::text, misses FROM visit_request WHERE case_id = $1 ORDER BY id"},
    {"case_read_follow_ups",
     "SELECT id, kind, recorded_on::text, note_sealed, visit_request_id FROM follow_up WHERE case_id = $1 "
     "ORDER BY id"},
    {"case_read_assignments",
     "SELECT staff_id, assigned_on::text, ended_on::text FROM assignment WHERE case_id = $1 ORDER BY id"},
    {"case_list",
     "SELECT id, household_id, dong_code, hub_dong_code, status, risk_score, COALESCE(staff_id, 0), "
     "opened_on::text, assigned_on::text, closed_on::text, close_reason, last_visit_on::text, "
     "COALESCE(previous_case_id, 0) FROM cases "
     "WHERE ($1 = '' OR dong_code = $1) AND ($2 = '' OR hub_dong_code = $2) AND ($3 = '' OR status = $3) "
     "AND ($4::bigint = 0 OR staff_id = $4::bigint) AND (NOT $5::boolean OR (status = 'open' AND staff_id "
     "IS NULL)) AND id > $6 ORDER BY id LIMIT $7"},
};
const size_t case_statements_count = sizeof case_statements / sizeof case_statements[0];

const wh_db_statement *case_all_statements(size_t *n)
{
    static const wh_db_statement_part parts[] = {
        {case_statements, &case_statements_count},
        {case_outreach_statements, &case_outreach_statements_count},
        {case_batch_statements, &case_batch_statements_count},
        {case_merge_statements, &case_merge_statements_count},
    };
    return wh_db_statements_join(parts, sizeof parts / sizeof parts[0], n);
}

static int exec(wh_db *db, const char *stmt, const wh_params *p, int64_t *affected)
{
    int64_t n = wh_db_exec(db, stmt, p);
    if (n < 0)
        return (int)n;
    if (affected)
        *affected = n;
    return 0;
}

static int returning_id(wh_db *db, const char *stmt, const wh_params *p, int64_t *id, bool *got)
{
    PGresult *r;
    int rc = wh_db_query_row(db, stmt, p, &r);
    if (rc < 0)
        return rc;
    *got = r != NULL;
    *id = r ? wh_db_i64(r, 0, 0, 0) : 0;
    PQclear(r);
    return 0;
}

static int insert_id(wh_db *db, const char *stmt, const wh_params *p, int64_t *id)
{
    bool got;
    int rc = returning_id(db, stmt, p, id, &got);
    return rc < 0 ? rc : got ? 0 : WH_INTERNAL;
}

static void copy_text(char *out, size_t cap, const char *v)
{
    snprintf(out, cap, "%s", v ? v : "");
}

static void location(wh_params *p, bool has, double lat, double lon)
{
    if (has) {
        wh_params_f64(p, lat);
        wh_params_f64(p, lon);
    } else {
        wh_params_text(p, NULL);
        wh_params_text(p, NULL);
    }
}

/* --- dongs and workers ------------------------------------------------------------------------ */

int case_store_upsert_dong(wh_db *db, const Welfare__Routing__V1__DongDefined *d, const char *hub)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, d->dong_code);
    wh_params_text(&p, hub);
    wh_params_i64(&p, d->hub_type);
    location(&p, d->centre != NULL, d->centre ? d->centre->latitude : 0,
             d->centre ? d->centre->longitude : 0);
    return exec(db, "case_upsert_dong", &p, NULL);
}

int case_store_hub_of(wh_db *db, const char *dong_code, char hub[CASE_CODE_MAX + 1], bool *found)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_text(&p, dong_code);
    int rc = wh_db_query_row(db, "case_hub_of", &p, &r);
    if (rc < 0)
        return rc;
    *found = r != NULL;
    copy_text(hub, CASE_CODE_MAX + 1, r ? wh_db_text(r, 0, 0) : dong_code);
    PQclear(r);
    return 0;
}

int case_store_rehome_dong(wh_db *db, const char *dong_code, const char *hub, int64_t *moved)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, dong_code);
    wh_params_text(&p, hub);
    return exec(db, "case_rehome_dong", &p, moved);
}

int case_store_upsert_worker(wh_db *db, const Welfare__Routing__V1__StaffRegistered *s, bool carries)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, s->staff_id);
    wh_params_text(&p, s->hub_dong_code);
    wh_params_i64(&p, s->role);
    wh_params_i64(&p, s->employment);
    wh_params_bool(&p, carries);
    wh_params_text(&p, s->active_from);
    return exec(db, "case_upsert_worker", &p, NULL);
}

int case_store_worker_hub(wh_db *db, int64_t staff_id, char hub[CASE_CODE_MAX + 1], bool *found)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, staff_id);
    int rc = wh_db_query_row(db, "case_worker_hub", &p, &r);
    if (rc < 0)
        return rc;
    *found = r != NULL;
    copy_text(hub, CASE_CODE_MAX + 1, r ? wh_db_text(r, 0, 0) : "");
    PQclear(r);
    return 0;
}

int case_store_worker_until(wh_db *db, int64_t staff_id, const char *until, char hub[CASE_CODE_MAX + 1])
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, staff_id);
    wh_params_text(&p, until);
    int rc = wh_db_query_row(db, "case_worker_until", &p, &r);
    if (rc < 0)
        return rc;
    if (!r)
        return WH_NOT_FOUND;
    copy_text(hub, CASE_CODE_MAX + 1, wh_db_text(r, 0, 0));
    PQclear(r);
    return 0;
}

int case_store_worker_active(wh_db *db, int64_t staff_id, const char *hub, const char *date, bool *active,
                             int *caseload)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, staff_id);
    wh_params_text(&p, hub);
    wh_params_text(&p, date);
    int rc = wh_db_query_row(db, "case_worker_active", &p, &r);
    if (rc < 0)
        return rc;
    *active = r != NULL;
    *caseload = r ? (int)wh_db_i64(r, 0, 0, 0) : 0;
    PQclear(r);
    return 0;
}

int case_worker_role(wh_ctx *ctx, const case_record *c, int *role)
{
    wh_params p;
    PGresult *r;
    *role = CASE_ROLE_OFFICIAL;
    if (c->staff_id == 0)
        return 0;
    wh_params_reset(&p);
    wh_params_i64(&p, c->staff_id);
    int rc = wh_db_query_row(wh_ctx_db(ctx), "case_worker_role", &p, &r);
    if (rc < 0)
        return rc;
    if (r)
        *role = (int)wh_db_i64(r, 0, 0, CASE_ROLE_OFFICIAL);
    PQclear(r);
    return 0;
}

int case_store_hub_workers(wh_ctx *ctx, const char *hub, const char *date, case_worker **out, size_t *n)
{
    wh_params p;
    wh_db *db = wh_ctx_db(ctx);
    wh_params_reset(&p);
    wh_params_text(&p, hub);
    wh_params_text(&p, date);
    PGresult *r = wh_db_query(db, "case_hub_workers", &p);
    if (!r)
        return wh_db_last_status(db);
    int rows = PQntuples(r);
    case_worker *w = wh_ctx_alloc(ctx, sizeof *w * (size_t)(rows ? rows : 1));
    if (!w) {
        PQclear(r);
        return WH_INTERNAL;
    }
    for (int i = 0; i < rows; i++) {
        w[i].staff_id = wh_db_i64(r, i, 0, 0);
        w[i].role = (int)wh_db_i64(r, i, 1, 0);
        w[i].caseload = (int)wh_db_i64(r, i, 2, 0);
    }
    PQclear(r);
    *out = w;
    *n = (size_t)rows;
    return 0;
}

int case_store_release_departed(wh_db *db, const char *hub, const char *date, int64_t *released)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, hub);
    wh_params_text(&p, date);
    return exec(db, "case_release_departed", &p, released);
}

int case_store_waiting_upto(wh_ctx *ctx, const char *hub, const char *date, int limit, int64_t upto,
                            int64_t **ids, size_t *n)
{
    wh_params p;
    wh_db *db = wh_ctx_db(ctx);
    wh_params_reset(&p);
    wh_params_text(&p, hub);
    wh_params_text(&p, date);
    wh_params_i64(&p, limit);
    wh_params_i64(&p, upto);
    PGresult *r = wh_db_query(db, "case_waiting", &p);
    if (!r)
        return wh_db_last_status(db);
    int rows = PQntuples(r);
    int64_t *v = wh_ctx_alloc(ctx, sizeof *v * (size_t)(rows ? rows : 1));
    for (int i = 0; v != NULL && i < rows; i++)
        v[i] = wh_db_i64(r, i, 0, 0);
    PQclear(r);
    if (v == NULL)
        return WH_INTERNAL;
    *ids = v;
    *n = (size_t)rows;
    return 0;
}

int case_store_waiting(wh_ctx *ctx, const char *hub, const char *date, int limit, int64_t **ids, size_t *n)
{
    return case_store_waiting_upto(ctx, hub, date, limit, INT64_MAX, ids, n);
}

/* --- cases ------------------------------------------------------------------------------------ */

int case_store_open_case_of(wh_db *db, int64_t household_id, int64_t referral_id, int64_t *id)
{
    wh_params p;
    bool found;
    wh_params_reset(&p);
    wh_params_i64(&p, household_id);
    wh_params_i64(&p, referral_id);
    int rc = returning_id(db, "case_open_case_of", &p, id, &found);
    return rc < 0 ? rc : found ? 0 : WH_INTERNAL;
}

int case_store_insert_case(wh_db *db, const case_opening *o, const char *hub, int64_t *id, bool *created)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, o->household_id);
    wh_params_i64(&p, o->referral_id);
    wh_params_text(&p, o->dong_code);
    wh_params_text(&p, hub);
    location(&p, o->has_location, o->latitude, o->longitude);
    wh_params_i64(&p, o->risk_score);
    wh_params_text(&p, o->opened_on);
    int rc = returning_id(db, "case_insert_case", &p, id, created);
    if (rc < 0 || *created)
        return rc;
    return case_store_open_case_of(db, o->household_id, o->referral_id, id);
}

int case_store_raise_risk(wh_db *db, int64_t case_id, int risk_score, const case_opening *o)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    wh_params_i64(&p, risk_score);
    location(&p, o->has_location, o->latitude, o->longitude);
    return exec(db, "case_raise_risk", &p, NULL);
}

int case_store_case(wh_db *db, int64_t case_id, case_record *out)
{
    PGresult *r;
    memset(out, 0, sizeof *out);
    int rc = wh_db_row_by_id(db, "case_case", case_id, &r);
    if (rc != 0)
        return rc;
    out->id = wh_db_i64(r, 0, 0, 0);
    out->household_id = wh_db_i64(r, 0, 1, 0);
    out->staff_id = wh_db_i64(r, 0, 2, 0);
    out->open = wh_db_text(r, 0, 3)[0] == 't';
    copy_text(out->dong_code, sizeof out->dong_code, wh_db_text(r, 0, 4));
    copy_text(out->hub_dong_code, sizeof out->hub_dong_code, wh_db_text(r, 0, 5));
    out->has_location = !PQgetisnull(r, 0, 6) && !PQgetisnull(r, 0, 7);
    out->latitude = wh_db_f64(r, 0, 6, 0.0);
    out->longitude = wh_db_f64(r, 0, 7, 0.0);
    out->risk_score = (int)wh_db_i64(r, 0, 8, 0);
    copy_text(out->opened_on, sizeof out->opened_on, wh_db_text(r, 0, 9));
    PQclear(r);
    return 0;
}

static int end_assignment(wh_db *db, int64_t case_id, const char *date)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    wh_params_text(&p, date);
    return exec(db, "case_end_assignment", &p, NULL);
}

int case_store_assign(wh_db *db, int64_t case_id, int64_t staff_id, const char *date)
{
    wh_params p;
    int64_t n = 0;
    int rc = end_assignment(db, case_id, date);
    if (rc < 0)
        return rc;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    wh_params_i64(&p, staff_id);
    wh_params_text(&p, date);
    if ((rc = exec(db, "case_set_worker", &p, &n)) < 0)
        return rc;
    if (n == 0)
        return WH_FAILED_PRECONDITION; /* closed meanwhile */
    return exec(db, "case_insert_assignment", &p, NULL);
}

int case_store_close(wh_db *db, int64_t case_id, int reason, const char *date)
{
    wh_params p;
    int64_t n = 0;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    wh_params_i64(&p, reason);
    wh_params_text(&p, date);
    int rc = exec(db, "case_close", &p, &n);
    if (rc < 0)
        return rc;
    if (n == 0)
        return WH_FAILED_PRECONDITION;
    return end_assignment(db, case_id, date);
}

/* --- assessments and linkages ----------------------------------------------------------------- */

int case_store_insert_assessment(wh_db *db, int64_t case_id, const char *date, int64_t *id)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    wh_params_text(&p, date);
    return insert_id(db, "case_insert_assessment", &p, id);
}

int case_store_insert_need(wh_db *db, int64_t assessment_id, int domain, int severity)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, assessment_id);
    wh_params_i64(&p, domain);
    wh_params_i64(&p, severity);
    return exec(db, "case_insert_need", &p, NULL);
}

int case_store_domain_linked(wh_db *db, int64_t case_id, int domain, bool *linked)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    wh_params_i64(&p, domain);
    int rc = wh_db_query_row(db, "case_domain_linked", &p, &r);
    *linked = r != NULL;
    PQclear(r);
    return rc;
}

int case_store_insert_linkage(wh_db *db, int64_t case_id, int64_t assessment_id, int domain, int severity,
                              const char *date, int64_t *id)
{
    wh_params p;
    bool got;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    if (assessment_id > 0)
        wh_params_i64(&p, assessment_id);
    else
        wh_params_text(&p, NULL);
    wh_params_i64(&p, domain);
    wh_params_i64(&p, severity);
    wh_params_text(&p, date);
    int rc = returning_id(db, "case_insert_linkage", &p, id, &got);
    return rc < 0 ? rc : got ? 0 : WH_ALREADY_EXISTS;
}

/* The answer's row, or why there is none: unknown linkage, or one answered already. */
static int linkage_answered(wh_db *db, const char *stmt, const wh_params *p, int64_t linkage_id,
                            case_linkage_answer *out)
{
    PGresult *r;
    int rc = wh_db_query_row(db, stmt, p, &r);
    if (rc < 0)
        return rc;
    if (r) {
        out->case_id = wh_db_i64(r, 0, 0, 0);
        copy_text(out->dong_code, sizeof out->dong_code, wh_db_text(r, 0, 1));
        copy_text(out->requested_on, sizeof out->requested_on, wh_db_text(r, 0, 2));
        PQclear(r);
        return 0;
    }
    wh_params q;
    wh_params_reset(&q);
    wh_params_i64(&q, linkage_id);
    if ((rc = wh_db_query_row(db, "case_linkage_exists", &q, &r)) < 0)
        return rc;
    rc = r ? WH_FAILED_PRECONDITION : WH_NOT_FOUND;
    PQclear(r);
    return rc;
}

int case_store_complete_linkage(wh_db *db, int64_t linkage_id, int64_t resource_id, int64_t reservation_id,
                                const char *date, case_linkage_answer *out)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, linkage_id);
    wh_params_i64(&p, resource_id);
    wh_params_i64(&p, reservation_id);
    wh_params_text(&p, date);
    return linkage_answered(db, "case_complete_linkage", &p, linkage_id, out);
}

int case_store_restored_reservation(wh_db *db, int64_t linkage_id, int64_t released_id,
                                    int64_t reservation_id)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, linkage_id);
    wh_params_i64(&p, released_id);
    wh_params_i64(&p, reservation_id);
    int64_t n = wh_db_exec(db, "case_restored_reservation", &p);
    return n < 0 ? (int)n : 0;
}

int case_store_fail_linkage(wh_db *db, int64_t linkage_id, const char *reason, case_linkage_answer *out)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, linkage_id);
    wh_params_text(&p, reason);
    return linkage_answered(db, "case_fail_linkage", &p, linkage_id, out);
}

/* --- visits and follow-ups -------------------------------------------------------------------- */

void case_roles_literal(const case_visit *v, char out[CASE_ROLES_LITERAL])
{
    size_t used = (size_t)snprintf(out, CASE_ROLES_LITERAL, "{");
    for (int i = 0; i < v->n_roles && i < CASE_MAX_ROLES; i++)
        used += (size_t)snprintf(out + used, CASE_ROLES_LITERAL - used, "%s%d", i ? "," : "", v->roles[i]);
    snprintf(out + used, CASE_ROLES_LITERAL - used, "}");
}

int case_store_insert_visit_request(wh_db *db, const case_visit *v, int64_t *id)
{
    char roles[CASE_ROLES_LITERAL];
    case_roles_literal(v, roles);
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, v->case_id);
    wh_params_i64(&p, v->purpose);
    wh_params_text(&p, roles);
    wh_params_i64(&p, v->priority);
    wh_params_i64(&p, v->duration_minutes);
    wh_params_text(&p, v->earliest_on);
    wh_params_text(&p, v->latest_on);
    wh_params_i64(&p, v->household_id);
    return insert_id(db, "case_insert_visit_request", &p, id);
}

int case_store_visit_outcome(wh_db *db, int64_t visit_id, int64_t visit_request_id, bool completed,
                             int miss_reason, const char *date, bool *fresh)
{
    wh_params p;
    int64_t one;
    wh_params_reset(&p);
    wh_params_i64(&p, visit_id);
    wh_params_i64(&p, visit_request_id);
    wh_params_bool(&p, completed);
    wh_params_i64(&p, miss_reason);
    wh_params_text(&p, date);
    int rc = returning_id(db, "case_insert_visit_outcome", &p, &one, fresh);
    if (rc < 0 || !*fresh)
        return rc;
    wh_params_reset(&p);
    wh_params_i64(&p, visit_request_id);
    if (completed)
        wh_params_text(&p, date);
    return exec(db, completed ? "case_visit_completed" : "case_visit_missed", &p, NULL);
}

int case_store_insert_follow_up(wh_db *db, int64_t case_id, int kind, const char *sealed_note,
                                const char *date, int64_t visit_request_id, int64_t *id)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    wh_params_i64(&p, kind);
    wh_params_text(&p, sealed_note ? sealed_note : "");
    wh_params_text(&p, date);
    wh_params_i64(&p, visit_request_id);
    return insert_id(db, "case_insert_follow_up", &p, id);
}

int case_store_counts(wh_db *db, case_counts *out)
{
    PGresult *r;
    wh_params p;
    wh_params_reset(&p);
    int rc = wh_db_query_row(db, "case_counts", &p, &r);
    if (rc < 0 || !r)
        return rc < 0 ? rc : WH_INTERNAL;
    out->open = wh_db_i64(r, 0, 0, 0);
    out->unassigned = wh_db_i64(r, 0, 1, 0);
    out->workers = wh_db_i64(r, 0, 2, 0);
    out->max_caseload = wh_db_i64(r, 0, 3, 0);
    out->escalated = wh_db_i64(r, 0, 4, 0);
    out->rereferred = wh_db_i64(r, 0, 5, 0);
    PQclear(r);
    return 0;
}

/*
 * store_outreach.c — the SQL of outreach to any identified household: the households, their home
 * visits, the watch (failed attempts, escalation, the end of the watch) and the lists of due visits
 * and escalations.  The statements join case_statements when the service starts (service.c).
 */
#include <stdio.h>
#include <string.h>

#include "case.h"
#include "wh/db_rows.h"

#include "wh/util.h"

#define HUB_OF(h)                                                                                            \
    "COALESCE((SELECT d.hub_dong_code FROM dong d WHERE d.dong_code = " h ".dong_code), " h ".dong_code)"
#define CYCLE_OF(h)                                                                                          \
    "(SELECT b.days FROM unnest($2::integer[], $3::integer[]) AS b(min_risk, days) WHERE " h                 \
    ".risk_score >= b.min_risk ORDER BY b.min_risk DESC LIMIT 1)"

const wh_db_statement case_outreach_statements[] = {
    {"case_upsert_household",
     "WITH prior AS (SELECT EXISTS (SELECT 1 FROM cases c WHERE c.household_id = $1 AND c.status = 'closed') "
     "  AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.household_id = $1 AND c.status = 'open') AS closed) "
     "INSERT INTO household (household_id, dong_code, latitude, longitude, risk_score, identified_on, "
     "decision_since) SELECT $1, $2, $3, $4, $5, $6, CASE WHEN prior.closed THEN $6::date END FROM prior "
     "ON CONFLICT (household_id) DO UPDATE SET dong_code = EXCLUDED.dong_code, latitude = "
     "COALESCE(EXCLUDED.latitude, household.latitude), longitude = COALESCE(EXCLUDED.longitude, "
     "household.longitude), risk_score = EXCLUDED.risk_score, watch_ended_on = NULL, decision_since = "
     "COALESCE(household.decision_since, EXCLUDED.decision_since) "
     "RETURNING (SELECT closed FROM prior)"},
    {"case_household",
     "SELECT h.household_id, COALESCE((SELECT c.id FROM cases c WHERE c.household_id = h.household_id AND "
     "c.status = 'open'), 0), h.dong_code, " HUB_OF(
         "h") ", h.latitude, h.longitude, h.risk_score, "
              "h.failed_attempts, h.identified_on::text, h.escalated_on IS NOT NULL, h.watch_ended_on IS NOT "
              "NULL "
              "FROM household h WHERE h.household_id = $1"},
    {"case_insert_home_visit",
     "INSERT INTO home_visit (household_id, case_id, visit_id, visited_on, outcome, roles, need_domains, "
     "need_severities, note_sealed, follow_up_on, detailed) VALUES ($1, $2, $3, $4, $5, $6::integer[], "
     "$7::integer[], $8::integer[], $9, NULLIF($10, '')::date, $11) ON CONFLICT DO NOTHING RETURNING id"},
    {"case_planned_visit",
     "SELECT id, outcome, detailed, household_id, visited_on::text FROM home_visit WHERE visit_id = $1 AND "
     "visit_id <> 0"},
    {"case_detail_home_visit",
     "UPDATE home_visit SET outcome = $2, roles = $3::integer[], need_domains = $4::integer[], "
     "need_severities = $5::integer[], note_sealed = $6, follow_up_on = NULLIF($7, '')::date, detailed = "
     "true "
     "WHERE id = $1 AND NOT detailed"},
    {"case_household_attempt",
     "UPDATE household SET "
     "failed_attempts = CASE WHEN $2 = 'failed' THEN failed_attempts + 1 WHEN $2 = 'met' THEN 0 "
     "  ELSE failed_attempts END, "
     "last_met_on = CASE WHEN $2 = 'met' THEN GREATEST(last_met_on, $3::date) ELSE last_met_on END, "
     "escalated_on = CASE WHEN $2 = 'met' THEN NULL WHEN $2 = 'failed' AND escalated_on IS NULL AND "
     "  failed_attempts + 1 >= $4 THEN $3::date ELSE escalated_on END, "
     "watch_ended_on = CASE WHEN $2 = 'ended' THEN $3::date ELSE watch_ended_on END "
     "WHERE household_id = $1 "
     "RETURNING failed_attempts, escalated_on IS NOT NULL AND $2 = 'failed' AND failed_attempts = $4"},
    {"case_request_household", "SELECT COALESCE(household_id, 0) FROM visit_request WHERE id = $1"},
    {"case_list_due",
     "WITH w AS (SELECT h.household_id, h.dong_code, h.risk_score, h.last_met_on, " CYCLE_OF(
         "h") " AS cycle, "
              "  COALESCE(h.last_met_on, h.identified_on) AS since FROM household h "
              "  WHERE " HUB_OF(
                  "h") " = $1 AND h.watch_ended_on IS NULL AND h.escalated_on IS NULL AND h.merged_into IS "
                       "NULL), "
                       "d AS (SELECT w.*, (w.since + w.cycle) AS due_on, EXISTS (SELECT 1 FROM visit_request "
                       "v WHERE "
                       "  v.household_id = w.household_id AND v.status = 'requested') AS requested FROM w "
                       "WHERE w.cycle IS NOT NULL) "
                       "SELECT household_id, dong_code, risk_score, cycle, COALESCE(last_met_on::text, ''), "
                       "due_on::text, "
                       "requested FROM d WHERE due_on <= $4::date AND (NOT $5::boolean OR due_on < $4::date) "
                       "AND "
                       "(NOT $6::boolean OR NOT requested) ORDER BY due_on, household_id LIMIT $7"},
    {"case_list_escalations",
     "SELECT h.household_id, h.dong_code, h.failed_attempts, h.escalated_on::text, COALESCE((SELECT c.id "
     "FROM "
     "cases c WHERE c.household_id = h.household_id AND c.status = 'open'), 0) FROM household h "
     "WHERE h.escalated_on IS NOT NULL AND h.merged_into IS NULL AND " HUB_OF(
         "h") " = $1 ORDER BY h.escalated_on, h.household_id LIMIT $2"},
    /* the case plan and team (store_plan.c) */
    {"case_upsert_goal",
     "INSERT INTO case_goal (case_id, domain, status, target_on, note_sealed, set_on) VALUES ($1, $2, $3, "
     "NULLIF($4, '')::date, $5, $6) ON CONFLICT (case_id, domain) DO UPDATE SET status = EXCLUDED.status, "
     "target_on = EXCLUDED.target_on, note_sealed = CASE WHEN EXCLUDED.note_sealed <> '' THEN "
     "EXCLUDED.note_sealed ELSE case_goal.note_sealed END, set_on = EXCLUDED.set_on RETURNING id"},
    {"case_staff_at_hub", "SELECT 1 FROM worker w WHERE w.staff_id = $1 AND w.hub_dong_code = $2 AND "
                          "w.active_from <= $3::date AND "
                          "(w.active_until IS NULL OR w.active_until >= $3::date)"},
    {"case_team_join",
     "INSERT INTO case_team (case_id, staff_id, role, from_on) VALUES ($1, $2, $3, $4) ON CONFLICT (case_id, "
     "staff_id) DO UPDATE SET role = EXCLUDED.role, from_on = CASE WHEN case_team.until_on IS NULL THEN "
     "case_team.from_on ELSE EXCLUDED.from_on END, until_on = NULL"},
    {"case_team_leave",
     "UPDATE case_team SET until_on = GREATEST($3::date, from_on) WHERE case_id = $1 AND staff_id = $2 AND "
     "until_on IS NULL"},
    {"case_team_size", "SELECT count(*) FROM case_team WHERE case_id = $1 AND until_on IS NULL"},
    {"case_read_goals",
     "SELECT id, domain, status, COALESCE(target_on::text, ''), note_sealed, set_on::text FROM case_goal "
     "WHERE case_id = $1 ORDER BY domain"},
    {"case_read_team",
     "SELECT staff_id, role, from_on::text, COALESCE(until_on::text, '') FROM case_team WHERE case_id = $1 "
     "ORDER BY staff_id"},
    {"case_decided",
     "UPDATE household SET decision_since = NULL WHERE household_id = $1 AND decision_since IS NOT NULL"},
    {"case_list_rereferrals",
     "SELECT h.household_id, h.dong_code, h.risk_score, h.decision_since::text, "
     "COALESCE((SELECT c.id FROM cases c "
     "WHERE c.household_id = h.household_id AND c.status = 'closed' ORDER BY "
     "c.closed_on DESC, c.id DESC LIMIT 1), 0) "
     "FROM household h WHERE h.decision_since IS NOT NULL AND h.merged_into IS NULL AND " HUB_OF(
         "h") " = $1 AND NOT EXISTS (SELECT 1 FROM "
              "cases o WHERE o.household_id = h.household_id AND o.status = 'open') "
              "ORDER BY h.decision_since, "
              "h.household_id LIMIT $2"},
    {"case_case_escalated",
     "SELECT h.escalated_on IS NOT NULL FROM cases c JOIN household h ON h.household_id = c.household_id "
     "WHERE c.id = $1"},
};
const size_t case_outreach_statements_count =
    sizeof case_outreach_statements / sizeof case_outreach_statements[0];

static void copy_text(char *out, size_t cap, const char *v)
{
    snprintf(out, cap, "%s", v ? v : "");
}

int case_store_upsert_household(wh_db *db, const Welfare__Intake__V1__HouseholdIdentified *ev,
                                const char *date, bool *had_closed_case)
{
    const Welfare__Common__V1__GeoPoint *at = ev->location;
    bool located =
        at && wh_geo_valid(at->latitude, at->longitude) && (at->latitude != 0.0 || at->longitude != 0.0);
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, ev->household_id);
    wh_params_text(&p, ev->dong_code);
    if (located) {
        wh_params_f64(&p, at->latitude);
        wh_params_f64(&p, at->longitude);
    } else {
        wh_params_text(&p, NULL);
        wh_params_text(&p, NULL);
    }
    wh_params_i64(&p, ev->risk_score);
    wh_params_text(&p, date);
    int rc = wh_db_query_row(db, "case_upsert_household", &p, &r);
    if (rc < 0)
        return rc;
    *had_closed_case = r && strcmp(wh_db_text(r, 0, 0), "t") == 0;
    PQclear(r);
    return 0;
}

int case_store_household(wh_db *db, int64_t household_id, case_household *out)
{
    PGresult *r;
    int rc = wh_db_row_by_id(db, "case_household", household_id, &r);
    if (rc != 0)
        return rc;
    memset(out, 0, sizeof *out);
    out->id = wh_db_i64(r, 0, 0, 0);
    out->open_case_id = wh_db_i64(r, 0, 1, 0);
    copy_text(out->dong_code, sizeof out->dong_code, wh_db_text(r, 0, 2));
    copy_text(out->hub_dong_code, sizeof out->hub_dong_code, wh_db_text(r, 0, 3));
    out->has_location = wh_db_text(r, 0, 4) != NULL && wh_db_text(r, 0, 5) != NULL;
    out->latitude = wh_db_f64(r, 0, 4, 0.0);
    out->longitude = wh_db_f64(r, 0, 5, 0.0);
    out->risk_score = (int)wh_db_i64(r, 0, 6, 0);
    out->failed_attempts = (int)wh_db_i64(r, 0, 7, 0);
    copy_text(out->identified_on, sizeof out->identified_on, wh_db_text(r, 0, 8));
    out->escalated = strcmp(wh_db_text(r, 0, 9), "t") == 0;
    out->watch_ended = strcmp(wh_db_text(r, 0, 10), "t") == 0;
    PQclear(r);
    return 0;
}

/* "{1,2}" from ints (n small). */
static void int_array(char *out, size_t cap, const int *v, size_t n)
{
    size_t used = (size_t)snprintf(out, cap, "{");
    for (size_t i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%d", i ? "," : "", v[i]);
    if (used < cap)
        snprintf(out + used, cap - used, "}");
}

static void need_arrays(const case_home_visit *v, char *domains, char *severities, size_t cap)
{
    int d[CASE_MAX_NEEDS], s[CASE_MAX_NEEDS];
    size_t n = v->n_needs < CASE_MAX_NEEDS ? v->n_needs : CASE_MAX_NEEDS;
    for (size_t i = 0; i < n; i++) {
        d[i] = v->needs[i]->domain;
        s[i] = v->needs[i]->severity;
    }
    int_array(domains, cap, d, n);
    int_array(severities, cap, s, n);
}

int case_store_insert_home_visit(wh_db *db, const case_home_visit *v, int64_t *id, bool *fresh)
{
    char roles[64], domains[64], severities[64];
    int_array(roles, sizeof roles, v->roles, (size_t)v->n_roles);
    need_arrays(v, domains, severities, sizeof domains);
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, v->household_id);
    wh_params_i64(&p, v->case_id);
    wh_params_i64(&p, v->visit_id);
    wh_params_text(&p, v->visited_on);
    wh_params_i64(&p, v->outcome);
    wh_params_text(&p, roles);
    wh_params_text(&p, domains);
    wh_params_text(&p, severities);
    wh_params_text(&p, v->note_sealed ? v->note_sealed : "");
    wh_params_text(&p, v->follow_up_on ? v->follow_up_on : "");
    wh_params_bool(&p, v->detailed);
    int rc = wh_db_query_row(db, "case_insert_home_visit", &p, &r);
    if (rc < 0)
        return rc;
    *fresh = r != NULL;
    *id = r ? wh_db_i64(r, 0, 0, 0) : 0;
    PQclear(r);
    return 0;
}

int case_store_planned_visit(wh_db *db, int64_t visit_id, int64_t *id, int *outcome, bool *detailed,
                             int64_t *household_id, char visited_on[11])
{
    PGresult *r;
    int rc = wh_db_row_by_id(db, "case_planned_visit", visit_id, &r);
    if (rc != 0)
        return rc;
    *id = wh_db_i64(r, 0, 0, 0);
    *outcome = (int)wh_db_i64(r, 0, 1, 0);
    *detailed = strcmp(wh_db_text(r, 0, 2), "t") == 0;
    *household_id = wh_db_i64(r, 0, 3, 0);
    copy_text(visited_on, 11, wh_db_text(r, 0, 4));
    PQclear(r);
    return 0;
}

int case_store_detail_home_visit(wh_db *db, int64_t id, const case_home_visit *v)
{
    char roles[64], domains[64], severities[64];
    int_array(roles, sizeof roles, v->roles, (size_t)v->n_roles);
    need_arrays(v, domains, severities, sizeof domains);
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, id);
    wh_params_i64(&p, v->outcome);
    wh_params_text(&p, roles);
    wh_params_text(&p, domains);
    wh_params_text(&p, severities);
    wh_params_text(&p, v->note_sealed ? v->note_sealed : "");
    wh_params_text(&p, v->follow_up_on ? v->follow_up_on : "");
    int64_t n = wh_db_exec(db, "case_detail_home_visit", &p);
    return n < 0 ? (int)n : n == 0 ? WH_ALREADY_EXISTS : 0;
}

int case_store_household_attempt(wh_db *db, int64_t household_id, int outcome, const char *date, int limit,
                                 int *failed_attempts, bool *escalated)
{
    const char *kind = outcome == CASE_OUTCOME_MET    ? "met"
                       : case_outcome_failed(outcome) ? "failed"
                                                      : "ended";
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, household_id);
    wh_params_text(&p, kind);
    wh_params_text(&p, date);
    wh_params_i64(&p, limit);
    int rc = wh_db_query_row(db, "case_household_attempt", &p, &r);
    if (rc < 0)
        return rc;
    if (!r)
        return WH_NOT_FOUND;
    *failed_attempts = (int)wh_db_i64(r, 0, 0, 0);
    *escalated = strcmp(wh_db_text(r, 0, 1), "t") == 0;
    PQclear(r);
    return 0;
}

int case_store_request_household(wh_db *db, int64_t visit_request_id, int64_t *household_id)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, visit_request_id);
    int rc = wh_db_query_row(db, "case_request_household", &p, &r);
    if (rc < 0)
        return rc;
    *household_id = r ? wh_db_i64(r, 0, 0, 0) : 0;
    PQclear(r);
    return 0;
}

static bool fill_due(wh_ctx *ctx, const PGresult *r, int i, void *message)
{
    Welfare__Case__V1__DueVisit *v = message;
    v->household_id = wh_db_i64(r, i, 0, 0);
    v->dong_code = wh_ctx_db_text(ctx, r, i, 1);
    v->risk_score = (int32_t)wh_db_i64(r, i, 2, 0);
    v->cycle_days = (int32_t)wh_db_i64(r, i, 3, 0);
    v->last_met_on = wh_ctx_db_text(ctx, r, i, 4);
    v->due_on = wh_ctx_db_text(ctx, r, i, 5);
    v->requested = strcmp(wh_db_text(r, i, 6), "t") == 0;
    return v->dong_code && v->last_met_on && v->due_on;
}

int case_store_list_due(wh_ctx *ctx, const char *hub, const char *as_of, bool overdue_only, bool unrequested,
                        int limit, Welfare__Case__V1__DueVisit ***out, size_t *n)
{
    const case_cycles *c = &case_settings_of(ctx)->cycles;
    char risks[128], days[128];
    int_array(risks, sizeof risks, c->min_risk, (size_t)c->n);
    int_array(days, sizeof days, c->days, (size_t)c->n);
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, hub);
    wh_params_text(&p, risks);
    wh_params_text(&p, days);
    wh_params_text(&p, as_of);
    wh_params_bool(&p, overdue_only);
    wh_params_bool(&p, unrequested);
    wh_params_i64(&p, limit);
    return wh_ctx_db_messages(ctx, wh_db_query(wh_ctx_db(ctx), "case_list_due", &p),
                              &welfare__case__v1__due_visit__descriptor, fill_due, (void ***)out, n);
}

/* The hub's households (hub "" for all), by statement: an escalation or a re-referral list. */
static int list_for_hub(wh_ctx *ctx, const char *statement, const char *hub, int limit,
                        const ProtobufCMessageDescriptor *type, wh_db_fill_fn fill, void ***out, size_t *n)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, hub);
    wh_params_i64(&p, limit);
    return wh_ctx_db_messages(ctx, wh_db_query(wh_ctx_db(ctx), statement, &p), type, fill, out, n);
}

static bool fill_escalation(wh_ctx *ctx, const PGresult *r, int i, void *message)
{
    Welfare__Case__V1__Escalation *v = message;
    v->household_id = wh_db_i64(r, i, 0, 0);
    v->dong_code = wh_ctx_db_text(ctx, r, i, 1);
    v->failed_attempts = (int32_t)wh_db_i64(r, i, 2, 0);
    v->escalated_on = wh_ctx_db_text(ctx, r, i, 3);
    v->case_id = wh_db_i64(r, i, 4, 0);
    return v->dong_code && v->escalated_on;
}

int case_store_list_escalations(wh_ctx *ctx, const char *hub, int limit, Welfare__Case__V1__Escalation ***out,
                                size_t *n)
{
    return list_for_hub(ctx, "case_list_escalations", hub, limit, &welfare__case__v1__escalation__descriptor,
                        fill_escalation, (void ***)out, n);
}

int case_store_case_escalated(wh_db *db, int64_t case_id, bool *escalated)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    int rc = wh_db_query_row(db, "case_case_escalated", &p, &r);
    if (rc < 0)
        return rc;
    *escalated = r && strcmp(wh_db_text(r, 0, 0), "t") == 0;
    PQclear(r);
    return 0;
}

int case_store_decided(wh_db *db, int64_t household_id)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, household_id);
    int64_t n = wh_db_exec(db, "case_decided", &p);
    return n < 0 ? (int)n : 0;
}

static bool fill_rereferral(wh_ctx *ctx, const PGresult *r, int i, void *message)
{
    Welfare__Case__V1__ReReferral *v = message;
    v->household_id = wh_db_i64(r, i, 0, 0);
    v->dong_code = wh_ctx_db_text(ctx, r, i, 1);
    v->risk_score = (int32_t)wh_db_i64(r, i, 2, 0);
    v->waiting_since = wh_ctx_db_text(ctx, r, i, 3);
    v->previous_case_id = wh_db_i64(r, i, 4, 0);
    return v->dong_code && v->waiting_since;
}

int case_store_list_rereferrals(wh_ctx *ctx, const char *hub, int limit, Welfare__Case__V1__ReReferral ***out,
                                size_t *n)
{
    return list_for_hub(ctx, "case_list_rereferrals", hub, limit, &welfare__case__v1__re_referral__descriptor,
                        fill_rereferral, (void ***)out, n);
}

/*
 * store.c — the routing schema's SQL: the only file that talks to the database.
 *
 * A day plan is stored as its visits (one row each, with the start and end minute), who goes on each
 * (visit_staff, with the position in that person's route and the travel to it), a summary per route
 * (day_route) and what was left out (unplaced).  Reading a plan back never needs the planner.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "routing.h"

#include "wh/sqlarray.h"

#define STAFF_COLUMNS "s.id, s.role, s.shift_start, s.shift_end"
#define STAFF_SKILLS  "array_to_json(s.skills)::text"
#define ACTIVE_ON_2   "s.active_from <= $2::date AND (s.active_until IS NULL OR s.active_until >= $2::date)"

const wh_db_statement routing_statements[] = {
    {"routing_dong", "SELECT hub_type, hub_dong_code, latitude, longitude FROM dong WHERE dong_code = $1"},
    {"routing_upsert_dong",
     "INSERT INTO dong (dong_code, name, hub_type, hub_dong_code, latitude, longitude) "
     "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dong_code) DO UPDATE SET name = EXCLUDED.name, "
     "hub_type = EXCLUDED.hub_type, hub_dong_code = EXCLUDED.hub_dong_code, latitude = EXCLUDED.latitude, "
     "longitude = EXCLUDED.longitude"},
    {"routing_insert_staff",
     "INSERT INTO staff (name, role, employment, hub_dong_code, shift_start, shift_end, skills, active_from) "
     "VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8) RETURNING id"},
    {"routing_deactivate_staff",
     "UPDATE staff SET active_until = $2 WHERE id = $1 AND active_until IS NULL AND active_from <= $2::date "
     "RETURNING hub_dong_code"},
    {"routing_staff_exists", "SELECT 1 FROM staff WHERE id = $1"},
    {"routing_insert_visit_request",
     "INSERT INTO visit_request (id, case_id, household_id, dong_code, hub_dong_code, latitude, longitude, "
     "roles, priority, duration_minutes, earliest_on, latest_on, window_start_minute, window_end_minute, "
     "skills, sequence, min_delay_minutes, max_delay_minutes, max_lateness_minutes) VALUES ($1, $2, $3, $4, "
     "$5, $6, $7, $8::integer[], $9, $10, $11, $12, $13, $14, $15::text[], $16, $17, $18, $19) "
     "ON CONFLICT (id) DO NOTHING"},
    {"routing_day_staff", "SELECT " STAFF_COLUMNS ", " STAFF_SKILLS
                          " FROM staff s WHERE s.hub_dong_code = $1 AND " ACTIVE_ON_2 " ORDER BY s.id"},
    {"routing_day_fixed",
     "SELECT v.id, v.visit_request_id, vr.case_id, vr.dong_code, COALESCE(vr.latitude, d.latitude), "
     "COALESCE(vr.longitude, d.longitude), v.start_minute, v.end_minute, vs.staff_id, "
     "vs.start_offset_minutes FROM visit v JOIN visit_request vr ON vr.id = v.visit_request_id "
     "JOIN visit_staff vs ON vs.visit_id = v.id LEFT JOIN dong d ON d.dong_code = vr.dong_code "
     "WHERE v.hub_dong_code = $1 AND v.plan_date = $2 AND v.status <> 'dropped' ORDER BY v.id, vs.staff_id"},
    {"routing_day_pending",
     "SELECT vr.id, vr.case_id, vr.dong_code, COALESCE(vr.latitude, d.latitude), "
     "COALESCE(vr.longitude, d.longitude), vr.roles::text, vr.priority, vr.duration_minutes, "
     "to_char(vr.latest_on, 'YYYYMMDD')::integer, vr.window_start_minute, vr.window_end_minute, "
     "array_to_json(vr.skills)::text, vr.sequence, vr.min_delay_minutes, vr.max_delay_minutes, "
     "vr.max_lateness_minutes FROM visit_request vr LEFT JOIN dong d ON d.dong_code = vr.dong_code "
     "WHERE vr.status = 'pending' AND vr.earliest_on <= $2::date AND (vr.hub_dong_code = $1 OR "
     "vr.dong_code IN (SELECT dong_code FROM dong WHERE hub_dong_code = $1)) "
     "ORDER BY vr.priority DESC, vr.latest_on, vr.id LIMIT $3"},
    {"routing_insert_visit",
     "INSERT INTO visit (visit_request_id, hub_dong_code, plan_date, start_minute, end_minute) "
     "VALUES ($1, $2, $3, $4, $5) RETURNING id"},
    {"routing_set_request_status", "UPDATE visit_request SET status = $2 WHERE id = $1"},
    {"routing_put_visit_staff",
     "INSERT INTO visit_staff (visit_id, staff_id, seq, travel_minutes, start_offset_minutes) "
     "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (visit_id, staff_id) DO UPDATE SET seq = EXCLUDED.seq, "
     "travel_minutes = EXCLUDED.travel_minutes"},
    {"routing_put_day_route",
     "INSERT INTO day_route (hub_dong_code, plan_date, staff_id, travel_minutes, return_minute) "
     "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hub_dong_code, plan_date, staff_id) DO UPDATE SET "
     "travel_minutes = EXCLUDED.travel_minutes, return_minute = EXCLUDED.return_minute"},
    {"routing_reset_unplaced", "DELETE FROM unplaced WHERE hub_dong_code = $1 AND plan_date = $2"},
    {"routing_insert_unplaced",
     "INSERT INTO unplaced (hub_dong_code, plan_date, visit_request_id, reason) VALUES ($1, $2, $3, $4)"},
    {"routing_mark_planned",
     "INSERT INTO day_plan (hub_dong_code, plan_date) VALUES ($1, $2) ON CONFLICT DO NOTHING"},
    {"routing_is_planned", "SELECT 1 FROM day_plan WHERE hub_dong_code = $1 AND plan_date = $2"},
    {"routing_plan_routes",
     "SELECT " STAFF_COLUMNS ", COALESCE(r.travel_minutes, 0), COALESCE(r.return_minute, s.shift_start) "
     "FROM staff s LEFT JOIN day_route r ON r.staff_id = s.id AND r.hub_dong_code = $1 AND r.plan_date = $2 "
     "WHERE (s.hub_dong_code = $1 AND " ACTIVE_ON_2 ") OR r.staff_id IS NOT NULL ORDER BY s.id"},
    {"routing_plan_stops",
     "SELECT vs.staff_id, v.id, v.visit_request_id, vr.case_id, vr.dong_code, "
     "v.start_minute + vs.start_offset_minutes, v.end_minute + vs.start_offset_minutes, "
     "vs.travel_minutes, (SELECT array_agg(x.staff_id ORDER BY x.staff_id) FROM visit_staff x "
     "WHERE x.visit_id = v.id)::text, CASE WHEN vr.window_end_minute > 0 THEN "
     "GREATEST(0, v.end_minute + vs.start_offset_minutes - vr.window_end_minute) ELSE 0 END "
     "FROM visit v JOIN visit_staff vs ON vs.visit_id = v.id JOIN visit_request vr ON vr.id = "
     "v.visit_request_id "
     "WHERE v.hub_dong_code = $1 AND v.plan_date = $2 ORDER BY vs.staff_id, vs.seq"},
    {"routing_plan_unplaced", "SELECT u.visit_request_id, vr.case_id, vr.dong_code, u.reason FROM unplaced u "
                              "JOIN visit_request vr ON vr.id = u.visit_request_id "
                              "WHERE u.hub_dong_code = $1 AND u.plan_date = $2 ORDER BY u.visit_request_id"},
    {"routing_visit", "SELECT v.visit_request_id, vr.case_id, v.status, vr.dong_code, v.plan_date::text, "
                      "(SELECT count(*) FROM visit_staff x WHERE x.visit_id = v.id) "
                      "FROM visit v JOIN visit_request vr ON vr.id = v.visit_request_id WHERE v.id = $1"},
    {"routing_set_visit_outcome", "UPDATE visit SET status = $2, miss_reason = $3, outcome_on = $4 WHERE id "
                                  "= $1 AND status = 'scheduled'"},
    {"routing_list_requests",
     "SELECT id, case_id, dong_code, hub_dong_code, roles::text, priority, duration_minutes, "
     "earliest_on::text, latest_on::text, status, sequence, min_delay_minutes, max_delay_minutes, "
     "max_lateness_minutes FROM visit_request "
     "WHERE ($1 = '' OR hub_dong_code = $1) AND ($2 = '' OR status = $2) AND id > $3 ORDER BY id LIMIT $4"},
    /* A case closed ($1 case, $2 closing date) or a household no longer to visit ($1 household, $2
     * date): its pending requests and the visits planned from that date on are dropped. */
    {"routing_drop_case", "WITH r AS (UPDATE visit_request vr SET status = 'dropped', dropped_reason = $3 "
                          "WHERE vr.case_id = $1 AND "
                          "vr.case_id <> 0 AND (vr.status = 'pending' OR (vr.status = 'scheduled' AND EXISTS "
                          "(SELECT 1 FROM visit v "
                          "WHERE v.visit_request_id = vr.id AND v.status = 'scheduled' AND v.plan_date >= "
                          "$2::date))) RETURNING vr.id) "
                          "UPDATE visit v SET status = 'dropped' FROM r WHERE v.visit_request_id = r.id AND "
                          "v.status = 'scheduled' "
                          "AND v.plan_date >= $2::date"},
    /* a case intake's merge moved to another household (case's CaseMoved): its open requests follow */
    {"routing_move_case", "UPDATE visit_request SET household_id = $2 WHERE case_id = $1 AND case_id <> 0 "
                          "AND status IN ('pending', 'scheduled')"},
    /* a case folded by a merge and reopened by its unmerge (case's CaseReopened, $1 the case, $2 its
     * household): the requests the fold dropped ("case merged") are pending again, to be planned anew */
    {"routing_restore_case",
     "UPDATE visit_request SET status = 'pending', dropped_reason = NULL, household_id = $2 "
     "WHERE case_id = $1 AND case_id <> 0 AND status = 'dropped' "
     "AND dropped_reason = 'case merged'"},
    {"routing_drop_household",
     "WITH r AS (UPDATE visit_request vr SET status = 'dropped', dropped_reason = $3 WHERE vr.household_id = "
     "$1 "
     "AND (vr.status = 'pending' OR (vr.status = 'scheduled' AND EXISTS (SELECT 1 FROM visit v WHERE "
     "v.visit_request_id = vr.id AND v.status = 'scheduled' AND v.plan_date >= $2::date))) RETURNING vr.id) "
     "UPDATE visit v SET status = 'dropped' FROM r WHERE v.visit_request_id = r.id AND v.status = "
     "'scheduled' "
     "AND v.plan_date >= $2::date"},
};
const size_t routing_statements_count = sizeof routing_statements / sizeof routing_statements[0];

static void two(wh_params *p, const char *a, const char *b)
{
    wh_params_reset(p);
    wh_params_text(p, a);
    wh_params_text(p, b);
}

static int exec(wh_db *db, const char *stmt, const wh_params *p)
{
    int64_t n = wh_db_exec(db, stmt, p);
    return n < 0 ? (int)n : 0;
}

static int copy_text(char *out, size_t cap, const char *v)
{
    snprintf(out, cap, "%s", v ? v : "");
    return 0;
}

size_t routing_parse_int_array(const char *text, int64_t *out, size_t max)
{
    size_t n = 0;
    if (!text)
        return 0;
    for (const char *s = text; *s && n < max;) {
        char *end;
        if (*s == '{' || *s == ',' || *s == '}' || *s == ' ') {
            s++;
            continue;
        }
        long long v = strtoll(s, &end, 10);
        if (end == s)
            break;
        out[n++] = v;
        s = end;
    }
    return n;
}

int routing_store_dong(wh_db *db, const char *dong_code, routing_dong *out)
{
    wh_params p;
    PGresult *r;
    memset(out, 0, sizeof *out);
    wh_params_reset(&p);
    wh_params_text(&p, dong_code);
    int rc = wh_db_query_row(db, "routing_dong", &p, &r);
    if (rc < 0 || !r)
        return rc;
    out->found = true;
    out->hub_type = (int)wh_db_i64(r, 0, 0, 0);
    copy_text(out->hub_dong_code, sizeof out->hub_dong_code, wh_db_text(r, 0, 1));
    out->latitude = wh_db_f64(r, 0, 2, 0.0);
    out->longitude = wh_db_f64(r, 0, 3, 0.0);
    PQclear(r);
    return 0;
}

int routing_store_upsert_dong(wh_db *db, const Welfare__Routing__V1__DefineDong *m, const char *hub_dong_code)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, m->dong_code);
    wh_params_text(&p, m->name);
    wh_params_i64(&p, m->hub_type);
    wh_params_text(&p, hub_dong_code);
    wh_params_f64(&p, m->centre->latitude);
    wh_params_f64(&p, m->centre->longitude);
    return exec(db, "routing_upsert_dong", &p);
}

/* Skills as a PostgreSQL array literal, each element quoted and escaped. */
static int text_array(const char *const *v, size_t n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[used++] = '{';
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf[used++] = ',';
        buf[used++] = '"';
        for (const char *c = v[i]; *c; c++) {
            if (used + 4 >= cap)
                return WH_INVALID_ARGUMENT;
            if (*c == '"' || *c == '\\')
                buf[used++] = '\\';
            buf[used++] = *c;
        }
        buf[used++] = '"';
        if (used + 4 >= cap)
            return WH_INVALID_ARGUMENT;
    }
    buf[used++] = '}';
    buf[used] = '\0';
    return 0;
}

int routing_store_insert_staff(wh_db *db, const Welfare__Routing__V1__RegisterStaff *m,
                               const char *active_from, int64_t *id)
{
    char skills[16 * 140 + 8];
    wh_params p;
    PGresult *r;
    int rc = text_array((const char *const *)m->skills, m->n_skills, skills, sizeof skills);
    if (rc < 0)
        return rc;
    wh_params_reset(&p);
    wh_params_text(&p, m->name);
    wh_params_i64(&p, m->role);
    wh_params_i64(&p, m->employment);
    wh_params_text(&p, m->hub_dong_code);
    wh_params_i64(&p, m->shift_start_minute);
    wh_params_i64(&p, m->shift_end_minute);
    wh_params_text(&p, skills);
    wh_params_text(&p, active_from);
    if ((rc = wh_db_query_row(db, "routing_insert_staff", &p, &r)) < 0)
        return rc;
    if (!r)
        return WH_INTERNAL;
    *id = wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    return 0;
}

int routing_store_deactivate_staff(wh_db *db, int64_t id, const char *until, char *hub, size_t cap)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, id);
    wh_params_text(&p, until);
    int rc = wh_db_query_row(db, "routing_deactivate_staff", &p, &r);
    if (rc < 0)
        return rc;
    if (r) {
        copy_text(hub, cap, wh_db_text(r, 0, 0));
        PQclear(r);
        return 0;
    }
    wh_params_reset(&p);
    wh_params_i64(&p, id);
    if ((rc = wh_db_query_row(db, "routing_staff_exists", &p, &r)) < 0)
        return rc;
    if (!r)
        return WH_NOT_FOUND;
    PQclear(r);
    return WH_FAILED_PRECONDITION;
}

int routing_store_insert_visit_request(wh_db *db, const Welfare__Case__V1__VisitRequested *m,
                                       const int *roles, int n_roles, int duration, const char *earliest,
                                       const char *latest, const routing_visit_timing *timing)
{
    char array[64];
    size_t used = (size_t)snprintf(array, sizeof array, "{");
    for (int i = 0; i < n_roles; i++)
        used += (size_t)snprintf(array + used, sizeof array - used, "%s%d", i ? "," : "", roles[i]);
    snprintf(array + used, sizeof array - used, "}");
    bool located = m->location && (m->location->latitude != 0.0 || m->location->longitude != 0.0);
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, m->visit_request_id);
    wh_params_i64(&p, m->case_id);
    wh_params_i64(&p, m->household_id);
    wh_params_text(&p, m->dong_code);
    wh_params_text(&p, m->hub_dong_code && *m->hub_dong_code ? m->hub_dong_code : m->dong_code);
    if (located) {
        wh_params_f64(&p, m->location->latitude);
        wh_params_f64(&p, m->location->longitude);
    } else {
        wh_params_text(&p, NULL);
        wh_params_text(&p, NULL);
    }
    wh_params_text(&p, array);
    wh_params_i64(&p, m->priority);
    wh_params_i64(&p, duration);
    wh_params_text(&p, earliest);
    wh_params_text(&p, latest);
    /* the resident's window, when it is a sane one; the skills as a text[] literal */
    bool window = m->window_end_minute > m->window_start_minute && m->window_start_minute >= 0 &&
                  m->window_end_minute <= 1440;
    wh_params_i64(&p, window ? m->window_start_minute : 0);
    wh_params_i64(&p, window ? m->window_end_minute : 0);
    wh_sqlarray skills = {0};
    for (size_t i = 0; i < m->n_skills && i < 8; i++)
        wh_sqlarray_text(&skills, m->skills[i]);
    const char *skills_value = wh_sqlarray_value(&skills);
    wh_params_text(&p, skills_value ? skills_value : "{}");
    wh_params_i64(&p, timing->sequence);
    wh_params_i64(&p, timing->min_delay);
    wh_params_i64(&p, timing->max_delay);
    wh_params_i64(&p, window ? timing->max_lateness : 0);
    int rc = exec(db, "routing_insert_visit_request", &p);
    wh_sqlarray_free(&skills);
    return rc;
}

/* --- loading a day for the planner ------------------------------------------------------------ */

static int load_staff(wh_ctx *ctx, const char *hub, const char *date, routing_plan *plan)
{
    wh_params p;
    wh_db *db = wh_ctx_db(ctx);
    two(&p, hub, date);
    PGresult *r = wh_db_query(db, "routing_day_staff", &p);
    if (!r)
        return wh_db_last_status(db);
    int n = PQntuples(r);
    plan->staff = wh_ctx_alloc(ctx, sizeof *plan->staff * (size_t)(n ? n : 1));
    if (!plan->staff) {
        PQclear(r);
        return WH_INTERNAL;
    }
    for (int i = 0; i < n; i++) {
        routing_plan_staff *s = &plan->staff[i];
        s->id = wh_db_i64(r, i, 0, 0);
        s->role = (int)wh_db_i64(r, i, 1, 0);
        s->shift_start = (int)wh_db_i64(r, i, 2, 0);
        s->shift_end = (int)wh_db_i64(r, i, 3, 0);
        s->skills = routing_skill_bits(&plan->skill_dict, wh_db_text(r, i, 4), true);
    }
    plan->n_staff = (size_t)n;
    PQclear(r);
    return 0;
}

static size_t staff_index(const routing_plan *plan, int64_t id)
{
    for (size_t s = 0; s < plan->n_staff; s++)
        if (plan->staff[s].id == id)
            return s;
    return SIZE_MAX; /* no longer active: the planner skips it */
}

static void locate(routing_plan_visit *v, const PGresult *r, int row, int col, const routing_dong *hub)
{
    bool known = !PQgetisnull(r, row, col) && !PQgetisnull(r, row, col + 1);
    v->latitude = known ? wh_db_f64(r, row, col, 0.0) : hub->latitude;
    v->longitude = known ? wh_db_f64(r, row, col + 1, 0.0) : hub->longitude;
}

/* Fixed visits come one row per member of staff; rows of one visit are adjacent. */
static int add_fixed(wh_ctx *ctx, const PGresult *r, const routing_dong *hub, routing_day *day)
{
    routing_plan *plan = &day->plan;
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t visit_id = wh_db_i64(r, i, 0, 0);
        if (plan->n_visits == 0 || day->items[plan->n_visits - 1].visit_id != visit_id) {
            routing_plan_visit *v = &plan->visits[plan->n_visits];
            routing_day_item *it = &day->items[plan->n_visits++];
            it->visit_id = visit_id;
            it->visit_request_id = wh_db_i64(r, i, 1, 0);
            it->case_id = wh_db_i64(r, i, 2, 0);
            it->dong_code = wh_ctx_strdup(ctx, wh_db_text(r, i, 3));
            locate(v, r, i, 4, hub);
            v->id = visit_id;
            v->placed = true;
            v->start = (int)wh_db_i64(r, i, 6, 0);
            v->duration = (int)wh_db_i64(r, i, 7, 0) - v->start;
        }
        routing_plan_visit *v = &plan->visits[plan->n_visits - 1];
        if (v->n_staff < ROUTING_PLAN_MAX_ROLES) {
            size_t s = staff_index(plan, wh_db_i64(r, i, 8, 0));
            v->staff[v->n_staff] = s;
            v->offset[v->n_staff] = (int)wh_db_i64(r, i, 9, 0);
            v->roles[v->n_staff] = s < plan->n_staff ? plan->staff[s].role : 0;
            v->n_staff++;
            v->n_roles = v->n_staff;
        }
    }
    day->n_fixed = plan->n_visits;
    return 0;
}

static void add_pending(wh_ctx *ctx, const PGresult *r, const routing_dong *hub, routing_day *day)
{
    routing_plan *plan = &day->plan;
    for (int i = 0; i < PQntuples(r); i++) {
        routing_plan_visit *v = &plan->visits[plan->n_visits];
        routing_day_item *it = &day->items[plan->n_visits++];
        int64_t roles[ROUTING_PLAN_MAX_ROLES];
        it->visit_request_id = wh_db_i64(r, i, 0, 0);
        it->case_id = wh_db_i64(r, i, 1, 0);
        it->dong_code = wh_ctx_strdup(ctx, wh_db_text(r, i, 2));
        v->id = it->visit_request_id;
        locate(v, r, i, 3, hub);
        v->n_roles = (int)routing_parse_int_array(wh_db_text(r, i, 5), roles, ROUTING_PLAN_MAX_ROLES);
        for (int k = 0; k < v->n_roles; k++)
            v->roles[k] = (int)roles[k];
        v->priority = (int)wh_db_i64(r, i, 6, 0);
        v->duration = (int)wh_db_i64(r, i, 7, 30);
        v->due = (int)wh_db_i64(r, i, 8, 0);
        v->window_start = (int)wh_db_i64(r, i, 9, 0);
        v->window_end = (int)wh_db_i64(r, i, 10, 0);
        v->skills = routing_skill_bits(&plan->skill_dict, wh_db_text(r, i, 11), false);
        v->sequence = (int)wh_db_i64(r, i, 12, 0);
        v->min_delay = (int)wh_db_i64(r, i, 13, 0);
        v->max_delay = (int)wh_db_i64(r, i, 14, 0);
        v->max_lateness = (int)wh_db_i64(r, i, 15, 0);
    }
}

int routing_store_load_day(wh_ctx *ctx, const char *hub, const char *date, const routing_dong *hub_dong,
                           int max_pending, routing_day *day)
{
    wh_params p;
    wh_db *db = wh_ctx_db(ctx);
    PGresult *fixed = NULL, *pending = NULL;
    int rc = load_staff(ctx, hub, date, &day->plan);
    if (rc < 0)
        return rc;
    two(&p, hub, date);
    if (!(fixed = wh_db_query(db, "routing_day_fixed", &p)))
        return wh_db_last_status(db);
    wh_params_i64(&p, max_pending);
    if (!(pending = wh_db_query(db, "routing_day_pending", &p))) {
        rc = wh_db_last_status(db);
        goto cleanup;
    }
    size_t cap = (size_t)PQntuples(fixed) + (size_t)PQntuples(pending) + 1;
    day->plan.visits = wh_ctx_alloc(ctx, sizeof *day->plan.visits * cap);
    day->items = wh_ctx_alloc(ctx, sizeof *day->items * cap);
    if (!day->plan.visits || !day->items) {
        rc = WH_INTERNAL;
        goto cleanup;
    }
    add_fixed(ctx, fixed, hub_dong, day);
    add_pending(ctx, pending, hub_dong, day);
cleanup:
    PQclear(fixed);
    PQclear(pending);
    return rc;
}

/* --- saving a plan ---------------------------------------------------------------------------- */

int routing_store_insert_visit(wh_db *db, int64_t request_id, const char *hub, const char *date, int start,
                               int end, int64_t *visit_id)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, request_id);
    wh_params_text(&p, hub);
    wh_params_text(&p, date);
    wh_params_i64(&p, start);
    wh_params_i64(&p, end);
    int rc = wh_db_query_row(db, "routing_insert_visit", &p, &r);
    if (rc < 0)
        return rc;
    if (!r)
        return WH_INTERNAL;
    *visit_id = wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    return 0;
}

int routing_store_set_request_status(wh_db *db, int64_t request_id, const char *status)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, request_id);
    wh_params_text(&p, status);
    return exec(db, "routing_set_request_status", &p);
}

int routing_store_put_visit_staff(wh_db *db, int64_t visit_id, int64_t staff_id, int seq, int travel,
                                  int offset)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, visit_id);
    wh_params_i64(&p, staff_id);
    wh_params_i64(&p, seq);
    wh_params_i64(&p, travel);
    wh_params_i64(&p, offset);
    return exec(db, "routing_put_visit_staff", &p);
}

int routing_store_put_day_route(wh_db *db, const char *hub, const char *date, int64_t staff_id, int travel,
                                int return_minute)
{
    wh_params p;
    two(&p, hub, date);
    wh_params_i64(&p, staff_id);
    wh_params_i64(&p, travel);
    wh_params_i64(&p, return_minute);
    return exec(db, "routing_put_day_route", &p);
}

int routing_store_reset_unplaced(wh_db *db, const char *hub, const char *date)
{
    wh_params p;
    two(&p, hub, date);
    return exec(db, "routing_reset_unplaced", &p);
}

int routing_store_insert_unplaced(wh_db *db, const char *hub, const char *date, int64_t request_id,
                                  int reason)
{
    wh_params p;
    two(&p, hub, date);
    wh_params_i64(&p, request_id);
    wh_params_i64(&p, reason);
    return exec(db, "routing_insert_unplaced", &p);
}

int routing_store_mark_planned(wh_db *db, const char *hub, const char *date)
{
    wh_params p;
    two(&p, hub, date);
    return exec(db, "routing_mark_planned", &p);
}

/* --- outcomes and queries --------------------------------------------------------------------- */

int routing_store_visit(wh_db *db, int64_t visit_id, routing_visit_info *out)
{
    PGresult *r;
    int rc = wh_db_row_by_id(db, "routing_visit", visit_id, &r);
    if (rc != 0)
        return rc;
    out->visit_request_id = wh_db_i64(r, 0, 0, 0);
    out->case_id = wh_db_i64(r, 0, 1, 0);
    copy_text(out->status, sizeof out->status, wh_db_text(r, 0, 2));
    copy_text(out->dong_code, sizeof out->dong_code, wh_db_text(r, 0, 3));
    copy_text(out->plan_date, sizeof out->plan_date, wh_db_text(r, 0, 4));
    out->staff_count = (int)wh_db_i64(r, 0, 5, 0);
    PQclear(r);
    return 0;
}

int routing_store_set_visit_outcome(wh_db *db, int64_t visit_id, const char *status, int miss_reason,
                                    const char *date)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, visit_id);
    wh_params_text(&p, status);
    wh_params_i64(&p, miss_reason);
    wh_params_text(&p, date);
    int64_t n = wh_db_exec(db, "routing_set_visit_outcome", &p);
    if (n < 0)
        return (int)n;
    return n == 1 ? 0 : WH_FAILED_PRECONDITION;
}

/* A statement of a case's requests ($1 the case, $2 its household): the rows changed, or < 0. */
static int64_t exec_case_household(wh_db *db, const char *stmt, int64_t case_id, int64_t household_id)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    wh_params_i64(&p, household_id);
    return wh_db_exec(db, stmt, &p);
}

int routing_store_move_case(wh_db *db, int64_t case_id, int64_t household_id)
{
    int64_t n = exec_case_household(db, "routing_move_case", case_id, household_id);
    return n < 0 ? (int)n : 0;
}

int64_t routing_store_restore_case(wh_db *db, int64_t case_id, int64_t household_id)
{
    return exec_case_household(db, "routing_restore_case", case_id, household_id);
}

int routing_store_drop_requests(wh_db *db, bool by_case, int64_t id, const char *from, const char *reason)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, id);
    wh_params_text(&p, from);
    wh_params_text(&p, reason);
    return exec(db, by_case ? "routing_drop_case" : "routing_drop_household", &p);
}

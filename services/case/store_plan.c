/*
 * store_plan.c — the case plan's goals and the case team: the calls (the statements are in
 * store_outreach.c's table) and their reading into GetCaseReply.
 */
#include <string.h>

#include "case.h"
#include "wh/db_rows.h"

int case_store_upsert_goal(wh_db *db, int64_t case_id, int domain, int status, const char *target_on,
                           const char *sealed_note, const char *set_on, int64_t *id)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    wh_params_i64(&p, domain);
    wh_params_i64(&p, status);
    wh_params_text(&p, target_on);
    wh_params_text(&p, sealed_note ? sealed_note : "");
    wh_params_text(&p, set_on);
    int rc = wh_db_query_row(db, "case_upsert_goal", &p, &r);
    if (rc < 0)
        return rc;
    if (!r)
        return WH_INTERNAL;
    *id = wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    return 0;
}

int case_store_staff_at_hub(wh_db *db, int64_t staff_id, const char *hub, const char *date, bool *ok)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, staff_id);
    wh_params_text(&p, hub);
    wh_params_text(&p, date);
    int rc = wh_db_query_row(db, "case_staff_at_hub", &p, &r);
    if (rc < 0)
        return rc;
    *ok = r != NULL;
    PQclear(r);
    return 0;
}

int case_store_team_set(wh_db *db, int64_t case_id, int64_t staff_id, int role, bool active, const char *on,
                        int *team_size)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    wh_params_i64(&p, staff_id);
    if (active) {
        wh_params_i64(&p, role);
        wh_params_text(&p, on);
    } else {
        wh_params_text(&p, on);
    }
    int64_t n = wh_db_exec(db, active ? "case_team_join" : "case_team_leave", &p);
    if (n < 0)
        return (int)n;
    if (n == 0)
        return WH_FAILED_PRECONDITION;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    int rc = wh_db_query_row(db, "case_team_size", &p, &r);
    if (rc < 0)
        return rc;
    *team_size = r ? (int)wh_db_i64(r, 0, 0, 0) : 0;
    PQclear(r);
    return 0;
}

static PGresult *by_case(wh_ctx *ctx, const char *stmt, int64_t case_id)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    return wh_db_query(wh_ctx_db(ctx), stmt, &p);
}

static int read_goals(wh_ctx *ctx, int64_t case_id, Welfare__Case__V1__GetCaseReply *out)
{
    PGresult *r = by_case(ctx, "case_read_goals", case_id);
    if (!r)
        return wh_db_last_status(wh_ctx_db(ctx));
    int n = PQntuples(r);
    out->goals = wh_ctx_alloc(ctx, sizeof *out->goals * (size_t)(n ? n : 1));
    for (int i = 0; out->goals && i < n; i++) {
        Welfare__Case__V1__CaseGoal *g = wh_ctx_alloc(ctx, sizeof *g);
        if (!g)
            break;
        welfare__case__v1__case_goal__init(g);
        g->goal_id = wh_db_i64(r, i, 0, 0);
        g->domain = (Welfare__Common__V1__NeedDomain)wh_db_i64(r, i, 1, 0);
        g->status = (Welfare__Case__V1__GoalStatus)wh_db_i64(r, i, 2, 0);
        g->target_on = wh_ctx_db_text(ctx, r, i, 3);
        g->note = case_note_for_reader(ctx, wh_db_text(r, i, 4), "goal", g->goal_id);
        g->set_on = wh_ctx_db_text(ctx, r, i, 5);
        out->goals[out->n_goals++] = g;
    }
    PQclear(r);
    return out->goals && out->n_goals == (size_t)n ? 0 : WH_INTERNAL;
}

static int read_team(wh_ctx *ctx, int64_t case_id, Welfare__Case__V1__GetCaseReply *out)
{
    PGresult *r = by_case(ctx, "case_read_team", case_id);
    if (!r)
        return wh_db_last_status(wh_ctx_db(ctx));
    int n = PQntuples(r);
    out->team = wh_ctx_alloc(ctx, sizeof *out->team * (size_t)(n ? n : 1));
    for (int i = 0; out->team && i < n; i++) {
        Welfare__Case__V1__TeamMember *m = wh_ctx_alloc(ctx, sizeof *m);
        if (!m)
            break;
        welfare__case__v1__team_member__init(m);
        m->staff_id = wh_db_i64(r, i, 0, 0);
        m->role = (Welfare__Common__V1__StaffRole)wh_db_i64(r, i, 1, 0);
        m->from_on = wh_ctx_db_text(ctx, r, i, 2);
        m->until_on = wh_ctx_db_text(ctx, r, i, 3);
        out->team[out->n_team++] = m;
    }
    PQclear(r);
    return out->team && out->n_team == (size_t)n ? 0 : WH_INTERNAL;
}

int case_store_read_plan(wh_ctx *ctx, int64_t case_id, Welfare__Case__V1__GetCaseReply *out)
{
    int rc = read_goals(ctx, case_id, out);
    return rc < 0 ? rc : read_team(ctx, case_id, out);
}

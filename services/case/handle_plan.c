/*
 * handle_plan.c — case depth: SetCaseGoal (the plan's goal per need domain, its status and target,
 * a sealed note) and SetCaseTeamMember (other professions on the case with their role).
 */
#include <stdlib.h>
#include <string.h>

#include "case.h"

#include "wh/util.h"

static int check_goal(wh_ctx *ctx, const Welfare__Case__V1__SetCaseGoal *m)
{
    if (!case_need_domain_ok(m->domain))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "domain", "domain must be a known need domain");
    if (m->status < WELFARE__CASE__V1__GOAL_STATUS__GOAL_STATUS_OPEN ||
        m->status > WELFARE__CASE__V1__GOAL_STATUS__GOAL_STATUS_DROPPED)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "status", "status must be OPEN, ACHIEVED or DROPPED");
    return case_check_note(ctx, m->note);
}

static int emit_goal(wh_ctx *ctx, const case_record *c, const Welfare__Case__V1__SetCaseGoal *m, int64_t id,
                     const char *target, const char *on)
{
    Welfare__Case__V1__CaseGoalSet ev = WELFARE__CASE__V1__CASE_GOAL_SET__INIT;
    ev.case_id = c->id;
    ev.dong_code = (char *)c->dong_code;
    ev.goal_id = id;
    ev.domain = m->domain;
    ev.status = m->status;
    ev.target_on = (char *)target;
    ev.set_on = (char *)on;
    return wh_ctx_emit(ctx, &ev.base);
}

int case_handle_set_case_goal(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Case__V1__SetCaseGoal *m = (const void *)req;
    char on[11], target[11] = "";
    case_record c;
    int rc = check_goal(ctx, m);
    if (rc == 0)
        rc = wh_ctx_business_date(ctx, m->set_on, "set_on", NULL, on);
    if (rc == 0 && m->target_on && *m->target_on &&
        (rc = wh_ctx_business_date(ctx, m->target_on, "target_on", NULL, target)) == 0 &&
        strcmp(target, on) < 0)
        rc = wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "target_on", "target_on is before set_on");
    if (rc == 0)
        rc = case_load_open(ctx, m->case_id, on, "set_on", &c);
    if (rc < 0)
        return rc;
    char *sealed = NULL;
    if (case_seal_note(m->note, &sealed) < 0)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "note", "the note could not be sealed");
    Welfare__Case__V1__SetCaseGoalReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r) {
        free(sealed);
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    }
    welfare__case__v1__set_case_goal_reply__init(r);
    rc = case_store_upsert_goal(wh_ctx_db(ctx), c.id, m->domain, m->status, target, sealed, on, &r->goal_id);
    free(sealed);
    if (rc == 0)
        rc = emit_goal(ctx, &c, m, r->goal_id, target, on);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not set the goal");
    *reply = &r->base;
    return 0;
}

int case_handle_set_case_team_member(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Case__V1__SetCaseTeamMember *m = (const void *)req;
    char on[11];
    case_record c;
    bool at_hub = false;
    if (m->staff_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "staff_id", "staff_id is required");
    if (!case_role_ok(m->role))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "role", "role must be a known staff role");
    int rc = wh_ctx_business_date(ctx, m->on, "on", NULL, on);
    if (rc == 0)
        rc = case_load_open(ctx, m->case_id, on, "on", &c);
    if (rc < 0)
        return rc;
    if (m->active &&
        ((rc = case_store_staff_at_hub(wh_ctx_db(ctx), m->staff_id, c.hub_dong_code, on, &at_hub)) < 0 ||
         !at_hub))
        return wh_ctx_fail(ctx, rc < 0 ? rc : WH_FAILED_PRECONDITION, "staff_id",
                           "not a member of staff of the case's hub on that date");
    Welfare__Case__V1__SetCaseTeamMemberReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__case__v1__set_case_team_member_reply__init(r);
    rc = case_store_team_set(wh_ctx_db(ctx), c.id, m->staff_id, m->role, m->active, on, &r->team_size);
    if (rc == WH_FAILED_PRECONDITION)
        return wh_ctx_fail(ctx, rc, "staff_id", "not on the case team");
    Welfare__Case__V1__CaseTeamChanged ev = WELFARE__CASE__V1__CASE_TEAM_CHANGED__INIT;
    ev.case_id = c.id;
    ev.dong_code = c.dong_code;
    ev.staff_id = m->staff_id;
    ev.role = m->role;
    ev.active = m->active;
    ev.changed_on = on;
    if (rc == 0)
        rc = wh_ctx_emit(ctx, &ev.base);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not change the case team");
    *reply = &r->base;
    return 0;
}

/*
 * handle_staff.c — RegisterStaff and DeactivateStaff.  A name is stored for the hub's own use and
 * goes nowhere else: not in logs, not in events.
 */
#include "routing.h"

#include "wh/util.h"

#define MAX_SKILLS 16

static int validate(wh_ctx *ctx, const Welfare__Routing__V1__RegisterStaff *m)
{
    if (!routing_text_ok(m->name, 100))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "name", "name must be 1..100 bytes of UTF-8");
    if (m->role < WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_WELFARE_OFFICIAL ||
        m->role > WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_VOCATIONAL_COUNSELLOR)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "role", "role is required");
    if (m->employment != WELFARE__COMMON__V1__EMPLOYMENT__EMPLOYMENT_PUBLIC &&
        m->employment != WELFARE__COMMON__V1__EMPLOYMENT__EMPLOYMENT_PRIVATE)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "employment", "employment must be PUBLIC or PRIVATE");
    if (!routing_text_ok(m->hub_dong_code, ROUTING_CODE_MAX))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "hub_dong_code", "hub_dong_code must be 1..32 bytes");
    if (m->shift_start_minute < 0 || m->shift_start_minute > 1439)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "shift_start_minute", "shift start must be 0..1439");
    if (m->shift_end_minute <= m->shift_start_minute || m->shift_end_minute > 1440)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "shift_end_minute",
                           "shift end must be after start, <= 1440");
    if (m->n_skills > MAX_SKILLS)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "skills", "at most 16 skills");
    for (size_t i = 0; i < m->n_skills; i++)
        if (!routing_text_ok(m->skills[i], 64))
            return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "skills", "skill %zu must be 1..64 bytes of UTF-8",
                               i);
    return 0;
}

static int check_hub(wh_ctx *ctx, const char *hub)
{
    routing_dong d;
    int rc = routing_store_dong(wh_ctx_db(ctx), hub, &d);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the hub dong");
    if (!d.found)
        return wh_ctx_fail(ctx, WH_NOT_FOUND, "hub_dong_code", "the hub dong is not defined");
    if (d.hub_type != WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_BASIC)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "hub_dong_code", "staff work at a basic-type hub");
    return 0;
}

int routing_handle_register_staff(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Routing__V1__RegisterStaff *m = (const void *)req;
    char from[11];
    int rc = validate(ctx, m);
    if (rc == 0)
        rc = wh_ctx_business_date(ctx, m->active_from, "active_from", NULL, from);
    if (rc == 0)
        rc = check_hub(ctx, m->hub_dong_code);
    if (rc < 0)
        return rc;
    Welfare__Routing__V1__RegisterStaffReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__routing__v1__register_staff_reply__init(r);
    if ((rc = routing_store_insert_staff(wh_ctx_db(ctx), m, from, &r->staff_id)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not register the staff member");

    Welfare__Routing__V1__StaffRegistered ev = WELFARE__ROUTING__V1__STAFF_REGISTERED__INIT;
    ev.staff_id = r->staff_id;
    ev.hub_dong_code = m->hub_dong_code;
    ev.role = m->role;
    ev.employment = m->employment;
    ev.active_from = from;
    if ((rc = wh_ctx_emit(ctx, &ev.base)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not emit StaffRegistered");
    *reply = &r->base;
    return 0;
}

int routing_handle_deactivate_staff(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Routing__V1__DeactivateStaff *m = (const void *)req;
    char until[11], hub[ROUTING_CODE_MAX + 1];
    if (m->staff_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "staff_id", "staff_id is required");
    int rc = wh_ctx_business_date(ctx, m->active_until, "active_until", NULL, until);
    if (rc < 0)
        return rc;
    rc = routing_store_deactivate_staff(wh_ctx_db(ctx), m->staff_id, until, hub, sizeof hub);
    if (rc == WH_NOT_FOUND)
        return wh_ctx_fail(ctx, rc, "staff_id", "no such staff member");
    if (rc == WH_FAILED_PRECONDITION)
        return wh_ctx_fail(ctx, rc, "staff_id", "inactive already, or active_until is before active_from");
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not deactivate the staff member");

    Welfare__Routing__V1__StaffDeactivated ev = WELFARE__ROUTING__V1__STAFF_DEACTIVATED__INIT;
    ev.staff_id = m->staff_id;
    ev.hub_dong_code = hub;
    ev.active_until = until;
    if ((rc = wh_ctx_emit(ctx, &ev.base)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not emit StaffDeactivated");
    Welfare__Routing__V1__DeactivateStaffReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__routing__v1__deactivate_staff_reply__init(r);
    r->staff_id = m->staff_id;
    r->hub_dong_code = wh_ctx_strdup(ctx, hub);
    *reply = &r->base;
    return 0;
}

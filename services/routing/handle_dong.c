/*
 * handle_dong.c — DefineDong: the district's dongs and which hub serves each (basic or sphere type).
 */
#include <string.h>

#include "routing.h"

#include "wh/util.h"

#define BASIC  WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_BASIC
#define SPHERE WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_SPHERE

static int validate(wh_ctx *ctx, const Welfare__Routing__V1__DefineDong *m)
{
    if (!routing_text_ok(m->dong_code, ROUTING_CODE_MAX))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "dong_code", "dong_code must be 1..32 bytes");
    if (!routing_text_ok(m->name, 100))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "name", "name must be 1..100 bytes of UTF-8");
    if (m->hub_type != BASIC && m->hub_type != SPHERE)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "hub_type", "hub_type must be BASIC or SPHERE");
    if (!m->centre || !wh_geo_valid(m->centre->latitude, m->centre->longitude))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "centre", "centre must be a valid WGS84 position");
    bool own = !m->hub_dong_code || !*m->hub_dong_code || strcmp(m->hub_dong_code, m->dong_code) == 0;
    if (m->hub_type == BASIC && !own)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "hub_dong_code", "a basic-type dong is its own hub");
    if (m->hub_type == SPHERE && own)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "hub_dong_code", "a sphere-type dong needs another hub");
    if (m->hub_type == SPHERE && !routing_text_ok(m->hub_dong_code, ROUTING_CODE_MAX))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "hub_dong_code", "hub_dong_code must be 1..32 bytes");
    if (m->live_from && *m->live_from && !wh_date_valid(m->live_from))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "live_from", "live_from must be a date YYYY-MM-DD");
    return 0;
}

/* A sphere's hub must be a defined basic-type dong, so spheres never chain. */
static int check_hub(wh_ctx *ctx, const char *hub)
{
    routing_dong d;
    int rc = routing_store_dong(wh_ctx_db(ctx), hub, &d);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the hub dong");
    if (!d.found)
        return wh_ctx_fail(ctx, WH_NOT_FOUND, "hub_dong_code", "the hub dong is not defined");
    if (d.hub_type != BASIC)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "hub_dong_code",
                           "the hub dong is not a basic-type hub");
    return 0;
}

int routing_handle_define_dong(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Routing__V1__DefineDong *m = (const void *)req;
    int rc = validate(ctx, m);
    if (rc < 0)
        return rc;
    const char *hub = m->hub_type == SPHERE ? m->hub_dong_code : m->dong_code;
    if (m->hub_type == SPHERE && (rc = check_hub(ctx, hub)) < 0)
        return rc;
    if ((rc = routing_store_upsert_dong(wh_ctx_db(ctx), m, hub)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not store the dong");

    Welfare__Routing__V1__DongDefined ev = WELFARE__ROUTING__V1__DONG_DEFINED__INIT;
    ev.dong_code = m->dong_code;
    ev.name = m->name;
    ev.hub_type = m->hub_type;
    ev.hub_dong_code = (char *)hub;
    ev.centre = m->centre;
    ev.live_from = m->live_from; /* the go-live history is kept by its readers (reporting) */
    if ((rc = wh_ctx_emit(ctx, &ev.base)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not emit DongDefined");

    Welfare__Routing__V1__DefineDongReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__routing__v1__define_dong_reply__init(r);
    r->dong_code = wh_ctx_strdup(ctx, m->dong_code);
    r->hub_dong_code = wh_ctx_strdup(ctx, hub);
    *reply = &r->base;
    return 0;
}

/*
 * handle_resource.c — RegisterResource (a "resource discovery" event), GetResource, ListResources.
 */
#include "ledger.h"

#include "wh/util.h"

#define MAX_AMOUNT_KRW REGISTRY_MAX_KRW

static int validate(wh_ctx *ctx, const Welfare__Registry__V1__RegisterResource *m)
{
    if (m->provider_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "provider_id", "provider_id is required");
    if (m->domain <= 0 || m->domain > WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_EDUCATION)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "domain", "domain is required");
    if (m->kind <= 0 || m->kind > WELFARE__REGISTRY__V1__RESOURCE_KIND__RESOURCE_KIND_GOODS)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "kind", "kind is required");
    if (!registry_text_ok(m->dong_code, 32))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "dong_code", "dong_code must be 1..32 bytes");
    if (m->capacity < 1 || m->capacity > 1000000)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "capacity", "capacity must be 1..1000000");
    if (m->amount_krw < 0 || m->amount_krw > MAX_AMOUNT_KRW)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "amount_krw", "amount_krw must be 0..10^13");
    if (m->eligibility_notes && !wh_utf8_valid(m->eligibility_notes, 1000))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "eligibility_notes", "at most 1000 bytes of UTF-8");
    if (m->title && !wh_utf8_valid(m->title, 200))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "title", "at most 200 bytes of UTF-8");
    if (!wh_date_valid(m->discovered_on))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "discovered_on", "discovered_on must be YYYY-MM-DD");
    if (m->min_severity < 0 || m->min_severity > WELFARE__COMMON__V1__SEVERITY__SEVERITY_CRITICAL)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "min_severity", "unknown severity");
    const char *field = NULL;
    if (registry_finder_check(m->finder, &field) < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field, "invalid %s", field);
    return 0;
}

int registry_handle_register_resource(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Registry__V1__RegisterResource *m = (const void *)req;
    int rc = validate(ctx, m);
    if (rc < 0)
        return rc;
    bool is_private = false;
    wh_db *db = wh_ctx_db(ctx);
    if ((rc = registry_store_provider(db, m->provider_id, &is_private)) < 0)
        return wh_ctx_fail(ctx, rc, "provider_id",
                           rc == WH_NOT_FOUND ? "no such provider" : "could not read provider");

    Welfare__Registry__V1__RegisterResourceReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__registry__v1__register_resource_reply__init(r);
    registry_finder f;
    char hub[33];
    if ((rc = registry_store_hub_of(db, m->dong_code, hub)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the dong map");
    registry_finder_resolve(m->finder, hub, &f);
    if ((rc = registry_store_insert_resource(db, m, &f, &r->resource_id)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not register the resource");

    Welfare__Registry__V1__ResourceRegistered ev = WELFARE__REGISTRY__V1__RESOURCE_REGISTERED__INIT;
    ev.resource_id = r->resource_id;
    ev.provider_id = m->provider_id;
    ev.domain = m->domain;
    ev.kind = m->kind;
    ev.dong_code = m->dong_code;
    ev.capacity = m->capacity;
    ev.amount_krw = m->amount_krw;
    ev.is_private = is_private;
    ev.discovered_on = m->discovered_on;
    if (!(ev.finder = registry_finder_message(ctx, &f)))
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    if ((rc = wh_ctx_emit(ctx, &ev.base)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not emit ResourceRegistered");
    *reply = &r->base;
    return 0;
}

int registry_handle_get_resource(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Registry__V1__GetResource *m = (const void *)req;
    if (m->resource_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "resource_id", "resource_id is required");
    Welfare__Registry__V1__GetResourceReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__registry__v1__get_resource_reply__init(r);
    int rc = registry_store_get_resource(ctx, m->resource_id, &r->resource);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, "resource_id",
                           rc == WH_NOT_FOUND ? "no such resource" : "could not read resource");
    *reply = &r->base;
    return 0;
}

int registry_handle_list_resources(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Registry__V1__ListResources *m = (const void *)req;
    int rc = registry_page_check(ctx, m->limit, m->after_id, m->dong_code);
    if (rc < 0)
        return rc;
    if (m->domain < 0 || m->domain > WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_EDUCATION)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "domain", "unknown domain");
    Welfare__Registry__V1__ListResourcesReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__registry__v1__list_resources_reply__init(r);
    rc = registry_store_list_resources(ctx, m, &r->resources, &r->n_resources);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not list resources");
    *reply = &r->base;
    return 0;
}

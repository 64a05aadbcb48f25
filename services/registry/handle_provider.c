/*
 * handle_provider.c — RegisterProvider: a public programme or private partner joins the registry.
 */
#include "registry.h"

#include "wh/util.h"

bool registry_text_ok(const char *s, size_t max)
{
    return s && *s && wh_utf8_valid(s, max);
}

int registry_page_check(wh_ctx *ctx, int32_t limit, int64_t after_id, const char *dong_code)
{
    if (limit < 0 || limit > 1000)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "limit", "limit must be 0..1000");
    if (after_id < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "after_id", "after_id must not be negative");
    if (dong_code && !wh_utf8_valid(dong_code, 32))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "dong_code", "dong_code must be at most 32 bytes");
    return 0;
}

int registry_handle_register_provider(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Registry__V1__RegisterProvider *m = (const void *)req;
    if (!registry_text_ok(m->name, 200))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "name", "name must be 1..200 bytes of UTF-8");
    if (m->kind != WELFARE__REGISTRY__V1__PROVIDER_KIND__PROVIDER_KIND_PUBLIC &&
        m->kind != WELFARE__REGISTRY__V1__PROVIDER_KIND__PROVIDER_KIND_PRIVATE)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "kind", "kind must be PUBLIC or PRIVATE");
    if (!registry_text_ok(m->dong_code, 32))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "dong_code", "dong_code must be 1..32 bytes");

    Welfare__Registry__V1__RegisterProviderReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__registry__v1__register_provider_reply__init(r);
    const wh_principal *who = wh_ctx_principal(ctx);
    int rc = registry_store_insert_provider(wh_ctx_db(ctx), m, who ? who->name : "", &r->provider_id);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not register the provider");
    *reply = &r->base;
    return 0;
}

/*
 * handle_mou.c — MOUs as records: RecordMou (partner, purpose, period, what the partner commits to,
 * who found the partner; emits MouRecorded) and ListMous.  They replace RegisterProvider's has_mou
 * flag, which stays readable: a provider reads as having an MOU when the flag is set or it has one.
 */
#include "ledger.h"
#include "wh/util.h"

static int emit_recorded(wh_ctx *ctx, const Welfare__Registry__V1__RecordMou *m, int64_t id,
                         const char *dong_code, const registry_finder *f)
{
    Welfare__Registry__V1__MouRecorded ev = WELFARE__REGISTRY__V1__MOU_RECORDED__INIT;
    ev.mou_id = id;
    ev.provider_id = m->provider_id;
    ev.dong_code = (char *)dong_code;
    ev.starts_on = m->starts_on;
    ev.ends_on = m->ends_on ? m->ends_on : "";
    ev.n_commitments = m->n_commitments;
    ev.commitments = m->commitments;
    ev.finder = registry_finder_message(ctx, f);
    if (!ev.finder)
        return WH_INTERNAL;
    return wh_ctx_emit(ctx, &ev.base);
}

int registry_handle_record_mou(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Registry__V1__RecordMou *m = (const void *)req;
    const char *field = NULL;
    char buf[64], name[201], dong_code[33], hub[33];
    wh_db *db = wh_ctx_db(ctx);
    if (registry_mou_check(m, buf, sizeof buf, &field) < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field, "invalid %s", field);
    int rc = registry_store_provider_place(db, m->provider_id, name, dong_code);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, "provider_id",
                           rc == WH_NOT_FOUND ? "no such provider" : "could not read provider");
    if ((rc = registry_store_hub_of(db, dong_code, hub)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the dong map");
    registry_finder f;
    registry_finder_resolve(m->finder, hub, &f);
    Welfare__Registry__V1__RecordMouReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__registry__v1__record_mou_reply__init(r);
    if ((rc = registry_store_insert_mou(db, m, &f, &r->mou_id)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not record the MOU");
    if ((rc = emit_recorded(ctx, m, r->mou_id, dong_code, &f)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not emit MouRecorded");
    *reply = &r->base;
    return 0;
}

int registry_handle_list_mous(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Registry__V1__ListMous *m = (const void *)req;
    int rc = registry_page_check(ctx, m->limit, m->after_id, NULL);
    if (rc < 0)
        return rc;
    if (m->provider_id < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "provider_id", "provider_id must not be negative");
    if (m->in_force_on && *m->in_force_on && !wh_date_valid(m->in_force_on))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "in_force_on", "in_force_on must be YYYY-MM-DD");
    Welfare__Registry__V1__ListMousReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__registry__v1__list_mous_reply__init(r);
    rc = registry_store_list_mous(ctx, m, &r->mous, &r->n_mous);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not list MOUs");
    *reply = &r->base;
    return 0;
}

/*
 * handle_tally.c — TallyFinds: the ledger's finds of a period per safety-net member, team or hub
 * (resources registered, donations pledged, their amount as the KPI counts it, MOUs), so the
 * district can credit the finders (seed 004 section 11: those who discover get incentives).
 */
#include "ledger.h"

int registry_handle_tally_finds(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Registry__V1__TallyFinds *m = (const void *)req;
    const char *field = NULL;
    if (registry_tally_check(m, &field) < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field, "invalid %s", field);
    Welfare__Registry__V1__TallyFindsReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__registry__v1__tally_finds_reply__init(r);
    int rc = registry_store_tally(ctx, m, &r->tallies, &r->n_tallies);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not tally the finds");
    *reply = &r->base;
    return 0;
}

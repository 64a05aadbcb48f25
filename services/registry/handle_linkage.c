/*
 * handle_linkage.c — service linkages of any household as a closed loop: RequestServiceLinkage (a
 * resource linkage reserves capacity in the same transaction), ChangeServiceLinkage (the provider
 * accepts, refuses, starts, ends; refusing and ending give the capacity back), ListServiceLinkages;
 * and the events: intake's households, and a case's closing, which ends its linkages and releases
 * every reservation the case still holds.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "registry.h"

#include "wh/log.h"
#include "wh/util.h"

#define KIND_PUBLIC    WELFARE__REGISTRY__V1__LINKAGE_KIND__LINKAGE_KIND_PUBLIC_PROGRAMME
#define KIND_RESOURCE  WELFARE__REGISTRY__V1__LINKAGE_KIND__LINKAGE_KIND_RESOURCE
#define STATE_ENDED    WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_ENDED
#define LAST_PROGRAMME WELFARE__REGISTRY__V1__PUBLIC_PROGRAMME__PUBLIC_PROGRAMME_LIVING_STABILISATION
#define LAST_OUTCOME   WELFARE__REGISTRY__V1__LINKAGE_OUTCOME__LINKAGE_OUTCOME_CASE_CLOSED
#define LAST_CHANNEL   6 /* welfare.intake.v1.Channel */

/* A business date: the one given or today; not in the future. */
static int past_date(wh_ctx *ctx, const char *given, const char *field, char out[11])
{
    char today[11];
    wh_date_today(today);
    if (!given || !*given) {
        memcpy(out, today, 11);
        return 0;
    }
    if (!wh_date_valid(given))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field, "%s must be YYYY-MM-DD", field);
    snprintf(out, 11, "%s", given);
    if (strcmp(out, today) > 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field, "%s is in the future", field);
    return 0;
}

int registry_emit_linkage_changed(wh_ctx *ctx, const registry_linkage *l, bool restored)
{
    Welfare__Registry__V1__ServiceLinkageChanged ev = WELFARE__REGISTRY__V1__SERVICE_LINKAGE_CHANGED__INIT;
    ev.linkage_id = l->id;
    ev.household_id = l->household_id;
    ev.case_id = l->case_id;
    ev.dong_code = (char *)l->dong_code;
    ev.kind = (Welfare__Registry__V1__LinkageKind)l->kind;
    ev.programme = (Welfare__Registry__V1__PublicProgramme)l->programme;
    ev.provider_id = l->provider_id;
    ev.resource_id = l->resource_id;
    ev.domain = (Welfare__Common__V1__NeedDomain)l->domain;
    ev.state = (Welfare__Registry__V1__LinkageState)l->state;
    ev.outcome = (Welfare__Registry__V1__LinkageOutcome)l->outcome;
    ev.channel = l->channel;
    ev.referral_id = l->referral_id;
    ev.changed_on = (char *)l->changed_on;
    ev.restored = restored;
    return wh_ctx_emit(ctx, &ev.base);
}

int registry_linkage_change(wh_ctx *ctx, registry_linkage *l, int state, int outcome, const char *on)
{
    int rc = 0;
    if (l->reservation_id != 0 && registry_linkage_holds_capacity(l->state) &&
        !registry_linkage_holds_capacity(state)) {
        int64_t resource_id;
        int remaining;
        rc = registry_release(ctx, l->reservation_id, on, &resource_id, &remaining);
        if (rc == WH_FAILED_PRECONDITION)
            rc = 0; /* given back already (ReleaseCapacity by hand) */
    }
    if (rc == 0)
        rc = registry_store_set_linkage_state(wh_ctx_db(ctx), l->id, state, outcome, on);
    if (rc < 0)
        return rc;
    l->state = state;
    l->outcome = outcome;
    snprintf(l->changed_on, sizeof l->changed_on, "%s", on);
    return registry_emit_linkage_changed(ctx, l, false);
}

/* --- RequestServiceLinkage -------------------------------------------------------------------- */

static int check_request(wh_ctx *ctx, const Welfare__Registry__V1__RequestServiceLinkage *m)
{
    if (m->household_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "household_id", "household_id is required");
    if (m->case_id < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "case_id", "case_id must not be negative");
    if (m->kind != KIND_PUBLIC && m->kind != KIND_RESOURCE)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "kind", "kind must be PUBLIC_PROGRAMME or RESOURCE");
    if (m->kind == KIND_PUBLIC && (m->programme <= 0 || m->programme > LAST_PROGRAMME))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "programme",
                           "a public-programme linkage needs its programme");
    if (m->kind == KIND_RESOURCE && m->programme != 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "programme", "a resource linkage has no programme");
    if (m->kind == KIND_RESOURCE && m->resource_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "resource_id", "a resource linkage needs its resource");
    if (m->kind == KIND_PUBLIC && m->resource_id != 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "resource_id",
                           "a public-programme linkage has no resource");
    if (m->provider_id < 0 || (m->kind == KIND_RESOURCE && m->provider_id != 0))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "provider_id",
                           "provider_id is for public programmes (a resource's provider is its own)");
    if (m->domain <= 0 || m->domain > WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_EDUCATION)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "domain", "domain must be a known need domain");
    if (m->channel < 0 || m->channel > LAST_CHANNEL)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "channel", "channel must be 0..6");
    if (m->referral_id < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "referral_id", "referral_id must not be negative");
    return 0;
}

/* The provider of a public-programme linkage must be a public one. */
static int check_public_provider(wh_ctx *ctx, int64_t provider_id)
{
    bool is_private;
    char registered_by[64];
    if (provider_id == 0)
        return 0;
    int rc = registry_store_provider_facts(wh_ctx_db(ctx), provider_id, &is_private, registered_by);
    if (rc == WH_NOT_FOUND)
        return wh_ctx_fail(ctx, rc, "provider_id", "no such provider");
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the provider");
    if (is_private)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "provider_id",
                           "a public programme needs a public provider");
    return 0;
}

/* Reserves the resource for the linkage's date: it must exist then and have room. */
static int reserve_resource(wh_ctx *ctx, registry_linkage *l, int *remaining)
{
    char discovered_on[11];
    int rc = registry_store_resource_facts(wh_ctx_db(ctx), l->resource_id, &l->provider_id, discovered_on);
    if (rc == WH_NOT_FOUND)
        return wh_ctx_fail(ctx, rc, "resource_id", "no such resource");
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the resource");
    if (strcmp(discovered_on, l->requested_on) > 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "requested_on",
                           "the resource was discovered on %s, after the linkage's date", discovered_on);
    rc = registry_reserve(ctx, l->resource_id, 0, 0, l->requested_on, &l->reservation_id, remaining);
    if (rc == WH_FAILED_PRECONDITION)
        return wh_ctx_fail(ctx, rc, "resource_id", "the resource has no capacity left");
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not reserve capacity");
    return 0;
}

int registry_handle_request_service_linkage(wh_ctx *ctx, const ProtobufCMessage *req,
                                            ProtobufCMessage **reply)
{
    const Welfare__Registry__V1__RequestServiceLinkage *m = (const void *)req;
    registry_linkage l = {.household_id = m->household_id,
                          .case_id = m->case_id,
                          .kind = m->kind,
                          .programme = m->programme,
                          .provider_id = m->provider_id,
                          .resource_id = m->resource_id,
                          .domain = m->domain,
                          .channel = m->channel,
                          .referral_id = m->referral_id,
                          .state = WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_REQUESTED};
    char identified_on[11];
    int remaining = 0;
    int rc = check_request(ctx, m);
    if (rc == 0)
        rc = past_date(ctx, m->requested_on, "requested_on", l.requested_on);
    if (rc < 0)
        return rc;
    rc = registry_store_household(wh_ctx_db(ctx), m->household_id, l.dong_code, identified_on);
    if (rc == WH_NOT_FOUND)
        return wh_ctx_fail(ctx, rc, "household_id", "no identified household with this id");
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the household");
    if (strcmp(l.requested_on, identified_on) < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "requested_on",
                           "requested_on is before the household was identified");
    rc = m->kind == KIND_PUBLIC ? check_public_provider(ctx, m->provider_id)
                                : reserve_resource(ctx, &l, &remaining);
    if (rc < 0)
        return rc;
    memcpy(l.changed_on, l.requested_on, sizeof l.changed_on);
    if ((rc = registry_store_insert_linkage(wh_ctx_db(ctx), &l, &l.id)) == 0)
        rc = registry_emit_linkage_changed(ctx, &l, false);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not store the linkage");
    Welfare__Registry__V1__RequestServiceLinkageReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__registry__v1__request_service_linkage_reply__init(r);
    r->linkage_id = l.id;
    r->reservation_id = l.reservation_id;
    r->remaining = remaining;
    *reply = &r->base;
    return 0;
}

/* --- ChangeServiceLinkage --------------------------------------------------------------------- */

/* An agency moves only the linkages of providers it registered. */
static int check_owner(wh_ctx *ctx, const registry_linkage *l)
{
    const wh_principal *who = wh_ctx_principal(ctx);
    bool is_private;
    char registered_by[64] = "";
    if (!who || who->role != WH_ROLE_AGENCY)
        return 0;
    int rc = l->provider_id
                 ? registry_store_provider_facts(wh_ctx_db(ctx), l->provider_id, &is_private, registered_by)
                 : 0;
    if (rc < 0 && rc != WH_NOT_FOUND)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the provider");
    if (!*registered_by || strcmp(registered_by, who->name) != 0)
        return wh_ctx_fail(ctx, WH_PERMISSION_DENIED, "linkage_id", "the linkage's provider is not yours");
    return 0;
}

static int check_change(wh_ctx *ctx, const Welfare__Registry__V1__ChangeServiceLinkage *m)
{
    if (m->linkage_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "linkage_id", "linkage_id is required");
    if (m->state < WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_ACCEPTED || m->state > STATE_ENDED)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "state",
                           "state must be ACCEPTED, REFUSED, STARTED or ENDED");
    if (m->state == STATE_ENDED && (m->outcome <= 0 || m->outcome > LAST_OUTCOME))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "outcome", "an ended linkage needs its outcome");
    if (m->state != STATE_ENDED && m->outcome != 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "outcome", "only an ended linkage has an outcome");
    return 0;
}

int registry_handle_change_service_linkage(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Registry__V1__ChangeServiceLinkage *m = (const void *)req;
    registry_linkage l;
    char on[11];
    int rc = check_change(ctx, m);
    if (rc == 0)
        rc = past_date(ctx, m->changed_on, "changed_on", on);
    if (rc < 0)
        return rc;
    if ((rc = registry_store_linkage(wh_ctx_db(ctx), m->linkage_id, &l)) < 0)
        return wh_ctx_fail(ctx, rc, rc == WH_NOT_FOUND ? "linkage_id" : NULL,
                           rc == WH_NOT_FOUND ? "no such linkage" : "could not read the linkage");
    if ((rc = check_owner(ctx, &l)) < 0)
        return rc;
    if (!registry_linkage_move_ok(l.state, m->state))
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "state",
                           "the linkage cannot move from state %d to %d", l.state, m->state);
    if (strcmp(on, l.changed_on) < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "changed_on",
                           "changed_on is before the linkage's last change (%s)", l.changed_on);
    if ((rc = registry_linkage_change(ctx, &l, m->state, m->outcome, on)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not change the linkage");
    Welfare__Registry__V1__ChangeServiceLinkageReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__registry__v1__change_service_linkage_reply__init(r);
    r->linkage_id = l.id;
    r->state = (Welfare__Registry__V1__LinkageState)l.state;
    *reply = &r->base;
    return 0;
}

/* --- ListServiceLinkages ---------------------------------------------------------------------- */

int registry_handle_list_service_linkages(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Registry__V1__ListServiceLinkages *m = (const void *)req;
    const wh_principal *who = wh_ctx_principal(ctx);
    if (m->household_id < 0 || m->provider_id < 0 || m->after_id < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT,
                           m->household_id < 0  ? "household_id"
                           : m->provider_id < 0 ? "provider_id"
                                                : "after_id",
                           "ids must not be negative");
    if (m->state < 0 || m->state > STATE_ENDED)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "state", "unknown state");
    if (m->limit < 0 || m->limit > 1000)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "limit", "limit must be 0..1000");
    if (who && who->role == WH_ROLE_AGENCY) {
        /* an agency sees its own providers' linkages only */
        registry_linkage own = {.provider_id = m->provider_id};
        if (m->provider_id == 0)
            return wh_ctx_fail(ctx, WH_PERMISSION_DENIED, "provider_id",
                               "an agency lists its own provider's linkages");
        int rc = check_owner(ctx, &own);
        if (rc < 0)
            return rc;
    }
    Welfare__Registry__V1__ListServiceLinkagesReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__registry__v1__list_service_linkages_reply__init(r);
    int rc = registry_store_list_linkages(ctx, m, &r->linkages, &r->n_linkages);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not list the linkages");
    *reply = &r->base;
    return 0;
}

/* --- events ----------------------------------------------------------------------------------- */

int registry_apply_household_identified(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Intake__V1__HouseholdIdentified *ev = (const void *)event;
    if (ev->household_id <= 0 || !registry_text_ok(ev->dong_code, 32) || !wh_date_valid(ev->identified_on)) {
        wh_log_warn("ignoring household without id, dong or date", "{s:I}", "referral_id",
                    (json_int_t)ev->referral_id);
        return 0;
    }
    return registry_store_upsert_household(wh_ctx_db(ctx), ev->household_id, ev->dong_code,
                                           ev->identified_on);
}

/* A closed case ends its linkages (capacity given back) and releases the reservations it still holds
 * (those of case's own LinkageRequested): today capacity returns when the case closes.  A case a
 * merge folded (CLOSE_REASON_MERGED) keeps the record of its linkages' states, for the unmerge. */
int registry_apply_case_closed(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Case__V1__CaseClosed *ev = (const void *)event;
    char on[11];
    int64_t *ids, resource_id;
    size_t n;
    int remaining, rc;
    bool folded = ev->reason == WELFARE__CASE__V1__CLOSE_REASON__CLOSE_REASON_MERGED;
    if (ev->case_id <= 0)
        return 0;
    if (wh_date_valid(ev->closed_on))
        snprintf(on, sizeof on, "%s", ev->closed_on);
    else
        wh_date_today(on);
    if ((rc = registry_store_case_ids(ctx, "registry_case_linkages", ev->case_id, &ids, &n)) < 0)
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++) {
        registry_linkage l;
        if ((rc = registry_store_linkage(wh_ctx_db(ctx), ids[i], &l)) == 0 && folded)
            rc = registry_store_fold_linkage(wh_ctx_db(ctx), &l, ev->case_id, on);
        if (rc == 0)
            rc = registry_linkage_change(ctx, &l, STATE_ENDED, LAST_OUTCOME,
                                         strcmp(on, l.changed_on) < 0 ? l.changed_on : on);
    }
    if (rc == 0 && folded) /* the case's own requests' units, for the unmerge to take again (fold.c) */
        rc = registry_store_fold_reservations(wh_ctx_db(ctx), ev->case_id, on);
    if (rc == 0)
        rc = registry_store_case_ids(ctx, "registry_case_reservations", ev->case_id, &ids, &n);
    for (size_t i = 0; i < n && rc == 0; i++)
        if ((rc = registry_release(ctx, ids[i], on, &resource_id, &remaining)) == WH_FAILED_PRECONDITION)
            rc = 0;
    return rc;
}

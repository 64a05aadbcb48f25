/*
 * handle_capacity.c — ReserveCapacity and ReleaseCapacity, and the reservation step the linkage
 * handler shares.  Each reservation is one unit of a resource's capacity.
 */
#include <string.h>

#include "registry.h"

#include "wh/metrics.h"
#include "wh/util.h"

static int emit_exhausted(wh_ctx *ctx, int64_t resource_id, char *dong_code)
{
    Welfare__Registry__V1__CapacityExhausted ev = WELFARE__REGISTRY__V1__CAPACITY_EXHAUSTED__INIT;
    ev.resource_id = resource_id;
    ev.dong_code = dong_code;
    return wh_ctx_emit(ctx, &ev.base);
}

/* Takes the unit and records the reservation; `restores` (0: none) is the reservation a merge's fold
 * released that this one takes the place of, announced in CapacityReserved.restores_reservation_id. */
static int reserve(wh_ctx *ctx, int64_t resource_id, int64_t linkage_id, int64_t case_id, const char *date,
                   int64_t restores, int64_t *reservation_id, int *remaining)
{
    char dong_code[64];
    wh_db *db = wh_ctx_db(ctx);
    bool taken = false;
    int rc;
    /* Checked first: a failed INSERT would abort the transaction an event is applied in. */
    if (linkage_id != 0 && (rc = registry_store_linkage_reserved(db, linkage_id, &taken)) < 0)
        return rc;
    if (taken)
        return WH_ALREADY_EXISTS;
    rc = registry_store_take_capacity(db, resource_id, remaining, dong_code, sizeof dong_code);
    if (rc < 0)
        return rc;
    if ((rc = registry_store_insert_reservation(db, resource_id, linkage_id, case_id, date, reservation_id)) <
        0)
        return rc;
    Welfare__Registry__V1__CapacityReserved ev = WELFARE__REGISTRY__V1__CAPACITY_RESERVED__INIT;
    ev.reservation_id = *reservation_id;
    ev.resource_id = resource_id;
    ev.linkage_id = linkage_id;
    ev.case_id = case_id;
    ev.remaining = *remaining;
    ev.reserved_on = (char *)date;
    ev.restores_reservation_id = restores;
    if ((rc = wh_ctx_emit(ctx, &ev.base)) < 0)
        return rc;
    if (*remaining == 0 && (rc = emit_exhausted(ctx, resource_id, dong_code)) < 0)
        return rc;
    wh_counter_add(wh_metrics_counter("registry_reservations_total", NULL, "Units of capacity reserved"), 1);
    return 0;
}

int registry_reserve(wh_ctx *ctx, int64_t resource_id, int64_t linkage_id, int64_t case_id, const char *date,
                     int64_t *reservation_id, int *remaining)
{
    return reserve(ctx, resource_id, linkage_id, case_id, date, 0, reservation_id, remaining);
}

int registry_reserve_again(wh_ctx *ctx, const registry_folded_reservation *f, const char *date,
                           int64_t *reservation_id, int *remaining)
{
    return reserve(ctx, f->resource_id, f->linkage_id, f->case_id, date, f->reservation_id, reservation_id,
                   remaining);
}

int registry_handle_reserve_capacity(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Registry__V1__ReserveCapacity *m = (const void *)req;
    char date[11];
    if (m->resource_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "resource_id", "resource_id is required");
    if (m->linkage_id < 0 || m->case_id < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, m->linkage_id < 0 ? "linkage_id" : "case_id",
                           "ids must not be negative");
    int rc = wh_ctx_business_date(ctx, m->reserved_on, "reserved_on", NULL, date);
    if (rc < 0)
        return rc;
    Welfare__Registry__V1__ReserveCapacityReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__registry__v1__reserve_capacity_reply__init(r);
    rc = registry_reserve(ctx, m->resource_id, m->linkage_id, m->case_id, date, &r->reservation_id,
                          &r->remaining);
    switch (rc) {
    case 0:
        *reply = &r->base;
        return 0;
    case WH_NOT_FOUND:
        return wh_ctx_fail(ctx, rc, "resource_id", "no such resource");
    case WH_FAILED_PRECONDITION:
        return wh_ctx_fail(ctx, rc, "resource_id", "the resource has no capacity left");
    case WH_ALREADY_EXISTS:
        return wh_ctx_fail(ctx, rc, "linkage_id", "the linkage already holds a reservation");
    default:
        return wh_ctx_fail(ctx, rc, NULL, "could not reserve capacity");
    }
}

int registry_handle_release_capacity(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Registry__V1__ReleaseCapacity *m = (const void *)req;
    char date[11];
    if (m->reservation_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "reservation_id", "reservation_id is required");
    int rc = wh_ctx_business_date(ctx, m->released_on, "released_on", NULL, date);
    if (rc < 0)
        return rc;
    Welfare__Registry__V1__ReleaseCapacityReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__registry__v1__release_capacity_reply__init(r);
    rc = registry_release(ctx, m->reservation_id, date, &r->resource_id, &r->remaining);
    if (rc == WH_NOT_FOUND)
        return wh_ctx_fail(ctx, rc, "reservation_id", "no such reservation");
    if (rc == WH_FAILED_PRECONDITION)
        return wh_ctx_fail(ctx, rc, "reservation_id", "the reservation was released already");
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not release capacity");
    *reply = &r->base;
    return 0;
}

int registry_release(wh_ctx *ctx, int64_t reservation_id, const char *date, int64_t *resource_id,
                     int *remaining)
{
    int rc = registry_store_release(wh_ctx_db(ctx), reservation_id, date, resource_id, remaining);
    if (rc < 0)
        return rc;
    Welfare__Registry__V1__CapacityReleased ev = WELFARE__REGISTRY__V1__CAPACITY_RELEASED__INIT;
    ev.reservation_id = reservation_id;
    ev.resource_id = *resource_id;
    ev.remaining = *remaining;
    return wh_ctx_emit(ctx, &ev.base);
}

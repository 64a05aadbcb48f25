/*
 * apply_events.c — what the registry does with other services' events: routing's dong map, and the
 * case service's linkage requests, each answered by a reservation or a MatchFailed.
 */
#include <jansson.h>
#include <stdio.h>

#include <stdint.h>

#include "registry.h"

#include "wh/log.h"
#include "wh/metrics.h"
#include "wh/util.h"

int registry_apply_dong_defined(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Routing__V1__DongDefined *d = (const void *)event;
    if (!registry_text_ok(d->dong_code, 32)) {
        wh_log_warn("ignoring dong without a code", NULL);
        return 0; /* a bad event cannot get better by retrying */
    }
    return registry_store_upsert_dong(wh_ctx_db(ctx), d);
}

static void count(const char *result)
{
    char labels[64];
    snprintf(labels, sizeof labels, "result=\"%s\"", result);
    wh_counter_add(
        wh_metrics_counter("registry_linkages_total", labels, "Linkage requests applied, by result"), 1);
}

static int fail_match(wh_ctx *ctx, const Welfare__Case__V1__LinkageRequested *ev, const char *reason)
{
    Welfare__Registry__V1__MatchFailed out = WELFARE__REGISTRY__V1__MATCH_FAILED__INIT;
    out.linkage_id = ev->linkage_id;
    out.case_id = ev->case_id;
    out.reason = (char *)reason;
    count("failed");
    return wh_ctx_emit(ctx, &out.base);
}

static int household_of(wh_ctx *ctx, const Welfare__Case__V1__LinkageRequested *ev, registry_household *h,
                        registry_dong_info *dong)
{
    int rc = registry_store_dong(wh_ctx_db(ctx), ev->dong_code, dong);
    if (rc < 0)
        return rc;
    h->dong_code = ev->dong_code;
    h->hub_dong_code = ev->hub_dong_code && *ev->hub_dong_code ? ev->hub_dong_code
                       : dong->found                           ? dong->hub_dong_code
                                                               : ev->dong_code;
    const Welfare__Common__V1__GeoPoint *at = ev->location;
    if (at && wh_geo_valid(at->latitude, at->longitude) && (at->latitude != 0.0 || at->longitude != 0.0)) {
        h->has_location = true;
        h->latitude = at->latitude;
        h->longitude = at->longitude;
    } else if (dong->found) {
        h->has_location = true;
        h->latitude = dong->latitude;
        h->longitude = dong->longitude;
    }
    return 0;
}

/* Tries the ranked candidates in order: the first that still has a unit wins. */
static int reserve_best(wh_ctx *ctx, const Welfare__Case__V1__LinkageRequested *ev, const char *date,
                        const registry_candidate *c, size_t n, bool *reserved)
{
    *reserved = false;
    for (size_t i = 0; i < n; i++) {
        int64_t reservation_id;
        int remaining;
        int rc = registry_reserve(ctx, c[i].resource_id, ev->linkage_id, ev->case_id, date, &reservation_id,
                                  &remaining);
        if (rc == WH_FAILED_PRECONDITION)
            continue;
        if (rc < 0)
            return rc;
        *reserved = true;
        count("reserved");
        return 0;
    }
    return 0;
}

int registry_apply_linkage_requested(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Case__V1__LinkageRequested *ev = (const void *)event;
    if (!ev->need || ev->need->domain <= 0)
        return fail_match(ctx, ev, "the request names no need");
    if (!registry_text_ok(ev->dong_code, 32))
        return fail_match(ctx, ev, "the request names no dong");
    char date[11];
    if (wh_date_valid(ev->requested_on))
        snprintf(date, sizeof date, "%s", ev->requested_on);
    else
        wh_date_today(date);

    registry_household h = {0};
    registry_dong_info dong;
    registry_candidate *c = NULL;
    size_t n = 0;
    bool reserved = false;
    int rc = household_of(ctx, ev, &h, &dong);
    h.as_of = date; /* a linkage dated 2015 cannot use a resource discovered in 2016 */
    bool whole = false;
    /* The best candidate first (its dong and sphere are read through their index); the whole district
     * only when nothing near could be reserved. */
    if (rc == 0)
        rc = registry_match_one(ctx, &h, ev->need->domain, ev->need->severity, 1, &c, &n, &whole);
    if (rc == 0)
        rc = reserve_best(ctx, ev, date, c, n, &reserved);
    if (rc == 0 && !reserved && !whole &&
        (rc = registry_match_one(ctx, &h, ev->need->domain, ev->need->severity, SIZE_MAX, &c, &n, &whole)) ==
            0)
        rc = reserve_best(ctx, ev, date, c, n, &reserved);
    if (rc == WH_ALREADY_EXISTS) {
        wh_log_info("linkage already holds a reservation", "{s:I}", "linkage_id", (json_int_t)ev->linkage_id);
        return 0;
    }
    if (rc < 0)
        return rc;
    if (!reserved)
        return fail_match(ctx, ev,
                          n == 0 ? "no eligible resource with capacity in the district"
                                 : "every eligible resource ran out of capacity");
    return 0;
}

/*
 * fold.c — what the registry gives back when an unmerge reopens a case that a merge folded
 * (CaseReopened after CaseClosed CLOSE_REASON_MERGED): each linkage the fold ended goes back to the
 * state it was in, a unit of its resource taken again, in a ServiceLinkageChanged marked `restored`
 * (reporting counted its start already; a public programme's enrolment was never undone).  A
 * resource with no unit left by then leaves the linkage ended: the hub requests anew.  Each folded
 * linkage is dealt with once (folded_linkage.undone_on), so a replayed CaseReopened changes nothing.
 *
 * The units the case's own requests held (its LinkageRequested reservations, which the fold released)
 * come back from the same record, not from case asking again: the registry knows which unit each
 * request held, and a new request would be a new match (perhaps another resource) and a second
 * LinkageCompleted, a linkage the KPI counts twice.  Each released reservation is taken again once
 * (folded_reservation.undone_on) for the same linkage and case, in a CapacityReserved whose
 * restores_reservation_id names the one it replaces (case points its linkage at it and emits nothing);
 * a resource with no unit left by then leaves it released (logged, counted `no_capacity`).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "registry.h"

#include "wh/log.h"
#include "wh/metrics.h"
#include "wh/util.h"

#define KIND_RESOURCE WELFARE__REGISTRY__V1__LINKAGE_KIND__LINKAGE_KIND_RESOURCE
#define STATE_ENDED   WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_ENDED

static void count_in(const char *metric, const char *help, const char *result)
{
    char labels[64];
    snprintf(labels, sizeof labels, "result=\"%s\"", result);
    wh_counter_add(wh_metrics_counter(metric, labels, help), 1);
}

static void count(const char *result)
{
    count_in("registry_folded_linkages_total",
             "Linkages a merge's fold ended, dealt with by the unmerge, by result", result);
}

static void count_reservation(const char *result)
{
    count_in(
        "registry_folded_reservations_total",
        "Reservations of a case's requests a merge's fold released, dealt with by the unmerge, by result",
        result);
}

/* Takes a unit of the linkage's resource again: false (nothing taken) when none is left. */
static int take_unit(wh_ctx *ctx, registry_linkage *l, const registry_folded *f, const char *on, bool *taken)
{
    int remaining;
    *taken = true;
    l->reservation_id = 0;
    if (l->kind != KIND_RESOURCE || !registry_linkage_holds_capacity(f->state_before))
        return 0;
    int rc = registry_reserve(ctx, l->resource_id, 0, 0, on, &l->reservation_id, &remaining);
    if (rc == WH_FAILED_PRECONDITION) {
        *taken = false;
        return 0;
    }
    return rc;
}

static int restore_one(wh_ctx *ctx, const registry_folded *f, const char *given)
{
    wh_db *db = wh_ctx_db(ctx);
    registry_linkage l;
    bool taken;
    int rc = registry_store_linkage(db, f->linkage_id, &l);
    if (rc < 0)
        return rc;
    char on[11];
    snprintf(on, sizeof on, "%s", strcmp(given, l.changed_on) < 0 ? l.changed_on : given);
    if (l.state != STATE_ENDED) /* cannot happen (ended is final), but never move a live linkage */
        return registry_store_fold_undone(db, l.id, on, false);
    if ((rc = take_unit(ctx, &l, f, on, &taken)) < 0)
        return rc;
    if (!taken) {
        wh_log_info("a linkage the merge ended stays ended: its resource has no unit left", "{s:I, s:I}",
                    "linkage_id", (json_int_t)l.id, "resource_id", (json_int_t)l.resource_id);
        count("no_capacity");
        return registry_store_fold_undone(db, l.id, on, false);
    }
    l.state = f->state_before;
    l.outcome = 0;
    memcpy(l.changed_on, on, sizeof l.changed_on);
    if ((rc = registry_store_restore_linkage(db, &l)) < 0 ||
        (rc = registry_store_fold_undone(db, l.id, on, true)) < 0)
        return rc;
    count("restored");
    return registry_emit_linkage_changed(ctx, &l, true);
}

/* Takes the unit of a released request again, once: a new reservation for its linkage, or none when
 * the resource has no unit left (or the linkage holds one again). */
static int reserve_again(wh_ctx *ctx, const registry_folded_reservation *f, const char *on)
{
    int64_t restored_as = 0;
    int remaining;
    int rc = registry_reserve_again(ctx, f, on, &restored_as, &remaining);
    if (rc == WH_FAILED_PRECONDITION || rc == WH_ALREADY_EXISTS) {
        wh_log_info("a request's unit the merge released stays released", "{s:I, s:I, s:s}", "reservation_id",
                    (json_int_t)f->reservation_id, "resource_id", (json_int_t)f->resource_id, "why",
                    rc == WH_ALREADY_EXISTS ? "the linkage holds a reservation" : "no unit left");
        count_reservation(rc == WH_ALREADY_EXISTS ? "held" : "no_capacity");
        return registry_store_reservation_undone(wh_ctx_db(ctx), f->reservation_id, on, 0);
    }
    if (rc < 0)
        return rc;
    count_reservation("restored");
    return registry_store_reservation_undone(wh_ctx_db(ctx), f->reservation_id, on, restored_as);
}

static int restore_reservations(wh_ctx *ctx, int64_t case_id, const char *on)
{
    registry_folded_reservation *folded;
    size_t n;
    int rc = registry_store_folded_reservations(ctx, case_id, &folded, &n);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = reserve_again(ctx, &folded[i], on);
    return rc;
}

int registry_apply_case_reopened(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Case__V1__CaseReopened *ev = (const void *)event;
    registry_folded *folded;
    size_t n;
    char on[11];
    if (ev->case_id <= 0)
        return 0;
    if (wh_date_valid(ev->reopened_on))
        snprintf(on, sizeof on, "%s", ev->reopened_on);
    else
        wh_date_today(on);
    int rc = registry_store_folded_linkages(ctx, ev->case_id, &folded, &n);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = restore_one(ctx, &folded[i], on);
    return rc == 0 ? restore_reservations(ctx, ev->case_id, on) : rc;
}

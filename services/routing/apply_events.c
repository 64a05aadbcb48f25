/*
 * apply_events.c — what routing does with other services' events: the case service's visit
 * requests become pending requests for the hub's planning.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "routing.h"

#include "wh/log.h"
#include "wh/util.h"

#define DEFAULT_DURATION 30 /* minutes on site when the request does not say */
#define DEFAULT_WINDOW   14 /* days to the latest date when the request does not say */

/* Known roles, at most ROUTING_PLAN_MAX_ROLES; a request naming none is a welfare official's visit. */
static int roles_of(const Welfare__Case__V1__VisitRequested *ev, int *roles)
{
    int n = 0;
    for (size_t i = 0; i < ev->n_roles && n < ROUTING_PLAN_MAX_ROLES; i++)
        if (ev->roles[i] >= WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_WELFARE_OFFICIAL &&
            ev->roles[i] <= WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_VOCATIONAL_COUNSELLOR)
            roles[n++] = ev->roles[i];
    if (n == 0)
        roles[n++] = WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_WELFARE_OFFICIAL;
    return n;
}

#define MAX_DELAY    1440
#define MAX_LATENESS 480

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* The case checked these; a request from elsewhere that is not consistent is planned as a joint
 * visit with a hard window rather than refused (the stream cannot be answered). */
static routing_visit_timing timing_of(const Welfare__Case__V1__VisitRequested *ev, int n_roles)
{
    routing_visit_timing t = {0};
    bool in_order = ev->sequence == WELFARE__CASE__V1__VISIT_SEQUENCE__VISIT_SEQUENCE_IN_ORDER;
    bool any_order = ev->sequence == WELFARE__CASE__V1__VISIT_SEQUENCE__VISIT_SEQUENCE_ANY_ORDER;
    if ((in_order || any_order) && n_roles >= 2) {
        t.sequence = any_order && n_roles == 2 ? 2 : 1;
        t.min_delay = clamp(ev->min_delay_minutes, 0, MAX_DELAY);
        t.max_delay = clamp(ev->max_delay_minutes, t.min_delay, MAX_DELAY);
    }
    if (ev->window_end_minute > 0)
        t.max_lateness = clamp(ev->max_lateness_minutes, 0, MAX_LATENESS);
    return t;
}

int routing_apply_visit_requested(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Case__V1__VisitRequested *ev = (const void *)event;
    if (ev->visit_request_id <= 0 || !routing_text_ok(ev->dong_code, ROUTING_CODE_MAX)) {
        /* Retrying cannot mend it; the stream moves on and the log says why. */
        wh_log_warn("ignoring visit request without id or dong", "{s:I}", "visit_request_id",
                    (json_int_t)ev->visit_request_id);
        return 0;
    }
    int roles[ROUTING_PLAN_MAX_ROLES];
    int n_roles = roles_of(ev, roles);
    int duration =
        ev->duration_minutes > 0 && ev->duration_minutes <= 480 ? ev->duration_minutes : DEFAULT_DURATION;
    char earliest[11], latest[11];
    if (wh_date_valid(ev->earliest_on))
        snprintf(earliest, sizeof earliest, "%s", ev->earliest_on);
    else
        wh_date_today(earliest);
    if (wh_date_valid(ev->latest_on) && strcmp(ev->latest_on, earliest) >= 0)
        snprintf(latest, sizeof latest, "%s", ev->latest_on);
    else
        wh_date_add_days(earliest, DEFAULT_WINDOW, latest);
    routing_visit_timing timing = timing_of(ev, n_roles);
    return routing_store_insert_visit_request(wh_ctx_db(ctx), ev, roles, n_roles, duration, earliest, latest,
                                              &timing);
}

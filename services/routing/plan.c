/*
 * plan.c — the constructive day planner: priority-ordered cheapest insertion with fixed start times.
 *
 * Each route is a sequence of visits with fixed start times.  A pending visit goes into a gap of a
 * route — between two visits, or between the hub and a visit — at the earliest minute the member of
 * staff can be there, provided they can still reach the next visit (or the hub before the shift
 * ends) in time.  Start times never move once set, which is what makes joint visits simple: a joint
 * visit needs, for one common start minute, a gap in the route of one member of staff per role.
 * The candidate minutes are the earliest arrivals of every gap of every member of staff with a
 * needed role; the planner takes the minute with the least added travel (then the earliest).
 * Visits are taken by priority, then due date, then id, so that urgent visits get the day first.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "wh/util.h"

double routing_haversine_km(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371.0088, rad = M_PI / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a =
        sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(sqrt(a < 1.0 ? a : 1.0));
}

int routing_plan_travel(const routing_plan *p, double lat1, double lon1, double lat2, double lon2)
{
    double km = routing_haversine_km(lat1, lon1, lat2, lon2) * p->detour;
    return (int)ceil(km / p->speed_kmh * 60.0 - 1e-9);
}

int routing_plan_start_for(const routing_plan_visit *v, size_t s)
{
    for (int k = 0; k < v->n_staff && k < ROUTING_PLAN_MAX_ROLES; k++)
        if (v->staff[k] == s)
            return v->start + v->offset[k];
    return v->start;
}

/* One end of a gap: a place and a time (the end of the visit before, the start of the visit after). */
typedef struct point {
    double lat, lon;
    int minute;
} point;

static point before_gap(const routing_plan *p, size_t s, size_t g)
{
    const routing_plan_route *r = &p->routes[s];
    if (g == 0)
        return (point){p->hub_latitude, p->hub_longitude, p->staff[s].shift_start};
    const routing_plan_visit *v = &p->visits[r->stops[g - 1].visit];
    return (point){v->latitude, v->longitude, routing_plan_start_for(v, s) + v->duration};
}

static point after_gap(const routing_plan *p, size_t s, size_t g)
{
    const routing_plan_route *r = &p->routes[s];
    if (g == r->n)
        return (point){p->hub_latitude, p->hub_longitude, p->staff[s].shift_end};
    const routing_plan_visit *v = &p->visits[r->stops[g].visit];
    return (point){v->latitude, v->longitude, routing_plan_start_for(v, s)};
}

static int travel(const routing_plan *p, point a, double lat, double lon)
{
    return routing_plan_travel(p, a.lat, a.lon, lat, lon);
}

/* Earliest start of v in gap g of staff s's route (it may not fit). */
static int earliest_in_gap(const routing_plan *p, size_t s, size_t g, const routing_plan_visit *v)
{
    point a = before_gap(p, s, g);
    int t = a.minute + travel(p, a, v->latitude, v->longitude);
    return v->window_end > 0 && t < v->window_start ? v->window_start : t; /* wait for the window */
}

/* Whether staff s may take part k of v: the role, and for the lead the visit's skills. */
static bool qualified(const routing_plan *p, size_t s, const routing_plan_visit *v, int k)
{
    return p->staff[s].role == v->roles[k] && (k != 0 || (v->skills & ~p->staff[s].skills) == 0);
}

/* Whether v can start at minute t in gap g of staff s's route; *cost is the travel it adds. */
static bool gap_fits(const routing_plan *p, size_t s, size_t g, const routing_plan_visit *v, int t, int *cost)
{
    point a = before_gap(p, s, g), b = after_gap(p, s, g);
    int in = travel(p, a, v->latitude, v->longitude);
    int out = travel(p, b, v->latitude, v->longitude);
    if (a.minute + in > t || t + v->duration + out > b.minute)
        return false;
    if (v->window_end > 0 && (t < v->window_start || t + v->duration > v->window_end))
        return false;
    *cost = in + out - travel(p, a, b.lat, b.lon);
    return true;
}

typedef struct choice {
    size_t staff[ROUTING_PLAN_MAX_ROLES];
    size_t gap[ROUTING_PLAN_MAX_ROLES];
    int cost;
    int start;
} choice;

static bool chosen(const choice *c, int k, size_t s)
{
    for (int i = 0; i < k; i++)
        if (c->staff[i] == s)
            return true;
    return false;
}

/* For start minute t: the cheapest gap per role, each role by a different member of staff. */
static bool assign_at(const routing_plan *p, const routing_plan_visit *v, int t, choice *c)
{
    c->cost = 0;
    c->start = t;
    for (int k = 0; k < v->n_roles; k++) {
        int best = -1;
        for (size_t s = 0; s < p->n_staff; s++) {
            if (!qualified(p, s, v, k) || chosen(c, k, s))
                continue;
            for (size_t g = 0; g <= p->routes[s].n; g++) {
                int cost;
                if (gap_fits(p, s, g, v, t, &cost) && (best < 0 || cost < best)) {
                    best = cost;
                    c->staff[k] = s;
                    c->gap[k] = g;
                }
            }
        }
        if (best < 0)
            return false;
        c->cost += best;
    }
    return true;
}

static bool needs_role(const routing_plan_visit *v, int role)
{
    for (int k = 0; k < v->n_roles; k++)
        if (v->roles[k] == role)
            return true;
    return false;
}

/* One role: a gap's cost does not depend on the start, and its earliest start is its best, so each
 * gap is tried once (the general search would try every gap at every candidate minute). */
static bool best_single(const routing_plan *p, const routing_plan_visit *v, choice *best)
{
    bool found = false;
    for (size_t s = 0; s < p->n_staff; s++) {
        if (!qualified(p, s, v, 0))
            continue;
        for (size_t g = 0; g <= p->routes[s].n; g++) {
            int cost, t = earliest_in_gap(p, s, g, v);
            if (!gap_fits(p, s, g, v, t, &cost))
                continue;
            if (!found || cost < best->cost || (cost == best->cost && t < best->start)) {
                *best = (choice){.staff = {s}, .gap = {g}, .cost = cost, .start = t};
                found = true;
            }
        }
    }
    return found;
}

static bool best_choice(const routing_plan *p, const routing_plan_visit *v, choice *best)
{
    bool found = false;
    if (v->n_roles == 1)
        return best_single(p, v, best);
    for (size_t s = 0; s < p->n_staff; s++) {
        if (!needs_role(v, p->staff[s].role))
            continue;
        for (size_t g = 0; g <= p->routes[s].n; g++) {
            choice c;
            int t = earliest_in_gap(p, s, g, v);
            if (!assign_at(p, v, t, &c))
                continue;
            if (!found || c.cost < best->cost || (c.cost == best->cost && c.start < best->start)) {
                *best = c;
                found = true;
            }
        }
    }
    return found;
}

/* Enough staff per role?  Counted with multiplicity, since two nurses need two people. */
static bool staffable(const routing_plan *p, const routing_plan_visit *v)
{
    for (int k = 0; k < v->n_roles; k++) {
        int wanted = 0, have = 0;
        for (int i = 0; i < v->n_roles; i++)
            wanted += v->roles[i] == v->roles[k];
        for (size_t s = 0; s < p->n_staff; s++)
            have += p->staff[s].role == v->roles[k];
        if (have < wanted)
            return false;
    }
    bool lead = false; /* someone of the lead's role with the skills */
    for (size_t s = 0; v->n_roles > 0 && s < p->n_staff && !lead; s++)
        lead = qualified(p, s, v, 0);
    return lead;
}

static int route_insert(routing_plan_route *r, size_t at, size_t visit)
{
    routing_plan_stop *s = wh_grow(r->stops, &r->cap, r->n + 1, sizeof *s, 8);
    if (!s)
        return -1;
    r->stops = s;
    memmove(&r->stops[at + 1], &r->stops[at], (r->n - at) * sizeof *r->stops);
    r->stops[at] = (routing_plan_stop){visit, 0};
    r->n++;
    return 0;
}

int routing_plan_append(routing_plan_route *r, size_t visit)
{
    return route_insert(r, r->n, visit);
}

/* Fixed visits go in by start time. */
static int place_fixed(routing_plan *p)
{
    for (size_t i = 0; i < p->n_visits; i++) {
        routing_plan_visit *v = &p->visits[i];
        if (!v->placed)
            continue;
        for (int k = 0; k < v->n_staff; k++) {
            if (v->staff[k] >= p->n_staff)
                continue;
            routing_plan_route *r = &p->routes[v->staff[k]];
            int start = v->start + v->offset[k];
            size_t at = 0;
            while (at < r->n && routing_plan_start_for(&p->visits[r->stops[at].visit], v->staff[k]) <= start)
                at++;
            if (route_insert(r, at, i) < 0)
                return -1;
        }
    }
    return 0;
}

static int by_priority(const void *a, const void *b, void *arg)
{
    const routing_plan_visit *v = arg, *x = &v[*(const size_t *)a], *y = &v[*(const size_t *)b];
    if (x->priority != y->priority)
        return y->priority - x->priority;
    if (x->due != y->due)
        return x->due < y->due ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static int place_one(routing_plan *p, size_t i)
{
    routing_plan_visit *v = &p->visits[i];
    choice c;
    if (!staffable(p, v)) {
        v->unplaced_reason = ROUTING_UNPLACED_NO_STAFF_WITH_ROLE;
        return 0;
    }
    if (v->sequence != 0 || !best_choice(p, v, &c)) { /* sequences are the optimizer's */
        v->unplaced_reason = ROUTING_UNPLACED_NO_TIME;
        return 0;
    }
    v->placed = true;
    v->start = c.start;
    v->n_staff = v->n_roles;
    for (int k = 0; k < v->n_roles; k++) {
        v->staff[k] = c.staff[k];
        v->offset[k] = 0;
        if (route_insert(&p->routes[c.staff[k]], c.gap[k], i) < 0)
            return -1;
    }
    return 1;
}

void routing_plan_finish(routing_plan *p)
{
    for (size_t s = 0; s < p->n_staff; s++) {
        routing_plan_route *r = &p->routes[s];
        r->travel = 0;
        for (size_t g = 0; g < r->n; g++) {
            const routing_plan_visit *v = &p->visits[r->stops[g].visit];
            r->stops[g].travel = travel(p, before_gap(p, s, g), v->latitude, v->longitude);
            r->travel += r->stops[g].travel;
        }
        point last = before_gap(p, s, r->n);
        int home = r->n ? travel(p, last, p->hub_latitude, p->hub_longitude) : 0;
        r->travel += home;
        r->return_minute = last.minute + home;
    }
}

int routing_plan_run(routing_plan *p)
{
    size_t *order = NULL, n = 0;
    int placed = 0;
    p->routes = calloc(p->n_staff ? p->n_staff : 1, sizeof *p->routes);
    order = malloc((p->n_visits ? p->n_visits : 1) * sizeof *order);
    if (!p->routes || !order || place_fixed(p) < 0)
        goto fail;
    for (size_t i = 0; i < p->n_visits; i++)
        if (!p->visits[i].placed)
            order[n++] = i;
    qsort_r(order, n, sizeof *order, by_priority, p->visits);
    for (size_t i = 0; i < n; i++) {
        int rc = place_one(p, order[i]);
        if (rc < 0)
            goto fail;
        placed += rc;
    }
    routing_plan_finish(p);
    free(order);
    return placed;
fail:
    free(order);
    return -1;
}

void routing_plan_free(routing_plan *p)
{
    if (!p || !p->routes)
        return;
    for (size_t s = 0; s < p->n_staff; s++)
        free(p->routes[s].stops);
    free(p->routes);
    p->routes = NULL;
}

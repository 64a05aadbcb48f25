/*
 * checker.c — an independent feasibility check of a result.
 *
 * It shares nothing with the search: no segments, no compiled model, no schedule of its own.  It reads
 * the problem as the caller gave it and the result as the solver returned it, and verifies the timed
 * stops as a certificate: every arrival follows from the previous stop's end plus the travel time,
 * every start lies in a window and no earlier than the arrival, every route fits its shift, and so on.
 * If a certificate passes, the plan can be carried out as written.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOL 1e-6

typedef struct check {
    const routing_problem_t *p;
    const routing_result_t *res;
    char *err;
    size_t errlen;
    int *served;        /* visits × ROUTING_MAX_PARTS: count */
    int *served_by;     /* visits × ROUTING_MAX_PARTS: staff */
    double *part_start; /* visits × ROUTING_MAX_PARTS */
    int *brk_served;
    double lateness_cost; /* Σ recomputed lateness × cost */
} check_t;

static int fail(check_t *c, const char *fmt, ...)
{
    if (c->err && c->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err, c->errlen, fmt, ap);
        va_end(ap);
    }
    return ROUTING_EINFEAS;
}

static bool near_eq(double a, double b)
{
    return fabs(a - b) <= TOL * fmax(1.0, fmax(fabs(a), fabs(b)));
}

static bool in_windows(int n, const routing_window_t *w, double t)
{
    if (n == 0)
        return true;
    for (int i = 0; i < n; i++)
        if (t >= w[i].start - TOL && t <= w[i].end + TOL)
            return true;
    return false;
}

/* Soft windows: the least time after a window's end over the windows the start may fall in (each end
 * extended by max_lateness); -1 when it falls in none. */
static double soft_lateness(const routing_visit_t *v, double t)
{
    double best = -1;
    for (int i = 0; i < v->n_windows; i++)
        if (t >= v->windows[i].start - TOL && t <= v->windows[i].end + v->max_lateness + TOL) {
            double late = t > v->windows[i].end ? t - v->windows[i].end : 0;
            best = best < 0 || late < best ? late : best;
        }
    return best;
}

static int check_visit_stop(check_t *c, int staff, const routing_stop_t *st, double *load)
{
    const routing_problem_t *p = c->p;
    if (st->index < 0 || st->index >= p->n_visits)
        return fail(c, "staff %d: stop with unknown visit %d", staff, st->index);
    const routing_visit_t *v = &p->visits[st->index];
    const routing_staff_t *s = &p->staff[staff];
    if (st->part < 0 || st->part >= v->n_parts)
        return fail(c, "visit %d: unknown part %d", st->index, st->part);
    const routing_part_t *pt = &v->parts[st->part];
    if ((pt->role != ROUTING_ANY_ROLE && pt->role != s->role) || (pt->skills & ~s->skills))
        return fail(c, "visit %d part %d: staff %d lacks the role or skills", st->index, st->part, staff);
    if (v->lateness_cost > 0 && v->n_windows > 0) {
        double late = soft_lateness(v, st->start);
        if (late < 0)
            return fail(c, "visit %d: start %.6f beyond its windows' hard limit", st->index, st->start);
        if (!near_eq(st->lateness, late))
            return fail(c, "visit %d: reported lateness %.6f, recomputed %.6f", st->index, st->lateness,
                        late);
        c->lateness_cost += late * v->lateness_cost;
    } else if (!in_windows(v->n_windows, v->windows, st->start)) {
        return fail(c, "visit %d: start %.6f outside its windows", st->index, st->start);
    } else if (!near_eq(st->lateness, 0)) {
        return fail(c, "visit %d: lateness %.6f reported on a hard window", st->index, st->lateness);
    }
    if (!near_eq(st->end, st->start + v->duration))
        return fail(c, "visit %d: end %.6f is not start + duration", st->index, st->end);
    size_t k = (size_t)st->index * ROUTING_MAX_PARTS + st->part;
    c->served[k]++;
    c->served_by[k] = staff;
    c->part_start[k] = st->start;
    *load += v->demand;
    return 0;
}

static int check_break_stop(check_t *c, int staff, const routing_stop_t *st)
{
    if (st->index < 0 || st->index >= c->p->n_breaks)
        return fail(c, "staff %d: unknown break %d", staff, st->index);
    const routing_break_t *b = &c->p->breaks[st->index];
    if (b->staff != staff)
        return fail(c, "break %d taken by staff %d, not its owner", st->index, staff);
    if (!in_windows(1, &b->window, st->start) || !near_eq(st->end, st->start + b->duration))
        return fail(c, "break %d: start or end outside its window/duration", st->index);
    c->brk_served[st->index]++;
    return 0;
}

static int stop_location(const routing_problem_t *p, const routing_stop_t *st)
{
    if (st->kind == ROUTING_STOP_BREAK)
        return st->index >= 0 && st->index < p->n_breaks ? p->breaks[st->index].location : -1;
    return st->index >= 0 && st->index < p->n_visits ? p->visits[st->index].location : -1;
}

static int check_route(check_t *c, const routing_route_t *r, double *travel_sum)
{
    const routing_problem_t *p = c->p;
    if (r->staff < 0 || r->staff >= p->n_staff)
        return fail(c, "route for unknown staff %d", r->staff);
    const routing_staff_t *s = &p->staff[r->staff];
    if (r->depart < s->shift_start - TOL)
        return fail(c, "staff %d leaves at %.6f before the shift starts", r->staff, r->depart);
    int loc = s->start_location;
    double t = r->depart, travel = 0, load = 0;
    for (int i = 0; i < r->n_stops; i++) {
        const routing_stop_t *st = &r->stops[i];
        int next = stop_location(p, st);
        if (next < 0)
            return fail(c, "staff %d stop %d: unknown visit or break", r->staff, i);
        double leg = routing_problem_travel(p, loc, next);
        travel += leg;
        if (!near_eq(st->arrival, t + leg) || st->start < st->arrival - TOL)
            return fail(c, "staff %d stop %d: arrival %.6f / start %.6f inconsistent with travel", r->staff,
                        i, st->arrival, st->start);
        int rc = st->kind == ROUTING_STOP_BREAK ? check_break_stop(c, r->staff, st)
                                                : check_visit_stop(c, r->staff, st, &load);
        if (rc < 0)
            return rc;
        t = st->end;
        loc = next;
    }
    double leg = routing_problem_travel(p, loc, s->end_location);
    travel += leg;
    if (r->n_stops && (!near_eq(r->arrive, t + leg) || r->arrive > s->shift_end + TOL))
        return fail(c, "staff %d back at %.6f, after the shift end %.6f", r->staff, r->arrive, s->shift_end);
    if (s->capacity > 0 && load > s->capacity + TOL)
        return fail(c, "staff %d carries %.3f over capacity %.3f", r->staff, load, s->capacity);
    if (!near_eq(r->travel, r->n_stops ? travel : 0))
        return fail(c, "staff %d: reported travel %.6f, recomputed %.6f", r->staff, r->travel, travel);
    *travel_sum += r->n_stops ? travel : 0;
    return 0;
}

/* A sequential visit: each part starts [min_delay, max_delay] after the previous one (in either order
 * for an any-order pair). */
static int check_delays(check_t *c, int i)
{
    const routing_visit_t *v = &c->p->visits[i];
    const double *st = &c->part_start[(size_t)i * ROUTING_MAX_PARTS];
    for (int k = 1; k < v->n_parts; k++) {
        double gap = st[k] - st[k - 1];
        if (v->any_order && gap < 0)
            gap = -gap;
        if (gap < v->min_delay - TOL || gap > v->max_delay + TOL)
            return fail(c, "sequential visit %d: part %d starts %.6f after part %d, allowed [%.6f, %.6f]", i,
                        k, gap, k - 1, v->min_delay, v->max_delay);
    }
    return 0;
}

static int check_visit(check_t *c, int i, const int *listed)
{
    const routing_visit_t *v = &c->p->visits[i];
    const int *sv = &c->served[(size_t)i * ROUTING_MAX_PARTS];
    int done = 0;
    for (int k = 0; k < v->n_parts; k++) {
        if (sv[k] > 1)
            return fail(c, "visit %d part %d served %d times", i, k, sv[k]);
        done += sv[k];
    }
    if (done == 0)
        return listed[i] == 1 ? 0 : fail(c, "visit %d neither served nor listed once as unassigned", i);
    if (done != v->n_parts || listed[i])
        return fail(c, "visit %d partly served or also listed as unassigned", i);
    double lo = INFINITY, hi = -INFINITY;
    for (int k = 0; k < v->n_parts; k++) {
        const int *by = &c->served_by[(size_t)i * ROUTING_MAX_PARTS];
        for (int q = 0; q < k; q++)
            if (by[q] == by[k])
                return fail(c, "joint visit %d: staff %d serves two parts", i, by[k]);
        lo = fmin(lo, c->part_start[(size_t)i * ROUTING_MAX_PARTS + k]);
        hi = fmax(hi, c->part_start[(size_t)i * ROUTING_MAX_PARTS + k]);
    }
    if (v->sequential)
        return check_delays(c, i);
    if (hi - lo > v->sync_tolerance + TOL)
        return fail(c, "joint visit %d: starts %.6f apart, tolerance %.6f", i, hi - lo, v->sync_tolerance);
    return 0;
}

static int check_all(check_t *c, int *listed)
{
    const routing_problem_t *p = c->p;
    const routing_result_t *res = c->res;
    int seen_staff[p->n_staff + 1];
    memset(seen_staff, 0, sizeof(seen_staff));
    double travel = 0;
    for (int i = 0; i < res->n_routes; i++) {
        int rc = check_route(c, &res->routes[i], &travel);
        if (rc < 0)
            return rc;
        if (seen_staff[res->routes[i].staff]++)
            return fail(c, "two routes for staff %d", res->routes[i].staff);
    }
    for (int i = 0; i < res->n_unassigned; i++) {
        int v = res->unassigned[i].visit;
        if (v < 0 || v >= p->n_visits)
            return fail(c, "unassigned entry for unknown visit %d", v);
        listed[v]++;
    }
    for (int i = 0; i < p->n_visits; i++) {
        int rc = check_visit(c, i, listed);
        if (rc < 0)
            return rc;
    }
    for (int b = 0; b < p->n_breaks; b++)
        if (c->brk_served[b] != 1)
            return fail(c, "break %d taken %d times", b, c->brk_served[b]);
    if (!near_eq(travel, res->travel))
        return fail(c, "reported travel %.6f, recomputed %.6f", res->travel, travel);
    if (!near_eq(c->lateness_cost, res->lateness_cost))
        return fail(c, "reported lateness cost %.6f, recomputed %.6f", res->lateness_cost, c->lateness_cost);
    return 0;
}

int routing_solver_check(const routing_problem_t *p, const routing_result_t *res, char *err, size_t errlen)
{
    check_t c = {p, res, err, errlen, NULL, NULL, NULL, NULL, 0};
    if (!p || !res)
        return fail(&c, "no problem or no result");
    size_t n = (size_t)p->n_visits * ROUTING_MAX_PARTS + 1;
    c.served = calloc(n, sizeof(int));
    c.served_by = calloc(n, sizeof(int));
    c.part_start = calloc(n, sizeof(double));
    c.brk_served = calloc((size_t)p->n_breaks + 1, sizeof(int));
    int *listed = calloc((size_t)p->n_visits + 1, sizeof(int));
    int rc = ROUTING_ENOMEM;
    if (c.served && c.served_by && c.part_start && c.brk_served && listed)
        rc = check_all(&c, listed);
    free(c.served);
    free(c.served_by);
    free(c.part_start);
    free(c.brk_served);
    free(listed);
    if (rc == 0 && err && errlen)
        err[0] = '\0';
    return rc;
}

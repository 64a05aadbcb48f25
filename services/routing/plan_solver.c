/*
 * plan_solver.c — the day plan by the optimizer library (services/routing/solver).
 *
 * It maps the planner's model onto the solver's: the hub is the start and end of every route; a
 * visit already in the day becomes a break of each member of staff on it — a stop pinned to that
 * person, place and minute, which the solver routes around; a pending visit becomes an optional visit
 * with one part per role (all parts starting together, or one after another within the delays of a
 * sequential visit; a soft window's lateness costs the optimizer settings' lateness_cost per minute,
 * WH_ROUTING_LATENESS_COST) whose
 * penalty grows with its priority.  Travel
 * times are given as a matrix of the planner's own whole-minute times, so the stored start times are
 * whole minutes that agree with the heuristic's travel model; a day with more than MATRIX_MAX places
 * goes to the heuristic instead.
 */
#include <math.h>
#include <stdlib.h>

#include "plan.h"
#include "solver.h"

#define MATRIX_MAX 800 /* locations; 800² doubles are 5 MB */

typedef struct mapping {
    int *location;    /* plan visit → solver location */
    size_t *visit_of; /* solver visit → plan visit */
    size_t *break_of; /* solver break → plan visit */
    bool *fixed;      /* plan visit was in the day before */
} mapping;

static int set_travel(routing_problem_t *sp, const routing_plan *p, const mapping *m)
{
    int n = routing_problem_location_count(sp);
    if (n > MATRIX_MAX)
        return ROUTING_EINVAL; /* too large a day for whole-minute times: the heuristic plans it */
    double *t = malloc(sizeof *t * (size_t)n * (size_t)n);
    double *lat = malloc(sizeof *lat * (size_t)n), *lon = malloc(sizeof *lon * (size_t)n);
    int rc = ROUTING_ENOMEM;
    if (t && lat && lon) {
        lat[0] = p->hub_latitude;
        lon[0] = p->hub_longitude;
        for (size_t i = 0; i < p->n_visits; i++) {
            lat[m->location[i]] = p->visits[i].latitude;
            lon[m->location[i]] = p->visits[i].longitude;
        }
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                t[a * n + b] = routing_plan_travel(p, lat[a], lon[a], lat[b], lon[b]);
        rc = routing_problem_set_matrix(sp, n, t);
    }
    free(t);
    free(lat);
    free(lon);
    return rc;
}

static int add_fixed(routing_problem_t *sp, const routing_plan *p, size_t i, mapping *m)
{
    const routing_plan_visit *v = &p->visits[i];
    for (int k = 0; k < v->n_staff; k++) {
        if (v->staff[k] >= p->n_staff)
            continue; /* no longer active */
        routing_break_t b = {.staff = (int)v->staff[k],
                             .location = m->location[i],
                             .duration = v->duration,
                             .window = {v->start + v->offset[k], v->start + v->offset[k]}};
        int at = routing_problem_add_break(sp, &b);
        if (at < 0)
            return at;
        m->break_of[at] = i;
    }
    return 0;
}

static int add_pending(routing_problem_t *sp, const routing_plan *p, size_t i,
                       const routing_plan_optimizer *o, mapping *m)
{
    const routing_plan_visit *v = &p->visits[i];
    routing_visit_t sv;
    routing_visit_init(&sv);
    sv.location = m->location[i];
    sv.duration = v->duration;
    sv.n_parts = v->n_roles;
    for (int k = 0; k < v->n_roles; k++)
        sv.parts[k].role = v->roles[k];
    if (v->n_roles > 0)
        sv.parts[0].skills = v->skills; /* the lead holds the skills asked for */
    if (v->window_end > 0) { /* the start's window; one too short for the visit lies past every shift */
        sv.n_windows = 1;
        sv.windows[0] = v->window_end - v->duration >= v->window_start
                            ? (routing_window_t){v->window_start, v->window_end - v->duration}
                            : (routing_window_t){1e6, 1e6};
    }
    if (v->sequence != 0 && v->n_roles >= 2) {
        sv.sequential = true;
        sv.any_order = v->sequence == 2 && v->n_roles == 2;
        sv.min_delay = v->min_delay;
        sv.max_delay = v->max_delay;
    }
    if (v->window_end > 0 && v->max_lateness > 0) {
        sv.lateness_cost = o->lateness_cost > 0 ? o->lateness_cost : ROUTING_PLAN_LATENESS_COST;
        sv.max_lateness = v->max_lateness;
    }
    sv.priority = v->priority > 0 ? v->priority : 0;
    sv.optional = true;
    int at = routing_problem_add_visit(sp, &sv);
    if (at < 0)
        return at;
    m->visit_of[at] = i;
    return 0;
}

static int build(routing_problem_t *sp, const routing_plan *p, const routing_plan_optimizer *o, mapping *m)
{
    int hub = routing_problem_add_location(sp, p->hub_latitude, p->hub_longitude);
    if (hub < 0)
        return hub;
    for (size_t i = 0; i < p->n_visits; i++)
        if ((m->location[i] =
                 routing_problem_add_location(sp, p->visits[i].latitude, p->visits[i].longitude)) < 0)
            return m->location[i];
    for (size_t s = 0; s < p->n_staff; s++) {
        routing_staff_t st = {.role = p->staff[s].role,
                              .shift_start = p->staff[s].shift_start,
                              .shift_end = p->staff[s].shift_end,
                              .skills = p->staff[s].skills,
                              .start_location = hub,
                              .end_location = hub};
        int rc = routing_problem_add_staff(sp, &st);
        if (rc < 0)
            return rc;
    }
    for (size_t i = 0; i < p->n_visits; i++) {
        int rc = p->visits[i].placed ? add_fixed(sp, p, i, m) : add_pending(sp, p, i, o, m);
        if (rc < 0)
            return rc;
    }
    return set_travel(sp, p, m);
}

/* A new visit's start is its earliest part's; each part's offset is taken from it. */
static void set_offsets(routing_plan_visit *v, const int *part_start)
{
    v->start = part_start[0];
    for (int k = 1; k < v->n_staff; k++)
        if (part_start[k] < v->start)
            v->start = part_start[k];
    for (int k = 0; k < v->n_staff; k++)
        v->offset[k] = part_start[k] - v->start;
}

static int take_result(routing_plan *p, const routing_result_t *res, const mapping *m)
{
    int placed = 0;
    int(*part_start)[ROUTING_PLAN_MAX_ROLES] = calloc(p->n_visits ? p->n_visits : 1, sizeof *part_start);
    if (!part_start)
        return -1;
    for (int r = 0; r < res->n_routes; r++) {
        const routing_route_t *route = &res->routes[r];
        size_t s = (size_t)route->staff;
        for (int k = 0; k < route->n_stops; k++) {
            const routing_stop_t *stop = &route->stops[k];
            size_t i = stop->kind == ROUTING_STOP_VISIT ? m->visit_of[stop->index] : m->break_of[stop->index];
            if (routing_plan_append(&p->routes[s], i) < 0) {
                free(part_start);
                return -1;
            }
            routing_plan_visit *v = &p->visits[i];
            if (stop->kind != ROUTING_STOP_VISIT)
                continue;
            if (!m->fixed[i] && !v->placed) {
                v->placed = true;
                v->n_staff = v->n_roles;
                placed++;
            }
            if (!m->fixed[i] && stop->part >= 0 && stop->part < ROUTING_PLAN_MAX_ROLES) {
                v->staff[stop->part] = s;
                part_start[i][stop->part] = (int)ceil(stop->start - 1e-6);
            }
        }
    }
    for (size_t i = 0; i < p->n_visits; i++)
        if (!m->fixed[i] && p->visits[i].placed)
            set_offsets(&p->visits[i], part_start[i]);
    free(part_start);
    for (int u = 0; u < res->n_unassigned; u++) {
        routing_plan_visit *v = &p->visits[m->visit_of[res->unassigned[u].visit]];
        v->unplaced_reason = res->unassigned[u].reason == ROUTING_REASON_NO_SKILLED_STAFF
                                 ? ROUTING_UNPLACED_NO_STAFF_WITH_ROLE
                                 : ROUTING_UNPLACED_NO_TIME;
    }
    routing_plan_finish(p);
    return placed;
}

int routing_plan_optimize(routing_plan *p, const routing_plan_optimizer *o)
{
    size_t n = p->n_visits ? p->n_visits : 1;
    mapping m = {malloc(sizeof *m.location * n), malloc(sizeof *m.visit_of * n),
                 malloc(sizeof *m.break_of * n * ROUTING_PLAN_MAX_ROLES), malloc(sizeof *m.fixed * n)};
    routing_problem_t *sp = routing_problem_new();
    routing_result_t *res = NULL;
    int placed = -1;
    routing_solver_params_t prm;
    routing_solver_params_default(&prm);
    prm.time_limit_ms = o->time_limit_ms;
    prm.max_iterations = o->max_iterations;
    prm.seed = o->seed;
    prm.balance_weight = o->balance_weight;
    if (!m.fixed)
        return routing_plan_run(p);
    for (size_t i = 0; i < p->n_visits; i++)
        m.fixed[i] = p->visits[i].placed;
    if (!sp || !m.location || !m.visit_of || !m.break_of || build(sp, p, o, &m) < 0 ||
        routing_solver_solve(sp, &prm, &res) < 0)
        goto cleanup;
    p->routes = calloc(p->n_staff ? p->n_staff : 1, sizeof *p->routes);
    if (p->routes)
        placed = take_result(p, res, &m);
cleanup:
    routing_result_destroy(&res);
    routing_problem_destroy(&sp);
    free(m.location);
    free(m.visit_of);
    free(m.break_of);
    if (placed < 0) {
        routing_plan_free(p);
        for (size_t i = 0; i < p->n_visits; i++)
            if (!m.fixed[i]) {
                p->visits[i].placed = false;
                p->visits[i].n_staff = 0;
                p->visits[i].unplaced_reason = 0;
            }
        placed = routing_plan_run(p); /* the heuristic always answers */
    }
    free(m.fixed);
    return placed;
}

/*
 * result.c — turns the best solution into a routing_result_t: timed stops per member of staff, and for
 * every visit left out the reason (nobody qualified, no window reachable, or simply a full day).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

const char *routing_reason_name(routing_reason_t reason)
{
    switch (reason) {
    case ROUTING_REASON_NONE:
        return "none";
    case ROUTING_REASON_NO_SKILLED_STAFF:
        return "no_skilled_staff";
    case ROUTING_REASON_NO_TIME_WINDOW:
        return "no_time_window_fit";
    case ROUTING_REASON_DAY_CAPACITY:
        return "day_capacity";
    }
    return "unknown";
}

void routing_result_destroy(routing_result_t **result_p)
{
    if (!result_p || !*result_p)
        return;
    routing_result_t *r = *result_p;
    for (int i = 0; i < r->n_routes; i++)
        free(r->routes[i].stops);
    free(r->routes);
    free(r->unassigned);
    free(r);
    *result_p = NULL;
}

/* Can parts k.. be given distinct qualified staff (used marks those taken)? Tiny brute force. */
static bool match_parts(const model_t *m, const job_t *jb, int k, unsigned char *used)
{
    if (k == jb->nparts)
        return true;
    for (int v = 0; v < m->nveh; v++) {
        if (used[v] || !model_compat(m, jb->first + k, v))
            continue;
        used[v] = 1;
        bool ok = match_parts(m, jb, k + 1, used);
        used[v] = 0;
        if (ok)
            return true;
    }
    return false;
}

/* Could the task be served alone on vehicle v's empty route, inside one of its own windows? */
static bool fits_alone(const model_t *m, int task, int v)
{
    const task_t *t = &m->tasks[task];
    const vehicle_t *vh = &m->veh[v];
    const task_t *st = &m->tasks[vh->start_task];
    double arrive = st->e + model_tt(m, vh->start_task, task);
    for (int i = 0; i < t->nw; i++) {
        double s = fmax(arrive, t->w[i].start);
        if (s <= t->w[i].end + EPS && s + t->service + model_tt(m, task, vh->end_task) <= st->l + EPS)
            return true;
    }
    return false;
}

static routing_reason_t reason_of(const model_t *m, int j)
{
    const job_t *jb = &m->jobs[j];
    unsigned char used[m->nveh + 1];
    memset(used, 0, sizeof(used));
    if (!match_parts(m, jb, 0, used))
        return ROUTING_REASON_NO_SKILLED_STAFF;
    for (int k = 0; k < jb->nparts; k++) {
        bool any = false;
        for (int v = 0; v < m->nveh && !any; v++)
            any = model_compat(m, jb->first + k, v) && fits_alone(m, jb->first + k, v);
        if (!any)
            return ROUTING_REASON_NO_TIME_WINDOW;
    }
    return ROUTING_REASON_DAY_CAPACITY;
}

static int build_route(const model_t *m, const sol_t *s, int v, routing_route_t *out)
{
    const route_t *r = &s->r[v];
    out->staff = m->veh[v].staff;
    out->n_stops = r->n;
    out->stops = calloc((size_t)r->n + 1, sizeof(routing_stop_t));
    if (!out->stops)
        return ROUTING_ENOMEM;
    out->travel = r->dist[r->n + 1];
    out->work = out->travel;
    /* leave as late as the first stop allows, so nobody waits on a doorstep */
    out->depart = r->n ? fmax(r->start[0], r->start[1] - model_tt(m, r->seq[0], r->seq[1])) : r->start[0];
    double prev_end = out->depart;
    for (int i = 1; i <= r->n; i++) {
        const task_t *t = &m->tasks[r->seq[i]];
        const job_t *jb = &m->jobs[t->job];
        routing_stop_t *st = &out->stops[i - 1];
        st->kind = jb->visit >= 0 ? ROUTING_STOP_VISIT : ROUTING_STOP_BREAK;
        st->index = jb->visit >= 0 ? jb->visit : jb->brk;
        st->part = t->part;
        st->arrival = prev_end + model_tt(m, r->seq[i - 1], r->seq[i]);
        st->start = r->start[i];
        st->end = st->start + t->service;
        st->lateness = task_lateness(t, st->start);
        if (jb->visit >= 0)
            out->work += t->service;
        prev_end = st->end;
    }
    out->arrive = prev_end + model_tt(m, r->seq[r->n], r->seq[r->n + 1]);
    return 0;
}

int routing_result_build(const model_t *m, sol_t *s, routing_result_t **out)
{
    routing_result_t *res = calloc(1, sizeof(*res));
    if (!res)
        return ROUTING_ENOMEM;
    res->routes = calloc((size_t)m->nveh + 1, sizeof(routing_route_t));
    res->unassigned = calloc((size_t)m->njobs + 1, sizeof(routing_unassigned_t));
    if (!res->routes || !res->unassigned)
        goto fail;
    for (int v = 0; v < m->nveh; v++, res->n_routes++) {
        if (build_route(m, s, v, &res->routes[v]) < 0)
            goto fail;
        res->travel += res->routes[v].travel;
        res->lateness_cost += s->r[v].late;
    }
    for (int j = 0; j < m->njobs; j++)
        if (!routing_job_assigned(m, s, j)) {
            res->penalty += m->jobs[j].penalty;
            if (m->jobs[j].visit >= 0)
                res->unassigned[res->n_unassigned++] = (routing_unassigned_t){j, reason_of(m, j)};
        }
    res->cost = routing_sol_objective(m, s);
    *out = res;
    return 0;
fail:
    routing_result_destroy(&res);
    return ROUTING_ENOMEM;
}

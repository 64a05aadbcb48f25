/*
 * route.c — routes and solutions: insertion, removal, and the bookkeeping that makes a feasibility
 * test O(1).
 *
 * Each route keeps, for every position i, the time-window segment of its prefix seq[0..i] and of its
 * suffix seq[i..n+1] (internal.h, seg_join).  Inserting task u between positions i and i+1 is feasible
 * iff fwd[i] ⊕ u ⊕ bwd[i+1] has no time warp — three concatenations, whatever the route's length.
 * Tasks with several windows are represented by their hull in the segments (optimistic), so routes that
 * hold one are confirmed by an exact forward pass (route_exact_feasible).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static int route_alloc(route_t *r, int cap)
{
    r->cap = cap;
    r->seq = malloc(sizeof(int) * (size_t)cap);
    r->fwd = malloc(sizeof(seg_t) * (size_t)cap);
    r->bwd = malloc(sizeof(seg_t) * (size_t)cap);
    r->dist = malloc(sizeof(double) * (size_t)cap);
    r->start = malloc(sizeof(double) * (size_t)cap);
    r->cum = malloc(sizeof(double) * (size_t)cap);
    return r->seq && r->fwd && r->bwd && r->dist && r->start && r->cum ? 0 : ROUTING_ENOMEM;
}

static void route_release(route_t *r)
{
    free(r->seq);
    free(r->fwd);
    free(r->bwd);
    free(r->dist);
    free(r->start);
    free(r->cum);
}

int routing_sol_init(sol_t *s, const model_t *m)
{
    memset(s, 0, sizeof(*s));
    s->nveh = m->nveh;
    s->ntasks = m->ntasks;
    s->nall = m->nall;
    s->r = calloc((size_t)m->nveh + 1, sizeof(route_t));
    s->route_of = malloc(sizeof(int) * (size_t)m->nall);
    s->pos_of = malloc(sizeof(int) * (size_t)m->nall);
    s->e = malloc(sizeof(double) * (size_t)m->nall);
    s->l = malloc(sizeof(double) * (size_t)m->nall);
    s->enw = malloc(sizeof(int) * (size_t)m->nall);
    s->ew = malloc(sizeof(routing_window_t) * ROUTING_MAX_WINDOWS * (size_t)m->nall);
    s->lb = malloc(sizeof(double) * (size_t)m->nall);
    s->flip = calloc((size_t)m->njobs + 1, 1);
    s->touched = calloc((size_t)m->nveh + 1, 1);
    s->njobs = m->njobs;
    s->sync_windows = m->has_groups;
    if (!s->r || !s->route_of || !s->pos_of || !s->e || !s->l || !s->enw || !s->ew || !s->lb || !s->flip ||
        !s->touched)
        goto fail;
    for (int t = 0; t < m->nall; t++) {
        const task_t *tk = &m->tasks[t];
        s->route_of[t] = s->pos_of[t] = -1;
        s->e[t] = tk->e;
        s->l[t] = tk->l;
        s->enw[t] = tk->nw;
        memcpy(&s->ew[(size_t)t * ROUTING_MAX_WINDOWS], tk->w, sizeof(tk->w));
    }
    for (int v = 0; v < m->nveh; v++) {
        if (route_alloc(&s->r[v], m->ntasks + 2) < 0)
            goto fail;
        s->r[v].seq[0] = m->veh[v].start_task;
        s->r[v].seq[1] = m->veh[v].end_task;
        routing_route_update(m, s, v);
    }
    s->cost = routing_sol_objective(m, s);
    return 0;
fail:
    routing_sol_free(s);
    return ROUTING_ENOMEM;
}

void routing_sol_free(sol_t *s)
{
    if (s->r)
        for (int v = 0; v < s->nveh; v++)
            route_release(&s->r[v]);
    free(s->r);
    free(s->route_of);
    free(s->pos_of);
    free(s->e);
    free(s->l);
    free(s->enw);
    free(s->ew);
    free(s->lb);
    free(s->flip);
    free(s->touched);
    memset(s, 0, sizeof(*s));
}

static void route_copy(route_t *d, const route_t *r)
{
    size_t k = (size_t)r->n + 2;
    d->n = r->n;
    memcpy(d->seq, r->seq, sizeof(int) * k);
    memcpy(d->fwd, r->fwd, sizeof(seg_t) * k);
    memcpy(d->bwd, r->bwd, sizeof(seg_t) * k);
    memcpy(d->dist, r->dist, sizeof(double) * k);
    memcpy(d->start, r->start, sizeof(double) * k);
    memcpy(d->cum, r->cum, sizeof(double) * k);
    d->load = r->load;
    d->service = r->service;
    d->nsync = r->nsync;
    d->nmulti = r->nmulti;
    d->nsoft = r->nsoft;
    d->late = r->late;
}

/* Everything but the routes.  The effective windows change only through sync.c (joint and sequential
 * visits); without those they are the tasks' own windows in every solution and need no copy. */
static void sol_copy_tasks(sol_t *dst, const sol_t *src)
{
    size_t n = (size_t)src->nall;
    memcpy(dst->route_of, src->route_of, sizeof(int) * n);
    memcpy(dst->pos_of, src->pos_of, sizeof(int) * n);
    if (src->sync_windows) {
        memcpy(dst->e, src->e, sizeof(double) * n);
        memcpy(dst->l, src->l, sizeof(double) * n);
        memcpy(dst->enw, src->enw, sizeof(int) * n);
        memcpy(dst->ew, src->ew, sizeof(routing_window_t) * ROUTING_MAX_WINDOWS * n);
    }
    memcpy(dst->flip, src->flip, (size_t)src->njobs);
    dst->cost = src->cost;
}

void routing_sol_copy(sol_t *dst, const sol_t *src)
{
    for (int v = 0; v < src->nveh; v++)
        route_copy(&dst->r[v], &src->r[v]);
    memset(dst->touched, 1, (size_t)src->nveh);
    sol_copy_tasks(dst, src);
}

void routing_sol_copy_changed(sol_t *dst, sol_t *src)
{
    for (int v = 0; v < src->nveh; v++)
        if (dst->touched[v] || src->touched[v]) {
            route_copy(&dst->r[v], &src->r[v]);
            dst->touched[v] = src->touched[v] = 0;
        }
    sol_copy_tasks(dst, src);
}

/* Earliest start >= t inside one of the task's effective windows; INFINITY when none. */
double routing_sol_earliest_in(const sol_t *s, int task, double t)
{
    const routing_window_t *w = &s->ew[(size_t)task * ROUTING_MAX_WINDOWS];
    double best = INFINITY;
    for (int i = 0; i < s->enw[task]; i++)
        if (t <= w[i].end + EPS)
            best = num_min(best, num_max(t, w[i].start));
    return best;
}

/* The earliest schedule, and its lateness: every start as early as possible is also the least late
 * (lateness only grows with a start), exact for soft single-window visits. */
static void route_schedule(const model_t *m, const sol_t *s, route_t *r)
{
    r->start[0] = s->e[r->seq[0]];
    r->late = 0;
    for (int i = 1; i <= r->n + 1; i++) {
        int a = r->seq[i - 1], b = r->seq[i];
        double arr = r->start[i - 1] + m->tasks[a].service + model_tt(m, a, b);
        double st = routing_sol_earliest_in(s, b, arr);
        r->start[i] = isfinite(st) ? st : arr;
        if (m->tasks[b].late_cost > 0)
            r->late += m->tasks[b].late_cost * task_lateness(&m->tasks[b], r->start[i]);
    }
}

void routing_route_update(const model_t *m, sol_t *s, int v)
{
    route_t *r = &s->r[v];
    s->touched[v] = 1;
    int last = r->n + 1;
    r->fwd[0] = seg_node(m, s, r->seq[0]);
    r->dist[0] = 0;
    r->cum[0] = 0;
    r->load = r->service = 0;
    r->nsync = r->nmulti = r->nsoft = 0;
    for (int i = 1; i <= last; i++) {
        int a = r->seq[i - 1], b = r->seq[i];
        double t = model_tt(m, a, b);
        r->fwd[i] = seg_join(r->fwd[i - 1], seg_node(m, s, b), t);
        r->dist[i] = r->dist[i - 1] + t;
        r->load += m->tasks[b].demand;
        r->cum[i] = r->load;
        r->service += m->tasks[b].service;
        r->nsync += m->tasks[b].group >= 0;
        r->nmulti += s->enw[b] > 1;
        r->nsoft += m->tasks[b].late_cost > 0;
        s->route_of[b] = v;
        s->pos_of[b] = i;
    }
    r->bwd[last] = seg_node(m, s, r->seq[last]);
    for (int i = last - 1; i >= 0; i--)
        r->bwd[i] = seg_join(seg_node(m, s, r->seq[i]), r->bwd[i + 1], model_tt(m, r->seq[i], r->seq[i + 1]));
    s->route_of[r->seq[0]] = v;
    s->pos_of[r->seq[0]] = 0;
    route_schedule(m, s, r);
}

void routing_route_insert(const model_t *m, sol_t *s, int v, int pos, int task)
{
    route_t *r = &s->r[v];
    memmove(&r->seq[pos + 2], &r->seq[pos + 1], sizeof(int) * (size_t)(r->n + 1 - pos));
    r->seq[pos + 1] = task;
    r->n++;
    routing_route_update(m, s, v);
}

void routing_route_remove(const model_t *m, sol_t *s, int task)
{
    int v = s->route_of[task], pos = s->pos_of[task];
    route_t *r = &s->r[v];
    memmove(&r->seq[pos], &r->seq[pos + 1], sizeof(int) * (size_t)(r->n + 1 - pos));
    r->n--;
    s->route_of[task] = s->pos_of[task] = -1;
    routing_route_update(m, s, v);
}

double routing_route_cost_with(const model_t *m, int v, double travel, double service)
{
    if (m->balance_weight <= 0)
        return travel;
    double work = travel + service;
    return travel + m->balance_weight * work * work / m->veh[v].shift_len;
}

double routing_route_cost_delta(const model_t *m, const sol_t *s, int v, double dtravel, double dservice,
                                int dcount)
{
    const route_t *r = &s->r[v];
    if (m->balance_weight <= 0)
        return dtravel;
    double after = r->n + dcount > 0
                       ? routing_route_cost_with(m, v, r->dist[r->n + 1] + dtravel, r->service + dservice)
                       : 0;
    return after - routing_route_cost(m, s, v);
}

double routing_route_cost(const model_t *m, const sol_t *s, int v)
{
    const route_t *r = &s->r[v];
    if (r->n == 0)
        return 0;
    return routing_route_cost_with(m, v, r->dist[r->n + 1], r->service) + r->late;
}

bool routing_job_assigned(const model_t *m, const sol_t *s, int j)
{
    return s->route_of[m->jobs[j].first] >= 0;
}

double routing_sol_objective(const model_t *m, const sol_t *s)
{
    double c = 0;
    for (int v = 0; v < m->nveh; v++)
        c += routing_route_cost(m, s, v);
    for (int j = 0; j < m->njobs; j++)
        if (!routing_job_assigned(m, s, j))
            c += m->jobs[j].penalty;
    return c;
}

/* Exact forward pass of the route with task inserted after position pos, every effective window;
 * *late receives the lateness cost of that schedule. */
static bool exact_with(const model_t *m, const sol_t *s, const route_t *r, int pos, int task, double *late)
{
    double t = s->e[r->seq[0]];
    int prev = r->seq[0];
    *late = 0;
    for (int i = 1; i <= r->n + 2; i++) {
        int cur = i == pos + 1 ? task : r->seq[i <= pos ? i : i - 1];
        t = routing_sol_earliest_in(s, cur, t + m->tasks[prev].service + model_tt(m, prev, cur));
        if (!isfinite(t))
            return false;
        if (m->tasks[cur].late_cost > 0)
            *late += m->tasks[cur].late_cost * task_lateness(&m->tasks[cur], t);
        prev = cur;
    }
    return true;
}

double routing_route_insert_delta(const model_t *m, const sol_t *s, int v, int pos, int task)
{
    const route_t *r = &s->r[v];
    const task_t *tk = &m->tasks[task];
    if (r->load + tk->demand > m->veh[v].capacity + EPS)
        return INFINITY;
    int a = r->seq[pos], b = r->seq[pos + 1];
    double ta = model_tt(m, a, task), tb = model_tt(m, task, b);
    seg_t sg = seg_join(seg_join(r->fwd[pos], seg_node(m, s, task), ta), r->bwd[pos + 1], tb);
    if (sg.TW > EPS)
        return INFINITY;
    double late = r->late;
    bool soft = r->nsoft || tk->late_cost > 0;
    if ((r->nmulti || s->enw[task] > 1 || soft) && !exact_with(m, s, r, pos, task, &late))
        return INFINITY;
    double dtravel = ta + tb - model_tt(m, a, b) + (late - r->late);
    if (m->balance_weight <= 0)
        return dtravel;
    return routing_route_cost_with(m, v, r->dist[r->n + 1] + dtravel - (late - r->late),
                                   r->service + tk->service) +
           late - routing_route_cost(m, s, v);
}

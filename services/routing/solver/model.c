/*
 * model.c — compiles a routing_problem_t into the dense model the search works on: jobs and tasks,
 * vehicles with depot pseudo-tasks, the travel matrix, who may serve what, and neighbour lists.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define FAR_TIME 1e15

static double visit_penalty(const routing_visit_t *v, const routing_solver_params_t *prm)
{
    if (!v->optional)
        return prm->mandatory_penalty;
    if (v->penalty > 0)
        return v->penalty;
    return prm->optional_penalty * (1.0 + v->priority) * (1.0 + v->days_waited / 7.0);
}

static void task_windows(task_t *t, int n, const routing_window_t *w)
{
    t->nw = n;
    memcpy(t->w, w, sizeof(*w) * (size_t)n);
    if (n == 0) {
        t->nw = 1;
        t->w[0] = (routing_window_t){-FAR_TIME, FAR_TIME};
    }
    t->e = FAR_TIME;
    t->l = -FAR_TIME;
    for (int i = 0; i < t->nw; i++) {
        t->e = fmin(t->e, t->w[i].start);
        t->l = fmax(t->l, t->w[i].end);
    }
}

/* A visit's windows; soft ones (lateness_cost > 0) extended by max_lateness, the given ones kept. */
static void task_soft_windows(task_t *t, const routing_visit_t *v)
{
    routing_window_t w[ROUTING_MAX_WINDOWS];
    memcpy(w, v->windows, sizeof(w));
    t->late_cost = v->n_windows > 0 ? v->lateness_cost : 0;
    memcpy(t->soft, v->windows, sizeof(t->soft));
    for (int i = 0; t->late_cost > 0 && i < v->n_windows; i++)
        w[i].end += v->max_lateness;
    task_windows(t, v->n_windows, w);
}

static int count_tasks(const routing_problem_t *p)
{
    int n = p->n_breaks;
    for (int i = 0; i < p->n_visits; i++)
        n += p->visits[i].n_parts;
    return n;
}

static void build_jobs(model_t *m, const routing_problem_t *p, const routing_solver_params_t *prm)
{
    int t = 0;
    for (int i = 0; i < p->n_visits; i++) {
        const routing_visit_t *v = &p->visits[i];
        job_t *j = &m->jobs[i];
        *j = (job_t){.first = t,
                     .nparts = v->n_parts,
                     .visit = i,
                     .brk = -1,
                     .penalty = visit_penalty(v, prm),
                     .tol = v->sync_tolerance,
                     .priority = v->priority,
                     .mandatory = !v->optional};
        j->sequential = v->sequential && v->n_parts > 1;
        j->any_order = j->sequential && v->any_order;
        j->min_delay = v->min_delay;
        j->max_delay = v->max_delay;
        for (int k = 0; k < v->n_parts; k++, t++) {
            task_t *tk = &m->tasks[t];
            tk->loc = v->location;
            tk->job = i;
            tk->part = k;
            tk->group = v->n_parts > 1 ? i : -1;
            tk->service = v->duration;
            tk->demand = v->demand;
            task_soft_windows(tk, v);
        }
    }
    for (int b = 0; b < p->n_breaks; b++, t++) {
        const routing_break_t *br = &p->breaks[b];
        m->jobs[p->n_visits + b] = (job_t){.first = t,
                                           .nparts = 1,
                                           .visit = -1,
                                           .brk = b,
                                           .penalty = prm->mandatory_penalty,
                                           .mandatory = true};
        task_t *tk = &m->tasks[t];
        tk->loc = br->location;
        tk->job = p->n_visits + b;
        tk->group = -1;
        tk->service = br->duration;
        task_windows(tk, 1, &br->window);
    }
}

static void build_vehicles(model_t *m, const routing_problem_t *p)
{
    for (int v = 0; v < m->nveh; v++) {
        const routing_staff_t *s = &p->staff[v];
        vehicle_t *vh = &m->veh[v];
        vh->staff = v;
        vh->start_task = m->ntasks + 2 * v;
        vh->end_task = vh->start_task + 1;
        vh->capacity = s->capacity > 0 ? s->capacity : INFINITY;
        vh->shift_len = fmax(s->shift_end - s->shift_start, 1.0);
        routing_window_t shift = {s->shift_start, s->shift_end};
        for (int k = 0; k < 2; k++) {
            task_t *d = &m->tasks[vh->start_task + k];
            memset(d, 0, sizeof(*d));
            d->loc = k == 0 ? s->start_location : s->end_location;
            d->job = -1;
            d->group = -1;
            task_windows(d, 1, &shift);
        }
    }
}

static bool part_fits(const routing_part_t *pt, const routing_staff_t *s)
{
    return (pt->role == ROUTING_ANY_ROLE || pt->role == s->role) && (pt->skills & ~s->skills) == 0;
}

static void build_compat(model_t *m, const routing_problem_t *p)
{
    m->all_compat = true;
    for (int t = 0; t < m->ntasks; t++) {
        const task_t *tk = &m->tasks[t];
        const job_t *j = &m->jobs[tk->job];
        for (int v = 0; v < m->nveh; v++) {
            const routing_staff_t *s = &p->staff[v];
            bool ok = tk->demand <= m->veh[v].capacity;
            if (j->visit >= 0)
                ok = ok && part_fits(&p->visits[j->visit].parts[tk->part], s);
            else
                ok = ok && p->breaks[j->brk].staff == v;
            m->compat[(size_t)t * m->nveh + v] = ok;
            m->all_compat = m->all_compat && ok;
        }
    }
}

static void build_classes(model_t *m, const routing_problem_t *p)
{
    for (int v = 0; v < m->nveh; v++) {
        m->veh[v].klass = v;
        const routing_staff_t *a = &p->staff[v];
        for (int u = 0; u < v; u++) {
            const routing_staff_t *b = &p->staff[u];
            bool same = a->start_location == b->start_location && a->end_location == b->end_location &&
                        a->shift_start == b->shift_start && a->shift_end == b->shift_end &&
                        m->veh[v].capacity == m->veh[u].capacity;
            for (int t = 0; same && t < m->ntasks; t++)
                same = model_compat(m, t, v) == model_compat(m, t, u);
            if (same) {
                m->veh[v].klass = m->veh[u].klass;
                break;
            }
        }
    }
}

static const model_t *sort_model;
static const double *sort_row;

static int by_row(const void *a, const void *b)
{
    double da = sort_row[sort_model->tasks[*(const int *)a].loc];
    double db = sort_row[sort_model->tasks[*(const int *)b].loc];
    return da < db ? -1 : da > db ? 1 : *(const int *)a - *(const int *)b;
}

static int build_near(model_t *m)
{
    m->nnear = m->ntasks - 1 < 100 ? m->ntasks - 1 : 100;
    if (m->nnear <= 0)
        return 0;
    int *all = malloc(sizeof(int) * (size_t)m->ntasks);
    m->near = malloc(sizeof(int) * (size_t)m->ntasks * (size_t)m->nnear);
    if (!all || !m->near) {
        free(all);
        return ROUTING_ENOMEM;
    }
    sort_model = m;
    for (int t = 0; t < m->ntasks; t++) {
        int k = 0;
        for (int u = 0; u < m->ntasks; u++)
            if (u != t)
                all[k++] = u;
        sort_row = &m->tt[(size_t)m->tasks[t].loc * m->nloc];
        qsort(all, (size_t)k, sizeof(int), by_row);
        memcpy(&m->near[(size_t)t * m->nnear], all, sizeof(int) * (size_t)m->nnear);
    }
    free(all);
    return 0;
}

static int build_matrix(model_t *m, const routing_problem_t *p)
{
    m->tt = malloc(sizeof(double) * (size_t)m->nloc * (size_t)m->nloc);
    if (!m->tt)
        return ROUTING_ENOMEM;
    for (int a = 0; a < m->nloc; a++)
        for (int b = 0; b < m->nloc; b++)
            m->tt[(size_t)a * m->nloc + b] = routing_problem_travel(p, a, b);
    return 0;
}

int routing_model_build(model_t *m, const routing_problem_t *p, const routing_solver_params_t *prm)
{
    memset(m, 0, sizeof(*m));
    if (p->matrix && p->matrix_n < p->n_locs)
        return ROUTING_EINVAL;
    m->problem = p;
    m->ntasks = count_tasks(p);
    m->nveh = p->n_staff;
    m->nall = m->ntasks + 2 * m->nveh;
    m->njobs = p->n_visits + p->n_breaks;
    m->nloc = p->n_locs;
    m->balance_weight = prm->balance_weight;
    m->tasks = calloc((size_t)m->nall, sizeof(task_t));
    m->jobs = calloc((size_t)m->njobs + 1, sizeof(job_t));
    m->veh = calloc((size_t)m->nveh + 1, sizeof(vehicle_t));
    m->compat = calloc((size_t)m->ntasks * m->nveh + 1, 1);
    if (!m->tasks || !m->jobs || !m->veh || !m->compat) {
        routing_model_free(m);
        return ROUTING_ENOMEM;
    }
    build_jobs(m, p, prm);
    build_vehicles(m, p);
    build_compat(m, p);
    for (int t = 0; t < m->ntasks; t++) {
        m->has_groups = m->has_groups || m->tasks[t].group >= 0;
        m->has_multiwin = m->has_multiwin || m->tasks[t].nw > 1;
    }
    if (build_matrix(m, p) < 0 || build_near(m) < 0) {
        routing_model_free(m);
        return ROUTING_ENOMEM;
    }
    build_classes(m, p);
    return 0;
}

void routing_model_free(model_t *m)
{
    free(m->tasks);
    free(m->jobs);
    free(m->veh);
    free(m->tt);
    free(m->compat);
    free(m->near);
    memset(m, 0, sizeof(*m));
}

/*
 * construct.c — the first solution: regret-2 insertion.
 *
 * Breaks go first (each belongs to one person), then joint visits (they need several people at once,
 * which gets harder as routes fill), then
 * every other job is inserted in order of regret: the job whose best place beats its second-best
 * route by the most is placed first, because waiting would cost it the most.  Best and second-best
 * costs are kept per job and per route, and only the route that just changed is re-evaluated, so a
 * step costs O(jobs × length of one route) rather than a full scan.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct regret {
    int njobs;
    int *jobs;
    double *best; /* njobs × nveh: cheapest insertion into each route */
    int *pos;
} regret_t;

static void eval_route(const model_t *m, const sol_t *s, regret_t *rg, int i, int v)
{
    int task = m->jobs[rg->jobs[i]].first;
    double bd = INFINITY;
    int bp = -1;
    if (model_compat(m, task, v))
        for (int p = 0; p <= s->r[v].n; p++) {
            if (routing_route_insert_bound(m, s, v, p, task) >= bd)
                continue;
            double d = routing_route_insert_delta(m, s, v, p, task);
            if (d < bd) {
                bd = d;
                bp = p;
            }
        }
    rg->best[(size_t)i * m->nveh + v] = bd;
    rg->pos[(size_t)i * m->nveh + v] = bp;
}

/* Regret of job i: second-best minus best over routes (one empty route per vehicle class). */
static double regret_of(const model_t *m, const sol_t *s, const regret_t *rg, int i, int *bv)
{
    double b1 = INFINITY, b2 = INFINITY;
    unsigned char seen[m->nveh + 1];
    memset(seen, 0, sizeof(seen));
    *bv = -1;
    for (int v = 0; v < m->nveh; v++) {
        if (s->r[v].n == 0) {
            if (seen[m->veh[v].klass])
                continue;
            seen[m->veh[v].klass] = 1;
        }
        double d = rg->best[(size_t)i * m->nveh + v];
        if (d < b1) {
            b2 = b1;
            b1 = d;
            *bv = v;
        } else if (d < b2) {
            b2 = d;
        }
    }
    if (!isfinite(b1))
        return -INFINITY;
    const job_t *jb = &m->jobs[rg->jobs[i]];
    double r = isfinite(b2) ? b2 - b1 : 1e12;
    return r + (jb->mandatory ? 1e14 : 0) + jb->priority * 1e10;
}

/* Routes whose insertion costs may have changed after route v did: v itself and, because the partners'
 * effective windows follow v's schedule, every route holding a partner of a joint part on v. */
static void mark_changed(const model_t *m, const sol_t *s, int v, unsigned char *changed)
{
    memset(changed, 0, (size_t)m->nveh);
    changed[v] = 1;
    const route_t *r = &s->r[v];
    for (int i = 1; r->nsync && i <= r->n; i++) {
        const task_t *t = &m->tasks[r->seq[i]];
        if (t->group < 0)
            continue;
        const job_t *jb = &m->jobs[t->job];
        for (int k = 0; k < jb->nparts; k++)
            changed[s->route_of[jb->first + k]] = 1;
    }
}

static int regret_insert(const model_t *m, sol_t *s, int *jobs, int n)
{
    regret_t rg = {n, jobs, malloc(sizeof(double) * (size_t)n * m->nveh + 1),
                   malloc(sizeof(int) * (size_t)n * m->nveh + 1)};
    if (!rg.best || !rg.pos) {
        free(rg.best);
        free(rg.pos);
        return ROUTING_ENOMEM;
    }
    for (int i = 0; i < n; i++)
        for (int v = 0; v < m->nveh; v++)
            eval_route(m, s, &rg, i, v);
    unsigned char changed[m->nveh + 1];
    while (rg.njobs > 0) {
        int bi = -1, bv = -1, v;
        double br = -INFINITY;
        for (int i = 0; i < rg.njobs; i++) {
            double r = regret_of(m, s, &rg, i, &v);
            if (r > br) {
                br = r;
                bi = i;
                bv = v;
            }
        }
        if (bi < 0)
            break;
        const job_t *jb = &m->jobs[rg.jobs[bi]];
        double d = rg.best[(size_t)bi * m->nveh + bv];
        int p = rg.pos[(size_t)bi * m->nveh + bv];
        if (m->has_groups && !isfinite(routing_route_insert_delta(m, s, bv, p, jb->first))) {
            for (int u = 0; u < m->nveh; u++) /* stale after a schedule change elsewhere */
                eval_route(m, s, &rg, bi, u);
            continue;
        }
        if (jb->mandatory || d < jb->penalty) {
            routing_route_insert(m, s, bv, p, jb->first);
            if (m->has_groups && s->r[bv].nsync)
                routing_sync_refresh(m, s);
        }
        /* drop job bi (swap with last), then refresh the changed route's column */
        rg.njobs--;
        rg.jobs[bi] = rg.jobs[rg.njobs];
        memcpy(&rg.best[(size_t)bi * m->nveh], &rg.best[(size_t)rg.njobs * m->nveh],
               sizeof(double) * m->nveh);
        memcpy(&rg.pos[(size_t)bi * m->nveh], &rg.pos[(size_t)rg.njobs * m->nveh], sizeof(int) * m->nveh);
        mark_changed(m, s, bv, changed);
        for (int u = 0; u < m->nveh; u++)
            if (changed[u])
                for (int i = 0; i < rg.njobs; i++)
                    eval_route(m, s, &rg, i, u);
    }
    free(rg.best);
    free(rg.pos);
    return 0;
}

int routing_construct(const model_t *m, sol_t *s, rng_t *rng)
{
    int *jobs = malloc(sizeof(int) * (size_t)m->njobs + 1);
    if (!jobs)
        return ROUTING_ENOMEM;
    int nj = 0, ns = 0;
    for (int j = 0; j < m->njobs; j++) /* breaks, then joint visits: recreate sorts them so */
        if (m->jobs[j].nparts > 1 || m->jobs[j].visit < 0)
            jobs[nj++] = j;
    routing_recreate(m, s, jobs, nj, rng, 0.0);
    for (int j = 0; j < m->njobs; j++)
        if (m->jobs[j].nparts == 1 && m->jobs[j].visit >= 0)
            jobs[ns++] = j;
    int rc = regret_insert(m, s, jobs, ns);
    s->cost = routing_sol_objective(m, s);
    free(jobs);
    return rc;
}

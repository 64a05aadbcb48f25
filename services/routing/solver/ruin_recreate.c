/*
 * ruin_recreate.c — SISR: Slack Induction by String Removals (Christiaens & Vanden Berghe, Transp.
 * Sci. 2020).  Ruin removes a few strings of consecutive visits from routes near a random seed visit
 * (spatially close strings from different routes, so recreate can swap work between them); recreate
 * puts the removed jobs back one by one, in a random sort order, each at its cheapest feasible place
 * while "blinking" (skipping each position with a small probability), which adds the diversity that
 * makes plain greedy reinsertion work as a search.  Joint visits are removed and reinserted whole.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define SPLIT_RATE  0.5 /* split string instead of string */
#define SPLIT_DEPTH 0.5 /* geometric: visits kept in the middle of a split string */

/* --- ruin ------------------------------------------------------------------------------------- */

typedef struct ruin {
    int *removed; /* jobs */
    int nremoved;
    unsigned char *job_out;
    unsigned char *route_hit;
} ruin_t;

static void take_job(const model_t *m, sol_t *s, ruin_t *rn, int job)
{
    if (rn->job_out[job])
        return;
    rn->job_out[job] = 1;
    rn->removed[rn->nremoved++] = job;
    const job_t *jb = &m->jobs[job];
    for (int k = 0; k < jb->nparts; k++) {
        int t = jb->first + k;
        rn->route_hit[s->route_of[t]] = 1;
        s->pos_of[t] = -2; /* marked; compacted below */
    }
}

static void compact_routes(const model_t *m, sol_t *s, ruin_t *rn)
{
    for (int v = 0; v < m->nveh; v++) {
        if (!rn->route_hit[v])
            continue;
        route_t *r = &s->r[v];
        int k = 1;
        for (int i = 1; i <= r->n; i++) {
            int t = r->seq[i];
            if (s->pos_of[t] == -2)
                s->route_of[t] = s->pos_of[t] = -1;
            else
                r->seq[k++] = t;
        }
        r->seq[k] = r->seq[r->n + 1];
        r->n = k - 1;
        routing_route_update(m, s, v);
    }
}

/* Removes a string of length len containing position p of route r (or a split string). */
static void remove_string(const model_t *m, sol_t *s, ruin_t *rn, rng_t *rng, int v, int p, int len)
{
    const route_t *r = &s->r[v];
    int keep = 0;
    if (routing_rng_unit(rng) < SPLIT_RATE && len < r->n) {
        keep = 1;
        while (keep < r->n - len && routing_rng_unit(rng) >= SPLIT_DEPTH)
            keep++;
    }
    int total = len + keep;
    int lo = p - total + 1 < 1 ? 1 : p - total + 1;
    int hi = p > r->n - total + 1 ? r->n - total + 1 : p;
    int first = lo + routing_rng_int(rng, hi - lo + 1);
    int keep_at = keep ? first + routing_rng_int(rng, total - keep + 1) : -1;
    int victims[total];
    for (int i = 0; i < total; i++)
        victims[i] = r->seq[first + i];
    for (int i = 0; i < total; i++)
        if (keep_at < 0 || i + first < keep_at || i + first >= keep_at + keep)
            take_job(m, s, rn, m->tasks[victims[i]].job);
}

static int seed_task(const model_t *m, const sol_t *s, rng_t *rng)
{
    for (int tries = 0; tries < 4 * m->ntasks; tries++) {
        int t = routing_rng_int(rng, m->ntasks);
        if (s->route_of[t] >= 0)
            return t;
    }
    return -1;
}

int routing_ruin_strings(const model_t *m, sol_t *s, rng_t *rng, int *removed, double avg_removed, int lmax)
{
    int nonempty = 0, assigned = 0;
    for (int v = 0; v < m->nveh; v++) {
        nonempty += s->r[v].n > 0;
        assigned += s->r[v].n;
    }
    int seed = seed_task(m, s, rng);
    if (seed < 0 || nonempty == 0)
        return 0;
    double ls_max = fmin(lmax, (double)assigned / nonempty);
    double ks_max = 4.0 * avg_removed / (1.0 + ls_max) - 1.0;
    int ks = (int)(routing_rng_unit(rng) * ks_max) + 1;
    unsigned char job_out[m->njobs + 1], route_hit[m->nveh + 1];
    memset(job_out, 0, sizeof(job_out));
    memset(route_hit, 0, sizeof(route_hit));
    ruin_t rn = {removed, 0, job_out, route_hit};
    unsigned char done[m->nveh + 1];
    memset(done, 0, sizeof(done));
    for (int i = -1, hit = 0; i < m->nnear && hit < ks; i++) {
        int c = i < 0 ? seed : m->near[(size_t)seed * m->nnear + i];
        int v = s->route_of[c];
        if (v < 0 || done[v] || s->pos_of[c] < 0)
            continue;
        int maxlen = (int)fmin(s->r[v].n, ls_max);
        int len = (int)(routing_rng_unit(rng) * maxlen) + 1;
        remove_string(m, s, &rn, rng, v, s->pos_of[c], len);
        done[v] = 1;
        hit++;
    }
    compact_routes(m, s, &rn);
    if (m->has_groups)
        routing_sync_refresh(m, s);
    return rn.nremoved;
}

/* --- recreate --------------------------------------------------------------------------------- */

typedef struct sort_ctx {
    const model_t *m;
    int mode;
    double *key;
} sort_ctx_t;

static double job_key(const model_t *m, int j, int mode, rng_t *rng)
{
    const job_t *jb = &m->jobs[j];
    const task_t *t = &m->tasks[jb->first];
    const vehicle_t *v0 = &m->veh[0];
    double depot = m->nveh ? model_tt(m, v0->start_task, jb->first) : 0;
    double tier = (jb->mandatory ? 0 : 1e12) - (jb->visit < 0 ? 2e11 : 0) - (jb->nparts > 1 ? 1e11 : 0) -
                  jb->priority * 1e9;
    switch (mode) {
    case 0:
        return tier + routing_rng_unit(rng);
    case 1:
        return tier - t->demand;
    case 2:
        return tier - depot;
    case 3:
        return tier + depot;
    default:
        return tier + (t->l - t->e);
    }
}

static int pick_mode(rng_t *rng)
{
    int w = routing_rng_int(rng, 12);
    return w < 4 ? 0 : w < 7 ? 1 : w < 9 ? 2 : w < 10 ? 3 : 4;
}

static void sort_jobs(const model_t *m, int *jobs, int n, rng_t *rng)
{
    int mode = pick_mode(rng);
    if (n < 2)
        return;
    double key[n];
    for (int i = 0; i < n; i++)
        key[i] = job_key(m, jobs[i], mode, rng);
    for (int i = 1; i < n; i++) { /* insertion sort: n is small */
        int j = jobs[i];
        double k = key[i];
        int p = i - 1;
        for (; p >= 0 && key[p] > k; p--) {
            key[p + 1] = key[p];
            jobs[p + 1] = jobs[p];
        }
        key[p + 1] = k;
        jobs[p + 1] = j;
    }
}

static void insert_job(const model_t *m, sol_t *s, int j, rng_t *rng, double blink)
{
    const job_t *jb = &m->jobs[j];
    double d;
    if (jb->nparts > 1) {
        if (routing_joint_insert_best(m, s, j, rng, &d) && !jb->mandatory && d >= jb->penalty) {
            for (int k = 0; k < jb->nparts; k++)
                routing_route_remove(m, s, jb->first + k);
            routing_sync_refresh(m, s);
        }
        return;
    }
    int v = -1, pos = -1;
    if (!routing_insert_single_best(m, s, jb->first, rng, blink, &v, &pos, &d) ||
        (!jb->mandatory && d >= jb->penalty))
        return;
    routing_route_insert(m, s, v, pos, jb->first);
    if (m->has_groups && s->r[v].nsync)
        routing_sync_refresh(m, s);
}

void routing_recreate(const model_t *m, sol_t *s, int *jobs, int njobs, rng_t *rng, double blink)
{
    sort_jobs(m, jobs, njobs, rng);
    for (int i = 0; i < njobs; i++)
        insert_job(m, s, jobs[i], rng, blink);
    s->cost = routing_sol_objective(m, s);
}

/*
 * sync.c — joint visits: synchronized tasks on several routes.
 *
 * The parts of a joint visit must start within `tol` of each other; those of a sequential visit one after
 * another, each [min_delay, max_delay] after the previous (job_pair_bounds gives every pair's bounds).
 * Together with the routes' order these are difference constraints (s_q >= s_k + lo_kq for every pair,
 * s_next >= s_prev + service + travel), so the earliest schedule of the whole day is their least fixed
 * point: forward passes over the routes that hold joint parts, raising each part's lower bound to what
 * its partners demand, until nothing moves (routing_sync_refresh).  A cycle of waits that cannot close shows
 * up as a window overrun: infeasible.
 *
 * With that schedule S fixed, each part's *effective* window is its own windows ∩
 * [max over partners k of S_k + lo_k, min of S_k + hi_k].  Any change confined to routes that do not hold a
 * partner keeps the part inside that window and the partners where they are, so the ordinary O(1)
 * route tests (route.c) stay valid for joint parts.  After every change the fixed point is recomputed
 * and the windows re-derived.  A joint visit is inserted as one move (routing_joint_insert_best): for each
 * part the feasible start interval [a, b] at every position of every qualified route, then the
 * cheapest choice of distinct routes whose intervals admit starts within the pair bounds (both orders
 * for an any-order sequential visit), confirmed by routing_sync_refresh.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PASSES 64
#define MAX_CANDS  48
#define MAX_COMBOS 4

static void reset_windows(const model_t *m, sol_t *s, int t)
{
    const task_t *tk = &m->tasks[t];
    s->e[t] = tk->e;
    s->l[t] = tk->l;
    s->enw[t] = tk->nw;
    memcpy(&s->ew[(size_t)t * ROUTING_MAX_WINDOWS], tk->w, sizeof(tk->w));
}

/* One forward pass over route v honouring the parts' lower bounds; false on a window overrun. */
static bool pass_route(const model_t *m, sol_t *s, int v)
{
    route_t *r = &s->r[v];
    r->start[0] = s->e[r->seq[0]];
    for (int i = 1; i <= r->n + 1; i++) {
        int a = r->seq[i - 1], b = r->seq[i];
        double arr = r->start[i - 1] + m->tasks[a].service + model_tt(m, a, b);
        if (m->tasks[b].group >= 0)
            arr = fmax(arr, s->lb[b]);
        double st = routing_sol_earliest_in(s, b, arr);
        if (!isfinite(st))
            return false;
        r->start[i] = st;
    }
    return true;
}

static double part_start(const sol_t *s, int t)
{
    return s->r[s->route_of[t]].start[s->pos_of[t]];
}

/* Raises each part's lower bound to what its partners' starts demand (s_q >= s_k + lo for every
 * partner k); true when any moved. */
static bool raise_bounds(const model_t *m, sol_t *s)
{
    bool moved = false;
    for (int j = 0; j < m->njobs; j++) {
        const job_t *jb = &m->jobs[j];
        if (jb->nparts < 2 || !routing_job_assigned(m, s, j))
            continue;
        for (int q = 0; q < jb->nparts; q++) {
            int t = jb->first + q;
            double need = -INFINITY, lo, hi;
            for (int k = 0; k < jb->nparts; k++)
                if (k != q) {
                    job_pair_bounds(jb, k, q, s->flip[j], &lo, &hi);
                    need = fmax(need, part_start(s, jb->first + k) + lo);
                }
            if (need > s->lb[t] + 1e-9 && need > part_start(s, t) + 1e-9) {
                s->lb[t] = need;
                moved = true;
            }
        }
    }
    return moved;
}

static void narrow_windows(const model_t *m, sol_t *s, int j)
{
    const job_t *jb = &m->jobs[j];
    for (int k = 0; k < jb->nparts; k++) {
        int t = jb->first + k;
        double lo = -INFINITY, hi = INFINITY, me = part_start(s, t), dlo, dhi;
        for (int q = 0; q < jb->nparts; q++)
            if (q != k) {
                job_pair_bounds(jb, q, k, s->flip[j], &dlo, &dhi);
                lo = fmax(lo, part_start(s, jb->first + q) + dlo);
                hi = fmin(hi, part_start(s, jb->first + q) + dhi);
            }
        lo = fmin(lo, me);
        hi = fmax(hi, me);
        const task_t *tk = &m->tasks[t];
        routing_window_t *w = &s->ew[(size_t)t * ROUTING_MAX_WINDOWS];
        int n = 0;
        s->e[t] = INFINITY;
        s->l[t] = -INFINITY;
        for (int i = 0; i < tk->nw; i++) {
            double a = fmax(tk->w[i].start, lo), b = fmin(tk->w[i].end, hi);
            if (a <= b) {
                w[n++] = (routing_window_t){a, b};
                s->e[t] = fmin(s->e[t], a);
                s->l[t] = fmax(s->l[t], b);
            }
        }
        s->enw[t] = n;
    }
}

bool routing_sync_refresh(const model_t *m, sol_t *s)
{
    if (!m->has_groups)
        return true;
    for (int t = 0; t < m->ntasks; t++)
        if (m->tasks[t].group >= 0) {
            reset_windows(m, s, t);
            s->lb[t] = -INFINITY;
        }
    int pass = 0;
    for (; pass < MAX_PASSES; pass++) {
        for (int v = 0; v < m->nveh; v++)
            if (s->r[v].nsync && !pass_route(m, s, v))
                return false;
        if (!raise_bounds(m, s))
            break;
    }
    if (pass == MAX_PASSES)
        return false;
    for (int j = 0; j < m->njobs; j++)
        if (m->jobs[j].nparts > 1 && routing_job_assigned(m, s, j))
            narrow_windows(m, s, j);
    for (int v = 0; v < m->nveh; v++)
        if (s->r[v].nsync)
            routing_route_update(m, s, v);
    return true;
}

/* --- joint insertion -------------------------------------------------------------------------- */

typedef struct cand {
    int v, pos;
    double a, b, delta;
} cand_t;

typedef struct combo_search {
    int k;                        /* parts */
    cand_t *c[ROUTING_MAX_PARTS]; /* sorted candidates per part */
    int nc[ROUTING_MAX_PARTS];
    const job_t *jb;
    bool flip;                                           /* the order tried (any-order sequential jobs) */
    double lo[ROUTING_MAX_PARTS], hi[ROUTING_MAX_PARTS]; /* start intervals of the parts picked */
    int pick[ROUTING_MAX_PARTS];
    int best[MAX_COMBOS][ROUTING_MAX_PARTS];
    bool best_flip[MAX_COMBOS];
    double best_cost[MAX_COMBOS];
    int nbest;
} combo_search_t;

static int by_delta(const void *x, const void *y)
{
    const cand_t *a = x, *b = y;
    return a->delta < b->delta ? -1 : a->delta > b->delta ? 1 : (a->v - b->v) * 100000 + (a->pos - b->pos);
}

static bool empty_class_seen(const model_t *m, const sol_t *s, int v, int limit)
{
    if (s->r[v].n)
        return false;
    int seen = 0;
    for (int u = 0; u < v; u++)
        seen += s->r[u].n == 0 && m->veh[u].klass == m->veh[v].klass;
    return seen >= limit;
}

/* Keeps the cheapest candidates: a buffer of 4 × MAX_CANDS, cut back to MAX_CANDS when full. */
static int push_cand(cand_t *out, int n, double *cutoff, cand_t c)
{
    if (c.delta >= *cutoff)
        return n;
    out[n++] = c;
    if (n == 4 * MAX_CANDS) {
        qsort(out, (size_t)n, sizeof(*out), by_delta);
        n = MAX_CANDS;
        *cutoff = out[n - 1].delta;
    }
    return n;
}

static int part_candidates(const model_t *m, const sol_t *s, int task, int nparts, cand_t *out)
{
    const task_t *tk = &m->tasks[task];
    int n = 0;
    double cutoff = INFINITY;
    for (int v = 0; v < m->nveh; v++) {
        if (!model_compat(m, task, v) || empty_class_seen(m, s, v, nparts))
            continue;
        const route_t *r = &s->r[v];
        if (r->load + tk->demand > m->veh[v].capacity + EPS)
            continue;
        for (int pos = 0; pos <= r->n; pos++) {
            int p = r->seq[pos], q = r->seq[pos + 1];
            double a = fmax(r->fwd[pos].E + r->fwd[pos].D + model_tt(m, p, task), tk->e);
            double b = fmin(tk->l, r->bwd[pos + 1].L - model_tt(m, task, q) - tk->service);
            if (a > b + EPS)
                continue;
            double d = routing_route_insert_delta(m, s, v, pos, task);
            if (isfinite(d))
                n = push_cand(out, n, &cutoff, (cand_t){v, pos, a, b, d});
        }
    }
    qsort(out, (size_t)n, sizeof(*out), by_delta);
    return n < MAX_CANDS ? n : MAX_CANDS;
}

static void keep_combo(combo_search_t *cs, double cost)
{
    int i;
    if (cs->nbest < MAX_COMBOS)
        i = cs->nbest++;
    else if (cost < cs->best_cost[MAX_COMBOS - 1])
        i = MAX_COMBOS - 1;
    else
        return;
    while (i > 0 && cs->best_cost[i - 1] > cost) {
        cs->best_cost[i] = cs->best_cost[i - 1];
        cs->best_flip[i] = cs->best_flip[i - 1];
        memcpy(cs->best[i], cs->best[i - 1], sizeof(cs->best[i]));
        i--;
    }
    cs->best_cost[i] = cost;
    cs->best_flip[i] = cs->flip;
    memcpy(cs->best[i], cs->pick, sizeof(cs->pick));
}

/* Part k's candidate c joins the parts picked so far when some starts inside the candidates' intervals
 * keep every pair's difference in its bounds (one round of interval propagation; routing_sync_refresh has the
 * last word).  Narrows the intervals in cs and returns false when they empty. */
static bool fits_picked(combo_search_t *cs, int k, const cand_t *c)
{
    double a = c->a, b = c->b, lo, hi;
    for (int q = 0; q < k; q++) {
        job_pair_bounds(cs->jb, q, k, cs->flip, &lo, &hi);
        a = fmax(a, cs->lo[q] + lo);
        b = fmin(b, cs->hi[q] + hi);
    }
    if (a > b + EPS)
        return false;
    cs->lo[k] = a;
    cs->hi[k] = b;
    for (int q = 0; q < k; q++) {
        job_pair_bounds(cs->jb, k, q, cs->flip, &lo, &hi);
        cs->lo[q] = fmax(cs->lo[q], a + lo);
        cs->hi[q] = fmin(cs->hi[q], b + hi);
        if (cs->lo[q] > cs->hi[q] + EPS)
            return false;
    }
    return true;
}

static void combo_dfs(combo_search_t *cs, int k, double cost)
{
    if (k == cs->k) {
        keep_combo(cs, cost);
        return;
    }
    double saved_lo[ROUTING_MAX_PARTS], saved_hi[ROUTING_MAX_PARTS];
    memcpy(saved_lo, cs->lo, sizeof(saved_lo));
    memcpy(saved_hi, cs->hi, sizeof(saved_hi));
    for (int i = 0; i < cs->nc[k]; i++) {
        const cand_t *c = &cs->c[k][i];
        double bound = cs->nbest == MAX_COMBOS ? cs->best_cost[MAX_COMBOS - 1] : INFINITY;
        if (cost + c->delta >= bound)
            break;
        bool clash = false;
        for (int q = 0; q < k; q++)
            clash = clash || cs->c[q][cs->pick[q]].v == c->v;
        if (!clash && fits_picked(cs, k, c)) {
            cs->pick[k] = i;
            combo_dfs(cs, k + 1, cost + c->delta);
        }
        memcpy(cs->lo, saved_lo, sizeof(saved_lo));
        memcpy(cs->hi, saved_hi, sizeof(saved_hi));
    }
}

static bool try_combo(const model_t *m, sol_t *s, const combo_search_t *cs, int which, int job)
{
    const job_t *jb = &m->jobs[job];
    s->flip[job] = cs->best_flip[which];
    for (int k = 0; k < cs->k; k++) {
        const cand_t *c = &cs->c[k][cs->best[which][k]];
        routing_route_insert(m, s, c->v, c->pos, jb->first + k);
    }
    if (routing_sync_refresh(m, s))
        return true;
    for (int k = 0; k < cs->k; k++)
        routing_route_remove(m, s, jb->first + k);
    routing_sync_refresh(m, s);
    return false;
}

bool routing_joint_insert_best(const model_t *m, sol_t *s, int job, rng_t *rng, double *delta_out)
{
    (void)rng;
    const job_t *jb = &m->jobs[job];
    combo_search_t cs = {.k = jb->nparts, .jb = jb};
    cand_t buf[ROUTING_MAX_PARTS][4 * MAX_CANDS];
    for (int k = 0; k < jb->nparts; k++) {
        cs.c[k] = buf[k];
        cs.nc[k] = part_candidates(m, s, jb->first + k, jb->nparts, cs.c[k]);
    }
    combo_dfs(&cs, 0, 0.0);
    if (jb->any_order) {
        cs.flip = true;
        combo_dfs(&cs, 0, 0.0);
    }
    bool ok = false;
    for (int i = 0; i < cs.nbest && !ok; i++)
        if (try_combo(m, s, &cs, i, job)) {
            ok = true;
            *delta_out = cs.best_cost[i];
        }
    return ok;
}

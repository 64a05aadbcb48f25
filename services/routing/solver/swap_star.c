/*
 * swap_star.c — SWAP* (Vidal 2022, "Hybrid genetic search for the CVRP: open-source implementation and
 * SWAP* neighborhood"): exchange u of route A and v of route B, each going to its best place in the
 * other route rather than into the other's place.
 *
 * For a pair of routes, each task's three cheapest feasible insertions into the other route are found
 * first (by travel, each checked against the route as it is, O(1) with the segments).  The best place of
 * u in B without v is then one of those three that does not touch v, or v's own place; so a pair (u, v)
 * costs O(1) to price by travel, and only a pair whose travel gain beats the best so far is checked
 * exactly (the two new routes built as segments, O(route length)).  The best pair of a route pair is
 * applied when it lowers the objective.  Route pairs are those where one route holds one of the other's
 * tasks' nearest neighbours, as Vidal restricts them to routes whose sectors overlap.  With time windows
 * an insertion that only becomes feasible once v is gone is not among the three; v's place still is.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define GAIN_EPS   1e-9
#define TOP        3
#define NEAR_ROUTE 20 /* nearest tasks per task that make two routes neighbours */

typedef struct ins {
    double d[TOP];
    int j[TOP]; /* after seq[j] of the other route; -1 when none */
} ins_t;

typedef struct place {
    int j; /* after seq[j] of the route as it is */
    double d;
} place_t;

static bool swap_star_eligible(const sol_t *s, int v)
{
    return s->r[v].n > 0 && s->r[v].nsync == 0 && s->r[v].nmulti == 0 && s->r[v].nsoft == 0;
}

static void top_add(ins_t *t, double d, int j)
{
    int k = TOP - 1;
    if (d >= t->d[k])
        return;
    for (; k > 0 && t->d[k - 1] > d; k--) {
        t->d[k] = t->d[k - 1];
        t->j[k] = t->j[k - 1];
    }
    t->d[k] = d;
    t->j[k] = j;
}

/* The three cheapest feasible insertions of u into route b as it is. */
static void top_insertions(const model_t *m, const sol_t *s, int u, int b, ins_t *t)
{
    const route_t *rb = &s->r[b];
    for (int k = 0; k < TOP; k++)
        t->d[k] = INFINITY, t->j[k] = -1;
    if (!model_compat(m, u, b))
        return;
    seg_t nu = seg_node(m, s, u);
    for (int j = 0; j <= rb->n; j++) {
        int p = rb->seq[j], q = rb->seq[j + 1];
        double ta = model_tt(m, p, u), tb = model_tt(m, u, q), d = ta + tb - model_tt(m, p, q);
        if (d < t->d[TOP - 1] && seg_join(seg_join(rb->fwd[j], nu, ta), rb->bwd[j + 1], tb).TW <= EPS)
            top_add(t, d, j);
    }
}

/* Travel change of taking the task at position i out of route r. */
static double removal(const model_t *m, const route_t *r, int i)
{
    return model_tt(m, r->seq[i - 1], r->seq[i + 1]) - model_tt(m, r->seq[i - 1], r->seq[i]) -
           model_tt(m, r->seq[i], r->seq[i + 1]);
}

/* The places of x in route r without its task at position i, cheapest first: x in that task's place,
 * and the three insertions that do not touch it. */
static int places(const model_t *m, const route_t *r, int i, int x, const ins_t *t, place_t *out)
{
    int p = r->seq[i - 1], q = r->seq[i + 1], n = 0;
    place_t own = {i - 1, model_tt(m, p, x) + model_tt(m, x, q) - model_tt(m, p, q)};
    for (int k = 0; k < TOP && t->j[k] >= 0; k++)
        if (t->j[k] != i - 1 && t->j[k] != i)
            out[n++] = (place_t){t->j[k], t->d[k]};
    int at = n;
    while (at > 0 && out[at - 1].d > own.d)
        at--;
    memmove(&out[at + 1], &out[at], sizeof(place_t) * (size_t)(n - at));
    out[at] = own;
    return n + 1;
}

/* The segments of seq[from..to] of route r, joined one by one (from <= to). */
static seg_t middle(const model_t *m, const sol_t *s, const route_t *r, int from, int to)
{
    seg_t sg = seg_node(m, s, r->seq[from]);
    for (int k = from + 1; k <= to; k++)
        sg = seg_join(sg, seg_node(m, s, r->seq[k]), model_tt(m, r->seq[k - 1], r->seq[k]));
    return sg;
}

/* Is route r feasible in time with its task at position i taken out and x put after seq[j] (j != i)? */
static bool feasible_exchange(const model_t *m, const sol_t *s, const route_t *r, int i, int x, int j)
{
    seg_t nx = seg_node(m, s, x);
    int pred = r->seq[i - 1], succ = r->seq[i + 1];
    seg_t sg;
    if (j == i - 1)
        sg = seg_join(seg_join(r->fwd[i - 1], nx, model_tt(m, pred, x)), r->bwd[i + 1], model_tt(m, x, succ));
    else if (j < i - 1)
        sg = seg_join(seg_join(seg_join(r->fwd[j], nx, model_tt(m, r->seq[j], x)),
                               middle(m, s, r, j + 1, i - 1), model_tt(m, x, r->seq[j + 1])),
                      r->bwd[i + 1], model_tt(m, pred, succ));
    else
        sg = seg_join(seg_join(seg_join(r->fwd[i - 1], middle(m, s, r, i + 1, j), model_tt(m, pred, succ)),
                               nx, model_tt(m, r->seq[j], x)),
                      r->bwd[j + 1], model_tt(m, x, r->seq[j + 1]));
    return sg.TW <= EPS;
}

/* The cheapest place of x in route r without position i that is feasible in time; INFINITY when none. */
static double best_feasible(const model_t *m, const sol_t *s, const route_t *r, int i, int x, const ins_t *t,
                            int *j_out)
{
    place_t pl[TOP + 1];
    int n = places(m, r, i, x, t, pl);
    for (int k = 0; k < n; k++)
        if (feasible_exchange(m, s, r, i, x, pl[k].j)) {
            *j_out = pl[k].j;
            return pl[k].d;
        }
    return INFINITY;
}

typedef struct move {
    int i, j, ja, jb; /* u at i in a goes after seq[jb] of b; v at j in b after seq[ja] of a */
    double gain;
} move_t;

/* Rebuilds route v with its task at position i taken out and x put after seq[j]. */
static void apply_exchange(const model_t *m, sol_t *s, int v, int i, int x, int j)
{
    route_t *r = &s->r[v];
    int tmp[r->n + 2], k = 0;
    for (int p = 0; p <= r->n + 1; p++) {
        if (p != i)
            tmp[k++] = r->seq[p];
        if (p == j)
            tmp[k++] = x;
    }
    memcpy(r->seq, tmp, sizeof(int) * (size_t)k);
}

static double pair_cost(const model_t *m, const sol_t *s, int a, int u, int v, double dta, double dtb)
{
    int b = s->route_of[v];
    double ds = m->tasks[v].service - m->tasks[u].service;
    return routing_route_cost_delta(m, s, a, dta, ds, 0) + routing_route_cost_delta(m, s, b, dtb, -ds, 0);
}

/* The best SWAP* between routes a and b, applied when it lowers the objective. */
static bool swap_star_pair(const model_t *m, sol_t *s, int a, int b, ins_t *ia, ins_t *ib)
{
    const route_t *ra = &s->r[a], *rb = &s->r[b];
    for (int i = 1; i <= ra->n; i++)
        top_insertions(m, s, ra->seq[i], b, &ia[i]);
    for (int j = 1; j <= rb->n; j++)
        top_insertions(m, s, rb->seq[j], a, &ib[j]);
    move_t best = {0, 0, 0, 0, -GAIN_EPS};
    for (int i = 1; i <= ra->n; i++) {
        int u = ra->seq[i];
        if (!model_compat(m, u, b))
            continue;
        double ru = removal(m, ra, i);
        for (int j = 1; j <= rb->n; j++) {
            int v = rb->seq[j];
            if (!model_compat(m, v, a))
                continue;
            double dd = m->tasks[v].demand - m->tasks[u].demand;
            if (ra->load + dd > m->veh[a].capacity + EPS || rb->load - dd > m->veh[b].capacity + EPS)
                continue;
            place_t pu[TOP + 1], pv[TOP + 1];
            places(m, rb, j, u, &ia[i], pu);
            places(m, ra, i, v, &ib[j], pv);
            double rv = removal(m, rb, j);
            if (m->balance_weight <= 0 && ru + rv + pu[0].d + pv[0].d > best.gain)
                continue;
            int ju, jv;
            double du = best_feasible(m, s, rb, j, u, &ia[i], &ju);
            double dv = isfinite(du) ? best_feasible(m, s, ra, i, v, &ib[j], &jv) : INFINITY;
            if (!isfinite(dv))
                continue;
            double gain = pair_cost(m, s, a, u, v, ru + dv, rv + du);
            if (gain < best.gain)
                best = (move_t){i, j, jv, ju, gain};
        }
    }
    if (best.gain >= -GAIN_EPS || best.i == 0)
        return false;
    int u = ra->seq[best.i], v = rb->seq[best.j];
    apply_exchange(m, s, a, best.i, v, best.ja);
    apply_exchange(m, s, b, best.j, u, best.jb);
    routing_route_update(m, s, a);
    routing_route_update(m, s, b);
    return true;
}

/* One pass of SWAP* over every pair of neighbouring routes open to the descent. */
bool routing_swap_star_pass(const model_t *m, sol_t *s)
{
    int cap = m->ntasks + 2, k_max = m->nnear < NEAR_ROUTE ? m->nnear : NEAR_ROUTE;
    ins_t *ia = malloc(sizeof(ins_t) * (size_t)cap), *ib = malloc(sizeof(ins_t) * (size_t)cap);
    unsigned char *near_route = calloc((size_t)m->nveh + 1, 1);
    bool any = false;
    for (int a = 0; ia && ib && near_route && a < m->nveh; a++) {
        if (!swap_star_eligible(s, a))
            continue;
        memset(near_route, 0, (size_t)m->nveh);
        for (int i = 1; i <= s->r[a].n; i++)
            for (int k = 0; k < k_max; k++) {
                int w = m->near[(size_t)s->r[a].seq[i] * m->nnear + k];
                if (s->route_of[w] > a)
                    near_route[s->route_of[w]] = 1;
            }
        for (int b = a + 1; b < m->nveh; b++)
            if (near_route[b] && swap_star_eligible(s, b) && swap_star_eligible(s, a))
                any |= swap_star_pair(m, s, a, b, ia, ib);
    }
    free(ia);
    free(ib);
    free(near_route);
    return any;
}

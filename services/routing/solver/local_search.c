/*
 * local_search.c — a first-improvement descent with the usual moves, every feasibility test O(1) on
 * the routes' prefix/suffix segments (route.c):
 *   relocate  one task to another place in another route;
 *   swap      two tasks of two routes;
 *   2-opt*    exchange the tails of two routes (only between staff with the same end place and shift);
 *   or-opt    one task to another place in its own route (the middle segment is concatenated while
 *             scanning, O(1) per position);
 *   SWAP*     when none of those moves is left: two tasks of neighbouring routes exchanged, each to its
 *             best place in the other route (swap_star.c).
 * It runs on the first solution and on every new best of the annealing.  Routes holding joint parts or
 * tasks with several windows or soft windows are left to ruin-and-recreate, whose insertions handle both
 * exactly.
 */
#include "internal.h"

#define GAIN_EPS 1e-9
#define GRANULAR 40

static bool eligible(const sol_t *s, int v)
{
    return s->r[v].nsync == 0 && s->r[v].nmulti == 0 && s->r[v].nsoft == 0;
}

/* Neighbours looked at per task (the granular neighbourhood). */
static int granular(const model_t *m)
{
    return m->nnear < GRANULAR ? m->nnear : GRANULAR;
}

static bool ok(seg_t sg)
{
    return sg.TW <= EPS;
}

/* Gain of taking the task at position i out of route a (travel change is negative of the saving). */
static double removal_travel(const model_t *m, const route_t *r, int i)
{
    return model_tt(m, r->seq[i - 1], r->seq[i + 1]) - model_tt(m, r->seq[i - 1], r->seq[i]) -
           model_tt(m, r->seq[i], r->seq[i + 1]);
}

/* Moves u (at position i of route a, whose removal changes a's cost by out) after position j of route
 * b when that lowers the cost. */
static bool relocate_to(const model_t *m, sol_t *s, int a, int i, double out, int b, int j)
{
    const route_t *rb = &s->r[b];
    int u = s->r[a].seq[i];
    const task_t *tu = &m->tasks[u];
    int p = rb->seq[j], q = rb->seq[j + 1];
    double dt = model_tt(m, p, u) + model_tt(m, u, q) - model_tt(m, p, q);
    if (out + dt > -GAIN_EPS && m->balance_weight <= 0)
        return false;
    seg_t sg = seg_join(seg_join(rb->fwd[j], seg_node(m, s, u), model_tt(m, p, u)), rb->bwd[j + 1],
                        model_tt(m, u, q));
    if (!ok(sg) || out + routing_route_cost_delta(m, s, b, dt, tu->service, 1) > -GAIN_EPS)
        return false;
    routing_route_remove(m, s, u);
    routing_route_insert(m, s, b, j, u);
    return true;
}

/* A route b may take task u: another route, open to the descent, qualified, with room. */
static bool may_take(const model_t *m, const sol_t *s, int a, int b, int u)
{
    return b >= 0 && b != a && eligible(s, b) && model_compat(m, u, b) &&
           s->r[b].load + m->tasks[u].demand <= m->veh[b].capacity + EPS;
}

/* The first empty route that may take u (a new route for it), or -1. */
static int empty_route_for(const model_t *m, const sol_t *s, int a, int u)
{
    for (int b = 0; b < m->nveh; b++)
        if (s->r[b].n == 0 && may_take(m, s, a, b, u))
            return b;
    return -1;
}

/* Granular relocate (Toth & Vigo 2003; as in Vidal et al.'s HGS): u goes next to one of its nearest
 * tasks on another route (before or after it), or alone into an empty route. */
static bool try_relocate(const model_t *m, sol_t *s, int a, int i)
{
    const route_t *ra = &s->r[a];
    int u = ra->seq[i];
    seg_t rest = seg_join(ra->fwd[i - 1], ra->bwd[i + 1], model_tt(m, ra->seq[i - 1], ra->seq[i + 1]));
    if (!ok(rest))
        return false;
    double out = routing_route_cost_delta(m, s, a, removal_travel(m, ra, i), -m->tasks[u].service, -1);
    for (int k = 0; k < granular(m); k++) {
        int w = m->near[(size_t)u * m->nnear + k], b = s->route_of[w];
        if (!may_take(m, s, a, b, u))
            continue;
        if (relocate_to(m, s, a, i, out, b, s->pos_of[w] - 1) ||
            relocate_to(m, s, a, i, out, b, s->pos_of[w]))
            return true;
    }
    int e = ra->n > 1 ? empty_route_for(m, s, a, u) : -1;
    return e >= 0 && relocate_to(m, s, a, i, out, e, 0);
}

/* Exchanges u (position i of route a) and w (position j of route b) when that lowers the cost. */
static bool swap_with(const model_t *m, sol_t *s, int a, int i, int b, int j)
{
    const route_t *ra = &s->r[a], *rb = &s->r[b];
    int u = ra->seq[i], pa = ra->seq[i - 1], qa = ra->seq[i + 1];
    int w = rb->seq[j], pb = rb->seq[j - 1], qb = rb->seq[j + 1];
    if (!model_compat(m, u, b) || !model_compat(m, w, a))
        return false;
    double dta = model_tt(m, pa, w) + model_tt(m, w, qa) - model_tt(m, pa, u) - model_tt(m, u, qa);
    double dtb = model_tt(m, pb, u) + model_tt(m, u, qb) - model_tt(m, pb, w) - model_tt(m, w, qb);
    if (dta + dtb > -GAIN_EPS && m->balance_weight <= 0)
        return false;
    double dd = m->tasks[w].demand - m->tasks[u].demand;
    if (ra->load + dd > m->veh[a].capacity + EPS || rb->load - dd > m->veh[b].capacity + EPS)
        return false;
    seg_t sa = seg_join(seg_join(ra->fwd[i - 1], seg_node(m, s, w), model_tt(m, pa, w)), ra->bwd[i + 1],
                        model_tt(m, w, qa));
    seg_t sb = seg_join(seg_join(rb->fwd[j - 1], seg_node(m, s, u), model_tt(m, pb, u)), rb->bwd[j + 1],
                        model_tt(m, u, qb));
    double ds = m->tasks[w].service - m->tasks[u].service;
    if (!ok(sa) || !ok(sb) ||
        routing_route_cost_delta(m, s, a, dta, ds, 0) + routing_route_cost_delta(m, s, b, dtb, -ds, 0) >
            -GAIN_EPS)
        return false;
    routing_route_remove(m, s, u);
    routing_route_remove(m, s, w);
    routing_route_insert(m, s, a, i - 1, w);
    routing_route_insert(m, s, b, j - 1, u);
    return true;
}

/* Granular swap: u with one of its nearest tasks on another route, or with that task's successor
 * (which puts u right after its neighbour). */
static bool try_swap(const model_t *m, sol_t *s, int a, int i)
{
    int u = s->r[a].seq[i];
    for (int k = 0; k < granular(m); k++) {
        int w = m->near[(size_t)u * m->nnear + k], b = s->route_of[w];
        if (b < 0 || b == a || !eligible(s, b))
            continue;
        int j = s->pos_of[w];
        if (swap_with(m, s, a, i, b, j) || (j < s->r[b].n && swap_with(m, s, a, i, b, j + 1)))
            return true;
    }
    return false;
}

static bool same_end(const model_t *m, int a, int b)
{
    const task_t *ea = &m->tasks[m->veh[a].end_task], *eb = &m->tasks[m->veh[b].end_task];
    return m->all_compat && ea->loc == eb->loc && ea->e == eb->e && ea->l == eb->l &&
           m->veh[a].capacity == m->veh[b].capacity;
}

static void apply_2opt_star(const model_t *m, sol_t *s, int a, int i, int b, int j)
{
    route_t *ra = &s->r[a], *rb = &s->r[b];
    int tmp[m->ntasks + 2];
    int ka = 0, kb = 0;
    for (int x = j + 1; x <= rb->n; x++)
        tmp[kb++] = rb->seq[x];
    int enda = ra->seq[ra->n + 1], endb = rb->seq[rb->n + 1];
    for (int x = i + 1; x <= ra->n; x++) /* a's tail moves to b */
        rb->seq[j + 1 + ka++] = ra->seq[x];
    rb->seq[j + 1 + ka] = endb;
    for (int x = 0; x < kb; x++)
        ra->seq[i + 1 + x] = tmp[x];
    ra->seq[i + 1 + kb] = enda;
    ra->n = i + kb;
    rb->n = j + ka;
    routing_route_update(m, s, a);
    routing_route_update(m, s, b);
}

/* Reconnects x = seq[i] of route a to the successor of seq[j] of route b, and seq[j] to x's successor,
 * when that lowers the cost. */
static bool two_opt_star_at(const model_t *m, sol_t *s, int a, int i, int b, int j)
{
    const route_t *ra = &s->r[a], *rb = &s->r[b];
    int x = ra->seq[i], xn = ra->seq[i + 1], y = rb->seq[j], yn = rb->seq[j + 1];
    double dt = model_tt(m, x, yn) + model_tt(m, y, xn) - model_tt(m, x, xn) - model_tt(m, y, yn);
    if (dt > -GAIN_EPS || (i == 0 && j == 0))
        return false;
    double la = ra->cum[i] + (rb->load - rb->cum[j]), lb = rb->cum[j] + (ra->load - ra->cum[i]);
    if (la > m->veh[a].capacity + EPS || lb > m->veh[b].capacity + EPS)
        return false;
    if (!ok(seg_join(ra->fwd[i], rb->bwd[j + 1], model_tt(m, x, yn))) ||
        !ok(seg_join(rb->fwd[j], ra->bwd[i + 1], model_tt(m, y, xn))))
        return false;
    if (m->balance_weight > 0) { /* exact objective check for the balance term */
        double before = routing_route_cost(m, s, a) + routing_route_cost(m, s, b);
        apply_2opt_star(m, s, a, i, b, j);
        if (routing_route_cost(m, s, a) + routing_route_cost(m, s, b) < before - GAIN_EPS)
            return true;
        apply_2opt_star(m, s, a, i, b, j); /* undo: swapping the tails back */
        return false;
    }
    apply_2opt_star(m, s, a, i, b, j);
    return true;
}

/* Granular 2-opt*: x = seq[i] followed by one of its nearest tasks w on another route (w's head stays,
 * x's tail goes behind w's predecessor), or x's tail moved to an empty route (a split). */
static bool try_2opt_star(const model_t *m, sol_t *s, int a, int i)
{
    const route_t *ra = &s->r[a];
    if (i == 0)
        return false;
    int x = ra->seq[i];
    for (int k = 0; k < granular(m); k++) {
        int w = m->near[(size_t)x * m->nnear + k], b = s->route_of[w];
        if (b < 0 || b == a || !eligible(s, b) || !same_end(m, a, b))
            continue;
        if (two_opt_star_at(m, s, a, i, b, s->pos_of[w] - 1) || two_opt_star_at(m, s, a, i, b, s->pos_of[w]))
            return true;
    }
    if (i >= ra->n)
        return false;
    for (int b = 0; b < m->nveh; b++)
        if (b != a && s->r[b].n == 0 && eligible(s, b) && same_end(m, a, b))
            return two_opt_star_at(m, s, a, i, b, 0);
    return false;
}

static bool try_or_opt(const model_t *m, sol_t *s, int a, int i)
{
    const route_t *r = &s->r[a];
    int u = r->seq[i];
    seg_t nu = seg_node(m, s, u);
    double out = removal_travel(m, r, i);
    seg_t mid = r->bwd[i + 1];            /* placeholder, rebuilt below */
    for (int j = i + 1; j <= r->n; j++) { /* u after seq[j]: fwd[i-1] + (i+1..j) + u + bwd[j+1] */
        mid = j == i + 1 ? seg_node(m, s, r->seq[j])
                         : seg_join(mid, seg_node(m, s, r->seq[j]), model_tt(m, r->seq[j - 1], r->seq[j]));
        int p = r->seq[j], q = r->seq[j + 1];
        double dt = out + model_tt(m, p, u) + model_tt(m, u, q) - model_tt(m, p, q);
        if (dt > -GAIN_EPS)
            continue;
        seg_t sg = seg_join(seg_join(seg_join(r->fwd[i - 1], mid, model_tt(m, r->seq[i - 1], r->seq[i + 1])),
                                     nu, model_tt(m, p, u)),
                            r->bwd[j + 1], model_tt(m, u, q));
        if (ok(sg)) {
            routing_route_remove(m, s, u);
            routing_route_insert(m, s, a, j - 1, u);
            return true;
        }
    }
    for (int j = i - 2; j >= 0; j--) { /* u after seq[j]: fwd[j] + u + (j+1..i-1) + bwd[i+1] */
        mid = j == i - 2
                  ? seg_node(m, s, r->seq[j + 1])
                  : seg_join(seg_node(m, s, r->seq[j + 1]), mid, model_tt(m, r->seq[j + 1], r->seq[j + 2]));
        int p = r->seq[j], q = r->seq[j + 1];
        double dt = out + model_tt(m, p, u) + model_tt(m, u, q) - model_tt(m, p, q);
        if (dt > -GAIN_EPS)
            continue;
        seg_t sg = seg_join(seg_join(seg_join(r->fwd[j], nu, model_tt(m, p, u)), mid, model_tt(m, u, q)),
                            r->bwd[i + 1], model_tt(m, r->seq[i - 1], r->seq[i + 1]));
        if (ok(sg)) {
            routing_route_remove(m, s, u);
            routing_route_insert(m, s, a, j, u);
            return true;
        }
    }
    return false;
}

static bool improve_at(const model_t *m, sol_t *s, int a, int i)
{
    if (i >= 1 && i <= s->r[a].n) {
        if (try_relocate(m, s, a, i) || try_swap(m, s, a, i))
            return true;
        if (m->balance_weight <= 0 && try_or_opt(m, s, a, i))
            return true;
    }
    return try_2opt_star(m, s, a, i);
}

bool routing_local_search(const model_t *m, sol_t *s, rng_t *rng)
{
    bool any = false, moved = true;
    for (int pass = 0; moved && pass < 50; pass++) {
        moved = false;
        int off = routing_rng_int(rng, m->nveh);
        for (int k = 0; k < m->nveh; k++) {
            int a = (k + off) % m->nveh;
            for (int i = 0; eligible(s, a) && i <= s->r[a].n; i++)
                if (improve_at(m, s, a, i)) {
                    moved = any = true;
                    i--;
                }
        }
        if (!moved && routing_swap_star_pass(m, s))
            moved = any = true;
    }
    if (any)
        s->cost = routing_sol_objective(m, s);
    return any;
}

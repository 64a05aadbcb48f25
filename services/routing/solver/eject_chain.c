/*
 * eject_chain.c — an ejection chain of two links for the descent, priced by travel: task u leaves
 * route A and takes the place of a task w of route B next to one of u's nearest tasks (w itself one of
 * them, or the one before or after), and w goes to its cheapest place next to one of its own nearest
 * tasks in a third route C.  It is applied when the three routes' costs fall together; relocate cannot
 * make it when B has no room for u without w, and swap only puts w where u was.
 *
 * Every test is O(1) with the segments (u in w's place is fwd[j-1] + u + bwd[j+1]); a candidate is priced
 * by travel first and its time windows and loads are checked only when it gains (insertions cost at least
 * nothing when travel obeys the triangle inequality, so a first link that gains nothing is dropped).
 */
#include "internal.h"

#define GAIN_EPS 1e-9
#define GRANULAR 40

static bool open_route(const sol_t *s, int v)
{
    return v >= 0 && s->r[v].nsync == 0 && s->r[v].nmulti == 0 && s->r[v].nsoft == 0;
}

static int granular(const model_t *m)
{
    return m->nnear < GRANULAR ? m->nnear : GRANULAR;
}

typedef struct link {
    int v, pos; /* route, and the place: after seq[pos] */
    double gain;
} link_t;

/* The cheapest feasible place of w next to one of its nearest tasks in a route other than a and b,
 * with its cost change; gain INFINITY when none. */
static link_t place_ejected(const model_t *m, const sol_t *s, int w, int a, int b)
{
    link_t best = {-1, -1, INFINITY};
    seg_t nw = seg_node(m, s, w);
    for (int k = 0; k < granular(m); k++) {
        int x = m->near[(size_t)w * m->nnear + k], c = s->route_of[x];
        if (c < 0 || c == a || c == b || !open_route(s, c) || !model_compat(m, w, c) ||
            s->r[c].load + m->tasks[w].demand > m->veh[c].capacity + EPS)
            continue;
        const route_t *rc = &s->r[c];
        for (int pos = s->pos_of[x] - 1; pos <= s->pos_of[x]; pos++) {
            int p = rc->seq[pos], q = rc->seq[pos + 1];
            double ta = model_tt(m, p, w), tb = model_tt(m, w, q), dt = ta + tb - model_tt(m, p, q);
            if (dt >= best.gain && m->balance_weight <= 0)
                continue;
            if (seg_join(seg_join(rc->fwd[pos], nw, ta), rc->bwd[pos + 1], tb).TW > EPS)
                continue;
            double d = routing_route_cost_delta(m, s, c, dt, m->tasks[w].service, 1);
            if (d < best.gain)
                best = (link_t){c, pos, d};
        }
    }
    return best;
}

/* u (position i of route a, whose removal changes a's cost by out) in the place of the task at position
 * j of route b, that task to a third route: applied when the chain lowers the cost. */
static bool chain_at(const model_t *m, sol_t *s, int a, int i, double out, double out_travel, int b, int j)
{
    const route_t *rb = &s->r[b];
    if (j < 1 || j > rb->n)
        return false;
    int u = s->r[a].seq[i], w = rb->seq[j], p = rb->seq[j - 1], q = rb->seq[j + 1];
    double ta = model_tt(m, p, u), tb = model_tt(m, u, q);
    double dt = ta + tb - model_tt(m, p, w) - model_tt(m, w, q);
    if (m->balance_weight <= 0 && out_travel + dt > -GAIN_EPS)
        return false;
    if (rb->load + m->tasks[u].demand - m->tasks[w].demand > m->veh[b].capacity + EPS ||
        seg_join(seg_join(rb->fwd[j - 1], seg_node(m, s, u), ta), rb->bwd[j + 1], tb).TW > EPS)
        return false;
    double first = out + routing_route_cost_delta(m, s, b, dt, m->tasks[u].service - m->tasks[w].service, 0);
    link_t next = place_ejected(m, s, w, a, b);
    if (!isfinite(next.gain) || first + next.gain > -GAIN_EPS)
        return false;
    routing_route_remove(m, s, u);
    routing_route_remove(m, s, w);
    routing_route_insert(m, s, b, j - 1, u);
    routing_route_insert(m, s, next.v, next.pos, w);
    return true;
}

bool routing_eject_chain(const model_t *m, sol_t *s, int a, int i)
{
    const route_t *ra = &s->r[a];
    int u = ra->seq[i];
    seg_t rest = seg_join(ra->fwd[i - 1], ra->bwd[i + 1], model_tt(m, ra->seq[i - 1], ra->seq[i + 1]));
    if (rest.TW > EPS)
        return false;
    double out_travel = model_tt(m, ra->seq[i - 1], ra->seq[i + 1]) - model_tt(m, ra->seq[i - 1], u) -
                        model_tt(m, u, ra->seq[i + 1]);
    double out = routing_route_cost_delta(m, s, a, out_travel, -m->tasks[u].service, -1);
    for (int k = 0; k < granular(m); k++) {
        int x = m->near[(size_t)u * m->nnear + k], b = s->route_of[x];
        if (b < 0 || b == a || !open_route(s, b) || !model_compat(m, u, b))
            continue;
        for (int j = s->pos_of[x] - 1; j <= s->pos_of[x] + 1; j++)
            if (chain_at(m, s, a, i, out, out_travel, b, j))
                return true;
    }
    return false;
}

/*
 * insert_single.c — the cheapest feasible position for a one-task job, as recreate needs it thousands
 * of times a second.
 *
 * The full scan looks at every position of every route (an empty route once per vehicle class),
 * pruning positions whose travel detour is no better than the best so far.  On 1,000 visits it is
 * 1,000 positions per task and took two thirds of the solver's time.  The granular scan (Toth & Vigo
 * 2003's granular neighbourhoods, applied to insertion) looks only at the positions right before and
 * right after each of the task's ROUTING_GRANULAR_INSERT nearest tasks that is on a route, and, when
 * one of those is feasible, at one empty route per vehicle class: the cheapest insertion of a visit is
 * almost always next to a close neighbour, and a new route competes with the neighbours' positions
 * rather than with the whole day's.  That opens routes more often than the full scan, which the
 * long-horizon instances need (r2_10_2 at 30,000 iterations, seeds 1 and 2: 27-28 routes and 4.1%
 * average gap, against 23-25 and 5.9% with empty routes only in the fallback).  When no neighbour's
 * position is feasible (tight windows, full routes, or the neighbours removed by the same ruin) it
 * falls back to the full scan, so a job that fits somewhere is never left out because of the
 * neighbourhood; offering the empty route in that case too opened far too many on tight-window days
 * (r1_10_2 at 15 s CPU: 105 routes against 93).  The granular scan is used when the model has more
 * tasks than ROUTING_GRANULAR_MIN_TASKS; on smaller ones the full scan costs little more and sees
 * everything.
 */
#include "internal.h"

#include <limits.h>
#include <string.h>

typedef struct best {
    int v, pos;
    double d;
} best_t;

/* An empty route whose vehicle class was already looked at adds nothing (same cost, same windows). */
static bool empty_class_seen(const model_t *m, const sol_t *s, int v, unsigned char *seen_class)
{
    if (s->r[v].n)
        return false;
    int k = m->veh[v].klass;
    if (seen_class[k])
        return true;
    seen_class[k] = 1;
    return false;
}

static bool route_may_take(const model_t *m, const sol_t *s, int v, int task)
{
    return model_compat(m, task, v) && s->r[v].load + m->tasks[task].demand <= m->veh[v].capacity + EPS;
}

/* Blinks (SISR): every position looked at is skipped with probability blink.  Rather than one random
 * draw per position (8% of a Solomon step), the number of positions kept before the next skip is drawn,
 * geometric with P(kept >= k) = (1 - blink)^k: the same independent skips, one draw per skip. */
typedef struct blinker {
    rng_t *rng;
    double log_keep; /* log(1 - blink); 0: never blinks */
    long left;       /* positions still kept before the next blink */
} blinker_t;

static void blinker_draw(blinker_t *bl)
{
    if (bl->log_keep >= 0) {
        bl->left = LONG_MAX;
        return;
    }
    double kept = floor(log1p(-routing_rng_unit(bl->rng)) / bl->log_keep);
    bl->left = kept < (double)LONG_MAX ? (long)kept : LONG_MAX;
}

static blinker_t blinker_start(rng_t *rng, double blink)
{
    blinker_t bl = {rng, blink > 0 ? log1p(-fmin(blink, 1.0)) : 0.0, 0};
    blinker_draw(&bl);
    return bl;
}

static bool blinks(blinker_t *bl)
{
    if (bl->left > 0) {
        bl->left--;
        return false;
    }
    blinker_draw(bl);
    return true;
}

/* Looks at inserting task after position pos of route v (unless it blinks). */
static void try_position(const model_t *m, const sol_t *s, int v, int pos, int task, blinker_t *bl, best_t *b)
{
    if (blinks(bl) || routing_route_insert_bound(m, s, v, pos, task) >= b->d)
        return;
    double d = routing_route_insert_delta(m, s, v, pos, task);
    if (d < b->d)
        *b = (best_t){v, pos, d};
}

static bool report(const best_t *b, int *bv, int *bp, double *bd)
{
    *bd = b->d;
    if (!isfinite(b->d))
        return false;
    *bv = b->v;
    *bp = b->pos;
    return true;
}

bool routing_insert_single_full(const model_t *m, const sol_t *s, int task, rng_t *rng, double blink, int *bv,
                                int *bp, double *bd)
{
    unsigned char seen_class[m->nveh + 1];
    memset(seen_class, 0, sizeof(seen_class));
    best_t b = {-1, -1, INFINITY};
    blinker_t bl = blinker_start(rng, blink);
    for (int v = 0; v < m->nveh; v++) {
        if (!route_may_take(m, s, v, task) || empty_class_seen(m, s, v, seen_class))
            continue;
        for (int pos = 0; pos <= s->r[v].n; pos++)
            try_position(m, s, v, pos, task, &bl, &b);
    }
    return report(&b, bv, bp, bd);
}

bool routing_insert_single_granular(const model_t *m, const sol_t *s, int task, rng_t *rng, double blink,
                                    int *bv, int *bp, double *bd)
{
    best_t b = {-1, -1, INFINITY};
    blinker_t bl = blinker_start(rng, blink);
    int k_max = m->nnear < ROUTING_GRANULAR_INSERT ? m->nnear : ROUTING_GRANULAR_INSERT;
    for (int k = 0; k < k_max; k++) {
        int w = m->near[(size_t)task * m->nnear + k], v = s->route_of[w];
        if (v < 0 || s->pos_of[w] < 1 || !route_may_take(m, s, v, task))
            continue;
        try_position(m, s, v, s->pos_of[w] - 1, task, &bl, &b); /* before w */
        try_position(m, s, v, s->pos_of[w], task, &bl, &b);     /* after w */
    }
    if (!isfinite(b.d))
        return report(&b, bv, bp, bd);
    unsigned char seen_class[m->nveh + 1];
    memset(seen_class, 0, sizeof(seen_class));
    for (int v = 0; v < m->nveh; v++)
        if (s->r[v].n == 0 && route_may_take(m, s, v, task) && !empty_class_seen(m, s, v, seen_class))
            try_position(m, s, v, 0, task, &bl, &b);
    return report(&b, bv, bp, bd);
}

bool routing_insert_single_best(const model_t *m, const sol_t *s, int task, rng_t *rng, double blink, int *bv,
                                int *bp, double *bd)
{
    if (m->ntasks > ROUTING_GRANULAR_MIN_TASKS &&
        routing_insert_single_granular(m, s, task, rng, blink, bv, bp, bd))
        return true;
    return routing_insert_single_full(m, s, task, rng, blink, bv, bp, bd);
}

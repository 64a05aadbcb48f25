/*
 * internal.h — the solver's private types: the compiled model, routes with their time-window
 * bookkeeping, solutions, and the functions the solver's files share.  Not part of the API.
 *
 * Vocabulary: a *job* is what is assigned or left out as a whole (a visit, or a break); a *task* is one
 * member of staff's share of a job (a joint visit has one task per part).  Routes hold tasks.  Each
 * route also has two depot nodes (start, end), stored as pseudo-tasks after the real ones so that every
 * position of a route is a task index and travel is one matrix lookup.
 *
 * Every function with external linkage starts with routing_, like the API in solver.h (internal ones
 * name their class after it: routing_route_*, routing_sol_*, routing_rng_*, routing_model_*), so the
 * library can be linked beside anything; `nm -g --defined-only librouting_solver.a` shows none other.
 */
#ifndef ROUTING_SOLVER_INTERNAL_H
#define ROUTING_SOLVER_INTERNAL_H

#include "solver.h"

#include <math.h>
#include <stdint.h>

struct routing_problem {
    int n_locs, loc_cap;
    double *loc_a, *loc_b;
    routing_coords_t coords;
    double detour, speed;
    double *matrix;
    int matrix_n;
    int n_staff, staff_cap;
    routing_staff_t *staff;
    int n_visits, visit_cap;
    routing_visit_t *visits;
    int n_breaks, break_cap;
    routing_break_t *breaks;
};

#define EPS 1e-7

/* Time-window segment (Vidal et al. 2013, "A hybrid genetic algorithm with adaptive diversity
 * management..." and their 2013 TW concatenation): a sequence served starting at its first node in
 * [E, L] takes D (service + travel + forced waiting) and accumulates TW time warp (0 = feasible). */
typedef struct seg {
    double D, TW, E, L;
} seg_t;

typedef struct task {
    int loc;
    int job;
    int part;       /* part index within its job */
    int group;      /* joint group (== job) when the job has >= 2 parts, else -1 */
    double service; /* duration on site */
    double demand;
    double e, l; /* hull of the own windows */
    int nw;      /* own windows (at least one); soft ones extended by their max lateness */
    routing_window_t w[ROUTING_MAX_WINDOWS];
    double late_cost;                           /* soft windows: cost per time unit late; 0 = hard */
    routing_window_t soft[ROUTING_MAX_WINDOWS]; /* soft windows: the windows as given (on-time ends) */
} task_t;

typedef struct job {
    int first, nparts; /* tasks [first, first + nparts) */
    int visit;         /* visit index, or -1 for a break */
    int brk;           /* break index, or -1 */
    double penalty;    /* cost of leaving it out */
    double tol;        /* sync tolerance for joint jobs */
    int priority;
    bool mandatory;
    bool sequential, any_order;  /* multi-part job whose parts start one after another */
    double min_delay, max_delay; /* sequential: start of part k + 1 - start of part k */
} job_t;

typedef struct vehicle {
    int staff;
    int start_task, end_task; /* pseudo-tasks for the depots */
    double capacity;          /* INFINITY when unlimited */
    double shift_len;
    int klass; /* vehicles with equal attributes share a class (empty routes dedup) */
} vehicle_t;

typedef struct model {
    const routing_problem_t *problem;
    int ntasks; /* real tasks */
    int nall;   /* real + 2 per vehicle */
    int njobs, nveh, nloc;
    task_t *tasks;
    job_t *jobs;
    vehicle_t *veh;
    double *tt;            /* nloc × nloc travel times */
    unsigned char *compat; /* ntasks × nveh: may this vehicle serve this task */
    bool all_compat;
    bool has_groups;
    bool has_multiwin; /* some task has more than one window: exact checks needed */
    int *near;         /* ntasks × nnear nearest tasks by travel, for string removal */
    int nnear;
    double balance_weight;
} model_t;

static inline double model_tt(const model_t *m, int ta, int tb)
{
    return m->tt[(size_t)m->tasks[ta].loc * m->nloc + m->tasks[tb].loc];
}

static inline bool model_compat(const model_t *m, int t, int v)
{
    return m->all_compat || m->compat[(size_t)t * m->nveh + v];
}

/* Parts k != q of a multi-part job: s_q - s_k must lie in [*lo, *hi].  Joint visits: within the
 * tolerance; sequential ones: d consecutive gaps of [min_delay, max_delay] for d = order(q) - order(k)
 * (the chain's implied bounds), the order reversed when flip. */
static inline void job_pair_bounds(const job_t *jb, int k, int q, bool flip, double *lo, double *hi)
{
    if (!jb->sequential) {
        *lo = -jb->tol;
        *hi = jb->tol;
        return;
    }
    int d = flip ? k - q : q - k;
    *lo = d > 0 ? d * jb->min_delay : d * jb->max_delay;
    *hi = d > 0 ? d * jb->max_delay : d * jb->min_delay;
}

/* Soft windows: time units after the end of the window the start falls in (the least over windows). */
static inline double task_lateness(const task_t *t, double start)
{
    if (t->late_cost <= 0)
        return 0;
    double best = INFINITY;
    for (int i = 0; i < t->nw; i++)
        if (start >= t->w[i].start - EPS && start <= t->w[i].end + EPS)
            best = fmin(best, fmax(0.0, start - t->soft[i].end));
    return isfinite(best) ? best : 0;
}

/* max and min of two numbers that are never NaN, as one instruction each: the library's fmax/fmin
 * (NaN rules, a call through the PLT at -O2) took 8% of a Solomon step when seg_join used them. */
static inline double num_max(double x, double y)
{
    return x > y ? x : y;
}

static inline double num_min(double x, double y)
{
    return x < y ? x : y;
}

static inline seg_t seg_join(seg_t a, seg_t b, double travel)
{
    double delta = a.D - a.TW + travel;
    double dwt = num_max(b.E - delta - a.L, 0.0);
    double dtw = num_max(a.E + delta - b.L, 0.0);
    return (seg_t){a.D + b.D + travel + dwt, a.TW + b.TW + dtw, num_max(b.E - delta, a.E) - dwt,
                   num_min(b.L - delta, a.L) + dtw};
}

/* A route: seq[0] start depot, seq[1..n] tasks, seq[n+1] end depot; prefix/suffix bookkeeping. */
typedef struct route {
    int n, cap;
    int *seq;
    seg_t *fwd;    /* fwd[i] = segment seq[0..i] */
    seg_t *bwd;    /* bwd[i] = segment seq[i..n+1] */
    double *dist;  /* dist[i] = travel from seq[0] to seq[i] */
    double *start; /* service start times (earliest schedule) */
    double *cum;   /* cum[i] = demand of seq[0..i] */
    double load, service;
    int nsync;   /* tasks of joint jobs on this route */
    int nmulti;  /* tasks with several effective windows */
    int nsoft;   /* tasks with soft windows */
    double late; /* Σ lateness × cost of the earliest schedule */
} route_t;

typedef struct sol {
    int nveh, ntasks, nall, njobs;
    route_t *r;
    int *route_of, *pos_of; /* per task; -1 when unassigned */
    double *e, *l;          /* per task (depots too): hull of the effective windows */
    int *enw;               /* per task: number of effective windows */
    routing_window_t *ew;   /* per task × ROUTING_MAX_WINDOWS: effective windows */
    double *lb;             /* scratch for sync.c: lower bounds on joint parts' starts */
    unsigned char *flip;    /* per job: an any-order sequential job served part 1 first */
    unsigned char *touched; /* per route: changed since the last routing_sol_copy_changed */
    bool sync_windows;      /* effective windows change (joint or sequential visits): copy them */
    double cost;            /* objective */
} sol_t;

typedef struct rng {
    uint64_t s[4];
} rng_t;

void routing_rng_seed(rng_t *r, uint64_t seed);
uint64_t routing_rng_next(rng_t *r);
double routing_rng_unit(rng_t *r);    /* [0, 1) */
int routing_rng_int(rng_t *r, int n); /* [0, n) */

static inline seg_t seg_node(const model_t *m, const sol_t *s, int t)
{
    return (seg_t){m->tasks[t].service, 0.0, s->e[t], s->l[t]};
}

/* model.c */
int routing_model_build(model_t *m, const routing_problem_t *p, const routing_solver_params_t *prm);
void routing_model_free(model_t *m);

/* route.c */
int routing_sol_init(sol_t *s, const model_t *m);
void routing_sol_free(sol_t *s);
/* dst = src; marks every route of dst touched. */
void routing_sol_copy(sol_t *dst, const sol_t *src);
/* dst = src for two solutions that were equal when one was last copied to the other with this
 * function (or dst with routing_sol_copy, which marks it all touched): copies only the routes either
 * touched since, then clears both marks.  What makes the annealing step cost the routes it changes, not
 * the whole day. */
void routing_sol_copy_changed(sol_t *dst, sol_t *src);
void routing_route_update(const model_t *m, sol_t *s, int v);
void routing_route_insert(const model_t *m, sol_t *s, int v, int pos, int task);
void routing_route_remove(const model_t *m, sol_t *s, int task);
double routing_sol_earliest_in(const sol_t *s, int task, double t);
double routing_route_cost(const model_t *m, const sol_t *s, int v);
double routing_route_cost_with(const model_t *m, int v, double travel, double service);
/* The change of route v's cost when its travel changes by dtravel, its service by dservice and its
 * number of tasks by dcount (the balance term; with no balance weight, dtravel). */
double routing_route_cost_delta(const model_t *m, const sol_t *s, int v, double dtravel, double dservice,
                                int dcount);
double routing_sol_objective(const model_t *m, const sol_t *s);
bool routing_job_assigned(const model_t *m, const sol_t *s, int j);
/* Cost delta of inserting task before position pos+1 (after seq[pos]); INFINITY when infeasible. */
double routing_route_insert_delta(const model_t *m, const sol_t *s, int v, int pos, int task);
/* A lower bound on routing_route_insert_delta from travel alone (three matrix look-ups): positions whose
 * bound is no better than the best found so far need no time-window test.  Inline: the insertion scans
 * call it for every position they look at. */
static inline double routing_route_insert_bound(const model_t *m, const sol_t *s, int v, int pos, int task)
{
    const route_t *r = &s->r[v];
    int a = r->seq[pos], b = r->seq[pos + 1];
    double dtravel = model_tt(m, a, task) + model_tt(m, task, b) - model_tt(m, a, b);
    return m->balance_weight <= 0 || dtravel + m->tasks[task].service >= 0 ? dtravel : -INFINITY;
}

/* insert_single.c: the cheapest feasible position for a one-task job, each position skipped with
 * probability blink.  Granular when the model has enough tasks (positions next to the task's nearest
 * tasks on routes, and one empty route per vehicle class when one of those is feasible), with a scan of
 * every position (empty routes too) when none of those is feasible; the full scan alone otherwise.  False
 * when no position is feasible. */
#define ROUTING_GRANULAR_INSERT    40 /* nearest tasks whose neighbouring positions the granular scan tries */
#define ROUTING_GRANULAR_MIN_TASKS 400 /* models with at most this many tasks get the full scan alone */
bool routing_insert_single_best(const model_t *m, const sol_t *s, int task, rng_t *rng, double blink, int *bv,
                                int *bp, double *bd);
bool routing_insert_single_full(const model_t *m, const sol_t *s, int task, rng_t *rng, double blink, int *bv,
                                int *bp, double *bd);
bool routing_insert_single_granular(const model_t *m, const sol_t *s, int task, rng_t *rng, double blink,
                                    int *bv, int *bp, double *bd);

/* sync.c */
bool routing_sync_refresh(const model_t *m, sol_t *s);
bool routing_joint_insert_best(const model_t *m, sol_t *s, int job, rng_t *rng, double *delta_out);

/* construct.c / ruin_recreate.c / local_search.c */
typedef struct search search_t;
void routing_recreate(const model_t *m, sol_t *s, int *jobs, int njobs, rng_t *rng, double blink);
int routing_construct(const model_t *m, sol_t *s, rng_t *rng);
int routing_ruin_strings(const model_t *m, sol_t *s, rng_t *rng, int *removed, double avg_removed, int lmax);
bool routing_local_search(const model_t *m, sol_t *s, rng_t *rng);
/* swap_star.c: one pass of SWAP* (Vidal 2022) over neighbouring routes open to the descent; true when
 * some exchange lowered the objective. */
bool routing_swap_star_pass(const model_t *m, sol_t *s);

/* result.c */
int routing_result_build(const model_t *m, sol_t *s, routing_result_t **out);

#endif

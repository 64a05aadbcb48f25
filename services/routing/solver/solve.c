/*
 * solve.c — routing_solver_solve: construction, then simulated annealing over SISR ruin-and-recreate
 * steps with a local-search descent on every new best, then the result with reasons for what is left.
 *
 * The temperature falls geometrically from T0 to Tf over the budget (time, or iterations when an
 * iteration limit is set, which makes a run reproducible for a seed).  Both are scaled by the mean edge
 * of the first solution so the same settings suit minutes and kilometres.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define T_START      5.0 /* × mean edge (0.6 before: too cold for the long routes of class-2 instances) */
#define T_END        0.05
#define AVG_REMOVED  10.0
#define MAX_STRING   10
#define BLINK        0.01
#define DEFAULT_ITER 2000
#define MAX_RETRY    8 /* optional jobs left out retried per step */

void routing_solver_params_default(routing_solver_params_t *p)
{
    memset(p, 0, sizeof(*p));
    p->time_limit_ms = 1000;
    p->seed = 1;
    p->mandatory_penalty = 1e9;
    p->optional_penalty = 1e5;
}

static double clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double wall_ms(void)
{
    return clock_ms(CLOCK_MONOTONIC);
}

static double cpu_ms(void)
{
    return clock_ms(CLOCK_THREAD_CPUTIME_ID);
}

typedef struct run {
    const model_t *m;
    const routing_solver_params_t *prm;
    double t0, first_ms, first_cost, best_ms; /* on the budget's clock */
    double wall0, cpu0;
    long it;
    rng_t rng;
    sol_t cur, cand, best;
    int *removed;
} run_t;

/* The budget's clock: this thread's CPU time when params.cpu_time is set, else wall-clock time. */
static double now_ms(const run_t *rn)
{
    return rn->prm->cpu_time ? cpu_ms() : wall_ms();
}

static bool mandatory_served(const model_t *m, const sol_t *s)
{
    for (int j = 0; j < m->njobs; j++)
        if (m->jobs[j].mandatory && !routing_job_assigned(m, s, j))
            return false;
    return true;
}

static double mean_edge(const model_t *m, const sol_t *s)
{
    double travel = 0;
    int edges = 0;
    for (int v = 0; v < m->nveh; v++)
        if (s->r[v].n) {
            travel += s->r[v].dist[s->r[v].n + 1];
            edges += s->r[v].n + 1;
        }
    return edges && travel > 0 ? travel / edges : 1.0;
}

static double progress(const run_t *rn, double now)
{
    if (rn->prm->max_iterations > 0)
        return (double)rn->it / rn->prm->max_iterations;
    return (now - rn->t0) / rn->prm->time_limit_ms;
}

static bool out_of_budget(const run_t *rn, double now)
{
    if (rn->prm->max_iterations > 0 && rn->it >= rn->prm->max_iterations)
        return true;
    if (rn->prm->time_limit_ms > 0 && now - rn->t0 >= rn->prm->time_limit_ms)
        return true;
    return rn->prm->max_iterations <= 0 && rn->prm->time_limit_ms <= 0 && rn->it >= DEFAULT_ITER;
}

static void note_best(run_t *rn, const sol_t *s, double now)
{
    routing_sol_copy(&rn->best, s);
    rn->best_ms = now - rn->t0;
    if (rn->first_ms < 0 && mandatory_served(rn->m, s)) {
        rn->first_ms = rn->best_ms;
        rn->first_cost = s->cost;
    }
}

/* Jobs left out before this ruin get another chance: every mandatory one, and a few optional ones
 * (all of them would make each step cost O(left out × positions) on an overfull day). */
static int add_unassigned(run_t *rn, int n)
{
    const model_t *m = rn->m;
    int optional = 0;
    for (int j = 0; j < m->njobs; j++) {
        if (routing_job_assigned(m, &rn->cand, j))
            continue;
        bool dup = false;
        for (int i = 0; i < n && !dup; i++)
            dup = rn->removed[i] == j;
        if (dup)
            continue;
        if (m->jobs[j].mandatory || (optional < MAX_RETRY && routing_rng_unit(&rn->rng) < 0.1)) {
            optional += !m->jobs[j].mandatory;
            rn->removed[n++] = j;
        }
    }
    return n;
}

static void anneal(run_t *rn)
{
    const model_t *m = rn->m;
    double scale = mean_edge(m, &rn->cur), T0 = T_START * scale, Tf = T_END * scale;
    for (double now = now_ms(rn); !out_of_budget(rn, now); now = now_ms(rn), rn->it++) {
        double T = T0 * pow(Tf / T0, fmin(1.0, progress(rn, now)));
        routing_sol_copy_changed(&rn->cand, &rn->cur);
        int n = routing_ruin_strings(m, &rn->cand, &rn->rng, rn->removed, AVG_REMOVED, MAX_STRING);
        n = add_unassigned(rn, n);
        routing_recreate(m, &rn->cand, rn->removed, n, &rn->rng, BLINK);
        if (rn->cand.cost < rn->best.cost - 1e-9) {
            routing_local_search(m, &rn->cand, &rn->rng);
            note_best(rn, &rn->cand, now_ms(rn));
        }
        if (rn->cand.cost < rn->cur.cost - T * log(1.0 - routing_rng_unit(&rn->rng))) {
            sol_t tmp = rn->cur;
            rn->cur = rn->cand;
            rn->cand = tmp;
        }
    }
}

static int run_init(run_t *rn, const model_t *m, const routing_solver_params_t *prm)
{
    memset(rn, 0, sizeof(*rn));
    rn->m = m;
    rn->prm = prm;
    rn->wall0 = wall_ms();
    rn->cpu0 = cpu_ms();
    rn->t0 = now_ms(rn);
    rn->first_ms = -1;
    routing_rng_seed(&rn->rng, prm->seed);
    rn->removed = malloc(sizeof(int) * ((size_t)m->njobs + 1));
    if (!rn->removed || routing_sol_init(&rn->cur, m) < 0 || routing_sol_init(&rn->cand, m) < 0 ||
        routing_sol_init(&rn->best, m) < 0)
        return ROUTING_ENOMEM;
    return 0;
}

static void run_free(run_t *rn)
{
    routing_sol_free(&rn->cur);
    routing_sol_free(&rn->cand);
    routing_sol_free(&rn->best);
    free(rn->removed);
}

int routing_solver_solve(const routing_problem_t *problem, const routing_solver_params_t *params,
                         routing_result_t **result_p)
{
    if (!problem || !params || !result_p)
        return ROUTING_EINVAL;
    model_t m;
    int rc = routing_model_build(&m, problem, params);
    if (rc < 0)
        return rc;
    run_t rn;
    rc = run_init(&rn, &m, params);
    if (rc < 0)
        goto cleanup;
    rc = routing_construct(&m, &rn.cur, &rn.rng);
    if (rc < 0)
        goto cleanup;
    routing_local_search(&m, &rn.cur, &rn.rng);
    note_best(&rn, &rn.cur, now_ms(&rn));
    anneal(&rn);
    routing_sync_refresh(&m, &rn.best);
    rc = routing_result_build(&m, &rn.best, result_p);
    if (rc == 0) {
        (*result_p)->iterations = rn.it;
        (*result_p)->elapsed_ms = wall_ms() - rn.wall0;
        (*result_p)->cpu_ms = cpu_ms() - rn.cpu0;
        (*result_p)->first_feasible_ms = rn.first_ms;
        (*result_p)->first_feasible_cost = rn.first_ms >= 0 ? rn.first_cost : -1;
        (*result_p)->best_found_ms = rn.best_ms;
    }
cleanup:
    run_free(&rn);
    routing_model_free(&m);
    return rc;
}

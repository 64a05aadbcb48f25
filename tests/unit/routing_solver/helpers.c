/*
 * helpers.c — shared by the routing solver's unit tests: seeded small problems, a brute-force optimum
 * for tiny ones, and solving that always runs the independent checker.
 */
#include "helpers.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static unsigned next(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 8) & 0xffffff;
}

routing_problem_t *th_random_problem(unsigned seed, int n, int nveh, double cap, double horizon, double width)
{
    routing_problem_t *p = routing_problem_new();
    routing_problem_add_location(p, 50, 50);
    for (int k = 0; k < nveh; k++) {
        routing_staff_t s = {.shift_start = 0, .shift_end = horizon, .capacity = cap};
        routing_problem_add_staff(p, &s);
    }
    for (int i = 0; i < n; i++) {
        double x = next(&seed) % 100, y = next(&seed) % 100;
        routing_visit_t v;
        routing_visit_init(&v);
        v.location = routing_problem_add_location(p, x, y);
        v.duration = 5 + next(&seed) % 10;
        v.demand = 1 + next(&seed) % 5;
        if (width > 0) {
            double d = hypot(x - 50, y - 50);
            double lo = d + (next(&seed) % (int)fmax(1, horizon - 2 * d - width - 20));
            v.n_windows = 1;
            v.windows[0] = (routing_window_t){lo, lo + width};
        }
        routing_problem_add_visit(p, &v);
    }
    return p;
}

void th_day_open(th_day_t *d, routing_problem_t *p)
{
    routing_solver_params_t prm;
    routing_solver_params_default(&prm);
    d->p = p;
    assert_int_equal(routing_model_build(&d->m, p, &prm), 0);
    assert_int_equal(routing_sol_init(&d->s, &d->m), 0);
}

void th_day_close(th_day_t *d)
{
    routing_sol_free(&d->s);
    routing_model_free(&d->m);
    routing_problem_destroy(&d->p);
}

void th_assert_plan_checked(const routing_problem_t *p, const model_t *m, sol_t *s)
{
    routing_result_t *res = NULL;
    assert_int_equal(routing_result_build(m, s, &res), 0);
    char err[256];
    int rc = routing_solver_check(p, res, err, sizeof(err));
    routing_result_destroy(&res);
    if (rc)
        fail_msg("checker: %s", err);
}

routing_result_t *th_solve_checked(const routing_problem_t *p, long iterations, unsigned long long seed)
{
    routing_solver_params_t prm;
    routing_solver_params_default(&prm);
    prm.time_limit_ms = 0;
    prm.max_iterations = iterations;
    prm.seed = seed;
    routing_result_t *res = NULL;
    assert_int_equal(routing_solver_solve(p, &prm, &res), 0);
    char err[256];
    int rc = routing_solver_check(p, res, err, sizeof(err));
    if (rc)
        fprintf(stderr, "checker: %s\n", err);
    assert_int_equal(rc, 0);
    return res;
}

/* Travel of one route over visits order[0..n) (visit index = location - 1); INFINITY if infeasible. */
static double route_eval(const routing_problem_t *p, const int *order, int n)
{
    const routing_staff_t *s = routing_problem_staff(p, 0);
    double t = s->shift_start, travel = 0, load = 0;
    int loc = s->start_location;
    for (int i = 0; i < n; i++) {
        const routing_visit_t *v = routing_problem_visit(p, order[i]);
        double leg = routing_problem_travel(p, loc, v->location);
        travel += leg;
        t += leg;
        if (v->n_windows) {
            if (t > v->windows[0].end)
                return INFINITY;
            t = fmax(t, v->windows[0].start);
        }
        t += v->duration;
        load += v->demand;
        loc = v->location;
    }
    travel += routing_problem_travel(p, loc, s->end_location);
    t += routing_problem_travel(p, loc, s->end_location);
    if (t > s->shift_end + 1e-9 || (s->capacity > 0 && load > s->capacity + 1e-9))
        return INFINITY;
    return n ? travel : 0;
}

/* Every assignment of visits to routes (label per visit), then the best order inside each route. */
static double best_order(const routing_problem_t *p, int *set, int n, int k)
{
    if (k == n)
        return route_eval(p, set, n);
    double best = INFINITY;
    for (int i = k; i < n; i++) {
        int t = set[k];
        set[k] = set[i];
        set[i] = t;
        best = fmin(best, best_order(p, set, n, k + 1));
        set[i] = set[k];
        set[k] = t;
    }
    return best;
}

double th_brute_force(const routing_problem_t *p)
{
    int n = routing_problem_visit_count(p), m = routing_problem_staff_count(p);
    long combos = 1;
    for (int i = 0; i < n; i++)
        combos *= m;
    double best = INFINITY;
    for (long c = 0; c < combos; c++) {
        double total = 0;
        long x = c;
        int label[16];
        for (int i = 0; i < n; i++, x /= m)
            label[i] = (int)(x % m);
        for (int r = 0; r < m && isfinite(total); r++) {
            int set[16], k = 0;
            for (int i = 0; i < n; i++)
                if (label[i] == r)
                    set[k++] = i;
            total += best_order(p, set, k, 0);
        }
        best = fmin(best, total);
    }
    return best;
}

const char *th_solomon_path(const char *name, char *buf, size_t len)
{
    const char *dir = getenv("SOLOMON_DIR");
    snprintf(buf, len, "%s/instances/%s.txt", dir ? dir : "../shared/data/solomon", name);
    return access(buf, R_OK) == 0 ? buf : NULL;
}

/* helpers.h — small problems and checked solving for the routing solver's unit tests. */
#ifndef ROUTING_SOLVER_TEST_HELPERS_H
#define ROUTING_SOLVER_TEST_HELPERS_H

#include "internal.h"
#include "solver.h"

/* A plane problem with n random customers (seeded) around a depot at (50, 50), nveh vehicles of
 * capacity cap (0 = unlimited), horizon [0, horizon], windows of width `width` (0 = none). */
routing_problem_t *th_random_problem(unsigned seed, int n, int nveh, double cap, double horizon,
                                     double width);
/* Solves with an iteration limit and asserts (cmocka) that the checker accepts the result. */
routing_result_t *th_solve_checked(const routing_problem_t *p, long iterations, unsigned long long seed);
/* Brute-force optimum travel of a problem with identical vehicles (n <= 8, nveh <= 3); INFINITY if none. */
double th_brute_force(const routing_problem_t *p);
/* Path to a Solomon instance under $SOLOMON_DIR (default ../shared/data/solomon); NULL when absent. */
const char *th_solomon_path(const char *name, char *buf, size_t len);

/* A problem compiled with the default parameters, and an empty solution of it (cmocka asserts both). */
typedef struct th_day {
    routing_problem_t *p;
    model_t m;
    sol_t s;
} th_day_t;
void th_day_open(th_day_t *d, routing_problem_t *p);
void th_day_close(th_day_t *d); /* frees all three */
/* Builds the result of solution s and asserts that the independent checker accepts it. */
void th_assert_plan_checked(const routing_problem_t *p, const model_t *m, sol_t *s);

/* Fails the test unless |a - b| <= eps (cmocka's assert_float_equal works in float). */
#define th_assert_near(a, b, eps)                                                                            \
    do {                                                                                                     \
        double a_ = (a), b_ = (b);                                                                           \
        if (!(fabs(a_ - b_) <= (eps)))                                                                       \
            fail_msg("%s = %.9f, expected %.9f", #a, a_, b_);                                                \
    } while (0)

#endif

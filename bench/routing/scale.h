/* scale.h — the generated hub-district case for bench-routing and the tests (scale.c). */
#ifndef ROUTING_BENCH_SCALE_H
#define ROUTING_BENCH_SCALE_H

#include <stdint.h>

#include "solver.h"

/* 1,000 visits, 60 staff in 4 roles at 7 dong centres, 10% joint visits, time windows, lunch breaks;
 * the same problem for the same seed.  Caller owns the result.  NULL when out of memory. */
routing_problem_t *scale_generate(unsigned long long seed);
/* The same shape at another size (tests use small ones). */
routing_problem_t *scale_generate_n(unsigned long long seed, int visits, int staff);

/* The generators' random stream (splitmix64): a uniform number in [0, 1), advancing *state. */
double scale_rng_unit(uint64_t *state);

#endif

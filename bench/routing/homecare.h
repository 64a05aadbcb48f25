/* homecare.h — the generated home-care days with double visits for bench-routing (homecare.c). */
#ifndef ROUTING_BENCH_HOMECARE_H
#define ROUTING_BENCH_HOMECARE_H

#include "solver.h"

/* A home-care day in the shape of Mankowska et al. (2014)'s HHCRSP instances: `patients` households,
 * one caregiver per ten, six skills, soft windows, 7.5% synchronized and 7.5% sequential double
 * visits.  The same problem for the same seed.  Caller owns the result.  NULL when out of memory. */
routing_problem_t *homecare_generate(unsigned long long seed, int patients);

#endif

/*
 * local_search.c — placeholder descent (filled in below).
 */
#include "internal.h"

bool local_search(const model_t *m, sol_t *s, rng_t *rng)
{
    (void)m;
    (void)s;
    (void)rng;
    return false;
}

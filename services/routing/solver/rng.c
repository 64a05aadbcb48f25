/*
 * rng.c — xoshiro256** seeded by splitmix64: fast, and the same sequence on every platform, which is
 * what makes a run with a seed and an iteration limit reproducible.
 */
#include "internal.h"

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void routing_rng_seed(rng_t *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t routing_rng_next(rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double routing_rng_unit(rng_t *r)
{
    return (double)(routing_rng_next(r) >> 11) * 0x1.0p-53;
}

int routing_rng_int(rng_t *r, int n)
{
    return n <= 1 ? 0 : (int)((routing_rng_next(r) >> 33) % (uint64_t)n);
}

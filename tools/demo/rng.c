/*
 * rng.c — the demo's deterministic randomness: SplitMix64, seeded per (seed, stream) so each part
 * of the district (households, staff, resources…) draws from its own sequence and adding a draw to
 * one part does not reshuffle the others.
 */
#include <stdio.h>
#include <string.h>

#include "demo.h"

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void demo_rng_seed(demo_rng *r, uint64_t seed, uint64_t stream)
{
    r->s = mix(seed ^ mix(stream + 0x9e3779b97f4a7c15ULL));
}

uint64_t demo_rng_next(demo_rng *r)
{
    r->s += 0x9e3779b97f4a7c15ULL;
    return mix(r->s);
}

int64_t demo_rng_range(demo_rng *r, int64_t lo, int64_t hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int64_t)(demo_rng_next(r) % (uint64_t)(hi - lo + 1));
}

bool demo_rng_chance(demo_rng *r, int percent)
{
    return (int)(demo_rng_next(r) % 100) < percent;
}

double demo_rng_unit(demo_rng *r)
{
    return (double)(demo_rng_next(r) >> 11) / 9007199254740992.0;
}

size_t demo_rng_weighted(demo_rng *r, const int *weights, size_t n, size_t stride)
{
    const char *p = (const char *)weights;
    int64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += *(const int *)(p + i * stride);
    int64_t x = demo_rng_range(r, 0, total - 1);
    for (size_t i = 0; i < n; i++) {
        x -= *(const int *)(p + i * stride);
        if (x < 0)
            return i;
    }
    return n - 1;
}

void demo_message_id(uint64_t seed, const char *step, uint64_t n, char out[37])
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a of the step name */
    for (const char *s = step; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    uint64_t a = mix(seed ^ mix(h ^ mix(n))), b = mix(a ^ 0x5851f42d4c957f2dULL);
    a = (a & ~0xf000ULL) | 0x4000ULL;                        /* version 4 */
    b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL; /* RFC 4122 variant */
    snprintf(out, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a >> 32), (unsigned)((a >> 16) & 0xffff),
             (unsigned)(a & 0xffff), (unsigned)(b >> 48), (unsigned long long)(b & 0xffffffffffffULL));
}

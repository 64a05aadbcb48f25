/*
 * homecare.c — a seeded generator of home-care days with double visits, in the shape of the HHCRSP
 * instances of Mankowska, Meisel & Bierwirth (2014, "The home health care routing and scheduling
 * problem with interdependent services"), whose files are not reachable from here:
 *   - a 100 × 100 plane, the depot at its centre, patients uniformly placed; travel = Euclidean
 *     distance in minutes;
 *   - one caregiver per ten patients, shift [0, 720], each holding each of six skills with
 *     probability 1/2 (at least one; every skill held by at least two people, so a double visit of
 *     two skills can always get two distinct people);
 *   - every patient has one window [a, a + 120] for a in [0, 480], durations 15–30 minutes; windows
 *     are soft: 1 per minute late, at most 120 minutes late;
 *   - 85% single visits (one skill), 7.5% synchronized double visits (two distinct skills, both
 *     starting together), 7.5% sequential double visits (two skills, the second starting δmin..δmax
 *     after the first: δmin in [0, 30], δmax = δmin + [30, 60]);
 *   - every visit mandatory.  The objective is travel + lateness (the paper also weighs the largest
 *     lateness, which this model does not price).
 */
#include "homecare.h"

#include <stdint.h>
#include <stdio.h>

#include "scale.h"

#define SKILLS       6
#define HORIZON      720
#define WINDOW       120
#define MAX_LATENESS 120

static void add_caregivers(routing_problem_t *p, uint64_t *s, int n, int depot)
{
    uint32_t held[n];
    for (int i = 0; i < n; i++) {
        held[i] = 0;
        while (!held[i])
            for (int k = 0; k < SKILLS; k++)
                held[i] |= scale_rng_unit(s) < 0.5 ? 1u << k : 0;
    }
    for (int k = 0; k < SKILLS; k++) { /* every skill held by two people at least */
        held[(2 * k) % n] |= 1u << k;
        held[(2 * k + 1) % n] |= 1u << k;
    }
    for (int i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof(id), "caregiver-%d", i + 1);
        routing_staff_t st = {.id = id,
                              .skills = held[i],
                              .shift_end = HORIZON,
                              .start_location = depot,
                              .end_location = depot};
        routing_problem_add_staff(p, &st);
    }
}

static int other_skill(uint64_t *s, int k)
{
    return (k + 1 + (int)(scale_rng_unit(s) * (SKILLS - 1))) % SKILLS;
}

static int add_patient(routing_problem_t *p, uint64_t *s, int i)
{
    char id[32];
    snprintf(id, sizeof(id), "patient-%d", i + 1);
    routing_visit_t v;
    routing_visit_init(&v);
    v.id = id;
    v.location = routing_problem_add_location(p, 100 * scale_rng_unit(s), 100 * scale_rng_unit(s));
    v.duration = 15 + (int)(16 * scale_rng_unit(s));
    double a = (int)(481 * scale_rng_unit(s));
    v.n_windows = 1;
    v.windows[0] = (routing_window_t){a, a + WINDOW};
    v.lateness_cost = 1;
    v.max_lateness = MAX_LATENESS;
    int k = (int)(SKILLS * scale_rng_unit(s));
    v.parts[0] = (routing_part_t){ROUTING_ANY_ROLE, 1u << k};
    double kind = scale_rng_unit(s);
    if (kind >= 0.85) {
        v.n_parts = 2;
        v.parts[1] = (routing_part_t){ROUTING_ANY_ROLE, 1u << other_skill(s, k)};
        if (kind >= 0.925) {
            v.sequential = true;
            v.min_delay = (int)(31 * scale_rng_unit(s));
            v.max_delay = v.min_delay + 30 + (int)(31 * scale_rng_unit(s));
        }
    }
    return routing_problem_add_visit(p, &v);
}

routing_problem_t *homecare_generate(unsigned long long seed, int patients)
{
    routing_problem_t *p = routing_problem_new();
    if (!p || patients < 1)
        return p;
    uint64_t s = seed * 0x2545f4914f6cdd1dULL + 7;
    routing_problem_set_travel_model(p, ROUTING_COORDS_PLANE, 1.0, 1.0);
    int depot = routing_problem_add_location(p, 50, 50);
    add_caregivers(p, &s, patients / 10 > 2 ? patients / 10 : 2, depot);
    for (int i = 0; i < patients; i++)
        if (add_patient(p, &s, i) < 0) {
            routing_problem_destroy(&p);
            return NULL;
        }
    return p;
}

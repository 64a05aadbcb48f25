/*
 * scale.c — a seeded generator for a district-sized day: 7 dong centres in a 10 km × 8 km plane,
 * staff of 4 roles (welfare official, visiting nurse, case manager, vocational counsellor) working
 * 09:00–18:00 from their centre with a 30-minute lunch break in 12:00–13:30, households around the
 * centres; visits of 15–35 minutes, most with a window (2–3 hours, some with a morning and an
 * afternoon window), 10% joint (two roles, same start ±5 minutes), 30% optional.  Travel: Euclidean
 * km × 1.3 detour at 25 km/h, in minutes.
 */
#include "scale.h"

#include <stdint.h>
#include <stdio.h>

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double unit(uint64_t *s)
{
    return (double)(next(s) >> 11) * 0x1.0p-53;
}

double scale_rng_unit(uint64_t *state)
{
    return unit(state);
}

static int pick(uint64_t *s, int n)
{
    return (int)(unit(s) * n);
}

static void add_staff(routing_problem_t *p, uint64_t *s, int n, const int *hubs, int nhubs)
{
    for (int i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof(id), "staff-%d", i + 1);
        int hub = hubs[i % nhubs];
        routing_staff_t st = {.id = id,
                              .role = i % 4,
                              .skills = (i % 4 == 1) ? 1u : 0u,
                              .shift_start = 540,
                              .shift_end = 1080,
                              .start_location = hub,
                              .end_location = hub};
        int ix = routing_problem_add_staff(p, &st);
        routing_break_t b = {.staff = ix, .location = hub, .duration = 30, .window = {720, 810}};
        routing_problem_add_break(p, &b);
        (void)s;
    }
}

static void set_windows(routing_visit_t *v, uint64_t *s)
{
    double u = unit(s);
    if (u < 0.2) {
        v->n_windows = 0;
    } else if (u < 0.4) {
        v->n_windows = 2;
        v->windows[0] = (routing_window_t){540 + 30 * pick(s, 3), 720};
        v->windows[1] = (routing_window_t){810, 960 + 30 * pick(s, 3)};
    } else {
        double start = 540 + 30 * pick(s, 13), len = 120 + 60 * pick(s, 2);
        v->n_windows = 1;
        v->windows[0] = (routing_window_t){start, start + len > 1020 ? 1020 : start + len};
    }
}

static void add_visits(routing_problem_t *p, uint64_t *s, int n, const double *hx, const double *hy,
                       int nhubs)
{
    for (int i = 0; i < n; i++) {
        int h = pick(s, nhubs);
        int loc =
            routing_problem_add_location(p, hx[h] + (unit(s) - 0.5) * 3.0, hy[h] + (unit(s) - 0.5) * 3.0);
        char id[32];
        snprintf(id, sizeof(id), "visit-%d", i + 1);
        routing_visit_t v;
        routing_visit_init(&v);
        v.id = id;
        v.location = loc;
        v.duration = 15 + 5 * pick(s, 5);
        v.priority = pick(s, 4);
        v.optional = unit(s) < 0.3;
        v.days_waited = pick(s, 10);
        v.demand = 1;
        set_windows(&v, s);
        if (i % 10 == 0) { /* joint: two different roles */
            int r = pick(s, 4);
            v.n_parts = 2;
            v.parts[0] = (routing_part_t){r, 0};
            v.parts[1] = (routing_part_t){(r + 1 + pick(s, 3)) % 4, 0};
            v.sync_tolerance = 5;
            v.duration += 15;
        } else if (unit(s) < 0.8) {
            v.parts[0].role = pick(s, 4);
            v.parts[0].skills = v.parts[0].role == 1 && unit(s) < 0.5 ? 1u : 0u;
        }
        routing_problem_add_visit(p, &v);
    }
}

routing_problem_t *scale_generate_n(unsigned long long seed, int visits, int staff)
{
    uint64_t s = seed * 7919 + 17;
    routing_problem_t *p = routing_problem_new();
    if (!p)
        return NULL;
    routing_problem_set_travel_model(p, ROUTING_COORDS_PLANE, 1.3, 25.0 / 60.0);
    double hx[7], hy[7];
    int hubs[7];
    for (int h = 0; h < 7; h++) {
        hx[h] = 1.5 + unit(&s) * 7.0;
        hy[h] = 1.5 + unit(&s) * 5.0;
        hubs[h] = routing_problem_add_location(p, hx[h], hy[h]);
    }
    add_staff(p, &s, staff, hubs, 7);
    add_visits(p, &s, visits, hx, hy, 7);
    return p;
}

routing_problem_t *scale_generate(unsigned long long seed)
{
    return scale_generate_n(seed, 1000, 60);
}

/*
 * problem.c — the problem builder: a growing copy of what the caller describes, and the travel model.
 *
 * Nothing here is clever; the solver compiles this into its own dense model (model.c), and the checker
 * reads it directly, so both see the same facts through different code.
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int grow(void **arr, int *cap, int need, size_t elem)
{
    if (need <= *cap)
        return 0;
    int ncap = *cap ? *cap * 2 : 16;
    while (ncap < need)
        ncap *= 2;
    void *p = realloc(*arr, (size_t)ncap * elem);
    if (!p)
        return ROUTING_ENOMEM;
    *arr = p;
    *cap = ncap;
    return 0;
}

static char *dup_id(const char *id)
{
    return id ? strdup(id) : NULL;
}

routing_problem_t *routing_problem_new(void)
{
    routing_problem_t *self = calloc(1, sizeof(*self));
    if (!self)
        return NULL;
    self->coords = ROUTING_COORDS_PLANE;
    self->detour = 1.0;
    self->speed = 1.0;
    return self;
}

void routing_problem_destroy(routing_problem_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    routing_problem_t *self = *self_p;
    for (int i = 0; i < self->n_staff; i++)
        free((char *)self->staff[i].id);
    for (int i = 0; i < self->n_visits; i++)
        free((char *)self->visits[i].id);
    free(self->loc_a);
    free(self->loc_b);
    free(self->staff);
    free(self->visits);
    free(self->breaks);
    free(self->matrix);
    free(self);
    *self_p = NULL;
}

int routing_problem_set_travel_model(routing_problem_t *self, routing_coords_t coords, double detour,
                                     double speed)
{
    if (!self || (coords != ROUTING_COORDS_LATLON && coords != ROUTING_COORDS_PLANE) || !(detour > 0) ||
        !(speed > 0))
        return ROUTING_EINVAL;
    self->coords = coords;
    self->detour = detour;
    self->speed = speed;
    return 0;
}

int routing_problem_set_matrix(routing_problem_t *self, int n, const double *times)
{
    if (!self || !times || n <= 0)
        return ROUTING_EINVAL;
    for (long i = 0; i < (long)n * n; i++)
        if (!(times[i] >= 0) || !isfinite(times[i]))
            return ROUTING_EINVAL;
    double *m = malloc((size_t)n * n * sizeof(*m));
    if (!m)
        return ROUTING_ENOMEM;
    memcpy(m, times, (size_t)n * n * sizeof(*m));
    free(self->matrix);
    self->matrix = m;
    self->matrix_n = n;
    return 0;
}

int routing_problem_add_location(routing_problem_t *self, double a, double b)
{
    if (!self || !isfinite(a) || !isfinite(b))
        return ROUTING_EINVAL;
    int cap = self->loc_cap;
    if (grow((void **)&self->loc_a, &cap, self->n_locs + 1, sizeof(double)) < 0)
        return ROUTING_ENOMEM;
    if (grow((void **)&self->loc_b, &self->loc_cap, self->n_locs + 1, sizeof(double)) < 0)
        return ROUTING_ENOMEM;
    self->loc_a[self->n_locs] = a;
    self->loc_b[self->n_locs] = b;
    return self->n_locs++;
}

static bool valid_location(const routing_problem_t *self, int loc)
{
    return loc >= 0 && loc < self->n_locs;
}

int routing_problem_add_staff(routing_problem_t *self, const routing_staff_t *s)
{
    if (!self || !s || s->role < 0 || s->role >= ROUTING_MAX_ROLES ||
        !valid_location(self, s->start_location) || !valid_location(self, s->end_location) ||
        !(s->shift_start <= s->shift_end) || !isfinite(s->shift_start) || !isfinite(s->shift_end) ||
        isnan(s->capacity))
        return ROUTING_EINVAL;
    if (grow((void **)&self->staff, &self->staff_cap, self->n_staff + 1, sizeof(*s)) < 0)
        return ROUTING_ENOMEM;
    routing_staff_t *d = &self->staff[self->n_staff];
    *d = *s;
    d->id = dup_id(s->id);
    if (s->id && !d->id)
        return ROUTING_ENOMEM;
    return self->n_staff++;
}

void routing_visit_init(routing_visit_t *v)
{
    memset(v, 0, sizeof(*v));
    v->n_parts = 1;
    v->parts[0].role = ROUTING_ANY_ROLE;
}

static bool valid_windows(int n, const routing_window_t *w)
{
    if (n < 0 || n > ROUTING_MAX_WINDOWS)
        return false;
    for (int i = 0; i < n; i++)
        if (!isfinite(w[i].start) || !isfinite(w[i].end) || w[i].start > w[i].end)
            return false;
    return true;
}

static bool valid_visit(const routing_problem_t *self, const routing_visit_t *v)
{
    if (!valid_location(self, v->location) || !(v->duration >= 0) || !isfinite(v->duration) ||
        !valid_windows(v->n_windows, v->windows) || v->n_parts < 1 || v->n_parts > ROUTING_MAX_PARTS ||
        !(v->sync_tolerance >= 0) || v->priority < 0 || v->days_waited < 0 || isnan(v->demand) ||
        isnan(v->penalty))
        return false;
    if (v->sequential && (v->n_parts < 2 || !(v->min_delay >= 0) || !(v->max_delay >= v->min_delay) ||
                          !isfinite(v->max_delay) || (v->any_order && v->n_parts != 2)))
        return false;
    if (!(v->lateness_cost >= 0) || !isfinite(v->lateness_cost) || !(v->max_lateness >= 0) ||
        !isfinite(v->max_lateness))
        return false;
    for (int k = 0; k < v->n_parts; k++)
        if (v->parts[k].role != ROUTING_ANY_ROLE &&
            (v->parts[k].role < 0 || v->parts[k].role >= ROUTING_MAX_ROLES))
            return false;
    return true;
}

int routing_problem_add_visit(routing_problem_t *self, const routing_visit_t *v)
{
    if (!self || !v || !valid_visit(self, v))
        return ROUTING_EINVAL;
    if (grow((void **)&self->visits, &self->visit_cap, self->n_visits + 1, sizeof(*v)) < 0)
        return ROUTING_ENOMEM;
    routing_visit_t *d = &self->visits[self->n_visits];
    *d = *v;
    d->id = dup_id(v->id);
    if (v->id && !d->id)
        return ROUTING_ENOMEM;
    return self->n_visits++;
}

int routing_problem_add_break(routing_problem_t *self, const routing_break_t *b)
{
    if (!self || !b || b->staff < 0 || b->staff >= self->n_staff || !valid_location(self, b->location) ||
        !(b->duration >= 0) || !valid_windows(1, &b->window))
        return ROUTING_EINVAL;
    if (grow((void **)&self->breaks, &self->break_cap, self->n_breaks + 1, sizeof(*b)) < 0)
        return ROUTING_ENOMEM;
    self->breaks[self->n_breaks] = *b;
    return self->n_breaks++;
}

int routing_problem_location_count(const routing_problem_t *self)
{
    return self->n_locs;
}

int routing_problem_staff_count(const routing_problem_t *self)
{
    return self->n_staff;
}

int routing_problem_visit_count(const routing_problem_t *self)
{
    return self->n_visits;
}

int routing_problem_break_count(const routing_problem_t *self)
{
    return self->n_breaks;
}

const routing_staff_t *routing_problem_staff(const routing_problem_t *self, int i)
{
    return i >= 0 && i < self->n_staff ? &self->staff[i] : NULL;
}

const routing_visit_t *routing_problem_visit(const routing_problem_t *self, int i)
{
    return i >= 0 && i < self->n_visits ? &self->visits[i] : NULL;
}

const routing_break_t *routing_problem_break(const routing_problem_t *self, int i)
{
    return i >= 0 && i < self->n_breaks ? &self->breaks[i] : NULL;
}

static double haversine_km(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371.0088, rad = M_PI / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double h =
        sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(fmin(1.0, sqrt(h)));
}

double routing_problem_travel(const routing_problem_t *self, int from, int to)
{
    if (self->matrix && from < self->matrix_n && to < self->matrix_n)
        return self->matrix[(size_t)from * self->matrix_n + to];
    double d;
    if (self->coords == ROUTING_COORDS_LATLON)
        d = haversine_km(self->loc_a[from], self->loc_b[from], self->loc_a[to], self->loc_b[to]);
    else
        d = hypot(self->loc_a[from] - self->loc_a[to], self->loc_b[from] - self->loc_b[to]);
    if (self->detour == 1.0 && self->speed == 1.0)
        return d;
    return d * self->detour / self->speed;
}

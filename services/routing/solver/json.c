/*
 * json.c — the day-plan format (README.md, "JSON day plan"): reads a hub's day into a problem and
 * writes the planned day.  Role and skill names are mapped to codes in order of first appearance.
 * Times are minutes after midnight, given as numbers or "HH:MM" strings.
 */
#include "internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct names {
    const char *v[ROUTING_MAX_ROLES];
    int n;
} names_t;

typedef struct reader {
    routing_problem_t *p;
    json_t *locs; /* object: location id → index */
    names_t roles, skills;
    char *err;
    size_t errlen;
} reader_t;

static int bad(reader_t *r, const char *what, const char *where)
{
    snprintf(r->err, r->errlen, "%s%s%s", what, where ? ": " : "", where ? where : "");
    return ROUTING_EFORMAT;
}

static int name_code(names_t *t, const char *s)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->v[i], s) == 0)
            return i;
    if (t->n == ROUTING_MAX_ROLES)
        return -1;
    t->v[t->n] = s;
    return t->n++;
}

static int get_time(const json_t *j, double *out)
{
    if (json_is_number(j)) {
        *out = json_number_value(j);
        return 0;
    }
    int h, m;
    char tail;
    if (json_is_string(j) && sscanf(json_string_value(j), "%d:%d%c", &h, &m, &tail) == 2 && h >= 0 &&
        m >= 0 && m < 60) {
        *out = h * 60.0 + m;
        return 0;
    }
    return -1;
}

static int get_window(const json_t *j, routing_window_t *w)
{
    if (!json_is_array(j) || json_array_size(j) != 2 || get_time(json_array_get(j, 0), &w->start) < 0 ||
        get_time(json_array_get(j, 1), &w->end) < 0 || w->start > w->end)
        return -1;
    return 0;
}

static int get_skills(reader_t *r, const json_t *j, uint32_t *out)
{
    *out = 0;
    if (!j)
        return 0;
    size_t i;
    json_t *s;
    if (!json_is_array(j))
        return -1;
    json_array_foreach(j, i, s)
    {
        int c = json_is_string(s) ? name_code(&r->skills, json_string_value(s)) : -1;
        if (c < 0)
            return -1;
        *out |= 1u << c;
    }
    return 0;
}

static int location_of(reader_t *r, const json_t *j)
{
    json_t *ix = json_is_string(j) ? json_object_get(r->locs, json_string_value(j)) : NULL;
    return ix ? (int)json_integer_value(ix) : -1;
}

static int read_travel(reader_t *r, const json_t *t)
{
    if (!t)
        return routing_problem_set_travel_model(r->p, ROUTING_COORDS_LATLON, 1.3, 25.0 / 60.0);
    const char *c = json_string_value(json_object_get(t, "coordinates"));
    bool plane = c && strcmp(c, "plane") == 0;
    json_t *det = json_object_get(t, "detour"), *kmh = json_object_get(t, "speed_kmh"),
           *sp = json_object_get(t, "speed");
    double detour = det ? json_number_value(det) : 1.3;
    double speed = plane ? (sp ? json_number_value(sp) : 1.0) : (kmh ? json_number_value(kmh) : 25.0) / 60.0;
    if (c && !plane && strcmp(c, "latlon") != 0)
        return bad(r, "travel.coordinates must be \"latlon\" or \"plane\"", NULL);
    if (routing_problem_set_travel_model(r->p, plane ? ROUTING_COORDS_PLANE : ROUTING_COORDS_LATLON, detour,
                                         speed) < 0)
        return bad(r, "travel.detour and speed must be positive", NULL);
    return 0;
}

static int read_matrix(reader_t *r, const json_t *m)
{
    if (!m)
        return 0;
    int n = r->p->n_locs;
    if (!json_is_array(m) || (int)json_array_size(m) != n)
        return bad(r, "travel.matrix must be locations × locations", NULL);
    double *buf = malloc(sizeof(double) * (size_t)n * n + 1);
    if (!buf)
        return ROUTING_ENOMEM;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        json_t *row = json_array_get(m, (size_t)i);
        if (!json_is_array(row) || (int)json_array_size(row) != n)
            rc = bad(r, "travel.matrix must be locations × locations", NULL);
        for (int k = 0; k < n && rc == 0; k++)
            buf[(size_t)i * n + k] = json_number_value(json_array_get(row, (size_t)k));
    }
    if (rc == 0 && routing_problem_set_matrix(r->p, n, buf) < 0)
        rc = bad(r, "travel.matrix holds a negative or non-number entry", NULL);
    free(buf);
    return rc;
}

static int read_locations(reader_t *r, const json_t *a)
{
    size_t i;
    json_t *l;
    if (!json_is_array(a))
        return bad(r, "locations must be an array", NULL);
    json_array_foreach(a, i, l)
    {
        const char *id = json_string_value(json_object_get(l, "id"));
        json_t *x = json_object_get(l, "lat") ? json_object_get(l, "lat") : json_object_get(l, "x");
        json_t *y = json_object_get(l, "lon") ? json_object_get(l, "lon") : json_object_get(l, "y");
        if (!id || !json_is_number(x) || !json_is_number(y))
            return bad(r, "location needs id and lat/lon (or x/y)", id);
        int ix = routing_problem_add_location(r->p, json_number_value(x), json_number_value(y));
        if (ix < 0 || json_object_get(r->locs, id) || json_object_set_new(r->locs, id, json_integer(ix)) < 0)
            return bad(r, "bad or duplicate location", id);
    }
    return 0;
}

static int read_breaks(reader_t *r, int staff, const json_t *a, int home)
{
    size_t i;
    json_t *b;
    json_array_foreach(a, i, b)
    {
        routing_break_t br = {.staff = staff, .location = home};
        json_t *loc = json_object_get(b, "location");
        if (loc)
            br.location = location_of(r, loc);
        br.duration = json_number_value(json_object_get(b, "duration"));
        if (get_window(json_object_get(b, "window"), &br.window) < 0 ||
            routing_problem_add_break(r->p, &br) < 0)
            return bad(r, "break needs window [start, end], duration and a known location", NULL);
    }
    return 0;
}

static int read_staff(reader_t *r, const json_t *a)
{
    size_t i;
    json_t *s;
    if (!json_is_array(a))
        return bad(r, "staff must be an array", NULL);
    json_array_foreach(a, i, s)
    {
        routing_staff_t st = {.id = json_string_value(json_object_get(s, "id"))};
        const char *role = json_string_value(json_object_get(s, "role"));
        routing_window_t shift;
        st.role = role ? name_code(&r->roles, role) : -1;
        st.start_location = location_of(r, json_object_get(s, "start"));
        json_t *end = json_object_get(s, "end");
        st.end_location = end ? location_of(r, end) : st.start_location;
        st.capacity = json_number_value(json_object_get(s, "capacity"));
        if (!st.id || st.role < 0 || get_window(json_object_get(s, "shift"), &shift) < 0 ||
            get_skills(r, json_object_get(s, "skills"), &st.skills) < 0)
            return bad(r, "staff needs id, role, shift [start, end], start location; skills a list", st.id);
        st.shift_start = shift.start;
        st.shift_end = shift.end;
        int ix = routing_problem_add_staff(r->p, &st);
        if (ix < 0)
            return bad(r, "staff has an unknown location or an empty shift", st.id);
        json_t *br = json_object_get(s, "breaks");
        if (br && (!json_is_array(br) || read_breaks(r, ix, br, st.start_location) < 0))
            return bad(r, "bad breaks", st.id);
    }
    return 0;
}

static int read_part(reader_t *r, const json_t *j, routing_part_t *pt)
{
    const char *role = json_string_value(json_object_get(j, "role"));
    pt->role = !role || strcmp(role, "any") == 0 ? ROUTING_ANY_ROLE : name_code(&r->roles, role);
    return role && pt->role < 0 && strcmp(role, "any")
               ? -1
               : get_skills(r, json_object_get(j, "skills"), &pt->skills);
}

static int read_visit_parts(reader_t *r, const json_t *j, routing_visit_t *v)
{
    json_t *parts = json_object_get(j, "parts");
    if (!parts)
        return read_part(r, j, &v->parts[0]);
    if (!json_is_array(parts) || json_array_size(parts) < 1 || json_array_size(parts) > ROUTING_MAX_PARTS)
        return -1;
    v->n_parts = (int)json_array_size(parts);
    for (int k = 0; k < v->n_parts; k++)
        if (read_part(r, json_array_get(parts, (size_t)k), &v->parts[k]) < 0)
            return -1;
    return 0;
}

static int read_visit(reader_t *r, const json_t *j)
{
    routing_visit_t v;
    routing_visit_init(&v);
    v.id = json_string_value(json_object_get(j, "id"));
    v.location = location_of(r, json_object_get(j, "location"));
    v.duration = json_number_value(json_object_get(j, "duration"));
    v.sync_tolerance = json_number_value(json_object_get(j, "sync_tolerance"));
    v.demand = json_object_get(j, "demand") ? json_number_value(json_object_get(j, "demand")) : 1.0;
    v.priority = (int)json_integer_value(json_object_get(j, "priority"));
    v.optional = json_is_true(json_object_get(j, "optional"));
    v.days_waited = (int)json_integer_value(json_object_get(j, "days_waited"));
    v.penalty = json_number_value(json_object_get(j, "penalty"));
    v.lateness_cost = json_number_value(json_object_get(j, "lateness_cost"));
    v.max_lateness = json_number_value(json_object_get(j, "max_lateness"));
    json_t *seq = json_object_get(j, "sequence");
    if (seq && !json_is_object(seq))
        return bad(r, "visit sequence must be an object {min_delay, max_delay, any_order}", v.id);
    if (seq) {
        v.sequential = true;
        v.min_delay = json_number_value(json_object_get(seq, "min_delay"));
        v.max_delay = json_number_value(json_object_get(seq, "max_delay"));
        v.any_order = json_is_true(json_object_get(seq, "any_order"));
    }
    json_t *ws = json_object_get(j, "windows");
    if (ws && (!json_is_array(ws) || json_array_size(ws) > ROUTING_MAX_WINDOWS))
        return bad(r, "visit windows must be a list of at most 8 [start, end]", v.id);
    for (size_t i = 0; ws && i < json_array_size(ws); i++)
        if (get_window(json_array_get(ws, i), &v.windows[v.n_windows++]) < 0)
            return bad(r, "bad visit window", v.id);
    if (!v.id || read_visit_parts(r, j, &v) < 0 || routing_problem_add_visit(r->p, &v) < 0)
        return bad(r,
                   "visit needs id, a known location, duration >= 0, valid parts/roles (a sequence: two or "
                   "more parts, 0 <= min_delay <= max_delay, any_order for two; lateness_cost and "
                   "max_lateness >= 0)",
                   v.id);
    return 0;
}

static void read_solver(const json_t *s, routing_solver_params_t *prm)
{
    json_t *x;
    if ((x = json_object_get(s, "time_ms")))
        prm->time_limit_ms = json_number_value(x);
    if ((x = json_object_get(s, "iterations")))
        prm->max_iterations = (long)json_integer_value(x);
    if ((x = json_object_get(s, "seed")))
        prm->seed = (uint64_t)json_integer_value(x);
    if ((x = json_object_get(s, "balance_weight")))
        prm->balance_weight = json_number_value(x);
    if ((x = json_object_get(s, "optional_penalty")))
        prm->optional_penalty = json_number_value(x);
    if ((x = json_object_get(s, "cpu_time")))
        prm->cpu_time = json_is_true(x);
}

static int read_all(reader_t *r, const json_t *root, routing_solver_params_t *prm)
{
    int rc;
    size_t i;
    json_t *v, *travel = json_object_get(root, "travel");
    if (!json_is_object(root))
        return bad(r, "the day plan must be a JSON object", NULL);
    if ((rc = read_locations(r, json_object_get(root, "locations"))) < 0 ||
        (rc = read_travel(r, travel)) < 0 ||
        (rc = read_matrix(r, travel ? json_object_get(travel, "matrix") : NULL)) < 0)
        return rc;
    json_t *roles = json_object_get(root, "roles");
    json_array_foreach(roles, i, v) if (!json_is_string(v) ||
                                        name_code(&r->roles, json_string_value(v)) <
                                            0) return bad(r, "roles must be at most 32 names", NULL);
    if ((rc = read_staff(r, json_object_get(root, "staff"))) < 0)
        return rc;
    json_t *visits = json_object_get(root, "visits");
    if (!json_is_array(visits))
        return bad(r, "visits must be an array", NULL);
    json_array_foreach(visits, i, v) if ((rc = read_visit(r, v)) < 0) return rc;
    read_solver(json_object_get(root, "solver"), prm);
    return 0;
}

int routing_json_read(const char *text, routing_problem_t **problem_p, routing_solver_params_t *params,
                      char *err, size_t errlen)
{
    char dummy[4];
    if (!err || !errlen) {
        err = dummy;
        errlen = sizeof(dummy);
    }
    if (!text || !problem_p || !params)
        return ROUTING_EINVAL;
    json_error_t je;
    json_t *root = json_loads(text, 0, &je);
    if (!root) {
        snprintf(err, errlen, "invalid JSON at line %d: %s", je.line, je.text);
        return ROUTING_EFORMAT;
    }
    reader_t r = {routing_problem_new(), json_object(), {{0}, 0}, {{0}, 0}, err, errlen};
    int rc = r.p && r.locs ? read_all(&r, root, params) : ROUTING_ENOMEM;
    json_decref(r.locs);
    json_decref(root); /* names in r.roles/r.skills pointed into root: not used after this */
    if (rc < 0)
        routing_problem_destroy(&r.p);
    *problem_p = r.p;
    return rc;
}

/* --- writing ---------------------------------------------------------------------------------- */

static json_t *stop_json(const routing_problem_t *p, const routing_stop_t *st)
{
    json_t *o = json_object();
    if (st->kind == ROUTING_STOP_BREAK) {
        json_object_set_new(o, "type", json_string("break"));
        json_object_set_new(o, "break", json_integer(st->index));
    } else {
        json_object_set_new(o, "type", json_string("visit"));
        json_object_set_new(o, "visit", json_string(p->visits[st->index].id ? p->visits[st->index].id : ""));
        json_object_set_new(o, "part", json_integer(st->part));
    }
    json_object_set_new(o, "arrival", json_real(st->arrival));
    json_object_set_new(o, "start", json_real(st->start));
    json_object_set_new(o, "end", json_real(st->end));
    if (st->lateness > 0)
        json_object_set_new(o, "lateness", json_real(st->lateness));
    return o;
}

static json_t *route_json(const routing_problem_t *p, const routing_route_t *r)
{
    json_t *o = json_object(), *stops = json_array();
    const char *id = p->staff[r->staff].id;
    json_object_set_new(o, "staff", json_string(id ? id : ""));
    json_object_set_new(o, "depart", json_real(r->depart));
    json_object_set_new(o, "arrive", json_real(r->arrive));
    json_object_set_new(o, "travel", json_real(r->travel));
    json_object_set_new(o, "work", json_real(r->work));
    for (int i = 0; i < r->n_stops; i++)
        json_array_append_new(stops, stop_json(p, &r->stops[i]));
    json_object_set_new(o, "stops", stops);
    return o;
}

char *routing_json_write(const routing_problem_t *p, const routing_result_t *res)
{
    json_t *o = json_object(), *routes = json_array(), *un = json_array();
    if (!o || !routes || !un)
        return NULL;
    json_object_set_new(o, "cost", json_real(res->cost));
    json_object_set_new(o, "travel", json_real(res->travel));
    json_object_set_new(o, "penalty", json_real(res->penalty));
    json_object_set_new(o, "lateness_cost", json_real(res->lateness_cost));
    json_object_set_new(o, "iterations", json_integer(res->iterations));
    json_object_set_new(o, "elapsed_ms", json_real(res->elapsed_ms));
    json_object_set_new(o, "cpu_ms", json_real(res->cpu_ms));
    json_object_set_new(o, "first_feasible_ms", json_real(res->first_feasible_ms));
    for (int i = 0; i < res->n_routes; i++)
        json_array_append_new(routes, route_json(p, &res->routes[i]));
    for (int i = 0; i < res->n_unassigned; i++) {
        const routing_visit_t *v = &p->visits[res->unassigned[i].visit];
        json_array_append_new(un, json_pack("{s:s, s:s}", "visit", v->id ? v->id : "", "reason",
                                            routing_reason_name(res->unassigned[i].reason)));
    }
    json_object_set_new(o, "routes", routes);
    json_object_set_new(o, "unassigned", un);
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    json_decref(o);
    return text;
}

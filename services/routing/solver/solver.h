/*
 * solver.h — the visit routing optimizer: who visits which household, in what order, when.
 *
 * A hub's day is a vehicle-routing problem with time windows.  The caller describes it with a
 * routing_problem_t (locations, staff, visits, breaks, travel model), solves it with
 * routing_solver_solve() under a time budget and a seed, and gets a routing_result_t: one route per
 * member of staff with timed stops, and every visit left out with the reason why.
 *
 *   routing_problem_t *p = routing_problem_new();
 *   int hub = routing_problem_add_location(p, 35.1456, 129.1131);     (latitude, longitude)
 *   routing_staff_t s = {.id = "nurse-1", .role = 1, .shift_start = 540, .shift_end = 1080,
 *                        .start_location = hub, .end_location = hub};
 *   routing_problem_add_staff(p, &s);
 *   routing_visit_t v;  routing_visit_init(&v);  v.id = "hh-17"; v.location = ...; ...
 *   routing_problem_add_visit(p, &v);
 *   routing_solver_params_t prm;  routing_solver_params_default(&prm);  prm.time_limit_ms = 1000;
 *   routing_result_t *res = NULL;
 *   if (routing_solver_solve(p, &prm, &res) == 0) { ... routing_result_destroy(&res); }
 *   routing_problem_destroy(&p);
 *
 * The model
 *   - Times are doubles in one unit of the caller's choosing (minutes after midnight for a day plan).
 *   - Travel time between two locations comes from the travel model: straight-line distance
 *     (haversine for latitude/longitude, Euclidean for plane coordinates) × detour factor / speed, or
 *     from a matrix the caller supplies (road times).  Travel cost = travel time.
 *   - A member of staff has a role (0..31), a skill set (bits), a shift [start, end], a start and an end
 *     location and an optional capacity (sum of visit demands; 0 = unlimited).  They leave the start
 *     location no earlier than the shift start and are back at the end location by the shift end.
 *   - A visit has a location, a duration on site, up to ROUTING_MAX_WINDOWS time windows for its start
 *     (none = any time), a priority, an optional flag and the days it has already waited.  It has one
 *     part per member of staff it needs; each part names a role (or ROUTING_ANY_ROLE) and skills.  A visit
 *     with two or more parts is a joint visit: distinct members of staff, one per part, all starting
 *     within sync_tolerance of each other.  Waiting before a start is allowed.
 *   - A break belongs to one member of staff: a duration taken at a location the caller names (the hub,
 *     usually), starting inside a window.  The solver places it in that person's route like a visit.
 *   - A sequential visit is a multi-part visit whose parts start one after another, each between
 *     min_delay and max_delay after the previous one (or in either order for two parts).  A soft window
 *     may be overrun up to max_lateness at lateness_cost per time unit.
 *   - Objective, in order: serve every mandatory visit; serve optional visits (penalty for leaving one
 *     out grows with priority and days waited); minimize total travel time; balance work between staff.
 *     It is one weighted sum: a mandatory visit left out costs mandatory_penalty, an optional one its
 *     penalty, plus travel, plus balance_weight × Σ work² / shift length.
 *
 * Ownership: the problem copies everything given to it (strings included); the caller owns the problem
 * and the result and releases them with the destroy functions, which set the pointer to NULL.
 * Functions returning int return 0 (or an index ≥ 0) on success and a negative ROUTING_E* on failure.
 */
#ifndef ROUTING_SOLVER_H
#define ROUTING_SOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ROUTING_MAX_WINDOWS 8
#define ROUTING_MAX_PARTS   4
#define ROUTING_MAX_ROLES   32
#define ROUTING_ANY_ROLE    (-1)

/* Error codes (negative returns). */
enum {
    ROUTING_EINVAL = -1,  /* an argument is out of range or inconsistent */
    ROUTING_ENOMEM = -2,  /* allocation failed */
    ROUTING_EIO = -3,     /* a file could not be read or written */
    ROUTING_EFORMAT = -4, /* input text is malformed */
    ROUTING_EINFEAS = -5, /* the checker found a violated constraint */
};

typedef struct routing_problem routing_problem_t;

typedef struct routing_window {
    double start, end; /* the visit may start at any t with start <= t <= end */
} routing_window_t;

typedef enum routing_coords {
    ROUTING_COORDS_LATLON = 0, /* (latitude, longitude) degrees; distance in km by haversine */
    ROUTING_COORDS_PLANE = 1,  /* (x, y); Euclidean distance */
} routing_coords_t;

typedef struct routing_staff {
    const char *id; /* copied; may be NULL */
    int role;       /* 0..ROUTING_MAX_ROLES-1 */
    uint32_t skills;
    double shift_start, shift_end;
    int start_location, end_location; /* indexes returned by routing_problem_add_location */
    double capacity;                  /* max total demand of the day; <= 0 means unlimited */
} routing_staff_t;

typedef struct routing_part {
    int role;        /* ROUTING_ANY_ROLE or 0..ROUTING_MAX_ROLES-1 */
    uint32_t skills; /* every bit must be in the member of staff's skills */
} routing_part_t;

typedef struct routing_visit {
    const char *id; /* copied; may be NULL */
    int location;
    double duration;
    int n_windows; /* 0 = any time within the shifts */
    routing_window_t windows[ROUTING_MAX_WINDOWS];
    int n_parts; /* 1 = one member of staff; 2..ROUTING_MAX_PARTS = joint visit */
    routing_part_t parts[ROUTING_MAX_PARTS];
    double sync_tolerance; /* joint visits: max difference between the parts' start times */
    double demand;         /* counted against each serving member of staff's capacity */
    int priority;          /* >= 0; higher is more urgent (from the case's risk) */
    bool optional;         /* may be left for another day */
    int days_waited;       /* days already waited; raises the penalty of an optional visit */
    double penalty;        /* optional visits: cost of leaving it out; <= 0 = computed (see params) */
    /* Sequential multi-visit (n_parts >= 2): instead of starting together, part k + 1 starts between
     * min_delay and max_delay after part k starts (start to start: a nurse 60-180 minutes after the
     * welfare official); each part by a distinct member of staff; the visit is served or left out
     * whole.  any_order (two parts only): either part may come first, the gap still in the range. */
    bool sequential;
    bool any_order;
    double min_delay, max_delay; /* 0 <= min_delay <= max_delay */
    /* Soft time windows: with lateness_cost > 0 a start may fall up to max_lateness after the end of
     * its window (the hard limit), each time unit late adding lateness_cost to the objective. */
    double lateness_cost;
    double max_lateness;
} routing_visit_t;

typedef struct routing_break {
    int staff;    /* index returned by routing_problem_add_staff */
    int location; /* where it is taken */
    double duration;
    routing_window_t window; /* its start must fall inside */
} routing_break_t;

/* --- problem ---------------------------------------------------------------------------------- */

/* A new empty problem (plane coordinates, detour 1, speed 1).  NULL when out of memory. */
routing_problem_t *routing_problem_new(void);
/* Releases the problem and sets *self_p to NULL; NULL-safe. */
void routing_problem_destroy(routing_problem_t **self_p);

/* Straight-line travel model: time = distance × detour / speed (for LATLON: km, speed in km per time
 * unit, e.g. 25.0 / 60 for 25 km/h with minutes).  Ignored once a matrix is set. */
int routing_problem_set_travel_model(routing_problem_t *self, routing_coords_t coords, double detour,
                                     double speed);
/* Road travel times: an n × n row-major matrix, n = the number of locations, copied. */
int routing_problem_set_matrix(routing_problem_t *self, int n, const double *times);

/* Adds a location; returns its index. */
int routing_problem_add_location(routing_problem_t *self, double a, double b);
/* Adds a member of staff (copied); returns its index. */
int routing_problem_add_staff(routing_problem_t *self, const routing_staff_t *staff);
/* Sets v to an ordinary visit: one part, any role, no windows, mandatory, everything else zero. */
void routing_visit_init(routing_visit_t *v);
/* Adds a visit (copied); returns its index. */
int routing_problem_add_visit(routing_problem_t *self, const routing_visit_t *visit);
/* Adds a break for one member of staff; returns its index. */
int routing_problem_add_break(routing_problem_t *self, const routing_break_t *brk);

int routing_problem_location_count(const routing_problem_t *self);
int routing_problem_staff_count(const routing_problem_t *self);
int routing_problem_visit_count(const routing_problem_t *self);
int routing_problem_break_count(const routing_problem_t *self);
const routing_staff_t *routing_problem_staff(const routing_problem_t *self, int i);
const routing_visit_t *routing_problem_visit(const routing_problem_t *self, int i);
const routing_break_t *routing_problem_break(const routing_problem_t *self, int i);
/* Travel time between two locations under the problem's travel model. */
double routing_problem_travel(const routing_problem_t *self, int from, int to);

/* --- solving ---------------------------------------------------------------------------------- */

typedef struct routing_solver_params {
    double time_limit_ms;     /* wall-clock budget for the whole solve; <= 0 = no time limit */
    long max_iterations;      /* ruin-and-recreate iterations; <= 0 = until the time limit */
    uint64_t seed;            /* same seed + same iteration limit = same result */
    double balance_weight;    /* weight of Σ work² / shift length; 0 = travel only */
    double mandatory_penalty; /* cost of leaving a mandatory visit out */
    double optional_penalty;  /* base for optional visits: × (1 + priority) × (1 + days_waited / 7) */
    bool cpu_time;            /* time_limit_ms counts the calling thread's CPU time, not wall-clock time,
                                 so a busy machine does not shorten the search (CLOCK_THREAD_CPUTIME_ID) */
} routing_solver_params_t;

/* Defaults: 1 s of wall-clock time, no iteration limit, seed 1, balance 0, penalties 1e9 and 1e5. */
void routing_solver_params_default(routing_solver_params_t *params);

typedef enum routing_stop_kind {
    ROUTING_STOP_VISIT = 0,
    ROUTING_STOP_BREAK = 1,
} routing_stop_kind_t;

typedef struct routing_stop {
    routing_stop_kind_t kind;
    int index;                  /* visit or break index */
    int part;                   /* which part of a (joint) visit this member of staff serves */
    double arrival, start, end; /* end = start + duration */
    double lateness;            /* soft windows: time units after the window's end (0 when on time) */
} routing_stop_t;

typedef struct routing_route {
    int staff;
    int n_stops;
    routing_stop_t *stops;
    double depart, arrive; /* leaving the start location, back at the end location */
    double travel;         /* travel time of the route */
    double work;           /* travel + time on site (breaks excluded) */
} routing_route_t;

typedef enum routing_reason {
    ROUTING_REASON_NONE = 0,
    ROUTING_REASON_NO_SKILLED_STAFF = 1, /* nobody (or not enough distinct people) has the role/skills */
    ROUTING_REASON_NO_TIME_WINDOW = 2,   /* no qualified member of staff can reach it inside a window */
    ROUTING_REASON_DAY_CAPACITY = 3,     /* it fits on its own, but the day is full */
} routing_reason_t;

typedef struct routing_unassigned {
    int visit;
    routing_reason_t reason;
} routing_unassigned_t;

typedef struct routing_result {
    int n_routes; /* one per member of staff, in staff order (empty routes included) */
    routing_route_t *routes;
    int n_unassigned;
    routing_unassigned_t *unassigned;
    double cost;          /* the objective: travel + balance + penalties */
    double travel;        /* total travel time */
    double penalty;       /* penalties of visits left out */
    double lateness_cost; /* soft windows: Σ lateness × lateness_cost (part of cost) */
    long iterations;
    double elapsed_ms;          /* wall-clock time of the solve */
    double cpu_ms;              /* CPU time of the calling thread during the solve */
    double first_feasible_ms;   /* when every mandatory visit was first served; -1 = never */
    double first_feasible_cost; /* the objective at that moment */
    double best_found_ms;       /* when the returned solution was found (on the budget's clock) */
} routing_result_t;

/* Solves the problem; *result_p receives a new result the caller owns. */
int routing_solver_solve(const routing_problem_t *problem, const routing_solver_params_t *params,
                         routing_result_t **result_p);
/* Releases a result and sets *result_p to NULL; NULL-safe. */
void routing_result_destroy(routing_result_t **result_p);
const char *routing_reason_name(routing_reason_t reason);

/* --- checking --------------------------------------------------------------------------------- */

/* Checks a result against the problem with code independent of the solver: every stop's times
 * (arrival = previous end + travel, start >= arrival, start inside a window or within max_lateness
 * after it, end = start + duration), shifts, start/end locations, capacity, roles and skills, each visit
 * served once per part by distinct staff, joint starts within tolerance, sequential parts' delays,
 * breaks on their owner's route, unassigned visits listed, the reported travel and lateness.  0 when
 * feasible; ROUTING_EINFEAS with a message in err otherwise. */
int routing_solver_check(const routing_problem_t *problem, const routing_result_t *result, char *err,
                         size_t errlen);

/* --- file formats ----------------------------------------------------------------------------- */

/* Reads a Solomon VRPTW file: location 0 is the depot, visit i is customer i + 1 (its id is the
 * customer number), NUMBER identical vehicles with CAPACITY.  name receives the instance name. */
int routing_solomon_read(const char *path, routing_problem_t **problem_p, char *name, size_t namelen);

/* Reads a day plan in the JSON format of README.md; fills *problem_p and the "solver" settings into
 * params (left as they are when absent).  err receives a message on failure. */
int routing_json_read(const char *text, routing_problem_t **problem_p, routing_solver_params_t *params,
                      char *err, size_t errlen);
/* The result as JSON text (README.md); caller frees it with free().  NULL when out of memory. */
char *routing_json_write(const routing_problem_t *problem, const routing_result_t *result);

#endif

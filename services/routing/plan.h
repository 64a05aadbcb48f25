/*
 * plan.h — a hub's day plan: which member of staff visits which household, in what order, when.
 *
 * The planner is pure (no I/O) and sits behind this small interface so that the optimizer library
 * (services/routing/solver) can replace it.  The caller fills a routing_plan with the hub's centre,
 * its active staff, the visits already fixed in the day and the pending ones, then calls
 * routing_plan_run(); the planner decides a start time and the staff of each pending visit it can
 * place, and an ordered route per member of staff.
 *
 * The model: every member of staff leaves the hub's centre at their shift start and must be back by
 * its end; travel takes haversine distance × detour / speed; a visit needs one member of staff per
 * role it lists (two entries of one role need two people), all starting at the same minute — or, for
 * a sequential visit, one after another within its delays (the optimizer plans those; the heuristic
 * leaves them unplaced, and treats a soft window as hard).
 */
#ifndef ROUTING_PLAN_H
#define ROUTING_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ROUTING_PLAN_MAX_ROLES 4

/* Why a visit was not placed (values of welfare.routing.v1.UnplacedReason). */
enum {
    ROUTING_UNPLACED_NONE = 0,
    ROUTING_UNPLACED_NO_STAFF_WITH_ROLE = 1,
    ROUTING_UNPLACED_NO_TIME = 2,
};

typedef struct routing_plan_staff {
    int64_t id;
    int role;
    int shift_start, shift_end; /* minutes after midnight */
    uint32_t skills;            /* bits of the day's skill names (routing_skill_bits) */
} routing_plan_staff;

typedef struct routing_plan_visit {
    int64_t id; /* the caller's; the planner only carries it */
    double latitude, longitude;
    int roles[ROUTING_PLAN_MAX_ROLES];
    int n_roles;
    int priority; /* higher first */
    int due;      /* smaller first among equal priorities (e.g. the latest date as YYYYMMDD) */
    int duration; /* minutes on site */
    /* The resident's time of day: the visit starts at or after window_start and ends by window_end
     * (minutes after midnight); window_end 0 means no window. */
    int window_start, window_end;
    uint32_t skills; /* the lead (roles[0]) must hold every bit */
    /* Sequential visit (sequence 1: roles in order, 2: either order of two): one visit per role, each
     * starting min_delay..max_delay minutes after the previous one's start; 0: all start together. */
    int sequence;
    int min_delay, max_delay;
    int max_lateness; /* soft window: minutes the visit may end after window_end; 0 = hard */
    /* In: a visit already in the day (fixed); out: where a pending one was placed. */
    bool placed;
    int start;                            /* the earliest part's start */
    size_t staff[ROUTING_PLAN_MAX_ROLES]; /* indexes into routing_plan.staff */
    int offset[ROUTING_PLAN_MAX_ROLES];   /* staff[k]'s part starts at start + offset[k] (>= 0) */
    int n_staff;
    int unplaced_reason; /* out, for a pending visit left out */
} routing_plan_visit;

/* One stop of a route, in order. */
typedef struct routing_plan_stop {
    size_t visit; /* index into routing_plan.visits */
    int travel;   /* minutes from the previous stop or the hub */
} routing_plan_stop;

typedef struct routing_plan_route {
    routing_plan_stop *stops;
    size_t n, cap;
    int travel;        /* total, hub to hub */
    int return_minute; /* back at the hub */
} routing_plan_route;

/* Skills as bits for one day's plan (skills.c, pure): the distinct skill names of the staff get bits
 * 0..30 in order of appearance; a name no member of staff holds maps to bit 31, which nobody has, so a
 * visit needing it cannot be staffed.  names is a JSON array of strings (PostgreSQL's
 * array_to_json(skills)); dict holds the names seen (at most 31). */
typedef struct routing_skill_dict {
    char names[31][65];
    int n;
} routing_skill_dict;
uint32_t routing_skill_bits(routing_skill_dict *dict, const char *names, bool add);
#define ROUTING_SKILL_NOBODY (1u << 31)

typedef struct routing_plan {
    double hub_latitude, hub_longitude;
    double detour;    /* e.g. 1.3 */
    double speed_kmh; /* e.g. 20 */
    routing_plan_staff *staff;
    size_t n_staff;
    routing_plan_visit *visits; /* fixed ones have placed = true with start and staff set */
    size_t n_visits;
    routing_plan_route *routes;    /* out: n_staff routes */
    routing_skill_dict skill_dict; /* the day's skill names (filled by the store) */
} routing_plan;

/* When member of staff s's part of a placed visit starts (start + that part's offset). */
int routing_plan_start_for(const routing_plan_visit *v, size_t s);

/* Minutes to travel between two points (rounded up). */
int routing_plan_travel(const routing_plan *p, double lat1, double lon1, double lat2, double lon2);

/* Places the pending visits (priority first) by cheapest insertion into gaps of the routes that
 * respect every shift and the fixed visits.  Fills routes, and for each pending visit placed/start/
 * staff or unplaced_reason.  Returns how many pending visits were placed, or -1 when out of memory.
 * Fixed visits that overlap or use unknown staff are kept as given. */
int routing_plan_run(routing_plan *p);

/* The optimizer's settings (plan_solver.c). */
typedef struct routing_plan_optimizer {
    double time_limit_ms;  /* wall-clock budget */
    long max_iterations;   /* <= 0: until the time limit */
    uint64_t seed;         /* same seed and iteration limit, same plan */
    double balance_weight; /* weight of balanced work between staff; 0 = travel only */
    double lateness_cost;  /* a minute late in a soft window, in minutes of travel; <= 0: the default */
} routing_plan_optimizer;

/* The default of routing_plan_optimizer.lateness_cost (WH_ROUTING_LATENESS_COST). */
#define ROUTING_PLAN_LATENESS_COST 2.0

/* Same contract as routing_plan_run(), solved by the optimizer library (services/routing/solver):
 * fixed visits become pinned stops of their staff, pending visits optional ones weighted by priority.
 * Falls back to routing_plan_run() when the optimizer fails or the day is too large for it. */
int routing_plan_optimize(routing_plan *p, const routing_plan_optimizer *o);

/* Fills each route's travel per stop, total travel and return minute from the visits' start times
 * (for planners that build the routes themselves). */
void routing_plan_finish(routing_plan *p);

/* Appends a stop to a route.  0, or -1 when out of memory. */
int routing_plan_append(routing_plan_route *r, size_t visit);

/* Frees the routes.  NULL-safe; the caller owns staff and visits. */
void routing_plan_free(routing_plan *p);

/* Great-circle distance in km. */
double routing_haversine_km(double lat1, double lon1, double lat2, double lon2);

#endif

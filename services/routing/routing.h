/*
 * routing.h — the routing service's private types: store, day-plan assembly and handlers.
 *
 * Routing keeps the district's dongs and hubs, the hubs' visiting staff, the visit requests of the
 * case service and each hub's day plans.  The planner itself is plan.h (pure); store.c is the only
 * file with SQL; handle_*.c validate a message, call the store and build the reply.
 */
#ifndef ROUTING_H
#define ROUTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wh/service.h"

#include "plan.h"
#include "welfare/case/v1/events.pb-c.h"
#include "welfare/routing/v1/commands.pb-c.h"
#include "welfare/routing/v1/events.pb-c.h"

#define ROUTING_CODE_MAX 32

/* Settings (WH_ROUTING_*), read at start. */
typedef struct routing_settings {
    double speed_kmh;   /* WH_ROUTING_SPEED_KMH, default 20 */
    double detour;      /* WH_ROUTING_DETOUR_PERCENT / 100, default 1.3 */
    int max_pending;    /* WH_ROUTING_PLAN_MAX_VISITS, default 2000: most requests one planning looks at */
    bool use_optimizer; /* WH_ROUTING_PLANNER: "optimizer" (default) or "heuristic" */
    routing_plan_optimizer
        optimizer; /* WH_ROUTING_OPTIMIZER_MS (200), _ITERATIONS (1000), WH_ROUTING_LATENESS_COST (2) */
} routing_settings;

/* The settings of the running service, or the defaults. */
const routing_settings *routing_settings_of(wh_ctx *ctx);

typedef struct routing_dong {
    bool found;
    int hub_type;
    char hub_dong_code[ROUTING_CODE_MAX + 1];
    double latitude, longitude;
} routing_dong;

/* What the planner does not carry about each visit of a day (same index as routing_plan.visits). */
typedef struct routing_day_item {
    int64_t visit_id; /* 0 until stored */
    int64_t visit_request_id;
    int64_t case_id;
    char *dong_code;
} routing_day_item;

/* A day being planned: the planner's input and output plus the items. */
typedef struct routing_day {
    routing_plan plan;
    routing_day_item *items;
    size_t n_fixed;
} routing_day;

/* --- store (store.c) -------------------------------------------------------------------------- */

extern const wh_db_statement routing_statements[];
extern const size_t routing_statements_count;

int routing_store_dong(wh_db *db, const char *dong_code, routing_dong *out);
int routing_store_upsert_dong(wh_db *db, const Welfare__Routing__V1__DefineDong *m,
                              const char *hub_dong_code);
int routing_store_insert_staff(wh_db *db, const Welfare__Routing__V1__RegisterStaff *m,
                               const char *active_from, int64_t *id);
/* WH_NOT_FOUND, or WH_FAILED_PRECONDITION when inactive already or the date is before active_from. */
int routing_store_deactivate_staff(wh_db *db, int64_t id, const char *until, char *hub, size_t cap);
/* A request's timing beyond its window, made consistent by the event's handler. */
typedef struct routing_visit_timing {
    int sequence;             /* welfare.case.v1.VisitSequence */
    int min_delay, max_delay; /* minutes, start to next start */
    int max_lateness;         /* minutes a soft window may be overrun; 0: hard */
} routing_visit_timing;

int routing_store_insert_visit_request(wh_db *db, const Welfare__Case__V1__VisitRequested *m,
                                       const int *roles, int n_roles, int duration, const char *earliest,
                                       const char *latest, const routing_visit_timing *timing);

/* Fills day->plan.staff, the fixed visits and at most max_pending pending visits for planning (ctx
 * memory). */
int routing_store_load_day(wh_ctx *ctx, const char *hub, const char *date, const routing_dong *hub_dong,
                           int max_pending, routing_day *day);
/* Stores the placed visits (setting items[].visit_id), routes, unplaced visits and the plan mark. */
int routing_store_insert_visit(wh_db *db, int64_t request_id, const char *hub, const char *date, int start,
                               int end, int64_t *visit_id);
int routing_store_set_request_status(wh_db *db, int64_t request_id, const char *status);
/* offset: when this member of staff's part starts after the visit's start (sequential visits). */
int routing_store_put_visit_staff(wh_db *db, int64_t visit_id, int64_t staff_id, int seq, int travel,
                                  int offset);
int routing_store_put_day_route(wh_db *db, const char *hub, const char *date, int64_t staff_id, int travel,
                                int return_minute);
int routing_store_reset_unplaced(wh_db *db, const char *hub, const char *date);
int routing_store_insert_unplaced(wh_db *db, const char *hub, const char *date, int64_t request_id,
                                  int reason);
int routing_store_mark_planned(wh_db *db, const char *hub, const char *date);

/* Reads a stored day plan into a message (ctx memory). */
int routing_store_read_plan(wh_ctx *ctx, const char *hub, const char *date,
                            Welfare__Routing__V1__DayPlan **out);

typedef struct routing_visit_info {
    int64_t visit_request_id, case_id;
    char status[16];
    char dong_code[ROUTING_CODE_MAX + 1];
    char plan_date[11];
    int staff_count;
} routing_visit_info;

int routing_store_visit(wh_db *db, int64_t visit_id, routing_visit_info *out);
int routing_store_set_visit_outcome(wh_db *db, int64_t visit_id, const char *status, int miss_reason,
                                    const char *date);
int routing_store_list_requests(wh_ctx *ctx, const Welfare__Routing__V1__ListVisitRequests *q,
                                Welfare__Routing__V1__VisitRequest ***out, size_t *n);

/* "{1,2,3}" → ints; returns how many (at most max). */
size_t routing_parse_int_array(const char *text, int64_t *out, size_t max);

/* --- handlers --------------------------------------------------------------------------------- */

bool routing_text_ok(const char *s, size_t max);

int routing_handle_define_dong(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int routing_handle_register_staff(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int routing_handle_deactivate_staff(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int routing_handle_plan_day(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int routing_handle_get_day_plan(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int routing_handle_record_visit_outcome(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int routing_handle_list_visit_requests(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);

int routing_apply_visit_requested(wh_ctx *ctx, const ProtobufCMessage *event);

/* The service as data (service.c). */
const wh_service_def *routing_service_def(void);

/* Drops the pending visit requests of a case (by_case) or a household, and their visits planned on
 * or after `from`; reason says why ("case closed", "unreachable", "moved", "deceased"). */
int routing_store_drop_requests(wh_db *db, bool by_case, int64_t id, const char *from, const char *reason);
/* The open requests of a case moved to another household (CaseMoved) are that household's. */
int routing_store_move_case(wh_db *db, int64_t case_id, int64_t household_id);
/* The requests a merge's fold dropped, pending again (CaseReopened): how many, or < 0. */
int64_t routing_store_restore_case(wh_db *db, int64_t case_id, int64_t household_id);
int routing_apply_case_closed(wh_ctx *ctx, const ProtobufCMessage *event);
int routing_apply_case_moved(wh_ctx *ctx, const ProtobufCMessage *event);
int routing_apply_case_reopened(wh_ctx *ctx, const ProtobufCMessage *event);
int routing_apply_household_escalated(wh_ctx *ctx, const ProtobufCMessage *event);
int routing_apply_home_visit_recorded(wh_ctx *ctx, const ProtobufCMessage *event);

#endif

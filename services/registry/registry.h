/*
 * registry.h — the registry service's private types: ranking, store and handlers.
 *
 * The registry keeps providers and the resources they offer, ranks resources for a household's
 * needs (rank.c, pure and unit-tested), and reserves capacity for linkages.  store.c is the only
 * file with SQL; the handle_*.c files validate a message, call the store and build the reply.
 */
#ifndef REGISTRY_H
#define REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wh/service.h"

#include "welfare/case/v1/events.pb-c.h"
#include "welfare/intake/v1/events.pb-c.h"
#include "welfare/registry/v1/commands.pb-c.h"
#include "welfare/registry/v1/events.pb-c.h"
#include "welfare/routing/v1/events.pb-c.h"

/* --- ranking (rank.c) ------------------------------------------------------------------------- */

/* Where a candidate is served, relative to the household (values of welfare.registry.v1.MatchScope). */
enum {
    REGISTRY_SCOPE_DONG = 1,
    REGISTRY_SCOPE_SPHERE = 2,
    REGISTRY_SCOPE_DISTRICT = 3,
};

/* The household a match is for.  hub_dong_code NULL or "" means the dong is its own hub. */
typedef struct registry_household {
    const char *dong_code;
    const char *hub_dong_code;
    bool has_location;
    double latitude, longitude;
    const char *as_of; /* the business date matched for: resources discovered after it do not exist yet
                        * (NULL or "": any) */
} registry_household;

/* A resource with capacity left, as loaded by the store, and the scores rank fills in.  Strings
 * point into the store's result and live as long as it does. */
typedef struct registry_candidate {
    int64_t resource_id;
    int64_t provider_id;
    int domain, kind, min_severity;
    int remaining;
    const char *dong_code;
    const char *hub_dong_code; /* the hub of the resource's dong; NULL when the dong is unknown */
    const char *title;
    bool has_centre; /* the provider's dong centre is known */
    double centre_latitude, centre_longitude;
    /* filled by registry_rank */
    int scope;
    double fit, distance_km, proximity, capacity_score, score;
} registry_candidate;

/* How well a resource of resource_domain meets a need of need_domain, 0..1 (the fit table). */
double registry_domain_fit(int need_domain, int resource_domain);

/* The need domains whose fit with need_domain is above 0 (need_domain first); returns how many were
 * written to out (at most max). */
size_t registry_related_domains(int need_domain, int *out, size_t max);

/* Great-circle distance in km. */
double registry_haversine_km(double lat1, double lon1, double lat2, double lon2);

/* Scores every candidate for one need of the household, drops the ineligible ones (no fit, or a
 * min_severity above the need's severity) and sorts the rest best first: scope (dong, sphere,
 * district); within the dong and the sphere by score, in the district by distance.  Returns how many
 * remain at the front of c. */
size_t registry_rank(const registry_household *h, int need_domain, int need_severity, registry_candidate *c,
                     size_t n);

/* --- store (store.c) -------------------------------------------------------------------------- */

extern const wh_db_statement registry_statements[];
extern const size_t registry_statements_count;

typedef struct registry_dong_info {
    bool found;
    char hub_dong_code[33];
    double latitude, longitude;
} registry_dong_info;

int registry_store_upsert_dong(wh_db *db, const Welfare__Routing__V1__DongDefined *d);
int registry_store_dong(wh_db *db, const char *dong_code, registry_dong_info *out);
int registry_store_insert_provider(wh_db *db, const Welfare__Registry__V1__RegisterProvider *p,
                                   const char *registered_by, int64_t *id);
/* Whether the provider exists and is private. 0, or WH_NOT_FOUND. */
int registry_store_provider(wh_db *db, int64_t provider_id, bool *is_private);
struct registry_finder;
/* Stores a resource with the finder credited (ledger.h). */
int registry_store_insert_resource(wh_db *db, const Welfare__Registry__V1__RegisterResource *r,
                                   const struct registry_finder *f, int64_t *id);

/* Resources with capacity left in the given domains, with their dong's hub and the provider's dong
 * centre: in the whole district (dong NULL), or only in the dong, the hub dong and the dongs the hub
 * serves (what rank.c puts first).  *result holds them (caller PQclear()s it); the candidates point
 * into it and are allocated from ctx. */
int registry_store_load_candidates(wh_ctx *ctx, const int *domains, size_t n_domains, const char *as_of,
                                   const char *dong, const char *hub, PGresult **result,
                                   registry_candidate **out, size_t *n);

/* Takes one unit of capacity: 0 with *remaining, WH_FAILED_PRECONDITION when none is left,
 * WH_NOT_FOUND for an unknown resource. */
int registry_store_take_capacity(wh_db *db, int64_t resource_id, int *remaining, char *dong_code, size_t cap);
/* Whether the linkage holds an active reservation. */
int registry_store_linkage_reserved(wh_db *db, int64_t linkage_id, bool *reserved);
int registry_store_insert_reservation(wh_db *db, int64_t resource_id, int64_t linkage_id, int64_t case_id,
                                      const char *reserved_on, int64_t *id);
/* Marks a reservation released and gives its unit back.  WH_NOT_FOUND, or WH_FAILED_PRECONDITION
 * when it was released already. */
int registry_store_release(wh_db *db, int64_t reservation_id, const char *released_on, int64_t *resource_id,
                           int *remaining);

/* Inserts a row with a RETURNING id statement: 0 with *id, WH_INTERNAL when no row came back. */
int registry_store_insert_id(wh_db *db, const char *stmt, const wh_params *p, int64_t *id);
/* Reads resources into reply messages allocated from ctx. */
int registry_store_get_resource(wh_ctx *ctx, int64_t id, Welfare__Registry__V1__Resource **out);
int registry_store_list_resources(wh_ctx *ctx, const Welfare__Registry__V1__ListResources *q,
                                  Welfare__Registry__V1__Resource ***out, size_t *n);

/* --- shared by the handlers ------------------------------------------------------------------- */

/* Loads, ranks and returns the candidates for one need (ctx memory), best first: at least the first
 * `want` of the district's ranking (all of it when *whole says so).  The dong and the hub's sphere,
 * which rank before the rest of the district, are read first through their index; the district only
 * when they offer fewer than `want`.  0 or a negative status. */
int registry_match_one(wh_ctx *ctx, const registry_household *h, int need_domain, int need_severity,
                       size_t want, registry_candidate **out, size_t *n, bool *whole);

/* Reserves one unit for a linkage and emits CapacityReserved (+ CapacityExhausted at 0).
 * WH_NOT_FOUND (no such resource), WH_FAILED_PRECONDITION (no unit left), WH_ALREADY_EXISTS (the
 * linkage holds a reservation). */
int registry_reserve(wh_ctx *ctx, int64_t resource_id, int64_t linkage_id, int64_t case_id, const char *date,
                     int64_t *reservation_id, int *remaining);

/* A reservation of a case's LinkageRequested that a merge's fold released (folded_reservation). */
typedef struct registry_folded_reservation {
    int64_t reservation_id, resource_id, linkage_id, case_id;
} registry_folded_reservation;
/* The same as registry_reserve for the unit f held: a new reservation for f's linkage and case, its
 * CapacityReserved naming f's reservation in restores_reservation_id. */
int registry_reserve_again(wh_ctx *ctx, const registry_folded_reservation *f, const char *date,
                           int64_t *reservation_id, int *remaining);

/* True when s is 1..max bytes of valid UTF-8. */
bool registry_text_ok(const char *s, size_t max);
/* A list query's page: limit 0..1000, after_id >= 0, a dong code (NULL: none) of at most 32 bytes.
 * 0, or the typed failure naming the field. */
int registry_page_check(wh_ctx *ctx, int32_t limit, int64_t after_id, const char *dong_code);

/* --- handlers --------------------------------------------------------------------------------- */

int registry_handle_register_provider(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int registry_handle_register_resource(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int registry_handle_match_needs(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int registry_handle_reserve_capacity(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
/* Gives a reservation back and emits CapacityReleased.  WH_NOT_FOUND, WH_FAILED_PRECONDITION (released
 * already). */
int registry_release(wh_ctx *ctx, int64_t reservation_id, const char *date, int64_t *resource_id,
                     int *remaining);
int registry_handle_release_capacity(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int registry_handle_list_resources(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int registry_handle_get_resource(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);

int registry_apply_dong_defined(wh_ctx *ctx, const ProtobufCMessage *event);
int registry_apply_linkage_requested(wh_ctx *ctx, const ProtobufCMessage *event);

/* The service as data (service.c). */
const wh_service_def *registry_service_def(void);

/* --- service linkages of any household (linkage_state.c, store_linkage.c, handle_linkage.c) ------ */

/* Whether a linkage may move from state `from` to `to` (welfare.registry.v1.LinkageState).  Pure. */
bool registry_linkage_move_ok(int from, int to);
/* Whether a state holds the resource's capacity (requested, accepted, started). */
bool registry_linkage_holds_capacity(int state);

/* A service linkage as stored. */
typedef struct registry_linkage {
    int64_t id, household_id, case_id, provider_id, resource_id, reservation_id, referral_id;
    char dong_code[33];
    int kind, programme, domain, channel, state, outcome;
    char requested_on[11], changed_on[11];
} registry_linkage;

int registry_store_upsert_household(wh_db *db, int64_t household_id, const char *dong_code, const char *on);
/* Households of a run of HouseholdIdentified (apply_households.c), each id once: inserted with their
 * date, or their dong changed when stored before. */
typedef struct registry_household_row {
    int64_t household_id;
    const char *dong_code, *identified_on;
} registry_household_row;
int registry_store_upsert_households(wh_db *db, const registry_household_row *rows, size_t n);
/* The household's dong and identification date: WH_NOT_FOUND. */
int registry_store_household(wh_db *db, int64_t household_id, char dong_code[33], char identified_on[11]);
/* A resource's provider and discovery date: WH_NOT_FOUND. */
int registry_store_resource_facts(wh_db *db, int64_t resource_id, int64_t *provider_id,
                                  char discovered_on[11]);
/* A provider's kind and who registered it: WH_NOT_FOUND. */
int registry_store_provider_facts(wh_db *db, int64_t provider_id, bool *is_private, char registered_by[64]);
int registry_store_insert_linkage(wh_db *db, const registry_linkage *l, int64_t *id);
/* Reads (and locks) a linkage: WH_NOT_FOUND. */
int registry_store_linkage(wh_db *db, int64_t id, registry_linkage *out);
int registry_store_set_linkage_state(wh_db *db, int64_t id, int state, int outcome, const char *on);
/* The rows of a per-case read (stmt with the case id as its one parameter), each made into an element
 * of `size` bytes by fill: *out an array of *n in ctx memory (store_fold.c). */
int registry_store_read_case_rows(wh_ctx *ctx, const char *stmt, int64_t case_id, size_t size,
                                  void (*fill)(const PGresult *r, int row, void *out), void **out, size_t *n);
/* Ids of a case's linkages still holding or awaiting service, and of its active reservations
 * (ctx memory). */
int registry_store_case_ids(wh_ctx *ctx, const char *stmt, int64_t case_id, int64_t **ids, size_t *n);
int registry_store_list_linkages(wh_ctx *ctx, const Welfare__Registry__V1__ListServiceLinkages *q,
                                 Welfare__Registry__V1__ServiceLinkage ***out, size_t *n);

/* The linkages a merge's fold ended (store_fold.c): recorded with the state each was in, read back
 * by the unmerge's reopening, and marked undone (restored or not) once. */
typedef struct registry_folded {
    int64_t linkage_id;
    int state_before;
} registry_folded;
int registry_store_fold_linkage(wh_db *db, const registry_linkage *l, int64_t case_id, const char *on);
int registry_store_folded_linkages(wh_ctx *ctx, int64_t case_id, registry_folded **out, size_t *n);
int registry_store_fold_undone(wh_db *db, int64_t linkage_id, const char *on, bool restored);
/* The case's reservations still held (its own LinkageRequested and ReserveCapacity ones), recorded
 * as folded on `on` before the fold releases them; read back by the reopening, each marked undone
 * once with the reservation that took its place (0: none, its resource had no unit left). */
int registry_store_fold_reservations(wh_db *db, int64_t case_id, const char *on);
int registry_store_folded_reservations(wh_ctx *ctx, int64_t case_id, registry_folded_reservation **out,
                                       size_t *n);
int registry_store_reservation_undone(wh_db *db, int64_t reservation_id, const char *on, int64_t restored_as);
/* Puts an ended linkage back in l->state with l->reservation_id, on l->changed_on:
 * WH_FAILED_PRECONDITION when it is not ended. */
int registry_store_restore_linkage(wh_db *db, const registry_linkage *l);

/* Moves a linkage to a state (releasing its capacity when it leaves it) and emits
 * ServiceLinkageChanged.  The caller checked the move. */
int registry_linkage_change(wh_ctx *ctx, registry_linkage *l, int state, int outcome, const char *on);

int registry_handle_request_service_linkage(wh_ctx *ctx, const ProtobufCMessage *req,
                                            ProtobufCMessage **reply);
int registry_handle_change_service_linkage(wh_ctx *ctx, const ProtobufCMessage *req,
                                           ProtobufCMessage **reply);
int registry_handle_list_service_linkages(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int registry_apply_household_identified(wh_ctx *ctx, const ProtobufCMessage *event);
int registry_apply_households_identified(wh_ctx *const *ctx, const ProtobufCMessage *const *events, size_t n);
int registry_apply_case_closed(wh_ctx *ctx, const ProtobufCMessage *event);
/* CaseReopened: the linkages the case's fold ended are put back where capacity allows (fold.c). */
int registry_apply_case_reopened(wh_ctx *ctx, const ProtobufCMessage *event);
/* ServiceLinkageChanged for l as it stands; `restored` when an unmerge put it back. */
int registry_emit_linkage_changed(wh_ctx *ctx, const registry_linkage *l, bool restored);

#endif

/*
 * case.h — the case service's private types: settings, the assignment rule, the shared case steps,
 * the store and the handlers.
 *
 * The case service owns the households under case management: their cases, needs assessments,
 * linkages to resources, visit requests, follow-ups and the case workers' caseloads.  assign_rule.c
 * is the pure choice of a worker (unit-tested); assign.c runs it against the store; casework.c holds
 * the steps commands and events share (open a case, request a linkage or a visit); store.c and
 * store_read.c are the only files with SQL; handle_*.c validate a command, apply_*.c apply another
 * service's event.
 */
#ifndef CASE_H
#define CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wh/service.h"

#include "welfare/case/v1/commands.pb-c.h"
#include "welfare/case/v1/events.pb-c.h"
#include "welfare/intake/v1/events.pb-c.h"
#include "welfare/registry/v1/events.pb-c.h"
#include "welfare/routing/v1/events.pb-c.h"

#define CASE_CODE_MAX   32
#define CASE_MAX_NEEDS  8
#define CASE_MAX_ROLES  4
#define CASE_NOTE_MAX   2000
#define CASE_REASON_MAX 200

#define CASE_ROLE_OFFICIAL WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_WELFARE_OFFICIAL
#define CASE_ROLE_NURSE    WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_VISITING_NURSE
#define CASE_ROLE_MANAGER  WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_CASE_MANAGER

/* --- settings (settings.c) -------------------------------------------------------------------- */

/* The visit cycle as data: a household at or above a band's risk is visited every `days` days (the
 * highest band it reaches); below every band it is not under watch.  Bands by min_risk descending. */
#define CASE_MAX_CYCLES 8
typedef struct case_cycles {
    int n;
    int min_risk[CASE_MAX_CYCLES];
    int days[CASE_MAX_CYCLES];
} case_cycles;
/* Parses "80:30,50:90,30:180" (risk:days, each risk 0..100 once, days 1..3650).  0 or -1. */
int case_cycles_parse(const char *text, case_cycles *out);
/* Days between monitoring visits for a risk score, 0 when not under watch. */
int case_cycle_days(const case_cycles *c, int risk_score);

typedef struct case_settings {
    int risk_threshold;        /* WH_CASE_RISK_THRESHOLD (50): a household at or above it gets a case */
    int caseload_limit;        /* WH_CASE_CASELOAD_LIMIT (115): most open cases per worker */
    int first_visit_days;      /* WH_CASE_FIRST_VISIT_DAYS (7): the first visit is due within */
    int joint_visit_risk;      /* WH_CASE_JOINT_VISIT_RISK (80): from this risk a visiting nurse goes too */
    bool notes_sealed;         /* the PII key is loaded, so notes can be stored encrypted */
    int unreachable_attempts;  /* WH_CASE_UNREACHABLE_ATTEMPTS (3): failed visits in a row that escalate */
    int planning_horizon_days; /* WH_CASE_PLANNING_HORIZON_DAYS (90): how far ahead a visit may be asked */
    case_cycles cycles;        /* WH_CASE_VISIT_CYCLES ("80:30,50:90,30:180"): monitoring frequency */
    bool close_unreachable;    /* WH_CASE_CLOSE_UNREACHABLE (1): an escalation closes the open case */
} case_settings;

/* The running service's settings, or the defaults (unit tests without state). */
const case_settings *case_settings_of(wh_ctx *ctx);

/* Reads WH_CASE_* into out.  0 or WH_INVALID_ARGUMENT (logged by wh_config_int). */
int case_settings_read(case_settings *out);

/* Metrics (metrics.c): registered at start; the counters are no-ops before (unit tests). */
void case_metrics_register(int caseload_limit);
/* Reads the gauges from the tables (a wh_service_run job). */
int case_metrics_refresh(wh_ctx *ctx, void *arg);
void case_metrics_opened(void);
void case_metrics_closed(void);
void case_metrics_linkage(const char *result); /* "requested", "completed", "failed" */
void case_metrics_assigned(void);
void case_metrics_escalated(void);

/* --- the assignment rule (assign_rule.c) ------------------------------------------------------- */

/* Which roles carry cases: case managers and welfare officials. */
bool case_role_carries_cases(int role);

/* A case worker active at the hub on the date of an assignment, with their open cases. */
typedef struct case_worker {
    int64_t staff_id;
    int role;
    int caseload;
} case_worker;

/* The worker to give one more case to: the lowest caseload below limit, the lowest staff id among
 * equals (so replays decide the same way).  Returns the index in w, or -1 when everyone is full. */
int case_pick_worker(const case_worker *w, size_t n, int limit);

/* --- checks (validate.c) ---------------------------------------------------------------------- */

bool case_text_ok(const char *s, size_t max); /* 1..max bytes of UTF-8 */
bool case_need_domain_ok(int domain);
bool case_severity_ok(int severity); /* LOW..CRITICAL */
bool case_role_ok(int role);
/* A valid date of an event, or today (logged) when the event carries none. */
void case_event_date(const char *given, const char *what, char out[11]);
/* An optional note: at most CASE_NOTE_MAX bytes of UTF-8, and the PII key loaded to seal it. */
int case_check_note(wh_ctx *ctx, const char *note);
/* Validates one need; field_prefix "needs.2" or "need". */
int case_check_need(wh_ctx *ctx, const Welfare__Case__V1__Need *need, const char *field_prefix);

/* --- store (store.c, store_read.c) ------------------------------------------------------------ */

extern const wh_db_statement case_statements[];
extern const size_t case_statements_count;
/* Every statement of case (store.c's, outreach's, the batch's and the merges'), as one table joined
 * once (wh_db_statements_join); NULL when out of memory. */
const wh_db_statement *case_all_statements(size_t *n);

/* A case as the handlers need it. */
typedef struct case_record {
    int64_t id, household_id, staff_id;
    bool open;
    char dong_code[CASE_CODE_MAX + 1];
    char hub_dong_code[CASE_CODE_MAX + 1];
    bool has_location;
    double latitude, longitude;
    int risk_score;
    char opened_on[11];
} case_record;

/* What opens a case (OpenCase or HouseholdIdentified). */
typedef struct case_opening {
    int64_t household_id;
    int64_t referral_id; /* 0 for OpenCase */
    const char *dong_code;
    bool has_location;
    double latitude, longitude;
    int risk_score;
    const char *opened_on;
} case_opening;

/* The hub map kept from routing's DongDefined. */
int case_store_upsert_dong(wh_db *db, const Welfare__Routing__V1__DongDefined *d, const char *hub);
/* The hub serving a dong; *found false (hub = the dong) when routing has not defined it. */
int case_store_hub_of(wh_db *db, const char *dong_code, char hub[CASE_CODE_MAX + 1], bool *found);
/* Moves the open cases of a dong to its (new) hub; *moved says how many changed. */
int case_store_rehome_dong(wh_db *db, const char *dong_code, const char *hub, int64_t *moved);

/* Case workers from routing's staff events. */
int case_store_upsert_worker(wh_db *db, const Welfare__Routing__V1__StaffRegistered *s, bool carries);
/* The hub a worker is registered at; *found false for staff case never heard of. */
int case_store_worker_hub(wh_db *db, int64_t staff_id, char hub[CASE_CODE_MAX + 1], bool *found);
/* Sets the last working date.  0, or WH_NOT_FOUND for staff case never heard of; hub is theirs. */
int case_store_worker_until(wh_db *db, int64_t staff_id, const char *until, char hub[CASE_CODE_MAX + 1]);
/* Whether staff_id is a case worker at hub active on date, and their caseload. */
int case_store_worker_active(wh_db *db, int64_t staff_id, const char *hub, const char *date, bool *active,
                             int *caseload);
/* The hub's case workers active on date with their caseloads, by staff id (ctx memory). */
int case_store_hub_workers(wh_ctx *ctx, const char *hub, const char *date, case_worker **out, size_t *n);
/* Unassigns the hub's open cases whose worker left before date, stopped carrying cases or moved to
 * another hub; *released says how many. */
int case_store_release_departed(wh_db *db, const char *hub, const char *date, int64_t *released);
/* Open unassigned cases of the hub opened on or before date, highest risk first, then the longest
 * waiting, at most limit (ctx memory). */
int case_store_waiting(wh_ctx *ctx, const char *hub, const char *date, int limit, int64_t **ids, size_t *n);

/* Inserts an open case; *created false (and *id the open case) when the household has one, or the
 * referral opened one already. */
int case_store_insert_case(wh_db *db, const case_opening *o, const char *hub, int64_t *id, bool *created);
/* Keeps the highest risk score and the latest location on an open case. */
int case_store_raise_risk(wh_db *db, int64_t case_id, int risk_score, const case_opening *o);
int case_store_case(wh_db *db, int64_t case_id, case_record *out); /* WH_NOT_FOUND */
/* Assigns (or reassigns) a case: ends the current assignment, starts a new one. */
int case_store_assign(wh_db *db, int64_t case_id, int64_t staff_id, const char *date);
/* Closes an open case (and its assignment).  WH_FAILED_PRECONDITION when closed already. */
int case_store_close(wh_db *db, int64_t case_id, int reason, const char *date);

int case_store_insert_assessment(wh_db *db, int64_t case_id, const char *date, int64_t *id);
int case_store_insert_need(wh_db *db, int64_t assessment_id, int domain, int severity);
/* Whether the case has a linkage of the domain requested or completed. */
int case_store_domain_linked(wh_db *db, int64_t case_id, int domain, bool *linked);
/* WH_ALREADY_EXISTS while a linkage of the domain is waiting for the registry. */
int case_store_insert_linkage(wh_db *db, int64_t case_id, int64_t assessment_id, int domain, int severity,
                              const char *date, int64_t *id);

/* A linkage the registry answered, with its case's dong for the event. */
typedef struct case_linkage_answer {
    int64_t case_id;
    char dong_code[CASE_CODE_MAX + 1];
    char requested_on[11];
} case_linkage_answer;

/* Marks a requested linkage completed / failed.  WH_NOT_FOUND when unknown, WH_FAILED_PRECONDITION
 * when it was answered already. */
int case_store_complete_linkage(wh_db *db, int64_t linkage_id, int64_t resource_id, int64_t reservation_id,
                                const char *date, case_linkage_answer *out);
int case_store_fail_linkage(wh_db *db, int64_t linkage_id, const char *reason, case_linkage_answer *out);
/* A completed linkage whose reservation `released_id` (released by a merge's fold) the registry took
 * again as `reservation_id` points at the new one; 0 (a replay or an unknown linkage changes nothing)
 * or a negative status. */
int case_store_restored_reservation(wh_db *db, int64_t linkage_id, int64_t released_id,
                                    int64_t reservation_id);

/* A visit request to store (and emit). */
typedef struct case_visit {
    int64_t case_id;
    int purpose; /* welfare.case.v1.VisitPurpose */
    int roles[CASE_MAX_ROLES];
    int n_roles;
    int priority, duration_minutes;
    char earliest_on[11], latest_on[11];
    int64_t household_id;                       /* set by case_request_visit from the case */
    int window_start_minute, window_end_minute; /* 0, 0: no time window */
    char *const *skills;                        /* the visitor's skills (borrowed) */
    size_t n_skills;
    int sequence;                             /* welfare.case.v1.VisitSequence; 0: a joint visit */
    int min_delay_minutes, max_delay_minutes; /* sequential: start to next start */
    int max_lateness_minutes;                 /* soft window; 0: hard */
} case_visit;

int case_store_insert_visit_request(wh_db *db, const case_visit *v, int64_t *id);
/* The visit's roles as an integer[] literal ("{1,4}"). */
#define CASE_ROLES_LITERAL 64
void case_roles_literal(const case_visit *v, char out[CASE_ROLES_LITERAL]);
/* Records a visit's outcome once (by visit id); *fresh false for one recorded already or a request
 * case does not know. */
int case_store_visit_outcome(wh_db *db, int64_t visit_id, int64_t visit_request_id, bool completed,
                             int miss_reason, const char *date, bool *fresh);

int case_store_insert_follow_up(wh_db *db, int64_t case_id, int kind, const char *sealed_note,
                                const char *date, int64_t visit_request_id, int64_t *id);

/* For the gauges (service.c). */
typedef struct case_counts {
    int64_t open, unassigned, workers, max_caseload;
    int64_t escalated, rereferred; /* households in the hubs' escalation and re-referral queues */
} case_counts;
int case_store_counts(wh_db *db, case_counts *out);

/* Reads into reply messages (store_read.c, ctx memory). */
int case_store_read_case(wh_ctx *ctx, int64_t case_id, Welfare__Case__V1__GetCaseReply *out);
int case_store_list_cases(wh_ctx *ctx, const Welfare__Case__V1__ListCases *q,
                          Welfare__Case__V1__ListCasesReply *out);

/* --- a run of HouseholdIdentified at a time (store_batch.c) ---------------------------------------- */

extern const wh_db_statement case_batch_statements[];
extern const size_t case_batch_statements_count;

/* A HouseholdIdentified that passed its checks. */
typedef struct case_identified {
    int64_t household_id, referral_id;
    const char *dong_code;
    bool has_location;
    double latitude, longitude;
    int risk_score;
    char date[11];
} case_identified;

/* A dong's hub (case_store_hub_of). */
typedef struct case_hub {
    char dong_code[CASE_CODE_MAX + 1];
    char hub_dong_code[CASE_CODE_MAX + 1];
    bool known;   /* routing defined the dong */
    bool staffed; /* the hub has workers who carry cases */
} case_hub;

/* A hub as of one date, as its assignment pass would find it (for a hub without workers the latest
 * date of the chunk: a case it would release then it would release on any earlier date too). */
typedef struct case_hub_state {
    const char *hub_dong_code;
    const char *date;
    bool departed; /* the pass would release a case */
    case_worker *workers;
    size_t n_workers;
} case_hub_state;

/* Every statement takes a chunk of distinct households (n of them) in stream order. */
int case_store_hubs_of(wh_db *db, const char *const *dongs, size_t n, case_hub *out);
int case_store_upsert_households(wh_db *db, const case_identified *h, size_t n, bool *had_closed_case);
/* ids[i] 0 where no case was created (the household has one open, or the referral opened one). */
int case_store_insert_cases(wh_db *db, const case_opening *o, const char *const *hubs, size_t n,
                            int64_t *ids);
int case_store_decided_many(wh_db *db, const int64_t *household_ids, size_t n);
/* Fills departed and the workers (ctx memory) of each hub. */
int case_store_hubs_state(wh_ctx *ctx, case_hub_state *hubs, size_t n);
/* case_store_waiting among the cases with an id up to upto (store.c). */
int case_store_waiting_upto(wh_ctx *ctx, const char *hub, const char *date, int limit, int64_t upto,
                            int64_t **ids, size_t *n);
int case_store_insert_visit_requests(wh_db *db, const case_visit *v, size_t n, int64_t *ids);
/* The open case of a household, or the case its referral opened (after a conflict; store.c). */
int case_store_open_case_of(wh_db *db, int64_t household_id, int64_t referral_id, int64_t *id);

/* --- steps commands and events share (casework.c, assign.c) ------------------------------------ */

/* Opens a case (or finds the household's open one: *created false), gives it a worker when one is
 * free, requests the first visit, and emits CaseOpened, CaseAssigned, VisitRequested. */
int case_open(wh_ctx *ctx, const case_opening *o, case_record *out, int64_t *visit_request_id, bool *created);

/* Requests a linkage for one need of a case and emits LinkageRequested.  WH_ALREADY_EXISTS. */
int case_request_linkage(wh_ctx *ctx, const case_record *c, int64_t assessment_id, int domain, int severity,
                         const char *date, int64_t *linkage_id);

/* Stores a visit request of a case and emits VisitRequested. */
int case_request_visit(wh_ctx *ctx, const case_record *c, case_visit *v, int64_t *visit_request_id);

/* Reads an open case for a command: fails the ctx with a typed error naming the field when the id is
 * missing or unknown (case_id), the case is closed (case_id), or date (may be NULL) is before it was
 * opened (date_field). */
int case_load_open(wh_ctx *ctx, int64_t case_id, const char *date, const char *date_field, case_record *c);

/* The role a case's own visits go with: its worker's, a welfare official's while unassigned. */
int case_worker_role(wh_ctx *ctx, const case_record *c, int *role);

/* Assigns one case to staff_id and emits CaseAssigned. */
int case_assign_to(wh_ctx *ctx, int64_t case_id, int64_t staff_id, const char *date);
/* The two halves of case_assign_to: the assignment stored (the case's dong into dong_code), and its
 * CaseAssigned emitted. */
int case_assign_store(wh_ctx *ctx, int64_t case_id, int64_t staff_id, const char *date,
                      char dong_code[CASE_CODE_MAX + 1]);
int case_emit_assigned(wh_ctx *ctx, int64_t case_id, int64_t staff_id, const char *dong_code,
                       const char *date);
/* The cases a hub's workers can still take (caseload below limit). */
int case_room(const case_worker *w, size_t n, int limit);

/* The parts of case_open a batch of openings shares (apply_intake_batch.c): CaseOpened, the first
 * visit of a case whose worker has worker_role (case_worker_role), its VisitRequested once stored,
 * and a household's open case kept at its highest risk and latest location. */
int case_emit_opened(wh_ctx *ctx, const case_record *c);
void case_first_visit(wh_ctx *ctx, const case_record *c, int worker_role, case_visit *v);
int case_emit_visit_requested(wh_ctx *ctx, const case_record *c, const case_visit *v,
                              int64_t visit_request_id);
int case_update_open(wh_ctx *ctx, const case_opening *o, int64_t case_id, case_record *out);

/* The hub's assignment pass as of a date: unassigns the cases of workers gone, then gives waiting
 * cases (highest risk, longest waiting first) to the workers with room, lowest caseload first.
 * Emits CaseAssigned for each; *assigned counts them (may be NULL). */
int case_assign_waiting(wh_ctx *ctx, const char *hub, const char *date, int *assigned);

/* Closes an open case: stores it, emits CaseClosed, runs the hub's assignment pass (the freed place). */
int case_close(wh_ctx *ctx, const case_record *c, int reason, const char *date);
/* Seals a note with the PII key (caller frees *out); WH_FAILED_PRECONDITION without the key. */
int case_seal_note(const char *note, char **out);
/* Opens a sealed note (caller frees *out). */
int case_open_note(const char *sealed, char **out);

/* --- handlers --------------------------------------------------------------------------------- */

int case_handle_open_case(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int case_handle_assign_case(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int case_handle_close_case(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int case_handle_assess_needs(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int case_handle_request_linkage(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int case_handle_request_visit(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int case_handle_record_follow_up(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int case_handle_get_case(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int case_handle_list_cases(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);

int case_apply_household_identified(wh_ctx *ctx, const ProtobufCMessage *event);
/* intake's HouseholdsMerged / HouseholdsUnmerged (apply_merge.c). */
int case_apply_households_merged(wh_ctx *ctx, const ProtobufCMessage *event);
int case_apply_households_unmerged(wh_ctx *ctx, const ProtobufCMessage *event);
/* store_merge.c (its statements join the others at start): */
extern const wh_db_statement case_merge_statements[];
extern const size_t case_merge_statements_count;
/* The merged household out of the outreach queues (merged_into) and the kept one's risk; undone. */
int case_store_merge(wh_db *db, int64_t household_id, int64_t merged_household_id, int risk_score);
int case_store_unmerge(wh_db *db, int64_t household_id, int64_t restored_household_id, int risk_score,
                       int restored_risk_score);
/* The merge recorded once: 1 the first time, 0 for a replay, or a status. */
int case_store_merge_record(wh_db *db, int64_t merge_id, int64_t household_id, int64_t merged_household_id);
/* What the merge did with the merged household's open case: moved, or folded (closed as merged). */
int case_store_merge_note(wh_db *db, int64_t merge_id, int64_t case_id, bool folded);
/* The merge undone once: 1 with its case (0 when none) and whether it was folded, 0 when it was
 * undone already or never seen, or a status. */
int case_store_merge_undo(wh_db *db, int64_t merge_id, int64_t *case_id, bool *folded);
/* The household's open case, 0 when none. */
int case_store_open_case(wh_db *db, int64_t household_id, int64_t *case_id);
/* An open case given to household_id, unless that one has an open case already (*moved false). */
int case_store_move(wh_db *db, int64_t case_id, int64_t household_id, bool *moved);
/* A case closed as merged open again, unless its household has an open case (*reopened false). */
int case_store_reopen(wh_db *db, int64_t case_id, bool *reopened);
/* The same for a fetched run of HouseholdIdentified (apply_intake_batch.c). */
int case_apply_households_identified(wh_ctx *const *ctx, const ProtobufCMessage *const *events, size_t n);
int case_apply_dong_defined(wh_ctx *ctx, const ProtobufCMessage *event);
int case_apply_staff_registered(wh_ctx *ctx, const ProtobufCMessage *event);
int case_apply_staff_deactivated(wh_ctx *ctx, const ProtobufCMessage *event);
int case_apply_visit_completed(wh_ctx *ctx, const ProtobufCMessage *event);
int case_apply_visit_missed(wh_ctx *ctx, const ProtobufCMessage *event);
int case_apply_capacity_reserved(wh_ctx *ctx, const ProtobufCMessage *event);
int case_apply_match_failed(wh_ctx *ctx, const ProtobufCMessage *event);

/* --- outreach to any identified household (outreach.c, store_outreach.c) ---------------------- */

#define CASE_OUTCOME_MET         WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_MET_COUNSELLED
#define CASE_OUTCOME_NOT_AT_HOME WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_NOT_AT_HOME
#define CASE_OUTCOME_REFUSED     WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_REFUSED
#define CASE_OUTCOME_MOVED       WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_MOVED
#define CASE_OUTCOME_DECEASED    WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_DECEASED

extern const wh_db_statement case_outreach_statements[];
extern const size_t case_outreach_statements_count;

/* A household as outreach needs it. */
typedef struct case_household {
    int64_t id, open_case_id;
    char dong_code[CASE_CODE_MAX + 1];
    char hub_dong_code[CASE_CODE_MAX + 1];
    bool has_location;
    double latitude, longitude;
    int risk_score, failed_attempts;
    char identified_on[11];
    bool escalated, watch_ended;
} case_household;

/* What a visit's outcome does to the watch: a failed attempt (not at home, refused), a meeting, or
 * the end of the watch (moved, deceased).  Pure. */
bool case_outcome_failed(int outcome);
bool case_outcome_valid(int outcome);
/* Routing's miss reason as a visit outcome: 0 when it is no attempt (staff unavailable, out of time). */
int case_outcome_of_miss(int miss_reason);

/* Keeps every identified household (latest risk, latest location); *had_closed_case true when it has
 * a closed case and no open one (a re-report goes to the hub's decision). */
int case_store_upsert_household(wh_db *db, const Welfare__Intake__V1__HouseholdIdentified *ev,
                                const char *date, bool *had_closed_case);
int case_store_household(wh_db *db, int64_t household_id, case_household *out); /* WH_NOT_FOUND */
/* A home visit row; visit_id 0 for an unplanned one. *fresh false when visit_id has one already. */
typedef struct case_home_visit {
    int64_t household_id, case_id, visit_id;
    const char *visited_on;
    int outcome;
    const int *roles;
    int n_roles;
    const Welfare__Case__V1__Need *const *needs;
    size_t n_needs;
    const char *note_sealed, *follow_up_on;
    bool detailed;
} case_home_visit;
int case_store_insert_home_visit(wh_db *db, const case_home_visit *v, int64_t *id, bool *fresh);
/* The home visit routing reported for visit_id: WH_NOT_FOUND; *detailed when RecordHomeVisit gave its
 * details already. */
int case_store_planned_visit(wh_db *db, int64_t visit_id, int64_t *id, int *outcome, bool *detailed,
                             int64_t *household_id, char visited_on[11]);
int case_store_detail_home_visit(wh_db *db, int64_t id, const case_home_visit *v);
/* Applies a visit's outcome to the household: returns the failed attempts in a row after it and
 * whether this one escalated (at `limit`). */
int case_store_household_attempt(wh_db *db, int64_t household_id, int outcome, const char *date, int limit,
                                 int *failed_attempts, bool *escalated);
/* The household of a visit request (0 when none). */
int case_store_request_household(wh_db *db, int64_t visit_request_id, int64_t *household_id);
int case_store_list_due(wh_ctx *ctx, const char *hub, const char *as_of, bool overdue_only, bool unrequested,
                        int limit, Welfare__Case__V1__DueVisit ***out, size_t *n);
int case_store_list_escalations(wh_ctx *ctx, const char *hub, int limit, Welfare__Case__V1__Escalation ***out,
                                size_t *n);
/* A case opened for the household: it no longer waits for the hub's decision. */
int case_store_decided(wh_db *db, int64_t household_id);
int case_store_list_rereferrals(wh_ctx *ctx, const char *hub, int limit, Welfare__Case__V1__ReReferral ***out,
                                size_t *n);
/* The case plan's goals and the case team (store_plan.c). */
int case_store_upsert_goal(wh_db *db, int64_t case_id, int domain, int status, const char *target_on,
                           const char *sealed_note, const char *set_on, int64_t *id);
/* Whether staff_id is registered at hub and active on date. */
int case_store_staff_at_hub(wh_db *db, int64_t staff_id, const char *hub, const char *date, bool *ok);
/* Adds (or changes the role of) a team member, or takes one off: WH_FAILED_PRECONDITION when not on it. */
int case_store_team_set(wh_db *db, int64_t case_id, int64_t staff_id, int role, bool active, const char *on,
                        int *team_size);
int case_store_read_plan(wh_ctx *ctx, int64_t case_id, Welfare__Case__V1__GetCaseReply *out);
char *case_note_for_reader(wh_ctx *ctx, const char *sealed, const char *kind, int64_t id);
int case_handle_set_case_goal(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int case_handle_set_case_team_member(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
/* Whether the household of a case was escalated (CLOSE_REASON_UNREACHABLE needs it). */
int case_store_case_escalated(wh_db *db, int64_t case_id, bool *escalated);

/* Asks routing for a visit of a household (its open case's when it has one): stores and emits
 * VisitRequested. */
int case_request_household_visit(wh_ctx *ctx, const case_household *h, case_visit *v,
                                 int64_t *visit_request_id);
/* Applies an outcome (routing's or RecordHomeVisit's) to the household's watch; emits
 * HouseholdEscalated when it escalates. */
int case_outreach_attempt(wh_ctx *ctx, const case_household *h, int outcome, const char *date,
                          int *failed_attempts, bool *escalated);
/* A planned visit's outcome from routing, for a household-level request. */
int case_outreach_routing_outcome(wh_ctx *ctx, int64_t visit_id, int64_t visit_request_id, int outcome,
                                  const char *date);

int case_handle_request_home_visit(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int case_handle_record_home_visit(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int case_handle_list_due_visits(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int case_handle_propose_due_visits(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int case_handle_list_escalations(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int case_handle_list_re_referrals(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);

/* The service as data (service.c). */
const wh_service_def *case_service_def(void);

#endif

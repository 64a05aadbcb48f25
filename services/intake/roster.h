/*
 * roster.h — the roster of people subject to welfare ("targets"): the programme table, the union of
 * a person's enrolment intervals and its steps (pure), the roster's store and the code that applies
 * enrolment changes and emits PersonEnrolled / TargetsChanged.
 *
 * A person is a target on every day covered by one of their enrolments.  The union of their
 * [start, end] intervals — touching or overlapping intervals merged — is their list of spells; any
 * change of enrolments is published as the steps between the spells before and after (+1 on the day
 * a spell starts, -1 on the day after it ends), so a consumer that sums a dong's steps up to a day D
 * holds the exact number of its targets on D without knowing who they are.
 */
#ifndef INTAKE_ROSTER_H
#define INTAKE_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intake.h"

#include "welfare/intake/v1/roster.pb-c.h"

/* --- the programme table (programmes.c) -------------------------------------------------------- */

typedef struct intake_programme {
    const char *code; /* as enrolments carry it: "nbls_living" */
    const char *name_ko;
    const char *name_en;
    const char *level; /* "national" or "district" (the district's ordinances) */
} intake_programme;

extern const intake_programme intake_programmes[];
extern const size_t intake_programmes_count;

/* The programme with that code, or NULL. */
const intake_programme *intake_programme_find(const char *code);

/* --- spells (spells.c, pure) ------------------------------------------------------------------- */

/* Days since 1970-01-01; an open end is INTAKE_DAY_OPEN, a date that does not parse
 * INTAKE_DAY_INVALID. */
#define INTAKE_DAY_OPEN    INT32_MAX
#define INTAKE_DAY_INVALID INT32_MIN

typedef struct intake_span {
    int32_t from, until; /* both days included; until INTAKE_DAY_OPEN while it runs */
} intake_span;

typedef struct intake_step {
    int32_t day;
    int32_t delta;
} intake_step;

/* The day number of "YYYY-MM-DD", or INTAKE_DAY_INVALID when it is not a valid date (intake_date_parse). */
int32_t intake_day_number(const char *date);
/* "YYYY-MM-DD" of a day number (not INTAKE_DAY_OPEN) into out. */
void intake_day_format(int32_t day, char out[INTAKE_DATE_LEN + 1]);

/* Sorts spans[n] and merges the ones that overlap or touch (one ends the day before the other
 * starts) in place.  Returns how many are left: the union as disjoint, non-adjacent spans by date. */
size_t intake_spans_union(intake_span *spans, size_t n);

/* The steps that turn the union before into the union after (both as intake_spans_union leaves
 * them): +1 at each start and -1 the day after each end of after, the opposite for before, summed by
 * day, zero sums dropped, by day.  out holds 2 * (n_before + n_after) steps.  Returns how many. */
size_t intake_spans_steps(const intake_span *before, size_t n_before, const intake_span *after,
                          size_t n_after, intake_step *out);

/* --- checks (validate_roster.c, pure) ---------------------------------------------------------- */

/* What an EnrolmentRow becomes once checked: the referral it would be for a person intake does not
 * know (channel CHANNEL_ROSTER, known to a programme, reported on start_on), its checks, the dates. */
typedef struct intake_roster_row {
    const Welfare__Intake__V1__EnrolmentRow *row;
    Welfare__Intake__V1__SubmitReferral referral;
    Welfare__Intake__V1__ReferredHousehold household;
    Welfare__Intake__V1__ReferredPerson *person; /* referral.persons[0] */
    intake_checked checked;
    const intake_programme *programme;
    int32_t start, end; /* day numbers; end INTAKE_DAY_OPEN when open */
} intake_roster_row;

/* Checks an EnrolmentRow: the person and household as a referral's (field paths "person.rrn",
 * "household.dong_code"), the programme, the dates (end not before start, nobody born after start)
 * and the exit reason.  0, or WH_INVALID_ARGUMENT with *err filled. */
int intake_validate_enrolment(const Welfare__Intake__V1__EnrolmentRow *row, intake_roster_row *out,
                              intake_error *err);
/* True for a defined ExitReason, UNSPECIFIED included. */
bool intake_exit_reason_valid(int reason);

/* --- applying changes (roster_apply.c) --------------------------------------------------------- */

/* One enrolment to record for a person known to intake: created when the person has none in that
 * programme from that start, else its end and exit reason set. */
typedef struct intake_enrol_change {
    int64_t person_id, household_id;
    const char *dong_code;
    const char *programme; /* a code of the table */
    int32_t start, end;    /* end INTAKE_DAY_OPEN when open */
    int exit_reason;
    int source;               /* EnrolmentSource, for a new enrolment */
    const char *decided_from; /* "" or SelectForPublicAid.decided_from, for a new enrolment */
    /* out */
    int64_t enrolment_id;
    bool is_new, changed;
} intake_enrol_change;

typedef struct intake_roster_result {
    int enrolments_added, enrolments_changed;
    int targets_changed; /* persons whose spells changed */
} intake_roster_result;

/* Applies changes[n] in order (a later change of the same enrolment wins) with a handful of
 * statements: the persons' stored enrolments read at once, the new ones inserted and the changed ones
 * updated in one statement each; emits PersonEnrolled per enrolment created or changed and
 * TargetsChanged per person whose spells changed.  0 or a negative status (after wh_ctx_fail). */
int intake_roster_apply(wh_ctx *ctx, intake_enrol_change *changes, size_t n, intake_roster_result *out);

/* Persons moved from one household to another (ResolveDuplicate's merge): when the dongs differ,
 * every moved person's spells leave the first dong and enter the second (two TargetsChanged each), so
 * each dong's stock stays exact.  0 or a negative status (after wh_ctx_fail). */
typedef struct intake_roster_moving {
    int64_t from_household, to_household;
    const char *from_dong, *to_dong;
    const int64_t *person_ids;
    size_t n_persons;
} intake_roster_moving;
int intake_roster_move(wh_ctx *ctx, const intake_roster_moving *m);

/* intake_enrolments_total{result=added|changed} and intake_targets_changed_total (service.c). */
void intake_metrics_roster(int added, int changed, int persons);

/* TargetsChanged of one person's household and dong with steps[n] (n > 0). */
int intake_emit_targets_changed(wh_ctx *ctx, int64_t household_id, const char *dong_code,
                                const intake_step *steps, size_t n);

/* --- store (store_roster.c) -------------------------------------------------------------------- */

extern const wh_db_statement intake_roster_statements[];
extern const size_t intake_roster_statements_count;

/* intake_statements then intake_roster_statements, for the service and the tests. */
const wh_db_statement *intake_all_statements(size_t *n);

/* A stored enrolment. */
typedef struct intake_enrolment {
    int64_t id, person_id;
    char programme[32];
    int32_t start, end;
    int exit_reason, source;
    char decided_from[65];
} intake_enrolment;

/* A person as the roster needs them. */
typedef struct intake_roster_person {
    int64_t person_id, household_id;
    char dong_code[16];
} intake_roster_person;

/* The stored persons with each of rrn_hashes[n]: found[i] set and persons[i] filled for each. */
int intake_store_persons_by_rrn(wh_db *db, const char *const *rrn_hashes, size_t n,
                                intake_roster_person *persons, bool *found);
/* The person of household_id with that name key (the oldest), into *out; WH_NOT_FOUND when none. */
int intake_store_person_by_name_key(wh_db *db, int64_t household_id, const char *name_key,
                                    intake_roster_person *out);
/* The members of a live household, in order of registration: malloc'd ids (caller frees), the dong.
 * WH_NOT_FOUND for an unknown household, WH_FAILED_PRECONDITION (merged_into set) for a merged one. */
int intake_store_household_members(wh_db *db, int64_t household_id, int64_t **ids, size_t *n,
                                   char dong_code[16], int64_t *merged_into);
/* Every enrolment of persons[n], by person then id: malloc'd (caller frees). */
int intake_store_enrolments_of(wh_db *db, const int64_t *person_ids, size_t n, intake_enrolment **out,
                               size_t *n_out);
/* One enrolment and its person; WH_NOT_FOUND when unknown. */
int intake_store_enrolment(wh_db *db, int64_t id, intake_enrolment *e, intake_roster_person *p);
/* Inserts rows[n] (their ids taken here, in order) and updates the end and exit reason of
 * changed[m]. */
int intake_store_write_enrolments(wh_db *db, intake_enrolment *rows, size_t n,
                                  const intake_enrolment *changed, size_t m);

/* --- the bulk path's emission, shared with ImportReferralBlock (handle_import.c) --------------- */

typedef struct intake_bulk_counts {
    int new_households, blind_spots, persons_added, duplicates_suspected;
} intake_bulk_counts;

/* Every stored row's events of an attached set, in row order, and the metrics; counts added to c. */
int intake_emit_bulk(wh_ctx *ctx, const intake_bulk *set, intake_bulk_counts *c);

/* The checks of a block's header (ImportReferralBlock, ImportEnrolmentBlock): import_id 1..64 bytes of
 * UTF-8, block_no >= 0, 1..INTAKE_BLOCK_MAX_ROWS rows.  0, or the failure (after wh_ctx_fail). */
int intake_check_block(wh_ctx *ctx, const char *import_id, int64_t block_no, size_t n_rows);

/* --- handlers (handle_roster.c) ---------------------------------------------------------------- */

int intake_handle_record_enrolment(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int intake_handle_import_enrolments(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int intake_handle_select_for_aid(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
/* A started public-programme linkage (registry's ServiceLinkageChanged) as the hub's decision
 * (apply_linkage.c); the registry's programme as a roster code, NULL when none. */
int intake_apply_service_linkage(wh_ctx *ctx, const ProtobufCMessage *event);
const char *intake_programme_of_linkage(int programme);
int intake_handle_end_enrolment(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int intake_handle_list_enrolments(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int intake_handle_list_programmes(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);

#endif

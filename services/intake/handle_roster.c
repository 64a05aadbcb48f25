/*
 * handle_roster.c — the roster's commands: ImportEnrolmentBlock and RecordEnrolment (rows of a
 * national list), SelectForPublicAid (a hub's decision), EndEnrolment (an exit), and the queries
 * ListEnrolments and ListProgrammes.
 *
 * A row's person is matched with the referral path's own rule and code: the row is checked as the
 * referral it would be (validate_roster.c), hashed and sealed by intake_prepare_referral, looked up by
 * its resident-number hash, and — when intake does not know the person — attached by the set-wise
 * resolver of ImportReferralBlock (intake_store_attach_many) as a referral of channel CHANNEL_ROSTER,
 * once per person however many rows name them.  Enrolment changes then go through
 * intake_roster_apply (roster_apply.c), which emits PersonEnrolled and TargetsChanged.  A block's row
 * may carry its own id (import_rows.c, as ImportReferralBlock's): a row applied before under its id
 * with the same enrolment is answered "already imported" and not applied again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dongs.h"
#include "import_rows.h"
#include "roster.h"
#include "safety_net.h"

/* --- rows of a national list ------------------------------------------------------------------- */

typedef struct roster_block {
    size_t n;
    intake_roster_row *rows;
    int *status;
    const char **message;
    intake_error *err;
    intake_prepared *prep;
    intake_person_row *persons; /* one per row */
    intake_roster_person *who;
    bool *found;
    size_t *first_of; /* an unknown person's first row (the one attached) */
    intake_bulk_row *bulk;
    size_t *bulk_row; /* bulk index → row */
    intake_bulk set;
    intake_enrol_change *changes;
    size_t n_changes;
    intake_bulk_counts counts;
    intake_roster_result result;
} roster_block;

static void row_fail(roster_block *b, size_t i, int status, const char *field, const char *message)
{
    b->status[i] = status;
    snprintf(b->err[i].field, sizeof b->err[i].field, "%s", field ? field : "");
    b->message[i] = message;
}

static int block_alloc(roster_block *b, size_t n)
{
    b->n = n;
    b->rows = calloc(n, sizeof *b->rows);
    b->status = calloc(n, sizeof *b->status);
    b->message = calloc(n, sizeof *b->message);
    b->err = calloc(n, sizeof *b->err);
    b->prep = calloc(n, sizeof *b->prep);
    b->persons = calloc(n, sizeof *b->persons);
    b->who = calloc(n, sizeof *b->who);
    b->found = calloc(n, sizeof *b->found);
    b->first_of = calloc(n, sizeof *b->first_of);
    b->bulk = calloc(n, sizeof *b->bulk);
    b->bulk_row = calloc(n, sizeof *b->bulk_row);
    b->changes = calloc(n, sizeof *b->changes);
    return b->rows && b->status && b->message && b->err && b->prep && b->persons && b->who && b->found &&
                   b->first_of && b->bulk && b->bulk_row && b->changes
               ? 0
               : WH_INTERNAL;
}

static void block_free(roster_block *b)
{
    for (size_t i = 0; b->prep && i < b->n; i++)
        intake_prepared_free(&b->prep[i]);
    intake_bulk_free(&b->set);
    if (b->rows)
        memset(b->rows, 0, b->n * sizeof *b->rows); /* parsed numbers do not outlive the command */
    free(b->rows);
    free(b->status);
    free(b->message);
    free(b->err);
    free(b->prep);
    free(b->persons);
    free(b->who);
    free(b->found);
    free(b->first_of);
    free(b->bulk);
    free(b->bulk_row);
    free(b->changes);
}

static void validate_rows(roster_block *b, const Welfare__Intake__V1__EnrolmentRow *const *rows)
{
    for (size_t i = 0; i < b->n; i++) {
        if (!rows[i]) {
            row_fail(b, i, WH_INVALID_ARGUMENT, "", "enrolment is required");
            continue;
        }
        intake_error err;
        if (intake_validate_enrolment(rows[i], &b->rows[i], &err) < 0)
            row_fail(b, i, WH_INVALID_ARGUMENT, err.field, err.message);
    }
}

/* A row naming a dong routing has not defined is refused like a referral's (dongs.c), before any
 * person is looked up or attached. */
static int check_dongs(wh_db *db, roster_block *b)
{
    const char **codes = calloc(b->n, sizeof *codes);
    size_t *at = malloc(b->n * sizeof *at), k = 0;
    int *status = malloc(b->n * sizeof *status);
    int rc = codes && at && status ? 0 : WH_INTERNAL;
    for (size_t i = 0; rc == 0 && i < b->n; i++)
        if (b->status[i] == 0) {
            at[k] = i;
            codes[k++] = b->rows[i].referral.household->dong_code;
        }
    if (rc == 0)
        rc = intake_dongs_check(db, codes, k, status);
    for (size_t j = 0; rc == 0 && j < k; j++)
        if (status[j] != 0)
            row_fail(b, at[j], status[j], "household.dong_code", intake_dong_refusal(status[j]));
    free(codes);
    free(at);
    free(status);
    return rc;
}

static int prepare_rows(roster_block *b)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->status[i] == 0 && intake_prepare_referral(&b->rows[i].referral, &b->rows[i].checked,
                                                         &b->persons[i], &b->prep[i]) < 0)
            return WH_INTERNAL;
    return 0;
}

/* The rows' persons by resident-number hash (only rows not found yet, when again). */
static int look_up(wh_db *db, roster_block *b)
{
    const char **hashes = calloc(b->n, sizeof *hashes);
    size_t *at = malloc(b->n * sizeof *at), k = 0;
    intake_roster_person *who = calloc(b->n, sizeof *who);
    bool *found = calloc(b->n, sizeof *found);
    int rc = hashes && at && who && found ? 0 : WH_INTERNAL;
    for (size_t i = 0; rc == 0 && i < b->n; i++)
        if (b->status[i] == 0 && !b->found[i]) {
            at[k] = i;
            hashes[k++] = b->persons[i].rrn_hash;
        }
    if (rc == 0)
        rc = intake_store_persons_by_rrn(db, hashes, k, who, found);
    for (size_t j = 0; rc == 0 && j < k; j++)
        if (found[j]) {
            b->found[at[j]] = true;
            b->who[at[j]] = who[j];
        }
    free(hashes);
    free(at);
    free(who);
    free(found);
    return rc;
}

static const roster_block *sort_block;

static int cmp_rrn(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, c = *(const size_t *)y;
    int d = strcmp(sort_block->persons[a].rrn_hash, sort_block->persons[c].rrn_hash);
    return d ? d : (a > c) - (a < c);
}

/* Persons intake does not know: the first row of each is attached as a referral (set-wise), the
 * others wait for it. */
static int attach_unknown(wh_ctx *ctx, roster_block *b)
{
    size_t *idx = malloc(b->n * sizeof *idx), k = 0;
    if (!idx)
        return WH_INTERNAL;
    for (size_t i = 0; i < b->n; i++)
        if (b->status[i] == 0 && !b->found[i])
            idx[k++] = i;
    sort_block = b;
    qsort(idx, k, sizeof *idx, cmp_rrn);
    bool *first = calloc(b->n, sizeof *first);
    if (!first) {
        free(idx);
        return WH_INTERNAL;
    }
    for (size_t j = 0; j < k; j++) {
        bool same = j > 0 && strcmp(b->persons[idx[j]].rrn_hash, b->persons[idx[j - 1]].rrn_hash) == 0;
        b->first_of[idx[j]] = same ? b->first_of[idx[j - 1]] : idx[j];
        first[idx[j]] = !same;
    }
    free(idx);
    for (size_t i = 0; i < b->n; i++) /* in row order, as the rows would be submitted */
        if (first[i]) {
            b->bulk_row[b->set.n_rows] = i;
            b->bulk[b->set.n_rows++] = (intake_bulk_row){
                .m = &b->rows[i].referral, .checked = &b->rows[i].checked, .prep = &b->prep[i]};
        }
    free(first);
    if (b->set.n_rows == 0)
        return 0;
    b->set.rows = b->bulk;
    b->set.write = intake_bulk_write_mode;
    int rc = intake_store_attach_many(wh_ctx_db(ctx), &b->set);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not store the block's new persons");
    return intake_emit_bulk(ctx, &b->set, &b->counts);
}

/* After the attach: every attached person by number, or — when their household held someone with
 * their name key already, so they were not added — that person. */
static int resolve_attached(wh_ctx *ctx, roster_block *b)
{
    int rc = look_up(wh_ctx_db(ctx), b);
    for (size_t j = 0; rc == 0 && j < b->set.n_rows; j++) {
        size_t i = b->bulk_row[j];
        if (b->found[i])
            continue;
        rc = intake_store_person_by_name_key(wh_ctx_db(ctx), b->set.rows[j].state.id, b->persons[i].name_key,
                                             &b->who[i]);
        b->found[i] = rc == 0;
    }
    for (size_t i = 0; rc == 0 && i < b->n; i++)
        if (b->status[i] == 0 && !b->found[i]) {
            b->who[i] = b->who[b->first_of[i]];
            b->found[i] = b->found[b->first_of[i]];
            if (!b->found[i])
                rc = WH_INTERNAL;
        }
    return rc < 0 ? wh_ctx_fail(ctx, rc, NULL, "could not resolve the block's persons") : 0;
}

static int enrol_rows(wh_ctx *ctx, roster_block *b, int source)
{
    for (size_t i = 0; i < b->n; i++) {
        if (b->status[i] != 0)
            continue;
        const intake_roster_row *r = &b->rows[i];
        b->changes[b->n_changes++] = (intake_enrol_change){
            .person_id = b->who[i].person_id,
            .household_id = b->who[i].household_id,
            .dong_code = b->who[i].dong_code,
            .programme = r->programme->code,
            .start = r->start,
            .end = r->end,
            .exit_reason = r->row->exit_reason,
            .source = source,
            .decided_from = "",
        };
    }
    return intake_roster_apply(ctx, b->changes, b->n_changes, &b->result);
}

/* Every step of rows[n] (n > 0): 0 with the rows' failures in b->status, or a failure of the whole. */
static int roster_rows(wh_ctx *ctx, const Welfare__Intake__V1__EnrolmentRow *const *rows, size_t n,
                       int source, roster_block *b)
{
    if (block_alloc(b, n) < 0)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    validate_rows(b, rows);
    int rc = check_dongs(wh_ctx_db(ctx), b);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the dongs");
    if (prepare_rows(b) < 0)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "could not protect personal data");
    rc = look_up(wh_ctx_db(ctx), b);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read persons");
    if ((rc = attach_unknown(ctx, b)) < 0 || (rc = resolve_attached(ctx, b)) < 0)
        return rc;
    return enrol_rows(ctx, b, source);
}

/* An ImportEnrolmentBlock run: the rows to apply (their ids new, import_rows.c) as a roster block,
 * at[k] the block position of its k-th row, pos[i] the roster row of block row i (SIZE_MAX: not run). */
typedef struct enrol_run {
    const Welfare__Intake__V1__ImportEnrolmentBlock *m;
    intake_import_rows ids;
    const char **row_id;
    const ProtobufCMessage **payload;
    const Welfare__Intake__V1__EnrolmentRow **rows;
    size_t n_run, *at, *pos;
    bool *stored;
    int64_t *referral_of;
    roster_block b;
} enrol_run;

/* Block row i's failure, from its id or from the roster: 0 when it has none (intake_row_failure_fn). */
static int enrol_failure(const void *arg, size_t i, int64_t *line, const char **field, const char **message)
{
    const enrol_run *run = arg;
    *line = run->m->rows[i] ? run->m->rows[i]->line : 0;
    int refused = intake_import_row_refused(&run->ids, i, field, message);
    if (refused != 0 || run->pos[i] == SIZE_MAX)
        return refused;
    *field = run->b.err[run->pos[i]].field;
    *message = run->b.message[run->pos[i]];
    return run->b.status[run->pos[i]];
}

static int block_errors(wh_ctx *ctx, const enrol_run *run, Welfare__Intake__V1__ImportEnrolmentBlockReply *r)
{
    int rc = intake_import_row_errors(ctx, run, run->m->n_rows, enrol_failure, &r->errors, &r->n_errors,
                                      &r->rows_failed);
    r->rows_ok = (int32_t)(run->m->n_rows - (size_t)r->rows_failed);
    return rc;
}

static const char *sender_name(wh_ctx *ctx)
{
    const wh_principal *p = wh_ctx_principal(ctx);
    return p ? p->name : "";
}

static int enrol_run_alloc(enrol_run *run, size_t n)
{
    run->row_id = calloc(n, sizeof *run->row_id);
    run->payload = calloc(n, sizeof *run->payload);
    run->rows = calloc(n, sizeof *run->rows);
    run->at = calloc(n, sizeof *run->at);
    run->pos = calloc(n, sizeof *run->pos);
    run->stored = calloc(n, sizeof *run->stored);
    run->referral_of = calloc(n, sizeof *run->referral_of);
    return run->row_id && run->payload && run->rows && run->at && run->pos && run->stored && run->referral_of
               ? 0
               : WH_INTERNAL;
}

static void enrol_run_free(enrol_run *run)
{
    block_free(&run->b);
    intake_import_rows_free(&run->ids);
    free(run->row_id);
    free(run->payload);
    free(run->rows);
    free(run->at);
    free(run->pos);
    free(run->stored);
    free(run->referral_of);
}

/* The rows whose ids are new through the roster; then the ids of those applied recorded, each with the
 * referral it attached for an unknown person (0: none). */
static int run_enrolments(wh_ctx *ctx, enrol_run *run)
{
    const Welfare__Intake__V1__ImportEnrolmentBlock *m = run->m;
    for (size_t i = 0; i < m->n_rows; i++) {
        run->pos[i] = SIZE_MAX;
        if (run->ids.state[i] != INTAKE_ROW_NEW)
            continue;
        run->pos[i] = run->n_run;
        run->at[run->n_run] = i;
        run->rows[run->n_run++] = m->rows[i] ? m->rows[i]->enrolment : NULL;
    }
    if (run->n_run == 0)
        return 0;
    int rc = roster_rows(ctx, run->rows, run->n_run,
                         WELFARE__INTAKE__V1__ENROLMENT_SOURCE__ENROLMENT_SOURCE_NATIONAL_LIST, &run->b);
    if (rc < 0)
        return rc;
    for (size_t k = 0; k < run->n_run; k++)
        run->stored[run->at[k]] = run->b.status[k] == 0;
    for (size_t j = 0; j < run->b.set.n_rows; j++)
        run->referral_of[run->at[run->b.bulk_row[j]]] = run->b.set.rows[j].referral_id;
    if ((rc = intake_import_rows_record(wh_ctx_db(ctx), sender_name(ctx), &run->ids, run->stored,
                                        run->referral_of)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not record the block's row ids");
    return 0;
}

int intake_handle_import_enrolments(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__ImportEnrolmentBlock *m = (const void *)req;
    int rc = intake_check_block(ctx, m->import_id, m->block_no, m->n_rows);
    if (rc < 0)
        return rc;
    intake_memory_used();
    Welfare__Intake__V1__ImportEnrolmentBlockReply *r = wh_ctx_alloc(ctx, sizeof *r);
    enrol_run run = {.m = m};
    if (!r || enrol_run_alloc(&run, m->n_rows) < 0) {
        enrol_run_free(&run);
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    }
    welfare__intake__v1__import_enrolment_block_reply__init(r);
    for (size_t i = 0; i < m->n_rows; i++)
        if (m->rows[i]) {
            run.row_id[i] = m->rows[i]->row_id;
            run.payload[i] = m->rows[i]->enrolment ? &m->rows[i]->enrolment->base : NULL;
        }
    if ((rc = intake_import_rows_begin(wh_ctx_db(ctx), sender_name(ctx), m->n_rows, run.row_id, run.payload,
                                       &run.ids)) < 0)
        rc = wh_ctx_fail(ctx, rc, NULL, "could not read the block's row ids");
    if (rc == 0 && (rc = run_enrolments(ctx, &run)) == 0 && (rc = block_errors(ctx, &run, r)) == 0 &&
        (rc = intake_import_rows_already(ctx, &run.ids, &r->already_imported_rows,
                                         &r->n_already_imported_rows)) == 0) {
        r->enrolments_added = run.b.result.enrolments_added;
        r->enrolments_changed = run.b.result.enrolments_changed;
        r->targets_changed = run.b.result.targets_changed;
        r->persons_added = run.b.counts.persons_added;
        r->new_households = run.b.counts.new_households;
        *reply = &r->base;
    }
    enrol_run_free(&run);
    return rc;
}

int intake_handle_record_enrolment(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__RecordEnrolment *m = (const void *)req;
    if (!m->enrolment)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "enrolment", "enrolment is required");
    Welfare__Intake__V1__RecordEnrolmentReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__intake__v1__record_enrolment_reply__init(r);
    const Welfare__Intake__V1__EnrolmentRow *rows[1] = {m->enrolment};
    roster_block b = {0};
    int rc = roster_rows(ctx, rows, 1, WELFARE__INTAKE__V1__ENROLMENT_SOURCE__ENROLMENT_SOURCE_OPERATOR, &b);
    if (rc == 0 && b.status[0] != 0) {
        char field[64];
        snprintf(field, sizeof field, "enrolment.%s", b.err[0].field);
        rc = wh_ctx_fail(ctx, b.status[0], field, "%s", b.message[0]);
    } else if (rc == 0) {
        r->enrolment_id = b.changes[0].enrolment_id;
        r->person_id = b.changes[0].person_id;
        r->household_id = b.changes[0].household_id;
        r->is_new = b.changes[0].is_new;
        r->changed = b.changes[0].changed;
        r->targets_changed = b.result.targets_changed > 0;
        *reply = &r->base;
    }
    block_free(&b);
    return rc;
}

/* --- a hub's decision, an exit ----------------------------------------------------------------- */

static bool decided_from_ok(const char *s)
{
    size_t n = 0;
    for (; s && s[n]; n++)
        if (s[n] < 0x21 || s[n] > 0x7e || n >= 64)
            return false;
    return true;
}

/* start and end of a decision: INVALID_ARGUMENT naming the field. */
static int check_period(wh_ctx *ctx, const char *start_on, const char *end_on, int32_t *start, int32_t *end)
{
    *start = intake_day_number(start_on);
    if (*start == INTAKE_DAY_INVALID)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "start_on", "start_on must be YYYY-MM-DD");
    *end = INTAKE_DAY_OPEN;
    if (end_on && end_on[0]) {
        *end = intake_day_number(end_on);
        if (*end == INTAKE_DAY_INVALID)
            return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "end_on", "end_on must be YYYY-MM-DD or empty");
        if (*end < *start)
            return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "end_on",
                               "an enrolment cannot end before it starts");
    }
    return 0;
}

static int household_members(wh_ctx *ctx, int64_t household_id, int64_t **ids, size_t *n, char dong[16])
{
    int64_t merged_into = 0;
    int rc = intake_store_household_members(wh_ctx_db(ctx), household_id, ids, n, dong, &merged_into);
    if (rc == WH_NOT_FOUND)
        return wh_ctx_fail(ctx, rc, "household_id", "no such household");
    if (rc == WH_FAILED_PRECONDITION)
        return wh_ctx_fail(ctx, rc, "household_id", "household was merged into %lld", (long long)merged_into);
    return rc < 0 ? wh_ctx_fail(ctx, rc, NULL, "could not read household") : 0;
}

/* The selected members (all when none is named): each a member, none twice. */
static int selected(wh_ctx *ctx, const Welfare__Intake__V1__SelectForPublicAid *m, const int64_t *members,
                    size_t n_members, bool *pick)
{
    for (size_t i = 0; i < n_members; i++)
        pick[i] = m->n_person_ids == 0;
    for (size_t k = 0; k < m->n_person_ids; k++) {
        char field[32];
        snprintf(field, sizeof field, "person_ids.%zu", k);
        size_t i = 0;
        while (i < n_members && members[i] != m->person_ids[k])
            i++;
        if (i == n_members)
            return wh_ctx_fail(ctx, WH_NOT_FOUND, field, "not a member of the household");
        if (pick[i])
            return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field, "a person selected twice");
        pick[i] = true;
    }
    return 0;
}

static int select_check(wh_ctx *ctx, const Welfare__Intake__V1__SelectForPublicAid *m, int32_t *start,
                        int32_t *end)
{
    if (m->household_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "household_id", "household_id is required");
    if (!intake_programme_find(m->programme))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "programme", "unknown programme (see ListProgrammes)");
    if (!decided_from_ok(m->decided_from))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "decided_from",
                           "decided_from must be at most 64 printable ASCII characters without spaces");
    return check_period(ctx, m->start_on, m->end_on, start, end);
}

int intake_handle_select_for_aid(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__SelectForPublicAid *m = (const void *)req;
    int32_t start = 0, end = INTAKE_DAY_OPEN;
    int rc = select_check(ctx, m, &start, &end);
    if (rc < 0)
        return rc;
    int64_t *members = NULL;
    size_t n_members = 0, n = 0;
    char dong[16];
    if ((rc = household_members(ctx, m->household_id, &members, &n_members, dong)) < 0)
        return rc;
    bool *pick = calloc(n_members ? n_members : 1, sizeof *pick);
    intake_enrol_change *changes = calloc(n_members ? n_members : 1, sizeof *changes);
    Welfare__Intake__V1__SelectForPublicAidReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!pick || !changes || !r)
        rc = wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    else
        rc = selected(ctx, m, members, n_members, pick);
    for (size_t i = 0; rc == 0 && i < n_members; i++)
        if (pick[i])
            changes[n++] = (intake_enrol_change){
                .person_id = members[i],
                .household_id = m->household_id,
                .dong_code = dong,
                .programme = m->programme,
                .start = start,
                .end = end,
                .source = WELFARE__INTAKE__V1__ENROLMENT_SOURCE__ENROLMENT_SOURCE_HUB_DECISION,
                .decided_from = m->decided_from,
            };
    intake_roster_result res;
    if (rc == 0 && (rc = intake_roster_apply(ctx, changes, n, &res)) == 0) {
        welfare__intake__v1__select_for_public_aid_reply__init(r);
        r->enrolment_ids = wh_ctx_alloc(ctx, (n ? n : 1) * sizeof *r->enrolment_ids);
        if (!r->enrolment_ids)
            rc = wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
        for (size_t i = 0; rc == 0 && i < n; i++) {
            r->enrolment_ids[r->n_enrolment_ids++] = changes[i].enrolment_id;
            r->persons_enrolled += changes[i].changed;
        }
        r->targets_changed = res.targets_changed;
        if (rc == 0 && r->persons_enrolled > 0) /* the member who reported the household is credited */
            rc = intake_safety_net_credit(
                ctx, m->household_id,
                WELFARE__INTAKE__V1__MEMBER_CREDIT_KIND__MEMBER_CREDIT_KIND_SELECTED_FOR_AID, m->start_on,
                m->decided_from && *m->decided_from ? m->decided_from : "selection");
        if (rc == 0)
            *reply = &r->base;
    }
    free(members);
    free(pick);
    free(changes);
    return rc;
}

int intake_handle_end_enrolment(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__EndEnrolment *m = (const void *)req;
    if (m->enrolment_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "enrolment_id", "enrolment_id is required");
    int32_t end = intake_day_number(m->end_on);
    if (end == INTAKE_DAY_INVALID)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "end_on", "end_on must be YYYY-MM-DD");
    if (!intake_exit_reason_valid(m->reason) || m->reason == 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "reason", "an exit reason is required");
    intake_enrolment e;
    intake_roster_person p;
    int rc = intake_store_enrolment(wh_ctx_db(ctx), m->enrolment_id, &e, &p);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, "enrolment_id",
                           rc == WH_NOT_FOUND ? "no such enrolment" : "could not read the enrolment");
    if (e.end != INTAKE_DAY_OPEN) {
        char d[INTAKE_DATE_LEN + 1];
        intake_day_format(e.end, d);
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "enrolment_id", "the enrolment ended on %s already",
                           d);
    }
    if (end < e.start)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "end_on", "an enrolment cannot end before it starts");
    intake_enrol_change c = {
        .person_id = p.person_id,
        .household_id = p.household_id,
        .dong_code = p.dong_code,
        .programme = e.programme,
        .start = e.start,
        .end = end,
        .exit_reason = m->reason,
        .source = e.source,
    };
    intake_roster_result res;
    Welfare__Intake__V1__EndEnrolmentReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    if ((rc = intake_roster_apply(ctx, &c, 1, &res)) < 0)
        return rc;
    welfare__intake__v1__end_enrolment_reply__init(r);
    r->enrolment_id = e.id;
    r->person_id = p.person_id;
    r->household_id = p.household_id;
    r->targets_changed = res.targets_changed > 0;
    *reply = &r->base;
    return 0;
}

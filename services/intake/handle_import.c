/*
 * handle_import.c — ImportReferralBlock: a block of referrals checked, hashed and sealed row by row
 * with SubmitReferral's own functions, then attached set-wise (store_bulk.c) and emitted in row order.
 *
 * A bad row (a field that fails validation, an unknown reporter) is a typed error of that row in the
 * reply and changes nothing; the other rows go on.  The block is one command: the framework records
 * its message id with the reply in the batch's transaction, so a resent block is answered from the
 * stored reply and takes effect once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"
#include "roster.h"

intake_bulk_write intake_bulk_write_mode = INTAKE_BULK_COPY;

/* One row's work: its checks, prepared values and, when it failed, why. */
typedef struct row_work {
    const Welfare__Intake__V1__SubmitReferral *m;
    intake_checked checked;
    intake_prepared prep;
    int status; /* 0, or the row's failure */
    const char *field, *message;
    char field_buf[48];
} row_work;

typedef struct block_work {
    size_t n;
    row_work *rows;
    intake_person_row *persons; /* every row's persons, back to back */
    intake_bulk_row *bulk;
    intake_bulk set;
} block_work;

static void row_fail(row_work *w, int status, const char *field, const char *message)
{
    w->status = status;
    snprintf(w->field_buf, sizeof w->field_buf, "%s", field ? field : "");
    w->field = w->field_buf;
    w->message = message;
}

static void validate_rows(const wh_principal *who, const Welfare__Intake__V1__ImportReferralBlock *m,
                          block_work *b)
{
    for (size_t i = 0; i < b->n; i++) {
        row_work *w = &b->rows[i];
        intake_error err;
        int rc;
        w->m = m->rows[i] ? m->rows[i]->referral : NULL;
        if (!w->m)
            row_fail(w, WH_INVALID_ARGUMENT, "referral", "referral is required");
        else if (intake_validate_referral(w->m, &w->checked, &err) < 0)
            row_fail(w, WH_INVALID_ARGUMENT, err.field, err.message);
        else if ((rc = intake_check_identity(who, w->m, &err)) < 0)
            row_fail(w, rc, err.field, err.message);
    }
}

/* Unknown reporters, for the whole block in one statement. */
static int check_reporters(wh_db *db, block_work *b)
{
    int64_t *ids = malloc(b->n * sizeof *ids);
    bool *known = malloc(b->n * sizeof *known);
    size_t n = 0;
    int rc = ids && known ? 0 : WH_INTERNAL;
    for (size_t i = 0; rc == 0 && i < b->n; i++)
        if (b->rows[i].status == 0 && b->rows[i].m->reporter_id > 0)
            ids[n++] = b->rows[i].m->reporter_id;
    if (rc == 0 && n > 0)
        rc = intake_store_reporters_known(db, ids, n, known);
    for (size_t i = 0, k = 0; rc == 0 && n > 0 && i < b->n; i++)
        if (b->rows[i].status == 0 && b->rows[i].m->reporter_id > 0 && !known[k++])
            row_fail(&b->rows[i], WH_NOT_FOUND, "reporter_id", "no such reporter");
    free(ids);
    free(known);
    return rc;
}

static int prepare_rows(block_work *b)
{
    size_t total = 0;
    for (size_t i = 0; i < b->n; i++)
        if (b->rows[i].status == 0)
            total += b->rows[i].checked.n_persons;
    b->persons = calloc(total ? total : 1, sizeof *b->persons);
    b->bulk = calloc(b->n, sizeof *b->bulk);
    if (!b->persons || !b->bulk)
        return WH_INTERNAL;
    size_t at = 0;
    for (size_t i = 0; i < b->n; i++) {
        row_work *w = &b->rows[i];
        if (w->status != 0)
            continue;
        int rc = intake_prepare_referral(w->m, &w->checked, b->persons + at, &w->prep);
        at += w->checked.n_persons;
        if (rc < 0)
            return WH_INTERNAL;
        b->bulk[b->set.n_rows++] = (intake_bulk_row){.m = w->m, .checked = &w->checked, .prep = &w->prep};
    }
    b->set.rows = b->bulk;
    b->set.write = intake_bulk_write_mode;
    return 0;
}

int intake_emit_bulk(wh_ctx *ctx, const intake_bulk *set, intake_bulk_counts *c)
{
    for (size_t i = 0; i < set->n_rows; i++) {
        const intake_bulk_row *row = &set->rows[i];
        int rc = intake_emit_attached(ctx, row->m, &row->state, row->referral_id, row->is_new,
                                      row->persons_added, row->checked->risk_score);
        for (size_t k = 0; rc == 0 && k < row->n_suspicions; k++) {
            const intake_bulk_suspicion *s = &set->suspicions[row->first_suspicion + k];
            rc = intake_emit_suspected(ctx, &row->state, s->other_household_id, s->reason);
        }
        if (rc < 0)
            return wh_ctx_fail(ctx, rc, NULL, "could not emit an event");
        bool blind = row->is_new && !row->state.known_to_programme;
        intake_metrics_referral(row->m->channel, row->is_new, blind, (int)row->n_suspicions);
        c->new_households += row->is_new;
        c->blind_spots += blind;
        c->persons_added += row->persons_added;
        c->duplicates_suspected += (int)row->n_suspicions;
    }
    return 0;
}

static int emit_rows(wh_ctx *ctx, const block_work *b, Welfare__Intake__V1__ImportReferralBlockReply *r)
{
    intake_bulk_counts c = {0};
    int rc = intake_emit_bulk(ctx, &b->set, &c);
    if (rc < 0)
        return rc;
    r->new_households = c.new_households;
    r->blind_spots = c.blind_spots;
    r->persons_added = c.persons_added;
    r->duplicates_suspected = c.duplicates_suspected;
    if (b->set.n_rows > 0)
        r->first_referral_id = b->set.rows[0].referral_id;
    r->rows_ok = (int32_t)b->set.n_rows;
    return 0;
}

static int row_errors(wh_ctx *ctx, const Welfare__Intake__V1__ImportReferralBlock *m, const block_work *b,
                      Welfare__Intake__V1__ImportReferralBlockReply *r)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++)
        n += b->rows[i].status != 0;
    r->rows_failed = (int32_t)n;
    if (n == 0)
        return 0;
    r->errors = wh_ctx_alloc(ctx, n * sizeof *r->errors);
    Welfare__Intake__V1__ImportRowError *e = wh_ctx_alloc(ctx, n * sizeof *e);
    if (!r->errors || !e)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; i < b->n; i++) {
        const row_work *w = &b->rows[i];
        if (w->status == 0)
            continue;
        welfare__intake__v1__import_row_error__init(e);
        e->line = m->rows[i] ? m->rows[i]->line : 0;
        e->row = (int32_t)i;
        e->status = (Welfare__Bus__V1__Status)wh_status_to_proto(w->status);
        e->field = wh_ctx_strdup(ctx, w->field);
        e->message = (char *)w->message;
        if (!e->field)
            return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
        r->errors[r->n_errors++] = e++;
    }
    return 0;
}

static void block_free(block_work *b)
{
    for (size_t i = 0; b->rows && i < b->n; i++)
        intake_prepared_free(&b->rows[i].prep);
    intake_bulk_free(&b->set);
    if (b->rows)
        memset(b->rows, 0, b->n * sizeof *b->rows); /* parsed numbers do not outlive the command */
    free(b->rows);
    free(b->persons);
    free(b->bulk);
}

int intake_check_block(wh_ctx *ctx, const char *import_id, int64_t block_no, size_t n_rows)
{
    if (!import_id || !intake_utf8_ok(import_id, 1, 64))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "import_id", "import_id must be 1..64 bytes of UTF-8");
    if (block_no < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "block_no", "block_no must not be negative");
    if (n_rows == 0 || n_rows > INTAKE_BLOCK_MAX_ROWS)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "rows", "a block holds 1..%d rows",
                           INTAKE_BLOCK_MAX_ROWS);
    return 0;
}

int intake_handle_import_block(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__ImportReferralBlock *m = (const void *)req;
    int rc = intake_check_block(ctx, m->import_id, m->block_no, m->n_rows);
    if (rc < 0)
        return rc;
    Welfare__Intake__V1__ImportReferralBlockReply *r = wh_ctx_alloc(ctx, sizeof *r);
    block_work b = {.n = m->n_rows, .rows = calloc(m->n_rows, sizeof(row_work))};
    if (!r || !b.rows) {
        rc = wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
        goto cleanup;
    }
    welfare__intake__v1__import_referral_block_reply__init(r);
    validate_rows(wh_ctx_principal(ctx), m, &b);
    if ((rc = check_reporters(wh_ctx_db(ctx), &b)) < 0) {
        rc = wh_ctx_fail(ctx, rc, NULL, "could not read reporters");
        goto cleanup;
    }
    if ((rc = prepare_rows(&b)) < 0) {
        rc = wh_ctx_fail(ctx, rc, NULL, "could not protect personal data");
        goto cleanup;
    }
    if ((rc = intake_store_attach_many(wh_ctx_db(ctx), &b.set)) < 0) {
        rc = wh_ctx_fail(ctx, rc, NULL, "could not store the block");
        goto cleanup;
    }
    if ((rc = emit_rows(ctx, &b, r)) < 0 || (rc = row_errors(ctx, m, &b, r)) < 0)
        goto cleanup;
    *reply = &r->base;
cleanup:
    block_free(&b);
    return rc;
}

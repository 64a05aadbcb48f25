/*
 * handle_import.c — ImportReferralBlock: a block of referrals through the one pipeline (pipeline.c),
 * SubmitReferral's own: checked, hashed and sealed row by row, attached set-wise by the one resolver
 * and emitted in row order.
 *
 * A bad row (a field that fails validation, an unknown reporter) is a typed error of that row in the
 * reply and changes nothing; the other rows go on.  The block is one command: the framework records
 * its message id with the reply in the batch's transaction, so a resent block is answered from the
 * stored reply and takes effect once.  Each row may carry its own id too (import_rows.c): a row
 * stored before under its id is answered "already imported" in any later block, and not stored twice.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_rows.h"
#include "intake.h"
#include "roster.h"

intake_bulk_write intake_bulk_write_mode = INTAKE_BULK_COPY;

/* The block's rows as the pipeline sees them: only those to store (INTAKE_ROW_NEW), at[k] the block
 * position of the pipeline's k-th referral, pos[i] the pipeline index of row i (SIZE_MAX: not run). */
typedef struct block_run {
    const Welfare__Intake__V1__ImportReferralBlock *m;
    intake_import_rows ids;
    const char **row_id;                        /* per block row: ImportRow.row_id */
    const ProtobufCMessage **referral;          /* per block row: what its digest covers */
    bool *stored;                               /* per block row: stored by this block */
    Welfare__Intake__V1__SubmitReferral *plain; /* per block row: its referral without a row_id */
    intake_pipeline b;
    size_t n_run, *at, *pos;
    int64_t *referral_of; /* per block row: the referral stored now, or 0 */
} block_run;

static int emit_rows(wh_ctx *ctx, const block_run *run, Welfare__Intake__V1__ImportReferralBlockReply *r)
{
    intake_bulk_counts c = {0};
    int rc = intake_emit_bulk(ctx, &run->b.set, &c);
    if (rc < 0)
        return rc;
    r->new_households = c.new_households;
    r->blind_spots = c.blind_spots;
    r->persons_added = c.persons_added;
    r->duplicates_suspected = c.duplicates_suspected;
    if (run->b.set.n_rows > 0)
        r->first_referral_id = run->b.set.rows[0].referral_id;
    r->rows_ok = (int32_t)(run->b.set.n_rows + run->ids.n_already);
    return 0;
}

/* Row i's failure, from its id or from the pipeline: 0 when it has none (intake_row_failure_fn). */
static int row_failure(const void *arg, size_t i, int64_t *line, const char **field, const char **message)
{
    const block_run *run = arg;
    *line = run->m->rows[i] ? run->m->rows[i]->line : 0;
    int refused = intake_import_row_refused(&run->ids, i, field, message);
    if (refused != 0 || run->pos[i] == SIZE_MAX)
        return refused;
    const intake_referral_work *w = &run->b.w[run->pos[i]];
    *field = w->field;
    *message = w->message;
    return w->status;
}

static int row_errors(wh_ctx *ctx, const block_run *run, Welfare__Intake__V1__ImportReferralBlockReply *r)
{
    return intake_import_row_errors(ctx, run, run->m->n_rows, row_failure, &r->errors, &r->n_errors,
                                    &r->rows_failed);
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

static const char *sender(wh_ctx *ctx)
{
    const wh_principal *p = wh_ctx_principal(ctx);
    return p ? p->name : "";
}

/* The rows to store through the one pipeline; then each stored row's referral, and the ids recorded. */
static int run_rows(wh_ctx *ctx, block_run *run)
{
    size_t n = run->m->n_rows;
    const Welfare__Intake__V1__SubmitReferral **refs = malloc(n * sizeof *refs);
    const wh_principal **who = malloc(n * sizeof *who);
    const char *what = "out of memory";
    int rc = refs && who ? 0 : WH_INTERNAL;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        run->pos[i] = SIZE_MAX;
        if (run->ids.state[i] != INTAKE_ROW_NEW)
            continue;
        run->pos[i] = run->n_run;
        run->at[run->n_run] = i;
        refs[run->n_run] = run->m->rows[i] ? run->m->rows[i]->referral : NULL;
        who[run->n_run++] = wh_ctx_principal(ctx); /* every row is the sender's */
    }
    if (rc == 0 && run->n_run > 0)
        rc = intake_pipeline_run(wh_ctx_db(ctx), &run->b, refs, who, run->n_run, 0, intake_bulk_write_mode,
                                 &what);
    free(refs);
    free(who);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "%s", what);
    for (size_t k = 0; k < run->n_run; k++)
        if (run->b.w && run->b.w[k].status == 0 && run->b.w[k].row) {
            run->referral_of[run->at[k]] = run->b.w[k].row->referral_id;
            run->stored[run->at[k]] = true;
        }
    if ((rc = intake_import_rows_record(wh_ctx_db(ctx), sender(ctx), &run->ids, run->stored,
                                        run->referral_of)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not record the block's row ids");
    return 0;
}

int intake_handle_import_block(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__ImportReferralBlock *m = (const void *)req;
    int rc = intake_check_block(ctx, m->import_id, m->block_no, m->n_rows);
    if (rc < 0)
        return rc;
    Welfare__Intake__V1__ImportReferralBlockReply *r = wh_ctx_alloc(ctx, sizeof *r);
    block_run run = {.m = m};
    run.at = malloc(m->n_rows * sizeof *run.at);
    run.pos = malloc(m->n_rows * sizeof *run.pos);
    run.referral_of = calloc(m->n_rows, sizeof *run.referral_of);
    run.row_id = calloc(m->n_rows, sizeof *run.row_id);
    run.referral = calloc(m->n_rows, sizeof *run.referral);
    run.stored = calloc(m->n_rows, sizeof *run.stored);
    run.plain = malloc(m->n_rows * sizeof *run.plain);
    if (!r || !run.at || !run.pos || !run.referral_of || !run.row_id || !run.referral || !run.stored ||
        !run.plain)
        rc = wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; rc == 0 && i < m->n_rows; i++)
        if (m->rows[i]) {
            run.row_id[i] = m->rows[i]->row_id;
            run.referral[i] = intake_referral_digested(m->rows[i]->referral, &run.plain[i]);
        }
    if (rc == 0 && (rc = intake_import_rows_begin(wh_ctx_db(ctx), sender(ctx), m->n_rows, run.row_id,
                                                  run.referral, &run.ids)) < 0)
        rc = wh_ctx_fail(ctx, rc, NULL, "could not read the block's row ids");
    if (rc == 0) {
        welfare__intake__v1__import_referral_block_reply__init(r);
        if ((rc = run_rows(ctx, &run)) == 0 && (rc = emit_rows(ctx, &run, r)) == 0 &&
            (rc = row_errors(ctx, &run, r)) == 0 &&
            (rc = intake_import_rows_already(ctx, &run.ids, &r->already_imported_rows,
                                             &r->n_already_imported_rows)) == 0)
            *reply = &r->base;
    }
    intake_pipeline_free(&run.b);
    intake_import_rows_free(&run.ids);
    free(run.at);
    free(run.pos);
    free(run.referral_of);
    free(run.row_id);
    free(run.referral);
    free(run.stored);
    free(run.plain);
    return rc;
}

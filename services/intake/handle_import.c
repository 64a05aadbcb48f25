/*
 * handle_import.c — ImportReferralBlock: a block of referrals through the one pipeline (pipeline.c),
 * SubmitReferral's own: checked, hashed and sealed row by row, attached set-wise by the one resolver
 * and emitted in row order.
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

static int emit_rows(wh_ctx *ctx, const intake_pipeline *b, Welfare__Intake__V1__ImportReferralBlockReply *r)
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

static int row_errors(wh_ctx *ctx, const Welfare__Intake__V1__ImportReferralBlock *m,
                      const intake_pipeline *b, Welfare__Intake__V1__ImportReferralBlockReply *r)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++)
        n += b->w[i].status != 0;
    r->rows_failed = (int32_t)n;
    if (n == 0)
        return 0;
    r->errors = wh_ctx_alloc(ctx, n * sizeof *r->errors);
    Welfare__Intake__V1__ImportRowError *e = wh_ctx_alloc(ctx, n * sizeof *e);
    if (!r->errors || !e)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; i < b->n; i++) {
        const intake_referral_work *w = &b->w[i];
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
    const Welfare__Intake__V1__SubmitReferral **refs = malloc(m->n_rows * sizeof *refs);
    const wh_principal **who = malloc(m->n_rows * sizeof *who);
    intake_pipeline b = {0};
    const char *what;
    if (!r || !refs || !who) {
        free(refs);
        free(who);
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    }
    welfare__intake__v1__import_referral_block_reply__init(r);
    for (size_t i = 0; i < m->n_rows; i++) {
        refs[i] = m->rows[i] ? m->rows[i]->referral : NULL;
        who[i] = wh_ctx_principal(ctx); /* every row is the sender's */
    }
    if ((rc = intake_pipeline_run(wh_ctx_db(ctx), &b, refs, who, m->n_rows, 0, intake_bulk_write_mode,
                                  &what)) < 0)
        rc = wh_ctx_fail(ctx, rc, NULL, "%s", what);
    else if ((rc = emit_rows(ctx, &b, r)) == 0 && (rc = row_errors(ctx, m, &b, r)) == 0)
        *reply = &r->base;
    intake_pipeline_free(&b);
    free(refs);
    free(who);
    return rc;
}

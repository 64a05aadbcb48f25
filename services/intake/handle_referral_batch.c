/*
 * handle_referral_batch.c — SubmitReferral, many at once.
 *
 * On its fast pass the framework hands a batch's run of consecutive SubmitReferrals here
 * (wh_command_batch_fn).  They go through the one pipeline (pipeline.c) together — each checked,
 * hashed and sealed as it would be alone, the reporters looked up in one statement, all attached
 * set-wise by the one resolver — and each one's events are emitted through its own ctx, command after
 * command (each referral's identity-bound fields checked against its own sender): the stream, the
 * tables and every reply are those of n calls of
 * intake_handle_submit_referral, with a handful of statements instead of n times as many.
 *
 * Any failure, a bad referral included, is returned as it is: the framework then rolls the batch back
 * and runs it again one referral at a time, so each gets its own reply or typed error.  Referrals with
 * a row_id (import rows, welfarectl --row-by-row) are looked up here in one statement when the whole
 * batch is one sender's: all new, they are stored together and their ids recorded; any row stored
 * before or refused (or several senders) sends the batch back to one at a time, whose handler
 * answers each (already_imported, or the typed error).
 */
#include <stdlib.h>
#include <string.h>

#include "import_rows.h"
#include "intake.h"

/* The batch's row ids: 0 with r begun when they can be stored with the batch (none, or all new and one
 * sender's), WH_FAILED_PRECONDITION to run the batch one at a time, or a store status. */
static int rows_begin(wh_ctx *const *ctx, const Welfare__Intake__V1__SubmitReferral **m, size_t n,
                      const char **ids, const ProtobufCMessage **payloads,
                      Welfare__Intake__V1__SubmitReferral *plain, intake_import_rows *r)
{
    const wh_principal *who = wh_ctx_principal(ctx[0]);
    const char *name = who ? who->name : "";
    bool with_id = false, one_sender = true;
    for (size_t i = 0; i < n; i++) {
        const wh_principal *p = wh_ctx_principal(ctx[i]);
        ids[i] = m[i]->row_id;
        payloads[i] = intake_referral_digested(m[i], &plain[i]);
        with_id |= m[i]->row_id && m[i]->row_id[0];
        one_sender &= strcmp(p ? p->name : "", name) == 0;
    }
    if (!with_id)
        return 0;
    if (!one_sender)
        return WH_FAILED_PRECONDITION;
    int rc = intake_import_rows_begin(wh_ctx_db(ctx[0]), name, n, ids, payloads, r);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (r->state[i] != INTAKE_ROW_NEW)
            rc = WH_FAILED_PRECONDITION;
    return rc;
}

int intake_handle_submit_referrals(wh_ctx *const *ctx, ProtobufCMessage *const *requests,
                                   ProtobufCMessage **replies, size_t n)
{
    size_t k = n ? n : 1;
    const Welfare__Intake__V1__SubmitReferral **m = malloc(k * sizeof *m);
    const wh_principal **who = malloc(k * sizeof *who);
    const char **ids = malloc(k * sizeof *ids);
    const ProtobufCMessage **payloads = malloc(k * sizeof *payloads);
    Welfare__Intake__V1__SubmitReferral *plain = malloc(k * sizeof *plain);
    int64_t *referral_of = malloc(k * sizeof *referral_of);
    bool *stored = malloc(k * sizeof *stored);
    intake_pipeline p = {0};
    intake_import_rows r = {0};
    const char *what;
    int rc = m && who && ids && payloads && plain && referral_of && stored ? 0 : WH_INTERNAL;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        m[i] = (const void *)requests[i];
        who[i] = wh_ctx_principal(ctx[i]);
    }
    if (rc == 0)
        rc = rows_begin(ctx, m, n, ids, payloads, plain, &r);
    /* one INSERT a table: fewer round trips than COPY for a batch */
    if (rc == 0)
        rc = intake_pipeline_run(wh_ctx_db(ctx[0]), &p, m, who, n, INTAKE_PIPELINE_ALL_OR_NOTHING,
                                 INTAKE_BULK_UNNEST, &what);
    const intake_referral_work *bad = rc == 0 ? intake_pipeline_first_failure(&p) : NULL;
    if (rc == 0 && bad)
        rc = bad->status;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const intake_bulk_row *row = &p.rows[i];
        referral_of[i] = row->referral_id;
        stored[i] = true;
        if ((rc = intake_emit_row(ctx[i], &p.set, row)) == 0)
            rc = intake_referral_reply(ctx[i], &row->state, row->referral_id, row->is_new, row->persons_added,
                                       row->checked->risk_score, &replies[i]);
    }
    if (rc == 0 && r.n > 0)
        rc =
            intake_import_rows_record(wh_ctx_db(ctx[0]), who[0] ? who[0]->name : "", &r, stored, referral_of);
    intake_pipeline_free(&p);
    intake_import_rows_free(&r);
    free(m);
    free(who);
    free(ids);
    free(payloads);
    free(plain);
    free(referral_of);
    free(stored);
    return rc < 0 ? rc : 0;
}

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
 * and runs it again one referral at a time, so each gets its own reply or typed error.
 */
#include <stdlib.h>

#include "intake.h"

int intake_handle_submit_referrals(wh_ctx *const *ctx, ProtobufCMessage *const *requests,
                                   ProtobufCMessage **replies, size_t n)
{
    const Welfare__Intake__V1__SubmitReferral **m = malloc((n ? n : 1) * sizeof *m);
    const wh_principal **who = malloc((n ? n : 1) * sizeof *who);
    intake_pipeline p = {0};
    const char *what;
    if (!m || !who) {
        free(m);
        free(who);
        return WH_INTERNAL;
    }
    for (size_t i = 0; i < n; i++) {
        m[i] = (const void *)requests[i];
        who[i] = wh_ctx_principal(ctx[i]);
    }
    /* one INSERT a table: fewer round trips than COPY for a batch */
    int rc = intake_pipeline_run(wh_ctx_db(ctx[0]), &p, m, who, n, INTAKE_PIPELINE_ALL_OR_NOTHING,
                                 INTAKE_BULK_UNNEST, &what);
    const intake_referral_work *bad = intake_pipeline_first_failure(&p);
    if (rc == 0 && bad)
        rc = bad->status;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const intake_bulk_row *row = &p.rows[i];
        if ((rc = intake_emit_row(ctx[i], &p.set, row)) == 0)
            rc = intake_referral_reply(ctx[i], &row->state, row->referral_id, row->is_new, row->persons_added,
                                       row->checked->risk_score, &replies[i]);
    }
    intake_pipeline_free(&p);
    free(m);
    free(who);
    return rc < 0 ? rc : 0;
}

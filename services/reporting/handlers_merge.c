/*
 * handlers_merge.c — the case stream's side of intake's merges (services/case/apply_merge.c): a case
 * folded into the open case of the household its own was merged into (CaseClosed with
 * CLOSE_REASON_MERGED) was never a household of its own, so its opening is taken back from
 * cases_opened on its opened_on, and CaseReopened gives it back; a case moved to another household
 * (CaseMoved) takes the funnel's later stages through it there.  Each once (store_merge.c).
 */
#include "reporting.h"
#include "wh/util.h"

/* cases_opened moved by delta on the (dong, day) the store returned, when it returned one. */
static int opening_fact(wh_ctx *ctx, const ProtobufCMessage *m, int hit, reporting_fact *f, int64_t delta)
{
    if (hit < 0)
        return hit;
    if (hit == 1) {
        for (int k = 0; k < REPORTING_FACT_COUNT; k++)
            f->delta[k] = 0;
        f->delta[REPORTING_FACT_CASES_OPENED] = delta;
        int rc = reporting_store_add_fact(wh_ctx_db(ctx), f);
        if (rc != 0)
            return rc;
    }
    reporting_count_applied(m);
    return 0;
}

int reporting_apply_case_folded(wh_ctx *ctx, const ProtobufCMessage *m)
{
    const Welfare__Case__V1__CaseClosed *e = (const Welfare__Case__V1__CaseClosed *)m;
    if (e->case_id <= 0)
        return reporting_reject_event(ctx, m, "case_id");
    reporting_fact f;
    return opening_fact(ctx, m, reporting_store_fold_case(wh_ctx_db(ctx), e->case_id, &f), &f, -1);
}

int reporting_apply_case_reopened(wh_ctx *ctx, const ProtobufCMessage *m)
{
    const Welfare__Case__V1__CaseReopened *e = (const Welfare__Case__V1__CaseReopened *)m;
    if (e->case_id <= 0)
        return reporting_reject_event(ctx, m, "case_id");
    reporting_fact f;
    return opening_fact(ctx, m, reporting_store_reopen_case(wh_ctx_db(ctx), e->case_id, &f), &f, 1);
}

int reporting_apply_case_moved(wh_ctx *ctx, const ProtobufCMessage *m)
{
    const Welfare__Case__V1__CaseMoved *e = (const Welfare__Case__V1__CaseMoved *)m;
    if (e->case_id <= 0)
        return reporting_reject_event(ctx, m, "case_id");
    if (e->household_id <= 0)
        return reporting_reject_event(ctx, m, "household_id");
    int rc = reporting_store_move_case(wh_ctx_db(ctx), e->case_id, e->household_id);
    if (rc == 0)
        reporting_count_applied(m);
    return rc;
}

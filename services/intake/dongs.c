/*
 * dongs.c — intake knows the district's dongs from routing's DongDefined events (replayed from
 * routing's outbox on start), and refuses what names any other dong.  One check for every client:
 * referrals (each row of a block), safety-net members and surveys.
 *
 * Ordering: until intake has applied at least one DongDefined it cannot tell an unknown dong from one
 * it has not heard of yet, so it refuses with UNAVAILABLE ("dongs not yet known", retry) rather than
 * INVALID_ARGUMENT: nothing is stored, and a client retries instead of dropping the row.  Once one
 * dong is known, a code that is not defined is INVALID_ARGUMENT on its field.  Deployments define
 * their dongs (routing DefineDong) before sending traffic (docs/operations.md).
 */
#include <stdio.h>
#include <stdlib.h>

#include "dongs.h"
#include "safety_net.h"
#include "wh/log.h"

const char INTAKE_DONG_UNKNOWN[] = "unknown dong_code (not a dong routing has defined)";
const char INTAKE_DONGS_NOT_YET_KNOWN[] =
    "dongs not yet known to intake (routing's dongs not applied yet): retry";

int intake_apply_dong_defined(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Routing__V1__DongDefined *d = (const void *)event;
    if (!intake_dong_code_valid(d->dong_code)) {
        wh_log_warn("ignoring DongDefined without a 10-digit dong code", NULL);
        return 0; /* a bad event cannot get better by retrying */
    }
    return intake_store_upsert_dong(wh_ctx_db(ctx), d->dong_code, d->name);
}

int intake_dongs_check(wh_db *db, const char *const *codes, size_t n, int *status)
{
    bool *known = malloc((n ? n : 1) * sizeof *known);
    bool any = false;
    int rc = known ? intake_store_dongs_known(db, codes, n, known, &any) : WH_INTERNAL;
    for (size_t i = 0; rc == 0 && i < n; i++)
        status[i] = known[i] ? 0 : any ? WH_INVALID_ARGUMENT : WH_UNAVAILABLE;
    free(known);
    return rc;
}

const char *intake_dong_refusal(int status)
{
    return status == WH_UNAVAILABLE ? INTAKE_DONGS_NOT_YET_KNOWN : INTAKE_DONG_UNKNOWN;
}

int intake_dong_check_list(wh_ctx *ctx, const char *field, const char *const *codes, size_t n)
{
    int *status = malloc((n ? n : 1) * sizeof *status);
    if (!status)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    int rc = intake_dongs_check(wh_ctx_db(ctx), codes, n, status);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (status[i] != 0) {
            char name[64];
            if (n > 1)
                snprintf(name, sizeof name, "%s.%zu", field, i);
            else
                snprintf(name, sizeof name, "%s", field);
            rc = wh_ctx_fail(ctx, status[i], name, "%s", intake_dong_refusal(status[i]));
            free(status);
            return rc;
        }
    free(status);
    return rc < 0 ? wh_ctx_fail(ctx, rc, NULL, "could not read the dongs") : 0;
}

int intake_pipeline_check_dongs(wh_db *db, intake_pipeline *p)
{
    const char **codes = calloc(p->n ? p->n : 1, sizeof *codes);
    size_t *at = malloc((p->n ? p->n : 1) * sizeof *at);
    int *status = malloc((p->n ? p->n : 1) * sizeof *status);
    size_t n = 0;
    int rc = codes && at && status ? 0 : WH_INTERNAL;
    for (size_t i = 0; rc == 0 && i < p->n; i++)
        if (p->w[i].status == 0) {
            at[n] = i;
            codes[n++] = p->w[i].m->household->dong_code;
        }
    if (rc == 0)
        rc = intake_dongs_check(db, codes, n, status);
    for (size_t k = 0; rc == 0 && k < n; k++)
        if (status[k] != 0) {
            intake_referral_work *w = &p->w[at[k]];
            w->status = status[k];
            snprintf(w->field, sizeof w->field, "%s", "household.dong_code");
            w->message = intake_dong_refusal(status[k]);
        }
    free(codes);
    free(at);
    free(status);
    return rc;
}

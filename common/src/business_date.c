/*
 * business_date.c — the business date a command carries: the date it records (a visit made last
 * Tuesday, a referral reported in March), given as YYYY-MM-DD, or, when the sender left it empty, a
 * fallback (today in the district unless the caller has a better one).  Apart from ctx.c because the
 * unit tests' fake context replaces ctx.c, not this.
 */
#include <string.h>

#include "wh/service.h"
#include "wh/status.h"
#include "wh/util.h"

int wh_ctx_business_date(wh_ctx *ctx, const char *given, const char *field, const char *fallback,
                         char out[11])
{
    if (given == NULL || *given == '\0') {
        if (fallback != NULL && wh_date_valid(fallback))
            memcpy(out, fallback, 11);
        else
            wh_date_today(out);
        return 0;
    }
    if (!wh_date_valid(given))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field, "%s must be YYYY-MM-DD", field);
    memcpy(out, given, 10);
    out[10] = '\0';
    return 0;
}

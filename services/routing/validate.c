/*
 * validate.c — checks the handlers share: codes and names, business dates.
 */
#include <string.h>

#include "routing.h"

#include "wh/util.h"

bool routing_text_ok(const char *s, size_t max)
{
    return s && *s && wh_utf8_valid(s, max);
}

int routing_business_date(wh_ctx *ctx, const char *given, const char *field, const char *fallback,
                          char out[11])
{
    if (!given || !*given) {
        if (fallback)
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

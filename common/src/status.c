/*
 * status.c — names of the result codes and their mapping onto the bus's welfare.bus.v1.Status.
 *
 * The proto enum numbers the failures 1…9 in the order of wh_status, so a wh_status is the negated
 * proto value; anything this build does not know maps to INTERNAL, so a newer peer's code is never
 * mistaken for success.
 */
#include "wh/status.h"

#define STATUS_LAST WH_TOO_LARGE

static const char *const names[] = {
    "OK",
    "INVALID_ARGUMENT",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "FAILED_PRECONDITION",
    "UNAVAILABLE",
    "INTERNAL",
    "MALFORMED",
    "TOO_LARGE",
};

static int known(int status)
{
    return status <= 0 && status >= STATUS_LAST;
}

const char *wh_status_name(int status)
{
    return known(status) ? names[-status] : "UNKNOWN";
}

int wh_status_to_proto(int status)
{
    return known(status) ? -status : -WH_INTERNAL;
}

int wh_status_from_proto(int proto_status)
{
    /* Compared before negating: the value comes off the wire and may be any int. */
    return proto_status >= 0 && proto_status <= -STATUS_LAST ? -proto_status : WH_INTERNAL;
}

int wh_status_is_final(int status)
{
    return known(status) && status != WH_OK && status != WH_UNAVAILABLE && status != WH_INTERNAL;
}

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

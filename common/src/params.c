/*
 * params.c — wh_params: the parameter list of one statement, built without allocating (numbers are
 * formatted into the struct).  Apart from db.c so that a stand-in for the database (the fuzz targets'
 * fuzz/offline_db.c) uses the very same list.
 */
#include <inttypes.h>
#include <stdio.h>

#include "wh/db.h"

void wh_params_reset(wh_params *p)
{
    p->n = 0;
}

/* The next slot, or -1 once the list is full (wh_db_query then refuses the statement). */
static int next_slot(wh_params *p)
{
    if (p->n >= WH_PARAMS_MAX) {
        p->n = WH_PARAMS_MAX + 1;
        return -1;
    }
    return p->n++;
}

void wh_params_text(wh_params *p, const char *s)
{
    int i = next_slot(p);
    if (i >= 0)
        p->values[i] = s;
}

void wh_params_i64(wh_params *p, int64_t v)
{
    int i = next_slot(p);
    if (i >= 0) {
        snprintf(p->numbers[i], sizeof p->numbers[i], "%" PRId64, v);
        p->values[i] = p->numbers[i];
    }
}

void wh_params_f64(wh_params *p, double v)
{
    int i = next_slot(p);
    if (i >= 0) {
        snprintf(p->numbers[i], sizeof p->numbers[i], "%.17g", v);
        p->values[i] = p->numbers[i];
    }
}

void wh_params_bool(wh_params *p, bool v)
{
    int i = next_slot(p);
    if (i >= 0)
        p->values[i] = v ? "true" : "false";
}

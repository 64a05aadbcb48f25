/*
 * apply_households.c — intake's HouseholdIdentified applied together (the consumer's batch handler,
 * wh_event_batch): a fetched run of them is one upsert of the distinct households instead of one
 * statement each, with the effect of applying them one at a time (handle_linkage.c's
 * registry_apply_household_identified): a household met first is stored with its first event's date,
 * and its dong is the last event's; an event without id, dong or date is logged and skipped.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

#include "wh/log.h"
#include "wh/util.h"

typedef struct seen {
    int64_t household_id;
    size_t first, last; /* the household's first and last valid event of the run */
} seen;

static int by_household(const void *x, const void *y)
{
    const seen *a = x, *b = y;
    if (a->household_id != b->household_id)
        return a->household_id < b->household_id ? -1 : 1;
    return a->first < b->first ? -1 : a->first > b->first;
}

static bool usable(const Welfare__Intake__V1__HouseholdIdentified *ev)
{
    if (ev->household_id > 0 && registry_text_ok(ev->dong_code, 32) && wh_date_valid(ev->identified_on))
        return true;
    wh_log_warn("ignoring household without id, dong or date", "{s:I}", "referral_id",
                (json_int_t)ev->referral_id);
    return false;
}

/* The run's valid events by household, each household once (its first and last event). */
static size_t distinct_households(const Welfare__Intake__V1__HouseholdIdentified *const *ev, size_t n,
                                  seen *s)
{
    size_t m = 0, out = 0;
    for (size_t i = 0; i < n; i++)
        if (usable(ev[i]))
            s[m++] = (seen){ev[i]->household_id, i, i};
    qsort(s, m, sizeof *s, by_household);
    for (size_t i = 0; i < m; i++) {
        if (out > 0 && s[out - 1].household_id == s[i].household_id)
            s[out - 1].last = s[i].first;
        else
            s[out++] = s[i];
    }
    return out;
}

int registry_apply_households_identified(wh_ctx *const *ctx, const ProtobufCMessage *const *events, size_t n)
{
    const Welfare__Intake__V1__HouseholdIdentified *const *ev = (const void *)events;
    seen *s = malloc((n ? n : 1) * sizeof *s);
    registry_household_row *rows = malloc((n ? n : 1) * sizeof *rows);
    int rc = s && rows ? 0 : WH_INTERNAL;
    size_t k = rc == 0 ? distinct_households(ev, n, s) : 0;
    for (size_t i = 0; i < k; i++)
        rows[i] = (registry_household_row){.household_id = s[i].household_id,
                                           .dong_code = ev[s[i].last]->dong_code,
                                           .identified_on = ev[s[i].first]->identified_on};
    if (rc == 0 && k > 0)
        rc = registry_store_upsert_households(wh_ctx_db(ctx[0]), rows, k);
    free(s);
    free(rows);
    return rc < 0 ? wh_ctx_fail(ctx[0], rc, NULL, "could not store the households") : 0;
}

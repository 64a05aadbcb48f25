/*
 * skills.c — skill names as the bits the planners compare: one dictionary per day's plan, filled
 * from the staff's skills, then asked for each visit's.  Pure; unit-tested.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "plan.h"

static int find(const routing_skill_dict *d, const char *name)
{
    for (int i = 0; i < d->n; i++)
        if (strcmp(d->names[i], name) == 0)
            return i;
    return -1;
}

uint32_t routing_skill_bits(routing_skill_dict *dict, const char *names, bool add)
{
    json_error_t err;
    json_t *a = names ? json_loads(names, 0, &err) : NULL;
    uint32_t bits = 0;
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        const char *name = json_string_value(v);
        if (!name || !*name || strlen(name) > 64)
            continue;
        int at = find(dict, name);
        if (at < 0 && add && dict->n < 31) {
            at = dict->n++;
            snprintf(dict->names[at], sizeof dict->names[at], "%s", name);
        }
        bits |= at < 0 ? ROUTING_SKILL_NOBODY : 1u << at;
    }
    json_decref(a);
    return bits;
}

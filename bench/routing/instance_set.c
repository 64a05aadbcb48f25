/*
 * instance_set.c — the instances a routing-bench run solves.  A listed set is solved in the order it is
 * listed, so a long run can interleave classes (c2, r1, r2, … of one size before the next) and a
 * cut-off still leaves every class measured; "all" and "one" keep the reference file's order.
 */
#include "instance_set.h"

#include <stdio.h>
#include <string.h>

static int find_name(const char *const *names, int n, const char *name, size_t len)
{
    for (int i = 0; i < n; i++)
        if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
            return i;
    return -1;
}

static int fail(int code, const char *name, size_t len, char *bad, size_t badlen)
{
    if (bad && badlen)
        snprintf(bad, badlen, "%.*s", (int)len, name);
    return code;
}

static int select_listed(const char *const *names, int n, const char *set, int *order, char *bad,
                         size_t badlen)
{
    int k = 0;
    for (const char *at = set;; at++) {
        size_t len = strcspn(at, ",");
        if (len == 0)
            return fail(INSTANCE_SET_EMPTY, at, 0, bad, badlen);
        int i = find_name(names, n, at, len);
        if (i < 0)
            return fail(INSTANCE_SET_UNKNOWN, at, len, bad, badlen);
        for (int j = 0; j < k; j++)
            if (order[j] == i)
                return fail(INSTANCE_SET_REPEATED, at, len, bad, badlen);
        order[k++] = i;
        at += len;
        if (*at == '\0')
            return k;
    }
}

int instance_set_select(const char *const *names, int n, const char *set, int *order, char *bad,
                        size_t badlen)
{
    int k = 0;
    if (set && strcmp(set, "all") != 0 && strcmp(set, "one") != 0)
        return select_listed(names, n, set, order, bad, badlen);
    for (int i = 0; i < n; i++) {
        const char *tail = strchr(names[i], '_');
        if (!set || strcmp(set, "all") == 0 || (tail && strcmp(tail, "_10_2") == 0))
            order[k++] = i;
    }
    return k;
}

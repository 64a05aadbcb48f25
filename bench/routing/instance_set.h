/* instance_set.h — which instances of a reference list a routing-bench run solves, and in what order. */
#ifndef ROUTING_BENCH_INSTANCE_SET_H
#define ROUTING_BENCH_INSTANCE_SET_H

#include <stddef.h>

#define INSTANCE_SET_UNKNOWN  (-1) /* a listed name is not in the reference list */
#define INSTANCE_SET_REPEATED (-2) /* a name is listed twice */
#define INSTANCE_SET_EMPTY    (-3) /* an empty name in the list ("a,,b", a trailing comma) */

/* Chooses from the n reference names: set NULL or "all" keeps every name in the reference order; "one"
 * keeps <class>_10_2 of each class (the Gehring–Homberger one-per-class set) in the reference order; any
 * other set is a comma-separated list of names, kept in the order listed.  Writes the chosen indices
 * into order (room for n) and returns how many, or one of the INSTANCE_SET_ codes above with the
 * offending name in bad (truncated to badlen). */
int instance_set_select(const char *const *names, int n, const char *set, int *order, char *bad,
                        size_t badlen);

#endif

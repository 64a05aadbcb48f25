/*
 * edit_distance.c — one row of the dynamic programme at a time (edit_distance.h).  A NULL weight
 * array is read as 1 for every symbol.  "Within" starts the row at 0 (b's symbols before the run are
 * free) and takes the row's cheapest cell at the end (so are those after it).
 */
#include <stdbool.h>

#include "edit_distance.h"

static size_t cheapest(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

/* Inlined thrice below, so the unweighted call (every jamo comparison) has no weight or run tests. */
static inline __attribute__((always_inline)) size_t distance(const int32_t *a, const unsigned char *wa,
                                                             size_t na, const int32_t *b,
                                                             const unsigned char *wb, size_t nb, bool within)
{
    size_t row[INTAKE_EDIT_MAX + 1];
    if (nb > INTAKE_EDIT_MAX)
        nb = INTAKE_EDIT_MAX;
    row[0] = 0;
    for (size_t j = 1; j <= nb; j++)
        row[j] = within ? 0 : row[j - 1] + (wb ? wb[j - 1] : 1u);
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0], cost_a = wa ? wa[i - 1] : 1u;
        row[0] += cost_a;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j], cost_b = wb ? wb[j - 1] : 1u;
            size_t change = a[i - 1] == b[j - 1] ? 0 : cost_a > cost_b ? cost_a : cost_b;
            row[j] = cheapest(up + cost_a, row[j - 1] + cost_b, diag + change);
            diag = up;
        }
    }
    if (!within)
        return row[nb];
    size_t best = row[0];
    for (size_t j = 1; j <= nb; j++)
        best = row[j] < best ? row[j] : best;
    return best;
}

size_t intake_edit_distance(const int32_t *a, const unsigned char *wa, size_t na, const int32_t *b,
                            const unsigned char *wb, size_t nb)
{
    if (!wa && !wb)
        return distance(a, NULL, na, b, NULL, nb, false);
    return distance(a, wa, na, b, wb, nb, false);
}

size_t intake_edit_distance_within(const int32_t *a, const unsigned char *wa, size_t na, const int32_t *b,
                                   const unsigned char *wb, size_t nb)
{
    return distance(a, wa, na, b, wb, nb, true);
}

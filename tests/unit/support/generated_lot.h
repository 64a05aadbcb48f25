/*
 * generated_lot.h — a generated district's lot-number addresses, shared by the place table's bench
 * (bench/places) and its tests (tests/unit/intake/test_places.c), so both read the same buildings.
 */
#ifndef WH_BENCH_GENERATED_LOT_H
#define WH_BENCH_GENERATED_LOT_H

#include <stddef.h>
#include <stdio.h>

/* Building i's lot address over n_dongs dongs: a main number of its own in its dong, a sub-number
 * for two in three ("광안동 12", "남천동 12-3"). */
static inline void generated_lot(unsigned i, const char *const *dongs, unsigned n_dongs, char *out,
                                 size_t cap)
{
    unsigned main_no = 1 + i / n_dongs;
    if (i % 3 == 0)
        snprintf(out, cap, "%s %u", dongs[i % n_dongs], main_no);
    else
        snprintf(out, cap, "%s %u-%u", dongs[i % n_dongs], main_no, 1 + i * 31 % 40);
}

#endif

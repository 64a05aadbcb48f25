/*
 * main.c — `wh-bench-places`: what the district's place table (services/intake/places.c) costs the
 * bulk path, without PostgreSQL: loads a generated table of PLACES buildings (load_table), then
 * checks, hashes and seals ROWS referrals of the bulk step's stream (seed 1, bench/load/referral.c) as
 * ImportReferralBlock does each row (prepare_rows: intake_validate_referral, intake_prepare_referral,
 * whose address block is the address's comparable form, rewritten by the table).  Meant to run under
 * `valgrind --tool=callgrind`: the inclusive counts of load_table and prepare_rows are the figures
 * (docs/benchmarks.md).
 *
 *   wh-bench-places ROWS PLACES [LOT_PERCENT]
 *
 * LOT_PERCENT of the rows (default 0: the stream as generated, road-name addresses only) are given a
 * listed building's lot-number address instead ("부산광역시 수영구 광안동 123-4번지 101호"), so the
 * rewrite finds one.  Prints the rows prepared and the table's size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wh/pii.h>

#include "generated_lot.h"
#include "intake.h"
#include "places.h"
#include "referral.h"

static const char *const lot_dongs[] = {"광안동", "남천동", "민락동", "망미동", "수영동"};
#define N_LOT_DONGS ((unsigned)(sizeof lot_dongs / sizeof *lot_dongs))

static __attribute__((noinline)) int load_table(unsigned places)
{
    size_t cap = (size_t)places * 96 + 1, n = 0;
    char *text = malloc(cap);
    if (!text)
        return -1;
    for (unsigned i = 0; i < places; i++) {
        char lot[64];
        generated_lot(i, lot_dongs, N_LOT_DONGS, lot, sizeof lot);
        n += (size_t)snprintf(text + n, cap - n, "%s\t수영로%u번길 %u\n", lot, i % 300, 1 + i / 300);
    }
    size_t bad = 0;
    int rc = intake_places_parse(text, n, &bad);
    free(text);
    if (rc < 0)
        fprintf(stderr, "wh-bench-places: the table was refused at line %zu\n", bad);
    return rc;
}

static int prepare_row(const Welfare__Intake__V1__SubmitReferral *m)
{
    intake_checked checked;
    intake_error err;
    if (intake_validate_referral(m, &checked, &err) < 0) {
        fprintf(stderr, "wh-bench-places: a row refused: %s %s\n", err.field, err.message);
        return -1;
    }
    intake_person_row persons[INTAKE_MAX_PERSONS];
    intake_prepared prepared;
    int rc = intake_prepare_referral(m, &checked, persons, &prepared);
    intake_prepared_free(&prepared);
    return rc;
}

static __attribute__((noinline)) long prepare_rows(long rows, unsigned places, unsigned lot_percent)
{
    bench_mix mix = {.seed = 1, .ns = 0, .duplicate_rate = 0.15, .high_risk_rate = 0.2};
    bench_stream s;
    bench_referral r;
    bench_referral_pb pb;
    uint64_t rng = 7;
    long done = 0;
    bench_stream_init(&s, &mix);
    for (long i = 0; i < rows; i++) {
        bench_stream_next(&s, &r);
        if (places > 0 && bench_rand(&rng) % 100 < lot_percent) {
            char lot[64];
            generated_lot((unsigned)(bench_rand(&rng) % places), lot_dongs, N_LOT_DONGS, lot, sizeof lot);
            snprintf(r.address, sizeof r.address, "부산광역시 수영구 %s번지 101호", lot);
        }
        bench_referral_to_pb(&r, &pb);
        if (prepare_row(&pb.msg) < 0)
            return -1;
        done++;
    }
    return done;
}

int main(int argc, char **argv)
{
    static const unsigned char key[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                          17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: wh-bench-places ROWS PLACES [LOT_PERCENT]\n");
        return 2;
    }
    long rows = atol(argv[1]);
    unsigned places = (unsigned)strtoul(argv[2], NULL, 10);
    unsigned lot_percent = argc == 4 ? (unsigned)strtoul(argv[3], NULL, 10) : 0;
    if (rows <= 0 || lot_percent > 100 || wh_pii_init_key(key) < 0)
        return 2;
    if (places > 0 && load_table(places) != (int)places)
        return 1;
    long done = prepare_rows(rows, places, lot_percent);
    printf("rows=%ld places=%zu lot_percent=%u\n", done, intake_places_count(), lot_percent);
    wh_pii_shutdown();
    return done == rows ? 0 : 1;
}

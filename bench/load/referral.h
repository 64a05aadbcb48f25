/*
 * referral.h — the benchmark's seeded referral generator: realistic SubmitReferral rows for a
 * Suyeong-gu-like district, as CSV lines (for `welfarectl import`) or as protobuf messages (for the
 * command and event paths).
 *
 * Every household is a pure function of (seed, namespace, household number), so a later row can
 * re-report an earlier household exactly (same resident numbers, names and address) without the
 * generator keeping any table: that is how the stream gets its duplicates.  Resident numbers are
 * valid (real birth date, check digit) and unique per (namespace, household, person): the birth-date
 * and serial digits are a bijection of the person's number, so no two generated households collide
 * by accident.  The CSV quotes every cell that needs it (addresses hold commas).
 */
#ifndef BENCH_REFERRAL_H
#define BENCH_REFERRAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "welfare/intake/v1/commands.pb-c.h"

#define BENCH_PERSONS_MAX 3

/* How a stream of referrals is drawn. */
typedef struct bench_mix {
    uint64_t seed;
    unsigned ns;             /* namespace 0..19: keeps resident numbers of separate streams apart */
    double duplicate_rate;   /* share of rows that re-report an earlier household of the stream */
    double high_risk_rate;   /* share of new households reported with case-level risk (score >= 50) */
    const char *dong_prefix; /* NULL: the district's real dong codes; else "99" → 99NNNNNNNN */
    unsigned dongs;          /* with dong_prefix: how many synthetic dongs */
} bench_mix;

typedef struct bench_person {
    char rrn[15], name[40], phone[16];
} bench_person;

/* One referral with its strings inline (no allocation). */
typedef struct bench_referral {
    int channel;
    char reported_on[11], dong_code[11], address[160], concern[200];
    double latitude, longitude;
    bool located, known_to_programme;
    unsigned n_persons;
    bench_person persons[BENCH_PERSONS_MAX];
    int utility, rent, insurance;
    bool lives_alone, disability, chronic_illness, unemployed, single_parent;
    bool duplicate; /* re-reports an earlier household of the stream */
} bench_referral;

/* A stream: rows numbered 0, 1, 2… and the households created so far. */
typedef struct bench_stream {
    bench_mix mix;
    uint64_t rng;
    uint64_t households; /* households created so far */
    uint64_t rows;
} bench_stream;

void bench_stream_init(bench_stream *s, const bench_mix *mix);

/* The stream's next referral. */
void bench_stream_next(bench_stream *s, bench_referral *out);

/* The CSV header that bench_referral_write_csv's rows follow (welfarectl import's field paths). */
void bench_referral_write_csv_header(FILE *out);
void bench_referral_write_csv(FILE *out, const bench_referral *r);

/* The same referral as a SubmitReferral pointing into *r and *pb (no allocation; valid while both
 * live). */
typedef struct bench_referral_pb {
    Welfare__Intake__V1__SubmitReferral msg;
    Welfare__Intake__V1__ReferredHousehold household;
    Welfare__Common__V1__GeoPoint location;
    Welfare__Intake__V1__RiskIndicators risk;
    Welfare__Intake__V1__ReferredPerson persons[BENCH_PERSONS_MAX];
    Welfare__Intake__V1__ReferredPerson *person_ptrs[BENCH_PERSONS_MAX];
} bench_referral_pb;

void bench_referral_to_pb(bench_referral *r, bench_referral_pb *pb);

/* splitmix64: the generator's source of randomness, also used by the drivers. */
uint64_t bench_rand(uint64_t *state);
double bench_uniform(uint64_t *state);

#endif

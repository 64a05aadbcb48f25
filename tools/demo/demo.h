/*
 * demo.h — welfare-demo: a realistic demo district, generated from a seed and driven through the
 * real services over the bus.
 *
 * The district is modelled on Suyeong-gu, Busan (ten dongs, basic and sphere-type hubs).  Generation
 * is pure and deterministic (district.c holds every data choice as tables, generate.c draws from them
 * with a seeded PRNG), so the same seed yields the same district, byte for byte.  drive.c then sends
 * it as commands with message ids derived from the seed: a second run of the same seed is answered
 * from the services' stored replies and changes nothing, and a run that was interrupted resumes.
 */
#ifndef DEMO_H
#define DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- the data choices (district.c) --------------------------------------------------------------- */

typedef struct demo_dong {
    const char *code;     /* administrative dong code */
    const char *name_ko;  /* 광안1동 */
    const char *name_en;  /* Gwangan 1-dong */
    const char *hub_code; /* the dong whose hub serves it (itself for a basic-type hub) */
    double latitude, longitude;
    int weight;          /* share of the district's households (about its population, thousands) */
    const char *streets; /* street names for addresses, '|'-separated */
    /* The hub model's go-live (routing DefineDong.live_from), "" while not live: after seed 004's
     * sequence — a pilot, an expansion in April, a sphere-type pair in October, the rest later. */
    const char *live_from;
} demo_dong;

extern const demo_dong demo_dongs[];
extern const size_t demo_dongs_count;

/* A weighted choice: value and weight. */
typedef struct demo_weighted {
    int value;
    int weight;
} demo_weighted;

/* The period the demo covers (business dates) and the defaults. */
#define DEMO_FROM               "2026-05-01"
#define DEMO_TO                 "2026-10-30"
#define DEMO_STAFF_FROM         "2026-04-01"
#define DEMO_DEFAULT_HOUSEHOLDS 3000

extern const char *const demo_surnames[];
extern const int demo_surname_weights[];
extern const size_t demo_surnames_count;
extern const char *const demo_given_syllables[];
extern const size_t demo_given_syllables_count;

/* Channels of referrals (welfare.intake.v1.Channel values) and their shares. */
extern const demo_weighted demo_channels[];
extern const size_t demo_channels_count;

/* Kinds of household and what they look like. */
typedef struct demo_household_kind {
    const char *label; /* "older person living alone" */
    int weight;
    int adults_min, adults_max; /* persons 19+ */
    int children_max;
    int age_min, age_max; /* of the head of household */
    int risk_bias;        /* percent of such households in acute need (arrears, illness, no work) */
} demo_household_kind;

extern const demo_household_kind demo_household_kinds[];
extern const size_t demo_household_kinds_count;

/* Staff per basic hub by role (welfare.common.v1.StaffRole values). */
extern const demo_weighted demo_staff_roles[];
extern const size_t demo_staff_roles_count;

/* Providers and the resources they offer. */
typedef struct demo_provider {
    const char *name;
    bool is_private;
    bool has_mou;
    int dong; /* index into demo_dongs */
} demo_provider;

extern const demo_provider demo_providers[];
extern const size_t demo_providers_count;

typedef struct demo_resource_kind {
    const char *title;
    int domain;         /* welfare.common.v1.NeedDomain */
    int kind;           /* welfare.registry.v1.ResourceKind */
    int64_t amount_min; /* KRW; 0 for services */
    int64_t amount_max;
    int capacity_min, capacity_max;
    bool private_only; /* only private providers offer it */
} demo_resource_kind;

extern const demo_resource_kind demo_resource_kinds[];
extern const size_t demo_resource_kinds_count;

/* --- deterministic randomness (rng.c) ------------------------------------------------------------ */

typedef struct demo_rng {
    uint64_t s;
} demo_rng;

void demo_rng_seed(demo_rng *r, uint64_t seed, uint64_t stream);
uint64_t demo_rng_next(demo_rng *r);
/* Uniform in [lo, hi]. */
int64_t demo_rng_range(demo_rng *r, int64_t lo, int64_t hi);
/* True with probability percent/100. */
bool demo_rng_chance(demo_rng *r, int percent);
/* Index drawn from weights. */
size_t demo_rng_weighted(demo_rng *r, const int *weights, size_t n, size_t stride);
double demo_rng_unit(demo_rng *r);

/* --- dates (dates.c) ------------------------------------------------------------------------------ */

/* Days since 1970-01-01 of "YYYY-MM-DD", and back. */
int demo_date_days(const char *date);
void demo_date_format(int days, char out[11]);
/* The date `days` after date ("YYYY-MM-DD"), into out. */
void demo_date_plus(const char *date, int days, char out[11]);
/* 0 = Monday … 6 = Sunday. */
int demo_date_weekday(int days);

/* --- resident registration numbers (rrn.c) ------------------------------------------------------- */

/* A synthetic RRN "YYMMDD-GNNNNNC" with a valid check digit for a birth date and sex ('M'/'F').
 * The serial comes from the rng; the region digits are chosen outside real issuing ranges. */
void demo_rrn(demo_rng *r, const char *birth_date, char sex, char out[15]);
/* True when the check digit of "YYMMDD-GNNNNNC" is right. */
bool demo_rrn_valid(const char *rrn);

/* --- the generated district (generate.c) --------------------------------------------------------- */

typedef struct demo_person {
    char name[32];
    char birth_date[11];
    char rrn[15];
    char phone[14];
    char sex;
} demo_person;

typedef struct demo_referral {
    int household; /* index into households */
    int channel;   /* welfare.intake.v1.Channel */
    bool repeat;   /* the household was referred before: this referral names only its head */
    char reported_on[11];
    int months_utility_arrears;
    int months_rent_arrears;
    int months_insurance_arrears;
    bool lives_alone;
    bool disability;
    bool chronic_illness;
    bool unemployed;
    char concern[96];
} demo_referral;

typedef struct demo_household {
    int dong; /* index into demo_dongs */
    int kind; /* index into demo_household_kinds */
    char address[96];
    double latitude, longitude;
    demo_person persons[6];
    int n_persons;
    bool known_to_programme;
} demo_household;

typedef struct demo_staff {
    int hub; /* index into demo_dongs (a basic-type hub) */
    int role;
    int employment; /* welfare.common.v1.Employment */
    char name[32];
    char active_from[11];
    char active_until[11]; /* empty while still working */
    int shift_start, shift_end;
} demo_staff;

typedef struct demo_resource {
    int provider; /* index into demo_providers */
    int kind;     /* index into demo_resource_kinds */
    int dong;
    int capacity;
    int64_t amount_krw;
    char discovered_on[11];
} demo_resource;

typedef struct demo_district {
    uint64_t seed;
    demo_household *households;
    size_t n_households;
    demo_referral *referrals; /* sorted by reported_on */
    size_t n_referrals;
    demo_staff *staff;
    size_t n_staff;
    demo_resource *resources;
    size_t n_resources;
} demo_district;

/* One household drawn from r: dong, kind, address, persons (the generator's own, also used for the
 * people safety-net members find that no other channel reported, drive_discovery.c). */
void demo_make_household(demo_rng *r, demo_household *h);

/* Builds the district for a seed and a number of households.  0, or -1 on out-of-memory. */
int demo_generate(demo_district *d, uint64_t seed, size_t households);
void demo_district_free(demo_district *d);

/* Outcome drawing for visits and assessments, from the seed and an id, so a resumed run decides the
 * same way.  Percentages are the demo's choices (district.c). */
bool demo_visit_completed(uint64_t seed, int64_t visit_id, int *miss_reason);
/* Needs of an assessed case (welfare.common.v1 values); returns how many (0..4). */
int demo_case_needs(uint64_t seed, int64_t case_id, int domains[4], int severities[4]);
/* Whether the demo assesses this case at all (most, not all). */
bool demo_case_assessed(uint64_t seed, int64_t case_id);

/* A deterministic message id (UUID text) for the n-th command of a seed's run. */
void demo_message_id(uint64_t seed, const char *step, uint64_t n, char out[37]);

/* --- driving the services (drive.c) -------------------------------------------------------------- */

typedef struct demo_options {
    uint64_t seed;
    size_t households;
    bool force; /* run even when the demo looks loaded */
    bool quiet;
    int wait_secs; /* how long to wait for the event flow to settle */
} demo_options;

/* Loads the district through the services.  0 when every command succeeded; a positive count of the
 * commands that failed (each reported on stderr) when the load went through with some refused; a
 * negative wh_status when it stopped (a service unreachable, a step that cannot go on). */
int demo_drive(const demo_district *d, const demo_options *opt);

#endif

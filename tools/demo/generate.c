/*
 * generate.c — draws the demo district from the tables of district.c with a seeded PRNG.
 *
 * Each part has its own random stream (households, referrals, staff, resources), so the result
 * depends only on the seed and the number of households.  Nothing here talks to a service.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"

enum { STREAM_HOUSEHOLDS = 1, STREAM_REFERRALS, STREAM_STAFF, STREAM_RESOURCES, STREAM_OUTCOMES };

static const char *const concerns[] = {
    "lives alone, rarely seen outside",        "mail and leaflets piling up at the door",
    "utility bills unpaid for months",         "could not pay the rent this season",
    "looks unwell and has no one to help",     "lost job recently, children at home",
    "house is cold and in poor repair",        "neighbours worried about drinking",
    "older couple struggling with daily care", "child often alone and hungry after school",
};

static void person_name(demo_rng *r, const char *surname, char out[32])
{
    const char *s =
        surname ? surname
                : demo_surnames[demo_rng_weighted(r, demo_surname_weights, demo_surnames_count, sizeof(int))];
    snprintf(out, 32, "%s%s%s", s, demo_given_syllables[demo_rng_range(r, 0, demo_given_syllables_count - 1)],
             demo_given_syllables[demo_rng_range(r, 0, demo_given_syllables_count - 1)]);
}

static void make_person(demo_rng *r, demo_person *p, int age, const char *surname, bool adult)
{
    /* Aged `age` on the first day of the period. */
    int born = demo_date_days(DEMO_FROM) - age * 365 - age / 4 - (int)demo_rng_range(r, 0, 364);
    demo_date_format(born, p->birth_date);
    p->sex = demo_rng_chance(r, 50) ? 'F' : 'M';
    person_name(r, surname, p->name);
    demo_rrn(r, p->birth_date, p->sex, p->rrn);
    if (adult)
        snprintf(p->phone, sizeof p->phone, "010-%04d-%04d", (int)demo_rng_range(r, 2000, 9999),
                 (int)demo_rng_range(r, 0, 9999));
    else
        p->phone[0] = 0;
}

void demo_make_household(demo_rng *r, demo_household *h)
{
    h->dong = (int)demo_rng_weighted(r, &demo_dongs[0].weight, demo_dongs_count, sizeof(demo_dong));
    h->kind = (int)demo_rng_weighted(r, &demo_household_kinds[0].weight, demo_household_kinds_count,
                                     sizeof(demo_household_kind));
    const demo_dong *d = &demo_dongs[h->dong];
    const demo_household_kind *k = &demo_household_kinds[h->kind];

    /* An address on one of the dong's streets: "부산광역시 수영구 광안로 12번길 34 (201호)". */
    char streets[128], *save = NULL, *names[8];
    int n_names = 0;
    snprintf(streets, sizeof streets, "%s", d->streets);
    for (char *t = strtok_r(streets, "|", &save); t && n_names < 8; t = strtok_r(NULL, "|", &save))
        names[n_names++] = t;
    snprintf(h->address, sizeof h->address, "부산광역시 수영구 %s %d번길 %d %d호",
             names[demo_rng_range(r, 0, n_names - 1)], (int)demo_rng_range(r, 1, 80),
             (int)demo_rng_range(r, 1, 60),
             (int)demo_rng_range(r, 1, 5) * 100 + (int)demo_rng_range(r, 1, 4));
    h->latitude = d->latitude + (demo_rng_unit(r) - 0.5) * 0.009;
    h->longitude = d->longitude + (demo_rng_unit(r) - 0.5) * 0.011;

    int head_age = (int)demo_rng_range(r, k->age_min, k->age_max);
    make_person(r, &h->persons[0], head_age, NULL, true);
    char surname[8];
    snprintf(surname, sizeof surname, "%.3s", h->persons[0].name); /* one Hangul syllable is 3 bytes */
    int adults = (int)demo_rng_range(r, k->adults_min, k->adults_max);
    int children = (int)demo_rng_range(r, k->children_max > 0 ? 1 : 0, k->children_max);
    h->n_persons = 1;
    for (int i = 1; i < adults && h->n_persons < 6; i++)
        make_person(r, &h->persons[h->n_persons++], head_age + (int)demo_rng_range(r, -6, 6), NULL, true);
    for (int i = 0; i < children && h->n_persons < 6; i++)
        make_person(r, &h->persons[h->n_persons++], (int)demo_rng_range(r, 1, 17), surname, false);
    h->known_to_programme = demo_rng_chance(r, 35);
}

/* The indicators a referral reports: severe households (by kind and channel) show arrears and risks. */
static void make_referral(demo_rng *r, const demo_household *h, int index, demo_referral *f, int from, int to)
{
    const demo_household_kind *k = &demo_household_kinds[h->kind];
    memset(f, 0, sizeof *f);
    f->household = index;
    f->channel = demo_channels[demo_rng_weighted(r, &demo_channels[0].weight, demo_channels_count,
                                                 sizeof(demo_weighted))]
                     .value;
    int day = (int)demo_rng_range(r, from, to);
    if (f->channel != 1 && demo_date_weekday(day) >= 5)
        day -= demo_date_weekday(day) - 4; /* agencies and lists report on working days */
    demo_date_format(day, f->reported_on);
    bool severe = demo_rng_chance(r, k->risk_bias + (f->channel == 4 ? 5 : 0));
    f->months_utility_arrears = (int)demo_rng_range(r, severe ? 2 : 0, severe ? 8 : 1);
    f->months_rent_arrears = severe ? (int)demo_rng_range(r, 0, 6) : 0;
    f->months_insurance_arrears = (int)demo_rng_range(r, 0, severe ? 10 : 1);
    f->lives_alone = h->n_persons == 1;
    f->disability = h->kind == 4 || demo_rng_chance(r, severe ? 20 : 5);
    f->chronic_illness = demo_rng_chance(r, severe ? 55 : 12);
    f->unemployed = demo_rng_chance(r, severe ? 60 : 12);
    snprintf(f->concern, sizeof f->concern, "%s", concerns[demo_rng_range(r, 0, 9)]);
}

static int referral_cmp(const void *a, const void *b)
{
    const demo_referral *x = a, *y = b;
    int c = strcmp(x->reported_on, y->reported_on);
    return c ? c : (x->household > y->household) - (x->household < y->household);
}

static int make_referrals(demo_district *d, uint64_t seed)
{
    demo_rng r;
    int from = demo_date_days(DEMO_FROM), to = demo_date_days(DEMO_TO) - 14; /* time left to visit */
    demo_rng_seed(&r, seed, STREAM_REFERRALS);
    d->referrals = calloc(d->n_households * 2 + 1, sizeof *d->referrals);
    if (!d->referrals)
        return -1;
    for (size_t i = 0; i < d->n_households; i++) {
        demo_referral *f = &d->referrals[d->n_referrals++];
        make_referral(&r, &d->households[i], (int)i, f, from, to);
        /* About one household in eight is reported again, by another channel, weeks later: intake
         * must attach it to the same household. */
        if (demo_rng_chance(&r, 12)) {
            demo_referral *again = &d->referrals[d->n_referrals++];
            int first = demo_date_days(f->reported_on);
            make_referral(&r, &d->households[i], (int)i, again, first + 7, first + 40 > to ? to : first + 40);
            if (demo_date_days(again->reported_on) < first)
                memcpy(again->reported_on, f->reported_on, sizeof again->reported_on);
        }
    }
    qsort(d->referrals, d->n_referrals, sizeof *d->referrals, referral_cmp);
    bool *seen = calloc(d->n_households + 1, sizeof *seen);
    if (!seen)
        return -1;
    for (size_t i = 0; i < d->n_referrals; i++) {
        d->referrals[i].repeat = seen[d->referrals[i].household];
        seen[d->referrals[i].household] = true;
    }
    free(seen);
    return 0;
}

static int make_staff(demo_district *d, uint64_t seed)
{
    demo_rng r;
    demo_rng_seed(&r, seed, STREAM_STAFF);
    d->staff = calloc(demo_dongs_count * 16, sizeof *d->staff);
    if (!d->staff)
        return -1;
    for (size_t h = 0; h < demo_dongs_count; h++) {
        if (strcmp(demo_dongs[h].code, demo_dongs[h].hub_code) != 0)
            continue; /* sphere-type dongs have no staff of their own */
        for (size_t k = 0; k < demo_staff_roles_count; k++) {
            int n = demo_staff_roles[k].weight + (demo_rng_chance(&r, 30) ? 1 : 0);
            for (int i = 0; i < n; i++) {
                demo_staff *s = &d->staff[d->n_staff++];
                s->hub = (int)h;
                s->role = demo_staff_roles[k].value;
                s->employment = demo_rng_chance(&r, 36) ? 2 : 1;
                person_name(&r, NULL, s->name);
                snprintf(s->active_from, sizeof s->active_from, "%s", DEMO_STAFF_FROM);
                if (demo_rng_chance(&r, 6)) /* a few join during the period… */
                    snprintf(s->active_from, sizeof s->active_from, "2026-07-01");
                else if (demo_rng_chance(&r, 5)) /* …and a few leave */
                    snprintf(s->active_until, sizeof s->active_until, "2026-08-31");
                bool part_time = demo_rng_chance(&r, 15);
                s->shift_start = part_time ? 600 : 540;
                s->shift_end = part_time ? 960 : 1080;
            }
        }
    }
    return 0;
}

static int make_resources(demo_district *d, uint64_t seed)
{
    demo_rng r;
    int from = demo_date_days(DEMO_FROM), to = demo_date_days(DEMO_TO);
    demo_rng_seed(&r, seed, STREAM_RESOURCES);
    d->n_resources = d->n_households / 15 < 24 ? 24 : d->n_households / 15;
    d->resources = calloc(d->n_resources, sizeof *d->resources);
    if (!d->resources)
        return -1;
    for (size_t i = 0; i < d->n_resources; i++) {
        demo_resource *x = &d->resources[i];
        /* Every kind at least once, then at random, so every need domain has somewhere to go. */
        x->kind = i < demo_resource_kinds_count ? (int)i
                                                : (int)demo_rng_range(&r, 0, demo_resource_kinds_count - 1);
        const demo_resource_kind *k = &demo_resource_kinds[x->kind];
        do
            x->provider = (int)demo_rng_range(&r, 0, demo_providers_count - 1);
        while (k->private_only && !demo_providers[x->provider].is_private);
        x->dong = demo_rng_chance(&r, 70) ? demo_providers[x->provider].dong
                                          : (int)demo_rng_range(&r, 0, demo_dongs_count - 1);
        x->capacity = (int)demo_rng_range(&r, k->capacity_min, k->capacity_max);
        x->amount_krw =
            k->amount_max ? demo_rng_range(&r, k->amount_min / 10000, k->amount_max / 10000) * 10000 : 0;
        demo_date_format((int)demo_rng_range(&r, from, to), x->discovered_on);
    }
    return 0;
}

int demo_generate(demo_district *d, uint64_t seed, size_t households)
{
    demo_rng r;
    memset(d, 0, sizeof *d);
    d->seed = seed;
    d->n_households = households;
    d->households = calloc(households ? households : 1, sizeof *d->households);
    if (!d->households)
        return -1;
    demo_rng_seed(&r, seed, STREAM_HOUSEHOLDS);
    for (size_t i = 0; i < households; i++)
        demo_make_household(&r, &d->households[i]);
    if (make_referrals(d, seed) != 0 || make_staff(d, seed) != 0 || make_resources(d, seed) != 0) {
        demo_district_free(d);
        return -1;
    }
    return 0;
}

void demo_district_free(demo_district *d)
{
    free(d->households);
    free(d->referrals);
    free(d->staff);
    free(d->resources);
    memset(d, 0, sizeof *d);
}

bool demo_visit_completed(uint64_t seed, int64_t visit_id, int *miss_reason)
{
    static const demo_weighted reasons[] = {{1, 60}, {2, 15}, {3, 15}, {4, 10}}; /* routing.v1.MissReason */
    demo_rng r;
    demo_rng_seed(&r, seed ^ (uint64_t)visit_id, STREAM_OUTCOMES);
    if (demo_rng_chance(&r, 88))
        return true;
    *miss_reason = reasons[demo_rng_weighted(&r, &reasons[0].weight, 4, sizeof(demo_weighted))].value;
    return false;
}

bool demo_case_assessed(uint64_t seed, int64_t case_id)
{
    demo_rng r;
    demo_rng_seed(&r, seed ^ ((uint64_t)case_id << 20), STREAM_OUTCOMES);
    return demo_rng_chance(&r, 80);
}

int demo_case_needs(uint64_t seed, int64_t case_id, int domains[4], int severities[4])
{
    static const demo_weighted severity[] = {{1, 15}, {2, 45}, {3, 30}, {4, 10}};
    demo_rng r;
    demo_rng_seed(&r, seed ^ ((uint64_t)case_id << 24), STREAM_OUTCOMES + 1);
    int n = (int)demo_rng_range(&r, 1, 4);
    for (int i = 0; i < n; i++) {
        bool again;
        do {
            domains[i] = (int)demo_rng_range(&r, 1, 8);
            again = false;
            for (int j = 0; j < i; j++)
                again |= domains[j] == domains[i];
        } while (again);
        severities[i] = severity[demo_rng_weighted(&r, &severity[0].weight, 4, sizeof(demo_weighted))].value;
    }
    return n;
}

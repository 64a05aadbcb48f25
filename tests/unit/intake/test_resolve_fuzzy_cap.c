/*
 * test_resolve_fuzzy_cap.c — the scored kind's cap per route (resolve_fuzzy.c, issue 16's hostile
 * slow-down): an agency that files a thousand persons under one block must not make every later
 * referral of that block score them all.  No database, no key: blocks are readable labels.
 *
 * Covered: a hot name and address block scores the most recent max_candidates persons and counts
 * both look-ups as capped; a block at the cap is not capped; numbered persons do not use up a
 * numbered referral person's cap (the store does not read them for it); the address-key route is
 * capped the same way, most recent first across households.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "resolve.h"

#define DONG "2635010100"
#define HOT  1000 /* persons in the hot block */
#define CAP  10

typedef struct referral {
    intake_person_row persons[1];
    intake_prepared prep;
} referral;

/* The stored side: HOT households, one person each, ids 1..HOT (the most recent the highest). */
typedef struct stored {
    intake_known_household households[HOT];
    intake_known_fuzzy persons[HOT];
    char keys[HOT][24];
} stored;

static stored *hot; /* large: not on the stack */

static void household(stored *s, size_t i, const char *address_key)
{
    if (address_key)
        snprintf(s->keys[i], sizeof s->keys[i], "%s", address_key);
    else
        snprintf(s->keys[i], sizeof s->keys[i], "addr-%zu", i + 1);
    s->households[i] = (intake_known_household){.id = (int64_t)i + 1,
                                                .dong_code = DONG,
                                                .risk_score = 30,
                                                .first_reported_on = "2026-03-01",
                                                .last_reported_on = "2026-05-01",
                                                .live = true,
                                                .address_key = s->keys[i]};
}

static void person_of(stored *s, size_t i, bool has_rrn, const char *name_block, const char *name,
                      const char *birth_date, const char *address_block, const char *phone)
{
    s->persons[i] = (intake_known_fuzzy){.household_id = (int64_t)i + 1,
                                         .has_rrn = has_rrn,
                                         .name_block = name_block,
                                         .address_block = has_rrn ? NULL : address_block,
                                         .phone_hash = phone,
                                         .who = {.name = name,
                                                 .birth_date = birth_date,
                                                 .sex = 'M',
                                                 .address_block = address_block,
                                                 .phone_digits = phone}};
}

static void init(intake_resolver *r, const stored *s, size_t n)
{
    assert_int_equal(intake_resolver_init(r, NULL, 0, s->households, n, 4, 8), 0);
    assert_int_equal(intake_resolver_init_fuzzy(r, s->persons, n, 8, CAP), 0);
}

static const intake_person_row *referred(referral *a, const char *address_key, const char *address_block,
                                         const char *rrn, const char *name_block, const char *name,
                                         const char *birth_date, const char *phone)
{
    memset(a, 0, sizeof *a);
    a->prep.persons = a->persons;
    a->prep.n_persons = 1;
    snprintf(a->prep.address_key, sizeof a->prep.address_key, "%s", address_key);
    snprintf(a->prep.address_block, sizeof a->prep.address_block, "%s", address_block);
    a->prep.household = (intake_household_row){
        .dong_code = DONG, .address_key = a->prep.address_key, .risk_score = 20, .reported_on = "2026-06-01"};
    intake_person_row *p = &a->persons[0];
    snprintf(p->rrn_hash, sizeof p->rrn_hash, "%s", rrn);
    snprintf(p->name_key, sizeof p->name_key, "key:%s:referred", name);
    snprintf(p->name_block, sizeof p->name_block, "%s", name_block);
    snprintf(p->phone_hash, sizeof p->phone_hash, "%s", phone ? phone : "");
    p->birth_date = birth_date ? birth_date : "";
    p->sex = 'M';
    p->fuzzy = (intake_fuzzy_person){
        .name = name, .birth_date = birth_date, .sex = 'M', .phone_digits = phone ? phone : ""};
    return p;
}

/* The hits' households are exactly the most recent n of 1..total. */
static void hits_are_most_recent(const intake_resolver *r, size_t n, size_t total)
{
    assert_int_equal(r->fuzzy.n_hits, n);
    for (size_t i = 0; i < r->fuzzy.n_hits; i++)
        assert_true(r->fuzzy.hits[i].household_id > (int64_t)(total - n));
}

static void hot_block_scores_most_recent(void **state)
{
    (void)state;
    for (size_t i = 0; i < HOT; i++) {
        household(hot, i, NULL);
        person_of(hot, i, false, "block:김철수", "김철수", NULL, "ab-hot", NULL);
    }
    intake_resolver r;
    referral a;
    intake_resolution res;
    init(&r, hot, HOT);
    /* every stored 김철수 at that address form is a suspicion (name and address): without a cap,
     * all thousand would be scored and become hits */
    referred(&a, "addr-new", "ab-hot", "", "block:김철수", "김철수", NULL, NULL);
    assert_int_equal(intake_resolve(&r, &a.prep, &res), 0);
    hits_are_most_recent(&r, CAP, HOT);
    assert_int_equal(res.fuzzy_capped, 2); /* the name block and the address block */
    intake_resolver_free(&r);
}

static void block_at_the_cap_is_not_capped(void **state)
{
    (void)state;
    for (size_t i = 0; i < CAP; i++) {
        household(hot, i, NULL);
        person_of(hot, i, false, "block:김철수", "김철수", NULL, "ab-hot", NULL);
    }
    intake_resolver r;
    referral a;
    intake_resolution res;
    init(&r, hot, CAP);
    referred(&a, "addr-new", "ab-hot", "", "block:김철수", "김철수", NULL, NULL);
    assert_int_equal(intake_resolve(&r, &a.prep, &res), 0);
    hits_are_most_recent(&r, CAP, CAP);
    assert_int_equal(res.fuzzy_capped, 0);
    intake_resolver_free(&r);
}

/* A numbered referral person meets only persons without a number (the store reads only those for
 * it): fifty newer numbered 김철수 do not push the one without a number out of its cap. */
static void numbered_do_not_use_up_the_cap(void **state)
{
    (void)state;
    household(hot, 0, NULL);
    person_of(hot, 0, false, "block:김철수", "김철수", "1950-04-02", "ab-1", "01012345678");
    for (size_t i = 1; i <= 50; i++) {
        household(hot, i, NULL);
        person_of(hot, i, true, "block:김철수", "김철수", "1950-04-02", "ab-x", NULL);
    }
    intake_resolver r;
    referral a;
    intake_resolution res;
    init(&r, hot, 51);
    referred(&a, "addr-1-other", "ab-1", "rrn:1", "block:김철수", "김철수", "1950-04-02", "01012345678");
    assert_int_equal(intake_resolve(&r, &a.prep, &res), 0);
    assert_int_equal(r.fuzzy.n_hits, 1);
    assert_int_equal(r.fuzzy.hits[0].household_id, 1);
    assert_int_equal(res.fuzzy_capped, 0);
    assert_false(res.is_new); /* name, birth, address and phone: attached */
    intake_resolver_free(&r);
}

/* Persons without blocks (stored before 0009) at one address key: met only by that key, the most
 * recent CAP across the households scored. */
static void address_key_route_is_capped(void **state)
{
    (void)state;
    for (size_t i = 0; i < 3 * CAP; i++) {
        household(hot, i, "addr-hot");
        person_of(hot, i, false, NULL, "이순희", "1944-09-09", NULL, NULL);
    }
    intake_resolver r;
    referral a;
    intake_resolution res;
    init(&r, hot, 3 * CAP);
    referred(&a, "addr-hot", "ab-none", "", "block:이순희", "이순희", "1944-09-09", NULL);
    assert_int_equal(intake_resolve(&r, &a.prep, &res), 0);
    hits_are_most_recent(&r, CAP, 3 * CAP);
    assert_int_equal(res.fuzzy_capped, 1);
    intake_resolver_free(&r);
}

static int setup(void **state)
{
    (void)state;
    static stored s;
    hot = &s;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hot_block_scores_most_recent),
        cmocka_unit_test(block_at_the_cap_is_not_capped),
        cmocka_unit_test(numbered_do_not_use_up_the_cap),
        cmocka_unit_test(address_key_route_is_capped),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}

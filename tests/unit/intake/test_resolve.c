/*
 * test_resolve.c — the household rule on its own (resolve.c): no database, no key.  Persons and
 * households are given as the store would read them, referrals as prepare.c would make them (the
 * hashes are plain labels here: the resolver only compares them).
 *
 * Covered: a new household and its persons; a re-report by resident number and by name key (persons
 * not added twice); number before name key and oldest first; persons of two households; a shared
 * phone; a new household at a stored address (live only; at most eight, the lowest); re-reports inside
 * one resolver; a location arriving later; dates and risk folded; a person without a resident number;
 * a number held elsewhere takes an id but is not added; more referrals than sized for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "resolve.h"

/* A referral as prepare.c leaves it, with readable stand-ins for the hashes. */
typedef struct referral {
    intake_person_row persons[3];
    intake_prepared prep;
} referral;

static void person(referral *r, const char *rrn, const char *name, const char *phone)
{
    intake_person_row *p = &r->persons[r->prep.n_persons++];
    memset(p, 0, sizeof *p);
    snprintf(p->rrn_hash, sizeof p->rrn_hash, "%s", rrn);
    snprintf(p->name_key, sizeof p->name_key, "%s", name);
    snprintf(p->phone_hash, sizeof p->phone_hash, "%s", phone ? phone : "");
    p->birth_date = "1950-01-01";
}

static referral *make(referral *r, const char *address, int risk, const char *on)
{
    memset(r, 0, sizeof *r);
    r->prep.persons = r->persons;
    snprintf(r->prep.address_key, sizeof r->prep.address_key, "%s", address);
    r->prep.household = (intake_household_row){
        .dong_code = "2635010100", .address_key = r->prep.address_key, .risk_score = risk, .reported_on = on};
    return r;
}

static intake_known_household stored_household(int64_t id, const char *address, bool live)
{
    return (intake_known_household){.id = id,
                                    .dong_code = "2635010100",
                                    .risk_score = 30,
                                    .first_reported_on = "2024-03-01",
                                    .last_reported_on = "2024-05-01",
                                    .live = live,
                                    .address_key = address};
}

static intake_known_person stored_person(int64_t household, const char *rrn, const char *name,
                                         const char *phone)
{
    return (intake_known_person){.household_id = household, .key = {rrn, name}, .phone_hash = phone};
}

static const intake_candidate *candidate(const intake_resolver *r, const intake_resolution *res, size_t i)
{
    assert_true(i < res->n_candidates);
    return &r->candidates[res->first_candidate + i];
}

static void new_household_and_its_persons(void **state)
{
    (void)state;
    intake_resolver r;
    referral a;
    intake_resolution res;
    make(&a, "addr-1", 40, "2024-06-01");
    person(&a, "rrn-1", "name-1", "phone-1");
    person(&a, "rrn-2", "name-2", NULL);
    assert_int_equal(intake_resolver_init(&r, NULL, 0, NULL, 0, 4, 8), 0);
    assert_int_equal(intake_resolve(&r, &a.prep, &res), 0);
    assert_true(res.is_new);
    assert_true(intake_resolver_provisional(res.state.id));
    assert_int_equal(res.persons_added, 2);
    assert_int_equal(res.state.risk_score, 40);
    assert_int_equal(res.n_candidates, 0);
    assert_int_equal(r.n_persons, 2);
    assert_int_equal(r.n_new_households, 1);
    size_t n;
    const intake_resolved_household *h = intake_resolver_households(&r, &n);
    assert_int_equal(n, 1);
    assert_true(h[0].is_new);
    assert_ptr_equal(h[0].creator, &a.prep);
    assert_string_equal(h[0].first, "2024-06-01");
    intake_resolver_free(&r);
}

static void rereport_by_number_and_by_name_key(void **state)
{
    (void)state;
    intake_known_household hh[] = {stored_household(10, "addr-1", true)};
    intake_known_person pp[] = {stored_person(10, "rrn-1", "name-1", NULL)};
    intake_resolver r;
    referral a, b;
    intake_resolution res;
    assert_int_equal(intake_resolver_init(&r, pp, 1, hh, 1, 4, 8), 0);
    make(&a, "addr-1", 70, "2024-02-01"); /* earlier than the stored first date, higher risk */
    person(&a, "rrn-1", "name-1", NULL);
    assert_int_equal(intake_resolve(&r, &a.prep, &res), 0);
    assert_false(res.is_new);
    assert_int_equal(res.state.id, 10);
    assert_int_equal(res.persons_added, 0);
    assert_int_equal(res.state.risk_score, 70);
    /* the same person under another number but the same name key: matched, not added */
    make(&b, "addr-1", 10, "2024-07-01");
    person(&b, "rrn-9", "name-1", NULL);
    assert_int_equal(intake_resolve(&r, &b.prep, &res), 0);
    assert_int_equal(res.state.id, 10);
    assert_int_equal(res.persons_added, 0);
    assert_int_equal(res.state.risk_score, 70); /* the highest stays */
    size_t n;
    const intake_resolved_household *h = intake_resolver_households(&r, &n);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].referrals, 2);
    assert_string_equal(h[0].first, "2024-02-01");
    assert_string_equal(h[0].last, "2024-07-01");
    assert_int_equal(r.n_persons, 0);
    intake_resolver_free(&r);
}

static void number_wins_over_name_key_then_oldest(void **state)
{
    (void)state;
    intake_known_household hh[] = {stored_household(5, "addr-5", true), stored_household(7, "addr-7", true),
                                   stored_household(9, "addr-9", true)};
    intake_known_person pp[] = {stored_person(5, "rrn-5", "name-x", NULL),
                                stored_person(9, "rrn-x", "name-y", NULL),
                                stored_person(7, "rrn-7", "name-7", NULL)};
    intake_resolver r;
    referral a;
    intake_resolution res;
    assert_int_equal(intake_resolver_init(&r, pp, 3, hh, 3, 4, 8), 0);
    make(&a, "addr-0", 20, "2024-06-01");
    person(&a, "rrn-new", "name-x", NULL);  /* name key of household 5 */
    person(&a, "rrn-7", "name-7", NULL);    /* number of household 7 */
    person(&a, "rrn-new2", "name-y", NULL); /* name key of household 9 */
    assert_int_equal(intake_resolve(&r, &a.prep, &res), 0);
    assert_int_equal(res.state.id, 7); /* by number, though 5 is older */
    assert_int_equal(res.n_candidates, 2);
    assert_int_equal(candidate(&r, &res, 0)->other, 5); /* then by name key, oldest first */
    assert_int_equal(candidate(&r, &res, 1)->other, 9);
    assert_string_equal(candidate(&r, &res, 0)->reason, INTAKE_REASON_MATCHED);
    assert_int_equal(candidate(&r, &res, 0)->household_id, 7);
    /* the name-key persons are not in household 7: added; rrn-7 is held */
    assert_int_equal(res.persons_added, 2);
    intake_resolver_free(&r);
}

static void shared_phone_and_same_address(void **state)
{
    (void)state;
    intake_known_household hh[12];
    char keys[12][8];
    for (int i = 0; i < 12; i++) {
        snprintf(keys[i], sizeof keys[i], "shared");
        hh[i] = stored_household(100 - i, keys[i], i != 0); /* 100 is merged: not a candidate */
    }
    intake_known_person pp[] = {stored_person(90, "rrn-90", "name-90", "phone-90")};
    intake_resolver r;
    referral a, b;
    intake_resolution res;
    assert_int_equal(intake_resolver_init(&r, pp, 1, hh, 12, 4, 8), 0);
    make(&a, "shared", 20, "2024-06-01");
    person(&a, "rrn-a", "name-a", "phone-90");
    assert_int_equal(intake_resolve(&r, &a.prep, &res), 0);
    assert_true(res.is_new);
    assert_int_equal(res.n_candidates, 1 + INTAKE_RESOLVE_LISTED);
    assert_int_equal(candidate(&r, &res, 0)->other, 90);
    assert_string_equal(candidate(&r, &res, 0)->reason, INTAKE_REASON_PHONE);
    for (size_t i = 0; i < INTAKE_RESOLVE_LISTED; i++) { /* the eight lowest live ones: 89..96 */
        assert_int_equal(candidate(&r, &res, 1 + i)->other, 89 + (int64_t)i);
        assert_string_equal(candidate(&r, &res, 1 + i)->reason, INTAKE_REASON_ADDRESS);
    }
    /* a second new household there: the first one is a candidate too, but its provisional id is
     * above every stored one, so the eight lowest stay the same */
    make(&b, "shared", 20, "2024-06-02");
    person(&b, "rrn-b", "name-b", NULL);
    assert_int_equal(intake_resolve(&r, &b.prep, &res), 0);
    assert_true(res.is_new);
    assert_int_equal(res.n_candidates, INTAKE_RESOLVE_LISTED);
    intake_resolver_free(&r);
}

/* The store reads at most WH_INTAKE_ADDRESS_MAX_HOUSEHOLDS + 1 live households at an address key, the
 * oldest: the "same address" candidates (the INTAKE_RESOLVE_LISTED lowest) are those of the whole key,
 * and intake_resolver_at_address shows the key had more than the cap. */
static void households_at_an_address_capped_the_same(void **state)
{
    (void)state;
    intake_known_household all[40];
    for (int i = 0; i < 40; i++)
        all[i] = stored_household(1000 + i, "hot", true);
    int64_t listed[2][INTAKE_RESOLVE_LISTED];
    size_t read[2] = {40, INTAKE_RESOLVE_LISTED + 1}; /* the whole key; the cap at its least, + 1 */
    for (int run = 0; run < 2; run++) {
        intake_resolver r;
        referral a;
        intake_resolution res;
        assert_int_equal(intake_resolver_init(&r, NULL, 0, all, read[run], 2, 2), 0);
        assert_int_equal(intake_resolver_at_address(&r, "hot", 100), read[run]);
        assert_int_equal(intake_resolver_at_address(&r, "hot", INTAKE_RESOLVE_LISTED + 1),
                         INTAKE_RESOLVE_LISTED + 1);
        assert_int_equal(intake_resolver_at_address(&r, "cold", 100), 0);
        make(&a, "hot", 20, "2024-06-01");
        person(&a, "rrn-new", "name-new", NULL);
        assert_int_equal(intake_resolve(&r, &a.prep, &res), 0);
        assert_true(res.is_new);
        assert_int_equal(res.n_candidates, INTAKE_RESOLVE_LISTED);
        for (size_t i = 0; i < INTAKE_RESOLVE_LISTED; i++)
            listed[run][i] = candidate(&r, &res, i)->other;
        intake_resolver_free(&r);
    }
    for (size_t i = 0; i < INTAKE_RESOLVE_LISTED; i++)
        assert_int_equal(listed[0][i], listed[1][i]);
    assert_int_equal(listed[1][0], 1000);
}

static void rereports_inside_one_resolver(void **state)
{
    (void)state;
    intake_resolver r;
    referral a, b, c;
    intake_resolution ra, rb, rc;
    assert_int_equal(intake_resolver_init(&r, NULL, 0, NULL, 0, 3, 6), 0);
    make(&a, "addr-1", 20, "2024-06-01");
    person(&a, "rrn-1", "name-1", NULL);
    make(&b, "addr-1", 60, "2024-06-03");
    person(&b, "rrn-1", "name-1", NULL);
    person(&b, "rrn-2", "name-2", NULL);
    b.prep.household.has_location = true; /* the location arrives with the re-report */
    b.prep.household.latitude = 35.1;
    b.prep.household.longitude = 129.1;
    make(&c, "addr-1", 10, "2024-06-02");
    person(&c, "rrn-2", "name-2", NULL);
    assert_int_equal(intake_resolve(&r, &a.prep, &ra), 0);
    assert_int_equal(intake_resolve(&r, &b.prep, &rb), 0);
    assert_int_equal(intake_resolve(&r, &c.prep, &rc), 0);
    assert_true(ra.is_new);
    assert_false(rb.is_new);
    assert_false(rc.is_new);
    assert_int_equal(rb.state.id, ra.state.id);
    assert_int_equal(rc.state.id, ra.state.id);
    assert_int_equal(rb.persons_added, 1);
    assert_int_equal(rc.persons_added, 0);
    assert_false(ra.state.has_location);
    assert_true(rb.state.has_location);
    assert_int_equal(rc.state.risk_score, 60);
    size_t n;
    const intake_resolved_household *h = intake_resolver_households(&r, &n);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].referrals, 3);
    assert_string_equal(h[0].last, "2024-06-03");
    assert_int_equal(r.n_persons, 2);
    intake_resolver_free(&r);
}

static void number_elsewhere_takes_an_id_and_no_number_never_matches(void **state)
{
    (void)state;
    intake_known_household hh[] = {stored_household(3, "addr-3", true)};
    intake_known_person pp[] = {stored_person(3, "rrn-3", "name-3", NULL)};
    intake_resolver r;
    referral a;
    intake_resolution res;
    assert_int_equal(intake_resolver_init(&r, pp, 1, hh, 1, 2, 6), 0);
    make(&a, "addr-x", 20, "2024-06-01");
    person(&a, "", "name-a", NULL); /* no resident number: matches by nothing else here */
    person(&a, "", "name-b", NULL); /* nor with the other person without one */
    assert_int_equal(intake_resolve(&r, &a.prep, &res), 0);
    assert_true(res.is_new);
    assert_int_equal(res.persons_added, 2);
    /* household 3's person under a new name key: matched by number, refused (held), id taken */
    referral b;
    make(&b, "addr-x", 20, "2024-06-01");
    person(&b, "rrn-3", "name-other", NULL);
    size_t ids_before = r.n_person_ids;
    assert_int_equal(intake_resolve(&r, &b.prep, &res), 0);
    assert_int_equal(res.state.id, 3);
    assert_int_equal(res.persons_added, 0);
    assert_int_equal(r.n_person_ids, ids_before + 1);
    assert_int_equal(r.n_persons, 2);
    intake_resolver_free(&r);
}

static void more_referrals_than_sized_for(void **state)
{
    (void)state;
    intake_resolver r;
    referral a, b;
    intake_resolution res;
    assert_int_equal(intake_resolver_init(&r, NULL, 0, NULL, 0, 1, 1), 0);
    make(&a, "addr-1", 20, "2024-06-01");
    person(&a, "rrn-1", "name-1", NULL);
    make(&b, "addr-2", 20, "2024-06-01");
    person(&b, "rrn-2", "name-2", NULL);
    assert_int_equal(intake_resolve(&r, &a.prep, &res), 0);
    assert_int_equal(intake_resolve(&r, &b.prep, &res), WH_INTERNAL);
    intake_resolver_free(&r);
}

static void the_rule_is_data(void **state)
{
    (void)state;
    for (int k = 0; k < INTAKE_MATCH_KINDS; k++) {
        assert_int_equal(intake_match_kinds[k].kind, k);
        assert_non_null(intake_match_kinds[k].name);
        if (k > 0)
            assert_true(intake_match_kinds[k].rank > intake_match_kinds[k - 1].rank);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(new_household_and_its_persons),
        cmocka_unit_test(rereport_by_number_and_by_name_key),
        cmocka_unit_test(number_wins_over_name_key_then_oldest),
        cmocka_unit_test(shared_phone_and_same_address),
        cmocka_unit_test(households_at_an_address_capped_the_same),
        cmocka_unit_test(rereports_inside_one_resolver),
        cmocka_unit_test(number_elsewhere_takes_an_id_and_no_number_never_matches),
        cmocka_unit_test(more_referrals_than_sized_for),
        cmocka_unit_test(the_rule_is_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

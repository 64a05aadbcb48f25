/*
 * test_resolve_fuzzy.c — the household rule's scored kind (resolve_fuzzy.c through resolve.c): persons
 * without a resident number met by block and scored with the Korean-aware score.  No database, no
 * key: blocks and hashes are readable labels, names and birth dates real-looking Korean ones.
 *
 * Covered: a person without a number recognised in a stored household (not added, reasons kept); a
 * neighbour's name and address alone is a suspicion with its score, not an attach; twins 김민준/김민서 at
 * one address are two persons; two persons with numbers are never scored; re-reports inside one
 * resolver recognised as one by one; a number-less person met only by the address key of a
 * household; two same-name relatives tied for a report, neither named, both listed for an operator
 * with the tie among the reasons — stored, or added by an earlier referral of the same resolver (a
 * block); an operator's decision of that tie (DecideTie) names the decided person for every later
 * referral of the reading, and a decision of another household, reading or person changes nothing;
 * the scored kind is the third row of the rule.
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

typedef struct referral {
    intake_person_row persons[3];
    intake_prepared prep;
} referral;

static referral *make(referral *r, const char *address_key, const char *address_block)
{
    memset(r, 0, sizeof *r);
    r->prep.persons = r->persons;
    snprintf(r->prep.address_key, sizeof r->prep.address_key, "%s", address_key);
    snprintf(r->prep.address_block, sizeof r->prep.address_block, "%s", address_block);
    r->prep.household = (intake_household_row){
        .dong_code = DONG, .address_key = r->prep.address_key, .risk_score = 20, .reported_on = "2026-06-01"};
    return r;
}

/* A person of the referral: rrn "" for none; name_key and blocks readable labels. */
static intake_person_row *person(referral *r, const char *rrn, const char *name, const char *birth_date,
                                 int birth_year, char sex, const char *phone)
{
    intake_person_row *p = &r->persons[r->prep.n_persons++];
    memset(p, 0, sizeof *p);
    snprintf(p->rrn_hash, sizeof p->rrn_hash, "%s", rrn);
    snprintf(p->name_key, sizeof p->name_key, "key:%s:%s", name, birth_date ? birth_date : "");
    snprintf(p->name_block, sizeof p->name_block, "block:%s", name);
    snprintf(p->phone_hash, sizeof p->phone_hash, "%s", phone ? phone : "");
    p->birth_date = birth_date ? birth_date : "";
    p->birth_year = birth_year;
    p->sex = sex;
    p->fuzzy = (intake_fuzzy_person){.name = name,
                                     .birth_date = birth_date,
                                     .birth_year = birth_year,
                                     .sex = sex,
                                     .phone_digits = phone ? phone : ""};
    return p;
}

static intake_known_household stored_household(int64_t id, const char *address_key)
{
    return (intake_known_household){.id = id,
                                    .dong_code = DONG,
                                    .risk_score = 30,
                                    .first_reported_on = "2026-03-01",
                                    .last_reported_on = "2026-05-01",
                                    .live = true,
                                    .address_key = address_key};
}

static intake_known_fuzzy stored_fuzzy(int64_t household, bool has_rrn, const char *name_block,
                                       const char *name, const char *birth_date, char sex,
                                       const char *address_block, const char *phone)
{
    return (intake_known_fuzzy){.household_id = household,
                                .has_rrn = has_rrn,
                                .name_block = name_block,
                                .address_block = address_block,
                                .phone_hash = phone,
                                .who = {.name = name,
                                        .birth_date = birth_date,
                                        .sex = sex,
                                        .address_block = address_block,
                                        .phone_digits = phone}};
}

static void init(intake_resolver *r, const intake_known_household *hh, size_t nh,
                 const intake_known_fuzzy *ff, size_t nf)
{
    assert_int_equal(intake_resolver_init(r, NULL, 0, hh, nh, 4, 8), 0);
    assert_int_equal(intake_resolver_init_fuzzy(r, ff, nf, 8, INTAKE_FUZZY_MAX_CANDIDATES_DEFAULT), 0);
}

static void unnumbered_person_recognised(void **state)
{
    (void)state;
    intake_known_household hh[] = {stored_household(10, "addr-10")};
    intake_known_fuzzy ff[] = {
        stored_fuzzy(10, true, "block:박영자", "박영자", "1947-02-11", 'F', "ab-10", "01055501234")};
    intake_resolver r;
    referral a;
    intake_resolution res;
    init(&r, hh, 1, ff, 1);
    make(&a, "addr-other-form", "ab-10");
    /* the neighbour knows the name (decomposed: NFD), about her age, her sex and her phone */
    person(&a, "",
           "\xe1\x84\x87\xe1\x85\xa1\xe1\x86\xa8\xe1\x84\x8b\xe1\x85\xa7\xe1\x86\xbc\xe1\x84\x8c\xe1\x85\xa1",
           NULL, 1946, 'F', "01055501234");
    assert_int_equal(intake_resolve(&r, &a.prep, &res), 0);
    assert_false(res.is_new);
    assert_int_equal(res.state.id, 10);
    assert_int_equal(res.persons_added, 0);
    assert_int_equal(res.n_recognised, 1);
    const intake_explained *e = &r.explained[res.first_recognised];
    assert_int_equal(e->person, 0);
    assert_true(e->score >= intake_fuzzy_default_weights.attach);
    assert_non_null(strstr(e->reasons, "name 1.00"));
    assert_non_null(strstr(e->reasons, "phone"));
    assert_int_equal(res.n_candidates, 0);
    intake_resolver_free(&r);
}

static void neighbour_report_is_a_suspicion(void **state)
{
    (void)state;
    intake_known_household hh[] = {stored_household(10, "addr-10")};
    intake_known_fuzzy ff[] = {
        stored_fuzzy(10, true, "block:김순자", "김순자", "1941-07-30", 'F', "ab-10", NULL)};
    intake_resolver r;
    referral a;
    intake_resolution res;
    init(&r, hh, 1, ff, 1);
    make(&a, "addr-other-form", "ab-10");
    person(&a, "", "김순자", NULL, 0, 0, NULL); /* "the grandmother at 2-14": a name and the address */
    assert_int_equal(intake_resolve(&r, &a.prep, &res), 0);
    assert_true(res.is_new);
    assert_int_equal(res.persons_added, 1);
    assert_int_equal(res.n_recognised, 0);
    assert_int_equal(res.n_candidates, 1);
    const intake_candidate *c = &r.candidates[res.first_candidate];
    assert_int_equal(c->other, 10);
    assert_string_equal(c->reason, INTAKE_REASON_FUZZY);
    assert_true(c->explained >= 0);
    const intake_explained *e = &r.explained[c->explained];
    assert_true(e->score >= intake_fuzzy_default_weights.suspect &&
                e->score < intake_fuzzy_default_weights.attach);
    assert_string_equal(e->reasons, "name 1.00; address");
    intake_resolver_free(&r);
}

static void twins_are_two_persons(void **state)
{
    (void)state;
    intake_known_household hh[] = {stored_household(10, "addr-10")};
    intake_known_fuzzy ff[] = {
        stored_fuzzy(10, true, "block:김민준", "김민준", "2015-04-02", 'M', "ab-10", "01077700000")};
    intake_resolver r;
    referral a;
    intake_resolution res;
    init(&r, hh, 1, ff, 1);
    make(&a, "addr-10", "ab-10");
    person(&a, "", "김민서", "2015-04-02", 2015, 'F',
           "01077700000"); /* the twin sister, the family's phone */
    assert_int_equal(intake_resolve(&r, &a.prep, &res), 0);
    assert_int_equal(res.n_recognised, 0);
    /* not recognised as her brother: a new household at the same address, raised as such */
    assert_true(res.is_new);
    assert_int_equal(res.persons_added, 1);
    for (size_t i = 0; i < res.n_candidates; i++)
        assert_string_not_equal(r.candidates[res.first_candidate + i].reason, INTAKE_REASON_FUZZY);
    intake_resolver_free(&r);
}

static void numbered_persons_never_scored(void **state)
{
    (void)state;
    intake_known_household hh[] = {stored_household(10, "addr-10")};
    intake_known_fuzzy ff[] = {
        stored_fuzzy(10, true, "block:이정호", "이정호", "1950-01-05", 'M', "ab-10", NULL)};
    intake_resolver r;
    referral a;
    intake_resolution res;
    init(&r, hh, 1, ff, 1);
    make(&a, "addr-elsewhere", "ab-10");
    person(&a, "rrn-other", "이정호", "1950-01-05", 1950, 'M', NULL); /* another number: another man */
    assert_int_equal(intake_resolve(&r, &a.prep, &res), 0);
    assert_true(res.is_new);
    assert_int_equal(res.n_candidates, 0);
    assert_int_equal(r.fuzzy.n_hits, 0);
    intake_resolver_free(&r);
}

/* Two men of one name at one address, born a year after and a year before the one reported: the
 * household is theirs, but which of them he is the report cannot tell — neither is named and the
 * referral's resident number given to neither: he is added with it, not lost (without a number he
 * would not be: tied_relatives_added_in_the_block); the tie is an operator's to decide: both are
 * listed (intake_tied, DuplicateSuspected.tied) by person id, each with the score and the tie first
 * among its reasons. */
static void tied_relatives_named_neither(void **state)
{
    (void)state;
    intake_known_household hh[] = {stored_household(10, "addr-10")};
    intake_known_fuzzy ff[] = {
        stored_fuzzy(10, false, "block:김영수", "김영수", "1951-03-01", 'M', "ab-10", NULL),
        stored_fuzzy(10, false, "block:김영수", "김영수", "1949-03-01", 'M', "ab-10", NULL)};
    ff[0].person_id = 101;
    ff[1].person_id = 102;
    intake_resolver r;
    referral a;
    intake_resolution res;
    init(&r, hh, 1, ff, 2);
    make(&a, "addr-10", "ab-10");
    person(&a, "rrn-new", "김영수", NULL, 1950, 'M', NULL); /* "about 76" */
    assert_int_equal(intake_resolve(&r, &a.prep, &res), 0);
    assert_false(res.is_new);
    assert_int_equal(res.state.id, 10);
    assert_int_equal(res.n_recognised, 0);
    assert_int_equal(res.persons_added, 1);
    assert_int_equal(r.n_persons, 1);
    assert_string_equal(r.persons[0].p->rrn_hash, "rrn-new");
    assert_int_equal(r.n_numbered, 0);
    assert_int_equal(res.n_tied, 2);
    for (size_t i = 0; i < 2; i++) {
        const intake_tied *t = &r.tied[res.first_tied + i];
        const intake_explained *e = &r.explained[t->explained];
        assert_int_equal(t->referral, 0);
        assert_int_equal(t->person, 0);
        assert_int_equal(t->person_id, 101 + (int64_t)i);
        assert_int_equal(t->added, 0);
        assert_int_equal(e->person, 0);
        assert_string_equal(e->reasons, "tied 0.85 = 0.85; name 1.00; birth year near; address; same sex");
    }
    intake_resolver_free(&r);
}

/* The same tie when an earlier referral of the block filed the two relatives (one with a number: a
 * referral's person without one is scored against both): both are listed as persons the resolver
 * added, in the order added (the order their real ids are taken in). */
static void tied_relatives_added_in_the_block(void **state)
{
    (void)state;
    intake_resolver r;
    referral a, b;
    intake_resolution ra, rb;
    init(&r, NULL, 0, NULL, 0);
    make(&a, "addr-2", "ab-2");
    person(&a, "", "박철수", "1941-05-05", 1941, 'M', NULL);
    person(&a, "rrn-park", "박철수", "1943-05-05", 1943, 'M', NULL);
    make(&b, "addr-2", "ab-2");
    person(&b, "", "박철수", NULL, 1942, 'M', NULL);
    assert_int_equal(intake_resolve(&r, &a.prep, &ra), 0);
    assert_int_equal(intake_resolve(&r, &b.prep, &rb), 0);
    assert_true(ra.is_new);
    assert_int_equal(ra.persons_added, 2);
    assert_int_equal(ra.n_tied, 0);
    assert_int_equal(rb.state.id, ra.state.id);
    assert_int_equal(rb.persons_added, 0); /* no number: held as one of the two */
    assert_int_equal(rb.n_tied, 2);
    for (size_t i = 0; i < 2; i++) {
        const intake_tied *t = &r.tied[rb.first_tied + i];
        assert_int_equal(t->referral, 1);
        assert_int_equal(t->person_id, 0);
        assert_int_equal(t->added, i + 1); /* r.persons[0] and [1], in the order added */
        assert_non_null(strstr(r.explained[t->explained].reasons, "tied 0.85 = 0.85; "));
    }
    assert_int_equal(r.n_tied, 2);
    intake_resolver_free(&r);
}

static void rereports_inside_one_resolver(void **state)
{
    (void)state;
    intake_resolver r;
    referral a, b, c;
    intake_resolution ra, rb, rc;
    init(&r, NULL, 0, NULL, 0);
    /* a member reports a man with no number; a partner agency later reports him with one */
    make(&a, "addr-1", "ab-1");
    person(&a, "", "정대현", NULL, 1956, 'M', "01099990000");
    make(&b, "addr-1b", "ab-1");
    person(&b, "rrn-jung", "정대현", "1956-11-03", 1956, 'M', "01099990000");
    make(&c, "addr-1", "ab-1");
    person(&c, "", "정대현", NULL, 0, 0, NULL); /* a neighbour again: name and address */
    assert_int_equal(intake_resolve(&r, &a.prep, &ra), 0);
    assert_int_equal(intake_resolve(&r, &b.prep, &rb), 0);
    assert_int_equal(intake_resolve(&r, &c.prep, &rc), 0);
    assert_true(ra.is_new);
    assert_false(rb.is_new);
    assert_int_equal(rb.state.id, ra.state.id);
    assert_int_equal(rb.persons_added, 0);
    assert_int_equal(rb.n_recognised, 1);
    /* the third has the first one's name key (no birth date either): held, no suspicion with itself */
    assert_int_equal(rc.state.id, ra.state.id);
    assert_int_equal(rc.n_recognised, 0);
    assert_int_equal(rc.persons_added, 0);
    assert_int_equal(rc.n_candidates, 0);
    intake_resolver_free(&r);
}

static void met_by_address_key_only(void **state)
{
    (void)state;
    intake_known_household hh[] = {stored_household(10, "addr-10")};
    /* stored before blocks existed: no name block, no address block, a phone */
    intake_known_fuzzy ff[] = {stored_fuzzy(10, true, NULL, "최영순", "1939-09-09", 'F', NULL, "0517771234")};
    intake_resolver r;
    referral a;
    intake_resolution res;
    init(&r, hh, 1, ff, 1);
    make(&a, "addr-10", "ab-new");
    person(&a, "", "최영순", "1939-09-09", 1939, 'F', NULL);
    assert_int_equal(intake_resolve(&r, &a.prep, &res), 0);
    /* name and birth date agree (0.70): a suspicion, not an attach */
    assert_true(res.is_new);
    assert_int_equal(res.n_candidates, 2); /* similar person first, then the same address */
    assert_string_equal(r.candidates[res.first_candidate].reason, INTAKE_REASON_FUZZY);
    assert_string_equal(r.candidates[res.first_candidate + 1].reason, INTAKE_REASON_ADDRESS);
    intake_resolver_free(&r);
}

static void scored_kind_is_data(void **state)
{
    (void)state;
    const intake_match_rule *k = &intake_match_kinds[INTAKE_MATCH_FUZZY];
    assert_int_equal(k->kind, INTAKE_MATCH_FUZZY);
    assert_ptr_equal(k->weights, &intake_fuzzy_default_weights);
    assert_true(k->rank > intake_match_kinds[INTAKE_MATCH_NAME_KEY].rank);
    for (int i = 0; i < INTAKE_MATCH_KEYED; i++)
        assert_null(intake_match_kinds[i].weights);
}

/* An operator decided the tie above (DecideTie): the reading "김영수, no birth date, this address" in
 * household 10 is person 102.  Every referral of that reading is then recognised as 102 by the one
 * rule — named, given the referral's number, not added — and raises no tie; the rule still finds the
 * household by score and the decision only picks among the persons tied at the best score. */
static void a_decided_tie_names_the_decided_person(void **state)
{
    (void)state;
    intake_known_household hh[] = {stored_household(10, "addr-10")};
    intake_known_fuzzy ff[] = {
        stored_fuzzy(10, false, "block:김영수", "김영수", "1951-03-01", 'M', "ab-10", NULL),
        stored_fuzzy(10, false, "block:김영수", "김영수", "1949-03-01", 'M', "ab-10", NULL)};
    ff[0].person_id = 101;
    ff[1].person_id = 102;
    const intake_tie_decided decided[] = {{"key:김영수:", 10, 102}};
    intake_resolver r;
    referral a, b;
    intake_resolution ra, rb;
    init(&r, hh, 1, ff, 2);
    assert_int_equal(intake_resolver_init_decided(&r, decided, 1), 0);
    make(&a, "addr-10", "ab-10");
    person(&a, "", "김영수", NULL, 1950, 'M', NULL); /* a neighbour's "about 76" */
    make(&b, "addr-10", "ab-10");
    person(&b, "rrn-new", "김영수", NULL, 1950, 'M', NULL); /* an agency's, with his number */
    assert_int_equal(intake_resolve(&r, &a.prep, &ra), 0);
    assert_int_equal(intake_resolve(&r, &b.prep, &rb), 0);
    const intake_resolution *res[] = {&ra, &rb};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(res[i]->state.id, 10);
        assert_int_equal(res[i]->n_tied, 0);
        assert_int_equal(res[i]->persons_added, 0);
        assert_int_equal(res[i]->n_recognised, 1);
        const intake_explained *e = &r.explained[res[i]->first_recognised];
        assert_string_equal(e->reasons, "name 1.00; birth year near; address; same sex");
    }
    assert_int_equal(r.n_tied, 0);
    assert_int_equal(r.n_persons, 0);
    assert_int_equal(r.n_numbered, 1); /* the number goes to the decided person */
    assert_int_equal(r.numbered[0].person_id, 102);
    assert_string_equal(r.numbered[0].p->rrn_hash, "rrn-new");
    intake_resolver_free(&r);
}

/* A decision that does not fit the tie changes nothing: of another household, of another reading, or
 * naming a person not among the tied. */
static void a_decision_elsewhere_leaves_the_tie(void **state)
{
    (void)state;
    intake_known_household hh[] = {stored_household(10, "addr-10")};
    intake_known_fuzzy ff[] = {
        stored_fuzzy(10, false, "block:김영수", "김영수", "1951-03-01", 'M', "ab-10", NULL),
        stored_fuzzy(10, false, "block:김영수", "김영수", "1949-03-01", 'M', "ab-10", NULL)};
    ff[0].person_id = 101;
    ff[1].person_id = 102;
    const intake_tie_decided decided[] = {
        {"key:김영수:", 11, 102}, {"key:김영수:1950-01-01", 10, 102}, {"key:김영수:", 10, 103}};
    for (size_t d = 0; d < 3; d++) {
        intake_resolver r;
        referral a;
        intake_resolution res;
        init(&r, hh, 1, ff, 2);
        assert_int_equal(intake_resolver_init_decided(&r, &decided[d], 1), 0);
        make(&a, "addr-10", "ab-10");
        person(&a, "", "김영수", NULL, 1950, 'M', NULL);
        assert_int_equal(intake_resolve(&r, &a.prep, &res), 0);
        assert_int_equal(res.state.id, 10);
        assert_int_equal(res.n_tied, 2);
        assert_int_equal(res.n_recognised, 0);
        assert_int_equal(res.persons_added, 0);
        intake_resolver_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unnumbered_person_recognised),
        cmocka_unit_test(neighbour_report_is_a_suspicion),
        cmocka_unit_test(twins_are_two_persons),
        cmocka_unit_test(numbered_persons_never_scored),
        cmocka_unit_test(tied_relatives_named_neither),
        cmocka_unit_test(tied_relatives_added_in_the_block),
        cmocka_unit_test(rereports_inside_one_resolver),
        cmocka_unit_test(met_by_address_key_only),
        cmocka_unit_test(scored_kind_is_data),
        cmocka_unit_test(a_decided_tie_names_the_decided_person),
        cmocka_unit_test(a_decision_elsewhere_leaves_the_tie),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

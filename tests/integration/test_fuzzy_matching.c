/*
 * test_fuzzy_matching.c — persons without a resident number, matched by the Korean-aware score, over
 * the real bus and PostgreSQL (issue 16).
 *
 *   NFD       박영자 reported by an agency with her number, then by a safety-net member in decomposed
 *             Hangul (NFD) with no number, an approximate age and her phone: the same household, no
 *             person added, HouseholdIdentified.recognised with the score's reasons
 *   twins     김민준 with his number; his twin sister 김민서 at the same address with the family's phone
 *             and no number: not recognised as him (two persons)
 *   neighbour a neighbour knows only 이순복's name and her address written another way ("14-2번지"):
 *             a new household and DuplicateSuspected naming hers, "similar person, different
 *             household", with the score and its reasons
 *   bad input a person without a number aged 250: INVALID_ARGUMENT persons.0.approximate_age, nothing
 *             stored
 *   tie       two men named 정상철 without numbers at one address, born a year before and a year
 *             after the one an agency then reports with his number: the household is theirs, neither
 *             is named nor given the number (he is added with it, not lost), and one
 *             DuplicateSuspected lists both (tied[], the tie "tied 0.85 = 0.85" first among each
 *             one's reasons) for an operator
 *
 * Dong "72…" of this run, persons 3720–3729 and 3750–3759.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"
#include "welfare/intake/v1/events.pb-c.h"
#include "wh/status.h"

#define PERSON 3720
#define TIED   3750 /* tied_relatives_raise_a_suspicion */
#define ON     "2026-06-02"

static char dong[11];
static whc *intake;

/* A referral of one person at address in this test's dong: rrn_k < 0 for none. */
static void referral(itest_referral *r, int household, int rrn_k, const char *name, const char *address,
                     const char *phone)
{
    itest_referral_init(r, dong, household, PERSON, 1, ITEST_RISK_LOW, ON);
    snprintf(r->address, sizeof r->address, "%s %s", address, itest_run_id());
    if (rrn_k >= 0)
        itest_rrn(r->rrn[0], rrn_k);
    else
        r->person[0].rrn = "";
    snprintf(r->name[0], sizeof r->name[0], "%s", name);
    r->person[0].phone = (char *)phone;
}

/* The birth year in itest_rrn's number: 19YY. */
static int birth_year_of(const char *rrn)
{
    return 1900 + (rrn[0] - '0') * 10 + (rrn[1] - '0');
}

typedef struct want_recognised {
    int64_t referral_id;
    double score;
    char reasons[160];
} want_recognised;

static bool recognised_in(const Welfare__Bus__V1__Envelope *env, void *arg)
{
    want_recognised *w = arg;
    Welfare__Intake__V1__HouseholdIdentified *e =
        welfare__intake__v1__household_identified__unpack(NULL, env->payload.len, env->payload.data);
    bool hit = e && e->referral_id == w->referral_id && e->n_recognised == 1 && e->recognised[0]->person == 0;
    if (hit) {
        w->score = e->recognised[0]->score;
        snprintf(w->reasons, sizeof w->reasons, "%s", e->recognised[0]->reasons);
    }
    if (e)
        welfare__intake__v1__household_identified__free_unpacked(e, NULL);
    return hit;
}

typedef struct want_similar {
    int64_t household_id, other;
    double score;
    char reason[64], score_reasons[160];
} want_similar;

static bool similar_in(const Welfare__Bus__V1__Envelope *env, void *arg)
{
    want_similar *w = arg;
    Welfare__Intake__V1__DuplicateSuspected *e =
        welfare__intake__v1__duplicate_suspected__unpack(NULL, env->payload.len, env->payload.data);
    bool hit = false;
    for (size_t i = 0; e && e->household_id == w->household_id && i < e->n_others && !hit; i++)
        if (e->others[i]->household_id == w->other) {
            hit = true;
            w->score = e->others[i]->score;
            snprintf(w->reason, sizeof w->reason, "%s", e->others[i]->reason);
            snprintf(w->score_reasons, sizeof w->score_reasons, "%s", e->others[i]->score_reasons);
        }
    if (e)
        welfare__intake__v1__duplicate_suspected__free_unpacked(e, NULL);
    return hit;
}

typedef struct want_tied {
    int64_t household_id, other, person_id[2];
    size_t n_tied, n_others;
    double score[2];
    char reason[96], score_reasons[2][160];
} want_tied;

static bool tied_in(const Welfare__Bus__V1__Envelope *env, void *arg)
{
    want_tied *w = arg;
    Welfare__Intake__V1__DuplicateSuspected *e =
        welfare__intake__v1__duplicate_suspected__unpack(NULL, env->payload.len, env->payload.data);
    bool hit = e && e->household_id == w->household_id && e->n_tied > 0;
    if (hit) {
        w->other = e->other_household_id;
        w->n_tied = e->n_tied;
        w->n_others = e->n_others;
        snprintf(w->reason, sizeof w->reason, "%s", e->reason);
        for (size_t i = 0; i < e->n_tied && i < 2; i++) {
            w->person_id[i] = e->tied[i]->person_id;
            w->score[i] = e->tied[i]->score;
            snprintf(w->score_reasons[i], sizeof w->score_reasons[i], "%s", e->tied[i]->score_reasons);
        }
    }
    if (e)
        welfare__intake__v1__duplicate_suspected__free_unpacked(e, NULL);
    return hit;
}

/* rb attached to ra's household and added no one: it holds `persons`; id gets its id as text. */
static void assert_rereported(const Welfare__Intake__V1__SubmitReferralReply *ra,
                              const Welfare__Intake__V1__SubmitReferralReply *rb, int64_t persons,
                              char id[24])
{
    assert_int_equal(rb->household_id, ra->household_id);
    assert_false(rb->is_new);
    assert_int_equal(rb->persons_added, 0);
    snprintf(id, 24, "%lld", (long long)ra->household_id);
    assert_int_equal(
        itest_sql_i64("SELECT count(*) FROM intake.person WHERE household_id = $1::bigint", id, NULL),
        persons);
}

static void nfd_name_is_the_same_household(void)
{
    itest_referral a, b;
    referral(&a, 1, PERSON + 0, "박영자", "수영로 12번길 3", "010-5550-1234");
    a.person[0].sex = WELFARE__INTAKE__V1__SEX__SEX_MALE; /* itest_rrn's sex digit is 1 */
    Welfare__Intake__V1__SubmitReferralReply *ra = itest_submit(intake, &a);
    /* 박영자 decomposed: conjoining jamo, as some input methods send it */
    referral(
        &b, 1, -1,
        "\xe1\x84\x87\xe1\x85\xa1\xe1\x86\xa8\xe1\x84\x8b\xe1\x85\xa7\xe1\x86\xbc\xe1\x84\x8c\xe1\x85\xa1",
        "수영로12번길 3", "01055501234");
    b.person[0].approximate_age = 2026 - birth_year_of(a.rrn[0]);
    b.req.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SAFETY_NET;
    Welfare__Intake__V1__SubmitReferralReply *rb = itest_submit(intake, &b);
    char id[24];
    assert_rereported(ra, rb, 1, id);
    want_recognised w = {.referral_id = rb->referral_id};
    assert_int_equal(
        itest_events_count("intake", "welfare.intake.v1.HouseholdIdentified", recognised_in, &w, NULL), 1);
    assert_true(w.score >= 0.85);
    assert_non_null(strstr(w.reasons, "name 1.00"));
    assert_non_null(strstr(w.reasons, "phone"));
    welfare__intake__v1__submit_referral_reply__free_unpacked(ra, NULL);
    welfare__intake__v1__submit_referral_reply__free_unpacked(rb, NULL);
}

static void twins_are_two_persons(void)
{
    itest_referral a, b;
    referral(&a, 2, PERSON + 2, "김민준", "광안해변로 100", "010-7770-0000");
    Welfare__Intake__V1__SubmitReferralReply *ra = itest_submit(intake, &a);
    referral(&b, 2, -1, "김민서", "광안해변로 100", "010-7770-0000");
    b.person[0].birth_year = birth_year_of(a.rrn[0]);
    b.person[0].sex = WELFARE__INTAKE__V1__SEX__SEX_FEMALE;
    Welfare__Intake__V1__SubmitReferralReply *rb = itest_submit(intake, &b);
    assert_int_equal(rb->persons_added, 1); /* she is not him */
    char ids[64];
    snprintf(ids, sizeof ids, "{%lld,%lld}", (long long)ra->household_id, (long long)rb->household_id);
    assert_int_equal(
        itest_sql_i64("SELECT count(*) FROM intake.person WHERE household_id = ANY ($1::bigint[])", ids,
                      NULL),
        2);
    want_recognised w = {.referral_id = rb->referral_id};
    assert_int_equal(
        itest_events_count("intake", "welfare.intake.v1.HouseholdIdentified", recognised_in, &w, NULL), 0);
    welfare__intake__v1__submit_referral_reply__free_unpacked(ra, NULL);
    welfare__intake__v1__submit_referral_reply__free_unpacked(rb, NULL);
}

static void neighbour_report_raises_a_suspicion(void)
{
    itest_referral a, b;
    referral(&a, 3, PERSON + 4, "이순복", "망미로 14-2", NULL);
    Welfare__Intake__V1__SubmitReferralReply *ra = itest_submit(intake, &a);
    referral(&b, 3, -1, "이순복", "망미로 14-2번지", NULL); /* only what the neighbour knows */
    b.req.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SAFETY_NET;
    Welfare__Intake__V1__SubmitReferralReply *rb = itest_submit(intake, &b);
    assert_true(rb->is_new);
    assert_int_not_equal(rb->household_id, ra->household_id);
    want_similar w = {.household_id = rb->household_id, .other = ra->household_id};
    assert_int_equal(
        itest_events_count("intake", "welfare.intake.v1.DuplicateSuspected", similar_in, &w, NULL), 1);
    assert_string_equal(w.reason, "similar person, different household");
    assert_true(w.score >= 0.60 && w.score < 0.85);
    assert_string_equal(w.score_reasons, "name 1.00; address");
    char a_id[24], b_id[24];
    snprintf(a_id, sizeof a_id, "%lld", (long long)ra->household_id);
    snprintf(b_id, sizeof b_id, "%lld", (long long)rb->household_id);
    assert_int_equal(
        itest_sql_i64("SELECT count(*) FROM intake.duplicate_suspicion WHERE household_a = LEAST($1::bigint, "
                      "$2::bigint) AND household_b = GREATEST($1::bigint, $2::bigint) AND reason = $3",
                      a_id, b_id, "similar person, different household", NULL),
        1);
    welfare__intake__v1__submit_referral_reply__free_unpacked(ra, NULL);
    welfare__intake__v1__submit_referral_reply__free_unpacked(rb, NULL);
}

static void tied_relatives_raise_a_suspicion(void)
{
    itest_referral a, b;
    itest_referral_init(&b, dong, 5, TIED, 1, ITEST_RISK_LOW, ON); /* the agency's, with his number */
    int year = birth_year_of(b.rrn[0]);
    itest_referral_init(&a, dong, 5, TIED + 1, 2, ITEST_RISK_LOW, ON);
    for (int k = 0; k < 2; k++) {
        a.person[k].rrn = "";
        snprintf(a.name[k], sizeof a.name[k], "정상철");
        a.person[k].sex = WELFARE__INTAKE__V1__SEX__SEX_MALE;
        a.person[k].birth_year = year - 1 + 2 * k;
    }
    snprintf(b.name[0], sizeof b.name[0], "정상철");
    Welfare__Intake__V1__SubmitReferralReply *ra = itest_submit(intake, &a);
    assert_int_equal(ra->persons_added, 2);
    Welfare__Intake__V1__SubmitReferralReply *rb = itest_submit(intake, &b);
    assert_int_equal(rb->household_id, ra->household_id);
    assert_int_equal(rb->persons_added, 1); /* with his number, which a tie names no one to give to */
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)ra->household_id);
    static const char unnumbered[] =
        "SELECT count(*) FROM intake.person WHERE household_id = $1::bigint AND rrn_hash IS NULL";
    assert_int_equal(itest_sql_i64(unnumbered, id, NULL), 2); /* the relatives, given no number */
    want_recognised r = {.referral_id = rb->referral_id};
    assert_int_equal(
        itest_events_count("intake", "welfare.intake.v1.HouseholdIdentified", recognised_in, &r, NULL), 0);
    want_tied w = {.household_id = ra->household_id};
    assert_int_equal(itest_events_count("intake", "welfare.intake.v1.DuplicateSuspected", tied_in, &w, NULL),
                     1);
    assert_int_equal(w.n_tied, 2);
    assert_int_equal(w.n_others, 0);
    assert_int_equal(w.other, 0);
    assert_string_equal(w.reason, "persons of one household tied for a reported person");
    static const char first[] =
        "SELECT min(id) FROM intake.person WHERE household_id = $1::bigint AND rrn_hash IS NULL";
    static const char second[] =
        "SELECT max(id) FROM intake.person WHERE household_id = $1::bigint AND rrn_hash IS NULL";
    assert_int_equal(w.person_id[0], itest_sql_i64(first, id, NULL));
    assert_int_equal(w.person_id[1], itest_sql_i64(second, id, NULL));
    for (int i = 0; i < 2; i++) {
        assert_true(w.score[i] >= 0.85);
        assert_string_equal(w.score_reasons[i],
                            "tied 0.85 = 0.85; name 1.00; birth year near; address; same sex");
    }
    welfare__intake__v1__submit_referral_reply__free_unpacked(ra, NULL);
    welfare__intake__v1__submit_referral_reply__free_unpacked(rb, NULL);
}

static void bad_age_changes_nothing(void)
{
    itest_referral a;
    referral(&a, 4, -1, "최고령", "연수로 1", NULL);
    a.person[0].approximate_age = 250;
    int64_t before = itest_sql_i64("SELECT count(*) FROM intake.referral", NULL);
    whc_error err;
    assert_int_equal(
        whc_call(intake, &a.req.base, &welfare__intake__v1__submit_referral_reply__descriptor, NULL, &err),
        WH_INVALID_ARGUMENT);
    assert_string_equal(err.field, "persons.0.approximate_age");
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM intake.referral", NULL), before);
}

static void fuzzy_matching(void **state)
{
    (void)state;
    snprintf(dong, sizeof dong, "72%08lld", (long long)itest_run_number());
    itest_dong_define(dong); /* intake refuses dongs routing has not defined */
    intake = itest_client("intake");
    nfd_name_is_the_same_household();
    twins_are_two_persons();
    neighbour_report_raises_a_suspicion();
    bad_age_changes_nothing();
    tied_relatives_raise_a_suspicion();
    whc_close(&intake);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(fuzzy_matching)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

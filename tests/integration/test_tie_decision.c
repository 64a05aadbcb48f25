/*
 * test_tie_decision.c — a tie an operator decides, over the real bus and PostgreSQL (issue 16).
 *
 *   tie        two men named 한동수 without numbers at one address, born a year before and a year
 *              after the "about 1950" a neighbour then reports: the household theirs, no one named,
 *              one DuplicateSuspected with the referral's id and both persons tied
 *   who        DecideTie from the agency: PERMISSION_DENIED (an operator's decision), nothing recorded
 *   errors     a person not among the tied: FAILED_PRECONDITION person_id, nothing recorded
 *   decision   the operator's "the second one", sent twice under one message id: one reply, one
 *              TieDecided (exactly once, acknowledged after commit)
 *   after      the same reading reported again: recognised as that person (HouseholdIdentified
 *              .recognised), no one added, no DuplicateSuspected — without the decision it ties again
 *   follow     case and reporting, which read neither ties nor decisions (their subscriptions ask for
 *              other types), move past the decision on the intake stream
 *
 * Dong "76…" of this run, persons 3760–3769.
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

#define PERSON 3760
#define ON     "2026-06-03"
#define NAME   "한동수"
#define SAME   WELFARE__INTAKE__V1__TIE_DECISION__TIE_DECISION_SAME_PERSON

static char dong[11];

/* The birth year in itest_rrn's number: 19YY. */
static int birth_year_of(int k)
{
    char rrn[15];
    itest_rrn(rrn, k);
    return 1900 + (rrn[0] - '0') * 10 + (rrn[1] - '0');
}

/* n men named NAME without numbers at household 1 of this run, born in years[]. */
static void report_of(itest_referral *r, const int *years, int n)
{
    itest_referral_init(r, dong, 1, PERSON, n, ITEST_RISK_LOW, ON);
    for (int k = 0; k < n; k++) {
        r->person[k].rrn = "";
        snprintf(r->name[k], sizeof r->name[k], NAME);
        r->person[k].sex = WELFARE__INTAKE__V1__SEX__SEX_MALE;
        r->person[k].birth_year = years[k];
    }
}

typedef struct want_suspected {
    int64_t referral_id, tied[2];
    size_t n_tied;
} want_suspected;

static bool suspected_of(const Welfare__Bus__V1__Envelope *env, void *arg)
{
    want_suspected *w = arg;
    Welfare__Intake__V1__DuplicateSuspected *e =
        welfare__intake__v1__duplicate_suspected__unpack(NULL, env->payload.len, env->payload.data);
    bool hit = e && e->referral_id == w->referral_id;
    for (size_t i = 0; hit && i < e->n_tied && i < 2; i++)
        w->tied[i] = e->tied[i]->person_id;
    if (hit)
        w->n_tied = e->n_tied;
    if (e)
        welfare__intake__v1__duplicate_suspected__free_unpacked(e, NULL);
    return hit;
}

typedef struct want_decided {
    int64_t referral_id, person_id, household_id;
} want_decided;

static bool decided_of(const Welfare__Bus__V1__Envelope *env, void *arg)
{
    want_decided *w = arg;
    Welfare__Intake__V1__TieDecided *e =
        welfare__intake__v1__tie_decided__unpack(NULL, env->payload.len, env->payload.data);
    bool hit = e && e->referral_id == w->referral_id && e->person_id == w->person_id &&
               e->household_id == w->household_id && e->decision == SAME && e->n_tied_person_ids == 2;
    if (e)
        welfare__intake__v1__tie_decided__free_unpacked(e, NULL);
    return hit;
}

static bool recognised_of(const Welfare__Bus__V1__Envelope *env, void *arg)
{
    const int64_t *referral_id = arg;
    Welfare__Intake__V1__HouseholdIdentified *e =
        welfare__intake__v1__household_identified__unpack(NULL, env->payload.len, env->payload.data);
    bool hit = e && e->referral_id == *referral_id && e->n_recognised == 1;
    if (e)
        welfare__intake__v1__household_identified__free_unpacked(e, NULL);
    return hit;
}

static int64_t decisions(void)
{
    return itest_sql_i64("SELECT count(*) FROM intake.person_tie WHERE decision <> 0", NULL);
}

/* DecideTie on connection c under message id (NULL: a fresh one): the status, *reply on success. */
static int decide(whc *c, const char *id, int64_t referral_id, int64_t person_id,
                  Welfare__Intake__V1__DecideTieReply **reply, whc_error *err)
{
    Welfare__Intake__V1__DecideTie d = WELFARE__INTAKE__V1__DECIDE_TIE__INIT;
    d.referral_id = referral_id;
    d.decision = SAME;
    d.person_id = person_id;
    const ProtobufCMessageDescriptor *type = &welfare__intake__v1__decide_tie_reply__descriptor;
    ProtobufCMessage *r = NULL;
    int rc = id ? whc_call_id(c, id, &d.base, type, &r, err) : whc_call(c, &d.base, type, &r, err);
    if (reply)
        *reply = (void *)r;
    else if (r)
        protobuf_c_message_free_unpacked(r, NULL);
    return rc;
}

static void tie_decided(void **state)
{
    (void)state;
    snprintf(dong, sizeof dong, "76%08lld", (long long)itest_run_number());
    itest_dong_define(dong);
    whc *intake = itest_client("intake");
    int year = birth_year_of(PERSON);
    const int relatives[] = {year - 1, year + 1}, neighbour[] = {year};

    itest_referral a, b, c;
    report_of(&a, relatives, 2);
    Welfare__Intake__V1__SubmitReferralReply *ra = itest_submit(intake, &a);
    assert_int_equal(ra->persons_added, 2);
    report_of(&b, neighbour, 1);
    Welfare__Intake__V1__SubmitReferralReply *rb = itest_submit(intake, &b);
    assert_int_equal(rb->household_id, ra->household_id);
    assert_int_equal(rb->persons_added, 0);
    want_suspected s = {.referral_id = rb->referral_id};
    assert_int_equal(
        itest_events_count("intake", "welfare.intake.v1.DuplicateSuspected", suspected_of, &s, NULL), 1);
    assert_int_equal(s.n_tied, 2);

    /* an agency may not decide; nor may anyone name a person who was not tied */
    whc *agency = itest_client_as("intake", "agency-demo");
    whc_error err;
    assert_int_equal(decide(agency, NULL, rb->referral_id, s.tied[1], NULL, &err), WH_PERMISSION_DENIED);
    whc_close(&agency);
    assert_int_equal(decide(intake, NULL, rb->referral_id, s.tied[1] + 1000, NULL, &err),
                     WH_FAILED_PRECONDITION);
    assert_string_equal(err.field, "person_id");
    assert_int_equal(decisions(), 0);

    /* the decision, twice under one message id: one reply, one event */
    char id[64];
    snprintf(id, sizeof id, "tie-%s-%lld", itest_run_id(), (long long)rb->referral_id);
    Welfare__Intake__V1__DecideTieReply *r1, *r2;
    assert_int_equal(decide(intake, id, rb->referral_id, s.tied[1], &r1, &err), 0);
    assert_int_equal(decide(intake, id, rb->referral_id, s.tied[1], &r2, &err), 0);
    assert_int_equal(r1->person_id, s.tied[1]);
    assert_int_equal(r1->household_id, ra->household_id);
    assert_false(r1->already_decided);
    assert_int_equal(r2->person_id, r1->person_id);
    assert_false(r2->already_decided); /* the stored reply of the first */
    want_decided w = {rb->referral_id, s.tied[1], ra->household_id};
    uint64_t head = 0;
    assert_int_equal(itest_events_count("intake", "welfare.intake.v1.TieDecided", decided_of, &w, &head), 1);
    assert_int_equal(decisions(), 1);

    /* the same reading again: recognised as the decided person, no tie */
    report_of(&c, neighbour, 1);
    Welfare__Intake__V1__SubmitReferralReply *rc = itest_submit(intake, &c);
    assert_int_equal(rc->household_id, ra->household_id);
    assert_int_equal(rc->persons_added, 0);
    want_suspected none = {.referral_id = rc->referral_id};
    assert_int_equal(
        itest_events_count("intake", "welfare.intake.v1.DuplicateSuspected", suspected_of, &none, NULL), 0);
    assert_int_equal(itest_events_count("intake", "welfare.intake.v1.HouseholdIdentified", recognised_of,
                                        &rc->referral_id, NULL),
                     1);

    /* downstream moves past the decision */
    assert_true(itest_wait_caught_up("casework", "intake", 30));
    assert_true(itest_wait_caught_up("reporting", "intake", 30));

    welfare__intake__v1__submit_referral_reply__free_unpacked(ra, NULL);
    welfare__intake__v1__submit_referral_reply__free_unpacked(rb, NULL);
    welfare__intake__v1__submit_referral_reply__free_unpacked(rc, NULL);
    welfare__intake__v1__decide_tie_reply__free_unpacked(r1, NULL);
    welfare__intake__v1__decide_tie_reply__free_unpacked(r2, NULL);
    whc_close(&intake);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(tie_decided)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

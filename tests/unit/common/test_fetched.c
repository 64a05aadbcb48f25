/*
 * test_fetched.c — which event of a FetchEvents reply follows a consumer's position (fetched.c): in a
 * reply of the asked types only, whose events skip sequences and whose covered_sequence reaches past
 * its last; and in a gap-free reply of a producer that predates covered_sequence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bus_internal.h"

/* A reply of events at these sequences, covering up to `covered` (0: none said). */
static void reply_of(Welfare__Bus__V1__FetchEventsReply *r, Welfare__Bus__V1__Envelope *envs,
                     Welfare__Bus__V1__Envelope **ptrs, const uint64_t *seqs, size_t n, uint64_t covered)
{
    welfare__bus__v1__fetch_events_reply__init(r);
    for (size_t i = 0; i < n; i++) {
        welfare__bus__v1__envelope__init(&envs[i]);
        envs[i].sequence = seqs[i];
        ptrs[i] = &envs[i];
    }
    r->events = ptrs;
    r->n_events = n;
    r->covered_sequence = covered;
    r->head_sequence = covered > 0 ? covered + 5 : n > 0 ? seqs[n - 1] : 0;
}

/* A reply of up to 4 events and the consumer's reading of it. */
typedef struct fixture {
    Welfare__Bus__V1__Envelope envs[4], *ptrs[4];
    Welfare__Bus__V1__FetchEventsReply r;
    wh_fetched f;
} fixture;

/* The reply of events at seqs covering up to covered, read as the answer to a request after `after`
 * (after_known) or to an unknown one. */
static const wh_fetched *fetched_of(fixture *x, const uint64_t *seqs, size_t n, uint64_t covered,
                                    bool after_known, uint64_t after)
{
    assert_true(n <= 4);
    reply_of(&x->r, x->envs, x->ptrs, seqs, n, covered);
    wh_fetched_init(&x->f, &x->r, after_known, after);
    return &x->f;
}

static void a_filtered_reply_is_followed_across_the_sequences_it_skips(void **state)
{
    const uint64_t seqs[] = {13, 20, 21};
    fixture x;
    const wh_fetched *f = fetched_of(&x, seqs, 3, 40, true, 10);

    (void)state;
    assert_true(f->skips);
    assert_int_equal(f->end, 40);
    /* asked after 10: 11 and 12 were of other types, so 13 follows positions 10, 11 and 12 */
    assert_true(wh_fetched_follows(f, 0, 10));
    assert_true(wh_fetched_follows(f, 0, 12));
    assert_false(wh_fetched_follows(f, 0, 9)); /* 10 itself may be one to apply: not covered */
    assert_false(wh_fetched_follows(f, 0, 13));
    assert_true(wh_fetched_follows(f, 1, 13));  /* 14..19 skipped */
    assert_false(wh_fetched_follows(f, 1, 12)); /* 13 first */
    assert_true(wh_fetched_follows(f, 2, 20));
    /* the tail: 22..40 hold nothing asked for, a position at 21 or past it moves to 40 */
    assert_true(wh_fetched_follows(f, 3, 21));
    assert_true(wh_fetched_follows(f, 3, 39));
    assert_false(wh_fetched_follows(f, 3, 40));
    assert_false(wh_fetched_follows(f, 3, 20)); /* 21 not applied yet */
    assert_int_equal(wh_fetched_first_after(f, 0), 0);
    assert_int_equal(wh_fetched_first_after(f, 13), 1);
    assert_int_equal(wh_fetched_first_after(f, 30), 3);
    assert_true(wh_fetched_chained(f, 0, 2));
}

static void a_filtered_reply_of_an_unknown_request_starts_at_its_second_event(void **state)
{
    const uint64_t seqs[] = {13, 20};
    fixture x;
    const wh_fetched *f = fetched_of(&x, seqs, 2, 25, false, 0); /* not the request in flight's answer */

    (void)state;
    assert_false(wh_fetched_follows(f, 0, 12));
    assert_false(wh_fetched_follows(f, 0, 0));
    assert_true(wh_fetched_follows(f, 1, 13));
}

static void an_empty_filtered_reply_moves_the_position_to_what_it_covers(void **state)
{
    fixture x;
    const wh_fetched *f = fetched_of(&x, NULL, 0, 700, true, 100);

    (void)state;
    assert_int_equal(f->end, 700);
    assert_true(wh_fetched_follows(f, 0, 100));
    assert_false(wh_fetched_follows(f, 0, 99));
    f = fetched_of(&x, NULL, 0, 100, true, 100); /* nothing past the position: nothing moves */
    assert_false(wh_fetched_follows(f, 0, 100));
}

static void a_reply_without_covered_sequence_must_have_no_gap(void **state)
{
    const uint64_t seqs[] = {11, 12, 14};
    fixture x;
    const wh_fetched *f = fetched_of(&x, seqs, 3, 0, true, 10);

    (void)state;
    assert_false(f->skips);
    assert_int_equal(f->end, 14);
    assert_true(wh_fetched_follows(f, 0, 10));
    assert_false(wh_fetched_follows(f, 0, 9)); /* 10 missing */
    assert_true(wh_fetched_follows(f, 1, 11));
    assert_false(wh_fetched_follows(f, 2, 12)); /* 13 missing: a gap stops the batch */
    assert_false(wh_fetched_follows(f, 3, 14)); /* no tail to move past */
    assert_true(wh_fetched_chained(f, 0, 1));
    assert_false(wh_fetched_chained(f, 0, 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_filtered_reply_is_followed_across_the_sequences_it_skips),
        cmocka_unit_test(a_filtered_reply_of_an_unknown_request_starts_at_its_second_event),
        cmocka_unit_test(an_empty_filtered_reply_moves_the_position_to_what_it_covers),
        cmocka_unit_test(a_reply_without_covered_sequence_must_have_no_gap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

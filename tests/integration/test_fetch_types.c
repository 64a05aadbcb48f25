/*
 * test_fetch_types.c — FetchEvents.types (docs/bus-protocol.md): a fetch naming event types gets
 * only events of those types, every one of them, and a covered_sequence that reaches past the events
 * of other types it skipped; walked again from 0 after the producer restarted, the same events; a fetch
 * naming no type is what it always was (gap-free, every type); bad type lists are refused.
 *
 * Dong "68…" of this run, persons 1300–1319 (itest_rrn), used by no other program.
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
#include "welfare/bus/v1/stream.pb-c.h"
#include "wh/status.h"

#define PERSON     1300
#define REFERRALS  20
#define ASKED      "welfare.intake.v1.HouseholdIdentified"
#define ALSO_ASKED "welfare.intake.v1.HouseholdsMerged"
#define OTHER      "welfare.intake.v1.ReferralReceived" /* one a referral, never asked for here */
#define MAX_WALKED 400000 /* events of the whole intake stream a walk keeps (the suite writes fewer) */

static const char *const asked[] = {ASKED, ALSO_ASKED};

static Welfare__Bus__V1__FetchEventsReply *fetch_ok(whc *c, uint64_t after, uint32_t max,
                                                    const char *const *types, size_t n_types)
{
    int status;
    Welfare__Bus__V1__FetchEventsReply *r =
        itest_fetch_events(c, "intake", after, max, types, n_types, &status);

    assert_int_equal(status, 0);
    assert_non_null(r);
    return r;
}

static bool is_asked(const char *type)
{
    return strcmp(type, ASKED) == 0 || strcmp(type, ALSO_ASKED) == 0;
}

/* The sequences of the asked types in (after, upto], walked with unfiltered fetches of `max`: each
 * reply gap-free from where it was asked, its covered_sequence its last event (unchanged behaviour). */
static size_t walk_all(whc *c, uint64_t after, uint64_t upto, uint32_t max, uint64_t *out,
                       uint64_t *last_type_other)
{
    size_t n = 0;

    *last_type_other = 0;
    while (after < upto) {
        Welfare__Bus__V1__FetchEventsReply *r = fetch_ok(c, after, max, NULL, 0);
        assert_true(r->n_events >= 1);
        assert_true(r->n_events <= max);
        for (size_t i = 0; i < r->n_events; i++) {
            const Welfare__Bus__V1__Envelope *e = r->events[i];
            assert_int_equal(e->sequence, after + 1 + i); /* no gap */
            if (e->sequence > upto)
                break;
            if (is_asked(e->type)) {
                assert_true(n < MAX_WALKED);
                out[n++] = e->sequence;
            } else if (strcmp(e->type, OTHER) == 0) {
                *last_type_other = e->sequence;
            }
        }
        assert_int_equal(r->covered_sequence, r->events[r->n_events - 1]->sequence);
        after = r->events[r->n_events - 1]->sequence;
        protobuf_c_message_free_unpacked(&r->base, NULL);
    }
    return n;
}

/* The same with fetches asking for the two types: only those come, and the walk goes on from each
 * reply's covered_sequence, which is never short of its last event. *skipped_past: a reply covered
 * past its last event (or had none and covered past where it was asked). */
static size_t walk_asked(whc *c, uint64_t after, uint64_t upto, uint32_t max, uint64_t *out,
                         bool *skipped_past)
{
    size_t n = 0;

    *skipped_past = false;
    while (after < upto) {
        Welfare__Bus__V1__FetchEventsReply *r = fetch_ok(c, after, max, asked, 2);
        uint64_t last = after;
        assert_true(r->n_events <= max);
        for (size_t i = 0; i < r->n_events; i++) {
            const Welfare__Bus__V1__Envelope *e = r->events[i];
            if (!is_asked(e->type))
                fail_msg("a fetch asking for %s and %s got %s at %llu", ASKED, ALSO_ASKED, e->type,
                         (unsigned long long)e->sequence);
            assert_true(e->sequence > last); /* in order, after the position */
            last = e->sequence;
            if (e->sequence <= upto) {
                assert_true(n < MAX_WALKED);
                out[n++] = e->sequence;
            }
        }
        if (r->covered_sequence < last || r->covered_sequence <= after)
            fail_msg("a reply asked after %llu with its last event at %llu covers only up to %llu",
                     (unsigned long long)after, (unsigned long long)last,
                     (unsigned long long)r->covered_sequence);
        assert_true(r->covered_sequence <= r->head_sequence);
        if (r->covered_sequence > last)
            *skipped_past = true;
        after = r->covered_sequence;
        protobuf_c_message_free_unpacked(&r->base, NULL);
    }
    return n;
}

static void assert_same_sequences(const uint64_t *want, size_t n_want, const uint64_t *got, size_t n_got)
{
    if (n_want != n_got)
        fail_msg("%zu events of the asked types in the stream, %zu fetched by type", n_want, n_got);
    for (size_t i = 0; i < n_want; i++)
        if (want[i] != got[i])
            fail_msg("event %zu of the asked types: %llu in the stream, %llu fetched by type", i,
                     (unsigned long long)want[i], (unsigned long long)got[i]);
}

static uint64_t head_now(whc *c)
{
    Welfare__Bus__V1__FetchEventsReply *r = fetch_ok(c, 0, 1, NULL, 0);
    uint64_t head = r->head_sequence;

    protobuf_c_message_free_unpacked(&r->base, NULL);
    return head;
}

static void a_fetch_by_type_gets_those_types_and_covers_the_rest(void **state)
{
    (void)state;
    char dong[11];
    uint64_t *all = calloc(MAX_WALKED, sizeof *all), *by_type = calloc(MAX_WALKED, sizeof *by_type);
    uint64_t last_other, before, head;
    bool skipped_past;
    whc *c = itest_client("intake");

    assert_non_null(all);
    assert_non_null(by_type);
    snprintf(dong, sizeof dong, "68%08lld", (long long)itest_run_number());
    itest_dong_define(dong);
    before = head_now(c);
    for (int k = 0; k < REFERRALS; k++) {
        itest_referral r;
        itest_referral_init(&r, dong, PERSON + k, PERSON + k, 1, ITEST_RISK_LOW, "2026-07-03");
        protobuf_c_message_free_unpacked(&itest_submit(c, &r)->base, NULL);
    }
    head = head_now(c);

    /* this run's events: small fetches by type, then unfiltered fetches of the same range */
    size_t n_typed = walk_asked(c, before, head, 5, by_type, &skipped_past);
    size_t n_all = walk_all(c, before, head, 7, all, &last_other);
    assert_true(n_all >= REFERRALS); /* a HouseholdIdentified a new household */
    assert_true(last_other > 0);
    assert_same_sequences(all, n_all, by_type, n_typed);
    assert_true(skipped_past); /* ReferralReceived events lay between and after them */

    /* a reply that ends on events of other types covers up to the head */
    Welfare__Bus__V1__FetchEventsReply *r = fetch_ok(c, all[n_all - 1], 2000, asked, 2);
    if (r->head_sequence == head) { /* nothing else wrote meanwhile */
        assert_int_equal(r->n_events, 0);
        assert_int_equal(r->covered_sequence, head);
    }
    for (size_t i = 0; i < r->n_events; i++)
        assert_true(is_asked(r->events[i]->type));
    uint64_t reply_head = r->head_sequence;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    /* after the head: nothing, covered where asked */
    r = fetch_ok(c, reply_head, 2000, asked, 2);
    assert_int_equal(r->n_events, 0);
    assert_true(r->covered_sequence >= head);
    protobuf_c_message_free_unpacked(&r->base, NULL);

    /* the whole stream from 0, then again from 0 once intake restarted: the same events */
    size_t n_all0 = walk_all(c, 0, head, 2000, all, &last_other);
    size_t n_typed0 = walk_asked(c, 0, head, 2000, by_type, &skipped_past);
    assert_same_sequences(all, n_all0, by_type, n_typed0);
    whc_close(&c);
    assert_int_equal(itest_stack("wh_service_stop intake && wh_service_start intake && "
                                 "wh_service_wait_ready intake 60"),
                     0);
    c = itest_client("intake");
    memset(by_type, 0, MAX_WALKED * sizeof *by_type);
    n_typed0 = walk_asked(c, 0, head, 2000, by_type, &skipped_past);
    assert_same_sequences(all, n_all0, by_type, n_typed0);
    whc_close(&c);
    free(all);
    free(by_type);
}

static void a_fetch_naming_no_type_is_unchanged(void **state)
{
    (void)state;
    whc *c = itest_client("intake");
    uint64_t head = head_now(c);
    uint64_t after = head > 40 ? head - 40 : 0;
    Welfare__Bus__V1__FetchEventsReply *r = fetch_ok(c, after, 2000, NULL, 0);

    assert_true(r->n_events >= 1);
    for (size_t i = 0; i < r->n_events; i++)
        assert_int_equal(r->events[i]->sequence, after + 1 + i);
    assert_int_equal(r->covered_sequence, r->events[r->n_events - 1]->sequence);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    whc_close(&c);
}

static void bad_type_lists_are_refused(void **state)
{
    (void)state;
    whc *c = itest_client("intake");
    const char *many[65], *empty[] = {ASKED, ""};
    char long_type[200];
    const char *too_long[] = {long_type};
    int status;

    for (size_t i = 0; i < 65; i++)
        many[i] = ASKED;
    memset(long_type, 'a', sizeof long_type - 1);
    long_type[sizeof long_type - 1] = '\0';
    assert_null(itest_fetch_events(c, "intake", 0, 10, many, 65, &status));
    assert_int_equal(status, WH_INVALID_ARGUMENT);
    assert_null(itest_fetch_events(c, "intake", 0, 10, empty, 2, &status));
    assert_int_equal(status, WH_INVALID_ARGUMENT);
    assert_null(itest_fetch_events(c, "intake", 0, 10, too_long, 1, &status));
    assert_int_equal(status, WH_INVALID_ARGUMENT);
    Welfare__Bus__V1__FetchEventsReply *r = fetch_ok(c, 0, 10, many, 64); /* 64 is allowed */
    protobuf_c_message_free_unpacked(&r->base, NULL);
    whc_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_fetch_by_type_gets_those_types_and_covers_the_rest),
        cmocka_unit_test(a_fetch_naming_no_type_is_unchanged),
        cmocka_unit_test(bad_type_lists_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

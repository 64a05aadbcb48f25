/*
 * test_fetch_wait.c — FetchEvents.wait_ms (docs/bus-protocol.md): a fetch at the head that asks to
 * wait is held by the producer and answered right after its next commit, with the events of that
 * commit (gap-free from where it asked); with no commit it is answered empty once its wait is over; a
 * fetch without wait_ms at the head is answered empty at once, as before; a held fetch whose
 * connection closes is dropped, and the producer goes on.
 *
 * Dong "69…" of this run, persons 3000–3009 (itest_rrn), used by no other program.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "itest.h"
#include "welfare/bus/v1/stream.pb-c.h"
#include "wh/status.h"

#define PERSON  3000
#define DAY     "2026-07-04"
#define WAIT_MS 3000 /* the producer's cap: held until a commit, or answered empty after it */

static char dong[11];

static int setup(void **state)
{
    (void)state;
    snprintf(dong, sizeof dong, "69%08lld", (long long)itest_run_number());
    itest_dong_define(dong);
    return 0;
}

/* The reply to the fetch in flight within timeout_ms, or NULL when none came; an error reply fails. */
static Welfare__Bus__V1__FetchEventsReply *recv_fetch(whc *c, int timeout_ms)
{
    int status;
    Welfare__Bus__V1__FetchEventsReply *r = itest_recv_fetch(c, timeout_ms, &status);

    if (status == -1)
        return NULL;
    assert_int_equal(status, 0);
    assert_non_null(r);
    return r;
}

static uint64_t head_now(whc *c)
{
    itest_send_fetch(c, "intake", 0, 0);
    Welfare__Bus__V1__FetchEventsReply *r = recv_fetch(c, 10000);
    assert_non_null(r);
    uint64_t head = r->head_sequence;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    return head;
}

static void submit(int k)
{
    itest_referral r;
    itest_referral_init(&r, dong, PERSON + k, PERSON + k, 1, ITEST_RISK_LOW, DAY);
    itest_submit_one(&r);
}

static void a_held_fetch_gets_the_next_commit(void **state)
{
    (void)state;
    whc *c = itest_client("intake");
    uint64_t head = head_now(c);

    itest_send_fetch(c, "intake", head, WAIT_MS);
    Welfare__Bus__V1__FetchEventsReply *early = recv_fetch(c, 200);
    if (early != NULL) { /* answered before our commit: only because another one moved the head */
        assert_true(early->n_events >= 1);
        protobuf_c_message_free_unpacked(&early->base, NULL);
        whc_close(&c);
        return;
    }
    submit(0); /* acked: committed */
    Welfare__Bus__V1__FetchEventsReply *r = recv_fetch(c, 10000);
    assert_non_null(r);
    if (r->n_events == 0)
        fail_msg("a fetch held at the head %llu was answered empty after a referral was committed",
                 (unsigned long long)head);
    for (size_t i = 0; i < r->n_events; i++)
        assert_int_equal(r->events[i]->sequence, head + 1 + i); /* gap-free from where it asked */
    assert_true(r->head_sequence >= r->events[r->n_events - 1]->sequence);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    whc_close(&c);
}

static void a_held_fetch_without_a_commit_is_answered_empty(void **state)
{
    (void)state;
    whc *c = itest_client("intake");
    uint64_t head = head_now(c);

    itest_send_fetch(c, "intake", head, 500);
    Welfare__Bus__V1__FetchEventsReply *r = recv_fetch(c, 300);
    if (r != NULL) { /* before its wait was over: only because a commit moved the head */
        assert_true(r->head_sequence > head);
        assert_true(r->n_events >= 1);
    } else {
        r = recv_fetch(c, 5000); /* the wait, a tick (1 s), slack */
        assert_non_null(r);
        assert_true(r->n_events == 0 || r->head_sequence > head);
        if (r->head_sequence == head)
            assert_int_equal(r->covered_sequence, head);
    }
    uint64_t now_at = r->head_sequence > head ? r->head_sequence : head;
    protobuf_c_message_free_unpacked(&r->base, NULL);

    itest_send_fetch(c, "intake", now_at, 0); /* no wait: at once */
    r = recv_fetch(c, 5000);
    assert_non_null(r);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    whc_close(&c);
}

static void a_held_fetch_of_a_closed_connection_is_dropped(void **state)
{
    (void)state;
    const char *gone = "wh_bus_queries_dropped_total{reason=\"gone\"}";
    const char *dropped = "wh_bus_replies_dropped_total{reason=\"gone\"}";
    const char *held = "wh_bus_fetches_held_total";
    int64_t before = itest_metric("intake", gone) + itest_metric("intake", dropped);
    int64_t held_before = itest_metric("intake", held);
    whc *c = itest_client("intake");
    uint64_t head = head_now(c);

    itest_send_fetch(c, "intake", head, WAIT_MS);
    assert_null(recv_fetch(c, 200)); /* held (a commit of someone else's would answer it) */
    whc_close(&c);
    usleep(300000); /* its end reaches intake's monitor (peer_gone.c); either way it is counted */
    submit(1);
    submit(2); /* intake goes on: both acked */
    int64_t after = itest_metric("intake", gone) + itest_metric("intake", dropped);
    assert_true(itest_metric("intake", held) > held_before);
    if (after <= before)
        fail_msg("a held fetch whose connection closed was neither dropped nor its reply dropped "
                 "(%lld before, %lld after)",
                 (long long)before, (long long)after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_held_fetch_gets_the_next_commit),
        cmocka_unit_test(a_held_fetch_without_a_commit_is_answered_empty),
        cmocka_unit_test(a_held_fetch_of_a_closed_connection_is_dropped),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}

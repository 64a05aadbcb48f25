/*
 * test_fetch_pace.c — a connection's slow start of FetchEvents reply bytes (common/src/fetch_pace.c):
 * small at first, doubled each time it is seen to read (asks after its last reply's end with nothing
 * unsent) up to the service's bound, back to the start when it is not taking what it was sent, and
 * never grown by a connection that asks again from before its last reply's end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bus_internal.h"

#define START (16 * 1024)
#define BOUND (256 * 1024)

/* One fetch after `after` with `taken`, its reply covering up to `covered`; the allowance it got. */
static size_t fetch(wh_fetch_pace *pace, uint64_t after, bool taken, uint64_t covered)
{
    size_t allowance = wh_fetch_pace_allowance(pace, after, taken, START, BOUND);
    wh_fetch_pace_replied(pace, covered);
    return allowance;
}

static void a_reader_doubles_up_to_the_bound(void **state)
{
    (void)state;
    wh_fetch_pace pace = {0};
    size_t want[] = {START, 2 * START, 4 * START, 8 * START, BOUND, BOUND, BOUND};
    uint64_t at = 0;

    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_int_equal(fetch(&pace, at, true, at + 70), want[i]);
        at += 70; /* it continues from the reply's covered_sequence */
    }
}

static void a_reader_past_its_last_reply_grows_too(void **state)
{
    (void)state;
    wh_fetch_pace pace = {0};

    assert_int_equal(fetch(&pace, 0, true, 70), START);
    assert_int_equal(fetch(&pace, 90, true, 100), 2 * START);  /* past the end: it had read it */
    assert_int_equal(fetch(&pace, 100, true, 100), 4 * START); /* at the head: an empty reply, read */
    assert_int_equal(fetch(&pace, 100, true, 100), 8 * START);
}

static void a_connection_asking_again_from_before_its_end_does_not_grow(void **state)
{
    (void)state;
    wh_fetch_pace pace = {0};

    /* never-reading: the same fetch from the start again and again, nothing unsent yet */
    for (int i = 0; i < 40; i++)
        assert_int_equal(fetch(&pace, 0, true, 70), START);
    /* a reader that went back (a replay) keeps what it had */
    assert_int_equal(fetch(&pace, 70, true, 140), 2 * START);
    assert_int_equal(fetch(&pace, 10, true, 80), 2 * START);
    assert_int_equal(fetch(&pace, 80, true, 150), 4 * START);
}

static void bytes_left_unsent_put_it_back_to_the_start(void **state)
{
    (void)state;
    wh_fetch_pace pace = {0};
    uint64_t at = 0;

    for (int i = 0; i < 6; i++, at += 70)
        fetch(&pace, at, true, at + 70);
    assert_int_equal(fetch(&pace, at, true, at + 70), BOUND);
    at += 70;
    /* after its reply's end, but the kernel still holds bytes of it: not seen to read */
    assert_int_equal(fetch(&pace, at, false, at + 70), START);
    at += 70;
    assert_int_equal(fetch(&pace, at, true, at + 70), 2 * START);
}

static void a_fetch_without_a_reply_does_not_count(void **state)
{
    (void)state;
    wh_fetch_pace pace = {0};

    assert_int_equal(fetch(&pace, 0, true, 70), START);
    /* weighed, but dropped (its connection closed) or failed: no reply built */
    assert_int_equal(wh_fetch_pace_allowance(&pace, 70, true, START, BOUND), 2 * START);
    assert_int_equal(wh_fetch_pace_allowance(&pace, 70, true, START, BOUND), 2 * START);
}

static void the_start_is_never_above_the_bound(void **state)
{
    (void)state;
    wh_fetch_pace pace = {0};

    assert_int_equal(wh_fetch_pace_allowance(&pace, 0, true, START, 8 * 1024), 8 * 1024);
    wh_fetch_pace_replied(&pace, 10);
    assert_int_equal(wh_fetch_pace_allowance(&pace, 10, true, START, 8 * 1024), 8 * 1024);
    /* an odd bound: doubling stops at it, not past it */
    pace = (wh_fetch_pace){0};
    size_t odd = 3 * START;
    assert_int_equal(wh_fetch_pace_allowance(&pace, 0, true, START, odd), START);
    wh_fetch_pace_replied(&pace, 10);
    assert_int_equal(wh_fetch_pace_allowance(&pace, 10, true, START, odd), 2 * START);
    wh_fetch_pace_replied(&pace, 20);
    assert_int_equal(wh_fetch_pace_allowance(&pace, 20, true, START, odd), odd);
    wh_fetch_pace_replied(&pace, 30);
    assert_int_equal(wh_fetch_pace_allowance(&pace, 30, true, START, odd), odd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_reader_doubles_up_to_the_bound),
        cmocka_unit_test(a_reader_past_its_last_reply_grows_too),
        cmocka_unit_test(a_connection_asking_again_from_before_its_end_does_not_grow),
        cmocka_unit_test(bytes_left_unsent_put_it_back_to_the_start),
        cmocka_unit_test(a_fetch_without_a_reply_does_not_count),
        cmocka_unit_test(the_start_is_never_above_the_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

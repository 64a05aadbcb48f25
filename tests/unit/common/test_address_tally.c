/*
 * test_address_tally.c — the connections of each source address in their handshake, counted as they
 * change (common/src/address_tally.c): after any sequence of accepts, handshakes, first messages,
 * idle closes and ends, the tally of an address is what a scan of every fd finds, and the table stays
 * bounded however many addresses came and went.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bus_internal.h"
#include "commands_internal.h"

#define FDS 512

/* The rule address_bound.c applied by scanning every fd. */
static int64_t scanned(const peer_conn *by_fd, uint64_t source)
{
    int64_t n = 0;

    for (size_t i = 0; i < FDS; i++)
        n += by_fd[i].waiting && !by_fd[i].used && !by_fd[i].secured && by_fd[i].source == source &&
             source != 0;
    return n;
}

static void the_tally_agrees_with_a_scan_and_stays_bounded(void **state)
{
    (void)state;
    static peer_conn by_fd[FDS];
    wh_peers ps = {.by_fd = by_fd, .n_fd = FDS};
    uint64_t seed = 1;

    memset(by_fd, 0, sizeof by_fd);
    for (int step = 0; step < 200000; step++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        peer_conn *pc = &by_fd[(seed >> 33) % FDS];
        switch ((seed >> 20) % 6) {
        case 0: /* accepted: first from a few busy addresses, then each from one never seen before */
        case 1:
            wh_tally_forget(&ps, pc);
            memset(pc, 0, sizeof *pc);
            pc->waiting = true;
            pc->source = step < 100000 ? 1 + (seed >> 40) % 8 : 1000 + (uint64_t)step;
            break;
        case 2:
            pc->secured = true; /* its handshake succeeded */
            break;
        case 3:
            pc->used = true; /* its first message placed it */
            break;
        case 4:
            pc->waiting = false; /* closed idle, or shed */
            break;
        default: /* gone */
            wh_tally_forget(&ps, pc);
            memset(pc, 0, sizeof *pc);
            break;
        }
        wh_tally_update(&ps, pc);
        uint64_t probe = by_fd[(seed >> 45) % FDS].source;
        if (wh_tally_of(&ps, probe) != scanned(by_fd, probe))
            fail_msg("step %d: the tally of %llu is %lld, a scan finds %lld", step, (unsigned long long)probe,
                     (long long)wh_tally_of(&ps, probe), (long long)scanned(by_fd, probe));
    }
    for (size_t i = 0; i < FDS; i++)
        assert_int_equal(wh_tally_of(&ps, by_fd[i].source), scanned(by_fd, by_fd[i].source));
    /* ~100,000 addresses came and went; the table holds those still counted (at most FDS) */
    assert_true(ps.tally.cap <= 8 * FDS);
    wh_tally_free(&ps.tally);
}

static void an_address_never_seen_counts_nothing(void **state)
{
    (void)state;
    wh_peers ps = {0};
    peer_conn pc = {.waiting = true, .source = 42};

    assert_int_equal(wh_tally_of(&ps, 42), 0); /* no table yet */
    wh_tally_update(&ps, &pc);
    assert_int_equal(wh_tally_of(&ps, 42), 1);
    assert_int_equal(wh_tally_of(&ps, 43), 0);
    assert_int_equal(wh_tally_of(&ps, 0), 0);
    wh_tally_forget(&ps, &pc);
    wh_tally_forget(&ps, &pc); /* twice: nothing more to take back */
    assert_int_equal(wh_tally_of(&ps, 42), 0);
    wh_tally_free(&ps.tally);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_tally_agrees_with_a_scan_and_stays_bounded),
        cmocka_unit_test(an_address_never_seen_counts_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_linkage_state.c — the closed loop of a service linkage: which state may follow which, and
 * which states hold a resource's capacity.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "registry.h"

enum { REQUESTED = 1, ACCEPTED, REFUSED, STARTED, ENDED };

static void the_loop(void **state)
{
    (void)state;
    assert_true(registry_linkage_move_ok(REQUESTED, ACCEPTED));
    assert_true(registry_linkage_move_ok(REQUESTED, REFUSED));
    assert_true(registry_linkage_move_ok(REQUESTED, STARTED)); /* delivered at once */
    assert_true(registry_linkage_move_ok(ACCEPTED, STARTED));
    assert_true(registry_linkage_move_ok(ACCEPTED, REFUSED));
    assert_true(registry_linkage_move_ok(STARTED, ENDED));
    assert_false(registry_linkage_move_ok(REQUESTED, ENDED)); /* ends only what started */
    assert_false(registry_linkage_move_ok(STARTED, REFUSED));
    assert_false(registry_linkage_move_ok(STARTED, STARTED)); /* counted once */
    assert_false(registry_linkage_move_ok(ENDED, STARTED));
    assert_false(registry_linkage_move_ok(REFUSED, ACCEPTED));
    assert_false(registry_linkage_move_ok(0, REQUESTED));
    assert_false(registry_linkage_move_ok(STARTED, 6));
    assert_false(registry_linkage_move_ok(-1, 2));
}

static void capacity_held(void **state)
{
    (void)state;
    assert_true(registry_linkage_holds_capacity(REQUESTED));
    assert_true(registry_linkage_holds_capacity(ACCEPTED));
    assert_true(registry_linkage_holds_capacity(STARTED));
    assert_false(registry_linkage_holds_capacity(REFUSED));
    assert_false(registry_linkage_holds_capacity(ENDED));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_loop),
        cmocka_unit_test(capacity_held),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

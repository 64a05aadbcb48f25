/*
 * test_instance_set.c — routing-bench's choice of instances (bench/routing/instance_set.c): a listed set
 * comes back in the order listed, not the reference file's; "all" and "one" keep the reference order;
 * a name not in the reference, a name listed twice or an empty name is refused with that name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "instance_set.h"

static const char *const names[] = {"c1_10_2", "c1_10_3", "c2_10_2", "r1_10_2", "r1_10_10", "r2_10_2"};
#define N ((int)(sizeof(names) / sizeof(names[0])))

static void listed_order_is_kept(void **state)
{
    (void)state;
    int order[N];
    char bad[32] = "";
    assert_int_equal(
        instance_set_select(names, N, "r2_10_2,c1_10_3,r1_10_10,c1_10_2", order, bad, sizeof(bad)), 4);
    assert_int_equal(order[0], 5);
    assert_int_equal(order[1], 1);
    assert_int_equal(order[2], 4);
    assert_int_equal(order[3], 0);
    assert_int_equal(instance_set_select(names, N, "r1_10_2", order, bad, sizeof(bad)), 1);
    assert_int_equal(order[0], 3);
}

static void all_and_one_keep_reference_order(void **state)
{
    (void)state;
    int order[N];
    assert_int_equal(instance_set_select(names, N, "all", order, NULL, 0), N);
    for (int i = 0; i < N; i++)
        assert_int_equal(order[i], i);
    assert_int_equal(instance_set_select(names, N, NULL, order, NULL, 0), N);
    assert_int_equal(instance_set_select(names, N, "one", order, NULL, 0), 4);
    assert_int_equal(order[0], 0);
    assert_int_equal(order[1], 2);
    assert_int_equal(order[2], 3);
    assert_int_equal(order[3], 5);
}

static void bad_lists_are_refused_with_the_name(void **state)
{
    (void)state;
    int order[N];
    char bad[32];
    /* a prefix of a known name is not that name */
    assert_int_equal(instance_set_select(names, N, "r1_10_2,r1_10", order, bad, sizeof(bad)),
                     INSTANCE_SET_UNKNOWN);
    assert_string_equal(bad, "r1_10");
    assert_int_equal(instance_set_select(names, N, "c2_10_2,r2_10_2,c2_10_2", order, bad, sizeof(bad)),
                     INSTANCE_SET_REPEATED);
    assert_string_equal(bad, "c2_10_2");
    assert_int_equal(instance_set_select(names, N, "c2_10_2,", order, bad, sizeof(bad)), INSTANCE_SET_EMPTY);
    assert_int_equal(instance_set_select(names, N, ",c2_10_2", order, bad, sizeof(bad)), INSTANCE_SET_EMPTY);
    assert_int_equal(instance_set_select(names, N, "", order, bad, sizeof(bad)), INSTANCE_SET_EMPTY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(listed_order_is_kept),
        cmocka_unit_test(all_and_one_keep_reference_order),
        cmocka_unit_test(bad_lists_are_refused_with_the_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

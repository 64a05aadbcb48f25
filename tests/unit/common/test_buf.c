/*
 * test_buf.c — the growable byte buffer: pieces appended in order, always NUL-terminated, printf
 * output of any length (no truncation), an empty put still yields "", a size overflow marks it
 * failed and adds nothing more, and free empties it for reuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wh/buf.h"

static void pieces_in_order(void **state)
{
    wh_buf b = {0};

    (void)state;
    wh_buf_puts(&b, "a");
    wh_buf_put(&b, "bcX", 2);
    wh_buf_printf(&b, "-%d-%s", 42, "x");
    assert_false(b.failed);
    assert_string_equal(b.data, "abc-42-x");
    assert_int_equal(b.len, 8);
    wh_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void empty_put_allocates(void **state)
{
    wh_buf b = {0};

    (void)state;
    wh_buf_put(&b, NULL, 0);
    assert_non_null(b.data);
    assert_string_equal(b.data, "");
    wh_buf_free(&b);
}

static void long_printf_is_whole(void **state)
{
    wh_buf b = {0};
    char big[5000];

    (void)state;
    memset(big, 'k', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    for (int i = 0; i < 100; i++)
        wh_buf_printf(&b, "%s|", big);
    assert_false(b.failed);
    assert_int_equal(b.len, 100 * sizeof big);
    assert_int_equal(strlen(b.data), b.len);
    assert_true(b.cap >= b.len + 1);
    assert_int_equal(b.data[sizeof big - 1], '|');
    wh_buf_free(&b);
}

static void overflow_fails_and_stops(void **state)
{
    wh_buf b = {0};

    (void)state;
    wh_buf_puts(&b, "kept");
    wh_buf_put(&b, "x", SIZE_MAX - 2);
    assert_true(b.failed);
    wh_buf_puts(&b, "more");
    assert_string_equal(b.data, "kept");
    assert_int_equal(b.len, 4);
    wh_buf_free(&b);
    assert_false(b.failed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pieces_in_order),
        cmocka_unit_test(empty_put_allocates),
        cmocka_unit_test(long_printf_is_whole),
        cmocka_unit_test(overflow_fails_and_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_sqlarray.c — array literals and their slicing: the element offsets recorded at append time
 * bound each element past quotes, escaped quotes, escaped backslashes, commas inside strings and
 * unquoted NULLs, so a long array can be sent as slices that are each a valid literal of the same
 * elements; a truncation (a rolled-back command) drops its offsets too; a cleared array above the
 * bound gives its memory back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wh/sqlarray.h"

static void fill(wh_sqlarray *a)
{
    wh_sqlarray_text(a, "plain");
    wh_sqlarray_text(a, "a,\"quoted\",b");
    wh_sqlarray_null(a);
    wh_sqlarray_text(a, "ends in a backslash \\");
    wh_sqlarray_i64(a, -42);
    wh_sqlarray_text(a, "");
}

/* The literal of `count` elements starting at element `first`, built from the recorded offsets. */
static void slice(const wh_sqlarray *a, size_t first, size_t count, char *out, size_t cap)
{
    size_t from = wh_sqlarray_start(a, first), to = wh_sqlarray_end(a, first + count - 1);

    snprintf(out, cap, "{%.*s}", (int)(to - from), a->text + from);
}

static void slices_are_literals_of_the_same_elements(void **state)
{
    wh_sqlarray whole = {0}, part = {0};
    char got[256];

    (void)state;
    fill(&whole);
    assert_non_null(wh_sqlarray_value(&whole));
    slice(&whole, 0, 6, got, sizeof got);
    assert_string_equal(got, wh_sqlarray_value(&whole));
    slice(&whole, 1, 2, got, sizeof got);
    wh_sqlarray_text(&part, "a,\"quoted\",b");
    wh_sqlarray_null(&part);
    assert_string_equal(got, wh_sqlarray_value(&part));
    wh_sqlarray_free(&part);
    slice(&whole, 3, 3, got, sizeof got);
    wh_sqlarray_text(&part, "ends in a backslash \\");
    wh_sqlarray_i64(&part, -42);
    wh_sqlarray_text(&part, "");
    assert_string_equal(got, wh_sqlarray_value(&part));
    wh_sqlarray_free(&part);
    wh_sqlarray_free(&whole);
}

/* Quotes and backslashes escaped wherever they fall (first, last, in runs), the text between them kept
 * as it is. */
static void quotes_and_backslashes_are_escaped_in_place(void **state)
{
    wh_sqlarray a = {0};

    (void)state;
    wh_sqlarray_text(&a, "\\x00ff");
    wh_sqlarray_text(&a, "\"a\"\"b\\\\c\"");
    wh_sqlarray_text(&a, "한글, {braces}");
    wh_sqlarray_text(&a, NULL);
    assert_string_equal(wh_sqlarray_value(&a),
                        "{\"\\\\x00ff\",\"\\\"a\\\"\\\"b\\\\\\\\c\\\"\",\"한글, {braces}\",\"\"}");
    assert_int_equal(a.n, 4);
    wh_sqlarray_free(&a);
}

static void offsets_end_at_the_text_and_follow_a_truncation(void **state)
{
    wh_sqlarray a = {0};
    char got[256];
    size_t len, n;

    (void)state;
    fill(&a);
    assert_int_equal(a.n, 6);
    assert_int_equal(wh_sqlarray_start(&a, 0), 1);
    assert_int_equal(wh_sqlarray_end(&a, 5), a.len);
    len = a.len;
    n = a.n;
    wh_sqlarray_text(&a, "rolled back");
    wh_sqlarray_truncate(&a, len, n);
    wh_sqlarray_text(&a, "kept");
    slice(&a, 6, 1, got, sizeof got);
    assert_string_equal(got, "{\"kept\"}");
    assert_int_equal(wh_sqlarray_end(&a, 6), a.len);
    wh_sqlarray_free(&a);
}

static void clear_keeps_small_buffers_and_frees_large_ones(void **state)
{
    wh_sqlarray a = {0};
    static char big[WH_SQLARRAY_BOUND_BYTES];

    (void)state;
    fill(&a);
    wh_sqlarray_clear(&a);
    assert_non_null(a.text);
    assert_int_equal(a.n, 0);
    assert_string_equal(wh_sqlarray_value(&a), "{}");
    memset(big, 'x', sizeof big - 1);
    wh_sqlarray_text(&a, big);
    assert_true(a.cap > WH_SQLARRAY_BOUND_BYTES);
    wh_sqlarray_clear(&a);
    assert_null(a.text);
    assert_null(a.ends);
    assert_int_equal(a.cap, 0);
    wh_sqlarray_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slices_are_literals_of_the_same_elements),
        cmocka_unit_test(offsets_end_at_the_text_and_follow_a_truncation),
        cmocka_unit_test(quotes_and_backslashes_are_escaped_in_place),
        cmocka_unit_test(clear_keeps_small_buffers_and_frees_large_ones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_sqlarray.c — array literals and their slicing: wh_sqlarray_skip finds element boundaries past
 * quotes, escaped quotes, escaped backslashes, commas inside strings and unquoted NULLs, so a long
 * array can be sent as slices that are each a valid literal of the same elements.
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

/* The literal of `count` elements starting at element `first`, built with skip(). */
static void slice(const wh_sqlarray *a, size_t first, size_t count, char *out, size_t cap)
{
    size_t from = wh_sqlarray_skip(a, 1, first);
    size_t to;

    if (first > 0)
        from++; /* past the comma */
    to = wh_sqlarray_skip(a, from, count);
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

static void skip_stops_at_the_end(void **state)
{
    wh_sqlarray a = {0};

    (void)state;
    fill(&a);
    assert_int_equal(wh_sqlarray_skip(&a, 1, 100), a.len);
    assert_int_equal(wh_sqlarray_skip(&a, 1, 0), 1);
    wh_sqlarray_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slices_are_literals_of_the_same_elements),
        cmocka_unit_test(skip_stops_at_the_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_store_table.c — the set-wise store's integer cells (store_table.c: intake_cell_i64) are the
 * text "%" PRId64 writes, for zero, each sign, every digit count and both ends of int64_t.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "store_table.h"

static void integer_cells_are_printf_decimal(void **state)
{
    (void)state;
    int64_t values[64];
    size_t n = 0;
    values[n++] = 0;
    values[n++] = INT64_MAX;
    values[n++] = INT64_MIN;
    for (int64_t p = 1; p <= INT64_MAX / 10 && n + 4 <= sizeof values / sizeof *values; p *= 10) {
        values[n++] = p * 7 + 3;
        values[n++] = -(p * 9);
    }
    intake_table t = {.n_cols = 1};
    for (size_t i = 0; i < n; i++)
        intake_cell_i64(&t, values[i]);
    assert_false(t.failed);
    assert_int_equal(t.n, n);
    for (size_t i = 0; i < n; i++) {
        char expect[32];
        snprintf(expect, sizeof expect, "%" PRId64, values[i]);
        assert_string_equal(t.text.data + t.cells[i], expect);
    }
    intake_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(integer_cells_are_printf_decimal)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

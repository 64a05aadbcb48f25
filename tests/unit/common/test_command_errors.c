/*
 * test_command_errors.c — what a command may answer: success, the common errors, and only the
 * others it declares (commands.proto's errors option, generated into each KEY_ERRORS); a code this
 * build does not know is answered as INTERNAL, so it is never "undeclared".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "wh/service.h"

static const wh_command declares_not_found = {.errors = WH_STATUS_BIT(WH_NOT_FOUND)};
static const wh_command declares_none = {.errors = 0};

static void success_and_common_errors_always(void **state)
{
    (void)state;
    const int common[] = {WH_OK,        WH_INVALID_ARGUMENT,  WH_MALFORMED,
                          WH_TOO_LARGE, WH_PERMISSION_DENIED, WH_UNAVAILABLE,
                          WH_INTERNAL};
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++) {
        assert_true(wh_command_may_return(&declares_none, common[i]));
        assert_true(wh_command_may_return(&declares_not_found, common[i]));
    }
}

static void others_only_when_declared(void **state)
{
    (void)state;
    assert_true(wh_command_may_return(&declares_not_found, WH_NOT_FOUND));
    assert_false(wh_command_may_return(&declares_not_found, WH_ALREADY_EXISTS));
    assert_false(wh_command_may_return(&declares_not_found, WH_FAILED_PRECONDITION));
    assert_false(wh_command_may_return(&declares_none, WH_NOT_FOUND));
}

static void unknown_codes_are_internal(void **state)
{
    (void)state;
    assert_true(wh_command_may_return(&declares_none, -42));
    assert_true(wh_command_may_return(&declares_none, 7));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(success_and_common_errors_always),
        cmocka_unit_test(others_only_when_declared),
        cmocka_unit_test(unknown_codes_are_internal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

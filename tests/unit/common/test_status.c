/*
 * test_status.c — status names, the proto mapping both ways (unknown and hostile values included),
 * and which failures are final.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "welfare/bus/v1/envelope.pb-c.h"
#include "wh/status.h"

static void names(void **state)
{
    assert_string_equal(wh_status_name(WH_OK), "OK");
    assert_string_equal(wh_status_name(WH_INVALID_ARGUMENT), "INVALID_ARGUMENT");
    assert_string_equal(wh_status_name(WH_ALREADY_EXISTS), "ALREADY_EXISTS");
    assert_string_equal(wh_status_name(WH_FAILED_PRECONDITION), "FAILED_PRECONDITION");
    assert_string_equal(wh_status_name(WH_UNAVAILABLE), "UNAVAILABLE");
    assert_string_equal(wh_status_name(WH_TOO_LARGE), "TOO_LARGE");
    assert_string_equal(wh_status_name(-10), "UNKNOWN");
    assert_string_equal(wh_status_name(1), "UNKNOWN");
    assert_string_equal(wh_status_name(INT_MIN), "UNKNOWN");
}

/* Every code matches the generated enum's value and its name, so the two cannot drift apart. */
static void proto_matches_generated_enum(void **state)
{
    const ProtobufCEnumDescriptor *d = &welfare__bus__v1__status__descriptor;

    for (int s = WH_INVALID_ARGUMENT; s >= WH_TOO_LARGE; s--) {
        const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(d, wh_status_to_proto(s));
        char expect[64];

        assert_non_null(v);
        snprintf(expect, sizeof expect, "STATUS_%s", wh_status_name(s));
        assert_string_equal(v->name, expect);
        assert_int_equal(wh_status_from_proto(v->value), s);
    }
    assert_int_equal(wh_status_to_proto(WH_INVALID_ARGUMENT),
                     WELFARE__BUS__V1__STATUS__STATUS_INVALID_ARGUMENT);
    assert_int_equal(wh_status_to_proto(WH_TOO_LARGE), WELFARE__BUS__V1__STATUS__STATUS_TOO_LARGE);
}

static void unknown_values(void **state)
{
    assert_int_equal(wh_status_to_proto(WH_OK), WELFARE__BUS__V1__STATUS__STATUS_UNSPECIFIED);
    assert_int_equal(wh_status_to_proto(-42), WELFARE__BUS__V1__STATUS__STATUS_INTERNAL);
    assert_int_equal(wh_status_to_proto(3), WELFARE__BUS__V1__STATUS__STATUS_INTERNAL);
    assert_int_equal(wh_status_from_proto(0), WH_OK);
    assert_int_equal(wh_status_from_proto(10), WH_INTERNAL);
    assert_int_equal(wh_status_from_proto(-3), WH_INTERNAL);
    assert_int_equal(wh_status_from_proto(INT_MIN), WH_INTERNAL);
    assert_int_equal(wh_status_from_proto(INT_MAX), WH_INTERNAL);
}

static void finality(void **state)
{
    assert_true(wh_status_is_final(WH_INVALID_ARGUMENT));
    assert_true(wh_status_is_final(WH_NOT_FOUND));
    assert_true(wh_status_is_final(WH_ALREADY_EXISTS));
    assert_true(wh_status_is_final(WH_PERMISSION_DENIED));
    assert_true(wh_status_is_final(WH_FAILED_PRECONDITION));
    assert_true(wh_status_is_final(WH_MALFORMED));
    assert_true(wh_status_is_final(WH_TOO_LARGE));
    assert_false(wh_status_is_final(WH_UNAVAILABLE));
    assert_false(wh_status_is_final(WH_INTERNAL));
    assert_false(wh_status_is_final(WH_OK));
    assert_false(wh_status_is_final(-99));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),
        cmocka_unit_test(proto_matches_generated_enum),
        cmocka_unit_test(unknown_values),
        cmocka_unit_test(finality),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

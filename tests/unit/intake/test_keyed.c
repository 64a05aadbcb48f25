/*
 * test_keyed.c — the lookup hashes of prepare.c, hashed in parts, are the keyed hash of the one string
 * they always were: intake_hash_labelled of "label:value" (and refused from 1,024 bytes on, as the
 * buffer it was written into did), intake_dong_keyed of "label:dong ␟ form".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fuzzy.h"
#include "intake.h"
#include "wh/pii.h"
#include "wh/status.h"

static const unsigned char key[32] = {7,  7,  7,  7,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12,
                                      13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28};

static int setup(void **state)
{
    (void)state;
    return wh_pii_init_key(key);
}

static int teardown(void **state)
{
    (void)state;
    wh_pii_shutdown();
    return 0;
}

/* The key intake stores for a value: wh_pii_hash's hex after bytea's "\x". */
static void key_of(const char *value, char out[INTAKE_KEY_TEXT + 1])
{
    out[0] = '\\';
    out[1] = 'x';
    assert_int_equal(wh_pii_hash(value, out + 2), 0);
}

static void labelled_is_the_hash_of_label_colon_value(void **state)
{
    (void)state;
    char got[INTAKE_KEY_TEXT + 1], want[INTAKE_KEY_TEXT + 1];
    assert_int_equal(intake_hash_labelled("phone", "01012345678", got), 0);
    key_of("phone:01012345678", want);
    assert_string_equal(got, want);
    assert_int_equal(strlen(got), INTAKE_KEY_TEXT); /* bytea's text form: "\x" + 64 hex digits */
    assert_memory_equal(got, "\\x", 2);

    char value[1024];
    memset(value, '1', sizeof value);
    value[1017] = '\0'; /* "phone:" + 1,017 = 1,023 bytes: fits */
    assert_int_equal(intake_hash_labelled("phone", value, got), 0);
    char joined[1100];
    snprintf(joined, sizeof joined, "phone:%s", value);
    key_of(joined, want);
    assert_string_equal(got, want);
    value[1017] = '1';
    value[1018] = '\0'; /* 1,024 bytes: refused */
    assert_int_equal(intake_hash_labelled("phone", value, got), WH_INVALID_ARGUMENT);
}

static void dong_keyed_is_the_hash_of_label_dong_form(void **state)
{
    (void)state;
    const char *address = "부산광역시 수영구 Suyeong-ro 12beon-gil 3, 101동";
    char got[INTAKE_KEY_TEXT + 1], want[INTAKE_KEY_TEXT + 1], form[512], joined[700];
    assert_int_equal(
        intake_dong_keyed("address-block", "2650051000", address, intake_fuzzy_address_form, got), 0);
    intake_fuzzy_address_form(address, form, sizeof form);
    snprintf(joined, sizeof joined, "address-block:2650051000\x1f%s", form);
    key_of(joined, want);
    assert_string_equal(got, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(labelled_is_the_hash_of_label_colon_value),
        cmocka_unit_test(dong_keyed_is_the_hash_of_label_dong_form),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

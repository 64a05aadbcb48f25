/*
 * test_text.c — dates, UTF-8, normalization for matching, phone digits and name masking.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "intake.h"

static void dates(void **state)
{
    (void)state;
    int y, m, d;
    assert_true(intake_date_parse("2026-11-22", &y, &m, &d));
    assert_int_equal(y, 2026);
    assert_int_equal(m, 11);
    assert_int_equal(d, 22);
    assert_true(intake_date_parse("2024-02-29", NULL, NULL, NULL));
    assert_false(intake_date_parse("2023-02-29", NULL, NULL, NULL));
    assert_false(intake_date_parse("1900-02-29", NULL, NULL, NULL));
    assert_true(intake_date_parse("2000-02-29", NULL, NULL, NULL));
    assert_false(intake_date_parse("2026-04-31", NULL, NULL, NULL));
    assert_false(intake_date_parse("2026-1-01", NULL, NULL, NULL));
    assert_false(intake_date_parse("2026/01/01", NULL, NULL, NULL));
    assert_false(intake_date_parse("", NULL, NULL, NULL));
    assert_false(intake_date_parse(NULL, NULL, NULL, NULL));
}

static void ages(void **state)
{
    (void)state;
    assert_int_equal(intake_age_on("1961-06-15", "2026-06-14"), 64);
    assert_int_equal(intake_age_on("1961-06-15", "2026-06-15"), 65);
    assert_int_equal(intake_age_on("1961-06-15", "2027-01-01"), 65);
}

static void utf8(void **state)
{
    (void)state;
    assert_true(intake_utf8_ok("김철수", 1, 64));
    assert_true(intake_utf8_ok("", 0, 10));
    assert_true(intake_utf8_ok(NULL, 0, 10));
    assert_false(intake_utf8_ok("", 1, 10));
    assert_false(intake_utf8_ok("abcdef", 1, 5));
    assert_false(intake_utf8_ok("\xc3\x28", 0, 10));     /* bad continuation */
    assert_false(intake_utf8_ok("\xc0\xaf", 0, 10));     /* overlong */
    assert_false(intake_utf8_ok("\xed\xa0\x80", 0, 10)); /* surrogate */
}

static void normalization(void **state)
{
    (void)state;
    char a[128], b[128];
    intake_normalize("Suyeong-ro 12, #301", a, sizeof a);
    intake_normalize("  suyeong ro 12 301 ", b, sizeof b);
    assert_string_equal(a, "suyeongro12301");
    assert_string_equal(a, b);
    intake_normalize("김 철수", a, sizeof a);
    intake_normalize("김철수", b, sizeof b);
    assert_string_equal(a, b);
    intake_normalize("수영로\xe3\x80\x80"
                     "12",
                     a, sizeof a); /* ideographic space */
    assert_string_equal(a, "수영로12");
    assert_int_equal(intake_normalize("--- ...", a, sizeof a), 0);
    assert_int_equal(intake_normalize("abcdef", a, 4), 3); /* truncated */
    assert_string_equal(a, "abc");
    /* decomposed Hangul (NFD: U+1100 U+1175 U+11B7 for 김) keys as the composed syllable (NFC) */
    intake_normalize("\xe1\x84\x80\xe1\x85\xb5\xe1\x86\xb7 \xec\xb2\xa0\xec\x88\x98", a, sizeof a);
    assert_string_equal(a, "김철수");
    intake_normalize("Jose\xcc\x81 12", a, sizeof a); /* e + U+0301 (NFD) */
    intake_normalize("Jos\xc3\xa9 12", b, sizeof b);  /* é (NFC) */
    assert_string_equal(a, b);
    assert_string_equal(b, "jos\xc3\xa9"
                           "12");
    char ka[256], kb[256];
    assert_int_equal(intake_name_key_input("\xe1\x84\x80\xe1\x85\xb5\xe1\x86\xb7철수", "1950-01-01",
                                           "수영로 12", ka, sizeof ka),
                     0);
    assert_int_equal(intake_name_key_input("김철수", "1950-01-01", "수영로12", kb, sizeof kb), 0);
    assert_string_equal(ka, kb);
}

static void name_keys(void **state)
{
    (void)state;
    char a[256], b[256];
    assert_int_equal(intake_name_key_input("Kim  Chul-su", "1950-01-02", "Suyeong-ro 12", a, sizeof a), 0);
    assert_int_equal(intake_name_key_input("kim chulsu", "1950-01-02", "suyeong ro 12.", b, sizeof b), 0);
    assert_string_equal(a, b);
    assert_int_equal(intake_name_key_input("kim chulsu", "1950-01-03", "suyeong ro 12.", b, sizeof b), 0);
    assert_string_not_equal(a, b);
    assert_int_equal(intake_name_key_input("kim", "1950-01-02", "road", a, 8), WH_INVALID_ARGUMENT);
}

static void phones(void **state)
{
    (void)state;
    char d[INTAKE_PHONE_DIGITS + 1];
    assert_int_equal(intake_phone_digits("010-1234-5678", d), 0);
    assert_string_equal(d, "01012345678");
    assert_int_equal(intake_phone_digits("+82 10 1234 5678", d), 0);
    assert_string_equal(d, "821012345678");
    assert_int_equal(intake_phone_digits("1234", d), WH_INVALID_ARGUMENT);
    assert_int_equal(intake_phone_digits("010-1234-567x", d), WH_INVALID_ARGUMENT);
    assert_int_equal(intake_phone_digits("010+12345678", d), WH_INVALID_ARGUMENT);
    assert_int_equal(intake_phone_digits("1234567890123456", d), WH_INVALID_ARGUMENT);
}

static void masking(void **state)
{
    (void)state;
    char m[64];
    intake_mask_name("김철수", m, sizeof m);
    assert_string_equal(m, "김*수");
    intake_mask_name("남궁민수", m, sizeof m);
    assert_string_equal(m, "남**수");
    intake_mask_name("김수", m, sizeof m);
    assert_string_equal(m, "김*");
    intake_mask_name("J", m, sizeof m);
    assert_string_equal(m, "*");
    intake_mask_name("John", m, sizeof m);
    assert_string_equal(m, "J**n");
    intake_mask_name("", m, sizeof m);
    assert_string_equal(m, "");
    intake_mask_name("김철수", m, 4); /* too small for the last character: never a broken one */
    assert_true(intake_utf8_ok(m, 0, 4));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dates),         cmocka_unit_test(ages),      cmocka_unit_test(utf8),
        cmocka_unit_test(normalization), cmocka_unit_test(name_keys), cmocka_unit_test(phones),
        cmocka_unit_test(masking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

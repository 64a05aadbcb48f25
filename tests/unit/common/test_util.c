/*
 * test_util.c — UUIDs (form, version, variant, uniqueness), clocks, calendar dates, the Seoul
 * business day, strict UTF-8 (overlong forms, surrogates, > U+10FFFF, truncation, length limit) and
 * coordinate ranges (NaN and infinities), and array growth (first size, doubling, contents kept,
 * overflow refused with the array left as it was).
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <math.h>
#include <sodium.h>

#include "wh/util.h"

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void uuid_form(void **state)
{
    char id[WH_UUID_LEN + 1];

    for (int n = 0; n < 1000; n++) {
        wh_uuid(id);
        assert_int_equal(strlen(id), WH_UUID_LEN);
        for (int i = 0; i < WH_UUID_LEN; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23)
                assert_int_equal(id[i], '-');
            else
                assert_true(is_hex(id[i]));
        }
        assert_int_equal(id[14], '4');
        assert_non_null(strchr("89ab", id[19]));
    }
}

static void uuid_unique(void **state)
{
    enum { N = 2000 };
    static char ids[N][WH_UUID_LEN + 1];

    for (int i = 0; i < N; i++)
        wh_uuid(ids[i]);
    qsort(ids, N, sizeof ids[0], (int (*)(const void *, const void *))strcmp);
    for (int i = 1; i < N; i++)
        assert_string_not_equal(ids[i - 1], ids[i]);
}

/* Version 7: the form, the wall clock's milliseconds in the first 12 hex digits, and ids made
 * milliseconds apart in the order they were made (as text, which is what the outbox indexes). */
static void uuid_v7_is_time_ordered(void **state)
{
    char id[WH_UUID_LEN + 1], prev[WH_UUID_LEN + 1] = "";
    struct timespec pause = {0, 2000000};

    for (int n = 0; n < 20; n++) {
        int64_t before = wh_now_ms();
        wh_uuid_v7(id);
        int64_t after = wh_now_ms();
        assert_int_equal(strlen(id), WH_UUID_LEN);
        assert_int_equal(id[8], '-');
        assert_int_equal(id[13], '-');
        assert_int_equal(id[14], '7');
        assert_non_null(strchr("89ab", id[19]));
        char ms_hex[13];
        memcpy(ms_hex, id, 8);
        memcpy(ms_hex + 8, id + 9, 4);
        ms_hex[12] = '\0';
        int64_t ms = strtoll(ms_hex, NULL, 16);
        assert_true(ms >= before && ms <= after);
        assert_true(strcmp(prev, id) < 0);
        memcpy(prev, id, sizeof id);
        nanosleep(&pause, NULL);
    }
}

/* wh_hex is sodium_bin2hex's text and wh_unhex its inverse, wh_i64_text snprintf's "%" PRId64, for every byte
 * value and for 0, both ends of int64_t and every digit count of both signs. */
static void hex_and_decimal_texts(void **state)
{
    unsigned char bytes[256];
    char got[2 * sizeof bytes + 1], want[2 * sizeof bytes + 1];

    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (unsigned char)(255 - i);
    for (size_t len = 0; len <= sizeof bytes; len += 37) {
        wh_hex(bytes, len, got);
        sodium_bin2hex(want, sizeof want, bytes, len);
        assert_string_equal(got, want);
        unsigned char back[sizeof bytes];
        assert_true(wh_unhex(got, 2 * len, back));
        assert_memory_equal(back, bytes, len);
    }
    unsigned char one[2];
    assert_true(wh_unhex("aF", 2, one) && one[0] == 0xaf); /* either case, as sodium_hex2bin */
    assert_true(wh_unhex("09Ab", 4, one) && one[0] == 0x09 && one[1] == 0xab);
    assert_false(wh_unhex("abc", 3, one)); /* odd */
    assert_false(wh_unhex("0g", 2, one));  /* not a digit */
    assert_false(wh_unhex("0/", 2, one));  /* the byte before '0' */
    assert_false(wh_unhex("0:", 2, one));  /* the byte after '9' */
    assert_false(wh_unhex("@0", 2, one));  /* the byte before 'A' */
    assert_false(wh_unhex("`0", 2, one));  /* the byte before 'a' */
    assert_false(wh_unhex("\\x", 2, one));
    int64_t values[48] = {0, INT64_MAX, INT64_MIN, -1};
    size_t n = 4;
    for (int64_t p = 1; p <= INT64_MAX / 10; p *= 10) {
        values[n++] = p * 7 + 3;
        values[n++] = -(p * 9);
    }
    for (size_t i = 0; i < n; i++) {
        char text[WH_I64_TEXT], expect[32];
        snprintf(expect, sizeof expect, "%" PRId64, values[i]);
        assert_int_equal(wh_i64_text(values[i], text), strlen(expect));
        assert_string_equal(text, expect);
    }
}

static void clocks(void **state)
{
    int64_t now = wh_now_ms();
    uint64_t a = wh_mono_ns(), b;
    struct timespec pause = {0, 2000000};

    assert_true(llabs(now - (int64_t)time(NULL) * 1000) < 2000);
    nanosleep(&pause, NULL);
    b = wh_mono_ns();
    assert_true(b - a >= 2000000);
    assert_true(b - a < 2000000000u);
}

static void dates(void **state)
{
    assert_true(wh_date_valid("2024-02-29"));
    assert_true(wh_date_valid("2000-02-29"));
    assert_true(wh_date_valid("1900-01-01"));
    assert_true(wh_date_valid("2199-12-31"));
    assert_true(wh_date_valid("2026-04-30"));
    assert_false(wh_date_valid("1900-02-29"));
    assert_false(wh_date_valid("2023-02-29"));
    assert_false(wh_date_valid("2026-04-31"));
    assert_false(wh_date_valid("2026-13-01"));
    assert_false(wh_date_valid("2026-00-10"));
    assert_false(wh_date_valid("2026-01-00"));
    assert_false(wh_date_valid("1899-12-31"));
    assert_false(wh_date_valid("2200-01-01"));
    assert_false(wh_date_valid("2026-1-01"));
    assert_false(wh_date_valid("2026/01/01"));
    assert_false(wh_date_valid("2026-01-01 "));
    assert_false(wh_date_valid("2026-01-0a"));
    assert_false(wh_date_valid("+026-01-01"));
    assert_false(wh_date_valid(""));
    assert_false(wh_date_valid(NULL));
}

/* Day arithmetic across month, year and leap-day boundaries; an invalid date is copied unchanged. */
static void date_arithmetic(void **state)
{
    static const struct {
        const char *date;
        int days;
        const char *want;
    } cases[] = {
        {"2016-03-31", 1, "2016-04-01"}, {"2016-02-28", 1, "2016-02-29"},  {"2015-02-28", 1, "2015-03-01"},
        {"2016-12-31", 1, "2017-01-01"}, {"2016-04-01", -1, "2016-03-31"}, {"2016-01-01", 366, "2017-01-01"},
        {"2016-10-01", 0, "2016-10-01"}, {"2016-13-01", 1, "2016-13-01"},  {"", 5, ""},
    };
    char out[11];

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wh_date_add_days(cases[i].date, cases[i].days, out);
        assert_string_equal(out, cases[i].want);
    }
}

/* Day numbers: the epoch is 0, known days land where they should, and every day of 1800..2199 goes
 * there and back, one more than the day before. */
static void day_numbers(void **state)
{
    char out[11];
    int y, m, d;

    (void)state;
    assert_int_equal(wh_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(wh_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(wh_days_from_civil(1969, 12, 31), -1);
    wh_date_from_days(wh_days_from_civil(2024, 2, 29), out);
    assert_string_equal(out, "2024-02-29");
    int32_t first = wh_days_from_civil(1800, 1, 1), last = wh_days_from_civil(2199, 12, 31);
    for (int32_t day = first; day <= last; day++) {
        wh_civil_from_days(day, &y, &m, &d);
        assert_int_equal(wh_days_from_civil(y, m, d), day);
        assert_true(m >= 1 && m <= 12 && d >= 1 && d <= 31);
    }
}

static void today_in_seoul(void **state)
{
    char today[11], expect[11];
    time_t t = time(NULL) + 9 * 3600;
    struct tm tm;

    wh_date_today(today);
    gmtime_r(&t, &tm);
    strftime(expect, sizeof expect, "%Y-%m-%d", &tm);
    if (strcmp(today, expect) != 0) { /* the day may have turned between the two reads */
        t = time(NULL) + 9 * 3600;
        gmtime_r(&t, &tm);
        strftime(expect, sizeof expect, "%Y-%m-%d", &tm);
    }
    assert_string_equal(today, expect);
    assert_true(wh_date_valid(today));
}

static void utf8_accepts(void **state)
{
    assert_true(wh_utf8_valid("", 0));
    assert_true(wh_utf8_valid("plain ascii", 64));
    assert_true(wh_utf8_valid("수영구 광안동", 64));
    assert_true(wh_utf8_valid("\xc2\x80", 2));         /* U+0080 */
    assert_true(wh_utf8_valid("\xe0\xa0\x80", 3));     /* U+0800 */
    assert_true(wh_utf8_valid("\xed\x9f\xbf", 3));     /* U+D7FF */
    assert_true(wh_utf8_valid("\xee\x80\x80", 3));     /* U+E000 */
    assert_true(wh_utf8_valid("\xf0\x90\x80\x80", 4)); /* U+10000 */
    assert_true(wh_utf8_valid("\xf4\x8f\xbf\xbf", 4)); /* U+10FFFF */
    assert_true(wh_utf8_valid("\xef\xbb\xbf"
                              "abc",
                              6)); /* a BOM is a valid character */
}

static void utf8_rejects(void **state)
{
    assert_false(wh_utf8_valid(NULL, 10));
    assert_false(wh_utf8_valid("\x80", 10));             /* lone continuation */
    assert_false(wh_utf8_valid("\xc0\xaf", 10));         /* overlong '/' */
    assert_false(wh_utf8_valid("\xc1\xbf", 10));         /* overlong */
    assert_false(wh_utf8_valid("\xe0\x80\xaf", 10));     /* overlong 3-byte */
    assert_false(wh_utf8_valid("\xe0\x9f\xbf", 10));     /* overlong U+07FF */
    assert_false(wh_utf8_valid("\xf0\x80\x80\xaf", 10)); /* overlong 4-byte */
    assert_false(wh_utf8_valid("\xf0\x8f\xbf\xbf", 10)); /* overlong U+FFFF */
    assert_false(wh_utf8_valid("\xed\xa0\x80", 10));     /* surrogate U+D800 */
    assert_false(wh_utf8_valid("\xed\xbf\xbf", 10));     /* surrogate U+DFFF */
    assert_false(wh_utf8_valid("\xf4\x90\x80\x80", 10)); /* U+110000 */
    assert_false(wh_utf8_valid("\xf5\x80\x80\x80", 10));
    assert_false(wh_utf8_valid("\xff", 10));
    assert_false(wh_utf8_valid("\xe4\xb8", 10));  /* truncated at the end */
    assert_false(wh_utf8_valid("\xe4\xb8x", 10)); /* truncated in the middle */
    assert_false(wh_utf8_valid("\xc3(", 10));
}

static void utf8_length_limit(void **state)
{
    assert_true(wh_utf8_valid("abcd", 4));
    assert_false(wh_utf8_valid("abcde", 4));
    assert_true(wh_utf8_valid("가나", 6));  /* two 3-byte characters */
    assert_false(wh_utf8_valid("가나", 5)); /* the limit falls inside the second */
    assert_false(wh_utf8_valid("a", 0));
}

static void geo(void **state)
{
    assert_true(wh_geo_valid(35.1455, 129.1131));
    assert_true(wh_geo_valid(-90.0, -180.0));
    assert_true(wh_geo_valid(90.0, 180.0));
    assert_true(wh_geo_valid(0.0, 0.0));
    assert_false(wh_geo_valid(90.0001, 0.0));
    assert_false(wh_geo_valid(-90.0001, 0.0));
    assert_false(wh_geo_valid(0.0, 180.0001));
    assert_false(wh_geo_valid(0.0, -180.0001));
    assert_false(wh_geo_valid(NAN, 0.0));
    assert_false(wh_geo_valid(0.0, NAN));
    assert_false(wh_geo_valid(INFINITY, 0.0));
    assert_false(wh_geo_valid(0.0, -INFINITY));
}

/* wh_grow: the first capacity, then doubling to fit, the items kept; room already there is the same
 * array; a size that overflows size_t is NULL and leaves the array and its capacity as they were. */
static void array_growth(void **state)
{
    (void)state;
    size_t cap = 0;
    int *v = wh_grow(NULL, &cap, 1, sizeof *v, 4);

    assert_non_null(v);
    assert_int_equal(cap, 4);
    for (int i = 0; i < 4; i++)
        v[i] = i;
    assert_ptr_equal(wh_grow(v, &cap, 4, sizeof *v, 4), v);
    assert_int_equal(cap, 4);
    int *w = wh_grow(v, &cap, 5, sizeof *w, 4);
    assert_non_null(w);
    assert_int_equal(cap, 8);
    w = wh_grow(w, &cap, 33, sizeof *w, 4);
    assert_non_null(w);
    assert_int_equal(cap, 64);
    for (int i = 0; i < 4; i++)
        assert_int_equal(w[i], i);

    assert_null(wh_grow(w, &cap, SIZE_MAX / 2 + 2, sizeof *w, 4));
    assert_null(wh_grow(w, &cap, SIZE_MAX / 4, sizeof *w, 4));
    assert_int_equal(cap, 64);
    assert_int_equal(w[3], 3);
    free(w);

    size_t none = 0;
    char *empty = wh_grow(NULL, &none, 0, 1, 0);
    assert_non_null(empty); /* never NULL but out of memory, even for no items and no first size */
    assert_int_equal(none, 1);
    free(empty);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(uuid_form),
        cmocka_unit_test(uuid_unique),
        cmocka_unit_test(uuid_v7_is_time_ordered),
        cmocka_unit_test(hex_and_decimal_texts),
        cmocka_unit_test(clocks),
        cmocka_unit_test(dates),
        cmocka_unit_test(today_in_seoul),
        cmocka_unit_test(utf8_accepts),
        cmocka_unit_test(utf8_rejects),
        cmocka_unit_test(utf8_length_limit),
        cmocka_unit_test(geo),
        cmocka_unit_test(date_arithmetic),
        cmocka_unit_test(day_numbers),
        cmocka_unit_test(array_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

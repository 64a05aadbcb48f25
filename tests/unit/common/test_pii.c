/*
 * test_pii.c — the lookup hash (deterministic, keyed by the derived subkey as documented, so stored
 * hashes stay valid), sealing (round trips, libsodium's base64, fresh nonce each time, tampering, truncation,
 * a foreign key, garbage), the key file format, and refusal before init and after shutdown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "wh/log.h"
#include "wh/pii.h"
#include "wh/status.h"

static const unsigned char key_a[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                        17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static unsigned char key_b[32];
static char dir[] = "/tmp/wh-test-pii-XXXXXX";
static char path[256];

static int setup(void **state)
{
    wh_log_init("test_pii");
    memset(key_b, 0xab, sizeof key_b);
    if (sodium_init() < 0 || mkdtemp(dir) == NULL)
        return -1;
    snprintf(path, sizeof path, "%s/pii.key", dir);
    return 0;
}

static int teardown(void **state)
{
    wh_pii_shutdown();
    unlink(path);
    return rmdir(dir);
}

static void write_key_file(const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void not_initialized(void **state)
{
    char h[WH_PII_HASH_HEX + 1], *s = (char *)1;

    wh_pii_shutdown();
    assert_int_equal(wh_pii_hash("x", h), WH_FAILED_PRECONDITION);
    assert_int_equal(wh_pii_seal("x", &s), WH_FAILED_PRECONDITION);
    assert_null(s);
    assert_int_equal(wh_pii_open("AAAA", &s), WH_FAILED_PRECONDITION);
    wh_pii_shutdown(); /* twice is fine */
}

static void hash_is_keyed_by_derived_subkey(void **state)
{
    char h1[WH_PII_HASH_HEX + 1], h2[WH_PII_HASH_HEX + 1], expect[WH_PII_HASH_HEX + 1];
    unsigned char subkey[32], raw[32];
    const char *rrn = "9001011234567";

    assert_int_equal(wh_pii_init_key(key_a), 0);
    assert_int_equal(wh_pii_hash(rrn, h1), 0);
    assert_int_equal(strlen(h1), WH_PII_HASH_HEX);
    for (const char *c = h1; *c; c++)
        assert_non_null(strchr("0123456789abcdef", *c));
    assert_int_equal(wh_pii_hash(rrn, h2), 0);
    assert_string_equal(h1, h2);

    /* The documented construction: BLAKE2b keyed with subkey 1 of context "whpii-v1". */
    crypto_kdf_derive_from_key(subkey, sizeof subkey, 1, "whpii-v1", key_a);
    crypto_generichash(raw, sizeof raw, (const unsigned char *)rrn, strlen(rrn), subkey, sizeof subkey);
    sodium_bin2hex(expect, sizeof expect, raw, sizeof raw);
    assert_string_equal(h1, expect);
    /* …and not the master key itself. */
    crypto_generichash(raw, sizeof raw, (const unsigned char *)rrn, strlen(rrn), key_a, sizeof key_a);
    sodium_bin2hex(expect, sizeof expect, raw, sizeof raw);
    assert_string_not_equal(h1, expect);

    assert_int_equal(wh_pii_hash("9001011234568", h2), 0);
    assert_string_not_equal(h1, h2);
    assert_int_equal(wh_pii_init_key(key_b), 0);
    assert_int_equal(wh_pii_hash(rrn, h2), 0);
    assert_string_not_equal(h1, h2);
    assert_int_equal(wh_pii_hash(NULL, h2), WH_INVALID_ARGUMENT);
}

static void seal_round_trips(void **state)
{
    const char *values[] = {"", "9001011234567", "김민수", "부산광역시 수영구 광안로 1, 101동 202호"};
    char big[10001];

    assert_int_equal(wh_pii_init_key(key_a), 0);
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char *sealed, *plain;

        assert_int_equal(wh_pii_seal(values[i], &sealed), 0);
        assert_null(strstr(sealed, values[i][0] ? values[i] : "\x01"));
        assert_int_equal(wh_pii_open(sealed, &plain), 0);
        assert_string_equal(plain, values[i]);
        free(sealed);
        free(plain);
    }
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char *sealed, *plain;
    assert_int_equal(wh_pii_seal(big, &sealed), 0);
    assert_int_equal(wh_pii_open(sealed, &plain), 0);
    assert_string_equal(plain, big);
    free(sealed);
    free(plain);
}

static void nonce_is_fresh(void **state)
{
    char *a, *b;

    assert_int_equal(wh_pii_init_key(key_a), 0);
    assert_int_equal(wh_pii_seal("same value", &a), 0);
    assert_int_equal(wh_pii_seal("same value", &b), 0);
    assert_string_not_equal(a, b);
    /* nonce (24) + MAC (16) + 10 bytes, in base64 */
    assert_int_equal(strlen(a), sodium_base64_encoded_len(24 + 16 + 10, sodium_base64_VARIANT_ORIGINAL) - 1);
    free(a);
    free(b);
}

/* A hash of parts is the hash of their concatenation; a NULL part is refused. */
static void hash_of_parts(void **state)
{
    char whole[WH_PII_HASH_HEX + 1], parts_hash[WH_PII_HASH_HEX + 1];
    const char *parts[] = {"name-block", ":", "", "2650051000\x1f", "김민수"};
    const char *with_null[] = {"a", NULL};

    assert_int_equal(wh_pii_init_key(key_a), 0);
    assert_int_equal(wh_pii_hash("name-block:2650051000\x1f김민수", whole), 0);
    assert_int_equal(wh_pii_hash_parts(parts, 5, parts_hash), 0);
    assert_string_equal(whole, parts_hash);
    assert_int_equal(wh_pii_hash_parts(parts, 2, parts_hash), 0);
    assert_string_not_equal(whole, parts_hash);
    assert_int_equal(wh_pii_hash_parts(with_null, 2, parts_hash), WH_INVALID_ARGUMENT);
}

/* The seal's text is libsodium's base64 (ORIGINAL variant, padded) of the box, for every length of
 * the last group: decoded and encoded again by libsodium, it is the same text. */
static void seal_text_is_sodium_base64(void **state)
{
    char plain[8];

    assert_int_equal(wh_pii_init_key(key_a), 0);
    for (size_t n = 0; n < sizeof plain; n++) {
        unsigned char box[24 + 16 + sizeof plain];
        char *sealed, again[sizeof box * 2];
        size_t box_len = 0;

        memset(plain, 'p', n);
        plain[n] = '\0';
        assert_int_equal(wh_pii_seal(plain, &sealed), 0);
        assert_int_equal(sodium_base642bin(box, sizeof box, sealed, strlen(sealed), NULL, &box_len, NULL,
                                           sodium_base64_VARIANT_ORIGINAL),
                         0);
        assert_int_equal(box_len, 24 + 16 + n);
        sodium_bin2base64(again, sizeof again, box, box_len, sodium_base64_VARIANT_ORIGINAL);
        assert_string_equal(sealed, again);
        free(sealed);
    }
}

static void tampering_is_refused(void **state)
{
    char *sealed, *plain = (char *)1, *copy;

    assert_int_equal(wh_pii_init_key(key_a), 0);
    assert_int_equal(wh_pii_seal("9001011234567", &sealed), 0);
    copy = strdup(sealed);
    for (size_t i = 0; i + 2 < strlen(copy); i += 7) { /* any changed character breaks it */
        char saved = copy[i];
        copy[i] = copy[i] == 'A' ? 'B' : 'A';
        assert_int_equal(wh_pii_open(copy, &plain), WH_INVALID_ARGUMENT);
        assert_null(plain);
        copy[i] = saved;
    }
    copy[strlen(copy) - 8] = '\0'; /* truncated */
    assert_int_equal(wh_pii_open(copy, &plain), WH_INVALID_ARGUMENT);
    assert_int_equal(wh_pii_open("not base64 at all!", &plain), WH_INVALID_ARGUMENT);
    assert_int_equal(wh_pii_open("", &plain), WH_INVALID_ARGUMENT);
    assert_int_equal(wh_pii_open("AAAA", &plain), WH_INVALID_ARGUMENT); /* too short for a box */
    assert_int_equal(wh_pii_open(NULL, &plain), WH_INVALID_ARGUMENT);
    assert_int_equal(wh_pii_seal(NULL, &plain), WH_INVALID_ARGUMENT);

    assert_int_equal(wh_pii_init_key(key_b), 0); /* another district's key */
    assert_int_equal(wh_pii_open(sealed, &plain), WH_INVALID_ARGUMENT);
    free(copy);
    free(sealed);
}

static void key_file(void **state)
{
    char hex[65], text[128], h_file[WH_PII_HASH_HEX + 1], h_raw[WH_PII_HASH_HEX + 1];

    sodium_bin2hex(hex, sizeof hex, key_a, sizeof key_a);
    snprintf(text, sizeof text, "%s\n", hex);
    write_key_file(text);
    assert_int_equal(wh_pii_init_file(path), 0);
    assert_int_equal(wh_pii_hash("v", h_file), 0);
    assert_int_equal(wh_pii_init_key(key_a), 0);
    assert_int_equal(wh_pii_hash("v", h_raw), 0);
    assert_string_equal(h_file, h_raw);

    snprintf(text, sizeof text, "  %s\r\n\n", hex); /* surrounding blanks are fine */
    write_key_file(text);
    assert_int_equal(wh_pii_init_file(path), 0);

    const char *bad[] = {"", "abc\n", "zz" /* filled below */, NULL, NULL, NULL};
    char short_hex[64], non_hex[65], extra[80];
    snprintf(short_hex, sizeof short_hex, "%.63s", hex);
    snprintf(non_hex, sizeof non_hex, "%.63sg", hex);
    snprintf(extra, sizeof extra, "%s extra", hex);
    bad[2] = short_hex;
    bad[3] = non_hex;
    bad[4] = extra;
    for (size_t i = 0; bad[i] != NULL; i++) {
        write_key_file(bad[i]);
        assert_int_equal(wh_pii_init_file(path), WH_INVALID_ARGUMENT);
    }
    assert_int_equal(wh_pii_init_file("/nonexistent/pii.key"), WH_INVALID_ARGUMENT);
    assert_int_equal(wh_pii_init_file(NULL), WH_INVALID_ARGUMENT);
    /* A failed load keeps the keys that were loaded. */
    assert_int_equal(wh_pii_hash("v", h_file), 0);
    assert_string_equal(h_file, h_raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(not_initialized),
        cmocka_unit_test(hash_is_keyed_by_derived_subkey),
        cmocka_unit_test(seal_round_trips),
        cmocka_unit_test(nonce_is_fresh),
        cmocka_unit_test(seal_text_is_sodium_base64),
        cmocka_unit_test(hash_of_parts),
        cmocka_unit_test(tampering_is_refused),
        cmocka_unit_test(key_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_keys.c — CURVE secret key files: secret alone, secret and matching public, CRLF and trailing
 * blanks, a mismatched public key, a bad secret, an empty and a missing file; the secret never
 * appears in a log line.
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
#include <zmq.h>

#include "capture_stderr.h"
#include "wh/access.h"
#include "wh/log.h"
#include "wh/status.h"

static char dir[] = "/tmp/wh-test-keys-XXXXXX";
static char path[256];
static char public_a[41], secret_a[41], public_b[41], secret_b[41];

static int setup(void **state)
{
    wh_log_init("test_keys");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(path, sizeof path, "%s/intake.key", dir);
    if (zmq_curve_keypair(public_a, secret_a) != 0 || zmq_curve_keypair(public_b, secret_b) != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
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

static int load(char secret[41], char public_z85[41])
{
    return wh_keys_load_secret(path, secret, public_z85);
}

static void secret_only(void **state)
{
    char text[128], secret[41], pub[41];

    snprintf(text, sizeof text, "%s\n", secret_a);
    write_key_file(text);
    assert_int_equal(load(secret, pub), 0);
    assert_string_equal(secret, secret_a);
    assert_string_equal(pub, public_a);
}

static void secret_and_public(void **state)
{
    char text[128], secret[41], pub[41];

    snprintf(text, sizeof text, "%s\n%s\n", secret_b, public_b); /* as welfarectl keys writes it */
    write_key_file(text);
    assert_int_equal(load(secret, pub), 0);
    assert_string_equal(secret, secret_b);
    assert_string_equal(pub, public_b);
    snprintf(text, sizeof text, "%s \r\n%s\r\n", secret_b, public_b);
    write_key_file(text);
    assert_int_equal(load(secret, pub), 0);
    assert_string_equal(pub, public_b);
    snprintf(text, sizeof text, "%s", secret_b); /* no newline at all */
    write_key_file(text);
    assert_int_equal(load(secret, pub), 0);
    assert_string_equal(pub, public_b);
}

/* What refused() loads, with stderr captured (capture_stderr takes no arguments). */
static char refused_secret[41], refused_pub[41];
static int loaded;

static void load_refused(void)
{
    loaded = load(refused_secret, refused_pub);
}

static void refused(const char *text)
{
    char log[4096];

    snprintf(refused_secret, sizeof refused_secret, "untouched");
    snprintf(refused_pub, sizeof refused_pub, "untouched");
    write_key_file(text);
    capture_stderr(load_refused, log, sizeof log);
    assert_int_equal(loaded, WH_INVALID_ARGUMENT);
    assert_string_equal(refused_secret, "untouched");
    assert_string_equal(refused_pub, "untouched");
    assert_non_null(strstr(log, "bad CURVE secret key file"));
    assert_null(strstr(log, secret_a));
    assert_null(strstr(log, secret_b));
}

static void bad_files(void **state)
{
    char text[256], bad[41];

    snprintf(text, sizeof text, "%s\n%s\n", secret_a, public_b); /* lines from two pairs */
    refused(text);
    snprintf(text, sizeof text, "%.39s\n", secret_a); /* one character short */
    refused(text);
    memcpy(bad, secret_a, sizeof bad);
    bad[7] = '~'; /* not Z85 */
    snprintf(text, sizeof text, "%s\n", bad);
    refused(text);
    refused("");
    /* Any 32 bytes are a valid CURVE secret, so a public key pasted on line 1 loads, but as another
     * identity: its derived public key is not the pasted one. */
    snprintf(text, sizeof text, "%s\n", public_a);
    write_key_file(text);
    char secret[41], pub[41];
    assert_int_equal(load(secret, pub), 0);
    assert_string_not_equal(pub, public_a);
}

static void missing_file(void **state)
{
    char secret[41], pub[41];

    assert_int_equal(wh_keys_load_secret("/nonexistent/key", secret, pub), WH_INVALID_ARGUMENT);
    assert_int_equal(wh_keys_load_secret(NULL, secret, pub), WH_INVALID_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(secret_only),
        cmocka_unit_test(secret_and_public),
        cmocka_unit_test(bad_files),
        cmocka_unit_test(missing_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * fuzz_config.c — settings as services read them (common/src/config.c) and CURVE secret key files
 * (common/src/keys.c), from arbitrary values.
 *
 * The first byte picks the check: a number setting given in the environment (wh_config_int against
 * a strict reading of the documented rule: a decimal integer in [min, max], nothing around it), the
 * same setting given as NAME_FILE (the file's contents, trailing newlines removed; a file holding a
 * NUL is refused), or the file read as a secret key (wh_keys_load_secret: 0 with two 40-character
 * keys, or WH_INVALID_ARGUMENT).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "wh/access.h"
#include "wh/config.h"
#include "wh/status.h"

#define NUMBER_MIN -1000
#define NUMBER_MAX 1000000

static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    snprintf(path, sizeof path, "/tmp/wh-fuzz-config-%ld", (long)getpid());
    return 0;
}

/* A decimal integer, optional sign, digits only, in range. */
static bool number_rule(const char *s, int64_t *v)
{
    const char *p = s + (*s == '-' || *s == '+');
    if (*p == '\0' || strspn(p, "0123456789") != strlen(p))
        return false;
    errno = 0;
    long long n = strtoll(s, NULL, 10);
    *v = n;
    return errno == 0 && n >= NUMBER_MIN && n <= NUMBER_MAX;
}

static void check_int(const char *value)
{
    int64_t got = -1, want = 0;
    setenv("WH_FUZZ_NUMBER", value, 1);
    int rc = wh_config_int("WH_FUZZ_NUMBER", 7, NUMBER_MIN, NUMBER_MAX, &got);
    bool ok = number_rule(value, &want);
    if ((rc == 0) != ok || (rc != 0 && rc != WH_INVALID_ARGUMENT) || (ok && got != want))
        fuzz_fail("wh_config_int disagrees with the documented rule", value, rc);
    unsetenv("WH_FUZZ_NUMBER");
}

static bool write_file(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return false;
    fwrite(data, 1, size, f);
    fclose(f);
    return true;
}

static void check_file(const uint8_t *data, size_t size)
{
    if (!write_file(data, size))
        return;
    setenv("WH_FUZZ_TEXT_FILE", path, 1);
    const char *got = wh_config_str("WH_FUZZ_TEXT", "fallback");
    size_t len = size;
    while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
        len--;
    if (memchr(data, '\0', size) != NULL) {
        if (strcmp(got, "fallback") != 0)
            fuzz_fail("a setting file holding a NUL was taken", "WH_FUZZ_TEXT_FILE", 0);
    } else if (size <= (1u << 20) && (strlen(got) != len || memcmp(got, data, len) != 0)) {
        fuzz_fail("a setting file's value is not its contents", "WH_FUZZ_TEXT_FILE", (int)len);
    }
    unsetenv("WH_FUZZ_TEXT_FILE");
}

static void check_key(const uint8_t *data, size_t size)
{
    char secret[WH_Z85_KEY_LEN + 1], public[WH_Z85_KEY_LEN + 1];
    if (!write_file(data, size))
        return;
    int rc = wh_keys_load_secret(path, secret, public);
    if (rc != 0 && rc != WH_INVALID_ARGUMENT)
        fuzz_fail("wh_keys_load_secret returned an untyped failure", "", rc);
    if (rc == 0 && (strlen(secret) != WH_Z85_KEY_LEN || strlen(public) != WH_Z85_KEY_LEN))
        fuzz_fail("a key that is not 40 characters", "", 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % 3) {
    case 0: {
        char *value = strndup((const char *)data + 1, size - 1); /* up to the first NUL */
        if (value)
            check_int(value);
        free(value);
        break;
    }
    case 1:
        check_file(data + 1, size - 1);
        break;
    default:
        check_key(data + 1, size - 1);
    }
    return 0;
}

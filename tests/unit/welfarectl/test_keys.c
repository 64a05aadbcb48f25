/*
 * test_keys.c — `welfarectl keys`: key files (secret and public, mode 0600), the allow-list lines,
 * idempotence, adding and revoking an agency.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <cmocka.h>

#include "wctl.h"

static char dir[64];

static char *slurp(const char *name)
{
    char path[128];
    FILE *f;
    char *buf = calloc(1, 8192);

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "r");
    if (f == NULL) {
        free(buf);
        return NULL;
    }
    buf[fread(buf, 1, 8191, f)] = '\0';
    fclose(f);
    return buf;
}

static int keys(const char *a, const char *b, const char *c, const char *d, const char *e)
{
    char *argv[6] = {(char *)a, dir, (char *)b, (char *)c, (char *)d, (char *)e};
    int argc = 2;

    while (argc < 6 && argv[argc] != NULL)
        argc++;
    return wctl_cmd_keys(argc, argv);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/wctl-keys-XXXXXX");
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_generate(void **state)
{
    char path[128], *key, *again, *list, secret[41], pub[41], derived[41];
    struct stat st;

    (void)state;
    assert_int_equal(keys("generate", "--agency", "fire", NULL, NULL), 0);
    snprintf(path, sizeof path, "%s/intake.key", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    key = slurp("intake.key");
    assert_int_equal(sscanf(key, "%40s %40s", secret, pub), 2);
    assert_int_equal(zmq_curve_public(derived, secret), 0);
    assert_string_equal(derived, pub);
    list = slurp("allowlist");
    assert_non_null(strstr(list, pub));
    assert_non_null(strstr(list, "\ncli "));
    assert_non_null(strstr(list, "agency-fire      agency"));
    assert_non_null(strstr(list, "welfare.intake.v1.SubmitReferral"));
    free(list);
    /* idempotent: the keys stay */
    assert_int_equal(keys("generate", "--agency", "agency-fire", NULL, NULL), 0);
    again = slurp("intake.key");
    assert_string_equal(again, key);
    list = slurp("allowlist");
    assert_non_null(strstr(list, "agency-fire"));
    assert_null(strstr(strstr(list, "agency-fire") + 1, "agency-fire")); /* one line only */
    free(list);
    free(again);
    free(key);
}

static void test_add_and_revoke(void **state)
{
    char *list;

    (void)state;
    assert_int_equal(keys("add-agency", "police", "--grant", "welfare.intake.v1.GetReferral", NULL), 0);
    list = slurp("allowlist");
    assert_non_null(strstr(list, "agency-police"));
    assert_non_null(strstr(list, "welfare.intake.v1.GetReferral"));
    free(list);
    assert_int_equal(keys("revoke", "agency-police", NULL, NULL, NULL), 0);
    list = slurp("allowlist");
    assert_null(strstr(list, "agency-police"));
    assert_non_null(strstr(list, "agency-fire")); /* others kept */
    free(list);
    assert_int_equal(keys("revoke", "police", NULL, NULL, NULL), 1);
    assert_int_equal(keys("add-agency", "Bad Name!", NULL, NULL, NULL), 1);
}

/* --reporter ID adds reporter:ID to the line's grants, kept or given, once. */
static void test_reporter_grant(void **state)
{
    char *list, *line;

    (void)state;
    assert_int_equal(keys("add-agency", "clinic", NULL, NULL, NULL), 0);
    assert_int_equal(keys("add-agency", "clinic", "--reporter", "12", NULL), 0);
    assert_int_equal(keys("add-agency", "clinic", "--reporter", "12", NULL), 0);
    list = slurp("allowlist");
    line = strstr(list, "agency-clinic");
    assert_non_null(line);
    *strchrnul(line, '\n') = '\0';
    assert_non_null(strstr(line, "welfare.intake.v1.SubmitReferral reporter:12"));
    assert_null(strstr(strstr(line, "reporter:12") + 1, "reporter:12")); /* once */
    free(list);
    assert_int_equal(keys("add-agency", "clinic", "--grant", "welfare.intake.v1.GetReferral", NULL), 0);
    list = slurp("allowlist");
    line = strstr(list, "agency-clinic");
    *strchrnul(line, '\n') = '\0';
    assert_null(strstr(line, "reporter:12")); /* explicit grants replace the line's */
    free(list);
    assert_int_equal(keys("add-agency", "clinic", "--reporter", "12x", NULL), 2);
    assert_int_equal(keys("add-agency", "clinic", "--reporter", "0", NULL), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generate),
        cmocka_unit_test(test_add_and_revoke),
        cmocka_unit_test(test_reporter_grant),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}

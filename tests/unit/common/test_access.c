/*
 * test_access.c — the allow-list parser (the format tools/welfarectl writes, comments only where the
 * first non-blank is '#', keys that contain '#', CRLF), every kind of bad line refused with its line
 * number, and the send/read decisions for services, operators and agencies.
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

#include "wh/access.h"
#include "wh/log.h"
#include "wh/status.h"

#define SUBMIT "welfare.intake.v1.SubmitReferral"

static char dir[] = "/tmp/wh-test-access-XXXXXX";
static char path[256];
static char key_intake[41], key_cli[41], key_fire[41], key_hash[41], key_other[41];

static void keypair(char public_z85[41])
{
    char secret[41];
    assert_int_equal(zmq_curve_keypair(public_z85, secret), 0);
}

static int setup(void **state)
{
    wh_log_init("test_access");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(path, sizeof path, "%s/allowlist", dir);
    keypair(key_intake);
    keypair(key_cli);
    keypair(key_fire);
    keypair(key_other);
    do /* a key with '#' inside, which must not start a comment */
        keypair(key_hash);
    while (strchr(key_hash, '#') == NULL);
    return 0;
}

static int teardown(void **state)
{
    unlink(path);
    return rmdir(dir);
}

static void write_allowlist(const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A line as tools/welfarectl/cli/keys.c writes it. */
static void line(char *out, size_t n, const char *name, const char *role, const char *key, const char *grants)
{
    snprintf(out, n, "%-16s %-9s %s%s%s\n", name, role, key, grants[0] ? "   " : "", grants);
}

static wh_access *load_good(void)
{
    char text[4096], l[512];
    wh_access *a = NULL;

    snprintf(text, sizeof text,
             "# name        role      public key (Z85)  grants\n\n   # indented comment\n");
    line(l, sizeof l, "intake", "service", key_intake, "");
    strcat(text, l);
    line(l, sizeof l, "cli", "operator", key_cli, "");
    strcat(text, l);
    line(l, sizeof l, "agency-fire", "agency", key_fire, SUBMIT " stream:intake");
    strcat(text, l);
    snprintf(l, sizeof l, "agency-all\tagency\t%s\t*\r\n", key_hash);
    strcat(text, l);
    write_allowlist(text);
    assert_int_equal(wh_access_load(&a, path), 0);
    assert_non_null(a);
    return a;
}

static void parses(void **state)
{
    wh_access *a = load_good();
    const wh_principal *p;

    p = wh_access_by_name(a, "intake");
    assert_non_null(p);
    assert_int_equal(p->role, WH_ROLE_SERVICE);
    assert_string_equal(p->public_key, key_intake);
    assert_int_equal(p->n_grants, 0);
    assert_ptr_equal(wh_access_by_key(a, key_intake), p);

    p = wh_access_by_key(a, key_fire);
    assert_non_null(p);
    assert_string_equal(p->name, "agency-fire");
    assert_int_equal(p->role, WH_ROLE_AGENCY);
    assert_int_equal(p->n_grants, 2);
    assert_string_equal(p->grants[0], SUBMIT);
    assert_string_equal(p->grants[1], "stream:intake");

    p = wh_access_by_key(a, key_hash);
    assert_non_null(p);
    assert_string_equal(p->name, "agency-all");
    assert_int_equal(p->n_grants, 1);
    assert_string_equal(p->grants[0], "*");

    assert_int_equal(wh_access_by_name(a, "cli")->role, WH_ROLE_OPERATOR);
    assert_null(wh_access_by_key(a, key_other));
    assert_null(wh_access_by_name(a, "agency-unknown"));
    assert_null(wh_access_by_name(a, NULL));
    wh_access_destroy(&a);
    assert_null(a);
    wh_access_destroy(&a); /* NULL-safe */
}

/* Loads a file whose third line is bad; the load fails, names line 3, and returns nothing. */
static void refused(const char *bad_line)
{
    char text[2048], l[512], log[4096];
    wh_access *a = (wh_access *)&a;
    FILE *f = tmpfile();
    int saved = dup(STDERR_FILENO);
    size_t n;

    line(l, sizeof l, "intake", "service", key_intake, "");
    snprintf(text, sizeof text, "# header\n%s%s\n", l, bad_line);
    write_allowlist(text);
    fflush(stderr);
    dup2(fileno(f), STDERR_FILENO);
    int rc = wh_access_load(&a, path);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(f);
    n = fread(log, 1, sizeof log - 1, f);
    log[n] = '\0';
    fclose(f);
    assert_int_equal(rc, WH_INVALID_ARGUMENT);
    assert_null(a);
    if (strstr(log, "\"line\":3") == NULL)
        fail_msg("no line number in: %s", log);
}

static void bad_lines(void **state)
{
    char l[512], bad_key[41];

    line(l, sizeof l, "case", "superuser", key_cli, "");
    refused(l);
    line(l, sizeof l, "case", "service", "tooshort", "");
    refused(l);
    memcpy(bad_key, key_cli, sizeof bad_key);
    bad_key[5] = '"'; /* not in the Z85 alphabet */
    line(l, sizeof l, "case", "service", bad_key, "");
    refused(l);
    line(l, sizeof l, "case", "service", key_cli, SUBMIT); /* grants on a service */
    refused(l);
    line(l, sizeof l, "intake", "operator", key_cli, ""); /* name twice */
    refused(l);
    line(l, sizeof l, "case", "service", key_intake, ""); /* key twice */
    refused(l);
    line(l, sizeof l, "agency-x", "agency", key_other, "welfare.intake.v1.Submit\"Referral");
    refused(l);
    line(l, sizeof l, "bad/name", "service", key_other, "");
    refused(l);
    refused("lonely-name service");
}

static void missing_file(void **state)
{
    wh_access *a = (wh_access *)&a;

    assert_int_equal(wh_access_load(&a, "/nonexistent/allowlist"), WH_INVALID_ARGUMENT);
    assert_null(a);
    assert_int_equal(wh_access_load(&a, NULL), WH_INVALID_ARGUMENT);
}

static void empty_file_is_empty_list(void **state)
{
    wh_access *a = NULL;

    write_allowlist("# nobody yet\n\n");
    assert_int_equal(wh_access_load(&a, path), 0);
    assert_null(wh_access_by_key(a, key_intake));
    wh_access_destroy(&a);
}

static void send_decisions(void **state)
{
    wh_access *a = load_good();
    const wh_principal *svc = wh_access_by_name(a, "intake"), *op = wh_access_by_name(a, "cli");
    const wh_principal *fire = wh_access_by_name(a, "agency-fire"), *all = wh_access_by_name(a, "agency-all");

    assert_true(wh_access_may_send(svc, "welfare.case.v1.OpenCase", WH_ROLE_SERVICE));
    assert_false(wh_access_may_send(svc, "welfare.case.v1.OpenCase", WH_ROLE_OPERATOR));
    assert_true(wh_access_may_send(op, "welfare.case.v1.OpenCase", WH_ROLES_ALL));
    assert_false(wh_access_may_send(op, "welfare.case.v1.OpenCase", WH_ROLE_SERVICE));

    assert_true(wh_access_may_send(fire, SUBMIT, WH_ROLES_ALL));
    assert_false(wh_access_may_send(fire, "welfare.case.v1.OpenCase", WH_ROLES_ALL));   /* no grant */
    assert_false(wh_access_may_send(fire, SUBMIT, WH_ROLE_SERVICE | WH_ROLE_OPERATOR)); /* role not allowed */
    assert_true(wh_access_may_send(all, "welfare.case.v1.OpenCase", WH_ROLE_AGENCY));
    assert_false(wh_access_may_send(all, "welfare.case.v1.OpenCase", WH_ROLE_OPERATOR));

    assert_false(wh_access_may_send(NULL, SUBMIT, WH_ROLES_ALL));
    assert_false(wh_access_may_send(fire, NULL, WH_ROLES_ALL));
    assert_false(wh_access_may_send(op, SUBMIT, 0));
    wh_access_destroy(&a);
}

static void read_decisions(void **state)
{
    wh_access *a = load_good();
    const wh_principal *svc = wh_access_by_name(a, "intake"), *op = wh_access_by_name(a, "cli");
    const wh_principal *fire = wh_access_by_name(a, "agency-fire"), *all = wh_access_by_name(a, "agency-all");

    assert_true(wh_access_may_read(svc, "case"));
    assert_true(wh_access_may_read(op, "reporting"));
    assert_true(wh_access_may_read(fire, "intake"));
    assert_false(wh_access_may_read(fire, "case"));
    assert_false(wh_access_may_read(all, "intake")); /* "*" is for message types, not streams */
    assert_false(wh_access_may_read(NULL, "intake"));
    assert_false(wh_access_may_read(fire, NULL));
    wh_access_destroy(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses),         cmocka_unit_test(bad_lines),
        cmocka_unit_test(missing_file),   cmocka_unit_test(empty_file_is_empty_list),
        cmocka_unit_test(send_decisions), cmocka_unit_test(read_decisions),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

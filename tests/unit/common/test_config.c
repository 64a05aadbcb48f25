/*
 * test_config.c — NAME, NAME_FILE (trailing newline stripped, NAME wins, unreadable file falls back),
 * stable pointers, integers in and out of range, bus/hints endpoints with their defaults and
 * overrides, and the HTTP port.
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

#include "wh/config.h"
#include "wh/log.h"
#include "wh/status.h"

static char dir[] = "/tmp/wh-test-config-XXXXXX";

static int setup(void **state)
{
    wh_log_init("test");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static const char *write_file(const char *name, const char *contents)
{
    static char path[256];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(contents, f);
    fclose(f);
    return path;
}

static void strings(void **state)
{
    unsetenv("WH_T_A");
    unsetenv("WH_T_A_FILE");
    assert_string_equal(wh_config_str("WH_T_A", "dflt"), "dflt");
    assert_null(wh_config_str("WH_T_A", NULL));
    setenv("WH_T_A", "direct", 1);
    const char *v = wh_config_str("WH_T_A", "dflt");
    assert_string_equal(v, "direct");
    setenv("WH_T_A", "changed", 1); /* the earlier value stays valid */
    assert_string_equal(v, "direct");
    assert_string_equal(wh_config_str("WH_T_A", NULL), "changed");
    assert_ptr_equal(wh_config_str("WH_T_A", NULL), wh_config_str("WH_T_A", NULL));
    setenv("WH_T_A", "", 1);
    assert_string_equal(wh_config_str("WH_T_A", "dflt"), "");
    unsetenv("WH_T_A");
}

static void from_file(void **state)
{
    unsetenv("WH_T_SECRET");
    setenv("WH_T_SECRET_FILE", write_file("secret", "s3cret value\n"), 1);
    assert_string_equal(wh_config_str("WH_T_SECRET", NULL), "s3cret value");
    setenv("WH_T_SECRET_FILE", write_file("crlf", "line one\nline two\r\n\n"), 1);
    assert_string_equal(wh_config_str("WH_T_SECRET", NULL), "line one\nline two");
    setenv("WH_T_SECRET_FILE", write_file("empty", ""), 1);
    assert_string_equal(wh_config_str("WH_T_SECRET", "dflt"), "");
    setenv("WH_T_SECRET", "env wins", 1);
    assert_string_equal(wh_config_str("WH_T_SECRET", NULL), "env wins");
    unsetenv("WH_T_SECRET");
    setenv("WH_T_SECRET_FILE", "/nonexistent/wh/secret", 1);
    assert_string_equal(wh_config_str("WH_T_SECRET", "dflt"), "dflt");
    unsetenv("WH_T_SECRET_FILE");
}

static void integers(void **state)
{
    int64_t v = -1;

    unsetenv("WH_T_N");
    assert_int_equal(wh_config_int("WH_T_N", 20, 1, 200, &v), 0);
    assert_int_equal(v, 20);
    setenv("WH_T_N", "200", 1);
    assert_int_equal(wh_config_int("WH_T_N", 20, 1, 200, &v), 0);
    assert_int_equal(v, 200);
    setenv("WH_T_N", "-5", 1);
    assert_int_equal(wh_config_int("WH_T_N", 0, -10, 10, &v), 0);
    assert_int_equal(v, -5);

    const char *bad[] = {"201", "0", "", " 5", "5 ", "5x", "0x10", "99999999999999999999", "1e3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = 77;
        setenv("WH_T_N", bad[i], 1);
        assert_int_equal(wh_config_int("WH_T_N", 20, 1, 200, &v), WH_INVALID_ARGUMENT);
        assert_int_equal(v, 77); /* untouched */
    }
    unsetenv("WH_T_N");
    setenv("WH_T_N_FILE", write_file("n", "42\n"), 1);
    assert_int_equal(wh_config_int("WH_T_N", 20, 1, 200, &v), 0);
    assert_int_equal(v, 42);
    unsetenv("WH_T_N_FILE");
}

static void endpoints(void **state)
{
    const char *services[] = {"intake", "case", "registry", "routing", "reporting"};
    const char *bus_vars[] = {"WH_INTAKE_BUS", "WH_CASE_BUS", "WH_REGISTRY_BUS", "WH_ROUTING_BUS",
                              "WH_REPORTING_BUS"};
    char expect[64], hint_var[64];

    for (int i = 0; i < 5; i++) {
        unsetenv(bus_vars[i]);
        snprintf(hint_var, sizeof hint_var, "%.*sHINTS", (int)strlen(bus_vars[i]) - 3, bus_vars[i]);
        unsetenv(hint_var);
        snprintf(expect, sizeof expect, "tcp://127.0.0.1:%d", 7101 + 10 * i);
        assert_string_equal(wh_config_bus_endpoint(services[i]), expect);
        snprintf(expect, sizeof expect, "tcp://127.0.0.1:%d", 7102 + 10 * i);
        assert_string_equal(wh_config_hints_endpoint(services[i]), expect);
    }
    setenv("WH_CASE_BUS", "tcp://case:9000", 1);
    setenv("WH_REPORTING_HINTS", "tcp://reporting:9001", 1);
    assert_string_equal(wh_config_bus_endpoint("case"), "tcp://case:9000");
    assert_string_equal(wh_config_hints_endpoint("reporting"), "tcp://reporting:9001");
    assert_string_equal(wh_config_hints_endpoint("case"), "tcp://127.0.0.1:7112");
    unsetenv("WH_CASE_BUS");
    unsetenv("WH_REPORTING_HINTS");
    assert_null(wh_config_bus_endpoint("nosuch"));
    setenv("WH_AGENCY_FIRE_BUS", "tcp://fire:1", 1);
    assert_string_equal(wh_config_bus_endpoint("agency-fire"), "tcp://fire:1");
    unsetenv("WH_AGENCY_FIRE_BUS");
}

static void http_port(void **state)
{
    unsetenv("WH_HTTP_PORT");
    assert_int_equal(wh_config_http_port("intake"), 8101);
    assert_int_equal(wh_config_http_port("case"), 8111);
    assert_int_equal(wh_config_http_port("reporting"), 8141);
    assert_true(wh_config_http_port("nosuch") < 0);
    setenv("WH_HTTP_PORT", "8080", 1);
    assert_int_equal(wh_config_http_port("routing"), 8080);
    setenv("WH_HTTP_PORT", "70000", 1);
    assert_int_equal(wh_config_http_port("routing"), WH_INVALID_ARGUMENT);
    setenv("WH_HTTP_PORT", "0", 1);
    assert_int_equal(wh_config_http_port("routing"), WH_INVALID_ARGUMENT);
    unsetenv("WH_HTTP_PORT");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strings),   cmocka_unit_test(from_file), cmocka_unit_test(integers),
        cmocka_unit_test(endpoints), cmocka_unit_test(http_port),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

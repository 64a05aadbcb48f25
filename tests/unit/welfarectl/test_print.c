/*
 * test_print.c — the printers: widths of Korean text, aligned tables, JSON of a message, and the
 * readable form of a reply with a repeated message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wctl.h"
#include "welfare/reporting/v1/commands.pb-c.h"

static char *capture(void (*fn)(FILE *, const void *), const void *arg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    fn(f, arg);
    fclose(f);
    return buf;
}

static void test_width(void **state)
{
    (void)state;
    assert_int_equal(wctl_text_width("abc"), 3);
    assert_int_equal(wctl_text_width("남천1동"), 7);
    assert_int_equal(wctl_text_width(""), 0);
}

static void print_table(FILE *f, const void *arg)
{
    wctl_table *t = wctl_table_new(3);
    const char *rows[3][3] = {
        {"dong", "name", "targets"}, {"2650051000", "남천1동", "7"}, {"2", "x", "1234"}};

    (void)arg;
    for (int i = 0; i < 3; i++)
        wctl_table_add(t, rows[i]);
    wctl_table_print(f, t);
    wctl_table_free(&t);
    assert_null(t);
}

static void test_table_alignment(void **state)
{
    char *out = capture(print_table, NULL);

    (void)state;
    /* columns line up by display width; numbers are right-aligned */
    assert_string_equal(out, "dong        name     targets\n"
                             "2650051000  남천1동        7\n"
                             "         2  x           1234\n");
    free(out);
}

static Welfare__Reporting__V1__ListDongsReply *sample(void)
{
    static Welfare__Reporting__V1__Dong d1 = WELFARE__REPORTING__V1__DONG__INIT,
                                        d2 = WELFARE__REPORTING__V1__DONG__INIT;
    static Welfare__Reporting__V1__Dong *list[2] = {&d1, &d2};
    static Welfare__Reporting__V1__ListDongsReply r = WELFARE__REPORTING__V1__LIST_DONGS_REPLY__INIT;

    d1.dong_code = "2650051000";
    d1.name = "남천1동";
    d2.dong_code = "2650052000";
    d2.name = "남천2동";
    r.n_dongs = 2;
    r.dongs = list;
    return &r;
}

static void test_json(void **state)
{
    json_t *j = wctl_json_from_message(&sample()->base);
    json_t *dongs = json_object_get(j, "dongs");

    (void)state;
    assert_true(json_is_array(dongs));
    assert_int_equal(json_array_size(dongs), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(dongs, 1), "name")), "남천2동");
    json_decref(j);
}

static void print_reply(FILE *f, const void *arg)
{
    wctl_print_message(f, arg);
}

static void test_readable_reply(void **state)
{
    char *out = capture(print_reply, sample());

    (void)state;
    assert_non_null(strstr(out, "dongs (2):"));
    assert_non_null(strstr(out, "dong_code"));
    assert_non_null(strstr(out, "2650052000"));
    assert_non_null(strstr(out, "남천1동"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_table_alignment),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_readable_reply),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

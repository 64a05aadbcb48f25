/*
 * test_csv.c — the CSV reader: quoting, doubled quotes, newlines in quotes, CRLF, BOM, Korean text,
 * empty cells, line numbers, and an unterminated quote.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "wctl.h"

typedef struct reader {
    FILE *f;
    wctl_csv *csv;
    char **fields;
    size_t n;
    long line;
    char err[200];
} reader;

static void open_text(reader *r, const char *text)
{
    memset(r, 0, sizeof *r);
    r->f = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(r->f);
    r->csv = wctl_csv_open(r->f);
}

static int next(reader *r)
{
    return wctl_csv_next(r->csv, &r->fields, &r->n, &r->line, r->err, sizeof r->err);
}

static void done(reader *r)
{
    wctl_csv_close(&r->csv);
    fclose(r->f);
}

static void test_plain_and_quoted(void **state)
{
    reader r;

    (void)state;
    open_text(&r, "a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n,,\n");
    assert_int_equal(next(&r), 1);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.fields[2], "c");
    assert_int_equal(r.line, 1);
    assert_int_equal(next(&r), 1);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.fields[0], "1");
    assert_string_equal(r.fields[1], "x, y");
    assert_string_equal(r.fields[2], "say \"hi\"");
    assert_int_equal(next(&r), 1);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.fields[0], "");
    assert_string_equal(r.fields[2], "");
    assert_int_equal(next(&r), 0);
    done(&r);
}

static void test_newlines_crlf_bom_korean(void **state)
{
    reader r;

    (void)state;
    open_text(&r, "\xef\xbb\xbfname,address\r\n김철수,\"부산광역시 수영구\r\n광안동 1\"\r\n이영희,남천동\n");
    assert_int_equal(next(&r), 1);
    assert_string_equal(r.fields[0], "name"); /* the BOM is gone */
    assert_int_equal(next(&r), 1);
    assert_int_equal(r.line, 2);
    assert_string_equal(r.fields[0], "김철수");
    assert_string_equal(r.fields[1], "부산광역시 수영구\r\n광안동 1");
    assert_int_equal(next(&r), 1);
    assert_int_equal(r.line, 4); /* the quoted newline counted */
    assert_string_equal(r.fields[1], "남천동");
    assert_int_equal(next(&r), 0);
    done(&r);
}

static void test_no_final_newline_and_blank(void **state)
{
    reader r;

    (void)state;
    open_text(&r, "a\n\nb");
    assert_int_equal(next(&r), 1);
    assert_int_equal(next(&r), 1);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.fields[0], "");
    assert_int_equal(next(&r), 1);
    assert_string_equal(r.fields[0], "b");
    assert_int_equal(r.line, 3);
    assert_int_equal(next(&r), 0);
    done(&r);
}

static void test_unterminated_quote(void **state)
{
    reader r;

    (void)state;
    open_text(&r, "a,b\n1,\"open\n2,3\n");
    assert_int_equal(next(&r), 1);
    assert_int_equal(next(&r), -1);
    assert_non_null(strstr(r.err, "line 2"));
    done(&r);
}

static void test_not_a_bom(void **state)
{
    reader r;

    (void)state;
    open_text(&r, "\xef\xbc\x81x,y\n");
    assert_int_equal(next(&r), 1);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.fields[0], "\xef\xbc\x81x");
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_quoted),
        cmocka_unit_test(test_newlines_crlf_bom_korean),
        cmocka_unit_test(test_no_final_newline_and_blank),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_not_a_bom),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_places.c — the district's place table (places.c): a lot-number address and the road-name
 * address of the same building have one comparable form once the table lists the building, so a
 * neighbour who gives the old lot address is scored as at the person's address; whole lot numbers
 * only; bad tables refused, changing nothing.
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

#include <wh/status.h>

#include "fuzzy.h"
#include "places.h"

static const char table[] = "# 수영구 place table: lot address<TAB>road address\n"
                            "광안동 123-4\t수영로12번길 3\n"
                            "\n"
                            "Gwangan-dong 200\t광안로 7\r\n";

static int with_table(void **state)
{
    (void)state;
    size_t bad = 0;
    assert_int_equal(intake_places_parse(table, strlen(table), &bad), 2);
    return 0;
}

static int without_table(void **state)
{
    (void)state;
    intake_places_clear();
    return 0;
}

static void form(const char *address, char out[128])
{
    intake_fuzzy_address_form(address, out, 128);
}

static void lot_and_road_forms_meet(void **state)
{
    (void)state;
    char a[128], b[128];
    form("부산 수영구 수영로 12번길 3 101호", a);
    form("부산 수영구 광안동 123-4번지 101호", b);
    assert_string_equal(a, b);
    form("부산수영구광안동 123-4, 101호", b);
    assert_string_equal(a, b);
    form("gwangan dong 200", a); /* as the table's romanised lot side, respaced */
    form("광안로 7", b);
    assert_string_equal(a, b);
    intake_places_clear(); /* without the table they are two addresses again */
    form("부산 수영구 수영로 12번길 3 101호", a);
    form("부산 수영구 광안동 123-4번지 101호", b);
    assert_string_not_equal(a, b);
}

static void only_whole_lot_numbers(void **state)
{
    (void)state;
    char a[128], b[128];
    form("수영로 12번길 3", a);
    form("광안동 123-45", b); /* another lot */
    assert_string_not_equal(a, b);
    form("광안동 123-4", b);
    assert_string_equal(a, b);
    form("광안동 1123-4", b); /* lot 1123-4, another */
    assert_string_not_equal(a, b);
    form("광안동123-4101호", b); /* no space: lot 123-4101, another building */
    assert_string_not_equal(b, "수영로12번길3101호");
    form("망미동 123-4", b); /* the same number in another dong */
    assert_string_not_equal(a, b);
}

static void a_lot_address_scores_as_the_address(void **state)
{
    (void)state;
    intake_fuzzy_person stored = {.name = "김순자",
                                  .birth_date = "1941-05-02",
                                  .sex = 'F',
                                  .address = "부산 수영구 수영로12번길 3 101호"};
    intake_fuzzy_person neighbour = {
        .name = "김순자", .birth_date = "1941-05-02", .address = "부산 수영구 광안동 123-4번지 101호"};
    intake_fuzzy_result r;
    intake_fuzzy_score(&neighbour, &stored, &intake_fuzzy_default_weights, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_SAME);
    assert_non_null(strstr(r.reasons, "address"));
    intake_places_clear();
    intake_fuzzy_score(&neighbour, &stored, &intake_fuzzy_default_weights, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_SUSPECTED); /* name and birth only */
}

static void bad_tables_are_refused_and_change_nothing(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "광안동 123-4 수영로12번길 3\n",                /* no tab */
        "광안동 123-4\t수영로12번길 3\textra\n",        /* two tabs */
        "광안동\t수영로12번길 3\n",                     /* no lot number */
        "광안동 5\t수영로\n",                           /* no building number */
        "광안동 5\t수영로 1\n광안동 5번지\t수영로 2\n", /* a lot listed twice */
    };
    static const size_t lines[] = {1, 1, 1, 1, 2};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        size_t line = 0;
        assert_int_equal(intake_places_parse(bad[i], strlen(bad[i]), &line), WH_INVALID_ARGUMENT);
        assert_int_equal(line, lines[i]);
        assert_int_equal(intake_places_count(), 2);
    }
    size_t line = 0;
    assert_int_equal(intake_places_load_file("/nonexistent/places.tsv", &line), WH_INVALID_ARGUMENT);
    assert_int_equal(intake_places_count(), 2);
}

static void loaded_from_a_file(void **state)
{
    (void)state;
    char path[] = "/tmp/places-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char one[] = "민락동 9-1\t민락로 40\n";
    assert_int_equal(write(fd, one, strlen(one)), (ssize_t)strlen(one));
    close(fd);
    size_t line = 0;
    assert_int_equal(intake_places_load_file(path, &line), 1);
    unlink(path);
    char a[128], b[128];
    form("민락동 9-1", a);
    form("민락로 40", b);
    assert_string_equal(a, b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(lot_and_road_forms_meet, with_table, without_table),
        cmocka_unit_test_setup_teardown(only_whole_lot_numbers, with_table, without_table),
        cmocka_unit_test_setup_teardown(a_lot_address_scores_as_the_address, with_table, without_table),
        cmocka_unit_test_setup_teardown(bad_tables_are_refused_and_change_nothing, with_table, without_table),
        cmocka_unit_test_setup_teardown(loaded_from_a_file, NULL, without_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_places.c — the district's place table (places.c): a lot-number address and the road-name
 * address of the same building have one comparable form once the table lists the building, so a
 * neighbour who gives the old lot address is scored as at the person's address; whole lot numbers
 * only, or a lot with its unit attached (광안동123-4101호) when no other listed lot reads those digits;
 * bad tables refused, changing nothing.  A district's table (20,000 generated buildings) loaded,
 * its indexed rewrite giving on generated forms, near misses among them, exactly what the plain rule
 * gives (reference_rewrite below: every listed lot tried at every position), and a lot listed twice
 * in it refused with the line.
 */
#include <ctype.h>
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
#include "generated_lot.h"
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
    form("망미동 123-4", b); /* the same number in another dong */
    assert_string_not_equal(a, b);
}

/* A lot written with its unit attached (광안동123-4101호) is read as the lot and the unit only when
 * no other listed lot reads those digits (places.h). */
static void a_unit_attached_to_a_lot(void **state)
{
    (void)state;
    char a[128], b[128];
    form("수영로 12번길 3 101호", a);
    form("광안동123-4101호", b); /* 123-4 is the only listed lot these digits can end: 123-4 101호 */
    assert_string_equal(a, b);
    form("부산수영구광안동123-41203호,", b); /* a four-digit unit, respaced as neighbours write it */
    form("부산 수영구 수영로 12번길 3 1203호", a);
    assert_string_equal(a, b);
    form("gwangan-dong2001501호", b); /* a lot without a sub-number */
    form("광안로 7 1501호", a);
    assert_string_equal(a, b);
    /* not a unit: 2 or 5 digits, a leading 0, no 호, a hyphen */
    static const char *const not_units[] = {"광안동123-410호", "광안동123-410101호", "광안동123-4010호",
                                            "광안동123-4101",  "광안동123-4101동",   "광안동123-4-101호"};
    for (size_t i = 0; i < sizeof not_units / sizeof *not_units; i++) {
        char plain[128];
        form(not_units[i], b);
        intake_fuzzy_address_plain_form(not_units[i], plain, sizeof plain);
        assert_string_equal(b, plain);
    }
}

/* When the table lists 123-4101 beside 123-4, 광안동123-4101호 is ambiguous and stays as it is, as
 * 광안동123-41203호 does with 123-41 listed (123-4 + 1203호 or 123-41 + 203호); with a space each is the
 * whole lot it reads as.  A reading with a unit that cannot be one does not contest: with 123-41 or
 * 광안동 1 listed, 광안동123-4101호 (123-41 + 01호) and 광안동10104호 (1 + 0104호) are read. */
static void an_attached_unit_other_lots_read_is_ambiguous(void **state)
{
    (void)state;
    static const char *const tables[] = {"광안동 123-4\t수영로12번길 3\n광안동 123-4101\t광안로 9\n",
                                         "광안동 123-41\t광안로 8\n광안동 123-4\t수영로12번길 3\n"};
    static const char *const whole[] = {"광안동 123-4101 호", "광안동 123-41 203호"};
    static const char *const road[] = {"광안로 9 호", "광안로 8 203호"};
    static const char *const contested[] = {"광안동123-4101호", "광안동123-41203호"};
    for (size_t t = 0; t < 2; t++) {
        size_t line = 0;
        assert_int_equal(intake_places_parse(tables[t], strlen(tables[t]), &line), 2);
        char a[128], plain[128];
        form(contested[t], a);
        intake_fuzzy_address_plain_form(contested[t], plain, sizeof plain);
        assert_string_equal(a, plain);
        char b[128];
        form(whole[t], a);
        form(road[t], b);
        assert_string_equal(a, b);
    }
    /* each pair: the table, the form written without a space, and the same place in its road form */
    static const char *const read[][3] = {
        {"광안동 1\t광안로 1\n광안동 10\t광안로 10\n", "광안동10104호", "광안로 10 104호"},
        {"광안동 123-41\t광안로 8\n광안동 123-4\t수영로12번길 3\n", "광안동123-4101호",
         "수영로12번길 3 101호"}};
    for (size_t t = 0; t < 2; t++) {
        char a[128], b[128];
        size_t line = 0;
        assert_int_equal(intake_places_parse(read[t][0], strlen(read[t][0]), &line), 2);
        form(read[t][1], a);
        form(read[t][2], b);
        assert_string_equal(a, b);
    }
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

static void a_lot_of_one_byte_is_found_too(void **state)
{
    (void)state;
    static const char one[] = "7\t광안로 70\n광안동 8-1\t광안로 81\n";
    size_t line = 0;
    assert_int_equal(intake_places_parse(one, strlen(one), &line), 2);
    char a[128], b[128];
    form("7 101호", a);
    form("광안로 70 101호", b);
    assert_string_equal(a, b);
    form("8 101호", a);
    assert_string_equal(a, "8101호");
    form("광안동 8-1", a);
    form("광안로 81", b);
    assert_string_equal(a, b);
}

/* A district's table: DISTRICT buildings, "dong main[-sub]" and a road address, one a line.  Every
 * main number is a line's own but for the digit-more lots below (no lot is listed twice); every 40 lines two
 * pairs where one lot is the other followed by a letter (광안동 12-3 and 광안동 12-3b), so two lots start at
 * one position, the shorter listed first in one pair and last in the other, and a lot that is the line
 * before's with a digit more (광안동 5-12 and 광안동 5-121: 광안동5-121203호 reads both, so neither is
 * taken). */
#define DISTRICT 20000
static const char *const dongs[] = {"광안동", "남천동",  "민락동",      "망미동",
                                    "수영동", "광안1동", "Gwangan-dong"};
#define N_DONGS ((unsigned)(sizeof dongs / sizeof *dongs))

static void district_lot(unsigned i, char *out, size_t cap)
{
    char base[64];
    if (i % 40 == 4 && (i - 1) % 3 != 0) { /* the line before's lot and a digit: 광안동 5-12, 광안동 5-121 */
        generated_lot(i - 1, dongs, N_DONGS, base, sizeof base);
        snprintf(out, cap, "%s1", base);
        return;
    }
    unsigned twin = i % 40 == 1 ? i - 1 : i % 40 == 2 ? i + 1 : i;
    generated_lot(twin, dongs, N_DONGS, base, sizeof base);
    snprintf(out, cap, "%s%s", base, i % 40 == 1 || i % 40 == 2 ? "b" : "");
}

static void district_road(unsigned i, char *out, size_t cap)
{
    snprintf(out, cap, "수영로%u번길 %u", i % 300, 1 + i / 300);
}

/* The table's text (DISTRICT lines, a comment first), malloc'd; its length in *len. */
static char *district_text(size_t *len)
{
    size_t cap = (size_t)DISTRICT * 80 + 64, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    n += (size_t)snprintf(text, cap, "# generated district\n");
    for (unsigned i = 0; i < DISTRICT; i++) {
        char lot[96], road[96];
        district_lot(i, lot, sizeof lot);
        district_road(i, road, sizeof road);
        n += (size_t)snprintf(text + n, cap - n, "%s\t%s\n", lot, road);
    }
    *len = n;
    return text;
}

/* What the test knows of each place: both sides' comparable forms, in the table's order. */
typedef struct ref_place {
    char lot[128], road[128];
    size_t lot_len, road_len;
} ref_place;
static ref_place ref[DISTRICT];

static int with_district(void **state)
{
    (void)state;
    size_t len = 0, bad = 0;
    char *text = district_text(&len);
    int n = intake_places_parse(text, len, &bad);
    free(text);
    assert_int_equal(n, DISTRICT);
    for (unsigned i = 0; i < DISTRICT; i++) {
        char lot[96], road[96];
        district_lot(i, lot, sizeof lot);
        district_road(i, road, sizeof road);
        ref[i].lot_len = intake_fuzzy_address_plain_form(lot, ref[i].lot, sizeof ref[i].lot);
        ref[i].road_len = intake_fuzzy_address_plain_form(road, ref[i].road, sizeof ref[i].road);
    }
    return 0;
}

/* The rule as places.h states it, without an index: the mark-free bytes from a non-mark position
 * equal to the lot; read whole when the byte after it in the form (marks not skipped) is neither a
 * digit nor '-', or with its unit attached when 3 or 4 digits, the first not 0, follow it up to 호 —
 * taken only when the lot starts with no digit; any other reading of the digits before the same 호
 * (a lot read whole into it, or attached) contests it, and a contested reading is not taken.  The
 * first position with a reading taken, and at it the first listed place, wins.  Only places whose lot
 * occurs in the form with its marks removed can match (lots hold no mark), so the others are not
 * tried (memmem). */
typedef struct ref_reading {
    unsigned place;
    size_t end, unit;
    int takeable;
} ref_reading;

static int ref_unit_mark(const char *form, size_t n, size_t i)
{
    return i + 3 <= n && memcmp(form + i, "호", 3) == 0;
}

static int ref_reading_at(const char *form, size_t n, const char *bare, const size_t *pos, size_t s,
                          const ref_place *p, ref_reading *r)
{
    if (memcmp(bare + s, p->lot, p->lot_len) != 0)
        return 0;
    size_t after = pos[s + p->lot_len - 1] + 1;
    r->end = after;
    if (!(after < n && (isdigit((unsigned char)form[after]) || form[after] == '-'))) {
        r->takeable = 1;
        r->unit = ref_unit_mark(form, n, after) && isdigit((unsigned char)p->lot[p->lot_len - 1]) ? after : 0;
        return 1;
    }
    size_t digits = 0;
    while (after + digits < n && isdigit((unsigned char)form[after + digits]))
        digits++;
    if (digits < 3 || digits > 4 || form[after] == '0' || !ref_unit_mark(form, n, after + digits))
        return 0;
    r->unit = after + digits;
    r->takeable = !isdigit((unsigned char)p->lot[0]);
    return 1;
}

/* The first reading taken among r (in the table's order), or -1. */
static int ref_taken(const ref_reading *r, size_t nr)
{
    for (size_t a = 0; a < nr; a++) {
        int contested = 0;
        for (size_t b = 0; b < nr; b++)
            contested |= b != a && r[a].unit && r[b].unit == r[a].unit;
        if (r[a].takeable && !contested)
            return (int)a;
    }
    return -1;
}

static size_t reference_rewrite(char *form, size_t n, size_t cap)
{
    char bare[512];
    size_t pos[512], m = 0;
    for (size_t i = 0; i < n; i++)
        if (form[i] != INTAKE_PLACES_MARK) {
            pos[m] = i;
            bare[m++] = form[i];
        }
    static unsigned candidates[DISTRICT];
    size_t n_candidates = 0;
    for (unsigned j = 0; j < DISTRICT; j++)
        if (ref[j].lot_len <= m && memmem(bare, m, ref[j].lot, ref[j].lot_len))
            candidates[n_candidates++] = j;
    for (size_t s = 0; s < m; s++) {
        static ref_reading r[DISTRICT];
        size_t nr = 0;
        for (size_t c = 0; c < n_candidates; c++) {
            const ref_place *p = &ref[candidates[c]];
            if (s + p->lot_len <= m && ref_reading_at(form, n, bare, pos, s, p, &r[nr]))
                r[nr++].place = candidates[c];
        }
        int t = ref_taken(r, nr);
        if (t < 0)
            continue;
        const ref_place *p = &ref[r[t].place];
        size_t at = pos[s], end = r[t].end, tail = n - end, len = at + p->road_len + tail;
        if (len + 1 > cap)
            return n;
        memmove(form + at + p->road_len, form + end, tail);
        memcpy(form + at, p->road, p->road_len);
        form[len] = '\0';
        return len;
    }
    return n;
}

static uint64_t rng = 0x9ace5u;
static unsigned roll(unsigned below)
{
    rng = rng * 6364136223846793005u + 1442695040888963407u;
    return (unsigned)((rng >> 33) % below);
}

static void put(char *form, size_t *n, const char *s)
{
    size_t len = strlen(s);
    if (*n + len < 300) {
        memcpy(form + *n, s, len);
        *n += len;
    }
}

/* A listed lot as it may be written: marks at random bytes (even inside a character) but never first. */
static void put_lot(char *form, size_t *n, const ref_place *p)
{
    for (size_t k = 0; k < p->lot_len; k++) {
        if (k > 0 && roll(6) == 0)
            form[(*n)++] = INTAKE_PLACES_MARK;
        form[(*n)++] = p->lot[k];
    }
}

/* A near miss of a listed lot, or the lot itself. */
static void put_near_lot(char *form, size_t *n, const ref_place *p)
{
    char lot[160];
    size_t len = p->lot_len;
    memcpy(lot, p->lot, len);
    const char *digit = NULL;
    for (size_t k = 0; k < len && !digit; k++)
        if (isdigit((unsigned char)lot[k]))
            digit = lot + k;
    switch (roll(9)) {
    case 0: /* another digit after: 123-45 */
        lot[len++] = (char)('0' + roll(10));
        break;
    case 1: /* a digit before the number: 1123-4 */
        if (digit) {
            size_t at = (size_t)(digit - lot);
            memmove(lot + at + 1, lot + at, len - at);
            lot[at] = (char)('1' + roll(9));
            len++;
        }
        break;
    case 2: /* the number in another dong */
        put(form, n, dongs[roll(N_DONGS)]);
        if (digit) {
            memmove(lot, digit, len - (size_t)(digit - lot));
            len -= (size_t)(digit - lot);
        }
        break;
    case 3: /* a hyphen after */
        lot[len++] = '-';
        break;
    case 4: /* cut short */
        len--;
        break;
    case 5: /* a mark first */
        form[(*n)++] = INTAKE_PLACES_MARK;
        break;
    default:
        break;
    }
    ref_place near = {.lot_len = len};
    memcpy(near.lot, lot, len);
    put_lot(form, n, &near);
}

static const char *const before[] = {"", "부산\x1f수영구\x1f", "부산수영구", "부산광역시\x1f", "1"};
/* "\037" is the mark too (an octal escape: "\x1f101" would read as one hex number) */
static const char *const after[] = {"",      "\037101호", "101호",  "호",     "b",    "b\037",  "-",
                                    "\0373", "0",         "1203호", "0101호", "41호", "12345호"};

/* A generated address form, marked as fuzzy.c marks one: a district lot or a near miss of one between
 * a prefix and a suffix, sometimes a second, sometimes noise alone. */
static size_t generated_form(char *form)
{
    size_t n = 0;
    if (roll(12) == 0) {
        static const char *const noise[] = {"1", "2", "-", "\x1f", "동", "광안", "b", "gwangan"};
        for (unsigned k = roll(30); k > 0; k--)
            put(form, &n, noise[roll(sizeof noise / sizeof *noise)]);
    } else {
        put(form, &n, before[roll(sizeof before / sizeof *before)]);
        put_near_lot(form, &n, &ref[roll(DISTRICT)]);
        put(form, &n, after[roll(sizeof after / sizeof *after)]);
        if (roll(4) == 0) {
            put(form, &n, "\x1f");
            put_near_lot(form, &n, &ref[roll(DISTRICT)]);
            put(form, &n, after[roll(sizeof after / sizeof *after)]);
        }
    }
    form[n] = '\0';
    return n;
}

static void a_district_table_rewrites_as_the_plain_rule(void **state)
{
    (void)state;
    size_t rewritten = 0, unfit = 0;
    for (int t = 0; t < 3000; t++) {
        char form[512], a[512], b[512];
        size_t n = generated_form(form);
        /* a small buffer now and then: a road form that does not fit leaves the form as it is */
        size_t cap = roll(8) == 0 ? n + 1 + roll(12) : sizeof a;
        memcpy(a, form, n + 1);
        memcpy(b, form, n + 1);
        size_t na = intake_places_rewrite(a, n, cap), nb = reference_rewrite(b, n, cap);
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, na);
        rewritten += nb != n || memcmp(b, form, n) != 0;
        unfit += cap < sizeof a;
    }
    /* the set holds both outcomes plenty: rewritten forms and untouched near misses */
    assert_true(rewritten > 1000 && rewritten < 2700);
    assert_true(unfit > 100);
    char a[128], b[128];
    form("부산 수영구 광안동 1번지 101호", a); /* line 2 of the table: 광안동 1, 수영로0번길 1 */
    form("부산 수영구 수영로0번길 1 101호", b);
    assert_string_equal(a, b);
}

static void a_lot_listed_twice_in_a_district_is_refused_with_its_line(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = district_text(&len);
    char *longer = malloc(len + 200);
    assert_non_null(longer);
    memcpy(longer, text, len);
    /* line DISTRICT + 2: the first building's lot again, respaced, as a lot-number address */
    char lot[96];
    district_lot(0, lot, sizeof lot);
    int extra = snprintf(longer + len, 200, "\n%s번지\t광안로 99\n", lot);
    size_t line = 0;
    assert_int_equal(intake_places_parse(longer, len + (size_t)extra, &line), WH_INVALID_ARGUMENT);
    assert_int_equal(line, DISTRICT + 3);
    assert_int_equal(intake_places_count(), DISTRICT); /* the table loaded before is kept */
    free(longer);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(lot_and_road_forms_meet, with_table, without_table),
        cmocka_unit_test_setup_teardown(only_whole_lot_numbers, with_table, without_table),
        cmocka_unit_test_setup_teardown(a_unit_attached_to_a_lot, with_table, without_table),
        cmocka_unit_test_setup_teardown(an_attached_unit_other_lots_read_is_ambiguous, NULL, without_table),
        cmocka_unit_test_setup_teardown(a_lot_address_scores_as_the_address, with_table, without_table),
        cmocka_unit_test_setup_teardown(bad_tables_are_refused_and_change_nothing, with_table, without_table),
        cmocka_unit_test_setup_teardown(loaded_from_a_file, NULL, without_table),
        cmocka_unit_test_setup_teardown(a_lot_of_one_byte_is_found_too, NULL, without_table),
        cmocka_unit_test_setup_teardown(a_district_table_rewrites_as_the_plain_rule, with_district,
                                        without_table),
        cmocka_unit_test_setup_teardown(a_lot_listed_twice_in_a_district_is_refused_with_its_line,
                                        with_district, without_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_fuzzy.c — the Korean-aware person score (fuzzy.c) on real-looking Korean cases: NFD and
 * conjoining jamo, one-jamo typos, romanised names, address forms, swapped birth digits, a shared
 * phone, twins at one address who must not match (names apart: no suspicion; one jamo apart: a
 * suspicion), a parent and a child who carry one name (birth years apart: no match), a name with
 * diacritics, a foreign name written in Hangul (transliterated), and a neighbour's report without a
 * birth date.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fuzzy.h"
#include "translit.h"

#define KIM_NFC "김철수"
#define KIM_NFD "\u1100\u1175\u11B7\u110E\u1165\u11AF\u1109\u116E" /* 김철수 as conjoining jamo */

static intake_fuzzy_person person(const char *name, const char *birth, char sex, const char *address,
                                  const char *phone)
{
    intake_fuzzy_person p = {
        .name = name, .birth_date = birth, .sex = sex, .address = address, .phone_digits = phone};
    return p;
}

static void names_nfd_equals_nfc(void **state)
{
    (void)state;
    size_t longest = 0;
    assert_int_equal(intake_fuzzy_name_distance(KIM_NFC, KIM_NFD, &longest), 0);
    assert_int_equal(longest, 8); /* ㄱㅣㅁ ㅊㅓㄹ ㅅㅜ */
    assert_true(intake_fuzzy_name_similarity("김 철수", KIM_NFC) == 1.0);
}

static void names_jamo_typos_are_near(void **state)
{
    (void)state;
    assert_int_equal(intake_fuzzy_name_distance("김철수", "김철슈", NULL), 1); /* ㅜ → ㅠ */
    assert_int_equal(intake_fuzzy_name_distance("이영희", "이영히", NULL), 1); /* ㅢ → ㅣ */
    assert_int_equal(intake_fuzzy_name_distance("박지은", "박지윤", NULL), 1); /* ㅡ → ㅠ, ㅇ and ㄴ kept */
    assert_true(intake_fuzzy_name_similarity("김민준", "김민서") < intake_fuzzy_default_weights.name_min);
    assert_true(intake_fuzzy_name_similarity("", "김철수") == 0.0);
    assert_true(intake_fuzzy_name_similarity(NULL, NULL) == 0.0);
}

static void names_romanised_order_and_case(void **state)
{
    (void)state;
    assert_int_equal(intake_fuzzy_name_distance("NGUYEN Van An", "van an nguyen", NULL), 0);
    assert_int_equal(intake_fuzzy_name_distance("Nguyen Thi-Mai", "Mai Nguyen Thi", NULL), 0);
    assert_int_equal(intake_fuzzy_name_distance("Nguyen Van An", "Nguyen Van Anh", NULL), 1);
}

static void address_forms(void **state)
{
    (void)state;
    char a[128], b[128];
    intake_fuzzy_address_form("부산 수영구 수영로 12번길 3", a, sizeof a);
    intake_fuzzy_address_form("부산수영구수영로12번길3", b, sizeof b);
    assert_string_equal(a, b);
    intake_fuzzy_address_form("광안동 123-4번지", a, sizeof a);
    intake_fuzzy_address_form("광안동123-4", b, sizeof b);
    assert_string_equal(a, b);
    assert_string_equal(a, "광안동123-4");
    intake_fuzzy_address_form("광안동 12-34", b, sizeof b);
    assert_string_not_equal(a, b); /* 123-4 and 12-34 are different lots */
    intake_fuzzy_address_form("12, Suyeong-ro 12beon-gil", a, sizeof a);
    intake_fuzzy_address_form("12 suyeongro 12 beongil", b, sizeof b);
    assert_string_equal(a, b);
    intake_fuzzy_address_form("Robert-dong 1", a, sizeof a);
    assert_string_equal(a, "robert동1"); /* "ro" inside a word is not a road */
    /* without a place table (test_places.c) a road-name and a lot-number address stay different */
    intake_fuzzy_address_form("수영로 12번길 3", a, sizeof a);
    intake_fuzzy_address_form("광안동 123-4", b, sizeof b);
    assert_string_not_equal(a, b);
}

static void birth_typos(void **state)
{
    (void)state;
    assert_true(intake_fuzzy_birth_typo("1948-03-12", "1948-03-21")); /* swapped day digits */
    assert_true(intake_fuzzy_birth_typo("1948-03-12", "1984-03-12")); /* swapped year digits */
    assert_true(intake_fuzzy_birth_typo("1948-03-12", "1948-03-13")); /* one digit */
    assert_true(intake_fuzzy_birth_typo("1948-01-03", "1948-10-03")); /* swapped across nothing */
    assert_false(intake_fuzzy_birth_typo("1948-03-12", "1948-03-12"));
    assert_false(intake_fuzzy_birth_typo("1948-03-12", "1949-03-13"));
    assert_false(intake_fuzzy_birth_typo("1948-03-12", "1948-12-03"));
    assert_false(intake_fuzzy_birth_typo("1948-03-12", "1948-03-1"));
    assert_false(intake_fuzzy_birth_typo(NULL, "1948-03-12"));
}

static void same_person_written_differently_attaches(void **state)
{
    (void)state;
    intake_fuzzy_person a = person(KIM_NFC, "1948-03-12", 'M', "수영로 12번길 3", NULL);
    intake_fuzzy_person b = person(KIM_NFD, "1948-03-21", 'M', "수영로12번길 3", NULL);
    intake_fuzzy_result r;
    intake_fuzzy_score(&a, &b, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_SAME);
    assert_string_equal(r.reasons, "name 1.00; birth date typo; address; same sex");
}

static void twins_at_one_address_do_not_match(void **state)
{
    (void)state;
    intake_fuzzy_person a = person("김민준", "2015-06-01", 'M', "광안동 123-4", "01012345678");
    intake_fuzzy_person b = person("김민서", "2015-06-01", 'F', "광안동 123-4", "01012345678");
    intake_fuzzy_result r;
    intake_fuzzy_score(&a, &b, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_DIFFERENT);
    assert_true(r.score == 0.0);
    assert_string_equal(r.reasons, "sex differs");
    b.sex = 'M'; /* same-sex twins: birth, address and phone shared, names not near: not even a suspicion */
    b.name = "김민재";
    intake_fuzzy_score(&a, &b, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_DIFFERENT);
    assert_string_equal(r.reasons, "birth date; address; phone; name differs");
    /* twins one jamo apart (서연/서윤, ㅕ/ㅠ) score as a typo would: an operator decides */
    intake_fuzzy_person c = person("김서연", "2015-06-01", 'F', "광안동 123-4", "01012345678");
    intake_fuzzy_person d = person("김서윤", "2015-06-01", 'F', "광안동 123-4", "01012345678");
    intake_fuzzy_score(&c, &d, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_SUSPECTED);
    assert_string_equal(r.reasons, "name 0.88; birth date; address; phone; name not exact");
}

static void parent_and_child_of_one_name_do_not_match(void **state)
{
    (void)state;
    /* a "Jr.": one name, one address, the household's phone, 28 years apart */
    intake_fuzzy_person father = person("SANTOS Jose", "1960-04-02", 'M', "광안동 123-4", "01012345678");
    intake_fuzzy_person son = person("Jose Santos", NULL, 'M', "광안동 123-4", "01012345678");
    son.birth_year = 1988;
    intake_fuzzy_result r;
    intake_fuzzy_score(&son, &father, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_DIFFERENT);
    assert_string_equal(r.reasons, "birth years differ");
    /* nothing of the birth: either of them, so an operator decides */
    son.birth_year = 0;
    intake_fuzzy_score(&son, &father, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_SUSPECTED);
    assert_string_equal(r.reasons, "name 1.00; address; phone; same sex; no birth");
    /* a year ±1 is him: the exact name, the sex and the address tell a household's members apart */
    son.birth_year = 1961;
    son.phone_digits = NULL;
    intake_fuzzy_score(&son, &father, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_SAME);
    assert_string_equal(r.reasons, "name 1.00; birth year near; address; same sex");
    son.sex = 0; /* without the sex: 0.75, a suspicion */
    intake_fuzzy_score(&son, &father, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_SUSPECTED);
    assert_string_equal(r.reasons, "name 1.00; birth year near; address");
}

static void romanised_diacritics_are_the_card_name(void **state)
{
    (void)state;
    assert_true(intake_fuzzy_name_similarity("NGUYEN Van An", "Nguyễn Văn An") == 1.0);
    assert_true(intake_fuzzy_name_similarity("TRAN Thi Lan", "lan trần thị") == 1.0);
}

static void hangul_written_foreign_names_are_transliterated(void **state)
{
    (void)state;
    char key[64];
    /* one reduced alphabet: ㅂ/v, ㅉ/tr, ㅅ/th, ㅎ/j (a reading each), ㅡ dropped, words sorted */
    intake_translit_hangul_key("응우옌 반 안", key, sizeof key);
    assert_string_equal(key, "GuiNPaNaN");
    intake_translit_latin_key("NGUYEN Van An", 0, key, sizeof key);
    assert_string_equal(key, "GuiNPaNaN");
    assert_true(intake_fuzzy_name_similarity("NGUYEN Van An", "응우옌 반 안") == 1.0);
    assert_true(intake_fuzzy_name_similarity("Nguyễn Văn An", "응우옌 반 안") == 1.0);
    assert_true(intake_fuzzy_name_similarity("응우옌 반 안", "nguyen van an") == 1.0);
    assert_true(intake_fuzzy_name_similarity("존 스미스", "John Smith") == 1.0);
    assert_true(intake_fuzzy_name_similarity("스미스 존", "SMITH John") == 1.0);
    assert_true(intake_fuzzy_name_similarity("쩐 티 란", "TRAN Thi Lan") == 1.0);
    assert_true(intake_fuzzy_name_similarity("호세 산토스", "SANTOS Jose") == 1.0);
    /* a sibling's other given name is never exact: 0.81 (aN against PiN in 16), at most a suspicion,
     * which attach_name_min keeps from attaching; Minh and Ming are one letter apart, below name_min */
    assert_true(intake_fuzzy_name_similarity("응우옌 반 안", "NGUYEN Van Binh") < 0.82);
    assert_true(intake_fuzzy_name_similarity("리우 민", "LIU Ming") < 0.8);
    /* only Hangul against Latin: a Hangul name with Hanja or Latin letters is compared by jamo */
    assert_false(intake_translit_is_hangul("응우옌 An"));
    assert_false(intake_translit_is_hangul("金민준"));
    assert_true(intake_translit_is_hangul("\u1100\u1175\u11B7")); /* 김 as conjoining jamo */
    assert_true(intake_fuzzy_name_similarity("응우옌 An", "NGUYEN Van An") <
                intake_fuzzy_default_weights.name_min);
}

static void hangul_written_foreign_name_attaches_like_any_exact_name(void **state)
{
    (void)state;
    intake_fuzzy_person card = person("NGUYEN Thi Lan", "1988-04-02", 'F', "광안로 1번길 2 301호", NULL);
    intake_fuzzy_person neighbour = person("응우옌 티 란", "1988-04-02", 0, "광안로1번길2 301호", NULL);
    intake_fuzzy_result r;
    intake_fuzzy_score(&neighbour, &card, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_SAME);
    assert_string_equal(r.reasons, "name 1.00 transliterated; birth date; address");
    /* without a birth: a suspicion, as for any name */
    neighbour.birth_date = NULL;
    intake_fuzzy_score(&neighbour, &card, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_SUSPECTED);
    assert_string_equal(r.reasons, "name 1.00 transliterated; address");
    /* the twin sister, another given name at the address with the birth date: nothing */
    intake_fuzzy_person twin = person("응우옌 티 호아", "1988-04-02", 'F', "광안로 1번길 2 301호", NULL);
    intake_fuzzy_score(&twin, &card, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_DIFFERENT);
}

static void neighbour_report_is_a_suspicion_until_a_phone_agrees(void **state)
{
    (void)state;
    intake_fuzzy_person known = person("박순자", "1941-09-30", 'F', "수영로 12번길 3", "0517561234");
    intake_fuzzy_person neighbour = person("박순자", NULL, 0, "수영로12번길3", NULL);
    neighbour.birth_year = 1942; /* "about 85" */
    intake_fuzzy_result r;
    intake_fuzzy_score(&known, &neighbour, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_SUSPECTED);
    assert_string_equal(r.reasons, "name 1.00; birth year near; address");
    neighbour.phone_digits = "0517561234";
    intake_fuzzy_score(&known, &neighbour, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_SAME);
    assert_string_equal(r.reasons, "name 1.00; birth year near; address; phone");
}

/* WH_INTAKE_FUZZY_BIRTH_YEAR_NEAR: the exact name, a birth year ±1 and the address, no sex or phone,
 * is 0.45 + 0.10 + 0.20 = 0.75 by default, a suspicion; a district that sets 0.20 attaches it. */
static void birth_year_near_is_the_districts_setting(void **state)
{
    (void)state;
    intake_fuzzy_person report = {.name = "김영수", .birth_year = 1951, .address = "광안동 1"};
    intake_fuzzy_person stored = person("김영수", "1950-03-01", 'M', "광안동 1", NULL);
    intake_fuzzy_result r;
    intake_fuzzy_score(&report, &stored, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_SUSPECTED);
    assert_int_equal(intake_fuzzy_set_birth_year_near("0.20"), 0);
    intake_fuzzy_score(&report, &stored, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_SAME);
    assert_string_equal(r.reasons, "name 1.00; birth year near; address");
    /* refused, and the setting left as it was */
    static const char *const bad[] = {"", "x", "0.2x", "0.30", "-0.1", "nan"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(intake_fuzzy_set_birth_year_near(bad[i]), -1);
    assert_int_equal(intake_fuzzy_set_birth_year_near(NULL), -1);
    assert_true(intake_fuzzy_default_weights.birth_year_near == 0.20);
    assert_int_equal(intake_fuzzy_set_birth_year_near("0.10"), 0);
    intake_fuzzy_score(&report, &stored, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_SUSPECTED);
}

static void weights_are_data(void **state)
{
    (void)state;
    /* one jamo apart, same birth and address: 0.45 * 6/7 + 0.25 + 0.20 = 0.84 (ㅇㅣ ㅇㅕㅇ ㅎㅢ), an operator
     * decides by default; a district that trusts such typos lowers attach */
    intake_fuzzy_weights lenient = intake_fuzzy_default_weights;
    lenient.attach = 0.80;
    lenient.attach_name_min = 0.80;
    intake_fuzzy_person a = person("이영희", "1950-01-01", 'F', "광안동 1", NULL);
    intake_fuzzy_person b = person("이영히", "1950-01-01", 'F', "광안동 1", NULL);
    intake_fuzzy_result r;
    intake_fuzzy_score(&a, &b, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_SUSPECTED);
    assert_string_equal(r.reasons, "name 0.86; birth date; address");
    intake_fuzzy_score(&a, &b, &lenient, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_SAME);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_nfd_equals_nfc),
        cmocka_unit_test(names_jamo_typos_are_near),
        cmocka_unit_test(names_romanised_order_and_case),
        cmocka_unit_test(address_forms),
        cmocka_unit_test(birth_typos),
        cmocka_unit_test(same_person_written_differently_attaches),
        cmocka_unit_test(twins_at_one_address_do_not_match),
        cmocka_unit_test(parent_and_child_of_one_name_do_not_match),
        cmocka_unit_test(romanised_diacritics_are_the_card_name),
        cmocka_unit_test(hangul_written_foreign_names_are_transliterated),
        cmocka_unit_test(hangul_written_foreign_name_attaches_like_any_exact_name),
        cmocka_unit_test(neighbour_report_is_a_suspicion_until_a_phone_agrees),
        cmocka_unit_test(weights_are_data),
        cmocka_unit_test(birth_year_near_is_the_districts_setting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_translit.c — Western names written in Hangul against their Latin spelling (translit.c, issue
 * 16): a table of real Korean transcriptions that must compare exact (English silent e and es, the
 * long vowel before it, er/or/ur/ir/ar, ea/ay, oo, ch before r, a short a as ㅐ, th as ㅅ, ch as ㅋ,
 * an open-syllable i as 아이, a final el as 얼, a voiced s as ㅈ; Spanish z as ㅅ; French ch as ㅅ), names
 * whose words need different readings (José Smith: Spanish j, English th), names that must not compare
 * exact (other names, and near ones: Roberta, Pete, Mark, Ross for Rose), and twins at one address told
 * apart (Jane and John, Robert and Roberta, Rose and Ross).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fuzzy.h"
#include "translit.h"

typedef struct name_pair {
    const char *hangul, *latin;
} name_pair;

/* As Korean newspapers and the National Institute of Korean Language write them. */
static const name_pair same_names[] = {
    {"로버트", "Robert"},
    {"피터", "Peter"},
    {"제임스", "James"},
    {"케이트", "Kate"},
    {"제인", "Jane"},
    {"그레이스", "Grace"},
    {"마이크", "Mike"},
    {"스티브", "Steve"},
    {"루크", "Luke"},
    {"로즈", "Rose"},
    {"찰스", "Charles"},
    {"존스", "Jones"},
    {"테일러", "Taylor"},
    {"아서", "Arthur"},
    {"크리스토퍼", "Christopher"},
    {"올리버", "Oliver"},
    {"마틴", "Martin"},
    {"커크", "Kirk"},
    {"딘", "Dean"},
    {"레이", "Ray"},
    {"브룩", "Brooke"},
    {"엘리자베스", "Elizabeth"},
    {"헬렌", "Helen"},
    {"잭", "Jack"},
    {"해리", "Harry"},
    {"패트릭", "Patrick"},
    {"데이비드", "David"},
    {"앤", "Anne"},
    {"마이클", "Michael"},
    {"사이먼", "Simon"},
    {"타일러", "Tyler"},
    {"사일러스", "Silas"},
    {"니콜라스", "Nicholas"},
    {"크리스티나", "Christina"},
    {"대니얼", "Daniel"},
    {"레이철", "Rachel"},
    {"미셸", "Michelle"},
    {"리처드", "Richard"},
    {"로스", "Ross"},
    {"로페스", "Lopez"},
    {"곤살레스", "González"},
    {"존 스미스", "John Smith"},
    {"로버트 존스", "JONES Robert"},
    {"피터 테일러", "Peter Taylor"},
};

/* Each word in another reading: Spanish j as ㅎ beside English th as ㅅ or a silent e; Vietnamese tr
 * beside English vowels.  No one reading of the whole name reads them. */
static const name_pair mixed_names[] = {
    {"호세 스미스", "José Smith"},
    {"스미스 호세", "SMITH Jose"},
    {"후안 테일러", "Juan Taylor"},
    {"제임스 쩐", "TRAN James"},
    {"호세 마이크", "Jose Mike"},
    {"마이클 쩐", "TRAN Michael"},
    {"응우옌 샤오 제임스", "NGUYEN Xiao James"},
};

/* Other persons: far below name_min. */
static const name_pair other_names[] = {
    {"로버트", "Richard"},         {"제임스", "John"},         {"피터", "Oliver"},
    {"케이트", "Helen"},           {"찰스", "Martin"},         {"존 스미스", "Jack Taylor"},
    {"호세 스미스", "Juan Jones"}, {"응우옌 반 안", "Robert"},
};

/* Near, but another name: never exact (so never attached on the name). */
static const name_pair near_names[] = {
    {"로버트", "Roberta"},
    {"피트", "Peter"},
    {"마이크", "Mark"},
    {"준", "Jane"},
    {"존 스미스", "Jane Smith"},
    {"호세 스미스", "Josef Smith"},
    {"로스", "Rose"},
    {"로즈", "Ross"},
    {"마이크", "Michael"},
    {"미첼", "Michael"},
    {"사이먼", "Simone"},
    {"대니얼", "Danielle"},
};

#define COUNT(v) (sizeof v / sizeof v[0])

static double similarity(const name_pair *p)
{
    return intake_fuzzy_name_similarity(p->hangul, p->latin);
}

static void western_names_compare_exact(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(same_names); i++) {
        if (similarity(&same_names[i]) != 1.0)
            fail_msg("%s / %s: %.3f", same_names[i].hangul, same_names[i].latin, similarity(&same_names[i]));
        /* either side first */
        assert_true(intake_fuzzy_name_similarity(same_names[i].latin, same_names[i].hangul) == 1.0);
    }
    /* the base reading alone left Robert at 0.70 (LaPiLT against LaPaT) */
    char hangul[64], key[64];
    intake_translit_latin_key("Robert", 0, key, sizeof key);
    assert_string_equal(key, "LaPiLT");
    intake_translit_hangul_key("로버트", hangul, sizeof hangul);
    assert_string_equal(hangul, "LaPaT");
    intake_translit_nearest_key("Robert", hangul, key, sizeof key);
    assert_string_equal(key, "LaPaT");
}

static void each_word_takes_its_own_reading(void **state)
{
    (void)state;
    char hangul[64], key[64];
    intake_translit_hangul_key("호세 스미스", hangul, sizeof hangul);
    assert_string_equal(hangul, "HaSiSMiS");
    intake_translit_nearest_key("Jose Smith", hangul, key, sizeof key);
    assert_string_equal(key, "HaSiSMiS"); /* Jose in Spanish, Smith in English */
    for (int r = 0; r < 5; r++) {         /* no reading of the whole name gives it */
        intake_translit_latin_key("Jose Smith", r, key, sizeof key);
        assert_string_not_equal(key, hangul);
    }
    for (size_t i = 0; i < COUNT(mixed_names); i++)
        if (similarity(&mixed_names[i]) != 1.0)
            fail_msg("%s / %s: %.3f", mixed_names[i].hangul, mixed_names[i].latin,
                     similarity(&mixed_names[i]));
    /* the readings the earlier names needed still hold */
    assert_true(intake_fuzzy_name_similarity("응우옌 반 안", "NGUYEN Van An") == 1.0);
    assert_true(intake_fuzzy_name_similarity("쩐 티 란", "TRAN Thi Lan") == 1.0);
    assert_true(intake_fuzzy_name_similarity("호세 산토스", "SANTOS Jose") == 1.0);
    assert_true(intake_fuzzy_name_similarity("샤오 밍 왕", "WANG Xiao Ming") == 1.0);
}

static void other_names_do_not_compare_exact(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(other_names); i++)
        if (similarity(&other_names[i]) >= intake_fuzzy_default_weights.name_min)
            fail_msg("%s / %s: %.3f", other_names[i].hangul, other_names[i].latin,
                     similarity(&other_names[i]));
    for (size_t i = 0; i < COUNT(near_names); i++)
        if (similarity(&near_names[i]) >= 1.0)
            fail_msg("%s / %s: %.3f", near_names[i].hangul, near_names[i].latin, similarity(&near_names[i]));
    /* the sibling's other given name of the earlier readings: still at most a suspicion */
    assert_true(intake_fuzzy_name_similarity("응우옌 반 안", "NGUYEN Van Binh") < 1.0);
    assert_true(intake_fuzzy_name_similarity("리우 민", "LIU Ming") < intake_fuzzy_default_weights.name_min);
}

/* A neighbour's report of name in Hangul with the twins' birth date and address, no sex: named's, not
 * the other twin's. */
static void only_the_named_twin(const char *name, const intake_fuzzy_person *named,
                                const intake_fuzzy_person *other)
{
    intake_fuzzy_person report = {.name = name, .birth_date = named->birth_date, .address = named->address};
    intake_fuzzy_result r;
    intake_fuzzy_score(&report, named, NULL, &r);
    if (r.verdict != INTAKE_FUZZY_SAME)
        fail_msg("%s / %s: %.2f, %s", name, named->name, r.score, r.reasons);
    intake_fuzzy_score(&report, other, NULL, &r);
    if (r.verdict == INTAKE_FUZZY_SAME)
        fail_msg("%s / %s, the twin: %.2f, %s", name, other->name, r.score, r.reasons);
}

/* Twins at one address (one birth date, the household's phone): a neighbour's report of one in Hangul
 * attaches to that one only. */
static void twins_at_one_address_are_told_apart(void **state)
{
    (void)state;
    static const char *const address = "수영로 12번길 3 1203호";
    intake_fuzzy_person jane = {.name = "SMITH Jane",
                                .birth_date = "2001-05-17",
                                .sex = 'F',
                                .address = address,
                                .phone_digits = "01055501234"};
    intake_fuzzy_person john = jane;
    john.name = "SMITH John";
    john.sex = 'M';
    intake_fuzzy_person report = {
        .name = "제인 스미스", .birth_date = "2001-05-17", .address = "수영로12번길3 1203호"};
    intake_fuzzy_result r;
    intake_fuzzy_score(&report, &jane, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_SAME);
    assert_string_equal(r.reasons, "name 1.00 transliterated; birth date; address");
    intake_fuzzy_score(&report, &john, NULL, &r);
    assert_int_not_equal(r.verdict, INTAKE_FUZZY_SAME); /* a name one vowel off: the operator's */
    report.sex = 'F';
    intake_fuzzy_score(&report, &john, NULL, &r);
    assert_int_equal(r.verdict, INTAKE_FUZZY_DIFFERENT);
    /* Robert and Roberta, twins: 로버트 is Robert's */
    intake_fuzzy_person robert = jane, roberta = jane;
    robert.name = "JONES Robert";
    robert.sex = 'M';
    roberta.name = "JONES Roberta";
    only_the_named_twin("로버트 존스", &robert, &roberta);
    /* Rose and Ross, twins, reported without the sex: 로스 is Ross's, 로즈 Rose's (ㅅ and ㅈ were one
     * letter until 2026-12-07, so 로스 attached to Rose as well) */
    intake_fuzzy_person rose = jane, ross = jane;
    rose.name = "SMITH Rose";
    ross.name = "SMITH Ross";
    ross.sex = 'M';
    only_the_named_twin("로스 스미스", &ross, &rose);
    only_the_named_twin("로즈 스미스", &rose, &ross);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(western_names_compare_exact),
        cmocka_unit_test(each_word_takes_its_own_reading),
        cmocka_unit_test(other_names_do_not_compare_exact),
        cmocka_unit_test(twins_at_one_address_are_told_apart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

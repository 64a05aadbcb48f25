/*
 * fuzzy_population.h — the generated district of test_fuzzy_recall.c (issue 16): households in
 * apartment buildings with a lot-number and a road-name address each (a place table built with
 * intake_places_parse), persons with Korean names or, for foreign residents, romanised ones, phones
 * of their own or shared by the household, spouses, children, twins, a child who carries a
 * parent's name, and a relative of the head's exact name and sex born within a year of them.  Seeded: one
 * seed, one district, whichever compiler built it (one draw a statement).  Include after cmocka.h.
 */
#ifndef INTAKE_FUZZY_POPULATION_H
#define INTAKE_FUZZY_POPULATION_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "places.h"

#define FP_BUILDINGS       400 /* every building is in the place table */
#define FP_UNITS           150 /* a unit a household: 25 floors × 6 lines */
#define FP_DONGS           10
#define FP_ALIKE_PER_MILLE 20 /* households with two persons of one name and sex born within a year */

static uint64_t fp_rng;
static uint64_t fp_next(void)
{
    uint64_t z = (fp_rng += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}
static int fp_range(int lo, int hi)
{
    return lo + (int)(fp_next() % (uint64_t)(hi - lo + 1));
}
static int fp_chance(int percent)
{
    return fp_range(0, 99) < percent;
}

/* --- names ------------------------------------------------------------------------------------ */

/* A Hangul syllable as jamo indices: 0xAC00 + (l * 21 + v) * 28 + t. */
typedef struct fp_syl {
    int l, v, t;
} fp_syl;

static const char *const fp_surnames[] = {"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임",
                                          "한", "오", "서", "신", "권", "황", "안", "송", "류", "홍"};
static const int fp_surname_weights[] = {215, 147, 84, 47, 44, 24, 21, 20, 19, 17,
                                         15,  15,  15, 14, 14, 13, 13, 13, 12, 11};
static const char *const fp_given[] = {"민", "서", "준", "지", "현", "영", "수", "진",
                                       "우", "은", "정", "희", "숙", "자", "순", "옥",
                                       "호", "철", "성", "동", "혜", "경", "미", "윤"};
#define FP_GIVEN ((int)(sizeof fp_given / sizeof *fp_given))

/* Foreign residents' names: each word in Latin letters (as on the residence card), with diacritics
 * where the language has them, and as Hangul writes it — Vietnamese, Chinese, Filipino, Mongolian and
 * English words mixed, so a name's words can need different readings (TRAN James, 쩐 제임스). */
typedef struct fp_word {
    const char *latin, *marked, *hangul;
} fp_word;
static const fp_word fp_families[] = {
    {"NGUYEN", "Nguyễn", "응우옌"},
    {"TRAN", "Trần", "쩐"},
    {"LE", "Lê", "레"},
    {"PHAM", "Phạm", "팜"},
    {"WANG", "Wáng", "왕"},
    {"ZHANG", "Zhāng", "장"},
    {"LIU", "Liú", "리우"},
    {"SANTOS", "Santos", "산토스"},
    {"REYES", "Reyes", "레예스"},
    {"BATBAYAR", "Batbayar", "바트바야르"},
    {"SMITH", "Smith", "스미스"},
    {"TAYLOR", "Taylor", "테일러"},
};
static const fp_word fp_middles[] = {
    {"Van", "Văn", "반"}, {"Thi", "Thị", "티"}, {"Xiao", "Xiǎo", "샤오"}, {"Maria", "María", "마리아"}};
static const fp_word fp_givens[] = {
    {"An", "An", "안"},           {"Binh", "Bình", "빈"},
    {"Hoa", "Hoa", "호아"},       {"Lan", "Lan", "란"},
    {"Minh", "Minh", "민"},       {"Thu", "Thu", "투"},
    {"Hung", "Hùng", "훙"},       {"Ming", "Míng", "밍"},
    {"Wei", "Wéi", "웨이"},       {"Fang", "Fāng", "팡"},
    {"Jose", "José", "호세"},     {"Ana", "Ana", "아나"},
    {"James", "James", "제임스"}, {"Robert", "Robert", "로버트"},
    {"Kate", "Kate", "케이트"},   {"Grace", "Grace", "그레이스"},
};
#define FP_COUNT(v) ((int)(sizeof v / sizeof *v))

typedef struct fp_name {
    int foreign; /* romanised: the words below; otherwise the syllables */
    fp_syl s[3]; /* Korean: surname, two given syllables */
    int w[3];    /* foreign: family, middle (-1 none), given */
} fp_name;

static fp_syl fp_decode(const char *s)
{
    utf8proc_int32_t c;
    utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c);
    int i = c - 0xAC00;
    return (fp_syl){i / (21 * 28), i / 28 % 21, i % 28};
}

static int fp_weighted_surname(void)
{
    int total = 0, r;
    for (int i = 0; i < FP_COUNT(fp_surname_weights); i++)
        total += fp_surname_weights[i];
    r = fp_range(0, total - 1);
    for (int i = 0;; i++)
        if ((r -= fp_surname_weights[i]) < 0)
            return i;
}

static void fp_korean_name(fp_name *n)
{
    memset(n, 0, sizeof *n);
    n->s[0] = fp_decode(fp_surnames[fp_weighted_surname()]);
    n->s[1] = fp_decode(fp_given[fp_range(0, FP_GIVEN - 1)]);
    n->s[2] = fp_decode(fp_given[fp_range(0, FP_GIVEN - 1)]);
}

static void fp_foreign_name(fp_name *n)
{
    memset(n, 0, sizeof *n);
    n->foreign = 1;
    n->w[0] = fp_range(0, FP_COUNT(fp_families) - 1);
    n->w[1] = fp_chance(50) ? fp_range(0, FP_COUNT(fp_middles) - 1) : -1;
    n->w[2] = fp_range(0, FP_COUNT(fp_givens) - 1);
}

/* Korean syllables as NFC (nfd 0) or as conjoining jamo (nfd 1). */
static void fp_hangul(const fp_syl *s, int nfd, char out[64])
{
    size_t o = 0;
    for (int i = 0; i < 3; i++) {
        utf8proc_int32_t cps[3] = {0x1100 + s[i].l, 0x1161 + s[i].v, 0x11A7 + s[i].t};
        if (!nfd) {
            cps[0] = 0xAC00 + (s[i].l * 21 + s[i].v) * 28 + s[i].t;
            o += (size_t)utf8proc_encode_char(cps[0], (utf8proc_uint8_t *)out + o);
            continue;
        }
        for (int k = 0; k < (s[i].t ? 3 : 2); k++)
            o += (size_t)utf8proc_encode_char(cps[k], (utf8proc_uint8_t *)out + o);
    }
    out[o] = 0;
}

/* How a foreign name is written. */
typedef enum fp_script {
    FP_CARD,      /* "NGUYEN Van An": as the residence card has it (how it is stored) */
    FP_REORDERED, /* "van an nguyen": given name first, lower case */
    FP_MARKED,    /* "Nguyễn Văn An": with the language's diacritics */
    FP_HANGUL     /* "응우옌 반 안": written in Hangul */
} fp_script;

static void fp_write(const fp_name *n, int script, int nfd, char out[64])
{
    if (!n->foreign) {
        fp_hangul(n->s, nfd, out);
        return;
    }
    const fp_word *f = &fp_families[n->w[0]], *m = n->w[1] >= 0 ? &fp_middles[n->w[1]] : NULL;
    const fp_word *g = &fp_givens[n->w[2]];
    switch (script) {
    case FP_REORDERED:
        snprintf(out, 64, "%s%s%s %s", m ? m->latin : "", m ? " " : "", g->latin, f->latin);
        for (char *p = out; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        break;
    case FP_MARKED:
        snprintf(out, 64, "%s %s%s%s", f->marked, m ? m->marked : "", m ? " " : "", g->marked);
        break;
    case FP_HANGUL:
        snprintf(out, 64, "%s %s%s%s", f->hangul, m ? m->hangul : "", m ? " " : "", g->hangul);
        break;
    default:
        snprintf(out, 64, "%s %s%s%s", f->latin, m ? m->latin : "", m ? " " : "", g->latin);
    }
}

/* --- places ----------------------------------------------------------------------------------- */

static const char *const fp_streets[] = {"광안로", "수영로",   "민락로", "망미로",
                                         "남천로", "황령대로", "광남로", "연수로"};
static const char *const fp_legal_dongs[] = {"광안동", "남천동", "망미동", "민락동", "수영동"};

/* Building b's road-name part ("수영로 12번길 3") and lot-number part ("광안동 512-7"). */
static void fp_road(int b, char *out, size_t cap)
{
    snprintf(out, cap, "%s %d번길 %d", fp_streets[b % 8], b / 8 + 1, (b * 13) % 60 + 1);
}
static void fp_lot(int b, char *out, size_t cap)
{
    snprintf(out, cap, "%s %d-%d", fp_legal_dongs[b % 5], 100 + b, (b * 7) % 20 + 1);
}

/* The place table of every building, through places.c's public interface; 0 or -1. */
static int fp_load_places(void)
{
    static char text[FP_BUILDINGS * 96];
    size_t n = 0, bad = 0;
    for (int b = 0; b < FP_BUILDINGS; b++) {
        char lot[48], road[48];
        fp_lot(b, lot, sizeof lot);
        fp_road(b, road, sizeof road);
        n += (size_t)snprintf(text + n, sizeof text - n, "%s\t%s\n", lot, road);
    }
    return intake_places_parse(text, n, &bad) == FP_BUILDINGS ? 0 : -1;
}

/* A household's address at unit u (0 .. FP_BUILDINGS × FP_UNITS - 1), as its road or lot form. */
static int fp_dong_of(int u)
{
    return (u % FP_BUILDINGS) % FP_DONGS;
}
static void fp_address(int u, int lot, char out[96])
{
    int b = u % FP_BUILDINGS, k = u / FP_BUILDINGS;
    char part[48];
    if (lot)
        fp_lot(b, part, sizeof part);
    else
        fp_road(b, part, sizeof part);
    snprintf(out, 96, "부산광역시 수영구 %s %d%02d호", part, k / 6 + 1, k % 6 + 1);
}

/* --- persons and households ------------------------------------------------------------------- */

typedef enum fp_role { FP_HEAD, FP_SPOUSE, FP_CHILD, FP_TWIN, FP_NAMESAKE, FP_ALIKE } fp_role;

typedef struct fp_person {
    fp_name name;
    char birth[11];
    char sex;
    int unit;       /* the household's unit: its address and dong */
    int lot_stored; /* the household was filed with its lot-number address */
    int role;
    char phone[16];
} fp_person;

/* One draw a statement: the order of a call's arguments is unspecified (gcc and clang differ), the
 * order of statements is not, so a seed draws the same district whatever compiled it. */
static void fp_mobile(char out[16])
{
    int exchange = fp_range(2000, 9999);
    int line = fp_range(0, 9999);
    snprintf(out, 16, "010%04d%04d", exchange, line);
}

static void fp_born(fp_person *p, int lo, int hi)
{
    if (lo < 1930)
        lo = 1930;
    if (hi > 2010)
        hi = 2010;
    if (lo > hi)
        lo = hi;
    int year = fp_range(lo, hi);
    int month = fp_range(1, 12);
    int day = fp_range(1, 28);
    snprintf(p->birth, sizeof p->birth, "%04d-%02d-%02d", year, month, day);
}

/* Another given syllable for a twin: near the sibling's (one jamo, as 서연/서윤) when close. */
static void fp_twin_name(fp_name *n, int close)
{
    if (n->foreign) {
        int g = n->w[2];
        while (n->w[2] == g)
            n->w[2] = fp_range(0, FP_COUNT(fp_givens) - 1);
        return;
    }
    fp_syl was = n->s[2];
    if (close) {
        n->s[2].v = (was.v + fp_range(1, 20)) % 21;
        return;
    }
    while (n->s[2].l == was.l || n->s[2].v == was.v)
        n->s[2] = fp_decode(fp_given[fp_range(0, FP_GIVEN - 1)]);
}

/* The household phone each member may give, and the member's own. */
static void fp_phone_of(fp_person *p, const char *household_phone)
{
    int r = fp_range(0, 99);
    if (household_phone[0] && r < 35)
        snprintf(p->phone, sizeof p->phone, "%s", household_phone);
    else if (r < 85)
        fp_mobile(p->phone);
    else
        p->phone[0] = 0;
}

/* One household at unit u into out (at most 5 persons, at most cap); returns how many. */
static int fp_household(int u, fp_person *out, int cap)
{
    int foreign = fp_chance(6), size = fp_range(1, 10), n = 0;
    size = size <= 3 ? 1 : size <= 6 ? 2 : size <= 8 ? 3 : 4;
    char household_phone[16] = "";
    if (fp_chance(50))
        fp_mobile(household_phone);
    fp_person head = {.unit = u, .lot_stored = fp_chance(30), .role = FP_HEAD};
    if (foreign)
        fp_foreign_name(&head.name);
    else
        fp_korean_name(&head.name);
    head.sex = fp_chance(50) ? 'F' : 'M';
    fp_born(&head, 1930, 1990);
    int year = atoi(head.birth);
    out[n++] = head;
    if (n < cap && size >= 2) { /* a spouse */
        fp_person s = head;
        s.role = FP_SPOUSE;
        s.sex = head.sex == 'F' ? 'M' : 'F';
        if (foreign && fp_chance(50))
            fp_foreign_name(&s.name);
        else
            fp_korean_name(&s.name);
        fp_born(&s, year - 5, year + 5);
        out[n++] = s;
    }
    for (int c = 2; c < size && n < cap; c++) {
        fp_person k = head;
        k.role = FP_CHILD;
        if (!foreign) { /* the father's surname; the head's when she is the mother with no spouse */
            fp_name father = head.sex == 'M' || n < 2 ? head.name : out[1].name;
            fp_korean_name(&k.name);
            k.name.s[0] = father.s[0];
        } else {
            fp_foreign_name(&k.name);
            k.name.w[0] = head.name.w[0];
        }
        k.sex = fp_chance(50) ? 'F' : 'M';
        fp_born(&k, year + 22, year + 38);
        /* a child who carries the parent's name: a "Jr." of some foreign families, rare in Korea */
        if (fp_range(0, 999) < (foreign ? 100 : 2)) {
            k.name = head.name;
            k.sex = head.sex;
            k.role = FP_NAMESAKE;
        }
        out[n++] = k;
        if (n < cap && fp_chance(8)) { /* twins: one birth date, another given name */
            fp_person t = k;
            t.role = FP_TWIN;
            fp_twin_name(&t.name, fp_chance(50));
            t.sex = fp_chance(70) ? k.sex : (k.sex == 'F' ? 'M' : 'F');
            out[n++] = t;
            c++;
        }
    }
    /* a relative of the head's exact name and sex born within a year of them (cousins named after one
     * grandparent, a lodger who happens to share the name): one household in FP_ALIKE_PER_MILLE */
    if (n < cap && fp_range(0, 999) < FP_ALIKE_PER_MILLE) {
        fp_person a = head;
        a.role = FP_ALIKE;
        fp_born(&a, year - 1, year + 1);
        out[n++] = a;
    }
    for (int i = 0; i < n; i++)
        fp_phone_of(&out[i], household_phone);
    return n;
}

#endif

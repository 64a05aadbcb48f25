/*
 * test_fuzzy_recall.c — precision and recall of the Korean-aware score (fuzzy.c) with intake's
 * candidate routes, on a seeded set of generated persons with planted duplicates (issue 16).  Prints
 * the figures (docs/benchmarks.md); asserts only that the set was built and that twins never attach.
 *
 * Stored: FR_STORED persons (Korean names from common surnames and given syllables — so names repeat
 * as they do — birth dates, sex, an address in one of ten dongs, a phone for 70 %).  Reported, each
 * against the stored set as resolve_fuzzy.c would meet it (persons sharing the NFC name in the dong,
 * the phone, or the address's comparable form in the dong; the FR_CAP most recent of each route, as
 * WH_INTAKE_FUZZY_MAX_CANDIDATES), the best score at or above attach taken as the match:
 *   - FR_DUPS re-reports of stored persons by a neighbour: the name (as NFD for a third, with a
 *     one-jamo typo for a fifth), the address (respaced and punctuated for half), the birth date (with
 *     a digit typo or a swap for a quarter of those), only a birth year (±1), or nothing of the birth;
 *     the phone for half of those who have one; the sex for 80 %;
 *   - FR_FRESH persons nobody stored (must attach to no one);
 *   - FR_TWINS twins of stored persons: same address, birth date, surname, another given name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "fuzzy.h"

#define FR_STORED 100000
#define FR_DUPS   5000
#define FR_FRESH  5000
#define FR_TWINS  500
#define FR_CAP    100
#define FR_DONGS  10

static uint64_t rng_state = 0x5eed2026u;
static uint64_t next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}
static int range(int lo, int hi)
{
    return lo + (int)(next() % (uint64_t)(hi - lo + 1));
}
static int chance(int percent)
{
    return range(0, 99) < percent;
}

/* Syllables as (initial, vowel, final) jamo indices: 0xAC00 + (L * 21 + V) * 28 + T. */
typedef struct syl {
    int l, v, t;
} syl;
static const char *const surnames[] = {"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임",
                                       "한", "오", "서", "신", "권", "황", "안", "송", "류", "홍"};
static const int surname_weights[] = {215, 147, 84, 47, 44, 24, 21, 20, 19, 17,
                                      15,  15,  15, 14, 14, 13, 13, 13, 12, 11};
static const char *const given[] = {"민", "서", "준", "지", "현", "영", "수", "진", "우", "은", "정", "희",
                                    "숙", "자", "순", "옥", "호", "철", "성", "동", "혜", "경", "미", "윤"};
static const char *const streets[] = {"광안로", "수영로",   "민락로", "망미로",
                                      "남천로", "황령대로", "광남로", "연수로"};

static syl decode(const char *s)
{
    utf8proc_int32_t c;
    utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c);
    int i = c - 0xAC00;
    return (syl){i / (21 * 28), i / 28 % 21, i % 28};
}

typedef struct person {
    syl name[3];
    char birth[11];
    char sex;
    int dong;
    char address[96];
    char phone[16];
} person;

static void encode(const syl *n, int nfd, char out[64])
{
    size_t o = 0;
    for (int i = 0; i < 3; i++) {
        utf8proc_int32_t cps[3] = {0x1100 + n[i].l, 0x1161 + n[i].v, 0x11A7 + n[i].t};
        if (!nfd) {
            cps[0] = 0xAC00 + (n[i].l * 21 + n[i].v) * 28 + n[i].t;
            o += (size_t)utf8proc_encode_char(cps[0], (utf8proc_uint8_t *)out + o);
            continue;
        }
        for (int k = 0; k < (n[i].t ? 3 : 2); k++)
            o += (size_t)utf8proc_encode_char(cps[k], (utf8proc_uint8_t *)out + o);
    }
    out[o] = 0;
}

static int weighted_surname(void)
{
    int total = 0, r;
    for (size_t i = 0; i < sizeof surname_weights / sizeof *surname_weights; i++)
        total += surname_weights[i];
    r = range(0, total - 1);
    for (size_t i = 0;; i++)
        if ((r -= surname_weights[i]) < 0)
            return (int)i;
}

static void make(person *p)
{
    p->name[0] = decode(surnames[weighted_surname()]);
    p->name[1] = decode(given[range(0, 23)]);
    p->name[2] = decode(given[range(0, 23)]);
    snprintf(p->birth, sizeof p->birth, "%04d-%02d-%02d", range(1930, 2010), range(1, 12), range(1, 28));
    p->sex = chance(50) ? 'F' : 'M';
    p->dong = range(0, FR_DONGS - 1);
    snprintf(p->address, sizeof p->address, "부산광역시 수영구 %s %d번길 %d %d호", streets[range(0, 7)],
             range(1, 80), range(1, 60), range(1, 5) * 100 + range(1, 4));
    if (chance(70))
        snprintf(p->phone, sizeof p->phone, "010%04d%04d", range(2000, 9999), range(0, 9999));
    else
        p->phone[0] = 0;
}

/* --- the routes: (hash of key, person) sorted, looked up by hash ----------------------------------- */

typedef struct entry {
    uint64_t h;
    int32_t who;
} entry;

static uint64_t hash(int dong, const char *s)
{
    uint64_t h = 1469598103934665603u ^ (uint64_t)dong;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}
static int by_hash(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    return x->h < y->h ? -1 : x->h > y->h ? 1 : (x->who > y->who) - (x->who < y->who);
}

static void name_key(const char *name, int dong, uint64_t *out)
{
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)name);
    *out = hash(dong, (const char *)nfc);
    free(nfc);
}
static uint64_t address_key(const char *address, int dong)
{
    char form[128];
    intake_fuzzy_address_form(address, form, sizeof form);
    return hash(dong, form);
}

typedef struct routes {
    entry *name, *phone, *address;
    size_t n_name, n_phone, n_address;
} routes;

/* Calls score on the FR_CAP most recent (highest index) persons of the route with key h. */
static void meet(const entry *v, size_t n, uint64_t h, int32_t *seen, size_t *n_seen)
{
    size_t lo = 0, hi = n;
    while (lo < hi) { /* the first entry after h's last */
        size_t mid = (lo + hi) / 2;
        if (v[mid].h <= h)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo, taken = 0; i-- > 0 && v[i].h == h && taken < FR_CAP; taken++)
        seen[(*n_seen)++] = v[i].who;
}

typedef struct report {
    char name[64], birth[11], address[96], phone[16];
    int birth_year;
    char sex;
    int dong;
} report;

/* The best stored person at or above attach, or -1; *suspected when the best is in the grey zone. */
static int32_t match(const person *stored, const routes *r, const report *q, int *suspected)
{
    static int32_t seen[3 * FR_CAP];
    size_t n = 0;
    uint64_t k;
    name_key(q->name, q->dong, &k);
    meet(r->name, r->n_name, k, seen, &n);
    if (q->phone[0])
        meet(r->phone, r->n_phone, hash(0, q->phone), seen, &n);
    meet(r->address, r->n_address, address_key(q->address, q->dong), seen, &n);
    intake_fuzzy_person a = {.name = q->name,
                             .birth_date = q->birth[0] ? q->birth : NULL,
                             .birth_year = q->birth_year,
                             .sex = q->sex,
                             .address = q->address,
                             .phone_digits = q->phone[0] ? q->phone : NULL};
    int32_t best = -1;
    double best_score = 0;
    *suspected = 0;
    for (size_t i = 0; i < n; i++) {
        const person *s = &stored[seen[i]];
        char name[64];
        encode(s->name, 0, name);
        intake_fuzzy_person b = {.name = name,
                                 .birth_date = s->birth,
                                 .sex = s->sex,
                                 .address = s->address,
                                 .phone_digits = s->phone[0] ? s->phone : NULL};
        intake_fuzzy_result res;
        intake_fuzzy_score(&a, &b, &intake_fuzzy_default_weights, &res);
        if (res.verdict == INTAKE_FUZZY_SUSPECTED)
            *suspected = 1;
        if (res.verdict == INTAKE_FUZZY_SAME && res.score > best_score) {
            best_score = res.score;
            best = seen[i];
        }
    }
    return best;
}

static void as_reported(const person *p, report *q)
{
    memset(q, 0, sizeof *q);
    encode(p->name, 0, q->name);
    snprintf(q->birth, sizeof q->birth, "%s", p->birth);
    snprintf(q->address, sizeof q->address, "%s", p->address);
    snprintf(q->phone, sizeof q->phone, "%s", p->phone);
    q->sex = p->sex;
    q->dong = p->dong;
}

/* What a neighbour reports of p (see the header). */
static void neighbour(const person *p, report *q, int *kind)
{
    person v = *p;
    *kind = 0;
    if (chance(20)) { /* a one-jamo typo: the vowel of the last syllable */
        v.name[2].v = (v.name[2].v + 1) % 21;
        *kind |= 1;
    }
    memset(q, 0, sizeof *q);
    encode(v.name, chance(33), q->name);
    if (chance(50)) { /* respaced and punctuated */
        const char *s = p->address;
        size_t o = 0;
        for (; *s && o + 2 < sizeof q->address; s++)
            if (*s != ' ')
                q->address[o++] = *s;
        q->address[o++] = ',';
        q->address[o] = 0;
    } else
        snprintf(q->address, sizeof q->address, "%s", p->address);
    int birth = range(0, 99);
    if (birth < 50) {
        snprintf(q->birth, sizeof q->birth, "%s", p->birth);
        if (chance(25)) { /* a typo: two neighbouring digits of the day swapped, or one changed */
            if (q->birth[8] != q->birth[9] && chance(50)) {
                char c = q->birth[8];
                q->birth[8] = q->birth[9];
                q->birth[9] = c;
            } else
                q->birth[9] = (char)('0' + (q->birth[9] - '0' + 1) % 10);
            *kind |= 2;
        }
    } else if (birth < 80) {
        q->birth_year = atoi(p->birth) + range(-1, 1);
        *kind |= 4;
    } else
        *kind |= 8; /* nothing of the birth */
    if (p->phone[0] && chance(50))
        snprintf(q->phone, sizeof q->phone, "%s", p->phone);
    else
        *kind |= 16;
    q->sex = chance(80) ? p->sex : 0;
    q->dong = p->dong;
}

static void precision_and_recall(void **state)
{
    (void)state;
    person *stored = calloc(FR_STORED, sizeof *stored);
    routes r = {calloc(FR_STORED, sizeof(entry)),
                calloc(FR_STORED, sizeof(entry)),
                calloc(FR_STORED, sizeof(entry)),
                0,
                0,
                0};
    assert_non_null(stored);
    assert_true(r.name && r.phone && r.address);
    for (int32_t i = 0; i < FR_STORED; i++) {
        char name[64];
        make(&stored[i]);
        encode(stored[i].name, 0, name);
        name_key(name, stored[i].dong, &r.name[r.n_name].h);
        r.name[r.n_name++].who = i;
        if (stored[i].phone[0])
            r.phone[r.n_phone++] = (entry){hash(0, stored[i].phone), i};
        r.address[r.n_address++] = (entry){address_key(stored[i].address, stored[i].dong), i};
    }
    qsort(r.name, r.n_name, sizeof(entry), by_hash);
    qsort(r.phone, r.n_phone, sizeof(entry), by_hash);
    qsort(r.address, r.n_address, sizeof(entry), by_hash);

    /* by what the neighbour knew: [birth exact / typo / year / none][phone or not] */
    int tp = 0, fp = 0, fn = 0, grey = 0, fresh_fp = 0, twin_fp = 0;
    int known[4][2] = {{0}}, found[4][2] = {{0}};
    for (int d = 0; d < FR_DUPS; d++) {
        int32_t who = (int32_t)(next() % FR_STORED), kind, suspected;
        report q;
        neighbour(&stored[who], &q, &kind);
        int b = kind & 2 ? 1 : kind & 4 ? 2 : kind & 8 ? 3 : 0, ph = kind & 16 ? 1 : 0;
        known[b][ph]++;
        int32_t m = match(stored, &r, &q, &suspected);
        if (m == who) {
            tp++;
            found[b][ph]++;
        } else if (m >= 0)
            fp++;
        else {
            fn++;
            grey += suspected;
        }
    }
    for (int f = 0; f < FR_FRESH; f++) {
        person p;
        report q;
        int suspected;
        make(&p);
        as_reported(&p, &q);
        fresh_fp += match(stored, &r, &q, &suspected) >= 0;
    }
    for (int t = 0; t < FR_TWINS; t++) {
        int32_t who = (int32_t)(next() % FR_STORED), suspected;
        person twin = stored[who];
        /* another given name: a syllable far from the sibling's */
        twin.name[2] = decode(given[(range(0, 23))]);
        if (twin.name[2].l == stored[who].name[2].l || twin.name[2].v == stored[who].name[2].v)
            continue;
        twin.sex = chance(50) ? 'F' : 'M';
        report q;
        as_reported(&twin, &q);
        twin_fp += match(stored, &r, &q, &suspected) == who;
    }
    double precision = tp + fp + fresh_fp + twin_fp ? (double)tp / (tp + fp + fresh_fp + twin_fp) : 0;
    printf(
        "fuzzy recall: %d stored, %d planted re-reports, %d fresh, %d twins (seed %#llx, cap %d a route)\n",
        FR_STORED, FR_DUPS, FR_FRESH, FR_TWINS, 0x5eed2026ull, FR_CAP);
    printf(
        "fuzzy recall: attached right %d, wrong %d, not attached %d (of them %d suspected); fresh attached "
        "%d, twins attached %d\n",
        tp, fp, fn, grey, fresh_fp, twin_fp);
    printf("fuzzy recall: recall %.4f, precision %.4f\n", (double)tp / FR_DUPS, precision);
    static const char *const births[] = {"birth date", "birth date typo", "birth year ±1", "no birth"};
    for (int b = 0; b < 4; b++)
        for (int ph = 0; ph < 2; ph++)
            printf("fuzzy recall:   %-16s %-9s %5d reported, recall %.4f\n", births[b],
                   ph ? "no phone" : "phone", known[b][ph],
                   known[b][ph] ? (double)found[b][ph] / known[b][ph] : 0.0);
    assert_int_equal(tp + fp + fn, FR_DUPS);
    assert_int_equal(twin_fp, 0);
    free(stored);
    free(r.name);
    free(r.phone);
    free(r.address);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(precision_and_recall)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

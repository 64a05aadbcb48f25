/*
 * fuzzy.c — the Korean-aware person score (fuzzy.h): jamo edit distance, romanised names, address
 * forms, birth-date typos, shared phone; weights and thresholds are the data below.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "edit_distance.h"
#include "fuzzy.h"
#include "places.h"
#include "translit.h"

#define FUZZY_MAX_JAMO INTAKE_EDIT_MAX /* names longer than this compare on their first 192 jamo */

intake_fuzzy_weights intake_fuzzy_default_weights = {
    .name = 0.45,
    .name_min = 0.80,
    .birth_exact = 0.25,
    .birth_typo = 0.20,
    /* The district's choice (WH_INTAKE_FUZZY_BIRTH_YEAR_NEAR): measured on the recall test's district
     * (docs/benchmarks.md, seeds 0x5eed2026 / 0x2b7e1516), 0.10 attaches automatically 0.6254 /
     * 0.6136 of re-reports and suspects 0 / 2 of 5,000 fresh persons; 0.20 attaches a birth year ±1
     * with the exact name and address but no sex or phone too (0.6528 / 0.6394, the same precision
     * 0.9997) and suspects 49 / 48 fresh persons (a same-name person of the dong a year apart). */
    .birth_year_near = 0.10,
    .address = 0.20,
    .phone = 0.25,
    .sex_at_address = 0.10,
    .birth_far_years = 5,
    .attach_name_min = 1.0,
    .attach_needs_birth = 1,
    .suspect_needs_name = 1,
    .attach = 0.85,
    .suspect = 0.60,
};

int intake_fuzzy_set_birth_year_near(const char *text)
{
    char *end = NULL;
    double w = text ? strtod(text, &end) : 0.0;
    if (!text || end == text || *end || !(w >= 0.0 && w <= INTAKE_FUZZY_BIRTH_YEAR_NEAR_MAX))
        return -1;
    intake_fuzzy_default_weights.birth_year_near = w;
    return 0;
}

/* Hangul syllable block and its jamo (Unicode 3.12, conjoining jamo behaviour). */
enum { S_BASE = 0xAC00, L_BASE = 0x1100, V_BASE = 0x1161, T_BASE = 0x11A7, V_COUNT = 21, T_COUNT = 28 };
enum { S_COUNT = 19 * V_COUNT * T_COUNT };

static void wipe_free(utf8proc_uint8_t *p)
{
    if (!p)
        return;
    memset(p, 0, strlen((char *)p));
    free(p);
}

static int is_latin_name(const unsigned char *s)
{
    for (; *s; s++)
        if (*s >= 0x80)
            return 0;
    return 1;
}

static int word_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "NGUYEN Van-An" → "an nguyen van": lower-cased words in order, so given/family order is moot. */
static void latin_form(const char *s, char *out, size_t cap)
{
    char buf[256];
    char *words[32];
    char *save = NULL;
    size_t nw = 0, n = 0;
    for (const char *p = s; *p && n + 1 < sizeof buf; p++)
        buf[n++] = isalpha((unsigned char)*p) ? (char)tolower((unsigned char)*p) : ' ';
    buf[n] = '\0';
    for (char *tok = strtok_r(buf, " ", &save); tok && nw < 32; tok = strtok_r(NULL, " ", &save))
        words[nw++] = tok;
    qsort(words, nw, sizeof words[0], word_cmp);
    out[0] = '\0';
    for (size_t i = 0; i < nw; i++) {
        size_t len = strlen(out);
        snprintf(out + len, cap - len, "%s%s", i ? " " : "", words[i]);
    }
    memset(buf, 0, sizeof buf);
}

/* Latin with diacritics at most: every code point below U+0370 (Latin, combining marks) or in Latin
 * Extended Additional (U+1E00..U+1EFF, Vietnamese).  A Hangul name is rejected at its first syllable,
 * before anything is allocated. */
static int may_be_latin(const unsigned char *s)
{
    while (*s) {
        utf8proc_int32_t c;
        utf8proc_ssize_t len = utf8proc_iterate(s, -1, &c);
        if (len <= 0 || !(c < 0x370 || (c >= 0x1E00 && c <= 0x1EFF)))
            return 0;
        s += len;
    }
    return 1;
}

/* The name without its diacritics ("Nguyễn Văn An" → "Nguyen Van An"), or NULL when that leaves
 * anything but ASCII (Hangul, Hanja, a letter such as đ that has no base letter). */
static utf8proc_uint8_t *latin_letters(const unsigned char *in)
{
    utf8proc_uint8_t *stripped = NULL;
    if (!may_be_latin(in))
        return NULL;
    if (utf8proc_map(in, 0, &stripped,
                     UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK) < 0)
        return NULL;
    if (is_latin_name(stripped))
        return stripped;
    wipe_free(stripped);
    return NULL;
}

/* Code points of the name's comparable form, Hangul syllables as their jamo, spaces dropped. */
static size_t name_codes(const char *name, int32_t *out, size_t cap)
{
    const unsigned char *in = (const unsigned char *)(name ? name : "");
    char latin[256];
    utf8proc_uint8_t *nfc = NULL, *plain = is_latin_name(in) ? NULL : latin_letters(in);
    const unsigned char *p = in;
    if (plain || is_latin_name(in)) {
        latin_form((const char *)(plain ? plain : in), latin, sizeof latin);
        wipe_free(plain);
        p = (const unsigned char *)latin;
    } else {
        nfc = utf8proc_NFC(in);
        if (nfc)
            p = nfc;
    }
    size_t n = 0;
    while (*p && n < cap) {
        utf8proc_int32_t c;
        utf8proc_ssize_t len = utf8proc_iterate(p, -1, &c);
        if (len <= 0)
            break;
        p += len;
        if (c == ' ' || c == 0x3000 || c == '\t')
            continue;
        if (c >= S_BASE && c < S_BASE + S_COUNT) {
            int32_t s = c - S_BASE;
            out[n++] = L_BASE + s / (V_COUNT * T_COUNT);
            if (n < cap)
                out[n++] = V_BASE + (s % (V_COUNT * T_COUNT)) / T_COUNT;
            if (s % T_COUNT && n < cap)
                out[n++] = T_BASE + s % T_COUNT;
        } else {
            out[n++] = c;
        }
    }
    wipe_free(nfc);
    memset(latin, 0, sizeof latin);
    return n;
}

size_t intake_fuzzy_name_distance(const char *a, const char *b, size_t *longest)
{
    int32_t ja[FUZZY_MAX_JAMO], jb[FUZZY_MAX_JAMO];
    size_t na = name_codes(a, ja, FUZZY_MAX_JAMO);
    size_t nb = name_codes(b, jb, FUZZY_MAX_JAMO);
    if (longest)
        *longest = na > nb ? na : nb;
    size_t d = intake_edit_distance(ja, NULL, na, jb, NULL, nb);
    memset(ja, 0, sizeof ja);
    memset(jb, 0, sizeof jb);
    return d;
}

/* One name all Hangul and the other all Latin (diacritics folded): *similarity gets their
 * transliterated similarity (translit.h) and 1 is returned; otherwise 0.  A pair of Latin names is
 * told apart at its first bytes, a pair of Hangul names at its first syllables (may_be_latin), before
 * anything is allocated. */
static int may_be_hangul(const char *s)
{
    unsigned char c = (unsigned char)s[0]; /* U+1100.. (conjoining jamo) or U+AC00..U+D7A3 */
    return c == 0xE1 || (c >= 0xEA && c <= 0xED) || c == ' ';
}

static int transliterated(const char *a, const char *b, double *similarity)
{
    if (!may_be_hangul(a) && !may_be_hangul(b))
        return 0; /* two Latin names (the common pair) cost two byte tests */
    int latin_a = may_be_latin((const unsigned char *)a), latin_b = may_be_latin((const unsigned char *)b);
    if (latin_a == latin_b)
        return 0;
    const char *hangul = latin_a ? b : a, *latin = latin_a ? a : b;
    if (!intake_translit_is_hangul(hangul))
        return 0;
    utf8proc_uint8_t *plain =
        is_latin_name((const unsigned char *)latin) ? NULL : latin_letters((const unsigned char *)latin);
    if (!plain && !is_latin_name((const unsigned char *)latin))
        return 0;
    *similarity = intake_translit_similarity(hangul, plain ? (const char *)plain : latin);
    wipe_free(plain);
    return 1;
}

/* The names' similarity; *translit set when it is the transliterated one. */
static double name_similarity(const char *a, const char *b, int *translit)
{
    size_t longest = 0;
    double t = 0.0;
    *translit = 0;
    if (!a || !b || !*a || !*b)
        return 0.0;
    if (transliterated(a, b, &t)) {
        *translit = 1;
        return t;
    }
    size_t d = intake_fuzzy_name_distance(a, b, &longest);
    if (longest == 0)
        return 0.0;
    return 1.0 - (double)d / (double)longest;
}

double intake_fuzzy_name_similarity(const char *a, const char *b)
{
    int translit = 0;
    return name_similarity(a, b, &translit);
}

/* Romanised address words and their Hangul forms (lower case, after spacing is gone). */
static const struct {
    const char *from, *to;
} address_words[] = {
    {"beon-gil", "번길"}, {"beongil", "번길"}, {"-gil", "길"}, {"gil", "길"}, {"-ro", "로"},
    {"ro", "로"},         {"-dong", "동"},     {"dong", "동"}, {"번지", ""},  {"-gu", "구"},
};
#define N_ADDRESS_WORDS (sizeof address_words / sizeof address_words[0])

/* For each byte, the address words that begin with it (bit i: address_words[i]), so a position is
 * compared only with the words it can start — most bytes of an address start none — and each word's
 * length. */
static uint16_t address_word_starts[256];
static size_t address_word_len[N_ADDRESS_WORDS];

static void address_words_index(void)
{
    for (size_t i = 0; i < N_ADDRESS_WORDS; i++) {
        address_word_starts[(unsigned char)address_words[i].from[0]] |= (uint16_t)(1u << i);
        address_word_len[i] = strlen(address_words[i].from);
    }
}

/* A romanised word counts only right after a letter or digit run ends ("suyeong-ro", "12beon-gil"),
 * never inside a word ("robert"): the next character must not be a Latin letter. */
static const char *address_word_at(const char *p, size_t *len)
{
    unsigned starts = address_word_starts[(unsigned char)p[0]];
    for (size_t i = 0; starts != 0; i++, starts >>= 1) {
        size_t n = address_word_len[i];
        if (!(starts & 1u) || strncmp(p, address_words[i].from, n) != 0)
            continue;
        if ((unsigned char)p[0] < 0x80 && isalpha((unsigned char)p[n]))
            continue;
        *len = n;
        return address_words[i].to;
    }
    return NULL;
}

/* The comparable form, with INTAKE_PLACES_MARK where the address had spacing or punctuation when
 * marks is set (places.c finds whole lot numbers by them). */
static size_t address_form(const char *address, char *out, size_t cap, int marks)
{
    static pthread_once_t indexed = PTHREAD_ONCE_INIT;
    pthread_once(&indexed, address_words_index);
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)(address ? address : ""));
    const char *p = nfc ? (const char *)nfc : "";
    size_t n = 0;
    if (cap == 0) {
        wipe_free(nfc);
        return 0;
    }
    while (*p && n + 1 < cap) {
        unsigned char c = (unsigned char)*p;
        size_t len = 0;
        const char *word = address_word_at(p, &len);
        int separator = 0;
        if (word && (n > 0 || c >= 0x80)) {
            for (const char *w = word; *w && n + 1 < cap; w++)
                out[n++] = *w;
            p += len;
        } else if (c == 0xe3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x80) {
            p += 3; /* U+3000 */
            separator = 1;
        } else if (c < 0x80 && (isspace(c) || c == ',' || c == '.' || c == '#' || c == '(' || c == ')')) {
            p++;
            separator = 1;
        } else if (c == '-' &&
                   !(n > 0 && isdigit((unsigned char)out[n - 1]) && isdigit((unsigned char)p[1]))) {
            p++; /* a hyphen counts only between digits: 123-4 is a lot number */
            separator = 1;
        } else {
            out[n++] = c < 0x80 ? (char)tolower(c) : (char)c;
            p++;
        }
        if (separator && marks && n > 0 && out[n - 1] != INTAKE_PLACES_MARK && n + 1 < cap)
            out[n++] = INTAKE_PLACES_MARK;
    }
    out[n] = '\0';
    wipe_free(nfc);
    return n;
}

size_t intake_fuzzy_address_plain_form(const char *address, char *out, size_t cap)
{
    return address_form(address, out, cap, 0);
}

size_t intake_fuzzy_address_form(const char *address, char *out, size_t cap)
{
    char marked[512];
    size_t n = address_form(address, marked, sizeof marked, 1);
    n = intake_places_rewrite(marked, n, sizeof marked);
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++)
        if (marked[i] != INTAKE_PLACES_MARK)
            out[o++] = marked[i];
    if (cap > 0)
        out[o] = '\0';
    memset(marked, 0, sizeof marked);
    return o;
}

int intake_fuzzy_birth_typo(const char *a, const char *b)
{
    if (!a || !b || strlen(a) != 10 || strlen(b) != 10 || strcmp(a, b) == 0)
        return 0;
    int diff[10], nd = 0;
    for (int i = 0; i < 10; i++)
        if (a[i] != b[i]) {
            if (nd == 2)
                return 0;
            diff[nd++] = i;
        }
    if (nd == 1)
        return isdigit((unsigned char)a[diff[0]]) && isdigit((unsigned char)b[diff[0]]);
    /* two differences: a swap of neighbours, across the '-' too ("03-12" ↔ "03-21", "1948" ↔ "1984") */
    int i = diff[0], j = diff[1];
    int neighbours = j == i + 1 || (j == i + 2 && a[i + 1] == '-');
    return neighbours && a[i] == b[j] && a[j] == b[i];
}

static int present(const char *s)
{
    return s && *s;
}

static int birth_year_of(const intake_fuzzy_person *p)
{
    if (present(p->birth_date) && strlen(p->birth_date) >= 4)
        return atoi(p->birth_date);
    return p->birth_year;
}

static void add_reason(intake_fuzzy_result *out, const char *reason)
{
    size_t len = strlen(out->reasons);
    snprintf(out->reasons + len, sizeof out->reasons - len, "%s%s", len ? "; " : "", reason);
}

/* Both births known, not a typo of each other, and their years further apart than birth_far_years:
 * not one person (a parent and a child who carry one name, at one address, with one phone). */
static int births_far(const intake_fuzzy_person *a, const intake_fuzzy_person *b,
                      const intake_fuzzy_weights *w)
{
    int ya = birth_year_of(a), yb = birth_year_of(b);
    if (ya <= 0 || yb <= 0 || abs(ya - yb) <= w->birth_far_years)
        return 0;
    return !(present(a->birth_date) && present(b->birth_date) &&
             intake_fuzzy_birth_typo(a->birth_date, b->birth_date));
}

static double birth_part(const intake_fuzzy_person *a, const intake_fuzzy_person *b,
                         const intake_fuzzy_weights *w, intake_fuzzy_result *out)
{
    if (present(a->birth_date) && present(b->birth_date)) {
        if (strcmp(a->birth_date, b->birth_date) == 0) {
            add_reason(out, "birth date");
            return w->birth_exact;
        }
        if (intake_fuzzy_birth_typo(a->birth_date, b->birth_date)) {
            add_reason(out, "birth date typo");
            return w->birth_typo;
        }
        return 0.0;
    }
    int ya = birth_year_of(a), yb = birth_year_of(b);
    if (ya > 0 && yb > 0 && abs(ya - yb) <= 1) {
        add_reason(out, "birth year near");
        return w->birth_year_near;
    }
    return 0.0;
}

static double address_part(const intake_fuzzy_person *a, const intake_fuzzy_person *b,
                           const intake_fuzzy_weights *w, intake_fuzzy_result *out)
{
    char fa[512], fb[512];
    if (present(a->address_block) && present(b->address_block)) {
        if (strcmp(a->address_block, b->address_block) != 0)
            return 0.0;
        add_reason(out, "address");
        return w->address;
    }
    if (!present(a->address) || !present(b->address))
        return 0.0;
    size_t na = intake_fuzzy_address_form(a->address, fa, sizeof fa);
    intake_fuzzy_address_form(b->address, fb, sizeof fb);
    int same = na > 0 && strcmp(fa, fb) == 0;
    memset(fa, 0, sizeof fa);
    memset(fb, 0, sizeof fb);
    if (!same)
        return 0.0;
    add_reason(out, "address");
    return w->address;
}

/* A score at attach that the name or the birth does not let attach is a suspicion, and one whose
 * name is not near no suspicion; each says why. */
static void held_back(intake_fuzzy_result *out, double birth, const intake_fuzzy_weights *w)
{
    if (out->verdict == INTAKE_FUZZY_DIFFERENT)
        return;
    if (w->suspect_needs_name && out->name_similarity < w->name_min) {
        add_reason(out, "name differs");
        out->verdict = INTAKE_FUZZY_DIFFERENT;
        return;
    }
    if (out->verdict != INTAKE_FUZZY_SAME)
        return;
    if (out->name_similarity < w->attach_name_min)
        add_reason(out, "name not exact");
    else if (w->attach_needs_birth && birth <= 0.0)
        add_reason(out, "no birth");
    else
        return;
    out->verdict = INTAKE_FUZZY_SUSPECTED;
}

void intake_fuzzy_score(const intake_fuzzy_person *a, const intake_fuzzy_person *b,
                        const intake_fuzzy_weights *w, intake_fuzzy_result *out)
{
    memset(out, 0, sizeof *out);
    if (!w)
        w = &intake_fuzzy_default_weights;
    if (a->sex && b->sex && a->sex != b->sex) {
        add_reason(out, "sex differs");
        return;
    }
    if (births_far(a, b, w)) {
        add_reason(out, "birth years differ");
        return;
    }
    double score = 0.0;
    int translit = 0;
    out->name_similarity = name_similarity(a->name, b->name, &translit);
    if (out->name_similarity >= w->name_min) {
        char reason[32];
        snprintf(reason, sizeof reason, "name %.2f%s", out->name_similarity,
                 translit ? " transliterated" : "");
        add_reason(out, reason);
        score += w->name * out->name_similarity;
    }
    double birth = birth_part(a, b, w, out);
    score += birth;
    double address = address_part(a, b, w, out);
    score += address;
    if (present(a->phone_digits) && present(b->phone_digits) &&
        strcmp(a->phone_digits, b->phone_digits) == 0) {
        add_reason(out, "phone");
        score += w->phone;
    }
    if (address > 0.0 && a->sex && a->sex == b->sex && out->name_similarity >= 1.0) {
        add_reason(out, "same sex");
        score += w->sex_at_address;
    }
    out->score = score > 1.0 ? 1.0 : score;
    out->verdict = out->score >= w->attach    ? INTAKE_FUZZY_SAME
                   : out->score >= w->suspect ? INTAKE_FUZZY_SUSPECTED
                                              : INTAKE_FUZZY_DIFFERENT;
    held_back(out, birth, w);
}

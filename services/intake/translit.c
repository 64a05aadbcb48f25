/*
 * translit.c — Hangul and romanised names in one reduced alphabet (translit.h).  The mapping is the
 * data below: each jamo's key, and the Latin rules (the first that matches at a position wins; a rule
 * may require the next letter to be one of a set).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "edit_distance.h"
#include "translit.h"

#define KEY_MAX   128
#define WORDS_MAX 16

/* Hangul syllable block (Unicode 3.12). */
enum { S_BASE = 0xAC00, V_COUNT = 21, T_COUNT = 28, S_COUNT = 19 * V_COUNT * T_COUNT };

/* The initial consonants ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ (an initial ㅇ is silent).
 */
static const char *const initial_key[19] = {"K", "K", "N", "T", "T", "L", "M", "P", "P", "S",
                                            "S", "",  "S", "S", "S", "K", "T", "P", "H"};
/* The vowels ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ (ㅡ is the vowel loanwords add).
 */
static const char *const vowel_key[21] = {"a",  "i",  "ia", "ii", "a",  "i",  "ia", "ii", "a", "ua", "ui",
                                          "ui", "ia", "u",  "ua", "ui", "ui", "iu", "",   "i", "i"};
/* The finals: none, ㄱ ㄲ ㄳ ㄴ ㄵ ㄶ ㄷ ㄹ ㄺ ㄻ ㄼ ㄽ ㄾ ㄿ ㅀ ㅁ ㅂ ㅄ ㅅ ㅆ ㅇ ㅈ ㅊ ㅋ ㅌ ㅍ ㅎ (a final
 * ㅅ is a loanword's t: 로봇 robot). */
static const char *const final_key[28] = {
    "",   "K", "K", "KS", "N",  "NS", "N", "T", "L", "LK", "LM", "LP", "LS", "LT",
    "LP", "L", "M", "P",  "PS", "T",  "T", "G", "T", "T",  "K",  "T",  "P",  "",
};

typedef struct latin_rule {
    const char *from, *to;
    const char *before; /* the next letter must be one of these; NULL: anything, the end too */
} latin_rule;

#define VOWELS "aeiouy"

/* Every reading's rules, after its own. */
static const latin_rule base_rules[] = {
    {"ng", "G", NULL},  {"nh", "N", NULL}, {"ph", "P", NULL}, {"th", "T", NULL}, {"ch", "S", NULL},
    {"sh", "S", NULL},  {"zh", "S", NULL}, {"kh", "K", NULL}, {"gh", "K", NULL}, {"ck", "K", NULL},
    {"h", "H", VOWELS}, {"h", "", NULL},   {"c", "S", "eiy"}, {"c", "K", NULL},  {"x", "KS", NULL},
    {"a", "a", NULL},   {"o", "a", NULL},  {"e", "i", NULL},  {"i", "i", NULL},  {"y", "i", NULL},
    {"u", "u", NULL},   {"w", "u", NULL},  {"b", "P", NULL},  {"p", "P", NULL},  {"f", "P", NULL},
    {"v", "P", NULL},   {"d", "T", NULL},  {"t", "T", NULL},  {"g", "K", NULL},  {"k", "K", NULL},
    {"q", "K", NULL},   {"s", "S", NULL},  {"z", "S", NULL},  {"j", "S", NULL},  {"l", "L", NULL},
    {"r", "L", NULL},   {"m", "M", NULL},  {"n", "N", NULL},
};
/* Vietnamese and Chinese pinyin: Trần 쩐, Xiǎo 샤오, Qián 첸. */
static const latin_rule asian_rules[] = {{"tr", "S", NULL}, {"x", "S", NULL}, {"q", "S", NULL}};
/* English th as ㅅ: Smith 스미스, Thomas 토마스. */
static const latin_rule th_rules[] = {{"th", "S", NULL}};
/* Spanish j as ㅎ: José 호세, Juan 후안. */
static const latin_rule spanish_rules[] = {{"j", "H", NULL}};

typedef struct reading {
    const latin_rule *rules;
    size_t n;
} reading;

#define RULES(v)                                                                                             \
    {                                                                                                        \
        v, sizeof v / sizeof v[0]                                                                            \
    }
static const reading readings[] = {{NULL, 0}, RULES(asian_rules), RULES(th_rules), RULES(spanish_rules)};
#define READINGS ((int)(sizeof readings / sizeof readings[0]))

static int is_space(utf8proc_int32_t c)
{
    return c == ' ' || c == '\t' || c == 0x3000;
}

int intake_translit_is_hangul(const char *name)
{
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)(name ? name : ""));
    const utf8proc_uint8_t *p = nfc;
    int syllables = 0, ok = nfc != NULL;
    while (ok && *p) {
        utf8proc_int32_t c;
        utf8proc_ssize_t len = utf8proc_iterate(p, -1, &c);
        if (len <= 0)
            break;
        p += len;
        if (c >= S_BASE && c < S_BASE + S_COUNT)
            syllables++;
        else if (!is_space(c))
            ok = 0;
    }
    free(nfc);
    return ok && syllables > 0;
}

/* A key being built: words, each a run of letters in text, ' ' between. */
typedef struct key_buf {
    char text[KEY_MAX];
    size_t n;
} key_buf;

static void put(key_buf *k, const char *s)
{
    for (; *s && k->n + 1 < sizeof k->text; s++)
        k->text[k->n++] = *s;
    k->text[k->n] = '\0';
}

static int by_word(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The words of k sorted and joined, a run of one letter once, into out; its length. */
static size_t finish(key_buf *k, char *out, size_t cap)
{
    char *words[WORDS_MAX], *save = NULL;
    size_t nw = 0, o = 0;
    for (char *w = strtok_r(k->text, " ", &save); w && nw < WORDS_MAX; w = strtok_r(NULL, " ", &save))
        words[nw++] = w;
    qsort(words, nw, sizeof words[0], by_word);
    for (size_t i = 0; i < nw; i++)
        for (const char *c = words[i]; *c && o + 1 < cap; c++)
            if (o == 0 || out[o - 1] != *c)
                out[o++] = *c;
    if (cap > 0)
        out[o] = '\0';
    return o;
}

size_t intake_translit_hangul_key(const char *name, char *out, size_t cap)
{
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)(name ? name : ""));
    const utf8proc_uint8_t *p = nfc ? nfc : (const utf8proc_uint8_t *)"";
    key_buf k = {{0}, 0};
    while (*p) {
        utf8proc_int32_t c;
        utf8proc_ssize_t len = utf8proc_iterate(p, -1, &c);
        if (len <= 0)
            break;
        p += len;
        if (c >= S_BASE && c < S_BASE + S_COUNT) {
            int s = c - S_BASE;
            put(&k, initial_key[s / (V_COUNT * T_COUNT)]);
            put(&k, vowel_key[s % (V_COUNT * T_COUNT) / T_COUNT]);
            put(&k, final_key[s % T_COUNT]);
        } else
            put(&k, " ");
    }
    free(nfc);
    size_t n = finish(&k, out, cap);
    memset(&k, 0, sizeof k);
    return n;
}

static const latin_rule *rule_at(const latin_rule *v, size_t n, const char *p)
{
    for (size_t i = 0; i < n; i++) {
        if (v[i].from[0] != *p)
            continue;
        size_t len = strlen(v[i].from);
        if (strncmp(p, v[i].from, len) != 0)
            continue;
        if (v[i].before && !(p[len] && strchr(v[i].before, p[len])))
            continue;
        return &v[i];
    }
    return NULL;
}

size_t intake_translit_latin_key(const char *name, int r, char *out, size_t cap)
{
    char lower[KEY_MAX];
    size_t n = 0;
    if (r < 0 || r >= READINGS) {
        if (cap > 0)
            out[0] = '\0';
        return 0;
    }
    for (const char *s = name ? name : ""; *s && n + 1 < sizeof lower; s++)
        lower[n++] = isalpha((unsigned char)*s) ? (char)tolower((unsigned char)*s) : ' ';
    lower[n] = '\0';
    key_buf k = {{0}, 0};
    for (const char *p = lower; *p;) {
        const latin_rule *rule = rule_at(readings[r].rules, readings[r].n, p);
        if (!rule)
            rule = rule_at(base_rules, sizeof base_rules / sizeof base_rules[0], p);
        if (!rule) { /* a space, or a letter no rule has */
            put(&k, " ");
            p++;
            continue;
        }
        put(&k, rule->to);
        p += strlen(rule->from);
    }
    size_t len = finish(&k, out, cap);
    memset(lower, 0, sizeof lower);
    memset(&k, 0, sizeof k);
    return len;
}

/* A key as symbols and weights for intake_edit_distance (a vowel 1, a consonant 2); its weight. */
static size_t symbols_of(const char *key, size_t n, int32_t *out, unsigned char *weights)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = (unsigned char)key[i];
        weights[i] = islower((unsigned char)key[i]) ? 1 : 2;
        total += weights[i];
    }
    return total;
}

double intake_translit_similarity(const char *hangul, const char *latin)
{
    char h[KEY_MAX], l[KEY_MAX];
    int32_t hs[KEY_MAX], ls[KEY_MAX];
    unsigned char hw[KEY_MAX], lw[KEY_MAX];
    size_t nh = intake_translit_hangul_key(hangul, h, sizeof h), wh = symbols_of(h, nh, hs, hw);
    double best = 0.0;
    for (int r = 0; r < READINGS && nh > 0; r++) {
        size_t nl = intake_translit_latin_key(latin, r, l, sizeof l), wl = symbols_of(l, nl, ls, lw);
        size_t longest = wh > wl ? wh : wl;
        double s = nl ? 1.0 - (double)intake_edit_distance(hs, hw, nh, ls, lw, nl) / (double)longest : 0.0;
        if (s > best)
            best = s;
    }
    memset(h, 0, sizeof h);
    memset(l, 0, sizeof l);
    memset(hs, 0, sizeof hs);
    memset(ls, 0, sizeof ls);
    return best < 0.0 ? 0.0 : best;
}

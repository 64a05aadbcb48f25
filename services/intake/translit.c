/*
 * translit.c — Hangul and romanised names in one reduced alphabet (translit.h).  The mapping is the
 * data below: each jamo's key, and the Latin rules (the first that matches at a position wins; a rule
 * may require the next letter to be one of a set, and a context in its word: a consonant or the end
 * next, the word's end after a consonant, a silent final e after the next consonant, a vowel before
 * and a final e after, an open syllable, the word's end), grouped into readings.  Each word of a Latin
 * name is read in the reading nearest the Hangul name.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
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
 * ㅅ ㅆ (s, sh, pinyin and Vietnamese x) and ㅈ ㅉ ㅊ (j, z, ch, tr, pinyin zh and q) are two letters:
 * loanword orthography keeps them apart, so Rose 로즈 is not Ross 로스. */
static const char *const initial_key[19] = {"K", "K", "N", "T", "T", "L", "M", "P", "P", "S",
                                            "S", "",  "J", "J", "J", "K", "T", "P", "H"};
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

/* Where a rule applies besides its letters (all within one word). */
typedef enum rule_context {
    ANYWHERE,
    NO_VOWEL_NEXT,         /* a consonant or the word's end follows: Robert's er, Arthur's ur, Charles's ar */
    FINAL_AFTER_CONSONANT, /* the word ends here, after a consonant with a vowel before it: the silent
                              e of Kate and Mike, the es of James */
    SILENT_E_NEXT,         /* one consonant, then a final e or es: the long a of Kate, the i of Mike */
    VOICED_S,              /* an s between a vowel and a final e: Rose 로즈 */
    OPEN_SYLLABLE,         /* one consonant (ch, ph, th, sh one) and then a vowel follow: the i of
                              Michael and Simon, the y of Tyler */
    WORD_END,              /* the word ends here: Daniel's el, Michael's ael */
} rule_context;

typedef struct latin_rule {
    const char *from, *to;
    const char *before; /* the next letter must be one of these; NULL: anything, the end too */
    rule_context context;
} latin_rule;

#define VOWELS "aeiouy"

/* Every reading's rules, after its own. */
static const latin_rule base_rules[] = {
    {"ng", "G", NULL, ANYWHERE}, {"nh", "N", NULL, ANYWHERE},  {"ph", "P", NULL, ANYWHERE},
    {"th", "T", NULL, ANYWHERE}, {"ch", "J", NULL, ANYWHERE},  {"sh", "S", NULL, ANYWHERE},
    {"zh", "J", NULL, ANYWHERE}, {"kh", "K", NULL, ANYWHERE},  {"gh", "K", NULL, ANYWHERE},
    {"ck", "K", NULL, ANYWHERE}, {"h", "H", VOWELS, ANYWHERE}, {"h", "", NULL, ANYWHERE},
    {"c", "S", "eiy", ANYWHERE}, {"c", "K", NULL, ANYWHERE},   {"x", "KS", NULL, ANYWHERE},
    {"a", "a", NULL, ANYWHERE},  {"o", "a", NULL, ANYWHERE},   {"e", "i", NULL, ANYWHERE},
    {"i", "i", NULL, ANYWHERE},  {"y", "i", NULL, ANYWHERE},   {"u", "u", NULL, ANYWHERE},
    {"w", "u", NULL, ANYWHERE},  {"b", "P", NULL, ANYWHERE},   {"p", "P", NULL, ANYWHERE},
    {"f", "P", NULL, ANYWHERE},  {"v", "P", NULL, ANYWHERE},   {"d", "T", NULL, ANYWHERE},
    {"t", "T", NULL, ANYWHERE},  {"g", "K", NULL, ANYWHERE},   {"k", "K", NULL, ANYWHERE},
    {"q", "K", NULL, ANYWHERE},  {"s", "S", NULL, ANYWHERE},   {"z", "J", NULL, ANYWHERE},
    {"j", "J", NULL, ANYWHERE},  {"l", "L", NULL, ANYWHERE},   {"r", "L", NULL, ANYWHERE},
    {"m", "M", NULL, ANYWHERE},  {"n", "N", NULL, ANYWHERE},
};
/* Vietnamese and Chinese pinyin: Trần 쩐, Xiǎo 샤오, Qián 첸. */
static const latin_rule asian_rules[] = {
    {"tr", "J", NULL, ANYWHERE}, {"x", "S", NULL, ANYWHERE}, {"q", "J", NULL, ANYWHERE}};
/* Spanish j as ㅎ, z as ㅅ: José 호세, Juan 후안, López 로페스, González 곤살레스. */
static const latin_rule spanish_rules[] = {{"j", "H", NULL, ANYWHERE}, {"z", "S", NULL, ANYWHERE}};
/* English as Korean transcribes it: th as ㅅ (Smith 스미스, Arthur 아서); a silent final e (Kate 케이트,
 * Mike 마이크, Luke 루크, Rose 로즈) or es (James 제임스, Charles 찰스) and the long vowel before it
 * (a 에이, i 아이), an s between them as ㅈ (Rose); er, or, ur, ir, ar before a consonant or at the end
 * as ㅓ/ㅏ (Robert 로버트, Peter 피터, Taylor 테일러, Arthur, Kirk 커크, Martin 마틴); ea, ay, ai as ㅣ/ㅔ
 * (Dean 딘, Ray 레이), oo as ㅜ (Brooke 브룩); ch before r or l as ㅋ (Christopher 크리스토퍼); a final el
 * as 얼 (Daniel 대니얼, Rachel 레이철). */
static const latin_rule english_rules[] = {
    {"th", "S", NULL, ANYWHERE},
    {"es", "S", NULL, FINAL_AFTER_CONSONANT},
    {"s", "J", NULL, VOICED_S},
    {"el", "aL", NULL, WORD_END},
    {"e", "", NULL, FINAL_AFTER_CONSONANT},
    {"a", "i", NULL, SILENT_E_NEXT},
    {"i", "ai", NULL, SILENT_E_NEXT},
    {"ea", "i", NULL, ANYWHERE},
    {"ay", "i", NULL, ANYWHERE},
    {"ai", "i", NULL, ANYWHERE},
    {"oo", "u", NULL, ANYWHERE},
    {"ch", "K", "rl", ANYWHERE},
};
/* English vowels before r (with the English rules above, or alone where a final e is not silent). */
static const latin_rule english_r_rules[] = {
    {"er", "a", NULL, NO_VOWEL_NEXT}, {"or", "a", NULL, NO_VOWEL_NEXT}, {"ur", "a", NULL, NO_VOWEL_NEXT},
    {"ir", "a", NULL, NO_VOWEL_NEXT}, {"ar", "a", NULL, NO_VOWEL_NEXT},
};
/* English with a short a as ㅐ (Jack 잭, Patrick 패트릭, Harry 해리), else as English above. */
static const latin_rule english_ae_rules[] = {{"a", "i", NULL, ANYWHERE}};
/* English ch as ㅋ before a vowel too, in names from Greek and Hebrew (Nicholas 니콜라스), and a final ael
 * after it as 을 (Michael 마이클, as -ckle is 클). */
static const latin_rule english_k_rules[] = {{"ch", "K", NULL, ANYWHERE}, {"ael", "L", NULL, WORD_END}};
/* French ch as ㅅ, with the English rules' silent final e (Michelle 미셸). */
static const latin_rule french_ch_rules[] = {{"ch", "S", NULL, ANYWHERE}};
/* English with an i or y in an open syllable as 아이 (Michael 마이클, Simon 사이먼, Tyler 타일러), with ch as
 * ㅋ and the vowels before r, but no silent final e: Simone is not Simon. */
static const latin_rule english_open_i_rules[] = {{"i", "ai", NULL, OPEN_SYLLABLE},
                                                  {"y", "ai", NULL, OPEN_SYLLABLE}};

typedef struct rule_set {
    const latin_rule *rules;
    size_t n;
} rule_set;

#define RULES(v)                                                                                             \
    {                                                                                                        \
        v, sizeof v / sizeof v[0]                                                                            \
    }
#define NO_RULES                                                                                             \
    {                                                                                                        \
        NULL, 0                                                                                              \
    }

/* A reading: its own rule sets, tried in order before base_rules. */
#define OWN_SETS 3
typedef struct reading {
    rule_set own[OWN_SETS];
} reading;

static const reading readings[] = {
    {{NO_RULES, NO_RULES, NO_RULES}},
    {{RULES(asian_rules), NO_RULES, NO_RULES}},
    {{RULES(spanish_rules), NO_RULES, NO_RULES}},
    {{RULES(english_rules), RULES(english_r_rules), NO_RULES}},
    {{RULES(english_ae_rules), RULES(english_rules), RULES(english_r_rules)}},
    {{RULES(english_k_rules), RULES(english_rules), RULES(english_r_rules)}},
    {{RULES(english_open_i_rules), RULES(english_k_rules), RULES(english_r_rules)}},
    {{RULES(french_ch_rules), RULES(english_rules), RULES(english_r_rules)}},
};
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

/* A run of one letter in word w once, in place. */
static void collapse_runs(char *w)
{
    size_t o = 0;
    for (size_t i = 0; w[i]; i++)
        if (o == 0 || w[o - 1] != w[i])
            w[o++] = w[i];
    w[o] = '\0';
}

/* The words of k, each with its runs collapsed, sorted and joined, a run of one letter once, into out;
 * its length.  Collapsed before the sort, so a doubled letter (제임스 SiiMS, James SiMS) sorts a word
 * where its single one does. */
static size_t finish(key_buf *k, char *out, size_t cap)
{
    char *words[WORDS_MAX], *save = NULL;
    size_t nw = 0, o = 0;
    for (char *w = strtok_r(k->text, " ", &save); w && nw < WORDS_MAX; w = strtok_r(NULL, " ", &save)) {
        collapse_runs(w);
        words[nw++] = w;
    }
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

static int is_vowel(char c)
{
    return c && strchr(VOWELS, c) != NULL;
}

static int is_consonant(char c)
{
    return c >= 'a' && c <= 'z' && !is_vowel(c);
}

/* True when a rule of context ctx applies to the letters [p, q) of the word [word, end). */
static int in_context(rule_context ctx, const char *word, const char *p, const char *q, const char *end)
{
    switch (ctx) {
    case NO_VOWEL_NEXT:
        return q == end || !is_vowel(*q);
    case FINAL_AFTER_CONSONANT:
        if (q != end || p - word < 2 || !is_consonant(p[-1]))
            return 0;
        for (const char *v = word; v < p - 1; v++)
            if (is_vowel(*v))
                return 1;
        return 0;
    case SILENT_E_NEXT: /* one consonant (not r or w: Clare, Howe), then e or es at the end */
        if (end - q < 2 || !is_consonant(q[0]) || q[0] == 'r' || q[0] == 'w' || q[1] != 'e')
            return 0;
        return q + 2 == end || (q + 3 == end && q[2] == 's');
    case VOICED_S:
        return p > word && is_vowel(p[-1]) && q + 1 == end && *q == 'e';
    case OPEN_SYLLABLE: /* a consonant or a two-letter one, then a vowel that is not a silent final e */
        if (q < end && is_consonant(q[0]) && q + 1 < end && q[1] == 'h')
            q++;
        return q + 1 < end && is_consonant(q[0]) && q[0] != 'r' && is_vowel(q[1]) &&
               !(q[1] == 'e' && (q + 2 == end || (q + 3 == end && q[2] == 's')));
    case WORD_END:
        return q == end;
    default:
        return 1;
    }
}

static const latin_rule *rule_at(const rule_set *set, const char *word, const char *p, const char *end)
{
    for (size_t i = 0; i < set->n; i++) {
        const latin_rule *rule = &set->rules[i];
        if (rule->from[0] != *p)
            continue;
        size_t len = strlen(rule->from);
        if ((size_t)(end - p) < len || strncmp(p, rule->from, len) != 0)
            continue;
        const char *q = p + len;
        if (rule->before && !(q < end && strchr(rule->before, *q)))
            continue;
        if (in_context(rule->context, word, p, q, end))
            return rule;
    }
    return NULL;
}

/* The base rule at each letter of the word [word, end) (shorter than KEY_MAX), into at: the same in
 * every reading, so found once a word. */
static void base_rules_of(const char *word, const char *end, const latin_rule *at[KEY_MAX])
{
    static const rule_set base = RULES(base_rules);
    for (const char *p = word; p < end; p++)
        at[p - word] = rule_at(&base, word, p, end);
}

/* The key of the word [word, end) (lower-case letters) in reading r, appended to k; base holds
 * base_rules_of the word. */
static void word_key(const char *word, const char *end, int r, const latin_rule *const base[KEY_MAX],
                     key_buf *k)
{
    for (const char *p = word; p < end;) {
        const latin_rule *rule = NULL;
        for (size_t s = 0; s < OWN_SETS && !rule; s++)
            rule = rule_at(&readings[r].own[s], word, p, end);
        if (!rule)
            rule = base[p - word];
        if (!rule) { /* a letter no rule has */
            put(k, " ");
            p++;
            continue;
        }
        put(k, rule->to);
        p += strlen(rule->from);
    }
}

/* The name lower-cased into lower (cap bytes), anything but an ASCII letter a space; its length. */
static size_t lower_letters(const char *name, char *lower, size_t cap)
{
    size_t n = 0;
    for (const char *s = name ? name : ""; *s && n + 1 < cap; s++)
        lower[n++] = isalpha((unsigned char)*s) ? (char)tolower((unsigned char)*s) : ' ';
    lower[n] = '\0';
    return n;
}

/* The next word of lower at or after *p: its start, *end its end; NULL when none is left. */
static const char *next_word(const char **p, const char **end)
{
    const char *w = *p;
    while (*w == ' ')
        w++;
    if (!*w)
        return NULL;
    const char *e = w;
    while (*e && *e != ' ')
        e++;
    *end = e;
    *p = e;
    return w;
}

size_t intake_translit_latin_key(const char *name, int r, char *out, size_t cap)
{
    char lower[KEY_MAX];
    if (r < 0 || r >= READINGS) {
        if (cap > 0)
            out[0] = '\0';
        return 0;
    }
    lower_letters(name, lower, sizeof lower);
    key_buf k = {{0}, 0};
    const char *p = lower, *end = NULL;
    for (const char *w = next_word(&p, &end); w; w = next_word(&p, &end)) {
        const latin_rule *base[KEY_MAX];
        base_rules_of(w, end, base);
        word_key(w, end, r, base, &k);
        put(&k, " ");
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

/* A key with its symbols and weights, as the edit distance takes it. */
typedef struct weighted_key {
    char text[KEY_MAX];
    int32_t symbols[KEY_MAX];
    unsigned char weights[KEY_MAX];
    size_t n, weight;
} weighted_key;

static void weigh(weighted_key *w)
{
    w->n = strlen(w->text);
    w->weight = symbols_of(w->text, w->n, w->symbols, w->weights);
}

/* The word [word, end) in the reading that fits the Hangul key h best (the cheapest distance to a
 * run of h; the first reading among equals), appended to k.  A reading that leaves the word as an
 * earlier one did is not compared again. */
static void nearest_word_key(const char *word, const char *end, const weighted_key *h, key_buf *k)
{
    char seen[READINGS][KEY_MAX];
    const latin_rule *base[KEY_MAX];
    weighted_key w;
    size_t best = (size_t)-1;
    int best_r = 0;
    base_rules_of(word, end, base);
    for (int r = 0; r < READINGS; r++) {
        key_buf one = {{0}, 0};
        word_key(word, end, r, base, &one);
        memcpy(seen[r], one.text, sizeof seen[r]);
        int again = 0;
        for (int e = 0; e < r && !again; e++)
            again = strcmp(seen[e], seen[r]) == 0;
        if (again)
            continue;
        finish(&one, w.text, sizeof w.text);
        weigh(&w);
        size_t d = intake_edit_distance_within(w.symbols, w.weights, w.n, h->symbols, h->weights, h->n);
        if (d < best) {
            best = d;
            best_r = r;
        }
    }
    put(k, seen[best_r]);
    put(k, " ");
    memset(seen, 0, sizeof seen);
    memset(&w, 0, sizeof w);
}

size_t intake_translit_nearest_key(const char *latin, const char *hangul_key, char *out, size_t cap)
{
    char lower[KEY_MAX];
    weighted_key h;
    snprintf(h.text, sizeof h.text, "%s", hangul_key ? hangul_key : "");
    weigh(&h);
    lower_letters(latin, lower, sizeof lower);
    key_buf k = {{0}, 0};
    const char *p = lower, *end = NULL;
    for (const char *w = next_word(&p, &end); w; w = next_word(&p, &end))
        nearest_word_key(w, end, &h, &k);
    size_t len = finish(&k, out, cap);
    memset(lower, 0, sizeof lower);
    memset(&k, 0, sizeof k);
    memset(&h, 0, sizeof h);
    return len;
}

double intake_translit_similarity(const char *hangul, const char *latin)
{
    weighted_key h, l;
    double s = 0.0;
    intake_translit_hangul_key(hangul, h.text, sizeof h.text);
    weigh(&h);
    if (h.n > 0) {
        intake_translit_nearest_key(latin, h.text, l.text, sizeof l.text);
        weigh(&l);
        size_t longest = h.weight > l.weight ? h.weight : l.weight;
        if (l.n > 0)
            s = 1.0 - (double)intake_edit_distance(h.symbols, h.weights, h.n, l.symbols, l.weights, l.n) /
                          (double)longest;
    }
    memset(&h, 0, sizeof h);
    memset(&l, 0, sizeof l);
    return s < 0.0 ? 0.0 : s;
}

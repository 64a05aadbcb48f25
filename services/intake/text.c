/*
 * text.c — dates, UTF-8 checks, normalization for matching, phone digits and name masking.
 *
 * Pure functions: the handlers use them before anything is hashed or stored, and the unit tests
 * pin their behaviour.  Matching depends on normalization never changing silently: a change would
 * stop known households from matching, so it needs a migration of the stored keys.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "intake.h"

static int number(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool intake_date_parse(const char *s, int *y, int *m, int *d)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s || strlen(s) != INTAKE_DATE_LEN || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < INTAKE_DATE_LEN; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return false;
    int yy = number(s, 4), mm = number(s + 5, 2), dd = number(s + 8, 2);
    if (yy < 1800 || yy > 2199 || mm < 1 || mm > 12 || dd < 1)
        return false;
    if (dd > days[mm - 1] + (mm == 2 && leap(yy)))
        return false;
    if (y)
        *y = yy;
    if (m)
        *m = mm;
    if (d)
        *d = dd;
    return true;
}

int intake_age_on(const char *birth_date, const char *day)
{
    int by = 0, bm = 0, bd = 0, y = 0, m = 0, d = 0;
    if (!intake_date_parse(birth_date, &by, &bm, &bd) || !intake_date_parse(day, &y, &m, &d))
        return 0;
    int age = y - by;
    if (m < bm || (m == bm && d < bd))
        age--;
    return age;
}

/* Length of the UTF-8 sequence starting at s (1..4), or 0 when it is not valid UTF-8. */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (n == 0 || (n == 2 && s[0] < 0xc2) || (n == 4 && s[0] > 0xf4))
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    unsigned cp = s[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++)
        cp = (cp << 6) | (s[i] & 0x3f);
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

bool intake_utf8_ok(const char *s, size_t min_bytes, size_t max_bytes)
{
    if (!s)
        s = "";
    size_t len = strlen(s);
    if (len < min_bytes || len > max_bytes)
        return false;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_len((const unsigned char *)s + i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

/* True when NFC could change s: a code point outside the ranges NFC leaves as they are — below
 * U+0300 (no combining marks there), Hangul syllables U+AC00..U+D7A3, CJK symbols U+3000..U+303F and
 * unified ideographs U+4E00..U+9FFF.  Decomposed jamo (U+1100..), combining marks and everything
 * else go through utf8proc_NFC.  The bus hands intake NFC text, so this is the common case. */
static bool may_change_under_nfc(const unsigned char *p)
{
    while (*p) {
        uint32_t c;
        int n;
        if (*p < 0x80) {
            p++;
            continue;
        }
        if ((p[0] & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) {
            c = (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
            n = 2;
        } else if ((p[0] & 0xf0) == 0xe0 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80) {
            c = (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
            n = 3;
        } else {
            return true;
        }
        if (!(c < 0x300 || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0x3000 && c <= 0x303f) ||
              (c >= 0x4e00 && c <= 0x9fff)))
            return true;
        p += n;
    }
    return false;
}

/* Drops ASCII whitespace and punctuation and U+3000, lower-cases ASCII (the rule before NFC). */
static size_t strip(const unsigned char *p, char *out, size_t cap)
{
    size_t n = 0;
    if (cap == 0)
        return 0;
    while (*p && n + 1 < cap) {
        if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) { /* U+3000 ideographic space */
            p += 3;
            continue;
        }
        if (*p < 0x80 && !isalnum(*p)) {
            p++;
            continue;
        }
        out[n++] = *p < 0x80 ? (char)tolower(*p) : (char)*p;
        p++;
    }
    out[n] = '\0';
    return n;
}

size_t intake_normalize(const char *s, char *out, size_t cap)
{
    const unsigned char *in = (const unsigned char *)(s ? s : "");
    /* NFC first, so a decomposed "김" (U+1100 U+1175 U+11B7) keys as the composed one; the bus
     * normalises on the way in already, this keeps callers outside it (welfarectl --check) equal. */
    unsigned char *nfc = may_change_under_nfc(in) ? utf8proc_NFC(in) : NULL;
    size_t n = strip(nfc ? nfc : in, out, cap);
    if (nfc) {
        memset(nfc, 0, strlen((char *)nfc)); /* names and addresses do not linger in freed memory */
        free(nfc);
    }
    return n;
}

size_t intake_normalize_raw(const char *s, char *out, size_t cap)
{
    return strip((const unsigned char *)(s ? s : ""), out, cap);
}

static int name_key_input(size_t (*normalize)(const char *, char *, size_t), const char *name,
                          const char *birth_date, const char *address, char *out, size_t cap)
{
    char nname[256], naddr[512];
    if (normalize(name, nname, sizeof nname) + 1 >= sizeof nname ||
        normalize(address, naddr, sizeof naddr) + 1 >= sizeof naddr)
        return WH_INVALID_ARGUMENT;
    int n = snprintf(out, cap, "%s\x1f%s\x1f%s", nname, birth_date ? birth_date : "", naddr);
    memset(nname, 0, sizeof nname);
    memset(naddr, 0, sizeof naddr);
    return n < 0 || (size_t)n >= cap ? WH_INVALID_ARGUMENT : 0;
}

int intake_name_key_input(const char *name, const char *birth_date, const char *address, char *out,
                          size_t cap)
{
    return name_key_input(intake_normalize, name, birth_date, address, out, cap);
}

int intake_name_key_input_raw(const char *name, const char *birth_date, const char *address, char *out,
                              size_t cap)
{
    return name_key_input(intake_normalize_raw, name, birth_date, address, out, cap);
}

int intake_phone_digits(const char *s, char out[INTAKE_PHONE_DIGITS + 1])
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; s && s[i]; i++) {
        if (isdigit((unsigned char)s[i])) {
            if (n == INTAKE_PHONE_DIGITS)
                return WH_INVALID_ARGUMENT;
            out[n++] = s[i];
        } else if (!(s[i] == '-' || s[i] == ' ' || (s[i] == '+' && i == 0))) {
            return WH_INVALID_ARGUMENT;
        }
    }
    out[n] = '\0';
    return n >= 9 ? 0 : WH_INVALID_ARGUMENT;
}

void intake_mask_name(const char *name, char *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)(name ? name : "");
    size_t len = strlen((const char *)s), chars = 0, first = 0, last = 0;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_len(s + i);
        n = n ? n : 1;
        if (chars == 0)
            first = n;
        last = i;
        chars++;
        i += n;
    }
    size_t o = 0;
    if (cap == 0)
        return;
    if (chars >= 2 && first < cap) {
        memcpy(out, s, first);
        o = first;
    }
    for (size_t i = chars >= 2 ? 1 : 0; i + (chars >= 3) < chars && o + 1 < cap; i++)
        out[o++] = '*';
    if (chars >= 3 && o + (len - last) < cap) {
        memcpy(out + o, s + last, len - last);
        o += len - last;
    }
    out[o] = '\0';
}

/*
 * util.c — small helpers every module needs: random ids, clocks, dates and text checks.
 *
 * The checks here guard every field a handler accepts, so they are strict: a date must exist in the
 * calendar, UTF-8 must be the shortest form of a scalar value (no overlong encodings, no surrogates,
 * nothing above U+10FFFF), and coordinates must be finite and in range.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wh/random.h"
#include "wh/util.h"

#define SEOUL_UTC_OFFSET_S (9 * 3600) /* Korea has no daylight saving time */

/* The text form of 16 bytes given their version (the high nibble of byte 6) and RFC 4122's variant. */
static void uuid_text(unsigned char b[16], unsigned version, char out[WH_UUID_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    b[6] = (unsigned char)((b[6] & 0x0f) | version << 4);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 0x0f];
    }
    out[o] = '\0';
}

void wh_uuid(char out[WH_UUID_LEN + 1])
{
    unsigned char b[16];

    wh_random_bytes(b, sizeof b);
    uuid_text(b, 4, out);
}

void wh_uuid_v7(char out[WH_UUID_LEN + 1])
{
    unsigned char b[16];
    uint64_t ms = (uint64_t)wh_now_ms();

    wh_random_bytes(b + 6, sizeof b - 6);
    for (int i = 5; i >= 0; i--, ms >>= 8)
        b[i] = (unsigned char)(ms & 0xff); /* 48 bits of milliseconds, big-endian */
    uuid_text(b, 7, out);
}

void wh_hex(const unsigned char *in, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        *out++ = digits[in[i] >> 4];
        *out++ = digits[in[i] & 15];
    }
    *out = '\0';
}

static int hex_digit(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20; /* lower case */
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool wh_unhex(const char *hex, size_t len, unsigned char *out)
{
    if (len % 2 != 0)
        return false;
    for (size_t i = 0; i < len; i += 2) {
        int hi = hex_digit((unsigned char)hex[i]), lo = hex_digit((unsigned char)hex[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    return true;
}

size_t wh_i64_text(int64_t v, char out[WH_I64_TEXT])
{
    char digits[WH_I64_TEXT];
    size_t n = 0, len = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        out[len++] = '-';
    while (n > 0)
        out[len++] = digits[--n];
    out[len] = '\0';
    return len;
}

void *wh_grow(void *items, size_t *cap, size_t need, size_t size, size_t first)
{
    if (need == 0)
        need = 1; /* an array, never NULL: NULL is out of memory alone */
    if (need <= *cap && items != NULL)
        return items;
    size_t grown = *cap > 0 ? *cap : (first > 0 ? first : 1);

    while (grown < need) {
        if (grown > SIZE_MAX / 2)
            return NULL;
        grown *= 2;
    }
    if (size > 0 && grown > SIZE_MAX / size)
        return NULL;
    void *moved = realloc(items, grown * size);

    if (moved == NULL)
        return NULL;
    *cap = grown;
    return moved;
}

int64_t wh_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t wh_mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* Reads n decimal digits at s into *out; false if any is not a digit. */
static bool read_digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool wh_date_valid(const char *s)
{
    int year, month, day;

    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    if (!read_digits(s, 4, &year) || !read_digits(s + 5, 2, &month) || !read_digits(s + 8, 2, &day))
        return false;
    if (year < 1900 || year > 2199 || month < 1 || month > 12)
        return false;
    return day >= 1 && day <= days_in_month(year, month);
}

void wh_date_today(char out[11])
{
    time_t t = time(NULL) + SEOUL_UTC_OFFSET_S;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

int32_t wh_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

void wh_civil_from_days(int32_t days, int *y, int *m, int *d)
{
    int z = days + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;

    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

void wh_date_from_days(int32_t days, char out[11])
{
    int y, m, d;
    char buf[40];

    wh_civil_from_days(days, &y, &m, &d);
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    snprintf(out, 11, "%.10s", buf);
}

void wh_date_add_days(const char *date, int days, char out[11])
{
    int y, m, d;

    if (!wh_date_valid(date) || sscanf(date, "%d-%d-%d", &y, &m, &d) != 3) {
        snprintf(out, 11, "%s", date != NULL ? date : "");
        return;
    }
    wh_date_from_days(wh_days_from_civil(y, m, d) + days, out);
}

/* Length of the well-formed UTF-8 sequence at s (Unicode table 3-7), or 0 when it is ill-formed. */
static size_t utf8_sequence(const unsigned char *s)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xbf;
    size_t len;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4;
    else
        return 0; /* continuation byte, overlong lead C0/C1, or F5..FF */
    if (c == 0xe0)
        lo = 0xa0; /* overlong 3-byte form */
    else if (c == 0xed)
        hi = 0x9f; /* UTF-16 surrogates D800..DFFF */
    else if (c == 0xf0)
        lo = 0x90; /* overlong 4-byte form */
    else if (c == 0xf4)
        hi = 0x8f; /* above U+10FFFF */
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return len;
}

bool wh_utf8_valid(const char *s, size_t max_bytes)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    if (s == NULL)
        return false;
    while (p[i] != '\0') {
        size_t len = utf8_sequence(p + i);

        if (len == 0 || len > max_bytes - i)
            return false;
        i += len;
    }
    return true;
}

bool wh_utf8_valid_n(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        size_t need = p[i] < 0x80 ? 1 : p[i] < 0xe0 ? 2 : p[i] < 0xf0 ? 3 : 4;
        size_t got = need <= len - i ? utf8_sequence(p + i) : 0;

        if (got == 0 || (p[i] == '\0'))
            return false;
        i += got;
    }
    return true;
}

bool wh_utf8_copy(char *dst, size_t dst_size, const char *src)
{
    const unsigned char *p = (const unsigned char *)(src != NULL ? src : "");
    size_t i = 0, out = 0;
    bool same = true;

    if (dst_size == 0)
        return p[0] == '\0';
    while (p[i] != '\0') {
        size_t len = utf8_sequence(p + i); /* stops at the NUL: it is never a continuation byte */

        if (out + (len == 0 ? 1 : len) > dst_size - 1) {
            same = false; /* cut before the character that does not fit */
            break;
        }
        if (len == 0) {
            dst[out++] = '?';
            i++;
            same = false;
            continue;
        }
        memcpy(dst + out, p + i, len);
        out += len;
        i += len;
    }
    dst[out] = '\0';
    return same;
}

bool wh_geo_valid(double latitude, double longitude)
{
    return isfinite(latitude) && isfinite(longitude) && latitude >= -90.0 && latitude <= 90.0 &&
           longitude >= -180.0 && longitude <= 180.0;
}

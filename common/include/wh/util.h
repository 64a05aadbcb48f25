/*
 * wh/util.h — small helpers every module needs: ids, clocks, dates, text checks.
 */
#ifndef WH_UTIL_H
#define WH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WH_UUID_LEN 36

/* A random (version 4) UUID in text form into out (WH_UUID_LEN + 1 bytes). */
void wh_uuid(char out[WH_UUID_LEN + 1]);
/* A time-ordered (version 7, RFC 9562) UUID: the wall clock's milliseconds, then 74 random bits, so
 * ids made later sort after (ms apart) and an index of them grows at its end.  For event ids. */
void wh_uuid_v7(char out[WH_UUID_LEN + 1]);

/* Lower-case hex of len bytes into out (2 * len + 1 bytes, its NUL included), the text sodium_bin2hex
 * writes but not in constant time: for bytes stored or sent in the clear (lookup hashes, payloads). */
void wh_hex(const unsigned char *in, size_t len, char *out);
/* The bytes of the len hex digits at hex (either case) into out (len / 2 bytes): wh_hex's inverse,
 * not in constant time either (for bytes stored or sent in the clear, e.g. bytea as PostgreSQL prints
 * it).  False, out undefined, when len is odd or a character is not a hex digit. */
bool wh_unhex(const char *hex, size_t len, unsigned char *out);
/* v in decimal, the text "%" PRId64 writes, into out (WH_I64_TEXT bytes); its length. */
#define WH_I64_TEXT 21
size_t wh_i64_text(int64_t v, char out[WH_I64_TEXT]);

/* Room for need items of size bytes in the array items of capacity *cap: items itself when it has
 * room, else items moved by realloc to a capacity of `first`, doubled until need fits (at least one),
 * with *cap updated.  NULL only when memory or size_t runs out: then items and *cap are unchanged and
 * still the caller's.  The growth of every list in the project:
 *     thing *v = wh_grow(l->v, &l->cap, l->n + 1, sizeof *v, 64);
 *     if (!v)
 *         ...fail...;
 *     l->v = v; */
void *wh_grow(void *items, size_t *cap, size_t need, size_t size, size_t first);

/* Wall clock in milliseconds since the epoch; monotonic clock in nanoseconds. */
int64_t wh_now_ms(void);
uint64_t wh_mono_ns(void);

/* True when s is a valid calendar date "YYYY-MM-DD" between 1900-01-01 and 2199-12-31. */
bool wh_date_valid(const char *s);
/* Today's date in Asia/Seoul (the district's business day) into out (11 bytes). */
void wh_date_today(char out[11]);
/* The valid date `date` plus `days` (negative: minus) into out (11 bytes); an invalid date is copied. */
void wh_date_add_days(const char *date, int days, char out[11]);
/* Day arithmetic of the proleptic Gregorian calendar (H. Hinnant's algorithms), for any y/m/d the
 * caller has checked: days since 1970-01-01, and back. */
int32_t wh_days_from_civil(int y, int m, int d);
void wh_civil_from_days(int32_t days, int *y, int *m, int *d);
/* "YYYY-MM-DD" of a day number (years 0..9999 give 10 characters; others are cut to 10). */
void wh_date_from_days(int32_t days, char out[11]);

/* True when s is valid UTF-8 no longer than max_bytes (NULL is false). */
bool wh_utf8_valid(const char *s, size_t max_bytes);
/* True when the len bytes at s are valid UTF-8 without a NUL (s need not be NUL-terminated). */
bool wh_utf8_valid_n(const char *s, size_t len);
/* Copies src (NULL: "") into dst of dst_size bytes as valid UTF-8 that fits: cut at a character
 * boundary, never inside one, and each ill-formed byte replaced by '?', so the copy can always be
 * stored in a text column (PostgreSQL refuses invalid UTF-8 with SQLSTATE 22021).  True when the copy
 * is src unchanged. */
bool wh_utf8_copy(char *dst, size_t dst_size, const char *src);

/* True for coordinates within valid WGS84 ranges. */
bool wh_geo_valid(double latitude, double longitude);
/* A message id the bus accepts, and the rule of other client-chosen ids (an import row's row_id):
 * 1–64 characters of [A-Za-z0-9._:-] (common/src/envelope_check.c). */
bool wh_message_id_valid(const char *id);

#endif

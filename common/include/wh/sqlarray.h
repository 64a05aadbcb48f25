/*
 * wh/sqlarray.h — PostgreSQL array literals built as parameter values, so a whole batch of rows
 * travels in one statement: `INSERT … SELECT … FROM unnest($1::text[], …)` or `WHERE k = ANY ($1)`.
 * Every element is quoted and escaped; the literal is a parameter value, never SQL text.
 */
#ifndef WH_SQLARRAY_H
#define WH_SQLARRAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct wh_sqlarray {
    char *text;
    size_t len, cap, n; /* n elements */
    bool failed;        /* out of memory: value() returns NULL */
} wh_sqlarray;

void wh_sqlarray_text(wh_sqlarray *a, const char *s);
void wh_sqlarray_null(wh_sqlarray *a);
void wh_sqlarray_i64(wh_sqlarray *a, int64_t v);
void wh_sqlarray_bytea(wh_sqlarray *a, const uint8_t *data, size_t len);
/* The literal ("{…}"), valid until the next append; NULL after an allocation failed. */
const char *wh_sqlarray_value(wh_sqlarray *a);
/* Back to an earlier length and count (a command rolled back to its savepoint). */
void wh_sqlarray_truncate(wh_sqlarray *a, size_t len, size_t n);
/* Empty again, for reuse: the buffer is kept when it is at most WH_SQLARRAY_KEEP_BYTES, else freed,
 * so one large batch does not leave its megabytes resident in a long-lived array. */
#define WH_SQLARRAY_KEEP_BYTES (256 * 1024)
void wh_sqlarray_clear(wh_sqlarray *a);
void wh_sqlarray_free(wh_sqlarray *a);
/* The offset just past `count` elements that start at offset `from` (1 for the first element, else
 * just past a separating comma): the comma after the last of them, or the end of the elements.  With
 * it a long array is sent in slices, so no single statement grows libpq's buffers without bound. */
size_t wh_sqlarray_skip(const wh_sqlarray *a, size_t from, size_t count);

#endif

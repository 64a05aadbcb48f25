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
    size_t *ends;       /* ends[k]: the offset just past element k, recorded as it is appended */
    size_t ends_cap;
    bool failed; /* out of memory: value() returns NULL */
} wh_sqlarray;

/* The most bytes of array literals one statement carries, and the most an array keeps between
 * batches: one bound for both, because libpq grows its output buffer to the largest message it has
 * sent and never shrinks it, and a long-lived array kept at its largest batch stays resident too.
 * A longer array is sent in slices (wh_sqlarray_end) and freed, not kept, when cleared. */
#define WH_SQLARRAY_BOUND_BYTES (128 * 1024)

void wh_sqlarray_text(wh_sqlarray *a, const char *s);
void wh_sqlarray_null(wh_sqlarray *a);
void wh_sqlarray_i64(wh_sqlarray *a, int64_t v);
void wh_sqlarray_bytea(wh_sqlarray *a, const uint8_t *data, size_t len);
/* The literal ("{…}"), valid until the next append; NULL after an allocation failed. */
const char *wh_sqlarray_value(wh_sqlarray *a);
/* Back to an earlier length and count (a command rolled back to its savepoint). */
void wh_sqlarray_truncate(wh_sqlarray *a, size_t len, size_t n);
/* Empty again, for reuse: the buffers are kept when the text is at most WH_SQLARRAY_BOUND_BYTES, else
 * freed, so one large batch does not leave its megabytes resident in a long-lived array. */
void wh_sqlarray_clear(wh_sqlarray *a);
void wh_sqlarray_free(wh_sqlarray *a);
/* Where element k (0-based, k < n) starts and the offset just past it in the text, both recorded at
 * append time: "{" + text[start(i) .. end(j)) + "}" is the literal of elements i..j, so a long array
 * is sent in slices without rescanning it. */
size_t wh_sqlarray_start(const wh_sqlarray *a, size_t k);
size_t wh_sqlarray_end(const wh_sqlarray *a, size_t k);

#endif

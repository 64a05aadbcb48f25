/*
 * sqlarray.c — PostgreSQL array literals built as parameter values, so that a whole batch of rows
 * (stored replies, events) travels in one statement: `INSERT … SELECT … FROM unnest($1::text[], …)`.
 *
 * Every element is double-quoted with its backslashes and quotes escaped, so any text is safe; bytea
 * elements are written as "\\x…" (hex).  The literal is a value like any other parameter — nothing is
 * pasted into SQL text.
 */
#include <stdlib.h>
#include <string.h>

#include "wh/sqlarray.h"
#include "wh/util.h"

static bool reserve(wh_sqlarray *a, size_t more)
{
    size_t need = a->len + more + 2; /* the closing brace and NUL */

    if (need <= a->cap)
        return true;
    if (a->failed)
        return false;
    char *grown = wh_grow(a->text, &a->cap, need, 1, 256);
    if (!grown) {
        a->failed = true;
        return false;
    }
    a->text = grown;
    return true;
}

static void open_element(wh_sqlarray *a)
{
    if (a->len == 0)
        a->text[a->len++] = '{';
    else
        a->text[a->len++] = ',';
}

/* Records where the element just appended ends and counts it.  Out of memory for the offsets fails
 * the array like out of memory for its text. */
static void close_element(wh_sqlarray *a)
{
    size_t *grown = wh_grow(a->ends, &a->ends_cap, a->n + 1, sizeof *grown, 64);
    if (!grown) {
        a->failed = true;
        return;
    }
    a->ends = grown;
    a->ends[a->n++] = a->len;
}

/* The text between escapes is copied whole: a byte-at-a-time loop here was 4-5 % of intake's CPU
 * under 16 x 16 SubmitReferral (every cell of the batch's unnest writes and reads passes through). */
void wh_sqlarray_text(wh_sqlarray *a, const char *s)
{
    const char *p = s != NULL ? s : "";
    size_t n = strlen(p);

    if (!reserve(a, 2 * n + 4))
        return;
    open_element(a);
    a->text[a->len++] = '"';
    for (const char *end = p + n; p < end;) {
        size_t run = strcspn(p, "\"\\");
        memcpy(a->text + a->len, p, run);
        a->len += run;
        p += run;
        if (p < end) {
            a->text[a->len++] = '\\';
            a->text[a->len++] = *p++;
        }
    }
    a->text[a->len++] = '"';
    close_element(a);
}

void wh_sqlarray_null(wh_sqlarray *a)
{
    if (!reserve(a, 5))
        return;
    open_element(a);
    memcpy(a->text + a->len, "NULL", 4);
    a->len += 4;
    close_element(a);
}

void wh_sqlarray_i64(wh_sqlarray *a, int64_t v)
{
    char number[WH_I64_TEXT];

    wh_i64_text(v, number);
    wh_sqlarray_text(a, number);
}

void wh_sqlarray_bytea(wh_sqlarray *a, const uint8_t *data, size_t len)
{
    if (!reserve(a, 2 * len + 8))
        return;
    open_element(a);
    memcpy(a->text + a->len, "\"\\\\x", 4);
    a->len += 4;
    wh_hex(data, len, a->text + a->len); /* room: reserve() above; a payload is no secret */
    a->len += 2 * len;
    a->text[a->len++] = '"';
    close_element(a);
}

const char *wh_sqlarray_value(wh_sqlarray *a)
{
    if (a->failed || !reserve(a, 2))
        return NULL;
    if (a->len == 0) {
        memcpy(a->text, "{}", 3);
        return a->text;
    }
    a->text[a->len] = '}';
    a->text[a->len + 1] = '\0';
    return a->text;
}

void wh_sqlarray_truncate(wh_sqlarray *a, size_t len, size_t n)
{
    a->len = len;
    a->n = n;
    a->failed = false; /* what is left is whole again */
}

void wh_sqlarray_clear(wh_sqlarray *a)
{
    if (a->cap > WH_SQLARRAY_BOUND_BYTES)
        wh_sqlarray_free(a);
    else
        wh_sqlarray_truncate(a, 0, 0);
}

void wh_sqlarray_free(wh_sqlarray *a)
{
    free(a->text);
    free(a->ends);
    memset(a, 0, sizeof *a);
}

size_t wh_sqlarray_start(const wh_sqlarray *a, size_t k)
{
    return k == 0 ? 1 : a->ends[k - 1] + 1; /* past "{" or the separating comma */
}

size_t wh_sqlarray_end(const wh_sqlarray *a, size_t k)
{
    return a->ends[k];
}

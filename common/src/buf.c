/*
 * buf.c — the growable byte buffer (wh/buf.h): doubles its capacity as it fills, from 256 bytes.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wh/buf.h"
#include "wh/util.h"

#define FIRST_CAP 256

/* Room for more bytes and the NUL after them; false (and failed) when that cannot be had. */
static bool reserve(wh_buf *b, size_t more)
{
    if (b->failed)
        return false;
    if (more > SIZE_MAX / 2 - b->len) {
        b->failed = true;
        return false;
    }
    char *grown = wh_grow(b->data, &b->cap, b->len + more + 1, 1, FIRST_CAP);
    if (!grown) {
        b->failed = true;
        return false;
    }
    b->data = grown;
    return true;
}

void wh_buf_put(wh_buf *b, const void *s, size_t n)
{
    if (!reserve(b, n))
        return;
    if (n > 0)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void wh_buf_puts(wh_buf *b, const char *s)
{
    wh_buf_put(b, s, strlen(s));
}

void wh_buf_printf(wh_buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if (!reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void wh_buf_free(wh_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

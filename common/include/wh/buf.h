/*
 * wh/buf.h — a growable byte buffer: text built piece by piece (the /metrics page, the dashboard's
 * HTML, COPY rows).  The bytes are always NUL-terminated; once an allocation fails the buffer is
 * marked failed and nothing more is added, so a writer checks once, at the end.
 */
#ifndef WH_BUF_H
#define WH_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct wh_buf {
    char *data; /* NULL until the first put */
    size_t len, cap;
    bool failed; /* an allocation failed (or a size overflowed): the contents are incomplete */
} wh_buf;

/* Appends n bytes (n may be 0: data is then allocated and "" at least). */
void wh_buf_put(wh_buf *b, const void *s, size_t n);
void wh_buf_puts(wh_buf *b, const char *s);
/* Appends printf-style output, however long. */
void wh_buf_printf(wh_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees the bytes and empties the buffer for reuse. */
void wh_buf_free(wh_buf *b);

#endif

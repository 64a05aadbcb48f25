/*
 * csv.c — a streaming RFC 4180 reader: one record at a time, so an import of a million rows holds one
 * row in memory.  Quoted fields may hold commas, doubled quotes and newlines; CRLF and LF both end a
 * record; a UTF-8 byte-order mark at the start is skipped.  Bytes are passed through untouched (the
 * importer checks UTF-8 per field).  getc_unlocked: the reader owns its stream, and locking per
 * byte was a tenth of an import's time.
 */
#include <stdlib.h>
#include <string.h>

#include "wctl.h"
#include "wh/util.h"

struct wctl_csv {
    FILE *in;
    long line;    /* lines read so far */
    bool started; /* BOM checked */
    char *buf;    /* the record's fields, NUL-separated */
    size_t len, cap;
    size_t *starts; /* offsets of fields in buf */
    char **fields;
    size_t n, fcap;
};

wctl_csv *wctl_csv_open(FILE *in)
{
    wctl_csv *r = calloc(1, sizeof *r);

    if (r != NULL)
        r->in = in;
    return r;
}

void wctl_csv_close(wctl_csv **rp)
{
    wctl_csv *r = *rp;

    if (r == NULL)
        return;
    free(r->buf);
    free(r->starts);
    free(r->fields);
    free(r);
    *rp = NULL;
}

static int put(wctl_csv *r, char ch)
{
    char *grown = wh_grow(r->buf, &r->cap, r->len + 1, 1, 256);
    if (!grown)
        return -1;
    r->buf = grown;
    r->buf[r->len++] = ch;
    return 0;
}

static int field_start(wctl_csv *r)
{
    size_t *grown = wh_grow(r->starts, &r->fcap, r->n + 1, sizeof *grown, 16);
    if (!grown)
        return -1;
    r->starts = grown;
    r->starts[r->n++] = r->len;
    return 0;
}

static void skip_bom(wctl_csv *r)
{
    int a = getc_unlocked(r->in), b, c;

    if (a != 0xef) {
        if (a != EOF)
            ungetc(a, r->in);
        return;
    }
    b = getc_unlocked(r->in);
    c = getc_unlocked(r->in);
    if (b == 0xbb && c == 0xbf)
        return;
    /* not a BOM: only one byte of push-back is portable, so keep what we can as data */
    if (c != EOF)
        ungetc(c, r->in);
    put(r, (char)a);
    if (b != EOF)
        put(r, (char)b);
}

/* Finishes the record: NUL-terminates the fields and points r->fields at them. */
static int finish(wctl_csv *r, char ***fields, size_t *n)
{
    char **grown;

    if (put(r, '\0') != 0)
        return -1;
    grown = realloc(r->fields, r->n * sizeof *grown);
    if (grown == NULL)
        return -1;
    r->fields = grown;
    for (size_t i = 0; i < r->n; i++)
        r->fields[i] = r->buf + r->starts[i];
    *fields = r->fields;
    *n = r->n;
    return 1;
}

int wctl_csv_next(wctl_csv *r, char ***fields, size_t *n, long *line, char *err, size_t errlen)
{
    bool quoted = false, was_quoted = false;
    int ch;

    r->len = 0;
    r->n = 0;
    if (!r->started) {
        r->started = true;
        skip_bom(r);
    }
    *line = r->line + 1;
    ch = getc_unlocked(r->in);
    if (ch == EOF && r->len == 0)
        return 0;
    if (field_start(r) != 0)
        return -1;
    r->starts[0] = 0; /* includes bytes skip_bom gave back */
    for (; ch != EOF; ch = getc_unlocked(r->in)) {
        if (quoted) {
            if (ch == '"') {
                int next = getc_unlocked(r->in);

                if (next != '"') {
                    quoted = false;
                    ungetc(next, r->in);
                    continue;
                }
            } else if (ch == '\n') {
                r->line++;
            }
            if (put(r, (char)ch) != 0)
                return -1;
            continue;
        }
        if (ch == '"' && !was_quoted && r->len == r->starts[r->n - 1]) {
            quoted = was_quoted = true;
        } else if (ch == ',') {
            if (put(r, '\0') != 0 || field_start(r) != 0)
                return -1;
            was_quoted = false;
        } else if (ch == '\n') {
            r->line++;
            break;
        } else if (ch == '\r') {
            int next = getc_unlocked(r->in);

            if (next != '\n' && next != EOF)
                ungetc(next, r->in);
            r->line++;
            break;
        } else if (put(r, (char)ch) != 0) {
            return -1;
        }
    }
    if (quoted) {
        snprintf(err, errlen, "unterminated quoted field starting on line %ld", *line);
        return -1;
    }
    return finish(r, fields, n);
}

/*
 * import_input.c — an import file read whole and handed to the CSV reader as UTF-8.
 *
 * The encoding is --encoding's (any name iconv knows: utf-8, cp949, euc-kr, …) or found: a UTF-8 BOM,
 * or text that is valid UTF-8, is UTF-8; otherwise, when the non-ASCII bytes hold more invalid UTF-8
 * than valid UTF-8 sequences and the whole text converts from CP949 (Korean Windows and Excel, a
 * superset of EUC-KR), it is CP949; else it stays UTF-8 and the rows holding invalid bytes fail on
 * their own with a hint.  Holding the file makes the row count (for progress) and a second pass (for
 * the rejects file) cheap.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "wctl.h"

static int read_all(FILE *in, char **out, size_t *len)
{
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap), *grown;

    while (buf != NULL && (got = fread(buf + n, 1, cap - n, in)) > 0) {
        n += got;
        if (n == cap) {
            grown = realloc(buf, cap *= 2);
            if (grown == NULL)
                free(buf);
            buf = grown;
        }
    }
    if (buf == NULL || ferror(in)) {
        free(buf);
        return -1;
    }
    *out = buf;
    *len = n;
    return 0;
}

/* Counts valid multi-byte UTF-8 sequences and invalid bytes. */
static void utf8_census(const unsigned char *p, size_t n, size_t *valid, size_t *invalid)
{
    *valid = *invalid = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        size_t k = c < 0x80                ? 0
                   : c >= 0xc2 && c < 0xe0 ? 1
                   : c >= 0xe0 && c < 0xf0 ? 2
                   : c >= 0xf0 && c < 0xf5 ? 3
                                           : 9;
        size_t j = 1;

        if (k == 0) {
            i++;
            continue;
        }
        while (k != 9 && j <= k && i + j < n && (p[i + j] & 0xc0) == 0x80)
            j++;
        if (k != 9 && j == k + 1) {
            (*valid)++;
            i += j;
        } else {
            (*invalid)++;
            i++;
        }
    }
}

/* Converts buf from encoding to UTF-8 (a new buffer).  0, or -1 when a byte does not convert. */
static int to_utf8(const char *encoding, const char *buf, size_t len, char **out, size_t *out_len)
{
    iconv_t cd = iconv_open("UTF-8", encoding);
    size_t cap = len * 2 + 16, left_in = len, left_out = cap;
    char *res, *in = (char *)buf, *o;

    if (cd == (iconv_t)-1)
        return -2;
    res = malloc(cap);
    o = res;
    if (res == NULL || iconv(cd, &in, &left_in, &o, &left_out) == (size_t)-1) {
        iconv_close(cd);
        free(res);
        return -1;
    }
    iconv_close(cd);
    *out = res;
    *out_len = cap - left_out;
    return 0;
}

int wctl_import_input_open(wctl_import_input *in, const char *path, const char *encoding)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    size_t valid, invalid;
    char *conv;
    size_t conv_len;
    int rc;

    memset(in, 0, sizeof *in);
    if (f == NULL) {
        fprintf(stderr, "error: %s: %s\n", path, strerror(errno));
        return -1;
    }
    rc = read_all(f, &in->data, &in->len);
    if (f != stdin)
        fclose(f);
    if (rc != 0) {
        fprintf(stderr, "error: %s: cannot read\n", path);
        return -1;
    }
    snprintf(in->encoding, sizeof in->encoding, "%s", encoding ? encoding : "UTF-8");
    if (encoding == NULL) {
        utf8_census((const unsigned char *)in->data, in->len, &valid, &invalid);
        if (invalid > 0 && invalid > valid && to_utf8("CP949", in->data, in->len, &conv, &conv_len) == 0) {
            snprintf(in->encoding, sizeof in->encoding, "CP949");
            fprintf(stderr,
                    "note: %s is not UTF-8; read as CP949 (Korean Windows/Excel). Choose with --encoding.\n",
                    path);
            free(in->data);
            in->data = conv;
            in->len = conv_len;
        } else if (invalid > 0) {
            in->hint = "; if the file is CP949/EUC-KR, use --encoding cp949";
        }
        return 0;
    }
    if (strcasecmp(encoding, "utf-8") == 0 || strcasecmp(encoding, "utf8") == 0)
        return 0;
    rc = to_utf8(encoding, in->data, in->len, &conv, &conv_len);
    if (rc != 0) {
        fprintf(stderr, "error: %s: %s\n", path,
                rc == -2 ? "unknown --encoding (try utf-8, cp949, euc-kr)"
                         : "not valid text in that --encoding");
        free(in->data);
        in->data = NULL;
        return -1;
    }
    free(in->data);
    in->data = conv;
    in->len = conv_len;
    return 0;
}

FILE *wctl_import_input_stream(const wctl_import_input *in)
{
    return fmemopen(in->len > 0 ? in->data : (char *)"", in->len, "r");
}

long wctl_import_input_rows(const wctl_import_input *in)
{
    FILE *f = wctl_import_input_stream(in);
    wctl_csv *csv = f ? wctl_csv_open(f) : NULL;
    char **fields, err[200];
    size_t n;
    long line, rows = -1;
    int rc;

    while (csv != NULL && (rc = wctl_csv_next(csv, &fields, &n, &line, err, sizeof err)) != 0) {
        if (rc < 0)
            break;
        if (!(n == 1 && fields[0][0] == '\0'))
            rows++;
    }
    wctl_csv_close(&csv);
    if (f)
        fclose(f);
    return rows < 0 ? 0 : rows;
}

void wctl_import_input_free(wctl_import_input *in)
{
    free(in->data);
    in->data = NULL;
}

/*
 * places.c — the district's place table (places.h): lot-number forms and the road-name form each
 * stands for, both as comparable forms (fuzzy.c), read from WH_INTAKE_PLACES_FILE at start.
 *
 * The lots are indexed (place_index.h) by a hash of their bytes: the rewrite walks each position of a
 * form where some lot's first two bytes are (a bitmap of byte pairs, so most positions of an address
 * cost one test) up to the longest lot, hashing as it goes, and looks the hash up only at the lengths
 * some lot has and where a whole number ends — at most O(form length × longest lot) byte steps and
 * O(form length × distinct lot lengths) lookups, whatever the number of buildings (it was every
 * building at every byte).  Loading is O(buildings): the duplicate check is a lookup too.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wh/status.h>
#include <wh/util.h>

#include "fuzzy.h"
#include "place_index.h"
#include "places.h"

#define PLACE_FORM 128

/* The unit marker an attached unit ends at (places.h). */
#define UNIT_MARK     "\xed\x98\xb8" /* 호 */
#define UNIT_MARK_LEN 3

/* A line's two sides as comparable forms, while it is read. */
typedef struct place_line {
    char lot[PLACE_FORM], road[PLACE_FORM];
    size_t lot_len, road_len;
} place_line;

/* A listed place: both forms in the table's text, one after the other (16 bytes a place, the forms'
 * own bytes in the text: ~1 MB for 20,000 buildings where two fixed buffers of 128 took 5.6 MB). */
typedef struct place {
    uint32_t lot_at, road_at;  /* offsets in place_table.text */
    uint8_t lot_len, road_len; /* < PLACE_FORM */
    uint32_t key;              /* place_hash_key of the lot */
} place;

typedef struct place_table {
    place *v;
    size_t n, cap;
    char *text; /* the places' forms, not NUL-terminated */
    size_t text_len, text_cap;
    place_index index;
    unsigned char has_length[PLACE_FORM]; /* has_length[k]: some lot is k bytes */
    size_t longest;                       /* the longest lot's length */
    unsigned char one_byte_lot[256];      /* one_byte_lot[b]: some lot is the byte b alone */
    uint8_t starts[65536 / 8];            /* bit b0 << 8 | b1: some lot starts with the bytes b0 b1 */
} place_table;

static place_table table;

static void table_free(place_table *t)
{
    free(t->v);
    free(t->text);
    place_index_free(&t->index);
    memset(t, 0, sizeof *t);
}

void intake_places_clear(void)
{
    table_free(&table);
}

size_t intake_places_count(void)
{
    return table.n;
}

static int has_digit(const char *s)
{
    for (; *s; s++)
        if (isdigit((unsigned char)*s))
            return 1;
    return 0;
}

static uint32_t lot_key(const char *lot, size_t len)
{
    uint64_t h = PLACE_HASH_START;
    for (size_t i = 0; i < len; i++)
        h = place_hash_step(h, (unsigned char)lot[i]);
    return place_hash_key(h);
}

/* One "lot<TAB>road" line (len bytes, no newline) into p; -1 when it is not one. */
static int parse_line(const char *line, size_t len, place_line *p)
{
    const char *tab = memchr(line, '\t', len);
    if (!tab || memchr(tab + 1, '\t', len - (size_t)(tab - line) - 1))
        return -1;
    char lot[PLACE_FORM * 2], road[PLACE_FORM * 2];
    size_t nl = (size_t)(tab - line), nr = len - nl - 1;
    if (nl >= sizeof lot || nr >= sizeof road)
        return -1;
    memcpy(lot, line, nl);
    lot[nl] = '\0';
    memcpy(road, tab + 1, nr);
    road[nr] = '\0';
    p->lot_len = intake_fuzzy_address_plain_form(lot, p->lot, sizeof p->lot);
    p->road_len = intake_fuzzy_address_plain_form(road, p->road, sizeof p->road);
    return has_digit(p->lot) && has_digit(p->road) ? 0 : -1;
}

static int blank_or_comment(const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && isspace((unsigned char)line[i]))
        i++;
    return i == len || line[i] == '#';
}

static int listed(const place_table *t, uint32_t key, const place_line *p)
{
    size_t probe = 0;
    for (uint32_t at; (at = place_index_next(&t->index, key, &probe)) != 0;) {
        const place *q = &t->v[at - 1];
        if (q->lot_len == p->lot_len && memcmp(t->text + q->lot_at, p->lot, p->lot_len) == 0)
            return 1;
    }
    return 0;
}

/* Room for one more place at t->v[t->n] (the vector doubles); WH_INTERNAL when out of memory or
 * past the 32-bit index. */
static int make_room(place_table *t)
{
    if (t->n + 1 >= UINT32_MAX)
        return WH_INTERNAL;
    place *grown = wh_grow(t->v, &t->cap, t->n + 1, sizeof *grown, 64);
    if (!grown)
        return WH_INTERNAL;
    t->v = grown;
    return 0;
}

/* Room for len more bytes of text (it doubles); WH_INTERNAL when out of memory or past the 32-bit
 * offset (4 GiB). */
static int make_text_room(place_table *t, size_t len)
{
    if (len > UINT32_MAX - t->text_len)
        return WH_INTERNAL;
    char *grown = wh_grow(t->text, &t->text_cap, t->text_len + len, 1, 4096);
    if (!grown)
        return WH_INTERNAL;
    t->text = grown;
    return 0;
}

static uint32_t append_text(place_table *t, const char *s, size_t len)
{
    uint32_t at = (uint32_t)t->text_len;
    memcpy(t->text + at, s, len);
    t->text_len += len;
    return at;
}

/* The vector and the text to their contents alone (doubling may leave up to twice). */
static void shrink(place_table *t)
{
    if (t->n == 0) {
        table_free(t);
        return;
    }
    place *fit = realloc(t->v, t->n * sizeof *fit);
    if (fit) {
        t->v = fit;
        t->cap = t->n;
    }
    char *text = realloc(t->text, t->text_len);
    if (text) {
        t->text = text;
        t->text_cap = t->text_len;
    }
}

static unsigned start_bit(unsigned char b0, unsigned char b1)
{
    return (unsigned)b0 << 8 | b1;
}

static void set_start(place_table *t, unsigned char b0, unsigned char b1)
{
    unsigned bit = start_bit(b0, b1);
    t->starts[bit / 8] |= (uint8_t)(1u << bit % 8);
}

/* The line into t: WH_INVALID_ARGUMENT when it is no place or its lot is listed already. */
static int add_line(place_table *t, const char *text, size_t len)
{
    place_line line;
    if (parse_line(text, len, &line) < 0)
        return WH_INVALID_ARGUMENT;
    uint32_t key = lot_key(line.lot, line.lot_len);
    if (listed(t, key, &line))
        return WH_INVALID_ARGUMENT;
    int rc = make_room(t);
    if (rc == 0)
        rc = make_text_room(t, line.lot_len + line.road_len);
    if (rc == 0)
        rc = place_index_add(&t->index, key, (uint32_t)t->n + 1);
    if (rc < 0)
        return rc;
    t->v[t->n++] = (place){.lot_at = append_text(t, line.lot, line.lot_len),
                           .road_at = append_text(t, line.road, line.road_len),
                           .lot_len = (uint8_t)line.lot_len,
                           .road_len = (uint8_t)line.road_len,
                           .key = key};
    t->has_length[line.lot_len] = 1;
    if (line.lot_len == 1)
        t->one_byte_lot[(unsigned char)line.lot[0]] = 1;
    else
        set_start(t, (unsigned char)line.lot[0], (unsigned char)line.lot[1]);
    if (line.lot_len > t->longest)
        t->longest = line.lot_len;
    return 0;
}

int intake_places_parse(const char *text, size_t len, size_t *bad_line)
{
    place_table t = {0};
    size_t line_no = 0;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len, line_len = end - at;
        line_no++;
        if (line_len > 0 && text[at + line_len - 1] == '\r')
            line_len--;
        int rc = blank_or_comment(text + at, line_len) ? 0 : add_line(&t, text + at, line_len);
        if (rc < 0) {
            table_free(&t);
            if (bad_line && rc == WH_INVALID_ARGUMENT)
                *bad_line = line_no;
            return rc;
        }
        at = end + 1;
    }
    shrink(&t);
    intake_places_clear();
    table = t;
    return (int)t.n;
}

int intake_places_load_file(const char *path, size_t *bad_line)
{
    FILE *f = fopen(path, "rb");
    if (bad_line)
        *bad_line = 0;
    if (!f)
        return WH_INVALID_ARGUMENT;
    char *text = NULL;
    size_t len = 0, got;
    char chunk[4096];
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        char *grown = realloc(text, len + got);
        if (!grown) {
            free(text);
            fclose(f);
            return WH_INTERNAL;
        }
        text = grown;
        memcpy(text + len, chunk, got);
        len += got;
    }
    int failed = ferror(f);
    fclose(f);
    int rc = failed ? WH_INVALID_ARGUMENT : intake_places_parse(text ? text : "", len, bad_line);
    free(text);
    return rc;
}

/* The lot number must end at form[i]: "123-4" is not the start of "123-45". */
static int number_ends(const char *form, size_t n, size_t i)
{
    return i >= n || !(isdigit((unsigned char)form[i]) || form[i] == '-');
}

/* The end of lot (lot_len bytes) in form from at, skipping marks, or 0 when its bytes are not there
 * (whatever follows). */
static size_t lot_bytes_end(const char *form, size_t n, size_t at, const char *lot, size_t lot_len)
{
    size_t i = at, k = 0;
    while (k < lot_len) {
        if (i < n && form[i] == INTAKE_PLACES_MARK && i > at) {
            i++;
            continue;
        }
        if (i >= n || form[i] != lot[k])
            return 0;
        i++;
        k++;
    }
    return i;
}

/* The listed place of k bytes, filed under key, whose lot's bytes are at form[at] up to end; its
 * number + 1, or 0. */
static uint32_t listed_at(const char *form, size_t n, size_t at, size_t end, size_t k, uint32_t key)
{
    size_t probe = 0;
    for (uint32_t j; (j = place_index_next(&table.index, key, &probe)) != 0;) {
        const place *p = &table.v[j - 1];
        if (p->lot_len == k && lot_bytes_end(form, n, at, table.text + p->lot_at, k) == end)
            return j;
    }
    return 0;
}

static int unit_mark_at(const char *form, size_t n, size_t i)
{
    return i + UNIT_MARK_LEN <= n && memcmp(form + i, UNIT_MARK, UNIT_MARK_LEN) == 0;
}

/* The 호 that the digits from form[i] (at least one) run to, or 0. */
static size_t unit_mark_after(const char *form, size_t n, size_t i)
{
    size_t u = i;
    while (u < n && isdigit((unsigned char)form[u]))
        u++;
    return u > i && unit_mark_at(form, n, u) ? u : 0;
}

/* The digits from form[i] to the 호 at u are a unit (places.h): 3 or 4 of them, the first not 0. */
static int unit_shaped(const char *form, size_t i, size_t u)
{
    return u - i >= 3 && u - i <= 4 && form[i] != '0';
}

/* What a position of a form reads as: the listed lots there, each read whole or with its unit
 * attached, and for those whose number runs into 호 the position of that 호 (0 for the others). */
typedef struct reading {
    uint32_t place; /* number + 1 */
    size_t end;     /* after the lot */
    size_t unit;    /* the 호 its digits run to, or 0 */
    int takeable;   /* read whole, or its unit attached to a lot that starts with its dong; otherwise it
                       only contests */
} reading;

#define READINGS_MAX 16

/* The first takeable reading in the table's order that no other reading of the same digits contests. */
static uint32_t uncontested(const reading *r, size_t nr, size_t *end)
{
    uint32_t best = 0;
    for (size_t a = 0; a < nr; a++) {
        int contested = 0;
        for (size_t b = 0; b < nr && r[a].unit; b++)
            contested |= b != a && r[b].unit == r[a].unit;
        if (r[a].takeable && !contested && (!best || r[a].place < best)) {
            best = r[a].place;
            *end = r[a].end;
        }
    }
    return best;
}

/* False when no lot can start at form[at]: lot_bytes_end would compare form[at] and the next byte that is
 * not a mark with the lot's first two. */
static int may_start_at(const char *form, size_t n, size_t at)
{
    unsigned char b0 = (unsigned char)form[at];
    if (table.one_byte_lot[b0])
        return 1;
    size_t i = at + 1;
    while (i < n && form[i] == INTAKE_PLACES_MARK)
        i++;
    if (i >= n)
        return 0;
    unsigned bit = start_bit(b0, (unsigned char)form[i]);
    return table.starts[bit / 8] >> bit % 8 & 1;
}

/* The listed place that form[at] reads as (places.h: a whole lot, or a lot with its unit attached
 * when no other lot reads those digits), the first in the table's order; its number + 1, or 0; *end
 * gets the position after the lot.  The bytes from at are read as lot_bytes_end reads them (marks
 * after the first skipped) and hashed as they are read; a length some lot has is looked up. */
static uint32_t place_at(const char *form, size_t n, size_t at, size_t *end)
{
    reading r[READINGS_MAX];
    size_t nr = 0;
    uint64_t h = PLACE_HASH_START;
    if (!may_start_at(form, n, at))
        return 0;
    for (size_t i = at, k = 0; i < n && k < table.longest && nr < READINGS_MAX;) {
        if (form[i] == INTAKE_PLACES_MARK && i > at) {
            i++;
            continue;
        }
        h = place_hash_step(h, (unsigned char)form[i]);
        i++;
        k++;
        if (!table.has_length[k])
            continue;
        int whole = number_ends(form, n, i);
        size_t unit = whole ? 0 : unit_mark_after(form, n, i);
        if (!whole && !unit)
            continue;
        uint32_t j = listed_at(form, n, at, i, k, place_hash_key(h));
        if (!j)
            continue;
        if (!whole && !unit_shaped(form, i, unit))
            continue; /* 123-41 + 01호 is no reading: no unit starts with 0 */
        int takeable = whole || !isdigit((unsigned char)form[at]);
        if (whole && unit_mark_at(form, n, i) && isdigit((unsigned char)form[i - 1]))
            unit = i; /* a whole number that runs into 호 reads those digits too */
        r[nr++] = (reading){.place = j, .end = i, .unit = unit, .takeable = takeable};
    }
    return uncontested(r, nr, end);
}

size_t intake_places_rewrite(char *form, size_t n, size_t cap)
{
    if (table.n == 0)
        return n;
    for (size_t at = 0; at < n; at++) {
        size_t end = 0;
        uint32_t j = place_at(form, n, at, &end);
        if (!j)
            continue;
        const place *p = &table.v[j - 1];
        size_t tail = n - end, len = at + p->road_len + tail;
        if (len + 1 > cap)
            return n;
        memmove(form + at + p->road_len, form + end, tail);
        memcpy(form + at, table.text + p->road_at, p->road_len);
        form[len] = '\0';
        return len;
    }
    return n;
}

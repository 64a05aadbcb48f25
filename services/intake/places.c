/*
 * places.c — the district's place table (places.h): lot-number forms and the road-name form each
 * stands for, both as comparable forms (fuzzy.c), read from WH_INTAKE_PLACES_FILE at start.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wh/status.h>

#include "fuzzy.h"
#include "places.h"

#define PLACE_FORM 128

typedef struct place {
    char lot[PLACE_FORM], road[PLACE_FORM];
    size_t lot_len, road_len;
} place;

static place *places;
static size_t n_places;

void intake_places_clear(void)
{
    free(places);
    places = NULL;
    n_places = 0;
}

size_t intake_places_count(void)
{
    return n_places;
}

static int has_digit(const char *s)
{
    for (; *s; s++)
        if (isdigit((unsigned char)*s))
            return 1;
    return 0;
}

/* One "lot<TAB>road" line (len bytes, no newline) into p; -1 when it is not one. */
static int parse_line(const char *line, size_t len, place *p)
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

static int listed(const place *v, size_t n, const place *p)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].lot, p->lot) == 0)
            return 1;
    return 0;
}

int intake_places_parse(const char *text, size_t len, size_t *bad_line)
{
    place *v = NULL;
    size_t n = 0, line_no = 0;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len, line_len = end - at;
        line_no++;
        if (line_len > 0 && text[at + line_len - 1] == '\r')
            line_len--;
        if (!blank_or_comment(text + at, line_len)) {
            place *grown = realloc(v, (n + 1) * sizeof *v);
            if (!grown) {
                free(v);
                return WH_INTERNAL;
            }
            v = grown;
            if (parse_line(text + at, line_len, &v[n]) < 0 || listed(v, n, &v[n])) {
                free(v);
                if (bad_line)
                    *bad_line = line_no;
                return WH_INVALID_ARGUMENT;
            }
            n++;
        }
        at = end + 1;
    }
    intake_places_clear();
    places = v;
    n_places = n;
    return (int)n;
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

/* The end of lot in form from at, skipping marks, or 0 when lot is not there as a whole number. */
static size_t lot_end(const char *form, size_t n, size_t at, const place *p)
{
    size_t i = at, k = 0;
    while (k < p->lot_len) {
        if (i < n && form[i] == INTAKE_PLACES_MARK && i > at) {
            i++;
            continue;
        }
        if (i >= n || form[i] != p->lot[k])
            return 0;
        i++;
        k++;
    }
    /* the lot number must end here: "123-4" is not the start of "123-45" */
    if (i < n && (isdigit((unsigned char)form[i]) || form[i] == '-'))
        return 0;
    return i;
}

size_t intake_places_rewrite(char *form, size_t n, size_t cap)
{
    for (size_t at = 0; at < n; at++)
        for (size_t j = 0; j < n_places; j++) {
            size_t end = lot_end(form, n, at, &places[j]);
            if (end == 0)
                continue;
            size_t tail = n - end, len = at + places[j].road_len + tail;
            if (len + 1 > cap)
                return n;
            memmove(form + at + places[j].road_len, form + end, tail);
            memcpy(form + at, places[j].road, places[j].road_len);
            form[len] = '\0';
            return len;
        }
    return n;
}

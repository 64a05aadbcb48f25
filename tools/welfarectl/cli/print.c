/*
 * print.c — replies for people: aligned tables and "name: value" lines.
 *
 * The message is first turned into JSON (json.c, enums by short name) and printed from there:
 * scalars and nested messages become "a.b.c: value" lines; a repeated message becomes a table whose
 * columns are the element's flattened fields, and repeated messages inside its rows get tables of
 * their own below ("routes[0].stops").  Widths are display columns (utf8proc_charwidth: Hangul two).
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "wctl.h"

struct wctl_table {
    bool left;         /* no right-aligned numbers ("name: value" lines) */
    size_t right_from; /* > 0: every cell of the columns from this one right-aligned, heads too */
    size_t columns, rows, cap;
    char **cells; /* rows × columns, row 0 is the header */
};

wctl_table *wctl_table_new(size_t columns)
{
    wctl_table *t = calloc(1, sizeof *t);

    if (t != NULL)
        t->columns = columns;
    return t;
}

void wctl_table_right_from(wctl_table *t, size_t column)
{
    if (t != NULL)
        t->right_from = column;
}

void wctl_table_add(wctl_table *t, const char *const *cells)
{
    if (t->rows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **grown = realloc(t->cells, cap * t->columns * sizeof *grown);

        if (grown == NULL)
            return;
        t->cells = grown;
        t->cap = cap;
    }
    for (size_t c = 0; c < t->columns; c++)
        t->cells[t->rows * t->columns + c] = strdup(cells[c] != NULL ? cells[c] : "");
    t->rows++;
}

/* The columns a terminal gives s: utf8proc's character width (East Asian wide and fullwidth: 2,
 * combining marks: 0, the rest: 1); a byte that is not UTF-8 counts one column. */
size_t wctl_text_width(const char *s)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t w = 0;

    while (*p != '\0') {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);

        if (n <= 0) {
            w++;
            p++;
            continue;
        }
        w += (size_t)utf8proc_charwidth(cp);
        p += n;
    }
    return w;
}

static bool numeric(const char *s)
{
    char *end = NULL;

    if (*s == '\0')
        return false;
    (void)strtod(s, &end);
    return *end == '\0';
}

void wctl_table_print(FILE *out, const wctl_table *t)
{
    size_t *width = calloc(t->columns, sizeof *width);

    if (width == NULL)
        return;
    for (size_t r = 0; r < t->rows; r++)
        for (size_t c = 0; c < t->columns; c++) {
            size_t w = wctl_text_width(t->cells[r * t->columns + c]);

            if (w > width[c])
                width[c] = w;
        }
    for (size_t r = 0; r < t->rows; r++) {
        size_t end = t->columns;

        while (end > 1 && t->cells[r * t->columns + end - 1][0] == '\0')
            end--; /* no trailing blanks */
        for (size_t c = 0; c < end; c++) {
            const char *cell = t->cells[r * t->columns + c];
            size_t pad = width[c] - wctl_text_width(cell);
            bool right = t->right_from > 0 ? c >= t->right_from : r > 0 && !t->left && numeric(cell);
            bool last = c + 1 == end;

            fprintf(out, "%s%*s%s%*s", c > 0 ? "  " : "", right ? (int)pad : 0, "", cell,
                    right || last ? 0 : (int)pad, "");
        }
        fputc('\n', out);
    }
    free(width);
}

void wctl_table_free(wctl_table **tp)
{
    wctl_table *t = *tp;

    if (t == NULL)
        return;
    for (size_t i = 0; i < t->rows * t->columns; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
    *tp = NULL;
}

/* A scalar JSON value as text. */
static void scalar_text(const json_t *v, char *out, size_t n)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        snprintf(out, n, "%s", json_string_value(v));
        break;
    case JSON_INTEGER:
        snprintf(out, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL:
        snprintf(out, n, "%.6g", json_real_value(v));
        break;
    case JSON_TRUE:
        snprintf(out, n, "true");
        break;
    case JSON_FALSE:
        snprintf(out, n, "false");
        break;
    case JSON_NULL:
        snprintf(out, n, "-");
        break;
    default:
        snprintf(out, n, "?");
    }
}

static bool array_of_objects(const json_t *v)
{
    return json_is_array(v) && json_array_size(v) > 0 && json_is_object(json_array_get(v, 0));
}

/* A cell for any value: scalars as text, arrays of scalars joined, arrays of messages counted. */
static void cell_text(const json_t *v, char *out, size_t n)
{
    size_t i, used = 0;
    json_t *e;

    if (!json_is_array(v)) {
        scalar_text(v, out, n);
        return;
    }
    if (array_of_objects(v)) {
        snprintf(out, n, "[%zu]", json_array_size(v));
        return;
    }
    out[0] = '\0';
    json_array_foreach(v, i, e)
    {
        char one[256];

        scalar_text(e, one, sizeof one);
        used += (size_t)snprintf(out + used, used < n ? n - used : 0, "%s%s", i > 0 ? "," : "", one);
        if (used >= n)
            break;
    }
}

/* Column paths of an element object: nested objects flattened ("location.latitude"). */
static void columns_of(const json_t *obj, const char *prefix, json_t *cols)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)obj, key, v)
    {
        char path[256];

        snprintf(path, sizeof path, "%s%s", prefix, key);
        if (json_is_object(v)) {
            char sub[260];

            snprintf(sub, sizeof sub, "%s.", path);
            columns_of(v, sub, cols);
        } else {
            json_array_append_new(cols, json_string(path));
        }
    }
}

static const json_t *lookup(const json_t *obj, const char *path)
{
    char buf[256], *save = NULL;

    snprintf(buf, sizeof buf, "%s", path);
    for (char *k = strtok_r(buf, ".", &save); k != NULL && obj != NULL; k = strtok_r(NULL, ".", &save))
        obj = json_is_object(obj) ? json_object_get(obj, k) : NULL;
    return obj;
}

static void print_object(FILE *out, const json_t *obj, const char *prefix);

static void print_array_table(FILE *out, const json_t *arr, const char *title)
{
    json_t *cols = json_array(), *col, *row;
    wctl_table *t;
    size_t i, c;

    columns_of(json_array_get(arr, 0), "", cols);
    t = wctl_table_new(json_array_size(cols));
    {
        const char **head = calloc(json_array_size(cols) + 1, sizeof *head);

        json_array_foreach(cols, c, col) head[c] = json_string_value(col);
        wctl_table_add(t, head);
        free(head);
    }
    json_array_foreach((json_t *)arr, i, row)
    {
        char **cells = calloc(json_array_size(cols) + 1, sizeof *cells);

        json_array_foreach(cols, c, col)
        {
            const json_t *v = lookup(row, json_string_value(col));

            cells[c] = malloc(512);
            if (v != NULL)
                cell_text(v, cells[c], 512);
            else
                snprintf(cells[c], 512, "-");
        }
        wctl_table_add(t, (const char *const *)cells);
        for (c = 0; c < json_array_size(cols); c++)
            free(cells[c]);
        free(cells);
    }
    fprintf(out, "%s (%zu):\n", title, json_array_size(arr));
    wctl_table_print(out, t);
    wctl_table_free(&t);
    json_decref(cols);
    /* rows that hold lists of messages of their own get a table each below */
    json_array_foreach((json_t *)arr, i, row)
    {
        char sub[300];

        snprintf(sub, sizeof sub, "%s[%zu].", title, i);
        print_object(out, row, sub);
    }
}

/* Prints the lines of scalars (as a two-column table), then the tables of repeated messages. */
static void print_lines(FILE *out, const json_t *obj, const char *prefix, wctl_table *lines)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)obj, key, v)
    {
        char path[256], text[1024];

        snprintf(path, sizeof path, "%s%s", prefix, key);
        if (json_is_object(v)) {
            char sub[260];

            snprintf(sub, sizeof sub, "%s.", path);
            print_lines(out, v, sub, lines);
        } else if (!array_of_objects(v)) {
            const char *cells[2] = {NULL, text};
            char label[260];

            snprintf(label, sizeof label, "%s:", path);
            cells[0] = label;
            cell_text(v, text, sizeof text);
            wctl_table_add(lines, cells);
        }
    }
}

static void print_tables(FILE *out, const json_t *obj, const char *prefix)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)obj, key, v)
    {
        char path[256];

        snprintf(path, sizeof path, "%s%s", prefix, key);
        if (json_is_object(v)) {
            char sub[260];

            snprintf(sub, sizeof sub, "%s.", path);
            print_tables(out, v, sub);
        } else if (array_of_objects(v)) {
            fputc('\n', out);
            print_array_table(out, v, path);
        }
    }
}

static void print_object(FILE *out, const json_t *obj, const char *prefix)
{
    bool in_row = strchr(prefix, '[') != NULL;

    if (!in_row) {
        wctl_table *lines = wctl_table_new(2);

        lines->left = true;

        print_lines(out, obj, prefix, lines);
        wctl_table_print(out, lines);
        wctl_table_free(&lines);
    }
    print_tables(out, obj, prefix);
}

void wctl_print_json(FILE *out, const json_t *obj)
{
    print_object(out, obj, "");
}

void wctl_print_message(FILE *out, const ProtobufCMessage *msg)
{
    json_t *obj = wctl_json_for_print(msg);

    wctl_print_json(out, obj);
    json_decref(obj);
}

/*
 * input.c — a request from JSON (`--input FILE`, `-` for stdin), for requests too large for flags.
 *
 * The JSON object is flattened into the same field paths the flags use ("household.address",
 * "persons.0.name", "skills") and each value goes through wctl_field_add, so JSON and flags share one
 * parser and one set of error messages; flags given after --input override or append.
 */
#include <inttypes.h>
#include <string.h>

#include "wctl.h"

static int set_json(ProtobufCMessage *msg, const char *path, const json_t *v, char *err, size_t n);

static int set_scalar(ProtobufCMessage *msg, const char *path, const json_t *v, char *err, size_t n)
{
    char text[64];

    switch (json_typeof(v)) {
    case JSON_STRING:
        return wctl_field_add(msg, path, json_string_value(v), err, n);
    case JSON_INTEGER:
        snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL:
        snprintf(text, sizeof text, "%.17g", json_real_value(v));
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        snprintf(text, sizeof text, "%s", json_is_true(v) ? "true" : "false");
        break;
    default:
        return 0; /* null: left unset */
    }
    return wctl_field_add(msg, path, text, err, n);
}

static int set_json(ProtobufCMessage *msg, const char *path, const json_t *v, char *err, size_t n)
{
    char sub[512];
    const char *key;
    json_t *item;
    size_t i;

    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, item)
        {
            snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", key);
            if (set_json(msg, sub, item, err, n) != 0)
                return -1;
        }
        return 0;
    }
    if (json_is_array(v)) {
        json_array_foreach((json_t *)v, i, item)
        {
            if (json_is_object(item))
                snprintf(sub, sizeof sub, "%s.%zu", path, i);
            else
                snprintf(sub, sizeof sub, "%s", path);
            if (set_json(msg, sub, item, err, n) != 0)
                return -1;
        }
        return 0;
    }
    return set_scalar(msg, path, v, err, n);
}

/* Sets msg from a parsed document (NULL: it did not parse) and frees it. */
static int from_root(ProtobufCMessage *msg, json_t *root, const json_error_t *jerr, const char *what,
                     char *err, size_t n)
{
    int rc;

    if (root == NULL) {
        snprintf(err, n, "%s: line %d: %s", what, jerr->line, jerr->text);
        return -1;
    }
    if (!json_is_object(root)) {
        snprintf(err, n, "%s: not a JSON object", what);
        json_decref(root);
        return -1;
    }
    rc = set_json(msg, "", root, err, n);
    json_decref(root);
    return rc;
}

int wctl_input_json(ProtobufCMessage *msg, const char *file, char *err, size_t n)
{
    json_error_t jerr;
    json_t *root = strcmp(file, "-") == 0 ? json_loadf(stdin, 0, &jerr) : json_load_file(file, 0, &jerr);

    return from_root(msg, root, &jerr, file, err, n);
}

int wctl_input_json_text(ProtobufCMessage *msg, const char *text, char *err, size_t n)
{
    json_error_t jerr;

    return from_root(msg, json_loads(text, 0, &jerr), &jerr, "input", err, n);
}

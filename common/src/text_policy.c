/*
 * text_policy.c — the bus's one text policy, for every string field of every message
 * (docs/bus-protocol.md, "Text"):
 *
 *   valid UTF-8 (on the wire: no NUL either, wire_strings.c), normalised to NFC (utf8proc) on the way in;
 *   no control characters (C0, DEL, C1; a free-text field may hold LF and TAB), no bidirectional
 *   embedding, override or isolate controls (U+202A..U+202E, U+2066..U+2069), no noncharacters;
 *   a non-empty value holds at least one visible character (a letter, number, punctuation or symbol)
 *   and does not begin with a combining mark — so a lone combining mark, zero-width or blank-only
 *   text is refused;
 *   at most 256 characters and 1,024 bytes (after NFC); a free-text field at most 2,000 characters
 *   and 8,000 bytes (the services' own limits are tighter where they have them);
 *   a timestamp field (int64 named *_unix_ms) 0 (not given) or before 2100-01-01.
 *
 * Behaviour that is data: the free-text fields are the table below, by field name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "wh/status.h"
#include "wh/text.h"
#include "wh/util.h"

#define LINE_CHARS    256
#define LINE_BYTES    1024
#define FREE_CHARS    2000
#define FREE_BYTES    8000
#define TIME_MS_LIMIT INT64_C(4102444800000) /* 2100-01-01T00:00:00Z */
#define DEPTH_MAX     32

/* Fields (by name, in any message) that hold prose: several lines allowed, longer limits. */
static const char *const free_text_fields[] = {
    "concern",        "note",    "notes", "eligibility_notes", "reason",
    "failure_reason", "message", "error", "comment",
};

const wh_text_limit wh_text_line = {LINE_CHARS, LINE_BYTES, false};
const wh_text_limit wh_text_prose = {FREE_CHARS, FREE_BYTES, true};

const wh_text_limit *wh_text_limit_of(const char *field_name)
{
    for (size_t i = 0; i < sizeof free_text_fields / sizeof free_text_fields[0]; i++)
        if (strcmp(free_text_fields[i], field_name) == 0)
            return &wh_text_prose;
    return &wh_text_line;
}

static bool is_bidi_control(int32_t c)
{
    return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

static bool is_noncharacter(int32_t c)
{
    return (c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) == 0xfffe;
}

static bool is_visible(utf8proc_category_t cat)
{
    switch (cat) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
    case UTF8PROC_CATEGORY_SM:
    case UTF8PROC_CATEGORY_SC:
    case UTF8PROC_CATEGORY_SK:
    case UTF8PROC_CATEGORY_SO:
    case UTF8PROC_CATEGORY_CO: /* private use: shown by some fonts; not refused as invisible */
        return true;
    default:
        return false;
    }
}

static bool is_mark(utf8proc_category_t cat)
{
    return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC || cat == UTF8PROC_CATEGORY_ME;
}

/* The characters of an NFC string against the policy; NULL when they pass, else why. */
static const char *check_characters(const uint8_t *s, size_t len, const wh_text_limit *limit)
{
    size_t chars = 0;
    bool visible = false;

    for (size_t i = 0; i < len; chars++) {
        int32_t c;
        utf8proc_ssize_t n = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &c);
        if (n <= 0)
            return "not valid UTF-8";
        utf8proc_category_t cat = utf8proc_category(c);
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
            if (!limit->multiline || (c != '\n' && c != '\t'))
                return limit->multiline ? "a control character (only line feed and tab are allowed)"
                                        : "a control character";
        } else if (is_bidi_control(c)) {
            return "a bidirectional embedding, override or isolate control";
        } else if (is_noncharacter(c)) {
            return "a Unicode noncharacter";
        } else if (i == 0 && is_mark(cat)) {
            return "begins with a combining mark";
        }
        visible = visible || is_visible(cat);
        i += (size_t)n;
    }
    if (len > 0 && !visible)
        return "no visible character (only spaces, marks or zero-width characters)";
    if (chars > limit->max_chars)
        return limit->multiline ? "longer than 2000 characters" : "longer than 256 characters";
    if (len > limit->max_bytes)
        return limit->multiline ? "longer than 8000 bytes" : "longer than 1024 bytes";
    return NULL;
}

int wh_text_check(const char *s, const wh_text_limit *limit, char **nfc, const char **why)
{
    size_t len = strlen(s);

    *nfc = NULL;
    if (!wh_utf8_valid_n(s, len)) {
        *why = "not valid UTF-8";
        return WH_INVALID_ARGUMENT;
    }
    if (len > 4 * (size_t)limit->max_bytes) { /* NFC never shrinks text this much: refuse before copying */
        *why = limit->multiline ? "longer than 8000 bytes" : "longer than 1024 bytes";
        return WH_INVALID_ARGUMENT;
    }
    uint8_t *normal = utf8proc_NFC((const uint8_t *)s);
    if (normal == NULL) {
        *why = "not valid UTF-8";
        return WH_INVALID_ARGUMENT;
    }
    *why = check_characters(normal, strlen((char *)normal), limit);
    if (*why != NULL || strcmp((char *)normal, s) == 0) {
        free(normal);
        return *why != NULL ? WH_INVALID_ARGUMENT : 0;
    }
    *nfc = (char *)normal;
    return 0;
}

/* --- a whole decoded message --------------------------------------------------------------------- */

typedef struct walk {
    char *path;
    size_t size;
    const char **why;
} walk;

static void push(walk *w, const char *name, long index)
{
    size_t n = strlen(w->path);

    if (n + 1 >= w->size)
        return;
    if (index >= 0)
        snprintf(w->path + n, w->size - n, "%s%s.%ld", n > 0 ? "." : "", name, index);
    else
        snprintf(w->path + n, w->size - n, "%s%s", n > 0 ? "." : "", name);
}

static bool is_timestamp(const ProtobufCFieldDescriptor *f)
{
    size_t n = strlen(f->name);

    return (f->type == PROTOBUF_C_TYPE_INT64 || f->type == PROTOBUF_C_TYPE_SINT64 ||
            f->type == PROTOBUF_C_TYPE_SFIXED64) &&
           n > 8 && strcmp(f->name + n - 8, "_unix_ms") == 0;
}

/* One string in place: checked, and replaced by its NFC form when that differs. */
static int one_string(walk *w, const ProtobufCFieldDescriptor *f, char **s, long index)
{
    char *nfc;
    size_t keep = strlen(w->path);

    if (*s == NULL || **s == '\0')
        return 0;
    if (wh_text_check(*s, wh_text_limit_of(f->name), &nfc, w->why) != 0) {
        push(w, f->name, index);
        return WH_INVALID_ARGUMENT;
    }
    if (nfc != NULL) {
        if (*s != (const char *)f->default_value)
            free(*s);
        *s = nfc;
    }
    w->path[keep] = '\0';
    return 0;
}

static int message(walk *w, ProtobufCMessage *m, int depth);

static int one_field(walk *w, ProtobufCMessage *m, const ProtobufCFieldDescriptor *f, int depth)
{
    char *base = (char *)m;
    bool repeated = f->label == PROTOBUF_C_LABEL_REPEATED;
    size_t n = repeated ? *(size_t *)(base + f->quantifier_offset) : 1;
    size_t keep = strlen(w->path);
    int rc = 0;

    if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) && *(uint32_t *)(base + f->quantifier_offset) != f->id)
        return 0;
    if (f->type == PROTOBUF_C_TYPE_STRING) {
        char **items = repeated ? *(char ***)(base + f->offset) : (char **)(base + f->offset);
        for (size_t i = 0; rc == 0 && i < n; i++)
            rc = one_string(w, f, &items[i], repeated ? (long)i : -1);
    } else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
        ProtobufCMessage **items =
            repeated ? *(ProtobufCMessage ***)(base + f->offset) : (ProtobufCMessage **)(base + f->offset);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            if (items[i] == NULL)
                continue;
            push(w, f->name, repeated ? (long)i : -1);
            rc = message(w, items[i], depth + 1);
            if (rc == 0)
                w->path[keep] = '\0';
        }
    } else if (!repeated && is_timestamp(f)) {
        int64_t t = *(int64_t *)(base + f->offset);
        if (t < 0 || t >= TIME_MS_LIMIT) {
            *w->why = "a time must be 0 or before 2100 in milliseconds since 1970";
            push(w, f->name, -1);
            rc = WH_INVALID_ARGUMENT;
        }
    }
    return rc;
}

static int message(walk *w, ProtobufCMessage *m, int depth)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;

    if (depth > DEPTH_MAX) {
        *w->why = "messages nested too deep";
        return WH_INVALID_ARGUMENT;
    }
    for (unsigned i = 0; i < d->n_fields; i++) {
        int rc = one_field(w, m, &d->fields[i], depth);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int wh_text_policy_apply(ProtobufCMessage *m, char *field, size_t field_size, const char **why)
{
    const char *ignored;
    walk w = {field, field_size, why != NULL ? why : &ignored};

    if (field_size == 0)
        return WH_INTERNAL;
    field[0] = '\0';
    return message(&w, m, 0);
}

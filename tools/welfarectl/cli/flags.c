/*
 * flags.c — the generic flag parser: `--field value` sets a protobuf field found by walking the
 * message's descriptor, so no command needs parsing code of its own.
 *
 *   --reported_on 2026-05-01          scalar (dashes in names may stand for underscores)
 *   --household.address "…"          nested message, created on first use
 *   --persons.name A --persons.name B   repeated message: a field already set starts a new element
 *   --persons.1.name B                  or by index (an index one past the end appends)
 *   --skills a --skills b, --skills a,b repeated scalar
 *   --channel police                  enum by name, prefix optional, case-insensitive
 *   --has_mou                         bool without a value means true
 *
 * Everything is malloc'd the way protobuf_c_message_free_unpacked() frees it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wctl.h"

#define MEMBER(msg, off) ((void *)((char *)(msg) + (off)))

ProtobufCMessage *wctl_message_new(const ProtobufCMessageDescriptor *d)
{
    ProtobufCMessage *m = malloc(d->sizeof_message);

    if (m != NULL)
        protobuf_c_message_init(d, m);
    return m;
}

static size_t scalar_size(ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_ENUM:
        return 4;
    case PROTOBUF_C_TYPE_BOOL:
        return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(void *);
    case PROTOBUF_C_TYPE_BYTES:
        return sizeof(ProtobufCBinaryData);
    default:
        return 8;
    }
}

static int fail(char *err, size_t n, const char *fmt, const char *a, const char *b)
{
    snprintf(err, n, fmt, a, b);
    return -1;
}

static int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    char *end = NULL;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_bool(const char *s, protobuf_c_boolean *out)
{
    if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 || strcmp(s, "1") == 0)
        *out = 1;
    else if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0 || strcmp(s, "0") == 0)
        *out = 0;
    else
        return -1;
    return 0;
}

/* Parses text as the field's scalar type into dst (scalar_size(type) bytes). */
static int scalar_parse(const ProtobufCFieldDescriptor *f, const char *s, void *dst)
{
    int64_t i;
    char *end = NULL;

    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        if (parse_i64(s, INT32_MIN, INT32_MAX, &i) != 0)
            return -1;
        *(int32_t *)dst = (int32_t)i;
        return 0;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        if (parse_i64(s, 0, UINT32_MAX, &i) != 0)
            return -1;
        *(uint32_t *)dst = (uint32_t)i;
        return 0;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        return parse_i64(s, INT64_MIN, INT64_MAX, (int64_t *)dst);
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        if (parse_i64(s, 0, INT64_MAX, &i) != 0)
            return -1;
        *(uint64_t *)dst = (uint64_t)i;
        return 0;
    case PROTOBUF_C_TYPE_FLOAT:
        *(float *)dst = strtof(s, &end);
        return end != s && *end == '\0' ? 0 : -1;
    case PROTOBUF_C_TYPE_DOUBLE:
        *(double *)dst = strtod(s, &end);
        return end != s && *end == '\0' ? 0 : -1;
    case PROTOBUF_C_TYPE_BOOL:
        return parse_bool(s, (protobuf_c_boolean *)dst);
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumValue *v = wctl_enum_find(f->descriptor, s);

        if (v == NULL)
            return -1;
        *(int *)dst = v->value;
        return 0;
    }
    case PROTOBUF_C_TYPE_STRING:
        *(char **)dst = strdup(s);
        return *(char **)dst != NULL ? 0 : -1;
    case PROTOBUF_C_TYPE_BYTES:
        ((ProtobufCBinaryData *)dst)->data = (uint8_t *)strdup(s);
        ((ProtobufCBinaryData *)dst)->len = strlen(s);
        return 0;
    default:
        return -1;
    }
}

static void free_old_pointer(const ProtobufCFieldDescriptor *f, void *dst)
{
    if (f->type == PROTOBUF_C_TYPE_STRING) {
        char *old = *(char **)dst;

        if (old != NULL && old != f->default_value)
            free(old);
    } else if (f->type == PROTOBUF_C_TYPE_BYTES) {
        free(((ProtobufCBinaryData *)dst)->data);
    }
}

static const ProtobufCFieldDescriptor *field_find(const ProtobufCMessageDescriptor *d, const char *name,
                                                  size_t len)
{
    char want[128];

    if (len >= sizeof want)
        return NULL;
    for (size_t i = 0; i < len; i++)
        want[i] = name[i] == '-' ? '_' : name[i];
    want[len] = '\0';
    return protobuf_c_message_descriptor_get_field_by_name(d, want);
}

/* Appends one zeroed element to a repeated field; returns its address. */
static void *repeated_grow(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    size_t *n = MEMBER(msg, f->quantifier_offset);
    void **arr = MEMBER(msg, f->offset);
    size_t size = scalar_size(f->type);
    char *grown = realloc(*arr, (*n + 1) * size);

    if (grown == NULL)
        return NULL;
    memset(grown + *n * size, 0, size);
    *arr = grown;
    return grown + (*n)++ * size;
}

static void mark_present(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        *(uint32_t *)MEMBER(msg, f->quantifier_offset) = f->id;
    else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset != 0 &&
             f->type != PROTOBUF_C_TYPE_MESSAGE && f->type != PROTOBUF_C_TYPE_STRING)
        *(protobuf_c_boolean *)MEMBER(msg, f->quantifier_offset) = 1;
}

static bool path_is_set(const ProtobufCMessage *msg, const char *path);

/* Is this (first-level) field set in msg, so that setting it again means "the next element"? */
static bool field_is_set(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f, const char *rest)
{
    const void *p = MEMBER(msg, f->offset);

    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        return false;
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        return *(const uint32_t *)MEMBER(msg, f->quantifier_offset) == f->id && rest == NULL;
    switch (f->type) {
    case PROTOBUF_C_TYPE_MESSAGE:
        return *(ProtobufCMessage *const *)p != NULL && rest != NULL &&
               path_is_set(*(ProtobufCMessage *const *)p, rest);
    case PROTOBUF_C_TYPE_STRING:
        return *(char *const *)p != NULL && **(char *const *)p != '\0';
    case PROTOBUF_C_TYPE_BYTES:
        return ((const ProtobufCBinaryData *)p)->len > 0;
    default:
        if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset != 0)
            return *(const protobuf_c_boolean *)MEMBER(msg, f->quantifier_offset);
        for (size_t i = 0; i < scalar_size(f->type); i++)
            if (((const unsigned char *)p)[i] != 0)
                return true;
        return false;
    }
}

static bool path_is_set(const ProtobufCMessage *msg, const char *path)
{
    const char *dot = strchr(path, '.');
    size_t len = dot != NULL ? (size_t)(dot - path) : strlen(path);
    const ProtobufCFieldDescriptor *f = field_find(msg->descriptor, path, len);

    return f != NULL && field_is_set(msg, f, dot != NULL ? dot + 1 : NULL);
}

static int set_scalar(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f, const char *value, bool split,
                      char *err, size_t n)
{
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        char *copy = strdup(value), *save = NULL;
        const char *seps = split ? "," : "";
        int rc = 0;

        for (char *tok = strtok_r(copy, seps, &save); tok != NULL && rc == 0;
             tok = strtok_r(NULL, seps, &save)) {
            void *slot = repeated_grow(msg, f);

            if (slot == NULL || scalar_parse(f, tok, slot) != 0) {
                if (slot != NULL)
                    (*(size_t *)MEMBER(msg, f->quantifier_offset))--;
                rc = fail(err, n, "--%s: bad value \"%s\"", f->name, tok);
            }
        }
        free(copy);
        return rc;
    }
    {
        unsigned char tmp[sizeof(ProtobufCBinaryData)];

        if (scalar_parse(f, value, tmp) != 0)
            return fail(err, n, "--%s: bad value \"%s\"", f->name, value);
        free_old_pointer(f, MEMBER(msg, f->offset));
        memcpy(MEMBER(msg, f->offset), tmp, scalar_size(f->type));
        mark_present(msg, f);
    }
    return 0;
}

/* The element of a repeated message field the rest of the path goes into. */
static ProtobufCMessage *repeated_target(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
                                         const char **rest)
{
    size_t n = *(size_t *)MEMBER(msg, f->quantifier_offset);
    ProtobufCMessage ***arr = MEMBER(msg, f->offset);
    ProtobufCMessage **slot;
    size_t index = n > 0 ? n - 1 : 0;
    char *end = NULL;
    bool fresh = n == 0 || *rest == NULL || path_is_set((*arr)[n - 1], *rest);

    if (*rest != NULL && (**rest >= '0' && **rest <= '9')) {
        index = strtoul(*rest, &end, 10);
        if (*end != '.' && *end != '\0')
            return NULL;
        *rest = *end == '.' ? end + 1 : NULL;
        if (index > n)
            return NULL;
        fresh = index == n;
    }
    if (!fresh)
        return (*arr)[index];
    slot = repeated_grow(msg, f);
    if (slot == NULL)
        return NULL;
    *slot = wctl_message_new(f->descriptor);
    return *slot;
}

static int field_set(ProtobufCMessage *msg, const char *path, const char *value, bool split, char *err,
                     size_t errlen)
{
    const char *dot = strchr(path, '.');
    size_t len = dot != NULL ? (size_t)(dot - path) : strlen(path);
    const ProtobufCFieldDescriptor *f = field_find(msg->descriptor, path, len);
    const char *rest = dot != NULL ? dot + 1 : NULL;
    ProtobufCMessage **sub, *target;

    if (f == NULL)
        return fail(err, errlen, "unknown field \"%s\" in %s", path, msg->descriptor->short_name);
    if (f->type != PROTOBUF_C_TYPE_MESSAGE) {
        if (rest != NULL)
            return fail(err, errlen, "--%s: %s is not a message", path, f->name);
        return set_scalar(msg, f, value, split, err, errlen);
    }
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        target = repeated_target(msg, f, &rest);
        if (target == NULL)
            return fail(err, errlen, "--%s: bad index for %s", path, f->name);
    } else {
        sub = MEMBER(msg, f->offset);
        if (*sub == NULL && (*sub = wctl_message_new(f->descriptor)) == NULL)
            return fail(err, errlen, "--%s: out of memory%s", path, "");
        mark_present(msg, f);
        target = *sub;
    }
    if (rest == NULL)
        return fail(err, errlen, "--%s is a message: set its fields, e.g. --%s.<field>", path, path);
    return field_set(target, rest, value, split, err, errlen);
}

int wctl_field_set(ProtobufCMessage *msg, const char *path, const char *value, char *err, size_t errlen)
{
    return field_set(msg, path, value, true, err, errlen);
}

int wctl_field_add(ProtobufCMessage *msg, const char *path, const char *value, char *err, size_t errlen)
{
    return field_set(msg, path, value, false, err, errlen);
}

/* Would `--name` with no value make sense (a bool)? */
static bool is_bool_path(const ProtobufCMessageDescriptor *d, const char *path)
{
    const char *dot = strchr(path, '.');
    size_t len = dot != NULL ? (size_t)(dot - path) : strlen(path);
    const ProtobufCFieldDescriptor *f = field_find(d, path, len);

    if (f == NULL)
        return false;
    if (dot == NULL)
        return f->type == PROTOBUF_C_TYPE_BOOL;
    if (f->type != PROTOBUF_C_TYPE_MESSAGE)
        return false;
    dot++;
    while (*dot >= '0' && *dot <= '9')
        dot++;
    return is_bool_path(f->descriptor, *dot == '.' ? dot + 1 : dot);
}

int wctl_flags_parse(ProtobufCMessage *msg, int argc, char **argv, char *err, size_t errlen)
{
    for (int i = 0; i < argc; i++) {
        char name[256];
        const char *arg = argv[i], *eq, *value;

        if (strncmp(arg, "--", 2) != 0)
            return fail(err, errlen, "unexpected argument \"%s\"%s", arg, "");
        arg += 2;
        eq = strchr(arg, '=');
        snprintf(name, sizeof name, "%.*s", (int)(eq != NULL ? (size_t)(eq - arg) : strlen(arg)), arg);
        if (eq != NULL)
            value = eq + 1;
        else if (is_bool_path(msg->descriptor, name) && (i + 1 >= argc || strncmp(argv[i + 1], "--", 2) == 0))
            value = "true";
        else if (wctl_field_path_check(msg->descriptor, name) != 0)
            return wctl_field_set(msg, name, "", err, errlen) == 0 ? 0 : -1; /* says what is wrong with it */
        else if (i + 1 < argc)
            value = argv[++i];
        else
            return fail(err, errlen, "--%s needs a value%s", name, "");
        if (wctl_field_set(msg, name, value, err, errlen) != 0)
            return -1;
    }
    return 0;
}

static const char *type_name(const ProtobufCFieldDescriptor *f)
{
    static const char *const names[] = {"int32",  "sint32",  "sfixed32", "int64",   "sint64", "sfixed64",
                                        "uint32", "fixed32", "uint64",   "fixed64", "float",  "double",
                                        "bool",   "enum",    "string",   "bytes",   "message"};

    return (size_t)f->type < sizeof names / sizeof names[0] ? names[f->type] : "?";
}

static void help_fields(FILE *out, const ProtobufCMessageDescriptor *d, const char *prefix, int depth)
{
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        char path[256];
        bool rep = f->label == PROTOBUF_C_LABEL_REPEATED;

        snprintf(path, sizeof path, "%s%s", prefix, f->name);
        if (f->type == PROTOBUF_C_TYPE_MESSAGE && depth < 4) {
            char sub[260];

            snprintf(sub, sizeof sub, "%s.", path);
            if (rep)
                fprintf(out,
                        "  --%s.<field>  (repeated: a field set again starts the next element, or "
                        "--%s.N.<field>)\n",
                        path, path);
            help_fields(out, f->descriptor, sub, depth + 1);
            continue;
        }
        fprintf(out, "  --%-34s %s%s", path, rep ? "repeated " : "", type_name(f));
        if (f->type == PROTOBUF_C_TYPE_ENUM) {
            const ProtobufCEnumDescriptor *e = f->descriptor;

            fputs(" (", out);
            for (unsigned v = 0, first = 1; v < e->n_values; v++) {
                if (e->values[v].value == 0)
                    continue;
                fprintf(out, "%s%s", first ? "" : "|", wctl_enum_short(e, e->values[v].value));
                first = 0;
            }
            fputs(")", out);
        }
        fputc('\n', out);
    }
}

void wctl_flags_help(FILE *out, const ProtobufCMessageDescriptor *d)
{
    if (d->n_fields == 0)
        fputs("  (no fields)\n", out);
    help_fields(out, d, "", 0);
}

int wctl_field_path_check(const ProtobufCMessageDescriptor *d, const char *path)
{
    const char *dot = strchr(path, '.');
    size_t len = dot != NULL ? (size_t)(dot - path) : strlen(path);
    const ProtobufCFieldDescriptor *f = field_find(d, path, len);

    if (f == NULL)
        return -1;
    if (f->type != PROTOBUF_C_TYPE_MESSAGE)
        return dot == NULL ? 0 : -1;
    if (dot == NULL)
        return -1;
    dot++;
    if (f->label == PROTOBUF_C_LABEL_REPEATED && *dot >= '0' && *dot <= '9') {
        while (*dot >= '0' && *dot <= '9')
            dot++;
        if (*dot != '.')
            return -1;
        dot++;
    }
    return wctl_field_path_check(f->descriptor, dot);
}

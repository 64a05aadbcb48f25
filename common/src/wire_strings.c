/*
 * wire_strings.c — every string field of an encoded message, read on the wire before it is decoded.
 *
 * libprotobuf-c hands a string field to C as a NUL-terminated copy and checks nothing about it: bytes
 * that are not UTF-8 pass, and a NUL inside the string silently cuts it short ("김\0철수" decodes as
 * "김").  Only the encoded bytes still hold the whole field, so this walks them, guided by the
 * message's descriptor, into nested messages too (repeated or not, a oneof member included).
 */
#include <stdio.h>
#include <string.h>

#include "wh/status.h"
#include "wh/text.h"
#include "wh/util.h"

#define WIRE_DEPTH_MAX 32 /* our protos nest 4 deep; deeper input is malformed anyway */
#define FIELDS_COUNTED 64 /* fields of one message whose repeats are numbered in the path */

enum { WIRE_VARINT = 0, WIRE_64BIT = 1, WIRE_LENGTH = 2, WIRE_32BIT = 5 };

typedef struct wire {
    const uint8_t *p, *end;
} wire;

static bool read_varint(wire *w, uint64_t *out)
{
    uint64_t v = 0;

    for (int shift = 0; shift < 64 && w->p < w->end; shift += 7) {
        uint8_t b = *w->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            *out = v;
            return true;
        }
    }
    return false;
}

/* Appends ".name" (or "name" at the top) to the path being built. */
static void path_push(char *path, size_t size, const char *name)
{
    size_t n = strlen(path);

    if (n + 1 < size)
        snprintf(path + n, size - n, "%s%s", n > 0 ? "." : "", name);
}

static int walk(const ProtobufCMessageDescriptor *d, const uint8_t *data, size_t len, int depth, char *path,
                size_t path_size, const char **why);

/* One length-delimited field: a string is checked, a message walked into, anything else skipped. */
static int length_field(const ProtobufCFieldDescriptor *f, unsigned index, const uint8_t *data, size_t len,
                        int depth, char *path, size_t path_size, const char **why)
{
    size_t keep = strlen(path);
    char number[16];
    int rc = 0;

    if (f == NULL || (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE))
        return 0;
    path_push(path, path_size, f->name);
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        snprintf(number, sizeof number, "%u", index);
        path_push(path, path_size, number);
    }
    if (f->type == PROTOBUF_C_TYPE_STRING) {
        if (memchr(data, '\0', len) != NULL) {
            *why = "a NUL character inside a string";
            rc = WH_MALFORMED;
        } else if (!wh_utf8_valid_n((const char *)data, len)) {
            *why = "a string that is not valid UTF-8";
            rc = WH_MALFORMED;
        }
    } else {
        rc = walk(f->descriptor, data, len, depth + 1, path, path_size, why);
    }
    if (rc == 0)
        path[keep] = '\0';
    return rc;
}

static int walk(const ProtobufCMessageDescriptor *d, const uint8_t *data, size_t len, int depth, char *path,
                size_t path_size, const char **why)
{
    wire w = {data, data + len};
    unsigned seen[FIELDS_COUNTED] = {0}; /* occurrences per field so far: a repeated field's index */
    uint64_t tag, n;

    if (depth > WIRE_DEPTH_MAX) {
        *why = "messages nested too deep";
        return WH_MALFORMED;
    }
    while (w.p < w.end) {
        if (!read_varint(&w, &tag))
            goto bad;
        switch (tag & 7) {
        case WIRE_VARINT:
            if (!read_varint(&w, &n))
                goto bad;
            break;
        case WIRE_64BIT:
        case WIRE_32BIT: {
            size_t skip = (tag & 7) == WIRE_64BIT ? 8 : 4;
            if ((size_t)(w.end - w.p) < skip)
                goto bad;
            w.p += skip;
            break;
        }
        case WIRE_LENGTH: {
            if (!read_varint(&w, &n) || n > (uint64_t)(w.end - w.p))
                goto bad;
            const ProtobufCFieldDescriptor *f =
                tag >> 3 <= UINT32_MAX ? protobuf_c_message_descriptor_get_field(d, (unsigned)(tag >> 3))
                                       : NULL;
            size_t k = f != NULL ? (size_t)(f - d->fields) : FIELDS_COUNTED;
            unsigned index = k < FIELDS_COUNTED ? seen[k]++ : 0;
            int rc = length_field(f, index, w.p, (size_t)n, depth, path, path_size, why);
            if (rc != 0)
                return rc;
            w.p += n;
            break;
        }
        default:
            goto bad; /* groups (3, 4) are not proto3; 6 and 7 do not exist */
        }
    }
    return 0;
bad:
    *why = "not a well-formed protobuf encoding";
    return WH_MALFORMED;
}

int wh_wire_strings_check(const ProtobufCMessageDescriptor *d, const uint8_t *data, size_t len, char *field,
                          size_t field_size, const char **why)
{
    const char *ignored;

    if (field_size > 0)
        field[0] = '\0';
    if (len == 0)
        return 0; /* the empty encoding: every field at its default (and data may be NULL) */
    return walk(d, data, len, 0, field, field_size, why != NULL ? why : &ignored);
}

/*
 * json.c — a protobuf message as JSON by walking its descriptor (for --json and event payloads).
 *
 * Proto field names, enums by their full value name, 64-bit integers as JSON integers, bytes as a
 * string when they are UTF-8 text and as hex otherwise.  Every field is written, defaults included,
 * so a script sees a stable shape; an unset nested message is null and an unset oneof member omitted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "wctl.h"

#define MEMBER(msg, off) ((const void *)((const char *)(msg) + (off)))

static json_t *bytes_json(const ProtobufCBinaryData *b)
{
    json_t *s = json_stringn((const char *)b->data, b->len);
    char *hex;

    if (s != NULL)
        return s; /* jansson refuses invalid UTF-8 */
    hex = malloc(b->len * 2 + 1);
    if (hex == NULL)
        return json_null();
    for (size_t i = 0; i < b->len; i++)
        snprintf(hex + i * 2, 3, "%02x", b->data[i]);
    hex[b->len * 2] = '\0';
    s = json_string(hex);
    free(hex);
    return s;
}

static json_t *message_json(const ProtobufCMessage *msg, bool short_enums);

static json_t *value_json(const ProtobufCFieldDescriptor *f, const void *p, bool short_enums)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        return json_integer(*(const int32_t *)p);
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        return json_integer(*(const uint32_t *)p);
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        return json_integer(*(const int64_t *)p);
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return json_integer((json_int_t) * (const uint64_t *)p);
    case PROTOBUF_C_TYPE_FLOAT:
        return json_real(*(const float *)p);
    case PROTOBUF_C_TYPE_DOUBLE:
        return json_real(*(const double *)p);
    case PROTOBUF_C_TYPE_BOOL:
        return json_boolean(*(const protobuf_c_boolean *)p);
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(f->descriptor, *(const int *)p);

        if (v == NULL)
            return json_integer(*(const int *)p);
        return json_string(short_enums ? wctl_enum_short(f->descriptor, v->value) : v->name);
    }
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(char *const *)p;
        json_t *j = json_string(s != NULL ? s : "");

        return j != NULL ? j : json_string("(invalid UTF-8)");
    }
    case PROTOBUF_C_TYPE_BYTES:
        return bytes_json(p);
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *m = *(ProtobufCMessage *const *)p;

        return m != NULL ? message_json(m, short_enums) : json_null();
    }
    default:
        return json_null();
    }
}

static size_t elem_size(const ProtobufCFieldDescriptor *f)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE:
        return 8;
    case PROTOBUF_C_TYPE_BOOL:
        return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(void *);
    case PROTOBUF_C_TYPE_BYTES:
        return sizeof(ProtobufCBinaryData);
    default:
        return 4;
    }
}

static json_t *message_json(const ProtobufCMessage *msg, bool short_enums)
{
    const ProtobufCMessageDescriptor *d = msg->descriptor;
    json_t *obj = json_object();

    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const void *p = MEMBER(msg, f->offset);

        if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
            *(const uint32_t *)MEMBER(msg, f->quantifier_offset) != f->id)
            continue;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)MEMBER(msg, f->quantifier_offset);
            const char *arr = *(const char *const *)p;
            json_t *a = json_array();

            for (size_t k = 0; k < n; k++)
                json_array_append_new(a, value_json(f, arr + k * elem_size(f), short_enums));
            json_object_set_new(obj, f->name, a);
        } else {
            json_object_set_new(obj, f->name, value_json(f, p, short_enums));
        }
    }
    return obj;
}

json_t *wctl_json_from_message(const ProtobufCMessage *msg)
{
    return message_json(msg, false);
}

json_t *wctl_json_for_print(const ProtobufCMessage *msg)
{
    return message_json(msg, true);
}

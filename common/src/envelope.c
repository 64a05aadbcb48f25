/*
 * envelope.c — making and reading welfare.bus.v1.Envelope frames.
 *
 * A reply answers one command: its causation_id is the command's message_id (that is how a client
 * matches it), its correlation_id the command's (or, when the command started the flow, the command's
 * own id).  An error reply has the reply's type, an empty payload and the typed Error.  The checks a
 * command's envelope passes are envelope_check.c.
 */
#include <stdlib.h>
#include <string.h>

#include "bus_internal.h"
#include "wh/util.h"

static int pack_envelope(const Welfare__Bus__V1__Envelope *env, uint8_t **frame, size_t *len)
{
    size_t n = welfare__bus__v1__envelope__get_packed_size(env);

    *frame = malloc(n > 0 ? n : 1);
    if (*frame == NULL)
        return WH_INTERNAL;
    *len = welfare__bus__v1__envelope__pack(env, *frame);
    return 0;
}

/* Packs msg into a malloc()ed buffer (payload.data); an empty message gives an empty buffer. */
static int pack_payload(const ProtobufCMessage *msg, ProtobufCBinaryData *payload)
{
    size_t n = msg != NULL ? protobuf_c_message_get_packed_size(msg) : 0;

    payload->data = malloc(n > 0 ? n : 1);
    if (payload->data == NULL)
        return WH_INTERNAL;
    payload->len = msg != NULL ? protobuf_c_message_pack(msg, payload->data) : 0;
    return 0;
}

int wh_envelope_mark_replayed(uint8_t **frame, size_t *len)
{
    Welfare__Bus__V1__Envelope *env = welfare__bus__v1__envelope__unpack(NULL, *len, *frame);
    uint8_t *marked = NULL;
    size_t n = 0;
    int rc;

    if (env == NULL)
        return WH_INTERNAL;
    env->replayed = true;
    rc = pack_envelope(env, &marked, &n);
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
    if (rc != 0)
        return rc;
    free(*frame);
    *frame = marked;
    *len = n;
    return 0;
}

int wh_envelope_reply(const wh_service *svc, const Welfare__Bus__V1__Envelope *cause, const char *reply_type,
                      const ProtobufCMessage *msg, int error_status, const char *error_field,
                      const char *error_message, uint32_t retry_after_ms, uint8_t **frame, size_t *len)
{
    Welfare__Bus__V1__Envelope env = WELFARE__BUS__V1__ENVELOPE__INIT;
    Welfare__Bus__V1__Error error = WELFARE__BUS__V1__ERROR__INIT;
    char id[WH_UUID_LEN + 1];
    /* only what passed the envelope checks is copied back: a reply never echoes bad bytes */
    const char *cause_id = cause != NULL && wh_message_id_valid(cause->message_id) ? cause->message_id : "";
    int rc;

    wh_uuid(id);
    env.message_id = id;
    env.type = (char *)(reply_type != NULL ? reply_type : "");
    env.causation_id = (char *)cause_id;
    env.correlation_id =
        (char *)(cause != NULL && cause->correlation_id != NULL && cause->correlation_id[0] != '\0' &&
                         cause_id[0] != '\0' && wh_envelope_id_ok(cause->correlation_id)
                     ? cause->correlation_id
                     : cause_id);
    env.producer = (char *)svc->def->name;
    env.time_unix_ms = wh_now_ms();
    if (error_status < 0) {
        error.status = (Welfare__Bus__V1__Status)wh_status_to_proto(error_status);
        error.message = (char *)(error_message != NULL ? error_message : "");
        error.field = (char *)(error_field != NULL ? error_field : "");
        error.retry_after_ms = retry_after_ms;
        env.error = &error;
        return pack_envelope(&env, frame, len);
    }
    rc = pack_payload(msg, &env.payload);
    if (rc == 0)
        rc = pack_envelope(&env, frame, len);
    free(env.payload.data);
    return rc;
}

int wh_envelope_pack_message(const char *producer, const char *correlation_id, const ProtobufCMessage *msg,
                             uint8_t **frame, size_t *len)
{
    Welfare__Bus__V1__Envelope env = WELFARE__BUS__V1__ENVELOPE__INIT;
    char id[WH_UUID_LEN + 1];
    int rc;

    wh_uuid(id);
    env.message_id = id;
    env.type = (char *)msg->descriptor->name;
    env.correlation_id = (char *)(correlation_id != NULL && correlation_id[0] != '\0' ? correlation_id : id);
    env.producer = (char *)producer;
    env.time_unix_ms = wh_now_ms();
    rc = pack_payload(msg, &env.payload);
    if (rc == 0)
        rc = pack_envelope(&env, frame, len);
    free(env.payload.data);
    return rc;
}

/* The message inside field f of m, when f holds one (a oneof member only when it is the one set). */
static const ProtobufCMessage *sub_message(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
    const char *base = (const char *)m;

    if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) && *(const uint32_t *)(base + f->quantifier_offset) != f->id)
        return NULL;
    return *(const ProtobufCMessage *const *)(base + f->offset);
}

/* Field number 0 does not exist in the wire format, yet libprotobuf-c keeps it as an unknown field
 * and packs it back as other bytes (found by fuzz/fuzz_envelope.c: a QueryKpi whose re-encoding
 * did not decode to itself).  True when m, or a message inside it, holds one. */
static bool holds_field_zero(const ProtobufCMessage *m)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;

    for (unsigned i = 0; i < m->n_unknown_fields; i++)
        if (m->unknown_fields[i].tag == 0)
            return true;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)((const char *)m + f->quantifier_offset);
            ProtobufCMessage *const *items = *(ProtobufCMessage *const *const *)((const char *)m + f->offset);
            for (size_t k = 0; k < n; k++)
                if (items[k] != NULL && holds_field_zero(items[k]))
                    return true;
        } else {
            const ProtobufCMessage *sub = sub_message(m, f);
            if (sub != NULL && holds_field_zero(sub))
                return true;
        }
    }
    return false;
}

ProtobufCMessage *wh_envelope_payload(const Welfare__Bus__V1__Envelope *env,
                                      const ProtobufCMessageDescriptor *descriptor)
{
    ProtobufCMessage *m = protobuf_c_message_unpack(descriptor, NULL, env->payload.len, env->payload.data);

    if (m != NULL && holds_field_zero(m)) {
        protobuf_c_message_free_unpacked(m, NULL);
        return NULL; /* malformed: its reader answers as for any payload that does not decode */
    }
    return m;
}

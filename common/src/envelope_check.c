/*
 * envelope_check.c — the envelope fields a command must get right before it may join a batch.
 *
 * Every field the framework copies anywhere (into a reply, the outbox, the stored replies, the audit
 * log, a log line) is checked here, on the wire and after decoding, so a bad one is MALFORMED for its
 * own command alone: it never reaches a statement that would fail the batch it shares with other
 * principals' commands.  The rules (docs/bus-protocol.md, "Envelope fields"):
 *
 *   message_id                 1–64 characters of A-Z a-z 0-9 . _ : -
 *   correlation_id, causation_id  empty, or the message-id rule
 *   producer, stream           empty, or the message-id rule
 *   type                       1–128 characters of A-Z a-z 0-9 . _
 *   time_unix_ms               0 (not given) up to 4102444800000 (2100-01-01)
 *   every string               valid UTF-8 without a NUL on the wire (wh_wire_strings_check)
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "bus_internal.h"
#include "wh/text.h"

#define TIME_MS_LIMIT INT64_C(4102444800000) /* 2100-01-01T00:00:00Z */

static const char id_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-";
static const char type_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";

bool wh_message_id_valid(const char *id)
{
    size_t n = id != NULL ? strlen(id) : 0;

    return n > 0 && n <= WH_MESSAGE_ID_MAX && strspn(id, id_chars) == n;
}

bool wh_envelope_id_ok(const char *id)
{
    return id == NULL || id[0] == '\0' || wh_message_id_valid(id);
}

bool wh_envelope_type_valid(const char *type)
{
    size_t n = type != NULL ? strlen(type) : 0;

    return n > 0 && n <= WH_TYPE_MAX && strspn(type, type_chars) == n;
}

int wh_envelope_check(const Welfare__Bus__V1__Envelope *env, const uint8_t *frame, size_t len,
                      char field[WH_FIELD_PATH_MAX], const char **why)
{
    static const struct {
        const char *name;
        size_t offset;
    } ids[] = {
        {"correlation_id", offsetof(Welfare__Bus__V1__Envelope, correlation_id)},
        {"causation_id", offsetof(Welfare__Bus__V1__Envelope, causation_id)},
        {"producer", offsetof(Welfare__Bus__V1__Envelope, producer)},
        {"stream", offsetof(Welfare__Bus__V1__Envelope, stream)},
    };

    if (wh_wire_strings_check(&welfare__bus__v1__envelope__descriptor, frame, len, field, WH_FIELD_PATH_MAX,
                              why) != 0)
        return WH_MALFORMED;
    snprintf(field, WH_FIELD_PATH_MAX, "message_id");
    *why = "message_id must be 1-64 characters of A-Z a-z 0-9 . _ : -";
    if (!wh_message_id_valid(env->message_id))
        return WH_MALFORMED;
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        const char *value = *(char *const *)((const char *)env + ids[i].offset);
        snprintf(field, WH_FIELD_PATH_MAX, "%s", ids[i].name);
        *why = "must be empty or 1-64 characters of A-Z a-z 0-9 . _ : -";
        if (!wh_envelope_id_ok(value))
            return WH_MALFORMED;
    }
    snprintf(field, WH_FIELD_PATH_MAX, "type");
    *why = "type must be 1-128 characters of A-Z a-z 0-9 . _";
    if (!wh_envelope_type_valid(env->type))
        return WH_MALFORMED;
    snprintf(field, WH_FIELD_PATH_MAX, "time_unix_ms");
    *why = "time_unix_ms must be 0 or a time before 2100 in milliseconds since 1970";
    if (env->time_unix_ms < 0 || env->time_unix_ms >= TIME_MS_LIMIT)
        return WH_MALFORMED;
    field[0] = '\0';
    *why = NULL;
    return 0;
}

/* Reads a top-level length-delimited field of an encoded envelope into out when it is there and its
 * bytes pass ok; false otherwise (nothing else is decoded: the frame may be far too large to). */
static bool peek_field(const uint8_t *frame, size_t len, unsigned number, char *out, size_t out_size,
                       bool (*ok)(const char *))
{
    const uint8_t *p = frame, *end = frame + len;
    bool found = false;

    while (p < end) {
        uint64_t tag = 0, n = 0;
        int shift = 0;
        do {
            if (p >= end || shift > 63)
                return found;
            tag |= (uint64_t)(*p & 0x7f) << shift;
            shift += 7;
        } while (*p++ & 0x80);
        unsigned wire = (unsigned)(tag & 7);
        if (wire == 0) {
            while (p < end && (*p++ & 0x80))
                ;
            continue;
        }
        if (wire == 1 || wire == 5) {
            p += wire == 1 ? 8 : 4;
            continue;
        }
        if (wire != 2)
            return found;
        shift = 0;
        do {
            if (p >= end || shift > 63)
                return found;
            n |= (uint64_t)(*p & 0x7f) << shift;
            shift += 7;
        } while (*p++ & 0x80);
        if (n > (uint64_t)(end - p))
            return found;
        if ((tag >> 3) == number) {
            found = false; /* the last value counts, as for the decoder */
            if (n < out_size) {
                memcpy(out, p, (size_t)n);
                out[n] = '\0';
                found = strlen(out) == n && ok(out);
            }
        }
        p += n;
    }
    return found;
}

bool wh_envelope_peek(const uint8_t *frame, size_t len, char id[WH_MESSAGE_ID_MAX + 1],
                      char type[WH_TYPE_MAX + 1])
{
    bool has_id = peek_field(frame, len, 1, id, WH_MESSAGE_ID_MAX + 1, wh_message_id_valid);

    if (!has_id)
        id[0] = '\0';
    if (!peek_field(frame, len, 2, type, WH_TYPE_MAX + 1, wh_envelope_type_valid))
        type[0] = '\0';
    return has_id;
}

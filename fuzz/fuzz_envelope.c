/*
 * fuzz_envelope.c — a command frame as the framework reads it (common/src/commands.c, admit()):
 * size, welfare.bus.v1.Envelope decode, every envelope field (wh_envelope_check: on the wire and
 * decoded; an admitted one is re-read on the wire here, independently), type look-up in the service
 * tables, payload decode; and the typed error reply each rejection gets, which must decode and answer the
 * frame.
 *
 * The checks run in the framework's order on the framework's functions (wh_message_id_valid,
 * wh_envelope_payload, wh_envelope_reply); the look-up reads all five services' tables and the
 * built-in rows, so every message type of the bus is decoded from arbitrary bytes here.  The message
 * id rule is also checked against its definition written out independently.
 */
#include <stdlib.h>
#include <string.h>

#include "bus_internal.h"
#include "case.h"
#include "fuzz.h"
#include "intake.h"
#include "registry.h"
#include "reporting.h"
#include "routing.h"
#include "wh/util.h"

static const wh_service_def *defs[5];
static const wh_service_def framework_def = {.name = "fuzz"};
static wh_service svc = {.def = &framework_def};

static const ProtobufCMessageDescriptor *const builtin[] = {
    &welfare__bus__v1__fetch_events__descriptor,
    &welfare__bus__v1__list_dead_letters__descriptor,
    &welfare__bus__v1__replay_dead_letter__descriptor,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_setup();
    defs[0] = intake_service_def();
    defs[1] = case_service_def();
    defs[2] = registry_service_def();
    defs[3] = routing_service_def();
    defs[4] = reporting_service_def();
    return 0;
}

/* The documented rule: 1-64 characters of A-Z a-z 0-9 . _ : - */
static bool id_rule(const char *id)
{
    size_t n = strlen(id);
    return n >= 1 && n <= WH_MESSAGE_ID_MAX &&
           strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                      "0123456789._:-") == n;
}

static const ProtobufCMessageDescriptor *find_type(const char *type)
{
    for (size_t s = 0; s < sizeof defs / sizeof defs[0]; s++)
        for (size_t i = 0; i < defs[s]->n_commands; i++)
            if (strcmp(defs[s]->commands[i].request->name, type) == 0)
                return defs[s]->commands[i].request;
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
        if (strcmp(builtin[i]->name, type) == 0)
            return builtin[i];
    return NULL;
}

/* A rejection's reply: it must decode, carry the status and answer the cause (when there is one). */
static void check_rejection(const Welfare__Bus__V1__Envelope *cause, int status, const char *field)
{
    uint8_t *frame = NULL;
    size_t len = 0;

    if (wh_envelope_reply(&svc, cause, "", NULL, status, field, "rejected", 0, &frame, &len) != 0)
        fuzz_fail("rejection could not be packed", field, status);
    Welfare__Bus__V1__Envelope *env = welfare__bus__v1__envelope__unpack(NULL, len, frame);
    if (env == NULL || env->error == NULL || wh_status_from_proto((int)env->error->status) != status)
        fuzz_fail("rejection does not decode with its status", field, status);
    const char *id = cause && wh_message_id_valid(cause->message_id) ? cause->message_id : ""; /* no echo */
    if (strcmp(env->causation_id, id) != 0)
        fuzz_fail("rejection does not name the frame it answers", field, status);
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
    free(frame);
}

/* The documented byte rule for a string field: valid UTF-8 without NUL or other control characters. */
static bool clean_bytes(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x20 || p[i] == 0x7f)
            return false;
    return wh_utf8_valid_n((const char *)p, n);
}

/* An admitted envelope: every string field, read on the wire independently of the decoder, is clean
 * (so nothing the batch copies into a statement or a reply can fail it), and the time is in range.
 * A singular field given twice decodes as its last value, so the last one is what must be clean. */
static void check_admitted_fields(const Welfare__Bus__V1__Envelope *env, const uint8_t *data, size_t size)
{
    static const unsigned strings[] = {1, 2, 3, 4, 5, 7};
    const uint8_t *p = data, *end = data + size, *last[8] = {0};
    size_t last_len[8] = {0};

    while (p < end) {
        uint64_t tag = 0, n = 0;
        for (int shift = 0; p < end && shift < 64; shift += 7) {
            tag |= (uint64_t)(*p & 0x7f) << shift;
            if ((*p++ & 0x80) == 0)
                break;
        }
        unsigned wire = (unsigned)(tag & 7), number = (unsigned)(tag >> 3);
        if (wire == 0) {
            while (p < end && (*p++ & 0x80))
                ;
            continue;
        }
        if (wire == 1 || wire == 5) {
            p += wire == 1 ? 8 : 4;
            continue;
        }
        for (int shift = 0; p < end && shift < 64; shift += 7) {
            n |= (uint64_t)(*p & 0x7f) << shift;
            if ((*p++ & 0x80) == 0)
                break;
        }
        if (number < 8) {
            last[number] = p;
            last_len[number] = (size_t)n;
        }
        p += n;
    }
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        if (last[strings[i]] != NULL && !clean_bytes(last[strings[i]], last_len[strings[i]]))
            fuzz_fail("an admitted envelope holds a string that is not clean text", "envelope",
                      (int)strings[i]);
    if (env->time_unix_ms < 0 || env->time_unix_ms >= INT64_C(4102444800000))
        fuzz_fail("an admitted envelope has a time out of range", "time_unix_ms", 0);
}

/* A payload that decodes must encode back to bytes that decode to the same encoding. */
static void check_round_trip(const ProtobufCMessage *m)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *a = malloc(n + 1), *b = malloc(n + 1);
    if (!a || !b || protobuf_c_message_pack(m, a) != n)
        fuzz_fail("payload does not pack to its size", m->descriptor->name, (int)n);
    ProtobufCMessage *again = protobuf_c_message_unpack(m->descriptor, NULL, n, a);
    if (again == NULL || protobuf_c_message_get_packed_size(again) != n ||
        protobuf_c_message_pack(again, b) != n || memcmp(a, b, n) != 0)
        fuzz_fail("payload does not survive a round trip", m->descriptor->name, (int)n);
    protobuf_c_message_free_unpacked(again, NULL);
    free(a);
    free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > WH_MAX_FRAME_DEFAULT) {
        check_rejection(NULL, WH_TOO_LARGE, "");
        return 0;
    }
    Welfare__Bus__V1__Envelope *env = welfare__bus__v1__envelope__unpack(NULL, size, data);
    if (env == NULL) {
        check_rejection(NULL, WH_MALFORMED, "");
        return 0;
    }
    if (wh_message_id_valid(env->message_id) != id_rule(env->message_id))
        fuzz_fail("wh_message_id_valid disagrees with the documented rule", "message_id", 0);
    const ProtobufCMessageDescriptor *d = NULL;
    ProtobufCMessage *request = NULL;
    char field[WH_FIELD_PATH_MAX];
    const char *why = NULL;
    int checked = wh_envelope_check(env, data, size, field, &why);
    if (checked == 0)
        check_admitted_fields(env, data, size);
    if (checked != 0) {
        check_rejection(env, WH_MALFORMED, field);
    } else if ((d = find_type(env->type)) == NULL) {
        check_rejection(env, WH_MALFORMED, "type");
    } else if ((request = wh_envelope_payload(env, d)) == NULL) {
        check_rejection(env, WH_MALFORMED, "payload");
    } else {
        check_round_trip(request);
        protobuf_c_message_free_unpacked(request, NULL);
    }
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
    return 0;
}

/*
 * wh/text.h — the bus's text policy: what a string field of any welfarehub message may hold.
 *
 * Written down in docs/bus-protocol.md ("Text"), enforced here for every service (the command socket
 * applies it to every command before a handler sees it) and callable without a database (welfarectl
 * checks rows offline with it).
 */
#ifndef WH_TEXT_H
#define WH_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

/* Reads an encoded message (descriptor d) on the wire, before it is decoded: every string field,
 * nested messages included, must be valid UTF-8 without a NUL (libprotobuf-c would cut the string at
 * the NUL and pass invalid bytes on).  0, or WH_MALFORMED with the offending field's dotted path
 * ("household.persons.1.name") in field and a reason (static text, no input echoed) in *why; also
 * WH_MALFORMED for bytes that are not a protobuf encoding. */
int wh_wire_strings_check(const ProtobufCMessageDescriptor *d, const uint8_t *data, size_t len, char *field,
                          size_t field_size, const char **why);

/* A kind of text field: its limits (in characters, after NFC, and in bytes) and whether it may hold
 * line feeds and tabs. */
typedef struct wh_text_limit {
    size_t max_chars, max_bytes;
    bool multiline;
} wh_text_limit;

extern const wh_text_limit wh_text_line;  /* every field: 256 characters, 1,024 bytes, one line */
extern const wh_text_limit wh_text_prose; /* free text (concern, note, …): 2,000 characters, 8,000 bytes */

/* The limit of a field by its proto name (the free-text fields are a table in text_policy.c). */
const wh_text_limit *wh_text_limit_of(const char *field_name);

/* One string against the policy: 0, with *nfc a malloc()ed NFC form when it differs from s (NULL when
 * s is NFC already); or WH_INVALID_ARGUMENT with a reason in *why (static text, nothing echoed). */
int wh_text_check(const char *s, const wh_text_limit *limit, char **nfc, const char **why);

/* Every string field of a message decoded by libprotobuf-c (nested, repeated, the set oneof member),
 * each against its field's limit, replaced in place by its NFC form; every int64 field named
 * *_unix_ms 0 or before 2100.  0, or WH_INVALID_ARGUMENT with the field's dotted path
 * ("persons.1.name") and a reason.  Needs no database: welfarectl checks rows with it offline. */
int wh_text_policy_apply(ProtobufCMessage *m, char *field, size_t field_size, const char **why);

#endif

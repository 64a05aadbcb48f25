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

#endif

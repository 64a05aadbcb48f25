/*
 * places.h — the district's place table (issue 16, "road-name vs lot-number address forms of the same
 * place (normalise both)"): for each building, its lot-number address (지번, "광안동 123-4") and its
 * road-name address (도로명, "수영로12번길 3"), declared as data — a file named by WH_INTAKE_PLACES_FILE,
 * one building a line, "lot address<TAB>road address", '#' starting a comment line.  The address's
 * comparable form (fuzzy.h, intake_fuzzy_address_form) writes a lot-number address of a listed building
 * as its road-name form, so both forms meet in one address block and score as one address.
 *
 * A lot number is recognised where it ends the address or is followed by a separator or a non-digit
 * ("광안동 123-4 101호", "광안동 123-4번지") — read whole — or, written with its unit attached and no
 * space ("광안동123-4101호", as neighbours and forms write it), where it is followed by 3 or 4 digits,
 * the first not 0, and 호 — read with its unit attached, only for a lot that starts with its dong (no
 * digit first).  The digits before a 호 are contested by every other reading of them at that
 * position: a listed lot that runs whole into the 호 (123-4101 listed) or that leaves a unit of that
 * shape (123-41 listed: 광안동123-41203호 is 123-4 + 1203호 or 123-41 + 203호); a contested reading is
 * not taken, so with 123-4101 listed beside 123-4 "광안동123-4101호" stays as it is; with 123-4 alone,
 * or 123-41 beside it (123-41 + 01호 is no reading), it is 123-4, unit 101.
 * Among the readings taken at a position, the first in the table's order wins; the first position
 * with one wins.  Loaded once at start, before any form is computed.
 *
 * The lots are indexed (place_index.h): a rewrite costs lookups per position of the form and distinct
 * lot length, not per building; a load is linear in the lines.
 */
#ifndef INTAKE_PLACES_H
#define INTAKE_PLACES_H

#include <stddef.h>

/* Replaces the table by text's places (len bytes).  A line without exactly one tab, with a side that
 * has no building number (no digit), or a lot listed twice is refused: WH_INVALID_ARGUMENT naming the
 * line in *bad_line, the table unchanged.  Returns the number of places, or a negative status. */
int intake_places_parse(const char *text, size_t len, size_t *bad_line);
/* intake_places_parse of a file's contents; WH_INVALID_ARGUMENT when it cannot be read. */
int intake_places_load_file(const char *path, size_t *bad_line);
void intake_places_clear(void);
size_t intake_places_count(void);

/* The separator mark in a comparable form before places are applied (fuzzy.c writes it where the
 * address had spacing or punctuation; it is removed after). */
#define INTAKE_PLACES_MARK '\x1f'

/* Rewrites the marked form (n bytes, cap the buffer) with the first listed lot found in it replaced by
 * its road form; returns the new length (n when no lot is found or the result would not fit). */
size_t intake_places_rewrite(char *form, size_t n, size_t cap);

#endif

/*
 * edit_distance.h — the edit distance both name comparisons use (fuzzy.c: jamo, translit.c: the
 * reduced alphabet): dropping or adding a symbol costs its weight, changing one into another the
 * dearer of the two weights; with no weights every symbol weighs 1 (Levenshtein).
 */
#ifndef INTAKE_EDIT_DISTANCE_H
#define INTAKE_EDIT_DISTANCE_H

#include <stddef.h>
#include <stdint.h>

#define INTAKE_EDIT_MAX 192 /* symbols of b beyond this are not compared */

/* wa, wb: a weight per symbol, or NULL for 1 each. */
size_t intake_edit_distance(const int32_t *a, const unsigned char *wa, size_t na, const int32_t *b,
                            const unsigned char *wb, size_t nb);

/* The distance of a to the nearest run of b's symbols (what b holds before and after that run costs
 * nothing): how well a word fits somewhere inside a whole name.  Weights as above. */
size_t intake_edit_distance_within(const int32_t *a, const unsigned char *wa, size_t na, const int32_t *b,
                                   const unsigned char *wb, size_t nb);

#endif

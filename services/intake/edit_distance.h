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

#endif

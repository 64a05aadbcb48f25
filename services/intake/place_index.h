/*
 * place_index.h — the place table's index (places.c): each listed lot under a hash of its comparable
 * form's bytes, so that a position of an address's form is looked up once for each distinct lot length
 * instead of being compared with every listed building.
 *
 * Open addressing (linear probing, at most half full) over place numbers; the places themselves are
 * the caller's, so a hit is only a candidate: the caller compares the lot's bytes.  Adding is O(1)
 * amortised (the slots double when half full), a lookup O(1) expected.
 */
#ifndef INTAKE_PLACE_INDEX_H
#define INTAKE_PLACE_INDEX_H

#include <stddef.h>
#include <stdint.h>

/* A lot's hash, fed one byte at a time: h = place_hash_step(h, c) from PLACE_HASH_START, and
 * place_hash_key(h) the key the index files it under. */
#define PLACE_HASH_START 0xcbf29ce484222325ULL
uint64_t place_hash_step(uint64_t h, unsigned char c);
uint32_t place_hash_key(uint64_t h);

typedef struct place_slot {
    uint32_t key;   /* place_hash_key of the lot */
    uint32_t place; /* the place's number + 1; 0: an empty slot */
} place_slot;

typedef struct place_index {
    place_slot *slots;
    size_t mask; /* slots - 1, the number of slots a power of two */
    size_t used;
} place_index;

/* Files place number `place` under key; WH_INTERNAL when out of memory (the index unchanged). */
int place_index_add(place_index *ix, uint32_t key, uint32_t place);
void place_index_free(place_index *ix);

/* The places filed under key, one a call: *probe starts at 0; returns a place number + 1, 0 when no
 * other is filed under key. */
uint32_t place_index_next(const place_index *ix, uint32_t key, size_t *probe);

#endif

/*
 * place_index.c — the place table's hash index (place_index.h): FNV-1a over the lot's bytes, the
 * final 64 bits mixed (murmur3's finaliser) and folded to the 32-bit key; linear probing.
 */
#include <stdlib.h>

#include <wh/status.h>

#include "place_index.h"

uint64_t place_hash_step(uint64_t h, unsigned char c)
{
    return (h ^ c) * 0x100000001b3ULL;
}

uint32_t place_hash_key(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return (uint32_t)(h ^ (h >> 32));
}

static void file_slot(place_slot *slots, size_t mask, place_slot s)
{
    size_t at = s.key & mask;
    while (slots[at].place)
        at = (at + 1) & mask;
    slots[at] = s;
}

/* Twice the slots (16 at first), every filed place filed again. */
static int grow(place_index *ix)
{
    size_t n = ix->slots ? (ix->mask + 1) * 2 : 16;
    place_slot *slots = calloc(n, sizeof *slots);
    if (!slots)
        return WH_INTERNAL;
    for (size_t i = 0; ix->slots && i <= ix->mask; i++)
        if (ix->slots[i].place)
            file_slot(slots, n - 1, ix->slots[i]);
    free(ix->slots);
    ix->slots = slots;
    ix->mask = n - 1;
    return 0;
}

int place_index_add(place_index *ix, uint32_t key, uint32_t place)
{
    if ((!ix->slots || (ix->used + 1) * 2 > ix->mask + 1) && grow(ix) < 0)
        return WH_INTERNAL;
    file_slot(ix->slots, ix->mask, (place_slot){.key = key, .place = place});
    ix->used++;
    return 0;
}

void place_index_free(place_index *ix)
{
    free(ix->slots);
    *ix = (place_index){0};
}

uint32_t place_index_next(const place_index *ix, uint32_t key, size_t *probe)
{
    if (!ix->slots)
        return 0;
    for (size_t at = (key + *probe) & ix->mask; ix->slots[at].place; at = (at + 1) & ix->mask) {
        ++*probe;
        if (ix->slots[at].key == key)
            return ix->slots[at].place;
    }
    return 0;
}

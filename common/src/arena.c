/*
 * arena.c — batch-lifetime memory: many small zeroed allocations, freed at once.
 *
 * A handler's reply, its strings and the decoded requests of one batch all come from here; when the
 * batch has been answered the arena is reset and its first block reused, so a busy service does not
 * call malloc per message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bus_internal.h"

#define ARENA_BLOCK (64 * 1024)
#define ARENA_ALIGN 16

typedef struct block {
    struct block *next;
    size_t used, size;
    _Alignas(ARENA_ALIGN) unsigned char data[];
} block;

struct wh_arena {
    block *head; /* the block being filled; older ones follow */
};

wh_arena *wh_arena_new(void)
{
    return calloc(1, sizeof(wh_arena));
}

static block *block_new(size_t size, block *next)
{
    block *b = malloc(sizeof *b + size);

    if (b == NULL)
        return NULL;
    b->next = next;
    b->used = 0;
    b->size = size;
    return b;
}

void *wh_arena_alloc(wh_arena *a, size_t size)
{
    size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    block *b = a->head;
    void *p;

    if (need == 0)
        need = ARENA_ALIGN;
    if (b == NULL || b->size - b->used < need) {
        b = block_new(need > ARENA_BLOCK ? need : ARENA_BLOCK, a->head);
        if (b == NULL)
            return NULL;
        a->head = b;
    }
    p = b->data + b->used;
    b->used += need;
    memset(p, 0, size);
    return p;
}

void wh_arena_reset(wh_arena *a)
{
    block *b, *next;

    if (a == NULL || a->head == NULL)
        return;
    /* keep the newest standard-sized block, free the rest */
    for (b = a->head->next; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    a->head->next = NULL;
    a->head->used = 0;
    if (a->head->size > ARENA_BLOCK) {
        free(a->head);
        a->head = NULL;
    }
}

void wh_arena_free(wh_arena **ap)
{
    if (ap == NULL || *ap == NULL)
        return;
    wh_arena_reset(*ap);
    free((*ap)->head);
    free(*ap);
    *ap = NULL;
}

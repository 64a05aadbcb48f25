/*
 * held.c — the messages faults-proxy holds back: a binary heap by due time, so whatever was sent
 * after them and not held overtakes them.
 */
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

typedef struct held_msg {
    int64_t due_ms;
    uint64_t order; /* ties keep their arrival order */
    px_dir dir;
    uint8_t rid[PX_RID_MAX];
    size_t rid_len;
    px_msg msg;
} held_msg;

struct px_held {
    held_msg **heap;
    size_t n;
    uint64_t next_order;
};

int px_held_new(px_held **out)
{
    px_held *h = calloc(1, sizeof *h);

    *out = NULL;
    if (h == NULL || (h->heap = calloc(PX_HELD_MAX, sizeof *h->heap)) == NULL) {
        free(h);
        return -1;
    }
    *out = h;
    return 0;
}

void px_held_free(px_held **h)
{
    if (*h == NULL)
        return;
    for (size_t i = 0; i < (*h)->n; i++) {
        px_msg_close(&(*h)->heap[i]->msg);
        free((*h)->heap[i]);
    }
    free((*h)->heap);
    free(*h);
    *h = NULL;
}

static bool earlier(const held_msg *a, const held_msg *b)
{
    return a->due_ms < b->due_ms || (a->due_ms == b->due_ms && a->order < b->order);
}

static void swap(px_held *h, size_t i, size_t k)
{
    held_msg *t = h->heap[i];
    h->heap[i] = h->heap[k];
    h->heap[k] = t;
}

static void sift_up(px_held *h, size_t i)
{
    while (i > 0 && earlier(h->heap[i], h->heap[(i - 1) / 2])) {
        swap(h, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void sift_down(px_held *h, size_t i)
{
    for (;;) {
        size_t first = i, l = 2 * i + 1, r = l + 1;
        if (l < h->n && earlier(h->heap[l], h->heap[first]))
            first = l;
        if (r < h->n && earlier(h->heap[r], h->heap[first]))
            first = r;
        if (first == i)
            return;
        swap(h, i, first);
        i = first;
    }
}

int px_held_push(px_held *h, int64_t due_ms, px_dir dir, const uint8_t *rid, size_t rid_len, px_msg *msg)
{
    held_msg *m;

    if (h->n == PX_HELD_MAX || rid_len > PX_RID_MAX || (m = malloc(sizeof *m)) == NULL)
        return -1;
    m->due_ms = due_ms;
    m->order = h->next_order++;
    m->dir = dir;
    memcpy(m->rid, rid, rid_len);
    m->rid_len = rid_len;
    px_msg_move(&m->msg, msg);
    h->heap[h->n++] = m;
    sift_up(h, h->n - 1);
    return 0;
}

int64_t px_held_next_due(const px_held *h)
{
    return h->n > 0 ? h->heap[0]->due_ms : -1;
}

int px_held_pop_due(px_held *h, int64_t now_ms, px_dir *dir, uint8_t rid[PX_RID_MAX], size_t *rid_len,
                    px_msg *msg)
{
    held_msg *m;

    if (h->n == 0 || h->heap[0]->due_ms > now_ms)
        return 0;
    m = h->heap[0];
    h->heap[0] = h->heap[--h->n];
    sift_down(h, 0);
    *dir = m->dir;
    memcpy(rid, m->rid, m->rid_len);
    *rid_len = m->rid_len;
    px_msg_move(msg, &m->msg);
    free(m);
    return 1;
}

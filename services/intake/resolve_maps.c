/*
 * resolve_maps.c — the resolver's two maps (resolve.h): a hash key (INTAKE_KEY_TEXT) to the list of
 * households holding it (open addressing over borrowed keys, lists in the resolver's one node array), and a
 * household id to its entry.  Sized once for everything a resolver can meet, so they never grow.
 */
#include <stdlib.h>
#include <string.h>

#include "resolve.h"
#include "wh/util.h"

/* FNV-1a of bytea's "\x" and the first 16 hex digits (INTAKE_KEY_TEXT): the keys are uniform hashes
 * already. */
static uint64_t key_hash(const char *k)
{
    uint64_t h = 1469598103934665603ULL;
    for (int i = 0; i < 18 && k[i]; i++) {
        h ^= (unsigned char)k[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static size_t table_size(size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n + 2)
        cap *= 2;
    return cap;
}

int intake_keymap_init(intake_keymap *m, size_t n)
{
    size_t cap = table_size(n);
    m->keys = calloc(cap, sizeof *m->keys);
    m->head = malloc(cap * sizeof *m->head);
    m->mask = cap - 1;
    return m->keys && m->head ? 0 : WH_INTERNAL;
}

void intake_keymap_free(intake_keymap *m)
{
    free(m->keys);
    free(m->head);
    memset(m, 0, sizeof *m);
}

static size_t keymap_slot(const intake_keymap *m, const char *k)
{
    size_t i = key_hash(k) & m->mask;
    while (m->keys[i] && strcmp(m->keys[i], k) != 0)
        i = (i + 1) & m->mask;
    return i;
}

int32_t intake_keymap_get(const intake_keymap *m, const char *k)
{
    if (!k || !*k)
        return -1;
    size_t i = keymap_slot(m, k);
    return m->keys[i] ? m->head[i] : -1;
}

bool intake_hlist_has(const intake_resolver *r, int32_t head, int64_t hid)
{
    for (int32_t i = head; i >= 0; i = r->nodes[i].next)
        if (r->nodes[i].hid == hid)
            return true;
    return false;
}

bool intake_keymap_add(intake_keymap *m, intake_resolver *r, const char *k, int64_t hid)
{
    if (!k || !*k)
        return true;
    size_t i = keymap_slot(m, k);
    if (!m->keys[i]) {
        m->keys[i] = k;
        m->head[i] = -1;
    }
    if (intake_hlist_has(r, m->head[i], hid))
        return true;
    int32_t node = intake_node_push(r, hid, m->head[i]);
    if (node < 0)
        return false;
    m->head[i] = node;
    return true;
}

int32_t intake_node_push(intake_resolver *r, int64_t hid, int32_t next)
{
    intake_hnode *v = wh_grow(r->nodes, &r->cap_nodes, r->n_nodes + 1, sizeof *v, 1024);
    if (!v)
        return -1;
    r->nodes = v;
    r->nodes[r->n_nodes] = (intake_hnode){hid, next};
    return (int32_t)r->n_nodes++;
}

int intake_housemap_init(intake_housemap *h, size_t cap)
{
    size_t m = table_size(cap);
    h->v = calloc(cap ? cap : 1, sizeof *h->v);
    h->cap = cap;
    h->n = 0;
    h->keys = calloc(m, sizeof *h->keys);
    h->idx = calloc(m, sizeof *h->idx);
    h->mask = m - 1;
    return h->v && h->keys && h->idx ? 0 : WH_INTERNAL;
}

void intake_housemap_free(intake_housemap *h)
{
    free(h->v);
    free(h->keys);
    free(h->idx);
    memset(h, 0, sizeof *h);
}

static size_t house_slot(const intake_housemap *h, int64_t id)
{
    size_t i = ((uint64_t)id * 0x9e3779b97f4a7c15ULL) >> 20 & h->mask;
    while (h->idx[i] && h->keys[i] != id)
        i = (i + 1) & h->mask;
    return i;
}

intake_resolved_household *intake_housemap_get(intake_housemap *h, int64_t id)
{
    size_t i = house_slot(h, id);
    return h->idx[i] ? &h->v[h->idx[i] - 1] : NULL;
}

/* The entry for id, new and zeroed (but for its id) unless there is one; NULL when full. */
intake_resolved_household *intake_housemap_add(intake_housemap *h, int64_t id)
{
    size_t i = house_slot(h, id);
    if (h->idx[i])
        return &h->v[h->idx[i] - 1];
    if (h->n == h->cap)
        return NULL;
    h->keys[i] = id;
    h->idx[i] = ++h->n;
    intake_resolved_household *e = &h->v[h->n - 1];
    memset(e, 0, sizeof *e);
    e->id = id;
    return e;
}

/*
 * resolve_fuzzy.c — the scored match kind of the household rule (intake_match_kinds' row
 * INTAKE_MATCH_FUZZY, resolve.h): persons met by their blocks, scored with the Korean-aware score
 * (fuzzy.c), the hits handed back to intake_resolve.
 *
 * A person is met through the same routes the store reads by (store.c, intake_bulk_fuzzy), so a row
 * of a block meets what it would meet alone:
 *   - a person without a resident number, by name block, address block or phone;
 *   - any person, by name block or phone, when the referral's person has no resident number;
 *   - any person of a live household at the referral's address key, when the referral names someone
 *     without a resident number.
 * Two persons who both have a resident number are never scored: the number decides.
 *
 * Each route hands the score at most max_candidates persons per referral person, the most recent
 * (highest person id) first: the store reads one more per route (store.c), so a route that had more
 * is seen here and counted (intake_resolution.fuzzy_capped), alone and in a block alike.  Indexes
 * ascend with person ids (the store reads in id order; persons added here are newer), and every list
 * is pushed at its head, so a list walks the most recent first.
 *
 * Pure: no database, no key.  Plaintext (names, birth dates, phone digits) is borrowed from the
 * caller, which wipes it.
 */
#include <stdlib.h>
#include <string.h>

#include "resolve.h"
#include "wh/util.h"

int intake_fuzzy_index_init(intake_resolver *r, const intake_known_fuzzy *v, size_t n, size_t max_persons,
                            size_t max_candidates)
{
    intake_fuzzy_index *x = &r->fuzzy;
    intake_fuzzy_index_free(x);
    x->cap = n + max_persons;
    x->max_candidates = max_candidates;
    x->v = malloc((x->cap ? x->cap : 1) * sizeof *x->v);
    x->stamp = calloc(x->cap ? x->cap : 1, sizeof *x->stamp);
    x->picked = malloc((x->cap ? x->cap : 1) * sizeof *x->picked);
    if (!x->v || !x->stamp || !x->picked || intake_keymap_init(&x->name, x->cap) < 0 ||
        intake_keymap_init(&x->address, x->cap) < 0 || intake_keymap_init(&x->phone, x->cap) < 0)
        return WH_INTERNAL;
    for (size_t i = 0; i < n; i++)
        if (intake_fuzzy_index_add(r, &v[i]) < 0)
            return WH_INTERNAL;
    return 0;
}

int intake_resolver_init_fuzzy(intake_resolver *r, const intake_known_fuzzy *persons, size_t n,
                               size_t max_persons, size_t max_candidates)
{
    return intake_fuzzy_index_init(r, persons, n, max_persons, max_candidates);
}

void intake_fuzzy_index_free(intake_fuzzy_index *x)
{
    intake_keymap_free(&x->name);
    intake_keymap_free(&x->address);
    intake_keymap_free(&x->phone);
    free(x->v);
    free(x->stamp);
    free(x->hits);
    free(x->picked);
    memset(x, 0, sizeof *x);
}

/* Links candidate i into its household's list (resolved_household.fuzzy_head, index + 1). */
static int link_household(intake_resolver *r, size_t i)
{
    intake_resolved_household *e = intake_housemap_get(&r->households, r->fuzzy.v[i].household_id);
    if (!e)
        return 0; /* a household not read is at no address the rows name: no route reaches it */
    int32_t node = intake_node_push(r, (int64_t)i, e->fuzzy_head - 1);
    if (node < 0)
        return WH_INTERNAL;
    e->fuzzy_head = node + 1;
    return 0;
}

int intake_fuzzy_index_add(intake_resolver *r, const intake_known_fuzzy *c)
{
    intake_fuzzy_index *x = &r->fuzzy;
    if (x->n == x->cap)
        return WH_INTERNAL;
    size_t i = x->n++;
    x->v[i] = *c;
    int64_t id = (int64_t)i;
    if (!intake_keymap_add(&x->name, r, c->name_block, id) ||
        !intake_keymap_add(&x->phone, r, c->phone_hash, id) ||
        (!c->has_rrn && !intake_keymap_add(&x->address, r, c->address_block, id)))
        return WH_INTERNAL;
    return link_household(r, i);
}

static int add_hit(intake_fuzzy_index *x, size_t person, size_t cand, const intake_fuzzy_result *res)
{
    intake_fuzzy_hit *v = wh_grow(x->hits, &x->cap_hits, x->n_hits + 1, sizeof *v, 16);
    if (!v)
        return WH_INTERNAL;
    x->hits = v;
    x->hits[x->n_hits++] = (intake_fuzzy_hit){
        .person = person, .cand = cand, .household_id = x->v[cand].household_id, .result = *res};
    return 0;
}

/* Two persons who both have a number are never scored, and the store does not read one for the
 * other: such a candidate is neither scored nor counted against a block's cap. */
static bool both_numbered(const intake_person_row *person, const intake_known_fuzzy *c)
{
    return person->rrn_hash[0] && c->has_rrn;
}

/* Scores candidate cand against the referral's person k once per person (the stamp). */
static int consider(intake_resolver *r, const intake_prepared *p, size_t k, size_t cand)
{
    intake_fuzzy_index *x = &r->fuzzy;
    const intake_person_row *person = &p->persons[k];
    const intake_known_fuzzy *c = &x->v[cand];
    if (x->stamp[cand] == x->serial || both_numbered(person, c))
        return 0;
    x->stamp[cand] = x->serial;
    intake_fuzzy_person who = person->fuzzy;
    who.address_block = p->address_block;
    intake_fuzzy_result res;
    intake_fuzzy_score(&who, &c->who, intake_match_kinds[INTAKE_MATCH_FUZZY].weights, &res);
    return res.verdict == INTAKE_FUZZY_DIFFERENT ? 0 : add_hit(x, k, cand, &res);
}

/* A block's candidates (name block, phone, address block) for person k, the most recent first: the
 * first max_candidates the store reads for k are scored; one more makes the look-up capped. */
static int consider_block(intake_resolver *r, const intake_prepared *p, size_t k, int32_t head,
                          bool unnumbered_only)
{
    intake_fuzzy_index *x = &r->fuzzy;
    size_t taken = 0;
    for (int32_t i = head; i >= 0; i = r->nodes[i].next) {
        size_t cand = (size_t)r->nodes[i].hid;
        /* the address block meets persons without a number only: one given a number by an earlier
         * row of the block (resolve.c's give_numbers) is not read for a later row, so not met here */
        if (both_numbered(&p->persons[k], &x->v[cand]) || (unnumbered_only && x->v[cand].has_rrn))
            continue;
        if (taken++ == x->max_candidates) {
            x->capped++;
            return 0;
        }
        if (consider(r, p, k, cand) < 0)
            return WH_INTERNAL;
    }
    return 0;
}

static int most_recent_first(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* The persons of the live households at the referral's address key (the store reads every one of
 * them, numbered or not: all count), the most recent max_candidates of them scored. */
static int consider_address_key(intake_resolver *r, const intake_prepared *p, size_t k)
{
    intake_fuzzy_index *x = &r->fuzzy;
    size_t n = 0;
    for (int32_t i = intake_keymap_get(&r->address, p->address_key); i >= 0; i = r->nodes[i].next) {
        const intake_resolved_household *e = intake_housemap_get(&r->households, r->nodes[i].hid);
        for (int32_t j = e ? e->fuzzy_head - 1 : -1; j >= 0 && n < x->n; j = r->nodes[j].next)
            x->picked[n++] = (size_t)r->nodes[j].hid;
    }
    qsort(x->picked, n, sizeof *x->picked, most_recent_first);
    if (n > x->max_candidates) {
        x->capped++;
        n = x->max_candidates;
    }
    for (size_t i = 0; i < n; i++)
        if (consider(r, p, k, x->picked[i]) < 0)
            return WH_INTERNAL;
    return 0;
}

static bool names_unnumbered(const intake_prepared *p)
{
    for (size_t k = 0; k < p->n_persons; k++)
        if (!p->persons[k].rrn_hash[0])
            return true;
    return false;
}

int intake_fuzzy_hits(intake_resolver *r, const intake_prepared *p)
{
    intake_fuzzy_index *x = &r->fuzzy;
    bool by_address_key = names_unnumbered(p);
    x->n_hits = 0;
    x->capped = 0;
    for (size_t k = 0; k < p->n_persons; k++) {
        const intake_person_row *person = &p->persons[k];
        if (++x->serial == 0) { /* wrapped: every stamp is stale again */
            memset(x->stamp, 0, x->cap * sizeof *x->stamp);
            x->serial = 1;
        }
        if (consider_block(r, p, k, intake_keymap_get(&x->name, person->name_block), false) < 0 ||
            consider_block(r, p, k, intake_keymap_get(&x->phone, person->phone_hash), false) < 0 ||
            consider_block(r, p, k, intake_keymap_get(&x->address, p->address_block), true) < 0 ||
            (by_address_key && consider_address_key(r, p, k) < 0))
            return WH_INTERNAL;
    }
    return 0;
}

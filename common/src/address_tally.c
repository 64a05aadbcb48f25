/*
 * address_tally.c — how many connections of each source address are in their handshake, kept as the
 * connections change, so the bound of address_bound.c asks one table entry on each accept instead of
 * scanning every fd (at 1,024 connections and more, a scan of the whole fd table per accept).
 *
 * A connection counts under its source address while it is accepted (waiting), not placed by a first
 * message (used), not secured by its handshake, and of an IP peer (source not 0): the same rule the scan
 * applied.  Each place that changes one of those calls wh_tally_update after (peer_bounds.c,
 * address_bound.c, connection_bound.c), and a connection's slot is cleared only after wh_tally_forget;
 * the connection remembers the address it is counted under (peer_conn.tallied), so a change is one
 * decrement and one increment.
 *
 * The table: open addressing, linear probing, keys never removed but their count may fall to 0 — such an
 * entry is reused by its own address only.  When a new address would fill it past half, it is rebuilt
 * from the addresses still counted, at least four times their number (or 64) in size: a rebuild comes
 * only after as many new addresses as it keeps, so each accept costs O(1) amortised.  Without memory for
 * the table the bound counts nothing (not bounded), as the other per-peer tables do.
 */
#include <stdlib.h>
#include <string.h>

#include "bus_internal.h"
#include "commands_internal.h"

#define TALLY_MIN 64

static bool counted(const peer_conn *pc)
{
    return pc->waiting && !pc->used && !pc->secured && pc->source != 0;
}

static size_t home_of(const addr_tally *t, uint64_t source)
{
    return (size_t)((source * 0x9E3779B97F4A7C15ull) >> 20) & (t->cap - 1);
}

/* The slot of source, or of the empty slot where it would go (t->cap > 0, never full). */
static size_t slot_of(const addr_tally *t, uint64_t source)
{
    size_t i = home_of(t, source);

    while (t->source[i] != 0 && t->source[i] != source)
        i = (i + 1) & (t->cap - 1);
    return i;
}

/* A table of cap slots (a power of two) holding the addresses of t still counted. */
static bool rebuild(addr_tally *t, size_t cap)
{
    addr_tally grown = {calloc(cap, sizeof *grown.source), calloc(cap, sizeof *grown.count), cap, 0};

    if (grown.source == NULL || grown.count == NULL) {
        free(grown.source);
        free(grown.count);
        return false;
    }
    for (size_t i = 0; i < t->cap; i++)
        if (t->count[i] > 0) {
            size_t j = slot_of(&grown, t->source[i]);
            grown.source[j] = t->source[i];
            grown.count[j] = t->count[i];
            grown.used++;
        }
    free(t->source);
    free(t->count);
    *t = grown;
    return true;
}

/* Room for a new address: rebuilt when it would be more than half full. */
static bool room(addr_tally *t)
{
    size_t live = 0, cap = TALLY_MIN;

    if (t->cap > 0 && 2 * (t->used + 1) <= t->cap)
        return true;
    for (size_t i = 0; i < t->cap; i++)
        live += t->count[i] > 0;
    while (cap < 4 * (live + 1))
        cap *= 2;
    return rebuild(t, cap);
}

static void add(addr_tally *t, uint64_t source, int delta)
{
    size_t i = t->cap > 0 ? slot_of(t, source) : 0;

    if (t->cap == 0 || t->source[i] == 0) {
        if (delta < 0 || !room(t))
            return; /* not counted (no memory): nothing to take back either */
        i = slot_of(t, source);
        t->source[i] = source;
        t->used++;
    }
    if (delta > 0 || t->count[i] > 0)
        t->count[i] += (uint32_t)delta;
}

void wh_tally_update(wh_peers *ps, peer_conn *pc)
{
    uint64_t want = counted(pc) ? pc->source : 0;

    if (pc->tallied == want)
        return;
    if (pc->tallied != 0)
        add(&ps->tally, pc->tallied, -1);
    if (want != 0)
        add(&ps->tally, want, +1);
    pc->tallied = want;
}

void wh_tally_forget(wh_peers *ps, peer_conn *pc)
{
    if (pc->tallied != 0)
        add(&ps->tally, pc->tallied, -1);
    pc->tallied = 0;
}

int64_t wh_tally_of(const wh_peers *ps, uint64_t source)
{
    const addr_tally *t = &ps->tally;

    if (t->cap == 0 || source == 0)
        return 0;
    size_t i = slot_of(t, source);
    return t->source[i] == source ? (int64_t)t->count[i] : 0;
}

void wh_tally_free(addr_tally *t)
{
    free(t->source);
    free(t->count);
    memset(t, 0, sizeof *t);
}

/*
 * fetched.c — which sequences a FetchEvents reply accounts for, so a consumer knows which of its events
 * follows its position.
 *
 * A reply to a request naming event types (FetchEvents.types) holds every event of those types after
 * the request's after_sequence up to its covered_sequence, and none of the others: its events skip
 * sequences.  Event i then follows the event before it (the request's position for the first), and a
 * position anywhere from there up to just below event i's sequence is followed by it; the reply's tail
 * (after its last event, up to covered_sequence) holds no event the consumer applies, so a position in
 * it may move to covered_sequence.  A reply of a producer that predates the field (covered_sequence
 * 0) filtered nothing: its events have no gaps, and event i follows only the sequence just below it —
 * the consumer's old rule.
 */
#include "bus_internal.h"

void wh_fetched_init(wh_fetched *f, const Welfare__Bus__V1__FetchEventsReply *reply, bool after_known,
                     uint64_t after)
{
    f->ev = reply->events;
    f->n = reply->n_events;
    f->skips = reply->covered_sequence != 0;
    f->after_known = after_known;
    f->after = after;
    f->end = f->skips ? reply->covered_sequence : f->n > 0 ? f->ev[f->n - 1]->sequence : 0;
}

/* The sequence event i (or, i == n, the tail) comes right after; false when that is not known (the
 * first event of a reply whose request is not known). */
static bool predecessor(const wh_fetched *f, size_t i, uint64_t *seq)
{
    if (i > 0) {
        *seq = f->ev[i - 1]->sequence;
        return true;
    }
    *seq = f->after;
    return f->after_known;
}

bool wh_fetched_follows(const wh_fetched *f, size_t i, uint64_t position)
{
    uint64_t before;

    if (!f->skips)
        return i < f->n ? f->ev[i]->sequence == position + 1 : false;
    if (!predecessor(f, i, &before) || position < before)
        return false;
    return i < f->n ? position < f->ev[i]->sequence : position < f->end;
}

size_t wh_fetched_first_after(const wh_fetched *f, uint64_t position)
{
    size_t i = 0;

    while (i < f->n && f->ev[i]->sequence <= position)
        i++;
    return i;
}

bool wh_fetched_chained(const wh_fetched *f, size_t from, size_t to)
{
    for (size_t k = from + 1; k <= to && k < f->n; k++)
        if (!wh_fetched_follows(f, k, f->ev[k - 1]->sequence))
            return false;
    return true;
}

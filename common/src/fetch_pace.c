/*
 * fetch_pace.c — a connection's "slow start" of FetchEvents replies: how many bytes of events its next
 * reply may hold.
 *
 * A reply waits in this service's memory (libzmq's queue for the connection, its CURVE copy) until
 * the kernel takes it, and the kernel takes it only as fast as the peer reads.  A connection that
 * asks for a full reply (WH_FETCH_MAX_BYTES, 256 KiB) and never reads it holds one of them here for as
 * long as it is open — at 1,024 connections that was ~35–50 MiB of intake's peak (docs/benchmarks.md).
 * So a connection's replies start small, and grow only while it is seen to read them:
 *
 *   - its first FetchEvents gets at most WH_FETCH_START_BYTES (default 16 KiB) of events (at least
 *     one event, as always);
 *   - the allowance doubles, up to the service's WH_FETCH_MAX_BYTES, each time the connection is seen
 *     to have taken everything sent to it: a FetchEvents that asks after its previous reply
 *     (after_sequence at or past that reply's covered_sequence, where a reader continues), while the
 *     kernel has no byte of the connection left unsent (SIOCOUTQNSD 0: every reply sent so far has
 *     left this service);
 *   - it falls back to WH_FETCH_START_BYTES when a FetchEvents finds bytes of the connection unsent
 *     (it is not taking what it was sent);
 *   - anything else (asked again from before its previous reply's end — a replay, a restart — with
 *     nothing unsent) leaves it as it is.
 *
 * A reply cut short by the allowance is like one cut by WH_FETCH_MAX_BYTES: fewer events than asked,
 * covered_sequence its last event, and the client fetches again after it (docs/bus-protocol.md).  A
 * reader far behind pays a few more round trips at first (16, 32, 64, 128 KiB, then 256 KiB a reply:
 * four replies more than before to reach the full size).  Connections with no place in the bound of
 * connections per key (in-process ones, fds past its table: peer_bounds.c) are not paced.
 */
#include "bus_internal.h"

size_t wh_fetch_pace_allowance(wh_fetch_pace *pace, uint64_t after, bool all_taken, size_t start, size_t max)
{
    size_t first = start < max ? start : max;

    if (pace->allowance == 0 || pace->allowance > max)
        pace->allowance = first; /* its first fetch (or the bound was lowered since) */
    else if (!all_taken)
        pace->allowance = first;
    else if (pace->replied && after >= pace->end)
        pace->allowance = pace->allowance > max / 2 ? max : pace->allowance * 2;
    pace->replied = false; /* this fetch's reply, when it is sent, is the one the next is weighed by */
    return pace->allowance;
}

void wh_fetch_pace_replied(wh_fetch_pace *pace, uint64_t covered)
{
    pace->replied = true;
    pace->end = covered;
}

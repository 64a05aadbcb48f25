/*
 * linkage_state.c — the closed loop of a service linkage as data: which state may follow which.
 * requested → accepted | refused | started; accepted → refused | started; started → ended.
 * Pure; unit-tested.
 */
#include "registry.h"

enum { REQUESTED = 1, ACCEPTED = 2, REFUSED = 3, STARTED = 4, ENDED = 5, STATES = 6 };

static const bool moves[STATES][STATES] = {
    [REQUESTED] = {[ACCEPTED] = true, [REFUSED] = true, [STARTED] = true},
    [ACCEPTED] = {[REFUSED] = true, [STARTED] = true},
    [STARTED] = {[ENDED] = true},
};

bool registry_linkage_move_ok(int from, int to)
{
    return from > 0 && from < STATES && to > 0 && to < STATES && moves[from][to];
}

bool registry_linkage_holds_capacity(int state)
{
    return state == REQUESTED || state == ACCEPTED || state == STARTED;
}

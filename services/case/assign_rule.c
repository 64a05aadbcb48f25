/*
 * assign_rule.c — the assignment rule, pure: which roles carry cases, and which worker gets the next.
 *
 * Case managers and welfare officials own cases; visiting nurses and vocational counsellors join
 * visits but carry no caseload.  The next case goes to the worker with the fewest open cases who is
 * still below the caseload limit, the lowest staff id among equals, so that the same events always
 * give the same assignment.
 */
#include "case.h"

bool case_role_carries_cases(int role)
{
    return role == CASE_ROLE_MANAGER || role == CASE_ROLE_OFFICIAL;
}

int case_pick_worker(const case_worker *w, size_t n, int limit)
{
    int best = -1;
    for (size_t i = 0; i < n; i++) {
        if (w[i].caseload >= limit)
            continue;
        if (best < 0 || w[i].caseload < w[best].caseload ||
            (w[i].caseload == w[best].caseload && w[i].staff_id < w[best].staff_id))
            best = (int)i;
    }
    return best;
}

/*
 * visit_cycle.c — the monitoring frequency as data: risk bands and the days between visits
 * (WH_CASE_VISIT_CYCLES), and the visit outcomes' meaning for the watch.  Pure; unit-tested.
 */
#include <stdlib.h>
#include <string.h>

#include "case.h"

/* One "risk:days" pair at *p; advances *p past it and a following comma. */
static int parse_pair(const char **p, int *risk, int *days)
{
    char *end;
    long r = strtol(*p, &end, 10);
    if (end == *p || *end != ':' || r < 0 || r > 100)
        return -1;
    const char *d = end + 1;
    long n = strtol(d, &end, 10);
    if (end == d || n < 1 || n > 3650 || (*end != ',' && *end != '\0') || (*end == ',' && end[1] == '\0'))
        return -1;
    *risk = (int)r;
    *days = (int)n;
    *p = *end == ',' ? end + 1 : end;
    return 0;
}

/* Keeps the bands by min_risk descending (insertion; at most CASE_MAX_CYCLES). */
static int insert_band(case_cycles *c, int risk, int days)
{
    int i = c->n;
    for (int j = 0; j < c->n; j++)
        if (c->min_risk[j] == risk)
            return -1;
    while (i > 0 && c->min_risk[i - 1] < risk) {
        c->min_risk[i] = c->min_risk[i - 1];
        c->days[i] = c->days[i - 1];
        i--;
    }
    c->min_risk[i] = risk;
    c->days[i] = days;
    c->n++;
    return 0;
}

int case_cycles_parse(const char *text, case_cycles *out)
{
    case_cycles c = {0};
    const char *p = text;
    if (!p || !*p)
        return -1;
    while (*p) {
        int risk, days;
        if (c.n == CASE_MAX_CYCLES || parse_pair(&p, &risk, &days) < 0 || insert_band(&c, risk, days) < 0)
            return -1;
    }
    *out = c;
    return 0;
}

int case_cycle_days(const case_cycles *c, int risk_score)
{
    for (int i = 0; i < c->n; i++)
        if (risk_score >= c->min_risk[i])
            return c->days[i];
    return 0;
}

bool case_outcome_valid(int outcome)
{
    return outcome >= CASE_OUTCOME_MET && outcome <= CASE_OUTCOME_DECEASED;
}

bool case_outcome_failed(int outcome)
{
    return outcome == CASE_OUTCOME_NOT_AT_HOME || outcome == CASE_OUTCOME_REFUSED;
}

int case_outcome_of_miss(int miss_reason)
{
    switch (miss_reason) {
    case WELFARE__ROUTING__V1__MISS_REASON__MISS_REASON_NOBODY_HOME:
        return CASE_OUTCOME_NOT_AT_HOME;
    case WELFARE__ROUTING__V1__MISS_REASON__MISS_REASON_REFUSED:
        return CASE_OUTCOME_REFUSED;
    default:
        return 0;
    }
}

/*
 * metrics.c — the case service's own metrics: counters of what it did, and gauges of its caseloads
 * read from the tables (so they hold across restarts and rolled-back batches).
 */
#include <stdio.h>

#include "case.h"

#include "wh/metrics.h"

#define LINKAGES_HELP "Linkages requested of the registry, and its answers"

static wh_counter *opened, *closed, *assigned, *escalations, *linkages[3];
static wh_gauge *open_cases, *unassigned_cases, *workers, *max_caseload, *caseload_limit, *escalated,
    *rereferred;

void case_metrics_register(int limit)
{
    static const char *const results[] = {"requested", "completed", "failed"};
    opened = wh_metrics_counter("case_cases_opened_total", NULL, "Cases opened");
    closed = wh_metrics_counter("case_cases_closed_total", NULL, "Cases closed");
    assigned = wh_metrics_counter("case_assignments_total", NULL, "Cases given to a case worker");
    escalations = wh_metrics_counter("case_escalations_total", NULL, "Households escalated as unreachable");
    escalated = wh_metrics_gauge("case_escalated_households", NULL,
                                 "Households in the hubs' escalation queues (unreachable, not met since)");
    rereferred = wh_metrics_gauge("case_rereferred_households", NULL,
                                  "Closed cases' households reported again, waiting for the hub's decision");
    for (size_t i = 0; i < 3; i++) {
        char labels[48];
        snprintf(labels, sizeof labels, "result=\"%s\"", results[i]);
        linkages[i] = wh_metrics_counter("case_linkages_total", labels, LINKAGES_HELP);
    }
    open_cases = wh_metrics_gauge("case_open_cases", NULL, "Open cases");
    unassigned_cases =
        wh_metrics_gauge("case_unassigned_cases", NULL, "Open cases waiting for a case worker");
    workers = wh_metrics_gauge("case_workers_active", NULL, "Case workers active today");
    max_caseload = wh_metrics_gauge("case_caseload_max", NULL, "Open cases of the most loaded case worker");
    caseload_limit = wh_metrics_gauge("case_caseload_limit", NULL, "Most open cases per case worker");
    wh_gauge_set(caseload_limit, limit);
}

static void count(wh_counter *c)
{
    if (c) /* NULL before start (unit tests) */
        wh_counter_add(c, 1);
}

void case_metrics_opened(void)
{
    count(opened);
}

void case_metrics_closed(void)
{
    count(closed);
}

void case_metrics_assigned(void)
{
    count(assigned);
}

void case_metrics_escalated(void)
{
    count(escalations);
}

void case_metrics_linkage(const char *result)
{
    count(linkages[result[0] == 'r' ? 0 : result[0] == 'c' ? 1 : 2]);
}

int case_metrics_refresh(wh_ctx *ctx, void *arg)
{
    (void)arg;
    case_counts n;
    if (!open_cases)
        return 0;
    int rc = case_store_counts(wh_ctx_db(ctx), &n);
    if (rc < 0)
        return rc;
    wh_gauge_set(open_cases, (double)n.open);
    wh_gauge_set(unassigned_cases, (double)n.unassigned);
    wh_gauge_set(workers, (double)n.workers);
    wh_gauge_set(max_caseload, (double)n.max_caseload);
    wh_gauge_set(escalated, (double)n.escalated);
    wh_gauge_set(rereferred, (double)n.rereferred);
    return 0;
}

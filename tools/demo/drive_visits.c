/*
 * drive_visits.c — the hubs' working days: for every working day of the period and every basic hub,
 * plan the day (routing places the pending visit requests into the staff's routes) and record each
 * visit's outcome — mostly completed, some missed (nobody home, refused…), which sends the request
 * back to pending for a later day, as in real life.
 */
#include <stdio.h>
#include <string.h>

#include "drive.h"
#include "welfare/reporting/v1/commands.pb-c.h"
#include "welfare/routing/v1/commands.pb-c.h"
#include "wh/status.h"

#define DAY_VISITS_MAX 4096

/* Visit requests routing holds (every status), paging through them. */
static int64_t count_visit_requests(demo_run *run)
{
    int64_t n = 0, after = 0;
    for (;;) {
        Welfare__Routing__V1__ListVisitRequests q = WELFARE__ROUTING__V1__LIST_VISIT_REQUESTS__INIT;
        Welfare__Routing__V1__ListVisitRequestsReply *r = NULL;
        q.limit = 1000;
        q.after_id = after;
        if (demo_query(run, run->routing, &q.base,
                       &welfare__routing__v1__list_visit_requests_reply__descriptor,
                       (ProtobufCMessage **)&r) != 0)
            return WH_UNAVAILABLE;
        size_t got = r->n_requests;
        if (got)
            after = r->requests[got - 1]->visit_request_id;
        n += (int64_t)got;
        protobuf_c_message_free_unpacked(&r->base, NULL);
        if (got < 1000)
            return n;
    }
}

static int record_outcome(demo_run *run, const Welfare__Routing__V1__Stop *stop, const char *date)
{
    Welfare__Routing__V1__RecordVisitOutcome q = WELFARE__ROUTING__V1__RECORD_VISIT_OUTCOME__INIT;
    ProtobufCMessage *reply = NULL;
    int reason = 0;
    bool done = demo_visit_completed(run->opt->seed, stop->visit_id, &reason);
    q.visit_id = stop->visit_id;
    q.outcome = done ? WELFARE__ROUTING__V1__VISIT_OUTCOME__VISIT_OUTCOME_COMPLETED
                     : WELFARE__ROUTING__V1__VISIT_OUTCOME__VISIT_OUTCOME_MISSED;
    q.miss_reason = done ? WELFARE__ROUTING__V1__MISS_REASON__MISS_REASON_UNSPECIFIED
                         : (Welfare__Routing__V1__MissReason)reason;
    q.date = (char *)date;
    int rc = demo_call(run, run->routing, "outcome", (uint64_t)stop->visit_id, &q.base,
                       &welfare__routing__v1__record_visit_outcome_reply__descriptor, &reply);
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
    if (rc == 0) {
        if (done)
            run->n_visits_completed++;
        else
            run->n_visits_missed++;
    }
    return rc;
}

/* A joint visit is a stop in each attending member's route: record it once. */
static bool seen(int64_t *ids, size_t *n, int64_t id)
{
    for (size_t i = 0; i < *n; i++)
        if (ids[i] == id)
            return true;
    if (*n < DAY_VISITS_MAX)
        ids[(*n)++] = id;
    return false;
}

static int plan_hub_day(demo_run *run, size_t hub, int day)
{
    static int64_t recorded[DAY_VISITS_MAX];
    size_t n_recorded = 0;
    char date[11];
    demo_date_format(day, date);
    Welfare__Routing__V1__PlanDay q = WELFARE__ROUTING__V1__PLAN_DAY__INIT;
    Welfare__Routing__V1__PlanDayReply *r = NULL;
    q.hub_dong_code = (char *)demo_dongs[hub].code;
    q.date = date;
    int rc = demo_call(run, run->routing, "plan", (uint64_t)day * 64 + hub, &q.base,
                       &welfare__routing__v1__plan_day_reply__descriptor, (ProtobufCMessage **)&r);
    if (rc != 0)
        return rc;
    for (size_t i = 0; r->plan && i < r->plan->n_routes && rc != WH_UNAVAILABLE; i++)
        for (size_t j = 0; j < r->plan->routes[i]->n_stops && rc != WH_UNAVAILABLE; j++) {
            const Welfare__Routing__V1__Stop *stop = r->plan->routes[i]->stops[j];
            if (!seen(recorded, &n_recorded, stop->visit_id))
                rc = record_outcome(run, stop, date);
        }
    protobuf_c_message_free_unpacked(&r->base, NULL);
    return rc == WH_UNAVAILABLE ? rc : 0;
}

static int64_t reported_visits(demo_run *run)
{
    Welfare__Reporting__V1__QueryKpi q = WELFARE__REPORTING__V1__QUERY_KPI__INIT;
    Welfare__Reporting__V1__QueryKpiReply *r = NULL;
    if (demo_query_period(run, &q.base, &q.selection, &welfare__reporting__v1__query_kpi_reply__descriptor,
                          (ProtobufCMessage **)&r) != 0)
        return WH_UNAVAILABLE;
    int64_t n = r->report && r->report->total ? r->report->total->site_visits : 0;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    return n;
}

int demo_plan_and_visit(demo_run *run)
{
    /* Every case opened asks for a first home visit; wait until routing holds them all. */
    int64_t requests = demo_settle(run, "visit requests to reach routing", count_visit_requests,
                                   (int64_t)(run->n_cases_expected + run->n_follow_ups));
    if (requests < 0)
        return (int)requests;
    demo_say(run, "  %lld visit requests in routing\n", (long long)requests);
    int from = demo_date_days(run->d->n_referrals ? run->d->referrals[0].reported_on : DEMO_FROM);
    int to = demo_date_days(DEMO_TO);
    size_t total = (size_t)(to - from + 1), done = 0;
    for (int day = from; day <= to; day++) {
        if (demo_date_weekday(day) < 5)
            for (size_t h = 0; h < demo_dongs_count; h++) {
                if (strcmp(demo_dongs[h].code, demo_dongs[h].hub_code) != 0)
                    continue;
                if (plan_hub_day(run, h, day) == WH_UNAVAILABLE)
                    return WH_UNAVAILABLE;
            }
        demo_progress(run, "days planned and visited", ++done, total);
    }
    demo_say(run, "  %zu visits completed, %zu missed\n", run->n_visits_completed, run->n_visits_missed);
    demo_settle(run, "visits to reach reporting", reported_visits, (int64_t)run->n_visits_completed);
    return 0;
}

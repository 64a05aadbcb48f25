/*
 * drive_flow.c — the case work: once the case service has opened a case for every household that
 * reached the risk threshold, the hubs' workers assess most cases (1–4 needs by domain and severity:
 * the case service asks the registry for a resource for each need of moderate severity or above),
 * phone the households with a high or critical need two weeks later and book a follow-up home visit,
 * and close some cases — those assessed with no need beyond "watch", and a few whose goals were met.
 *
 * Every decision is drawn from the seed and the case id (demo_case_assessed, demo_case_needs, and
 * the closing draw below), and every command carries the message id of (seed, step, case id), so a
 * second or resumed run decides the same and changes nothing.  Business dates follow the case: the
 * assessment a few days after opening, the call two weeks later, the visit a week after the call;
 * work that would fall after the demo period is not done.
 */
#include <stdio.h>
#include <string.h>

#include "drive.h"
#include "welfare/case/v1/commands.pb-c.h"
#include "wh/status.h"

#define PAGE          1000
#define STREAM_CLOSE  0xc105e
#define HIGH          WELFARE__COMMON__V1__SEVERITY__SEVERITY_HIGH
#define MODERATE      WELFARE__COMMON__V1__SEVERITY__SEVERITY_MODERATE
#define CALL_AFTER    14 /* days from the assessment to the follow-up call */
#define VISIT_AFTER   7  /* days from the call to the follow-up visit */
#define GOALS_AFTER   60 /* days from the assessment to closing a case whose goals were met */
#define GOALS_PERCENT 12 /* of the assessed cases with needs, closed as goals met */

/* Cases the case service holds (every status), paging through them. */
static int64_t count_cases(demo_run *run)
{
    int64_t n = 0, after = 0;
    for (;;) {
        Welfare__Case__V1__ListCases q = WELFARE__CASE__V1__LIST_CASES__INIT;
        Welfare__Case__V1__ListCasesReply *r = NULL;
        q.limit = PAGE;
        q.after_id = after;
        if (demo_query(run, run->kase, &q.base, &welfare__case__v1__list_cases_reply__descriptor,
                       (ProtobufCMessage **)&r) != 0)
            return WH_UNAVAILABLE;
        n += (int64_t)r->n_cases;
        after = r->next_after_id;
        protobuf_c_message_free_unpacked(&r->base, NULL);
        if (after == 0)
            return n;
    }
}

/* A business date days after date, or "" when it falls after the demo period. */
static void later(const char *date, int days, char out[11])
{
    int d = demo_date_days(date) + days;
    if (d > demo_date_days(DEMO_TO))
        out[0] = '\0';
    else
        demo_date_format(d, out);
}

static int assess(demo_run *run, int64_t case_id, const char *on, int *worst)
{
    int domains[4], severities[4];
    int n = demo_case_needs(run->opt->seed, case_id, domains, severities);
    Welfare__Case__V1__Need needs[4], *ptrs[4];
    *worst = 0;
    for (int i = 0; i < n; i++) {
        welfare__case__v1__need__init(&needs[i]);
        needs[i].domain = (Welfare__Common__V1__NeedDomain)domains[i];
        needs[i].severity = (Welfare__Common__V1__Severity)severities[i];
        ptrs[i] = &needs[i];
        if (severities[i] > *worst)
            *worst = severities[i];
    }
    Welfare__Case__V1__AssessNeeds q = WELFARE__CASE__V1__ASSESS_NEEDS__INIT;
    ProtobufCMessage *reply = NULL;
    q.case_id = case_id;
    q.needs = ptrs;
    q.n_needs = (size_t)n;
    q.assessed_on = (char *)on;
    int rc = demo_call(run, run->kase, "assess", (uint64_t)case_id, &q.base,
                       &welfare__case__v1__assess_needs_reply__descriptor, &reply);
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
    if (rc == 0)
        run->n_assessed++;
    return rc;
}

/* The call after the assessment, and the follow-up visit it books. */
static int follow_up(demo_run *run, int64_t case_id, const char *assessed_on)
{
    char call[11], visit[11];
    later(assessed_on, CALL_AFTER, call);
    if (!call[0])
        return 0;
    later(call, VISIT_AFTER, visit); /* none when it would fall after the period */
    Welfare__Case__V1__RecordFollowUp q = WELFARE__CASE__V1__RECORD_FOLLOW_UP__INIT;
    Welfare__Case__V1__RecordFollowUpReply *r = NULL;
    q.case_id = case_id;
    q.kind = WELFARE__CASE__V1__FOLLOW_UP_KIND__FOLLOW_UP_KIND_PHONE;
    q.note = "안부 전화: 연계 진행 상황 안내, 방문 일정 약속"; /* a worker's note, synthetic */
    q.recorded_on = call;
    q.next_visit_on = visit;
    int rc = demo_call(run, run->kase, "follow-up", (uint64_t)case_id, &q.base,
                       &welfare__case__v1__record_follow_up_reply__descriptor, (ProtobufCMessage **)&r);
    if (r) {
        run->n_follow_ups += r->visit_request_id > 0;
        protobuf_c_message_free_unpacked(&r->base, NULL);
    }
    return rc;
}

static int close_case(demo_run *run, int64_t case_id, int reason, const char *on)
{
    Welfare__Case__V1__CloseCase q = WELFARE__CASE__V1__CLOSE_CASE__INIT;
    ProtobufCMessage *reply = NULL;
    q.case_id = case_id;
    q.reason = (Welfare__Case__V1__CloseReason)reason;
    q.closed_on = (char *)on;
    int rc = demo_call(run, run->kase, "close", (uint64_t)case_id, &q.base,
                       &welfare__case__v1__close_case_reply__descriptor, &reply);
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* One case's work; returns WH_UNAVAILABLE only when the service is gone (other failures are printed
 * and counted by demo_call, and the demo goes on). */
static int work_case(demo_run *run, const Welfare__Case__V1__CaseSummary *c, size_t *closed)
{
    uint64_t seed = run->opt->seed;
    char on[11], goals[11];
    int worst, rc;
    /* Closed cases too: on a second run each command gets its stored reply, so the tallies agree. */
    if (!demo_case_assessed(seed, c->case_id))
        return 0;
    later(c->opened_on, 3 + (int)(c->case_id % 8), on);
    if (!on[0])
        return 0;
    if ((rc = assess(run, c->case_id, on, &worst)) != 0)
        return rc == WH_UNAVAILABLE ? rc : 0;
    if (worst < MODERATE) {
        *closed +=
            close_case(run, c->case_id, WELFARE__CASE__V1__CLOSE_REASON__CLOSE_REASON_NO_NEED, on) == 0;
        return 0;
    }
    if (worst >= HIGH && (rc = follow_up(run, c->case_id, on)) == WH_UNAVAILABLE)
        return rc;
    demo_rng r;
    demo_rng_seed(&r, seed ^ ((uint64_t)c->case_id << 28), STREAM_CLOSE);
    later(on, GOALS_AFTER, goals);
    if (goals[0] && demo_rng_chance(&r, GOALS_PERCENT)) {
        rc = close_case(run, c->case_id, WELFARE__CASE__V1__CLOSE_REASON__CLOSE_REASON_GOALS_MET, goals);
        if (rc == WH_UNAVAILABLE)
            return rc;
        *closed += rc == 0;
    }
    return 0;
}

int demo_work_cases(demo_run *run)
{
    int64_t n = demo_settle(run, "cases to open", count_cases, (int64_t)run->n_cases_expected);
    if (n < 0)
        return (int)n;
    demo_say(run, "  %lld cases open (%zu households at case-level risk)\n", (long long)n,
             run->n_cases_expected);
    size_t done = 0, closed = 0;
    int64_t after = 0;
    int rc = 0;
    do {
        Welfare__Case__V1__ListCases q = WELFARE__CASE__V1__LIST_CASES__INIT;
        Welfare__Case__V1__ListCasesReply *page = NULL;
        q.limit = PAGE;
        q.after_id = after;
        if (demo_query(run, run->kase, &q.base, &welfare__case__v1__list_cases_reply__descriptor,
                       (ProtobufCMessage **)&page) != 0)
            return WH_UNAVAILABLE;
        for (size_t i = 0; rc == 0 && i < page->n_cases; i++) {
            rc = work_case(run, page->cases[i], &closed);
            done++;
            demo_progress(run, "cases worked", done, (size_t)n > done ? (size_t)n : done);
        }
        after = page->next_after_id;
        protobuf_c_message_free_unpacked(&page->base, NULL);
    } while (rc == 0 && after != 0);
    if (rc == 0)
        demo_say(run, "  %zu cases assessed, %zu follow-up visits booked, %zu closed\n", run->n_assessed,
                 run->n_follow_ups, closed);
    return rc;
}

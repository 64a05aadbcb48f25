/*
 * handle_visit.c — RecordVisitOutcome and ListVisitRequests.  A missed visit sends its request back
 * to pending, so the next planning picks it up again.
 */
#include <string.h>

#include "routing.h"

#include "wh/metrics.h"
#include "wh/util.h"

#define COMPLETED WELFARE__ROUTING__V1__VISIT_OUTCOME__VISIT_OUTCOME_COMPLETED
#define MISSED    WELFARE__ROUTING__V1__VISIT_OUTCOME__VISIT_OUTCOME_MISSED

static int validate(wh_ctx *ctx, const Welfare__Routing__V1__RecordVisitOutcome *m)
{
    if (m->visit_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "visit_id", "visit_id is required");
    if (m->outcome != COMPLETED && m->outcome != MISSED)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "outcome", "outcome must be COMPLETED or MISSED");
    if (m->outcome == MISSED &&
        (m->miss_reason <= WELFARE__ROUTING__V1__MISS_REASON__MISS_REASON_UNSPECIFIED ||
         m->miss_reason > WELFARE__ROUTING__V1__MISS_REASON__MISS_REASON_OUT_OF_TIME))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "miss_reason", "a missed visit needs a known reason");
    if (m->outcome == COMPLETED && m->miss_reason != 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "miss_reason", "a completed visit has no miss reason");
    return 0;
}

static int emit_outcome(wh_ctx *ctx, const Welfare__Routing__V1__RecordVisitOutcome *m, routing_visit_info *v,
                        char *date)
{
    if (m->outcome == COMPLETED) {
        Welfare__Routing__V1__VisitCompleted ev = WELFARE__ROUTING__V1__VISIT_COMPLETED__INIT;
        ev.visit_id = m->visit_id;
        ev.visit_request_id = v->visit_request_id;
        ev.case_id = v->case_id;
        ev.dong_code = v->dong_code;
        ev.staff_count = v->staff_count;
        ev.visited_on = date;
        return wh_ctx_emit(ctx, &ev.base);
    }
    Welfare__Routing__V1__VisitMissed ev = WELFARE__ROUTING__V1__VISIT_MISSED__INIT;
    ev.visit_id = m->visit_id;
    ev.visit_request_id = v->visit_request_id;
    ev.case_id = v->case_id;
    ev.dong_code = v->dong_code;
    ev.reason = m->miss_reason;
    ev.missed_on = date;
    return wh_ctx_emit(ctx, &ev.base);
}

int routing_handle_record_visit_outcome(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Routing__V1__RecordVisitOutcome *m = (const void *)req;
    routing_visit_info v;
    char date[11];
    wh_db *db = wh_ctx_db(ctx);
    int rc = validate(ctx, m);
    if (rc < 0)
        return rc;
    if ((rc = routing_store_visit(db, m->visit_id, &v)) < 0)
        return wh_ctx_fail(ctx, rc, "visit_id",
                           rc == WH_NOT_FOUND ? "no such visit" : "could not read the visit");
    if (strcmp(v.status, "scheduled") != 0)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "visit_id",
                           "the visit's outcome is recorded already");
    if ((rc = wh_ctx_business_date(ctx, m->date, "date", v.plan_date, date)) < 0)
        return rc;
    bool done = m->outcome == COMPLETED;
    rc = routing_store_set_visit_outcome(db, m->visit_id, done ? "completed" : "missed",
                                         done ? 0 : m->miss_reason, date);
    if (rc == 0)
        rc = routing_store_set_request_status(db, v.visit_request_id, done ? "completed" : "pending");
    if (rc == 0)
        rc = emit_outcome(ctx, m, &v, date);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not record the outcome");
    wh_counter_add(wh_metrics_counter("routing_visit_outcomes_total",
                                      done ? "outcome=\"completed\"" : "outcome=\"missed\"",
                                      "Visit outcomes recorded"),
                   1);

    Welfare__Routing__V1__RecordVisitOutcomeReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__routing__v1__record_visit_outcome_reply__init(r);
    r->visit_id = m->visit_id;
    r->visit_request_id = v.visit_request_id;
    r->request_status = done ? WELFARE__ROUTING__V1__VISIT_REQUEST_STATUS__VISIT_REQUEST_STATUS_COMPLETED
                             : WELFARE__ROUTING__V1__VISIT_REQUEST_STATUS__VISIT_REQUEST_STATUS_PENDING;
    *reply = &r->base;
    return 0;
}

int routing_handle_list_visit_requests(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Routing__V1__ListVisitRequests *m = (const void *)req;
    if (m->limit < 0 || m->limit > 1000)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "limit", "limit must be 0..1000");
    if (m->after_id < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "after_id", "after_id must not be negative");
    if (m->hub_dong_code && !wh_utf8_valid(m->hub_dong_code, ROUTING_CODE_MAX))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "hub_dong_code",
                           "hub_dong_code must be at most 32 bytes");
    if (m->status < 0 || m->status > WELFARE__ROUTING__V1__VISIT_REQUEST_STATUS__VISIT_REQUEST_STATUS_DROPPED)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "status", "unknown status");
    Welfare__Routing__V1__ListVisitRequestsReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__routing__v1__list_visit_requests_reply__init(r);
    int rc = routing_store_list_requests(ctx, m, &r->requests, &r->n_requests);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not list visit requests");
    *reply = &r->base;
    return 0;
}

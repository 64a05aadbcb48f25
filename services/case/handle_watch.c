/*
 * handle_watch.c — the visit cycle and the escalation queue of a hub: ListDueVisits,
 * ProposeDueVisits (due monitoring visits asked of routing, which places them in the next PlanDay)
 * ListEscalations, and ListReReferrals (closed cases' households reported again, waiting for the hub).
 */
#include <string.h>

#include "case.h"

#include "wh/util.h"

#define DEFAULT_LIMIT 100
#define WINDOW_DAYS   14

static int check_hub_limit(wh_ctx *ctx, const char *hub, int limit)
{
    if (!case_text_ok(hub, CASE_CODE_MAX))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "hub_dong_code",
                           "hub_dong_code is required (1..32 bytes)");
    if (limit < 0 || limit > 1000)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "limit", "limit must be 0..1000");
    return 0;
}

int case_handle_list_due_visits(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Case__V1__ListDueVisits *m = (const void *)req;
    char as_of[11];
    int rc = check_hub_limit(ctx, m->hub_dong_code, m->limit);
    if (rc == 0)
        rc = wh_ctx_business_date(ctx, m->as_of, "as_of", NULL, as_of);
    if (rc < 0)
        return rc;
    Welfare__Case__V1__ListDueVisitsReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__case__v1__list_due_visits_reply__init(r);
    rc = case_store_list_due(ctx, m->hub_dong_code, as_of, m->overdue_only, false,
                             m->limit ? m->limit : DEFAULT_LIMIT, &r->visits, &r->n_visits);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not list the due visits");
    *reply = &r->base;
    return 0;
}

/* One monitoring visit of a due household: a welfare official, from the due date (or as_of when
 * overdue) over the default window. */
static int propose(wh_ctx *ctx, const Welfare__Case__V1__DueVisit *d, const char *as_of, int64_t *id)
{
    case_household h;
    int rc = case_store_household(wh_ctx_db(ctx), d->household_id, &h);
    if (rc < 0)
        return rc;
    case_visit v = {.purpose = WELFARE__CASE__V1__VISIT_PURPOSE__VISIT_PURPOSE_MONITORING, .n_roles = 1};
    v.roles[0] = CASE_ROLE_OFFICIAL;
    v.priority = h.risk_score;
    v.duration_minutes = 30;
    const char *from = strcmp(d->due_on, as_of) > 0 ? d->due_on : as_of;
    memcpy(v.earliest_on, from, 10);
    v.earliest_on[10] = '\0';
    wh_date_add_days(v.earliest_on, WINDOW_DAYS, v.latest_on);
    return case_request_household_visit(ctx, &h, &v, id);
}

int case_handle_propose_due_visits(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Case__V1__ProposeDueVisits *m = (const void *)req;
    char as_of[11];
    int rc = check_hub_limit(ctx, m->hub_dong_code, m->limit);
    if (rc == 0)
        rc = wh_ctx_business_date(ctx, m->as_of, "as_of", NULL, as_of);
    if (rc < 0)
        return rc;
    Welfare__Case__V1__DueVisit **due;
    size_t n;
    if ((rc = case_store_list_due(ctx, m->hub_dong_code, as_of, false, true,
                                  m->limit ? m->limit : DEFAULT_LIMIT, &due, &n)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not list the due visits");
    Welfare__Case__V1__ProposeDueVisitsReply *r = wh_ctx_alloc(ctx, sizeof *r);
    int64_t *ids = wh_ctx_alloc(ctx, sizeof *ids * (n ? n : 1));
    if (!r || !ids)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__case__v1__propose_due_visits_reply__init(r);
    for (size_t i = 0; i < n; i++)
        if ((rc = propose(ctx, due[i], as_of, &ids[i])) < 0)
            return wh_ctx_fail(ctx, rc, NULL, "could not request the monitoring visits");
    r->visit_request_ids = ids;
    r->n_visit_request_ids = n;
    *reply = &r->base;
    return 0;
}

int case_handle_list_escalations(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Case__V1__ListEscalations *m = (const void *)req;
    int rc = check_hub_limit(ctx, m->hub_dong_code, m->limit);
    if (rc < 0)
        return rc;
    Welfare__Case__V1__ListEscalationsReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__case__v1__list_escalations_reply__init(r);
    rc = case_store_list_escalations(ctx, m->hub_dong_code, m->limit ? m->limit : DEFAULT_LIMIT,
                                     &r->escalations, &r->n_escalations);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not list the escalations");
    *reply = &r->base;
    return 0;
}

int case_handle_list_re_referrals(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Case__V1__ListReReferrals *m = (const void *)req;
    int rc = check_hub_limit(ctx, m->hub_dong_code, m->limit);
    if (rc < 0)
        return rc;
    Welfare__Case__V1__ListReReferralsReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__case__v1__list_re_referrals_reply__init(r);
    rc = case_store_list_rereferrals(ctx, m->hub_dong_code, m->limit ? m->limit : DEFAULT_LIMIT,
                                     &r->households, &r->n_households);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not list the re-referrals");
    *reply = &r->base;
    return 0;
}

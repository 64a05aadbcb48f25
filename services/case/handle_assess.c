/*
 * handle_assess.c — AssessNeeds and RequestLinkage: what a household needs, and the requests to the
 * registry for resources that meet it.
 *
 * An assessment asks for a linkage for each need of moderate severity or above, unless the case has
 * one of that domain requested or completed already (a reassessment does not link the household to
 * a second resource for the same need; a failed linkage may be tried again).  Low needs are watched,
 * not linked.
 */
#include <stdio.h>

#include "case.h"

#define MODERATE WELFARE__COMMON__V1__SEVERITY__SEVERITY_MODERATE

static int validate_needs(wh_ctx *ctx, const Welfare__Case__V1__AssessNeeds *m)
{
    char field[48];
    if (m->n_needs < 1 || m->n_needs > CASE_MAX_NEEDS)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "needs", "1..8 needs are required");
    for (size_t i = 0; i < m->n_needs; i++) {
        snprintf(field, sizeof field, "needs.%zu", i);
        int rc = case_check_need(ctx, m->needs[i], field);
        if (rc < 0)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (m->needs[j]->domain == m->needs[i]->domain) {
                snprintf(field, sizeof field, "needs.%zu.domain", i);
                return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field, "%s repeats a domain assessed above",
                                   field);
            }
    }
    return 0;
}

static int record(wh_ctx *ctx, const case_record *c, const Welfare__Case__V1__AssessNeeds *m,
                  const char *date, int64_t *assessment_id)
{
    wh_db *db = wh_ctx_db(ctx);
    int rc = case_store_insert_assessment(db, c->id, date, assessment_id);
    for (size_t i = 0; rc == 0 && i < m->n_needs; i++)
        rc = case_store_insert_need(db, *assessment_id, m->needs[i]->domain, m->needs[i]->severity);
    if (rc < 0)
        return rc;
    Welfare__Case__V1__NeedAssessed ev = WELFARE__CASE__V1__NEED_ASSESSED__INIT;
    ev.case_id = c->id;
    ev.assessment_id = *assessment_id;
    ev.dong_code = (char *)c->dong_code;
    ev.needs = m->needs;
    ev.n_needs = m->n_needs;
    ev.assessed_on = (char *)date;
    return wh_ctx_emit(ctx, &ev.base);
}

static int link_needs(wh_ctx *ctx, const case_record *c, const Welfare__Case__V1__AssessNeeds *m,
                      const char *date, Welfare__Case__V1__AssessNeedsReply *r)
{
    r->linkage_ids = wh_ctx_alloc(ctx, sizeof *r->linkage_ids * m->n_needs);
    if (!r->linkage_ids)
        return WH_INTERNAL;
    for (size_t i = 0; i < m->n_needs; i++) {
        const Welfare__Case__V1__Need *n = m->needs[i];
        bool linked;
        if (n->severity < MODERATE)
            continue;
        int rc = case_store_domain_linked(wh_ctx_db(ctx), c->id, n->domain, &linked);
        if (rc == 0 && !linked)
            rc = case_request_linkage(ctx, c, r->assessment_id, n->domain, n->severity, date,
                                      &r->linkage_ids[r->n_linkage_ids++]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int case_handle_assess_needs(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Case__V1__AssessNeeds *m = (const void *)req;
    char date[11];
    case_record c;
    int rc = validate_needs(ctx, m);
    if (rc == 0)
        rc = wh_ctx_business_date(ctx, m->assessed_on, "assessed_on", NULL, date);
    if (rc == 0)
        rc = case_load_open(ctx, m->case_id, date, "assessed_on", &c);
    if (rc < 0)
        return rc;
    Welfare__Case__V1__AssessNeedsReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__case__v1__assess_needs_reply__init(r);
    if ((rc = record(ctx, &c, m, date, &r->assessment_id)) < 0 || (rc = link_needs(ctx, &c, m, date, r)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not record the assessment");
    *reply = &r->base;
    return 0;
}

int case_handle_request_linkage(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Case__V1__RequestLinkage *m = (const void *)req;
    char date[11];
    case_record c;
    int rc = case_check_need(ctx, m->need, "need");
    if (rc == 0)
        rc = wh_ctx_business_date(ctx, m->requested_on, "requested_on", NULL, date);
    if (rc == 0)
        rc = case_load_open(ctx, m->case_id, date, "requested_on", &c);
    if (rc < 0)
        return rc;
    Welfare__Case__V1__RequestLinkageReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__case__v1__request_linkage_reply__init(r);
    rc = case_request_linkage(ctx, &c, 0, m->need->domain, m->need->severity, date, &r->linkage_id);
    if (rc == WH_ALREADY_EXISTS)
        return wh_ctx_fail(ctx, rc, "need.domain", "a linkage of this domain is waiting for the registry");
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not request the linkage");
    *reply = &r->base;
    return 0;
}

/*
 * handle_visit.c — RequestVisit and RecordFollowUp: home visits asked of routing, and the follow-up
 * contacts of a case (each may ask for the next visit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"

#include "wh/util.h"

#define DEFAULT_MINUTES 30
#define WINDOW_DAYS     14

static int validate_visit(wh_ctx *ctx, const Welfare__Case__V1__RequestVisit *m)
{
    char field[32];
    if (m->n_roles > CASE_MAX_ROLES)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "roles", "at most 4 roles may attend together");
    for (size_t i = 0; i < m->n_roles; i++)
        if (!case_role_ok(m->roles[i])) {
            snprintf(field, sizeof field, "roles.%zu", i);
            return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field, "%s is not a known staff role", field);
        }
    if (m->priority < 0 || m->priority > 100)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "priority", "priority must be 0..100");
    if (m->duration_minutes < 0 || m->duration_minutes > 480)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "duration_minutes", "duration_minutes must be 0..480");
    return 0;
}

/* The latest date given (not before earliest), or the default window after earliest. */
static int latest_date(wh_ctx *ctx, const char *given, const char *earliest, char out[11])
{
    if (!given || !*given) {
        wh_date_add_days(earliest, WINDOW_DAYS, out);
        return 0;
    }
    int rc = wh_ctx_business_date(ctx, given, "latest_on", NULL, out);
    if (rc == 0 && strcmp(out, earliest) < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "latest_on", "latest_on is before earliest_on");
    return rc;
}

int case_handle_request_visit(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Case__V1__RequestVisit *m = (const void *)req;
    case_visit v = {.purpose = WELFARE__CASE__V1__VISIT_PURPOSE__VISIT_PURPOSE_OTHER};
    case_record c;
    int rc = validate_visit(ctx, m);
    if (rc == 0)
        rc = wh_ctx_business_date(ctx, m->earliest_on, "earliest_on", NULL, v.earliest_on);
    if (rc == 0)
        rc = latest_date(ctx, m->latest_on, v.earliest_on, v.latest_on);
    if (rc == 0)
        rc = case_load_open(ctx, m->case_id, v.earliest_on, "earliest_on", &c);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < m->n_roles; i++)
        v.roles[v.n_roles++] = m->roles[i];
    if (v.n_roles == 0 && (rc = case_worker_role(ctx, &c, &v.roles[v.n_roles++])) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the case's worker");
    v.priority = m->priority > 0 ? m->priority : c.risk_score;
    v.duration_minutes = m->duration_minutes > 0 ? m->duration_minutes : DEFAULT_MINUTES;
    Welfare__Case__V1__RequestVisitReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__case__v1__request_visit_reply__init(r);
    if ((rc = case_request_visit(ctx, &c, &v, &r->visit_request_id)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not request the visit");
    r->joint = v.n_roles > 1;
    *reply = &r->base;
    return 0;
}

static int validate_follow_up(wh_ctx *ctx, const Welfare__Case__V1__RecordFollowUp *m)
{
    if (m->kind <= WELFARE__CASE__V1__FOLLOW_UP_KIND__FOLLOW_UP_KIND_UNSPECIFIED ||
        m->kind > WELFARE__CASE__V1__FOLLOW_UP_KIND__FOLLOW_UP_KIND_PARTNER)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "kind", "kind is required");
    return case_check_note(ctx, m->note);
}

/* The follow-up visit: the worker's profession, from next_visit_on, within the default window. */
static int next_visit(wh_ctx *ctx, const case_record *c, const char *on, int64_t *visit_request_id)
{
    case_visit v = {.purpose = WELFARE__CASE__V1__VISIT_PURPOSE__VISIT_PURPOSE_FOLLOW_UP, .n_roles = 1};
    int rc = case_worker_role(ctx, c, &v.roles[0]);
    if (rc < 0)
        return rc;
    v.priority = c->risk_score;
    v.duration_minutes = DEFAULT_MINUTES;
    memcpy(v.earliest_on, on, 11);
    wh_date_add_days(on, WINDOW_DAYS, v.latest_on);
    return case_request_visit(ctx, c, &v, visit_request_id);
}

static int record_follow_up(wh_ctx *ctx, const case_record *c, const Welfare__Case__V1__RecordFollowUp *m,
                            const char *date, const char *next_on, Welfare__Case__V1__RecordFollowUpReply *r)
{
    char *sealed = NULL;
    int rc = case_seal_note(m->note, &sealed);
    if (rc == 0 && next_on[0])
        rc = next_visit(ctx, c, next_on, &r->visit_request_id);
    if (rc == 0)
        rc = case_store_insert_follow_up(wh_ctx_db(ctx), c->id, m->kind, sealed, date, r->visit_request_id,
                                         &r->follow_up_id);
    free(sealed);
    if (rc < 0)
        return rc;
    Welfare__Case__V1__FollowUpRecorded ev = WELFARE__CASE__V1__FOLLOW_UP_RECORDED__INIT;
    ev.case_id = c->id;
    ev.dong_code = (char *)c->dong_code;
    ev.recorded_on = (char *)date;
    return wh_ctx_emit(ctx, &ev.base);
}

int case_handle_record_follow_up(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Case__V1__RecordFollowUp *m = (const void *)req;
    char date[11], next_on[11] = "";
    case_record c;
    int rc = validate_follow_up(ctx, m);
    if (rc == 0)
        rc = wh_ctx_business_date(ctx, m->recorded_on, "recorded_on", NULL, date);
    if (rc == 0 && m->next_visit_on && *m->next_visit_on &&
        (rc = wh_ctx_business_date(ctx, m->next_visit_on, "next_visit_on", NULL, next_on)) == 0 &&
        strcmp(next_on, date) < 0)
        rc = wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "next_visit_on", "next_visit_on is before recorded_on");
    if (rc == 0)
        rc = case_load_open(ctx, m->case_id, date, "recorded_on", &c);
    if (rc < 0)
        return rc;
    Welfare__Case__V1__RecordFollowUpReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__case__v1__record_follow_up_reply__init(r);
    if ((rc = record_follow_up(ctx, &c, m, date, next_on, r)) < 0)
        return wh_ctx_fail(ctx, rc, rc == WH_FAILED_PRECONDITION ? "note" : NULL,
                           rc == WH_FAILED_PRECONDITION ? "the note could not be sealed"
                                                        : "could not record the follow-up");
    *reply = &r->base;
    return 0;
}

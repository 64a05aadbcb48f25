/*
 * query_discovery.c — QuerySurveys and QuerySafetyNet on the bus: the selection checked as
 * QueryKpi's (errors name "selection.<field>"), the figures built by discovery.c and copied into the
 * reply, allocated from the handler's ctx.
 */
#include <stdio.h>
#include <string.h>

#include "discovery.h"
#include "wh/status.h"

/* The request's selection as a reporting_selection: 0, or the failure recorded in ctx. */
static int selection_of(wh_ctx *ctx, const Welfare__Reporting__V1__KpiSelection *sel, reporting_selection *s)
{
    if (!sel)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "selection", "selection is required");
    *s = (reporting_selection){sel->dong_codes, sel->n_dong_codes, sel->from_on, sel->to_on};
    return 0;
}

static int build_failed(wh_ctx *ctx, int rc, const char *field, const char *why, const char *what)
{
    if (rc == WH_INVALID_ARGUMENT) {
        char path[96];
        snprintf(path, sizeof path, "selection.%s", field);
        return wh_ctx_fail(ctx, rc, path, "%s", why);
    }
    return wh_ctx_fail(ctx, rc, NULL, "could not read %s", what);
}

static Welfare__Reporting__V1__KpiSelection *selection_reply(wh_ctx *ctx, const reporting_selection *s,
                                                             const char *from_on, const char *to_on)
{
    Welfare__Reporting__V1__KpiSelection *out = wh_ctx_alloc(ctx, sizeof *out);
    if (!out)
        return NULL;
    welfare__reporting__v1__kpi_selection__init(out);
    out->from_on = wh_ctx_strdup(ctx, from_on);
    out->to_on = wh_ctx_strdup(ctx, to_on);
    out->dong_codes = wh_ctx_alloc(ctx, (s->n_dongs ? s->n_dongs : 1) * sizeof *out->dong_codes);
    if (!out->from_on || !out->to_on || !out->dong_codes)
        return NULL;
    for (size_t i = 0; i < s->n_dongs; i++)
        if (!(out->dong_codes[out->n_dong_codes++] = wh_ctx_strdup(ctx, s->dong_codes[i])))
            return NULL;
    return out;
}

static Welfare__Reporting__V1__SurveyFigures *survey_figures(wh_ctx *ctx, const reporting_survey_row *row,
                                                             const int64_t *v)
{
    Welfare__Reporting__V1__SurveyFigures *f = wh_ctx_alloc(ctx, sizeof *f);
    if (!f)
        return NULL;
    welfare__reporting__v1__survey_figures__init(f);
    if (row) {
        f->survey_id = row->survey_id;
        f->name = wh_ctx_strdup(ctx, row->name);
        f->target_group = wh_ctx_strdup(ctx, row->target_group);
        f->start_on = wh_ctx_strdup(ctx, row->start_on);
        f->end_on = wh_ctx_strdup(ctx, row->end_on);
        if (!f->name || !f->target_group || !f->start_on || !f->end_on)
            return NULL;
    }
    f->households_listed = v[REPORTING_SURVEY_LISTED];
    f->households_surveyed = v[REPORTING_SURVEY_SURVEYED];
    f->no_need = v[REPORTING_SURVEY_NO_NEED];
    f->need = v[REPORTING_SURVEY_NEED];
    f->not_reachable = v[REPORTING_SURVEY_NOT_REACHABLE];
    f->refused = v[REPORTING_SURVEY_REFUSED];
    f->pending = v[REPORTING_SURVEY_PENDING];
    f->service_linkages = v[REPORTING_SURVEY_LINKAGES];
    f->support_krw = v[REPORTING_SURVEY_SUPPORT_KRW];
    f->selected_for_case_management = v[REPORTING_SURVEY_CASE_MANAGEMENT];
    return f;
}

static Welfare__Reporting__V1__QuerySurveysReply *surveys_reply(wh_ctx *ctx, const reporting_selection *s,
                                                                const reporting_surveys *sv)
{
    Welfare__Reporting__V1__QuerySurveysReply *out = wh_ctx_alloc(ctx, sizeof *out);
    if (!out)
        return NULL;
    welfare__reporting__v1__query_surveys_reply__init(out);
    out->selection = selection_reply(ctx, s, sv->from_on, sv->to_on);
    out->total = survey_figures(ctx, NULL, sv->total);
    out->surveys = wh_ctx_alloc(ctx, (sv->n_rows ? sv->n_rows : 1) * sizeof *out->surveys);
    if (!out->selection || !out->total || !out->surveys)
        return NULL;
    for (size_t i = 0; i < sv->n_rows; i++)
        if (!(out->surveys[out->n_surveys++] = survey_figures(ctx, &sv->rows[i], sv->rows[i].v)))
            return NULL;
    return out;
}

int reporting_handle_query_surveys(wh_ctx *ctx, const ProtobufCMessage *request, ProtobufCMessage **reply)
{
    const Welfare__Reporting__V1__QuerySurveys *q = (const Welfare__Reporting__V1__QuerySurveys *)request;
    reporting_selection s;
    reporting_surveys sv;
    const char *field = "", *why = "";
    int rc = selection_of(ctx, q->selection, &s);
    if (rc != 0)
        return rc;
    if ((rc = reporting_build_surveys(wh_ctx_db(ctx), &s, &sv, &field, &why)) != 0) {
        reporting_surveys_free(&sv);
        return build_failed(ctx, rc, field, why, "the surveys");
    }
    Welfare__Reporting__V1__QuerySurveysReply *out = surveys_reply(ctx, &s, &sv);
    reporting_surveys_free(&sv);
    if (!out)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    *reply = &out->base;
    return 0;
}

static Welfare__Reporting__V1__SafetyNetFigures *net_figures(wh_ctx *ctx, const int64_t *v)
{
    Welfare__Reporting__V1__SafetyNetFigures *f = wh_ctx_alloc(ctx, sizeof *f);
    if (!f)
        return NULL;
    welfare__reporting__v1__safety_net_figures__init(f);
    f->check_ins = v[REPORTING_NET_CHECK_INS];
    f->seen_well = v[REPORTING_NET_SEEN_WELL];
    f->concerns = v[REPORTING_NET_CONCERNS];
    f->not_seen = v[REPORTING_NET_NOT_SEEN];
    f->check_in_referrals = v[REPORTING_NET_REFERRALS];
    f->credited_selected_for_aid = v[REPORTING_NET_CREDIT_AID];
    f->credited_cases_opened = v[REPORTING_NET_CREDIT_CASE];
    f->referrals = v[REPORTING_NET_FILED];
    f->households_discovered = v[REPORTING_NET_DISCOVERED];
    f->resources_found = v[REPORTING_NET_FOUND];
    f->resources_found_krw = v[REPORTING_NET_FOUND_KRW];
    return f;
}

static Welfare__Reporting__V1__MemberFigures *member_figures(wh_ctx *ctx, const reporting_member_row *m)
{
    Welfare__Reporting__V1__MemberFigures *f = wh_ctx_alloc(ctx, sizeof *f);
    if (!f)
        return NULL;
    welfare__reporting__v1__member_figures__init(f);
    f->member_id = m->member_id;
    f->dong_code = wh_ctx_strdup(ctx, m->dong_code);
    f->team = (Welfare__Intake__V1__SafetyNetTeam)m->team;
    f->affiliation = wh_ctx_strdup(ctx, m->affiliation);
    f->figures = net_figures(ctx, m->v);
    return f->dong_code && f->affiliation && f->figures ? f : NULL;
}

static Welfare__Reporting__V1__TeamFigures *team_figures(wh_ctx *ctx, const reporting_team_row *t)
{
    Welfare__Reporting__V1__TeamFigures *f = wh_ctx_alloc(ctx, sizeof *f);
    if (!f)
        return NULL;
    welfare__reporting__v1__team_figures__init(f);
    f->team = (Welfare__Intake__V1__SafetyNetTeam)t->team;
    f->members = t->members;
    f->figures = net_figures(ctx, t->v);
    return f->figures ? f : NULL;
}

static Welfare__Reporting__V1__QuerySafetyNetReply *net_reply(wh_ctx *ctx, const reporting_selection *s,
                                                              const reporting_safety_net *n)
{
    Welfare__Reporting__V1__QuerySafetyNetReply *out = wh_ctx_alloc(ctx, sizeof *out);
    if (!out)
        return NULL;
    welfare__reporting__v1__query_safety_net_reply__init(out);
    out->selection = selection_reply(ctx, s, n->from_on, n->to_on);
    out->total = net_figures(ctx, n->total);
    out->members = wh_ctx_alloc(ctx, (n->n_members ? n->n_members : 1) * sizeof *out->members);
    out->teams = wh_ctx_alloc(ctx, REPORTING_TEAMS * sizeof *out->teams);
    if (!out->selection || !out->total || !out->members || !out->teams)
        return NULL;
    for (size_t i = 0; i < n->n_members; i++)
        if (!(out->members[out->n_members++] = member_figures(ctx, &n->members[i])))
            return NULL;
    for (size_t i = 0; i < n->n_teams; i++)
        if (!(out->teams[out->n_teams++] = team_figures(ctx, &n->teams[i])))
            return NULL;
    return out;
}

int reporting_handle_query_safety_net(wh_ctx *ctx, const ProtobufCMessage *request, ProtobufCMessage **reply)
{
    const Welfare__Reporting__V1__QuerySafetyNet *q = (const Welfare__Reporting__V1__QuerySafetyNet *)request;
    reporting_selection s;
    reporting_safety_net n;
    const char *field = "", *why = "";
    int rc = selection_of(ctx, q->selection, &s);
    if (rc != 0)
        return rc;
    if ((rc = reporting_build_safety_net(wh_ctx_db(ctx), &s, &n, &field, &why)) != 0) {
        reporting_safety_net_free(&n);
        return build_failed(ctx, rc, field, why, "the safety net's work");
    }
    Welfare__Reporting__V1__QuerySafetyNetReply *out = net_reply(ctx, &s, &n);
    reporting_safety_net_free(&n);
    if (!out)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    *reply = &out->base;
    return 0;
}

/*
 * handle_roster_query.c — ListEnrolments (a household's enrolments and its members' target spells)
 * and ListProgrammes (the programme table).
 */
#include <stdlib.h>
#include <string.h>

#include "roster.h"

static char *day_text(wh_ctx *ctx, int32_t day)
{
    char d[INTAKE_DATE_LEN + 1] = "";
    if (day != INTAKE_DAY_OPEN)
        intake_day_format(day, d);
    return wh_ctx_strdup(ctx, d);
}

static Welfare__Intake__V1__EnrolmentSummary *summary(wh_ctx *ctx, const intake_enrolment *e)
{
    Welfare__Intake__V1__EnrolmentSummary *s = wh_ctx_alloc(ctx, sizeof *s);
    if (!s)
        return NULL;
    welfare__intake__v1__enrolment_summary__init(s);
    s->enrolment_id = e->id;
    s->person_id = e->person_id;
    s->programme = wh_ctx_strdup(ctx, e->programme);
    s->start_on = day_text(ctx, e->start);
    s->end_on = day_text(ctx, e->end);
    s->source = (Welfare__Intake__V1__EnrolmentSource)e->source;
    s->exit_reason = (Welfare__Intake__V1__ExitReason)e->exit_reason;
    s->decided_from = wh_ctx_strdup(ctx, e->decided_from);
    return s->programme && s->start_on && s->end_on && s->decided_from ? s : NULL;
}

/* The spells of one person's enrolments e[n] appended to r. */
static int person_spells(wh_ctx *ctx, const intake_enrolment *e, size_t n,
                         Welfare__Intake__V1__ListEnrolmentsReply *r)
{
    intake_span *s = malloc(n * sizeof *s);
    if (!s)
        return WH_INTERNAL;
    for (size_t i = 0; i < n; i++)
        s[i] = (intake_span){e[i].start, e[i].end};
    size_t k = intake_spans_union(s, n);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < k; i++) {
        Welfare__Intake__V1__TargetSpell *t = wh_ctx_alloc(ctx, sizeof *t);
        if (!t)
            rc = WH_INTERNAL;
        else {
            welfare__intake__v1__target_spell__init(t);
            t->person_id = e[0].person_id;
            t->from_on = day_text(ctx, s[i].from);
            t->until_on = day_text(ctx, s[i].until);
            r->spells[r->n_spells++] = t;
            rc = t->from_on && t->until_on ? 0 : WH_INTERNAL;
        }
    }
    free(s);
    return rc;
}

static int fill(wh_ctx *ctx, const intake_enrolment *e, size_t n, Welfare__Intake__V1__ListEnrolmentsReply *r)
{
    r->enrolments = wh_ctx_alloc(ctx, (n ? n : 1) * sizeof *r->enrolments);
    r->spells = wh_ctx_alloc(ctx, (n ? n : 1) * sizeof *r->spells);
    if (!r->enrolments || !r->spells)
        return WH_INTERNAL;
    for (size_t i = 0; i < n; i++)
        if (!(r->enrolments[r->n_enrolments++] = summary(ctx, &e[i])))
            return WH_INTERNAL;
    for (size_t i = 0; i < n;) { /* by person */
        size_t j = i + 1;
        while (j < n && e[j].person_id == e[i].person_id)
            j++;
        int rc = person_spells(ctx, e + i, j - i, r);
        if (rc < 0)
            return rc;
        i = j;
    }
    return 0;
}

int intake_handle_list_enrolments(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__ListEnrolments *m = (const void *)req;
    if (m->household_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "household_id", "household_id is required");
    int64_t *members = NULL, merged_into = 0;
    size_t n_members = 0, n = 0;
    char dong[16];
    intake_enrolment *e = NULL;
    int rc = intake_store_household_members(wh_ctx_db(ctx), m->household_id, &members, &n_members, dong,
                                            &merged_into);
    if (rc == WH_NOT_FOUND)
        return wh_ctx_fail(ctx, rc, "household_id", "no such household");
    if (rc == WH_FAILED_PRECONDITION)
        return wh_ctx_fail(ctx, rc, "household_id", "household was merged into %lld", (long long)merged_into);
    if (rc == 0)
        rc = intake_store_enrolments_of(wh_ctx_db(ctx), members, n_members, &e, &n);
    Welfare__Intake__V1__ListEnrolmentsReply *r = rc == 0 ? wh_ctx_alloc(ctx, sizeof *r) : NULL;
    if (r) {
        welfare__intake__v1__list_enrolments_reply__init(r);
        rc = fill(ctx, e, n, r);
    } else if (rc == 0)
        rc = WH_INTERNAL;
    free(members);
    free(e);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the enrolments");
    *reply = &r->base;
    return 0;
}

int intake_handle_list_programmes(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    (void)req;
    Welfare__Intake__V1__ListProgrammesReply *r = wh_ctx_alloc(ctx, sizeof *r);
    Welfare__Intake__V1__Programme *p = wh_ctx_alloc(ctx, intake_programmes_count * sizeof *p);
    Welfare__Intake__V1__Programme **pp = wh_ctx_alloc(ctx, intake_programmes_count * sizeof *pp);
    if (!r || !p || !pp)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__intake__v1__list_programmes_reply__init(r);
    for (size_t i = 0; i < intake_programmes_count; i++) {
        welfare__intake__v1__programme__init(&p[i]);
        p[i].code = (char *)intake_programmes[i].code;
        p[i].name_ko = (char *)intake_programmes[i].name_ko;
        p[i].name_en = (char *)intake_programmes[i].name_en;
        p[i].level = (char *)intake_programmes[i].level;
        pp[i] = &p[i];
    }
    r->n_programmes = intake_programmes_count;
    r->programmes = pp;
    *reply = &r->base;
    return 0;
}

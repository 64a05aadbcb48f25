/*
 * handle_referral.c — SubmitReferral: validate, hash and seal, attach to a household, emit.
 *
 * A referral alone goes through the one pipeline (pipeline.c) as an array of one: the same checks,
 * resolver (resolve.c) and writes (store_bulk.c) as a batch or a block, so the three cannot drift.
 * This file holds the events every path emits and SubmitReferral's reply.  A referral with a row_id
 * (welfarectl --row-by-row) is an import row: its id is looked up and recorded like a block row's
 * (import_rows.c), so a row stored before — alone or in a block — is answered already_imported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_rows.h"
#include "intake.h"

/* The tied persons as the event lists them, into v[n] and list[n] (n <= INTAKE_MAX_TIED). */
static void tied_persons(const intake_bulk_tied *tied, size_t n, Welfare__Intake__V1__SuspectedPerson *v,
                         Welfare__Intake__V1__SuspectedPerson **list)
{
    for (size_t i = 0; i < n; i++) {
        welfare__intake__v1__suspected_person__init(&v[i]);
        v[i].person = tied[i].person;
        v[i].person_id = tied[i].person_id;
        v[i].score = tied[i].score;
        v[i].score_reasons = (char *)tied[i].reasons;
        list[i] = &v[i];
    }
}

int intake_emit_suspected(wh_ctx *ctx, const intake_household_state *state, int64_t referral_id,
                          const intake_bulk_suspicion *s, size_t n, const intake_bulk_tied *tied,
                          size_t n_tied)
{
    Welfare__Intake__V1__DuplicateSuspected ev = WELFARE__INTAKE__V1__DUPLICATE_SUSPECTED__INIT;
    Welfare__Intake__V1__SuspectedHousehold others[INTAKE_MAX_SUSPICIONS];
    Welfare__Intake__V1__SuspectedHousehold *list[INTAKE_MAX_SUSPICIONS];
    Welfare__Intake__V1__SuspectedPerson persons[INTAKE_MAX_TIED];
    Welfare__Intake__V1__SuspectedPerson *tied_list[INTAKE_MAX_TIED];
    if (n > INTAKE_MAX_SUSPICIONS)
        n = INTAKE_MAX_SUSPICIONS; /* cannot happen: the resolver lists at most 8 of each reason */
    if (n_tied > INTAKE_MAX_TIED)
        n_tied = INTAKE_MAX_TIED; /* cannot happen: at most 8 per person */
    for (size_t i = 0; i < n; i++) {
        welfare__intake__v1__suspected_household__init(&others[i]);
        others[i].household_id = s[i].other_household_id;
        others[i].reason = (char *)s[i].reason;
        others[i].score = s[i].score;
        others[i].score_reasons = (char *)s[i].score_reasons;
        list[i] = &others[i];
    }
    tied_persons(tied, n_tied, persons, tied_list);
    ev.household_id = state->id;
    ev.referral_id = referral_id;
    /* the first other, for readers of the one-pair form; a tie alone names none */
    ev.other_household_id = n ? s[0].other_household_id : 0;
    ev.dong_code = (char *)state->dong_code;
    ev.reason = (char *)(n ? s[0].reason : INTAKE_REASON_TIED);
    ev.n_others = n;
    ev.others = n ? list : NULL;
    ev.n_tied = n_tied;
    ev.tied = n_tied ? tied_list : NULL;
    return wh_ctx_emit(ctx, &ev.base);
}

int intake_emit_attached(wh_ctx *ctx, const Welfare__Intake__V1__SubmitReferral *m,
                         const intake_household_state *state, int64_t referral_id, bool is_new,
                         int persons_added, int risk_score)
{
    return intake_emit_recognised(ctx, m, state, referral_id, is_new, persons_added, risk_score, NULL, 0);
}

int intake_emit_recognised(wh_ctx *ctx, const Welfare__Intake__V1__SubmitReferral *m,
                           const intake_household_state *state, int64_t referral_id, bool is_new,
                           int persons_added, int risk_score, const intake_bulk_recognised *rec, size_t n_rec)
{
    Welfare__Intake__V1__PersonRecognised recognised[INTAKE_MAX_PERSONS];
    Welfare__Intake__V1__PersonRecognised *list[INTAKE_MAX_PERSONS];
    if (n_rec > INTAKE_MAX_PERSONS)
        n_rec = INTAKE_MAX_PERSONS; /* cannot happen: at most one per person */
    for (size_t i = 0; i < n_rec; i++) {
        welfare__intake__v1__person_recognised__init(&recognised[i]);
        recognised[i].person = rec[i].person;
        recognised[i].score = rec[i].score;
        recognised[i].reasons = (char *)rec[i].reasons;
        list[i] = &recognised[i];
    }
    Welfare__Intake__V1__ReferralReceived rr = WELFARE__INTAKE__V1__REFERRAL_RECEIVED__INIT;
    rr.referral_id = referral_id;
    rr.household_id = state->id;
    rr.dong_code = (char *)state->dong_code;
    rr.channel = m->channel;
    rr.reported_on = m->reported_on;
    rr.risk_score = risk_score;
    rr.reporter_id = m->reporter_id;
    rr.created_household = is_new;
    Welfare__Common__V1__GeoPoint where = WELFARE__COMMON__V1__GEO_POINT__INIT;
    where.latitude = state->latitude;
    where.longitude = state->longitude;
    Welfare__Intake__V1__HouseholdIdentified hi = WELFARE__INTAKE__V1__HOUSEHOLD_IDENTIFIED__INIT;
    hi.referral_id = referral_id;
    hi.household_id = state->id;
    hi.dong_code = (char *)state->dong_code;
    hi.is_new = is_new;
    hi.persons_added = persons_added;
    hi.risk_score = state->risk_score;
    hi.location = state->has_location ? &where : NULL;
    hi.identified_on = m->reported_on;
    hi.known_to_programme = state->known_to_programme;
    hi.n_recognised = n_rec;
    hi.recognised = n_rec ? list : NULL;
    int rc = wh_ctx_emit(ctx, &rr.base);
    if (rc == 0)
        rc = wh_ctx_emit(ctx, &hi.base);
    if (rc == 0 && is_new && !state->known_to_programme) {
        Welfare__Intake__V1__BlindSpotDiscovered bs = WELFARE__INTAKE__V1__BLIND_SPOT_DISCOVERED__INIT;
        bs.household_id = state->id;
        bs.referral_id = referral_id;
        bs.dong_code = (char *)state->dong_code;
        bs.channel = m->channel;
        bs.risk_score = risk_score;
        bs.discovered_on = m->reported_on;
        rc = wh_ctx_emit(ctx, &bs.base);
    }
    return rc;
}

int intake_referral_reply(wh_ctx *ctx, const intake_household_state *state, int64_t referral_id, bool is_new,
                          int persons_added, int risk_score, ProtobufCMessage **reply)
{
    Welfare__Intake__V1__SubmitReferralReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__intake__v1__submit_referral_reply__init(r);
    r->referral_id = referral_id;
    r->household_id = state->id;
    r->is_new = is_new;
    r->risk_score = risk_score;
    r->blind_spot = is_new && !state->known_to_programme;
    r->persons_added = persons_added;
    r->household_risk_score = state->risk_score;
    *reply = &r->base;
    return 0;
}

/* A referral sent as an import row (row_id set): r says whether its id was stored before.  0, or the
 * failure recorded. */
static int row_begin(wh_ctx *ctx, const Welfare__Intake__V1__SubmitReferral *m, const char *const *id,
                     intake_import_rows *r)
{
    Welfare__Intake__V1__SubmitReferral plain;
    const ProtobufCMessage *payload = intake_referral_digested(m, &plain);
    const wh_principal *who = wh_ctx_principal(ctx);
    int rc = intake_import_rows_begin(wh_ctx_db(ctx), who ? who->name : "", 1, id, &payload, r);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the row id");
    if (r->state[0] == INTAKE_ROW_REFUSED)
        return wh_ctx_fail(ctx, r->status[0], "row_id", "%s", r->message[0]);
    return 0;
}

/* The reply to a row stored before under its id: its earlier referral and household, nothing new. */
static int already_reply(wh_ctx *ctx, const intake_import_rows *r, ProtobufCMessage **reply)
{
    Welfare__Intake__V1__SubmitReferralReply *out = wh_ctx_alloc(ctx, sizeof *out);
    if (!out)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__intake__v1__submit_referral_reply__init(out);
    out->referral_id = r->stored[0][0];
    out->household_id = r->stored[0][1];
    out->already_imported = true;
    *reply = &out->base;
    return 0;
}

static int submit_one(wh_ctx *ctx, const Welfare__Intake__V1__SubmitReferral *m, ProtobufCMessage **reply,
                      int64_t *referral_id)
{
    const wh_principal *who = wh_ctx_principal(ctx);
    intake_pipeline p;
    const char *what;
    int rc = intake_pipeline_run(wh_ctx_db(ctx), &p, &m, &who, 1, 0, INTAKE_BULK_UNNEST, &what);
    const intake_referral_work *bad = intake_pipeline_first_failure(&p);
    if (rc < 0)
        rc = wh_ctx_fail(ctx, rc, NULL, "%s", what);
    else if (bad)
        rc = wh_ctx_fail(ctx, bad->status, bad->field, "%s", bad->message);
    else if ((rc = intake_emit_row(ctx, &p.set, &p.rows[0])) < 0)
        rc = wh_ctx_fail(ctx, rc, NULL, "could not emit an event");
    else
        rc = intake_referral_reply(ctx, &p.rows[0].state, p.rows[0].referral_id, p.rows[0].is_new,
                                   p.rows[0].persons_added, p.rows[0].checked->risk_score, reply);
    *referral_id = rc == 0 ? p.rows[0].referral_id : 0;
    intake_pipeline_free(&p);
    return rc;
}

int intake_handle_submit_referral(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__SubmitReferral *m = (const void *)req;
    const char *id[1] = {m->row_id};
    int64_t referral_id;
    if (!m->row_id || !m->row_id[0])
        return submit_one(ctx, m, reply, &referral_id);
    intake_import_rows r;
    int rc = row_begin(ctx, m, id, &r);
    if (rc == 0 && r.state[0] == INTAKE_ROW_ALREADY)
        rc = already_reply(ctx, &r, reply);
    else if (rc == 0 && (rc = submit_one(ctx, m, reply, &referral_id)) == 0) {
        const bool stored[1] = {true};
        const wh_principal *who = wh_ctx_principal(ctx);
        if ((rc = intake_import_rows_record(wh_ctx_db(ctx), who ? who->name : "", &r, stored, &referral_id)) <
            0)
            rc = wh_ctx_fail(ctx, rc, NULL, "could not record the row id");
    }
    intake_import_rows_free(&r);
    return rc;
}

/*
 * handle_referral.c — SubmitReferral: validate, hash and seal, attach to a household, emit.
 *
 * A referral attaches to a known household when any of its persons matches one stored: by the keyed
 * hash of the resident number first, else by the keyed hash of normalized name + birth date +
 * address.  Persons the household already holds are not added again.  When the persons point at more
 * than one household, a phone is shared with another household, or a new household has the address
 * of another, the pair is recorded as a suspected duplicate for a person to resolve
 * (ResolveDuplicate) rather than merged automatically.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

/* What one referral works with: its checks, its persons and household ready to store, the result. */
typedef struct submission {
    const Welfare__Intake__V1__SubmitReferral *m;
    intake_checked checked;
    intake_person_row rows[INTAKE_MAX_PERSONS];
    intake_prepared prep;
    intake_attach_result stored;
    intake_household_state state;
    bool is_new;
    int persons_added;
    int64_t referral_id;
    int suspicions;
} submission;

/* Stores everything in one round trip. */
static int attach(wh_ctx *ctx, submission *s)
{
    intake_attach a = {
        .household = &s->prep.household,
        .persons = s->rows,
        .n_persons = s->checked.n_persons,
        .referral = s->m,
        .checked = &s->checked,
        .concern_sealed = s->prep.concern_sealed,
    };
    int rc = intake_store_attach(wh_ctx_db(ctx), &a, &s->stored);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not store the referral");
    s->state = s->stored.state;
    s->is_new = s->stored.is_new;
    s->persons_added = s->stored.persons_added;
    s->referral_id = s->stored.referral_id;
    return 0;
}

int intake_emit_suspected(wh_ctx *ctx, const intake_household_state *state, int64_t other, const char *reason)
{
    Welfare__Intake__V1__DuplicateSuspected ev = WELFARE__INTAKE__V1__DUPLICATE_SUSPECTED__INIT;
    ev.household_id = state->id;
    ev.other_household_id = other;
    ev.dong_code = (char *)state->dong_code;
    ev.reason = (char *)reason;
    return wh_ctx_emit(ctx, &ev.base);
}

static int suspect(wh_ctx *ctx, submission *s, int64_t other, const char *reason)
{
    bool raised = false;
    int rc = intake_store_suspect(wh_ctx_db(ctx), s->state.id, other, reason, &raised);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not record a suspected duplicate");
    if (!raised)
        return 0;
    s->suspicions++;
    return (rc = intake_emit_suspected(ctx, &s->state, other, reason)) < 0
               ? wh_ctx_fail(ctx, rc, NULL, "could not emit an event")
               : 0;
}

/* Households the persons also point at, households sharing a phone, and other households at a new
 * household's address become suspicions. */
static int find_duplicates(wh_ctx *ctx, submission *s)
{
    int rc = 0;
    for (size_t i = 0; i < s->stored.n_matched_too && rc == 0; i++)
        rc = suspect(ctx, s, s->stored.matched_too[i], INTAKE_REASON_MATCHED);
    for (size_t i = 0; i < s->stored.n_neighbours && rc == 0; i++)
        rc = suspect(ctx, s, s->stored.neighbours[i], INTAKE_REASON_PHONE);
    for (size_t i = 0; i < s->stored.n_same_address && rc == 0; i++)
        rc = suspect(ctx, s, s->stored.same_address[i], INTAKE_REASON_ADDRESS);
    return rc;
}

int intake_emit_attached(wh_ctx *ctx, const Welfare__Intake__V1__SubmitReferral *m,
                         const intake_household_state *state, int64_t referral_id, bool is_new,
                         int persons_added, int risk_score)
{
    Welfare__Intake__V1__ReferralReceived rr = WELFARE__INTAKE__V1__REFERRAL_RECEIVED__INIT;
    rr.referral_id = referral_id;
    rr.household_id = state->id;
    rr.dong_code = (char *)state->dong_code;
    rr.channel = m->channel;
    rr.reported_on = m->reported_on;
    rr.risk_score = risk_score;
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

static int emit_identified(wh_ctx *ctx, submission *s)
{
    int rc = intake_emit_attached(ctx, s->m, &s->state, s->referral_id, s->is_new, s->persons_added,
                                  s->checked.risk_score);
    return rc < 0 ? wh_ctx_fail(ctx, rc, NULL, "could not emit an event") : 0;
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

static int build_reply(wh_ctx *ctx, const submission *s, ProtobufCMessage **reply)
{
    return intake_referral_reply(ctx, &s->state, s->referral_id, s->is_new, s->persons_added,
                                 s->checked.risk_score, reply);
}

int intake_handle_submit_referral(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    submission *s = wh_ctx_alloc(ctx, sizeof *s);
    intake_error err;
    int rc;
    if (!s)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    s->m = (const Welfare__Intake__V1__SubmitReferral *)req;
    if (intake_validate_referral(s->m, &s->checked, &err) < 0) {
        rc = wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, err.field, "%s", err.message);
        goto cleanup;
    }
    if ((rc = intake_check_identity(wh_ctx_principal(ctx), s->m, &err)) < 0) {
        rc = wh_ctx_fail(ctx, rc, err.field, "%s", err.message);
        goto cleanup;
    }
    if (s->m->reporter_id > 0 && (rc = intake_store_reporter_exists(wh_ctx_db(ctx), s->m->reporter_id)) < 0) {
        rc = wh_ctx_fail(ctx, rc, "reporter_id",
                         rc == WH_NOT_FOUND ? "no such reporter" : "could not read reporter");
        goto cleanup;
    }
    if ((rc = intake_prepare_referral(s->m, &s->checked, s->rows, &s->prep)) < 0) {
        rc = wh_ctx_fail(ctx, WH_INTERNAL, NULL, "could not protect personal data");
        goto cleanup;
    }
    if ((rc = attach(ctx, s)) < 0 || (rc = emit_identified(ctx, s)) < 0 ||
        (rc = find_duplicates(ctx, s)) < 0 || (rc = build_reply(ctx, s, reply)) < 0)
        goto cleanup;
    intake_metrics_referral(s->m->channel, s->is_new, s->is_new && !s->state.known_to_programme,
                            s->suspicions);
cleanup:
    intake_prepared_free(&s->prep);
    memset(s, 0, sizeof *s); /* hashes and parsed numbers do not outlive the command */
    return rc;
}

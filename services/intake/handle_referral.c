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

/* Keyed hash of a value under a domain label, so equal strings of different kinds never collide. */
static int hash_labelled(const char *label, const char *value, char out[WH_PII_HASH_HEX + 1])
{
    char buf[1024];
    int n = snprintf(buf, sizeof buf, "%s:%s", label, value);
    if (n < 0 || (size_t)n >= sizeof buf)
        return WH_INVALID_ARGUMENT;
    int rc = wh_pii_hash(buf, out);
    memset(buf, 0, sizeof buf);
    return rc;
}

static int prepare_person(const Welfare__Intake__V1__ReferredPerson *in, const intake_checked_person *c,
                          const char *address, intake_person_row *row)
{
    char key[1024];
    int rc = intake_name_key_input(in->name, c->rrn.birth_date, address, key, sizeof key);
    if (rc == 0)
        rc = hash_labelled("name", key, row->name_key);
    memset(key, 0, sizeof key);
    if (rc == 0)
        rc = hash_labelled("rrn", c->rrn.digits, row->rrn_hash);
    if (rc == 0)
        rc = wh_pii_seal(c->rrn.digits, &row->rrn_sealed);
    if (rc == 0)
        rc = wh_pii_seal(in->name, &row->name_sealed);
    if (rc == 0 && c->phone[0]) {
        rc = hash_labelled("phone", c->phone, row->phone_hash);
        if (rc == 0)
            rc = wh_pii_seal(c->phone, &row->phone_sealed);
    }
    row->birth_date = c->rrn.birth_date;
    return rc;
}

static void free_rows(intake_person_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rows[i].rrn_sealed);
        free(rows[i].name_sealed);
        free(rows[i].phone_sealed);
    }
}

/* What one referral works with: its checks, its persons and household ready to store, the result. */
typedef struct submission {
    const Welfare__Intake__V1__SubmitReferral *m;
    intake_checked checked;
    intake_person_row rows[INTAKE_MAX_PERSONS];
    intake_household_row household;
    char address_key[WH_PII_HASH_HEX + 1];
    char *address_sealed, *concern_sealed;
    intake_attach_result stored;
    intake_household_state state;
    bool is_new;
    int persons_added;
    int64_t referral_id;
    int suspicions;
} submission;

static int prepare(submission *s)
{
    const Welfare__Intake__V1__ReferredHousehold *h = s->m->household;
    char norm[512];
    int rc = 0;
    for (size_t i = 0; i < s->checked.n_persons && rc == 0; i++)
        rc = prepare_person(s->m->persons[i], &s->checked.persons[i], h->address, &s->rows[i]);
    intake_normalize(h->address, norm, sizeof norm);
    char key[600];
    snprintf(key, sizeof key, "%s\x1f%s", h->dong_code, norm);
    if (rc == 0)
        rc = hash_labelled("address", key, s->address_key);
    if (rc == 0)
        rc = wh_pii_seal(h->address, &s->address_sealed);
    if (rc == 0 && s->m->concern && *s->m->concern)
        rc = wh_pii_seal(s->m->concern, &s->concern_sealed);
    s->household = (intake_household_row){
        .dong_code = h->dong_code,
        .has_location = h->location != NULL,
        .latitude = h->location ? h->location->latitude : 0,
        .longitude = h->location ? h->location->longitude : 0,
        .address_sealed = s->address_sealed,
        .address_key = s->address_key,
        .known_to_programme = h->known_to_programme,
        .risk_score = s->checked.risk_score,
        .reported_on = s->m->reported_on,
    };
    return rc;
}

/* Stores everything in one round trip. */
static int attach(wh_ctx *ctx, submission *s)
{
    intake_attach a = {
        .household = &s->household,
        .persons = s->rows,
        .n_persons = s->checked.n_persons,
        .referral = s->m,
        .checked = &s->checked,
        .concern_sealed = s->concern_sealed,
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

static int suspect(wh_ctx *ctx, submission *s, int64_t other, const char *reason)
{
    bool raised = false;
    int rc = intake_store_suspect(wh_ctx_db(ctx), s->state.id, other, reason, &raised);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not record a suspected duplicate");
    if (!raised)
        return 0;
    Welfare__Intake__V1__DuplicateSuspected ev = WELFARE__INTAKE__V1__DUPLICATE_SUSPECTED__INIT;
    ev.household_id = s->state.id;
    ev.other_household_id = other;
    ev.dong_code = s->state.dong_code;
    ev.reason = (char *)reason;
    s->suspicions++;
    return (rc = wh_ctx_emit(ctx, &ev.base)) < 0 ? wh_ctx_fail(ctx, rc, NULL, "could not emit an event") : 0;
}

/* Households the persons also point at, households sharing a phone, and other households at a new
 * household's address become suspicions. */
static int find_duplicates(wh_ctx *ctx, submission *s)
{
    int rc = 0;
    for (size_t i = 0; i < s->stored.n_matched_too && rc == 0; i++)
        rc = suspect(ctx, s, s->stored.matched_too[i], "persons of one referral in two households");
    for (size_t i = 0; i < s->stored.n_neighbours && rc == 0; i++)
        rc = suspect(ctx, s, s->stored.neighbours[i], "same phone, different household");
    for (size_t i = 0; i < s->stored.n_same_address && rc == 0; i++)
        rc = suspect(ctx, s, s->stored.same_address[i], "same address, different persons");
    return rc;
}

static int emit_identified(wh_ctx *ctx, submission *s)
{
    Welfare__Intake__V1__ReferralReceived rr = WELFARE__INTAKE__V1__REFERRAL_RECEIVED__INIT;
    rr.referral_id = s->referral_id;
    rr.household_id = s->state.id;
    rr.dong_code = s->state.dong_code;
    rr.channel = s->m->channel;
    rr.reported_on = s->m->reported_on;
    rr.risk_score = s->checked.risk_score;
    Welfare__Common__V1__GeoPoint where = WELFARE__COMMON__V1__GEO_POINT__INIT;
    where.latitude = s->state.latitude;
    where.longitude = s->state.longitude;
    Welfare__Intake__V1__HouseholdIdentified hi = WELFARE__INTAKE__V1__HOUSEHOLD_IDENTIFIED__INIT;
    hi.referral_id = s->referral_id;
    hi.household_id = s->state.id;
    hi.dong_code = s->state.dong_code;
    hi.is_new = s->is_new;
    hi.persons_added = s->persons_added;
    hi.risk_score = s->state.risk_score;
    hi.location = s->state.has_location ? &where : NULL;
    hi.identified_on = s->m->reported_on;
    hi.known_to_programme = s->state.known_to_programme;
    int rc = wh_ctx_emit(ctx, &rr.base);
    if (rc == 0)
        rc = wh_ctx_emit(ctx, &hi.base);
    if (rc == 0 && s->is_new && !s->state.known_to_programme) {
        Welfare__Intake__V1__BlindSpotDiscovered bs = WELFARE__INTAKE__V1__BLIND_SPOT_DISCOVERED__INIT;
        bs.household_id = s->state.id;
        bs.referral_id = s->referral_id;
        bs.dong_code = s->state.dong_code;
        bs.channel = s->m->channel;
        bs.risk_score = s->checked.risk_score;
        bs.discovered_on = s->m->reported_on;
        rc = wh_ctx_emit(ctx, &bs.base);
    }
    return rc < 0 ? wh_ctx_fail(ctx, rc, NULL, "could not emit an event") : 0;
}

static int build_reply(wh_ctx *ctx, const submission *s, ProtobufCMessage **reply)
{
    Welfare__Intake__V1__SubmitReferralReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__intake__v1__submit_referral_reply__init(r);
    r->referral_id = s->referral_id;
    r->household_id = s->state.id;
    r->is_new = s->is_new;
    r->risk_score = s->checked.risk_score;
    r->blind_spot = s->is_new && !s->state.known_to_programme;
    r->persons_added = s->persons_added;
    r->household_risk_score = s->state.risk_score;
    *reply = &r->base;
    return 0;
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
    if (s->m->reporter_id > 0 && (rc = intake_store_reporter_exists(wh_ctx_db(ctx), s->m->reporter_id)) < 0) {
        rc = wh_ctx_fail(ctx, rc, "reporter_id",
                         rc == WH_NOT_FOUND ? "no such reporter" : "could not read reporter");
        goto cleanup;
    }
    if ((rc = prepare(s)) < 0) {
        rc = wh_ctx_fail(ctx, WH_INTERNAL, NULL, "could not protect personal data");
        goto cleanup;
    }
    if ((rc = attach(ctx, s)) < 0 || (rc = emit_identified(ctx, s)) < 0 ||
        (rc = find_duplicates(ctx, s)) < 0 || (rc = build_reply(ctx, s, reply)) < 0)
        goto cleanup;
    intake_metrics_referral(s->m->channel, s->is_new, s->is_new && !s->state.known_to_programme,
                            s->suspicions);
cleanup:
    free_rows(s->rows, s->checked.n_persons);
    free(s->address_sealed);
    free(s->concern_sealed);
    memset(s, 0, sizeof *s); /* hashes and parsed numbers do not outlive the command */
    return rc;
}

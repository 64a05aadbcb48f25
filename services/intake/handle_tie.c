/*
 * handle_tie.c — DecideTie: an operator's decision on a tie (DuplicateSuspected.tied), stored as an
 * input of the household rule (store_ties.c → resolve.c), emitted as TieDecided.
 *
 * Idempotence: the same decision again (same person, or a new person again) changes nothing and is
 * answered already_decided with the person decided before; another decision on a decided tie is
 * FAILED_PRECONDITION (a decision is not taken back here).
 */
#include <stdio.h>
#include <string.h>

#include "intake.h"
#include "store_ties.h"
#include "wh/util.h"

#define SAME WELFARE__INTAKE__V1__TIE_DECISION__TIE_DECISION_SAME_PERSON
#define NEW  WELFARE__INTAKE__V1__TIE_DECISION__TIE_DECISION_NEW_PERSON

static int check_request(wh_ctx *ctx, const Welfare__Intake__V1__DecideTie *m)
{
    if (m->referral_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "referral_id", "referral_id is required");
    if (m->person < 0 || m->person >= INTAKE_MAX_PERSONS)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "person", "person must be 0..%d",
                           INTAKE_MAX_PERSONS - 1);
    if (m->decision != SAME && m->decision != NEW)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "decision", "decision is required");
    if (m->decision == SAME && m->person_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "person_id",
                           "person_id is required for the same person");
    if (m->decision == NEW && m->person_id != 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "person_id", "person_id must be 0 for a new person");
    return 0;
}

static bool among_tied(const intake_tie *t, int64_t person_id)
{
    for (size_t i = 0; i < t->n_tied; i++)
        if (t->tied[i] == person_id)
            return true;
    return false;
}

/* A decided tie: the same decision again is no change; another one FAILED_PRECONDITION. */
static int decided_before(wh_ctx *ctx, const Welfare__Intake__V1__DecideTie *m, const intake_tie *t)
{
    if ((int)m->decision != t->decision || (m->decision == SAME && m->person_id != t->decided_person_id))
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "decision", "tie already decided: %s person %lld",
                           t->decision == SAME ? "the same as" : "a new", (long long)t->decided_person_id);
    return 0;
}

static int emit_decided(wh_ctx *ctx, const Welfare__Intake__V1__DecideTie *m, const intake_tie *t,
                        const Welfare__Intake__V1__DecideTieReply *r, const char *dong)
{
    Welfare__Intake__V1__TieDecided ev = WELFARE__INTAKE__V1__TIE_DECIDED__INIT;
    char today[11];
    wh_date_today(today);
    ev.referral_id = m->referral_id;
    ev.person = m->person;
    ev.household_id = r->household_id;
    ev.dong_code = (char *)dong;
    ev.decision = m->decision;
    ev.person_id = r->person_id;
    ev.person_added = r->person_added;
    ev.n_tied_person_ids = t->n_tied;
    ev.tied_person_ids = (int64_t *)t->tied;
    ev.decided_on = today;
    return wh_ctx_emit(ctx, &ev.base);
}

/* The person decided: the one named, the referral's person the resolver added (their number), the one
 * another tie of the same reading was decided a new person as, or one added now from the tie's
 * prepared values. */
static int decide(wh_ctx *ctx, const Welfare__Intake__V1__DecideTie *m, const intake_tie *t,
                  Welfare__Intake__V1__DecideTieReply *r)
{
    wh_db *db = wh_ctx_db(ctx);
    int rc = 0;
    if (m->decision == SAME) {
        if (!among_tied(t, m->person_id))
            return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "person_id",
                               "person %lld is not among the persons tied", (long long)m->person_id);
        if (t->added_person_id)
            return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "decision",
                               "the referral's person was added with their resident number as person %lld: "
                               "persons are not merged",
                               (long long)t->added_person_id);
        r->person_id = m->person_id;
    } else if (t->added_person_id) {
        r->person_id = t->added_person_id;
    } else if ((rc = intake_store_tie_new_of_reading(db, t->id, &r->person_id)) == 0 && !r->person_id) {
        rc = intake_store_tie_add_person(db, t->id, &r->person_id);
        r->person_added = rc == 0;
    }
    const wh_principal *who = wh_ctx_principal(ctx);
    if (rc == 0)
        rc = intake_store_tie_decide(db, t->id, (int)m->decision, r->person_id, who ? who->name : "");
    return rc < 0 ? wh_ctx_fail(ctx, rc, NULL, "could not record the decision") : 0;
}

int intake_handle_decide_tie(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__DecideTie *m = (const void *)req;
    int rc = check_request(ctx, m);
    if (rc < 0)
        return rc;
    wh_db *db = wh_ctx_db(ctx);
    intake_tie t;
    const char *field;
    if ((rc = intake_store_tie_get(db, m->referral_id, m->person, &t, &field)) < 0)
        return wh_ctx_fail(ctx, rc, field,
                           rc != WH_NOT_FOUND ? "could not read the tie"
                           : strcmp(field, "person") == 0
                               ? "no tie was raised for this person of the referral"
                               : "no such referral");
    Welfare__Intake__V1__DecideTieReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__intake__v1__decide_tie_reply__init(r);
    if (t.decision != 0) {
        if ((rc = decided_before(ctx, m, &t)) < 0)
            return rc;
        r->person_id = t.decided_person_id;
        r->already_decided = true;
    } else if ((rc = decide(ctx, m, &t, r)) < 0)
        return rc;
    char dong[16];
    if ((rc = intake_store_person_household(db, r->person_id, &r->household_id, dong)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the person's household");
    if (!r->already_decided && (rc = emit_decided(ctx, m, &t, r, dong)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not emit an event");
    *reply = &r->base;
    return 0;
}

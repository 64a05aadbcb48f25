/*
 * handle_referral_batch.c — SubmitReferral, many at once.
 *
 * On its fast pass the framework hands a batch's run of consecutive SubmitReferrals here
 * (wh_command_batch_fn).  Each is checked, hashed and sealed as it would be alone, the reporters are
 * looked up in one statement, all of them are attached set-wise (intake_store_attach_many: the same
 * households, persons, referrals, ids and suspicions as one after another), and each one's events are
 * emitted through its own ctx, command after command — so the stream, the tables and every reply are
 * those of n calls of intake_handle_submit_referral, with a handful of statements instead of n.
 *
 * Any failure, a bad referral included, is returned as it is: the framework then rolls the batch back
 * and runs it again one referral at a time, so each gets its own reply or typed error.
 */
#include <stdlib.h>
#include <string.h>

#include "intake.h"

typedef struct referral_work {
    intake_checked checked;
    intake_prepared prep;
} referral_work;

typedef struct batch_work {
    size_t n;
    referral_work *w;
    intake_person_row *persons;
    intake_bulk_row *rows;
    intake_bulk set;
} batch_work;

static int validate_all(wh_ctx *const *ctx, ProtobufCMessage *const *requests, batch_work *b)
{
    for (size_t i = 0; i < b->n; i++) {
        intake_error err;
        int rc;
        if (intake_validate_referral((const void *)requests[i], &b->w[i].checked, &err) < 0)
            return WH_INVALID_ARGUMENT;
        if ((rc = intake_check_identity(wh_ctx_principal(ctx[i]), (const void *)requests[i], &err)) < 0)
            return rc;
    }
    return 0;
}

/* Every reporter named must be registered; one statement for the batch. */
static int check_reporters(wh_db *db, ProtobufCMessage *const *requests, size_t n)
{
    int64_t *ids = malloc(n * sizeof *ids);
    bool *known = malloc(n * sizeof *known);
    size_t k = 0;
    int rc = ids && known ? 0 : WH_INTERNAL;

    for (size_t i = 0; rc == 0 && i < n; i++) {
        const Welfare__Intake__V1__SubmitReferral *m = (const void *)requests[i];
        if (m->reporter_id > 0)
            ids[k++] = m->reporter_id;
    }
    if (rc == 0 && k > 0)
        rc = intake_store_reporters_known(db, ids, k, known);
    for (size_t i = 0; rc == 0 && i < k; i++)
        if (!known[i])
            rc = WH_NOT_FOUND;
    free(ids);
    free(known);
    return rc;
}

static int prepare_all(ProtobufCMessage *const *requests, batch_work *b)
{
    size_t total = 0, at = 0;

    for (size_t i = 0; i < b->n; i++)
        total += b->w[i].checked.n_persons;
    b->persons = calloc(total > 0 ? total : 1, sizeof *b->persons);
    b->rows = calloc(b->n, sizeof *b->rows);
    if (!b->persons || !b->rows)
        return WH_INTERNAL;
    for (size_t i = 0; i < b->n; i++) {
        const Welfare__Intake__V1__SubmitReferral *m = (const void *)requests[i];
        if (intake_prepare_referral(m, &b->w[i].checked, b->persons + at, &b->w[i].prep) < 0)
            return WH_INTERNAL;
        at += b->w[i].checked.n_persons;
        b->rows[i] = (intake_bulk_row){.m = m, .checked = &b->w[i].checked, .prep = &b->w[i].prep};
    }
    b->set.rows = b->rows;
    b->set.n_rows = b->n;
    b->set.write = INTAKE_BULK_UNNEST; /* one INSERT a table: fewer round trips than COPY for a batch */
    return 0;
}

/* One referral's events (as intake_handle_submit_referral emits them) and its reply. */
static int finish_one(wh_ctx *ctx, const batch_work *b, size_t i, ProtobufCMessage **reply)
{
    const intake_bulk_row *row = &b->rows[i];
    int rc = intake_emit_attached(ctx, row->m, &row->state, row->referral_id, row->is_new, row->persons_added,
                                  row->checked->risk_score);

    for (size_t k = 0; rc == 0 && k < row->n_suspicions; k++) {
        const intake_bulk_suspicion *s = &b->set.suspicions[row->first_suspicion + k];
        rc = intake_emit_suspected(ctx, &row->state, s->other_household_id, s->reason);
    }
    if (rc == 0)
        rc = intake_referral_reply(ctx, &row->state, row->referral_id, row->is_new, row->persons_added,
                                   row->checked->risk_score, reply);
    return rc;
}

static void batch_free(batch_work *b)
{
    for (size_t i = 0; b->w && i < b->n; i++)
        intake_prepared_free(&b->w[i].prep);
    intake_bulk_free(&b->set);
    if (b->w)
        memset(b->w, 0, b->n * sizeof *b->w); /* hashes and parsed numbers do not outlive the batch */
    free(b->w);
    free(b->persons);
    free(b->rows);
}

int intake_handle_submit_referrals(wh_ctx *const *ctx, ProtobufCMessage *const *requests,
                                   ProtobufCMessage **replies, size_t n)
{
    wh_db *db = wh_ctx_db(ctx[0]);
    batch_work b = {.n = n, .w = calloc(n, sizeof(referral_work))};
    int rc = b.w ? 0 : WH_INTERNAL;

    if (rc == 0)
        rc = validate_all(ctx, requests, &b);
    if (rc == 0)
        rc = check_reporters(db, requests, n);
    if (rc == 0)
        rc = prepare_all(requests, &b);
    if (rc == 0)
        rc = intake_store_attach_many(db, &b.set);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = finish_one(ctx[i], &b, i, &replies[i]);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const intake_bulk_row *row = &b.rows[i];
        intake_metrics_referral(row->m->channel, row->is_new, row->is_new && !row->state.known_to_programme,
                                (int)row->n_suspicions);
    }
    batch_free(&b);
    return rc < 0 ? rc : 0;
}

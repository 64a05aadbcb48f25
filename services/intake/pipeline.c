/*
 * pipeline.c — one pipeline for every way referrals arrive: SubmitReferral alone (an array of one),
 * a batch of SubmitReferrals (the framework's batch handler) and ImportReferralBlock (a block of
 * rows).  Each referral is checked (validate.c), its reporter looked up (one statement for all),
 * hashed and sealed (prepare.c), then all are attached set-wise (store_bulk.c around the pure
 * resolver, resolve.c), and each one's events emitted as SubmitReferral emits them.
 *
 * The callers differ only in what a bad referral does: SubmitReferral fails with it, a batch is
 * sent back to one-at-a-time (INTAKE_PIPELINE_ALL_OR_NOTHING), a block reports it in its reply and
 * goes on with the other rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dongs.h"
#include "intake.h"
#include "roster.h"

static void fail_row(intake_referral_work *w, int status, const char *field, const char *message)
{
    w->status = status;
    snprintf(w->field, sizeof w->field, "%s", field ? field : "");
    w->message = message;
}

static bool any_failed(const intake_pipeline *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->w[i].status != 0)
            return true;
    return false;
}

/* Every field checked, then the identity-bound ones against who sent it (identity.c). */
static void validate_all(intake_pipeline *p, const wh_principal *const *who)
{
    for (size_t i = 0; i < p->n; i++) {
        intake_referral_work *w = &p->w[i];
        intake_error err;
        int rc;
        if (!w->m)
            fail_row(w, WH_INVALID_ARGUMENT, "referral", "referral is required");
        else if (intake_validate_referral(w->m, &w->checked, &err) < 0)
            fail_row(w, WH_INVALID_ARGUMENT, err.field, err.message);
        else if ((rc = intake_check_identity(who ? who[i] : NULL, w->m, &err)) < 0)
            fail_row(w, rc, err.field, err.message);
    }
}

/* Unknown reporters, for every referral in one statement. */
static int check_reporters(wh_db *db, intake_pipeline *p)
{
    int64_t *ids = malloc(p->n * sizeof *ids);
    bool *known = malloc(p->n * sizeof *known);
    size_t n = 0;
    int rc = ids && known ? 0 : WH_INTERNAL;
    for (size_t i = 0; rc == 0 && i < p->n; i++)
        if (p->w[i].status == 0 && p->w[i].m->reporter_id > 0)
            ids[n++] = p->w[i].m->reporter_id;
    if (rc == 0 && n > 0)
        rc = intake_store_reporters_known(db, ids, n, known);
    for (size_t i = 0, k = 0; rc == 0 && n > 0 && i < p->n; i++)
        if (p->w[i].status == 0 && p->w[i].m->reporter_id > 0 && !known[k++])
            fail_row(&p->w[i], WH_NOT_FOUND, "reporter_id", "no such reporter");
    free(ids);
    free(known);
    return rc;
}

static int prepare_all(intake_pipeline *p, intake_bulk_write mode)
{
    size_t total = 0, at = 0;
    for (size_t i = 0; i < p->n; i++)
        if (p->w[i].status == 0)
            total += p->w[i].checked.n_persons;
    p->persons = calloc(total ? total : 1, sizeof *p->persons);
    p->rows = calloc(p->n ? p->n : 1, sizeof *p->rows);
    if (!p->persons || !p->rows)
        return WH_INTERNAL;
    for (size_t i = 0; i < p->n; i++) {
        intake_referral_work *w = &p->w[i];
        if (w->status != 0)
            continue;
        int rc = intake_prepare_referral(w->m, &w->checked, p->persons + at, &w->prep);
        at += w->checked.n_persons;
        if (rc < 0)
            return WH_INTERNAL;
        w->row = &p->rows[p->set.n_rows];
        p->rows[p->set.n_rows++] = (intake_bulk_row){.m = w->m, .checked = &w->checked, .prep = &w->prep};
    }
    p->set.rows = p->rows;
    p->set.write = mode;
    return 0;
}

int intake_pipeline_run(wh_db *db, intake_pipeline *p, const Welfare__Intake__V1__SubmitReferral *const *m,
                        const wh_principal *const *who, size_t n, int flags, intake_bulk_write mode,
                        const char **what)
{
    memset(p, 0, sizeof *p);
    *what = "out of memory";
    p->n = n;
    if (!(p->w = calloc(n ? n : 1, sizeof *p->w)))
        return WH_INTERNAL;
    for (size_t i = 0; i < n; i++)
        p->w[i].m = m[i];
    validate_all(p, who);
    bool all = flags & INTAKE_PIPELINE_ALL_OR_NOTHING;
    if (all && any_failed(p))
        return 0;
    int rc = check_reporters(db, p);
    if (rc < 0) {
        *what = "could not read reporters";
        return rc;
    }
    if ((rc = intake_pipeline_check_dongs(db, p)) < 0) {
        *what = "could not read the dongs";
        return rc;
    }
    if (all && any_failed(p))
        return 0;
    if ((rc = prepare_all(p, mode)) < 0) {
        *what = "could not protect personal data";
        return rc;
    }
    if ((rc = intake_store_attach_many(db, &p->set)) < 0)
        *what = "could not store the referrals";
    return rc;
}

const intake_referral_work *intake_pipeline_first_failure(const intake_pipeline *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->w[i].status != 0)
            return &p->w[i];
    return NULL;
}

void intake_pipeline_free(intake_pipeline *p)
{
    for (size_t i = 0; p->w && i < p->n; i++)
        intake_prepared_free(&p->w[i].prep);
    intake_bulk_free(&p->set);
    if (p->w)
        memset(p->w, 0, p->n * sizeof *p->w); /* hashes and parsed numbers do not outlive the command */
    free(p->w);
    free(p->persons);
    free(p->rows);
    memset(p, 0, sizeof *p);
}

/* --- emission: the same events whichever way the referral came -------------------------------- */

/* A row's suspicions: its pairs of households and its persons tied (one for each person of the
 * referral the tie is about, however many are tied for them). */
static int suspicions_of(const intake_bulk *set, const intake_bulk_row *row)
{
    int n = (int)row->n_suspicions;
    const intake_bulk_tied *t = row->n_tied ? &set->tied[row->first_tied] : NULL;
    for (size_t i = 0; i < row->n_tied; i++)
        n += i == 0 || t[i].person != t[i - 1].person;
    return n;
}

int intake_emit_row(wh_ctx *ctx, const intake_bulk *set, const intake_bulk_row *row)
{
    int rc = intake_emit_recognised(
        ctx, row->m, &row->state, row->referral_id, row->is_new, row->persons_added, row->checked->risk_score,
        row->n_recognised ? set->recognised + row->first_recognised : NULL, row->n_recognised);
    if (rc == 0 && (row->n_suspicions > 0 || row->n_tied > 0))
        rc = intake_emit_suspected(ctx, &row->state, row->referral_id,
                                   row->n_suspicions ? &set->suspicions[row->first_suspicion] : NULL,
                                   row->n_suspicions, row->n_tied ? &set->tied[row->first_tied] : NULL,
                                   row->n_tied);
    if (rc < 0)
        return rc;
    intake_metrics_referral(row->m->channel, row->is_new, row->is_new && !row->state.known_to_programme,
                            suspicions_of(set, row));
    intake_metrics_fuzzy_capped(row->fuzzy_capped);
    if (row->address_capped)
        intake_metrics_address_capped();
    return 0;
}

int intake_emit_bulk(wh_ctx *ctx, const intake_bulk *set, intake_bulk_counts *c)
{
    for (size_t i = 0; i < set->n_rows; i++) {
        const intake_bulk_row *row = &set->rows[i];
        int rc = intake_emit_row(ctx, set, row);
        if (rc < 0)
            return wh_ctx_fail(ctx, rc, NULL, "could not emit an event");
        c->new_households += row->is_new;
        c->blind_spots += row->is_new && !row->state.known_to_programme;
        c->persons_added += row->persons_added;
        c->duplicates_suspected += suspicions_of(set, row);
    }
    return 0;
}

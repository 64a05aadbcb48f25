/*
 * import_rows.c — the row ids of an import: ImportReferralBlock's rows, ImportEnrolmentBlock's rows and
 * a SubmitReferral sent as one row (welfarectl --row-by-row).  A row may carry its own id (welfarectl:
 * a hash of the file's header, the row's line and its cells); intake keeps, per sender, the id of every
 * row it stored with a digest of the row's message (table import_row, in the command's transaction).
 * So the unit of "already imported" is the row, not the command: a block with one changed row gets a
 * new message id and runs, but its unchanged rows are answered "already imported" and not stored
 * again — and a row imported in a block is already imported row by row, and the other way round.
 *
 *   id not seen before                      → stored, the id recorded
 *   id stored before, the same referral     → already imported: counted in rows_ok, nothing changes
 *   id stored before, another referral      → ALREADY_EXISTS on row_id (like a message id reused)
 *   id not 1..64 of [A-Za-z0-9._:-], or twice in the block → INVALID_ARGUMENT on row_id
 *
 * An id is kept as long as a command record (WH_COMMAND_RETENTION_DAYS): the framework's retention
 * calls intake_prune once a minute, and a row of a file imported again after that is new again.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "import_rows.h"
#include "wh/util.h"

static const char *row_id_of(const intake_import_rows *r, size_t i)
{
    return r->ids[i] && r->ids[i][0] ? r->ids[i] : NULL;
}

static void refuse(intake_import_rows *r, size_t i, int status, const char *message)
{
    r->state[i] = INTAKE_ROW_REFUSED;
    r->status[i] = status;
    r->message[i] = message;
}

const ProtobufCMessage *intake_referral_digested(const Welfare__Intake__V1__SubmitReferral *m,
                                                 Welfare__Intake__V1__SubmitReferral *plain)
{
    if (!m || !m->row_id || !m->row_id[0])
        return m ? &m->base : NULL;
    *plain = *m;
    plain->row_id = (char *)protobuf_c_empty_string;
    return &plain->base;
}

/* BLAKE2b of the row's message as sent (its protobuf encoding); an absent one digests as empty. */
static int digest_row(const ProtobufCMessage *payload, uint8_t out[INTAKE_ROW_DIGEST_LEN])
{
    size_t len = payload ? protobuf_c_message_get_packed_size(payload) : 0;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return WH_INTERNAL;
    if (len)
        protobuf_c_message_pack(payload, buf);
    crypto_generichash(out, INTAKE_ROW_DIGEST_LEN, buf, len, NULL, 0);
    free(buf);
    return 0;
}

static const intake_import_rows *sort_rows;

static int cmp_row_id(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int d = strcmp(row_id_of(sort_rows, x), row_id_of(sort_rows, y));
    return d ? d : (x > y) - (x < y);
}

/* Every id after the first of the same text in the block is refused. */
static int refuse_repeats(intake_import_rows *r)
{
    size_t *idx = malloc((r->n ? r->n : 1) * sizeof *idx), k = 0;
    if (!idx)
        return WH_INTERNAL;
    for (size_t i = 0; i < r->n; i++)
        if (r->state[i] == INTAKE_ROW_NEW && row_id_of(r, i))
            idx[k++] = i;
    sort_rows = r;
    qsort(idx, k, sizeof *idx, cmp_row_id);
    for (size_t j = 1; j < k; j++)
        if (strcmp(row_id_of(r, idx[j]), row_id_of(r, idx[j - 1])) == 0)
            refuse(r, idx[j], WH_INVALID_ARGUMENT, "row_id given twice in the block");
    free(idx);
    return 0;
}

/* The ids still standing, looked up in one statement. */
static int look_up(wh_db *db, const char *principal, intake_import_rows *r)
{
    const char **ids = malloc((r->n ? r->n : 1) * sizeof *ids);
    uint8_t(*digests)[INTAKE_ROW_DIGEST_LEN] = malloc((r->n ? r->n : 1) * sizeof *digests);
    size_t *at = malloc((r->n ? r->n : 1) * sizeof *at), k = 0;
    int *same = malloc((r->n ? r->n : 1) * sizeof *same);
    int64_t(*stored)[2] = malloc((r->n ? r->n : 1) * sizeof *stored);
    int rc = ids && digests && at && same && stored ? 0 : WH_INTERNAL;
    for (size_t i = 0; rc == 0 && i < r->n; i++)
        if (r->state[i] == INTAKE_ROW_NEW && row_id_of(r, i)) {
            at[k] = i;
            ids[k] = row_id_of(r, i);
            memcpy(digests[k++], r->digest[i], INTAKE_ROW_DIGEST_LEN);
        }
    if (rc == 0)
        rc = intake_store_import_rows_find(db, principal, ids, (const void *)digests, k, same, stored);
    for (size_t j = 0; rc == 0 && j < k; j++)
        if (same[j] == 1) {
            r->state[at[j]] = INTAKE_ROW_ALREADY;
            memcpy(r->stored[at[j]], stored[j], sizeof stored[j]);
            r->n_already++;
        } else if (same[j] == 0) {
            refuse(r, at[j], WH_ALREADY_EXISTS,
                   "row_id stored before with another referral: not stored (send the changed row under a new "
                   "id)");
        }
    free(ids);
    free(digests);
    free(at);
    free(same);
    free(stored);
    return rc;
}

int intake_import_rows_begin(wh_db *db, const char *principal, size_t n_rows, const char *const *ids,
                             const ProtobufCMessage *const *payloads, intake_import_rows *r)
{
    memset(r, 0, sizeof *r);
    r->n = n_rows;
    r->ids = ids;
    size_t n = r->n ? r->n : 1;
    r->state = calloc(n, sizeof *r->state);
    r->status = calloc(n, sizeof *r->status);
    r->message = calloc(n, sizeof *r->message);
    r->digest = calloc(n, sizeof *r->digest);
    r->stored = calloc(n, sizeof *r->stored);
    if (!r->state || !r->status || !r->message || !r->digest || !r->stored)
        return WH_INTERNAL;
    for (size_t i = 0; i < r->n; i++) {
        const char *id = row_id_of(r, i);
        if (id && !wh_message_id_valid(id))
            refuse(r, i, WH_INVALID_ARGUMENT, "row_id must be 1..64 characters of A-Z a-z 0-9 . _ : -");
        else if (id && digest_row(payloads[i], r->digest[i]) < 0)
            return WH_INTERNAL;
    }
    int rc = refuse_repeats(r);
    return rc < 0 ? rc : look_up(db, principal, r);
}

int intake_import_rows_record(wh_db *db, const char *principal, const intake_import_rows *r,
                              const bool *stored, const int64_t *referral_of)
{
    const char **ids = malloc((r->n ? r->n : 1) * sizeof *ids);
    uint8_t(*digests)[INTAKE_ROW_DIGEST_LEN] = malloc((r->n ? r->n : 1) * sizeof *digests);
    int64_t *refs = malloc((r->n ? r->n : 1) * sizeof *refs);
    size_t k = 0;
    int rc = ids && digests && refs ? 0 : WH_INTERNAL;
    for (size_t i = 0; rc == 0 && i < r->n; i++)
        if (r->state[i] == INTAKE_ROW_NEW && stored[i] && row_id_of(r, i)) {
            ids[k] = row_id_of(r, i);
            memcpy(digests[k], r->digest[i], INTAKE_ROW_DIGEST_LEN);
            refs[k++] = referral_of ? referral_of[i] : 0;
        }
    if (rc == 0)
        rc = intake_store_import_rows_add(db, principal, ids, (const void *)digests, refs, k);
    free(ids);
    free(digests);
    free(refs);
    return rc;
}

int intake_import_rows_already(wh_ctx *ctx, const intake_import_rows *r, int32_t **rows, size_t *n_rows)
{
    *n_rows = 0;
    if (r->n_already == 0)
        return 0;
    *rows = wh_ctx_alloc(ctx, r->n_already * sizeof **rows);
    if (!*rows)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; i < r->n; i++)
        if (r->state[i] == INTAKE_ROW_ALREADY)
            (*rows)[(*n_rows)++] = (int32_t)i;
    return 0;
}

int intake_import_row_refused(const intake_import_rows *r, size_t i, const char **field, const char **message)
{
    if (r->state[i] != INTAKE_ROW_REFUSED)
        return 0;
    *field = "row_id";
    *message = r->message[i];
    return r->status[i];
}

int intake_import_row_errors(wh_ctx *ctx, const void *run, size_t n_rows, intake_row_failure_fn failure,
                             Welfare__Intake__V1__ImportRowError ***errors, size_t *n_errors,
                             int32_t *rows_failed)
{
    const char *field, *message;
    int64_t line;
    size_t n = 0;
    for (size_t i = 0; i < n_rows; i++)
        n += failure(run, i, &line, &field, &message) != 0;
    *rows_failed = (int32_t)n;
    *n_errors = 0;
    if (n == 0)
        return 0;
    *errors = wh_ctx_alloc(ctx, n * sizeof **errors);
    Welfare__Intake__V1__ImportRowError *e = wh_ctx_alloc(ctx, n * sizeof *e);
    if (!*errors || !e)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; i < n_rows; i++) {
        int status = failure(run, i, &line, &field, &message);
        if (status == 0)
            continue;
        welfare__intake__v1__import_row_error__init(e);
        e->line = line;
        e->row = (int32_t)i;
        e->status = (Welfare__Bus__V1__Status)wh_status_to_proto(status);
        e->field = wh_ctx_strdup(ctx, field);
        e->message = (char *)message;
        if (!e->field)
            return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
        (*errors)[(*n_errors)++] = e++;
    }
    return 0;
}

void intake_import_rows_free(intake_import_rows *r)
{
    free(r->state);
    free(r->status);
    free(r->message);
    free(r->digest);
    free(r->stored);
    memset(r, 0, sizeof *r);
}

int64_t intake_prune(wh_db *db, int64_t days, int64_t limit)
{
    int64_t n = intake_store_import_rows_prune(db, days, limit);
    intake_metrics_import_rows_pruned(n);
    return n;
}

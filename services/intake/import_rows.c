/*
 * import_rows.c — ImportReferralBlock's row ids.  A row may carry its own id (welfarectl: a hash of
 * the file's header, the row's line and its cells); intake keeps, per sender, the id of every row it
 * stored with a digest of the row's referral (table import_row, in the block's transaction).  So the
 * unit of "already imported" is the row, not the block: a block with one changed row gets a new
 * message id and runs, but its unchanged rows are answered "already imported" and not stored again.
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

static const char *row_id_of(const Welfare__Intake__V1__ImportReferralBlock *m, size_t i)
{
    return m->rows[i] && m->rows[i]->row_id && m->rows[i]->row_id[0] ? m->rows[i]->row_id : NULL;
}

static void refuse(intake_import_rows *r, size_t i, int status, const char *message)
{
    r->state[i] = INTAKE_ROW_REFUSED;
    r->status[i] = status;
    r->message[i] = message;
}

/* BLAKE2b of the row's referral as sent (its protobuf encoding); an absent referral digests as empty. */
static int digest_row(const Welfare__Intake__V1__ImportRow *row, uint8_t out[INTAKE_ROW_DIGEST_LEN])
{
    size_t len = row && row->referral ? protobuf_c_message_get_packed_size(&row->referral->base) : 0;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return WH_INTERNAL;
    if (len)
        protobuf_c_message_pack(&row->referral->base, buf);
    crypto_generichash(out, INTAKE_ROW_DIGEST_LEN, buf, len, NULL, 0);
    free(buf);
    return 0;
}

static const Welfare__Intake__V1__ImportReferralBlock *sort_block;

static int cmp_row_id(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int d = strcmp(row_id_of(sort_block, x), row_id_of(sort_block, y));
    return d ? d : (x > y) - (x < y);
}

/* Every id after the first of the same text in the block is refused. */
static int refuse_repeats(const Welfare__Intake__V1__ImportReferralBlock *m, intake_import_rows *r)
{
    size_t *idx = malloc((r->n ? r->n : 1) * sizeof *idx), k = 0;
    if (!idx)
        return WH_INTERNAL;
    for (size_t i = 0; i < r->n; i++)
        if (r->state[i] == INTAKE_ROW_NEW && row_id_of(m, i))
            idx[k++] = i;
    sort_block = m;
    qsort(idx, k, sizeof *idx, cmp_row_id);
    for (size_t j = 1; j < k; j++)
        if (strcmp(row_id_of(m, idx[j]), row_id_of(m, idx[j - 1])) == 0)
            refuse(r, idx[j], WH_INVALID_ARGUMENT, "row_id given twice in the block");
    free(idx);
    return 0;
}

/* The ids still standing, looked up in one statement. */
static int look_up(wh_db *db, const char *principal, const Welfare__Intake__V1__ImportReferralBlock *m,
                   intake_import_rows *r)
{
    const char **ids = malloc((r->n ? r->n : 1) * sizeof *ids);
    uint8_t(*digests)[INTAKE_ROW_DIGEST_LEN] = malloc((r->n ? r->n : 1) * sizeof *digests);
    size_t *at = malloc((r->n ? r->n : 1) * sizeof *at), k = 0;
    int *same = malloc((r->n ? r->n : 1) * sizeof *same);
    int rc = ids && digests && at && same ? 0 : WH_INTERNAL;
    for (size_t i = 0; rc == 0 && i < r->n; i++)
        if (r->state[i] == INTAKE_ROW_NEW && row_id_of(m, i)) {
            at[k] = i;
            ids[k] = row_id_of(m, i);
            memcpy(digests[k++], r->digest[i], INTAKE_ROW_DIGEST_LEN);
        }
    if (rc == 0)
        rc = intake_store_import_rows_find(db, principal, ids, (const void *)digests, k, same);
    for (size_t j = 0; rc == 0 && j < k; j++)
        if (same[j] == 1) {
            r->state[at[j]] = INTAKE_ROW_ALREADY;
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
    return rc;
}

int intake_import_rows_begin(wh_db *db, const char *principal,
                             const Welfare__Intake__V1__ImportReferralBlock *m, intake_import_rows *r)
{
    memset(r, 0, sizeof *r);
    r->n = m->n_rows;
    size_t n = r->n ? r->n : 1;
    r->state = calloc(n, sizeof *r->state);
    r->status = calloc(n, sizeof *r->status);
    r->message = calloc(n, sizeof *r->message);
    r->digest = calloc(n, sizeof *r->digest);
    if (!r->state || !r->status || !r->message || !r->digest)
        return WH_INTERNAL;
    for (size_t i = 0; i < r->n; i++) {
        const char *id = row_id_of(m, i);
        if (id && !wh_message_id_valid(id))
            refuse(r, i, WH_INVALID_ARGUMENT, "row_id must be 1..64 characters of A-Z a-z 0-9 . _ : -");
        else if (id && digest_row(m->rows[i], r->digest[i]) < 0)
            return WH_INTERNAL;
    }
    int rc = refuse_repeats(m, r);
    return rc < 0 ? rc : look_up(db, principal, m, r);
}

int intake_import_rows_record(wh_db *db, const char *principal,
                              const Welfare__Intake__V1__ImportReferralBlock *m, const intake_import_rows *r,
                              const int64_t *referral_of)
{
    const char **ids = malloc((r->n ? r->n : 1) * sizeof *ids);
    uint8_t(*digests)[INTAKE_ROW_DIGEST_LEN] = malloc((r->n ? r->n : 1) * sizeof *digests);
    int64_t *refs = malloc((r->n ? r->n : 1) * sizeof *refs);
    size_t k = 0;
    int rc = ids && digests && refs ? 0 : WH_INTERNAL;
    for (size_t i = 0; rc == 0 && i < r->n; i++)
        if (r->state[i] == INTAKE_ROW_NEW && referral_of[i] > 0 && row_id_of(m, i)) {
            ids[k] = row_id_of(m, i);
            memcpy(digests[k], r->digest[i], INTAKE_ROW_DIGEST_LEN);
            refs[k++] = referral_of[i];
        }
    if (rc == 0)
        rc = intake_store_import_rows_add(db, principal, ids, (const void *)digests, refs, k);
    free(ids);
    free(digests);
    free(refs);
    return rc;
}

void intake_import_rows_free(intake_import_rows *r)
{
    free(r->state);
    free(r->status);
    free(r->message);
    free(r->digest);
    memset(r, 0, sizeof *r);
}

int64_t intake_prune(wh_db *db, int64_t days, int64_t limit)
{
    int64_t n = intake_store_import_rows_prune(db, days, limit);
    intake_metrics_import_rows_pruned(n);
    return n;
}

/*
 * import_rows.h — the row ids of an import (import_rows.c, store_import_row.c): ImportReferralBlock's
 * and ImportEnrolmentBlock's rows and a SubmitReferral's row_id.  Each row that names one is stored
 * once per sender, whatever command it comes in, and answered "already imported" when it comes again
 * with the same message.
 */
#ifndef INTAKE_IMPORT_ROWS_H
#define INTAKE_IMPORT_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intake.h"

#define INTAKE_ROW_DIGEST_LEN 32

typedef enum intake_row_state {
    INTAKE_ROW_NEW,     /* to store (no id, or an id not seen before) */
    INTAKE_ROW_ALREADY, /* stored by an earlier import under this id with this referral */
    INTAKE_ROW_REFUSED, /* its id is bad, twice in the block, or stored before with another referral */
} intake_row_state;

typedef struct intake_import_rows {
    size_t n;
    const char *const *ids; /* the caller's: per row its id, NULL or "" for none */
    intake_row_state *state;
    int *status;          /* REFUSED: the row's status (its field is row_id) */
    const char **message; /* REFUSED: why */
    uint8_t (*digest)[INTAKE_ROW_DIGEST_LEN];
    int64_t (*stored)[2]; /* ALREADY: the referral its earlier import stored and its household (0: none) */
    size_t n_already;
} intake_import_rows;

extern const wh_db_statement intake_import_row_statements[];
extern const size_t intake_import_row_statements_count;

/* Checks the ids of n rows (ids[i], NULL or "" for a row without one), digests each row's message
 * (payloads[i], NULL digests as empty) and finds the ids principal stored before: r->state per row.
 * ids must outlive r.  0, or a status (out of memory, the store).  intake_import_rows_free always. */
int intake_import_rows_begin(wh_db *db, const char *principal, size_t n, const char *const *ids,
                             const ProtobufCMessage *const *payloads, intake_import_rows *r);
/* Records the ids of the rows this command stored (stored[i]; rows without an id or not NEW are
 * skipped), each with referral_of[i], the referral it stored (0 or referral_of NULL: none).  0 or a
 * store status. */
int intake_import_rows_record(wh_db *db, const char *principal, const intake_import_rows *r,
                              const bool *stored, const int64_t *referral_of);
/* What a referral's digest covers: m itself, or — when it carries a row_id — *plain, a copy without
 * it (a row's digest is the same alone and in a block). */
const ProtobufCMessage *intake_referral_digested(const Welfare__Intake__V1__SubmitReferral *m,
                                                 Welfare__Intake__V1__SubmitReferral *plain);
/* The block positions of r's rows stored before (INTAKE_ROW_ALREADY), in block order, for a block
 * reply's already_imported_rows: *rows (allocated in ctx, NULL when none) and *n_rows.  0, or
 * wh_ctx_fail's status when out of memory. */
int intake_import_rows_already(wh_ctx *ctx, const intake_import_rows *r, int32_t **rows, size_t *n_rows);
void intake_import_rows_free(intake_import_rows *r);

/* Block row i's failure as its id made it: its status when refused (field "row_id", *message why),
 * else 0. */
int intake_import_row_refused(const intake_import_rows *r, size_t i, const char **field,
                              const char **message);
/* What made row i of a block run fail: its status (0: it did not), field and message, and its line. */
typedef int (*intake_row_failure_fn)(const void *run, size_t i, int64_t *line, const char **field,
                                     const char **message);
/* A block reply's row errors: an ImportRowError (allocated in ctx) for each of the n_rows rows whose
 * failure is not 0, in row order, into *errors and *n_errors, their count into *rows_failed.  0, or
 * wh_ctx_fail's status when out of memory. */
int intake_import_row_errors(wh_ctx *ctx, const void *run, size_t n_rows, intake_row_failure_fn failure,
                             Welfare__Intake__V1__ImportRowError ***errors, size_t *n_errors,
                             int32_t *rows_failed);

/* same[i]: ids[i] was stored by principal with digests[i] (1), with another digest (0), or not at all
 * (-1); stored[i] the referral stored with it and that referral's household (0, 0: none).  0 or a
 * store status. */
int intake_store_import_rows_find(wh_db *db, const char *principal, const char *const *ids,
                                  const uint8_t (*digests)[INTAKE_ROW_DIGEST_LEN], size_t n, int *same,
                                  int64_t (*stored)[2]);
int intake_store_import_rows_add(wh_db *db, const char *principal, const char *const *ids,
                                 const uint8_t (*digests)[INTAKE_ROW_DIGEST_LEN], const int64_t *referral_ids,
                                 size_t n);
/* Deletes up to limit ids recorded more than days ago (any sender): the count deleted, or a store
 * status. */
int64_t intake_store_import_rows_prune(wh_db *db, int64_t days, int64_t limit);
/* The retention hook (wh_service_def.prune): intake_store_import_rows_prune, counted in
 * intake_import_rows_pruned_total. */
int64_t intake_prune(wh_db *db, int64_t days, int64_t limit);

#endif

/*
 * store_fuzzy.h — the store's read for the scored match kind (store_fuzzy.c): the persons a block of
 * rows can meet by name block, address block, phone or address key (resolve_fuzzy.c's routes), with
 * their names and phones opened for the score.  The plaintext lives only until intake_fuzzy_read_free,
 * which wipes it.
 */
#ifndef INTAKE_STORE_FUZZY_H
#define INTAKE_STORE_FUZZY_H

#include "resolve.h"

typedef struct intake_fuzzy_read {
    PGresult *result;
    intake_known_fuzzy *persons; /* borrowing from result and opened */
    size_t n;
    char **opened; /* two per read row (name, phone), NULL when none */
    size_t n_opened;
} intake_fuzzy_read;

/* The persons one route hands the score per referral person, the most recent first (service.c reads
 * WH_INTAKE_FUZZY_MAX_CANDIDATES at start; resolve.h's INTAKE_FUZZY_MAX_CANDIDATES_DEFAULT). */
extern size_t intake_fuzzy_max_candidates;

/* Reads (intake_bulk_fuzzy, at most intake_fuzzy_max_candidates + 1 per block and route) and opens.  A person
 * whose name cannot be opened is logged and not scored.  0 or a negative status; intake_fuzzy_read_free
 * always. */
int intake_store_fuzzy_read(wh_db *db, const intake_bulk *b, intake_fuzzy_read *out);
void intake_fuzzy_read_free(intake_fuzzy_read *r);

#endif

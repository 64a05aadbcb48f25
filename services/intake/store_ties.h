/*
 * store_ties.h — ties an operator decides (issue 16; migrations/0017_tie_decisions.sql): the ties a
 * block raised written as rows of person_tie, the decisions of a block's name keys read for the
 * resolver (an input of the one rule, resolve.c), and DecideTie's reads and writes.
 */
#ifndef INTAKE_STORE_TIES_H
#define INTAKE_STORE_TIES_H

#include "intake.h"
#include "resolve.h"

/* The decisions of the rows' name keys, as the resolver takes them (keys point into the result). */
typedef struct intake_decided_read {
    PGresult *result;
    intake_tie_decided *v;
    size_t n;
} intake_decided_read;

/* One statement for the whole block: the latest decision of each (name key, decided person's
 * household now).  0 or a negative status. */
int intake_store_decided_read(wh_db *db, const intake_bulk *b, intake_decided_read *out);
void intake_decided_read_free(intake_decided_read *d);

/* The ties of b's rows (b->tied, real ids, rows stored): a person_tie row per referral person tied,
 * with the person as prepared (what a new person needs) and whom the resolver added
 * (person_ids: the block's person ids in the order taken).  One statement. */
int intake_store_write_ties(wh_db *db, const intake_resolver *s, const int64_t *person_ids,
                            const intake_bulk *b);

/* A raised tie as DecideTie sees it. */
typedef struct intake_tie {
    int64_t id, household_id, added_person_id, decided_person_id;
    int decision; /* 0 open, else Welfare__Intake__V1__TieDecision */
    int64_t tied[INTAKE_RESOLVE_LISTED];
    size_t n_tied;
} intake_tie;

/* The tie of a referral's person, locked: 0, WH_NOT_FOUND with *field "referral_id" (no such
 * referral) or "person" (no tie raised for that person), or a negative status. */
int intake_store_tie_get(wh_db *db, int64_t referral_id, int person, intake_tie *t, const char **field);
/* A new person of the tied persons' household from the tie's prepared values: its id. */
int intake_store_tie_add_person(wh_db *db, int64_t tie_id, int64_t *person_id);
/* The person another tie of the same reading and persons tied was decided a new person as, or 0. */
int intake_store_tie_new_of_reading(wh_db *db, int64_t tie_id, int64_t *person_id);
/* Records the decision (the prepared values wiped). */
int intake_store_tie_decide(wh_db *db, int64_t tie_id, int decision, int64_t person_id, const char *by);
/* A person's household now and its dong. */
int intake_store_person_household(wh_db *db, int64_t person_id, int64_t *household_id, char dong[16]);

#endif

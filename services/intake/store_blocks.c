/*
 * store_blocks.c — the fuzzy rule's blocks for persons stored before 0009_optional_rrn.sql
 * (migrations/0015_fuzzy_blocks.sql), once, at start, while key_migration 'fuzzy_blocks' is pending.
 *
 * Person by person without a name block (2,000 a transaction, resuming after the last one done):
 * the name is opened and its name block computed with the household's dong, as prepare.c computes
 * it for a new referral; the household's address gives the address block (the referral that added
 * the person stored no address of its own, as the NFC rekey found); the resident number's sex digit
 * gives the sex, the birth date the birth year.  So the fuzzy score meets them by name, address and
 * phone like any person stored since.  A person whose name cannot be opened is counted and left.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "intake.h"
#include "wh/log.h"
#include "wh/sqlarray.h"

#define BLOCKS_BATCH 2000

typedef struct block_updates {
    wh_sqlarray ids, names, addresses, sexes;
    size_t n;
} block_updates;

static void updates_free(block_updates *u)
{
    wh_sqlarray_free(&u->ids);
    wh_sqlarray_free(&u->names);
    wh_sqlarray_free(&u->addresses);
    wh_sqlarray_free(&u->sexes);
}

static int write_updates(wh_db *db, block_updates *u)
{
    if (u->n == 0)
        return 0;
    wh_sqlarray *a[] = {&u->ids, &u->names, &u->addresses, &u->sexes};
    wh_params p;
    wh_params_reset(&p);
    for (size_t k = 0; k < sizeof a / sizeof a[0]; k++) {
        const char *v = wh_sqlarray_value(a[k]);
        if (!v)
            return WH_INTERNAL;
        wh_params_text(&p, v);
    }
    int64_t n = wh_db_exec(db, "intake_blocks_update", &p);
    return n < 0 ? (int)n : 0;
}

/* The sex of a sealed resident number: "M", "F", or "" when there is none or it cannot be opened. */
static const char *sex_of(const PGresult *r, int i)
{
    char *digits = NULL;
    if (PQgetisnull(r, i, 4) || wh_pii_open(PQgetvalue(r, i, 4), &digits) < 0)
        return "";
    const char *sex = strlen(digits) == INTAKE_RRN_DIGITS ? (intake_rrn_sex(digits) == 'M' ? "M" : "F") : "";
    intake_wipe_free(digits);
    return sex;
}

/* Row i's blocks into u; *opened false (and nothing added) when the name cannot be opened. */
static int person_blocks(const PGresult *r, int i, block_updates *u, bool *opened)
{
    const char *dong = PQgetvalue(r, i, 1);
    char *name = NULL, *address = NULL;
    char name_block[INTAKE_KEY_TEXT + 1], address_block[INTAKE_KEY_TEXT + 1] = "";
    *opened = wh_pii_open(PQgetvalue(r, i, 2), &name) == 0;
    if (!*opened)
        return 0;
    int rc = intake_dong_keyed("name-block", dong, name, intake_normalize, name_block);
    if (rc == 0 && wh_pii_open(PQgetvalue(r, i, 3), &address) == 0)
        rc = intake_dong_keyed("address-block", dong, address, intake_fuzzy_address_form, address_block);
    intake_wipe_free(name);
    intake_wipe_free(address);
    if (rc < 0)
        return rc;
    const char *sex = sex_of(r, i);
    wh_sqlarray_i64(&u->ids, wh_db_i64(r, i, 0, 0));
    wh_sqlarray_text(&u->names, name_block);
    if (address_block[0])
        wh_sqlarray_text(&u->addresses, address_block);
    else
        wh_sqlarray_null(&u->addresses);
    if (sex[0])
        wh_sqlarray_text(&u->sexes, sex);
    else
        wh_sqlarray_null(&u->sexes);
    u->n++;
    return 0;
}

static int record_progress(wh_db *db, const intake_rekey *b, int64_t after)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, after);
    wh_params_i64(&p, b->persons);
    wh_params_i64(&p, b->kept);
    wh_params_bool(&p, b->done);
    PGresult *r;
    int rc = wh_db_query_row(db, "intake_blocks_progress", &p, &r);
    if (rc == 0 && r && b->done)
        wh_log_info("fuzzy blocks given to persons stored before them", "{s:I, s:I}", "persons",
                    (json_int_t)wh_db_i64(r, 0, 0, 0), "persons_kept", (json_int_t)wh_db_i64(r, 0, 1, 0));
    PQclear(r);
    return rc;
}

int intake_blocks_batch(wh_db *db, intake_rekey *b)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, b->after);
    wh_params_i64(&p, BLOCKS_BATCH);
    PGresult *r = wh_db_query(db, "intake_blocks_persons", &p);
    if (!r)
        return wh_db_last_status(db);
    int n = PQntuples(r), rc = 0;
    block_updates u = {0};
    b->persons = b->kept = 0;
    for (int i = 0; rc == 0 && i < n; i++) {
        bool opened;
        rc = person_blocks(r, i, &u, &opened);
        b->kept += !opened;
    }
    b->persons = (int64_t)u.n;
    if (rc == 0)
        rc = write_updates(db, &u);
    int64_t after = n > 0 ? wh_db_i64(r, n - 1, 0, 0) : b->after;
    b->done = n < BLOCKS_BATCH;
    if (rc == 0)
        rc = record_progress(db, b, after);
    if (rc == 0)
        b->after = after;
    updates_free(&u);
    PQclear(r);
    return rc;
}

int intake_blocks_state(wh_db *db, intake_rekey *b)
{
    return intake_key_migration_state(db, "intake_blocks_state", b);
}

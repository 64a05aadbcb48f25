/*
 * store_rekey.c — the NFC rekey (migrations/0005_nfc_keys.sql): matching keys stored from decomposed
 * text recomputed from NFC text, once, at start, while key_migration 'nfc' is pending.
 *
 * Household by household (2,000 a transaction, resuming after the last one done): the address is
 * opened and its key computed with the rule before NFC (intake_normalize_raw) and with today's; when
 * the stored key is the old one and today's differs, today's is stored.  A person's name key is made
 * from their name, birth date and the address of the referral that added them; that referral's
 * address is not stored, so the household's is used: when the stored key is the old key of that
 * address it is recomputed, else (the person came with another address) it is kept and counted.
 * A key of NFC text is the same either way, so a database of NFC text changes nothing.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "intake.h"
#include "wh/log.h"
#include "wh/sqlarray.h"

#define REKEY_BATCH 2000

typedef struct key_updates {
    wh_sqlarray ids, keys;
    size_t n;
} key_updates;

static void add_update(key_updates *u, int64_t id, const char *key)
{
    wh_sqlarray_i64(&u->ids, id);
    wh_sqlarray_text(&u->keys, key);
    u->n++;
}

static int write_updates(wh_db *db, const char *stmt, key_updates *u)
{
    if (u->n == 0)
        return 0;
    const char *ids = wh_sqlarray_value(&u->ids), *keys = wh_sqlarray_value(&u->keys);
    if (!ids || !keys)
        return WH_INTERNAL;
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, ids);
    wh_params_text(&p, keys);
    int64_t n = wh_db_exec(db, stmt, &p);
    return n < 0 ? (int)n : 0;
}

void intake_wipe_free(char *s)
{
    if (s) {
        memset(s, 0, strlen(s));
        free(s);
    }
}

/* The household's new address key into out when its stored key is of non-NFC text; *changed. */
static int rekey_address(const char *dong, const char *address, const char *stored, char *out, bool *changed)
{
    char before[INTAKE_KEY_TEXT + 1];
    *changed = false;
    int rc = intake_address_key(dong, address, intake_normalize_raw, before);
    if (rc == 0)
        rc = intake_address_key(dong, address, intake_normalize, out);
    *changed = rc == 0 && strcmp(stored, before) == 0 && strcmp(before, out) != 0;
    return rc;
}

/* A person's new name key into out; *changed, or *kept when the stored key is of another address. */
static int rekey_person(const char *name, const char *birth, const char *address, const char *stored,
                        char out[INTAKE_KEY_TEXT + 1], bool *changed, bool *kept)
{
    char input[1024], before[INTAKE_KEY_TEXT + 1];
    *changed = *kept = false;
    int rc = intake_name_key_input_raw(name, birth, address, input, sizeof input);
    if (rc == 0)
        rc = intake_hash_labelled("name", input, before);
    if (rc == 0)
        rc = intake_name_key_input(name, birth, address, input, sizeof input);
    if (rc == 0)
        rc = intake_hash_labelled("name", input, out);
    memset(input, 0, sizeof input);
    if (rc < 0)
        return rc;
    if (strcmp(stored, before) != 0)
        *kept = strcmp(stored, out) != 0; /* already today's key (NFC text), or another address */
    else
        *changed = strcmp(before, out) != 0;
    return 0;
}

/* The households' addresses, opened (index-aligned with r's rows; NULL when it cannot be opened). */
static int rekey_households(wh_db *db, PGresult *h, char **addresses, intake_rekey *b)
{
    key_updates u = {0};
    int rc = 0;
    for (int i = 0; rc == 0 && i < PQntuples(h); i++) {
        char key[INTAKE_KEY_TEXT + 1];
        bool changed;
        if (wh_pii_open(PQgetvalue(h, i, 2), &addresses[i]) < 0) {
            addresses[i] = NULL;
            continue;
        }
        rc = rekey_address(PQgetvalue(h, i, 1), addresses[i], PQgetvalue(h, i, 3), key, &changed);
        if (rc == 0 && changed) {
            add_update(&u, wh_db_i64(h, i, 0, 0), key);
            b->households++;
        }
    }
    if (rc == 0)
        rc = write_updates(db, "intake_rekey_update_households", &u);
    wh_sqlarray_free(&u.ids);
    wh_sqlarray_free(&u.keys);
    return rc;
}

static const char *address_of(PGresult *h, char **addresses, int64_t household)
{
    for (int i = 0; i < PQntuples(h); i++) /* a batch's households are few and sorted */
        if (wh_db_i64(h, i, 0, 0) == household)
            return addresses[i];
    return NULL;
}

static int rekey_persons(wh_db *db, PGresult *h, char **addresses, intake_rekey *b)
{
    wh_sqlarray ids = {0};
    for (int i = 0; i < PQntuples(h); i++)
        wh_sqlarray_i64(&ids, wh_db_i64(h, i, 0, 0));
    const char *v = wh_sqlarray_value(&ids);
    if (!v) {
        wh_sqlarray_free(&ids);
        return WH_INTERNAL;
    }
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, v);
    PGresult *r = wh_db_query(db, "intake_rekey_persons", &p);
    wh_sqlarray_free(&ids);
    if (!r)
        return wh_db_last_status(db);
    key_updates u = {0};
    int rc = 0;
    for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
        const char *address = address_of(h, addresses, wh_db_i64(r, i, 1, 0));
        char *name = NULL, key[INTAKE_KEY_TEXT + 1];
        bool changed, kept;
        if (!address || wh_pii_open(PQgetvalue(r, i, 2), &name) < 0) {
            b->kept++;
            continue;
        }
        rc = rekey_person(name, PQgetvalue(r, i, 4), address, PQgetvalue(r, i, 3), key, &changed, &kept);
        intake_wipe_free(name);
        if (rc == 0 && changed) {
            add_update(&u, wh_db_i64(r, i, 0, 0), key);
            b->persons++;
        }
        b->kept += kept;
    }
    PQclear(r);
    if (rc == 0)
        rc = write_updates(db, "intake_rekey_update_persons", &u);
    wh_sqlarray_free(&u.ids);
    wh_sqlarray_free(&u.keys);
    return rc;
}

static int record_progress(wh_db *db, const intake_rekey *b, int64_t after)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, after);
    wh_params_i64(&p, b->households);
    wh_params_i64(&p, b->persons);
    wh_params_i64(&p, b->kept);
    wh_params_bool(&p, b->done);
    PGresult *r;
    int rc = wh_db_query_row(db, "intake_rekey_progress", &p, &r);
    if (rc == 0 && r && b->done)
        wh_log_info("matching keys rekeyed to NFC text", "{s:I, s:I, s:I}", "households",
                    (json_int_t)wh_db_i64(r, 0, 0, 0), "persons", (json_int_t)wh_db_i64(r, 0, 1, 0),
                    "persons_kept", (json_int_t)wh_db_i64(r, 0, 2, 0));
    PQclear(r);
    return rc;
}

int intake_rekey_batch(wh_db *db, intake_rekey *b)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, b->after);
    wh_params_i64(&p, REKEY_BATCH);
    PGresult *h = wh_db_query(db, "intake_rekey_households", &p);
    if (!h)
        return wh_db_last_status(db);
    int n = PQntuples(h);
    char **addresses = calloc(n ? (size_t)n : 1, sizeof *addresses);
    int rc = addresses ? 0 : WH_INTERNAL;
    b->households = b->persons = b->kept = 0;
    if (rc == 0 && n > 0)
        rc = rekey_households(db, h, addresses, b);
    if (rc == 0 && n > 0)
        rc = rekey_persons(db, h, addresses, b);
    int64_t after = n > 0 ? wh_db_i64(h, n - 1, 0, 0) : b->after;
    b->done = n < REKEY_BATCH;
    if (rc == 0)
        rc = record_progress(db, b, after);
    if (rc == 0)
        b->after = after;
    for (int i = 0; addresses && i < n; i++)
        intake_wipe_free(addresses[i]);
    free(addresses);
    PQclear(h);
    return rc;
}

int intake_key_migration_state(wh_db *db, const char *statement, intake_rekey *b)
{
    PGresult *r;
    memset(b, 0, sizeof *b);
    int rc = wh_db_query_row(db, statement, NULL, &r);
    if (rc < 0)
        return rc;
    b->done = !r || wh_db_text(r, 0, 0)[0] != 't';
    b->after = r ? wh_db_i64(r, 0, 1, 0) : 0;
    PQclear(r);
    return 0;
}

int intake_rekey_state(wh_db *db, intake_rekey *b)
{
    return intake_key_migration_state(db, "intake_rekey_state", b);
}

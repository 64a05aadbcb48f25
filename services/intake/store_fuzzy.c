/*
 * store_fuzzy.c — the read behind the scored match kind (store_fuzzy.h): one statement for a block
 * of rows (intake_bulk_fuzzy, store.c), its rows as the resolver's intake_known_fuzzy with names and
 * phones opened.  The routes are resolve_fuzzy.c's, so a row meets in a block what it meets alone.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store_fuzzy.h"
#include "wh/log.h"
#include "wh/sqlarray.h"

size_t intake_fuzzy_max_candidates = INTAKE_FUZZY_MAX_CANDIDATES_DEFAULT;

enum {
    ANY_NAME,
    ANY_ADDRESS,
    ANY_PHONE,
    UNNUMBERED_NAME,
    UNNUMBERED_PHONE,
    UNNUMBERED_ADDRESS_KEY,
    N_ARRAYS
};

static bool names_unnumbered(const intake_prepared *p)
{
    for (size_t k = 0; k < p->n_persons; k++)
        if (!p->persons[k].rrn_hash[0])
            return true;
    return false;
}

/* The blocks of every row: $1..$3 met by persons without a number, $4..$6 by anyone. */
static void block_arrays(const intake_bulk *b, wh_sqlarray a[N_ARRAYS])
{
    for (size_t i = 0; i < b->n_rows; i++) {
        const intake_prepared *p = b->rows[i].prep;
        wh_sqlarray_text(&a[ANY_ADDRESS], p->address_block);
        if (names_unnumbered(p))
            wh_sqlarray_text(&a[UNNUMBERED_ADDRESS_KEY], p->address_key);
        for (size_t k = 0; k < p->n_persons; k++) {
            const intake_person_row *person = &p->persons[k];
            bool unnumbered = !person->rrn_hash[0];
            wh_sqlarray_text(&a[ANY_NAME], person->name_block);
            if (unnumbered)
                wh_sqlarray_text(&a[UNNUMBERED_NAME], person->name_block);
            if (person->phone_hash[0]) {
                wh_sqlarray_text(&a[ANY_PHONE], person->phone_hash);
                if (unnumbered)
                    wh_sqlarray_text(&a[UNNUMBERED_PHONE], person->phone_hash);
            }
        }
    }
}

static int query(wh_db *db, const intake_bulk *b, intake_fuzzy_read *out)
{
    wh_sqlarray a[N_ARRAYS] = {{0}};
    wh_params p;
    int rc = 0;
    block_arrays(b, a);
    wh_params_reset(&p);
    for (int k = 0; k < N_ARRAYS && rc == 0; k++) {
        const char *v = wh_sqlarray_value(&a[k]);
        rc = v ? 0 : WH_INTERNAL;
        wh_params_text(&p, v);
    }
    wh_params_i64(&p, (int64_t)intake_fuzzy_max_candidates + 1);
    if (rc == 0 && !(out->result = wh_db_query(db, "intake_bulk_fuzzy", &p)))
        rc = wh_db_last_status(db);
    for (int k = 0; k < N_ARRAYS; k++)
        wh_sqlarray_free(&a[k]);
    return rc;
}

static const char *text_or_null(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

/* Row i of the result as a known person; false when its name cannot be opened (logged). */
static bool known_person(intake_fuzzy_read *out, int i, intake_known_fuzzy *c)
{
    const PGresult *r = out->result;
    char **name = &out->opened[2 * (size_t)i], **phone = &out->opened[2 * (size_t)i + 1];
    if (wh_pii_open(PQgetvalue(r, i, 3), name) < 0) {
        *name = NULL;
        wh_log_warn("a person's name could not be opened; not scored", "{s:I}", "person_id",
                    (json_int_t)wh_db_i64(r, i, 0, 0));
        return false;
    }
    if (!PQgetisnull(r, i, 8) && wh_pii_open(PQgetvalue(r, i, 8), phone) < 0)
        *phone = NULL; /* scored without the phone */
    const char *birth = PQgetvalue(r, i, 4), *sex = PQgetvalue(r, i, 6);
    *c = (intake_known_fuzzy){
        .person_id = wh_db_i64(r, i, 0, 0),
        .household_id = wh_db_i64(r, i, 1, 0),
        .has_rrn = PQgetvalue(r, i, 2)[0] == 't',
        .name_block = text_or_null(r, i, 9),
        .address_block = text_or_null(r, i, 10),
        .phone_hash = text_or_null(r, i, 7),
        .who = {.name = *name,
                .birth_date = birth[0] ? birth : NULL,
                .birth_year = (int)wh_db_i64(r, i, 5, 0),
                .sex = sex[0],
                .address_block = text_or_null(r, i, 10),
                .phone_digits = *phone},
    };
    return true;
}

int intake_store_fuzzy_read(wh_db *db, const intake_bulk *b, intake_fuzzy_read *out)
{
    memset(out, 0, sizeof *out);
    int rc = query(db, b, out);
    if (rc < 0)
        return rc;
    size_t n = (size_t)PQntuples(out->result);
    out->persons = calloc(n ? n : 1, sizeof *out->persons);
    out->opened = calloc(2 * n + 1, sizeof *out->opened);
    if (!out->persons || !out->opened)
        return WH_INTERNAL;
    out->n_opened = 2 * n;
    for (size_t i = 0; i < n; i++)
        if (known_person(out, (int)i, &out->persons[out->n]))
            out->n++;
    return 0;
}

void intake_fuzzy_read_free(intake_fuzzy_read *r)
{
    for (size_t i = 0; r->opened && i < r->n_opened; i++)
        if (r->opened[i]) {
            memset(r->opened[i], 0, strlen(r->opened[i]));
            free(r->opened[i]);
        }
    free(r->opened);
    free(r->persons);
    PQclear(r->result);
    memset(r, 0, sizeof *r);
}

/*
 * store_numbers.c — a stored person without a resident number, recognised by the score as a
 * referral's person who has one, gets that number (hashed and sealed as prepare.c made them) and
 * the birth date, birth year and sex that agree with it (validate.c checked them against the
 * number).  Only a person still without a number is changed.
 */
#include "store_numbers.h"
#include "wh/sqlarray.h"

enum { IDS, HASHES, SEALS, BIRTH_DATES, BIRTH_YEARS, SEXES, N_ARRAYS };

static void numbered_arrays(const intake_resolver *s, wh_sqlarray a[N_ARRAYS])
{
    for (size_t i = 0; i < s->n_numbered; i++) {
        const intake_person_row *p = s->numbered[i].p;
        char sex[2] = {p->sex, 0};
        wh_sqlarray_i64(&a[IDS], s->numbered[i].person_id);
        wh_sqlarray_text(&a[HASHES], p->rrn_hash);
        wh_sqlarray_text(&a[SEALS], p->rrn_sealed);
        wh_sqlarray_text(&a[BIRTH_DATES], p->birth_date);
        wh_sqlarray_i64(&a[BIRTH_YEARS], p->birth_year);
        if (sex[0])
            wh_sqlarray_text(&a[SEXES], sex);
        else
            wh_sqlarray_null(&a[SEXES]);
    }
}

int intake_store_give_numbers(wh_db *db, const intake_resolver *s)
{
    if (s->n_numbered == 0)
        return 0;
    wh_sqlarray a[N_ARRAYS] = {{0}};
    wh_params p;
    int rc = 0;
    numbered_arrays(s, a);
    wh_params_reset(&p);
    for (int k = 0; k < N_ARRAYS && rc == 0; k++) {
        const char *v = wh_sqlarray_value(&a[k]);
        rc = v ? 0 : WH_INTERNAL;
        wh_params_text(&p, v);
    }
    if (rc == 0) {
        int64_t n = wh_db_exec(db, "intake_give_numbers", &p);
        rc = n < 0 ? (int)n : 0;
    }
    for (int k = 0; k < N_ARRAYS; k++)
        wh_sqlarray_free(&a[k]);
    return rc;
}

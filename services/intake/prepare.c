/*
 * prepare.c — a checked referral made ready to store: every person's lookup hashes and sealed values,
 * the household's address key and sealed address, the sealed concern.
 *
 * Shared by SubmitReferral (handle_referral.c) and the bulk path (handle_import.c), so a row of a
 * block is hashed and sealed exactly as the same referral submitted alone.  Pure but for the PII key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

#define LABELLED_MAX 1024 /* bytes of "label:value" with its NUL, as when it was one buffer */

/* Keyed hash of a value under a domain label, so equal strings of different kinds never collide: the
 * hash of "label:value", hashed in parts (no copy of the value), written as bytea's "\x" + hex. */
int intake_hash_labelled(const char *label, const char *value, char out[INTAKE_KEY_TEXT + 1])
{
    if (strlen(label) + 1 + strlen(value) >= LABELLED_MAX)
        return WH_INVALID_ARGUMENT;
    const char *parts[] = {label, ":", value};
    out[0] = '\\';
    out[1] = 'x';
    int rc = wh_pii_hash_parts(parts, 3, out + 2);
    if (rc != 0)
        out[0] = '\0'; /* no key: "" reads as none everywhere */
    return rc;
}

static int prepare_person(const Welfare__Intake__V1__ReferredPerson *in, const intake_checked_person *c,
                          const Welfare__Intake__V1__ReferredHousehold *h, intake_person_row *row)
{
    char key[1024];
    int rc = intake_name_key_input(in->name, c->rrn.birth_date, h->address, key, sizeof key);
    if (rc == 0)
        rc = intake_hash_labelled("name", key, row->name_key);
    memset(key, 0, sizeof key);
    if (rc == 0 && c->has_rrn)
        rc = intake_hash_labelled("rrn", c->rrn.digits, row->rrn_hash);
    if (rc == 0 && c->has_rrn)
        rc = wh_pii_seal(c->rrn.digits, &row->rrn_sealed);
    if (rc == 0)
        rc = intake_dong_keyed("name-block", h->dong_code, in->name, intake_normalize, row->name_block);
    if (rc == 0)
        rc = wh_pii_seal(in->name, &row->name_sealed);
    if (rc == 0 && c->phone[0]) {
        rc = intake_hash_labelled("phone", c->phone, row->phone_hash);
        if (rc == 0)
            rc = wh_pii_seal(c->phone, &row->phone_sealed);
    }
    row->birth_date = c->rrn.birth_date;
    row->birth_year = c->birth_year;
    row->sex = c->sex;
    row->fuzzy = (intake_fuzzy_person){.name = in->name,
                                       .birth_date = c->rrn.birth_date[0] ? c->rrn.birth_date : NULL,
                                       .birth_year = c->birth_year,
                                       .sex = c->sex,
                                       .address = h->address,
                                       .phone_digits = c->phone};
    return rc;
}

int intake_dong_keyed(const char *label, const char *dong_code, const char *text,
                      size_t (*normalize)(const char *, char *, size_t), char out[INTAKE_KEY_TEXT + 1])
{
    char norm[512], key[600];
    normalize(text, norm, sizeof norm);
    size_t n = strlen(norm);
    /* key = "dong ␟ form", cut to 599 bytes as snprintf into it did (a checked dong never is) */
    size_t dong_len = strnlen(dong_code, sizeof key - 1), k = dong_len;
    memcpy(key, dong_code, dong_len);
    if (k < sizeof key - 1)
        key[k++] = '\x1f';
    if (n > sizeof key - 1 - k)
        n = sizeof key - 1 - k;
    memcpy(key + k, norm, n);
    key[k + n] = '\0';
    int rc = intake_hash_labelled(label, key, out);
    memset(norm, 0, sizeof norm);
    memset(key, 0, sizeof key);
    return rc;
}

int intake_address_key(const char *dong_code, const char *address,
                       size_t (*normalize)(const char *, char *, size_t), char out[INTAKE_KEY_TEXT + 1])
{
    return intake_dong_keyed("address", dong_code, address, normalize, out);
}

int intake_prepare_referral(const Welfare__Intake__V1__SubmitReferral *m, const intake_checked *checked,
                            intake_person_row *persons, intake_prepared *out)
{
    const Welfare__Intake__V1__ReferredHousehold *h = m->household;
    int rc = 0;
    memset(persons, 0, checked->n_persons * sizeof *persons);
    out->persons = persons;
    out->n_persons = checked->n_persons;
    out->address_sealed = out->concern_sealed = NULL;
    for (size_t i = 0; i < checked->n_persons && rc == 0; i++)
        rc = prepare_person(m->persons[i], &checked->persons[i], h, &persons[i]);
    if (rc == 0)
        rc = intake_address_key(h->dong_code, h->address, intake_normalize, out->address_key);
    if (rc == 0)
        rc = intake_dong_keyed("address-block", h->dong_code, h->address, intake_fuzzy_address_form,
                               out->address_block);
    if (rc == 0)
        rc = wh_pii_seal(h->address, &out->address_sealed);
    if (rc == 0 && m->concern && *m->concern)
        rc = wh_pii_seal(m->concern, &out->concern_sealed);
    out->household = (intake_household_row){
        .dong_code = h->dong_code,
        .has_location = h->location != NULL,
        .latitude = h->location ? h->location->latitude : 0,
        .longitude = h->location ? h->location->longitude : 0,
        .address_sealed = out->address_sealed,
        .address_key = out->address_key,
        .known_to_programme = h->known_to_programme,
        .risk_score = checked->risk_score,
        .reported_on = m->reported_on,
    };
    return rc;
}

void intake_prepared_free(intake_prepared *p)
{
    for (size_t i = 0; p->persons && i < p->n_persons; i++) {
        free(p->persons[i].rrn_sealed);
        free(p->persons[i].name_sealed);
        free(p->persons[i].phone_sealed);
        memset(&p->persons[i], 0, sizeof p->persons[i]);
    }
    free(p->address_sealed);
    free(p->concern_sealed);
    memset(p, 0, sizeof *p);
}

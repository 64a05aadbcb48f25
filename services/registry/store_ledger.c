/*
 * store_ledger.c — the ledger's SQL: donations, their receipts and allocations, MOUs and their
 * commitments, and the tally of finds per finder.
 *
 * A donation row keeps received_krw and allocated_krw in step with its receipts and allocations, in
 * the same statement that inserts them, and the table's CHECKs (received ≤ pledged, allocated ≤
 * received) make an over-receipt or an over-allocation impossible whatever runs concurrently; the
 * handlers read the row FOR UPDATE first so they can answer with a typed error instead.
 */
#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "wh/db_rows.h"
#include "wh/sqlarray.h"

#define FINDER_COLUMNS "finder_member_id, finder_team, finder_hub"

const wh_db_statement registry_ledger_statements[] = {
    {"registry_insert_donation",
     "INSERT INTO donation (donor_kind, donor_name, donor_name_sealed, donor_contact_sealed, provider_id, "
     "kind, "
     "description, instalment_krw, recurrence, instalments, pledged_krw, pledged_on, "
     "dong_code, " FINDER_COLUMNS
     ", resource_id) VALUES ($1, $2, $3, $4, NULLIF($5::bigint, 0), $6, $7, $8, $9, $10, $11, $12, $13, $14, "
     "$15, $16, NULLIF($17::bigint, 0)) RETURNING id"},
    {"registry_donation_facts",
     "SELECT pledged_krw, received_krw, allocated_krw, pledged_on::text, dong_code, " FINDER_COLUMNS
     " FROM donation WHERE id = $1 FOR UPDATE"},
    {"registry_insert_receipt",
     "WITH d AS (UPDATE donation SET received_krw = received_krw + $2 WHERE id = $1 RETURNING id) "
     "INSERT INTO donation_receipt (donation_id, amount_krw, received_on) SELECT id, $2, $3 FROM d RETURNING "
     "id"},
    {"registry_insert_allocation",
     "WITH d AS (UPDATE donation SET allocated_krw = allocated_krw + $4 WHERE id = $1 RETURNING id) "
     "INSERT INTO donation_allocation (donation_id, linkage_id, household_id, amount_krw, allocated_on) "
     "SELECT id, $2, $3, $4, $5 FROM d RETURNING id"},
    {"registry_list_donations",
     "SELECT id, donor_kind, donor_name, COALESCE(provider_id, 0), kind, description, instalment_krw, "
     "recurrence, instalments, pledged_krw, received_krw, allocated_krw, pledged_on::text, dong_code, "
     "" FINDER_COLUMNS ", COALESCE(resource_id, 0) FROM donation "
     "WHERE ($1 = '' OR dong_code = $1) AND id > $2 ORDER BY id LIMIT $3"},
    {"registry_provider_place", "SELECT name, dong_code FROM provider WHERE id = $1"},
    {"registry_insert_mou", "INSERT INTO mou (provider_id, purpose, starts_on, ends_on, " FINDER_COLUMNS
                            ") VALUES ($1, $2, $3, NULLIF($4, '')::date, $5, $6, $7) RETURNING id"},
    {"registry_insert_mou_commitment", "INSERT INTO mou_commitment (mou_id, ordinal, what, quantity, per, "
                                       "domain) VALUES ($1, $2, $3, $4, $5, $6)"},
    {"registry_list_mous",
     "SELECT m.id, m.provider_id, p.name, m.purpose, m.starts_on::text, COALESCE(m.ends_on::text, ''), "
     "m.finder_member_id, m.finder_team, m.finder_hub FROM mou m JOIN provider p ON p.id = m.provider_id "
     "WHERE ($1::bigint = 0 OR m.provider_id = $1) AND ($2::date IS NULL OR (m.starts_on <= $2::date AND "
     "(m.ends_on IS NULL OR m.ends_on >= $2::date))) AND m.id > $3 ORDER BY m.id LIMIT $4"},
    {"registry_mou_commitments",
     "SELECT what, quantity, per, domain FROM mou_commitment WHERE mou_id = $1 ORDER BY ordinal"},
    /* The finds of a period, as the KPI counts them: a resource on its discovery with its value, a
     * donation on its pledge, its value as received, an MOU on its first day. */
    {"registry_tally",
     "WITH finds AS ("
     " SELECT " FINDER_COLUMNS
     ", 1 AS resources, 0 AS donations, amount_krw AS amount, 0::bigint AS pledged, "
     "0 AS mous FROM resource WHERE discovered_on BETWEEN $2::date AND $3::date"
     " UNION ALL SELECT " FINDER_COLUMNS ", 0, 1, 0, pledged_krw, 0 FROM donation"
     " WHERE pledged_on BETWEEN $2::date AND $3::date"
     " UNION ALL SELECT d.finder_member_id, d.finder_team, d.finder_hub, 0, 0, r.amount_krw, 0, 0"
     " FROM donation_receipt r JOIN donation d ON d.id = r.donation_id"
     " WHERE r.received_on BETWEEN $2::date AND $3::date"
     " UNION ALL SELECT " FINDER_COLUMNS
     ", 0, 0, 0, 0, 1 FROM mou WHERE starts_on BETWEEN $2::date AND $3::date)"
     " SELECT CASE WHEN $1 = 1 THEN finder_member_id ELSE 0 END, CASE WHEN $1 = 2 THEN finder_team ELSE 0 "
     "END,"
     " CASE WHEN $1 = 3 THEN finder_hub ELSE '' END, sum(resources), sum(donations), sum(amount), "
     "sum(pledged),"
     " sum(mous) FROM finds WHERE ($4::text[] IS NULL OR finder_hub = ANY ($4::text[]))"
     " AND ($1 <> 1 OR finder_member_id <> 0) AND ($1 <> 2 OR finder_team <> 0)"
     " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"},
};
const size_t registry_ledger_statements_count =
    sizeof registry_ledger_statements / sizeof registry_ledger_statements[0];

static void finder_params(wh_params *p, const registry_finder *f)
{
    wh_params_i64(p, f->member_id);
    wh_params_i64(p, f->team);
    wh_params_text(p, f->hub_dong_code);
}

static void finder_from_row(const PGresult *r, int row, int col, registry_finder *f)
{
    const char *hub = wh_db_text(r, row, col + 2);
    f->member_id = wh_db_i64(r, row, col, 0);
    f->team = (int)wh_db_i64(r, row, col + 1, 0);
    snprintf(f->hub_dong_code, sizeof f->hub_dong_code, "%s", hub ? hub : "");
}

int registry_store_hub_of(wh_db *db, const char *dong_code, char hub[33])
{
    registry_dong_info d;
    int rc = registry_store_dong(db, dong_code, &d);
    if (rc < 0)
        return rc;
    snprintf(hub, 33, "%s", d.found && d.hub_dong_code[0] ? d.hub_dong_code : dong_code);
    return 0;
}

int registry_store_insert_donation(wh_db *db, const Welfare__Registry__V1__RecordDonation *m,
                                   const char *name_sealed, const char *contact_sealed, int64_t pledged_krw,
                                   int instalments, const registry_finder *f, int64_t *id)
{
    wh_params p;
    bool person = m->donor_kind == WELFARE__REGISTRY__V1__DONOR_KIND__DONOR_KIND_PERSON;
    wh_params_reset(&p);
    wh_params_i64(&p, m->donor_kind);
    wh_params_text(&p, person ? "" : m->donor_name); /* a person's name only sealed */
    wh_params_text(&p, name_sealed);
    wh_params_text(&p, contact_sealed);
    wh_params_i64(&p, m->provider_id);
    wh_params_i64(&p, m->kind);
    wh_params_text(&p, m->description ? m->description : "");
    wh_params_i64(&p, m->instalment_krw);
    wh_params_i64(&p, m->recurrence);
    wh_params_i64(&p, instalments);
    wh_params_i64(&p, pledged_krw);
    wh_params_text(&p, m->pledged_on);
    wh_params_text(&p, m->dong_code);
    finder_params(&p, f);
    wh_params_i64(&p, m->resource_id);
    return registry_store_insert_id(db, "registry_insert_donation", &p, id);
}

int registry_store_donation_facts(wh_db *db, int64_t id, registry_donation_facts *out)
{
    PGresult *r;
    memset(out, 0, sizeof *out);
    int rc = wh_db_row_by_id(db, "registry_donation_facts", id, &r);
    if (rc != 0)
        return rc;
    out->pledged_krw = wh_db_i64(r, 0, 0, 0);
    out->received_krw = wh_db_i64(r, 0, 1, 0);
    out->allocated_krw = wh_db_i64(r, 0, 2, 0);
    snprintf(out->pledged_on, sizeof out->pledged_on, "%s", wh_db_text(r, 0, 3));
    snprintf(out->dong_code, sizeof out->dong_code, "%s", wh_db_text(r, 0, 4));
    finder_from_row(r, 0, 5, &out->finder);
    PQclear(r);
    return 0;
}

int registry_store_insert_receipt(wh_db *db, int64_t donation_id, int64_t amount_krw, const char *on,
                                  int64_t *id)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, donation_id);
    wh_params_i64(&p, amount_krw);
    wh_params_text(&p, on);
    return registry_store_insert_id(db, "registry_insert_receipt", &p, id);
}

int registry_store_insert_allocation(wh_db *db, int64_t donation_id, int64_t linkage_id, int64_t household_id,
                                     int64_t amount_krw, const char *on, int64_t *id)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, donation_id);
    wh_params_i64(&p, linkage_id);
    wh_params_i64(&p, household_id);
    wh_params_i64(&p, amount_krw);
    wh_params_text(&p, on);
    return registry_store_insert_id(db, "registry_insert_allocation", &p, id);
}

static bool fill_donation(wh_ctx *ctx, const PGresult *r, int row, void *message)
{
    Welfare__Registry__V1__Donation *m = message;
    m->donation_id = wh_db_i64(r, row, 0, 0);
    m->donor_kind = (Welfare__Registry__V1__DonorKind)wh_db_i64(r, row, 1, 0);
    m->donor_name = wh_ctx_db_text(ctx, r, row, 2);
    m->provider_id = wh_db_i64(r, row, 3, 0);
    m->kind = (Welfare__Registry__V1__ResourceKind)wh_db_i64(r, row, 4, 0);
    m->description = wh_ctx_db_text(ctx, r, row, 5);
    m->instalment_krw = wh_db_i64(r, row, 6, 0);
    m->recurrence = (Welfare__Registry__V1__Recurrence)wh_db_i64(r, row, 7, 0);
    m->instalments = (int32_t)wh_db_i64(r, row, 8, 0);
    m->pledged_krw = wh_db_i64(r, row, 9, 0);
    m->received_krw = wh_db_i64(r, row, 10, 0);
    m->allocated_krw = wh_db_i64(r, row, 11, 0);
    m->pledged_on = wh_ctx_db_text(ctx, r, row, 12);
    m->dong_code = wh_ctx_db_text(ctx, r, row, 13);
    registry_finder f;
    finder_from_row(r, row, 14, &f);
    m->finder = registry_finder_message(ctx, &f);
    m->resource_id = wh_db_i64(r, row, 17, 0);
    bool ok = m->donor_name && m->description && m->pledged_on && m->dong_code && m->finder;
    return ok;
}

int registry_store_list_donations(wh_ctx *ctx, const Welfare__Registry__V1__ListDonations *q,
                                  Welfare__Registry__V1__Donation ***out, size_t *n)
{
    wh_params p;
    wh_db *db = wh_ctx_db(ctx);
    wh_params_reset(&p);
    wh_params_text(&p, q->dong_code ? q->dong_code : "");
    wh_params_i64(&p, q->after_id);
    wh_params_i64(&p, q->limit > 0 ? q->limit : 100);
    return wh_ctx_db_messages(ctx, wh_db_query(db, "registry_list_donations", &p),
                              &welfare__registry__v1__donation__descriptor, fill_donation, (void ***)out, n);
}

int registry_store_provider_place(wh_db *db, int64_t provider_id, char name[201], char dong_code[33])
{
    PGresult *r;
    int rc = wh_db_row_by_id(db, "registry_provider_place", provider_id, &r);
    if (rc != 0)
        return rc;
    snprintf(name, 201, "%s", wh_db_text(r, 0, 0));
    snprintf(dong_code, 33, "%s", wh_db_text(r, 0, 1));
    PQclear(r);
    return 0;
}

static int insert_commitment(wh_db *db, int64_t mou_id, int ordinal,
                             const Welfare__Registry__V1__MouCommitment *c)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, mou_id);
    wh_params_i64(&p, ordinal);
    wh_params_text(&p, c->what);
    wh_params_i64(&p, c->quantity);
    wh_params_i64(&p, c->per);
    wh_params_i64(&p, c->domain);
    int64_t n = wh_db_exec(db, "registry_insert_mou_commitment", &p);
    return n < 0 ? (int)n : 0;
}

int registry_store_insert_mou(wh_db *db, const Welfare__Registry__V1__RecordMou *m, const registry_finder *f,
                              int64_t *id)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, m->provider_id);
    wh_params_text(&p, m->purpose);
    wh_params_text(&p, m->starts_on);
    wh_params_text(&p, m->ends_on ? m->ends_on : "");
    finder_params(&p, f);
    int rc = registry_store_insert_id(db, "registry_insert_mou", &p, id);
    for (size_t i = 0; rc == 0 && i < m->n_commitments; i++)
        rc = insert_commitment(db, *id, (int)i, m->commitments[i]);
    return rc;
}

static bool fill_commitment(wh_ctx *ctx, const PGresult *r, int row, void *message)
{
    Welfare__Registry__V1__MouCommitment *c = message;
    c->what = wh_ctx_db_text(ctx, r, row, 0);
    c->quantity = (int32_t)wh_db_i64(r, row, 1, 0);
    c->per = (Welfare__Registry__V1__CommitmentPeriod)wh_db_i64(r, row, 2, 0);
    c->domain = (Welfare__Common__V1__NeedDomain)wh_db_i64(r, row, 3, 0);
    return c->what != NULL;
}

static int load_commitments(wh_ctx *ctx, Welfare__Registry__V1__Mou *m)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, m->mou_id);
    return wh_ctx_db_messages(ctx, wh_db_query(wh_ctx_db(ctx), "registry_mou_commitments", &p),
                              &welfare__registry__v1__mou_commitment__descriptor, fill_commitment,
                              (void ***)&m->commitments, &m->n_commitments);
}

static bool fill_mou(wh_ctx *ctx, const PGresult *r, int row, void *message)
{
    Welfare__Registry__V1__Mou *m = message;
    m->mou_id = wh_db_i64(r, row, 0, 0);
    m->provider_id = wh_db_i64(r, row, 1, 0);
    m->provider_name = wh_ctx_db_text(ctx, r, row, 2);
    m->purpose = wh_ctx_db_text(ctx, r, row, 3);
    m->starts_on = wh_ctx_db_text(ctx, r, row, 4);
    m->ends_on = wh_ctx_db_text(ctx, r, row, 5);
    registry_finder f;
    finder_from_row(r, row, 6, &f);
    m->finder = registry_finder_message(ctx, &f);
    bool ok = m->provider_name && m->purpose && m->starts_on && m->ends_on && m->finder;
    return ok;
}

int registry_store_list_mous(wh_ctx *ctx, const Welfare__Registry__V1__ListMous *q,
                             Welfare__Registry__V1__Mou ***out, size_t *n)
{
    wh_params p;
    wh_db *db = wh_ctx_db(ctx);
    wh_params_reset(&p);
    wh_params_i64(&p, q->provider_id);
    wh_params_text(&p, q->in_force_on && *q->in_force_on ? q->in_force_on : NULL);
    wh_params_i64(&p, q->after_id);
    wh_params_i64(&p, q->limit > 0 ? q->limit : 100);
    int rc = wh_ctx_db_messages(ctx, wh_db_query(db, "registry_list_mous", &p),
                                &welfare__registry__v1__mou__descriptor, fill_mou, (void ***)out, n);
    for (size_t i = 0; rc == 0 && i < *n; i++)
        rc = load_commitments(ctx, (*out)[i]);
    return rc;
}

static bool fill_tally(wh_ctx *ctx, const PGresult *r, int row, void *message)
{
    Welfare__Registry__V1__FinderTally *t = message;
    t->member_id = wh_db_i64(r, row, 0, 0);
    t->team = (Welfare__Registry__V1__SafetyNetTeam)wh_db_i64(r, row, 1, 0);
    t->hub_dong_code = wh_ctx_db_text(ctx, r, row, 2);
    t->resources = (int32_t)wh_db_i64(r, row, 3, 0);
    t->donations = (int32_t)wh_db_i64(r, row, 4, 0);
    t->cases = t->resources + t->donations;
    t->amount_krw = wh_db_i64(r, row, 5, 0);
    t->pledged_krw = wh_db_i64(r, row, 6, 0);
    t->mous = (int32_t)wh_db_i64(r, row, 7, 0);
    return t->hub_dong_code != NULL;
}

int registry_store_tally(wh_ctx *ctx, const Welfare__Registry__V1__TallyFinds *q,
                         Welfare__Registry__V1__FinderTally ***out, size_t *n)
{
    wh_params p;
    wh_sqlarray hubs = {0};
    wh_db *db = wh_ctx_db(ctx);
    for (size_t i = 0; i < q->n_hub_dong_codes; i++)
        wh_sqlarray_text(&hubs, q->hub_dong_codes[i]);
    const char *hub_list = q->n_hub_dong_codes ? wh_sqlarray_value(&hubs) : NULL;
    if (q->n_hub_dong_codes && !hub_list) {
        wh_sqlarray_free(&hubs);
        return WH_INTERNAL;
    }
    wh_params_reset(&p);
    wh_params_i64(&p, q->group_by);
    wh_params_text(&p, q->from_on);
    wh_params_text(&p, q->to_on);
    wh_params_text(&p, hub_list);
    PGresult *r = wh_db_query(db, "registry_tally", &p);
    wh_sqlarray_free(&hubs);
    return wh_ctx_db_messages(ctx, r, &welfare__registry__v1__finder_tally__descriptor, fill_tally,
                              (void ***)out, n);
}

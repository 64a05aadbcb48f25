/*
 * store.c — the registry schema's SQL: the only file that talks to the database.
 *
 * Capacity is a counter on the resource row kept in step with active reservations, so taking a unit
 * is one conditional UPDATE (`remaining > 0`) that can never overbook, whatever runs concurrently.
 */
#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "wh/db_rows.h"

const wh_db_statement registry_statements[] = {
    {"registry_upsert_dong",
     "INSERT INTO dong (dong_code, hub_dong_code, latitude, longitude) VALUES ($1, $2, $3, $4) "
     "ON CONFLICT (dong_code) DO UPDATE SET hub_dong_code = EXCLUDED.hub_dong_code, "
     "latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude"},
    {"registry_dong", "SELECT hub_dong_code, latitude, longitude FROM dong WHERE dong_code = $1"},
    {"registry_insert_provider",
     "INSERT INTO provider (name, is_private, has_mou, dong_code, registered_by) VALUES ($1, $2, $3, $4, $5) "
     "RETURNING id"},
    {"registry_provider", "SELECT is_private FROM provider WHERE id = $1"},
    {"registry_insert_resource",
     "INSERT INTO resource (provider_id, domain, kind, dong_code, capacity, remaining, amount_krw, "
     "eligibility_notes, discovered_on, title, min_severity, finder_member_id, finder_team, finder_hub) "
     "VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id"},
    {"registry_candidates",
     "SELECT r.id, r.provider_id, r.domain, r.kind, r.min_severity, r.remaining, r.dong_code, "
     "d.hub_dong_code, r.title, c.latitude, c.longitude "
     "FROM resource r JOIN provider p ON p.id = r.provider_id "
     "LEFT JOIN dong d ON d.dong_code = r.dong_code LEFT JOIN dong c ON c.dong_code = p.dong_code "
     "WHERE r.remaining > 0 AND r.domain = ANY ($1::integer[]) AND ($2::date IS NULL OR r.discovered_on <= "
     "$2::date)"},
    /* The same for the household's dong and its hub's sphere only ($3 the dong, $4 its hub): the
     * resources of the dong, of the hub dong and of the dongs the hub serves, through
     * resource_dong_domain_open, so a match reads what is near instead of the district. */
    {"registry_candidates_near",
     "SELECT r.id, r.provider_id, r.domain, r.kind, r.min_severity, r.remaining, r.dong_code, "
     "d.hub_dong_code, r.title, c.latitude, c.longitude "
     "FROM (SELECT $3::text AS dong_code UNION SELECT $4::text UNION SELECT s.dong_code FROM dong s "
     "WHERE s.hub_dong_code = $4::text) n JOIN resource r ON r.dong_code = n.dong_code "
     "JOIN provider p ON p.id = r.provider_id "
     "LEFT JOIN dong d ON d.dong_code = r.dong_code LEFT JOIN dong c ON c.dong_code = p.dong_code "
     "WHERE r.remaining > 0 AND r.domain = ANY ($1::integer[]) AND ($2::date IS NULL OR r.discovered_on <= "
     "$2::date)"},
    {"registry_take_capacity",
     "UPDATE resource SET remaining = remaining - 1 WHERE id = $1 AND remaining > 0 "
     "RETURNING remaining, dong_code"},
    {"registry_resource_exists", "SELECT 1 FROM resource WHERE id = $1"},
    {"registry_insert_reservation",
     "INSERT INTO reservation (resource_id, linkage_id, case_id, reserved_on) VALUES ($1, $2, $3, $4) "
     "RETURNING id"},
    {"registry_release_reservation",
     "UPDATE reservation SET released_on = $2 WHERE id = $1 AND released_on IS NULL RETURNING resource_id"},
    {"registry_reservation_exists", "SELECT 1 FROM reservation WHERE id = $1"},
    {"registry_linkage_reserved", "SELECT 1 FROM reservation WHERE linkage_id = $1 AND released_on IS NULL"},
    {"registry_give_capacity", "UPDATE resource SET remaining = remaining + 1 WHERE id = $1 AND remaining < "
                               "capacity RETURNING remaining"},
    {"registry_get_resource",
     "SELECT r.id, r.provider_id, p.name, p.is_private, "
     "p.has_mou OR EXISTS (SELECT 1 FROM mou m WHERE m.provider_id = p.id), r.domain, r.kind, r.dong_code, "
     "r.capacity, r.remaining, r.amount_krw, r.eligibility_notes, r.discovered_on::text, r.title, "
     "r.min_severity, r.finder_member_id, r.finder_team, r.finder_hub "
     "FROM resource r JOIN provider p ON p.id = r.provider_id WHERE r.id = $1"},
    {"registry_list_resources",
     "SELECT r.id, r.provider_id, p.name, p.is_private, "
     "p.has_mou OR EXISTS (SELECT 1 FROM mou m WHERE m.provider_id = p.id), r.domain, r.kind, r.dong_code, "
     "r.capacity, r.remaining, r.amount_krw, r.eligibility_notes, r.discovered_on::text, r.title, "
     "r.min_severity, r.finder_member_id, r.finder_team, r.finder_hub "
     "FROM resource r JOIN provider p ON p.id = r.provider_id "
     "WHERE ($1 = '' OR r.dong_code = $1) AND ($2::integer = 0 OR r.domain = $2::integer) AND r.id > $3 "
     "ORDER BY r.id LIMIT $4"},
    /* service linkages of any household (store_linkage.c) */
    {"registry_upsert_household",
     "INSERT INTO household (household_id, dong_code, identified_on) VALUES ($1, $2, $3) "
     "ON CONFLICT (household_id) DO UPDATE SET dong_code = EXCLUDED.dong_code"},
    {"registry_upsert_households", "INSERT INTO household (household_id, dong_code, identified_on) "
                                   "SELECT * FROM unnest($1::bigint[], $2::text[], $3::date[]) "
                                   "ON CONFLICT (household_id) DO UPDATE SET dong_code = EXCLUDED.dong_code"},
    {"registry_household", "SELECT dong_code, identified_on::text FROM household WHERE household_id = $1"},
    {"registry_resource_facts", "SELECT provider_id, discovered_on::text FROM resource WHERE id = $1"},
    {"registry_provider_facts", "SELECT is_private, registered_by FROM provider WHERE id = $1"},
    {"registry_insert_linkage",
     "INSERT INTO service_linkage (household_id, case_id, dong_code, kind, programme, provider_id, "
     "resource_id, "
     "reservation_id, domain, channel, referral_id, state, requested_on, changed_on) "
     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $12) RETURNING id"},
    {"registry_linkage", "SELECT id, household_id, case_id, dong_code, kind, programme, provider_id, "
                         "resource_id, reservation_id, "
                         "domain, channel, referral_id, state, outcome, requested_on::text, changed_on::text "
                         "FROM service_linkage "
                         "WHERE id = $1 FOR UPDATE"},
    {"registry_set_linkage_state",
     "UPDATE service_linkage SET state = $2, outcome = $3, changed_on = $4 WHERE id = $1"},
    {"registry_case_linkages",
     "SELECT id FROM service_linkage WHERE case_id = $1 AND case_id <> 0 AND state IN (1, 2, 4) ORDER BY id"},
    {"registry_fold_linkage",
     "INSERT INTO folded_linkage (linkage_id, case_id, state_before, folded_on) VALUES ($1, $2, $3, $4) "
     "ON CONFLICT (linkage_id) DO NOTHING"},
    {"registry_folded_linkages",
     "SELECT linkage_id, state_before FROM folded_linkage WHERE case_id = $1 AND undone_on IS NULL "
     "ORDER BY linkage_id"},
    {"registry_fold_undone", "UPDATE folded_linkage SET undone_on = $2, restored = $3 WHERE linkage_id = $1"},
    {"registry_restore_linkage",
     "UPDATE service_linkage SET state = $2, outcome = 0, reservation_id = $3, changed_on = $4 "
     "WHERE id = $1 AND state = 5"},
    {"registry_fold_reservations",
     "INSERT INTO folded_reservation (reservation_id, case_id, folded_on) SELECT id, case_id, $2 FROM "
     "reservation WHERE case_id = $1 AND case_id <> 0 AND released_on IS NULL "
     "ON CONFLICT (reservation_id) DO NOTHING"},
    {"registry_folded_reservations",
     "SELECT r.id, r.resource_id, r.linkage_id, r.case_id FROM folded_reservation f JOIN reservation r "
     "ON r.id = f.reservation_id WHERE f.case_id = $1 AND f.undone_on IS NULL ORDER BY r.id"},
    {"registry_reservation_undone",
     "UPDATE folded_reservation SET undone_on = $2, restored_as = NULLIF($3, 0) WHERE reservation_id = $1"},
    {"registry_case_reservations",
     "SELECT id FROM reservation WHERE case_id = $1 AND case_id <> 0 AND released_on IS NULL ORDER BY id"},
    {"registry_list_linkages",
     "SELECT id, household_id, case_id, dong_code, kind, programme, provider_id, resource_id, "
     "reservation_id, "
     "domain, channel, referral_id, state, outcome, requested_on::text, changed_on::text FROM "
     "service_linkage "
     "WHERE ($1::bigint = 0 OR household_id = $1) AND ($2::bigint = 0 OR provider_id = $2) AND "
     "($3::integer = 0 OR state = $3) AND id > $4 ORDER BY id LIMIT $5"},
};
const size_t registry_statements_count = sizeof registry_statements / sizeof registry_statements[0];

int registry_store_insert_id(wh_db *db, const char *stmt, const wh_params *p, int64_t *id)
{
    PGresult *r;
    int rc = wh_db_query_row(db, stmt, p, &r);
    if (rc < 0)
        return rc;
    if (!r)
        return WH_INTERNAL;
    *id = wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    return 0;
}

int registry_store_upsert_dong(wh_db *db, const Welfare__Routing__V1__DongDefined *d)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, d->dong_code);
    wh_params_text(&p, d->hub_dong_code && *d->hub_dong_code ? d->hub_dong_code : d->dong_code);
    wh_params_f64(&p, d->centre ? d->centre->latitude : 0.0);
    wh_params_f64(&p, d->centre ? d->centre->longitude : 0.0);
    int64_t n = wh_db_exec(db, "registry_upsert_dong", &p);
    return n < 0 ? (int)n : 0;
}

int registry_store_dong(wh_db *db, const char *dong_code, registry_dong_info *out)
{
    wh_params p;
    PGresult *r;
    memset(out, 0, sizeof *out);
    wh_params_reset(&p);
    wh_params_text(&p, dong_code);
    int rc = wh_db_query_row(db, "registry_dong", &p, &r);
    if (rc < 0 || !r)
        return rc;
    out->found = true;
    snprintf(out->hub_dong_code, sizeof out->hub_dong_code, "%s", wh_db_text(r, 0, 0));
    out->latitude = wh_db_f64(r, 0, 1, 0.0);
    out->longitude = wh_db_f64(r, 0, 2, 0.0);
    PQclear(r);
    return 0;
}

int registry_store_insert_provider(wh_db *db, const Welfare__Registry__V1__RegisterProvider *m,
                                   const char *registered_by, int64_t *id)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, m->name);
    wh_params_bool(&p, m->kind == WELFARE__REGISTRY__V1__PROVIDER_KIND__PROVIDER_KIND_PRIVATE);
    wh_params_bool(&p, m->has_mou);
    wh_params_text(&p, m->dong_code);
    wh_params_text(&p, registered_by);
    return registry_store_insert_id(db, "registry_insert_provider", &p, id);
}

int registry_store_provider(wh_db *db, int64_t provider_id, bool *is_private)
{
    PGresult *r;
    int rc = wh_db_row_by_id(db, "registry_provider", provider_id, &r);
    if (rc != 0)
        return rc;
    const char *v = wh_db_text(r, 0, 0);
    *is_private = v && v[0] == 't';
    PQclear(r);
    return 0;
}

int registry_store_insert_resource(wh_db *db, const Welfare__Registry__V1__RegisterResource *m,
                                   const registry_finder *f, int64_t *id)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, m->provider_id);
    wh_params_i64(&p, m->domain);
    wh_params_i64(&p, m->kind);
    wh_params_text(&p, m->dong_code);
    wh_params_i64(&p, m->capacity);
    wh_params_i64(&p, m->amount_krw);
    wh_params_text(&p, m->eligibility_notes ? m->eligibility_notes : "");
    wh_params_text(&p, m->discovered_on);
    wh_params_text(&p, m->title ? m->title : "");
    wh_params_i64(&p, m->min_severity);
    wh_params_i64(&p, f->member_id);
    wh_params_i64(&p, f->team);
    wh_params_text(&p, f->hub_dong_code);
    return registry_store_insert_id(db, "registry_insert_resource", &p, id);
}

/* "{1,2,5}": the domains as a PostgreSQL array literal, passed as one parameter. */
static void int_array(char *buf, size_t cap, const int *v, size_t n)
{
    size_t used = (size_t)snprintf(buf, cap, "{");
    for (size_t i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%d", i ? "," : "", v[i]);
    if (used < cap)
        snprintf(buf + used, cap - used, "}");
}

static void candidate_from_row(const PGresult *r, int row, registry_candidate *c)
{
    c->resource_id = wh_db_i64(r, row, 0, 0);
    c->provider_id = wh_db_i64(r, row, 1, 0);
    c->domain = (int)wh_db_i64(r, row, 2, 0);
    c->kind = (int)wh_db_i64(r, row, 3, 0);
    c->min_severity = (int)wh_db_i64(r, row, 4, 0);
    c->remaining = (int)wh_db_i64(r, row, 5, 0);
    c->dong_code = wh_db_text(r, row, 6);
    c->hub_dong_code = wh_db_text(r, row, 7);
    c->title = wh_db_text(r, row, 8);
    c->has_centre = !PQgetisnull(r, row, 9);
    c->centre_latitude = wh_db_f64(r, row, 9, 0.0);
    c->centre_longitude = wh_db_f64(r, row, 10, 0.0);
}

int registry_store_load_candidates(wh_ctx *ctx, const int *domains, size_t n_domains, const char *as_of,
                                   const char *dong, const char *hub, PGresult **result,
                                   registry_candidate **out, size_t *n)
{
    char array[256];
    wh_params p;
    int_array(array, sizeof array, domains, n_domains);
    wh_params_reset(&p);
    wh_params_text(&p, array);
    wh_params_text(&p, as_of && *as_of ? as_of : NULL);
    if (dong != NULL) {
        wh_params_text(&p, dong);
        wh_params_text(&p, hub);
    }
    wh_db *db = wh_ctx_db(ctx);
    PGresult *r = wh_db_query(db, dong != NULL ? "registry_candidates_near" : "registry_candidates", &p);
    if (!r)
        return wh_db_last_status(db);
    int rows = PQntuples(r);
    registry_candidate *c = wh_ctx_alloc(ctx, sizeof *c * (size_t)(rows ? rows : 1));
    if (!c) {
        PQclear(r);
        return WH_INTERNAL;
    }
    for (int i = 0; i < rows; i++)
        candidate_from_row(r, i, &c[i]);
    *result = r;
    *out = c;
    *n = (size_t)rows;
    return 0;
}

static int exists(wh_db *db, const char *stmt, int64_t id)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, id);
    int rc = wh_db_query_row(db, stmt, &p, &r);
    if (rc < 0)
        return rc;
    if (!r)
        return WH_NOT_FOUND;
    PQclear(r);
    return 0;
}

int registry_store_take_capacity(wh_db *db, int64_t resource_id, int *remaining, char *dong_code, size_t cap)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, resource_id);
    int rc = wh_db_query_row(db, "registry_take_capacity", &p, &r);
    if (rc < 0)
        return rc;
    if (!r) {
        rc = exists(db, "registry_resource_exists", resource_id);
        return rc < 0 ? rc : WH_FAILED_PRECONDITION;
    }
    *remaining = (int)wh_db_i64(r, 0, 0, 0);
    snprintf(dong_code, cap, "%s", wh_db_text(r, 0, 1));
    PQclear(r);
    return 0;
}

int registry_store_linkage_reserved(wh_db *db, int64_t linkage_id, bool *reserved)
{
    int rc = exists(db, "registry_linkage_reserved", linkage_id);
    *reserved = rc == 0;
    return rc == WH_NOT_FOUND ? 0 : rc;
}

int registry_store_insert_reservation(wh_db *db, int64_t resource_id, int64_t linkage_id, int64_t case_id,
                                      const char *reserved_on, int64_t *id)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, resource_id);
    wh_params_i64(&p, linkage_id);
    wh_params_i64(&p, case_id);
    wh_params_text(&p, reserved_on);
    return registry_store_insert_id(db, "registry_insert_reservation", &p, id);
}

int registry_store_release(wh_db *db, int64_t reservation_id, const char *released_on, int64_t *resource_id,
                           int *remaining)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, reservation_id);
    wh_params_text(&p, released_on);
    int rc = wh_db_query_row(db, "registry_release_reservation", &p, &r);
    if (rc < 0)
        return rc;
    if (!r) {
        rc = exists(db, "registry_reservation_exists", reservation_id);
        return rc < 0 ? rc : WH_FAILED_PRECONDITION;
    }
    *resource_id = wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    wh_params_reset(&p);
    wh_params_i64(&p, *resource_id);
    rc = wh_db_query_row(db, "registry_give_capacity", &p, &r);
    if (rc < 0)
        return rc;
    if (!r)
        return WH_INTERNAL; /* the counter disagrees with the reservations: a bug */
    *remaining = (int)wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    return 0;
}

static Welfare__Registry__V1__Resource *resource_from_row(wh_ctx *ctx, const PGresult *r, int row)
{
    Welfare__Registry__V1__Resource *m = wh_ctx_alloc(ctx, sizeof *m);
    if (!m)
        return NULL;
    welfare__registry__v1__resource__init(m);
    m->resource_id = wh_db_i64(r, row, 0, 0);
    m->provider_id = wh_db_i64(r, row, 1, 0);
    m->provider_name = wh_ctx_db_text(ctx, r, row, 2);
    m->is_private = wh_db_text(r, row, 3)[0] == 't';
    m->has_mou = wh_db_text(r, row, 4)[0] == 't';
    m->domain = (Welfare__Common__V1__NeedDomain)wh_db_i64(r, row, 5, 0);
    m->kind = (Welfare__Registry__V1__ResourceKind)wh_db_i64(r, row, 6, 0);
    m->dong_code = wh_ctx_db_text(ctx, r, row, 7);
    m->capacity = (int32_t)wh_db_i64(r, row, 8, 0);
    m->remaining = (int32_t)wh_db_i64(r, row, 9, 0);
    m->amount_krw = wh_db_i64(r, row, 10, 0);
    m->eligibility_notes = wh_ctx_db_text(ctx, r, row, 11);
    m->discovered_on = wh_ctx_db_text(ctx, r, row, 12);
    m->title = wh_ctx_db_text(ctx, r, row, 13);
    m->min_severity = (Welfare__Common__V1__Severity)wh_db_i64(r, row, 14, 0);
    registry_finder f = {.member_id = wh_db_i64(r, row, 15, 0), .team = (int)wh_db_i64(r, row, 16, 0)};
    snprintf(f.hub_dong_code, sizeof f.hub_dong_code, "%s", wh_db_text(r, row, 17));
    m->finder = registry_finder_message(ctx, &f);
    return m->finder ? m : NULL;
}

int registry_store_get_resource(wh_ctx *ctx, int64_t id, Welfare__Registry__V1__Resource **out)
{
    wh_params p;
    PGresult *r;
    wh_params_reset(&p);
    wh_params_i64(&p, id);
    int rc = wh_db_query_row(wh_ctx_db(ctx), "registry_get_resource", &p, &r);
    if (rc < 0)
        return rc;
    if (!r)
        return WH_NOT_FOUND;
    *out = resource_from_row(ctx, r, 0);
    PQclear(r);
    return *out ? 0 : WH_INTERNAL;
}

int registry_store_list_resources(wh_ctx *ctx, const Welfare__Registry__V1__ListResources *q,
                                  Welfare__Registry__V1__Resource ***out, size_t *n)
{
    wh_params p;
    wh_db *db = wh_ctx_db(ctx);
    wh_params_reset(&p);
    wh_params_text(&p, q->dong_code ? q->dong_code : "");
    wh_params_i64(&p, q->domain);
    wh_params_i64(&p, q->after_id);
    wh_params_i64(&p, q->limit > 0 ? q->limit : 100);
    PGresult *r = wh_db_query(db, "registry_list_resources", &p);
    if (!r)
        return wh_db_last_status(db);
    int rows = PQntuples(r);
    Welfare__Registry__V1__Resource **v = wh_ctx_alloc(ctx, sizeof *v * (size_t)(rows ? rows : 1));
    int rc = v ? 0 : WH_INTERNAL;
    for (int i = 0; rc == 0 && i < rows; i++)
        if (!(v[i] = resource_from_row(ctx, r, i)))
            rc = WH_INTERNAL;
    PQclear(r);
    *out = v;
    *n = rc == 0 ? (size_t)rows : 0;
    return rc;
}

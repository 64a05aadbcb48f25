/*
 * handle_match.c — MatchNeeds (query), and the load-and-rank step the linkage handler shares.
 */
#include "registry.h"

#include "wh/util.h"

#define MAX_NEEDS 16

/* Strings of the kept candidates move to ctx memory so the result can go at once. */
static int detach(wh_ctx *ctx, registry_candidate *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        c[i].dong_code = wh_ctx_strdup(ctx, c[i].dong_code ? c[i].dong_code : "");
        c[i].hub_dong_code = c[i].hub_dong_code ? wh_ctx_strdup(ctx, c[i].hub_dong_code) : NULL;
        c[i].title = wh_ctx_strdup(ctx, c[i].title ? c[i].title : "");
        if (!c[i].dong_code || !c[i].title)
            return WH_INTERNAL;
    }
    return 0;
}

/* Loads (near: the dong and its hub's sphere only) and ranks; the kept candidates in ctx memory. */
static int load_and_rank(wh_ctx *ctx, const registry_household *h, int need_domain, int need_severity,
                         bool near, registry_candidate **out, size_t *n)
{
    int domains[16];
    size_t n_domains = registry_related_domains(need_domain, domains, 16);
    const char *hub = h->hub_dong_code && *h->hub_dong_code ? h->hub_dong_code : h->dong_code;
    PGresult *r = NULL;
    int rc = registry_store_load_candidates(ctx, domains, n_domains, h->as_of, near ? h->dong_code : NULL,
                                            hub, &r, out, n);
    if (rc < 0)
        return rc;
    *n = registry_rank(h, need_domain, need_severity, *out, *n);
    rc = detach(ctx, *out, *n);
    PQclear(r);
    return rc;
}

int registry_match_one(wh_ctx *ctx, const registry_household *h, int need_domain, int need_severity,
                       size_t want, registry_candidate **out, size_t *n, bool *whole)
{
    /* Every candidate of the dong and the sphere ranks before any other (rank.c's scopes), so when
     * they are enough, the district's ranking begins with theirs. */
    int rc = load_and_rank(ctx, h, need_domain, need_severity, true, out, n);
    *whole = false;
    if (rc < 0 || *n >= want)
        return rc;
    *whole = true;
    return load_and_rank(ctx, h, need_domain, need_severity, false, out, n);
}

/* Fills in the hub and, without a location, the dong centre from the dong map. */
static int resolve_household(wh_ctx *ctx, const Welfare__Registry__V1__MatchNeeds *m, registry_household *h,
                             registry_dong_info *dong)
{
    int rc = registry_store_dong(wh_ctx_db(ctx), m->dong_code, dong);
    if (rc < 0)
        return rc;
    h->dong_code = m->dong_code;
    h->hub_dong_code = m->hub_dong_code && *m->hub_dong_code ? m->hub_dong_code
                       : dong->found                         ? dong->hub_dong_code
                                                             : m->dong_code;
    if (m->location && wh_geo_valid(m->location->latitude, m->location->longitude) &&
        (m->location->latitude != 0.0 || m->location->longitude != 0.0)) {
        h->has_location = true;
        h->latitude = m->location->latitude;
        h->longitude = m->location->longitude;
    } else if (dong->found) {
        h->has_location = true;
        h->latitude = dong->latitude;
        h->longitude = dong->longitude;
    }
    return 0;
}

static int validate(wh_ctx *ctx, const Welfare__Registry__V1__MatchNeeds *m)
{
    if (!registry_text_ok(m->dong_code, 32))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "dong_code", "dong_code must be 1..32 bytes");
    if (m->hub_dong_code && !wh_utf8_valid(m->hub_dong_code, 32))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "hub_dong_code",
                           "hub_dong_code must be at most 32 bytes");
    if (m->location && !wh_geo_valid(m->location->latitude, m->location->longitude))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "location", "location is not a valid WGS84 position");
    if (m->n_needs < 1 || m->n_needs > MAX_NEEDS)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "needs", "1..16 needs are required");
    for (size_t i = 0; i < m->n_needs; i++) {
        const Welfare__Registry__V1__NeedQuery *q = m->needs[i];
        if (q->domain <= 0 || q->domain > WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_EDUCATION)
            return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "needs.domain", "need %zu has no known domain", i);
        if (q->severity < 0 || q->severity > WELFARE__COMMON__V1__SEVERITY__SEVERITY_CRITICAL)
            return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "needs.severity", "need %zu has an unknown severity",
                               i);
    }
    if (m->limit < 0 || m->limit > 100)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "limit", "limit must be 0..100");
    return 0;
}

static Welfare__Registry__V1__Candidate *to_message(wh_ctx *ctx, const registry_candidate *c)
{
    Welfare__Registry__V1__Candidate *m = wh_ctx_alloc(ctx, sizeof *m);
    if (!m)
        return NULL;
    welfare__registry__v1__candidate__init(m);
    m->resource_id = c->resource_id;
    m->provider_id = c->provider_id;
    m->domain = (Welfare__Common__V1__NeedDomain)c->domain;
    m->kind = (Welfare__Registry__V1__ResourceKind)c->kind;
    m->dong_code = (char *)c->dong_code;
    m->remaining = c->remaining;
    m->scope = (Welfare__Registry__V1__MatchScope)c->scope;
    m->fit = c->fit;
    m->distance_km = c->distance_km;
    m->proximity = c->proximity;
    m->capacity_score = c->capacity_score;
    m->score = c->score;
    m->title = (char *)c->title;
    return m;
}

static int match_need(wh_ctx *ctx, const registry_household *h, Welfare__Registry__V1__NeedQuery *q,
                      size_t limit, Welfare__Registry__V1__NeedCandidates **out)
{
    registry_candidate *c = NULL;
    size_t n = 0;
    bool whole;
    int rc = registry_match_one(ctx, h, q->domain, q->severity, limit, &c, &n, &whole);
    if (rc < 0)
        return rc;
    if (n > limit)
        n = limit;
    Welfare__Registry__V1__NeedCandidates *nc = wh_ctx_alloc(ctx, sizeof *nc);
    Welfare__Registry__V1__Candidate **v = wh_ctx_alloc(ctx, sizeof *v * (n ? n : 1));
    if (!nc || !v)
        return WH_INTERNAL;
    Welfare__Registry__V1__NeedQuery *echo = wh_ctx_alloc(ctx, sizeof *echo);
    if (!echo)
        return WH_INTERNAL;
    /* The request may be gone when the reply is packed: the need is copied, not shared. */
    welfare__registry__v1__need_query__init(echo);
    echo->domain = q->domain;
    echo->severity = q->severity;
    welfare__registry__v1__need_candidates__init(nc);
    nc->need = echo;
    for (size_t i = 0; i < n; i++)
        if (!(v[i] = to_message(ctx, &c[i])))
            return WH_INTERNAL;
    nc->candidates = v;
    nc->n_candidates = n;
    *out = nc;
    return 0;
}

int registry_handle_match_needs(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Registry__V1__MatchNeeds *m = (const void *)req;
    int rc = validate(ctx, m);
    if (rc < 0)
        return rc;
    registry_household h = {0};
    registry_dong_info dong;
    if ((rc = resolve_household(ctx, m, &h, &dong)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the dong map");
    if (m->as_of && *m->as_of && !wh_date_valid(m->as_of))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "as_of", "as_of must be YYYY-MM-DD");
    h.as_of = m->as_of;

    Welfare__Registry__V1__MatchNeedsReply *r = wh_ctx_alloc(ctx, sizeof *r);
    Welfare__Registry__V1__NeedCandidates **v = wh_ctx_alloc(ctx, sizeof *v * m->n_needs);
    if (!r || !v)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__registry__v1__match_needs_reply__init(r);
    size_t limit = m->limit > 0 ? (size_t)m->limit : 10;
    for (size_t i = 0; i < m->n_needs; i++)
        if ((rc = match_need(ctx, &h, m->needs[i], limit, &v[i])) < 0)
            return wh_ctx_fail(ctx, rc, NULL, "could not match needs");
    r->matches = v;
    r->n_matches = m->n_needs;
    *reply = &r->base;
    return 0;
}

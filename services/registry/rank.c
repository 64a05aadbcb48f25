/*
 * rank.c — ranks resources for one need of a household.  Pure: no I/O, so the rules are unit-tested.
 *
 * The order follows how a hub links a household: first what its own dong offers, then its hub's
 * sphere, and only then the nearest resource elsewhere in the district.  Within the dong and the
 * sphere the weighted score decides (fit first, then proximity, then room left); in the district
 * distance decides, because a far resource is a last resort whatever its score.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

#include "welfare/common/v1/domain.pb-c.h"

#define D(x) WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_##x

/* The fit table: a resource of another domain can still meet a need partly (a care service helps a
 * health need).  Pairs not listed fit 0; the same domain fits 1. */
static const struct {
    int need, resource;
    double fit;
} related_fit[] = {
    {D(HEALTH), D(CARE), 0.5},          {D(HEALTH), D(MENTAL_HEALTH), 0.3},
    {D(CARE), D(HEALTH), 0.5},          {D(MENTAL_HEALTH), D(HEALTH), 0.5},
    {D(MENTAL_HEALTH), D(SAFETY), 0.3}, {D(SAFETY), D(MENTAL_HEALTH), 0.3},
    {D(SAFETY), D(HOUSING), 0.3},       {D(HOUSING), D(INCOME), 0.5},
    {D(INCOME), D(EMPLOYMENT), 0.4},    {D(EMPLOYMENT), D(EDUCATION), 0.5},
    {D(EDUCATION), D(EMPLOYMENT), 0.3}, {D(EMPLOYMENT), D(INCOME), 0.3},
};

/* The score's weights (they sum to 1) and the shapes of its components. */
static const struct {
    double fit, proximity, capacity;
    double half_km;       /* distance at which proximity is 0.5 */
    double half_capacity; /* remaining capacity at which the capacity score is 0.5 */
} weights = {0.5, 0.3, 0.2, 2.0, 5.0};

double registry_domain_fit(int need_domain, int resource_domain)
{
    if (need_domain <= 0 || resource_domain <= 0)
        return 0.0;
    if (need_domain == resource_domain)
        return 1.0;
    for (size_t i = 0; i < sizeof related_fit / sizeof related_fit[0]; i++)
        if (related_fit[i].need == need_domain && related_fit[i].resource == resource_domain)
            return related_fit[i].fit;
    return 0.0;
}

size_t registry_related_domains(int need_domain, int *out, size_t max)
{
    size_t n = 0;
    if (need_domain <= 0 || max == 0)
        return 0;
    out[n++] = need_domain;
    for (size_t i = 0; i < sizeof related_fit / sizeof related_fit[0] && n < max; i++)
        if (related_fit[i].need == need_domain)
            out[n++] = related_fit[i].resource;
    return n;
}

double registry_haversine_km(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371.0088, rad = M_PI / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a =
        sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(sqrt(a < 1.0 ? a : 1.0));
}

static bool same(const char *a, const char *b)
{
    return a && b && *a && strcmp(a, b) == 0;
}

static int scope_of(const registry_household *h, const registry_candidate *c)
{
    const char *hub = h->hub_dong_code && *h->hub_dong_code ? h->hub_dong_code : h->dong_code;
    if (same(c->dong_code, h->dong_code))
        return REGISTRY_SCOPE_DONG;
    /* A resource in the hub dong itself, or in another dong of the same sphere. */
    if (same(c->dong_code, hub) || same(c->hub_dong_code, hub))
        return REGISTRY_SCOPE_SPHERE;
    return REGISTRY_SCOPE_DISTRICT;
}

static void score(const registry_household *h, int need_domain, registry_candidate *c)
{
    c->scope = scope_of(h, c);
    c->fit = registry_domain_fit(need_domain, c->domain);
    if (h->has_location && c->has_centre) {
        c->distance_km =
            registry_haversine_km(h->latitude, h->longitude, c->centre_latitude, c->centre_longitude);
        c->proximity = weights.half_km / (weights.half_km + c->distance_km);
    } else {
        c->distance_km = -1.0;
        c->proximity = 0.0;
    }
    double left = c->remaining > 0 ? c->remaining : 0;
    c->capacity_score = left / (left + weights.half_capacity);
    c->score = weights.fit * c->fit + weights.proximity * c->proximity + weights.capacity * c->capacity_score;
}

/* Unknown distances sort after known ones. */
static int by_distance(const registry_candidate *a, const registry_candidate *b)
{
    double da = a->distance_km < 0 ? INFINITY : a->distance_km;
    double db = b->distance_km < 0 ? INFINITY : b->distance_km;
    return (da > db) - (da < db);
}

static int compare(const void *pa, const void *pb)
{
    const registry_candidate *a = pa, *b = pb;
    if (a->scope != b->scope)
        return a->scope - b->scope;
    int c = 0;
    if (a->scope == REGISTRY_SCOPE_DISTRICT)
        c = by_distance(a, b);
    if (c == 0)
        c = (a->score < b->score) - (a->score > b->score);
    if (c == 0)
        c = (a->resource_id > b->resource_id) - (a->resource_id < b->resource_id);
    return c;
}

size_t registry_rank(const registry_household *h, int need_domain, int need_severity, registry_candidate *c,
                     size_t n)
{
    int severity = need_severity > 0 ? need_severity : 1; /* unspecified counts as LOW */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        score(h, need_domain, &c[i]);
        if (c[i].fit <= 0.0 || c[i].remaining <= 0 || c[i].min_severity > severity)
            continue;
        c[kept++] = c[i];
    }
    qsort(c, kept, sizeof *c, compare);
    return kept;
}

/*
 * test_rank.c — the registry's ranking: the fit table, scopes, eligibility and order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "registry.h"

enum { INCOME = 1, HEALTH = 2, HOUSING = 3, EMPLOYMENT = 4, CARE = 5, MENTAL = 6, SAFETY = 7, EDUCATION = 8 };

/* Household in dong "A1", served by hub "A" (a sphere-type dong), at (35.15, 129.11). */
static const registry_household household = {"A1", "A", true, 35.15, 129.11, NULL};

static registry_candidate make(int64_t id, int domain, const char *dong, const char *hub, double lat,
                               double lon, int remaining)
{
    registry_candidate c;
    memset(&c, 0, sizeof c);
    c.resource_id = id;
    c.provider_id = 100 + id;
    c.domain = domain;
    c.kind = 1;
    c.dong_code = dong;
    c.hub_dong_code = hub;
    c.remaining = remaining;
    c.has_centre = true;
    c.centre_latitude = lat;
    c.centre_longitude = lon;
    return c;
}

static void fit_table(void **state)
{
    (void)state;
    assert_true(registry_domain_fit(HEALTH, HEALTH) == 1.0);
    assert_true(registry_domain_fit(HEALTH, CARE) > 0.0 && registry_domain_fit(HEALTH, CARE) < 1.0);
    assert_true(registry_domain_fit(HEALTH, EDUCATION) == 0.0);
    assert_true(registry_domain_fit(0, HEALTH) == 0.0);
    int d[16];
    size_t n = registry_related_domains(HEALTH, d, 16);
    assert_true(n >= 2);
    assert_int_equal(d[0], HEALTH);
    for (size_t i = 0; i < n; i++)
        assert_true(registry_domain_fit(HEALTH, d[i]) > 0.0);
    assert_int_equal(registry_related_domains(0, d, 16), 0);
}

static void haversine(void **state)
{
    (void)state;
    /* One degree of latitude is about 111.2 km. */
    double km = registry_haversine_km(35.0, 129.0, 36.0, 129.0);
    assert_true(km > 111.0 && km < 111.4);
    assert_true(registry_haversine_km(35.0, 129.0, 35.0, 129.0) == 0.0);
}

static void scope_orders_before_score(void **state)
{
    (void)state;
    registry_candidate c[] = {
        make(1, HEALTH, "Z9", "Z", 35.15, 129.11, 50), /* district, on the spot, lots of room */
        make(2, HEALTH, "A2", "A", 35.20, 129.20, 1),  /* same sphere, far */
        make(3, HEALTH, "A1", "A", 35.25, 129.25, 1),  /* own dong, far */
        make(4, HEALTH, "A", "A", 35.16, 129.11, 3),   /* the hub dong itself: sphere */
    };
    size_t n = registry_rank(&household, HEALTH, 2, c, 4);
    assert_int_equal(n, 4);
    assert_int_equal(c[0].resource_id, 3);
    assert_int_equal(c[0].scope, REGISTRY_SCOPE_DONG);
    assert_int_equal(c[1].scope, REGISTRY_SCOPE_SPHERE);
    assert_int_equal(c[2].scope, REGISTRY_SCOPE_SPHERE);
    assert_int_equal(c[1].resource_id, 4); /* nearer and more room than 2 */
    assert_int_equal(c[3].resource_id, 1);
    assert_int_equal(c[3].scope, REGISTRY_SCOPE_DISTRICT);
}

static void fit_beats_distance_within_scope(void **state)
{
    (void)state;
    registry_candidate c[] = {
        make(1, CARE, "A1", "A", 35.15, 129.11, 5),   /* related domain, on the spot */
        make(2, HEALTH, "A1", "A", 35.17, 129.12, 5), /* exact domain, 2 km off */
    };
    size_t n = registry_rank(&household, HEALTH, 2, c, 2);
    assert_int_equal(n, 2);
    assert_int_equal(c[0].resource_id, 2);
    assert_true(c[0].fit == 1.0);
    assert_true(c[1].fit == 0.5);
    assert_true(c[0].score > c[1].score);
}

static void district_by_distance(void **state)
{
    (void)state;
    registry_candidate c[] = {
        make(1, HEALTH, "Z1", "Z", 35.30, 129.11, 100),
        make(2, CARE, "Y1", "Y", 35.16, 129.11, 1),
        make(3, HEALTH, "X1", NULL, 0, 0, 100),
    };
    c[2].has_centre = false;
    size_t n = registry_rank(&household, HEALTH, 2, c, 3);
    assert_int_equal(n, 3);
    assert_int_equal(c[0].resource_id, 2); /* nearest, whatever its fit */
    assert_int_equal(c[1].resource_id, 1);
    assert_int_equal(c[2].resource_id, 3); /* unknown distance last */
    assert_true(c[2].distance_km < 0);
    assert_true(c[2].proximity == 0.0);
}

static void ineligible_dropped(void **state)
{
    (void)state;
    registry_candidate c[] = {
        make(1, EDUCATION, "A1", "A", 35.15, 129.11, 5), /* no fit */
        make(2, HEALTH, "A1", "A", 35.15, 129.11, 0),    /* no capacity */
        make(3, HEALTH, "A1", "A", 35.15, 129.11, 5),    /* for critical needs only */
        make(4, HEALTH, "A1", "A", 35.15, 129.11, 5),
    };
    c[2].min_severity = 4;
    size_t n = registry_rank(&household, HEALTH, 3, c, 4);
    assert_int_equal(n, 1);
    assert_int_equal(c[0].resource_id, 4);
    c[0] = make(3, HEALTH, "A1", "A", 35.15, 129.11, 5);
    c[0].min_severity = 4;
    assert_int_equal(registry_rank(&household, HEALTH, 4, c, 1), 1);
    /* An unspecified severity counts as LOW. */
    c[0] = make(5, HEALTH, "A1", "A", 35.15, 129.11, 5);
    c[0].min_severity = 1;
    assert_int_equal(registry_rank(&household, HEALTH, 0, c, 1), 1);
}

static void components_in_range(void **state)
{
    (void)state;
    registry_candidate c[] = {make(1, HEALTH, "A1", "A", 35.15, 129.11, 5)};
    registry_rank(&household, HEALTH, 2, c, 1);
    assert_true(c[0].proximity == 1.0);
    assert_true(c[0].capacity_score == 0.5);
    assert_true(c[0].score > 0.0 && c[0].score <= 1.0);
    /* Without a household location nothing is near. */
    registry_household h = household;
    h.has_location = false;
    c[0] = make(1, HEALTH, "A1", "A", 35.15, 129.11, 5);
    registry_rank(&h, HEALTH, 2, c, 1);
    assert_true(c[0].distance_km < 0);
}

static void ties_by_id(void **state)
{
    (void)state;
    registry_candidate c[] = {
        make(9, HEALTH, "A1", "A", 35.15, 129.11, 5),
        make(3, HEALTH, "A1", "A", 35.15, 129.11, 5),
    };
    registry_rank(&household, HEALTH, 2, c, 2);
    assert_int_equal(c[0].resource_id, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fit_table),
        cmocka_unit_test(haversine),
        cmocka_unit_test(scope_orders_before_score),
        cmocka_unit_test(fit_beats_distance_within_scope),
        cmocka_unit_test(district_by_distance),
        cmocka_unit_test(ineligible_dropped),
        cmocka_unit_test(components_in_range),
        cmocka_unit_test(ties_by_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

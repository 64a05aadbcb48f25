/*
 * test_handlers.c — the registry's handlers: every bad input is a typed error naming its field (no
 * database needed), and, when WH_TEST_DB_URL is set, the whole store path against real PostgreSQL:
 * registration, ranking of stored resources, linkages reserving capacity, exhaustion, release.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fake_ctx.h"
#include "ledger.h"

extern const wh_migration registry_migrations[];
extern const size_t registry_migrations_count;

#define PUBLIC  WELFARE__REGISTRY__V1__PROVIDER_KIND__PROVIDER_KIND_PUBLIC
#define PRIVATE WELFARE__REGISTRY__V1__PROVIDER_KIND__PROVIDER_KIND_PRIVATE
/* Plain ints: protobuf-c's enum fields take them without conversion warnings. */
#define INCOME    1
#define HEALTH    2
#define EDUCATION 8
#define SERVICE   1
#define MONEY     2
#define GOODS     3
#define MODERATE  2
#define HIGH      3

static void expect_invalid(wh_command_fn fn, const ProtobufCMessage *m, const char *field)
{
    ProtobufCMessage *reply;
    assert_int_equal(fake_command(fn, m, &reply), WH_INVALID_ARGUMENT);
    assert_int_equal(fake.status, WH_INVALID_ARGUMENT);
    assert_string_equal(fake.field, field);
    assert_int_equal(fake.n_events, 0);
}

static Welfare__Registry__V1__RegisterResource good_resource(void)
{
    Welfare__Registry__V1__RegisterResource m = WELFARE__REGISTRY__V1__REGISTER_RESOURCE__INIT;
    m.provider_id = 1;
    m.domain = HEALTH;
    m.kind = MONEY;
    m.dong_code = "H1";
    m.capacity = 3;
    m.amount_krw = 300000;
    m.discovered_on = "2026-10-01";
    return m;
}

static void provider_validation(void **state)
{
    (void)state;
    Welfare__Registry__V1__RegisterProvider m = WELFARE__REGISTRY__V1__REGISTER_PROVIDER__INIT;
    m.kind = PUBLIC;
    m.dong_code = "H1";
    expect_invalid(registry_handle_register_provider, &m.base, "name");
    m.name = "Fire station";
    m.kind = 0;
    expect_invalid(registry_handle_register_provider, &m.base, "kind");
    m.kind = PRIVATE;
    m.dong_code = "";
    expect_invalid(registry_handle_register_provider, &m.base, "dong_code");
}

static void resource_validation(void **state)
{
    (void)state;
    Welfare__Registry__V1__RegisterResource m = good_resource();
    m.provider_id = 0;
    expect_invalid(registry_handle_register_resource, &m.base, "provider_id");
    m = good_resource();
    m.domain = 0;
    expect_invalid(registry_handle_register_resource, &m.base, "domain");
    m = good_resource();
    m.kind = 9;
    expect_invalid(registry_handle_register_resource, &m.base, "kind");
    m = good_resource();
    m.capacity = 0;
    expect_invalid(registry_handle_register_resource, &m.base, "capacity");
    /* a donated service carries its estimated value now (it used to be refused): a bad finder is not */
    m = good_resource();
    Welfare__Registry__V1__Finder finder = WELFARE__REGISTRY__V1__FINDER__INIT;
    m.kind = SERVICE;
    m.finder = &finder;
    finder.team = 9;
    expect_invalid(registry_handle_register_resource, &m.base, "finder.team");
    finder.team = 0;
    finder.member_id = -1;
    expect_invalid(registry_handle_register_resource, &m.base, "finder.member_id");
    m = good_resource();
    m.amount_krw = -1;
    expect_invalid(registry_handle_register_resource, &m.base, "amount_krw");
    m = good_resource();
    m.discovered_on = "2026-13-01x";
    expect_invalid(registry_handle_register_resource, &m.base, "discovered_on");
    m = good_resource();
    m.min_severity = 9;
    expect_invalid(registry_handle_register_resource, &m.base, "min_severity");
}

static void match_validation(void **state)
{
    (void)state;
    Welfare__Registry__V1__MatchNeeds m = WELFARE__REGISTRY__V1__MATCH_NEEDS__INIT;
    Welfare__Registry__V1__NeedQuery need = WELFARE__REGISTRY__V1__NEED_QUERY__INIT;
    Welfare__Registry__V1__NeedQuery *needs[17];
    Welfare__Common__V1__GeoPoint far = WELFARE__COMMON__V1__GEO_POINT__INIT;
    for (int i = 0; i < 17; i++)
        needs[i] = &need;
    need.domain = HEALTH;
    m.needs = needs;
    m.n_needs = 1;
    expect_invalid(registry_handle_match_needs, &m.base, "dong_code");
    m.dong_code = "H1";
    m.n_needs = 0;
    expect_invalid(registry_handle_match_needs, &m.base, "needs");
    m.n_needs = 17;
    expect_invalid(registry_handle_match_needs, &m.base, "needs");
    m.n_needs = 1;
    need.domain = 99;
    expect_invalid(registry_handle_match_needs, &m.base, "needs.domain");
    need.domain = HEALTH;
    need.severity = 7;
    expect_invalid(registry_handle_match_needs, &m.base, "needs.severity");
    need.severity = HIGH;
    far.latitude = 100.0;
    m.location = &far;
    expect_invalid(registry_handle_match_needs, &m.base, "location");
    m.location = NULL;
    m.limit = 101;
    expect_invalid(registry_handle_match_needs, &m.base, "limit");
}

static void capacity_and_query_validation(void **state)
{
    (void)state;
    Welfare__Registry__V1__ReserveCapacity r = WELFARE__REGISTRY__V1__RESERVE_CAPACITY__INIT;
    expect_invalid(registry_handle_reserve_capacity, &r.base, "resource_id");
    r.resource_id = 1;
    r.reserved_on = "yesterday";
    expect_invalid(registry_handle_reserve_capacity, &r.base, "reserved_on");
    r.reserved_on = "";
    r.linkage_id = -1;
    expect_invalid(registry_handle_reserve_capacity, &r.base, "linkage_id");
    Welfare__Registry__V1__ReleaseCapacity rel = WELFARE__REGISTRY__V1__RELEASE_CAPACITY__INIT;
    expect_invalid(registry_handle_release_capacity, &rel.base, "reservation_id");
    Welfare__Registry__V1__ListResources l = WELFARE__REGISTRY__V1__LIST_RESOURCES__INIT;
    l.limit = 1001;
    expect_invalid(registry_handle_list_resources, &l.base, "limit");
    l.limit = 0;
    l.after_id = -1;
    expect_invalid(registry_handle_list_resources, &l.base, "after_id");
    Welfare__Registry__V1__GetResource g = WELFARE__REGISTRY__V1__GET_RESOURCE__INIT;
    expect_invalid(registry_handle_get_resource, &g.base, "resource_id");
}

/* --- against PostgreSQL ----------------------------------------------------------------------- */

static int db_setup(void **state)
{
    (void)state;
    size_t n_statements;
    const wh_db_statement *statements = registry_all_statements(&n_statements);
    int rc =
        fake_db_setup("registry", registry_migrations, registry_migrations_count, statements, n_statements);
    return rc == -2 ? -1 : 0; /* unset: the tests skip themselves */
}

static int db_teardown(void **state)
{
    (void)state;
    fake_done();
    return 0;
}

static void dong(const char *code, const char *hub, double lat, double lon)
{
    Welfare__Routing__V1__DongDefined d = WELFARE__ROUTING__V1__DONG_DEFINED__INIT;
    Welfare__Common__V1__GeoPoint c = WELFARE__COMMON__V1__GEO_POINT__INIT;
    c.latitude = lat;
    c.longitude = lon;
    d.dong_code = (char *)code;
    d.hub_dong_code = (char *)hub;
    d.centre = &c;
    assert_int_equal(fake_event_apply(registry_apply_dong_defined, &d.base), 0);
}

static int64_t provider(const char *dong_code, int kind)
{
    Welfare__Registry__V1__RegisterProvider m = WELFARE__REGISTRY__V1__REGISTER_PROVIDER__INIT;
    ProtobufCMessage *reply;
    m.name = "Haeundae church";
    m.kind = kind;
    m.has_mou = 1;
    m.dong_code = (char *)dong_code;
    assert_int_equal(fake_command(registry_handle_register_provider, &m.base, &reply), 0);
    return ((Welfare__Registry__V1__RegisterProviderReply *)reply)->provider_id;
}

static int64_t resource(int64_t provider_id, int domain, int kind, const char *dong_code, int capacity,
                        int64_t amount, int min_severity)
{
    Welfare__Registry__V1__RegisterResource m = good_resource();
    ProtobufCMessage *reply;
    m.provider_id = provider_id;
    m.domain = domain;
    m.kind = kind;
    m.dong_code = (char *)dong_code;
    m.capacity = capacity;
    m.amount_krw = amount;
    m.min_severity = min_severity;
    assert_int_equal(fake_command(registry_handle_register_resource, &m.base, &reply), 0);
    assert_int_equal(fake.n_events, 1);
    const Welfare__Registry__V1__ResourceRegistered *ev = (const void *)fake.events[0];
    assert_string_equal(fake_event(0), "welfare.registry.v1.ResourceRegistered");
    assert_int_equal(ev->amount_krw, amount);
    assert_int_equal(ev->capacity, capacity);
    assert_string_equal(ev->discovered_on, "2026-10-01");
    return ((Welfare__Registry__V1__RegisterResourceReply *)reply)->resource_id;
}

/* Applies a linkage request; returns the resource reserved, or 0 after a MatchFailed. */
static int64_t linkage(int64_t id, const char *dong_code, int domain, int severity)
{
    Welfare__Case__V1__LinkageRequested e = WELFARE__CASE__V1__LINKAGE_REQUESTED__INIT;
    Welfare__Case__V1__Need need = WELFARE__CASE__V1__NEED__INIT;
    Welfare__Common__V1__GeoPoint at = WELFARE__COMMON__V1__GEO_POINT__INIT;
    at.latitude = 35.151;
    at.longitude = 129.111;
    need.domain = domain;
    need.severity = severity;
    e.linkage_id = id;
    e.case_id = 100 + id;
    e.dong_code = (char *)dong_code;
    e.need = &need;
    e.location = &at;
    e.requested_on = "2026-11-02";
    assert_int_equal(fake_event_apply(registry_apply_linkage_requested, &e.base), 0);
    if (fake.n_events == 0)
        return -1;
    if (strcmp(fake_event(0), "welfare.registry.v1.MatchFailed") == 0) {
        assert_int_equal(((Welfare__Registry__V1__MatchFailed *)fake.events[0])->linkage_id, id);
        return 0;
    }
    const Welfare__Registry__V1__CapacityReserved *r = (const void *)fake.events[0];
    assert_string_equal(fake_event(0), "welfare.registry.v1.CapacityReserved");
    assert_string_equal(r->reserved_on, "2026-11-02");
    assert_int_equal(r->linkage_id, id);
    assert_int_equal(r->case_id, 100 + id);
    return r->resource_id;
}

static void store_flow(void **state)
{
    (void)state;
    if (!fake.db)
        skip();
    ProtobufCMessage *reply;
    dong("H1", "H1", 35.15, 129.11);
    dong("S1", "H1", 35.16, 129.12);
    dong("H2", "H2", 35.30, 129.20);
    int64_t p1 = provider("H1", PRIVATE), p2 = provider("S1", PUBLIC), p3 = provider("H2", PRIVATE);
    int64_t r1 = resource(p1, HEALTH, SERVICE, "H1", 1, 0, 0);
    int64_t r2 = resource(p2, HEALTH, MONEY, "S1", 2, 500000, 0);
    int64_t r3 = resource(p3, HEALTH, GOODS, "H2", 5, 100000, 0);
    int64_t r4 = resource(p1, INCOME, MONEY, "H1", 3, 300000, HIGH);

    Welfare__Registry__V1__RegisterResource unknown = good_resource();
    unknown.provider_id = 999;
    assert_int_equal(fake_command(registry_handle_register_resource, &unknown.base, &reply), WH_NOT_FOUND);

    /* Household in S1 (no location: its dong centre): S1's own resource, then the hub's, then H2's. */
    Welfare__Registry__V1__MatchNeeds q = WELFARE__REGISTRY__V1__MATCH_NEEDS__INIT;
    Welfare__Registry__V1__NeedQuery n1 = WELFARE__REGISTRY__V1__NEED_QUERY__INIT;
    Welfare__Registry__V1__NeedQuery n2 = WELFARE__REGISTRY__V1__NEED_QUERY__INIT;
    Welfare__Registry__V1__NeedQuery *needs[] = {&n1, &n2};
    n1.domain = HEALTH;
    n1.severity = MODERATE;
    n2.domain = INCOME;
    n2.severity = MODERATE;
    q.dong_code = "S1";
    q.needs = needs;
    q.n_needs = 2;
    assert_int_equal(fake_command(registry_handle_match_needs, &q.base, &reply), 0);
    const Welfare__Registry__V1__MatchNeedsReply *m = (const void *)reply;
    assert_int_equal(m->n_matches, 2);
    assert_int_equal(m->matches[0]->n_candidates, 3);
    assert_int_equal(m->matches[0]->candidates[0]->resource_id, r2);
    assert_int_equal(m->matches[0]->candidates[0]->scope, 1);
    assert_true(m->matches[0]->candidates[0]->distance_km < 0.01);
    assert_int_equal(m->matches[0]->candidates[1]->resource_id, r1);
    assert_int_equal(m->matches[0]->candidates[1]->scope, 2);
    assert_int_equal(m->matches[0]->candidates[2]->resource_id, r3);
    assert_int_equal(m->matches[0]->candidates[2]->scope, 3);
    assert_int_equal(m->matches[1]->n_candidates, 0); /* r4 is for high severity */

    /* Linkages from H1: own dong, then the sphere, then the district; exhaustion on the way. */
    assert_int_equal(linkage(1, "H1", HEALTH, MODERATE), r1);
    assert_int_equal(fake.n_events, 2);
    assert_string_equal(fake_event(1), "welfare.registry.v1.CapacityExhausted");
    assert_int_equal(linkage(2, "H1", HEALTH, MODERATE), r2);
    assert_int_equal(linkage(3, "H1", HEALTH, MODERATE), r2);
    assert_string_equal(fake_event(1), "welfare.registry.v1.CapacityExhausted");
    assert_int_equal(linkage(4, "H1", HEALTH, MODERATE), r3);
    assert_int_equal(linkage(4, "H1", HEALTH, MODERATE), -1); /* a repeat changes nothing */
    assert_int_equal(linkage(5, "H1", INCOME, MODERATE), 0);
    assert_int_equal(linkage(6, "H1", INCOME, HIGH), r4);
    assert_int_equal(linkage(7, "H1", EDUCATION, HIGH), 0);

    Welfare__Registry__V1__ReserveCapacity rc = WELFARE__REGISTRY__V1__RESERVE_CAPACITY__INIT;
    rc.resource_id = r1;
    assert_int_equal(fake_command(registry_handle_reserve_capacity, &rc.base, &reply),
                     WH_FAILED_PRECONDITION);
    rc.resource_id = r3;
    rc.linkage_id = 6;
    assert_int_equal(fake_command(registry_handle_reserve_capacity, &rc.base, &reply), WH_ALREADY_EXISTS);
    rc.resource_id = 999;
    rc.linkage_id = 0;
    assert_int_equal(fake_command(registry_handle_reserve_capacity, &rc.base, &reply), WH_NOT_FOUND);
    rc.resource_id = r3;
    rc.reserved_on = "2026-11-05";
    assert_int_equal(fake_command(registry_handle_reserve_capacity, &rc.base, &reply), 0);
    assert_int_equal(((Welfare__Registry__V1__ReserveCapacityReply *)reply)->remaining, 3);

    Welfare__Registry__V1__ReleaseCapacity rel = WELFARE__REGISTRY__V1__RELEASE_CAPACITY__INIT;
    rel.reservation_id = 1; /* linkage 1's, on r1 */
    assert_int_equal(fake_command(registry_handle_release_capacity, &rel.base, &reply), 0);
    assert_int_equal(((Welfare__Registry__V1__ReleaseCapacityReply *)reply)->resource_id, r1);
    assert_int_equal(((Welfare__Registry__V1__ReleaseCapacityReply *)reply)->remaining, 1);
    assert_string_equal(fake_event(0), "welfare.registry.v1.CapacityReleased");
    assert_int_equal(fake_command(registry_handle_release_capacity, &rel.base, &reply),
                     WH_FAILED_PRECONDITION);
    rel.reservation_id = 999;
    assert_int_equal(fake_command(registry_handle_release_capacity, &rel.base, &reply), WH_NOT_FOUND);

    Welfare__Registry__V1__ListResources l = WELFARE__REGISTRY__V1__LIST_RESOURCES__INIT;
    l.domain = HEALTH;
    assert_int_equal(fake_command(registry_handle_list_resources, &l.base, &reply), 0);
    const Welfare__Registry__V1__ListResourcesReply *lr = (const void *)reply;
    assert_int_equal(lr->n_resources, 3);
    assert_int_equal(lr->resources[1]->remaining, 0);
    assert_false(lr->resources[1]->is_private);
    assert_true(lr->resources[0]->is_private);
    l.after_id = r1;
    l.limit = 1;
    assert_int_equal(fake_command(registry_handle_list_resources, &l.base, &reply), 0);
    assert_int_equal(((Welfare__Registry__V1__ListResourcesReply *)reply)->n_resources, 1);
    assert_int_equal(((Welfare__Registry__V1__ListResourcesReply *)reply)->resources[0]->resource_id, r2);

    Welfare__Registry__V1__GetResource g = WELFARE__REGISTRY__V1__GET_RESOURCE__INIT;
    g.resource_id = r4;
    assert_int_equal(fake_command(registry_handle_get_resource, &g.base, &reply), 0);
    const Welfare__Registry__V1__Resource *res = ((Welfare__Registry__V1__GetResourceReply *)reply)->resource;
    assert_int_equal(res->min_severity, HIGH);
    assert_int_equal(res->remaining, 2);
    assert_string_equal(res->discovered_on, "2026-10-01");
    g.resource_id = 999;
    assert_int_equal(fake_command(registry_handle_get_resource, &g.base, &reply), WH_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest validation[] = {
        cmocka_unit_test(provider_validation),
        cmocka_unit_test(resource_validation),
        cmocka_unit_test(match_validation),
        cmocka_unit_test(capacity_and_query_validation),
    };
    const struct CMUnitTest store[] = {
        cmocka_unit_test(store_flow),
    };
    int failed = cmocka_run_group_tests_name("registry validation", validation, NULL, NULL);
    failed += cmocka_run_group_tests_name("registry store", store, db_setup, db_teardown);
    fake_done();
    return failed;
}

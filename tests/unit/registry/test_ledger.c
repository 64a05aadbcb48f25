/*
 * test_ledger.c — the resource ledger: the rules (every bad input names its field, no database), and
 * with WH_TEST_DB_URL the whole store path: a recurring pledge and its receipts, an over-receipt and
 * an over-allocation refused with nothing changed, an allocation to a linkage's household, MOUs as
 * records (the old has_mou flag read from them), the finder's tally.
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

#define ORG       WELFARE__REGISTRY__V1__DONOR_KIND__DONOR_KIND_ORGANISATION
#define PERSON    WELFARE__REGISTRY__V1__DONOR_KIND__DONOR_KIND_PERSON
#define ONE_OFF   WELFARE__REGISTRY__V1__RECURRENCE__RECURRENCE_ONE_OFF
#define MONTHLY   WELFARE__REGISTRY__V1__RECURRENCE__RECURRENCE_MONTHLY
#define MONEY     WELFARE__REGISTRY__V1__RESOURCE_KIND__RESOURCE_KIND_MONEY
#define SERVICE   WELFARE__REGISTRY__V1__RESOURCE_KIND__RESOURCE_KIND_SERVICE
#define ENGAGING  WELFARE__REGISTRY__V1__SAFETY_NET_TEAM__SAFETY_NET_TEAM_RESOURCE_ENGAGING
#define PER_YEAR  WELFARE__REGISTRY__V1__COMMITMENT_PERIOD__COMMITMENT_PERIOD_YEAR
#define BY_MEMBER WELFARE__REGISTRY__V1__FINDER_GROUPING__FINDER_GROUPING_MEMBER
#define BY_TEAM   WELFARE__REGISTRY__V1__FINDER_GROUPING__FINDER_GROUPING_TEAM
#define BY_HUB    WELFARE__REGISTRY__V1__FINDER_GROUPING__FINDER_GROUPING_HUB
#define HOUSING   4

static Welfare__Registry__V1__Finder member_7 = {
    PROTOBUF_C_MESSAGE_INIT(&welfare__registry__v1__finder__descriptor), 7, ENGAGING, (char *)""};

/* Five local firms' KRW 96,000,000 a year (seed 004 section 6), as one firm's monthly pledge. */
static Welfare__Registry__V1__RecordDonation firm_pledge(void)
{
    Welfare__Registry__V1__RecordDonation m = WELFARE__REGISTRY__V1__RECORD_DONATION__INIT;
    m.donor_kind = ORG;
    m.donor_name = "Suyeong local firm";
    m.kind = MONEY;
    m.instalment_krw = 8000000;
    m.recurrence = MONTHLY;
    m.instalments = 12;
    m.pledged_on = "2016-04-01";
    m.dong_code = "S1";
    m.finder = &member_7;
    m.received_krw = 8000000;
    return m;
}

static void expect_status(wh_command_fn fn, const ProtobufCMessage *m, int status, const char *field)
{
    ProtobufCMessage *reply;
    assert_int_equal(fake_command(fn, m, &reply), status);
    assert_int_equal(fake.status, status);
    assert_string_equal(fake.field, field);
    assert_int_equal(fake.n_events, 0);
}

#define SPOIL(stmt, name)                                                                                    \
    do {                                                                                                     \
        m = firm_pledge();                                                                                   \
        stmt;                                                                                                \
        expect_status(registry_handle_record_donation, &m.base, WH_INVALID_ARGUMENT, name);                  \
    } while (0)

static void donation_rules(void **state)
{
    (void)state;
    const char *field = NULL;
    Welfare__Registry__V1__RecordDonation m = firm_pledge();
    Welfare__Registry__V1__Finder bad_finder = WELFARE__REGISTRY__V1__FINDER__INIT;
    assert_int_equal(registry_donation_check(&m, &field), 0);
    assert_int_equal(registry_pledge_total(m.instalment_krw, m.recurrence, m.instalments), 96000000);
    assert_int_equal(registry_pledge_total(5000, ONE_OFF, 0), 5000);
    SPOIL(m.donor_kind = 0, "donor_kind");
    SPOIL(m.donor_name = "", "donor_name");
    SPOIL(m.kind = 7, "kind");
    SPOIL(m.recurrence = 0, "recurrence");
    SPOIL(m.instalments = 1, "instalments"); /* a recurring pledge gives twice or more */
    SPOIL((m.recurrence = ONE_OFF, m.instalments = 3), "instalments"); /* a one-off gives once */
    SPOIL(m.instalment_krw = -8000000, "instalment_krw");              /* a negative amount */
    SPOIL(m.instalment_krw = 0, "instalment_krw");
    SPOIL((m.instalment_krw = 10000000000000LL, m.instalments = 2), "instalment_krw"); /* over 10^13 in all */
    SPOIL(m.received_krw = 8000001, "received_krw"); /* more than one instalment on the spot */
    SPOIL(m.received_krw = -1, "received_krw");
    SPOIL(m.pledged_on = "2016-02-30", "pledged_on");
    SPOIL(m.dong_code = "", "dong_code");
    SPOIL(m.resource_id = -1, "resource_id");
    bad_finder.team = 4;
    SPOIL(m.finder = &bad_finder, "finder.team");
    bad_finder.team = 0;
    bad_finder.member_id = -3;
    SPOIL(m.finder = &bad_finder, "finder.member_id");
}

static void receipt_allocation_mou_tally_rules(void **state)
{
    (void)state;
    Welfare__Registry__V1__RecordReceipt r = WELFARE__REGISTRY__V1__RECORD_RECEIPT__INIT;
    r.donation_id = 1;
    r.amount_krw = -5;
    r.received_on = "2016-05-01";
    expect_status(registry_handle_record_receipt, &r.base, WH_INVALID_ARGUMENT, "amount_krw");
    r.amount_krw = 5;
    r.donation_id = 0;
    expect_status(registry_handle_record_receipt, &r.base, WH_INVALID_ARGUMENT, "donation_id");

    Welfare__Registry__V1__AllocateDonation a = WELFARE__REGISTRY__V1__ALLOCATE_DONATION__INIT;
    a.donation_id = 1;
    a.amount_krw = 100;
    a.allocated_on = "2016-05-01";
    expect_status(registry_handle_allocate_donation, &a.base, WH_INVALID_ARGUMENT, "linkage_id");
    a.linkage_id = 1;
    a.amount_krw = -100;
    expect_status(registry_handle_allocate_donation, &a.base, WH_INVALID_ARGUMENT, "amount_krw");

    Welfare__Registry__V1__RecordMou u = WELFARE__REGISTRY__V1__RECORD_MOU__INIT;
    Welfare__Registry__V1__MouCommitment c0 = WELFARE__REGISTRY__V1__MOU_COMMITMENT__INIT;
    Welfare__Registry__V1__MouCommitment c1 = WELFARE__REGISTRY__V1__MOU_COMMITMENT__INIT;
    Welfare__Registry__V1__MouCommitment *cs[] = {&c0, &c1};
    c0.what = "housing repair";
    c0.quantity = 12;
    c0.per = PER_YEAR;
    c1.what = "meals";
    c1.per = PER_YEAR;
    u.provider_id = 1;
    u.purpose = "housing repair for low-income households";
    u.starts_on = "2016-04-01";
    u.ends_on = "2016-03-31"; /* ends before it starts */
    expect_status(registry_handle_record_mou, &u.base, WH_INVALID_ARGUMENT, "ends_on");
    u.ends_on = "2017-03-31";
    u.commitments = cs;
    u.n_commitments = 2;
    expect_status(registry_handle_record_mou, &u.base, WH_INVALID_ARGUMENT, "commitments.1.quantity");
    u.n_commitments = 1;
    u.purpose = "";
    expect_status(registry_handle_record_mou, &u.base, WH_INVALID_ARGUMENT, "purpose");

    Welfare__Registry__V1__TallyFinds t = WELFARE__REGISTRY__V1__TALLY_FINDS__INIT;
    t.from_on = "2016-04-01";
    t.to_on = "2016-10-31";
    expect_status(registry_handle_tally_finds, &t.base, WH_INVALID_ARGUMENT, "group_by");
    t.group_by = BY_TEAM;
    t.to_on = "2016-03-31";
    expect_status(registry_handle_tally_finds, &t.base, WH_INVALID_ARGUMENT, "to_on");
}

/* --- against PostgreSQL ----------------------------------------------------------------------- */

static int db_setup(void **state)
{
    (void)state;
    size_t n;
    const wh_db_statement *statements = registry_all_statements(&n);
    /* its own schema: the other registry test program may run beside this one */
    int rc = fake_db_setup("registry_ledger", registry_migrations, registry_migrations_count, statements, n);
    return rc == -2 ? -1 : 0;
}

static int db_teardown(void **state)
{
    (void)state;
    fake_done();
    return 0;
}

static int64_t count(const char *sql)
{
    PGresult *r = PQexec(wh_db_conn(fake.db), sql);
    int64_t v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? atoll(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return v;
}

static ProtobufCMessage *ok(wh_command_fn fn, const ProtobufCMessage *m)
{
    ProtobufCMessage *reply = NULL;
    assert_int_equal(fake_command(fn, m, &reply), 0);
    return reply;
}

static int64_t setup_district(int64_t *provider_id, int64_t *linkage_id)
{
    Welfare__Routing__V1__DongDefined d = WELFARE__ROUTING__V1__DONG_DEFINED__INIT;
    d.dong_code = "S1";
    d.hub_dong_code = "H1"; /* a sphere-type dong: its finds are credited to the hub H1 */
    assert_int_equal(fake_event_apply(registry_apply_dong_defined, &d.base), 0);
    Welfare__Registry__V1__RegisterProvider p = WELFARE__REGISTRY__V1__REGISTER_PROVIDER__INIT;
    p.name = "Suyeong Saemaul committee";
    p.kind = WELFARE__REGISTRY__V1__PROVIDER_KIND__PROVIDER_KIND_PRIVATE;
    p.dong_code = "S1";
    *provider_id =
        ((Welfare__Registry__V1__RegisterProviderReply *)ok(registry_handle_register_provider, &p.base))
            ->provider_id;
    Welfare__Intake__V1__HouseholdIdentified h = WELFARE__INTAKE__V1__HOUSEHOLD_IDENTIFIED__INIT;
    h.household_id = 41;
    h.dong_code = "S1";
    h.identified_on = "2016-03-01";
    assert_int_equal(fake_event_apply(registry_apply_household_identified, &h.base), 0);
    Welfare__Registry__V1__RequestServiceLinkage l = WELFARE__REGISTRY__V1__REQUEST_SERVICE_LINKAGE__INIT;
    l.household_id = 41;
    l.kind = WELFARE__REGISTRY__V1__LINKAGE_KIND__LINKAGE_KIND_PUBLIC_PROGRAMME;
    l.programme = WELFARE__REGISTRY__V1__PUBLIC_PROGRAMME__PUBLIC_PROGRAMME_EMERGENCY_AID;
    l.domain = 1;
    l.requested_on = "2016-05-02";
    *linkage_id = ((Welfare__Registry__V1__RequestServiceLinkageReply *)ok(
                       registry_handle_request_service_linkage, &l.base))
                      ->linkage_id;
    /* a donated service, found by member 7, valued at KRW 300,000 */
    Welfare__Registry__V1__RegisterResource r = WELFARE__REGISTRY__V1__REGISTER_RESOURCE__INIT;
    r.provider_id = *provider_id;
    r.domain = HOUSING;
    r.kind = SERVICE;
    r.dong_code = "S1";
    r.capacity = 4;
    r.amount_krw = 300000;
    r.discovered_on = "2016-04-15";
    r.finder = &member_7;
    const Welfare__Registry__V1__RegisterResourceReply *rr =
        (const void *)ok(registry_handle_register_resource, &r.base);
    const Welfare__Registry__V1__ResourceRegistered *ev = (const void *)fake.events[0];
    assert_int_equal(ev->finder->member_id, 7);
    assert_string_equal(ev->finder->hub_dong_code, "H1");
    return rr->resource_id;
}

static void pledge_receipts_allocation(void **state)
{
    (void)state;
    if (!fake.db)
        skip();
    int64_t provider_id, linkage_id;
    int64_t resource_id = setup_district(&provider_id, &linkage_id);

    Welfare__Registry__V1__RecordDonation m = firm_pledge();
    const Welfare__Registry__V1__RecordDonationReply *d =
        (const void *)ok(registry_handle_record_donation, &m.base);
    int64_t donation_id = d->donation_id;
    assert_int_equal(d->pledged_krw, 96000000);
    assert_int_equal(d->received_krw, 8000000);
    assert_int_equal(fake.n_events, 2);
    assert_string_equal(fake_event(0), "welfare.registry.v1.DonationPledged");
    assert_string_equal(fake_event(1), "welfare.registry.v1.DonationReceived");
    const Welfare__Registry__V1__DonationPledged *pe = (const void *)fake.events[0];
    assert_int_equal(pe->pledged_krw, 96000000);
    assert_string_equal(pe->finder->hub_dong_code, "H1");

    /* unknown resource, a person without the PII key: typed errors, nothing stored */
    m = firm_pledge();
    m.resource_id = resource_id + 100;
    expect_status(registry_handle_record_donation, &m.base, WH_NOT_FOUND, "resource_id");
    m = firm_pledge();
    m.donor_kind = PERSON;
    m.donor_name = "김영희";
    expect_status(registry_handle_record_donation, &m.base, WH_FAILED_PRECONDITION, "donor_name");
    assert_int_equal(count("SELECT count(*) FROM donation"), 1);

    /* five more monthly instalments; then one more than the pledge owes is refused */
    Welfare__Registry__V1__RecordReceipt r = WELFARE__REGISTRY__V1__RECORD_RECEIPT__INIT;
    const char *months[] = {"2016-05-01", "2016-06-01", "2016-07-01", "2016-08-01", "2016-09-01"};
    r.donation_id = donation_id;
    r.amount_krw = 8000000;
    for (int i = 0; i < 5; i++) {
        r.received_on = (char *)months[i];
        ok(registry_handle_record_receipt, &r.base);
    }
    r.received_on = "2016-03-01";
    expect_status(registry_handle_record_receipt, &r.base, WH_INVALID_ARGUMENT, "received_on");
    r.received_on = "2016-10-01";
    r.amount_krw = 48000001;
    expect_status(registry_handle_record_receipt, &r.base, WH_FAILED_PRECONDITION, "amount_krw");
    r.donation_id = donation_id + 9;
    r.amount_krw = 1;
    expect_status(registry_handle_record_receipt, &r.base, WH_NOT_FOUND, "donation_id");
    assert_int_equal(count("SELECT received_krw FROM donation"), 48000000);

    /* allocations: within what was received, to a real linkage */
    Welfare__Registry__V1__AllocateDonation a = WELFARE__REGISTRY__V1__ALLOCATE_DONATION__INIT;
    a.donation_id = donation_id;
    a.linkage_id = linkage_id;
    a.amount_krw = 40000000;
    a.allocated_on = "2016-10-02";
    const Welfare__Registry__V1__AllocateDonationReply *ar =
        (const void *)ok(registry_handle_allocate_donation, &a.base);
    assert_int_equal(ar->household_id, 41);
    assert_int_equal(ar->unallocated_krw, 8000000);
    assert_string_equal(fake_event(0), "welfare.registry.v1.DonationAllocated");
    a.amount_krw = 8000001;
    expect_status(registry_handle_allocate_donation, &a.base, WH_FAILED_PRECONDITION, "amount_krw");
    a.amount_krw = 1;
    a.linkage_id = linkage_id + 50;
    expect_status(registry_handle_allocate_donation, &a.base, WH_NOT_FOUND, "linkage_id");
    assert_int_equal(count("SELECT allocated_krw FROM donation"), 40000000);
    assert_int_equal(count("SELECT count(*) FROM donation_allocation"), 1);

    /* the finder's tally for April–October: the service and the pledge; 300,000 + 6 × 8,000,000 */
    Welfare__Registry__V1__TallyFinds t = WELFARE__REGISTRY__V1__TALLY_FINDS__INIT;
    t.group_by = BY_MEMBER;
    t.from_on = "2016-04-01";
    t.to_on = "2016-10-31";
    const Welfare__Registry__V1__TallyFindsReply *tr = (const void *)ok(registry_handle_tally_finds, &t.base);
    assert_int_equal(tr->n_tallies, 1);
    assert_int_equal(tr->tallies[0]->member_id, 7);
    assert_int_equal(tr->tallies[0]->cases, 2);
    assert_int_equal(tr->tallies[0]->amount_krw, 48300000);
    assert_int_equal(tr->tallies[0]->pledged_krw, 96000000);
    t.group_by = BY_HUB;
    t.to_on = "2016-06-30"; /* counted per period: two instalments by the end of June */
    tr = (const void *)ok(registry_handle_tally_finds, &t.base);
    assert_int_equal(tr->n_tallies, 1);
    assert_string_equal(tr->tallies[0]->hub_dong_code, "H1");
    assert_int_equal(tr->tallies[0]->amount_krw, 300000 + 3 * 8000000);
}

static void mous_as_records(void **state)
{
    (void)state;
    if (!fake.db)
        skip();
    int64_t provider_id = count("SELECT min(id) FROM provider");
    int64_t resource_id = count("SELECT min(id) FROM resource");
    Welfare__Registry__V1__GetResource g = WELFARE__REGISTRY__V1__GET_RESOURCE__INIT;
    g.resource_id = resource_id;
    const Welfare__Registry__V1__GetResourceReply *gr =
        (const void *)ok(registry_handle_get_resource, &g.base);
    assert_false(gr->resource->has_mou);
    assert_int_equal(gr->resource->finder->member_id, 7);

    Welfare__Registry__V1__RecordMou u = WELFARE__REGISTRY__V1__RECORD_MOU__INIT;
    Welfare__Registry__V1__MouCommitment c = WELFARE__REGISTRY__V1__MOU_COMMITMENT__INIT;
    Welfare__Registry__V1__MouCommitment *cs[] = {&c};
    c.what = "housing repair";
    c.quantity = 12;
    c.per = PER_YEAR;
    c.domain = HOUSING;
    u.provider_id = provider_id;
    u.purpose = "housing repair";
    u.starts_on = "2016-04-01";
    u.ends_on = "2017-03-31";
    u.commitments = cs;
    u.n_commitments = 1;
    ok(registry_handle_record_mou, &u.base);
    const Welfare__Registry__V1__MouRecorded *ev = (const void *)fake.events[0];
    assert_string_equal(fake_event(0), "welfare.registry.v1.MouRecorded");
    assert_int_equal(ev->n_commitments, 1);
    assert_string_equal(ev->finder->hub_dong_code, "H1");
    u.provider_id = provider_id + 40;
    expect_status(registry_handle_record_mou, &u.base, WH_NOT_FOUND, "provider_id");

    gr = (const void *)ok(registry_handle_get_resource, &g.base);
    assert_true(gr->resource->has_mou); /* the old flag, read from the record */
    Welfare__Registry__V1__ListMous l = WELFARE__REGISTRY__V1__LIST_MOUS__INIT;
    l.in_force_on = "2017-04-01";
    const Welfare__Registry__V1__ListMousReply *lr = (const void *)ok(registry_handle_list_mous, &l.base);
    assert_int_equal(lr->n_mous, 0);
    l.in_force_on = "2016-12-31";
    lr = (const void *)ok(registry_handle_list_mous, &l.base);
    assert_int_equal(lr->n_mous, 1);
    assert_int_equal(lr->mous[0]->commitments[0]->quantity, 12);
    assert_string_equal(lr->mous[0]->commitments[0]->what, "housing repair");
}

int main(void)
{
    const struct CMUnitTest rules[] = {
        cmocka_unit_test(donation_rules),
        cmocka_unit_test(receipt_allocation_mou_tally_rules),
    };
    const struct CMUnitTest store[] = {
        cmocka_unit_test(pledge_receipts_allocation),
        cmocka_unit_test(mous_as_records),
    };
    int failed = cmocka_run_group_tests_name("ledger rules", rules, NULL, NULL);
    failed += cmocka_run_group_tests_name("ledger store", store, db_setup, db_teardown);
    fake_done();
    return failed;
}

/*
 * test_facts.c — what each event adds to kpi_daily, and which events reporting refuses to count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "reporting.h"
#include "wh/status.h"

static void only(const reporting_fact *f, reporting_fact_col col, int64_t want)
{
    for (int i = 0; i < REPORTING_FACT_COUNT; i++)
        assert_int_equal(f->delta[i], i == (int)col ? want : 0);
}

/* A TargetsChanged is one fact per step: the day's targets column moves by the step's delta. */
static void targets_changed_moves_the_stock_by_its_steps(void **state)
{
    Welfare__Intake__V1__TargetStep s1 = WELFARE__INTAKE__V1__TARGET_STEP__INIT,
                                    s2 = WELFARE__INTAKE__V1__TARGET_STEP__INIT;
    Welfare__Intake__V1__TargetStep *steps[] = {&s1, &s2};
    Welfare__Intake__V1__TargetsChanged e = WELFARE__INTAKE__V1__TARGETS_CHANGED__INIT;
    reporting_fact f[2];
    const char *field = NULL;
    size_t n = 9;
    s1.on = "2015-03-01";
    s1.delta = 1;
    s2.on = "2016-01-01";
    s2.delta = -1;
    e.dong_code = "2650051000";
    e.steps = steps;
    e.n_steps = 2;
    assert_int_equal(reporting_fact_targets(&e, f, 2, &n, &field), 0);
    assert_int_equal(n, 2);
    assert_string_equal(f[0].dong_code, "2650051000");
    assert_string_equal(f[0].day, "2015-03-01");
    only(&f[0], REPORTING_FACT_TARGETS, 1);
    assert_string_equal(f[1].day, "2016-01-01");
    only(&f[1], REPORTING_FACT_TARGETS, -1);
    (void)state;
}

static void bad_dates_and_dongs_name_the_field(void **state)
{
    Welfare__Intake__V1__TargetStep s1 = WELFARE__INTAKE__V1__TARGET_STEP__INIT;
    Welfare__Intake__V1__TargetStep *steps[] = {&s1};
    Welfare__Intake__V1__TargetsChanged e = WELFARE__INTAKE__V1__TARGETS_CHANGED__INIT;
    reporting_fact f[1];
    const char *field = NULL;
    size_t n = 0;
    e.dong_code = "2650051000";
    e.steps = steps;
    e.n_steps = 1;
    s1.on = "2026-02-30";
    s1.delta = 1;
    assert_int_equal(reporting_fact_targets(&e, f, 1, &n, &field), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "steps.on");

    s1.on = "2026-02-28";
    e.dong_code = "";
    assert_int_equal(reporting_fact_targets(&e, f, 1, &n, &field), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "dong_code");

    e.dong_code = "26500'; DROP";
    assert_int_equal(reporting_fact_targets(&e, f, 1, &n, &field), WH_INVALID_ARGUMENT);

    e.dong_code = "2650051000";
    s1.delta = 0;
    assert_int_equal(reporting_fact_targets(&e, f, 1, &n, &field), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "steps.delta");

    e.n_steps = 0; /* an event without steps changes nothing and is a producer's bug */
    assert_int_equal(reporting_fact_targets(&e, f, 1, &n, &field), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "steps");
    assert_int_equal(n, 0);
    (void)state;
}

static void each_event_counts_its_column(void **state)
{
    reporting_fact f;
    const char *field = NULL;

    Welfare__Intake__V1__BlindSpotDiscovered b = WELFARE__INTAKE__V1__BLIND_SPOT_DISCOVERED__INIT;
    b.dong_code = "2650052000";
    b.discovered_on = "2026-01-02";
    assert_int_equal(reporting_fact_blind_spot(&b, &f, &field), 0);
    only(&f, REPORTING_FACT_BLIND_SPOTS, 1);

    Welfare__Case__V1__CaseOpened o = WELFARE__CASE__V1__CASE_OPENED__INIT;
    o.dong_code = "2650052000";
    o.opened_on = "2026-01-03";
    assert_int_equal(reporting_fact_case_opened(&o, &f, &field), 0);
    only(&f, REPORTING_FACT_CASES_OPENED, 1);

    Welfare__Case__V1__CaseClosed c = WELFARE__CASE__V1__CASE_CLOSED__INIT;
    c.dong_code = "2650052000";
    c.closed_on = "2026-04-03";
    assert_int_equal(reporting_fact_case_closed(&c, &f, &field), 0);
    only(&f, REPORTING_FACT_CASES_CLOSED, 1);

    Welfare__Case__V1__LinkageCompleted l = WELFARE__CASE__V1__LINKAGE_COMPLETED__INIT;
    l.dong_code = "2650052000";
    l.completed_on = "2026-01-05";
    assert_int_equal(reporting_fact_linkage(&l, &f, &field), 0);
    only(&f, REPORTING_FACT_LINKAGES, 1);

    Welfare__Routing__V1__VisitCompleted v = WELFARE__ROUTING__V1__VISIT_COMPLETED__INIT;
    v.dong_code = "2650052000";
    v.visited_on = "2026-01-06";
    assert_int_equal(reporting_fact_visit(&v, &f, &field), 0);
    only(&f, REPORTING_FACT_VISITS, 1);

    Welfare__Routing__V1__VisitMissed m = WELFARE__ROUTING__V1__VISIT_MISSED__INIT;
    m.dong_code = "2650052000";
    m.missed_on = "2026-01-06";
    assert_int_equal(reporting_fact_visit_missed(&m, &f, &field), 0);
    only(&f, REPORTING_FACT_VISITS_MISSED, 1);

    Welfare__Routing__V1__VisitMissed m2 = WELFARE__ROUTING__V1__VISIT_MISSED__INIT;
    m2.dong_code = "2650052000";
    m2.missed_on = "";
    assert_int_equal(reporting_fact_visit_missed(&m2, &f, &field), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "missed_on");
}

/* Outreach: an unplanned home visit met and counselled is a site visit, a failed one a miss; a planned
 * one's details add nothing (routing's VisitCompleted counted it); a linkage counts when it starts. */
static void outreach_visits_and_linkages(void **state)
{
    (void)state;
    reporting_fact f;
    const char *field = NULL;
    Welfare__Case__V1__HomeVisitRecorded h = WELFARE__CASE__V1__HOME_VISIT_RECORDED__INIT;
    h.dong_code = "2650052000";
    h.visited_on = "2016-05-02";
    h.outcome = WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_MET_COUNSELLED;
    assert_int_equal(reporting_fact_home_visit(&h, &f, &field), 0);
    only(&f, REPORTING_FACT_VISITS, 1);
    h.outcome = WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_NOT_AT_HOME;
    assert_int_equal(reporting_fact_home_visit(&h, &f, &field), 0);
    only(&f, REPORTING_FACT_VISITS_MISSED, 1);
    h.outcome = WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_REFUSED;
    assert_int_equal(reporting_fact_home_visit(&h, &f, &field), 0);
    only(&f, REPORTING_FACT_VISITS_MISSED, 1);
    h.outcome = WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_MOVED;
    assert_int_equal(reporting_fact_home_visit(&h, &f, &field), 0);
    assert_true(reporting_fact_empty(&f));
    h.outcome = WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_MET_COUNSELLED;
    h.visit_id = 7;
    assert_int_equal(reporting_fact_home_visit(&h, &f, &field), 0);
    assert_true(reporting_fact_empty(&f));
    h.visited_on = "2016-13-01";
    assert_int_equal(reporting_fact_home_visit(&h, &f, &field), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "visited_on");

    Welfare__Registry__V1__ServiceLinkageChanged l = WELFARE__REGISTRY__V1__SERVICE_LINKAGE_CHANGED__INIT;
    l.dong_code = "2650052000";
    l.changed_on = "2016-05-03";
    for (int s = 1; s <= 5; s++) {
        l.state = s;
        assert_int_equal(reporting_fact_service_linkage(&l, &f, &field), 0);
        if (s == WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_STARTED)
            only(&f, REPORTING_FACT_LINKAGES, 1);
        else
            assert_true(reporting_fact_empty(&f));
    }
    l.dong_code = "";
    assert_int_equal(reporting_fact_service_linkage(&l, &f, &field), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "dong_code");
}

static void resource_counts_case_and_amount(void **state)
{
    Welfare__Registry__V1__ResourceRegistered e = WELFARE__REGISTRY__V1__RESOURCE_REGISTERED__INIT;
    reporting_fact f;
    const char *field = NULL;
    e.dong_code = "2650053000";
    e.discovered_on = "2026-02-01";
    e.amount_krw = 1500000;
    assert_int_equal(reporting_fact_resource(&e, &f, &field), 0);
    assert_int_equal(f.delta[REPORTING_FACT_RESOURCES], 1);
    assert_int_equal(f.delta[REPORTING_FACT_AMOUNT_KRW], 1500000);
    e.amount_krw = -5;
    assert_int_equal(reporting_fact_resource(&e, &f, &field), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "amount_krw");
}

/* The donation ledger: the pledge is the case (on pledged_on), each receipt adds its amount on its
 * own date (a recurring pledge counts per period). */
static void donation_pledge_is_a_case_receipt_its_amount(void **state)
{
    (void)state;
    Welfare__Registry__V1__DonationPledged p = WELFARE__REGISTRY__V1__DONATION_PLEDGED__INIT;
    Welfare__Registry__V1__DonationReceived r = WELFARE__REGISTRY__V1__DONATION_RECEIVED__INIT;
    reporting_fact f;
    const char *field = NULL;
    p.dong_code = "2650053000";
    p.pledged_on = "2016-04-01";
    p.pledged_krw = 96000000;
    assert_int_equal(reporting_fact_donation_pledged(&p, &f, &field), 0);
    only(&f, REPORTING_FACT_RESOURCES, 1);
    assert_string_equal(f.day, "2016-04-01");
    r.dong_code = "2650053000";
    r.received_on = "2016-05-01";
    r.amount_krw = 8000000;
    assert_int_equal(reporting_fact_donation_received(&r, &f, &field), 0);
    only(&f, REPORTING_FACT_AMOUNT_KRW, 8000000);
    assert_string_equal(f.day, "2016-05-01");
    r.amount_krw = 0;
    assert_int_equal(reporting_fact_donation_received(&r, &f, &field), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "amount_krw");
    r.amount_krw = 1;
    r.received_on = "2016-13-01";
    assert_int_equal(reporting_fact_donation_received(&r, &f, &field), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "received_on");
    p.dong_code = "";
    assert_int_equal(reporting_fact_donation_pledged(&p, &f, &field), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "dong_code");
}

static void dong_codes(void **state)
{
    assert_true(reporting_dong_code_valid("2650051000"));
    assert_true(reporting_dong_code_valid("test-1"));
    assert_false(reporting_dong_code_valid(NULL));
    assert_false(reporting_dong_code_valid(""));
    assert_false(reporting_dong_code_valid("a b"));
    assert_false(reporting_dong_code_valid("a,b"));
    assert_false(reporting_dong_code_valid("123456789012345678901234")); /* 24 bytes: too long */
    assert_true(reporting_dong_code_valid("12345678901234567890123"));
}

static void kpi_table_is_complete(void **state)
{
    for (int k = 0; k < REPORTING_KPI_COUNT; k++) {
        const reporting_kpi_def *d = &reporting_kpi_defs[k];
        assert_int_equal(d->kpi, k);
        assert_non_null(d->key);
        assert_true(strlen(d->label_ko) > 0 && strlen(d->label_en) > 0);
        assert_true((d->agg == REPORTING_AGG_DAILY_SUM || d->agg == REPORTING_AGG_STOCK) == (d->fact >= 0));
        assert_true(d->fact < REPORTING_FACT_COUNT);
    }
    for (int i = 0; i < REPORTING_FACT_COUNT; i++)
        assert_non_null(reporting_fact_columns[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(targets_changed_moves_the_stock_by_its_steps),
        cmocka_unit_test(bad_dates_and_dongs_name_the_field),
        cmocka_unit_test(each_event_counts_its_column),
        cmocka_unit_test(resource_counts_case_and_amount),
        cmocka_unit_test(donation_pledge_is_a_case_receipt_its_amount),
        cmocka_unit_test(outreach_visits_and_linkages),
        cmocka_unit_test(dong_codes),
        cmocka_unit_test(kpi_table_is_complete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

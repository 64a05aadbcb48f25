/*
 * test_handlers.c — reporting's table-driven handlers: events in (through the subscription table),
 * queries out (through the command table), typed errors naming the field.  Uses the shared fake
 * handler context; the database part runs when WH_TEST_DB_URL is set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake_ctx.h"
#include "reporting.h"
#include "wh/status.h"

#define A "2650051000" /* basic hub */
#define B "2650052000" /* sphere, served by A */

static wh_command_fn command(const ProtobufCMessageDescriptor *d)
{
    for (size_t i = 0; i < reporting_commands_count; i++)
        if (reporting_commands[i].request == d)
            return reporting_commands[i].handle;
    fail_msg("no command %s", d->name);
    return NULL;
}

static int apply(const ProtobufCMessage *event)
{
    for (size_t i = 0; i < reporting_subscriptions_count; i++)
        if (reporting_subscriptions[i].event == event->descriptor)
            return fake_event_apply(reporting_subscriptions[i].apply, event);
    fail_msg("no subscription %s", event->descriptor->name);
    return -1;
}

static int setup(void **state)
{
    size_t n_statements;
    const wh_db_statement *statements = reporting_all_statements(&n_statements);
    int rc = fake_db_setup("reporting", reporting_migrations, reporting_migrations_count, statements,
                           n_statements);
    return rc == -2 ? -1 : 0;
}

static int teardown(void **state)
{
    fake_done();
    return 0;
}

static void every_query_is_a_query_and_every_stream_is_read(void **state)
{
    bool streams[4] = {false};
    const char *names[4] = {"intake", "case", "registry", "routing"};
    for (size_t i = 0; i < reporting_commands_count; i++)
        assert_true(reporting_commands[i].query);
    for (size_t i = 0; i < reporting_subscriptions_count; i++)
        for (int s = 0; s < 4; s++)
            streams[s] |= strcmp(reporting_subscriptions[i].stream, names[s]) == 0;
    for (int s = 0; s < 4; s++)
        assert_true(streams[s]);
}

static void bad_selections_name_the_field(void **state)
{
    ProtobufCMessage *reply = NULL;
    Welfare__Reporting__V1__QueryKpi q = WELFARE__REPORTING__V1__QUERY_KPI__INIT;
    wh_command_fn query = command(&welfare__reporting__v1__query_kpi__descriptor);
    assert_int_equal(fake_command(query, &q.base, &reply), WH_INVALID_ARGUMENT);
    assert_string_equal(fake.field, "selection");

    Welfare__Reporting__V1__KpiSelection s = WELFARE__REPORTING__V1__KPI_SELECTION__INIT;
    s.from_on = "2026-01-01";
    s.to_on = "2025-12-31";
    q.selection = &s;
    assert_int_equal(fake_command(query, &q.base, &reply), WH_INVALID_ARGUMENT);
    assert_string_equal(fake.field, "selection.to_on");

    Welfare__Reporting__V1__CompareKpi c = WELFARE__REPORTING__V1__COMPARE_KPI__INIT;
    Welfare__Reporting__V1__KpiSelection ok = WELFARE__REPORTING__V1__KPI_SELECTION__INIT;
    char *bad[] = {"not a code"};
    ok.from_on = "2026-01-01";
    ok.to_on = "2026-01-31";
    s.to_on = "2026-02-01";
    s.dong_codes = bad;
    s.n_dong_codes = 1;
    c.baseline = &ok;
    c.comparison = &s;
    if (!fake.db) {
        /* the baseline would be queried first; without a database only its absence can be checked */
        c.baseline = NULL;
        assert_int_equal(
            fake_command(command(&welfare__reporting__v1__compare_kpi__descriptor), &c.base, &reply),
            WH_INVALID_ARGUMENT);
        assert_string_equal(fake.field, "baseline");
        return;
    }
    assert_int_equal(fake_command(command(&welfare__reporting__v1__compare_kpi__descriptor), &c.base, &reply),
                     WH_INVALID_ARGUMENT);
    assert_string_equal(fake.field, "comparison.dong_codes");
}

static void uncountable_events_are_refused(void **state)
{
    Welfare__Intake__V1__TargetStep st = WELFARE__INTAKE__V1__TARGET_STEP__INIT;
    Welfare__Intake__V1__TargetStep *steps[] = {&st};
    Welfare__Intake__V1__TargetsChanged h = WELFARE__INTAKE__V1__TARGETS_CHANGED__INIT;
    h.dong_code = A;
    h.steps = steps;
    h.n_steps = 1;
    st.on = "yesterday";
    st.delta = 1;
    fake_reset();
    bool subscribed = false;
    for (size_t i = 0; i < reporting_subscriptions_count; i++)
        if (reporting_subscriptions[i].event == h.base.descriptor) {
            subscribed = true;
            assert_int_equal(reporting_subscriptions[i].apply(&fake, &h.base), WH_INVALID_ARGUMENT);
        }
    assert_true(subscribed);
    assert_string_equal(fake.field, "steps.on");

    Welfare__Routing__V1__DongDefined d = WELFARE__ROUTING__V1__DONG_DEFINED__INIT;
    d.dong_code = A;
    d.hub_dong_code = "";
    fake_reset();
    for (size_t i = 0; i < reporting_subscriptions_count; i++)
        if (reporting_subscriptions[i].event == d.base.descriptor)
            assert_int_equal(reporting_subscriptions[i].apply(&fake, &d.base), WH_INVALID_ARGUMENT);
    assert_string_equal(fake.field, "hub_dong_code");
}

/* A small district's events, then the KPI table the handlers answer with. */
/* The comparison table over the events of events_to_kpi: A live since February, B not live. */
static void kpi_table_from_events(void)
{
    Welfare__Reporting__V1__QueryKpiTable q = WELFARE__REPORTING__V1__QUERY_KPI_TABLE__INIT;
    Welfare__Reporting__V1__QueryKpiTableReply *r = NULL;
    q.comparison = WELFARE__REPORTING__V1__KPI_COMPARISON__KPI_COMPARISON_TREATED_UNTREATED;
    q.from_on = "2026-02-01";
    q.to_on = "2026-02-28";
    wh_command_fn table = command(&welfare__reporting__v1__query_kpi_table__descriptor);
    assert_int_equal(fake_command(table, &q.base, (ProtobufCMessage **)&r), 0);
    const Welfare__Reporting__V1__KpiTable *t = r->table;
    assert_int_equal(t->n_treated_dong_codes, 1);
    assert_string_equal(t->treated_dong_codes[0], A);
    assert_string_equal(t->untreated_dong_codes[0], B);
    assert_int_equal(t->n_rows, 3);
    assert_string_equal(t->rows[0]->label_ko, "시행동");
    assert_string_equal(t->rows[0]->cells[1], "2(1)");        /* A's staff, 1 private */
    assert_string_equal(t->rows[0]->cells[6], "1(₩250,000)"); /* the resource in A */
    assert_string_equal(t->rows[1]->cells[0], "2");           /* targets in B */
    assert_string_equal(t->rows[2]->cells[0], "-2");          /* treated − untreated */
    assert_string_equal(t->rows[2]->cells[6], "+1(+₩250,000)");
    assert_string_equal(t->rows[2]->change_percent[0], "-100.0%");
    assert_string_equal(t->rows[2]->change_percent[6], "-"); /* untreated had none */
    assert_string_equal(t->column_keys[1], "visiting_personnel");

    /* Both: February 2026 against February 2025 (the default), and the difference-in-differences. */
    q.comparison = WELFARE__REPORTING__V1__KPI_COMPARISON__KPI_COMPARISON_BOTH;
    assert_int_equal(fake_command(table, &q.base, (ProtobufCMessage **)&r), 0);
    t = r->table;
    assert_string_equal(t->before_from_on, "2025-02-01");
    assert_string_equal(t->before_to_on, "2025-02-28");
    assert_int_equal(t->n_rows, 7);
    assert_string_equal(t->rows[6]->cells[0], "-2"); /* (0 − 0) − (2 − 0) */
    assert_int_equal(t->rows[6]->values->visiting_personnel, 2);

    /* Unequal periods warn; an unknown dong is an error naming the field. */
    q.comparison = WELFARE__REPORTING__V1__KPI_COMPARISON__KPI_COMPARISON_BEFORE_AFTER;
    q.before_from_on = "2026-01-01";
    q.before_to_on = "2026-01-31";
    assert_int_equal(fake_command(table, &q.base, (ProtobufCMessage **)&r), 0);
    assert_true(r->table->n_warnings >= 1);
    assert_non_null(strstr(r->table->warnings[0], "31일"));
    char *unknown[] = {"9999999999"};
    q.dong_codes = unknown;
    q.n_dong_codes = 1;
    assert_int_equal(fake_command(table, &q.base, (ProtobufCMessage **)&r), WH_INVALID_ARGUMENT);
    assert_string_equal(fake.field, "dong_codes");
    Welfare__Reporting__V1__QueryKpi qk = WELFARE__REPORTING__V1__QUERY_KPI__INIT;
    Welfare__Reporting__V1__KpiSelection sel = WELFARE__REPORTING__V1__KPI_SELECTION__INIT;
    sel.dong_codes = unknown;
    sel.n_dong_codes = 1;
    sel.from_on = "2026-02-01";
    sel.to_on = "2026-02-28";
    qk.selection = &sel;
    assert_int_equal(fake_command(command(&welfare__reporting__v1__query_kpi__descriptor), &qk.base,
                                  (ProtobufCMessage **)&r),
                     WH_INVALID_ARGUMENT);
    assert_string_equal(fake.field, "selection.dong_codes");
}

static void events_to_kpi(void **state)
{
    if (!fake.db)
        skip();
    Welfare__Routing__V1__DongDefined da = WELFARE__ROUTING__V1__DONG_DEFINED__INIT, db = da;
    da.dong_code = A;
    da.name = "남천1동";
    da.hub_type = WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_BASIC;
    da.hub_dong_code = A;
    da.live_from = "2026-02-01"; /* A's hub goes live in February; B is defined, not live yet */
    db.dong_code = B;
    db.name = "남천2동";
    db.hub_type = WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_SPHERE;
    db.hub_dong_code = A;
    assert_int_equal(apply(&da.base), 0);
    assert_int_equal(apply(&db.base), 0);

    Welfare__Routing__V1__StaffRegistered s = WELFARE__ROUTING__V1__STAFF_REGISTERED__INIT;
    s.hub_dong_code = A;
    s.active_from = "2026-01-01";
    for (int i = 1; i <= 3; i++) {
        s.staff_id = i;
        s.employment = i == 3 ? WELFARE__COMMON__V1__EMPLOYMENT__EMPLOYMENT_PRIVATE
                              : WELFARE__COMMON__V1__EMPLOYMENT__EMPLOYMENT_PUBLIC;
        assert_int_equal(apply(&s.base), 0);
    }
    Welfare__Routing__V1__StaffDeactivated gone = WELFARE__ROUTING__V1__STAFF_DEACTIVATED__INIT;
    gone.staff_id = 2;
    gone.hub_dong_code = A;
    gone.active_until = "2026-01-31";
    assert_int_equal(apply(&gone.base), 0);

    /* targets of B: one since 2025, one from 3 February, one from 10 February; the first ceased on
     * 20 February (the day after its last day) */
    Welfare__Intake__V1__TargetStep st1 = WELFARE__INTAKE__V1__TARGET_STEP__INIT, st2 = st1;
    Welfare__Intake__V1__TargetStep *steps[] = {&st1, &st2};
    Welfare__Intake__V1__TargetsChanged h = WELFARE__INTAKE__V1__TARGETS_CHANGED__INIT;
    h.dong_code = B;
    h.steps = steps;
    h.n_steps = 2;
    st1.on = "2025-06-01";
    st1.delta = 1;
    st2.on = "2026-02-20";
    st2.delta = -1;
    assert_int_equal(apply(&h.base), 0);
    h.n_steps = 1;
    st1.on = "2026-02-03";
    assert_int_equal(apply(&h.base), 0);
    st1.on = "2026-02-10";
    assert_int_equal(apply(&h.base), 0);
    Welfare__Intake__V1__BlindSpotDiscovered bs = WELFARE__INTAKE__V1__BLIND_SPOT_DISCOVERED__INIT;
    bs.dong_code = B;
    bs.discovered_on = "2026-02-03";
    assert_int_equal(apply(&bs.base), 0);

    Welfare__Case__V1__CaseOpened o = WELFARE__CASE__V1__CASE_OPENED__INIT;
    o.case_id = 7;
    o.dong_code = B;
    o.hub_dong_code = A;
    o.opened_on = "2026-02-03";
    assert_int_equal(apply(&o.base), 0);
    assert_int_equal(apply(&o.base), 0); /* a replay counts nothing */
    Welfare__Case__V1__LinkageCompleted l = WELFARE__CASE__V1__LINKAGE_COMPLETED__INIT;
    l.case_id = 7;
    l.dong_code = B;
    l.completed_on = "2026-02-05";
    assert_int_equal(apply(&l.base), 0);
    Welfare__Routing__V1__VisitCompleted v = WELFARE__ROUTING__V1__VISIT_COMPLETED__INIT;
    v.case_id = 7;
    v.dong_code = B;
    v.visited_on = "2026-02-04";
    assert_int_equal(apply(&v.base), 0);
    Welfare__Case__V1__CaseClosed c = WELFARE__CASE__V1__CASE_CLOSED__INIT;
    c.case_id = 7;
    c.dong_code = B;
    c.closed_on = "2026-03-10";
    assert_int_equal(apply(&c.base), 0);
    Welfare__Registry__V1__ResourceRegistered res = WELFARE__REGISTRY__V1__RESOURCE_REGISTERED__INIT;
    res.dong_code = A;
    res.discovered_on = "2026-02-10";
    res.amount_krw = 250000;
    assert_int_equal(apply(&res.base), 0);
    assert_string_equal(fake_event(0), ""); /* reporting emits nothing */

    Welfare__Reporting__V1__QueryKpi q = WELFARE__REPORTING__V1__QUERY_KPI__INIT;
    Welfare__Reporting__V1__KpiSelection sel = WELFARE__REPORTING__V1__KPI_SELECTION__INIT;
    sel.from_on = "2026-02-01";
    sel.to_on = "2026-02-28";
    q.selection = &sel;
    Welfare__Reporting__V1__QueryKpiReply *r = NULL;
    assert_int_equal(fake_command(command(&welfare__reporting__v1__query_kpi__descriptor), &q.base,
                                  (ProtobufCMessage **)&r),
                     0);
    const Welfare__Reporting__V1__KpiValues *t = r->report->total;
    assert_int_equal(r->report->n_dongs, 2);
    assert_int_equal(r->report->selection->n_dong_codes, 2);
    assert_string_equal(r->report->dongs[1]->name, "남천2동");
    assert_int_equal(t->targets, 2); /* on 28 February */
    assert_int_equal(t->targets_change, 1);
    assert_int_equal(t->visiting_personnel, 2); /* 1 and 3; 2 left in January */
    assert_int_equal(t->visiting_personnel_private, 1);
    assert_int_equal(t->case_households, 1);
    assert_int_equal(t->blind_spots, 1);
    assert_int_equal(t->site_visits, 1);
    assert_int_equal(t->service_linkages, 1);
    assert_int_equal(t->resources_discovered, 1);
    assert_int_equal(t->resource_amount_krw, 250000);
    /* Personnel belong to their hub's dong: A counts its staff, the linked dong B none of them. */
    assert_int_equal(r->report->dongs[0]->values->visiting_personnel, 2);
    assert_int_equal(r->report->dongs[1]->values->visiting_personnel, 0);

    /* Before (January) and after (February) for the sphere dong alone. */
    Welfare__Reporting__V1__CompareKpi cmp = WELFARE__REPORTING__V1__COMPARE_KPI__INIT;
    Welfare__Reporting__V1__KpiSelection before = WELFARE__REPORTING__V1__KPI_SELECTION__INIT, after;
    char *a_and_b[] = {A, B};
    before.dong_codes = a_and_b;
    before.n_dong_codes = 2;
    before.from_on = "2026-01-01";
    before.to_on = "2026-01-31";
    after = before;
    after.from_on = "2026-02-01";
    after.to_on = "2026-02-28";
    cmp.baseline = &before;
    cmp.comparison = &after;
    Welfare__Reporting__V1__CompareKpiReply *cr = NULL;
    assert_int_equal(fake_command(command(&welfare__reporting__v1__compare_kpi__descriptor), &cmp.base,
                                  (ProtobufCMessage **)&cr),
                     0);
    assert_int_equal(cr->baseline->total->visiting_personnel, 3);
    assert_int_equal(cr->comparison->total->visiting_personnel, 2);
    assert_int_equal(cr->difference->visiting_personnel, -1);
    assert_int_equal(cr->difference->site_visits, 1);
    assert_int_equal(cr->baseline->total->targets, 1);
    assert_int_equal(cr->difference->targets, 1);
    assert_int_equal(cr->difference->targets_change, 1);

    Welfare__Reporting__V1__ListDongs ld = WELFARE__REPORTING__V1__LIST_DONGS__INIT;
    Welfare__Reporting__V1__ListDongsReply *lr = NULL;
    assert_int_equal(fake_command(command(&welfare__reporting__v1__list_dongs__descriptor), &ld.base,
                                  (ProtobufCMessage **)&lr),
                     0);
    assert_int_equal(lr->n_dongs, 2);
    assert_int_equal(lr->dongs[1]->hub_type, WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_SPHERE);
    assert_string_equal(lr->dongs[1]->hub_dong_code, A);
    kpi_table_from_events();
}

/* The funnel: a household counts in the channel of its first referral; its stages are the first
 * dates it reached them, whatever order the streams deliver them in; a replay changes nothing. */
static void funnel_follows_households_by_their_first_channel(void **state)
{
    if (!fake.db)
        skip();
    Welfare__Routing__V1__DongDefined d = WELFARE__ROUTING__V1__DONG_DEFINED__INIT;
    d.dong_code = A;
    d.name = "남천1동";
    d.hub_type = WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_BASIC;
    d.hub_dong_code = A;
    assert_int_equal(apply(&d.base), 0);
    /* household 7007: visited (case stream) before intake's referral arrives, then a blind spot, a case
     * visit planned by routing, a started linkage; household 7008: a partner agency's; 7007 reported again by
     * an agency */
    Welfare__Case__V1__HomeVisitRecorded v = WELFARE__CASE__V1__HOME_VISIT_RECORDED__INIT;
    v.home_visit_id = 7001, v.household_id = 7007, v.dong_code = A, v.visited_on = "2026-03-05";
    v.outcome = WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_MET_COUNSELLED;
    assert_int_equal(apply(&v.base), 0);
    Welfare__Intake__V1__ReferralReceived r = WELFARE__INTAKE__V1__REFERRAL_RECEIVED__INIT;
    r.referral_id = 7100, r.household_id = 7007, r.dong_code = A, r.reported_on = "2026-03-02";
    r.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SAFETY_NET;
    assert_int_equal(apply(&r.base), 0);
    assert_int_equal(apply(&r.base), 0);                /* replayed */
    r.referral_id = 7101, r.reported_on = "2026-03-04"; /* the same household again, by an agency */
    r.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_PARTNER_AGENCY;
    assert_int_equal(apply(&r.base), 0);
    r.referral_id = 7102, r.household_id = 7008, r.reported_on = "2026-03-10";
    assert_int_equal(apply(&r.base), 0);
    Welfare__Intake__V1__BlindSpotDiscovered b = WELFARE__INTAKE__V1__BLIND_SPOT_DISCOVERED__INIT;
    b.household_id = 7007, b.referral_id = 7100, b.dong_code = A, b.discovered_on = "2026-03-02";
    assert_int_equal(apply(&b.base), 0);
    Welfare__Case__V1__CaseOpened c = WELFARE__CASE__V1__CASE_OPENED__INIT;
    c.case_id = 7055, c.household_id = 7008, c.dong_code = A, c.hub_dong_code = A, c.opened_on = "2026-03-11";
    assert_int_equal(apply(&c.base), 0);
    Welfare__Case__V1__LinkageCompleted l = WELFARE__CASE__V1__LINKAGE_COMPLETED__INIT;
    l.linkage_id = 7009, l.case_id = 7055, l.dong_code = A, l.completed_on = "2026-04-20"; /* after March */
    assert_int_equal(apply(&l.base), 0);
    Welfare__Registry__V1__ServiceLinkageChanged s = WELFARE__REGISTRY__V1__SERVICE_LINKAGE_CHANGED__INIT;
    s.linkage_id = 7003, s.household_id = 7007, s.dong_code = A, s.changed_on = "2026-03-20";
    s.state = WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_STARTED;
    assert_int_equal(apply(&s.base), 0);

    char *codes[] = {(char *)A};
    reporting_selection march = {codes, 1, "2026-03-01", "2026-03-31"};
    reporting_funnel f;
    const char *field = NULL, *why = NULL;
    assert_int_equal(reporting_build_funnel(fake.db, &march, &f, &field, &why), 0);
    /* safety net: 1 referral, household 7007 (blind spot, visited, linked); agencies: 2 referrals,
     * household 7008 (a case in March; its linkage came in April) */
    int64_t net[] = {1, 1, 1, 1, 0, 1}, agency[] = {2, 1, 0, 0, 1, 0}, total[] = {3, 2, 1, 1, 1, 1};
    for (int k = 0; k < REPORTING_FUNNEL_COLS; k++) {
        assert_int_equal(f.v[WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SAFETY_NET][k], net[k]);
        assert_int_equal(f.v[WELFARE__INTAKE__V1__CHANNEL__CHANNEL_PARTNER_AGENCY][k], agency[k]);
        assert_int_equal(f.total[k], total[k]);
    }
    reporting_selection april = {codes, 1, "2026-03-01", "2026-04-30"};
    assert_int_equal(reporting_build_funnel(fake.db, &april, &f, &field, &why), 0);
    assert_int_equal(f.v[WELFARE__INTAKE__V1__CHANNEL__CHANNEL_PARTNER_AGENCY][REPORTING_FUNNEL_LINKED], 1);
    char *unknown[] = {"9999999999"};
    reporting_selection bad = {unknown, 1, "2026-03-01", "2026-03-31"};
    assert_int_equal(reporting_build_funnel(fake.db, &bad, &f, &field, &why), WH_INVALID_ARGUMENT);
    assert_string_equal(field, "dong_codes");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_query_is_a_query_and_every_stream_is_read),
        cmocka_unit_test(bad_selections_name_the_field),
        cmocka_unit_test(uncountable_events_are_refused),
        cmocka_unit_test(events_to_kpi),
        cmocka_unit_test(funnel_follows_households_by_their_first_channel),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

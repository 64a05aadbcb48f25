/*
 * test_handlers.c — the case service's handlers: every bad input is a typed error naming its field
 * (no database needed), and, when WH_TEST_DB_URL is set, the whole store path against PostgreSQL:
 * cases opened from intake's events (threshold, one open case per household), the assignment rule
 * through the store (lowest caseload, the limit, waiting cases assigned when capacity frees or staff
 * arrive, sphere-type dongs served by their hub's workers), assessments and linkages with the
 * registry's answers, visit outcomes, follow-ups with sealed notes, closing, the queries, and
 * intake's merges (an open case folded into the kept household's or moved to it, back on the
 * unmerge, each once: a replayed merge or unmerge, or one never seen, changes nothing).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "case.h"
#include "fake_ctx.h"
#include "wh/pii.h"

extern const wh_migration case_migrations[];
extern const size_t case_migrations_count;

/* Plain ints: protobuf-c's enum fields take them without conversion warnings. */
#define INCOME    1
#define HEALTH    2
#define HOUSING   3
#define LOW       1
#define MODERATE  2
#define HIGH      3
#define CRITICAL  4
#define OFFICIAL  1
#define NURSE     2
#define MANAGER   3
#define BASIC     1
#define SPHERE    2
#define GOALS_MET 1
#define PHONE     2

static case_settings settings = {.risk_threshold = 50,
                                 .caseload_limit = 2,
                                 .first_visit_days = 7,
                                 .joint_visit_risk = 80,
                                 .notes_sealed = true};

static void expect_failure(wh_command_fn fn, const ProtobufCMessage *m, int status, const char *field)
{
    ProtobufCMessage *reply;
    assert_int_equal(fake_command(fn, m, &reply), status);
    assert_int_equal(fake.status, status);
    assert_string_equal(fake.field, field);
    assert_int_equal(fake.n_events, 0);
}

static void expect_invalid(wh_command_fn fn, const ProtobufCMessage *m, const char *field)
{
    expect_failure(fn, m, WH_INVALID_ARGUMENT, field);
}

/* --- validation, without a database ------------------------------------------------------------ */

static void open_validation(void **state)
{
    (void)state;
    Welfare__Case__V1__OpenCase m = WELFARE__CASE__V1__OPEN_CASE__INIT;
    Welfare__Common__V1__GeoPoint at = WELFARE__COMMON__V1__GEO_POINT__INIT;
    m.dong_code = "H1";
    expect_invalid(case_handle_open_case, &m.base, "household_id");
    m.household_id = 7;
    m.dong_code = "";
    expect_invalid(case_handle_open_case, &m.base, "dong_code");
    m.dong_code = "123456789012345678901234567890123";
    expect_invalid(case_handle_open_case, &m.base, "dong_code");
    m.dong_code = "H1";
    at.latitude = 100.0;
    m.location = &at;
    expect_invalid(case_handle_open_case, &m.base, "location");
    at.latitude = 0.0; /* 0,0 is "unknown", not a place in the district */
    expect_invalid(case_handle_open_case, &m.base, "location");
    m.location = NULL;
    m.risk_score = 101;
    expect_invalid(case_handle_open_case, &m.base, "risk_score");
    m.risk_score = 60;
    m.opened_on = "2026-02-30";
    expect_invalid(case_handle_open_case, &m.base, "opened_on");
}

static void assign_and_close_validation(void **state)
{
    (void)state;
    Welfare__Case__V1__AssignCase a = WELFARE__CASE__V1__ASSIGN_CASE__INIT;
    expect_invalid(case_handle_assign_case, &a.base, "case_id");
    a.case_id = 1;
    a.staff_id = -1;
    expect_invalid(case_handle_assign_case, &a.base, "staff_id");
    a.staff_id = 0;
    a.assigned_on = "tomorrow";
    expect_invalid(case_handle_assign_case, &a.base, "assigned_on");

    Welfare__Case__V1__CloseCase c = WELFARE__CASE__V1__CLOSE_CASE__INIT;
    c.case_id = 1;
    expect_invalid(case_handle_close_case, &c.base, "reason");
    c.reason = 8; /* 7 is UNREACHABLE now */
    expect_invalid(case_handle_close_case, &c.base, "reason");
    c.reason = GOALS_MET;
    c.closed_on = "2026-13-01";
    expect_invalid(case_handle_close_case, &c.base, "closed_on");
    c.closed_on = "";
    c.case_id = 0;
    expect_invalid(case_handle_close_case, &c.base, "case_id");
}

static void assess_validation(void **state)
{
    (void)state;
    Welfare__Case__V1__AssessNeeds m = WELFARE__CASE__V1__ASSESS_NEEDS__INIT;
    Welfare__Case__V1__Need n[9], *needs[9];
    for (int i = 0; i < 9; i++) {
        welfare__case__v1__need__init(&n[i]);
        n[i].domain = i % 8 + 1;
        n[i].severity = MODERATE;
        needs[i] = &n[i];
    }
    m.case_id = 1;
    m.needs = needs;
    expect_invalid(case_handle_assess_needs, &m.base, "needs");
    m.n_needs = 9;
    expect_invalid(case_handle_assess_needs, &m.base, "needs");
    m.n_needs = 2;
    n[0].domain = 0;
    expect_invalid(case_handle_assess_needs, &m.base, "needs.0.domain");
    n[0].domain = 9;
    expect_invalid(case_handle_assess_needs, &m.base, "needs.0.domain");
    n[0].domain = INCOME;
    n[1].severity = 0;
    expect_invalid(case_handle_assess_needs, &m.base, "needs.1.severity");
    n[1].severity = 5;
    expect_invalid(case_handle_assess_needs, &m.base, "needs.1.severity");
    n[1].severity = LOW;
    n[1].domain = INCOME;
    expect_invalid(case_handle_assess_needs, &m.base, "needs.1.domain");
    n[1].domain = HEALTH;
    m.assessed_on = "20260501";
    expect_invalid(case_handle_assess_needs, &m.base, "assessed_on");
    m.assessed_on = NULL;
    m.case_id = 0;
    expect_invalid(case_handle_assess_needs, &m.base, "case_id");

    Welfare__Case__V1__RequestLinkage l = WELFARE__CASE__V1__REQUEST_LINKAGE__INIT;
    l.case_id = 1;
    expect_invalid(case_handle_request_linkage, &l.base, "need");
    l.need = &n[2];
    n[2].domain = 12;
    expect_invalid(case_handle_request_linkage, &l.base, "need.domain");
    n[2].domain = HOUSING;
    n[2].severity = -1;
    expect_invalid(case_handle_request_linkage, &l.base, "need.severity");
    n[2].severity = HIGH;
    l.requested_on = "2026-04-31";
    expect_invalid(case_handle_request_linkage, &l.base, "requested_on");
}

static void visit_validation(void **state)
{
    (void)state;
    Welfare__Case__V1__RequestVisit m = WELFARE__CASE__V1__REQUEST_VISIT__INIT;
    Welfare__Common__V1__StaffRole roles[5] = {OFFICIAL, NURSE, MANAGER, OFFICIAL, NURSE};
    m.case_id = 1;
    m.roles = roles;
    m.n_roles = 5;
    expect_invalid(case_handle_request_visit, &m.base, "roles");
    m.n_roles = 2;
    roles[1] = 7;
    expect_invalid(case_handle_request_visit, &m.base, "roles.1");
    roles[1] = NURSE;
    m.priority = 101;
    expect_invalid(case_handle_request_visit, &m.base, "priority");
    m.priority = 0;
    m.duration_minutes = 481;
    expect_invalid(case_handle_request_visit, &m.base, "duration_minutes");
    m.duration_minutes = -5;
    expect_invalid(case_handle_request_visit, &m.base, "duration_minutes");
    m.duration_minutes = 45;
    m.earliest_on = "2026-05-xx";
    expect_invalid(case_handle_request_visit, &m.base, "earliest_on");
    m.earliest_on = "2026-05-10";
    m.latest_on = "2026-05-09";
    expect_invalid(case_handle_request_visit, &m.base, "latest_on");
    m.latest_on = "";
    m.case_id = 0;
    expect_invalid(case_handle_request_visit, &m.base, "case_id");
}

static void follow_up_validation(void **state)
{
    (void)state;
    static char long_note[CASE_NOTE_MAX + 2];
    memset(long_note, 'a', sizeof long_note - 1);
    Welfare__Case__V1__RecordFollowUp m = WELFARE__CASE__V1__RECORD_FOLLOW_UP__INIT;
    m.case_id = 1;
    expect_invalid(case_handle_record_follow_up, &m.base, "kind");
    m.kind = 5;
    expect_invalid(case_handle_record_follow_up, &m.base, "kind");
    m.kind = PHONE;
    m.note = "\xff\xfe not text";
    expect_invalid(case_handle_record_follow_up, &m.base, "note");
    m.note = long_note;
    expect_invalid(case_handle_record_follow_up, &m.base, "note");
    m.note = "called, all well";
    case_settings no_key = settings;
    no_key.notes_sealed = false;
    fake.state = &no_key;
    expect_failure(case_handle_record_follow_up, &m.base, WH_FAILED_PRECONDITION, "note");
    fake.state = &settings;
    m.recorded_on = "2026-06-01";
    m.next_visit_on = "2026-06-31";
    expect_invalid(case_handle_record_follow_up, &m.base, "next_visit_on");
    m.next_visit_on = "2026-05-31";
    expect_invalid(case_handle_record_follow_up, &m.base, "next_visit_on");
    m.next_visit_on = "";
    m.case_id = -3;
    expect_invalid(case_handle_record_follow_up, &m.base, "case_id");
}

static void query_validation(void **state)
{
    (void)state;
    Welfare__Case__V1__GetCase g = WELFARE__CASE__V1__GET_CASE__INIT;
    expect_invalid(case_handle_get_case, &g.base, "case_id");
    Welfare__Case__V1__ListCases l = WELFARE__CASE__V1__LIST_CASES__INIT;
    l.limit = 1001;
    expect_invalid(case_handle_list_cases, &l.base, "limit");
    l.limit = 0;
    l.after_id = -1;
    expect_invalid(case_handle_list_cases, &l.base, "after_id");
    l.after_id = 0;
    l.status = 3;
    expect_invalid(case_handle_list_cases, &l.base, "status");
    l.status = 0;
    l.staff_id = 4;
    l.unassigned_only = 1;
    expect_invalid(case_handle_list_cases, &l.base, "unassigned_only");
    l.staff_id = -4;
    expect_invalid(case_handle_list_cases, &l.base, "staff_id");
    l.staff_id = 0;
    l.hub_dong_code = "123456789012345678901234567890123";
    expect_invalid(case_handle_list_cases, &l.base, "hub_dong_code");
}

/* Broken events are skipped before the database is touched (a household below the threshold is
 * kept for outreach: the database tests). */
static void events_below_threshold_or_broken(void **state)
{
    (void)state;
    Welfare__Intake__V1__HouseholdIdentified e = WELFARE__INTAKE__V1__HOUSEHOLD_IDENTIFIED__INIT;
    e.dong_code = "H1";
    e.risk_score = 50;
    e.household_id = 0;
    assert_int_equal(case_apply_household_identified(&fake, &e.base), 0);
    e.household_id = 9;
    e.dong_code = "";
    assert_int_equal(case_apply_household_identified(&fake, &e.base), 0);
    assert_int_equal(fake.n_events, 0);
}

/* --- against PostgreSQL ------------------------------------------------------------------------ */

static int db_setup(void **state)
{
    (void)state;
    size_t n;
    const wh_db_statement *all = case_all_statements(&n); /* as service.c prepares them */
    assert_non_null(all);
    int rc = fake_db_setup("casework", case_migrations, case_migrations_count, all, n);
    return rc == -2 ? -1 : 0; /* unset: the tests skip themselves */
}

static int db_teardown(void **state)
{
    (void)state;
    fake_done();
    return 0;
}

static void apply(wh_event_fn fn, const ProtobufCMessage *e, int n_events)
{
    assert_int_equal(fake_event_apply(fn, e), 0);
    assert_int_equal(fake.n_events, n_events);
}

static void dong(const char *code, const char *hub, int type, int n_events)
{
    Welfare__Routing__V1__DongDefined d = WELFARE__ROUTING__V1__DONG_DEFINED__INIT;
    Welfare__Common__V1__GeoPoint c = WELFARE__COMMON__V1__GEO_POINT__INIT;
    c.latitude = 35.15;
    c.longitude = 129.11;
    d.dong_code = (char *)code;
    d.name = (char *)code;
    d.hub_type = type;
    d.hub_dong_code = (char *)hub;
    d.centre = &c;
    apply(case_apply_dong_defined, &d.base, n_events);
}

static void staff(int64_t id, const char *hub, int role, const char *from)
{
    Welfare__Routing__V1__StaffRegistered s = WELFARE__ROUTING__V1__STAFF_REGISTERED__INIT;
    s.staff_id = id;
    s.hub_dong_code = (char *)hub;
    s.role = role;
    s.employment = 1;
    s.active_from = (char *)from;
    apply(case_apply_staff_registered, &s.base, 0);
}

static void identified(int64_t referral, int64_t household, const char *dong_code, int risk, const char *on,
                       int n_events)
{
    Welfare__Intake__V1__HouseholdIdentified e = WELFARE__INTAKE__V1__HOUSEHOLD_IDENTIFIED__INIT;
    Welfare__Common__V1__GeoPoint at = WELFARE__COMMON__V1__GEO_POINT__INIT;
    at.latitude = 35.16;
    at.longitude = 129.12;
    e.referral_id = referral;
    e.household_id = household;
    e.dong_code = (char *)dong_code;
    e.risk_score = risk;
    e.location = &at;
    e.identified_on = (char *)on;
    apply(case_apply_household_identified, &e.base, n_events);
}

static const void *event(int i, const char *type)
{
    assert_true(i < fake.n_events);
    assert_string_equal(fake_event(i), type);
    return fake.events[i];
}

#define OPENED   "welfare.case.v1.CaseOpened"
#define ASSIGNED "welfare.case.v1.CaseAssigned"
#define VISIT    "welfare.case.v1.VisitRequested"
#define LINKAGE  "welfare.case.v1.LinkageRequested"

static void expect_assigned(int i, int64_t case_id, int64_t staff_id, const char *on)
{
    const Welfare__Case__V1__CaseAssigned *a = event(i, ASSIGNED);
    assert_int_equal(a->case_id, case_id);
    assert_int_equal(a->staff_id, staff_id);
    assert_string_equal(a->assigned_on, on);
}

/* Cases of the test, by household 101..105, and household 103's second case. */
static int64_t cases[6], first_visit[6], reopened;

static void open_from_intake(int64_t household, const char *dong_code, int risk, const char *on,
                             int64_t staff_id)
{
    identified(household * 10, household, dong_code, risk, on, staff_id ? 3 : 2);
    const Welfare__Case__V1__CaseOpened *o = event(0, OPENED);
    assert_int_equal(o->household_id, household);
    assert_string_equal(o->dong_code, dong_code);
    assert_string_equal(o->hub_dong_code, "H1");
    assert_int_equal(o->risk_score, risk);
    assert_string_equal(o->opened_on, on);
    cases[household - 100] = o->case_id;
    if (staff_id)
        expect_assigned(1, o->case_id, staff_id, on);
    const Welfare__Case__V1__VisitRequested *v = event(fake.n_events - 1, VISIT);
    first_visit[household - 100] = v->visit_request_id;
    assert_int_equal(v->case_id, o->case_id);
    assert_int_equal(v->household_id, household);
    assert_string_equal(v->hub_dong_code, "H1");
    assert_int_equal(v->priority, risk);
    assert_int_equal(v->duration_minutes, 60);
    assert_string_equal(v->earliest_on, on);
    assert_non_null(v->location);
}

static void setup_district(void)
{
    fake.state = &settings;
    dong("H1", "H1", BASIC, 0);
    dong("S1", "H1", SPHERE, 0);
    dong("H2", "H2", BASIC, 0);
    staff(10, "H1", MANAGER, "2026-01-01");
    staff(11, "H1", OFFICIAL, "2026-01-01");
    staff(12, "H1", NURSE, "2026-01-01");
    staff(13, "H1", MANAGER, "2026-07-01");
    staff(20, "H2", MANAGER, "2026-01-01");
}

/* Threshold, one case per household, lowest caseload, the limit, sphere-type dongs. */
static void opening_and_assignment(void)
{
    ProtobufCMessage *reply;
    identified(1, 101, "S1", 40, "2026-05-01", 0);
    open_from_intake(101, "S1", 60, "2026-05-02", 10); /* sphere dong: H1's workers; tie → lowest id */
    const Welfare__Case__V1__VisitRequested *v = event(2, VISIT);
    assert_int_equal(v->n_roles, 1);
    assert_int_equal(v->roles[0], MANAGER);
    assert_string_equal(v->latest_on, "2026-05-09");
    identified(3, 101, "S1", 70, "2026-05-03", 0); /* a second referral: no second case */
    open_from_intake(102, "H1", 85, "2026-05-03", 11);
    v = event(2, VISIT);
    assert_int_equal(v->n_roles, 2); /* joint with a visiting nurse from risk 80 */
    assert_int_equal(v->roles[0], OFFICIAL);
    assert_int_equal(v->roles[1], NURSE);
    open_from_intake(103, "H1", 55, "2026-05-04", 10);
    open_from_intake(104, "H1", 65, "2026-05-05", 11);
    open_from_intake(105, "H1", 90, "2026-05-10", 0); /* everyone at the limit of 2: it waits */
    v = event(1, VISIT);
    assert_int_equal(v->roles[0], OFFICIAL);
    identified(1050, 105, "H1", 90, "2026-05-10", 0); /* the same event again changes nothing */

    Welfare__Case__V1__OpenCase o = WELFARE__CASE__V1__OPEN_CASE__INIT;
    o.household_id = 105;
    o.dong_code = "H1";
    o.risk_score = 60;
    expect_failure(case_handle_open_case, &o.base, WH_ALREADY_EXISTS, "household_id");
    o.household_id = 200;
    o.dong_code = "X9";
    expect_failure(case_handle_open_case, &o.base, WH_FAILED_PRECONDITION, "dong_code");

    Welfare__Case__V1__AssignCase a = WELFARE__CASE__V1__ASSIGN_CASE__INIT;
    a.case_id = cases[5];
    a.assigned_on = "2026-05-11";
    expect_failure(case_handle_assign_case, &a.base, WH_FAILED_PRECONDITION, "staff_id");
    a.staff_id = 12; /* a nurse carries no cases */
    expect_failure(case_handle_assign_case, &a.base, WH_FAILED_PRECONDITION, "staff_id");
    a.staff_id = 10; /* at the limit */
    expect_failure(case_handle_assign_case, &a.base, WH_FAILED_PRECONDITION, "staff_id");
    a.staff_id = 13; /* not active yet on that date */
    expect_failure(case_handle_assign_case, &a.base, WH_FAILED_PRECONDITION, "staff_id");
    a.case_id = 9999;
    expect_failure(case_handle_assign_case, &a.base, WH_NOT_FOUND, "case_id");
    a.case_id = cases[1];
    a.staff_id = 10; /* its own worker: nothing changes */
    assert_int_equal(fake_command(case_handle_assign_case, &a.base, &reply), 0);
    assert_int_equal(fake.n_events, 0);
    assert_int_equal(((Welfare__Case__V1__AssignCaseReply *)reply)->caseload, 2);
}

/* Closing frees a place: the waiting case gets it, dated by the closing. */
static void closing(void)
{
    ProtobufCMessage *reply;
    Welfare__Case__V1__CloseCase c = WELFARE__CASE__V1__CLOSE_CASE__INIT;
    c.case_id = cases[3];
    c.reason = GOALS_MET;
    c.closed_on = "2026-06-01";
    assert_int_equal(fake_command(case_handle_close_case, &c.base, &reply), 0);
    assert_string_equal(((Welfare__Case__V1__CloseCaseReply *)reply)->closed_on, "2026-06-01");
    assert_int_equal(fake.n_events, 2);
    const Welfare__Case__V1__CaseClosed *e = event(0, "welfare.case.v1.CaseClosed");
    assert_int_equal(e->reason, GOALS_MET);
    assert_string_equal(e->dong_code, "H1");
    expect_assigned(1, cases[5], 10, "2026-06-01");
    expect_failure(case_handle_close_case, &c.base, WH_FAILED_PRECONDITION, "case_id");
    c.case_id = cases[4];
    c.closed_on = "2026-05-01"; /* before it was opened */
    expect_invalid(case_handle_close_case, &c.base, "closed_on");

    /* The event that opened the closed case, delivered again, does not reopen it; nor does a new
     * referral of the household after the closing: it waits for the hub's decision, and the hub opens
     * the new case by hand (waiting for a worker: everyone is full). */
    identified(1030, 103, "H1", 55, "2026-05-04", 0);
    identified(1031, 103, "H1", 60, "2026-06-10", 0);
    Welfare__Case__V1__OpenCase again = WELFARE__CASE__V1__OPEN_CASE__INIT;
    again.household_id = 103;
    again.dong_code = "H1";
    again.risk_score = 60;
    again.opened_on = "2026-06-10";
    assert_int_equal(fake_command(case_handle_open_case, &again.base, &reply), 0);
    assert_int_equal(fake.n_events, 2);
    reopened = ((const Welfare__Case__V1__CaseOpened *)event(0, OPENED))->case_id;
    assert_true(reopened > cases[5]);
}

static int64_t assess(int64_t case_id, const int *domains, const int *severities, size_t n, int n_linkages)
{
    Welfare__Case__V1__AssessNeeds m = WELFARE__CASE__V1__ASSESS_NEEDS__INIT;
    Welfare__Case__V1__Need needs[8], *ptrs[8];
    ProtobufCMessage *reply;
    for (size_t i = 0; i < n; i++) {
        welfare__case__v1__need__init(&needs[i]);
        needs[i].domain = domains[i];
        needs[i].severity = severities[i];
        ptrs[i] = &needs[i];
    }
    m.case_id = case_id;
    m.needs = ptrs;
    m.n_needs = n;
    m.assessed_on = "2026-05-20";
    assert_int_equal(fake_command(case_handle_assess_needs, &m.base, &reply), 0);
    const Welfare__Case__V1__AssessNeedsReply *r = (const void *)reply;
    assert_int_equal(r->n_linkage_ids, n_linkages);
    assert_int_equal(fake.n_events, 1 + n_linkages);
    const Welfare__Case__V1__NeedAssessed *a = event(0, "welfare.case.v1.NeedAssessed");
    assert_int_equal(a->assessment_id, r->assessment_id);
    assert_int_equal(a->n_needs, n);
    return n_linkages ? r->linkage_ids[0] : 0;
}

static void registry_answer(bool reserved, int64_t linkage_id, int n_events)
{
    if (reserved) {
        Welfare__Registry__V1__CapacityReserved e = WELFARE__REGISTRY__V1__CAPACITY_RESERVED__INIT;
        e.linkage_id = linkage_id;
        e.case_id = cases[1];
        e.resource_id = 7;
        e.reservation_id = 70;
        e.reserved_on = "2026-05-20";
        apply(case_apply_capacity_reserved, &e.base, n_events);
    } else {
        Welfare__Registry__V1__MatchFailed e = WELFARE__REGISTRY__V1__MATCH_FAILED__INIT;
        e.linkage_id = linkage_id;
        e.case_id = cases[1];
        e.reason = "every eligible resource ran out of capacity";
        apply(case_apply_match_failed, &e.base, n_events);
    }
}

/* Needs of moderate severity and above are linked once per domain; the registry answers. */
static void assessments_and_linkages(void)
{
    ProtobufCMessage *reply;
    const int d1[] = {INCOME, HEALTH, HOUSING}, s1[] = {HIGH, LOW, MODERATE};
    int64_t income = assess(cases[1], d1, s1, 3, 2);
    const Welfare__Case__V1__LinkageRequested *l = event(2, LINKAGE);
    int64_t housing = l->linkage_id;
    assert_int_equal(l->need->domain, HOUSING);
    assert_string_equal(l->dong_code, "S1");
    assert_string_equal(l->hub_dong_code, "H1");
    assert_string_equal(l->requested_on, "2026-05-20");
    assert_non_null(l->location);
    assert_true(l->location->latitude > 35.0);
    const int d2[] = {INCOME}, s2[] = {CRITICAL};
    assess(cases[1], d2, s2, 1, 0); /* income is being linked already */

    Welfare__Case__V1__RequestLinkage r = WELFARE__CASE__V1__REQUEST_LINKAGE__INIT;
    Welfare__Case__V1__Need need = WELFARE__CASE__V1__NEED__INIT;
    need.domain = INCOME;
    need.severity = HIGH;
    r.case_id = cases[1];
    r.need = &need;
    expect_failure(case_handle_request_linkage, &r.base, WH_ALREADY_EXISTS, "need.domain");
    r.case_id = cases[3];
    expect_failure(case_handle_request_linkage, &r.base, WH_FAILED_PRECONDITION, "case_id"); /* closed */

    registry_answer(true, income, 1);
    const Welfare__Case__V1__LinkageCompleted *done = event(0, "welfare.case.v1.LinkageCompleted");
    assert_int_equal(done->case_id, cases[1]);
    assert_int_equal(done->resource_id, 7);
    assert_string_equal(done->dong_code, "S1");
    assert_string_equal(done->completed_on, "2026-05-20");
    registry_answer(true, income, 0); /* a repeat */
    Welfare__Registry__V1__CapacityReserved again = WELFARE__REGISTRY__V1__CAPACITY_RESERVED__INIT;
    again.linkage_id = income; /* an unmerge's registry taking again the unit a merge's fold released */
    again.case_id = cases[1];
    again.resource_id = 7;
    again.reservation_id = 71;
    again.restores_reservation_id = 70;
    again.reserved_on = "2026-06-01";
    apply(case_apply_capacity_reserved, &again.base, 0); /* no second LinkageCompleted */
    registry_answer(true, 0, 0);                         /* a reservation made by hand */
    registry_answer(true, 9999, 0);                      /* not ours */
    registry_answer(false, housing, 1);
    const Welfare__Case__V1__LinkageFailed *failed = event(0, "welfare.case.v1.LinkageFailed");
    assert_string_equal(failed->reason, "every eligible resource ran out of capacity");
    registry_answer(true, housing, 0); /* answered already */

    need.domain = HOUSING; /* a failed linkage may be tried again */
    r.case_id = cases[1];
    assert_int_equal(fake_command(case_handle_request_linkage, &r.base, &reply), 0);
    assert_int_equal(fake.n_events, 1);
    event(0, LINKAGE);
}

static void visit_outcome(bool completed, int64_t visit_id, int64_t request_id, const char *on)
{
    if (completed) {
        Welfare__Routing__V1__VisitCompleted e = WELFARE__ROUTING__V1__VISIT_COMPLETED__INIT;
        e.visit_id = visit_id;
        e.visit_request_id = request_id;
        e.staff_count = 1;
        e.visited_on = (char *)on;
        apply(case_apply_visit_completed, &e.base, 0);
    } else {
        Welfare__Routing__V1__VisitMissed e = WELFARE__ROUTING__V1__VISIT_MISSED__INIT;
        e.visit_id = visit_id;
        e.visit_request_id = request_id;
        e.reason = 1;
        e.missed_on = (char *)on;
        apply(case_apply_visit_missed, &e.base, 0);
    }
}

static const char note[] = "전화 상담: 난방비 걱정, 다음 주 방문 약속";

static void visits_and_follow_ups(void)
{
    ProtobufCMessage *reply;
    visit_outcome(true, 500, first_visit[1], "2026-05-08");
    visit_outcome(true, 500, first_visit[1], "2026-05-08");
    visit_outcome(false, 501, first_visit[2], "2026-05-06");
    visit_outcome(false, 501, first_visit[2], "2026-05-06"); /* the same miss once */
    visit_outcome(false, 502, 99999, "2026-05-06");          /* a request case does not know */

    Welfare__Case__V1__RecordFollowUp f = WELFARE__CASE__V1__RECORD_FOLLOW_UP__INIT;
    f.case_id = cases[1];
    f.kind = PHONE;
    f.note = (char *)note;
    f.recorded_on = "2026-05-21";
    f.next_visit_on = "2026-06-01";
    assert_int_equal(fake_command(case_handle_record_follow_up, &f.base, &reply), 0);
    assert_true(((Welfare__Case__V1__RecordFollowUpReply *)reply)->visit_request_id > 0);
    assert_int_equal(fake.n_events, 2);
    const Welfare__Case__V1__VisitRequested *v = event(0, VISIT);
    assert_string_equal(v->earliest_on, "2026-06-01");
    assert_string_equal(v->latest_on, "2026-06-15");
    assert_int_equal(v->roles[0], MANAGER);
    event(1, "welfare.case.v1.FollowUpRecorded");

    Welfare__Case__V1__RequestVisit rv = WELFARE__CASE__V1__REQUEST_VISIT__INIT;
    Welfare__Common__V1__StaffRole roles[] = {OFFICIAL, NURSE, 4};
    rv.case_id = cases[2];
    rv.roles = roles;
    rv.n_roles = 3;
    rv.earliest_on = "2026-05-01"; /* before the case opened */
    expect_invalid(case_handle_request_visit, &rv.base, "earliest_on");
    rv.earliest_on = "2026-05-12";
    assert_int_equal(fake_command(case_handle_request_visit, &rv.base, &reply), 0);
    assert_true(((Welfare__Case__V1__RequestVisitReply *)reply)->joint);
    v = event(0, VISIT);
    assert_int_equal(v->n_roles, 3);
    assert_int_equal(v->priority, 85);
    assert_int_equal(v->duration_minutes, 30);
    assert_string_equal(v->latest_on, "2026-05-26");
}

static const Welfare__Case__V1__GetCaseReply *get(int64_t case_id)
{
    Welfare__Case__V1__GetCase g = WELFARE__CASE__V1__GET_CASE__INIT;
    ProtobufCMessage *reply;
    g.case_id = case_id;
    assert_int_equal(fake_command(case_handle_get_case, &g.base, &reply), 0);
    return (const void *)reply;
}

static void history(void)
{
    const Welfare__Case__V1__GetCaseReply *r = get(cases[1]);
    const Welfare__Case__V1__CaseSummary *s = r->summary;
    assert_int_equal(s->status, WELFARE__CASE__V1__CASE_STATUS__CASE_STATUS_OPEN);
    assert_int_equal(s->risk_score, 70);
    assert_int_equal(s->staff_id, 10);
    assert_string_equal(s->hub_dong_code, "H1");
    assert_string_equal(s->last_visit_on, "2026-05-08");
    assert_string_equal(s->closed_on, "");
    assert_int_equal(r->n_assessments, 2);
    assert_int_equal(r->assessments[0]->n_needs, 3);
    assert_int_equal(r->assessments[1]->needs[0]->severity, CRITICAL);
    assert_int_equal(r->n_linkages, 3);
    assert_int_equal(r->linkages[0]->status, WELFARE__CASE__V1__LINKAGE_STATUS__LINKAGE_STATUS_COMPLETED);
    assert_int_equal(r->linkages[0]->reservation_id, 71); /* 70 released by a fold, taken again as 71 */
    assert_int_equal(r->linkages[1]->status, WELFARE__CASE__V1__LINKAGE_STATUS__LINKAGE_STATUS_FAILED);
    assert_int_equal(r->linkages[2]->status, WELFARE__CASE__V1__LINKAGE_STATUS__LINKAGE_STATUS_REQUESTED);
    assert_int_equal(r->n_visits, 2);
    assert_int_equal(r->visits[0]->status, WELFARE__CASE__V1__VISIT_STATUS__VISIT_STATUS_COMPLETED);
    assert_int_equal(r->visits[0]->purpose, WELFARE__CASE__V1__VISIT_PURPOSE__VISIT_PURPOSE_FIRST);
    assert_string_equal(r->visits[0]->visited_on, "2026-05-08");
    assert_int_equal(r->visits[1]->purpose, WELFARE__CASE__V1__VISIT_PURPOSE__VISIT_PURPOSE_FOLLOW_UP);
    assert_int_equal(r->n_follow_ups, 1);
    assert_string_equal(r->follow_ups[0]->note, note);
    assert_int_equal(r->n_assignments, 1);
    assert_string_equal(r->assignments[0]->ended_on, "");

    r = get(cases[2]);
    assert_int_equal(r->visits[0]->misses, 1);
    assert_int_equal(r->visits[0]->status, WELFARE__CASE__V1__VISIT_STATUS__VISIT_STATUS_REQUESTED);
    r = get(cases[3]);
    assert_int_equal(r->summary->status, WELFARE__CASE__V1__CASE_STATUS__CASE_STATUS_CLOSED);
    assert_int_equal(r->summary->close_reason, GOALS_MET);
    assert_string_equal(r->assignments[0]->ended_on, "2026-06-01");

    /* The note is stored sealed, never in clear. */
    PGresult *q =
        PQexec(wh_db_conn(fake.db), "SELECT count(*) FROM casework.follow_up WHERE note_sealed <> '' "
                                    "AND strpos(note_sealed, '난방비') = 0");
    assert_string_equal(PQgetvalue(q, 0, 0), "1");
    PQclear(q);
    Welfare__Case__V1__GetCase g = WELFARE__CASE__V1__GET_CASE__INIT;
    g.case_id = 9999;
    expect_failure(case_handle_get_case, &g.base, WH_NOT_FOUND, "case_id");
}

/* A worker who leaves hands their cases to the others; one who arrives takes waiting cases. */
static void staff_changes(void)
{
    Welfare__Routing__V1__StaffDeactivated d = WELFARE__ROUTING__V1__STAFF_DEACTIVATED__INIT;
    d.staff_id = 11;
    d.hub_dong_code = "H1";
    d.active_until = "2026-06-30";
    apply(case_apply_staff_deactivated, &d.base, 2);
    /* On 07-01 worker 10 is full (cases 1 and 5); 13 has just arrived: highest risk first, so the
     * reopened case (risk 60) still waits. */
    expect_assigned(0, cases[2], 13, "2026-07-01");
    expect_assigned(1, cases[4], 13, "2026-07-01");
    const Welfare__Case__V1__GetCaseReply *r = get(cases[2]);
    assert_int_equal(r->n_assignments, 2);
    assert_int_equal(r->assignments[0]->staff_id, 11);
    assert_string_equal(r->assignments[0]->ended_on, "2026-07-01");
    assert_int_equal(r->assignments[1]->staff_id, 13);
    d.staff_id = 999; /* unknown: skipped */
    apply(case_apply_staff_deactivated, &d.base, 0);
}

static size_t list(const char *dong_code, const char *hub, int status, int64_t staff_id, bool unassigned,
                   int limit, int64_t *next)
{
    Welfare__Case__V1__ListCases l = WELFARE__CASE__V1__LIST_CASES__INIT;
    ProtobufCMessage *reply;
    l.dong_code = (char *)dong_code;
    l.hub_dong_code = (char *)hub;
    l.status = status;
    l.staff_id = staff_id;
    l.unassigned_only = unassigned;
    l.limit = limit;
    assert_int_equal(fake_command(case_handle_list_cases, &l.base, &reply), 0);
    const Welfare__Case__V1__ListCasesReply *r = (const void *)reply;
    if (next)
        *next = r->next_after_id;
    return r->n_cases;
}

static void queries(void)
{
    int64_t next;
    assert_int_equal(list("", "H1", 1, 0, false, 0, NULL), 5);
    assert_int_equal(list("", "", 2, 0, false, 0, NULL), 1);
    assert_int_equal(list("", "", 0, 13, false, 0, NULL), 2);
    assert_int_equal(list("", "", 0, 0, true, 0, NULL), 1);
    assert_int_equal(list("S1", "", 0, 0, false, 0, NULL), 1);
    assert_int_equal(list("", "", 0, 0, false, 2, &next), 2);
    assert_int_equal(next, cases[2]);
    assert_int_equal(list("", "", 0, 0, false, 100, &next), 6);
    assert_int_equal(next, 0);
    assert_int_equal(list("", "", 0, 0, false, 6, &next), 6); /* exactly a page: nothing follows */
    assert_int_equal(next, 0);
}

/* A sphere-type dong moved to another hub: its open cases go to that hub's workers, and the place
 * freed at the old hub goes to its waiting case. */
static void dong_moves_hub(void)
{
    dong("S1", "H2", SPHERE, 2);
    const Welfare__Case__V1__CaseAssigned *a = event(0, ASSIGNED);
    assert_int_equal(a->case_id, cases[1]);
    assert_int_equal(a->staff_id, 20);
    a = event(1, ASSIGNED);
    assert_int_equal(a->case_id, reopened);
    assert_int_equal(a->staff_id, 10);
    const Welfare__Case__V1__GetCaseReply *r = get(cases[1]);
    assert_string_equal(r->summary->hub_dong_code, "H2");
    assert_int_equal(r->summary->staff_id, 20);
    dong("S1", "H2", SPHERE, 0); /* the same definition again */
}

/* --- intake's merges: an open case folded or moved, once per merge, and back ----------------- */

static int64_t open_case_of(int64_t household)
{
    char q[128];
    snprintf(q, sizeof q,
             "SELECT COALESCE(max(id), 0) FROM cases WHERE household_id = %lld AND status = 'open'",
             (long long)household);
    PGresult *r = PQexec(wh_db_conn(fake.db), q);
    int64_t id = wh_db_i64(r, 0, 0, -1);
    PQclear(r);
    return id;
}

static void merged(int64_t merge_id, int64_t keep, int64_t other, int n_events)
{
    Welfare__Intake__V1__HouseholdsMerged m = WELFARE__INTAKE__V1__HOUSEHOLDS_MERGED__INIT;
    m.merge_id = merge_id;
    m.household_id = keep;
    m.merged_household_id = other;
    m.dong_code = m.merged_dong_code = "H2";
    m.risk_score = 60;
    m.merged_on = "2026-09-01";
    assert_int_equal(fake_event_apply(case_apply_households_merged, &m.base), 0);
    if (n_events >= 0)
        assert_int_equal(fake.n_events, n_events);
}

static void unmerged(int64_t merge_id, int64_t keep, int64_t other, int n_events)
{
    Welfare__Intake__V1__HouseholdsUnmerged u = WELFARE__INTAKE__V1__HOUSEHOLDS_UNMERGED__INIT;
    u.merge_id = merge_id;
    u.household_id = keep;
    u.restored_household_id = other;
    u.dong_code = u.restored_dong_code = "H2";
    u.risk_score = u.restored_risk_score = 60;
    u.unmerged_on = "2026-09-02";
    assert_int_equal(fake_event_apply(case_apply_households_unmerged, &u.base), 0);
    if (n_events >= 0)
        assert_int_equal(fake.n_events, n_events);
}

static void merges(void)
{
    for (int64_t h = 301; h <= 304; h++) {
        Welfare__Intake__V1__HouseholdIdentified e = WELFARE__INTAKE__V1__HOUSEHOLD_IDENTIFIED__INIT;
        e.referral_id = h * 10;
        e.household_id = h;
        e.dong_code = "H2";
        e.risk_score = h == 303 ? 10 : 60; /* 303 has no case */
        e.identified_on = "2026-08-01";
        assert_int_equal(fake_event_apply(case_apply_household_identified, &e.base), 0);
    }
    int64_t c301 = open_case_of(301), c302 = open_case_of(302), c304 = open_case_of(304);
    assert_true(c301 > 0 && c302 > 0 && c304 > 0);
    assert_int_equal(open_case_of(303), 0);

    /* 302 into 301, both with a case: 302's is closed as merged, folded into 301's */
    merged(1, 301, 302, -1);
    const Welfare__Case__V1__CaseClosed *closed = event(0, "welfare.case.v1.CaseClosed");
    assert_int_equal(closed->case_id, c302);
    assert_int_equal(closed->reason, WELFARE__CASE__V1__CLOSE_REASON__CLOSE_REASON_MERGED);
    assert_string_equal(closed->closed_on, "2026-09-01");
    assert_int_equal(open_case_of(302), 0);
    merged(1, 301, 302, 0); /* a replay changes nothing */
    /* 304 into 303, which has none: the case moves */
    merged(2, 303, 304, 1);
    const Welfare__Case__V1__CaseMoved *moved = event(0, "welfare.case.v1.CaseMoved");
    assert_int_equal(moved->case_id, c304);
    assert_int_equal(moved->household_id, 303);
    assert_int_equal(moved->from_household_id, 304);
    assert_int_equal(moved->merge_id, 2);
    assert_int_equal(open_case_of(303), c304);
    merged(2, 303, 304, 0);

    /* the unmerges bring both back, once */
    unmerged(1, 301, 302, -1);
    const Welfare__Case__V1__CaseReopened *re = event(0, "welfare.case.v1.CaseReopened");
    assert_int_equal(re->case_id, c302);
    assert_int_equal(re->household_id, 302);
    assert_string_equal(re->opened_on, "2026-08-01");
    assert_int_equal(open_case_of(302), c302);
    unmerged(1, 301, 302, 0);
    unmerged(2, 303, 304, 1);
    moved = event(0, "welfare.case.v1.CaseMoved");
    assert_int_equal(moved->household_id, 304);
    assert_int_equal(moved->from_household_id, 303);
    assert_int_equal(open_case_of(304), c304);
    assert_int_equal(open_case_of(303), 0);
    unmerged(2, 303, 304, 0);
    unmerged(99, 301, 302, 0); /* a merge case never saw: nothing */
    assert_int_equal(open_case_of(301), c301);
}

static void store_flow(void **state)
{
    (void)state;
    if (!fake.db)
        skip();
    setup_district();
    opening_and_assignment();
    closing();
    assessments_and_linkages();
    visits_and_follow_ups();
    history();
    staff_changes();
    queries();
    dong_moves_hub();
    merges();
}

int main(void)
{
    static const unsigned char key[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                          17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
    if (wh_pii_init_key(key) < 0)
        return 1;
    fake.state = &settings;
    const struct CMUnitTest validation[] = {
        cmocka_unit_test(open_validation),
        cmocka_unit_test(assign_and_close_validation),
        cmocka_unit_test(assess_validation),
        cmocka_unit_test(visit_validation),
        cmocka_unit_test(follow_up_validation),
        cmocka_unit_test(query_validation),
        cmocka_unit_test(events_below_threshold_or_broken),
    };
    const struct CMUnitTest store[] = {
        cmocka_unit_test(store_flow),
    };
    int failed = cmocka_run_group_tests_name("case validation", validation, NULL, NULL);
    failed += cmocka_run_group_tests_name("case store", store, db_setup, db_teardown);
    fake_done();
    wh_pii_shutdown();
    return failed;
}

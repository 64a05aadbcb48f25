/*
 * test_outreach.c — outreach to households that are not cases, over the real bus and PostgreSQL.
 *
 *   routing   a basic-type hub dong A, two welfare officials and a visiting nurse (from 2016-01-01)
 *   registry  a private provider and three resources in A: R1 (capacity 1, discovered 2016-03-01),
 *             R2 (discovered 2016-06-01, after the linkages' dates), R3 (capacity 1)
 *   intake    H1 and H2 at low risk (no case), H3 at high risk (a case)
 *   H1        visited three times: a planned visit missed (PlanDay + RecordVisitOutcome, its details
 *             added by RecordHomeVisit without counting twice), an unplanned visit not at home, an
 *             unplanned joint visit met and counselled with needs and a follow-up; linked to a public
 *             programme (requested → started) and to R1 (requested → accepted → started → ended):
 *             R1's capacity is reserved (a second request on it is refused, changing nothing) and given
 *             back; R2 is refused for its date
 *   H2        three failed attempts in a row (WH_CASE_UNREACHABLE_ATTEMPTS = 3): HouseholdEscalated, the
 *             hub's queue, its pending planned visit dropped in routing
 *   H3        a case whose first visit is pending and which holds R3: CloseCase drops the visit in
 *             routing and gives R3's unit back; a re-report after closing opens no case by itself
 *   intake    H1's public-programme linkage, started, enrolled its person (the roster's hub decision)
 *             … and the hub's decision opens a new case linked to the old one (ListReReferrals)
 *   H4        a case with a goal of its plan (note sealed) and a visiting nurse on its team, whose
 *             household is escalated after three refusals: closed as unreachable
 *   reporting QueryKpi for A in April 2016: exactly 1 site visit, 2 service linkages, 1 target
 *
 * Dongs "70…" of this run, persons 3400–3409.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"
#include "welfare/case/v1/commands.pb-c.h"
#include "welfare/registry/v1/commands.pb-c.h"
#include "welfare/routing/v1/commands.pb-c.h"
#include "wh/status.h"

#define ROLE(x)    WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_##x
#define OUTCOME(x) WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_##x
#define STATE(x)   WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_##x
#define DOMAIN(x)  WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_##x
#define PERSON     3400

static struct {
    char a[11];
    whc *intake, *kase, *registry, *routing;
    int64_t h1, h2, h3, case_h3, r1, r2, r3;
} sc;

/* --- the district ----------------------------------------------------------------------------- */

static void set_up_routing(void)
{
    itest_dong_define_as(sc.a, "Itest outreach hub", WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_BASIC, sc.a,
                         35.150, 129.110);
    const int roles[] = {ROLE(WELFARE_OFFICIAL), ROLE(WELFARE_OFFICIAL), ROLE(VISITING_NURSE)};
    for (int i = 0; i < 3; i++) {
        Welfare__Routing__V1__RegisterStaff s = WELFARE__ROUTING__V1__REGISTER_STAFF__INIT;
        char name[48];
        snprintf(name, sizeof name, "Itest Outreach %d", i);
        s.name = name;
        s.role = roles[i];
        s.employment = WELFARE__COMMON__V1__EMPLOYMENT__EMPLOYMENT_PUBLIC;
        s.hub_dong_code = sc.a;
        s.shift_start_minute = 9 * 60;
        s.shift_end_minute = 18 * 60;
        s.active_from = "2016-01-01";
        protobuf_c_message_free_unpacked(
            itest_call(sc.routing, &s.base, &welfare__routing__v1__register_staff_reply__descriptor), NULL);
    }
}

static int64_t resource(int64_t provider, int capacity, const char *on, const char *title)
{
    Welfare__Registry__V1__RegisterResource q = WELFARE__REGISTRY__V1__REGISTER_RESOURCE__INIT;
    q.provider_id = provider;
    q.domain = DOMAIN(CARE);
    q.kind = WELFARE__REGISTRY__V1__RESOURCE_KIND__RESOURCE_KIND_SERVICE;
    q.dong_code = sc.a;
    q.capacity = capacity;
    q.discovered_on = (char *)on;
    q.title = (char *)title;
    Welfare__Registry__V1__RegisterResourceReply *r =
        (void *)itest_call(sc.registry, &q.base, &welfare__registry__v1__register_resource_reply__descriptor);
    int64_t id = r->resource_id;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    return id;
}

static void set_up_registry(void)
{
    Welfare__Registry__V1__RegisterProvider p = WELFARE__REGISTRY__V1__REGISTER_PROVIDER__INIT;
    char name[80];
    snprintf(name, sizeof name, "Itest Outreach Church %s", itest_run_id());
    p.name = name;
    p.kind = WELFARE__REGISTRY__V1__PROVIDER_KIND__PROVIDER_KIND_PRIVATE;
    p.dong_code = sc.a;
    Welfare__Registry__V1__RegisterProviderReply *r =
        (void *)itest_call(sc.registry, &p.base, &welfare__registry__v1__register_provider_reply__descriptor);
    int64_t provider = r->provider_id;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    sc.r1 = resource(provider, 1, "2016-03-01", "meals delivered");
    sc.r2 = resource(provider, 5, "2016-06-01", "summer cooling fans");
    sc.r3 = resource(provider, 1, "2016-03-01", "home help");
}

static int64_t refer(int household, int risk, const char *on)
{
    itest_referral r;
    itest_referral_init(&r, sc.a, household, PERSON + household, 1, risk, on);
    Welfare__Intake__V1__SubmitReferralReply *reply = itest_submit(sc.intake, &r);
    int64_t id = reply->household_id;
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return id;
}

static void set_up_households(void)
{
    sc.h1 = refer(1, ITEST_RISK_LOW, "2016-04-01");
    sc.h2 = refer(2, ITEST_RISK_LOW, "2016-04-01");
    sc.h3 = refer(3, ITEST_RISK_HIGH, "2016-04-01");
    /* every identified household is known to case and to the registry, case or not */
    const char *in = "SELECT count(*) FROM casework.household WHERE household_id IN ($1, $2, $3)";
    assert_int_equal(itest_wait_i64_params(3, 30, in, itest_id_text(sc.h1), itest_id_text(sc.h2),
                                           itest_id_text(sc.h3), NULL),
                     3);
    in = "SELECT count(*) FROM registry.household WHERE household_id IN ($1, $2, $3)";
    assert_int_equal(itest_wait_i64_params(3, 30, in, itest_id_text(sc.h1), itest_id_text(sc.h2),
                                           itest_id_text(sc.h3), NULL),
                     3);
    sc.case_h3 = itest_wait_i64_params(1, 30, "SELECT count(*) FROM casework.cases WHERE household_id = $1",
                                       itest_id_text(sc.h3), NULL);
    assert_int_equal(sc.case_h3, 1);
    sc.case_h3 =
        itest_sql_i64("SELECT id FROM casework.cases WHERE household_id = $1", itest_id_text(sc.h3), NULL);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM casework.cases WHERE household_id IN ($1, $2)",
                                   itest_id_text(sc.h1), itest_id_text(sc.h2), NULL),
                     0);
}

/* --- visits ----------------------------------------------------------------------------------- */

static int64_t request_visit(int64_t household, const char *on)
{
    Welfare__Case__V1__RequestHomeVisit q = WELFARE__CASE__V1__REQUEST_HOME_VISIT__INIT;
    q.household_id = household;
    q.earliest_on = (char *)on;
    q.window_start_minute = 14 * 60; /* "after 14:00" */
    q.window_end_minute = 18 * 60;
    Welfare__Case__V1__RequestHomeVisitReply *r =
        (void *)itest_call(sc.kase, &q.base, &welfare__case__v1__request_home_visit_reply__descriptor);
    int64_t id = r->visit_request_id;
    assert_int_equal(r->case_id, 0);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM routing.visit_request WHERE id = $1 AND "
                                           "case_id = 0 AND window_start_minute = 840",
                                           itest_id_text(id), NULL),
                     1);
    return id;
}

static Welfare__Case__V1__RecordHomeVisitReply *record(int64_t household, int64_t visit_id, const char *on,
                                                       int outcome, Welfare__Case__V1__Need **needs,
                                                       size_t n_needs, const char *follow_up_on)
{
    Welfare__Case__V1__RecordHomeVisit q = WELFARE__CASE__V1__RECORD_HOME_VISIT__INIT;
    Welfare__Common__V1__StaffRole roles[] = {ROLE(WELFARE_OFFICIAL), ROLE(VISITING_NURSE)};
    q.household_id = household;
    q.visit_id = visit_id;
    q.visited_on = (char *)on;
    q.roles = roles;
    q.n_roles = outcome == OUTCOME(MET_COUNSELLED) ? 2 : 1; /* a joint visit is one visit */
    q.outcome = outcome;
    q.needs_observed = needs;
    q.n_needs_observed = n_needs;
    q.follow_up_on = (char *)(follow_up_on ? follow_up_on : "");
    return (void *)itest_call(sc.kase, &q.base, &welfare__case__v1__record_home_visit_reply__descriptor);
}

static void planned_visit_missed(void)
{
    int64_t request = request_visit(sc.h1, "2016-04-04");
    Welfare__Routing__V1__PlanDay p = WELFARE__ROUTING__V1__PLAN_DAY__INIT;
    p.hub_dong_code = sc.a;
    p.date = "2016-04-04";
    protobuf_c_message_free_unpacked(
        itest_call(sc.routing, &p.base, &welfare__routing__v1__plan_day_reply__descriptor), NULL);
    int64_t visit = itest_sql_i64("SELECT id FROM routing.visit WHERE visit_request_id = $1",
                                  itest_id_text(request), NULL);
    assert_true(visit > 0);
    /* details before routing reported the outcome: an outcome without a visit */
    Welfare__Case__V1__RecordHomeVisit q = WELFARE__CASE__V1__RECORD_HOME_VISIT__INIT;
    q.household_id = sc.h1;
    q.visit_id = visit;
    q.outcome = OUTCOME(NOT_AT_HOME);
    itest_expect_error(sc.kase, &q.base, &welfare__case__v1__record_home_visit_reply__descriptor,
                       WH_NOT_FOUND, "visit_id");

    Welfare__Routing__V1__RecordVisitOutcome o = WELFARE__ROUTING__V1__RECORD_VISIT_OUTCOME__INIT;
    o.visit_id = visit;
    o.outcome = WELFARE__ROUTING__V1__VISIT_OUTCOME__VISIT_OUTCOME_MISSED;
    o.miss_reason = WELFARE__ROUTING__V1__MISS_REASON__MISS_REASON_NOBODY_HOME;
    protobuf_c_message_free_unpacked(
        itest_call(sc.routing, &o.base, &welfare__routing__v1__record_visit_outcome_reply__descriptor), NULL);
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT failed_attempts FROM casework.household WHERE "
                                           "household_id = $1",
                                           itest_id_text(sc.h1), NULL),
                     1);
    /* its details: no second attempt, no count; then the same again is ALREADY_EXISTS */
    Welfare__Case__V1__RecordHomeVisitReply *r =
        record(sc.h1, visit, "", OUTCOME(NOT_AT_HOME), NULL, 0, NULL);
    assert_int_equal(r->failed_attempts, 1);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    itest_expect_error(sc.kase, &q.base, &welfare__case__v1__record_home_visit_reply__descriptor,
                       WH_ALREADY_EXISTS, "visit_id");
    Welfare__Common__V1__StaffRole role = ROLE(WELFARE_OFFICIAL);
    q.roles = &role;
    q.n_roles = 1;
    q.visit_id = 0;
    q.household_id = 987654321987;
    itest_expect_error(sc.kase, &q.base, &welfare__case__v1__record_home_visit_reply__descriptor,
                       WH_NOT_FOUND, "household_id");
}

static void visits_of_h1(void)
{
    planned_visit_missed();
    Welfare__Case__V1__RecordHomeVisitReply *r =
        record(sc.h1, 0, "2016-04-06", OUTCOME(NOT_AT_HOME), NULL, 0, NULL);
    assert_int_equal(r->failed_attempts, 2);
    assert_false(r->escalated);
    protobuf_c_message_free_unpacked(&r->base, NULL);

    Welfare__Case__V1__Need n1 = WELFARE__CASE__V1__NEED__INIT, n2 = WELFARE__CASE__V1__NEED__INIT;
    n1.domain = DOMAIN(CARE);
    n1.severity = WELFARE__COMMON__V1__SEVERITY__SEVERITY_HIGH;
    n2.domain = DOMAIN(INCOME);
    n2.severity = WELFARE__COMMON__V1__SEVERITY__SEVERITY_MODERATE;
    Welfare__Case__V1__Need *needs[] = {&n1, &n2};
    r = record(sc.h1, 0, "2016-04-08", OUTCOME(MET_COUNSELLED), needs, 2, "2016-05-08");
    assert_int_equal(r->failed_attempts, 0);
    assert_true(r->visit_request_id > 0); /* the follow-up visit */
    protobuf_c_message_free_unpacked(&r->base, NULL);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM casework.home_visit WHERE household_id = $1",
                                   itest_id_text(sc.h1), NULL),
                     3);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM casework.home_visit WHERE household_id = $1 AND "
                                   "cardinality(need_domains) = 2 AND roles = '{1,2}'",
                                   itest_id_text(sc.h1), NULL),
                     1);
    /* a visit in the future is refused and changes nothing */
    Welfare__Case__V1__RecordHomeVisit q = WELFARE__CASE__V1__RECORD_HOME_VISIT__INIT;
    Welfare__Common__V1__StaffRole role = ROLE(WELFARE_OFFICIAL);
    q.household_id = sc.h1;
    q.visited_on = "2099-01-01";
    q.roles = &role;
    q.n_roles = 1;
    q.outcome = OUTCOME(MET_COUNSELLED);
    itest_expect_error(sc.kase, &q.base, &welfare__case__v1__record_home_visit_reply__descriptor,
                       WH_INVALID_ARGUMENT, "visited_on");
}

static void escalation_of_h2(void)
{
    int64_t request = request_visit(sc.h2, "2016-04-20");
    const char *days[] = {"2016-04-05", "2016-04-06", "2016-04-07"};
    for (int i = 0; i < 3; i++) {
        Welfare__Case__V1__RecordHomeVisitReply *r =
            record(sc.h2, 0, days[i], OUTCOME(NOT_AT_HOME), NULL, 0, NULL);
        assert_int_equal(r->failed_attempts, i + 1);
        assert_int_equal(r->escalated, i == 2);
        protobuf_c_message_free_unpacked(&r->base, NULL);
    }
    Welfare__Case__V1__ListEscalations q = WELFARE__CASE__V1__LIST_ESCALATIONS__INIT;
    q.hub_dong_code = sc.a;
    Welfare__Case__V1__ListEscalationsReply *r =
        (void *)itest_call(sc.kase, &q.base, &welfare__case__v1__list_escalations_reply__descriptor);
    assert_int_equal(r->n_escalations, 1);
    assert_int_equal(r->escalations[0]->household_id, sc.h2);
    assert_string_equal(r->escalations[0]->escalated_on, "2016-04-07");
    assert_int_equal(r->escalations[0]->failed_attempts, 3);
    protobuf_c_message_free_unpacked(&r->base, NULL);
    /* not retried forever: its pending visit leaves routing's plans */
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM routing.visit_request WHERE id = $1 AND "
                                           "status = 'dropped' AND dropped_reason = 'unreachable'",
                                           itest_id_text(request), NULL),
                     1);
}

/* --- linkages --------------------------------------------------------------------------------- */

static int64_t request_linkage(int64_t household, int64_t case_id, int kind, int64_t resource_id,
                               const char *on, int64_t *reservation)
{
    Welfare__Registry__V1__RequestServiceLinkage q = WELFARE__REGISTRY__V1__REQUEST_SERVICE_LINKAGE__INIT;
    q.household_id = household;
    q.case_id = case_id;
    q.kind = kind;
    q.resource_id = resource_id;
    q.programme = resource_id ? 0 : WELFARE__REGISTRY__V1__PUBLIC_PROGRAMME__PUBLIC_PROGRAMME_NBLS_LIVING;
    q.domain = resource_id ? DOMAIN(CARE) : DOMAIN(INCOME);
    q.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SAFETY_NET;
    q.requested_on = (char *)on;
    Welfare__Registry__V1__RequestServiceLinkageReply *r = (void *)itest_call(
        sc.registry, &q.base, &welfare__registry__v1__request_service_linkage_reply__descriptor);
    int64_t id = r->linkage_id;
    if (reservation)
        *reservation = r->reservation_id;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    return id;
}

static void change(int64_t linkage, int state, int outcome, const char *on)
{
    Welfare__Registry__V1__ChangeServiceLinkage q = WELFARE__REGISTRY__V1__CHANGE_SERVICE_LINKAGE__INIT;
    q.linkage_id = linkage;
    q.state = state;
    q.outcome = outcome;
    q.changed_on = (char *)on;
    protobuf_c_message_free_unpacked(
        itest_call(sc.registry, &q.base, &welfare__registry__v1__change_service_linkage_reply__descriptor),
        NULL);
}

static int64_t remaining(int64_t resource_id)
{
    return itest_sql_i64("SELECT remaining FROM registry.resource WHERE id = $1", itest_id_text(resource_id),
                         NULL);
}

static void linkages_of_h1(void)
{
    const int PUBLIC = WELFARE__REGISTRY__V1__LINKAGE_KIND__LINKAGE_KIND_PUBLIC_PROGRAMME;
    const int RESOURCE = WELFARE__REGISTRY__V1__LINKAGE_KIND__LINKAGE_KIND_RESOURCE;
    int64_t pub = request_linkage(sc.h1, 0, PUBLIC, 0, "2016-04-08", NULL);
    change(pub, STATE(STARTED), 0, "2016-04-10");
    /* the started public programme is the roster's enrolment of H1's person, from that date */
    char from[32];
    snprintf(from, sizeof from, "linkage:%lld", (long long)pub);
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM intake.enrolment WHERE decided_from = $1 "
                                           "AND programme = 'nbls_living' AND start_on = '2016-04-10'",
                                           from, NULL),
                     1);

    int64_t reservation;
    int64_t res = request_linkage(sc.h1, 0, RESOURCE, sc.r1, "2016-04-09", &reservation);
    assert_true(reservation > 0);
    assert_int_equal(remaining(sc.r1), 0);
    /* R1 is full: refused, nothing changes */
    int64_t before = itest_sql_i64("SELECT count(*) FROM registry.service_linkage", NULL);
    Welfare__Registry__V1__RequestServiceLinkage q = WELFARE__REGISTRY__V1__REQUEST_SERVICE_LINKAGE__INIT;
    q.household_id = sc.h2;
    q.kind = RESOURCE;
    q.resource_id = sc.r1;
    q.domain = DOMAIN(CARE);
    q.requested_on = "2016-04-09";
    itest_expect_error(sc.registry, &q.base,
                       &welfare__registry__v1__request_service_linkage_reply__descriptor,
                       WH_FAILED_PRECONDITION, "resource_id");
    /* R2 did not exist yet on the linkage's date */
    q.resource_id = sc.r2;
    itest_expect_error(sc.registry, &q.base,
                       &welfare__registry__v1__request_service_linkage_reply__descriptor, WH_INVALID_ARGUMENT,
                       "requested_on");
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM registry.service_linkage", NULL), before);
    assert_int_equal(remaining(sc.r2), 5);

    change(res, STATE(ACCEPTED), 0, "2016-04-10");
    change(res, STATE(STARTED), 0, "2016-04-11");
    Welfare__Registry__V1__ChangeServiceLinkage again = WELFARE__REGISTRY__V1__CHANGE_SERVICE_LINKAGE__INIT;
    again.linkage_id = res;
    again.state = STATE(STARTED);
    itest_expect_error(sc.registry, &again.base,
                       &welfare__registry__v1__change_service_linkage_reply__descriptor,
                       WH_FAILED_PRECONDITION, "state");
    assert_int_equal(remaining(sc.r1), 0);
    change(res, STATE(ENDED), WELFARE__REGISTRY__V1__LINKAGE_OUTCOME__LINKAGE_OUTCOME_COMPLETED,
           "2016-04-30");
    assert_int_equal(remaining(sc.r1), 1); /* given back */
    assert_int_equal(
        itest_sql_i64("SELECT count(*) FROM registry.reservation WHERE id = $1 AND released_on = "
                      "'2016-04-30'",
                      itest_id_text(reservation), NULL),
        1);
}

/* A closed case: its pending first visit is dropped, its resource given back, a re-report opens nothing. */
static void case_closed(void)
{
    /* its first visit was placed on 4 April by the PlanDay above: after the closing below */
    int64_t first = itest_wait_i64_params(1, 30,
                                          "SELECT count(*) FROM routing.visit_request WHERE case_id = $1 "
                                          "AND status = 'scheduled'",
                                          itest_id_text(sc.case_h3), NULL);
    assert_int_equal(first, 1);
    request_linkage(sc.h3, sc.case_h3, WELFARE__REGISTRY__V1__LINKAGE_KIND__LINKAGE_KIND_RESOURCE, sc.r3,
                    "2016-04-02", NULL);
    assert_int_equal(remaining(sc.r3), 0);
    Welfare__Case__V1__CloseCase c = WELFARE__CASE__V1__CLOSE_CASE__INIT;
    c.case_id = sc.case_h3;
    c.reason = WELFARE__CASE__V1__CLOSE_REASON__CLOSE_REASON_UNREACHABLE; /* never escalated: refused */
    c.closed_on = "2016-04-03";
    itest_expect_error(sc.kase, &c.base, &welfare__case__v1__close_case_reply__descriptor,
                       WH_FAILED_PRECONDITION, "reason");
    c.reason = WELFARE__CASE__V1__CLOSE_REASON__CLOSE_REASON_DECLINED;
    c.closed_on = "2016-04-03";
    protobuf_c_message_free_unpacked(
        itest_call(sc.kase, &c.base, &welfare__case__v1__close_case_reply__descriptor), NULL);
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM routing.visit_request WHERE case_id = $1 "
                                           "AND status = 'dropped'",
                                           itest_id_text(sc.case_h3), NULL),
                     1);
    assert_int_equal(
        itest_sql_i64("SELECT count(*) FROM routing.visit v JOIN routing.visit_request r ON r.id = "
                      "v.visit_request_id WHERE r.case_id = $1 AND v.status = 'dropped'",
                      itest_id_text(sc.case_h3), NULL),
        1);
    assert_int_equal(itest_wait_i64_params(1, 30, "SELECT remaining FROM registry.resource WHERE id = $1",
                                           itest_id_text(sc.r3), NULL),
                     1);
    refer(3, ITEST_RISK_HIGH, "2016-04-15");
    assert_true(itest_wait_caught_up("casework", "intake", 30));
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM casework.cases WHERE household_id = $1",
                                   itest_id_text(sc.h3), NULL),
                     1);
    /* it waits in the hub's queue; the hub's decision opens a case linked to the old one */
    Welfare__Case__V1__ListReReferrals q = WELFARE__CASE__V1__LIST_RE_REFERRALS__INIT;
    q.hub_dong_code = sc.a;
    Welfare__Case__V1__ListReReferralsReply *w =
        (void *)itest_call(sc.kase, &q.base, &welfare__case__v1__list_re_referrals_reply__descriptor);
    assert_int_equal(w->n_households, 1);
    assert_int_equal(w->households[0]->household_id, sc.h3);
    assert_int_equal(w->households[0]->previous_case_id, sc.case_h3);
    assert_string_equal(w->households[0]->waiting_since, "2016-04-15");
    protobuf_c_message_free_unpacked(&w->base, NULL);
    Welfare__Case__V1__OpenCase o = WELFARE__CASE__V1__OPEN_CASE__INIT;
    o.household_id = sc.h3;
    o.dong_code = sc.a;
    o.risk_score = 64;
    o.opened_on = "2016-04-16";
    Welfare__Case__V1__OpenCaseReply *opened =
        (void *)itest_call(sc.kase, &o.base, &welfare__case__v1__open_case_reply__descriptor);
    assert_int_equal(itest_sql_i64("SELECT previous_case_id FROM casework.cases WHERE id = $1",
                                   itest_id_text(opened->case_id), NULL),
                     sc.case_h3);
    protobuf_c_message_free_unpacked(&opened->base, NULL);
    w = (void *)itest_call(sc.kase, &q.base, &welfare__case__v1__list_re_referrals_reply__descriptor);
    assert_int_equal(w->n_households, 0);
    protobuf_c_message_free_unpacked(&w->base, NULL);
}

/* A case's household escalated after three misses: the escalation closes the case as unreachable. */
static void case_unreachable(void)
{
    int64_t h4 = refer(4, ITEST_RISK_HIGH, "2016-04-01");
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM casework.cases WHERE household_id = $1 AND "
                                           "status = 'open'",
                                           itest_id_text(h4), NULL),
                     1);
    int64_t case_h4 =
        itest_sql_i64("SELECT id FROM casework.cases WHERE household_id = $1", itest_id_text(h4), NULL);
    /* case depth first: a goal of the plan, the visiting nurse on the team */
    Welfare__Case__V1__SetCaseGoal g = WELFARE__CASE__V1__SET_CASE_GOAL__INIT;
    g.case_id = case_h4;
    g.domain = DOMAIN(CARE);
    g.status = WELFARE__CASE__V1__GOAL_STATUS__GOAL_STATUS_OPEN;
    g.target_on = "2016-06-30";
    g.note = "방문요양 연계, 주 3회";
    g.set_on = "2016-04-05";
    protobuf_c_message_free_unpacked(
        itest_call(sc.kase, &g.base, &welfare__case__v1__set_case_goal_reply__descriptor), NULL);
    g.target_on = "2016-04-01"; /* before set_on: refused */
    itest_expect_error(sc.kase, &g.base, &welfare__case__v1__set_case_goal_reply__descriptor,
                       WH_INVALID_ARGUMENT, "target_on");
    Welfare__Case__V1__SetCaseTeamMember t = WELFARE__CASE__V1__SET_CASE_TEAM_MEMBER__INIT;
    t.case_id = case_h4;
    t.staff_id =
        itest_sql_i64("SELECT id FROM routing.staff WHERE hub_dong_code = $1 AND role = 2", sc.a, NULL);
    t.role = ROLE(VISITING_NURSE);
    t.active = true;
    t.on = "2016-04-05";
    Welfare__Case__V1__SetCaseTeamMemberReply *tr =
        (void *)itest_call(sc.kase, &t.base, &welfare__case__v1__set_case_team_member_reply__descriptor);
    assert_int_equal(tr->team_size, 1);
    protobuf_c_message_free_unpacked(&tr->base, NULL);
    t.staff_id = 987654321;
    itest_expect_error(sc.kase, &t.base, &welfare__case__v1__set_case_team_member_reply__descriptor,
                       WH_FAILED_PRECONDITION, "staff_id");
    Welfare__Case__V1__GetCase q = WELFARE__CASE__V1__GET_CASE__INIT;
    q.case_id = case_h4;
    Welfare__Case__V1__GetCaseReply *got =
        (void *)itest_call(sc.kase, &q.base, &welfare__case__v1__get_case_reply__descriptor);
    assert_int_equal(got->n_goals, 1);
    assert_string_equal(got->goals[0]->note,
                        "방문요양 연계, 주 3회"); /* sealed at rest, opened for the reader */
    assert_string_equal(got->goals[0]->target_on, "2016-06-30");
    assert_int_equal(got->n_team, 1);
    assert_int_equal(got->team[0]->role, ROLE(VISITING_NURSE));
    protobuf_c_message_free_unpacked(&got->base, NULL);
    assert_int_equal(
        itest_sql_i64("SELECT count(*) FROM casework.case_goal WHERE case_id = $1 AND note_sealed "
                      "NOT LIKE '%방문%'",
                      itest_id_text(case_h4), NULL),
        1);
    const char *days[] = {"2016-04-11", "2016-04-12", "2016-04-13"};
    for (int i = 0; i < 3; i++)
        protobuf_c_message_free_unpacked(&record(h4, 0, days[i], OUTCOME(REFUSED), NULL, 0, NULL)->base,
                                         NULL);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM casework.cases WHERE household_id = $1 AND status = "
                                   "'closed' AND close_reason = 7 AND closed_on = '2016-04-13'",
                                   itest_id_text(h4), NULL),
                     1);
}

/* --- the KPI ---------------------------------------------------------------------------------- */

static void kpi(void)
{
    const char *dongs[] = {sc.a};
    itest_kpi want, got;
    assert_true(itest_wait_caught_up("reporting", "intake", 30));
    assert_int_equal(itest_kpi_query(dongs, 1, "2016-04-01", "2016-04-30", &want), 0);
    want.site_visits = 1; /* H1's counselling; misses are not site visits */
    want.linkages = 2;    /* H1's public programme and R1, when they started */
    want.resources = 0;   /* discovered in March and June */
    want.blind_spots = 4;
    want.case_households = 3; /* H3's two cases (1–3 April, from 16 April), H4's (1–13 April) */
    want.personnel = 3;
    want.personnel_private = 0;
    /* targets: H1's person, enrolled in the programme its public linkage started (10 April) */
    want.targets = 1;
    want.targets_change = 1;
    if (!itest_kpi_wait(dongs, 1, "2016-04-01", "2016-04-30", &want, 30, &got))
        itest_kpi_assert_equal(&want, &got);
    itest_kpi_assert_equal(&want, &got);
    /* the follow-up of May is not in April, nor is anything in March */
    assert_int_equal(itest_kpi_query(dongs, 1, "2016-03-01", "2016-03-31", &got), 0);
    assert_int_equal(got.site_visits + got.linkages, 0);
    assert_int_equal(got.resources, 2);
}

static void outreach(void **state)
{
    (void)state;
    snprintf(sc.a, sizeof sc.a, "70%08lld", (long long)itest_run_number());
    sc.intake = itest_client("intake");
    sc.kase = itest_client("case");
    sc.registry = itest_client("registry");
    sc.routing = itest_client("routing");
    set_up_routing();
    set_up_registry();
    set_up_households();
    visits_of_h1();
    escalation_of_h2();
    linkages_of_h1();
    case_closed();
    case_unreachable();
    kpi();
    whc_close(&sc.intake);
    whc_close(&sc.kase);
    whc_close(&sc.registry);
    whc_close(&sc.routing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(outreach)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

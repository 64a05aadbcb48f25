/*
 * test_safety_net.c — the safety net: the affiliation table and the check-in rule (pure), the checks
 * of a RegisterMember, and — with WH_TEST_DB_URL — the commands against real PostgreSQL: a member
 * registered (name sealed, no name in the event), a member's referral, a watch refused to a member of
 * another team, check-ins (a second not-seen and a concern become referrals, a seen-well resets the
 * count), credits for a selection and a case opened (once each, to the first reporting member), the
 * tally per member and per team, and the typed errors that change nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "db_fixture.h"
#include "dongs_fixture.h"
#include "fake_ctx.h"
#include "roster.h"
#include "safety_net.h"

#include "welfare/case/v1/events.pb-c.h"

extern const wh_migration intake_migrations[];
extern const size_t intake_migrations_count;

#define DONG     "2650051000"
#define VISITING WELFARE__INTAKE__V1__SAFETY_NET_TEAM__SAFETY_NET_TEAM_VISITING_AND_CHECKING
#define FINDING  WELFARE__INTAKE__V1__SAFETY_NET_TEAM__SAFETY_NET_TEAM_DISCOVERY
#define SEEN     WELFARE__INTAKE__V1__CHECK_IN_OUTCOME__CHECK_IN_OUTCOME_SEEN_WELL
#define CONCERN  WELFARE__INTAKE__V1__CHECK_IN_OUTCOME__CHECK_IN_OUTCOME_CONCERN
#define NOT_SEEN WELFARE__INTAKE__V1__CHECK_IN_OUTCOME__CHECK_IN_OUTCOME_NOT_SEEN

static void member_init(Welfare__Intake__V1__RegisterMember *m, int team, const char *affiliation)
{
    welfare__intake__v1__register_member__init(m);
    m->dong_code = DONG;
    m->team = team;
    m->affiliation = (char *)affiliation;
    m->name = "박순자";
    m->phone = "010-2345-6789";
    m->active_from = "2016-01-01";
}

static void expect_member_error(const Welfare__Intake__V1__RegisterMember *m, const char *field)
{
    char phone[INTAKE_PHONE_DIGITS + 1];
    intake_error err;
    assert_int_equal(intake_validate_member(m, phone, &err), WH_INVALID_ARGUMENT);
    assert_string_equal(err.field, field);
}

static void the_table_and_the_rule(void **state)
{
    (void)state;
    assert_non_null(intake_affiliation_find("village_foreman"));
    assert_string_equal(intake_affiliation_find("womens_society")->name_ko, "부녀회");
    assert_null(intake_affiliation_find("astronaut"));
    assert_null(intake_affiliation_find(NULL));
    assert_false(intake_team_valid(0));
    assert_false(intake_team_valid(4));
    assert_true(intake_check_in_refers(CONCERN, 0));
    assert_false(intake_check_in_refers(SEEN, 0));
    assert_false(intake_check_in_refers(NOT_SEEN, 1));
    assert_true(intake_check_in_refers(NOT_SEEN, 2));
    assert_true(intake_check_in_refers(NOT_SEEN, 5));
}

static void member_checks(void **state)
{
    (void)state;
    Welfare__Intake__V1__RegisterMember m;
    char phone[INTAKE_PHONE_DIGITS + 1];
    intake_error err;
    member_init(&m, VISITING, "village_foreman");
    assert_int_equal(intake_validate_member(&m, phone, &err), 0);
    assert_string_equal(phone, "01023456789");
    m.team = 9; /* a member of an unknown team */
    expect_member_error(&m, "team");
    member_init(&m, VISITING, "astronaut");
    expect_member_error(&m, "affiliation");
    member_init(&m, VISITING, "shop");
    m.dong_code = "26500";
    expect_member_error(&m, "dong_code");
    member_init(&m, VISITING, "shop");
    m.name = "";
    expect_member_error(&m, "name");
    member_init(&m, VISITING, "shop");
    m.phone = "call me";
    expect_member_error(&m, "phone");
    member_init(&m, VISITING, "shop");
    m.active_until = "2015-12-31";
    expect_member_error(&m, "active_until");
    member_init(&m, VISITING, "shop");
    m.active_from = "2016-02-30";
    expect_member_error(&m, "active_from");
}

/* --- against PostgreSQL ----------------------------------------------------------------------- */

static int db_setup(void **state)
{
    (void)state;
    static const unsigned char key[32] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3,
                                          2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5};
    return intake_test_db_open("intake_safety_net_test", key);
}

static int db_teardown(void **state)
{
    (void)state;
    return intake_test_db_close();
}

static int n_events(const char *type)
{
    int n = 0;
    for (int i = 0; i < fake.n_events; i++)
        n += strcmp(fake_event(i), type) == 0;
    return n;
}

static const Welfare__Intake__V1__RegisterMemberReply *register_member(int team, const char *affiliation)
{
    Welfare__Intake__V1__RegisterMember m;
    member_init(&m, team, affiliation);
    ProtobufCMessage *reply = NULL;
    assert_int_equal(fake_command(intake_handle_register_member, &m.base, &reply), 0);
    assert_int_equal(n_events("welfare.intake.v1.MemberRegistered"), 1);
    return (const void *)reply;
}

/* A member's report of a person (with a resident number until issue 16's fuzzy matching lands). */
static int64_t report(int64_t reporter_id, const char *rrn, const char *address, const char *on)
{
    Welfare__Intake__V1__SubmitReferral s = WELFARE__INTAKE__V1__SUBMIT_REFERRAL__INIT;
    Welfare__Intake__V1__ReferredHousehold h = WELFARE__INTAKE__V1__REFERRED_HOUSEHOLD__INIT;
    Welfare__Intake__V1__ReferredPerson p = WELFARE__INTAKE__V1__REFERRED_PERSON__INIT, *pp = &p;
    h.address = (char *)address;
    h.dong_code = DONG;
    p.rrn = (char *)rrn;
    p.name = "김말순";
    s.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SAFETY_NET;
    s.reporter_id = reporter_id;
    s.household = &h;
    s.persons = &pp;
    s.n_persons = 1;
    s.reported_on = (char *)on;
    ProtobufCMessage *reply = NULL;
    assert_int_equal(fake_command(intake_handle_submit_referral, &s.base, &reply), 0);
    return ((const Welfare__Intake__V1__SubmitReferralReply *)reply)->household_id;
}

static int64_t finder, finder_reporter, visitor, visitor_reporter, household, watch;

static void members_report_and_are_sealed(void **state)
{
    (void)state;
    if (!fake.db)
        skip();
    const Welfare__Intake__V1__RegisterMemberReply *a = register_member(FINDING, "delivery");
    finder = a->member_id;
    finder_reporter = a->reporter_id;
    const Welfare__Intake__V1__MemberRegistered *ev = (const void *)fake.events[0];
    assert_string_equal(ev->affiliation, "delivery");
    assert_int_equal(ev->team, FINDING);
    const Welfare__Intake__V1__RegisterMemberReply *b = register_member(VISITING, "village_foreman");
    visitor = b->member_id;
    visitor_reporter = b->reporter_id;
    assert_true(finder > 0 && visitor > finder && visitor_reporter != finder_reporter);
    assert_int_equal(
        intake_test_count("SELECT count(*) FROM safety_net_member WHERE name_sealed LIKE '%박순자%' "
                          "OR phone_sealed LIKE '%2345%'"),
        0);
    assert_int_equal(
        intake_test_count("SELECT count(*) FROM reporter WHERE channel = 1 AND name NOT LIKE '%박%'"), 2);

    household = report(finder_reporter, "550315-2234564", "수영로 12", "2016-03-02");
    assert_true(household > 0);
    report(visitor_reporter, "550315-2234564", "수영로 12", "2016-03-05"); /* the same household again */
}

static void a_watch_and_its_check_ins(void **state)
{
    (void)state;
    if (!fake.db)
        skip();
    Welfare__Intake__V1__AssignWatch a = WELFARE__INTAKE__V1__ASSIGN_WATCH__INIT;
    ProtobufCMessage *reply = NULL;
    a.member_id = finder; /* discovery team: not theirs to do */
    a.household_id = household;
    a.every_days = 7;
    a.from_on = "2016-03-07";
    assert_int_equal(fake_command(intake_handle_assign_watch, &a.base, &reply), WH_FAILED_PRECONDITION);
    assert_string_equal(fake.field, "member_id");
    a.member_id = 999999;
    assert_int_equal(fake_command(intake_handle_assign_watch, &a.base, &reply), WH_NOT_FOUND);
    a.member_id = visitor;
    a.household_id = 999999;
    assert_int_equal(fake_command(intake_handle_assign_watch, &a.base, &reply), WH_NOT_FOUND);
    a.household_id = household;
    a.every_days = 0;
    assert_int_equal(fake_command(intake_handle_assign_watch, &a.base, &reply), WH_INVALID_ARGUMENT);
    a.every_days = 7;
    a.from_on = "2015-12-01"; /* before the member was active */
    assert_int_equal(fake_command(intake_handle_assign_watch, &a.base, &reply), WH_FAILED_PRECONDITION);
    assert_int_equal(intake_test_count("SELECT count(*) FROM safety_net_watch"), 0);
    a.from_on = "2016-03-07";
    assert_int_equal(fake_command(intake_handle_assign_watch, &a.base, &reply), 0);
    watch = ((const Welfare__Intake__V1__AssignWatchReply *)reply)->watch_id;
    assert_string_equal(((const Welfare__Intake__V1__AssignWatchReply *)reply)->next_due_on, "2016-03-07");

    struct {
        int outcome;
        const char *on;
        int in_a_row;
        bool refers;
        const char *next;
    } steps[] = {
        {SEEN, "2016-03-07", 0, false, "2016-03-14"},     {NOT_SEEN, "2016-03-14", 1, false, "2016-03-21"},
        {NOT_SEEN, "2016-03-21", 2, true, "2016-03-28"},  {SEEN, "2016-03-28", 0, false, "2016-04-04"},
        {NOT_SEEN, "2016-04-04", 1, false, "2016-04-11"}, {CONCERN, "2016-04-11", 0, true, "2016-04-18"},
    };
    int64_t referrals = intake_test_count("SELECT count(*) FROM referral");
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        Welfare__Intake__V1__RecordCheckIn c = WELFARE__INTAKE__V1__RECORD_CHECK_IN__INIT;
        c.watch_id = watch;
        c.outcome = steps[i].outcome;
        c.checked_on = (char *)steps[i].on;
        c.concern = steps[i].outcome == CONCERN ? "난방이 끊겼고 식사를 거르신다" : "";
        assert_int_equal(fake_command(intake_handle_record_check_in, &c.base, &reply), 0);
        const Welfare__Intake__V1__RecordCheckInReply *r = (const void *)reply;
        assert_int_equal(r->consecutive_not_seen, steps[i].in_a_row);
        assert_int_equal(r->referral_id != 0, steps[i].refers);
        assert_string_equal(r->next_due_on, steps[i].next);
        assert_int_equal(n_events("welfare.intake.v1.CheckInRecorded"), 1);
        assert_int_equal(n_events("welfare.intake.v1.ReferralReceived"), steps[i].refers);
        assert_int_equal(n_events("welfare.intake.v1.HouseholdIdentified"), steps[i].refers);
        referrals += steps[i].refers;
        assert_int_equal(intake_test_count("SELECT count(*) FROM referral"), referrals);
    }
    assert_int_equal(intake_test_count("SELECT count(*) FROM referral WHERE concern_sealed LIKE '%난방%'"),
                     0);
    assert_int_equal(
        intake_test_count("SELECT referral_count FROM household WHERE id = (SELECT household_id FROM "
                          "safety_net_watch)"),
        4);

    /* bad input changes nothing */
    Welfare__Intake__V1__RecordCheckIn c = WELFARE__INTAKE__V1__RECORD_CHECK_IN__INIT;
    c.watch_id = watch;
    c.checked_on = "2016-04-18";
    assert_int_equal(fake_command(intake_handle_record_check_in, &c.base, &reply), WH_INVALID_ARGUMENT);
    assert_string_equal(fake.field, "outcome");
    c.outcome = SEEN;
    c.checked_on = "2016-03-01"; /* before the watch */
    assert_int_equal(fake_command(intake_handle_record_check_in, &c.base, &reply), WH_FAILED_PRECONDITION);
    c.checked_on = "2999-01-01";
    assert_int_equal(fake_command(intake_handle_record_check_in, &c.base, &reply), WH_INVALID_ARGUMENT);
    c.watch_id = 424242;
    c.checked_on = "2016-04-18";
    assert_int_equal(fake_command(intake_handle_record_check_in, &c.base, &reply), WH_NOT_FOUND);
    assert_int_equal(intake_test_count("SELECT count(*) FROM safety_net_check_in"), 6);
}

static void credits_go_to_the_first_reporter_once(void **state)
{
    (void)state;
    if (!fake.db)
        skip();
    Welfare__Intake__V1__SelectForPublicAid s = WELFARE__INTAKE__V1__SELECT_FOR_PUBLIC_AID__INIT;
    s.household_id = household;
    s.programme = "basic_pension";
    s.start_on = "2016-04-20";
    s.decided_from = "visit:812";
    ProtobufCMessage *reply = NULL;
    assert_int_equal(fake_command(intake_handle_select_for_aid, &s.base, &reply), 0);
    assert_int_equal(n_events("welfare.intake.v1.MemberCredited"), 1);
    const Welfare__Intake__V1__MemberCredited *mc = NULL;
    for (int i = 0; i < fake.n_events; i++)
        if (strcmp(fake_event(i), "welfare.intake.v1.MemberCredited") == 0)
            mc = (const void *)fake.events[i];
    assert_int_equal(mc->member_id, finder); /* the delivery worker reported it first */
    assert_int_equal(mc->kind, WELFARE__INTAKE__V1__MEMBER_CREDIT_KIND__MEMBER_CREDIT_KIND_SELECTED_FOR_AID);
    assert_string_equal(mc->source, "visit:812");
    s.programme = "nbls_medical"; /* another selection: credited once per household */
    assert_int_equal(fake_command(intake_handle_select_for_aid, &s.base, &reply), 0);
    assert_int_equal(n_events("welfare.intake.v1.MemberCredited"), 0);

    Welfare__Case__V1__CaseOpened co = WELFARE__CASE__V1__CASE_OPENED__INIT;
    co.case_id = 77;
    co.household_id = household;
    co.dong_code = DONG;
    co.opened_on = "2016-04-21";
    assert_int_equal(fake_event_apply(intake_apply_case_opened, &co.base), 0);
    assert_int_equal(n_events("welfare.intake.v1.MemberCredited"), 1);
    assert_int_equal(fake_event_apply(intake_apply_case_opened, &co.base), 0); /* redelivered */
    assert_int_equal(n_events("welfare.intake.v1.MemberCredited"), 0);

    int64_t other = report(0, "8001011234560", "광안로 3", "2016-04-01"); /* no member reported it */
    co.household_id = other;
    co.case_id = 78;
    assert_int_equal(fake_event_apply(intake_apply_case_opened, &co.base), 0);
    assert_int_equal(fake.n_events, 0);
    assert_int_equal(intake_test_count("SELECT count(*) FROM safety_net_credit"), 2);
}

static void the_tally(void **state)
{
    (void)state;
    if (!fake.db)
        skip();
    Welfare__Intake__V1__GetSafetyNetTally q = WELFARE__INTAKE__V1__GET_SAFETY_NET_TALLY__INIT;
    ProtobufCMessage *reply = NULL;
    assert_int_equal(fake_command(intake_handle_safety_net_tally, &q.base, &reply), 0);
    const Welfare__Intake__V1__GetSafetyNetTallyReply *r = (const void *)reply;
    assert_int_equal(r->n_members, 2);
    const Welfare__Intake__V1__MemberTally *f = r->members[0], *v = r->members[1];
    assert_int_equal(f->member_id, finder);
    assert_int_equal(f->referrals, 1);
    assert_int_equal(f->households_reported, 1);
    assert_int_equal(f->households_discovered, 1);
    assert_int_equal(f->selected_for_aid, 1);
    assert_int_equal(f->cases_opened, 1);
    assert_int_equal(v->referrals, 3); /* its report and two check-ins */
    assert_int_equal(v->households_reported, 1);
    assert_int_equal(v->households_discovered, 0);
    assert_int_equal(v->check_ins, 6);
    assert_int_equal(v->watches, 1);
    assert_int_equal(v->selected_for_aid + v->cases_opened, 0);
    assert_int_equal(r->n_teams, 2);
    assert_int_equal(r->teams[0]->team, FINDING);
    assert_int_equal(r->teams[1]->team, VISITING);
    assert_int_equal(r->teams[1]->check_ins, 6);

    q.team = VISITING;
    assert_int_equal(fake_command(intake_handle_safety_net_tally, &q.base, &reply), 0);
    assert_int_equal(((const Welfare__Intake__V1__GetSafetyNetTallyReply *)reply)->n_members, 1);
    q.team = 7;
    assert_int_equal(fake_command(intake_handle_safety_net_tally, &q.base, &reply), WH_INVALID_ARGUMENT);
    q.team = 0;
    q.dong_code = "265";
    assert_int_equal(fake_command(intake_handle_safety_net_tally, &q.base, &reply), WH_INVALID_ARGUMENT);

    Welfare__Intake__V1__RegisterMember m;
    member_init(&m, 5, "resident"); /* an unknown team: nothing stored */
    assert_int_equal(fake_command(intake_handle_register_member, &m.base, &reply), WH_INVALID_ARGUMENT);
    assert_string_equal(fake.field, "team");
    assert_int_equal(intake_test_count("SELECT count(*) FROM safety_net_member"), 2);
    assert_int_equal(intake_test_count("SELECT count(*) FROM reporter"), 2);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(the_table_and_the_rule),
        cmocka_unit_test(member_checks),
    };
    const struct CMUnitTest db[] = {
        cmocka_unit_test(members_report_and_are_sealed),
        cmocka_unit_test(a_watch_and_its_check_ins),
        cmocka_unit_test(credits_go_to_the_first_reporter_once),
        cmocka_unit_test(the_tally),
    };
    int failed = cmocka_run_group_tests_name("safety_net", pure, NULL, NULL);
    return failed + cmocka_run_group_tests_name("safety_net_db", db, db_setup, db_teardown);
}

/*
 * test_tie_decision.c — DecideTie against PostgreSQL (WH_TEST_DB_URL; skipped without it): a tie
 * raised by a neighbour's report of 정상철 (born about 1950) in a household holding two men of that
 * name born 1949 and 1951 is stored (person_tie); DecideTie's typed errors change nothing (a missing
 * field, an unknown referral, a referral without a tie, a person not among the tied); the operator's
 * "the same as the second" is recorded once (TieDecided; again: already_decided, no event; another
 * decision: FAILED_PRECONDITION) and from then on the same reading — alone and as rows of a block —
 * is recognised as that person and raises no tie.  A second household's tie decided "a new person"
 * adds them from the referral's prepared values, and the same reading then raises no tie and adds no
 * one.  Without the decision as an input of the rule (resolve.c), every later reading ties again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "db_fixture.h"
#include "fake_ctx.h"
#include "intake.h"

#define SAFETY_NET 1
#define MALE       WELFARE__INTAKE__V1__SEX__SEX_MALE
#define SAME       WELFARE__INTAKE__V1__TIE_DECISION__TIE_DECISION_SAME_PERSON
#define NEW        WELFARE__INTAKE__V1__TIE_DECISION__TIE_DECISION_NEW_PERSON

static int db_setup(void **state)
{
    (void)state;
    static const unsigned char key[32] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4,
                                          3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8};
    return intake_test_db_open("intake_test_ties", key);
}

static int db_teardown(void **state)
{
    (void)state;
    return intake_test_db_close();
}

static int64_t value(const char *sql)
{
    PGresult *r = PQexec(wh_db_conn(fake.db), sql);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    int64_t n = wh_db_i64(r, 0, 0, -1);
    PQclear(r);
    return n;
}

/* A referral of men named name at address, born in the given years, no numbers. */
typedef struct report {
    Welfare__Intake__V1__SubmitReferral m;
    Welfare__Intake__V1__ReferredHousehold h;
    Welfare__Intake__V1__ReferredPerson p[2], *ptr[2];
} report;

static Welfare__Intake__V1__SubmitReferral *report_of(report *r, const char *name, const char *address,
                                                      const int *years, size_t n)
{
    welfare__intake__v1__submit_referral__init(&r->m);
    welfare__intake__v1__referred_household__init(&r->h);
    r->h.address = (char *)address;
    r->h.dong_code = "2650051000";
    for (size_t i = 0; i < n; i++) {
        welfare__intake__v1__referred_person__init(&r->p[i]);
        r->p[i].name = (char *)name;
        r->p[i].sex = MALE;
        r->p[i].birth_year = years[i];
        r->ptr[i] = &r->p[i];
    }
    r->m.channel = SAFETY_NET;
    r->m.household = &r->h;
    r->m.persons = r->ptr;
    r->m.n_persons = n;
    r->m.reported_on = "2026-06-01";
    return &r->m;
}

static const Welfare__Intake__V1__SubmitReferralReply *submit(const Welfare__Intake__V1__SubmitReferral *m)
{
    ProtobufCMessage *reply = NULL;
    assert_int_equal(fake_command(intake_handle_submit_referral, &m->base, &reply), 0);
    assert_non_null(reply);
    return (const void *)reply;
}

/* The events of the last command named type. */
static int events_named(const char *type)
{
    int n = 0;
    for (int i = 0; i < fake.n_events; i++)
        n += strcmp(fake_event(i), type) == 0;
    return n;
}

static const ProtobufCMessage *event_named(const char *type)
{
    for (int i = 0; i < fake.n_events; i++)
        if (strcmp(fake_event(i), type) == 0)
            return fake.events[i];
    fail_msg("no %s", type);
    return NULL;
}

static void expect_fail(const Welfare__Intake__V1__DecideTie *d, int status, const char *field)
{
    int64_t ties = value("SELECT count(*) FROM person_tie WHERE decision <> 0");
    ProtobufCMessage *reply;
    assert_int_equal(fake_command(intake_handle_decide_tie, &d->base, &reply), status);
    assert_string_equal(fake.field, field);
    assert_int_equal(fake.n_events, 0);
    assert_int_equal(value("SELECT count(*) FROM person_tie WHERE decision <> 0"), ties);
}

static const Welfare__Intake__V1__DecideTieReply *decide(int64_t referral_id, int decision, int64_t person_id)
{
    Welfare__Intake__V1__DecideTie d = WELFARE__INTAKE__V1__DECIDE_TIE__INIT;
    d.referral_id = referral_id;
    d.decision = decision;
    d.person_id = person_id;
    ProtobufCMessage *reply = NULL;
    assert_int_equal(fake_command(intake_handle_decide_tie, &d.base, &reply), 0);
    return (const void *)reply;
}

/* Two relatives 1949 and 1951 filed at address, then a neighbour's "born 1950": the tie's referral,
 * the household and the two persons tied (by id). */
static int64_t raise_tie(const char *name, const char *address, int64_t *household, int64_t tied[2])
{
    static const int relatives[] = {1949, 1951}, neighbour[] = {1950};
    report a, b;
    const Welfare__Intake__V1__SubmitReferralReply *ra = submit(report_of(&a, name, address, relatives, 2));
    assert_int_equal(ra->persons_added, 2);
    *household = ra->household_id;
    const Welfare__Intake__V1__SubmitReferralReply *rb = submit(report_of(&b, name, address, neighbour, 1));
    assert_int_equal(rb->household_id, *household);
    assert_int_equal(rb->persons_added, 0);
    const Welfare__Intake__V1__DuplicateSuspected *s =
        (const void *)event_named("welfare.intake.v1.DuplicateSuspected");
    assert_int_equal(s->referral_id, rb->referral_id);
    assert_int_equal(s->n_tied, 2);
    tied[0] = s->tied[0]->person_id;
    tied[1] = s->tied[1]->person_id;
    return rb->referral_id;
}

/* The neighbour's reading again, alone: recognised, no tie, no one added. */
static void reading_resolves(const char *name, const char *address, int64_t household)
{
    static const int neighbour[] = {1950};
    report c;
    const Welfare__Intake__V1__SubmitReferralReply *rc = submit(report_of(&c, name, address, neighbour, 1));
    assert_int_equal(rc->household_id, household);
    assert_int_equal(rc->persons_added, 0);
    assert_int_equal(events_named("welfare.intake.v1.DuplicateSuspected"), 0);
    const Welfare__Intake__V1__HouseholdIdentified *e =
        (const void *)event_named("welfare.intake.v1.HouseholdIdentified");
    assert_int_equal(e->n_recognised, 1);
}

static void a_decided_tie_is_not_raised_again(void **state)
{
    (void)state;
    if (!fake.db)
        skip();
    int64_t household, tied[2];
    int64_t referral = raise_tie("정상철", "광안로 7", &household, tied);
    assert_int_equal(value("SELECT count(*) FROM person_tie WHERE decision = 0"), 1);

    Welfare__Intake__V1__DecideTie d = WELFARE__INTAKE__V1__DECIDE_TIE__INIT;
    expect_fail(&d, WH_INVALID_ARGUMENT, "referral_id");
    d.referral_id = referral;
    d.person = 20;
    expect_fail(&d, WH_INVALID_ARGUMENT, "person");
    d.person = 0;
    expect_fail(&d, WH_INVALID_ARGUMENT, "decision");
    d.decision = SAME;
    expect_fail(&d, WH_INVALID_ARGUMENT, "person_id");
    d.decision = NEW;
    d.person_id = tied[0];
    expect_fail(&d, WH_INVALID_ARGUMENT, "person_id");
    d.decision = SAME;
    d.referral_id = referral + 1000;
    expect_fail(&d, WH_NOT_FOUND, "referral_id");
    d.referral_id = referral - 1; /* the relatives' own referral raised no tie */
    expect_fail(&d, WH_NOT_FOUND, "person");
    d.referral_id = referral;
    d.person_id = tied[1] + 1000;
    expect_fail(&d, WH_FAILED_PRECONDITION, "person_id");

    const Welfare__Intake__V1__DecideTieReply *r = decide(referral, SAME, tied[1]);
    assert_int_equal(r->person_id, tied[1]);
    assert_int_equal(r->household_id, household);
    assert_false(r->person_added);
    assert_false(r->already_decided);
    const Welfare__Intake__V1__TieDecided *e = (const void *)event_named("welfare.intake.v1.TieDecided");
    assert_int_equal(e->referral_id, referral);
    assert_int_equal(e->person_id, tied[1]);
    assert_int_equal(e->household_id, household);
    assert_int_equal(e->n_tied_person_ids, 2);
    assert_int_equal(e->tied_person_ids[0], tied[0]);
    assert_string_equal(e->dong_code, "2650051000");
    /* the prepared values are wiped once decided */
    assert_int_equal(value("SELECT count(*) FROM person_tie WHERE decision = 1 AND name_sealed IS NULL"), 1);

    r = decide(referral, SAME, tied[1]); /* again: no change, no event */
    assert_true(r->already_decided);
    assert_int_equal(r->person_id, tied[1]);
    assert_int_equal(fake.n_events, 0);
    d.person_id = tied[0];
    expect_fail(&d, WH_FAILED_PRECONDITION, "decision");
    d.decision = NEW;
    d.person_id = 0;
    expect_fail(&d, WH_FAILED_PRECONDITION, "decision");

    reading_resolves("정상철", "광안로 7", household);
    /* a block of two rows of the reading: each recognised, no tie */
    static const int neighbour[] = {1950};
    report c1, c2;
    Welfare__Intake__V1__ImportRow row[2], *rows[2];
    const Welfare__Intake__V1__SubmitReferral *m[] = {report_of(&c1, "정상철", "광안로 7", neighbour, 1),
                                                      report_of(&c2, "정상철", "광안로 7", neighbour, 1)};
    for (int i = 0; i < 2; i++) {
        welfare__intake__v1__import_row__init(&row[i]);
        row[i].line = i + 2;
        row[i].referral = (Welfare__Intake__V1__SubmitReferral *)m[i];
        rows[i] = &row[i];
    }
    Welfare__Intake__V1__ImportReferralBlock blk = WELFARE__INTAKE__V1__IMPORT_REFERRAL_BLOCK__INIT;
    blk.import_id = "ties";
    blk.n_rows = 2;
    blk.rows = rows;
    ProtobufCMessage *reply = NULL;
    assert_int_equal(fake_command(intake_handle_import_block, &blk.base, &reply), 0);
    const Welfare__Intake__V1__ImportReferralBlockReply *br = (const void *)reply;
    assert_int_equal(br->rows_ok, 2);
    assert_int_equal(br->persons_added, 0);
    assert_int_equal(br->duplicates_suspected, 0);
    assert_int_equal(events_named("welfare.intake.v1.DuplicateSuspected"), 0);
    assert_int_equal(value("SELECT count(*) FROM person_tie"), 1);
}

static void a_new_person_is_added_once(void **state)
{
    (void)state;
    if (!fake.db)
        skip();
    int64_t household, tied[2];
    int64_t referral = raise_tie("김영수", "망미로 21", &household, tied);
    static const int neighbour[] = {1950}; /* the reading again before any decision: a second tie */
    report b;
    const Welfare__Intake__V1__SubmitReferralReply *rb =
        submit(report_of(&b, "김영수", "망미로 21", neighbour, 1));
    int64_t second = rb->referral_id;
    assert_int_equal(events_named("welfare.intake.v1.DuplicateSuspected"), 1);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM person WHERE household_id = %lld", (long long)household);
    assert_int_equal(value(sql), 2);
    const Welfare__Intake__V1__DecideTieReply *r = decide(referral, NEW, 0);
    assert_true(r->person_added);
    assert_int_equal(r->household_id, household);
    int64_t added = r->person_id;
    assert_true(added > tied[1]);
    assert_int_equal(value(sql), 3);
    const Welfare__Intake__V1__TieDecided *e = (const void *)event_named("welfare.intake.v1.TieDecided");
    assert_int_equal(e->decision, NEW);
    assert_true(e->person_added);
    r = decide(referral, NEW, 0); /* again: the same person, no second one */
    assert_true(r->already_decided);
    assert_int_equal(r->person_id, added);
    assert_int_equal(value(sql), 3);
    r = decide(second, NEW, 0); /* the second open tie of the reading: the same new person */
    assert_false(r->already_decided);
    assert_false(r->person_added);
    assert_int_equal(r->person_id, added);
    assert_int_equal(value(sql), 3);
    reading_resolves("김영수", "망미로 21", household);
    assert_int_equal(value(sql), 3);
}

int main(void)
{
    const struct CMUnitTest store[] = {
        cmocka_unit_test(a_decided_tie_is_not_raised_again),
        cmocka_unit_test(a_new_person_is_added_once),
    };
    (void)fake_event_apply; /* shared helper this suite does not need */
    int failed = cmocka_run_group_tests_name("ties", store, db_setup, db_teardown);
    fake_done();
    return failed;
}

/*
 * test_rrn_upgrade.c — a person first reported without a resident registration number and later
 * reported with one (issue 16) on real PostgreSQL when WH_TEST_DB_URL is set: a neighbour reports
 * 김영희 by name, birth year, address and phone (a birth that agrees is what lets the score attach:
 * fuzzy.h, attach_needs_birth); a partner agency's referral of her with her number, birth date
 * and phone is recognised by the score, and the stored person gets the number (hashed, sealed: it
 * opens to the digits), the birth date, year and sex that agree with it; a third referral with only
 * the number, in another dong at another address, then matches her household exactly.  Without the
 * number recorded it would be a new household (nothing else of it meets her).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "db_fixture.h"
#include "intake.h"

#define SAFETY_NET     1
#define PARTNER_AGENCY 2
#define NAME           "김영희"
#define RRN            "550315-2234564"

static int db_setup(void **state)
{
    (void)state;
    static const unsigned char key[32] = {5, 5, 3, 1, 5, 2, 2, 3, 4, 5, 6, 4, 1, 2, 3, 4,
                                          5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0};
    return intake_test_db_open("intake_rrn_upgrade", key);
}

static int db_teardown(void **state)
{
    (void)state;
    return intake_test_db_close();
}

typedef struct report {
    int channel;
    const char *dong, *address, *rrn, *phone;
    int birth_year;
} report;

static const Welfare__Intake__V1__SubmitReferralReply *submit(const report *in)
{
    static Welfare__Intake__V1__SubmitReferral m;
    static Welfare__Intake__V1__ReferredHousehold h;
    static Welfare__Intake__V1__ReferredPerson p, *ptr[1];
    welfare__intake__v1__submit_referral__init(&m);
    welfare__intake__v1__referred_household__init(&h);
    welfare__intake__v1__referred_person__init(&p);
    h.address = (char *)in->address;
    h.dong_code = (char *)in->dong;
    p.name = NAME;
    p.rrn = (char *)in->rrn;
    p.phone = (char *)in->phone;
    p.birth_year = in->birth_year;
    ptr[0] = &p;
    m.channel = in->channel;
    m.household = &h;
    m.persons = ptr;
    m.n_persons = 1;
    m.reported_on = "2026-06-01";
    ProtobufCMessage *reply = NULL;
    assert_int_equal(fake_command(intake_handle_submit_referral, &m.base, &reply), 0);
    assert_non_null(reply);
    return (const void *)reply;
}

static void the_number_reported_later_is_recorded(void **state)
{
    (void)state;
    if (!fake.db)
        skip();
    const report neighbour = {SAFETY_NET, "2650051000", "수영로 12", NULL, "010-1111-2222", 1955};
    const report agency = {PARTNER_AGENCY, "2650051000", "수영로 12", RRN, "010-1111-2222", 0};
    const report elsewhere = {PARTNER_AGENCY, "2650052000", "망미로 5", RRN, NULL, 0};

    const Welfare__Intake__V1__SubmitReferralReply *a = submit(&neighbour);
    int64_t household = a->household_id;
    assert_true(a->is_new);
    intake_test_expect_text(
        "SELECT (rrn_hash IS NULL AND rrn_sealed IS NULL AND birth_date IS NULL AND birth_year = 1955)::text "
        "FROM person",
        "true");

    const Welfare__Intake__V1__SubmitReferralReply *b = submit(&agency);
    assert_int_equal(b->household_id, household);
    assert_int_equal(b->persons_added, 0);
    const Welfare__Intake__V1__HouseholdIdentified *hi = (const void *)fake.events[1];
    assert_string_equal(fake_event(1), "welfare.intake.v1.HouseholdIdentified");
    assert_int_equal(hi->n_recognised, 1);
    print_message("recognised with the number: score %.2f, %s\n", hi->recognised[0]->score,
                  hi->recognised[0]->reasons);

    /* the number is hers now, hashed and sealed as any number */
    char want[INTAKE_KEY_TEXT + 1], q[256];
    assert_int_equal(intake_hash_labelled("rrn", "5503152234564", want), 0);
    snprintf(q, sizeof q, "SELECT (rrn_hash = '%s')::text || birth_date || birth_year || sex FROM person",
             want);
    intake_test_expect_text(q, "true1955-03-151955F");
    char *sealed = intake_test_text("SELECT rrn_sealed FROM person"), *opened = NULL;
    assert_int_equal(wh_pii_open(sealed, &opened), 0);
    assert_string_equal(opened, "5503152234564");
    intake_test_expect_text("SELECT count(*) FROM person", "1");

    const Welfare__Intake__V1__SubmitReferralReply *c = submit(&elsewhere);
    assert_int_equal(c->household_id, household); /* by the number */
    assert_false(c->is_new);
    assert_int_equal(c->persons_added, 0);
    intake_test_expect_text("SELECT count(*) FROM household", "1");
    free(sealed);
    free(opened);
}

int main(void)
{
    (void)fake_event_apply; /* shared helper this suite does not need */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(the_number_reported_later_is_recorded, db_setup, db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

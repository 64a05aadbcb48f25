/*
 * test_fuzzy_blocks.c — the fuzzy blocks of persons stored before 0009_optional_rrn.sql
 * (store_blocks.c, migrations/0015_fuzzy_blocks.sql) on real PostgreSQL when WH_TEST_DB_URL is set.
 * A person stored with a resident number and then stripped of name_block, address_block,
 * birth_year and sex, as an old database holds them, is not met by the fuzzy read's name-block
 * route; after the fill the person has the blocks a new referral computes, the birth year and the
 * sex, a neighbour's report of them without a number at another spelling of the address
 * ("수영로 12번지", another address key and name key) attaches to their household by the score,
 * and a second fill changes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "db_fixture.h"
#include "dongs.h"
#include "dongs_fixture.h"
#include "fake_ctx.h"
#include "intake.h"
#include "roster.h"

extern const wh_migration intake_migrations[];
extern const size_t intake_migrations_count;

#define SAFETY_NET 1
#define DONG       "2650051000"
#define NAME       "김영희"
#define BIRTH      "1955-03-15"

static int db_setup(void **state)
{
    (void)state;
    static const unsigned char key[32] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4,
                                          3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8};
    return intake_test_db_open("intake_fuzzy_blocks", key);
}

static int db_teardown(void **state)
{
    (void)state;
    return intake_test_db_close();
}

static void sql(const char *q)
{
    assert_int_equal(wh_db_exec_sql(fake.db, q), 0);
}

/* A one-person referral of NAME born BIRTH at address; rrn NULL for a neighbour's report. */
static const Welfare__Intake__V1__SubmitReferralReply *submit(const char *address, const char *rrn)
{
    static Welfare__Intake__V1__SubmitReferral m;
    static Welfare__Intake__V1__ReferredHousehold h;
    static Welfare__Intake__V1__ReferredPerson p, *ptr[1];
    welfare__intake__v1__submit_referral__init(&m);
    welfare__intake__v1__referred_household__init(&h);
    welfare__intake__v1__referred_person__init(&p);
    h.address = (char *)address;
    h.dong_code = DONG;
    p.name = NAME;
    p.birth_date = BIRTH;
    p.rrn = (char *)rrn;
    ptr[0] = &p;
    m.channel = SAFETY_NET;
    m.household = &h;
    m.persons = ptr;
    m.n_persons = 1;
    m.reported_on = "2026-06-01";
    ProtobufCMessage *reply = NULL;
    assert_int_equal(fake_command(intake_handle_submit_referral, &m.base, &reply), 0);
    assert_non_null(reply);
    return (const void *)reply;
}

/* How many persons intake_bulk_fuzzy meets by the name-block route of a person without a number. */
static int met_by_name_block(void)
{
    char block[INTAKE_KEY_TEXT + 1], array[INTAKE_KEY_TEXT + 6];
    assert_int_equal(intake_dong_keyed("name-block", DONG, NAME, intake_normalize, block), 0);
    snprintf(array, sizeof array, "{\"\\%s\"}", block); /* {"\\x…"}: the element's backslash escaped */
    wh_params p;
    wh_params_reset(&p);
    const char *values[] = {"{}", "{}", "{}", array, "{}", "{}"};
    for (size_t i = 0; i < 6; i++)
        wh_params_text(&p, values[i]);
    wh_params_i64(&p, 101);
    PGresult *r = wh_db_query(fake.db, "intake_bulk_fuzzy", &p);
    assert_non_null(r);
    int n = PQntuples(r);
    PQclear(r);
    return n;
}

static void fill(intake_rekey *b)
{
    assert_int_equal(intake_blocks_state(fake.db, b), 0);
    sql("BEGIN");
    while (!b->done)
        assert_int_equal(intake_blocks_batch(fake.db, b), 0);
    sql("COMMIT");
}

static void old_person_is_matchable_after_the_fill(void **state)
{
    (void)state;
    if (!fake.db)
        skip();
    const Welfare__Intake__V1__SubmitReferralReply *a = submit("수영로 12", "550315-2234564");
    int64_t household = a->household_id;
    char *name_block = intake_test_text("SELECT name_block FROM person"),
         *address_block = intake_test_text("SELECT address_block FROM person");
    /* as a database from before 0009 holds the person, and 0015 found it */
    sql("UPDATE person SET name_block = NULL, address_block = NULL, birth_year = NULL, sex = NULL; "
        "UPDATE key_migration SET pending = true WHERE name = 'fuzzy_blocks'");
    assert_int_equal(met_by_name_block(), 0);

    intake_rekey b;
    fill(&b);
    assert_int_equal(met_by_name_block(), 1);
    char *after_name = intake_test_text("SELECT name_block FROM person"),
         *after_address = intake_test_text("SELECT address_block FROM person");
    assert_string_equal(after_name, name_block); /* what the referral computed when it stored them */
    assert_string_equal(after_address, address_block);
    intake_test_expect_text("SELECT birth_year || sex FROM person", "1955F");
    intake_test_expect_text(
        "SELECT persons_rekeyed || '/' || persons_kept || '/' || pending FROM key_migration "
        "WHERE name = 'fuzzy_blocks'",
        "1/0/false");
    fill(&b); /* done: nothing again */
    intake_test_expect_text("SELECT persons_rekeyed FROM key_migration WHERE name = 'fuzzy_blocks'", "1");

    const Welfare__Intake__V1__SubmitReferralReply *n = submit("수영로 12번지", NULL);
    assert_int_equal(n->household_id, household);
    assert_false(n->is_new);
    assert_int_equal(n->persons_added, 0);
    intake_test_expect_text("SELECT count(*) FROM household", "1");
    assert_string_equal(fake_event(1), "welfare.intake.v1.HouseholdIdentified");
    const Welfare__Intake__V1__HouseholdIdentified *hi = (const void *)fake.events[1];
    assert_int_equal(hi->n_recognised, 1); /* by the score, not a key */
    print_message("recognised after the fill: score %.2f, %s\n", hi->recognised[0]->score,
                  hi->recognised[0]->reasons);
    free(name_block);
    free(address_block);
    free(after_name);
    free(after_address);
}

int main(void)
{
    (void)fake_event_apply; /* shared helper this suite does not need */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(old_person_is_matchable_after_the_fill, db_setup, db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_households_batch.c — the registry's set-wise HouseholdIdentified (apply_households.c) against
 * the same events applied one at a time (handle_linkage.c), on PostgreSQL (WH_TEST_DB_URL; skipped
 * without it).  Each way starts from a fresh schema holding one household stored before; then the
 * household table must be equal row by row.  The run holds a household three times (other dongs,
 * an earlier date last), the household stored before, and events without id, dong or date.
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

#define N_EVENTS 9

static Welfare__Intake__V1__HouseholdIdentified events[N_EVENTS];

static void identified(size_t k, int64_t household, const char *dong, const char *on)
{
    Welfare__Intake__V1__HouseholdIdentified e = WELFARE__INTAKE__V1__HOUSEHOLD_IDENTIFIED__INIT;
    e.referral_id = (int64_t)k + 1;
    e.household_id = household;
    e.dong_code = (char *)dong;
    e.identified_on = (char *)on;
    events[k] = e;
}

static void build_run(void)
{
    identified(0, 11, "D1", "2026-03-02");
    identified(1, 12, "D1", "2026-03-02");
    identified(2, 11, "D2", "2026-03-05"); /* the same household: its dong changes, not its date */
    identified(3, 7, "D3", "2026-03-06");  /* stored before the run */
    identified(4, 0, "D1", "2026-03-06");  /* no id */
    identified(5, 13, "", "2026-03-06");   /* no dong */
    identified(6, 14, "D1", "2026-02-30"); /* no such date */
    identified(7, 11, "D4", "2026-03-01"); /* an earlier date last */
    identified(8, 15, "D4", "2026-03-07");
}

/* A fresh registry schema with household 7 stored before, as the service prepares its statements. */
static bool fresh_schema(void)
{
    size_t n;
    const wh_db_statement *all = registry_all_statements(&n);
    fake_done();
    if (fake_db_setup("registry", registry_migrations, registry_migrations_count, all, n) != 0)
        return false;
    Welfare__Intake__V1__HouseholdIdentified before = WELFARE__INTAKE__V1__HOUSEHOLD_IDENTIFIED__INIT;
    before.household_id = 7;
    before.dong_code = "D0";
    before.identified_on = "2026-01-10";
    assert_int_equal(fake_event_apply(registry_apply_household_identified, &before.base), 0);
    return true;
}

static char *households(void)
{
    PGresult *r = PQexec(wh_db_conn(fake.db),
                         "SELECT coalesce(string_agg(x::text, E'\\n' ORDER BY x.household_id), '') "
                         "FROM registry.household x");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    char *out = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    assert_non_null(out);
    return out;
}

static void batch_equals_one_at_a_time(void **state)
{
    (void)state;
    build_run();
    if (!fresh_schema())
        skip();
    for (size_t k = 0; k < N_EVENTS; k++)
        assert_int_equal(fake_event_apply(registry_apply_household_identified, &events[k].base), 0);
    char *single = households();

    assert_true(fresh_schema());
    static wh_ctx ctxs[N_EVENTS];
    wh_ctx *ctx[N_EVENTS];
    const ProtobufCMessage *ev[N_EVENTS];
    for (size_t k = 0; k < N_EVENTS; k++) {
        memset(&ctxs[k], 0, sizeof ctxs[k]);
        ctxs[k].db = fake.db;
        ctx[k] = &ctxs[k];
        ev[k] = &events[k].base;
    }
    assert_int_equal(wh_db_exec_sql(fake.db, "BEGIN"), 0);
    assert_int_equal(registry_apply_households_identified(ctx, ev, N_EVENTS), 0);
    assert_int_equal(wh_db_commit(fake.db), 0);
    for (size_t k = 0; k < N_EVENTS; k++)
        assert_int_equal(ctxs[k].n_events, 0); /* the registry answers HouseholdIdentified with no event */
    char *batch = households();

    /* what the run means: 11 keeps its first date with its last dong, 7 its old date */
    assert_string_equal(single,
                        "(7,D3,2026-01-10)\n(11,D4,2026-03-02)\n(12,D1,2026-03-02)\n(15,D4,2026-03-07)");
    assert_string_equal(batch, single);
    free(single);
    free(batch);
}

/* The service applies a fetched run of HouseholdIdentified with the batch handler. */
static void registered(void **state)
{
    (void)state;
    const wh_service_def *def = registry_service_def();
    size_t found = 0;
    for (size_t i = 0; i < def->n_event_batch_handlers; i++)
        if (def->event_batch_handlers[i].event == &welfare__intake__v1__household_identified__descriptor &&
            strcmp(def->event_batch_handlers[i].stream, "intake") == 0 &&
            def->event_batch_handlers[i].apply == registry_apply_households_identified)
            found++;
    assert_int_equal(found, 1);
}

static int db_teardown(void **state)
{
    (void)state;
    fake_done();
    return 0;
}

int main(void)
{
    (void)fake_command; /* shared helpers this suite does not need */
    (void)fake_event;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(registered),
        cmocka_unit_test(batch_equals_one_at_a_time),
    };
    return cmocka_run_group_tests(tests, NULL, db_teardown);
}

/*
 * test_batch_equality.c — reporting's set-wise handlers (handlers_batch.c, every entry of
 * reporting_event_batches) against the same events applied one at a time through the subscription
 * table (handlers.c), on PostgreSQL (WH_TEST_DB_URL; skipped without it).  Both ways start from the
 * same fresh schema with the same dongs and one case already counted; then a run of each batched type
 * goes in (one transaction per run, or one per event), and every table of the schema must hold the
 * same rows.  The runs hold repeats inside a run and replays of what came before (a CaseOpened seen
 * again counts nothing), events of several dongs and days, households without an id (no funnel
 * stage), visits and linkages whose outcome or state reaches no stage, a referral id twice, and
 * intake's referrals and blind spots mixed in one run, as they come on its stream.
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

#define A     "2650051000" /* basic hub */
#define B     "2650052000" /* sphere, served by A */
#define RUN   6
#define RUNS  10
#define MET   WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_MET_COUNSELLED
#define START WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_STARTED

/* The runs: one type each, every type reporting applies set-wise. */
static Welfare__Intake__V1__BlindSpotDiscovered blind[RUN];
static Welfare__Case__V1__CaseOpened opened[RUN];
static Welfare__Case__V1__LinkageCompleted linked[RUN];
static Welfare__Case__V1__HomeVisitRecorded home[RUN];
static Welfare__Registry__V1__ServiceLinkageChanged service[RUN];
static Welfare__Registry__V1__ResourceRegistered resource[RUN];
/* every other resource found by a member, every fourth by a team with no member (finds.c) */
static Welfare__Registry__V1__Finder finder[RUN];
static Welfare__Routing__V1__VisitCompleted visited[RUN];
static Welfare__Routing__V1__VisitMissed missed[RUN];
static Welfare__Intake__V1__ReferralReceived referred[RUN];
/* Intake's stream as it comes: a referral, then its household's blind spot, mixed in one run. */
static Welfare__Intake__V1__ReferralReceived referred_mixed[RUN / 2];
static Welfare__Intake__V1__BlindSpotDiscovered blind_mixed[RUN / 2];

typedef struct run {
    const ProtobufCMessage *e[RUN];
    size_t n;
} run;

static run runs[RUNS];

static const char *dong_of(size_t i)
{
    return i % 2 ? B : A;
}

static const char *day_of(size_t i)
{
    static const char *days[] = {"2026-02-03", "2026-02-03", "2026-02-10",
                                 "2026-03-01", "2026-02-28", "2026-01-15"};
    return days[i % 6];
}

static void build_runs(void)
{
    for (size_t i = 0; i < RUN; i++) {
        int64_t household = i == 5 ? 0 : (int64_t)(1 + i % 4); /* household 0: no funnel stage */
        int64_t case_id = 7 + (int64_t)(i % 4);                /* 7 came before; 8 twice in the run */
        welfare__intake__v1__blind_spot_discovered__init(&blind[i]);
        blind[i].household_id = household;
        blind[i].dong_code = (char *)dong_of(i);
        blind[i].discovered_on = (char *)day_of(i);
        welfare__case__v1__case_opened__init(&opened[i]);
        opened[i].case_id = case_id;
        opened[i].household_id = household;
        opened[i].dong_code = (char *)dong_of(i);
        opened[i].hub_dong_code = A;
        opened[i].opened_on = (char *)day_of(i);
        welfare__case__v1__linkage_completed__init(&linked[i]);
        linked[i].linkage_id = 100 + (int64_t)i;
        linked[i].case_id = case_id;
        linked[i].dong_code = (char *)dong_of(i);
        linked[i].completed_on = (char *)day_of(i + 1);
        welfare__case__v1__home_visit_recorded__init(&home[i]);
        home[i].home_visit_id = 200 + (int64_t)i;
        home[i].household_id = household;
        home[i].case_id = case_id;
        home[i].dong_code = (char *)dong_of(i);
        home[i].hub_dong_code = A;
        home[i].outcome = i % 3 ? MET : WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_NOT_AT_HOME;
        home[i].visited_on = (char *)day_of(i + 2);
        welfare__registry__v1__service_linkage_changed__init(&service[i]);
        service[i].linkage_id = 300 + (int64_t)(i % 3);
        service[i].household_id = household;
        service[i].case_id = case_id;
        service[i].dong_code = (char *)dong_of(i);
        service[i].state = i % 2 ? START : WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_ENDED;
        service[i].changed_on = (char *)day_of(i + 3);
        welfare__registry__v1__resource_registered__init(&resource[i]);
        resource[i].resource_id = 400 + (int64_t)i;
        resource[i].dong_code = (char *)dong_of(i);
        resource[i].capacity = 3;
        resource[i].amount_krw = 50000 * (int64_t)(i + 1);
        resource[i].is_private = i % 2;
        resource[i].discovered_on = (char *)day_of(i);
        welfare__registry__v1__finder__init(&finder[i]);
        finder[i].member_id = i % 2 ? 900 + (int64_t)(i % 3) : 0;
        finder[i].team = i % 4 == 0
                             ? WELFARE__REGISTRY__V1__SAFETY_NET_TEAM__SAFETY_NET_TEAM_RESOURCE_ENGAGING
                             : WELFARE__REGISTRY__V1__SAFETY_NET_TEAM__SAFETY_NET_TEAM_UNSPECIFIED;
        resource[i].finder = &finder[i];
        welfare__routing__v1__visit_completed__init(&visited[i]);
        visited[i].visit_id = 500 + (int64_t)i;
        visited[i].case_id = case_id;
        visited[i].dong_code = (char *)dong_of(i);
        visited[i].staff_count = 1 + (int32_t)(i % 2);
        visited[i].visited_on = (char *)day_of(i + 4);
        welfare__routing__v1__visit_missed__init(&missed[i]);
        missed[i].visit_id = 600 + (int64_t)i;
        missed[i].case_id = case_id;
        missed[i].dong_code = (char *)dong_of(i);
        missed[i].missed_on = (char *)day_of(i + 5);
        welfare__intake__v1__referral_received__init(&referred[i]);
        referred[i].referral_id = 700 + (int64_t)(i % 5); /* the last one repeats the first */
        referred[i].household_id = household;
        referred[i].dong_code = (char *)dong_of(i);
        referred[i].channel = 1 + (int32_t)(i % 3);
        referred[i].reported_on = (char *)day_of(i);
        runs[8].e[i] = &referred[i].base;
        runs[0].e[i] = &blind[i].base;
        runs[1].e[i] = &opened[i].base;
        runs[2].e[i] = &linked[i].base;
        runs[3].e[i] = &home[i].base;
        runs[4].e[i] = &service[i].base;
        runs[5].e[i] = &resource[i].base;
        runs[6].e[i] = &visited[i].base;
        runs[7].e[i] = &missed[i].base;
    }
    for (size_t k = 0; k < RUN / 2; k++) {
        welfare__intake__v1__referral_received__init(&referred_mixed[k]);
        referred_mixed[k].referral_id = 800 + (int64_t)k;
        referred_mixed[k].household_id = 10 + (int64_t)k;
        referred_mixed[k].dong_code = (char *)dong_of(k);
        referred_mixed[k].channel = 2;
        referred_mixed[k].reported_on = (char *)day_of(k + 1);
        welfare__intake__v1__blind_spot_discovered__init(&blind_mixed[k]);
        blind_mixed[k].household_id = 10 + (int64_t)k;
        blind_mixed[k].dong_code = (char *)dong_of(k);
        blind_mixed[k].discovered_on = (char *)day_of(k + 1);
        runs[9].e[2 * k] = &referred_mixed[k].base;
        runs[9].e[2 * k + 1] = &blind_mixed[k].base;
    }
    for (size_t r = 0; r < RUNS; r++)
        runs[r].n = RUN;
}

static wh_event_fn one_handler(const ProtobufCMessageDescriptor *d)
{
    for (size_t i = 0; i < reporting_subscriptions_count; i++)
        if (reporting_subscriptions[i].event == d)
            return reporting_subscriptions[i].apply;
    fail_msg("no subscription %s", d->name);
    return NULL;
}

static wh_event_batch_fn batch_handler(const ProtobufCMessageDescriptor *d)
{
    for (size_t i = 0; i < reporting_event_batches_count; i++)
        if (reporting_event_batches[i].event == d)
            return reporting_event_batches[i].apply;
    return NULL;
}

static void apply_one(const ProtobufCMessage *e)
{
    assert_int_equal(fake_event_apply(one_handler(e->descriptor), e), 0);
    assert_int_equal(fake.n_events, 0); /* reporting emits nothing */
}

/* A fresh schema with the dongs and case 7 (household 1) counted. */
static bool fresh_schema(void)
{
    fake_done();
    size_t n_statements;
    const wh_db_statement *statements = reporting_all_statements(&n_statements);
    int rc = fake_db_setup("reporting", reporting_migrations, reporting_migrations_count, statements,
                           n_statements);
    if (rc == -1)
        return false;
    assert_int_equal(rc, 0);
    Welfare__Routing__V1__DongDefined da = WELFARE__ROUTING__V1__DONG_DEFINED__INIT, db = da;
    da.dong_code = A;
    da.name = "남천1동";
    da.hub_type = WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_BASIC;
    da.hub_dong_code = A;
    da.live_from = "2026-02-01";
    db.dong_code = B;
    db.name = "남천2동";
    db.hub_type = WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_SPHERE;
    db.hub_dong_code = A;
    apply_one(&da.base);
    apply_one(&db.base);
    Welfare__Case__V1__CaseOpened first = WELFARE__CASE__V1__CASE_OPENED__INIT;
    first.case_id = 7;
    first.household_id = 1;
    first.dong_code = A;
    first.hub_dong_code = A;
    first.opened_on = "2026-01-20";
    apply_one(&first.base);
    return true;
}

static void one_at_a_time(void)
{
    for (size_t r = 0; r < RUNS; r++)
        for (size_t i = 0; i < runs[r].n; i++)
            apply_one(runs[r].e[i]);
}

static void together(void)
{
    for (size_t r = 0; r < RUNS; r++) {
        static wh_ctx ctxs[RUN];
        wh_ctx *ctx[RUN];
        wh_event_batch_fn apply = batch_handler(runs[r].e[0]->descriptor);
        assert_non_null(apply);
        for (size_t i = 0; i < runs[r].n; i++) {
            memset(&ctxs[i], 0, sizeof ctxs[i]);
            ctxs[i].db = fake.db;
            ctx[i] = &ctxs[i];
        }
        assert_int_equal(wh_db_exec_sql(fake.db, "BEGIN"), 0);
        assert_int_equal(apply(ctx, runs[r].e, runs[r].n), 0);
        assert_int_equal(wh_db_commit(fake.db), 0);
        for (size_t i = 0; i < runs[r].n; i++) {
            assert_int_equal(ctxs[i].n_events, 0);
            for (size_t k = 0; k < ctxs[i].n_allocs; k++)
                free(ctxs[i].allocs[k]);
            free(ctxs[i].allocs);
        }
    }
}

/* Every table of the schema but the migrations' own, ordered by its rows' text; malloc()ed. */
static char *dump_tables(void)
{
    PGconn *c = wh_db_conn(fake.db);
    PGresult *r = PQexec(c, "SELECT string_agg(format('SELECT %L || E''\\n'' || coalesce(string_agg(x::text, "
                            "E''\\n'' ORDER BY x::text), '''') FROM reporting.%I x', t, t), ' UNION ALL ' "
                            "ORDER BY t) FROM (SELECT table_name::text AS t FROM information_schema.tables "
                            "WHERE table_schema = 'reporting' AND table_type = 'BASE TABLE' "
                            "AND table_name <> 'schema_migrations') s");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    char *sql = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    char *all = strdup("");
    r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s", PQerrorMessage(c));
    assert_true(PQntuples(r) > 3);
    for (int i = 0; i < PQntuples(r); i++) {
        size_t a = strlen(all), b = strlen(PQgetvalue(r, i, 0));
        all = realloc(all, a + b + 2);
        assert_non_null(all);
        memcpy(all + a, PQgetvalue(r, i, 0), b);
        memcpy(all + a + b, "\n", 2);
    }
    PQclear(r);
    free(sql);
    return all;
}

/* The KPI of January to March 2026 over both dongs, as the packed reply's hex; malloc()ed. */
static char *kpi(void)
{
    Welfare__Reporting__V1__QueryKpi q = WELFARE__REPORTING__V1__QUERY_KPI__INIT;
    Welfare__Reporting__V1__KpiSelection sel = WELFARE__REPORTING__V1__KPI_SELECTION__INIT;
    ProtobufCMessage *reply = NULL;
    wh_command_fn query = NULL;
    for (size_t i = 0; i < reporting_commands_count; i++)
        if (reporting_commands[i].request == &welfare__reporting__v1__query_kpi__descriptor)
            query = reporting_commands[i].handle;
    assert_non_null(query);
    sel.from_on = "2026-01-01";
    sel.to_on = "2026-03-31";
    q.selection = &sel;
    assert_int_equal(fake_command(query, &q.base, &reply), 0);
    assert_string_equal(fake_event(0), "");
    size_t len = protobuf_c_message_get_packed_size(reply);
    uint8_t *buf = malloc(len ? len : 1);
    char *hex = malloc(2 * len + 1);
    assert_non_null(buf);
    assert_non_null(hex);
    protobuf_c_message_pack(reply, buf);
    for (size_t i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", buf[i]);
    hex[2 * len] = '\0';
    free(buf);
    return hex;
}

/* Equal texts, or a failure naming the first line that differs (cmocka cuts long strings). */
static void expect_same(const char *single, const char *batch)
{
    size_t line = 1;
    const char *a = single, *b = batch;
    while (*a && *a == *b) {
        if (*a == '\n')
            line++;
        a++;
        b++;
    }
    if (*a == *b)
        return;
    while (a > single && a[-1] != '\n')
        a--, b--;
    fail_msg("tables differ at line %zu:\n  one at a time: %.200s\n  together:      %.200s", line, a, b);
}

static void batch_equals_one_at_a_time(void **state)
{
    (void)state;
    build_runs();
    for (size_t r = 0; r < RUNS; r++)
        assert_non_null(batch_handler(runs[r].e[0]->descriptor));
    assert_int_equal(reporting_event_batches_count, RUNS - 1); /* a new batched type needs a run here */
    /* the mixed run is one run for the consumer: both types have the same batch function */
    assert_ptr_equal(batch_handler(runs[9].e[0]->descriptor), batch_handler(runs[9].e[1]->descriptor));
    if (!fresh_schema())
        skip();
    one_at_a_time();
    char *single = dump_tables(), *single_kpi = kpi();
    assert_true(fresh_schema());
    together();
    char *batch = dump_tables(), *batch_kpi = kpi();
    assert_non_null(strstr(single, "2026-02-03")); /* the runs counted something */
    expect_same(single, batch);
    assert_string_equal(batch_kpi, single_kpi);
    free(single);
    free(batch);
    free(single_kpi);
    free(batch_kpi);
}

static int teardown(void **state)
{
    (void)state;
    fake_done();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(batch_equals_one_at_a_time),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}

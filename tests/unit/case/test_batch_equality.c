/*
 * test_batch_equality.c — case's set-wise HouseholdIdentified handler (apply_intake_batch.c) against
 * the same events applied one at a time (apply_intake.c), on PostgreSQL (WH_TEST_DB_URL; skipped
 * without it).  Each way starts from the same fresh schema and district; then every table of the
 * schema (row by row, ids included) and every event emitted (type, the event it answers, the packed
 * bytes) must be equal.  The run holds what splits or complicates a chunk: a household twice, two
 * business dates at one staffed hub, a hub without workers, a sphere dong, cases beyond the caseload
 * limit (waiting), a departed worker whose cases are released, a household with a closed case,
 * events below the threshold, malformed events and an unknown dong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "case.h"
#include "fake_ctx.h"

extern const wh_migration case_migrations[];
extern const size_t case_migrations_count;

#define BASIC    1
#define SPHERE   2
#define MANAGER  3
#define OFFICIAL 1
#define N_EVENTS 24

static case_settings settings = {.risk_threshold = 50,
                                 .caseload_limit = 2,
                                 .first_visit_days = 7,
                                 .joint_visit_risk = 80,
                                 .notes_sealed = false};

/* One way's outcome: every table's rows and every emitted event, as text. */
typedef struct outcome {
    char *tables;
    char *events;
} outcome;

typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void put(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + n + 1)
            cap *= 2;
        t->p = realloc(t->p, cap);
        assert_non_null(t->p);
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void puts_text(text *t, const char *s)
{
    put(t, s, strlen(s));
}

static int db_setup(void **state)
{
    (void)state;
    return 0;
}

/* A fresh casework schema, case's statements prepared (as service.c prepares them). */
static bool fresh_schema(void)
{
    size_t n;
    const wh_db_statement *all = case_all_statements(&n);
    assert_non_null(all);
    fake_done();
    int rc = fake_db_setup("casework", case_migrations, case_migrations_count, all, n);
    if (rc == -1)
        return false;
    assert_int_equal(rc, 0);
    fake.state = &settings;
    return true;
}

static void apply_one(wh_event_fn fn, const ProtobufCMessage *e)
{
    assert_int_equal(fake_event_apply(fn, e), 0);
}

static void dong(const char *code, const char *hub, int type)
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
    apply_one(case_apply_dong_defined, &d.base);
}

static void staff(int64_t id, const char *hub, int role, const char *from)
{
    Welfare__Routing__V1__StaffRegistered s = WELFARE__ROUTING__V1__STAFF_REGISTERED__INIT;
    s.staff_id = id;
    s.hub_dong_code = (char *)hub;
    s.role = role;
    s.employment = 1;
    s.active_from = (char *)from;
    apply_one(case_apply_staff_registered, &s.base);
}

static void departed(int64_t id, const char *hub, const char *until)
{
    Welfare__Routing__V1__StaffDeactivated s = WELFARE__ROUTING__V1__STAFF_DEACTIVATED__INIT;
    s.staff_id = id;
    s.hub_dong_code = (char *)hub;
    s.active_until = (char *)until;
    apply_one(case_apply_staff_deactivated, &s.base);
}

/* The events of the run, built once (static strings and locations). */
static Welfare__Intake__V1__HouseholdIdentified events[N_EVENTS];
static Welfare__Common__V1__GeoPoint at = WELFARE__COMMON__V1__GEO_POINT__INIT;
static size_t n_events;

static void identified(int64_t household, const char *dong_code, int risk, const char *on, bool located)
{
    Welfare__Intake__V1__HouseholdIdentified *e = &events[n_events];
    assert_true(n_events < N_EVENTS);
    welfare__intake__v1__household_identified__init(e);
    e->referral_id = 1000 + (int64_t)n_events;
    e->household_id = household;
    e->dong_code = (char *)dong_code;
    e->risk_score = risk;
    e->identified_on = (char *)on;
    e->location = located ? &at : NULL;
    n_events++;
}

static void build_run(void)
{
    at.latitude = 35.16;
    at.longitude = 129.12;
    n_events = 0;
    identified(201, "H1", 60, "2026-05-01", true);
    identified(202, "S1", 70, "2026-05-01", true);  /* sphere dong: H1's workers */
    identified(203, "H1", 40, "2026-05-01", true);  /* below the threshold */
    identified(204, "H1", 90, "2026-05-01", false); /* no location */
    identified(205, "H1", 55, "2026-05-01", true);  /* caseloads full: waits */
    identified(201, "H1", 65, "2026-05-01", true);  /* the household again, its case open */
    identified(0, "H1", 60, "2026-05-01", true);    /* malformed: no household */
    identified(206, "", 60, "2026-05-01", true);    /* malformed: no dong */
    identified(207, "H1", 101, "2026-05-01", true); /* malformed: risk out of range */
    identified(208, "H3", 80, "2026-05-01", true);  /* a hub without workers */
    identified(209, "H3", 80, "2026-05-03", true);  /* … on another date: same chunk */
    identified(210, "H1", 75, "2026-05-02", true);  /* another date at a staffed hub */
    identified(211, "ZZ", 75, "2026-05-02", true);  /* a dong nobody defined */
    identified(212, "H2", 60, "2026-05-02", true);  /* H2: its worker departed on 05-01 */
    identified(203, "H1", 50, "2026-05-02", true);  /* now at the threshold */
    identified(213, "H2", 88, "2026-05-02", true);
    identified(220, "H1", 70, "2026-05-02", true); /* its first case was closed */
    identified(214, "S1", 52, "2026-05-03", true);
    identified(215, "H1", 99, "2026-05-03", true);
    identified(202, "S1", 71, "2026-05-03", true);
}

/* The district both ways start from; household 220 had a case, closed; H2's worker leaves. */
static void setup_district(void)
{
    ProtobufCMessage *reply;
    dong("H1", "H1", BASIC);
    dong("S1", "H1", SPHERE);
    dong("H2", "H2", BASIC);
    dong("H3", "H3", BASIC);
    staff(10, "H1", MANAGER, "2026-01-01");
    staff(11, "H1", OFFICIAL, "2026-01-01");
    staff(20, "H2", MANAGER, "2026-01-01");
    staff(21, "H2", OFFICIAL, "2026-01-01");
    Welfare__Intake__V1__HouseholdIdentified first = WELFARE__INTAKE__V1__HOUSEHOLD_IDENTIFIED__INIT;
    first.referral_id = 900;
    first.household_id = 220;
    first.dong_code = "H2";
    first.risk_score = 60;
    first.identified_on = "2026-04-01";
    apply_one(case_apply_household_identified, &first.base);
    Welfare__Case__V1__OpenCase open = WELFARE__CASE__V1__OPEN_CASE__INIT;
    open.household_id = 230;
    open.dong_code = "H2";
    open.risk_score = 60;
    open.opened_on = "2026-04-02";
    assert_int_equal(fake_command(case_handle_open_case, &open.base, &reply), 0);
    Welfare__Case__V1__CloseCase c = WELFARE__CASE__V1__CLOSE_CASE__INIT;
    c.case_id = 1; /* household 220's */
    c.reason = 1;
    c.closed_on = "2026-04-20";
    assert_int_equal(fake_command(case_handle_close_case, &c.base, &reply), 0);
    departed(20, "H2", "2026-05-01");
    fake_reset();
}

/* Every table of the schema, ordered by its rows' text. */
static char *dump_tables(void)
{
    PGconn *c = wh_db_conn(fake.db);
    text t = {0};
    PGresult *r = PQexec(
        c,
        "SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema = "
        "'casework' AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY table_name");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    assert_true(PQntuples(r) > 3);
    for (int i = 0; i < PQntuples(r); i++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '') FROM casework.%s x",
                 PQgetvalue(r, i, 0));
        PGresult *rows = PQexec(c, sql);
        assert_int_equal(PQresultStatus(rows), PGRES_TUPLES_OK);
        puts_text(&t, "== ");
        puts_text(&t, PQgetvalue(r, i, 0));
        puts_text(&t, "\n");
        puts_text(&t, PQgetvalue(rows, 0, 0));
        puts_text(&t, "\n");
        PQclear(rows);
    }
    PQclear(r);
    return t.p;
}

/* "event k: Type hex" for each event ctx emitted, in order. */
static void dump_events(text *t, size_t k, const wh_ctx *ctx)
{
    for (int i = 0; i < ctx->n_events; i++) {
        const ProtobufCMessage *m = ctx->events[i];
        size_t len = protobuf_c_message_get_packed_size(m);
        uint8_t *buf = malloc(len ? len : 1);
        char line[64];
        assert_non_null(buf);
        protobuf_c_message_pack(m, buf);
        snprintf(line, sizeof line, "event %zu: ", k);
        puts_text(t, line);
        puts_text(t, m->descriptor->name);
        puts_text(t, " ");
        for (size_t b = 0; b < len; b++) {
            char hex[3];
            snprintf(hex, sizeof hex, "%02x", buf[b]);
            put(t, hex, 2);
        }
        puts_text(t, "\n");
        free(buf);
    }
}

/* Equal texts, or a failure naming the first line that differs (cmocka cuts long strings). */
static void expect_same(const char *what, const char *single, const char *batch)
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
    fail_msg("%s differ at line %zu:\n  one at a time: %.200s\n  together:      %.200s", what, line, a, b);
}

static void one_at_a_time(outcome *out)
{
    text t = {0};
    for (size_t k = 0; k < n_events; k++) {
        apply_one(case_apply_household_identified, &events[k].base);
        dump_events(&t, k, &fake);
    }
    fake_reset();
    out->events = t.p;
    out->tables = dump_tables();
}

static void free_ctx(wh_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n_allocs; i++)
        free(ctx->allocs[i]);
    free(ctx->allocs);
    for (int i = 0; i < ctx->n_events; i++)
        protobuf_c_message_free_unpacked(ctx->events[i], NULL);
}

static void together(outcome *out)
{
    static wh_ctx ctxs[N_EVENTS];
    wh_ctx *ctx[N_EVENTS];
    const ProtobufCMessage *ev[N_EVENTS];
    text t = {0};
    for (size_t k = 0; k < n_events; k++) {
        memset(&ctxs[k], 0, sizeof ctxs[k]);
        ctxs[k].db = fake.db;
        ctxs[k].state = &settings;
        ctx[k] = &ctxs[k];
        ev[k] = &events[k].base;
    }
    assert_int_equal(wh_db_exec_sql(fake.db, "BEGIN"), 0);
    assert_int_equal(case_apply_households_identified(ctx, ev, n_events), 0);
    assert_int_equal(wh_db_commit(fake.db), 0);
    for (size_t k = 0; k < n_events; k++) {
        dump_events(&t, k, &ctxs[k]);
        free_ctx(&ctxs[k]);
    }
    out->events = t.p;
    out->tables = dump_tables();
}

static void batch_equals_one_at_a_time(void **state)
{
    outcome single = {0}, batch = {0};
    (void)state;
    build_run();
    if (!fresh_schema())
        skip();
    setup_district();
    one_at_a_time(&single);
    assert_true(fresh_schema());
    setup_district();
    together(&batch);
    /* The run did what it is meant to exercise: cases opened, assigned, waiting, released. */
    assert_string_equal(fake_event(0), ""); /* nothing left over from the last way */
    assert_non_null(strstr(single.events, "CaseOpened"));
    assert_non_null(strstr(single.events, "CaseAssigned"));
    assert_non_null(strstr(single.events, "VisitRequested"));
    expect_same("events", single.events, batch.events);
    expect_same("tables", single.tables, batch.tables);
    free(single.events);
    free(single.tables);
    free(batch.events);
    free(batch.tables);
}

static int db_teardown(void **state)
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
    return cmocka_run_group_tests(tests, db_setup, db_teardown);
}

/*
 * test_bulk.c — the three ways in of the one pipeline against each other: SubmitReferral alone, the
 * framework's batches of SubmitReferral (intake_handle_submit_referrals) and ImportReferralBlock, on
 * real PostgreSQL when WH_TEST_DB_URL is set.
 *
 * The same seeded rows — new households, re-reports by resident number and by name + birth date +
 * address, persons of two households in one referral, shared phones, a second household at an
 * address (more than eight at one), two persons with one name key, a person reported without a number
 * and later with it (recognised by the score, given the number), locations that arrive later, bad
 * rows (an invalid field, an unknown reporter) — go one by one into one schema, in batches of up to 16 into
 * another and block-wise into others (blocks of 1, 7 and 64 rows; COPY and unnest), twice over, so re-reports
 * fall inside a block, across blocks and onto stored households.  Then households, persons, referrals,
 * suspicions and the whole event sequence must be equal, ids included; the blocks' replies must name exactly
 * the rows SubmitReferral refused. Without a database only the block-level checks run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "db_fixture.h"
#include "import_rows.h"
#include "intake.h"
#include "roster.h"
#include "wh/migrate.h"

/* --- the handler context (fake_ctx.h), every event (type and bytes) into a log --------------- */

typedef fake_event_log event_log;

/* Runs a handler in its own transaction on db, events into log. */
static int run(wh_db *db, event_log *log, wh_command_fn fn, const ProtobufCMessage *req,
               ProtobufCMessage **reply)
{
    fake_reset();
    fake.db = db;
    fake.log = log;
    *reply = NULL;
    size_t mark = log->n;
    if (db)
        wh_db_exec_sql(db, "BEGIN");
    int rc = fn(&fake, req, reply);
    if (db)
        wh_db_exec_sql(db, rc == 0 ? "COMMIT" : "ROLLBACK");
    if (rc != 0)
        fake_log_truncate(log, mark); /* a failed command's events are dropped with its transaction */
    return rc;
}

/* --- the seeded rows ------------------------------------------------------------------------- */

#define N_HOUSEHOLDS 40
#define N_ROWS       260
#define MAX_P        4

typedef struct row {
    Welfare__Intake__V1__SubmitReferral m;
    Welfare__Intake__V1__ReferredHousehold h;
    Welfare__Common__V1__GeoPoint g;
    Welfare__Intake__V1__ReferredPerson p[MAX_P], *ptr[MAX_P];
    Welfare__Intake__V1__RiskIndicators risk;
    char address[64], rrn[MAX_P][16], name[MAX_P][32], phone[MAX_P][16], date[11], concern[32], birth[11];
    Welfare__Intake__V1__ImportRow import;
} row;

static row rows[N_ROWS];
static int64_t reporter_id;

static uint32_t seed = 12345;
static uint32_t rnd(uint32_t n)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
}

/* A valid resident number: born 19YY-MM-DD, serial s, with its check digit. */
static void make_rrn(char out[16], int yy, int mm, int dd, int sex, int serial)
{
    char d[14];
    snprintf(d, sizeof d, "%02d%02d%02d%d%05d", yy, mm, dd, sex, serial % 100000);
    static const int w[12] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};
    int sum = 0;
    for (int i = 0; i < 12; i++)
        sum += (d[i] - '0') * w[i];
    snprintf(out, 16, "%.6s-%.6s%d", d, d + 6, (11 - sum % 11) % 10);
}

/* Person j of household k: birth date and serial are functions of (k, j). */
static void person_of(row *r, size_t slot, int k, int j, int serial_offset)
{
    int yy = 30 + (k * 7 + j * 13) % 60, mm = 1 + (k + j) % 12, dd = 1 + (k * 3 + j) % 28;
    make_rrn(r->rrn[slot], yy, mm, dd, 1 + (j & 1), k * 10 + j + serial_offset);
    snprintf(r->name[slot], sizeof r->name[slot], "김 %d-%d", k, j);
    r->p[slot].rrn = r->rrn[slot];
    r->p[slot].name = r->name[slot];
    if ((k + j) % 3 == 0) {
        snprintf(r->phone[slot], sizeof r->phone[slot], "010-%04d-%04d", k, j);
        r->p[slot].phone = r->phone[slot];
    }
}

/* Rows 37t + 13 file two men of one name and no number at one address, born 1949 and 1951; rows
 * 37t + 31 report "him, born 1950" there: the score ties the two, and the re-report lists both for an
 * operator (DuplicateSuspected.tied) — in one block with them (persons added by the block) or after. */
static void tied_relatives(row *r, size_t i)
{
    if (i % 37 != 13 && i % 37 != 31)
        return;
    int t = (int)(i / 37);
    snprintf(r->address, sizeof r->address, "연산로 %d번길 7", t);
    r->h.dong_code = "2650051000";
    snprintf(r->date, sizeof r->date, "2026-%02d-01", 1 + t); /* not after today: the rows must stand */
    for (size_t k = 0; k < 2; k++) {
        welfare__intake__v1__referred_person__init(&r->p[k]);
        snprintf(r->name[k], sizeof r->name[k], "최영%d", t);
        r->p[k].name = r->name[k];
        r->p[k].sex = WELFARE__INTAKE__V1__SEX__SEX_MALE;
    }
    if (i % 37 == 13) {
        r->p[0].birth_date = "1949-03-01";
        r->p[1].birth_date = "1951-03-01";
        r->m.n_persons = 2;
    } else {
        r->p[0].birth_year = 1950;
        r->m.n_persons = 1;
    }
}

static void build_rows(void)
{
    for (size_t i = 0; i < N_ROWS; i++) {
        row *r = &rows[i];
        memset(r, 0, sizeof *r);
        welfare__intake__v1__submit_referral__init(&r->m);
        welfare__intake__v1__referred_household__init(&r->h);
        welfare__common__v1__geo_point__init(&r->g);
        welfare__intake__v1__risk_indicators__init(&r->risk);
        welfare__intake__v1__import_row__init(&r->import);
        for (size_t s = 0; s < MAX_P; s++) {
            welfare__intake__v1__referred_person__init(&r->p[s]);
            r->ptr[s] = &r->p[s];
        }
        int k = (int)rnd(N_HOUSEHOLDS), kind = (int)rnd(10);
        snprintf(r->address, sizeof r->address, "수영로 %d번길 %d", k, 10 + k % 5);
        r->h.address = r->address;
        r->h.dong_code = k % 2 ? "2650051000" : "2650052000";
        r->h.known_to_programme = rnd(5) == 0;
        if (rnd(3) != 0) {
            r->g.latitude = 35.1 + k / 1000.0;
            r->g.longitude = 129.1 + k / 997.0;
            r->h.location = &r->g;
        }
        size_t n = 1;
        person_of(r, 0, k, 0, 0);
        switch (kind) {
        case 0: /* the whole household, three persons */
            person_of(r, 1, k, 1, 0);
            person_of(r, 2, k, 2, 0);
            n = 3;
            break;
        case 1: /* a member known only by name + birth date + address: another number, same name key */
            person_of(r, 1, k, 1, 50000);
            n = 2;
            break;
        case 2: /* persons of two households in one referral */
            person_of(r, 1, (k + 1) % N_HOUSEHOLDS, 0, 0);
            n = 2;
            break;
        case 3: /* a new person sharing a phone with another household */
            person_of(r, 0, k + 100, 0, 0);
            snprintf(r->phone[0], sizeof r->phone[0], "010-%04d-%04d", (k + 3) % N_HOUSEHOLDS, 0);
            r->p[0].phone = r->phone[0];
            break;
        case 4: /* someone else at the address: a new household, same address */
            person_of(r, 0, k + 200 + (int)rnd(3), 0, 0);
            break;
        case 5: /* two persons with one name key (same name and birth date), numbers differ */
            person_of(r, 0, k + 300, 0, 0);
            person_of(r, 1, k + 300, 0, 70000);
            n = 2;
            break;
        case 6: /* one more household at household 0's address: more than 8 there, so LIMIT 8 counts */
            person_of(r, 0, 1000 + (int)i, 0, 0);
            snprintf(r->address, sizeof r->address, "수영로 %d번길 %d", 0, 10);
            r->h.dong_code = "2650052000";
            break;
        case 7: /* a neighbour's report without the number (name, birth date, address) of the person
                 * case 8 reports with it: recognised by the score, they get the number */
            person_of(r, 0, k + 400, 0, 0);
            snprintf(r->birth, sizeof r->birth, "19%.2s-%.2s-%.2s", r->rrn[0], r->rrn[0] + 2, r->rrn[0] + 4);
            r->p[0].birth_date = r->birth;
            r->p[0].rrn = NULL;
            break;
        case 8:
            person_of(r, 0, k + 400, 0, 0);
            break;
        default:
            if (rnd(2))
                person_of(r, n++, k, 1, 0);
            break;
        }
        r->m.n_persons = n;
        r->m.persons = r->ptr;
        r->m.household = &r->h;
        r->m.channel = 1 + (int)rnd(5);
        snprintf(r->date, sizeof r->date, "2026-%02d-%02d", 1 + (int)rnd(12), 1 + (int)rnd(28));
        r->m.reported_on = r->date;
        r->risk.months_utility_arrears = (int)rnd(6);
        r->risk.months_rent_arrears = (int)rnd(4);
        r->risk.lives_alone = rnd(2);
        r->risk.disability = rnd(4) == 0;
        r->risk.single_parent = rnd(6) == 0;
        r->m.risk = &r->risk;
        if (rnd(3) == 0) {
            snprintf(r->concern, sizeof r->concern, "걱정 %zu", i);
            r->m.concern = r->concern;
        }
        if (i % 11 == 5)
            r->m.reporter_id = reporter_id;
        if (i % 23 == 7)
            r->m.reporter_id = 999999; /* unknown */
        if (i % 17 == 3)
            r->rrn[0][13] = r->rrn[0][13] == '0' ? '1' : '0'; /* a wrong check digit */
        r->import.line = (int64_t)i + 2;
        r->import.referral = &r->m;
        tied_relatives(r, i);
    }
}

/* --- the schemas ----------------------------------------------------------------------------- */

static int row_status[N_ROWS]; /* each seeded row's outcome alone (bulk_equals_rows) */

static char url_buf[1024];

/* A schema of url_buf migrated, with the dongs, opened with every statement into *db. */
static int open_schema(const char *schema, wh_db **db)
{
    size_t n;
    const wh_db_statement *st = intake_all_statements(&n);
    if (fake_schema_open(url_buf, schema, intake_migrations, intake_migrations_count, st, n, db) < 0)
        return -1;
    return intake_test_define_dongs(wh_db_conn(*db)) < 0 ? -1 : 0;
}

/* A whole query's text, rows by lines and cells by '|'. */
static char *dump(wh_db *db, const char *sql)
{
    PGresult *r = PQexec(wh_db_conn(db), sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(wh_db_conn(db)));
    size_t cap = 1024, len = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    for (int i = 0; i < PQntuples(r); i++)
        for (int k = 0; k < PQnfields(r); k++) {
            const char *v = PQgetisnull(r, i, k) ? "NULL" : PQgetvalue(r, i, k);
            size_t n = strlen(v) + 2;
            if (len + n + 1 > cap) {
                while (len + n + 1 > cap)
                    cap *= 2;
                out = realloc(out, cap);
            }
            len += (size_t)snprintf(out + len, cap - len, "%s%c", v, k + 1 < PQnfields(r) ? '|' : '\n');
        }
    PQclear(r);
    return out;
}

static const char *const TABLES[] = {
    "SELECT id, dong_code, latitude, longitude, address_key, known_to_programme, blind_spot, risk_score, "
    "referral_count, first_reported_on, last_reported_on, merged_into, address_sealed IS NOT NULL "
    "FROM household ORDER BY id",
    "SELECT id, household_id, rrn_hash, name_key, phone_hash, birth_date, rrn_sealed IS NOT NULL, "
    "name_sealed IS NOT NULL, phone_sealed IS NULL = (phone_hash IS NULL) FROM person ORDER BY id",
    "SELECT id, household_id, channel, reporter_id, reported_on, concern_sealed IS NULL, "
    "months_utility_arrears, months_rent_arrears, months_insurance_arrears, lives_alone, aged_65_or_over, "
    "disability, chronic_illness, unemployed, single_parent, risk_score, person_count, persons_added, "
    "created_household FROM referral ORDER BY id",
    "SELECT household_a, household_b, reason, resolution FROM duplicate_suspicion ORDER BY 1, 2",
    "SELECT (SELECT count(*) FROM household), (SELECT count(*) FROM person), (SELECT count(*) FROM "
    "referral), "
    "(SELECT count(*) FROM duplicate_suspicion)",
};

static void assert_same_tables(wh_db *a, wh_db *b)
{
    for (size_t t = 0; t < sizeof TABLES / sizeof TABLES[0]; t++) {
        char *x = dump(a, TABLES[t]), *y = dump(b, TABLES[t]);
        if (strcmp(x, y) != 0) {
            /* the first differing line, for the log */
            size_t i = 0, line = 1;
            while (x[i] && x[i] == y[i])
                line += x[i++] == '\n';
            print_error("table query %zu differs at line %zu\n", t, line);
        }
        assert_string_equal(x, y);
        free(x);
        free(y);
    }
}

static void assert_same_events(const event_log *a, const event_log *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        if (strcmp(a->types[i], b->types[i]) != 0 || a->len[i] != b->len[i] ||
            memcmp(a->data[i], b->data[i], a->len[i]) != 0)
            fail_msg("event %zu differs: %s / %s", i, a->types[i], b->types[i]);
    }
}

static int64_t register_reporter(wh_db *db, event_log *log)
{
    Welfare__Intake__V1__RegisterReporter m = WELFARE__INTAKE__V1__REGISTER_REPORTER__INIT;
    ProtobufCMessage *reply;
    m.name = "통장협의회";
    m.channel = 1;
    assert_int_equal(run(db, log, intake_handle_register_reporter, &m.base, &reply), 0);
    return ((Welfare__Intake__V1__RegisterReporterReply *)reply)->reporter_id;
}

/* The rows one by one; failed[i] set for the refused ones (and their status and field). */
static void import_rows(wh_db *db, event_log *log, int *status, char (*field)[64])
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < N_ROWS; i++) {
            ProtobufCMessage *reply;
            int rc = run(db, log, intake_handle_submit_referral, &rows[i].m.base, &reply);
            if (pass == 0) {
                status[i] = rc;
                snprintf(field[i], sizeof field[i], "%s", fake.field);
            }
        }
}

/* The rows as the framework's batches would run them: runs of up to 16 good rows at once through
 * the batch handler (in one transaction), a refused row alone (its batch fell back). */
static void import_batches(wh_db *db, event_log *log, const int *status)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t at = 0; at < N_ROWS;) {
            ProtobufCMessage *reply;
            if (status[at] != 0) {
                assert_int_equal(run(db, log, intake_handle_submit_referral, &rows[at].m.base, &reply),
                                 status[at]);
                at++;
                continue;
            }
            ProtobufCMessage *requests[16], *replies[16];
            wh_ctx *ctxs[16];
            size_t n = 0;
            while (n < 16 && at + n < N_ROWS && status[at + n] == 0) {
                requests[n] = &rows[at + n].m.base;
                ctxs[n] = &fake;
                n++;
            }
            fake_reset();
            fake.db = db;
            fake.log = log;
            wh_db_exec_sql(db, "BEGIN");
            assert_int_equal(intake_handle_submit_referrals(ctxs, requests, replies, n), 0);
            wh_db_exec_sql(db, "COMMIT");
            for (size_t i = 0; i < n; i++)
                assert_non_null(replies[i]);
            at += n;
        }
}

/* A referral raising several suspicions says so in one DuplicateSuspected listing them all. */
static void assert_grouped_suspicions(const event_log *l)
{
    size_t grouped = 0, events = 0, tied = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->types[i], "welfare.intake.v1.DuplicateSuspected") != 0)
            continue;
        Welfare__Intake__V1__DuplicateSuspected *d =
            welfare__intake__v1__duplicate_suspected__unpack(NULL, l->len[i], l->data[i]);
        assert_non_null(d);
        events++;
        if (d->n_tied > 0) { /* tied_relatives: the two, their tie first among the reasons */
            assert_int_equal(d->n_tied, 2);
            assert_true(d->tied[0]->person_id < d->tied[1]->person_id);
            assert_non_null(strstr(d->tied[0]->score_reasons, "tied 0.85 = 0.85; name 1.00"));
            tied++;
        }
        if (d->n_others == 0) {
            assert_true(d->n_tied > 0);
            assert_int_equal(d->other_household_id, 0);
            assert_string_equal(d->reason, INTAKE_REASON_TIED);
            welfare__intake__v1__duplicate_suspected__free_unpacked(d, NULL);
            continue;
        }
        assert_int_equal(d->other_household_id, d->others[0]->household_id);
        assert_string_equal(d->reason, d->others[0]->reason);
        grouped += d->n_others > 1;
        welfare__intake__v1__duplicate_suspected__free_unpacked(d, NULL);
    }
    assert_true(events > 0);
    assert_true(grouped > 0);
    assert_int_equal(tied, 14); /* 7 re-reports, each in both passes */
}

/* The rows in blocks of `block` rows; checks each reply against the row-by-row outcome. */
static void import_blocks(wh_db *db, event_log *log, size_t block, const int *status, char (*field)[64])
{
    Welfare__Intake__V1__ImportRow *ptrs[N_ROWS];
    for (size_t i = 0; i < N_ROWS; i++)
        ptrs[i] = &rows[i].import;
    for (int pass = 0; pass < 2; pass++)
        for (size_t at = 0; at < N_ROWS; at += block) {
            Welfare__Intake__V1__ImportReferralBlock m = WELFARE__INTAKE__V1__IMPORT_REFERRAL_BLOCK__INIT;
            m.import_id = "test";
            m.block_no = (int64_t)(at / block);
            m.rows = ptrs + at;
            m.n_rows = at + block <= N_ROWS ? block : N_ROWS - at;
            ProtobufCMessage *reply;
            assert_int_equal(run(db, log, intake_handle_import_block, &m.base, &reply), 0);
            const Welfare__Intake__V1__ImportReferralBlockReply *r = (const void *)reply;
            size_t failed = 0, e = 0;
            for (size_t i = at; i < at + m.n_rows; i++) {
                if (status[i] == 0)
                    continue;
                failed++;
                assert_true(e < r->n_errors);
                assert_int_equal(r->errors[e]->line, (int64_t)i + 2);
                assert_int_equal(r->errors[e]->row, (int)(i - at));
                assert_int_equal(wh_status_from_proto(r->errors[e]->status), status[i]);
                assert_string_equal(r->errors[e]->field, field[i]);
                e++;
            }
            assert_int_equal(r->n_errors, failed);
            assert_int_equal(r->rows_failed, (int)failed);
            assert_int_equal(r->rows_ok, (int)(m.n_rows - failed));
        }
}

static void bulk_equals_rows(void **state)
{
    (void)state;
    const char *url = getenv("WH_TEST_DB_URL");
    if (!url || !*url) {
        skip();
        return;
    }
    snprintf(url_buf, sizeof url_buf, "%s", url);
    static const struct {
        const char *schema;
        size_t block;
        intake_bulk_write write;
    } runs[] = {
        {"intake_bulk_b1", 1, INTAKE_BULK_COPY},
        {"intake_bulk_b7", 7, INTAKE_BULK_COPY},
        {"intake_bulk_b64u", 64, INTAKE_BULK_UNNEST},
        {"intake_bulk_b260", N_ROWS, INTAKE_BULK_COPY},
    };
    wh_db *ref = NULL;
    event_log ref_log = {0};
    static int status[N_ROWS];
    static char field[N_ROWS][64];
    assert_int_equal(open_schema("intake_bulk_rows", &ref), 0);
    reporter_id = register_reporter(ref, &ref_log);
    build_rows();
    import_rows(ref, &ref_log, status, field);
    memcpy(row_status, status, sizeof row_status);
    size_t refused = 0;
    for (size_t i = 0; i < N_ROWS; i++)
        refused += status[i] != 0;
    assert_true(refused > 10); /* the seeded bad rows */
    /* the seed must produce every case the comparison is about */
    assert_true(
        intake_test_scalar(ref, "SELECT count(*) FROM duplicate_suspicion WHERE reason LIKE 'persons%'") > 0);
    assert_true(intake_test_scalar(
                    ref, "SELECT count(*) FROM duplicate_suspicion WHERE reason LIKE 'same phone%'") > 0);
    assert_true(intake_test_scalar(
                    ref, "SELECT count(*) FROM duplicate_suspicion WHERE reason LIKE 'same address%'") > 0);
    assert_true(intake_test_scalar(
                    ref, "SELECT count(*) FROM referral WHERE NOT created_household AND persons_added > 0") >
                0);
    assert_true(intake_test_scalar(ref, "SELECT count(*) FROM referral WHERE persons_added < person_count") >
                0);
    assert_true(intake_test_scalar(ref, "SELECT count(*) FROM referral WHERE reporter_id IS NOT NULL") > 0);
    assert_true(intake_test_scalar(
                    ref, "SELECT max(n) FROM (SELECT count(*) n FROM household GROUP BY address_key) a") > 9);
    assert_true(intake_test_scalar(
                    ref, "SELECT count(*) FROM (SELECT household_id, name_key FROM person GROUP BY 1, 2 "
                         "HAVING count(*) > 1) d") > 0);
    assert_grouped_suspicions(&ref_log);
    {
        wh_db *db = NULL;
        event_log log = {0};
        assert_int_equal(open_schema("intake_bulk_batch", &db), 0);
        assert_int_equal(register_reporter(db, &log), reporter_id);
        import_batches(db, &log, status);
        assert_same_tables(ref, db);
        assert_same_events(&ref_log, &log);
        fake_log_free(&log);
        wh_db_close(&db);
    }
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
        wh_db *db = NULL;
        event_log log = {0};
        assert_int_equal(open_schema(runs[k].schema, &db), 0);
        assert_int_equal(register_reporter(db, &log), reporter_id);
        intake_bulk_write_mode = runs[k].write;
        import_blocks(db, &log, runs[k].block, status, field);
        assert_same_tables(ref, db);
        assert_same_events(&ref_log, &log);
        fake_log_free(&log);
        wh_db_close(&db);
    }
    intake_bulk_write_mode = INTAKE_BULK_COPY;
    fake_log_free(&ref_log);
    wh_db_close(&ref);
    fake_reset();
    free(fake.allocs);
    fake.allocs = NULL;
    fake.cap_allocs = 0;
}

/* One block of rows[from, from + n) with ids "row-<i>" (prefixed: another import of other rows). */
static const Welfare__Intake__V1__ImportReferralBlockReply *block_with_ids(wh_db *db, event_log *log,
                                                                           size_t from, size_t n)
{
    static Welfare__Intake__V1__ImportRow *ptrs[N_ROWS];
    static char ids[N_ROWS][16];
    for (size_t i = 0; i < n; i++) {
        snprintf(ids[from + i], sizeof ids[0], "row-%zu", from + i);
        rows[from + i].import.row_id = ids[from + i];
        ptrs[i] = &rows[from + i].import;
    }
    Welfare__Intake__V1__ImportReferralBlock m = WELFARE__INTAKE__V1__IMPORT_REFERRAL_BLOCK__INIT;
    m.import_id = "ids";
    m.rows = ptrs;
    m.n_rows = n;
    ProtobufCMessage *reply;
    assert_int_equal(run(db, log, intake_handle_import_block, &m.base, &reply), 0);
    for (size_t i = 0; i < n; i++)
        rows[from + i].import.row_id = (char *)protobuf_c_empty_string;
    return (const void *)reply;
}

static int64_t referrals(wh_db *db)
{
    return intake_test_scalar(db, "SELECT count(*) FROM referral");
}

/* Rows with ids: a row stored once is "already imported" in any later block of the same sender (and
 * not stored again), a new row beside it is stored; the same id with another referral is ALREADY_EXISTS,
 * an id twice in a block or malformed INVALID_ARGUMENT, all on row_id; another sender's ids are its own. */
static void row_ids_make_each_row_count_once(void **state)
{
    (void)state;
    if (!url_buf[0]) {
        skip();
        return;
    }
    wh_db *db = NULL;
    event_log log = {0};
    static const wh_principal ops_a = {.name = "ops-a", .role = WH_ROLE_OPERATOR};
    static const wh_principal ops_b = {.name = "ops-b", .role = WH_ROLE_OPERATOR};
    assert_int_equal(open_schema("intake_bulk_ids", &db), 0);
    assert_int_equal(register_reporter(db, &log), reporter_id);
    fake.principal = &ops_a;
    const Welfare__Intake__V1__ImportReferralBlockReply *r = block_with_ids(db, &log, 0, 10);
    int32_t first_ok = r->rows_ok, first_failed = r->rows_failed;
    assert_true(first_ok > 0 && first_failed > 0); /* the seed's bad rows are among the first ten */
    assert_int_equal(r->n_already_imported_rows, 0);
    assert_int_equal(referrals(db), first_ok);
    assert_int_equal(intake_test_scalar(db, "SELECT count(*) FROM import_row"), first_ok);

    /* the first ten again, in a block with ten more: only the new rows are stored */
    size_t events = log.n;
    r = block_with_ids(db, &log, 0, 20);
    assert_int_equal(r->n_already_imported_rows, (size_t)first_ok);
    for (size_t k = 0; k < r->n_already_imported_rows; k++) {
        assert_true(r->already_imported_rows[k] < 10);
        assert_true(k == 0 || r->already_imported_rows[k] > r->already_imported_rows[k - 1]);
    }
    int32_t second_new = r->rows_ok - first_ok;
    assert_true(second_new > 0);
    assert_true(r->rows_failed >= first_failed); /* the bad rows fail again: they were never stored */
    assert_int_equal(referrals(db), first_ok + second_new);
    int32_t received = 0; /* the new rows' events only: no second referral for a row stored before */
    for (size_t e = events; e < log.n; e++)
        received += strcmp(log.types[e], "welfare.intake.v1.ReferralReceived") == 0;
    assert_int_equal(received, second_new);

    /* a stored row's id with another referral: refused on row_id, nothing stored */
    size_t stored = (size_t)r->already_imported_rows[0];
    const char *concern = rows[stored].m.concern;
    rows[stored].m.concern = "바뀐 내용";
    events = log.n;
    r = block_with_ids(db, &log, stored, 1);
    rows[stored].m.concern = (char *)concern;
    assert_int_equal(r->rows_failed, 1);
    assert_int_equal(wh_status_from_proto(r->errors[0]->status), WH_ALREADY_EXISTS);
    assert_string_equal(r->errors[0]->field, "row_id");
    assert_int_equal(log.n, events);
    assert_int_equal(referrals(db), first_ok + second_new);

    /* an id twice in one block, and one that breaks the rule */
    Welfare__Intake__V1__ImportRow twice[2] = {rows[30].import, rows[31].import},
                                   *pt[2] = {&twice[0], &twice[1]};
    twice[0].row_id = twice[1].row_id = "same-id";
    Welfare__Intake__V1__ImportReferralBlock m = WELFARE__INTAKE__V1__IMPORT_REFERRAL_BLOCK__INIT;
    m.import_id = "ids";
    m.rows = pt;
    m.n_rows = 2;
    ProtobufCMessage *reply;
    assert_int_equal(run(db, &log, intake_handle_import_block, &m.base, &reply), 0);
    r = (const void *)reply;
    assert_true(r->n_errors >= 1);
    assert_int_equal(r->errors[r->n_errors - 1]->row, 1);
    assert_string_equal(r->errors[r->n_errors - 1]->field, "row_id");
    twice[1].row_id = "has space";
    assert_int_equal(run(db, &log, intake_handle_import_block, &m.base, &reply), 0);
    r = (const void *)reply;
    assert_string_equal(r->errors[r->n_errors - 1]->field, "row_id");
    assert_int_equal(wh_status_from_proto(r->errors[r->n_errors - 1]->status), WH_INVALID_ARGUMENT);

    /* another sender's rows under the same ids are its own */
    fake.principal = &ops_b;
    int64_t before = referrals(db);
    r = block_with_ids(db, &log, 0, 10);
    assert_int_equal(r->n_already_imported_rows, 0);
    assert_int_equal(referrals(db), before + r->rows_ok);
    fake.principal = NULL;
    fake_log_free(&log);
    wh_db_close(&db);
    fake_reset();
}

/* import_row is pruned like the command records: by intake's retention hook (intake_prune, what the
 * framework's tick calls with WH_COMMAND_RETENTION_DAYS and its batch size), ids older than the days
 * go in batches of at most the limit, recent ones stay; a row whose id was pruned imports as new. */
static void old_row_ids_are_pruned(void **state)
{
    (void)state;
    if (!url_buf[0]) {
        skip();
        return;
    }
    wh_db *db = NULL;
    event_log log = {0};
    static const wh_principal ops = {.name = "ops-prune", .role = WH_ROLE_OPERATOR};
    assert_int_equal(open_schema("intake_bulk_prune", &db), 0);
    assert_int_equal(register_reporter(db, &log), reporter_id);
    fake.principal = &ops;
    const Welfare__Intake__V1__ImportReferralBlockReply *r = block_with_ids(db, &log, 0, 40);
    int64_t stored = r->rows_ok;
    assert_int_equal(intake_test_scalar(db, "SELECT count(*) FROM import_row"), stored);
    assert_true(stored > 10);
    assert_int_equal(
        intake_test_scalar(db, "SELECT count(*) FROM import_row WHERE created_at > now() - interval '1 "
                               "minute'"),
        stored);
    int64_t (*prune)(wh_db *, int64_t, int64_t) =
        intake_prune; /* service.c's .prune (test_command_roles.c) */

    /* nothing is old yet */
    assert_int_equal(prune(db, 30, 5000), 0);
    assert_int_equal(intake_test_scalar(db, "SELECT count(*) FROM import_row"), stored);

    /* age the ids of rows 0..19: 31 days, and one only 29 days (inside the retention) */
    assert_true(intake_test_scalar(
                    db,
                    "WITH a AS (UPDATE import_row SET created_at = now() - interval '31 days' "
                    "WHERE split_part(row_id, '-', 2)::int < 20 RETURNING 1) SELECT count(*) FROM a") > 3);
    int64_t old = intake_test_scalar(
        db, "SELECT count(*) FROM import_row WHERE created_at < now() - interval '30 days'");
    assert_int_equal(intake_test_scalar(
                         db, "WITH a AS (UPDATE import_row SET created_at = now() - interval '29 days' "
                             "WHERE row_id = (SELECT min(row_id) FROM import_row WHERE created_at < now() - "
                             "interval '30 days') RETURNING 1) SELECT count(*) FROM a"),
                     1);
    old--;

    /* a batch takes at most the limit, the next the rest; the recent and the 29-day-old stay */
    assert_int_equal(prune(db, 30, 2), 2);
    assert_int_equal(prune(db, 30, 5000), old - 2);
    assert_int_equal(prune(db, 30, 5000), 0);
    assert_int_equal(intake_test_scalar(db, "SELECT count(*) FROM import_row"), stored - old);
    assert_int_equal(intake_test_scalar(
                         db, "SELECT count(*) FROM import_row WHERE created_at < now() - interval '30 days'"),
                     0);
    assert_int_equal(
        intake_test_scalar(db, "SELECT count(*) FROM import_row WHERE split_part(row_id, '-', 2)::int >= 20"),
        intake_test_scalar(db, "SELECT count(*) FROM import_row") - 1);
    /* a shorter retention takes the 29-day-old one too */
    assert_int_equal(prune(db, 28, 5000), 1);

    /* the same 40 rows again: the pruned ones are new (stored a second time), the others already imported */
    int64_t before = referrals(db);
    r = block_with_ids(db, &log, 0, 40);
    assert_int_equal((int64_t)r->n_already_imported_rows, stored - old - 1);
    assert_int_equal(referrals(db), before + old + 1);
    assert_int_equal(intake_test_scalar(db, "SELECT count(*) FROM import_row"), stored);
    fake.principal = NULL;
    fake_log_free(&log);
    wh_db_close(&db);
    fake_reset();
}

/* Row i sent alone (welfarectl --row-by-row) with the id a block gives it. */
static int submit_row(wh_db *db, event_log *log, size_t i, const Welfare__Intake__V1__SubmitReferralReply **r)
{
    char id[16];
    snprintf(id, sizeof id, "row-%zu", i);
    rows[i].m.row_id = id;
    ProtobufCMessage *reply;
    int rc = run(db, log, intake_handle_submit_referral, &rows[i].m.base, &reply);
    rows[i].m.row_id = (char *)protobuf_c_empty_string;
    *r = (const void *)reply;
    return rc;
}

/* The good rows of [from, from + n) through the batch handler at once, each with its row id. */
static int submit_batch(wh_db *db, event_log *log, size_t from, size_t n, size_t *sent)
{
    static char ids[16][16];
    ProtobufCMessage *requests[16], *replies[16];
    wh_ctx *ctxs[16];
    size_t k = 0;
    for (size_t i = from; i < from + n && k < 16; i++)
        if (row_status[i] == 0) {
            snprintf(ids[k], sizeof ids[k], "row-%zu", i);
            rows[i].m.row_id = ids[k];
            requests[k] = &rows[i].m.base;
            ctxs[k++] = &fake;
        }
    fake_reset();
    fake.db = db;
    fake.log = log;
    wh_db_exec_sql(db, "BEGIN");
    int rc = intake_handle_submit_referrals(ctxs, requests, replies, k);
    wh_db_exec_sql(db, rc == 0 ? "COMMIT" : "ROLLBACK");
    for (size_t i = from; i < from + n; i++)
        rows[i].m.row_id = (char *)protobuf_c_empty_string;
    *sent = k;
    return rc;
}

/* SubmitReferral.row_id is the same row id as ImportRow.row_id: a row imported in a block is already
 * imported when sent alone (the earlier referral and household in the reply, nothing stored), a row
 * sent alone is recorded and already imported in a later block; the batch handler stores new rows
 * with their ids at once and sends a batch with a row stored before back to one at a time. */
static void row_ids_are_one_mechanism_for_blocks_and_rows(void **state)
{
    (void)state;
    if (!url_buf[0]) {
        skip();
        return;
    }
    wh_db *db = NULL;
    event_log log = {0};
    static const wh_principal ops = {.name = "ops-rows", .role = WH_ROLE_OPERATOR};
    assert_int_equal(open_schema("intake_bulk_row_by_row", &db), 0);
    assert_int_equal(register_reporter(db, &log), reporter_id);
    fake.principal = &ops;
    const Welfare__Intake__V1__ImportReferralBlockReply *b = block_with_ids(db, &log, 0, 10);
    int64_t good = b->rows_ok, later = 0;
    for (size_t i = 0; i < 20; i++) {
        const Welfare__Intake__V1__SubmitReferralReply *r;
        int64_t before = referrals(db);
        size_t events = log.n;
        int rc = submit_row(db, &log, i, &r);
        assert_int_equal(rc, row_status[i]);
        if (rc != 0)
            continue;
        if (i < 10) { /* stored by the block: answered from import_row, nothing new */
            assert_true(r->already_imported);
            char sql[160];
            snprintf(sql, sizeof sql,
                     "SELECT count(*) FROM import_row i JOIN referral f ON f.id = i.referral_id WHERE "
                     "i.row_id = 'row-%zu' AND i.referral_id = %lld AND f.household_id = %lld",
                     i, (long long)r->referral_id, (long long)r->household_id);
            assert_int_equal(intake_test_scalar(db, sql), 1);
            assert_int_equal(referrals(db), before);
            assert_int_equal(log.n, events);
        } else { /* new: stored and its id recorded */
            assert_false(r->already_imported);
            assert_int_equal(referrals(db), before + 1);
            later++;
        }
    }
    assert_true(later > 0);
    assert_int_equal(intake_test_scalar(db, "SELECT count(*) FROM import_row"), good + later);

    /* the same twenty rows in a block: every stored one already imported, nothing stored */
    int64_t before = referrals(db);
    b = block_with_ids(db, &log, 0, 20);
    assert_int_equal((int64_t)b->n_already_imported_rows, good + later);
    assert_int_equal(referrals(db), before);

    /* a stored row's id with another referral, alone: ALREADY_EXISTS on row_id */
    size_t stored = (size_t)b->already_imported_rows[0];
    const char *concern = rows[stored].m.concern;
    rows[stored].m.concern = "바뀐 내용";
    const Welfare__Intake__V1__SubmitReferralReply *r;
    assert_int_equal(submit_row(db, &log, stored, &r), WH_ALREADY_EXISTS);
    assert_string_equal(fake.field, "row_id");
    rows[stored].m.concern = (char *)concern;

    /* the batch handler: new rows stored together with their ids; again, back to one at a time */
    size_t sent;
    before = referrals(db);
    assert_int_equal(submit_batch(db, &log, 40, 16, &sent), 0);
    assert_true(sent > 4);
    assert_int_equal(referrals(db), before + (int64_t)sent);
    assert_int_equal(intake_test_scalar(db, "SELECT count(*) FROM import_row"), good + later + (int64_t)sent);
    assert_true(submit_batch(db, &log, 40, 16, &sent) < 0);
    assert_int_equal(referrals(db), before + (int64_t)sent);
    b = block_with_ids(db, &log, 40, 16);
    assert_int_equal(b->n_already_imported_rows, sent);
    assert_int_equal(referrals(db), before + (int64_t)sent);
    fake.principal = NULL;
    fake_log_free(&log);
    wh_db_close(&db);
    fake_reset();
}

/* A block that is bad as a whole changes nothing and says why. */
static void block_checks(void **state)
{
    (void)state;
    event_log log = {0};
    ProtobufCMessage *reply;
    Welfare__Intake__V1__ImportReferralBlock m = WELFARE__INTAKE__V1__IMPORT_REFERRAL_BLOCK__INIT;
    assert_int_equal(run(NULL, &log, intake_handle_import_block, &m.base, &reply), WH_INVALID_ARGUMENT);
    assert_string_equal(fake.field, "import_id");
    m.import_id = "x";
    assert_int_equal(run(NULL, &log, intake_handle_import_block, &m.base, &reply), WH_INVALID_ARGUMENT);
    assert_string_equal(fake.field, "rows");
    m.n_rows = INTAKE_BLOCK_MAX_ROWS + 1;
    assert_int_equal(run(NULL, &log, intake_handle_import_block, &m.base, &reply), WH_INVALID_ARGUMENT);
    assert_string_equal(fake.field, "rows");
    m.block_no = -1;
    assert_int_equal(run(NULL, &log, intake_handle_import_block, &m.base, &reply), WH_INVALID_ARGUMENT);
    assert_string_equal(fake.field, "block_no");
    assert_int_equal(log.n, 0);
    fake_reset();
}

int main(void)
{
    static const unsigned char key[32] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6,
                                          7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2};
    if (wh_pii_init_key(key) < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(block_checks),
        cmocka_unit_test(bulk_equals_rows),
        cmocka_unit_test(row_ids_make_each_row_count_once),
        cmocka_unit_test(old_row_ids_are_pruned),
        cmocka_unit_test(row_ids_are_one_mechanism_for_blocks_and_rows),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    wh_pii_shutdown();
    return rc;
}

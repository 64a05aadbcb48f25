/*
 * itest.c — the integration tests' shared helpers (see itest.h): clients, superuser SQL, the stack's
 * shell functions, this run's unique dong codes and persons, referrals, and counting a stream's events.
 */
#include "itest.h"

#include <libpq-fe.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "welfare/bus/v1/stream.pb-c.h"
#include "wh/status.h"

#define MAX_PARAMS 16

static whc *open_client(const char *service, const char *key_path)
{
    whc_options opt = whc_options_from_env();
    whc *c = NULL;
    if (key_path)
        opt.secret_key_path = key_path;
    if (whc_open(&c, service, &opt) != 0) {
        fprintf(stderr, "itest: cannot connect to %s\n", service);
        exit(2);
    }
    return c;
}

whc *itest_client(const char *service)
{
    return open_client(service, NULL);
}

whc *itest_client_as(const char *service, const char *principal)
{
    static char path[1024];
    const char *var = getenv("WH_VAR");
    snprintf(path, sizeof path, "%s/keys/%s.key", var ? var : "var", principal);
    return open_client(service, path);
}

static PGconn *connection(void)
{
    static PGconn *conn;
    if (conn && PQstatus(conn) == CONNECTION_OK)
        return conn;
    PQfinish(conn);
    const char *url = getenv("WH_TEST_DB_URL");
    conn = PQconnectdb(url ? url : "");
    if (PQstatus(conn) != CONNECTION_OK)
        fprintf(stderr, "itest: cannot connect to the database: %s", PQerrorMessage(conn));
    return conn;
}

static int64_t query_i64(const char *sql, int n, const char *const *params)
{
    PGresult *r = PQexecParams(connection(), sql, n, NULL, params, NULL, NULL, 0);
    int64_t value = -1;
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fprintf(stderr, "itest: query failed: %s  (%s)\n", PQresultErrorMessage(r), sql);
    else if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        value = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return value;
}

int64_t itest_sql_i64(const char *sql, ...)
{
    const char *params[MAX_PARAMS];
    int n = 0;
    va_list ap;
    va_start(ap, sql);
    for (const char *p; n < MAX_PARAMS && (p = va_arg(ap, const char *)) != NULL;)
        params[n++] = p;
    va_end(ap);
    return query_i64(sql, n, params);
}

static int64_t wait_i64(int64_t want, int secs, const char *sql, int n, const char *const *params)
{
    int64_t value = -1;
    for (int i = 0; i < secs * 20; i++) {
        value = query_i64(sql, n, params);
        if (value == want)
            break;
        usleep(50 * 1000);
    }
    return value;
}

int64_t itest_wait_i64(int64_t want, int secs, const char *sql)
{
    return wait_i64(want, secs, sql, 0, NULL);
}

int64_t itest_wait_i64_params(int64_t want, int secs, const char *sql, ...)
{
    const char *params[MAX_PARAMS];
    int n = 0;
    va_list ap;
    va_start(ap, sql);
    for (const char *p; n < MAX_PARAMS && (p = va_arg(ap, const char *)) != NULL;)
        params[n++] = p;
    va_end(ap);
    return wait_i64(want, secs, sql, n, params);
}

int itest_stack(const char *command)
{
    char script[2048];
    snprintf(script, sizeof script, "bash -c 'source scripts/stack.sh && wh_export_endpoints && %s'",
             command);
    int status = system(script);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const char *itest_run_id(void)
{
    static char id[32];
    if (!id[0])
        snprintf(id, sizeof id, "%ld%03d", (long)time(NULL) % 100000, (int)getpid() % 1000);
    return id;
}

int64_t itest_run_number(void)
{
    return strtoll(itest_run_id(), NULL, 10) % 100000000;
}

void itest_dong_code(char out[11], int index)
{
    char code[32];
    snprintf(code, sizeof code, "9%u%08lld", (unsigned)index % 10, (long long)itest_run_number());
    snprintf(out, 11, "%.10s", code);
}

static const int rrn_weights[12] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};

void itest_rrn(char out[15], int k)
{
    /* 1940-01-01 plus up to 7000 days: a real date in the 1900s, different for consecutive runs */
    struct tm tm = {
        .tm_year = 40, .tm_mon = 0, .tm_mday = 1 + (int)(itest_run_number() % 7000), .tm_hour = 12};
    time_t t = timegm(&tm);
    gmtime_r(&t, &tm);
    char digits[40];
    snprintf(digits, sizeof digits, "%02u%02u%02u1%05u", (unsigned)tm.tm_year % 100,
             (unsigned)tm.tm_mon % 12 + 1, (unsigned)tm.tm_mday % 32, 96000 + (unsigned)k % 4000);
    int sum = 0;
    for (int i = 0; i < 12; i++)
        sum += (digits[i] - '0') * rrn_weights[i];
    snprintf(out, 15, "%.6s-%.6s%d", digits, digits + 6, (11 - sum % 11) % 10);
}

void itest_referral_init(itest_referral *r, const char *dong_code, int household, int first_person,
                         int n_persons, int risk, const char *reported_on)
{
    memset(r, 0, sizeof *r);
    welfare__intake__v1__submit_referral__init(&r->req);
    welfare__intake__v1__referred_household__init(&r->household);
    welfare__common__v1__geo_point__init(&r->location);
    welfare__intake__v1__risk_indicators__init(&r->risk);
    snprintf(r->dong_code, sizeof r->dong_code, "%s", dong_code);
    snprintf(r->reported_on, sizeof r->reported_on, "%s", reported_on);
    snprintf(r->address, sizeof r->address, "Itest-ro %s-%d", itest_run_id(), household);
    r->location.latitude = 35.150 + 0.001 * (household % 10);
    r->location.longitude = 129.110 + 0.001 * (household % 7);
    r->household.address = r->address;
    r->household.dong_code = r->dong_code;
    r->household.location = &r->location;
    r->household.known_to_programme = false;
    if (n_persons > ITEST_MAX_PERSONS)
        n_persons = ITEST_MAX_PERSONS;
    for (int i = 0; i < n_persons; i++) {
        welfare__intake__v1__referred_person__init(&r->person[i]);
        itest_rrn(r->rrn[i], first_person + i);
        snprintf(r->name[i], sizeof r->name[i], "Itest Person %d", first_person + i);
        r->person[i].rrn = r->rrn[i];
        r->person[i].name = r->name[i];
        r->persons[i] = &r->person[i];
    }
    if (risk == ITEST_RISK_HIGH) {
        r->risk.lives_alone = true;
        r->risk.months_utility_arrears = 3;
        r->risk.months_rent_arrears = 3;
    }
    r->req.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SAFETY_NET;
    r->req.household = &r->household;
    r->req.persons = r->persons;
    r->req.n_persons = (size_t)n_persons;
    r->req.risk = &r->risk;
    r->req.reported_on = r->reported_on;
}

Welfare__Intake__V1__SubmitReferralReply *itest_submit(whc *c, const itest_referral *r)
{
    Welfare__Intake__V1__SubmitReferralReply *reply = NULL;
    whc_error err;
    int rc = whc_call(c, &r->req.base, &welfare__intake__v1__submit_referral_reply__descriptor,
                      (ProtobufCMessage **)&reply, &err);
    if (rc != 0)
        fail_msg("SubmitReferral: %s (%s): %s", wh_status_name(rc), err.field, err.message);
    return reply;
}

int64_t itest_events_count(const char *stream, const char *type, itest_event_match match, void *arg,
                           uint64_t *head_out)
{
    whc *c = itest_client(stream);
    Welfare__Bus__V1__FetchEvents req = WELFARE__BUS__V1__FETCH_EVENTS__INIT;
    int64_t count = 0;
    req.stream = (char *)stream;
    for (;;) {
        Welfare__Bus__V1__FetchEventsReply *reply = NULL;
        whc_error err;
        if (whc_call(c, &req.base, &welfare__bus__v1__fetch_events_reply__descriptor,
                     (ProtobufCMessage **)&reply, &err) != 0) {
            fprintf(stderr, "itest: FetchEvents %s after %llu: %s\n", stream,
                    (unsigned long long)req.after_sequence, err.message);
            count = -1;
            break;
        }
        for (size_t i = 0; i < reply->n_events; i++) {
            const Welfare__Bus__V1__Envelope *ev = reply->events[i];
            if (ev->sequence != req.after_sequence + 1) /* gap-free, in order */
                fprintf(stderr, "itest: %s: sequence %llu after %llu\n", stream,
                        (unsigned long long)ev->sequence, (unsigned long long)req.after_sequence);
            req.after_sequence = ev->sequence;
            if ((!type || strcmp(ev->type, type) == 0) && (!match || match(ev, arg)))
                count++;
        }
        bool done = reply->n_events == 0 || req.after_sequence >= reply->head_sequence;
        if (head_out)
            *head_out = reply->head_sequence;
        protobuf_c_message_free_unpacked(&reply->base, NULL);
        if (done)
            break;
    }
    whc_close(&c);
    return count;
}

bool itest_same_message(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
    size_t na = protobuf_c_message_get_packed_size(a), nb = protobuf_c_message_get_packed_size(b);
    if (na != nb)
        return false;
    uint8_t *pa = malloc(na + 1), *pb = malloc(nb + 1);
    protobuf_c_message_pack(a, pa);
    protobuf_c_message_pack(b, pb);
    bool same = memcmp(pa, pb, na) == 0;
    free(pa);
    free(pb);
    return same;
}

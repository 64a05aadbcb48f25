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
#include "welfare/reporting/v1/commands.pb-c.h"
#include "welfare/routing/v1/commands.pb-c.h"
#include "wh/access.h"
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

whc *itest_client_with(const char *service, int timeout_ms, int retries)
{
    whc_options opt = whc_options_from_env();
    whc *c = NULL;
    opt.timeout_ms = timeout_ms;
    opt.retries = retries;
    if (whc_open(&c, service, &opt) != 0) {
        fprintf(stderr, "itest: cannot connect to %s\n", service);
        exit(2);
    }
    return c;
}

static PGconn *conn;

static PGconn *connection(void)
{
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
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (PQresultStatus(r) != PGRES_TUPLES_OK &&
        (!state || strncmp(state, "08", 2) == 0 || strncmp(state, "57", 2) == 0)) {
        /* the server restarted under us (a fault test): connect again, once */
        PQclear(r);
        PQfinish(conn);
        conn = NULL;
        r = PQexecParams(connection(), sql, n, NULL, params, NULL, NULL, 0);
    }
    int64_t value = -1;
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fprintf(stderr, "itest: query failed: %s  (%s)\n", PQresultErrorMessage(r), sql);
    else if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        value = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return value;
}

int itest_sql_exec(const char *sql)
{
    PGresult *r = PQexec(connection(), sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "itest: statement failed: %s  (%s)\n", PQresultErrorMessage(r), sql);
    PQclear(r);
    return ok ? 0 : -1;
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

void itest_dong_define_as(const char *code, const char *name, int hub_type, const char *hub, double latitude,
                          double longitude)
{
    Welfare__Routing__V1__DefineDong q = WELFARE__ROUTING__V1__DEFINE_DONG__INIT;
    Welfare__Common__V1__GeoPoint centre = WELFARE__COMMON__V1__GEO_POINT__INIT;
    centre.latitude = latitude;
    centre.longitude = longitude;
    q.dong_code = (char *)code;
    q.name = (char *)name;
    q.hub_type = hub_type;
    q.hub_dong_code = (char *)hub;
    q.centre = &centre;
    whc *routing = itest_client("routing");
    Welfare__Routing__V1__DefineDongReply *r = (Welfare__Routing__V1__DefineDongReply *)itest_call(
        routing, &q.base, &welfare__routing__v1__define_dong_reply__descriptor);
    whc_close(&routing);
    if (!r || strcmp(r->dong_code, code) != 0 || strcmp(r->hub_dong_code, hub) != 0) {
        fprintf(stderr, "itest: could not define dong %s (hub %s)\n", code, hub);
        abort();
    }
    protobuf_c_message_free_unpacked(&r->base, NULL);
    if (!itest_wait_caught_up("intake", "routing", 30)) {
        fprintf(stderr, "itest: intake has not applied dong %s after 30 s\n", code);
        abort();
    }
}

void itest_dong_define(const char *code)
{
    char name[48];
    snprintf(name, sizeof name, "Itest dong %s", code);
    itest_dong_define_as(code, name, WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_BASIC, code, 35.15, 129.11);
}

void itest_dong_code(char out[11], int index)
{
    char code[32];
    snprintf(code, sizeof code, "9%u%08lld", (unsigned)index % 10, (long long)itest_run_number());
    snprintf(out, 11, "%.10s", code);
    static bool defined[10]; /* once per process */
    if (!defined[index % 10])
        itest_dong_define(out);
    defined[index % 10] = true;
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

int64_t itest_agency_reporter(const char *principal)
{
    static char cached_for[64];
    static int64_t cached;
    const char *path = getenv("WH_ALLOWLIST_FILE");
    wh_access *a = NULL;
    int64_t id = 0;
    /* read once: a test may revoke the agency's line for a while (the grant does not change) */
    if (cached > 0 && strcmp(cached_for, principal) == 0)
        return cached;
    if (path == NULL || wh_access_load(&a, path) != 0)
        fail_msg("itest: cannot read the allow-list (WH_ALLOWLIST_FILE)");
    const wh_principal *p = wh_access_by_name(a, principal);
    for (size_t i = 0; p != NULL && id == 0 && i < p->n_grants; i++)
        if (strncmp(p->grants[i], "reporter:", 9) == 0)
            id = strtoll(p->grants[i] + 9, NULL, 10);
    wh_access_destroy(&a);
    if (id <= 0)
        fail_msg("itest: %s has no reporter:<id> grant (scripts/stack.sh wh_agency_onboard)", principal);
    snprintf(cached_for, sizeof cached_for, "%s", principal);
    return cached = id;
}

void itest_referral_as_agency(itest_referral *r, const char *principal)
{
    r->req.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_PARTNER_AGENCY;
    r->req.reporter_id = itest_agency_reporter(principal);
}

ProtobufCMessage *itest_call(whc *c, const ProtobufCMessage *request,
                             const ProtobufCMessageDescriptor *reply_type)
{
    ProtobufCMessage *reply = NULL;
    whc_error err;
    int rc = whc_call(c, request, reply_type, &reply, &err);
    if (rc != 0)
        fail_msg("%s: %s (%s): %s", request->descriptor->name, wh_status_name(rc), err.field, err.message);
    return reply;
}

Welfare__Intake__V1__SubmitReferralReply *itest_submit(whc *c, const itest_referral *r)
{
    return (Welfare__Intake__V1__SubmitReferralReply *)itest_call(
        c, &r->req.base, &welfare__intake__v1__submit_referral_reply__descriptor);
}

void itest_submit_one(const itest_referral *r)
{
    whc *c = itest_client("intake");
    Welfare__Intake__V1__SubmitReferralReply *reply = itest_submit(c, r);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    whc_close(&c);
}

void itest_expect_error(whc *c, const ProtobufCMessage *request, const ProtobufCMessageDescriptor *reply_type,
                        int status, const char *field)
{
    ProtobufCMessage *reply = NULL;
    whc_error err;
    int rc = whc_call(c, request, reply_type, &reply, &err);
    if (rc != status || strcmp(err.field, field) != 0)
        fail_msg("%s: want %s (%s), got %s (%s): %s", request->descriptor->name, wh_status_name(status),
                 field, wh_status_name(rc), err.field, err.message);
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
}

char *itest_id_text(int64_t v)
{
    static char buf[8][24];
    static int k;
    char *s = buf[k++ % 8];
    snprintf(s, 24, "%lld", (long long)v);
    return s;
}

bool itest_wait_caught_up(const char *consumer_schema, const char *stream, int secs)
{
    uint64_t head = 0;
    if (itest_events_count(stream, NULL, NULL, NULL, &head) < 0)
        return false;
    char sql[256], value[24];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM %s.consumer_position WHERE stream = $1 AND position >= $2",
             consumer_schema);
    snprintf(value, sizeof value, "%llu", (unsigned long long)head);
    return itest_wait_i64_params(1, secs, sql, stream, value, NULL) == 1;
}

Welfare__Bus__V1__FetchEventsReply *itest_fetch_events(whc *c, const char *stream, uint64_t after,
                                                       uint32_t max, const char *const *types, size_t n_types,
                                                       int *status)
{
    Welfare__Bus__V1__FetchEvents q = WELFARE__BUS__V1__FETCH_EVENTS__INIT;
    Welfare__Bus__V1__FetchEventsReply *r = NULL;
    whc_error err;
    q.stream = (char *)stream;
    q.after_sequence = after;
    q.max_events = max;
    q.types = (char **)types;
    q.n_types = n_types;
    *status = whc_call(c, &q.base, &welfare__bus__v1__fetch_events_reply__descriptor, (ProtobufCMessage **)&r,
                       &err);
    return r;
}

void itest_send_fetch(whc *c, const char *stream, uint64_t after, uint32_t wait_ms)
{
    Welfare__Bus__V1__FetchEvents q = WELFARE__BUS__V1__FETCH_EVENTS__INIT;
    char id[37];
    q.stream = (char *)stream;
    q.after_sequence = after;
    q.wait_ms = wait_ms;
    assert_int_equal(whc_send(c, &q.base, id), 0);
}

Welfare__Bus__V1__FetchEventsReply *itest_recv_fetch(whc *c, int timeout_ms, int *status)
{
    ProtobufCMessage *r = NULL;
    char id[37];
    whc_error err;
    *status = whc_recv(c, timeout_ms, &welfare__bus__v1__fetch_events_reply__descriptor, &r, id, &err);
    if (*status == WH_UNAVAILABLE && id[0] == '\0')
        *status = -1; /* nothing within the timeout */
    if (*status != 0 && r != NULL) {
        protobuf_c_message_free_unpacked(r, NULL);
        r = NULL;
    }
    return (Welfare__Bus__V1__FetchEventsReply *)r;
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

int itest_kpi_query(const char *const *dongs, size_t n_dongs, const char *from_on, const char *to_on,
                    itest_kpi *out)
{
    Welfare__Reporting__V1__QueryKpi q = WELFARE__REPORTING__V1__QUERY_KPI__INIT;
    Welfare__Reporting__V1__KpiSelection sel = WELFARE__REPORTING__V1__KPI_SELECTION__INIT;
    Welfare__Reporting__V1__QueryKpiReply *reply = NULL;
    whc_error err;
    sel.dong_codes = (char **)dongs;
    sel.n_dong_codes = n_dongs;
    sel.from_on = (char *)from_on;
    sel.to_on = (char *)to_on;
    q.selection = &sel;
    whc *c = itest_client("reporting");
    int rc = whc_call(c, &q.base, &welfare__reporting__v1__query_kpi_reply__descriptor,
                      (ProtobufCMessage **)&reply, &err);
    whc_close(&c);
    if (rc != 0) {
        fprintf(stderr, "itest: QueryKpi: %s (%s): %s\n", wh_status_name(rc), err.field, err.message);
        return rc;
    }
    const Welfare__Reporting__V1__KpiValues *t = reply->report ? reply->report->total : NULL;
    memset(out, 0, sizeof *out);
    if (t) {
        *out = (itest_kpi){t->targets,          t->visiting_personnel,   t->visiting_personnel_private,
                           t->case_households,  t->blind_spots,          t->site_visits,
                           t->service_linkages, t->resources_discovered, t->resource_amount_krw,
                           t->targets_change};
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return 0;
}

bool itest_kpi_wait(const char *const *dongs, size_t n_dongs, const char *from_on, const char *to_on,
                    const itest_kpi *want, int secs, itest_kpi *got)
{
    for (int i = 0; i < secs * 10; i++) {
        if (itest_kpi_query(dongs, n_dongs, from_on, to_on, got) == 0 && memcmp(got, want, sizeof *got) == 0)
            return true;
        usleep(100 * 1000);
    }
    return false;
}

void itest_kpi_assert_equal(const itest_kpi *want, const itest_kpi *got)
{
    if (memcmp(want, got, sizeof *want) == 0)
        return;
    fail_msg("KPI want/got: targets %lld/%lld personnel %lld/%lld private %lld/%lld cases %lld/%lld "
             "blind %lld/%lld visits %lld/%lld linkages %lld/%lld resources %lld/%lld amount %lld/%lld "
             "targets_change %lld/%lld",
             (long long)want->targets, (long long)got->targets, (long long)want->personnel,
             (long long)got->personnel, (long long)want->personnel_private, (long long)got->personnel_private,
             (long long)want->case_households, (long long)got->case_households, (long long)want->blind_spots,
             (long long)got->blind_spots, (long long)want->site_visits, (long long)got->site_visits,
             (long long)want->linkages, (long long)got->linkages, (long long)want->resources,
             (long long)got->resources, (long long)want->resource_amount_krw,
             (long long)got->resource_amount_krw, (long long)want->targets_change,
             (long long)got->targets_change);
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

int64_t itest_metric(const char *service, const char *sample)
{
    char var[48], cmd[160], line[512];
    const char *port;
    int64_t value = -1;
    size_t n = strlen(sample);

    snprintf(var, sizeof var, "WH_%s_HTTP_PORT", service);
    for (char *c = var; *c; c++)
        *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
    port = getenv(var);
    assert_non_null(port);
    snprintf(cmd, sizeof cmd, "curl -fsS http://127.0.0.1:%s/metrics", port);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, sample, n) == 0 && line[n] == ' ')
            value = strtoll(line + n + 1, NULL, 10);
    pclose(f);
    return value;
}

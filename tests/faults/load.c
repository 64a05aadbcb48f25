/*
 * load.c — the fault suite's load driver: several concurrent clients send referrals to intake and
 * the follow-on commands the flow causes (AssessNeeds on each case that opened, PlanDay and
 * RecordVisitOutcome for the visits case asked for), while tests/faults/run.sh injects faults.
 *
 *   faults-load setup --journal FILE --prefix P --clients N
 *       per client a basic-type hub dong, two case managers (one privately employed), a provider and
 *       a resource
 *   faults-load run --journal FILE --prefix P --clients N --seconds S [--rate R] [--twin-every K]
 *                   [--replayers M]
 *       for S seconds each client submits R referrals a second (one in four high-risk: a case opens),
 *       every K-th one with a racing twin, while M replayer threads resend acknowledged commands out
 *       of order; then prints its counts as JSON on stdout
 *
 * Client k works in dong "8" + P (7 digits) + k (2 digits), so a scenario's KPI is its own.  Every
 * acknowledged command is a journal line (faults.h); tests/faults/check.sql compares them with the
 * schemas and reporting.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "faults.h"
#include "welfare/case/v1/commands.pb-c.h"
#include "welfare/intake/v1/commands.pb-c.h"
#include "welfare/registry/v1/commands.pb-c.h"
#include "welfare/routing/v1/commands.pb-c.h"
#include "wh/log.h"
#include "wh/util.h"

#define MAX_CLIENTS 16
#define PLAN_DAYS   7
#define CASE_RISK   50 /* case's WH_CASE_RISK_THRESHOLD default */

static const char *const business_day[PLAN_DAYS + 1] = {"2026-03-02", "2026-03-03", "2026-03-04",
                                                        "2026-03-05", "2026-03-06", "2026-03-07",
                                                        "2026-03-08", "2026-03-09"};

typedef struct options {
    const char *journal, *prefix;
    int clients, seconds, rate, twin_every, replayers;
} options;

typedef struct client {
    const options *opt;
    int index;
    char dong[11];
    whc *intake, *twin, *kase, *routing, *registry;
    int64_t last_case;
    int day, referrals, failures;
} client;

/* --- what the checker counts, from the replies ------------------------------------------------- */

static void count_referral(const ProtobufCMessage *m, int64_t n[4])
{
    const Welfare__Intake__V1__SubmitReferralReply *r = (const Welfare__Intake__V1__SubmitReferralReply *)m;
    n[0] = r->persons_added;
    n[1] = r->blind_spot;
    n[2] = r->is_new && r->risk_score >= CASE_RISK;
    n[3] = r->referral_id;
}

static void count_assessment(const ProtobufCMessage *m, int64_t n[4])
{
    n[0] = (int64_t)((const Welfare__Case__V1__AssessNeedsReply *)m)->n_linkage_ids;
}

static void count_outcome(const ProtobufCMessage *m, int64_t n[4])
{
    n[0] = ((const Welfare__Routing__V1__RecordVisitOutcomeReply *)m)->request_status ==
           WELFARE__ROUTING__V1__VISIT_REQUEST_STATUS__VISIT_REQUEST_STATUS_COMPLETED;
}

static void count_placed(const ProtobufCMessage *m, int64_t n[4])
{
    n[0] = ((const Welfare__Routing__V1__PlanDayReply *)m)->placed;
}

static void count_one(const ProtobufCMessage *m, int64_t n[4])
{
    (void)m;
    n[0] = 1;
}

/* --- setup: the client's hub, staff and resource ------------------------------------------------ */

static int free_reply(int rc, ProtobufCMessage *reply)
{
    if (reply != NULL)
        protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* A journaled call whose reply only the checker needs (through count). */
static int call_counted(whc *c, const char *service, const char *dong, const ProtobufCMessage *request,
                        const ProtobufCMessageDescriptor *reply_type, fl_count_fn count)
{
    ProtobufCMessage *reply = NULL;
    int rc = fl_call_journaled(c, service, dong, request, reply_type, &reply, count, NULL);
    return free_reply(rc, reply);
}

static int define_hub(client *cl)
{
    Welfare__Routing__V1__DefineDong q = WELFARE__ROUTING__V1__DEFINE_DONG__INIT;
    Welfare__Common__V1__GeoPoint centre = WELFARE__COMMON__V1__GEO_POINT__INIT;
    char name[48];

    snprintf(name, sizeof name, "Faults hub %d", cl->index);
    centre.latitude = 35.15 + 0.01 * cl->index;
    centre.longitude = 129.11;
    q.dong_code = cl->dong;
    q.name = name;
    q.hub_type = WELFARE__ROUTING__V1__HUB_TYPE__HUB_TYPE_BASIC;
    q.hub_dong_code = cl->dong;
    q.centre = &centre;
    return call_counted(cl->routing, "routing", cl->dong, &q.base,
                        &welfare__routing__v1__define_dong_reply__descriptor, NULL);
}

static void count_private(const ProtobufCMessage *m, int64_t n[4])
{
    (void)m;
    n[0] = 1;
    n[1] = 1;
}

static int register_staff(client *cl, bool private_employed)
{
    Welfare__Routing__V1__RegisterStaff q = WELFARE__ROUTING__V1__REGISTER_STAFF__INIT;
    char name[48];

    snprintf(name, sizeof name, "Faults manager %d%s", cl->index, private_employed ? "p" : "");
    q.name = name;
    q.role = WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_CASE_MANAGER;
    q.employment = private_employed ? WELFARE__COMMON__V1__EMPLOYMENT__EMPLOYMENT_PRIVATE
                                    : WELFARE__COMMON__V1__EMPLOYMENT__EMPLOYMENT_PUBLIC;
    q.hub_dong_code = cl->dong;
    q.shift_start_minute = 9 * 60;
    q.shift_end_minute = 18 * 60;
    q.active_from = (char *)business_day[0];
    return call_counted(cl->routing, "routing", cl->dong, &q.base,
                        &welfare__routing__v1__register_staff_reply__descriptor,
                        private_employed ? count_private : count_one);
}

static void count_amount(const ProtobufCMessage *m, int64_t n[4])
{
    (void)m;
    n[0] = 1;
    n[1] = 250000; /* the amount registered below */
}

static int register_resource(client *cl)
{
    Welfare__Registry__V1__RegisterProvider p = WELFARE__REGISTRY__V1__REGISTER_PROVIDER__INIT;
    Welfare__Registry__V1__RegisterResource q = WELFARE__REGISTRY__V1__REGISTER_RESOURCE__INIT;
    ProtobufCMessage *reply;
    char name[64];
    int rc;

    snprintf(name, sizeof name, "Faults foundation %s", cl->dong);
    p.name = name;
    p.kind = WELFARE__REGISTRY__V1__PROVIDER_KIND__PROVIDER_KIND_PRIVATE;
    p.has_mou = true;
    p.dong_code = cl->dong;
    rc = fl_call_journaled(cl->registry, "registry", cl->dong, &p.base,
                           &welfare__registry__v1__register_provider_reply__descriptor, &reply, NULL, NULL);
    if (rc != 0)
        return free_reply(rc, reply);
    q.provider_id = ((Welfare__Registry__V1__RegisterProviderReply *)reply)->provider_id;
    free_reply(0, reply);
    q.domain = WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_INCOME;
    q.kind = WELFARE__REGISTRY__V1__RESOURCE_KIND__RESOURCE_KIND_MONEY;
    q.dong_code = cl->dong;
    q.capacity = 1000000;
    q.amount_krw = 250000;
    q.discovered_on = (char *)business_day[0];
    q.title = "faults emergency grant";
    q.eligibility_notes = "households assessed by the hub";
    return call_counted(cl->registry, "registry", cl->dong, &q.base,
                        &welfare__registry__v1__register_resource_reply__descriptor, count_amount);
}

static int set_up(client *cl)
{
    if (define_hub(cl) != 0 || register_staff(cl, false) != 0 || register_staff(cl, true) != 0 ||
        register_resource(cl) != 0) {
        fprintf(stderr, "faults: setup of client %d failed\n", cl->index);
        return -1;
    }
    return 0;
}

/* --- referrals --------------------------------------------------------------------------------- */

static const int rrn_weights[12] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};

/* A valid resident number for person g of this prefix: region digits 96..99 (never issued), a birth
 * date in 1940..1958 from the prefix and g, the right check digit. */
static void make_rrn(char out[15], const char *prefix, long g)
{
    struct tm tm = {.tm_year = 40, .tm_mon = 0, .tm_hour = 12};
    char digits[40];
    int sum = 0;
    time_t t;

    tm.tm_mday = 1 + (int)((strtol(prefix, NULL, 10) * 53 + g / 4000) % 7000);
    t = timegm(&tm);
    gmtime_r(&t, &tm);
    snprintf(digits, sizeof digits, "%02u%02u%02u1%05u", (unsigned)tm.tm_year % 100,
             (unsigned)tm.tm_mon % 12 + 1, (unsigned)tm.tm_mday % 32, 96000 + (unsigned)(g % 4000));
    for (int i = 0; i < 12; i++)
        sum += (digits[i] - '0') * rrn_weights[i];
    snprintf(out, 15, "%.6s-%.6s%d", digits, digits + 6, (11 - sum % 11) % 10);
}

static int submit_referral(client *cl, int i)
{
    Welfare__Intake__V1__SubmitReferral q = WELFARE__INTAKE__V1__SUBMIT_REFERRAL__INIT;
    Welfare__Intake__V1__ReferredHousehold h = WELFARE__INTAKE__V1__REFERRED_HOUSEHOLD__INIT;
    Welfare__Common__V1__GeoPoint at = WELFARE__COMMON__V1__GEO_POINT__INIT;
    Welfare__Intake__V1__RiskIndicators risk = WELFARE__INTAKE__V1__RISK_INDICATORS__INIT;
    Welfare__Intake__V1__ReferredPerson person[3], *persons[3];
    char rrn[3][15], name[3][48], address[96];
    ProtobufCMessage *reply = NULL;
    int n = 1 + i % 3, rc;

    snprintf(address, sizeof address, "Faults-ro %s-%d-%d", cl->dong, cl->index, i);
    at.latitude = 35.15 + 0.01 * cl->index + 0.0001 * (i % 50);
    at.longitude = 129.11 + 0.0001 * (i % 37);
    h.address = address;
    h.dong_code = cl->dong;
    h.location = &at;
    for (int p = 0; p < n; p++) {
        long g = (long)cl->index * 300000 + (long)i * 3 + p;
        welfare__intake__v1__referred_person__init(&person[p]);
        make_rrn(rrn[p], cl->opt->prefix, g);
        snprintf(name[p], sizeof name[p], "Faults Person %ld", g);
        person[p].rrn = rrn[p];
        person[p].name = name[p];
        persons[p] = &person[p];
    }
    if (i % 4 == 0) { /* risk 64 with age: a case opens */
        risk.lives_alone = true;
        risk.months_utility_arrears = 3;
        risk.months_rent_arrears = 3;
    }
    q.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SAFETY_NET;
    q.household = &h;
    q.persons = persons;
    q.n_persons = (size_t)n;
    q.risk = &risk;
    q.reported_on = (char *)business_day[0];
    if (cl->opt->twin_every > 0 && i % cl->opt->twin_every == 1)
        rc = fl_call_twice(cl->intake, cl->twin, "intake", cl->dong, &q.base,
                           &welfare__intake__v1__submit_referral_reply__descriptor, &reply, count_referral);
    else
        rc = fl_call_journaled(cl->intake, "intake", cl->dong, &q.base,
                               &welfare__intake__v1__submit_referral_reply__descriptor, &reply,
                               count_referral, NULL);
    return free_reply(rc, reply);
}

/* --- follow-on commands ------------------------------------------------------------------------ */

static int assess(client *cl, int64_t case_id)
{
    Welfare__Case__V1__AssessNeeds q = WELFARE__CASE__V1__ASSESS_NEEDS__INIT;
    Welfare__Case__V1__Need need = WELFARE__CASE__V1__NEED__INIT, *needs[] = {&need};

    need.domain = WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_INCOME;
    need.severity = WELFARE__COMMON__V1__SEVERITY__SEVERITY_MODERATE;
    q.case_id = case_id;
    q.needs = needs;
    q.n_needs = 1;
    q.assessed_on = (char *)business_day[0];
    return call_counted(cl->kase, "case", cl->dong, &q.base,
                        &welfare__case__v1__assess_needs_reply__descriptor, count_assessment);
}

/* AssessNeeds for every case of the client's dong opened since the last round. */
static void assess_new_cases(client *cl)
{
    for (;;) {
        Welfare__Case__V1__ListCases q = WELFARE__CASE__V1__LIST_CASES__INIT;
        Welfare__Case__V1__ListCasesReply *r = NULL;
        int tries;

        q.dong_code = cl->dong;
        q.after_id = cl->last_case;
        q.limit = 200;
        if (fl_call(cl->kase, NULL, &q.base, &welfare__case__v1__list_cases_reply__descriptor,
                    (ProtobufCMessage **)&r, &tries) != 0)
            return;
        size_t n = r->n_cases;
        for (size_t i = 0; i < n; i++) {
            if (assess(cl, r->cases[i]->case_id) != 0)
                cl->failures++;
            cl->last_case = r->cases[i]->case_id;
        }
        free_reply(0, &r->base);
        if (n < 200)
            return;
    }
}

static void record_outcomes(client *cl, const Welfare__Routing__V1__PlanDayReply *plan)
{
    for (size_t i = 0; plan->plan != NULL && i < plan->plan->n_routes; i++)
        for (size_t j = 0; j < plan->plan->routes[i]->n_stops; j++) {
            Welfare__Routing__V1__RecordVisitOutcome q = WELFARE__ROUTING__V1__RECORD_VISIT_OUTCOME__INIT;
            q.visit_id = plan->plan->routes[i]->stops[j]->visit_id;
            q.outcome = WELFARE__ROUTING__V1__VISIT_OUTCOME__VISIT_OUTCOME_COMPLETED;
            if (call_counted(cl->routing, "routing", cl->dong, &q.base,
                             &welfare__routing__v1__record_visit_outcome_reply__descriptor,
                             count_outcome) != 0)
                cl->failures++;
        }
}

/* Plans the next business day of the client's hub and records every planned visit as completed. */
static void plan_next_day(client *cl)
{
    Welfare__Routing__V1__PlanDay q = WELFARE__ROUTING__V1__PLAN_DAY__INIT;
    Welfare__Routing__V1__PlanDayReply *r = NULL;

    if (cl->day >= PLAN_DAYS)
        return;
    q.hub_dong_code = cl->dong;
    q.date = (char *)business_day[++cl->day];
    if (fl_call_journaled(cl->routing, "routing", cl->dong, &q.base,
                          &welfare__routing__v1__plan_day_reply__descriptor, (ProtobufCMessage **)&r,
                          count_placed, NULL) != 0) {
        cl->failures++;
        free_reply(0, r != NULL ? &r->base : NULL);
        return;
    }
    record_outcomes(cl, r);
    free_reply(0, &r->base);
}

/* --- the client threads ------------------------------------------------------------------------ */

static void *run_client(void *arg)
{
    client *cl = arg;
    const options *o = cl->opt;
    int64_t start = wh_now_ms(), end = start + (int64_t)o->seconds * 1000;
    int64_t round_ms = (int64_t)o->seconds * 1000 / (PLAN_DAYS + 1), next_round = start + round_ms;

    for (int i = 0; wh_now_ms() < end; i++) {
        int64_t due = start + (int64_t)i * 1000 / o->rate;
        if (due > wh_now_ms())
            usleep((useconds_t)(due - wh_now_ms()) * 1000);
        if (submit_referral(cl, i) != 0)
            cl->failures++;
        cl->referrals++;
        if (wh_now_ms() >= next_round) {
            assess_new_cases(cl);
            plan_next_day(cl);
            next_round += round_ms;
        }
    }
    sleep(2); /* let the last cases open */
    assess_new_cases(cl);
    plan_next_day(cl);
    return NULL;
}

static void open_client(client *cl, const options *o, int k)
{
    memset(cl, 0, sizeof *cl);
    cl->opt = o;
    cl->index = k;
    snprintf(cl->dong, sizeof cl->dong, "8%.7s%02d", o->prefix, k);
    cl->intake = fl_connect("intake");
    cl->twin = fl_connect("intake");
    cl->kase = fl_connect("case");
    cl->routing = fl_connect("routing");
    cl->registry = fl_connect("registry");
}

static void close_client(client *cl)
{
    whc_close(&cl->intake);
    whc_close(&cl->twin);
    whc_close(&cl->kase);
    whc_close(&cl->routing);
    whc_close(&cl->registry);
}

static void print_counts(const client *cls, int n)
{
    long referrals = 0, failures = 0;
    for (int k = 0; k < n; k++) {
        referrals += cls[k].referrals;
        failures += cls[k].failures;
    }
    printf("{\"referrals\": %ld, \"acked\": %ld, \"final_errors\": %ld, \"gave_up\": %ld, \"resent\": %ld, "
           "\"twins\": %ld, \"twins_same\": %ld, \"twins_differ\": %ld, \"twins_unanswered\": %ld, "
           "\"replays\": %ld, \"replays_same\": %ld, \"replays_differ\": %ld, \"client_failures\": %ld}\n",
           referrals, atomic_load(&fl_stats.acked), atomic_load(&fl_stats.final_errors),
           atomic_load(&fl_stats.gave_up), atomic_load(&fl_stats.resent), atomic_load(&fl_stats.dup_sent),
           atomic_load(&fl_stats.dup_same), atomic_load(&fl_stats.dup_differ),
           atomic_load(&fl_stats.dup_unanswered), atomic_load(&fl_stats.replayed),
           atomic_load(&fl_stats.replay_same), atomic_load(&fl_stats.replay_differ), failures);
}

static int usage(void)
{
    fputs("usage: faults-load setup|run --journal FILE --prefix 7DIGITS --clients N [--seconds S] "
          "[--rate R] [--twin-every K] [--replayers M]\n",
          stderr);
    return 2;
}

static int parse(int argc, char **argv, options *o)
{
    *o = (options){.clients = 4, .seconds = 20, .rate = 20, .twin_every = 8, .replayers = 2};
    for (int i = 2; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (strcmp(k, "--journal") == 0)
            o->journal = v;
        else if (strcmp(k, "--prefix") == 0)
            o->prefix = v;
        else if (strcmp(k, "--clients") == 0)
            o->clients = atoi(v);
        else if (strcmp(k, "--seconds") == 0)
            o->seconds = atoi(v);
        else if (strcmp(k, "--rate") == 0)
            o->rate = atoi(v);
        else if (strcmp(k, "--twin-every") == 0)
            o->twin_every = atoi(v);
        else if (strcmp(k, "--replayers") == 0)
            o->replayers = atoi(v);
        else
            return -1;
    }
    if (o->journal == NULL || o->prefix == NULL || strlen(o->prefix) != 7 || o->clients < 1 ||
        o->clients > MAX_CLIENTS || o->seconds < 1 || o->rate < 1)
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    static client cls[MAX_CLIENTS];
    pthread_t threads[MAX_CLIENTS];
    options o;
    int rc = 0;

    if (argc < 2 || parse(argc, argv, &o) != 0)
        return usage();
    setenv("WH_LOG_LEVEL", "error", 0);
    wh_log_init("faults-load");
    if (fl_journal_open(o.journal) != 0) {
        fprintf(stderr, "faults: cannot open %s\n", o.journal);
        return 2;
    }
    for (int k = 0; k < o.clients; k++)
        open_client(&cls[k], &o, k);
    if (strcmp(argv[1], "setup") == 0) {
        for (int k = 0; k < o.clients && rc == 0; k++)
            rc = set_up(&cls[k]);
    } else if (strcmp(argv[1], "run") == 0) {
        fl_dup_start(o.replayers);
        for (int k = 0; k < o.clients; k++)
            pthread_create(&threads[k], NULL, run_client, &cls[k]);
        for (int k = 0; k < o.clients; k++)
            pthread_join(threads[k], NULL);
        fl_dup_stop();
        print_counts(cls, o.clients);
        rc = atomic_load(&fl_stats.gave_up) > 0 ? 1 : 0;
    } else {
        rc = usage();
    }
    for (int k = 0; k < o.clients; k++)
        close_client(&cls[k]);
    fl_journal_close();
    return rc;
}

/*
 * drive.c — runs the demo district through the services: connections, deterministic command ids,
 * progress, waiting for the event flow, and the "already loaded?" check.
 *
 * Every command carries a message id derived from the seed and its step, so the bus's exactly-once
 * rule makes a repeated or resumed run harmless.  A run first asks reporting whether the demo's
 * dongs and visits are there already and then skips everything (unless --force).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drive.h"
#include "welfare/reporting/v1/commands.pb-c.h"
#include "welfare/reporting/v1/discovery.pb-c.h"
#include "wh/status.h"

int demo_call(demo_run *run, whc *c, const char *step, uint64_t n, const ProtobufCMessage *req,
              const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply)
{
    char id[37];
    whc_error err;
    memset(&err, 0, sizeof err);
    demo_message_id(run->opt->seed, step, n, id);
    int rc = whc_call_id(c, id, req, reply_type, reply, &err);
    if (rc != 0) {
        run->errors++;
        fprintf(stderr, "\ndemo: %s #%llu failed: %s: %s%s%s\n", step, (unsigned long long)n,
                wh_status_name(rc), err.message, err.field[0] ? " field " : "", err.field);
    }
    return rc;
}

int demo_query(demo_run *run, whc *c, const ProtobufCMessage *req,
               const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply)
{
    whc_error err;
    memset(&err, 0, sizeof err);
    int rc = whc_call(c, req, reply_type, reply, &err);
    if (rc != 0)
        fprintf(stderr, "\ndemo: %s failed: %s: %s\n", req->descriptor->name, wh_status_name(rc),
                err.message);
    return rc;
}

void demo_progress(const demo_run *run, const char *what, size_t done, size_t total)
{
    static int tty = -1;
    if (run->opt->quiet)
        return;
    if (tty < 0)
        tty = isatty(STDERR_FILENO);
    if (tty)
        fprintf(stderr, "\r  %-28s %6zu/%zu%s", what, done, total, done == total ? "\n" : "");
    else if (done == total)
        fprintf(stderr, "  %-28s %6zu/%zu\n", what, done, total);
}

void demo_say(const demo_run *run, const char *fmt, ...)
{
    va_list ap;
    if (run->opt->quiet)
        return;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

int64_t demo_settle(demo_run *run, const char *what, int64_t (*count)(demo_run *run), int64_t want)
{
    int64_t last = -1;
    int stable = 0;
    time_t until = time(NULL) + run->opt->wait_secs;
    while (time(NULL) <= until) {
        int64_t n = count(run);
        if (n < 0)
            return n;
        if (want >= 0 && n >= want)
            return n;
        stable = n == last ? stable + 1 : 0;
        if (stable >= (want >= 0 ? 20 : 6) && n > 0) /* unchanged for 3 s (10 s when a target is known) */
            return n;
        last = n;
        usleep(500 * 1000);
    }
    demo_say(run, "  (still waiting for %s after %d s; going on with %lld)\n", what, run->opt->wait_secs,
             (long long)last);
    return last;
}

int demo_query_period(demo_run *run, ProtobufCMessage *req, Welfare__Reporting__V1__KpiSelection **selection,
                      const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply)
{
    Welfare__Reporting__V1__KpiSelection s = WELFARE__REPORTING__V1__KPI_SELECTION__INIT;
    s.from_on = DEMO_FROM;
    s.to_on = DEMO_TO;
    *selection = &s;
    int rc = demo_query(run, run->reporting, req, reply_type, reply);
    *selection = NULL;
    return rc;
}

/* The KPI totals over the demo period, or NULL. */
static Welfare__Reporting__V1__QueryKpiReply *kpi(demo_run *run)
{
    Welfare__Reporting__V1__QueryKpi q = WELFARE__REPORTING__V1__QUERY_KPI__INIT;
    Welfare__Reporting__V1__QueryKpiReply *r = NULL;
    if (demo_query_period(run, &q.base, &q.selection, &welfare__reporting__v1__query_kpi_reply__descriptor,
                          (ProtobufCMessage **)&r) != 0)
        return NULL;
    return r;
}

/* The discovery step finished: reporting shows both surveys, the last with a result for every listed
 * household (the step's last commands). */
static int discovery_done(demo_run *run)
{
    Welfare__Reporting__V1__QuerySurveys q = WELFARE__REPORTING__V1__QUERY_SURVEYS__INIT;
    Welfare__Reporting__V1__QuerySurveysReply *r = NULL;
    if (demo_query_period(run, &q.base, &q.selection,
                          &welfare__reporting__v1__query_surveys_reply__descriptor,
                          (ProtobufCMessage **)&r) != 0)
        return 0;
    const Welfare__Reporting__V1__SurveyFigures *last =
        r->n_surveys >= 2 ? r->surveys[r->n_surveys - 1] : NULL;
    int done = last && last->households_listed > 0 &&
               last->households_surveyed + last->not_reachable + last->refused == last->households_listed;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    return done;
}

/* Loaded when reporting knows every demo dong, has counted visits in the demo period and shows the
 * discovery step done. */
static int already_loaded(demo_run *run)
{
    Welfare__Reporting__V1__ListDongs q = WELFARE__REPORTING__V1__LIST_DONGS__INIT;
    Welfare__Reporting__V1__ListDongsReply *dongs = NULL;
    if (demo_query(run, run->reporting, &q.base, &welfare__reporting__v1__list_dongs_reply__descriptor,
                   (ProtobufCMessage **)&dongs) != 0)
        return -1;
    size_t known = 0;
    for (size_t i = 0; i < demo_dongs_count; i++)
        for (size_t j = 0; j < dongs->n_dongs; j++)
            known += strcmp(dongs->dongs[j]->dong_code, demo_dongs[i].code) == 0;
    protobuf_c_message_free_unpacked(&dongs->base, NULL);
    if (known < demo_dongs_count)
        return 0;
    Welfare__Reporting__V1__QueryKpiReply *r = kpi(run);
    int loaded = r && r->report && r->report->total && r->report->total->site_visits > 0;
    if (r)
        protobuf_c_message_free_unpacked(&r->base, NULL);
    return loaded && discovery_done(run);
}

static void print_summary(demo_run *run)
{
    Welfare__Reporting__V1__QueryKpiReply *r = kpi(run);
    if (!r || !r->report || !r->report->total) {
        if (r)
            protobuf_c_message_free_unpacked(&r->base, NULL);
        return;
    }
    const Welfare__Reporting__V1__KpiValues *t = r->report->total;
    demo_say(run,
             "demo district %s – %s: %lld targets (%+lld), %lld visiting staff (%lld private), %lld case "
             "households, "
             "%lld blind spots, %lld site visits, %lld linkages, %lld resources (KRW %lld)\n",
             DEMO_FROM, DEMO_TO, (long long)t->targets, (long long)t->targets_change,
             (long long)t->visiting_personnel, (long long)t->visiting_personnel_private,
             (long long)t->case_households, (long long)t->blind_spots, (long long)t->site_visits,
             (long long)t->service_linkages, (long long)t->resources_discovered,
             (long long)t->resource_amount_krw);
    protobuf_c_message_free_unpacked(&r->base, NULL);
}

static int open_all(demo_run *run)
{
    whc_options opt = whc_options_from_env();
    struct {
        const char *name;
        whc **c;
    } svc[] = {{"intake", &run->intake},
               {"case", &run->kase},
               {"registry", &run->registry},
               {"routing", &run->routing},
               {"reporting", &run->reporting}};
    for (size_t i = 0; i < sizeof svc / sizeof svc[0]; i++) {
        int rc = whc_open(svc[i].c, svc[i].name, &opt);
        if (rc != 0) {
            fprintf(stderr, "demo: cannot connect to %s: %s\n", svc[i].name, wh_status_name(rc));
            return rc;
        }
    }
    return 0;
}

static void close_all(demo_run *run)
{
    whc_close(&run->intake);
    whc_close(&run->kase);
    whc_close(&run->registry);
    whc_close(&run->routing);
    whc_close(&run->reporting);
    free(run->staff_ids);
    free(run->provider_ids);
    free(run->household_risk);
    free(run->household_ids);
}

int demo_drive(const demo_district *d, const demo_options *opt)
{
    demo_run run = {.d = d, .opt = opt};
    int (*const steps[])(demo_run *) = {demo_define_dongs,     demo_register_staff,   demo_register_resources,
                                        demo_register_members, demo_submit_referrals, demo_enrol_roster,
                                        demo_work_cases,       demo_do_outreach,      demo_plan_and_visit,
                                        demo_drive_discovery};
    int rc = open_all(&run);
    if (rc == 0 && !opt->force && (rc = already_loaded(&run)) == 1) {
        demo_say(&run, "the demo district is loaded already (seed %llu); nothing to do (--force reloads)\n",
                 (unsigned long long)opt->seed);
        print_summary(&run);
        close_all(&run);
        return 0;
    }
    run.staff_ids = calloc(d->n_staff + 1, sizeof *run.staff_ids);
    run.provider_ids = calloc(demo_providers_count, sizeof *run.provider_ids);
    run.household_risk = calloc(d->n_households + 1, sizeof *run.household_risk);
    run.household_ids = calloc(d->n_households + 1, sizeof *run.household_ids);
    if (rc >= 0 && (!run.staff_ids || !run.provider_ids || !run.household_risk || !run.household_ids))
        rc = WH_INTERNAL;
    for (size_t i = 0; rc >= 0 && i < sizeof steps / sizeof steps[0]; i++)
        rc = steps[i](&run);
    if (rc >= 0)
        print_summary(&run);
    close_all(&run);
    return rc < 0 ? rc : run.errors;
}

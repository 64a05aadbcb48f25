/*
 * handlers_batch.c — reporting's events applied a fetched run at a time (wh_service_def's
 * event_batch_handlers): the same facts as handlers.c, event after event, in two statements for the
 * whole run instead of one or two per event.  An event that cannot be counted fails the run, and the
 * bus applies it again one event at a time with handlers.c, which rejects it on its own.
 */
#include <string.h>

#include "discovery.h"
#include "reporting.h"
#include "wh/metrics.h"
#include "wh/status.h"
#include "wh/util.h"

#define APPLIED_HELP "Events reporting counted."

typedef int (*fact_fn)(const ProtobufCMessage *m, reporting_fact *f, const char **field);

/* The events that are one fact each; the facts of some may be empty (nothing to add). */
static int blind_spot(const ProtobufCMessage *m, reporting_fact *f, const char **field)
{
    return reporting_fact_blind_spot((const Welfare__Intake__V1__BlindSpotDiscovered *)m, f, field);
}
static int linkage(const ProtobufCMessage *m, reporting_fact *f, const char **field)
{
    return reporting_fact_linkage((const Welfare__Case__V1__LinkageCompleted *)m, f, field);
}
static int visit(const ProtobufCMessage *m, reporting_fact *f, const char **field)
{
    return reporting_fact_visit((const Welfare__Routing__V1__VisitCompleted *)m, f, field);
}
static int visit_missed(const ProtobufCMessage *m, reporting_fact *f, const char **field)
{
    return reporting_fact_visit_missed((const Welfare__Routing__V1__VisitMissed *)m, f, field);
}
static int home_visit(const ProtobufCMessage *m, reporting_fact *f, const char **field)
{
    return reporting_fact_home_visit((const Welfare__Case__V1__HomeVisitRecorded *)m, f, field);
}
static int service_linkage(const ProtobufCMessage *m, reporting_fact *f, const char **field)
{
    return reporting_fact_service_linkage((const Welfare__Registry__V1__ServiceLinkageChanged *)m, f, field);
}
static int resource(const ProtobufCMessage *m, reporting_fact *f, const char **field)
{
    return reporting_fact_resource((const Welfare__Registry__V1__ResourceRegistered *)m, f, field);
}
/* A referral counts no KPI, only the funnel's first step (stored by reporting_apply_facts). */
static int referral(const ProtobufCMessage *m, reporting_fact *f, const char **field)
{
    const Welfare__Intake__V1__ReferralReceived *e = (const Welfare__Intake__V1__ReferralReceived *)m;
    memset(f, 0, sizeof *f);
    *field = !reporting_dong_code_valid(e->dong_code) ? "dong_code"
             : !wh_date_valid(e->reported_on)         ? "reported_on"
                                                      : NULL;
    return *field != NULL ? WH_INVALID_ARGUMENT : 0;
}
static int case_opened(const ProtobufCMessage *m, reporting_fact *f, const char **field)
{
    return reporting_fact_case_opened((const Welfare__Case__V1__CaseOpened *)m, f, field);
}

static const struct {
    const ProtobufCMessageDescriptor *event;
    fact_fn fact;
} facts[] = {
    {&welfare__intake__v1__blind_spot_discovered__descriptor, blind_spot},
    {&welfare__case__v1__linkage_completed__descriptor, linkage},
    {&welfare__routing__v1__visit_completed__descriptor, visit},
    {&welfare__routing__v1__visit_missed__descriptor, visit_missed},
    {&welfare__case__v1__home_visit_recorded__descriptor, home_visit},
    {&welfare__registry__v1__service_linkage_changed__descriptor, service_linkage},
    {&welfare__registry__v1__resource_registered__descriptor, resource},
    {&welfare__case__v1__case_opened__descriptor, case_opened},
    {&welfare__intake__v1__referral_received__descriptor, referral},
};

static fact_fn fact_of(const ProtobufCMessageDescriptor *event)
{
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++)
        if (facts[i].event == event)
            return facts[i].fact;
    return NULL;
}

static void count_applied(const ProtobufCMessageDescriptor *type, size_t n)
{
    char labels[160];
    snprintf(labels, sizeof labels, "type=\"%s\"", type->name);
    wh_counter_add(wh_metrics_counter("reporting_events_applied_total", labels, APPLIED_HELP), (double)n);
}

/* The facts of the run in f (every event's, empty ones too).  0, or the first event's failure. */
static int facts_of(wh_ctx *const *ctx, const ProtobufCMessage *const *events, size_t n, reporting_fact *f)
{
    for (size_t i = 0; i < n; i++) {
        fact_fn fact = fact_of(events[i]->descriptor);
        const char *field = NULL;
        if (fact == NULL)
            return wh_ctx_fail(ctx[i], WH_INTERNAL, NULL, "no batch fact for %s",
                               events[i]->descriptor->name);
        if (fact(events[i], &f[i], &field) != 0)
            return wh_ctx_fail(ctx[i], WH_INVALID_ARGUMENT, field, "event cannot be counted: bad %s",
                               field ? field : "");
    }
    return 0;
}

/* Keeps the facts that add something, in order; their number. */
static size_t non_empty(reporting_fact *f, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (!reporting_fact_empty(&f[i]))
            f[kept++] = f[i];
    return kept;
}

/* The run's referrals (the funnel's first step), in their order; their number in *n_out. */
static const Welfare__Intake__V1__ReferralReceived **
referrals_of(wh_ctx *ctx, const ProtobufCMessage *const *events, size_t n, size_t *n_out)
{
    const Welfare__Intake__V1__ReferralReceived **r = wh_ctx_alloc(ctx, n * sizeof *r);
    *n_out = 0;
    for (size_t i = 0; r != NULL && i < n; i++)
        if (events[i]->descriptor == &welfare__intake__v1__referral_received__descriptor)
            r[(*n_out)++] = (const Welfare__Intake__V1__ReferralReceived *)events[i];
    return r;
}

/* A run of any of the fact types and referrals, mixed (the consumer keeps a run going across types
 * with this same handler): facts are sums and funnel writes keep the earliest date or the first
 * referral, so they commute, and the result is that of one event at a time. */
int reporting_apply_facts(wh_ctx *const *ctx, const ProtobufCMessage *const *events, size_t n)
{
    reporting_fact *f = wh_ctx_alloc(ctx[0], n * sizeof *f);
    size_t n_referrals = 0;
    const Welfare__Intake__V1__ReferralReceived **referrals = referrals_of(ctx[0], events, n, &n_referrals);
    if (f == NULL || referrals == NULL)
        return wh_ctx_fail(ctx[0], WH_INTERNAL, NULL, "out of memory");
    int rc = facts_of(ctx, events, n, f);
    if (rc == 0)
        rc = reporting_store_add_facts(wh_ctx_db(ctx[0]), f, non_empty(f, n));
    if (rc == 0 && n_referrals > 0)
        rc = reporting_store_funnel_referrals(wh_ctx_db(ctx[0]), referrals, n_referrals);
    if (rc == 0)
        rc = reporting_funnel_apply_all(wh_ctx_db(ctx[0]), events, n); /* funnel_apply.c */
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = reporting_apply_find(wh_ctx_db(ctx[0]), events[i]); /* finds.c: the members credited */
    for (size_t i = 0; rc == 0 && i < n; i++)
        count_applied(events[i]->descriptor, 1);
    return rc;
}

/* A case counts from its first CaseOpened; a repeat (a replayed stream) changes nothing. */
int reporting_apply_cases_opened(wh_ctx *const *ctx, const ProtobufCMessage *const *events, size_t n)
{
    reporting_fact *f = wh_ctx_alloc(ctx[0], n * sizeof *f);
    int64_t *ids = wh_ctx_alloc(ctx[0], n * sizeof *ids);
    bool *fresh = wh_ctx_alloc(ctx[0], n * sizeof *fresh);
    if (f == NULL || ids == NULL || fresh == NULL)
        return wh_ctx_fail(ctx[0], WH_INTERNAL, NULL, "out of memory");
    int rc = facts_of(ctx, events, n, f);
    for (size_t i = 0; rc == 0 && i < n; i++)
        ids[i] = ((const Welfare__Case__V1__CaseOpened *)events[i])->case_id;
    if (rc == 0)
        rc = reporting_store_open_cases(wh_ctx_db(ctx[0]), ids, f, n, fresh);
    size_t kept = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (fresh[i])
            f[kept++] = f[i];
    if (rc == 0)
        rc = reporting_store_add_facts(wh_ctx_db(ctx[0]), f, kept);
    if (rc == 0)
        rc = reporting_funnel_apply_all(wh_ctx_db(ctx[0]), events, n); /* idempotent: replays too */
    if (rc == 0)
        count_applied(events[0]->descriptor, kept);
    return rc;
}

const wh_event_batch reporting_event_batches[] = {
    {"intake", &welfare__intake__v1__referral_received__descriptor, reporting_apply_facts},
    {"intake", &welfare__intake__v1__blind_spot_discovered__descriptor, reporting_apply_facts},
    {"case", &welfare__case__v1__case_opened__descriptor, reporting_apply_cases_opened},
    {"case", &welfare__case__v1__linkage_completed__descriptor, reporting_apply_facts},
    {"case", &welfare__case__v1__home_visit_recorded__descriptor, reporting_apply_facts},
    {"registry", &welfare__registry__v1__service_linkage_changed__descriptor, reporting_apply_facts},
    {"registry", &welfare__registry__v1__resource_registered__descriptor, reporting_apply_facts},
    {"routing", &welfare__routing__v1__visit_completed__descriptor, reporting_apply_facts},
    {"routing", &welfare__routing__v1__visit_missed__descriptor, reporting_apply_facts},
};
const size_t reporting_event_batches_count =
    sizeof reporting_event_batches / sizeof reporting_event_batches[0];

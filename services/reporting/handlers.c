/*
 * handlers.c — the events reporting applies: each turns into a fact of one dong's day, or updates
 * the case and staff intervals and the dong map.
 *
 * The bus calls these inside the transaction that also moves the stream position, so each event
 * counts exactly once.  An event that cannot be counted (no dong, no valid business date) fails with
 * the field named: the bus retries it and then parks it in the dead-letter table, and the counter
 * reporting_events_rejected_total says so; the stream goes on.
 */
#include <stdio.h>
#include <stdlib.h>

#include "compare.h"
#include "discovery.h"
#include "reporting.h"
#include "wh/log.h"
#include "wh/metrics.h"
#include "wh/status.h"
#include "wh/util.h"

#define APPLIED_HELP  "Events reporting counted."
#define REJECTED_HELP "Events reporting could not count (dead-lettered)."

static wh_counter *event_counter(const ProtobufCMessageDescriptor *type, const char *metric, const char *help)
{
    char labels[160];
    snprintf(labels, sizeof labels, "type=\"%s\"", type->name);
    return wh_metrics_counter(metric, labels, help);
}

static void count_event(const ProtobufCMessage *m, const char *metric, const char *help)
{
    wh_counter_add(event_counter(m->descriptor, metric, help), 1);
}

void reporting_event_metrics_register(void)
{
    for (size_t i = 0; i < reporting_subscriptions_count; i++) {
        event_counter(reporting_subscriptions[i].event, "reporting_events_applied_total", APPLIED_HELP);
        event_counter(reporting_subscriptions[i].event, "reporting_events_rejected_total", REJECTED_HELP);
    }
}

int reporting_reject_event(wh_ctx *ctx, const ProtobufCMessage *m, const char *field)
{
    count_event(m, "reporting_events_rejected_total", REJECTED_HELP);
    wh_log_warn("event cannot be counted", "{s:s, s:s}", "type", m->descriptor->name, "field", field);
    return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field, "event cannot be counted: bad %s", field);
}

void reporting_count_applied(const ProtobufCMessage *m)
{
    count_event(m, "reporting_events_applied_total", APPLIED_HELP);
}

static int reject(wh_ctx *ctx, const ProtobufCMessage *m, const char *field)
{
    return reporting_reject_event(ctx, m, field);
}

/* Stores a fact that passed its checks (rc == 0), or rejects the event. */
static int add_fact(wh_ctx *ctx, const ProtobufCMessage *m, int rc, const reporting_fact *f,
                    const char *field)
{
    if (rc != 0)
        return reject(ctx, m, field);
    rc = reporting_store_add_fact(wh_ctx_db(ctx), f);
    if (rc == 0)
        count_event(m, "reporting_events_applied_total", APPLIED_HELP);
    return rc;
}

/* A person's change of target spells: every step moves the stock of its dong from its day on. */
static int apply_targets(wh_ctx *ctx, const ProtobufCMessage *m)
{
    const Welfare__Intake__V1__TargetsChanged *e = (const Welfare__Intake__V1__TargetsChanged *)m;
    reporting_fact *f = malloc((e->n_steps ? e->n_steps : 1) * sizeof *f);
    const char *field = NULL;
    size_t n = 0;
    if (!f)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    int rc = reporting_fact_targets(e, f, e->n_steps, &n, &field);
    if (rc != 0)
        rc = reject(ctx, m, field);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = reporting_store_add_fact(wh_ctx_db(ctx), &f[i]);
    if (rc == 0)
        count_event(m, "reporting_events_applied_total", APPLIED_HELP);
    free(f);
    return rc;
}

/* After a counted event (rc 0): what it adds to the discovery funnel (funnel_apply.c). */
static int funnel(wh_ctx *ctx, int rc, const ProtobufCMessage *m)
{
    return rc != 0 ? rc : reporting_funnel_apply(wh_ctx_db(ctx), m);
}

/* A referral: the funnel's first step (its household's channel is its first referral's). */
static int apply_referral(wh_ctx *ctx, const ProtobufCMessage *m)
{
    const Welfare__Intake__V1__ReferralReceived *e = (const Welfare__Intake__V1__ReferralReceived *)m;
    if (!reporting_dong_code_valid(e->dong_code))
        return reject(ctx, m, "dong_code");
    if (!wh_date_valid(e->reported_on))
        return reject(ctx, m, "reported_on");
    int rc = reporting_store_funnel_referral(wh_ctx_db(ctx), e);
    if (rc == 0)
        count_event(m, "reporting_events_applied_total", APPLIED_HELP);
    return rc;
}

static int apply_blind_spot(wh_ctx *ctx, const ProtobufCMessage *m)
{
    const Welfare__Intake__V1__BlindSpotDiscovered *e = (const Welfare__Intake__V1__BlindSpotDiscovered *)m;
    reporting_fact f;
    const char *field = NULL;
    int rc = reporting_fact_blind_spot(e, &f, &field);
    rc = add_fact(ctx, m, rc, &f, field);
    return funnel(ctx, rc, m);
}

/* A merge of two households both counted as blind spots counts one: the later count is taken back
 * (store.c, 0007_merges.sql); the unmerge gives it back.  A replay changes nothing. */
static int apply_merge_fact(wh_ctx *ctx, const ProtobufCMessage *m, int hit, reporting_fact *f, int64_t delta)
{
    if (hit < 0)
        return hit;
    if (hit == 1) {
        for (int k = 0; k < REPORTING_FACT_COUNT; k++)
            f->delta[k] = 0;
        f->delta[REPORTING_FACT_BLIND_SPOTS] = delta;
        int rc = reporting_store_add_fact(wh_ctx_db(ctx), f);
        if (rc != 0)
            return rc;
    }
    count_event(m, "reporting_events_applied_total", APPLIED_HELP);
    return 0;
}

static int apply_households_merged(wh_ctx *ctx, const ProtobufCMessage *m)
{
    const Welfare__Intake__V1__HouseholdsMerged *e = (const Welfare__Intake__V1__HouseholdsMerged *)m;
    if (e->merge_id <= 0)
        return reject(ctx, m, "merge_id");
    if (e->household_id <= 0 || e->merged_household_id <= 0 || e->household_id == e->merged_household_id)
        return reject(ctx, m, "merged_household_id");
    if (!reporting_dong_code_valid(e->dong_code))
        return reject(ctx, m, "dong_code");
    if (e->merged_dong_code && e->merged_dong_code[0] && !reporting_dong_code_valid(e->merged_dong_code))
        return reject(ctx, m, "merged_dong_code");
    reporting_fact f;
    int hit = reporting_store_merge(wh_ctx_db(ctx), e, &f); /* reads the stages before the funnel's */
    int rc = hit < 0 ? hit
                     : reporting_store_merge_funnel(wh_ctx_db(ctx), e->merge_id, e->household_id,
                                                    e->merged_household_id);
    return apply_merge_fact(ctx, m, rc < 0 ? rc : hit, &f, -1);
}

static int apply_households_unmerged(wh_ctx *ctx, const ProtobufCMessage *m)
{
    const Welfare__Intake__V1__HouseholdsUnmerged *e = (const Welfare__Intake__V1__HouseholdsUnmerged *)m;
    if (e->merge_id <= 0)
        return reject(ctx, m, "merge_id");
    reporting_fact f;
    int hit = reporting_store_unmerge(wh_ctx_db(ctx), e->merge_id, &f);
    int rc = hit < 0 ? hit : reporting_store_unmerge_funnel(wh_ctx_db(ctx), e->merge_id);
    return apply_merge_fact(ctx, m, rc < 0 ? rc : hit, &f, 1);
}

/* A case counts from its first CaseOpened; a repeat (a replayed stream) changes nothing. */
static int apply_case_opened(wh_ctx *ctx, const ProtobufCMessage *m)
{
    const Welfare__Case__V1__CaseOpened *e = (const Welfare__Case__V1__CaseOpened *)m;
    reporting_fact f;
    const char *field = NULL;
    if (reporting_fact_case_opened(e, &f, &field) != 0)
        return reject(ctx, m, field);
    int fresh = reporting_store_open_case(wh_ctx_db(ctx), e->case_id, f.dong_code, f.day);
    if (fresh < 0)
        return fresh;
    int rc = funnel(ctx, 0, m);
    if (rc != 0 || fresh == 0)
        return rc;
    return add_fact(ctx, m, 0, &f, NULL);
}

static int apply_case_closed(wh_ctx *ctx, const ProtobufCMessage *m)
{
    const Welfare__Case__V1__CaseClosed *e = (const Welfare__Case__V1__CaseClosed *)m;
    reporting_fact f;
    const char *field = NULL;
    if (e->reason == WELFARE__CASE__V1__CLOSE_REASON__CLOSE_REASON_MERGED)
        return reporting_apply_case_folded(ctx, m); /* handlers_merge.c */
    if (reporting_fact_case_closed(e, &f, &field) != 0)
        return reject(ctx, m, field);
    int closed = reporting_store_close_case(wh_ctx_db(ctx), e->case_id, &f);
    if (closed <= 0)
        return closed; /* unknown or closed already: nothing to count */
    return add_fact(ctx, m, 0, &f, NULL);
}

static int apply_linkage(wh_ctx *ctx, const ProtobufCMessage *m)
{
    const Welfare__Case__V1__LinkageCompleted *e = (const Welfare__Case__V1__LinkageCompleted *)m;
    reporting_fact f;
    const char *field = NULL;
    int rc = reporting_fact_linkage(e, &f, &field);
    rc = add_fact(ctx, m, rc, &f, field);
    return funnel(ctx, rc, m);
}

static int apply_visit(wh_ctx *ctx, const ProtobufCMessage *m)
{
    const Welfare__Routing__V1__VisitCompleted *e = (const Welfare__Routing__V1__VisitCompleted *)m;
    reporting_fact f;
    const char *field = NULL;
    int rc = reporting_fact_visit(e, &f, &field);
    rc = add_fact(ctx, m, rc, &f, field);
    return funnel(ctx, rc, m);
}

static int apply_visit_missed(wh_ctx *ctx, const ProtobufCMessage *m)
{
    reporting_fact f;
    const char *field = NULL;
    int rc = reporting_fact_visit_missed((const Welfare__Routing__V1__VisitMissed *)m, &f, &field);
    return add_fact(ctx, m, rc, &f, field);
}

/* Facts that may add nothing (a planned visit's details, a linkage that did not start). */
static int add_fact_if_any(wh_ctx *ctx, const ProtobufCMessage *m, int rc, const reporting_fact *f,
                           const char *field)
{
    if (rc == 0 && reporting_fact_empty(f)) {
        count_event(m, "reporting_events_applied_total", APPLIED_HELP);
        return 0;
    }
    return add_fact(ctx, m, rc, f, field);
}

static int apply_home_visit(wh_ctx *ctx, const ProtobufCMessage *m)
{
    const Welfare__Case__V1__HomeVisitRecorded *e = (const Welfare__Case__V1__HomeVisitRecorded *)m;
    reporting_fact f;
    const char *field = NULL;
    int rc = reporting_fact_home_visit(e, &f, &field);
    rc = add_fact_if_any(ctx, m, rc, &f, field);
    return funnel(ctx, rc, m);
}

static int apply_service_linkage(wh_ctx *ctx, const ProtobufCMessage *m)
{
    const Welfare__Registry__V1__ServiceLinkageChanged *e =
        (const Welfare__Registry__V1__ServiceLinkageChanged *)m;
    reporting_fact f;
    const char *field = NULL;
    int rc = reporting_fact_service_linkage(e, &f, &field);
    rc = add_fact_if_any(ctx, m, rc, &f, field);
    return funnel(ctx, rc, m);
}

/* A find of the registry's ledger: its KPI fact, and the member it credits (finds.c). */
static int add_find(wh_ctx *ctx, const ProtobufCMessage *m, int rc, const reporting_fact *f,
                    const char *field)
{
    if (rc == 0 && (rc = reporting_apply_find(wh_ctx_db(ctx), m)) != 0)
        return rc;
    return add_fact(ctx, m, rc, f, field);
}

static int apply_resource(wh_ctx *ctx, const ProtobufCMessage *m)
{
    reporting_fact f;
    const char *field = NULL;
    int rc = reporting_fact_resource((const Welfare__Registry__V1__ResourceRegistered *)m, &f, &field);
    return add_find(ctx, m, rc, &f, field);
}

static int apply_donation_pledged(wh_ctx *ctx, const ProtobufCMessage *m)
{
    reporting_fact f;
    const char *field = NULL;
    int rc = reporting_fact_donation_pledged((const Welfare__Registry__V1__DonationPledged *)m, &f, &field);
    return add_find(ctx, m, rc, &f, field);
}

static int apply_donation_received(wh_ctx *ctx, const ProtobufCMessage *m)
{
    reporting_fact f;
    const char *field = NULL;
    int rc = reporting_fact_donation_received((const Welfare__Registry__V1__DonationReceived *)m, &f, &field);
    return add_find(ctx, m, rc, &f, field);
}

static int apply_dong(wh_ctx *ctx, const ProtobufCMessage *m)
{
    const Welfare__Routing__V1__DongDefined *e = (const Welfare__Routing__V1__DongDefined *)m;
    if (!reporting_dong_code_valid(e->dong_code))
        return reject(ctx, m, "dong_code");
    if (!reporting_dong_code_valid(e->hub_dong_code))
        return reject(ctx, m, "hub_dong_code");
    if (e->live_from && *e->live_from && !wh_date_valid(e->live_from))
        return reject(ctx, m, "live_from");
    int rc = reporting_store_define_dong(wh_ctx_db(ctx), e);
    if (rc == 0)
        rc = reporting_store_record_live(wh_ctx_db(ctx), e); /* the go-live history */
    if (rc == 0)
        count_event(m, "reporting_events_applied_total", APPLIED_HELP);
    return rc;
}

static int apply_staff(wh_ctx *ctx, const ProtobufCMessage *m)
{
    const Welfare__Routing__V1__StaffRegistered *e = (const Welfare__Routing__V1__StaffRegistered *)m;
    if (!reporting_dong_code_valid(e->hub_dong_code))
        return reject(ctx, m, "hub_dong_code");
    if (!wh_date_valid(e->active_from))
        return reject(ctx, m, "active_from");
    int rc = reporting_store_register_staff(wh_ctx_db(ctx), e);
    if (rc == 0)
        count_event(m, "reporting_events_applied_total", APPLIED_HELP);
    return rc;
}

static int apply_staff_gone(wh_ctx *ctx, const ProtobufCMessage *m)
{
    const Welfare__Routing__V1__StaffDeactivated *e = (const Welfare__Routing__V1__StaffDeactivated *)m;
    if (!wh_date_valid(e->active_until))
        return reject(ctx, m, "active_until");
    int rc = reporting_store_deactivate_staff(wh_ctx_db(ctx), e->staff_id, e->active_until);
    if (rc == 0)
        count_event(m, "reporting_events_applied_total", APPLIED_HELP);
    return rc;
}

const wh_subscription reporting_subscriptions[] = {
    {"intake", &welfare__intake__v1__targets_changed__descriptor, apply_targets},
    {"intake", &welfare__intake__v1__blind_spot_discovered__descriptor, apply_blind_spot},
    {"intake", &welfare__intake__v1__referral_received__descriptor, apply_referral},
    {"intake", &welfare__intake__v1__households_merged__descriptor, apply_households_merged},
    {"intake", &welfare__intake__v1__households_unmerged__descriptor, apply_households_unmerged},
    {"case", &welfare__case__v1__case_opened__descriptor, apply_case_opened},
    {"case", &welfare__case__v1__case_closed__descriptor, apply_case_closed},
    {"case", &welfare__case__v1__case_reopened__descriptor, reporting_apply_case_reopened},
    {"case", &welfare__case__v1__case_moved__descriptor, reporting_apply_case_moved},
    {"case", &welfare__case__v1__linkage_completed__descriptor, apply_linkage},
    {"case", &welfare__case__v1__home_visit_recorded__descriptor, apply_home_visit},
    {"registry", &welfare__registry__v1__service_linkage_changed__descriptor, apply_service_linkage},
    {"registry", &welfare__registry__v1__resource_registered__descriptor, apply_resource},
    {"registry", &welfare__registry__v1__donation_pledged__descriptor, apply_donation_pledged},
    {"registry", &welfare__registry__v1__donation_received__descriptor, apply_donation_received},
    {"intake", &welfare__intake__v1__survey_created__descriptor, reporting_apply_survey_created},
    {"intake", &welfare__intake__v1__survey_households_listed__descriptor, reporting_apply_survey_listed},
    {"intake", &welfare__intake__v1__survey_result_recorded__descriptor, reporting_apply_survey_result},
    {"intake", &welfare__intake__v1__member_registered__descriptor, reporting_apply_member},
    {"intake", &welfare__intake__v1__check_in_recorded__descriptor, reporting_apply_check_in},
    {"intake", &welfare__intake__v1__member_credited__descriptor, reporting_apply_credit},
    {"routing", &welfare__routing__v1__dong_defined__descriptor, apply_dong},
    {"routing", &welfare__routing__v1__staff_registered__descriptor, apply_staff},
    {"routing", &welfare__routing__v1__staff_deactivated__descriptor, apply_staff_gone},
    {"routing", &welfare__routing__v1__visit_completed__descriptor, apply_visit},
    {"routing", &welfare__routing__v1__visit_missed__descriptor, apply_visit_missed},
};
const size_t reporting_subscriptions_count =
    sizeof reporting_subscriptions / sizeof reporting_subscriptions[0];

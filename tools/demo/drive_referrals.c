/*
 * drive_referrals.c — the district's referrals into intake, in business-date order, pipelined on one
 * connection (a window of commands in flight, each with its deterministic message id; after a
 * timeout the connection is reset and what was in flight is resent with the same ids, so nothing
 * takes effect twice).  Reporters (organisations of the channels) are registered first; the safety
 * net's referrals are filed by its discovery-team members (registered in the step before).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drive.h"
#include "welfare/intake/v1/commands.pb-c.h"
#include "welfare/intake/v1/safety_net.pb-c.h"
#include "wh/status.h"

#define WINDOW       64
#define RECV_TIMEOUT 10000
#define MAX_RESETS   5

/* The case service opens a case when a household's risk reaches its threshold (WH_CASE_RISK_THRESHOLD,
 * default 50); the demo waits for that many first visits later. */
int demo_case_threshold(void)
{
    const char *v = getenv("WH_CASE_RISK_THRESHOLD");
    return v && *v ? atoi(v) : 50;
}

/* The organisations referrals come through, by channel (welfare.intake.v1.Channel). */
static const struct {
    int channel;
    const char *name;
} reporters[] = {
    {1, "수영구 인적안전망 (통장·반장·배달원)"},
    {2, "수영소방서 (MOU)"},
    {4, "복지사각지대 발굴관리시스템 (단전·단수·체납)"},
};

static int64_t reporter_ids[7];

static int register_reporters(demo_run *run)
{
    for (size_t i = 0; i < sizeof reporters / sizeof reporters[0]; i++) {
        Welfare__Intake__V1__RegisterReporter q = WELFARE__INTAKE__V1__REGISTER_REPORTER__INIT;
        Welfare__Intake__V1__RegisterReporterReply *r = NULL;
        q.name = (char *)reporters[i].name;
        q.channel = (Welfare__Intake__V1__Channel)reporters[i].channel;
        int rc =
            demo_call(run, run->intake, "reporter", i, &q.base,
                      &welfare__intake__v1__register_reporter_reply__descriptor, (ProtobufCMessage **)&r);
        if (rc == WH_UNAVAILABLE)
            return rc;
        if (r) {
            reporter_ids[reporters[i].channel] = r->reporter_id;
            protobuf_c_message_free_unpacked(&r->base, NULL);
        }
    }
    return 0;
}

/* Who files a referral: a discovery-team member of the household's dong active that day for the safety
 * net's channel (the member is credited when the household is selected for aid or opened as a case),
 * the channel's organisation otherwise. */
static int64_t reporter_of(const demo_run *run, const demo_referral *f, const demo_household *h)
{
    if (f->channel == WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SAFETY_NET) {
        const demo_member *m =
            demo_member_of(run, h->dong, WELFARE__INTAKE__V1__SAFETY_NET_TEAM__SAFETY_NET_TEAM_DISCOVERY,
                           (size_t)(f - run->d->referrals), f->reported_on);
        if (m)
            return m->reporter_id;
    }
    return f->channel >= 1 && f->channel <= 6 ? reporter_ids[f->channel] : 0;
}

/* Builds referral i and sends it with its id.  A repeat referral of a household names only the
 * head of household (what a second reporter knows): intake must attach it to the same household. */
static int send_referral(demo_run *run, size_t i)
{
    const demo_referral *f = &run->d->referrals[i];
    const demo_household *h = &run->d->households[f->household];
    bool repeat = f->repeat;
    Welfare__Intake__V1__SubmitReferral q = WELFARE__INTAKE__V1__SUBMIT_REFERRAL__INIT;
    Welfare__Intake__V1__ReferredHousehold hh = WELFARE__INTAKE__V1__REFERRED_HOUSEHOLD__INIT;
    Welfare__Common__V1__GeoPoint at = WELFARE__COMMON__V1__GEO_POINT__INIT;
    Welfare__Intake__V1__RiskIndicators risk = WELFARE__INTAKE__V1__RISK_INDICATORS__INIT;
    Welfare__Intake__V1__ReferredPerson persons[6], *ptrs[6];
    at.latitude = h->latitude;
    at.longitude = h->longitude;
    hh.address = (char *)h->address;
    hh.dong_code = (char *)demo_dongs[h->dong].code;
    hh.location = &at;
    hh.known_to_programme = h->known_to_programme;
    int n = repeat ? 1 : h->n_persons;
    for (int p = 0; p < n; p++) {
        welfare__intake__v1__referred_person__init(&persons[p]);
        persons[p].rrn = (char *)h->persons[p].rrn;
        persons[p].name = (char *)h->persons[p].name;
        persons[p].birth_date = (char *)h->persons[p].birth_date;
        persons[p].phone = (char *)h->persons[p].phone;
        ptrs[p] = &persons[p];
    }
    risk.months_utility_arrears = f->months_utility_arrears;
    risk.months_rent_arrears = f->months_rent_arrears;
    risk.months_insurance_arrears = f->months_insurance_arrears;
    risk.lives_alone = f->lives_alone;
    risk.disability = f->disability;
    risk.chronic_illness = f->chronic_illness;
    risk.unemployed = f->unemployed;
    risk.single_parent = strcmp(demo_household_kinds[h->kind].label, "single-parent family") == 0;
    q.channel = (Welfare__Intake__V1__Channel)f->channel;
    q.reporter_id = reporter_of(run, f, h);
    q.household = &hh;
    q.persons = ptrs;
    q.n_persons = (size_t)n;
    q.concern = (char *)f->concern;
    q.risk = &risk;
    q.reported_on = (char *)f->reported_on;
    char id[37];
    demo_message_id(run->opt->seed, "referral", i, id);
    return whc_send_id(run->intake, id, &q.base);
}

typedef struct window {
    size_t index[WINDOW];
    char id[WINDOW][37];
    size_t n;
} window;

static int resend_all(demo_run *run, const window *w)
{
    if (whc_reset(run->intake) != 0)
        return WH_UNAVAILABLE;
    for (size_t k = 0; k < w->n; k++)
        if (send_referral(run, w->index[k]) != 0)
            return WH_UNAVAILABLE;
    return 0;
}

static void tally(demo_run *run, size_t i, int rc, const whc_error *err,
                  const Welfare__Intake__V1__SubmitReferralReply *r, size_t *new_households,
                  size_t *blind_spots)
{
    if (rc != 0) {
        run->errors++;
        fprintf(stderr, "\ndemo: referral #%zu failed: %s: %s%s%s\n", i, wh_status_name(rc), err->message,
                err->field[0] ? " field " : "", err->field);
        return;
    }
    *new_households += r->is_new;
    *blind_spots += r->blind_spot;
    run->household_ids[run->d->referrals[i].household] = r->household_id;
    int *risk = &run->household_risk[run->d->referrals[i].household];
    if (r->household_risk_score > *risk)
        *risk = r->household_risk_score;
}

int demo_submit_referrals(demo_run *run)
{
    const size_t n = run->d->n_referrals;
    size_t next = 0, done = 0, new_households = 0, blind_spots = 0;
    int resets = 0, rc = register_reporters(run);
    window w = {.n = 0};
    while (rc == 0 && done < n) {
        while (w.n < WINDOW && next < n) {
            w.index[w.n] = next;
            demo_message_id(run->opt->seed, "referral", next, w.id[w.n++]);
            if (send_referral(run, next++) != 0 && resend_all(run, &w) != 0)
                return WH_UNAVAILABLE;
        }
        Welfare__Intake__V1__SubmitReferralReply *r = NULL;
        whc_error err;
        char id[37] = "";
        memset(&err, 0, sizeof err);
        int got = whc_recv(run->intake, RECV_TIMEOUT, &welfare__intake__v1__submit_referral_reply__descriptor,
                           (ProtobufCMessage **)&r, id, &err);
        size_t k = 0;
        while (k < w.n && strcmp(w.id[k], id) != 0)
            k++;
        if (k == w.n || got == WH_UNAVAILABLE || got == WH_INTERNAL) {
            if (r)
                protobuf_c_message_free_unpacked(&r->base, NULL);
            if (k == w.n && got != WH_UNAVAILABLE)
                continue; /* a stray reply to something answered already */
            /* A timeout (no id): reset and resend what is in flight; a retryable failure of one
             * command: resend that one.  Same ids, so nothing takes effect twice. */
            if (++resets > MAX_RESETS)
                rc = WH_UNAVAILABLE;
            else if (k == w.n ? resend_all(run, &w) != 0 : send_referral(run, w.index[k]) != 0)
                rc = WH_UNAVAILABLE;
            continue;
        }
        tally(run, w.index[k], got, &err, r, &new_households, &blind_spots);
        if (r)
            protobuf_c_message_free_unpacked(&r->base, NULL);
        w.index[k] = w.index[w.n - 1];
        memcpy(w.id[k], w.id[w.n - 1], 37);
        w.n--;
        demo_progress(run, "referrals", ++done, n);
    }
    int threshold = demo_case_threshold();
    for (size_t h = 0; h < run->d->n_households; h++)
        run->n_cases_expected += run->household_risk[h] >= threshold;
    if (rc == 0)
        demo_say(run, "  %zu households (%zu new), %zu blind spots, %zu at case-level risk\n",
                 run->d->n_households, new_households, blind_spots, run->n_cases_expected);
    return rc;
}

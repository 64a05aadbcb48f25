/*
 * drive.h — shared state of one run of the demo against the services (drive*.c).
 */
#ifndef DEMO_DRIVE_H
#define DEMO_DRIVE_H

#include <protobuf-c/protobuf-c.h>

#include "demo.h"
#include "welfare/reporting/v1/commands.pb-c.h"
#include "whclient.h"

/* A member of the human safety net as the demo registered it (drive_discovery.c). */
typedef struct demo_member {
    int64_t member_id, reporter_id;
    int dong, team;
    const char *active_from, *active_until; /* active_until "" while active */
} demo_member;
#define DEMO_MEMBERS_MAX 64

typedef struct demo_run {
    const demo_district *d;
    const demo_options *opt;
    whc *intake, *kase, *registry, *routing, *reporting;
    int64_t *staff_ids;      /* routing's ids, by index in d->staff */
    int64_t *provider_ids;   /* registry's ids, by index in demo_providers */
    int *household_risk;     /* highest risk score intake gave each household */
    int64_t *household_ids;  /* intake's ids, by index in d->households */
    size_t n_cases_expected; /* households whose risk score reached the case threshold */
    size_t n_visits_completed, n_visits_missed, n_assessed, n_follow_ups;
    demo_member members[DEMO_MEMBERS_MAX]; /* the safety net, by dong and position */
    size_t n_members;
    int errors;
} demo_run;

/* Sends a command with the run's deterministic message id for (step, n): a second run of the same
 * seed gets the stored reply and changes nothing.  0 or the failure's status (printed). */
int demo_call(demo_run *run, whc *c, const char *step, uint64_t n, const ProtobufCMessage *req,
              const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply);
/* A query (fresh message id, nothing stored). */
int demo_query(demo_run *run, whc *c, const ProtobufCMessage *req,
               const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply);
/* A reporting query over the demo period: *selection is the request's selection field, pointed at
 * DEMO_FROM..DEMO_TO for the call.  0 or the failure's status (printed). */
int demo_query_period(demo_run *run, ProtobufCMessage *req, Welfare__Reporting__V1__KpiSelection **selection,
                      const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply);
/* Progress on stderr: "  referrals 1200/3400" (one updating line on a terminal). */
void demo_progress(const demo_run *run, const char *what, size_t done, size_t total);
void demo_say(const demo_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The steps, in order (drive_setup.c, drive_flow.c). */
int demo_define_dongs(demo_run *run);
int demo_register_staff(demo_run *run);
int demo_register_resources(demo_run *run);
/* The national list of the households known to a programme (drive_roster.c). */
int demo_enrol_roster(demo_run *run);
int demo_submit_referrals(demo_run *run); /* drive_referrals.c */
int demo_work_cases(demo_run *run);
int demo_do_outreach(demo_run *run);    /* drive_outreach.c: visits and linkages beyond cases */
int demo_plan_and_visit(demo_run *run); /* drive_visits.c */
/* The human safety net's members, registered before the referrals so that those of its channel are
 * filed by a member (drive_discovery.c). */
int demo_register_members(demo_run *run);
/* A member of dong and team active on `on` ("" for any day), chosen by n; NULL when there is none. */
const demo_member *demo_member_of(const demo_run *run, int dong, int team, size_t n, const char *on);
/* The members' own referrals, watches and check-ins and their finds, and two survey campaigns
 * (drive_discovery.c). */
int demo_drive_discovery(demo_run *run);
/* A resource-engaging member of the safety net (intake's id, the dong, the member's index in the
 * run) and what such members found (drive_finds.c). */
typedef struct demo_finder {
    int64_t member_id;
    int dong;
    uint64_t index;
} demo_finder;
typedef struct demo_finds {
    size_t donations, receipts;
    int64_t pledged_krw, received_krw;
} demo_finds;
/* The members' finds recorded in the registry's ledger with the member as finder: 0 or
 * WH_UNAVAILABLE (a refused command is counted in run->errors and the run goes on). */
int demo_member_finds(demo_run *run, const demo_finder *members, size_t n, demo_finds *t);
/* The case service's threshold (WH_CASE_RISK_THRESHOLD, default 50). */
int demo_case_threshold(void);

/* Waits until count(run) reaches want (when want >= 0), or stops changing (the event flow settled),
 * or the run's wait time passes; returns the last count, or a negative status. */
int64_t demo_settle(demo_run *run, const char *what, int64_t (*count)(demo_run *run), int64_t want);

#endif

/*
 * commands.c — the command table: one row per CLI command (service, request type, summary).
 *
 * The reply type is the request's name + "Reply"; the CLI name is the request's short name in
 * kebab-case (SubmitReferral → submit-referral).  Rows name types by their full name and are resolved
 * through the descriptor registry, so a row whose proto has not landed yet is skipped, not a build
 * error; and a Foo/FooReply pair in a service package that no row names still appears (without a
 * summary) — a new command costs one row, or none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wctl.h"

typedef struct wctl_row {
    const char *type;
    const char *summary;
} wctl_row;

static const wctl_row rows[] = {
    /* intake */
    {"welfare.intake.v1.SubmitReferral", "report a household at risk (a referral from any channel)"},
    {"welfare.intake.v1.RegisterReporter", "register a reporter (a person or an agency that refers)"},
    {"welfare.intake.v1.ResolveDuplicate", "merge a household recorded twice into the other"},
    {"welfare.intake.v1.GetHousehold", "a household's summary (no personal identifiers)"},
    {"welfare.intake.v1.GetReferral", "one referral's summary"},
    {"welfare.intake.v1.ImportReferralBlock",
     "a block of referrals (bulk; `welfarectl import referrals` sends these)"},
    {"welfare.intake.v1.RecordEnrolment",
     "record or correct a person's enrolment in a programme (the roster)"},
    {"welfare.intake.v1.SelectForPublicAid",
     "a hub's decision: a household (or some members) selected for a public programme"},
    {"welfare.intake.v1.EndEnrolment", "end an enrolment with a reason (e.g. unqualified_beneficiary)"},
    {"welfare.intake.v1.ListEnrolments", "a household's enrolments and its members' target spells"},
    {"welfare.intake.v1.ListProgrammes", "the programmes of the roster"},
    {"welfare.intake.v1.ImportEnrolmentBlock",
     "a block of a national list (bulk; `welfarectl import roster` sends these)"},
    {"welfare.intake.v1.RegisterMember",
     "register a safety-net member (dong, team, affiliation, active period; name and phone sealed)"},
    {"welfare.intake.v1.AssignWatch", "ask a visiting-and-checking member to look in on a household"},
    {"welfare.intake.v1.RecordCheckIn",
     "a member's check-in (seen_well, concern, not_seen; a concern or a 2nd not_seen refers)"},
    {"welfare.intake.v1.GetSafetyNetTally", "the safety net's work and credits, per member and per team"},
    {"welfare.intake.v1.CreateSurvey", "open a survey of a target group (dongs, period)"},
    {"welfare.intake.v1.AddSurveyHouseholds", "add households to a survey's list (--household_ids 1,2,3)"},
    {"welfare.intake.v1.RecordSurveyResult",
     "a survey's result at a household (no_need, need → referral, not_reachable, refused)"},
    {"welfare.intake.v1.GetSurveyResults", "one survey's result as the district reports it"},
    /* case */
    {"welfare.case.v1.OpenCase", "open a case for a household"},
    {"welfare.case.v1.AssignCase", "assign a case worker to a case"},
    {"welfare.case.v1.AssessNeeds",
     "record a needs assessment (requests linkages for moderate needs and above)"},
    {"welfare.case.v1.RequestLinkage", "request a service linkage for a case"},
    {"welfare.case.v1.RequestVisit", "request a home visit"},
    {"welfare.case.v1.RecordFollowUp", "record a follow-up on a case"},
    {"welfare.case.v1.CloseCase", "close a case"},
    {"welfare.case.v1.GetCase", "one case with its history"},
    {"welfare.case.v1.ListCases", "list cases (by dong, status, worker; paged)"},
    {"welfare.case.v1.RequestHomeVisit",
     "plan a home visit of any household, case or not (time window, skills)"},
    {"welfare.case.v1.RecordHomeVisit",
     "record a home visit: outcome, needs observed, sealed note, follow-up (planned: --visit_id)"},
    {"welfare.case.v1.ListDueVisits", "a hub's households due (or --overdue_only) a monitoring visit"},
    {"welfare.case.v1.ProposeDueVisits", "ask routing for a hub's due monitoring visits"},
    {"welfare.case.v1.ListEscalations", "a hub's queue of households escalated as unreachable"},
    /* registry */
    {"welfare.registry.v1.RegisterProvider", "register a public or private service provider"},
    {"welfare.registry.v1.RegisterResource",
     "register a resource (a resource discovery, with its KRW amount)"},
    {"welfare.registry.v1.MatchNeeds", "rank resources for needs in a dong (fit, distance, capacity)"},
    {"welfare.registry.v1.ReserveCapacity", "reserve capacity of a resource for a linkage"},
    {"welfare.registry.v1.ReleaseCapacity", "release a reservation"},
    {"welfare.registry.v1.ListResources", "list resources"},
    {"welfare.registry.v1.GetResource", "one resource"},
    {"welfare.registry.v1.RequestServiceLinkage",
     "link any household to a public programme or a resource (reserves capacity)"},
    {"welfare.registry.v1.ChangeServiceLinkage", "accept, refuse, start (counted) or end a service linkage"},
    {"welfare.registry.v1.ListServiceLinkages", "list service linkages by household, provider, state"},
    {"welfare.registry.v1.RecordDonation",
     "record a donation pledged (one-off or recurring; a resource discovery), --received_krw on the spot"},
    {"welfare.registry.v1.RecordReceipt", "record what arrived of a pledge (counts in the KPI amount)"},
    {"welfare.registry.v1.AllocateDonation", "give received value of a donation to a service linkage"},
    {"welfare.registry.v1.ListDonations", "list donations (pledged, received, allocated; no person's name)"},
    {"welfare.registry.v1.RecordMou",
     "record an MOU: partner, purpose, period, --commitments.what/quantity/per"},
    {"welfare.registry.v1.ListMous", "list MOUs by partner, --in_force_on a date"},
    {"welfare.registry.v1.TallyFinds", "finds of a period per safety-net member, team or hub (--group_by)"},
    /* routing */
    {"welfare.routing.v1.DefineDong", "define a dong and its hub (define basic hubs before sphere dongs)"},
    {"welfare.routing.v1.RegisterStaff", "register a visiting staff member at a basic hub"},
    {"welfare.routing.v1.DeactivateStaff", "deactivate a staff member from a date"},
    {"welfare.routing.v1.PlanDay", "plan a hub's visits for a date (callable again: adds new visits)"},
    {"welfare.routing.v1.GetDayPlan", "a hub's plan for a date"},
    {"welfare.routing.v1.RecordVisitOutcome", "record a visit as completed or missed"},
    {"welfare.routing.v1.ListVisitRequests", "list visit requests of a hub"},
    /* reporting */
    {"welfare.reporting.v1.QueryKpi",
     "the seven KPI indices for dongs and a period (see also `welfarectl kpi`)"},
    {"welfare.reporting.v1.CompareKpi", "KPI of two selections and their difference"},
    {"welfare.reporting.v1.ListDongs", "the dongs reporting knows"},
};

const char *const wctl_services[5] = {"intake", "case", "registry", "routing", "reporting"};

static wctl_cmd *cmds;
static size_t n_cmds;

/* "welfare.intake.v1.SubmitReferral" → "intake", when the package is one of the five services. */
static bool service_of(const char *type, char *out, size_t n)
{
    const char *p = strncmp(type, "welfare.", 8) == 0 ? type + 8 : NULL;
    const char *dot = p != NULL ? strchr(p, '.') : NULL;

    if (dot == NULL || (size_t)(dot - p) >= n)
        return false;
    snprintf(out, n, "%.*s", (int)(dot - p), p);
    return wctl_service_known(out);
}

static bool add(const ProtobufCMessageDescriptor *req, const char *summary)
{
    char reply_name[256];
    const ProtobufCMessageDescriptor *reply;
    wctl_cmd *c;

    snprintf(reply_name, sizeof reply_name, "%sReply", req->name);
    reply = wctl_descriptor_find(reply_name);
    if (reply == NULL)
        return false;
    c = &cmds[n_cmds];
    if (!service_of(req->name, c->service, sizeof c->service))
        return false;
    wctl_kebab(req->short_name, c->name, sizeof c->name);
    c->summary = summary;
    c->request = req;
    c->reply = reply;
    n_cmds++;
    return true;
}

static bool listed(const ProtobufCMessageDescriptor *d)
{
    for (size_t i = 0; i < n_cmds; i++)
        if (cmds[i].request == d)
            return true;
    return false;
}

size_t wctl_commands(const wctl_cmd **out)
{
    if (cmds == NULL) {
        cmds = calloc(sizeof rows / sizeof rows[0] + wctl_n_descriptors, sizeof *cmds);
        if (cmds == NULL)
            abort();
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            const ProtobufCMessageDescriptor *d = wctl_descriptor_find(rows[i].type);

            if (d != NULL)
                add(d, rows[i].summary);
        }
        for (size_t i = 0; i < wctl_n_descriptors; i++)
            if (!listed(wctl_descriptors[i]))
                add(wctl_descriptors[i], "");
    }
    *out = cmds;
    return n_cmds;
}

const wctl_cmd *wctl_command_find(const char *service, const char *name)
{
    const wctl_cmd *all;
    size_t n = wctl_commands(&all);

    for (size_t i = 0; i < n; i++) {
        if (strcmp(all[i].service, service) != 0)
            continue;
        /* also accept the message's own name: `welfarectl intake SubmitReferral` */
        if (strcmp(all[i].name, name) == 0 || strcmp(all[i].request->short_name, name) == 0)
            return &all[i];
    }
    return NULL;
}

bool wctl_service_known(const char *service)
{
    for (size_t i = 0; i < 5; i++)
        if (strcmp(wctl_services[i], service) == 0)
            return true;
    return false;
}

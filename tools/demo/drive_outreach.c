/*
 * drive_outreach.c — the hubs' outreach to the households that are not cases, which is most of their
 * day: a planned home visit for most of them (routing places it in the day plans of the next step),
 * an unplanned visit for others (met and counselled, or nobody at home), some re-visits, and service
 * linkages — a public programme or a local resource with capacity left, accepted and started by the
 * provider a few days later, a few refused, some ended.
 *
 * Every choice is drawn from the seed and the household's index, every command carries the message
 * id of (seed, step, household), so a second or resumed run decides the same and changes nothing.
 * Business dates follow the household's first referral; work after the demo period is not done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drive.h"
#include "welfare/case/v1/commands.pb-c.h"
#include "welfare/registry/v1/commands.pb-c.h"
#include "wh/status.h"

#define STREAM_OUTREACH 0x0e7ac4
#define PLANNED_PERCENT 65 /* of the households below the case threshold: a planned visit */
#define MET_PERCENT     80 /* of the unplanned visits */
#define LINKED_PERCENT  75 /* of the households met unplanned: a service linkage */
#define PLANNED_LINKED  40 /* of those with a planned visit: a linkage after it */
#define PUBLIC_PERCENT  50 /* of the linkages: a public programme */
#define REFUSED_PERCENT 10 /* of the linkages: the provider says no */
#define OFFICIAL        WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_WELFARE_OFFICIAL
#define NURSE           WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_VISITING_NURSE

typedef struct resource_left {
    int64_t id;
    int domain, remaining;
    char discovered_on[11];
} resource_left;

typedef struct outreach {
    demo_run *run;
    resource_left *res;
    size_t n_res;
    size_t planned, visits, missed, linkages, refused;
} outreach;

/* A date days after date, or "" past the demo period. */
static void after(const char *date, int days, char out[11])
{
    int d = demo_date_days(date) + days;
    if (d > demo_date_days(DEMO_TO))
        out[0] = '\0';
    else
        demo_date_format(d, out);
}

/* The resources with capacity left (the case flow took some). */
static int load_resources(outreach *o)
{
    int64_t after_id = 0;
    for (;;) {
        Welfare__Registry__V1__ListResources q = WELFARE__REGISTRY__V1__LIST_RESOURCES__INIT;
        Welfare__Registry__V1__ListResourcesReply *r = NULL;
        q.limit = 1000;
        q.after_id = after_id;
        if (demo_query(o->run, o->run->registry, &q.base,
                       &welfare__registry__v1__list_resources_reply__descriptor,
                       (ProtobufCMessage **)&r) != 0)
            return WH_UNAVAILABLE;
        resource_left *grown = realloc(o->res, sizeof *o->res * (o->n_res + r->n_resources + 1));
        if (!grown) {
            protobuf_c_message_free_unpacked(&r->base, NULL);
            return WH_INTERNAL;
        }
        o->res = grown;
        for (size_t i = 0; i < r->n_resources; i++) {
            const Welfare__Registry__V1__Resource *x = r->resources[i];
            resource_left *l = &o->res[o->n_res++];
            l->id = x->resource_id;
            l->domain = x->domain;
            l->remaining = x->remaining;
            snprintf(l->discovered_on, sizeof l->discovered_on, "%s", x->discovered_on);
            after_id = x->resource_id;
        }
        size_t got = r->n_resources;
        protobuf_c_message_free_unpacked(&r->base, NULL);
        if (got < 1000)
            return 0;
    }
}

/* Case and the registry know every household once they applied intake's events: a probe dated
 * before any identification is INVALID_ARGUMENT on its date for a known household (NOT_FOUND while
 * unknown) and changes nothing. */
static bool known_everywhere(outreach *o, int64_t household_id)
{
    Welfare__Registry__V1__RequestServiceLinkage l = WELFARE__REGISTRY__V1__REQUEST_SERVICE_LINKAGE__INIT;
    Welfare__Case__V1__RecordHomeVisit v = WELFARE__CASE__V1__RECORD_HOME_VISIT__INIT;
    Welfare__Common__V1__StaffRole role = OFFICIAL;
    ProtobufCMessage *reply = NULL;
    whc_error err;
    l.household_id = household_id;
    l.kind = WELFARE__REGISTRY__V1__LINKAGE_KIND__LINKAGE_KIND_PUBLIC_PROGRAMME;
    l.programme = WELFARE__REGISTRY__V1__PUBLIC_PROGRAMME__PUBLIC_PROGRAMME_NBLS_LIVING;
    l.domain = WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_INCOME;
    l.requested_on = "2000-01-03";
    v.household_id = household_id;
    v.visited_on = "2000-01-03";
    v.roles = &role;
    v.n_roles = 1;
    v.outcome = WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_MET_COUNSELLED;
    bool ok =
        whc_call(o->run->registry, &l.base, &welfare__registry__v1__request_service_linkage_reply__descriptor,
                 &reply, &err) == WH_INVALID_ARGUMENT &&
        strcmp(err.field, "requested_on") == 0;
    ok = ok &&
         whc_call(o->run->kase, &v.base, &welfare__case__v1__record_home_visit_reply__descriptor, &reply,
                  &err) == WH_INVALID_ARGUMENT &&
         strcmp(err.field, "visited_on") == 0;
    return ok;
}

static int wait_known(outreach *o, int64_t household_id)
{
    time_t until = time(NULL) + o->run->opt->wait_secs;
    while (!known_everywhere(o, household_id)) {
        if (time(NULL) > until) {
            fprintf(stderr, "\ndemo: case or registry never heard of household %lld\n",
                    (long long)household_id);
            return WH_UNAVAILABLE;
        }
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

static void call(outreach *o, whc *c, const char *step, size_t h, const ProtobufCMessage *req,
                 const ProtobufCMessageDescriptor *reply_type, ProtobufCMessage **reply)
{
    *reply = NULL;
    demo_call(o->run, c, step, h, req, reply_type, reply);
}

static void planned_visit(outreach *o, size_t h, int64_t household_id, const char *first, demo_rng *r)
{
    char on[11];
    after(first, (int)demo_rng_range(r, 2, 10), on);
    if (!on[0])
        return;
    Welfare__Case__V1__RequestHomeVisit q = WELFARE__CASE__V1__REQUEST_HOME_VISIT__INIT;
    Welfare__Common__V1__StaffRole roles[] = {OFFICIAL, NURSE};
    q.household_id = household_id;
    q.roles = roles;
    q.n_roles = demo_rng_chance(r, 20) ? 2 : 1; /* a joint visit with the visiting nurse */
    q.earliest_on = on;
    if (demo_rng_chance(r, 25)) { /* "after 14:00" */
        q.window_start_minute = 14 * 60;
        q.window_end_minute = 18 * 60;
    }
    ProtobufCMessage *reply;
    call(o, o->run->kase, "outreach-visit", h, &q.base,
         &welfare__case__v1__request_home_visit_reply__descriptor, &reply);
    if (reply) {
        o->planned++;
        protobuf_c_message_free_unpacked(reply, NULL);
    }
}

/* An unplanned visit; true when the household was met. */
static bool unplanned_visit(outreach *o, const char *step, size_t h, int64_t household_id, const char *on,
                            demo_rng *r)
{
    Welfare__Case__V1__RecordHomeVisit q = WELFARE__CASE__V1__RECORD_HOME_VISIT__INIT;
    Welfare__Common__V1__StaffRole role = OFFICIAL;
    Welfare__Case__V1__Need need = WELFARE__CASE__V1__NEED__INIT;
    Welfare__Case__V1__Need *needs[] = {&need};
    bool met = demo_rng_chance(r, MET_PERCENT);
    q.household_id = household_id;
    q.visited_on = (char *)on;
    q.roles = &role;
    q.n_roles = 1;
    q.outcome = met ? WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_MET_COUNSELLED
                    : WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_NOT_AT_HOME;
    if (met && demo_rng_chance(r, 50)) {
        need.domain = (Welfare__Common__V1__NeedDomain)demo_rng_range(r, 1, 8);
        need.severity = (Welfare__Common__V1__Severity)demo_rng_range(r, 1, 3);
        q.needs_observed = needs;
        q.n_needs_observed = 1;
    }
    ProtobufCMessage *reply;
    call(o, o->run->kase, step, h, &q.base, &welfare__case__v1__record_home_visit_reply__descriptor, &reply);
    if (!reply)
        return false;
    protobuf_c_message_free_unpacked(reply, NULL);
    if (met)
        o->visits++;
    else
        o->missed++;
    return met;
}

/* What the registry says is left of a resource now (the case flow reserves too, asynchronously). */
static int remaining_now(outreach *o, int64_t id)
{
    Welfare__Registry__V1__GetResource q = WELFARE__REGISTRY__V1__GET_RESOURCE__INIT;
    Welfare__Registry__V1__GetResourceReply *r = NULL;
    q.resource_id = id;
    if (demo_query(o->run, o->run->registry, &q.base, &welfare__registry__v1__get_resource_reply__descriptor,
                   (ProtobufCMessage **)&r) != 0)
        return 0;
    int left = r->resource ? r->resource->remaining : 0;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    return left;
}

/* The linkage an earlier run requested for the household on `on` (the registry's list): 1 with its
 * resource in *resource_id (0 for a public programme), 0 when none, or a status. */
static int earlier_linkage(outreach *o, int64_t household_id, const char *on, int64_t *resource_id)
{
    Welfare__Registry__V1__ListServiceLinkages q = WELFARE__REGISTRY__V1__LIST_SERVICE_LINKAGES__INIT;
    Welfare__Registry__V1__ListServiceLinkagesReply *r = NULL;
    q.household_id = household_id;
    q.limit = 1000;
    if (demo_query(o->run, o->run->registry, &q.base,
                   &welfare__registry__v1__list_service_linkages_reply__descriptor,
                   (ProtobufCMessage **)&r) != 0)
        return WH_UNAVAILABLE;
    int found = 0;
    for (size_t i = 0; !found && i < r->n_linkages; i++)
        if (strcmp(r->linkages[i]->requested_on, on) == 0) {
            *resource_id = r->linkages[i]->kind == WELFARE__REGISTRY__V1__LINKAGE_KIND__LINKAGE_KIND_RESOURCE
                               ? r->linkages[i]->resource_id
                               : 0;
            found = 1;
        }
    protobuf_c_message_free_unpacked(&r->base, NULL);
    return found;
}

static resource_left *resource_by_id(outreach *o, int64_t id)
{
    for (size_t k = 0; id && k < o->n_res; k++)
        if (o->res[k].id == id)
            return &o->res[k];
    return NULL;
}

/* A resource with room, discovered by the date; NULL when none.  A household an earlier run linked
 * on that date (the demo run again, --force) gets the same choice, whatever is left now, so the
 * command is the same bytes under the same message id (the bus replays its reply). */
static resource_left *pick_resource(outreach *o, int64_t household_id, const char *on, demo_rng *r)
{
    size_t start = o->n_res ? (size_t)demo_rng_range(r, 0, (int64_t)o->n_res - 1) : 0;
    int64_t earlier = 0;
    if (earlier_linkage(o, household_id, on, &earlier) == 1)
        return resource_by_id(o, earlier);
    for (size_t k = 0; k < o->n_res; k++) {
        resource_left *l = &o->res[(start + k) % o->n_res];
        if (l->remaining > 0 && strcmp(l->discovered_on, on) <= 0 &&
            (l->remaining = remaining_now(o, l->id)) > 0)
            return l;
    }
    return NULL;
}

static void change(outreach *o, const char *step, size_t h, int64_t linkage, int state, int outcome,
                   const char *on)
{
    Welfare__Registry__V1__ChangeServiceLinkage q = WELFARE__REGISTRY__V1__CHANGE_SERVICE_LINKAGE__INIT;
    q.linkage_id = linkage;
    q.state = state;
    q.outcome = outcome;
    q.changed_on = (char *)on;
    ProtobufCMessage *reply;
    call(o, o->run->registry, step, h, &q.base,
         &welfare__registry__v1__change_service_linkage_reply__descriptor, &reply);
    if (reply)
        protobuf_c_message_free_unpacked(reply, NULL);
}

static void link_household(outreach *o, size_t h, int64_t household_id, int channel, const char *on,
                           demo_rng *r)
{
    Welfare__Registry__V1__RequestServiceLinkage q = WELFARE__REGISTRY__V1__REQUEST_SERVICE_LINKAGE__INIT;
    resource_left *res = demo_rng_chance(r, PUBLIC_PERCENT) ? NULL : pick_resource(o, household_id, on, r);
    q.household_id = household_id;
    q.channel = channel;
    q.requested_on = (char *)on;
    if (res) {
        q.kind = WELFARE__REGISTRY__V1__LINKAGE_KIND__LINKAGE_KIND_RESOURCE;
        q.resource_id = res->id;
        q.domain = res->domain;
    } else {
        q.kind = WELFARE__REGISTRY__V1__LINKAGE_KIND__LINKAGE_KIND_PUBLIC_PROGRAMME;
        q.programme = (Welfare__Registry__V1__PublicProgramme)demo_rng_range(r, 1, 11);
        q.domain = WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_INCOME;
    }
    Welfare__Registry__V1__RequestServiceLinkageReply *reply;
    call(o, o->run->registry, "outreach-link", h, &q.base,
         &welfare__registry__v1__request_service_linkage_reply__descriptor, (ProtobufCMessage **)&reply);
    if (!reply)
        return;
    int64_t linkage = reply->linkage_id;
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    if (res)
        res->remaining--;
    char started[11], ended[11];
    after(on, (int)demo_rng_range(r, 1, 7), started);
    if (!started[0])
        return;
    if (demo_rng_chance(r, REFUSED_PERCENT)) {
        change(o, "outreach-refuse", h, linkage, WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_REFUSED,
               0, started);
        o->refused++;
        if (res)
            res->remaining++;
        return;
    }
    change(o, "outreach-start", h, linkage, WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_STARTED, 0,
           started);
    o->linkages++;
    after(started, 60, ended);
    if (res && ended[0] && demo_rng_chance(r, 50)) {
        change(o, "outreach-end", h, linkage, WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_ENDED,
               WELFARE__REGISTRY__V1__LINKAGE_OUTCOME__LINKAGE_OUTCOME_COMPLETED, ended);
        res->remaining++;
    }
}

/* One household below the case threshold: its visits and linkages. */
static void reach_out(outreach *o, size_t h, int64_t household_id, const demo_referral *first)
{
    demo_rng r;
    char on[11], again[11];
    demo_rng_seed(&r, o->run->opt->seed, STREAM_OUTREACH + h);
    if (demo_rng_chance(&r, PLANNED_PERCENT)) {
        planned_visit(o, h, household_id, first->reported_on, &r);
        after(first->reported_on, (int)demo_rng_range(&r, 12, 30), on); /* after the visit */
        if (on[0] && demo_rng_chance(&r, PLANNED_LINKED))
            link_household(o, h, household_id, first->channel, on, &r);
        return;
    }
    after(first->reported_on, (int)demo_rng_range(&r, 1, 14), on);
    if (!on[0])
        return;
    bool met = unplanned_visit(o, "outreach-met", h, household_id, on, &r);
    after(on, (int)demo_rng_range(&r, 20, 60), again); /* a re-visit */
    if (again[0])
        met = unplanned_visit(o, "outreach-again", h, household_id, again, &r) || met;
    if (met && demo_rng_chance(&r, LINKED_PERCENT))
        link_household(o, h, household_id, first->channel, on, &r);
}

int demo_do_outreach(demo_run *run)
{
    outreach o = {.run = run};
    const demo_district *d = run->d;
    const demo_referral **first = calloc(d->n_households + 1, sizeof *first);
    int rc = first ? load_resources(&o) : WH_INTERNAL;
    for (size_t i = 0; first && i < d->n_referrals; i++) /* sorted by date: the first is the earliest */
        if (!first[d->referrals[i].household])
            first[d->referrals[i].household] = &d->referrals[i];
    int64_t last = 0;
    for (size_t h = 0; h < d->n_households; h++)
        if (run->household_ids[h])
            last = run->household_ids[h];
    if (rc == 0 && last)
        rc = wait_known(&o, last);
    int threshold = demo_case_threshold();
    for (size_t h = 0; rc == 0 && h < d->n_households; h++) {
        if (run->household_ids[h] && first[h] && run->household_risk[h] < threshold)
            reach_out(&o, h, run->household_ids[h], first[h]);
        demo_progress(run, "outreach", h + 1, d->n_households);
    }
    if (rc == 0)
        demo_say(
            run,
            "  outreach beyond cases: %zu planned visits, %zu unplanned met (%zu not at home), %zu linkages "
            "started (%zu refused)\n",
            o.planned, o.visits, o.missed, o.linkages, o.refused);
    free(first);
    free(o.res);
    return rc;
}

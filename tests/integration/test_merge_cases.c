/*
 * test_merge_cases.c — case and reporting follow a merge and its unmerge (issue 16): the merged
 * household's open case, and seed 004's KPIs of section 10 as reporting serves them (QueryKpi of
 * the dong's June), before, after the merges and after the unmerges.
 *
 *   four households of one run: 1, 2 and 3 at case-level risk (a case each), 4 low (no case)
 *   merge 2 into 1 (both with a case): case 2 is closed as merged (CaseClosed MERGED), folded into
 *             case 1 — the cases KPI counts one household, not two
 *   merge 3 into 4 (4 without a case): case 3 moves to household 4 (CaseMoved), the KPI unchanged
 *   the funnel follows: the merged households' referrals count as the kept ones' (one household each);
 *             routing drops the folded case's first visit and gives the moved case's to household 4
 *   the registry follows: case 2's two linkages, one STARTED on a resource of 2 units and one ACCEPTED
 *             on a resource of 1, end at the fold (capacity given back); household 1 takes the one
 *             unit of the second while merged
 *   unmerge both: case 2 reopened (CaseReopened) on household 2 with its first visit pending again in
 *             routing, case 3 back on household 3, the KPIs and the funnel as before; the registry puts
 *             the STARTED linkage back (restored, its unit taken again, counted once in the KPI) and
 *             leaves the other ended: its resource has no unit left
 *   bad input an unmerge of households never merged: FAILED_PRECONDITION, nothing changed
 *
 * And the case's own requests (requests_follow_merges): households 1 and 2 of another dong at
 * case-level risk; case 2's needs assessed, so case requests two linkages (LinkageRequested) and the
 * registry reserves a unit for each (a resource of 3 units and one of 1; LinkageCompleted, the KPI's
 * 2 linkages); merge 2 into 1 folds case 2 and the registry releases both units; household 1 takes
 * the one unit of the second resource while merged; the unmerge reopens case 2 and the registry
 * takes the first request's unit again — a new reservation for the same linkage (CapacityReserved
 * restores_reservation_id), case's linkage pointing at it, one active reservation, no second
 * LinkageCompleted, the KPI's linkages still 2 from June to today — and leaves the second released
 * (no unit left).
 *
 * Dong "77…" of this run, persons 3740–3749; dong "69…", persons 3600–3609.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"
#include "welfare/case/v1/commands.pb-c.h"
#include "welfare/case/v1/events.pb-c.h"
#include "welfare/intake/v1/events.pb-c.h"
#include "welfare/registry/v1/commands.pb-c.h"
#include "wh/status.h"
#include "wh/util.h"

#define PERSON   3740
#define PERSON_R 3600 /* requests_follow_merges */
#define ON       "2026-06-03"
#define FROM     "2026-06-01"
#define TO       "2026-06-30"
#define LINKED   "2026-06-10"
#define FOUND    "2026-05-01" /* the resources' discovery, before the KPI's month */

typedef struct scene {
    char dong[11];
    const char *dongs[1];
    int person;          /* the persons' numbers: person + household */
    int64_t h[5];        /* households 1..4 */
    char id[5][24];      /* their ids as text, for SQL */
    char case_of[5][24]; /* the cases of 1..3 as text */
    int64_t resource[2]; /* of 2 units and of 1 */
    int64_t linkage[2];  /* case 2's: STARTED on resource 0, ACCEPTED on resource 1 */
} scene;

static int64_t submit(whc *c, const scene *s, int household, int risk)
{
    itest_referral r;
    itest_referral_init(&r, s->dong, household, s->person + household, 1, risk, ON);
    Welfare__Intake__V1__SubmitReferralReply *reply = itest_submit(c, &r);
    int64_t id = reply->household_id;
    welfare__intake__v1__submit_referral_reply__free_unpacked(reply, NULL);
    return id;
}

static void kpi_between(const scene *s, const char *from, const char *to, const itest_kpi *want,
                        const char *when)
{
    itest_kpi got;
    if (!itest_kpi_wait(s->dongs, 1, from, to, want, 30, &got))
        print_message("KPI %s:\n", when);
    itest_kpi_assert_equal(want, &got);
    print_message("KPI %s: %lld case households, %lld blind spots, %lld linkages\n", when,
                  (long long)got.case_households, (long long)got.blind_spots, (long long)got.linkages);
}

static void kpi_is(const scene *s, const itest_kpi *want, const char *when)
{
    kpi_between(s, FROM, TO, want, when);
}

/* The KPIs from June to today, once reporting has applied the registry's stream. */
static void kpi_to_today(const scene *s, const itest_kpi *want, const char *when)
{
    assert_true(itest_wait_caught_up("reporting", "registry", 30));
    char today[11];
    wh_date_today(today);
    kpi_between(s, FROM, today, want, when);
}

static int64_t merge(whc *c, int64_t keep, int64_t other)
{
    Welfare__Intake__V1__ResolveDuplicate d = WELFARE__INTAKE__V1__RESOLVE_DUPLICATE__INIT;
    d.household_id = keep;
    d.other_household_id = other;
    d.resolution = WELFARE__INTAKE__V1__DUPLICATE_RESOLUTION__DUPLICATE_RESOLUTION_MERGE;
    Welfare__Intake__V1__ResolveDuplicateReply *r =
        (void *)itest_call(c, &d.base, &welfare__intake__v1__resolve_duplicate_reply__descriptor);
    int64_t id = r->merge_id;
    welfare__intake__v1__resolve_duplicate_reply__free_unpacked(r, NULL);
    return id;
}

static int unmerge(whc *c, int64_t keep, int64_t other, whc_error *err)
{
    Welfare__Intake__V1__UnmergeHouseholds u = WELFARE__INTAKE__V1__UNMERGE_HOUSEHOLDS__INIT;
    u.household_id = keep;
    u.other_household_id = other;
    Welfare__Intake__V1__UnmergeHouseholdsReply *reply = NULL;
    int rc = whc_call(c, &u.base, &welfare__intake__v1__unmerge_households_reply__descriptor,
                      (ProtobufCMessage **)&reply, err);
    if (reply)
        welfare__intake__v1__unmerge_households_reply__free_unpacked(reply, NULL);
    return rc;
}

/* Waits until case `k`'s row is household `h` with this status and close reason. */
static void case_is(const scene *s, int k, int h, const char *status, int reason)
{
    char r[8];
    snprintf(r, sizeof r, "%d", reason);
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM casework.cases WHERE id = $1::bigint AND "
                                           "household_id = $2::bigint AND status = $3 AND close_reason = "
                                           "$4::integer",
                                           s->case_of[k], s->id[h], status, r, NULL),
                     1);
}

/* The funnel's households of the run's dong: distinct households its referrals count as. */
static int64_t funnel_households(const scene *s, int64_t want)
{
    return itest_wait_i64_params(want, 30,
                                 "SELECT count(DISTINCT household_id) FROM reporting.funnel_referral WHERE "
                                 "dong_code = $1",
                                 s->dong, NULL);
}

/* Households 1..n of dong "<prefix>…", 1..cases at case-level risk, each waited for as a case. */
static void setup_scene(scene *s, whc *intake, int prefix, int person, int n, int cases)
{
    snprintf(s->dong, sizeof s->dong, "%02d%08lld", prefix, (long long)itest_run_number());
    s->dongs[0] = s->dong;
    s->person = person;
    itest_dong_define(s->dong);
    for (int k = 1; k <= n; k++) {
        s->h[k] = submit(intake, s, k, k <= cases ? ITEST_RISK_HIGH : ITEST_RISK_LOW);
        snprintf(s->id[k], sizeof s->id[k], "%lld", (long long)s->h[k]);
    }
    for (int k = 1; k <= cases; k++) {
        assert_int_equal(itest_wait_i64_params(1, 30,
                                               "SELECT count(*) FROM casework.cases WHERE household_id = "
                                               "$1::bigint AND status = 'open'",
                                               s->id[k], NULL),
                         1);
        snprintf(s->case_of[k], sizeof s->case_of[k], "%lld",
                 (long long)itest_sql_i64("SELECT id FROM casework.cases WHERE household_id = $1::bigint",
                                          s->id[k], NULL));
    }
}

/* --- the registry's linkages of case 2 --------------------------------------------------------- */

static int64_t resource_of(whc *registry, const scene *s, int64_t provider, int domain, int capacity,
                           const char *title)
{
    Welfare__Registry__V1__RegisterResource q = WELFARE__REGISTRY__V1__REGISTER_RESOURCE__INIT;
    q.provider_id = provider;
    q.domain = domain;
    q.kind = WELFARE__REGISTRY__V1__RESOURCE_KIND__RESOURCE_KIND_SERVICE;
    q.dong_code = (char *)s->dong;
    q.capacity = capacity;
    q.discovered_on = FOUND;
    q.title = (char *)title;
    Welfare__Registry__V1__RegisterResourceReply *r =
        (void *)itest_call(registry, &q.base, &welfare__registry__v1__register_resource_reply__descriptor);
    int64_t id = r->resource_id;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    return id;
}

static int64_t request_linkage(whc *registry, const scene *s, int h, int64_t case_id, int64_t resource_id)
{
    Welfare__Registry__V1__RequestServiceLinkage q = WELFARE__REGISTRY__V1__REQUEST_SERVICE_LINKAGE__INIT;
    q.household_id = s->h[h];
    q.case_id = case_id;
    q.kind = WELFARE__REGISTRY__V1__LINKAGE_KIND__LINKAGE_KIND_RESOURCE;
    q.resource_id = resource_id;
    q.domain = WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_CARE;
    q.requested_on = LINKED;
    Welfare__Registry__V1__RequestServiceLinkageReply *r = (void *)itest_call(
        registry, &q.base, &welfare__registry__v1__request_service_linkage_reply__descriptor);
    int64_t id = r->linkage_id;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    return id;
}

static void change_linkage(whc *registry, int64_t linkage, int state)
{
    Welfare__Registry__V1__ChangeServiceLinkage q = WELFARE__REGISTRY__V1__CHANGE_SERVICE_LINKAGE__INIT;
    q.linkage_id = linkage;
    q.state = state;
    q.changed_on = LINKED;
    protobuf_c_message_free_unpacked(
        itest_call(registry, &q.base, &welfare__registry__v1__change_service_linkage_reply__descriptor),
        NULL);
}

static int64_t resource(whc *registry, const scene *s, int64_t provider, int capacity, const char *title)
{
    return resource_of(registry, s, provider, WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_CARE, capacity,
                       title);
}

/* A private provider of the scene's dong, once household 2 is known to the registry. */
static int64_t provider_of(whc *registry, const scene *s, const char *name_prefix)
{
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM registry.household WHERE household_id = "
                                           "$1::bigint",
                                           s->id[2], NULL),
                     1);
    Welfare__Registry__V1__RegisterProvider p = WELFARE__REGISTRY__V1__REGISTER_PROVIDER__INIT;
    char name[80];
    snprintf(name, sizeof name, "%s %s", name_prefix, itest_run_id());
    p.name = name;
    p.kind = WELFARE__REGISTRY__V1__PROVIDER_KIND__PROVIDER_KIND_PRIVATE;
    p.dong_code = (char *)s->dong;
    Welfare__Registry__V1__RegisterProviderReply *r =
        (void *)itest_call(registry, &p.base, &welfare__registry__v1__register_provider_reply__descriptor);
    int64_t provider = r->provider_id;
    protobuf_c_message_free_unpacked(&r->base, NULL);
    return provider;
}

/* Case 2 (household 2) gets a linkage STARTED on a resource of 2 units and one ACCEPTED on a
 * resource of 1. */
static void link_case_2(whc *registry, scene *s)
{
    int64_t provider = provider_of(registry, s, "Itest Merge Meals");
    s->resource[0] = resource(registry, s, provider, 2, "meals delivered");
    s->resource[1] = resource(registry, s, provider, 1, "home help");
    int64_t case_2 = strtoll(s->case_of[2], NULL, 10);
    for (int i = 0; i < 2; i++)
        s->linkage[i] = request_linkage(registry, s, 2, case_2, s->resource[i]);
    change_linkage(registry, s->linkage[0], WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_STARTED);
    change_linkage(registry, s->linkage[1], WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_ACCEPTED);
}

/* A number as text for SQL parameters (eight buffers in turn). */
static const char *text_of(int64_t v)
{
    static char buf[8][24];
    static int k;
    char *t = buf[k++ % 8];
    snprintf(t, 24, "%lld", (long long)v);
    return t;
}

/* Waits until linkage i is in this state with this outcome and its resource has `left` units. */
static void linkage_is(const scene *s, int i, int state, int outcome, int left)
{
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM registry.service_linkage l JOIN "
                                           "registry.resource r ON r.id = l.resource_id WHERE l.id = "
                                           "$1::bigint AND r.id = $2::bigint AND l.state = $3::integer AND "
                                           "l.outcome = $4::integer AND r.remaining = $5::integer",
                                           text_of(s->linkage[i]), text_of(s->resource[i]), text_of(state),
                                           text_of(outcome), text_of(left), NULL),
                     1);
}

static void cases_follow_merges(void **state)
{
    (void)state;
    scene s;
    whc *intake = itest_client("intake");
    whc *registry = itest_client("registry");
    setup_scene(&s, intake, 77, PERSON, 4, 3);
    link_case_2(registry, &s);
    const int STARTED = WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_STARTED;
    const int ACCEPTED = WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_ACCEPTED;
    const int ENDED = WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_ENDED;
    const int CASE_CLOSED = WELFARE__REGISTRY__V1__LINKAGE_OUTCOME__LINKAGE_OUTCOME_CASE_CLOSED;
    itest_kpi before = {0};
    before.case_households = 3;
    before.blind_spots = 4;
    before.linkages = 1; /* case 2's started one */
    kpi_is(&s, &before, "before the merges");
    assert_int_equal(funnel_households(&s, 4), 4);

    whc_error err;
    assert_int_equal(unmerge(intake, s.h[1], s.h[4], &err), WH_FAILED_PRECONDITION); /* never merged */
    assert_string_equal(err.field, "other_household_id");

    linkage_is(&s, 0, STARTED, 0, 1);
    linkage_is(&s, 1, ACCEPTED, 0, 0);

    assert_true(merge(intake, s.h[1], s.h[2]) > 0);
    assert_true(merge(intake, s.h[4], s.h[3]) > 0);
    case_is(&s, 2, 2, "closed", WELFARE__CASE__V1__CLOSE_REASON__CLOSE_REASON_MERGED);
    case_is(&s, 3, 4, "open", 0);
    case_is(&s, 1, 1, "open", 0);
    itest_kpi merged = before;
    merged.case_households = 2; /* case 2 folded into case 1; case 3 is household 4's now */
    merged.blind_spots = 2;     /* 1+2 and 3+4 are one household each */
    kpi_is(&s, &merged, "after the merges");
    /* the registry ends the folded case's linkages; household 1 takes the freed unit of resource 1 */
    linkage_is(&s, 0, ENDED, CASE_CLOSED, 2);
    linkage_is(&s, 1, ENDED, CASE_CLOSED, 1);
    assert_true(request_linkage(registry, &s, 1, 0, s.resource[1]) > 0);
    assert_int_equal(funnel_households(&s, 2), 2);
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM reporting.funnel_case WHERE case_id = "
                                           "$1::bigint AND household_id = $2::bigint",
                                           s.case_of[3], s.id[4], NULL),
                     1);
    /* routing follows: the folded case's first visit dropped, the moved case's is household 4's */
    assert_int_equal(
        itest_wait_i64_params(1, 30,
                              "SELECT count(*) FROM routing.visit_request WHERE case_id = "
                              "$1::bigint AND status = 'dropped' AND dropped_reason = 'case merged'",
                              s.case_of[2], NULL),
        1);
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM routing.visit_request WHERE case_id = "
                                           "$1::bigint AND household_id = $2::bigint",
                                           s.case_of[3], s.id[4], NULL),
                     1);

    assert_int_equal(unmerge(intake, s.h[1], s.h[2], &err), 0);
    assert_int_equal(unmerge(intake, s.h[4], s.h[3], &err), 0);
    case_is(&s, 2, 2, "open", 0);
    case_is(&s, 3, 3, "open", 0);
    kpi_is(&s, &before, "after the unmerges");
    /* the registry follows the reopen: the started linkage back with its unit (not counted again:
     * the KPI's linkages stay 1), the accepted one ended (resource 1 has no unit left) */
    linkage_is(&s, 0, STARTED, 0, 1);
    linkage_is(&s, 1, ENDED, CASE_CLOSED, 0);
    assert_int_equal(itest_wait_i64_params(2, 30,
                                           "SELECT count(*) FROM registry.folded_linkage WHERE case_id = "
                                           "$1::bigint AND undone_on IS NOT NULL",
                                           s.case_of[2], NULL),
                     2);
    /* routing follows the reopen: the visit the fold dropped is pending again, household 2's */
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM routing.visit_request WHERE case_id = "
                                           "$1::bigint AND household_id = $2::bigint AND status = 'pending' "
                                           "AND dropped_reason IS NULL",
                                           s.case_of[2], s.id[2], NULL),
                     1);
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM routing.visit_request WHERE case_id = "
                                           "$1::bigint AND household_id = $2::bigint",
                                           s.case_of[3], s.id[3], NULL),
                     1);
    assert_int_equal(funnel_households(&s, 4), 4);
    assert_int_equal(itest_sql_i64("SELECT count(*) FROM casework.cases WHERE household_id IN ($1::bigint, "
                                   "$2::bigint, $3::bigint, $4::bigint) AND status = 'open'",
                                   s.id[1], s.id[2], s.id[3], s.id[4], NULL),
                     3);
    /* the restoring is dated today: from June to today the KPIs are June's (one linkage, not two) */
    kpi_to_today(&s, &before, "from June to today, after the registry followed");
    whc_close(&registry);
    whc_close(&intake);
}

/* --- the case's own requests (LinkageRequested) ------------------------------------------------ */

#define NEED_A WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_CARE
#define NEED_B WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_HOUSING

/* Case 2's needs in NEED_A and NEED_B: case requests a linkage for each; *ids its linkages. */
static void assess_case_2(whc *kase, const scene *s, int64_t ids[2])
{
    Welfare__Case__V1__AssessNeeds q = WELFARE__CASE__V1__ASSESS_NEEDS__INIT;
    Welfare__Case__V1__Need a = WELFARE__CASE__V1__NEED__INIT, b = WELFARE__CASE__V1__NEED__INIT;
    Welfare__Case__V1__Need *needs[] = {&a, &b};
    a.domain = NEED_A;
    a.severity = WELFARE__COMMON__V1__SEVERITY__SEVERITY_HIGH;
    b.domain = NEED_B;
    b.severity = WELFARE__COMMON__V1__SEVERITY__SEVERITY_HIGH;
    q.case_id = strtoll(s->case_of[2], NULL, 10);
    q.needs = needs;
    q.n_needs = 2;
    q.assessed_on = "2026-06-05";
    Welfare__Case__V1__AssessNeedsReply *r =
        (void *)itest_call(kase, &q.base, &welfare__case__v1__assess_needs_reply__descriptor);
    assert_int_equal(r->n_linkage_ids, 2);
    ids[0] = r->linkage_ids[0];
    ids[1] = r->linkage_ids[1];
    protobuf_c_message_free_unpacked(&r->base, NULL);
}

/* Waits until case linkage `linkage` holds `active` reservations of `resource` and the resource has
 * `left` units. */
static void request_holds(int64_t linkage, int64_t resource, int active, int left)
{
    assert_int_equal(itest_wait_i64_params(1, 30,
                                           "SELECT count(*) FROM registry.resource r WHERE r.id = $2::bigint "
                                           "AND r.remaining = $4::integer AND (SELECT count(*) FROM "
                                           "registry.reservation v WHERE v.linkage_id = $1::bigint AND "
                                           "v.resource_id = r.id AND v.released_on IS NULL) = $3::integer",
                                           text_of(linkage), text_of(resource), text_of(active),
                                           text_of(left), NULL),
                     1);
}

/* True when the envelope is a LinkageCompleted of linkage *arg. */
static bool completes(const Welfare__Bus__V1__Envelope *env, void *arg)
{
    Welfare__Case__V1__LinkageCompleted *e =
        welfare__case__v1__linkage_completed__unpack(NULL, env->payload.len, env->payload.data);
    bool yes = e && e->linkage_id == *(const int64_t *)arg;
    if (e)
        welfare__case__v1__linkage_completed__free_unpacked(e, NULL);
    return yes;
}

static void requests_follow_merges(void **state)
{
    (void)state;
    scene s;
    int64_t request[2];
    whc *intake = itest_client("intake");
    whc *registry = itest_client("registry");
    whc *kase = itest_client("case");
    setup_scene(&s, intake, 69, PERSON_R, 2, 2);
    int64_t provider = provider_of(registry, &s, "Itest Merge Care");
    s.resource[0] = resource_of(registry, &s, provider, NEED_A, 3, "day care");
    s.resource[1] = resource_of(registry, &s, provider, NEED_B, 1, "boiler repair");
    assess_case_2(kase, &s, request);
    request_holds(request[0], s.resource[0], 1, 2);
    request_holds(request[1], s.resource[1], 1, 0);
    itest_kpi before = {0};
    before.case_households = 2;
    before.blind_spots = 2;
    before.linkages = 2; /* case 2's two requests, reserved (LinkageCompleted) */
    kpi_is(&s, &before, "before the merge");
    assert_true(merge(intake, s.h[1], s.h[2]) > 0);
    case_is(&s, 2, 2, "closed", WELFARE__CASE__V1__CLOSE_REASON__CLOSE_REASON_MERGED);
    /* the fold releases both requests' units; household 1 takes the one unit of resource 1 */
    request_holds(request[0], s.resource[0], 0, 3);
    request_holds(request[1], s.resource[1], 0, 1);
    assert_true(request_linkage(registry, &s, 1, 0, s.resource[1]) > 0);
    request_holds(request[1], s.resource[1], 0, 0);

    whc_error err;
    assert_int_equal(unmerge(intake, s.h[1], s.h[2], &err), 0);
    case_is(&s, 2, 2, "open", 0);
    /* the first request holds its unit again, once; the second stays released (no unit left) */
    request_holds(request[0], s.resource[0], 1, 2);
    request_holds(request[1], s.resource[1], 0, 0);
    assert_int_equal(itest_wait_i64_params(2, 30,
                                           "SELECT count(*) FROM registry.folded_reservation WHERE case_id = "
                                           "$1::bigint AND undone_on IS NOT NULL",
                                           s.case_of[2], NULL),
                     2);
    /* case's linkage points at the reservation that took the released one's place */
    assert_int_equal(
        itest_wait_i64_params(1, 30,
                              "SELECT count(*) FROM casework.linkage l JOIN registry.reservation v "
                              "ON v.id = l.reservation_id JOIN registry.folded_reservation f ON "
                              "f.restored_as = v.id WHERE l.id = $1::bigint AND l.status = "
                              "'completed' AND v.released_on IS NULL AND v.linkage_id = l.id",
                              text_of(request[0]), NULL),
        1);
    /* nothing counted twice: one LinkageCompleted per request, the KPI's linkages still 2 */
    assert_true(itest_wait_caught_up("casework", "registry", 30));
    assert_int_equal(
        itest_events_count("case", "welfare.case.v1.LinkageCompleted", completes, &request[0], NULL), 1);
    assert_true(itest_wait_caught_up("reporting", "case", 30));
    kpi_to_today(&s, &before, "from June to today, after the unmerge");
    whc_close(&kase);
    whc_close(&registry);
    whc_close(&intake);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(cases_follow_merges),
                                       cmocka_unit_test(requests_follow_merges)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

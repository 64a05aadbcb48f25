/*
 * drive_discovery.c — discovery the way a district does it, through intake's real commands: the
 * human safety net (members per dong in three teams), what its members report about people whose
 * resident number they do not know, the households its visiting-and-checking members look in on
 * and their check-ins (a concern or a second "not seen" becomes a referral in intake), and two
 * survey campaigns of whole groups with a result per household; its resource-engaging members find
 * givers for the registry's ledger (drive_finds.c).  Reporting counts all of it from
 * intake's events (/dashboard/surveys, /api/surveys, /api/safety-net, the funnel).
 *
 * Every choice is drawn from the seed (stream STREAM_DISCOVERY and the item's index), every command
 * carries the message id of (seed, step, n), so a second or resumed run decides the same and
 * changes nothing.  Dates lie in the demo period.  The members are registered first of all
 * (demo_register_members, before the referrals, so the safety net's channel is filed by its members);
 * the rest comes after the other steps, so the case service opens cases for the members' new
 * households by itself (and intake credits the member).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drive.h"
#include "welfare/intake/v1/commands.pb-c.h"
#include "welfare/intake/v1/roster.pb-c.h"
#include "welfare/intake/v1/safety_net.pb-c.h"
#include "welfare/intake/v1/survey.pb-c.h"
#include "wh/status.h"

#define STREAM_DISCOVERY    0xd15c0
#define MEMBERS_PER_DONG    5  /* 10 dongs: 50 members */
#define MEMBER_REFERRALS    40 /* by discovery-team members, without a resident number */
#define KNOWN_PERCENT       60 /* of them: a person some other channel reported too */
#define SELECTED_PERCENT    50 /* of the new households they find: selected for public aid */
#define WATCHES_PER_DONG    6  /* 60 households looked in on */
#define CHECK_INS_PER_WATCH 8  /* 480 check-ins */
#define WATCH_EVERY_DAYS    14 /* fortnightly, weekly when the watch begins late */
#define WATCH_LAST_START    "2026-08-15"
#define SURVEY_MAX          400 /* households listed per survey, at most */
#define TEAM(x)             WELFARE__INTAKE__V1__SAFETY_NET_TEAM__SAFETY_NET_TEAM_##x
#define CHECK(x)            WELFARE__INTAKE__V1__CHECK_IN_OUTCOME__CHECK_IN_OUTCOME_##x
#define OUTCOME(x)          WELFARE__INTAKE__V1__SURVEY_OUTCOME__SURVEY_OUTCOME_##x

/* The members of one dong, by position: two find, one engages resources, two look in on households. */
static const int member_teams[MEMBERS_PER_DONG] = {TEAM(DISCOVERY), TEAM(DISCOVERY), TEAM(RESOURCE_ENGAGING),
                                                   TEAM(VISITING_AND_CHECKING), TEAM(VISITING_AND_CHECKING)};
/* Affiliations (intake's affiliations.c) and their shares: village foremen first, as in the seed. */
static const struct {
    const char *code;
    int weight;
} affiliations[] = {{"village_foreman", 30}, {"womens_society", 15}, {"shop", 12},
                    {"delivery", 10},        {"religious", 8},       {"community_committee", 10},
                    {"utility_worker", 5},   {"resident", 10}};
#define N_AFFILIATIONS (sizeof affiliations / sizeof affiliations[0])

/* The two campaigns: target group (intake's survey_targets.c), period, which dongs (-1: all, else
 * from this dong index on) and which household kinds (district.c's demo_household_kinds). */
static const struct {
    const char *name, *target_group, *start_on, *end_on;
    int first_dong;
    int kinds[3];
} surveys[] = {
    {"2026 홀로 사는 60세 이상 어르신 전수조사",
     "seniors_living_alone",
     "2026-06-01",
     "2026-08-31",
     -1,
     {0, -1, -1}},
    {"2026 차상위계층 가구 실태조사", "secondary_poor", "2026-07-01", "2026-09-30", 3, {2, 3, 6}},
};
#define N_SURVEYS (sizeof surveys / sizeof surveys[0])

static const char *const check_in_concerns[] = {
    "looked thin, says she skips meals", "the heating is off and the room is cold",
    "fell last week, walks with pain",   "talks of not wanting to go on",
    "unpaid bills on the table",
};
static const char *const survey_needs[] = {
    "no regular meals",      "cannot pay the heating", "needs home repair",
    "isolated, no visitors", "needs medical care",
};

typedef struct discovery {
    demo_run *run;
    char (*first_on)[11]; /* the household's first referral, by index in d->households */
    size_t referrals, known, suspected, new_households, selected, watches, check_ins, check_in_referrals,
        listed, results;
} discovery;

int demo_register_members(demo_run *run)
{
    demo_rng r;
    demo_rng_seed(&r, run->opt->seed, STREAM_DISCOVERY);
    int weights[N_AFFILIATIONS];
    for (size_t i = 0; i < N_AFFILIATIONS; i++)
        weights[i] = affiliations[i].weight;
    for (size_t dong = 0; dong < demo_dongs_count; dong++)
        for (int k = 0; k < MEMBERS_PER_DONG && run->n_members < DEMO_MEMBERS_MAX; k++) {
            size_t n = dong * MEMBERS_PER_DONG + (size_t)k, at = run->n_members;
            demo_household who; /* only the name and phone are used: as little as the job needs */
            demo_make_household(&r, &who);
            const char *aff = affiliations[demo_rng_weighted(&r, weights, N_AFFILIATIONS, sizeof(int))].code;
            /* A few join in summer, a few stop in September. */
            const char *from = k == 1 && dong % 3 == 0 ? "2026-07-01" : "2026-04-01";
            const char *until = k == 2 && dong % 4 == 1 ? "2026-09-30" : "";
            Welfare__Intake__V1__RegisterMember q = WELFARE__INTAKE__V1__REGISTER_MEMBER__INIT;
            Welfare__Intake__V1__RegisterMemberReply *rep = NULL;
            q.dong_code = (char *)demo_dongs[dong].code;
            q.team = (Welfare__Intake__V1__SafetyNetTeam)member_teams[k];
            q.affiliation = (char *)aff;
            q.name = who.persons[0].name;
            q.phone = who.persons[0].phone;
            q.active_from = (char *)from;
            q.active_until = (char *)until;
            int rc =
                demo_call(run, run->intake, "net-member", n, &q.base,
                          &welfare__intake__v1__register_member_reply__descriptor, (ProtobufCMessage **)&rep);
            if (rc == WH_UNAVAILABLE)
                return rc;
            if (rep) {
                run->members[at] =
                    (demo_member){rep->member_id, rep->reporter_id, (int)dong, member_teams[k], from, until};
                run->n_members++;
                protobuf_c_message_free_unpacked(&rep->base, NULL);
            }
            demo_progress(run, "safety-net members", n + 1, demo_dongs_count * MEMBERS_PER_DONG);
        }
    return 0;
}

/* The resource-engaging members find givers in their dongs (drive_finds.c). */
static int resource_finds(discovery *x, demo_finds *found)
{
    const demo_run *run = x->run;
    demo_finder finders[DEMO_MEMBERS_MAX];
    size_t n = 0;
    for (size_t i = 0; i < run->n_members; i++)
        if (run->members[i].team == TEAM(RESOURCE_ENGAGING))
            finders[n++] = (demo_finder){run->members[i].member_id, run->members[i].dong, i};
    return demo_member_finds(x->run, finders, n, found);
}

static bool active_on(const demo_member *m, const char *on)
{
    return !*on ||
           (strcmp(on, m->active_from) >= 0 && (!*m->active_until || strcmp(on, m->active_until) <= 0));
}

const demo_member *demo_member_of(const demo_run *run, int dong, int team, size_t n, const char *on)
{
    size_t count = 0;
    for (size_t i = 0; i < run->n_members; i++)
        count +=
            run->members[i].dong == dong && run->members[i].team == team && active_on(&run->members[i], on);
    if (count == 0)
        return NULL;
    size_t want = n % count;
    for (size_t i = 0; i < run->n_members; i++)
        if (run->members[i].dong == dong && run->members[i].team == team && active_on(&run->members[i], on) &&
            want-- == 0)
            return &run->members[i];
    return NULL;
}

/* Referral i of a discovery-team member: a person of a household some other channel reported (what a
 * neighbour knows: the name, the address and the birth year, the age or the phone — never the resident
 * number), or someone nobody reported, living alone, sometimes in arrears. */
static int member_referral(discovery *x, demo_rng *r, size_t i)
{
    const demo_district *d = x->run->d;
    demo_household fresh, *h = &fresh;
    bool known = d->n_households > 0 && demo_rng_chance(r, KNOWN_PERCENT);
    size_t hi = 0;
    char on[11];
    if (known) {
        hi = (size_t)demo_rng_range(r, 0, (int64_t)d->n_households - 1);
        h = &d->households[hi];
        int day = demo_date_days(x->first_on[hi]) + (int)demo_rng_range(r, 3, 30);
        demo_date_format(day > demo_date_days(DEMO_TO) ? demo_date_days(DEMO_TO) : day, on);
    } else {
        demo_make_household(r, &fresh);
        fresh.n_persons = 1;
        demo_date_format((int)demo_rng_range(r, demo_date_days("2026-07-01"), demo_date_days(DEMO_TO) - 20),
                         on);
    }
    const demo_member *m = demo_member_of(x->run, h->dong, TEAM(DISCOVERY), i, on);
    if (!m)
        return 0;
    const demo_person *p = &h->persons[0];
    Welfare__Intake__V1__SubmitReferral q = WELFARE__INTAKE__V1__SUBMIT_REFERRAL__INIT;
    Welfare__Intake__V1__ReferredHousehold hh = WELFARE__INTAKE__V1__REFERRED_HOUSEHOLD__INIT;
    Welfare__Intake__V1__ReferredPerson person = WELFARE__INTAKE__V1__REFERRED_PERSON__INIT,
                                        *persons[1] = {&person};
    Welfare__Intake__V1__RiskIndicators risk = WELFARE__INTAKE__V1__RISK_INDICATORS__INIT;
    Welfare__Common__V1__GeoPoint at = WELFARE__COMMON__V1__GEO_POINT__INIT;
    at.latitude = h->latitude;
    at.longitude = h->longitude;
    hh.address = (char *)h->address;
    hh.dong_code = (char *)demo_dongs[h->dong].code;
    hh.location = &at;
    hh.known_to_programme = known && h->known_to_programme;
    person.name = (char *)p->name;
    /* What the neighbour knows besides the name: an age, or the birth year and the phone. */
    int born = atoi(p->birth_date);
    switch (demo_rng_range(r, 0, 2)) {
    case 0: /* an age alone, without the phone: intake can only suspect a known household */
        person.approximate_age = atoi(on) - born;
        break;
    default: /* the birth year and the phone: enough to attach */
        person.birth_year = born;
        person.phone = (char *)p->phone;
    }
    person.sex = p->sex == 'F' ? WELFARE__INTAKE__V1__SEX__SEX_FEMALE : WELFARE__INTAKE__V1__SEX__SEX_MALE;
    risk.lives_alone = h->n_persons == 1;
    risk.months_utility_arrears = demo_rng_chance(r, 50) ? (int)demo_rng_range(r, 1, 5) : 0;
    risk.months_rent_arrears = demo_rng_chance(r, 25) ? (int)demo_rng_range(r, 1, 4) : 0;
    risk.chronic_illness = demo_rng_chance(r, 40);
    q.channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SAFETY_NET;
    q.reporter_id = m->reporter_id;
    q.household = &hh;
    q.persons = persons;
    q.n_persons = 1;
    q.concern = known ? "the neighbour says things got worse this month"
                      : "not seen outside for a week, mail piling up";
    q.risk = &risk;
    q.reported_on = on;
    Welfare__Intake__V1__SubmitReferralReply *rep = NULL;
    int rc = demo_call(x->run, x->run->intake, "net-referral", i, &q.base,
                       &welfare__intake__v1__submit_referral_reply__descriptor, (ProtobufCMessage **)&rep);
    int64_t new_household = rep && rep->is_new && !known ? rep->household_id : 0;
    if (rep) {
        x->referrals++;
        x->known += known && !rep->is_new;
        x->suspected += known && rep->is_new; /* a new household and a suspicion for an operator */
        x->new_households += !known && rep->is_new;
        protobuf_c_message_free_unpacked(&rep->base, NULL);
    }
    if (rc == WH_UNAVAILABLE)
        return rc;
    /* The hub visits the household the member found and selects it for a public programme (the older
     * for the basic pension, the others for the district's emergency aid) two weeks later: the member
     * is credited by intake. */
    if (new_household && demo_rng_chance(r, SELECTED_PERCENT)) {
        Welfare__Intake__V1__SelectForPublicAid a = WELFARE__INTAKE__V1__SELECT_FOR_PUBLIC_AID__INIT;
        Welfare__Intake__V1__SelectForPublicAidReply *ar = NULL;
        char start[11];
        demo_date_plus(on, 14, start);
        a.household_id = new_household;
        a.programme = atoi(on) - born >= 65 ? "basic_pension" : "ordinance_emergency";
        a.start_on = start;
        a.decided_from = "safety-net-referral";
        rc = demo_call(x->run, x->run->intake, "net-selected", i, &a.base,
                       &welfare__intake__v1__select_for_public_aid_reply__descriptor,
                       (ProtobufCMessage **)&ar);
        if (ar) {
            x->selected++;
            protobuf_c_message_free_unpacked(&ar->base, NULL);
        }
    }
    return rc == WH_UNAVAILABLE ? rc : 0;
}

static int member_referrals(discovery *x)
{
    demo_rng r;
    demo_rng_seed(&r, x->run->opt->seed, STREAM_DISCOVERY + 1);
    for (size_t i = 0; i < MEMBER_REFERRALS; i++) {
        int rc = member_referral(x, &r, i);
        if (rc != 0)
            return rc;
        demo_progress(x->run, "safety-net referrals", i + 1, MEMBER_REFERRALS);
    }
    return 0;
}

/* One watched household: assigned to a visiting member of its dong from a few days after its first
 * referral, then CHECK_INS_PER_WATCH check-ins every WATCH_EVERY_DAYS days (weekly when that would run
 * past the period), mostly "seen well". */
static int watch(discovery *x, demo_rng *r, size_t w, size_t hi, const demo_member *m)
{
    char from[11], on[11];
    demo_date_plus(x->first_on[hi], (int)demo_rng_range(r, 1, 10), from);
    if (demo_date_days(from) < demo_date_days("2026-06-01"))
        snprintf(from, sizeof from, "2026-06-%02d", (int)demo_rng_range(r, 1, 14));
    int every = WATCH_EVERY_DAYS;
    if (demo_date_days(from) + (CHECK_INS_PER_WATCH - 1) * every + 2 > demo_date_days(DEMO_TO))
        every = 7;
    Welfare__Intake__V1__AssignWatch q = WELFARE__INTAKE__V1__ASSIGN_WATCH__INIT;
    Welfare__Intake__V1__AssignWatchReply *rep = NULL;
    q.member_id = m->member_id;
    q.household_id = x->run->household_ids[hi];
    q.every_days = every;
    q.from_on = from;
    int rc = demo_call(x->run, x->run->intake, "net-watch", w, &q.base,
                       &welfare__intake__v1__assign_watch_reply__descriptor, (ProtobufCMessage **)&rep);
    if (!rep)
        return rc == WH_UNAVAILABLE ? rc : 0;
    int64_t watch_id = rep->watch_id;
    protobuf_c_message_free_unpacked(&rep->base, NULL);
    x->watches++;
    for (int k = 0; k < CHECK_INS_PER_WATCH; k++) {
        demo_date_plus(from, k * every + (int)demo_rng_range(r, 0, 2), on);
        if (demo_date_days(on) > demo_date_days(DEMO_TO))
            break;
        int roll = (int)demo_rng_range(r, 0, 99);
        int outcome = roll < 84 ? CHECK(SEEN_WELL) : roll < 90 ? CHECK(CONCERN) : CHECK(NOT_SEEN);
        Welfare__Intake__V1__RecordCheckIn c = WELFARE__INTAKE__V1__RECORD_CHECK_IN__INIT;
        Welfare__Intake__V1__RecordCheckInReply *cr = NULL;
        c.watch_id = watch_id;
        c.outcome = (Welfare__Intake__V1__CheckInOutcome)outcome;
        c.checked_on = on;
        c.concern = outcome == CHECK(CONCERN) ? (char *)check_in_concerns[demo_rng_range(r, 0, 4)] : "";
        rc = demo_call(x->run, x->run->intake, "net-check-in", w * 100 + (size_t)k, &c.base,
                       &welfare__intake__v1__record_check_in_reply__descriptor, (ProtobufCMessage **)&cr);
        if (rc == WH_UNAVAILABLE)
            return rc;
        if (cr) {
            x->check_ins++;
            x->check_in_referrals += cr->referral_id != 0;
            protobuf_c_message_free_unpacked(&cr->base, NULL);
        }
    }
    return 0;
}

/* Older people living alone (then any household) in each dong, WATCHES_PER_DONG of them, first
 * referred by WATCH_LAST_START (time left for the check-ins). */
static int watches(discovery *x)
{
    const demo_district *d = x->run->d;
    demo_rng r;
    demo_rng_seed(&r, x->run->opt->seed, STREAM_DISCOVERY + 2);
    size_t w = 0, total = demo_dongs_count * WATCHES_PER_DONG;
    for (size_t dong = 0; dong < demo_dongs_count; dong++) {
        int taken = 0;
        for (int pass = 0; pass < 2; pass++)
            for (size_t hi = 0; hi < d->n_households && taken < WATCHES_PER_DONG; hi++) {
                const demo_household *h = &d->households[hi];
                if (h->dong != (int)dong || (pass == 0) != (h->kind == 0) || !x->run->household_ids[hi] ||
                    strcmp(x->first_on[hi], WATCH_LAST_START) > 0)
                    continue;
                const demo_member *m =
                    demo_member_of(x->run, (int)dong, TEAM(VISITING_AND_CHECKING), (size_t)taken, "");
                if (!m)
                    break;
                int rc = watch(x, &r, w, hi, m);
                if (rc != 0)
                    return rc;
                taken++;
                demo_progress(x->run, "watched households", ++w, total);
            }
    }
    if (w < total)
        demo_progress(x->run, "watched households", w, w);
    return 0;
}

static bool in_survey(size_t s, const demo_household *h)
{
    if (surveys[s].first_dong >= 0 && h->dong < surveys[s].first_dong)
        return false;
    for (int k = 0; k < 3; k++)
        if (surveys[s].kinds[k] == h->kind)
            return true;
    return false;
}

/* One campaign: created, its list imported in one command, a result per listed household. */
static int survey(discovery *x, size_t s)
{
    const demo_district *d = x->run->d;
    demo_rng r;
    demo_rng_seed(&r, x->run->opt->seed, STREAM_DISCOVERY + 10 + s);
    char *codes[16];
    size_t n_codes = 0;
    for (size_t i = 0; i < demo_dongs_count && n_codes < 16; i++)
        if (surveys[s].first_dong < 0 || (int)i >= surveys[s].first_dong)
            codes[n_codes++] = (char *)demo_dongs[i].code;
    Welfare__Intake__V1__CreateSurvey q = WELFARE__INTAKE__V1__CREATE_SURVEY__INIT;
    Welfare__Intake__V1__CreateSurveyReply *rep = NULL;
    q.name = (char *)surveys[s].name;
    q.target_group = (char *)surveys[s].target_group;
    q.dong_codes = codes;
    q.n_dong_codes = n_codes;
    q.start_on = (char *)surveys[s].start_on;
    q.end_on = (char *)surveys[s].end_on;
    int rc = demo_call(x->run, x->run->intake, "survey", s, &q.base,
                       &welfare__intake__v1__create_survey_reply__descriptor, (ProtobufCMessage **)&rep);
    if (!rep)
        return rc == WH_UNAVAILABLE ? rc : 0;
    int64_t survey_id = rep->survey_id;
    protobuf_c_message_free_unpacked(&rep->base, NULL);

    int64_t *ids = calloc(d->n_households + 1, sizeof *ids);
    size_t n = 0;
    if (!ids)
        return WH_INTERNAL;
    for (size_t hi = 0; hi < d->n_households && n < SURVEY_MAX; hi++)
        if (x->run->household_ids[hi] && in_survey(s, &d->households[hi]))
            ids[n++] = x->run->household_ids[hi];
    Welfare__Intake__V1__AddSurveyHouseholds a = WELFARE__INTAKE__V1__ADD_SURVEY_HOUSEHOLDS__INIT;
    Welfare__Intake__V1__AddSurveyHouseholdsReply *ar = NULL;
    a.survey_id = survey_id;
    a.household_ids = ids;
    a.n_household_ids = n;
    rc =
        n ? demo_call(x->run, x->run->intake, "survey-list", s, &a.base,
                      &welfare__intake__v1__add_survey_households_reply__descriptor, (ProtobufCMessage **)&ar)
          : 0;
    if (ar) {
        x->listed += (size_t)ar->added + (size_t)ar->already_listed;
        protobuf_c_message_free_unpacked(&ar->base, NULL);
    }
    int from = demo_date_days(surveys[s].start_on), to = demo_date_days(surveys[s].end_on);
    for (size_t i = 0; rc != WH_UNAVAILABLE && i < n; i++) {
        int roll = (int)demo_rng_range(&r, 0, 99);
        int outcome = roll < 55   ? OUTCOME(NO_NEED)
                      : roll < 80 ? OUTCOME(NEED)
                      : roll < 92 ? OUTCOME(NOT_REACHABLE)
                                  : OUTCOME(REFUSED);
        char on[11];
        demo_date_format((int)demo_rng_range(&r, from, to), on);
        Welfare__Intake__V1__RecordSurveyResult res = WELFARE__INTAKE__V1__RECORD_SURVEY_RESULT__INIT;
        Welfare__Intake__V1__RecordSurveyResultReply *rr = NULL;
        res.survey_id = survey_id;
        res.household_id = ids[i];
        res.outcome = (Welfare__Intake__V1__SurveyOutcome)outcome;
        res.surveyed_on = on;
        if (outcome == OUTCOME(NEED)) {
            res.concern = (char *)survey_needs[demo_rng_range(&r, 0, 4)];
            res.service_linkages = (int32_t)demo_rng_range(&r, 1, 3);
            res.support_krw = demo_rng_chance(&r, 60) ? demo_rng_range(&r, 3, 50) * 10000 : 0;
            res.selected_for_case_management = demo_rng_chance(&r, 30);
        }
        rc =
            demo_call(x->run, x->run->intake, "survey-result", s * 100000 + i, &res.base,
                      &welfare__intake__v1__record_survey_result_reply__descriptor, (ProtobufCMessage **)&rr);
        if (rr) {
            x->results++;
            protobuf_c_message_free_unpacked(&rr->base, NULL);
        }
        demo_progress(x->run, s == 0 ? "survey: over-60s alone" : "survey: secondary poor", i + 1, n);
    }
    free(ids);
    return rc == WH_UNAVAILABLE ? rc : 0;
}

int demo_drive_discovery(demo_run *run)
{
    const demo_district *d = run->d;
    discovery x = {.run = run};
    x.first_on = calloc(d->n_households + 1, sizeof *x.first_on);
    if (!x.first_on)
        return WH_INTERNAL;
    for (size_t i = d->n_referrals; i-- > 0;) /* sorted by date: the earliest written last */
        memcpy(x.first_on[d->referrals[i].household], d->referrals[i].reported_on, 11);
    demo_finds found = {0};
    int rc = resource_finds(&x, &found);
    if (rc == 0)
        rc = member_referrals(&x);
    if (rc == 0)
        rc = watches(&x);
    for (size_t s = 0; rc == 0 && s < N_SURVEYS; s++)
        rc = survey(&x, s);
    free(x.first_on);
    if (rc == 0)
        demo_say(run,
                 "  safety net: %zu members, %zu referrals without a resident number (%zu attached to a "
                 "known household, "
                 "%zu only suspected of being one, %zu new, %zu of them selected for aid), %zu households "
                 "watched, %zu check-ins (%zu became referrals), %zu donations found (KRW %lld pledged, "
                 "KRW %lld received in %zu receipts); surveys: %zu households listed, %zu results\n",
                 run->n_members, x.referrals, x.known, x.suspected, x.new_households, x.selected, x.watches,
                 x.check_ins, x.check_in_referrals, found.donations, (long long)found.pledged_krw,
                 (long long)found.received_krw, found.receipts, x.listed, x.results);
    return rc;
}

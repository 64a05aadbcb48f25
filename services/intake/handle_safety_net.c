/*
 * handle_safety_net.c — RegisterMember, AssignWatch, RecordCheckIn, GetSafetyNetTally and the
 * credit of a household's first reporting member (SelectForPublicAid, case's CaseOpened).
 *
 * A check-in that becomes a referral (intake_check_in_refers) is stored on the watched household as
 * a referral of the member without persons, and emits the ReferralReceived and HouseholdIdentified of
 * any referral, so case and reporting see it as one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dongs.h"
#include "safety_net.h"
#include "wh/util.h"

#define MAX_CONCERN 2000

static int emit_registered(wh_ctx *ctx, const Welfare__Intake__V1__RegisterMember *m, int64_t id,
                           int64_t reporter_id)
{
    Welfare__Intake__V1__MemberRegistered ev = WELFARE__INTAKE__V1__MEMBER_REGISTERED__INIT;
    ev.member_id = id;
    ev.reporter_id = reporter_id;
    ev.dong_code = m->dong_code;
    ev.team = m->team;
    ev.affiliation = m->affiliation;
    ev.active_from = m->active_from;
    ev.active_until = m->active_until ? m->active_until : "";
    return wh_ctx_emit(ctx, &ev.base);
}

int intake_handle_register_member(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__RegisterMember *m = (const void *)req;
    char phone[INTAKE_PHONE_DIGITS + 1];
    intake_error err;
    if (intake_validate_member(m, phone, &err) < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, err.field, "%s", err.message);
    const char *dong = m->dong_code;
    int known = intake_dong_check_list(ctx, "dong_code", &dong, 1);
    if (known < 0)
        return known;
    Welfare__Intake__V1__RegisterMemberReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__intake__v1__register_member_reply__init(r);
    intake_member_row row = {.m = m};
    char *name_sealed = NULL, *phone_sealed = NULL;
    int rc = wh_pii_seal(m->name, &name_sealed);
    if (rc == 0 && phone[0])
        rc = wh_pii_seal(phone, &phone_sealed);
    if (rc < 0) {
        rc = wh_ctx_fail(ctx, WH_INTERNAL, NULL, "could not protect personal data");
        goto cleanup;
    }
    row.name_sealed = name_sealed;
    row.phone_sealed = phone_sealed;
    if ((rc = intake_store_insert_member(wh_ctx_db(ctx), &row, &r->member_id, &r->reporter_id)) < 0) {
        rc = wh_ctx_fail(ctx, rc, NULL, "could not register the member");
        goto cleanup;
    }
    if ((rc = emit_registered(ctx, m, r->member_id, r->reporter_id)) < 0) {
        rc = wh_ctx_fail(ctx, rc, NULL, "could not emit an event");
        goto cleanup;
    }
    *reply = &r->base;
cleanup:
    free(name_sealed);
    free(phone_sealed);
    return rc;
}

/* The member, active on `on`: NOT_FOUND, or FAILED_PRECONDITION naming `date_field`. */
static int active_member(wh_ctx *ctx, int64_t id, const char *on, const char *date_field, intake_member *out)
{
    int rc = intake_store_get_member(wh_ctx_db(ctx), id, out);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, "member_id",
                           rc == WH_NOT_FOUND ? "no such member" : "could not read member");
    if (strcmp(on, out->active_from) < 0 || (out->active_until[0] && strcmp(on, out->active_until) > 0))
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, date_field, "the member is not active on that day");
    return 0;
}

static int check_assign(wh_ctx *ctx, const Welfare__Intake__V1__AssignWatch *m)
{
    if (m->member_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "member_id", "member_id is required");
    if (m->household_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "household_id", "household_id is required");
    if (m->every_days < 1 || m->every_days > 90)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "every_days", "every_days must be 1..90");
    if (!wh_date_valid(m->from_on))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "from_on", "from_on must be YYYY-MM-DD");
    return 0;
}

int intake_handle_assign_watch(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__AssignWatch *m = (const void *)req;
    intake_member member;
    int64_t merged_into = 0;
    int rc = check_assign(ctx, m);
    if (rc < 0 || (rc = active_member(ctx, m->member_id, m->from_on, "from_on", &member)) < 0)
        return rc;
    if (member.team != WELFARE__INTAKE__V1__SAFETY_NET_TEAM__SAFETY_NET_TEAM_VISITING_AND_CHECKING)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "member_id",
                           "only members of the visiting-and-checking team look in on households");
    if ((rc = intake_store_household_merged_into(wh_ctx_db(ctx), m->household_id, &merged_into)) < 0)
        return wh_ctx_fail(ctx, rc, "household_id",
                           rc == WH_NOT_FOUND ? "no such household" : "could not read household");
    if (merged_into)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "household_id", "household was merged into %lld",
                           (long long)merged_into);
    Welfare__Intake__V1__AssignWatchReply *r = wh_ctx_alloc(ctx, sizeof *r);
    char *due = wh_ctx_strdup(ctx, m->from_on);
    if (!r || !due)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__intake__v1__assign_watch_reply__init(r);
    rc = intake_store_upsert_watch(wh_ctx_db(ctx), m->member_id, m->household_id, m->every_days, m->from_on,
                                   &r->watch_id);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not store the watch");
    r->next_due_on = due;
    *reply = &r->base;
    return 0;
}

static int check_check_in(wh_ctx *ctx, const Welfare__Intake__V1__RecordCheckIn *m)
{
    char today[11];
    wh_date_today(today);
    if (m->watch_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "watch_id", "watch_id is required");
    if (m->outcome < WELFARE__INTAKE__V1__CHECK_IN_OUTCOME__CHECK_IN_OUTCOME_SEEN_WELL ||
        m->outcome > WELFARE__INTAKE__V1__CHECK_IN_OUTCOME__CHECK_IN_OUTCOME_NOT_SEEN)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "outcome",
                           "outcome must be seen_well, concern or not_seen");
    if (!wh_date_valid(m->checked_on) || strcmp(m->checked_on, today) > 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "checked_on",
                           "checked_on must be YYYY-MM-DD, not after today (Korean time)");
    if (!intake_utf8_ok(m->concern, 0, MAX_CONCERN))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "concern",
                           "concern must be at most 2000 bytes of UTF-8");
    return 0;
}

int intake_refer_known_household(wh_ctx *ctx, const intake_known_referral *k, const char *concern,
                                 int64_t *referral_id)
{
    intake_known_referral sealed = *k;
    char *concern_sealed = NULL;
    int rc = concern && *concern ? wh_pii_seal(concern, &concern_sealed) : 0;
    if (rc < 0)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "could not protect personal data");
    sealed.concern_sealed = concern_sealed;
    intake_household_state state;
    rc = intake_store_refer_known(wh_ctx_db(ctx), &sealed, referral_id, &state);
    free(concern_sealed);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, "household_id",
                           rc == WH_FAILED_PRECONDITION ? "household was merged"
                                                        : "could not store the referral");
    Welfare__Intake__V1__SubmitReferral as = WELFARE__INTAKE__V1__SUBMIT_REFERRAL__INIT;
    as.channel = k->channel;
    as.reporter_id = k->reporter_id;
    as.reported_on = (char *)k->reported_on;
    if ((rc = intake_emit_attached(ctx, &as, &state, *referral_id, false, 0, 0)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not emit an event");
    intake_metrics_referral(k->channel, false, false, 0);
    return 0;
}

/* The check-in's referral on the watched household, with the events of any referral. */
static int refer(wh_ctx *ctx, const Welfare__Intake__V1__RecordCheckIn *m, const intake_watch *w,
                 const intake_member *member, int64_t *referral_id)
{
    intake_known_referral k = {
        .household_id = w->household_id,
        .reporter_id = member->reporter_id,
        .channel = WELFARE__INTAKE__V1__CHANNEL__CHANNEL_SAFETY_NET,
        .reported_on = m->checked_on,
    };
    return intake_refer_known_household(ctx, &k, m->concern, referral_id);
}

static int emit_check_in(wh_ctx *ctx, const Welfare__Intake__V1__RecordCheckIn *m, const intake_watch *w,
                         int64_t id, int64_t referral_id)
{
    Welfare__Intake__V1__CheckInRecorded ev = WELFARE__INTAKE__V1__CHECK_IN_RECORDED__INIT;
    ev.check_in_id = id;
    ev.watch_id = w->id;
    ev.member_id = w->member_id;
    ev.household_id = w->household_id;
    ev.dong_code = (char *)w->dong_code;
    ev.outcome = m->outcome;
    ev.checked_on = m->checked_on;
    ev.referral_id = referral_id;
    int rc = wh_ctx_emit(ctx, &ev.base);
    return rc < 0 ? wh_ctx_fail(ctx, rc, NULL, "could not emit an event") : 0;
}

int intake_handle_record_check_in(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__RecordCheckIn *m = (const void *)req;
    intake_watch w;
    intake_member member;
    int rc = check_check_in(ctx, m);
    if (rc < 0)
        return rc;
    if ((rc = intake_store_get_watch(wh_ctx_db(ctx), m->watch_id, &w)) < 0)
        return wh_ctx_fail(ctx, rc, "watch_id",
                           rc == WH_NOT_FOUND ? "no such watch" : "could not read watch");
    if (strcmp(m->checked_on, w.from_on) < 0)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "checked_on", "checked_on is before the watch began");
    if ((rc = active_member(ctx, w.member_id, m->checked_on, "checked_on", &member)) < 0)
        return rc;
    Welfare__Intake__V1__RecordCheckInReply *r = wh_ctx_alloc(ctx, sizeof *r);
    char *due = wh_ctx_alloc(ctx, 11);
    if (!r || !due)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__intake__v1__record_check_in_reply__init(r);
    bool not_seen = m->outcome == WELFARE__INTAKE__V1__CHECK_IN_OUTCOME__CHECK_IN_OUTCOME_NOT_SEEN;
    r->consecutive_not_seen = not_seen ? w.consecutive_not_seen + 1 : 0;
    if (intake_check_in_refers(m->outcome, r->consecutive_not_seen) &&
        (rc = refer(ctx, m, &w, &member, &r->referral_id)) < 0)
        return rc;
    intake_check_in_row row = {w.id, m->outcome, m->checked_on, r->consecutive_not_seen, r->referral_id};
    if ((rc = intake_store_insert_check_in(wh_ctx_db(ctx), &row, &r->check_in_id)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not store the check-in");
    if ((rc = emit_check_in(ctx, m, &w, r->check_in_id, r->referral_id)) < 0)
        return rc;
    wh_date_add_days(m->checked_on, w.every_days, due);
    r->next_due_on = due;
    *reply = &r->base;
    return 0;
}

int intake_safety_net_credit(wh_ctx *ctx, int64_t household_id, int kind, const char *on, const char *source)
{
    bool credited = false;
    intake_member member;
    int rc = intake_store_credit(wh_ctx_db(ctx), household_id, kind, on, source, &credited, &member);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not credit the safety-net member");
    if (!credited)
        return 0;
    Welfare__Intake__V1__MemberCredited ev = WELFARE__INTAKE__V1__MEMBER_CREDITED__INIT;
    ev.member_id = member.id;
    ev.team = member.team;
    ev.dong_code = member.dong_code;
    ev.household_id = household_id;
    ev.kind = kind;
    ev.credited_on = (char *)on;
    ev.source = (char *)source;
    rc = wh_ctx_emit(ctx, &ev.base);
    return rc < 0 ? wh_ctx_fail(ctx, rc, NULL, "could not emit an event") : 0;
}

/* The teams' sums of the members' rows, one per team present, by team. */
static int sum_teams(wh_ctx *ctx, Welfare__Intake__V1__GetSafetyNetTallyReply *r)
{
    enum { TEAMS = WELFARE__INTAKE__V1__SAFETY_NET_TEAM__SAFETY_NET_TEAM_VISITING_AND_CHECKING + 1 };
    Welfare__Intake__V1__TeamTally *t[TEAMS] = {0};
    r->teams = wh_ctx_alloc(ctx, TEAMS * sizeof *r->teams);
    if (!r->teams)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; i < r->n_members; i++) {
        const Welfare__Intake__V1__MemberTally *m = r->members[i];
        if (!intake_team_valid(m->team))
            continue;
        if (!t[m->team]) {
            if (!(t[m->team] = wh_ctx_alloc(ctx, sizeof *t[m->team])))
                return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
            welfare__intake__v1__team_tally__init(t[m->team]);
            t[m->team]->team = m->team;
        }
        Welfare__Intake__V1__TeamTally *s = t[m->team];
        s->members++;
        s->referrals += m->referrals;
        s->households_reported += m->households_reported;
        s->households_discovered += m->households_discovered;
        s->selected_for_aid += m->selected_for_aid;
        s->cases_opened += m->cases_opened;
        s->check_ins += m->check_ins;
        s->watches += m->watches;
    }
    for (int k = 1; k < TEAMS; k++)
        if (t[k])
            r->teams[r->n_teams++] = t[k];
    return 0;
}

int intake_handle_safety_net_tally(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Intake__V1__GetSafetyNetTally *m = (const void *)req;
    if (m->dong_code && *m->dong_code && !intake_dong_code_valid(m->dong_code))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "dong_code", "dong_code must be 10 digits or empty");
    const char *dong = m->dong_code;
    int known = dong && *dong ? intake_dong_check_list(ctx, "dong_code", &dong, 1) : 0;
    if (known < 0)
        return known;
    if (m->team != 0 && !intake_team_valid(m->team))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "team", "unknown team");
    if (m->member_id < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "member_id", "member_id must not be negative");
    Welfare__Intake__V1__GetSafetyNetTallyReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__intake__v1__get_safety_net_tally_reply__init(r);
    int rc = intake_store_tally(ctx, m, r);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the tally");
    if ((rc = sum_teams(ctx, r)) < 0)
        return rc;
    *reply = &r->base;
    return 0;
}

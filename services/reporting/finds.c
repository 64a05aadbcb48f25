/*
 * finds.c — the safety-net finder a find of the registry's ledger credits: a resource registered or
 * a donation pledged is one find, with the resource's value; each receipt of a donation adds its value
 * to the donation's finder.  A finder naming a member (member_id > 0) credits that member (and so the
 * member's team); one naming a team and no member credits the team itself, in the dong of the find,
 * so the teams' rows count every find the safety net made.  A hub's own finds (neither member nor
 * team) are the hub staff's: the KPI and the registry's TallyFinds count them, the safety net does
 * not.  Applied with the event's KPI fact by handlers.c (one event) and handlers_batch.c (a run), so
 * both paths keep the same rows; the rows are keyed by the registry's ids (0009_member_finds.sql,
 * 0010_team_finds.sql), so a replayed event changes nothing.
 */
#include "discovery.h"

#define TEAM_LAST WELFARE__REGISTRY__V1__SAFETY_NET_TEAM__SAFETY_NET_TEAM_VISITING

/* True when the finder names a member or a team, who goes into the find; dong_code is the find's. */
static bool credit_finder(const Welfare__Registry__V1__Finder *finder, const char *dong_code,
                          reporting_find *out)
{
    if (finder == NULL)
        return false;
    if (finder->member_id > 0) {
        out->member_id = finder->member_id;
        return true;
    }
    if (finder->team <= 0 || finder->team > TEAM_LAST)
        return false;
    out->team = (int)finder->team; /* registry's SafetyNetTeam numbers intake's teams */
    out->dong_code = dong_code;
    return true;
}

static bool find_of_resource(const Welfare__Registry__V1__ResourceRegistered *e, reporting_find *out)
{
    *out = (reporting_find){
        REPORTING_FIND_RESOURCE, e->resource_id, 0, 0, "", e->discovered_on, 1, e->amount_krw};
    return credit_finder(e->finder, e->dong_code, out);
}

static bool find_of_pledge(const Welfare__Registry__V1__DonationPledged *e, reporting_find *out)
{
    *out = (reporting_find){REPORTING_FIND_PLEDGE, e->donation_id, 0, 0, "", e->pledged_on, 1, 0};
    return credit_finder(e->finder, e->dong_code, out);
}

static bool find_of_receipt(const Welfare__Registry__V1__DonationReceived *e, reporting_find *out)
{
    *out =
        (reporting_find){REPORTING_FIND_RECEIPT, e->receipt_id, 0, 0, "", e->received_on, 0, e->amount_krw};
    return credit_finder(e->finder, e->dong_code, out);
}

bool reporting_find_of(const ProtobufCMessage *m, reporting_find *out)
{
    if (m->descriptor == &welfare__registry__v1__resource_registered__descriptor)
        return find_of_resource((const Welfare__Registry__V1__ResourceRegistered *)m, out);
    if (m->descriptor == &welfare__registry__v1__donation_pledged__descriptor)
        return find_of_pledge((const Welfare__Registry__V1__DonationPledged *)m, out);
    if (m->descriptor == &welfare__registry__v1__donation_received__descriptor)
        return find_of_receipt((const Welfare__Registry__V1__DonationReceived *)m, out);
    return false;
}

int reporting_apply_find(wh_db *db, const ProtobufCMessage *m)
{
    reporting_find f;
    return reporting_find_of(m, &f) ? reporting_store_find(db, &f) : 0;
}

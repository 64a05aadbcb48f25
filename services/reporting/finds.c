/*
 * finds.c — the member a find of the registry's ledger credits: a resource registered or a donation
 * pledged is one find, with the resource's value; each receipt of a donation adds its value to the
 * donation's finder.  Only a finder naming a member (member_id > 0) is credited here: a team's or a
 * hub's own finds are the registry's TallyFinds.  Applied with the event's KPI fact by handlers.c
 * (one event) and handlers_batch.c (a run), so both paths keep the same rows; the rows are keyed by
 * the registry's ids (0009_member_finds.sql), so a replayed event changes nothing.
 */
#include "discovery.h"

/* True when the finder names a member, whose id goes into the find. */
static bool credit_member(const Welfare__Registry__V1__Finder *finder, reporting_find *out)
{
    if (finder == NULL || finder->member_id <= 0)
        return false;
    out->member_id = finder->member_id;
    return true;
}

static bool find_of_resource(const Welfare__Registry__V1__ResourceRegistered *e, reporting_find *out)
{
    *out = (reporting_find){REPORTING_FIND_RESOURCE, e->resource_id, 0, e->discovered_on, 1, e->amount_krw};
    return credit_member(e->finder, out);
}

static bool find_of_pledge(const Welfare__Registry__V1__DonationPledged *e, reporting_find *out)
{
    *out = (reporting_find){REPORTING_FIND_PLEDGE, e->donation_id, 0, e->pledged_on, 1, 0};
    return credit_member(e->finder, out);
}

static bool find_of_receipt(const Welfare__Registry__V1__DonationReceived *e, reporting_find *out)
{
    *out = (reporting_find){REPORTING_FIND_RECEIPT, e->receipt_id, 0, e->received_on, 0, e->amount_krw};
    return credit_member(e->finder, out);
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

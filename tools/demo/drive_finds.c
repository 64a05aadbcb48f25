/*
 * drive_finds.c — the resource-engaging members' work: each finds local givers in their dong (a
 * shop's or a firm's monthly pledge of money, goods or a service, or a one-off gift), recorded in
 * the registry's ledger with the member as finder, the first instalment handed over on the spot and
 * the next ones received month by month until the demo period ends.  The registry counts them as
 * resource discoveries with their amount (the KPI), reporting credits the member and the team
 * (/dashboard/surveys), and TallyFinds lists them per member, team and hub.
 *
 * Every choice is drawn from the seed (stream STREAM_FINDS and the member's index) and every command
 * carries the message id of (seed, step, n), so a second or resumed run changes nothing.  The givers
 * are organisations: no personal data is recorded.
 */
#include <stdio.h>

#include "drive.h"
#include "welfare/registry/v1/ledger.pb-c.h"
#include "wh/status.h"

#define STREAM_FINDS     0xf1d5
#define FINDS_PER_MEMBER 3
#define KIND(x)          WELFARE__REGISTRY__V1__RESOURCE_KIND__RESOURCE_KIND_##x
#define EVERY(x)         WELFARE__REGISTRY__V1__RECURRENCE__RECURRENCE_##x

/* What a dong's givers offer, as the seed's resource-engaging team finds them: the value of one
 * instalment in units of KRW 10,000, and the instalments (1: a one-off gift). */
static const struct {
    const char *giver, *what;
    int kind, lo, hi, instalments;
} offers[] = {
    {"동네 떡집", "rice cakes for ten seniors every month", KIND(GOODS), 10, 30, 12},
    {"골목 반찬가게", "side dishes for five households a week", KIND(GOODS), 20, 40, 6},
    {"지역 건설업체", "one house repaired free of charge", KIND(SERVICE), 50, 150, 1},
    {"약국", "medicines for a household in crisis", KIND(GOODS), 5, 20, 1},
    {"중소기업 사회공헌팀", "a monthly donation to the welfare fund", KIND(MONEY), 50, 200, 12},
    {"미용실", "haircuts at home for bedridden seniors", KIND(SERVICE), 5, 15, 6},
};
#define N_OFFERS (sizeof offers / sizeof offers[0])

/* The later instalments that fall in the demo period, a month apart; the receipts made. */
static int receipts(demo_run *run, int64_t donation_id, const char *pledged_on, int instalments,
                    int64_t amount, uint64_t n, demo_finds *t)
{
    for (int k = 1; k < instalments; k++) {
        char on[11];
        demo_date_plus(pledged_on, 30 * k, on);
        if (demo_date_days(on) > demo_date_days(DEMO_TO))
            break;
        Welfare__Registry__V1__RecordReceipt q = WELFARE__REGISTRY__V1__RECORD_RECEIPT__INIT;
        ProtobufCMessage *reply = NULL;
        q.donation_id = donation_id;
        q.amount_krw = amount;
        q.received_on = on;
        int rc = demo_call(run, run->registry, "find-receipt", n * 100 + (uint64_t)k, &q.base,
                           &welfare__registry__v1__record_receipt_reply__descriptor, &reply);
        if (reply) {
            t->receipts++;
            t->received_krw += amount;
            protobuf_c_message_free_unpacked(reply, NULL);
        }
        if (rc == WH_UNAVAILABLE)
            return rc;
    }
    return 0;
}

/* Find k of a member: a giver of the member's dong pledges, and gives the first instalment at once. */
static int find(demo_run *run, demo_rng *r, const demo_finder *m, int k, demo_finds *t)
{
    size_t o = (size_t)demo_rng_range(r, 0, N_OFFERS - 1);
    int64_t amount = demo_rng_range(r, offers[o].lo, offers[o].hi) * 10000;
    char pledged_on[11], giver[80];
    demo_date_format((int)demo_rng_range(r, demo_date_days(DEMO_FROM), demo_date_days(DEMO_TO) - 30),
                     pledged_on);
    snprintf(giver, sizeof giver, "%s %s", demo_dongs[m->dong].name_ko, offers[o].giver);
    Welfare__Registry__V1__RecordDonation q = WELFARE__REGISTRY__V1__RECORD_DONATION__INIT;
    Welfare__Registry__V1__Finder finder = WELFARE__REGISTRY__V1__FINDER__INIT;
    Welfare__Registry__V1__RecordDonationReply *reply = NULL;
    finder.member_id = m->member_id;
    finder.team = WELFARE__REGISTRY__V1__SAFETY_NET_TEAM__SAFETY_NET_TEAM_RESOURCE_ENGAGING;
    q.donor_kind = WELFARE__REGISTRY__V1__DONOR_KIND__DONOR_KIND_ORGANISATION;
    q.donor_name = giver;
    q.kind = (Welfare__Registry__V1__ResourceKind)offers[o].kind;
    q.description = (char *)offers[o].what;
    q.instalment_krw = amount;
    q.recurrence = offers[o].instalments > 1 ? EVERY(MONTHLY) : EVERY(ONE_OFF);
    q.instalments = offers[o].instalments;
    q.pledged_on = pledged_on;
    q.dong_code = (char *)demo_dongs[m->dong].code;
    q.finder = &finder;
    q.received_krw = amount;
    uint64_t n = m->index * FINDS_PER_MEMBER + (uint64_t)k;
    int rc =
        demo_call(run, run->registry, "find-donation", n, &q.base,
                  &welfare__registry__v1__record_donation_reply__descriptor, (ProtobufCMessage **)&reply);
    int64_t donation_id = reply ? reply->donation_id : 0;
    if (reply) {
        t->donations++;
        t->pledged_krw += reply->pledged_krw;
        t->received_krw += reply->received_krw;
        protobuf_c_message_free_unpacked(&reply->base, NULL);
    }
    if (rc == WH_UNAVAILABLE || !donation_id)
        return rc == WH_UNAVAILABLE ? rc : 0;
    return receipts(run, donation_id, pledged_on, offers[o].instalments, amount, n, t);
}

int demo_member_finds(demo_run *run, const demo_finder *members, size_t n, demo_finds *t)
{
    demo_rng r;
    demo_rng_seed(&r, run->opt->seed, STREAM_FINDS);
    for (size_t i = 0; i < n; i++) {
        int finds = (int)demo_rng_range(&r, 1, FINDS_PER_MEMBER);
        for (int k = 0; k < finds; k++) {
            int rc = find(run, &r, &members[i], k, t);
            if (rc == WH_UNAVAILABLE)
                return rc;
        }
        demo_progress(run, "resources found by members", i + 1, n);
    }
    return 0;
}

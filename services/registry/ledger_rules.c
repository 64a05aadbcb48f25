/*
 * ledger_rules.c — what a valid finder, pledge, receipt, allocation, MOU and tally are: pure checks
 * that name the bad field, so every handler refuses bad input before it touches the database.
 *
 * Dates are "YYYY-MM-DD", so comparing the strings compares the days.
 */
#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "wh/util.h"

#define DONOR_PERSON  WELFARE__REGISTRY__V1__DONOR_KIND__DONOR_KIND_PERSON
#define DONOR_ORG     WELFARE__REGISTRY__V1__DONOR_KIND__DONOR_KIND_ORGANISATION
#define ONE_OFF       WELFARE__REGISTRY__V1__RECURRENCE__RECURRENCE_ONE_OFF
#define YEARLY        WELFARE__REGISTRY__V1__RECURRENCE__RECURRENCE_YEARLY
#define TEAM_LAST     WELFARE__REGISTRY__V1__SAFETY_NET_TEAM__SAFETY_NET_TEAM_VISITING
#define KIND_GOODS    WELFARE__REGISTRY__V1__RESOURCE_KIND__RESOURCE_KIND_GOODS
#define DOMAIN_LAST   WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_EDUCATION
#define PERIOD_LAST   WELFARE__REGISTRY__V1__COMMITMENT_PERIOD__COMMITMENT_PERIOD_TERM
#define GROUPING_LAST WELFARE__REGISTRY__V1__FINDER_GROUPING__FINDER_GROUPING_HUB

static int bad(const char **field, const char *name)
{
    *field = name;
    return WH_INVALID_ARGUMENT;
}

static bool krw_ok(int64_t v)
{
    return v > 0 && v <= REGISTRY_MAX_KRW;
}

static bool optional_text_ok(const char *s, size_t max)
{
    return !s || wh_utf8_valid(s, max);
}

int registry_finder_check(const Welfare__Registry__V1__Finder *f, const char **field)
{
    if (!f)
        return 0;
    if (f->member_id < 0)
        return bad(field, "finder.member_id");
    if (f->team < 0 || f->team > TEAM_LAST)
        return bad(field, "finder.team");
    if (!optional_text_ok(f->hub_dong_code, 32))
        return bad(field, "finder.hub_dong_code");
    return 0;
}

int registry_pledge_instalments(int recurrence, int instalments)
{
    return recurrence == ONE_OFF && instalments == 0 ? 1 : instalments;
}

int64_t registry_pledge_total(int64_t instalment_krw, int recurrence, int instalments)
{
    return instalment_krw * registry_pledge_instalments(recurrence, instalments);
}

static int instalments_check(const Welfare__Registry__V1__RecordDonation *m, const char **field)
{
    if (m->recurrence <= 0 || m->recurrence > YEARLY)
        return bad(field, "recurrence");
    if (m->recurrence == ONE_OFF ? m->instalments < 0 || m->instalments > 1
                                 : m->instalments < 2 || m->instalments > REGISTRY_MAX_INSTALMENTS)
        return bad(field, "instalments");
    if (!krw_ok(m->instalment_krw))
        return bad(field, "instalment_krw");
    if (registry_pledge_total(m->instalment_krw, m->recurrence, m->instalments) > REGISTRY_MAX_KRW)
        return bad(field, "instalment_krw");
    if (m->received_krw < 0 || m->received_krw > m->instalment_krw)
        return bad(field, "received_krw");
    return 0;
}

int registry_donation_check(const Welfare__Registry__V1__RecordDonation *m, const char **field)
{
    if (m->donor_kind != DONOR_PERSON && m->donor_kind != DONOR_ORG)
        return bad(field, "donor_kind");
    if (!registry_text_ok(m->donor_name, 200))
        return bad(field, "donor_name");
    if (!optional_text_ok(m->donor_contact, 200))
        return bad(field, "donor_contact");
    if (m->provider_id < 0)
        return bad(field, "provider_id");
    if (m->kind <= 0 || m->kind > KIND_GOODS)
        return bad(field, "kind");
    if (!optional_text_ok(m->description, 500))
        return bad(field, "description");
    int rc = instalments_check(m, field);
    if (rc != 0)
        return rc;
    if (!wh_date_valid(m->pledged_on))
        return bad(field, "pledged_on");
    if (!registry_text_ok(m->dong_code, 32))
        return bad(field, "dong_code");
    if (m->resource_id < 0)
        return bad(field, "resource_id");
    return registry_finder_check(m->finder, field);
}

int registry_receipt_check(const Welfare__Registry__V1__RecordReceipt *m, const char **field)
{
    if (m->donation_id <= 0)
        return bad(field, "donation_id");
    if (!krw_ok(m->amount_krw))
        return bad(field, "amount_krw");
    if (!wh_date_valid(m->received_on))
        return bad(field, "received_on");
    return 0;
}

int registry_allocation_check(const Welfare__Registry__V1__AllocateDonation *m, const char **field)
{
    if (m->donation_id <= 0)
        return bad(field, "donation_id");
    if (m->linkage_id <= 0)
        return bad(field, "linkage_id");
    if (!krw_ok(m->amount_krw))
        return bad(field, "amount_krw");
    if (!wh_date_valid(m->allocated_on))
        return bad(field, "allocated_on");
    return 0;
}

static int commitment_check(const Welfare__Registry__V1__MouCommitment *c, size_t i, char *buf, size_t cap,
                            const char **field)
{
    const char *name = NULL;
    if (!c || !registry_text_ok(c->what, 200))
        name = "what";
    else if (c->quantity < 1 || c->quantity > 1000000)
        name = "quantity";
    else if (c->per <= 0 || c->per > PERIOD_LAST)
        name = "per";
    else if (c->domain < 0 || c->domain > DOMAIN_LAST)
        name = "domain";
    if (!name)
        return 0;
    snprintf(buf, cap, "commitments.%zu.%s", i, name);
    return bad(field, buf);
}

int registry_mou_check(const Welfare__Registry__V1__RecordMou *m, char *buf, size_t cap, const char **field)
{
    if (m->provider_id <= 0)
        return bad(field, "provider_id");
    if (!registry_text_ok(m->purpose, 500))
        return bad(field, "purpose");
    if (!wh_date_valid(m->starts_on))
        return bad(field, "starts_on");
    if (m->ends_on && *m->ends_on && (!wh_date_valid(m->ends_on) || strcmp(m->ends_on, m->starts_on) < 0))
        return bad(field, "ends_on");
    if (m->n_commitments > REGISTRY_MAX_COMMITMENTS)
        return bad(field, "commitments");
    for (size_t i = 0; i < m->n_commitments; i++) {
        int rc = commitment_check(m->commitments[i], i, buf, cap, field);
        if (rc != 0)
            return rc;
    }
    return registry_finder_check(m->finder, field);
}

int registry_tally_check(const Welfare__Registry__V1__TallyFinds *m, const char **field)
{
    if (m->group_by <= 0 || m->group_by > GROUPING_LAST)
        return bad(field, "group_by");
    if (!wh_date_valid(m->from_on))
        return bad(field, "from_on");
    if (!wh_date_valid(m->to_on) || strcmp(m->to_on, m->from_on) < 0)
        return bad(field, "to_on");
    if (m->n_hub_dong_codes > 200)
        return bad(field, "hub_dong_codes");
    for (size_t i = 0; i < m->n_hub_dong_codes; i++)
        if (!registry_text_ok(m->hub_dong_codes[i], 32))
            return bad(field, "hub_dong_codes");
    return 0;
}

void registry_finder_resolve(const Welfare__Registry__V1__Finder *f, const char *default_hub,
                             registry_finder *out)
{
    memset(out, 0, sizeof *out);
    const char *hub = default_hub;
    if (f) {
        out->member_id = f->member_id;
        out->team = f->team;
        if (f->hub_dong_code && *f->hub_dong_code)
            hub = f->hub_dong_code;
    }
    snprintf(out->hub_dong_code, sizeof out->hub_dong_code, "%s", hub ? hub : "");
}

Welfare__Registry__V1__Finder *registry_finder_message(wh_ctx *ctx, const registry_finder *f)
{
    Welfare__Registry__V1__Finder *m = wh_ctx_alloc(ctx, sizeof *m);
    if (!m)
        return NULL;
    welfare__registry__v1__finder__init(m);
    m->member_id = f->member_id;
    m->team = (Welfare__Registry__V1__SafetyNetTeam)f->team;
    m->hub_dong_code = wh_ctx_strdup(ctx, f->hub_dong_code);
    return m->hub_dong_code ? m : NULL;
}

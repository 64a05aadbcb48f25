/*
 * handle_donation.c — the donation ledger: RecordDonation (a pledge, a resource discovery),
 * RecordReceipt (value that arrived: the KPI's amount), AllocateDonation (received value given to a
 * service linkage and so to a household), ListDonations.
 *
 * A person donor's name, and any donor's contact, are sealed with the PII key before they reach the
 * database; they never appear in an event, a reply or a log line.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "wh/pii.h"
#include "wh/util.h"

#define PERSON  WELFARE__REGISTRY__V1__DONOR_KIND__DONOR_KIND_PERSON
#define REFUSED WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_REFUSED

/* Seals a personal value (NULL for none).  FAILED_PRECONDITION without the PII key. */
static int seal(const char *plain, char **out)
{
    *out = NULL;
    if (!plain || !*plain)
        return 0;
    if (!registry_pii_ready())
        return WH_FAILED_PRECONDITION;
    return wh_pii_seal(plain, out) < 0 ? WH_INTERNAL : 0;
}

/* The provider and resource a donation names exist. */
static int check_references(wh_ctx *ctx, const Welfare__Registry__V1__RecordDonation *m)
{
    wh_db *db = wh_ctx_db(ctx);
    bool is_private;
    int64_t provider_id;
    char discovered_on[11];
    int rc = m->provider_id ? registry_store_provider(db, m->provider_id, &is_private) : 0;
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, "provider_id",
                           rc == WH_NOT_FOUND ? "no such provider" : "could not read provider");
    rc = m->resource_id ? registry_store_resource_facts(db, m->resource_id, &provider_id, discovered_on) : 0;
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, "resource_id",
                           rc == WH_NOT_FOUND ? "no such resource" : "could not read resource");
    return 0;
}

static int emit_pledged(wh_ctx *ctx, const Welfare__Registry__V1__RecordDonation *m, int64_t id,
                        int64_t pledged, int instalments, const registry_finder *f)
{
    Welfare__Registry__V1__DonationPledged ev = WELFARE__REGISTRY__V1__DONATION_PLEDGED__INIT;
    ev.donation_id = id;
    ev.donor_kind = m->donor_kind;
    ev.provider_id = m->provider_id;
    ev.kind = m->kind;
    ev.recurrence = m->recurrence;
    ev.instalments = instalments;
    ev.instalment_krw = m->instalment_krw;
    ev.pledged_krw = pledged;
    ev.dong_code = m->dong_code;
    ev.finder = registry_finder_message(ctx, f);
    ev.resource_id = m->resource_id;
    ev.pledged_on = m->pledged_on;
    if (!ev.finder)
        return WH_INTERNAL;
    return wh_ctx_emit(ctx, &ev.base);
}

static int emit_received(wh_ctx *ctx, int64_t donation_id, int64_t receipt_id, int64_t amount, int64_t total,
                         const char *dong_code, const registry_finder *f, const char *on)
{
    Welfare__Registry__V1__DonationReceived ev = WELFARE__REGISTRY__V1__DONATION_RECEIVED__INIT;
    ev.donation_id = donation_id;
    ev.receipt_id = receipt_id;
    ev.amount_krw = amount;
    ev.received_krw = total;
    ev.dong_code = (char *)dong_code;
    ev.finder = registry_finder_message(ctx, f);
    ev.received_on = (char *)on;
    if (!ev.finder)
        return WH_INTERNAL;
    return wh_ctx_emit(ctx, &ev.base);
}

/* Stores the pledge (and what was handed over on the spot) and emits its events. */
static int record(wh_ctx *ctx, const Welfare__Registry__V1__RecordDonation *m, const char *name_sealed,
                  const char *contact_sealed, Welfare__Registry__V1__RecordDonationReply *r)
{
    wh_db *db = wh_ctx_db(ctx);
    registry_finder f;
    char hub[33];
    int rc = registry_store_hub_of(db, m->dong_code, hub);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the dong map");
    registry_finder_resolve(m->finder, hub, &f);
    int instalments = registry_pledge_instalments(m->recurrence, m->instalments);
    r->pledged_krw = registry_pledge_total(m->instalment_krw, m->recurrence, m->instalments);
    rc = registry_store_insert_donation(db, m, name_sealed, contact_sealed, r->pledged_krw, instalments, &f,
                                        &r->donation_id);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not record the donation");
    if ((rc = emit_pledged(ctx, m, r->donation_id, r->pledged_krw, instalments, &f)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not emit DonationPledged");
    if (m->received_krw == 0)
        return 0;
    int64_t receipt_id;
    if ((rc = registry_store_insert_receipt(db, r->donation_id, m->received_krw, m->pledged_on,
                                            &receipt_id)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not record the receipt");
    r->received_krw = m->received_krw;
    rc = emit_received(ctx, r->donation_id, receipt_id, m->received_krw, m->received_krw, m->dong_code, &f,
                       m->pledged_on);
    return rc < 0 ? wh_ctx_fail(ctx, rc, NULL, "could not emit DonationReceived") : 0;
}

int registry_handle_record_donation(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Registry__V1__RecordDonation *m = (const void *)req;
    const char *field = NULL;
    char *name_sealed = NULL, *contact_sealed = NULL;
    if (registry_donation_check(m, &field) < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field, "invalid %s", field);
    int rc = check_references(ctx, m);
    if (rc < 0)
        return rc;
    Welfare__Registry__V1__RecordDonationReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__registry__v1__record_donation_reply__init(r);
    if ((rc = seal(m->donor_kind == PERSON ? m->donor_name : NULL, &name_sealed)) < 0) {
        rc = wh_ctx_fail(ctx, rc, "donor_name", "a person's name needs the PII key (WH_PII_KEY_FILE)");
        goto cleanup;
    }
    if ((rc = seal(m->donor_contact, &contact_sealed)) < 0) {
        rc = wh_ctx_fail(ctx, rc, "donor_contact", "a contact needs the PII key (WH_PII_KEY_FILE)");
        goto cleanup;
    }
    if ((rc = record(ctx, m, name_sealed, contact_sealed, r)) == 0)
        *reply = &r->base;
cleanup:
    free(name_sealed);
    free(contact_sealed);
    return rc;
}

/* Reads and locks the donation a receipt or an allocation names; its date `on` is not before the
 * pledge. */
static int donation_on(wh_ctx *ctx, int64_t donation_id, const char *on, const char *on_field,
                       registry_donation_facts *d)
{
    int rc = registry_store_donation_facts(wh_ctx_db(ctx), donation_id, d);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, "donation_id",
                           rc == WH_NOT_FOUND ? "no such donation" : "could not read donation");
    if (strcmp(on, d->pledged_on) < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, on_field, "before the pledge (%s)", d->pledged_on);
    return 0;
}

int registry_handle_record_receipt(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Registry__V1__RecordReceipt *m = (const void *)req;
    const char *field = NULL;
    registry_donation_facts d;
    wh_db *db = wh_ctx_db(ctx);
    if (registry_receipt_check(m, &field) < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field, "invalid %s", field);
    int rc = donation_on(ctx, m->donation_id, m->received_on, "received_on", &d);
    if (rc < 0)
        return rc;
    if (m->amount_krw > d.pledged_krw - d.received_krw)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "amount_krw", "the pledge owes only %lld KRW",
                           (long long)(d.pledged_krw - d.received_krw));
    Welfare__Registry__V1__RecordReceiptReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__registry__v1__record_receipt_reply__init(r);
    if ((rc = registry_store_insert_receipt(db, m->donation_id, m->amount_krw, m->received_on,
                                            &r->receipt_id)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not record the receipt");
    r->received_krw = d.received_krw + m->amount_krw;
    r->outstanding_krw = d.pledged_krw - r->received_krw;
    rc = emit_received(ctx, m->donation_id, r->receipt_id, m->amount_krw, r->received_krw, d.dong_code,
                       &d.finder, m->received_on);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not emit DonationReceived");
    *reply = &r->base;
    return 0;
}

/* The linkage exists and was not refused: its household and dong. */
static int allocation_target(wh_ctx *ctx, int64_t linkage_id, registry_linkage *l)
{
    int rc = registry_store_linkage(wh_ctx_db(ctx), linkage_id, l);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, "linkage_id",
                           rc == WH_NOT_FOUND ? "no such linkage" : "could not read linkage");
    if (l->state == REFUSED)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "linkage_id", "the linkage was refused");
    return 0;
}

static int emit_allocated(wh_ctx *ctx, const Welfare__Registry__V1__AllocateDonation *m, int64_t id,
                          const registry_linkage *l)
{
    Welfare__Registry__V1__DonationAllocated ev = WELFARE__REGISTRY__V1__DONATION_ALLOCATED__INIT;
    ev.donation_id = m->donation_id;
    ev.allocation_id = id;
    ev.linkage_id = m->linkage_id;
    ev.household_id = l->household_id;
    ev.dong_code = (char *)l->dong_code;
    ev.amount_krw = m->amount_krw;
    ev.allocated_on = m->allocated_on;
    return wh_ctx_emit(ctx, &ev.base);
}

int registry_handle_allocate_donation(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Registry__V1__AllocateDonation *m = (const void *)req;
    const char *field = NULL;
    registry_donation_facts d;
    registry_linkage l;
    wh_db *db = wh_ctx_db(ctx);
    if (registry_allocation_check(m, &field) < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field, "invalid %s", field);
    int rc = donation_on(ctx, m->donation_id, m->allocated_on, "allocated_on", &d);
    if (rc < 0)
        return rc;
    if ((rc = allocation_target(ctx, m->linkage_id, &l)) < 0)
        return rc;
    if (m->amount_krw > d.received_krw - d.allocated_krw)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "amount_krw",
                           "only %lld KRW received and not yet allocated",
                           (long long)(d.received_krw - d.allocated_krw));
    Welfare__Registry__V1__AllocateDonationReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__registry__v1__allocate_donation_reply__init(r);
    rc = registry_store_insert_allocation(db, m->donation_id, m->linkage_id, l.household_id, m->amount_krw,
                                          m->allocated_on, &r->allocation_id);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not record the allocation");
    if ((rc = emit_allocated(ctx, m, r->allocation_id, &l)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not emit DonationAllocated");
    r->allocated_krw = d.allocated_krw + m->amount_krw;
    r->unallocated_krw = d.received_krw - r->allocated_krw;
    r->household_id = l.household_id;
    *reply = &r->base;
    return 0;
}

int registry_handle_list_donations(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Registry__V1__ListDonations *m = (const void *)req;
    int rc = registry_page_check(ctx, m->limit, m->after_id, m->dong_code);
    if (rc < 0)
        return rc;
    Welfare__Registry__V1__ListDonationsReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__registry__v1__list_donations_reply__init(r);
    rc = registry_store_list_donations(ctx, m, &r->donations, &r->n_donations);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not list donations");
    *reply = &r->base;
    return 0;
}

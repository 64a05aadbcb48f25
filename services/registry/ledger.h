/*
 * ledger.h — the registry's resource ledger: donations (pledged, received, allocated to service
 * linkages), MOUs as records, and the finder credited with each find.
 *
 * ledger_rules.c holds the rules as pure functions (unit-tested without a database): what a valid
 * finder, pledge, receipt, allocation and MOU are, and a pledge's total.  store_ledger.c is the
 * ledger's SQL (its own statements, added to the service's in service.c); handle_donation.c,
 * handle_mou.c and handle_tally.c are the handlers.
 *
 * A resource discovery in the KPI is one ledger entry: a resource registered or a donation pledged,
 * on its date, with the hub credited.  A donation's value counts as it is received (a recurring
 * pledge is counted per period by the instalments that arrived, never expanded ahead of time).
 */
#ifndef REGISTRY_LEDGER_H
#define REGISTRY_LEDGER_H

#include "registry.h"
#include "welfare/registry/v1/finder.pb-c.h"
#include "welfare/registry/v1/ledger.pb-c.h"

#define REGISTRY_MAX_KRW         10000000000000LL /* 10^13: more than a district's yearly budget */
#define REGISTRY_MAX_INSTALMENTS 600              /* fifty years of monthly instalments */
#define REGISTRY_MAX_COMMITMENTS 32

/* --- rules (ledger_rules.c, pure) ------------------------------------------------------------- */

/* A finder as stored: member (0 none), team (0 none), hub credited (a dong code). */
typedef struct registry_finder {
    int64_t member_id;
    int team;
    char hub_dong_code[33];
} registry_finder;

/* Each check returns 0, or WH_INVALID_ARGUMENT with *field naming the bad field (relative to the
 * message checked, e.g. "finder.team", "commitments.2.quantity"). */
int registry_finder_check(const Welfare__Registry__V1__Finder *f, const char **field);
int registry_donation_check(const Welfare__Registry__V1__RecordDonation *m, const char **field);
int registry_receipt_check(const Welfare__Registry__V1__RecordReceipt *m, const char **field);
int registry_allocation_check(const Welfare__Registry__V1__AllocateDonation *m, const char **field);
/* field points into buf for a commitment's field. */
int registry_mou_check(const Welfare__Registry__V1__RecordMou *m, char *buf, size_t cap, const char **field);
int registry_tally_check(const Welfare__Registry__V1__TallyFinds *m, const char **field);

/* A pledge's whole value: instalment × instalments (a one-off's 0 counts as 1). */
int64_t registry_pledge_total(int64_t instalment_krw, int recurrence, int instalments);
int registry_pledge_instalments(int recurrence, int instalments);

/* The finder to store: f's member and team, its hub or else default_hub. */
void registry_finder_resolve(const Welfare__Registry__V1__Finder *f, const char *default_hub,
                             registry_finder *out);
/* The finder as a message in ctx memory (NULL when out of memory). */
Welfare__Registry__V1__Finder *registry_finder_message(wh_ctx *ctx, const registry_finder *f);

/* --- store (store_ledger.c) ------------------------------------------------------------------- */

extern const wh_db_statement registry_ledger_statements[];
extern const size_t registry_ledger_statements_count;

/* A donation's figures, as read (and locked) before a receipt or an allocation. */
typedef struct registry_donation_facts {
    int64_t pledged_krw, received_krw, allocated_krw;
    char pledged_on[11], dong_code[33];
    registry_finder finder;
} registry_donation_facts;

/* The hub that serves a dong by the dong map, or the dong itself when the map does not know it. */
int registry_store_hub_of(wh_db *db, const char *dong_code, char hub[33]);
int registry_store_insert_donation(wh_db *db, const Welfare__Registry__V1__RecordDonation *m,
                                   const char *name_sealed, const char *contact_sealed, int64_t pledged_krw,
                                   int instalments, const registry_finder *f, int64_t *id);
/* Reads and locks a donation: WH_NOT_FOUND. */
int registry_store_donation_facts(wh_db *db, int64_t id, registry_donation_facts *out);
int registry_store_insert_receipt(wh_db *db, int64_t donation_id, int64_t amount_krw, const char *on,
                                  int64_t *id);
int registry_store_insert_allocation(wh_db *db, int64_t donation_id, int64_t linkage_id, int64_t household_id,
                                     int64_t amount_krw, const char *on, int64_t *id);
int registry_store_list_donations(wh_ctx *ctx, const Welfare__Registry__V1__ListDonations *q,
                                  Welfare__Registry__V1__Donation ***out, size_t *n);
/* A provider's name and dong: WH_NOT_FOUND. */
int registry_store_provider_place(wh_db *db, int64_t provider_id, char name[201], char dong_code[33]);
int registry_store_insert_mou(wh_db *db, const Welfare__Registry__V1__RecordMou *m, const registry_finder *f,
                              int64_t *id);
int registry_store_list_mous(wh_ctx *ctx, const Welfare__Registry__V1__ListMous *q,
                             Welfare__Registry__V1__Mou ***out, size_t *n);
int registry_store_tally(wh_ctx *ctx, const Welfare__Registry__V1__TallyFinds *q,
                         Welfare__Registry__V1__FinderTally ***out, size_t *n);

/* --- the PII key (service.c): a person donor's name and any contact are sealed with it ---------- */

bool registry_pii_ready(void);

/* --- handlers --------------------------------------------------------------------------------- */

int registry_handle_record_donation(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int registry_handle_record_receipt(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int registry_handle_allocate_donation(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int registry_handle_list_donations(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int registry_handle_record_mou(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int registry_handle_list_mous(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int registry_handle_tally_finds(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);

/* Every statement of the service: store.c's and the ledger's (service.c). */
const wh_db_statement *registry_all_statements(size_t *n);

#endif

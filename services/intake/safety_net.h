/*
 * safety_net.h — the human safety net: members, watches, check-ins and credits.
 *
 * A member is a resident who works for the dong's hub in one of three teams; intake registers them
 * with a reporter of channel CHANNEL_SAFETY_NET, so what they report is an ordinary referral.  The
 * affiliation table (affiliations.c) and the check-in rule (which outcomes become a referral) are
 * data and pure; store_safety_net.c is the only file with the safety net's SQL; handle_safety_net.c
 * holds the commands, apply_case.c the credit for a case opened.
 */
#ifndef INTAKE_SAFETY_NET_H
#define INTAKE_SAFETY_NET_H

#include "intake.h"

#include "welfare/intake/v1/safety_net.pb-c.h"

/* --- data (affiliations.c) ----------------------------------------------------------------------- */

/* One affiliation a member may have: its code and its Korean and English names. */
typedef struct intake_affiliation {
    const char *code;
    const char *name_ko;
    const char *name_en;
} intake_affiliation;

extern const intake_affiliation intake_affiliations[];
extern const size_t intake_affiliations_count;

/* The affiliation of that code, or NULL (NULL code too). */
const intake_affiliation *intake_affiliation_find(const char *code);
/* True for a defined team other than UNSPECIFIED. */
bool intake_team_valid(int team);

/* A NOT_SEEN check-in becomes a referral when it is at least this many in a row. */
#define INTAKE_NOT_SEEN_REFERRAL_AFTER 2

/* True when a check-in with that outcome, the consecutive_not_seen-th NOT_SEEN in a row (counting
 * it), becomes a referral: every CONCERN, and a NOT_SEEN from INTAKE_NOT_SEEN_REFERRAL_AFTER on. */
bool intake_check_in_refers(int outcome, int consecutive_not_seen);

/* Checks a RegisterMember (pure): 0, or WH_INVALID_ARGUMENT with *err naming the field; phone
 * gets the digits ("" when none). */
int intake_validate_member(const Welfare__Intake__V1__RegisterMember *m, char phone[INTAKE_PHONE_DIGITS + 1],
                           intake_error *err);

/* --- store (store_safety_net.c) ------------------------------------------------------------------ */

extern const wh_db_statement intake_safety_net_statements[];
extern const size_t intake_safety_net_statements_count;

/* A member as the commands need it. */
typedef struct intake_member {
    int64_t id, reporter_id;
    char dong_code[16];
    int team;
    char active_from[INTAKE_DATE_LEN + 1], active_until[INTAKE_DATE_LEN + 1]; /* "" while active */
} intake_member;

typedef struct intake_member_row {
    const Welfare__Intake__V1__RegisterMember *m;
    const char *name_sealed, *phone_sealed; /* phone_sealed NULL when none */
} intake_member_row;

/* Stores the member and its reporter: 0 or a negative status. */
int intake_store_insert_member(wh_db *db, const intake_member_row *row, int64_t *member_id,
                               int64_t *reporter_id);
/* 0, or WH_NOT_FOUND. */
int intake_store_get_member(wh_db *db, int64_t id, intake_member *out);

/* A watch with its member and its household's live id (followed through merges) and dong. */
typedef struct intake_watch {
    int64_t id, member_id, household_id;
    char dong_code[16];
    int every_days;
    char from_on[INTAKE_DATE_LEN + 1];
    int consecutive_not_seen;
} intake_watch;

/* Inserts or re-frequencies the (member, household) watch: 0 or a negative status. */
int intake_store_upsert_watch(wh_db *db, int64_t member_id, int64_t household_id, int every_days,
                              const char *from_on, int64_t *watch_id);
/* 0, or WH_NOT_FOUND. */
int intake_store_get_watch(wh_db *db, int64_t id, intake_watch *out);

/* A check-in to store; referral_id 0 when it became none. */
typedef struct intake_check_in_row {
    int64_t watch_id;
    int outcome;
    const char *checked_on;
    int consecutive_not_seen;
    int64_t referral_id;
} intake_check_in_row;

int intake_store_insert_check_in(wh_db *db, const intake_check_in_row *row, int64_t *check_in_id);

/* A referral of a known household without persons (a check-in's): stored with the household's
 * counters and dates updated; state is the household after it. */
typedef struct intake_known_referral {
    int64_t household_id, reporter_id;
    int channel;
    const char *reported_on;
    const char *concern_sealed; /* NULL when none */
} intake_known_referral;

int intake_store_refer_known(wh_db *db, const intake_known_referral *k, int64_t *referral_id,
                             intake_household_state *state);

/* The credit of a household: the member whose referral of it came first (on or before `on`) is
 * credited unless one was for that kind already.  *credited set with the member when new. */
int intake_store_credit(wh_db *db, int64_t household_id, int kind, const char *on, const char *source,
                        bool *credited, intake_member *member);

/* The tally rows (in ctx memory). */
int intake_store_tally(wh_ctx *ctx, const Welfare__Intake__V1__GetSafetyNetTally *m,
                       Welfare__Intake__V1__GetSafetyNetTallyReply *out);

/* A referral of a known household without persons (a check-in's, a survey's NEED): the concern
 * sealed, stored, ReferralReceived and HouseholdIdentified emitted as for any referral (is_new false,
 * risk 0 for this referral).  0 or a negative status (recorded in ctx). */
int intake_refer_known_household(wh_ctx *ctx, const intake_known_referral *k, const char *concern,
                                 int64_t *referral_id);

/* --- credits (handle_safety_net.c) --------------------------------------------------------------- */

/* Credits the first reporting member of household_id for kind on `on` and emits MemberCredited when
 * new; a household no member reported is no credit.  0 or a negative status (recorded in ctx). */
int intake_safety_net_credit(wh_ctx *ctx, int64_t household_id, int kind, const char *on, const char *source);

/* --- handlers ------------------------------------------------------------------------------------ */

int intake_handle_register_member(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int intake_handle_assign_watch(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int intake_handle_record_check_in(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int intake_handle_safety_net_tally(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
/* case's CaseOpened: credits the household's first reporting member (apply_case.c). */
int intake_apply_case_opened(wh_ctx *ctx, const ProtobufCMessage *event);

#endif

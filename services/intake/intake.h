/*
 * intake.h — the intake service's private types: checks, risk scoring, store and handlers.
 *
 * Intake turns referrals into households.  The pure parts — resident registration numbers (rrn.c),
 * text normalization and masking (text.c), the risk rule table (risk.c) and the validation of a
 * SubmitReferral (validate.c) — need neither the bus nor the database and are unit-tested alone.
 * store.c is the only file with SQL; the handle_*.c files validate, hash/seal personal data, call the
 * store and emit the events.
 */
#ifndef INTAKE_H
#define INTAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzzy.h"
#include "wh/pii.h"
#include "wh/service.h"

#include "welfare/intake/v1/commands.pb-c.h"
#include "welfare/intake/v1/events.pb-c.h"

#define INTAKE_MAX_PERSONS  20
#define INTAKE_MAX_MONTHS   120
#define INTAKE_DATE_LEN     10 /* "YYYY-MM-DD" */
#define INTAKE_RRN_DIGITS   13
#define INTAKE_PHONE_DIGITS 15

/* --- resident registration numbers (rrn.c) ---------------------------------------------------- */

typedef struct intake_rrn {
    char digits[INTAKE_RRN_DIGITS + 1];   /* the 13 digits, no dash: the form that is hashed and sealed */
    char birth_date[INTAKE_DATE_LEN + 1]; /* from YYMMDD and the century digit */
} intake_rrn;

/* Parses "YYMMDD-SNNNNNC" or "YYMMDDSNNNNNC": the birth date must be a real date, S a century/sex
 * digit, and C the check digit for numbers of people born before 2020-10-01 (numbers issued since
 * have a random tail).  0, or WH_INVALID_ARGUMENT with *why (static English text) when why is set. */
int intake_rrn_parse(const char *s, intake_rrn *out, const char **why);
/* 'M' or 'F' from the sex digit (the 7th) of 13 digits: odd men, even women (1/2, 3/4, 5/6, 7/8, 9/0). */
char intake_rrn_sex(const char *digits);

/* --- text (text.c) ------------------------------------------------------------------------------ */

/* True when s is "YYYY-MM-DD", a real date in 1800..2199; fills y, m, d when not NULL. */
bool intake_date_parse(const char *s, int *y, int *m, int *d);
/* Whole years between birth date and day (both valid dates). */
int intake_age_on(const char *birth_date, const char *day);
/* True when s is 1..max bytes of valid UTF-8 (min_bytes 0 allows ""); NULL is "". */
bool intake_utf8_ok(const char *s, size_t min_bytes, size_t max_bytes);

/* Writes s in NFC without ASCII whitespace and punctuation (and U+3000, the ideographic space), ASCII
 * lower-cased, into out (NUL-terminated, truncated to cap - 1).  Returns the length written.  So
 * "Suyeong-ro 12, #301" and "suyeong ro 12 301" normalize alike, as do "김 철수" and "김철수". */
size_t intake_normalize(const char *s, char *out, size_t cap);
/* The same without NFC first: the rule keys were made with before 2026-12 (only the NFC rekey,
 * rekey.c, uses it). */
size_t intake_normalize_raw(const char *s, char *out, size_t cap);

/* The matching key of a person before hashing: normalized name, birth date and normalized address,
 * separated by 0x1f.  Returns 0, or WH_INVALID_ARGUMENT when it does not fit in cap. */
int intake_name_key_input(const char *name, const char *birth_date, const char *address, char *out,
                          size_t cap);
/* The same with intake_normalize_raw (the NFC rekey's "before"). */
int intake_name_key_input_raw(const char *name, const char *birth_date, const char *address, char *out,
                              size_t cap);

/* The digits of a phone number ("010-1234-5678", "+82 10 1234 5678") into out (16 bytes): 0, or
 * WH_INVALID_ARGUMENT when it has other characters or not 9..15 digits. */
int intake_phone_digits(const char *s, char out[INTAKE_PHONE_DIGITS + 1]);

/* A name masked to its first and last character: "김철수" → "김*수", "김수" → "김*", "J" → "*".
 * Counts UTF-8 characters.  Writes at most cap bytes. */
void intake_mask_name(const char *name, char *out, size_t cap);

/* --- risk (risk.c) ------------------------------------------------------------------------------ */

typedef enum intake_indicator {
    INTAKE_IND_UTILITY_ARREARS, /* months */
    INTAKE_IND_RENT_ARREARS,    /* months */
    INTAKE_IND_INSURANCE_ARREARS,
    INTAKE_IND_LIVES_ALONE, /* 0/1 from here on */
    INTAKE_IND_AGED_65,
    INTAKE_IND_DISABILITY,
    INTAKE_IND_CHRONIC_ILLNESS,
    INTAKE_IND_UNEMPLOYED,
    INTAKE_IND_SINGLE_PARENT,
    INTAKE_IND_COUNT
} intake_indicator;

/* One row of the rule table: an indicator contributes min(value × weight, cap) points. */
typedef struct intake_risk_rule {
    intake_indicator indicator;
    const char *name; /* for docs and tests */
    int weight;
    int cap;
} intake_risk_rule;

extern const intake_risk_rule intake_risk_rules[];
extern const size_t intake_risk_rules_count;

/* The score 0..100 of a set of indicator values (negative values count as 0). */
int intake_risk_score(const int values[INTAKE_IND_COUNT]);

/* --- validation (validate.c) -------------------------------------------------------------------- */

/* A failed check: the field path ("persons.0.rrn") and an English message without personal data. */
typedef struct intake_error {
    char field[48];
    const char *message;
} intake_error;

/* What validation derived from a SubmitReferral, per person in order.  A person without a resident
 * number has rrn.digits "" and rrn.birth_date the given birth date or "". */
typedef struct intake_checked_person {
    intake_rrn rrn;
    bool has_rrn;
    int birth_year; /* from the birth date, the birth year or the approximate age; 0 when unknown */
    char sex;       /* 'F', 'M' or 0: as given, else from the resident number */
    char phone[INTAKE_PHONE_DIGITS + 1]; /* digits, "" when none */
} intake_checked_person;

typedef struct intake_checked {
    size_t n_persons;
    intake_checked_person persons[INTAKE_MAX_PERSONS];
    int indicators[INTAKE_IND_COUNT];
    int risk_score;
} intake_checked;

/* Checks every field of a SubmitReferral (not the reporter's existence) and derives the persons'
 * normalized numbers, the indicators (aged 65+ also from birth dates on reported_on) and the risk
 * score.  0, or WH_INVALID_ARGUMENT with *err filled. */
int intake_validate_referral(const Welfare__Intake__V1__SubmitReferral *m, intake_checked *out,
                             intake_error *err);

/* True for a defined welfare.intake.v1.Channel other than UNSPECIFIED. */
bool intake_channel_valid(int channel);
/* True when s is a dong code: 10 digits (validate.c; the one format check of referrals, roster rows,
 * safety-net members, surveys and routing's DongDefined; whether the dong is defined is dongs.c's). */
bool intake_dong_code_valid(const char *s);

/* --- identity-bound fields (identity.c) ------------------------------------------------------- */

/* An agency's referral names one of its own reporters (its "reporter:<id>" grants) and its own channel
 * (CHANNEL_PARTNER_AGENCY or a "channel:<name>" grant); operators and services (p not an agency, or
 * NULL) file any.  0, or WH_PERMISSION_DENIED / WH_INVALID_ARGUMENT with *err naming the field. */
int intake_check_identity(const wh_principal *p, const Welfare__Intake__V1__SubmitReferral *m,
                          intake_error *err);
bool intake_agency_may_report_as(const wh_principal *p, int64_t reporter_id);
bool intake_agency_may_use_channel(const wh_principal *p, int channel);

/* --- store (store.c) ---------------------------------------------------------------------------- */

extern const wh_db_statement intake_statements[];
extern const size_t intake_statements_count;

/* A keyed lookup hash as intake holds it: bytea's text form, "\x" and the 64 hex digits of the 32
 * bytes (migrations/0016_bytea_keys.sql), so the same string is a statement's parameter, an array
 * element, a COPY cell and what a read returns.  INTAKE_KEY_TEXT characters, its NUL not counted. */
#define INTAKE_KEY_TEXT (2 + WH_PII_HASH_HEX)

/* A person ready to store: lookup hashes and sealed values (base64 text, owned by the caller). */
typedef struct intake_person_row {
    char rrn_hash[INTAKE_KEY_TEXT + 1]; /* "" when no resident number */
    char name_key[INTAKE_KEY_TEXT + 1];
    char phone_hash[INTAKE_KEY_TEXT + 1];          /* "" when no phone */
    char name_block[INTAKE_KEY_TEXT + 1];          /* dong ␟ normalized name: the fuzzy kind's block */
    char *rrn_sealed, *name_sealed, *phone_sealed; /* rrn_sealed NULL when no number */
    const char *birth_date;                        /* "" when unknown */
    int birth_year;                                /* 0 when unknown */
    char sex;                                      /* 'F', 'M' or 0 */
    intake_fuzzy_person fuzzy; /* plaintext for the score, borrowed from the message and its checks */
} intake_person_row;

/* The household fields a referral brings. */
typedef struct intake_household_row {
    const char *dong_code;
    bool has_location;
    double latitude, longitude;
    const char *address_sealed;
    const char *address_key;
    bool known_to_programme;
    int risk_score;
    const char *reported_on;
} intake_household_row;

/* A household as the events need it after a referral was attached. */
typedef struct intake_household_state {
    int64_t id;
    char dong_code[16];
    bool has_location;
    double latitude, longitude;
    int risk_score; /* highest seen */
    bool known_to_programme;
} intake_household_state;

int intake_store_insert_reporter(wh_db *db, const char *name, int channel, int64_t *id);
/* 0 when the reporter exists, WH_NOT_FOUND otherwise. */
int intake_store_reporter_exists(wh_db *db, int64_t id);

/* The household's merged_into (0 when live): 0, or WH_NOT_FOUND. */
int intake_store_household_merged_into(wh_db *db, int64_t id, int64_t *merged_into);
/* What a merge did (store_merge.c). */
typedef struct intake_merge_result {
    int64_t merge_id;
    int persons_moved, referrals_moved;
    int risk_score; /* id's after the fold */
} intake_merge_result;
/* Moves other's persons and referrals into id, recording them (household_merge, _row), folds its
 * counters and marks it merged. */
int intake_store_merge(wh_db *db, int64_t id, int64_t other, intake_merge_result *out);
/* Folds other's counters into id (*risk_score: id's after) and marks other merged into id (store.c). */
int intake_store_fold(wh_db *db, int64_t id, int64_t other, int *risk_score);
/* The live merge of other into id: 0, WH_NOT_FOUND when other is not merged into id by a recorded merge. */
int intake_store_merge_live(wh_db *db, int64_t id, int64_t other, int64_t *merge_id);
/* What an unmerge did: the persons moved back (malloc'd, caller frees), the referrals, both risks. */
typedef struct intake_unmerge_result {
    int64_t *person_ids;
    size_t persons_moved;
    int referrals_moved;
    int risk_score, restored_risk_score;
} intake_unmerge_result;
/* Moves what merge_id moved (still in id) back to other, other live again, both recounted. */
int intake_store_unmerge(wh_db *db, int64_t id, int64_t other, int64_t merge_id, intake_unmerge_result *out);
extern const wh_db_statement intake_merge_statements[];
extern const size_t intake_merge_statements_count;
extern const wh_db_statement intake_tie_statements[]; /* store_ties.c */
extern const size_t intake_tie_statements_count;
/* Records the decision on the pair. */
int intake_store_resolve(wh_db *db, int64_t a, int64_t b, int resolution);

/* Reads a household summary (names masked) / a referral (concern opened) into ctx memory. */
int intake_store_get_household(wh_ctx *ctx, int64_t id, Welfare__Intake__V1__HouseholdSummary **out);
int intake_store_get_referral(wh_ctx *ctx, int64_t id, Welfare__Intake__V1__ReferralSummary **out);

/* The reasons of a suspected duplicate (duplicate_suspicion.reason, DuplicateSuspected.reason). */
#define INTAKE_REASON_MATCHED "persons of one referral in two households"
#define INTAKE_REASON_PHONE   "same phone, different household"
#define INTAKE_REASON_ADDRESS "same address, different persons"
#define INTAKE_REASON_FUZZY   "similar person, different household"
/* DuplicateSuspected.reason of a referral whose only suspicion is a tie (DuplicateSuspected.tied). */
#define INTAKE_REASON_TIED "persons of one household tied for a reported person"

/* --- prepared referrals (prepare.c) ------------------------------------------------------------ */

/* A checked referral ready to store: the persons' hashes and sealed values (in caller's storage), the
 * household's address key and sealed address, the sealed concern.  household points into it. */
typedef struct intake_prepared {
    intake_person_row *persons;
    size_t n_persons;
    intake_household_row household;
    char address_key[INTAKE_KEY_TEXT + 1];
    char address_block[INTAKE_KEY_TEXT + 1]; /* dong ␟ intake_fuzzy_address_form: the fuzzy kind's block */
    char *address_sealed, *concern_sealed;   /* concern_sealed NULL when there is no concern */
} intake_prepared;

/* Hashes and seals a referral that intake_validate_referral accepted into out, its persons into
 * persons[checked->n_persons].  0, or a negative status (out is then still freed by
 * intake_prepared_free). */
int intake_prepare_referral(const Welfare__Intake__V1__SubmitReferral *m, const intake_checked *checked,
                            intake_person_row *persons, intake_prepared *out);
/* The keyed hash of value under label ("rrn", "name", "phone", "address"), as INTAKE_KEY_TEXT. */
int intake_hash_labelled(const char *label, const char *value, char out[INTAKE_KEY_TEXT + 1]);
/* The keyed hash of dong ␟ normalize(text) under label: the address key ("address"), the scored
 * kind's blocks ("name-block" of intake_normalize(name), "address-block" of
 * intake_fuzzy_address_form(address)). */
int intake_dong_keyed(const char *label, const char *dong_code, const char *text,
                      size_t (*normalize)(const char *, char *, size_t), char out[INTAKE_KEY_TEXT + 1]);
/* A household's address key: dong ␟ normalize(address), hashed under "address". */
int intake_address_key(const char *dong_code, const char *address,
                       size_t (*normalize)(const char *, char *, size_t), char out[INTAKE_KEY_TEXT + 1]);
/* Frees and wipes the sealed values (the persons' too).  Safe on a zeroed struct. */
void intake_prepared_free(intake_prepared *p);

/* A statement planned once (generic) and as index probes at every table size, put back right after
 * it (SET LOCAL: undone with the transaction too): why, in store_bulk.c above read_all. */
#define INTAKE_PLAN_INDEXED "SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL enable_seqscan = off"
#define INTAKE_PLAN_DEFAULT "SET LOCAL plan_cache_mode TO DEFAULT; SET LOCAL enable_seqscan TO DEFAULT"

/* --- the set-wise store (store_bulk.c) ---------------------------------------------------------- */

/* How intake_store_attach_many writes its new rows: COPY FROM STDIN (default) or INSERT … unnest of
 * array parameters (WH_INTAKE_BULK_WRITE=unnest), for comparison. */
typedef enum intake_bulk_write { INTAKE_BULK_COPY, INTAKE_BULK_UNNEST } intake_bulk_write;

/* One row of a set-wise attach: a validated, prepared referral in, what the resolver decided and the
 * store wrote for it out. */
typedef struct intake_bulk_row {
    const Welfare__Intake__V1__SubmitReferral *m;
    const intake_checked *checked;
    const intake_prepared *prep;
    /* out */
    intake_household_state state; /* the household after this row */
    bool is_new;
    int persons_added;
    int64_t referral_id;
    size_t first_suspicion, n_suspicions;  /* the row's new suspicions in intake_bulk.suspicions */
    size_t first_recognised, n_recognised; /* its persons recognised by score, in intake_bulk.recognised */
    size_t first_tied, n_tied;             /* its tied persons (resolve.h, intake_tied) in intake_bulk.tied */
    size_t fuzzy_capped;                   /* its scored kind's look-ups that met more than the cap */
    bool address_capped; /* its address key had more live households than intake_address_max_households */
} intake_bulk_row;

/* Live households read at each address key of a block, the oldest first (WH_INTAKE_ADDRESS_MAX_HOUSEHOLDS,
 * at least INTAKE_RESOLVE_LISTED so the "same address" candidates are the same): without a cap one
 * agency's flood of households under one address made every later block naming it read them all. */
#define INTAKE_ADDRESS_MAX_HOUSEHOLDS_DEFAULT 100
#define INTAKE_ADDRESS_MAX_HOUSEHOLDS_LIMIT   100000
extern size_t intake_address_max_households;

/* A suspicion a row raised (new: no pair like it was stored or raised by an earlier row). */
typedef struct intake_bulk_suspicion {
    int64_t household_id, other_household_id;
    const char *reason; /* static text */
    double score;       /* INTAKE_REASON_FUZZY: the score and its reasons (else 0, "") */
    char score_reasons[INTAKE_FUZZY_REASONS];
} intake_bulk_suspicion;

/* A person of a row recognised by the fuzzy kind as a person of the row's household. */
typedef struct intake_bulk_recognised {
    int person; /* in the referral's persons */
    double score;
    char reasons[INTAKE_FUZZY_REASONS];
} intake_bulk_recognised;

/* A stored person of a row's household tied with another for one of the row's persons. */
typedef struct intake_bulk_tied {
    int person; /* in the referral's persons */
    int64_t person_id;
    double score;
    char reasons[INTAKE_FUZZY_REASONS]; /* the tie first: "tied 0.85 = 0.85; name 1.00; …" */
} intake_bulk_tied;

typedef struct intake_bulk {
    intake_bulk_row *rows;
    size_t n_rows;
    intake_bulk_write write;
    /* out, malloc'd (intake_bulk_free) */
    intake_bulk_suspicion *suspicions;
    size_t n_suspicions;
    intake_bulk_recognised *recognised;
    size_t n_recognised;
    intake_bulk_tied *tied;
    size_t n_tied;
} intake_bulk;

/* Attaches every row in array order as the resolver decides (resolve.h): the stored persons and
 * households the rows can meet read at once, the rows resolved against them in memory (re-reports
 * inside the array included), the new households, persons and referrals written with COPY (or
 * unnest), the matched households updated and the suspicions inserted in one statement each.  The
 * one way referrals are attached (pipeline.c, and the roster's unknown persons).  0 or a negative
 * status. */
int intake_store_attach_many(wh_db *db, intake_bulk *b);

/* The columns the set-wise path writes, in the order of its COPY rows and unnest parameters. */
#define INTAKE_BULK_HOUSEHOLD_COLUMNS                                                                        \
    "id, dong_code, latitude, longitude, address_sealed, address_key, known_to_programme, blind_spot, "      \
    "risk_score, referral_count, first_reported_on, last_reported_on"
#define INTAKE_BULK_PERSON_COLUMNS                                                                           \
    "id, household_id, rrn_hash, rrn_sealed, name_sealed, name_key, phone_hash, phone_sealed, birth_date, "  \
    "birth_year, sex, name_block, address_block"
#define INTAKE_BULK_REFERRAL_COLUMNS                                                                         \
    "id, household_id, channel, reporter_id, reported_on, concern_sealed, months_utility_arrears, "          \
    "months_rent_arrears, months_insurance_arrears, lives_alone, aged_65_or_over, disability, "              \
    "chronic_illness, unemployed, single_parent, risk_score, person_count, persons_added, "                  \
    "created_household"
void intake_bulk_free(intake_bulk *b);

/* Which of ids[n] are registered reporters: known[i] set for each.  0 or a negative status. */
int intake_store_reporters_known(wh_db *db, const int64_t *ids, size_t n, bool *known);

/* --- metrics (metrics.c) ------------------------------------------------------------------------ */

void intake_metrics_register(void);
void intake_metrics_referral(int channel, bool is_new, bool blind_spot, int suspicions);
/* n import row ids deleted by the retention (intake_prune). */
void intake_metrics_import_rows_pruned(int64_t n);
/* A referral's fuzzy look-ups that met more persons than WH_INTAKE_FUZZY_MAX_CANDIDATES. */
void intake_metrics_fuzzy_capped(size_t lookups);
/* A referral whose address key had more live households than WH_INTAKE_ADDRESS_MAX_HOUSEHOLDS. */
void intake_metrics_address_capped(void);

/* --- fills of stored keys at start, a key_migration row each ----------------------------------- */

/* The NFC rekey (store_rekey.c, migrations/0005_nfc_keys.sql) by household, and the fuzzy blocks of
 * persons stored before 0009 (store_blocks.c, migrations/0015_fuzzy_blocks.sql) by person. */
typedef struct intake_rekey {
    int64_t after; /* the last household (rekey) or person (blocks) done */
    bool done;
    int64_t households, persons, kept; /* of the last batch */
} intake_rekey;

/* Where a fill stands, read by `statement` (pending, after): done when not pending. */
int intake_key_migration_state(wh_db *db, const char *statement, intake_rekey *b);
/* Frees a string holding opened personal data, wiped first; NULL is nothing. */
void intake_wipe_free(char *s);

/* Where the rekey stands (done when not pending). */
int intake_rekey_state(wh_db *db, intake_rekey *b);
/* The next batch of households after b->after, in the caller's transaction; b->done after the last. */
int intake_rekey_batch(wh_db *db, intake_rekey *b);
/* Where the blocks' fill stands. */
int intake_blocks_state(wh_db *db, intake_rekey *b);
/* The next batch of persons without blocks after b->after, in the caller's transaction: b->persons
 * given blocks, b->kept left (name not opened); b->done after the last. */
int intake_blocks_batch(wh_db *db, intake_rekey *b);

/* --- memory (memory.c) ------------------------------------------------------------------------ */

/* Fixed malloc thresholds, two arenas, and a trim once a second after work (why: memory.c). */
void intake_memory_start(uv_loop_t *loop);
void intake_memory_stop(void);
/* Marks that a command ran, so the next tick trims. */
void intake_memory_used(void);

/* --- handlers ----------------------------------------------------------------------------------- */

int intake_handle_submit_referral(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
/* SubmitReferral, a batch's run of them at once (wh_command_batch_fn; handle_referral_batch.c). */
int intake_handle_submit_referrals(wh_ctx *const *ctx, ProtobufCMessage *const *requests,
                                   ProtobufCMessage **replies, size_t n);
/* SubmitReferral's reply for a referral attached to the household in state. */
int intake_referral_reply(wh_ctx *ctx, const intake_household_state *state, int64_t referral_id, bool is_new,
                          int persons_added, int risk_score, ProtobufCMessage **reply);
int intake_handle_register_reporter(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int intake_handle_resolve_duplicate(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int intake_handle_decide_tie(wh_ctx *ctx, const ProtobufCMessage *req,
                             ProtobufCMessage **reply); /* handle_tie.c */
int intake_handle_unmerge_households(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int intake_handle_get_household(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int intake_handle_get_referral(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);
int intake_handle_import_block(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply);

/* A referral's events, in the order SubmitReferral emits them: ReferralReceived, HouseholdIdentified
 * and, for a new household known to no programme, BlindSpotDiscovered (handle_referral.c).  state is
 * the household after the referral.  0 or a negative status. */
int intake_emit_attached(wh_ctx *ctx, const Welfare__Intake__V1__SubmitReferral *m,
                         const intake_household_state *state, int64_t referral_id, bool is_new,
                         int persons_added, int risk_score);
/* The same with the persons recognised by score (HouseholdIdentified.recognised). */
int intake_emit_recognised(wh_ctx *ctx, const Welfare__Intake__V1__SubmitReferral *m,
                           const intake_household_state *state, int64_t referral_id, bool is_new,
                           int persons_added, int risk_score, const intake_bulk_recognised *rec,
                           size_t n_rec);
/* One DuplicateSuspected of state's household listing the other households s[n] and the tied persons
 * tied[n_tied] (n + n_tied >= 1). */
#define INTAKE_MAX_SUSPICIONS 32                       /* 8 of each of the four reasons */
#define INTAKE_MAX_TIED       (INTAKE_MAX_PERSONS * 8) /* 8 per person (INTAKE_RESOLVE_LISTED) */
int intake_emit_suspected(wh_ctx *ctx, const intake_household_state *state, int64_t referral_id,
                          const intake_bulk_suspicion *s, size_t n, const intake_bulk_tied *tied,
                          size_t n_tied);

/* --- the one pipeline (pipeline.c): SubmitReferral, a batch of them, ImportReferralBlock ------- */

/* One referral's work: its checks, prepared values, failure (when any) and stored row. */
typedef struct intake_referral_work {
    const Welfare__Intake__V1__SubmitReferral *m;
    intake_checked checked;
    intake_prepared prep;
    int status; /* 0, or the referral's failure: field and message say why */
    char field[48];
    const char *message;
    intake_bulk_row *row; /* when stored */
} intake_referral_work;

typedef struct intake_pipeline {
    size_t n;
    intake_referral_work *w;
    intake_person_row *persons; /* every referral's persons, back to back */
    intake_bulk_row *rows;      /* the good referrals, in order */
    intake_bulk set;
} intake_pipeline;

/* Stop before anything is stored when one referral fails (a batch falls back to one at a time). */
#define INTAKE_PIPELINE_ALL_OR_NOTHING 1

/* Checks m[n] (a NULL m[i] fails as "referral is required"; who[i], the principal that sent m[i], for
 * the identity-bound fields: intake_check_identity; who NULL: none), looks up their reporters, hashes and
 * seals them and attaches every good one (intake_store_attach_many, writing with mode).  A bad
 * referral gets its status; the others go on (unless ALL_OR_NOTHING).  0, or a negative status with
 * *what saying which step failed.  intake_pipeline_free always. */
int intake_pipeline_run(wh_db *db, intake_pipeline *p, const Welfare__Intake__V1__SubmitReferral *const *m,
                        const wh_principal *const *who, size_t n, int flags, intake_bulk_write mode,
                        const char **what);
const intake_referral_work *intake_pipeline_first_failure(const intake_pipeline *p);
void intake_pipeline_free(intake_pipeline *p);
/* A stored row's events (intake_emit_attached, then one DuplicateSuspected when it raised any) and
 * metrics. */
int intake_emit_row(wh_ctx *ctx, const intake_bulk *set, const intake_bulk_row *row);

/* The bulk path's write mode (service.c reads WH_INTAKE_BULK_WRITE at start). */
extern intake_bulk_write intake_bulk_write_mode;

#define INTAKE_BLOCK_MAX_ROWS 10000

/* The service as data (service.c). */
const wh_service_def *intake_service_def(void);

#endif

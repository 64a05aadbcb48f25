/*
 * resolve.h — the household rule, once: which household a referral belongs to, which of its persons
 * are new, and which other households look like the same one.  Pure: no database, no PII key, no
 * clock; everything it knows is what the caller gives it (resolve.c, tested in
 * tests/unit/intake/test_resolve.c).
 *
 * Every path that attaches referrals — SubmitReferral alone, a batch of them, ImportReferralBlock,
 * ImportEnrolmentBlock's persons — goes through it (pipeline.c → store_bulk.c):
 *
 *   1. the store reads every stored person the referrals can meet (by each match kind's key and by
 *      phone) and their households and those at the referrals' addresses;
 *   2. intake_resolver_init indexes them;
 *   3. intake_resolve, once per referral in order, decides against what was read and what earlier
 *      referrals decided (so re-reports inside one block resolve as they would one by one);
 *   4. the store writes what was decided: new households and persons, the matched households'
 *      changes, the candidates as duplicate suspicions.
 *
 * The rule (intake README, "Matching"):
 *   - a person's keys are looked up by kind (intake_match_kinds: resident number, then name key),
 *     then the persons the fuzzy kind meets by its blocks are scored (resolve_fuzzy.c, fuzzy.c): a
 *     score at or above the attach threshold matches their household (rank 3), one between the
 *     suspicion and attach thresholds is a candidate with the score's reasons; the household matched
 *     by the best kind wins, the oldest (lowest id) among equals;
 *   - no match: a new household (provisional id, intake_resolver_provisional);
 *   - a matched household takes the referral: highest risk, known to programme or, reported-on
 *     range, a location when it had none;
 *   - a person is added unless their resident number is held anywhere, the household held their
 *     name key before this referral, or the score recognised them as a person of the household — or
 *     found two or more of its persons alike at its best score: a tie, named to no one and listed
 *     for an operator (intake_tied), the person added only when they bring a number no one holds —
 *     unless an operator decided that reading (intake_tie_decided) for one of the tied: then that one;
 *   - candidates (at most INTAKE_RESOLVE_LISTED of each reason, lowest ids; similar persons by
 *     score, highest first): the other matched households, households of similar persons, households
 *     sharing a phone of the referral, and for a new household the other live households at its
 *     normalized address and dong.
 *
 * Keys are keyed hashes in bytea's text form ("\x" + hex, INTAKE_KEY_TEXT) computed by prepare.c from NFC
 * text (the bus normalises every string on the way in; intake_name_key_input normalises again, so a caller
 * outside the bus gets the same keys).
 *
 * Extending the rule (fuzzy, Korean-aware matching; persons without a resident number): a new match
 * kind is a row of intake_match_kinds (its rank and reason), a key per person in intake_person_row
 * (prepare.c) and in intake_known_person (the store's read), nothing else; an empty or NULL key never
 * matches, so a person without a resident number simply matches by the other kinds.
 */
#ifndef INTAKE_RESOLVE_H
#define INTAKE_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intake.h"

#define INTAKE_RESOLVE_LISTED 8 /* candidates of each reason per referral */

/* Households the resolver creates carry ids from here up until the store takes real ones: above
 * every stored id, in creation order, so "oldest first" orders them as the real ids will. */
#define INTAKE_PROVISIONAL_BASE (INT64_C(1) << 62)

static inline bool intake_resolver_provisional(int64_t id)
{
    return id >= INTAKE_PROVISIONAL_BASE;
}

/* The kinds a person is matched by, best first (rank 1 wins over rank 2): keys compared for
 * equality, then the scored kind. */
typedef enum intake_match_kind {
    INTAKE_MATCH_RRN,      /* keyed hash of the resident number: one person is one row */
    INTAKE_MATCH_NAME_KEY, /* keyed hash of normalized name, birth date and normalized address */
    INTAKE_MATCH_KEYED,    /* the kinds above are keys; the ones below are scored */
    INTAKE_MATCH_FUZZY = INTAKE_MATCH_KEYED, /* the Korean-aware score (fuzzy.c) of persons met by block */
    INTAKE_MATCH_KINDS
} intake_match_kind;

typedef struct intake_match_rule {
    intake_match_kind kind;
    const char *name;                    /* for docs and tests */
    int rank;                            /* lower wins */
    const intake_fuzzy_weights *weights; /* a scored kind's weights and thresholds; NULL for a key */
} intake_match_rule;

extern const intake_match_rule intake_match_kinds[INTAKE_MATCH_KINDS];

/* A stored person the referrals can meet.  Keys are borrowed (they must outlive the resolver);
 * NULL or "" is no key. */
typedef struct intake_known_person {
    int64_t household_id;
    const char *key[INTAKE_MATCH_KEYED];
    const char *phone_hash;
} intake_known_person;

/* A stored person the scored kind can meet (the store's read by block, opened): the blocks it is met
 * by and what the score compares, borrowed.  who.address_block is the person's address block. */
typedef struct intake_known_fuzzy {
    int64_t person_id; /* 0 for a person the resolver added (not stored yet) */
    size_t added;      /* such a person: their index in intake_resolver.persons + 1; 0 when stored */
    int64_t household_id;
    bool has_rrn;
    const char *name_block, *address_block, *phone_hash;
    intake_fuzzy_person who;
} intake_known_fuzzy;

/* A stored household: those of the known persons and those at the referrals' addresses. */
typedef struct intake_known_household {
    int64_t id;
    const char *dong_code;
    bool has_location;
    double latitude, longitude;
    int risk_score;
    bool known_to_programme;
    const char *first_reported_on, *last_reported_on;
    bool live; /* not merged into another */
    const char *address_key;
} intake_known_household;

/* A household as the resolver leaves it: stored ones it changed, new ones it created. */
typedef struct intake_resolved_household {
    int64_t id; /* stored, or provisional */
    char dong[16];
    bool has_location;
    double latitude, longitude;
    int risk;
    bool known;
    char first[INTAKE_DATE_LEN + 1], last[INTAKE_DATE_LEN + 1];
    bool is_new;                    /* created by a referral of this resolver */
    int referrals;                  /* referrals attached to it */
    bool got_location;              /* a stored household without one got it from a referral */
    const intake_prepared *creator; /* when new: the referral that created it (address, known flag) */
    int32_t fuzzy_head;             /* its scored-kind persons: a node index + 1, 0 when none */
} intake_resolved_household;

/* A stored person without a number whom a referral's person with one was recognised as: the number
 * (and the birth date, year and sex that agree with it) is theirs from now on. */
typedef struct intake_numbered {
    int64_t person_id;
    const intake_person_row *p; /* the referral's person, whose number it is */
} intake_numbered;

/* A person to store: the id_index-th person id taken (a person refused for a number held elsewhere
 * takes one too, as the row-by-row INSERT … ON CONFLICT did), their household, their row. */
typedef struct intake_resolved_person {
    size_t id_index;
    int64_t household_id;
    const intake_person_row *p;
    const char *address_block; /* of the referral that added them (intake_prepared.address_block) */
    const intake_person_row *numbered_by; /* a later row's person with a number recognised as them:
                                           * stored with that number (NULL: none) */
} intake_resolved_person;

/* A household a referral's keys matched, with the best rank of the keys that found it (resolver
 * scratch, one referral at a time). */
typedef struct intake_matched {
    int64_t household_id;
    int rank;
} intake_matched;

/* A suspected duplicate a referral raised: its household and the other one, why. */
typedef struct intake_candidate {
    size_t referral; /* index of the intake_resolve call, from 0 */
    int64_t household_id, other;
    const char *reason; /* INTAKE_REASON_* */
    int32_t explained;  /* INTAKE_REASON_FUZZY: its score in the resolver's explained list, else -1 */
} intake_candidate;

/* A stored person of the attached household tied with another for one of a referral's persons: the
 * score took the person for two or more of the household alike, at the same best score (same-name
 * relatives a year apart), so none is named or numbered and no third person is added (unless they
 * bring a resident number no one holds: then they are added with it, not lost); an operator
 * tells which (DuplicateSuspected.tied).  Not raised for a person whose resident number is held. */
typedef struct intake_tied {
    size_t referral;   /* index of the intake_resolve call, from 0 */
    int person;        /* in the referral's persons */
    int64_t person_id; /* the stored person; 0 for one an earlier referral of the resolver added: */
    size_t added;      /* then their index in intake_resolver.persons + 1, else 0 */
    int32_t explained; /* the score and its reasons, the tie first ("tied 0.85 = 0.85; …") */
} intake_tied;

/* An operator's decision on a tie (DecideTie; read by store_ties.c for the rows' name keys): a
 * referral's person of this reading (their name key) in household_id is person_id.  The rule takes it
 * when person_id is among the persons tied at the best score for them: no tie then, person_id is
 * recognised (named, numbered, not added) as when they alone scored best. */
typedef struct intake_tie_decided {
    const char *name_key; /* borrowed */
    int64_t household_id; /* the decided person's household now */
    int64_t person_id;
} intake_tie_decided;

/* A score that decided something: a person recognised (person >= 0, household the one attached to)
 * or a similar person's household made a candidate (person -1). */
typedef struct intake_explained {
    int person;
    double score;
    char reasons[INTAKE_FUZZY_REASONS];
} intake_explained;

/* What intake_resolve decided for one referral. */
typedef struct intake_resolution {
    intake_household_state state; /* the household after the referral (id provisional when new) */
    bool is_new;
    int persons_added;
    size_t first_candidate, n_candidates;  /* its candidates in the resolver's list */
    size_t first_recognised, n_recognised; /* its persons recognised by score, in r->explained */
    size_t first_tied, n_tied;             /* its tied persons in r->tied, in person order */
    size_t fuzzy_capped;                   /* its routes that met more than max_candidates persons */
} intake_resolution;

/* A scored pair of one referral's person and a met person (resolve_fuzzy.c). */
typedef struct intake_fuzzy_hit {
    size_t person;
    size_t cand; /* the scored person's index in intake_fuzzy_index.v */
    int64_t household_id;
    intake_fuzzy_result result;
} intake_fuzzy_hit;

/* --- internals (resolve_maps.c): hash key → list of household ids, household id → entry --- */

typedef struct intake_hnode {
    int64_t hid;
    int32_t next;
} intake_hnode;

typedef struct intake_keymap {
    const char **keys; /* borrowed */
    int32_t *head;
    size_t mask;
} intake_keymap;

typedef struct intake_housemap {
    intake_resolved_household *v;
    size_t n, cap;
    int64_t *keys;
    size_t *idx;
    size_t mask;
} intake_housemap;

/* The scored kind's persons: stored ones met by block, and those the resolver added; by block. */
typedef struct intake_fuzzy_index {
    intake_known_fuzzy *v;
    size_t n, cap;
    intake_keymap name, address, phone; /* name block, address block (unnumbered only), phone → index */
    uint32_t *stamp, serial;            /* scored once per referral person */
    intake_fuzzy_hit *hits;             /* the current referral's */
    size_t n_hits, cap_hits;
    size_t max_candidates;      /* scored per route and referral person, the most recent first */
    size_t capped;              /* the current referral's routes that had more (intake_fuzzy_hits) */
    size_t *picked, cap_picked; /* scratch: the address key's candidates, most recent first */
} intake_fuzzy_index;

/* The candidates one route (a name block, a phone, an address block, an address key) hands the score
 * for one referral person: the most recent (highest person id) first, at most this many
 * (WH_INTAKE_FUZZY_MAX_CANDIDATES).  Without a cap, an agency filing thousands of persons under one
 * block would make every later referral of that block score them all. */
#define INTAKE_FUZZY_MAX_CANDIDATES_DEFAULT 100
#define INTAKE_FUZZY_MAX_CANDIDATES_LIMIT   10000

typedef struct intake_resolver {
    intake_keymap by_kind[INTAKE_MATCH_KEYED], phone, address;
    intake_fuzzy_index fuzzy;
    intake_explained *explained;
    size_t n_explained, cap_explained;
    intake_hnode *nodes;
    size_t n_nodes, cap_nodes;
    intake_housemap households;
    size_t n_referrals, n_new_households, n_person_ids;
    intake_resolved_person *persons;
    size_t n_persons, cap_persons;
    intake_candidate *candidates;
    size_t n_candidates, cap_candidates;
    intake_tied *tied; /* every referral's tied persons, in the order raised */
    size_t n_tied, cap_tied;
    intake_numbered *numbered; /* stored persons given a number by the rows so far */
    size_t n_numbered, cap_numbered;
    const intake_tie_decided *decided; /* the operators' decisions read (borrowed) */
    size_t n_decided;
    intake_keymap decided_keys; /* name key → indexes into decided */
    intake_matched *matched;    /* per-referral scratch: matched households and their best rank */
    size_t n_matched, cap_matched;
    bool failed;
} intake_resolver;

/* --- the API ------------------------------------------------------------------------------------ */

/* Indexes the stored persons and households (borrowed: they must outlive r) for up to max_referrals
 * referrals holding up to max_persons persons in all.  0, or WH_INTERNAL (out of memory; r is then
 * still freed by intake_resolver_free). */
int intake_resolver_init(intake_resolver *r, const intake_known_person *persons, size_t n_persons,
                         const intake_known_household *households, size_t n_households, size_t max_referrals,
                         size_t max_persons);
/* Indexes the scored kind's stored persons (borrowed, in ascending person id; call after
 * intake_resolver_init, with the same max_persons); each route hands at most max_candidates of them
 * to the score, the most recent first.  0 or WH_INTERNAL. */
int intake_resolver_init_fuzzy(intake_resolver *r, const intake_known_fuzzy *persons, size_t n,
                               size_t max_persons, size_t max_candidates);

/* Gives the resolver the operators' decisions on ties (borrowed; call after intake_resolver_init,
 * before the first intake_resolve).  0 or WH_INTERNAL. */
int intake_resolver_init_decided(intake_resolver *r, const intake_tie_decided *v, size_t n);

/* The live households the resolver holds at an address key (read, or created by referrals resolved
 * so far), counted up to limit: the store compares it with the households it read at most. */
size_t intake_resolver_at_address(const intake_resolver *r, const char *address_key, size_t limit);

/* Resolves the next referral (p's persons and household, borrowed until the resolver is freed).
 * 0, or WH_INTERNAL (out of memory, or more referrals than max_referrals). */
int intake_resolve(intake_resolver *r, const intake_prepared *p, intake_resolution *out);

/* What was decided, for the store: every household the resolver holds (stored ones with
 * referrals == 0 were only read), the persons to store in order, the candidates in the order raised. */
static inline const intake_resolved_household *intake_resolver_households(const intake_resolver *r, size_t *n)
{
    *n = r->households.n;
    return r->households.v;
}

void intake_resolver_free(intake_resolver *r);

/* The scored kind (resolve_fuzzy.c): index, add a person, score a referral's persons into
 * r->fuzzy.hits (those at least suspected). */
int intake_fuzzy_index_init(intake_resolver *r, const intake_known_fuzzy *v, size_t n, size_t max_persons,
                            size_t max_candidates);
void intake_fuzzy_index_free(intake_fuzzy_index *x);
int intake_fuzzy_index_add(intake_resolver *r, const intake_known_fuzzy *c);
int intake_fuzzy_hits(intake_resolver *r, const intake_prepared *p);

/* The maps (resolve_maps.c). */
int intake_keymap_init(intake_keymap *m, size_t n);
void intake_keymap_free(intake_keymap *m);
int32_t intake_keymap_get(const intake_keymap *m, const char *k);
bool intake_keymap_add(intake_keymap *m, intake_resolver *r, const char *k, int64_t hid);
bool intake_hlist_has(const intake_resolver *r, int32_t head, int64_t hid);
/* A node (hid, next) in the resolver's one node array: its index, or -1 out of memory. */
int32_t intake_node_push(intake_resolver *r, int64_t hid, int32_t next);
int intake_housemap_init(intake_housemap *h, size_t cap);
void intake_housemap_free(intake_housemap *h);
intake_resolved_household *intake_housemap_get(intake_housemap *h, int64_t id);
intake_resolved_household *intake_housemap_add(intake_housemap *h, int64_t id);

#endif

/*
 * resolve.c — the household rule (resolve.h): one referral after another against the stored persons
 * and households the caller read, and what earlier referrals of the same resolver decided.
 *
 * Pure: no database, no key, no clock.  The store (store_bulk.c) reads and writes around it; every
 * path that attaches a referral goes through here (pipeline.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"
#include "wh/util.h"

/* The rule as data: the kinds of key, best first. */
const intake_match_rule intake_match_kinds[INTAKE_MATCH_KINDS] = {
    {INTAKE_MATCH_RRN, "resident number", 1, NULL},
    {INTAKE_MATCH_NAME_KEY, "name, birth date and address", 2, NULL},
    {INTAKE_MATCH_FUZZY, "Korean-aware score of name, birth, sex, address and phone", 3,
     &intake_fuzzy_default_weights},
};

static const char *person_key(const intake_person_row *p, intake_match_kind kind)
{
    switch (kind) {
    case INTAKE_MATCH_RRN:
        return p->rrn_hash;
    case INTAKE_MATCH_NAME_KEY:
        return p->name_key;
    case INTAKE_MATCH_FUZZY: /* scored, not a key */
    case INTAKE_MATCH_KINDS:
        break;
    }
    return NULL;
}

static const char *phone_key(const intake_person_row *p)
{
    return p->phone_hash[0] ? p->phone_hash : NULL;
}

static void date_copy(char d[INTAKE_DATE_LEN + 1], const char *v)
{
    snprintf(d, INTAKE_DATE_LEN + 1, "%s", v ? v : "");
}

static int load_households(intake_resolver *r, const intake_known_household *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        intake_resolved_household *e = intake_housemap_add(&r->households, h[i].id);
        if (!e)
            return WH_INTERNAL;
        snprintf(e->dong, sizeof e->dong, "%s", h[i].dong_code ? h[i].dong_code : "");
        e->has_location = h[i].has_location;
        e->latitude = h[i].latitude;
        e->longitude = h[i].longitude;
        e->risk = h[i].risk_score;
        e->known = h[i].known_to_programme;
        date_copy(e->first, h[i].first_reported_on);
        date_copy(e->last, h[i].last_reported_on);
        if (h[i].live && !intake_keymap_add(&r->address, r, h[i].address_key, h[i].id))
            return WH_INTERNAL;
    }
    return 0;
}

static int load_persons(intake_resolver *r, const intake_known_person *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < INTAKE_MATCH_KEYED; k++)
            if (!intake_keymap_add(&r->by_kind[k], r, p[i].key[k], p[i].household_id))
                return WH_INTERNAL;
        if (!intake_keymap_add(&r->phone, r, p[i].phone_hash, p[i].household_id))
            return WH_INTERNAL;
    }
    return 0;
}

int intake_resolver_init(intake_resolver *r, const intake_known_person *persons, size_t n_persons,
                         const intake_known_household *households, size_t n_households, size_t max_referrals,
                         size_t max_persons)
{
    memset(r, 0, sizeof *r);
    size_t keys = n_persons + max_persons;
    for (int k = 0; k < INTAKE_MATCH_KEYED; k++)
        if (intake_keymap_init(&r->by_kind[k], keys) < 0)
            return WH_INTERNAL;
    if (intake_keymap_init(&r->phone, keys) < 0 ||
        intake_keymap_init(&r->address, n_households + max_referrals) < 0 ||
        intake_housemap_init(&r->households, n_households + max_referrals) < 0)
        return WH_INTERNAL;
    r->cap_persons = max_persons;
    r->persons = malloc((max_persons ? max_persons : 1) * sizeof *r->persons);
    if (!r->persons)
        return WH_INTERNAL;
    int rc = load_households(r, households, n_households);
    if (rc == 0)
        rc = load_persons(r, persons, n_persons);
    return rc < 0 ? rc
                  : intake_fuzzy_index_init(r, NULL, 0, max_persons, INTAKE_FUZZY_MAX_CANDIDATES_DEFAULT);
}

int intake_resolver_init_decided(intake_resolver *r, const intake_tie_decided *v, size_t n)
{
    r->decided = v;
    r->n_decided = n;
    if (n == 0)
        return 0;
    if (intake_keymap_init(&r->decided_keys, n) < 0)
        return WH_INTERNAL;
    for (size_t i = 0; i < n; i++)
        if (!intake_keymap_add(&r->decided_keys, r, v[i].name_key, (int64_t)i))
            return WH_INTERNAL;
    return 0;
}

void intake_resolver_free(intake_resolver *r)
{
    intake_keymap_free(&r->decided_keys);
    for (int k = 0; k < INTAKE_MATCH_KEYED; k++)
        intake_keymap_free(&r->by_kind[k]);
    intake_fuzzy_index_free(&r->fuzzy);
    free(r->explained);
    intake_keymap_free(&r->phone);
    intake_keymap_free(&r->address);
    intake_housemap_free(&r->households);
    free(r->nodes);
    free(r->persons);
    free(r->candidates);
    free(r->tied);
    free(r->numbered);
    free(r->matched);
    memset(r, 0, sizeof *r);
}

static void add_candidate(intake_resolver *r, int64_t h, int64_t other, const char *reason, int32_t explained)
{
    intake_candidate *c = wh_grow(r->candidates, &r->cap_candidates, r->n_candidates + 1, sizeof *c, 256);
    if (!c) {
        r->failed = true;
        return;
    }
    r->candidates = c;
    r->candidates[r->n_candidates++] = (intake_candidate){.referral = r->n_referrals,
                                                          .household_id = h,
                                                          .other = other,
                                                          .reason = reason,
                                                          .explained = explained};
}

/* Records hid with its rank among the referral's matched households, keeping the best. */
static void match(intake_resolver *r, int64_t hid, int rank)
{
    for (size_t i = 0; i < r->n_matched; i++)
        if (r->matched[i].household_id == hid) {
            if (rank < r->matched[i].rank)
                r->matched[i].rank = rank;
            return;
        }
    intake_matched *m = wh_grow(r->matched, &r->cap_matched, r->n_matched + 1, sizeof *m, 64);
    if (!m) {
        r->failed = true;
        return;
    }
    r->matched = m;
    r->matched[r->n_matched++] = (intake_matched){.household_id = hid, .rank = rank};
}

/* True when a ranks before b: lower rank, then lower household id. */
static bool matched_before(const intake_matched *a, const intake_matched *b)
{
    return a->rank < b->rank || (a->rank == b->rank && a->household_id < b->household_id);
}

/* Sorts the matched households by (rank, id): insertion sort, they are few. */
static void rank_matches(intake_resolver *r)
{
    for (size_t i = 1; i < r->n_matched; i++) {
        intake_matched m = r->matched[i];
        size_t j = i;
        while (j > 0 && matched_before(&m, &r->matched[j - 1])) {
            r->matched[j] = r->matched[j - 1];
            j--;
        }
        r->matched[j] = m;
    }
}

/* The distinct households of some keys' lists other than h, lowest first, at most
 * INTAKE_RESOLVE_LISTED: the lowest kept while walking, however long the lists. */
static size_t others_of(const intake_resolver *r, const intake_keymap *m, const char *const *keys,
                        size_t n_keys, int64_t h, int64_t out[INTAKE_RESOLVE_LISTED])
{
    size_t n = 0;
    for (size_t k = 0; k < n_keys; k++)
        for (int32_t i = intake_keymap_get(m, keys[k]); i >= 0; i = r->nodes[i].next) {
            int64_t o = r->nodes[i].hid;
            bool seen = o == h;
            for (size_t j = 0; j < n && !seen; j++)
                seen = out[j] == o;
            if (seen || (n == INTAKE_RESOLVE_LISTED && o > out[n - 1]))
                continue;
            size_t at = n < INTAKE_RESOLVE_LISTED ? n++ : n - 1; /* when full, the highest makes room */
            while (at > 0 && out[at - 1] > o) {
                out[at] = out[at - 1];
                at--;
            }
            out[at] = o;
        }
    return n;
}

/* The households the referral's persons match: by key, then by score at or above attach. */
static void matched_households(intake_resolver *r, const intake_prepared *p)
{
    r->n_matched = 0;
    for (size_t k = 0; k < p->n_persons; k++)
        for (int kind = 0; kind < INTAKE_MATCH_KEYED; kind++) {
            const char *key = person_key(&p->persons[k], (intake_match_kind)kind);
            for (int32_t i = intake_keymap_get(&r->by_kind[kind], key); i >= 0; i = r->nodes[i].next)
                match(r, r->nodes[i].hid, intake_match_kinds[kind].rank);
        }
    if (intake_fuzzy_hits(r, p) < 0)
        r->failed = true;
    for (size_t i = 0; i < r->fuzzy.n_hits; i++)
        if (r->fuzzy.hits[i].result.verdict == INTAKE_FUZZY_SAME)
            match(r, r->fuzzy.hits[i].household_id, intake_match_kinds[INTAKE_MATCH_FUZZY].rank);
    rank_matches(r);
}

/* The stored person an operator decided person's reading in h is (DecideTie), or 0. */
static int64_t decided_in(const intake_resolver *r, const intake_person_row *person, int64_t h)
{
    if (r->n_decided == 0)
        return 0;
    for (int32_t i = intake_keymap_get(&r->decided_keys, person->name_key); i >= 0; i = r->nodes[i].next) {
        const intake_tie_decided *d = &r->decided[r->nodes[i].hid];
        if (d->household_id == h)
            return d->person_id;
    }
    return 0;
}

/* Of person k's tie in h at score, the hit of the person an operator decided the reading is, or NULL
 * (no decision, or the decided person is not among the tied). */
static const intake_fuzzy_hit *decided_hit(const intake_resolver *r, const intake_person_row *person,
                                           size_t k, int64_t h, double score)
{
    int64_t d = decided_in(r, person, h);
    for (size_t i = 0; d > 0 && i < r->fuzzy.n_hits; i++) {
        const intake_fuzzy_hit *x = &r->fuzzy.hits[i];
        if (x->person == k && x->household_id == h && x->result.verdict == INTAKE_FUZZY_SAME &&
            x->result.score == score && r->fuzzy.v[x->cand].person_id == d)
            return x;
    }
    return NULL;
}

/* The best-scored stored person of h the score took person k for, and *tied when another of h scored
 * as high (same-name relatives a year apart: both equally like the report) — unless an operator
 * decided this reading for one of those tied: that one, not tied. */
static const intake_fuzzy_hit *best_in(const intake_resolver *r, const intake_person_row *person, size_t k,
                                       int64_t h, bool *tied)
{
    const intake_fuzzy_hit *best = NULL;
    *tied = false;
    for (size_t i = 0; i < r->fuzzy.n_hits; i++) {
        const intake_fuzzy_hit *x = &r->fuzzy.hits[i];
        if (x->person != k || x->household_id != h || x->result.verdict != INTAKE_FUZZY_SAME)
            continue;
        if (best && x->result.score == best->result.score && x->cand != best->cand)
            *tied = true;
        else if (!best || x->result.score > best->result.score) {
            best = x;
            *tied = false;
        }
    }
    const intake_fuzzy_hit *decided = *tied ? decided_hit(r, person, k, h, best->result.score) : NULL;
    if (decided) {
        *tied = false;
        return decided;
    }
    return best;
}

/* The stored person of h that person k is, or NULL — also when two of h tie for it: the household is
 * right, but naming either would be a guess (and give_numbers would give the guess the number). */
static const intake_fuzzy_hit *recognised_in(const intake_resolver *r, const intake_person_row *person,
                                             size_t k, int64_t h)
{
    bool tied;
    const intake_fuzzy_hit *best = best_in(r, person, k, h, &tied);
    return tied ? NULL : best;
}

/* True when the score took person k for someone h holds, recognised or tied: not a person to add —
 * unless tied and carrying a resident number no one holds: the tie names no one to give it to, so they
 * are added with it (the tie listed for an operator), or the number would be lost (and a roster row,
 * which finds its person by number, would find no one). */
static bool held_in(const intake_resolver *r, const intake_person_row *person, size_t k, int64_t h)
{
    bool tied;
    if (!best_in(r, person, k, h, &tied))
        return false;
    return !tied || intake_keymap_get(&r->by_kind[INTAKE_MATCH_RRN], person->rrn_hash) >= 0 ||
           !person->rrn_hash[0];
}

static int32_t explain(intake_resolver *r, int person, const intake_fuzzy_result *res)
{
    intake_explained *v = wh_grow(r->explained, &r->cap_explained, r->n_explained + 1, sizeof *v, 64);
    if (!v) {
        r->failed = true;
        return -1;
    }
    r->explained = v;
    intake_explained *e = &r->explained[r->n_explained];
    e->person = person;
    e->score = res->score;
    snprintf(e->reasons, sizeof e->reasons, "%s", res->reasons);
    return (int32_t)r->n_explained++;
}

/* The referral's persons recognised in h, in person order, into r->explained. */
static void explain_recognised(intake_resolver *r, const intake_prepared *p, int64_t h,
                               intake_resolution *out)
{
    out->first_recognised = r->n_explained;
    for (size_t k = 0; k < p->n_persons; k++) {
        const intake_fuzzy_hit *x = recognised_in(r, &p->persons[k], k, h);
        if (x)
            explain(r, (int)k, &x->result);
    }
    out->n_recognised = r->n_explained - out->first_recognised;
}

/* Where a scored person stands in person id order: a stored person's id, or one the resolver added
 * past every stored id, in the order added (the order their real ids are taken in). */
static int64_t person_order(const intake_resolver *r, const intake_known_fuzzy *c)
{
    return c->added ? INTAKE_PROVISIONAL_BASE + (int64_t)r->persons[c->added - 1].id_index : c->person_id;
}

/* The hits of person k in h at score, by person id, at most INTAKE_RESOLVE_LISTED: tied[n], n. */
static size_t tied_hits(const intake_resolver *r, size_t k, int64_t h, double score,
                        const intake_fuzzy_hit *tied[INTAKE_RESOLVE_LISTED])
{
    size_t n = 0;
    for (size_t i = 0; i < r->fuzzy.n_hits; i++) {
        const intake_fuzzy_hit *x = &r->fuzzy.hits[i];
        if (x->person != k || x->household_id != h || x->result.verdict != INTAKE_FUZZY_SAME ||
            x->result.score != score)
            continue;
        int64_t order = person_order(r, &r->fuzzy.v[x->cand]);
        if (n == INTAKE_RESOLVE_LISTED && order > person_order(r, &r->fuzzy.v[tied[n - 1]->cand]))
            continue;
        size_t at = n < INTAKE_RESOLVE_LISTED ? n++ : n - 1; /* when full, the highest makes room */
        while (at > 0 && person_order(r, &r->fuzzy.v[tied[at - 1]->cand]) > order) {
            tied[at] = tied[at - 1];
            at--;
        }
        tied[at] = x;
    }
    return n;
}

static void add_tied(intake_resolver *r, size_t k, const intake_fuzzy_hit *x, const char *tie)
{
    intake_tied *v = wh_grow(r->tied, &r->cap_tied, r->n_tied + 1, sizeof *v, 16);
    if (!v) {
        r->failed = true;
        return;
    }
    r->tied = v;
    int32_t e = explain(r, (int)k, &x->result);
    if (e < 0)
        return;
    intake_explained *ex = &r->explained[e];
    /* a long list of reasons is cut at INTAKE_FUZZY_REASONS, as the score's own would be */
    if (snprintf(ex->reasons, sizeof ex->reasons, "%s%s%s", tie, x->result.reasons[0] ? "; " : "",
                 x->result.reasons) < 0)
        ex->reasons[0] = 0;
    const intake_known_fuzzy *c = &r->fuzzy.v[x->cand];
    r->tied[r->n_tied++] = (intake_tied){.referral = r->n_referrals,
                                         .person = (int)k,
                                         .person_id = c->added ? 0 : c->person_id,
                                         .added = c->added,
                                         .explained = e};
}

/* The referral's persons for whom two or more of h tie at the best score, each of those into r->tied
 * with the tie ("tied 0.85 = 0.85") before the score's reasons — unless the person's resident number
 * is held (then they are that person, whoever the score finds alike). */
static void raise_ties(intake_resolver *r, const intake_prepared *p, int64_t h, intake_resolution *out)
{
    out->first_tied = r->n_tied;
    for (size_t k = 0; k < p->n_persons; k++) {
        bool tied;
        const intake_fuzzy_hit *best = best_in(r, &p->persons[k], k, h, &tied);
        if (!tied || intake_keymap_get(&r->by_kind[INTAKE_MATCH_RRN], p->persons[k].rrn_hash) >= 0)
            continue;
        const intake_fuzzy_hit *v[INTAKE_RESOLVE_LISTED];
        size_t n = tied_hits(r, k, h, best->result.score, v);
        char tie[8 + INTAKE_RESOLVE_LISTED * 8] = "tied";
        for (size_t i = 0, len = 4; i < n; i++)
            len +=
                (size_t)snprintf(tie + len, sizeof tie - len, "%s%.2f", i ? " = " : " ", v[i]->result.score);
        for (size_t i = 0; i < n; i++)
            add_tied(r, k, v[i], tie);
    }
    out->n_tied = r->n_tied - out->first_tied;
}

/* A referral's person with a number recognised as a stored person without one gives them the
 * number, unless it is held already (by anyone read, or added or given by an earlier row): a later
 * referral with the number then matches them exactly.  The scored entry is numbered from now on, so
 * another number is never given to the same person. */
static void give_numbers(intake_resolver *r, const intake_prepared *p, int64_t h)
{
    intake_keymap *numbers = &r->by_kind[INTAKE_MATCH_RRN];
    for (size_t k = 0; k < p->n_persons; k++) {
        const intake_person_row *person = &p->persons[k];
        const intake_fuzzy_hit *x = recognised_in(r, person, k, h);
        intake_known_fuzzy *c = x ? &r->fuzzy.v[x->cand] : NULL;
        if (!c || !person->rrn_hash[0] || c->has_rrn || (c->person_id <= 0 && c->added == 0) ||
            intake_keymap_get(numbers, person->rrn_hash) >= 0)
            continue;
        c->has_rrn = true;
        if (!intake_keymap_add(numbers, r, person->rrn_hash, h))
            r->failed = true;
        if (c->person_id <= 0) { /* added by an earlier row of the block: stored with the number */
            r->persons[c->added - 1].numbered_by = person;
            continue;
        }
        intake_numbered *v = wh_grow(r->numbered, &r->cap_numbered, r->n_numbered + 1, sizeof *v, 8);
        if (!v) {
            r->failed = true;
            return;
        }
        r->numbered = v;
        r->numbered[r->n_numbered++] = (intake_numbered){c->person_id, person};
    }
}

/* True when hit x ranks before y among similar persons: higher score, then lower household id. */
static bool ranks_before(const intake_fuzzy_hit *x, const intake_fuzzy_hit *y)
{
    return !y || x->result.score > y->result.score ||
           (x->result.score == y->result.score && x->household_id < y->household_id);
}

/* The other households of suspected similar persons (those recognised elsewhere are matched
 * households, listed as such): the best score per household, highest first, then the lowest id, at
 * most INTAKE_RESOLVE_LISTED. */
static void similar_candidates(intake_resolver *r, int64_t h)
{
    int64_t picked[INTAKE_RESOLVE_LISTED];
    for (size_t n = 0; n < INTAKE_RESOLVE_LISTED; n++) {
        const intake_fuzzy_hit *best = NULL;
        for (size_t i = 0; i < r->fuzzy.n_hits; i++) {
            const intake_fuzzy_hit *x = &r->fuzzy.hits[i];
            bool taken = x->household_id == h || x->result.verdict != INTAKE_FUZZY_SUSPECTED;
            for (size_t j = 0; j < n && !taken; j++)
                taken = picked[j] == x->household_id;
            if (!taken && ranks_before(x, best))
                best = x;
        }
        if (!best)
            return;
        picked[n] = best->household_id;
        add_candidate(r, h, best->household_id, INTAKE_REASON_FUZZY, explain(r, -1, &best->result));
    }
}

static intake_resolved_household *create_household(intake_resolver *r, const intake_prepared *p)
{
    const intake_household_row *hr = &p->household;
    int64_t id = INTAKE_PROVISIONAL_BASE + (int64_t)r->n_new_households++;
    intake_resolved_household *e = intake_housemap_add(&r->households, id);
    if (!e)
        return NULL;
    snprintf(e->dong, sizeof e->dong, "%s", hr->dong_code);
    e->has_location = hr->has_location;
    e->latitude = hr->latitude;
    e->longitude = hr->longitude;
    e->risk = hr->risk_score;
    e->known = hr->known_to_programme;
    date_copy(e->first, hr->reported_on);
    date_copy(e->last, hr->reported_on);
    e->is_new = true;
    e->referrals = 1;
    e->creator = p;
    return e;
}

static void count_on(intake_resolved_household *e, const intake_household_row *hr)
{
    if (hr->risk_score > e->risk)
        e->risk = hr->risk_score;
    e->referrals++;
    e->known = e->known || hr->known_to_programme;
    if (strcmp(hr->reported_on, e->first) < 0)
        date_copy(e->first, hr->reported_on);
    if (strcmp(hr->reported_on, e->last) > 0)
        date_copy(e->last, hr->reported_on);
    if (!e->has_location && hr->has_location) {
        e->has_location = true;
        e->latitude = hr->latitude;
        e->longitude = hr->longitude;
        e->got_location = true;
    }
}

/* A person the resolver adds, as the scored kind meets them later (as the store would read them). */
static void index_fuzzy(intake_resolver *r, const intake_prepared *p, const intake_person_row *person,
                        int64_t h)
{
    intake_known_fuzzy c = {.added = r->n_persons, /* just added: index n_persons - 1 */
                            .household_id = h,
                            .has_rrn = person->rrn_hash[0] != 0,
                            .name_block = person->name_block,
                            .address_block = p->address_block,
                            .phone_hash = phone_key(person),
                            .who = person->fuzzy};
    c.who.address = NULL; /* compared by block, as a stored person is */
    c.who.address_block = p->address_block;
    if (intake_fuzzy_index_add(r, &c) < 0)
        r->failed = true;
}

/* Adds the persons the household does not hold: the name-key check sees the household as it was
 * before the referral (one statement's snapshot), the resident number is unique everywhere, and a
 * person the score recognised in the household — or found two of its persons equally like, unless
 * they bring a number no one holds — is held. */
static int add_persons(intake_resolver *r, const intake_prepared *p, int64_t h, bool is_new)
{
    const intake_keymap *names = &r->by_kind[INTAKE_MATCH_NAME_KEY];
    bool pass[INTAKE_MAX_PERSONS];
    int added = 0;
    for (size_t k = 0; k < p->n_persons; k++)
        pass[k] = is_new || (!intake_hlist_has(r, intake_keymap_get(names, p->persons[k].name_key), h) &&
                             !held_in(r, &p->persons[k], k, h));
    for (size_t k = 0; k < p->n_persons; k++) {
        const intake_person_row *person = &p->persons[k];
        if (!pass[k])
            continue;
        size_t id_index = r->n_person_ids++; /* a person refused on the number takes an id too */
        if (intake_keymap_get(&r->by_kind[INTAKE_MATCH_RRN], person->rrn_hash) >= 0)
            continue;
        if (r->n_persons == r->cap_persons) {
            r->failed = true;
            return added;
        }
        r->persons[r->n_persons++] = (intake_resolved_person){id_index, h, person, p->address_block, NULL};
        for (int kind = 0; kind < INTAKE_MATCH_KEYED; kind++)
            if (!intake_keymap_add(&r->by_kind[kind], r, person_key(person, (intake_match_kind)kind), h))
                r->failed = true;
        if (!intake_keymap_add(&r->phone, r, phone_key(person), h))
            r->failed = true;
        index_fuzzy(r, p, person, h);
        added++;
    }
    return added;
}

static void snapshot(const intake_resolved_household *e, intake_household_state *s)
{
    memset(s, 0, sizeof *s);
    s->id = e->id;
    snprintf(s->dong_code, sizeof s->dong_code, "%s", e->dong);
    s->has_location = e->has_location;
    s->latitude = e->latitude;
    s->longitude = e->longitude;
    s->risk_score = e->risk;
    s->known_to_programme = e->known;
}

size_t intake_resolver_at_address(const intake_resolver *r, const char *address_key, size_t limit)
{
    size_t n = 0;
    for (int32_t i = intake_keymap_get(&r->address, address_key); i >= 0 && n < limit; i = r->nodes[i].next)
        n++;
    return n;
}

int intake_resolve(intake_resolver *r, const intake_prepared *p, intake_resolution *out)
{
    intake_resolved_household *e;
    int64_t same_address[INTAKE_RESOLVE_LISTED], neighbours[INTAKE_RESOLVE_LISTED];
    size_t n_same_address = 0;

    memset(out, 0, sizeof *out);
    if (r->failed)
        return WH_INTERNAL;
    matched_households(r, p);
    out->fuzzy_capped = r->fuzzy.capped;
    if (r->n_matched == 0) {
        const char *key = p->address_key;
        n_same_address = others_of(r, &r->address, &key, 1,
                                   INTAKE_PROVISIONAL_BASE + (int64_t)r->n_new_households, same_address);
        if (!(e = create_household(r, p)) || !intake_keymap_add(&r->address, r, p->address_key, e->id))
            return WH_INTERNAL; /* sized for max_referrals: one more does not fit */
        out->is_new = true;
    } else {
        if (!(e = intake_housemap_get(&r->households, r->matched[0].household_id)))
            return WH_INTERNAL; /* every matched household was read or created */
        count_on(e, &p->household);
    }
    int64_t h = e->id;

    /* Phones shared with other households, as seen before this referral's persons are added. */
    const char *phones[INTAKE_MAX_PERSONS];
    for (size_t k = 0; k < p->n_persons; k++)
        phones[k] = phone_key(&p->persons[k]);
    size_t n_neighbours = others_of(r, &r->phone, phones, p->n_persons, h, neighbours);

    explain_recognised(r, p, h, out);
    raise_ties(r, p, h, out);
    give_numbers(r, p, h);
    out->persons_added = add_persons(r, p, h, out->is_new);
    snapshot(e, &out->state);

    out->first_candidate = r->n_candidates;
    for (size_t i = 1; i < r->n_matched && i <= INTAKE_RESOLVE_LISTED; i++)
        add_candidate(r, h, r->matched[i].household_id, INTAKE_REASON_MATCHED, -1);
    similar_candidates(r, h);
    for (size_t i = 0; i < n_neighbours; i++)
        add_candidate(r, h, neighbours[i], INTAKE_REASON_PHONE, -1);
    for (size_t i = 0; i < n_same_address; i++)
        add_candidate(r, h, same_address[i], INTAKE_REASON_ADDRESS, -1);
    out->n_candidates = r->n_candidates - out->first_candidate;
    r->n_referrals++;
    return r->failed ? WH_INTERNAL : 0;
}

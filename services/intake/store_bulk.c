/*
 * store_bulk.c — the set-wise half of the store: a whole array of validated, prepared referrals
 * attached in a handful of statements, with exactly the effect of intake_store_attach and
 * intake_store_suspect run on them one after another.
 *
 *   1. read   every stored person the rows can meet (by resident number, name key or phone) and
 *             their households and those at the rows' addresses: two statements (intake_bulk_persons,
 *             intake_bulk_households), index probes on the same indexes as intake_attach;
 *   2. resolve the rows in memory, in order, against what was read and what earlier rows of the
 *             array created — households ranked by resident number before name key, oldest first; a
 *             person added unless their number is held anywhere or the household holds their name
 *             key (as seen before the row, as intake_attach's statement sees it); other matched
 *             households, shared phones and, for a new household, other live households at its
 *             address become suspicions — so re-reports inside one array resolve as they would one
 *             by one;
 *   3. write  ids taken from the sequences in the order the row-by-row statements take them (one
 *             statement), the new households, persons and referrals with COPY … FROM STDIN (or INSERT
 *             … unnest, WH_INTAKE_BULK_WRITE=unnest), the matched households updated and the
 *             suspicions inserted (ON CONFLICT DO NOTHING RETURNING the new ones) in one statement
 *             each.
 *
 * Everything runs in the caller's transaction.  Only hashes and sealed values reach this file.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"
#include "wh/sqlarray.h"

#include "wh/log.h"

/* Households created by the array carry these ids until the sequence gives them real ones: above
 * every stored id, in creation order, so "oldest first" orders them as the real ids will. */
#define NEW_BASE (INT64_C(1) << 62)

#define MAX_LISTED 8 /* suspicions of each kind per row, as intake_attach's LIMIT 8 */

/* --- a growable byte buffer -------------------------------------------------------------------- */

typedef struct buf {
    char *p;
    size_t len, cap;
    bool failed;
} buf;

static void buf_put(buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_puts(buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

static void buf_free(buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* --- a table of text cells, row-major: rendered as COPY text rows or as one array per column ---- */

#define NULL_CELL SIZE_MAX

typedef struct table {
    const char *name;      /* for logs */
    const char *copy_sql;  /* COPY … FROM STDIN */
    const char *statement; /* the unnest form */
    int n_cols;
    buf text;      /* the cells' bytes, each NUL-terminated */
    size_t *cells; /* offsets into text, NULL_CELL for SQL NULL */
    size_t n, cap;
    bool failed;
} table;

static void cell(table *t, const char *s)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        size_t *c = realloc(t->cells, cap * sizeof *c);
        if (!c) {
            t->failed = true;
            return;
        }
        t->cells = c;
        t->cap = cap;
    }
    if (!s) {
        t->cells[t->n++] = NULL_CELL;
        return;
    }
    t->cells[t->n++] = t->text.len;
    buf_put(&t->text, s, strlen(s) + 1);
}

static void cell_i64(table *t, int64_t v)
{
    char s[32];
    snprintf(s, sizeof s, "%" PRId64, v);
    cell(t, s);
}

static void cell_f64(table *t, double v)
{
    char s[32];
    snprintf(s, sizeof s, "%.17g", v); /* as wh_params_f64: the same double reaches the table */
    cell(t, s);
}

static void cell_bool(table *t, bool v)
{
    cell(t, v ? "t" : "f");
}

static size_t table_rows(const table *t)
{
    return t->n / (size_t)t->n_cols;
}

static const char *cell_at(const table *t, size_t row, int col)
{
    size_t off = t->cells[row * (size_t)t->n_cols + (size_t)col];
    return off == NULL_CELL ? NULL : t->text.p + off;
}

static void table_free(table *t)
{
    buf_free(&t->text);
    free(t->cells);
    t->cells = NULL;
    t->n = t->cap = 0;
}

/* COPY's text format: backslash escapes for the delimiter, newlines and backslash; \N is NULL. */
static void copy_escape(buf *b, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *esc = *s == '\\'   ? "\\\\"
                          : *s == '\t' ? "\\t"
                          : *s == '\n' ? "\\n"
                          : *s == '\r' ? "\\r"
                                       : NULL;
        if (!esc)
            continue;
        buf_put(b, run, (size_t)(s - run));
        buf_puts(b, esc);
        run = s + 1;
    }
    buf_put(b, run, (size_t)(s - run));
}

static int copy_failed(wh_db *db, const table *t, const char *what)
{
    PGconn *c = wh_db_conn(db);
    wh_log_error("bulk copy failed", "{s:s, s:s, s:s}", "table", t->name, "step", what, "error",
                 c ? PQerrorMessage(c) : "no connection");
    return c && PQstatus(c) == CONNECTION_OK ? WH_INTERNAL : WH_UNAVAILABLE;
}

static int table_copy(wh_db *db, table *t)
{
    PGconn *c = wh_db_conn(db);
    buf out = {0};
    size_t rows = table_rows(t);
    for (size_t r = 0; r < rows; r++)
        for (int k = 0; k < t->n_cols; k++) {
            const char *v = cell_at(t, r, k);
            if (v)
                copy_escape(&out, v);
            else
                buf_puts(&out, "\\N");
            buf_put(&out, k + 1 < t->n_cols ? "\t" : "\n", 1);
        }
    if (out.failed) {
        buf_free(&out);
        return WH_INTERNAL;
    }
    int rc = 0;
    PGresult *r = PQexec(c, t->copy_sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        rc = copy_failed(db, t, "start");
        PQclear(r);
        /* a COPY that did start and failed leaves nothing more to read; drain in case */
        while ((r = PQgetResult(c)) != NULL)
            PQclear(r);
        buf_free(&out);
        return rc;
    }
    PQclear(r);
    if (PQputCopyData(c, out.p, (int)out.len) != 1)
        rc = copy_failed(db, t, "data");
    if (PQputCopyEnd(c, rc == 0 ? NULL : "client failed") != 1 && rc == 0)
        rc = copy_failed(db, t, "end");
    while ((r = PQgetResult(c)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0)
            rc = copy_failed(db, t, "result");
        PQclear(r);
    }
    buf_free(&out);
    return rc;
}

/* An array literal of one column's cells. */
static void array_literal(wh_sqlarray *a, const table *t, int col)
{
    size_t rows = table_rows(t);
    for (size_t r = 0; r < rows; r++) {
        const char *v = cell_at(t, r, col);
        if (v)
            wh_sqlarray_text(a, v);
        else
            wh_sqlarray_null(a);
    }
}

/* Runs the table's statement with one array parameter per column. */
static int table_unnest(wh_db *db, const table *t)
{
    wh_sqlarray cols[WH_PARAMS_MAX] = {{0}};
    wh_params p;
    int rc = 0;
    wh_params_reset(&p);
    for (int k = 0; k < t->n_cols; k++) {
        array_literal(&cols[k], t, k);
        const char *value = wh_sqlarray_value(&cols[k]);
        if (value == NULL)
            rc = WH_INTERNAL;
        wh_params_text(&p, value);
    }
    if (rc == 0) {
        int64_t n = wh_db_exec(db, t->statement, &p);
        rc = n < 0 ? (int)n : 0;
    }
    for (int k = 0; k < t->n_cols; k++)
        wh_sqlarray_free(&cols[k]);
    return rc;
}

static int table_write(wh_db *db, table *t, intake_bulk_write mode)
{
    if (t->failed || t->text.failed)
        return WH_INTERNAL;
    if (t->n == 0)
        return 0;
    return mode == INTAKE_BULK_UNNEST ? table_unnest(db, t) : table_copy(db, t);
}

/* --- maps from a hex hash to a list of household ids ------------------------------------------- */

typedef struct hnode {
    int64_t hid;
    int32_t next;
} hnode;

typedef struct nodes {
    hnode *v;
    size_t n, cap;
    bool failed;
} nodes;

typedef struct smap {
    const char **keys; /* borrowed: the rows' hashes and the read results' */
    int32_t *head;
    size_t mask;
} smap;

static uint64_t key_hash(const char *k)
{
    uint64_t h = 1469598103934665603ULL;
    for (int i = 0; i < 16 && k[i]; i++) {
        h ^= (unsigned char)k[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int smap_init(smap *m, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n + 2)
        cap *= 2;
    m->keys = calloc(cap, sizeof *m->keys);
    m->head = malloc(cap * sizeof *m->head);
    m->mask = cap - 1;
    return m->keys && m->head ? 0 : WH_INTERNAL;
}

static void smap_free(smap *m)
{
    free(m->keys);
    free(m->head);
    memset(m, 0, sizeof *m);
}

static size_t smap_slot(const smap *m, const char *k)
{
    size_t i = key_hash(k) & m->mask;
    while (m->keys[i] && strcmp(m->keys[i], k) != 0)
        i = (i + 1) & m->mask;
    return i;
}

/* The first node of k's list, or -1. */
static int32_t smap_get(const smap *m, const char *k)
{
    size_t i = smap_slot(m, k);
    return m->keys[i] ? m->head[i] : -1;
}

static bool list_has(const nodes *ns, int32_t head, int64_t hid)
{
    for (int32_t i = head; i >= 0; i = ns->v[i].next)
        if (ns->v[i].hid == hid)
            return true;
    return false;
}

/* Adds hid to k's list unless it is there. */
static void smap_add(smap *m, nodes *ns, const char *k, int64_t hid)
{
    size_t i = smap_slot(m, k);
    if (!m->keys[i]) {
        m->keys[i] = k;
        m->head[i] = -1;
    }
    if (list_has(ns, m->head[i], hid))
        return;
    if (ns->n == ns->cap) {
        size_t cap = ns->cap ? 2 * ns->cap : 1024;
        hnode *v = realloc(ns->v, cap * sizeof *v);
        if (!v) {
            ns->failed = true;
            return;
        }
        ns->v = v;
        ns->cap = cap;
    }
    ns->v[ns->n] = (hnode){hid, m->head[i]};
    m->head[i] = (int32_t)ns->n++;
}

/* --- households the rows meet ------------------------------------------------------------------ */

typedef struct house {
    int64_t id; /* stored id, or NEW_BASE + k */
    char dong[16];
    bool has_location;
    double latitude, longitude;
    int risk;
    bool known;
    char first[INTAKE_DATE_LEN + 1], last[INTAKE_DATE_LEN + 1];
    bool is_new;       /* created by this array */
    int referrals;     /* rows of the array attached to it */
    bool got_location; /* a stored household without one got it from a row */
    const intake_bulk_row *creator;
} house;

typedef struct houses {
    house *v;
    size_t n, cap;
    int64_t *keys; /* open addressing: id → index + 1 in idx */
    size_t *idx;
    size_t mask;
} houses;

static int houses_init(houses *h, size_t cap)
{
    size_t m = 16;
    while (m < 2 * cap + 2)
        m *= 2;
    h->v = calloc(cap ? cap : 1, sizeof *h->v);
    h->cap = cap;
    h->keys = calloc(m, sizeof *h->keys);
    h->idx = calloc(m, sizeof *h->idx);
    h->mask = m - 1;
    return h->v && h->keys && h->idx ? 0 : WH_INTERNAL;
}

static void houses_free(houses *h)
{
    free(h->v);
    free(h->keys);
    free(h->idx);
    memset(h, 0, sizeof *h);
}

static size_t house_slot(const houses *h, int64_t id)
{
    size_t i = ((uint64_t)id * 0x9e3779b97f4a7c15ULL) >> 20 & h->mask;
    while (h->idx[i] && h->keys[i] != id)
        i = (i + 1) & h->mask;
    return i;
}

static house *house_get(houses *h, int64_t id)
{
    size_t i = house_slot(h, id);
    return h->idx[i] ? &h->v[h->idx[i] - 1] : NULL;
}

/* A new entry for id (the caller fills it); NULL when full (cannot happen: sized for every row). */
static house *house_add(houses *h, int64_t id)
{
    size_t i = house_slot(h, id);
    if (h->idx[i])
        return &h->v[h->idx[i] - 1];
    if (h->n == h->cap)
        return NULL;
    h->keys[i] = id;
    h->idx[i] = ++h->n;
    house *e = &h->v[h->n - 1];
    memset(e, 0, sizeof *e);
    e->id = id;
    return e;
}

/* --- reading what the rows can meet ------------------------------------------------------------ */

typedef struct reads {
    PGresult *persons, *households;
} reads;

static int read_persons(wh_db *db, const intake_bulk *b, reads *r)
{
    wh_sqlarray rrn = {0}, name = {0}, phone = {0};
    for (size_t i = 0; i < b->n_rows; i++) {
        const intake_prepared *p = b->rows[i].prep;
        for (size_t k = 0; k < p->n_persons; k++) {
            wh_sqlarray_text(&rrn, p->persons[k].rrn_hash);
            wh_sqlarray_text(&name, p->persons[k].name_key);
            if (p->persons[k].phone_hash[0])
                wh_sqlarray_text(&phone, p->persons[k].phone_hash);
        }
    }
    const char *rrn_v = wh_sqlarray_value(&rrn), *name_v = wh_sqlarray_value(&name);
    const char *phone_v = wh_sqlarray_value(&phone);
    int rc = rrn_v && name_v && phone_v ? 0 : WH_INTERNAL;
    if (rc == 0) {
        wh_params p;
        wh_params_reset(&p);
        wh_params_text(&p, rrn_v);
        wh_params_text(&p, name_v);
        wh_params_text(&p, phone_v);
        if (!(r->persons = wh_db_query(db, "intake_bulk_persons", &p)))
            rc = wh_db_last_status(db);
    }
    wh_sqlarray_free(&rrn);
    wh_sqlarray_free(&name);
    wh_sqlarray_free(&phone);
    return rc;
}

static int read_households(wh_db *db, const intake_bulk *b, reads *r)
{
    wh_sqlarray ids = {0}, keys = {0};
    for (int i = 0; i < PQntuples(r->persons); i++)
        wh_sqlarray_text(&ids, PQgetvalue(r->persons, i, 3));
    for (size_t i = 0; i < b->n_rows; i++)
        wh_sqlarray_text(&keys, b->rows[i].prep->address_key);
    const char *ids_v = wh_sqlarray_value(&ids), *keys_v = wh_sqlarray_value(&keys);
    int rc = ids_v && keys_v ? 0 : WH_INTERNAL;
    if (rc == 0) {
        wh_params p;
        wh_params_reset(&p);
        wh_params_text(&p, ids_v);
        wh_params_text(&p, keys_v);
        if (!(r->households = wh_db_query(db, "intake_bulk_households", &p)))
            rc = wh_db_last_status(db);
    }
    wh_sqlarray_free(&ids);
    wh_sqlarray_free(&keys);
    return rc;
}

/* --- resolving the rows in memory -------------------------------------------------------------- */

/* A person the array stores; id is an index into the person ids taken. */
typedef struct new_person {
    size_t id_index;
    int64_t hid;
    const intake_person_row *p;
} new_person;

/* A suspicion a row would try to record, in the order intake_store_suspect would be called. */
typedef struct candidate {
    size_t row;
    int64_t household_id, other;
    const char *reason;
    int64_t a, b; /* the pair, lower first (real ids once taken) */
    size_t order;
    bool first; /* no earlier candidate of the array has the same pair */
    bool raised;
} candidate;

typedef struct resolver {
    const intake_bulk *b;
    smap rrn, name, phone, address;
    nodes ns;
    houses hh;
    size_t n_new_households, n_person_ids;
    new_person *persons;
    size_t n_persons;
    candidate *cands;
    size_t n_cands, cap_cands;
    bool failed;
    /* per-row scratch */
    int64_t *hids;
    int *hows;
    size_t n_hids, cap_hids;
} resolver;

static void add_candidate(resolver *s, size_t row, int64_t h, int64_t other, const char *reason)
{
    if (s->n_cands == s->cap_cands) {
        size_t cap = s->cap_cands ? 2 * s->cap_cands : 256;
        candidate *c = realloc(s->cands, cap * sizeof *c);
        if (!c) {
            s->failed = true;
            return;
        }
        s->cands = c;
        s->cap_cands = cap;
    }
    s->cands[s->n_cands] =
        (candidate){.row = row, .household_id = h, .other = other, .reason = reason, .order = s->n_cands};
    s->n_cands++;
}

/* Records hid with how (1 number, 2 name key) among the row's matched households, keeping the best. */
static void match(resolver *s, int64_t hid, int how)
{
    for (size_t i = 0; i < s->n_hids; i++)
        if (s->hids[i] == hid) {
            if (how < s->hows[i])
                s->hows[i] = how;
            return;
        }
    if (s->n_hids == s->cap_hids) {
        size_t cap = s->cap_hids ? 2 * s->cap_hids : 64;
        int64_t *h = realloc(s->hids, cap * sizeof *h);
        int *w = h ? realloc(s->hows, cap * sizeof *w) : NULL;
        if (h)
            s->hids = h;
        if (!h || !w) {
            s->failed = true;
            return;
        }
        s->hows = w;
        s->cap_hids = cap;
    }
    s->hids[s->n_hids] = hid;
    s->hows[s->n_hids] = how;
    s->n_hids++;
}

/* Sorts the matched households by (how, id): insertion sort, they are few. */
static void rank_matches(resolver *s)
{
    for (size_t i = 1; i < s->n_hids; i++) {
        int64_t h = s->hids[i];
        int w = s->hows[i];
        size_t j = i;
        while (j > 0 && (s->hows[j - 1] > w || (s->hows[j - 1] == w && s->hids[j - 1] > h))) {
            s->hids[j] = s->hids[j - 1];
            s->hows[j] = s->hows[j - 1];
            j--;
        }
        s->hids[j] = h;
        s->hows[j] = w;
    }
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* The distinct households of a list of keys' lists, other than h, lowest first, at most MAX_LISTED
 * (intake_attach's ORDER BY 1 LIMIT 8): the lowest kept while walking, however long the lists. */
static size_t others_of(resolver *s, const smap *m, const char *const *keys, size_t n_keys, int64_t h,
                        int64_t out[MAX_LISTED])
{
    size_t n = 0;
    for (size_t k = 0; k < n_keys; k++) {
        if (!keys[k])
            continue;
        for (int32_t i = smap_get(m, keys[k]); i >= 0; i = s->ns.v[i].next) {
            int64_t o = s->ns.v[i].hid;
            bool seen = o == h;
            for (size_t j = 0; j < n && !seen; j++)
                seen = out[j] == o;
            if (seen || (n == MAX_LISTED && o > out[n - 1]))
                continue;
            size_t at = n < MAX_LISTED ? n++ : n - 1; /* when full, the highest makes room */
            while (at > 0 && out[at - 1] > o) {
                out[at] = out[at - 1];
                at--;
            }
            out[at] = o;
        }
    }
    return n;
}

static void date_min(char *d, const char *v)
{
    if (strcmp(v, d) < 0)
        snprintf(d, INTAKE_DATE_LEN + 1, "%s", v);
}

static void date_max(char *d, const char *v)
{
    if (strcmp(v, d) > 0)
        snprintf(d, INTAKE_DATE_LEN + 1, "%s", v);
}

static void snapshot(const house *e, intake_bulk_row *r)
{
    r->state.id = e->id;
    snprintf(r->state.dong_code, sizeof r->state.dong_code, "%s", e->dong);
    r->state.has_location = e->has_location;
    r->state.latitude = e->latitude;
    r->state.longitude = e->longitude;
    r->state.risk_score = e->risk;
    r->state.known_to_programme = e->known;
}

/* One row, as intake_attach and the suspicions after it would see and change things. */
static void resolve_row(resolver *s, size_t ri)
{
    intake_bulk_row *r = &s->b->rows[ri];
    const intake_prepared *p = r->prep;
    const intake_household_row *hr = &p->household;
    house *e;

    s->n_hids = 0;
    for (size_t k = 0; k < p->n_persons; k++) {
        for (int32_t i = smap_get(&s->rrn, p->persons[k].rrn_hash); i >= 0; i = s->ns.v[i].next)
            match(s, s->ns.v[i].hid, 1);
        for (int32_t i = smap_get(&s->name, p->persons[k].name_key); i >= 0; i = s->ns.v[i].next)
            match(s, s->ns.v[i].hid, 2);
    }
    rank_matches(s);

    int64_t same_address[MAX_LISTED];
    size_t n_same_address = 0;
    if (s->n_hids == 0) {
        int64_t id = NEW_BASE + (int64_t)s->n_new_households++;
        const char *key = p->address_key;
        n_same_address = others_of(s, &s->address, &key, 1, id, same_address);
        if (!(e = house_add(&s->hh, id))) {
            s->failed = true;
            return;
        }
        snprintf(e->dong, sizeof e->dong, "%s", hr->dong_code);
        e->has_location = hr->has_location;
        e->latitude = hr->latitude;
        e->longitude = hr->longitude;
        e->risk = hr->risk_score;
        e->known = hr->known_to_programme;
        snprintf(e->first, sizeof e->first, "%s", hr->reported_on);
        snprintf(e->last, sizeof e->last, "%s", hr->reported_on);
        e->is_new = true;
        e->referrals = 1;
        e->creator = r;
        smap_add(&s->address, &s->ns, p->address_key, id);
        r->is_new = true;
    } else {
        if (!(e = house_get(&s->hh, s->hids[0]))) {
            s->failed = true; /* every matched household was read or created */
            return;
        }
        if (hr->risk_score > e->risk)
            e->risk = hr->risk_score;
        e->referrals++;
        e->known = e->known || hr->known_to_programme;
        date_min(e->first, hr->reported_on);
        date_max(e->last, hr->reported_on);
        if (!e->has_location && hr->has_location) {
            e->has_location = true;
            e->latitude = hr->latitude;
            e->longitude = hr->longitude;
            e->got_location = true;
        }
        r->is_new = false;
    }
    int64_t h = e->id;

    /* Phones shared with other households, as seen before this row's persons are added. */
    const char *phones[INTAKE_MAX_PERSONS];
    for (size_t k = 0; k < p->n_persons; k++)
        phones[k] = p->persons[k].phone_hash[0] ? p->persons[k].phone_hash : NULL;
    int64_t neighbours[MAX_LISTED];
    size_t n_neighbours = others_of(s, &s->phone, phones, p->n_persons, h, neighbours);

    /* Persons: the name-key check sees the household before the row (one statement's snapshot). */
    bool pass[INTAKE_MAX_PERSONS];
    for (size_t k = 0; k < p->n_persons; k++)
        pass[k] = r->is_new || !list_has(&s->ns, smap_get(&s->name, p->persons[k].name_key), h);
    r->persons_added = 0;
    for (size_t k = 0; k < p->n_persons; k++) {
        if (!pass[k])
            continue;
        size_t id_index = s->n_person_ids++; /* a row that conflicts on the number takes an id too */
        if (smap_get(&s->rrn, p->persons[k].rrn_hash) >= 0)
            continue;
        s->persons[s->n_persons++] = (new_person){id_index, h, &p->persons[k]};
        smap_add(&s->rrn, &s->ns, p->persons[k].rrn_hash, h);
        smap_add(&s->name, &s->ns, p->persons[k].name_key, h);
        if (p->persons[k].phone_hash[0])
            smap_add(&s->phone, &s->ns, p->persons[k].phone_hash, h);
        r->persons_added++;
    }
    snapshot(e, r);

    for (size_t i = 1; i < s->n_hids && i <= MAX_LISTED; i++)
        add_candidate(s, ri, h, s->hids[i], INTAKE_REASON_MATCHED);
    for (size_t i = 0; i < n_neighbours; i++)
        add_candidate(s, ri, h, neighbours[i], INTAKE_REASON_PHONE);
    for (size_t i = 0; i < n_same_address; i++)
        add_candidate(s, ri, h, same_address[i], INTAKE_REASON_ADDRESS);
}

/* Builds the maps from what was read.  Their keys point into the results, which outlive them. */
static int load(resolver *s, const reads *rd)
{
    int np = PQntuples(rd->persons), nh = PQntuples(rd->households);
    size_t block_persons = 0;
    for (size_t i = 0; i < s->b->n_rows; i++)
        block_persons += s->b->rows[i].prep->n_persons;
    int rc = 0;
    if (smap_init(&s->rrn, (size_t)np + block_persons) < 0 ||
        smap_init(&s->name, (size_t)np + block_persons) < 0 ||
        smap_init(&s->phone, (size_t)np + block_persons) < 0 ||
        smap_init(&s->address, (size_t)nh + s->b->n_rows) < 0 ||
        houses_init(&s->hh, (size_t)nh + s->b->n_rows) < 0)
        rc = WH_INTERNAL;
    s->persons = malloc((block_persons ? block_persons : 1) * sizeof *s->persons);
    if (rc < 0 || !s->persons)
        return WH_INTERNAL;
    for (int i = 0; i < nh; i++) {
        int64_t id = wh_db_i64(rd->households, i, 0, 0);
        house *e = house_add(&s->hh, id);
        if (!e)
            return WH_INTERNAL;
        snprintf(e->dong, sizeof e->dong, "%s", PQgetvalue(rd->households, i, 1));
        e->has_location = !PQgetisnull(rd->households, i, 2) && !PQgetisnull(rd->households, i, 3);
        e->latitude = wh_db_f64(rd->households, i, 2, 0);
        e->longitude = wh_db_f64(rd->households, i, 3, 0);
        e->risk = (int)wh_db_i64(rd->households, i, 4, 0);
        e->known = PQgetvalue(rd->households, i, 5)[0] == 't';
        snprintf(e->first, sizeof e->first, "%s", PQgetvalue(rd->households, i, 6));
        snprintf(e->last, sizeof e->last, "%s", PQgetvalue(rd->households, i, 7));
        if (PQgetvalue(rd->households, i, 8)[0] == 't')
            smap_add(&s->address, &s->ns, PQgetvalue(rd->households, i, 9), id);
    }
    for (int i = 0; i < np; i++) {
        int64_t hid = wh_db_i64(rd->persons, i, 3, 0);
        smap_add(&s->rrn, &s->ns, PQgetvalue(rd->persons, i, 0), hid);
        smap_add(&s->name, &s->ns, PQgetvalue(rd->persons, i, 1), hid);
        if (!PQgetisnull(rd->persons, i, 2))
            smap_add(&s->phone, &s->ns, PQgetvalue(rd->persons, i, 2), hid);
    }
    return s->ns.failed ? WH_INTERNAL : 0;
}

/* --- ids --------------------------------------------------------------------------------------- */

typedef struct ids {
    int64_t *household, *person, *referral;
    size_t n_household, n_person, n_referral;
} ids;

static int take_ids(wh_db *db, size_t households, size_t persons, size_t referrals, ids *out)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, (int64_t)households);
    wh_params_i64(&p, (int64_t)persons);
    wh_params_i64(&p, (int64_t)referrals);
    PGresult *r = wh_db_query(db, "intake_bulk_ids", &p);
    if (!r)
        return wh_db_last_status(db);
    out->household = malloc((households + 1) * sizeof(int64_t));
    out->person = malloc((persons + 1) * sizeof(int64_t));
    out->referral = malloc((referrals + 1) * sizeof(int64_t));
    int rc = out->household && out->person && out->referral ? 0 : WH_INTERNAL;
    for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
        int64_t kind = wh_db_i64(r, i, 0, 0), v = wh_db_i64(r, i, 1, 0);
        if (kind == 1 && out->n_household < households)
            out->household[out->n_household++] = v;
        else if (kind == 2 && out->n_person < persons)
            out->person[out->n_person++] = v;
        else if (kind == 3 && out->n_referral < referrals)
            out->referral[out->n_referral++] = v;
    }
    PQclear(r);
    if (rc == 0 &&
        (out->n_household != households || out->n_person != persons || out->n_referral != referrals))
        rc = WH_INTERNAL;
    if (rc == 0) { /* a sequence hands out increasing values: sorted is the order they were taken in */
        qsort(out->household, out->n_household, sizeof(int64_t), cmp_i64);
        qsort(out->person, out->n_person, sizeof(int64_t), cmp_i64);
        qsort(out->referral, out->n_referral, sizeof(int64_t), cmp_i64);
    }
    return rc;
}

static int64_t real_id(const ids *t, int64_t id)
{
    return id >= NEW_BASE ? t->household[id - NEW_BASE] : id;
}

static void ids_free(ids *t)
{
    free(t->household);
    free(t->person);
    free(t->referral);
}

/* --- writing ----------------------------------------------------------------------------------- */

static void household_rows(const resolver *s, const ids *t, table *out)
{
    for (size_t i = 0; i < s->hh.n; i++) {
        const house *e = &s->hh.v[i];
        if (!e->is_new)
            continue;
        const intake_household_row *hr = &e->creator->prep->household;
        cell_i64(out, real_id(t, e->id));
        cell(out, e->dong);
        if (e->has_location) {
            cell_f64(out, e->latitude);
            cell_f64(out, e->longitude);
        } else {
            cell(out, NULL);
            cell(out, NULL);
        }
        cell(out, hr->address_sealed);
        cell(out, hr->address_key);
        cell_bool(out, e->known);
        cell_bool(out, !hr->known_to_programme);
        cell_i64(out, e->risk);
        cell_i64(out, e->referrals);
        cell(out, e->first);
        cell(out, e->last);
    }
}

static void person_rows(const resolver *s, const ids *t, table *out)
{
    for (size_t i = 0; i < s->n_persons; i++) {
        const new_person *np = &s->persons[i];
        cell_i64(out, t->person[np->id_index]);
        cell_i64(out, real_id(t, np->hid));
        cell(out, np->p->rrn_hash);
        cell(out, np->p->rrn_sealed);
        cell(out, np->p->name_sealed);
        cell(out, np->p->name_key);
        cell(out, np->p->phone_hash[0] ? np->p->phone_hash : NULL);
        cell(out, np->p->phone_sealed);
        cell(out, np->p->birth_date);
    }
}

static void referral_rows(const intake_bulk *b, table *out)
{
    for (size_t i = 0; i < b->n_rows; i++) {
        const intake_bulk_row *r = &b->rows[i];
        const int *ind = r->checked->indicators;
        cell_i64(out, r->referral_id);
        cell_i64(out, r->state.id);
        cell_i64(out, r->m->channel);
        if (r->m->reporter_id > 0)
            cell_i64(out, r->m->reporter_id);
        else
            cell(out, NULL);
        cell(out, r->m->reported_on);
        cell(out, r->prep->concern_sealed);
        cell_i64(out, ind[INTAKE_IND_UTILITY_ARREARS]);
        cell_i64(out, ind[INTAKE_IND_RENT_ARREARS]);
        cell_i64(out, ind[INTAKE_IND_INSURANCE_ARREARS]);
        for (int k = INTAKE_IND_LIVES_ALONE; k <= INTAKE_IND_SINGLE_PARENT; k++)
            cell_bool(out, ind[k] != 0);
        cell_i64(out, r->checked->risk_score);
        cell_i64(out, (int64_t)r->prep->n_persons);
        cell_i64(out, r->persons_added);
        cell_bool(out, r->is_new);
    }
}

/* The stored households the rows attached to: their changes in one UPDATE … FROM unnest. */
static int update_households(wh_db *db, const resolver *s)
{
    table t = {.name = "household", .n_cols = 8};
    for (size_t i = 0; i < s->hh.n; i++) {
        const house *e = &s->hh.v[i];
        if (e->is_new || e->referrals == 0)
            continue;
        cell_i64(&t, e->id);
        cell_i64(&t, e->risk);
        cell_i64(&t, e->referrals);
        cell_bool(&t, e->known);
        cell(&t, e->first);
        cell(&t, e->last);
        if (e->got_location) {
            cell_f64(&t, e->latitude);
            cell_f64(&t, e->longitude);
        } else {
            cell(&t, NULL);
            cell(&t, NULL);
        }
    }
    int rc = 0;
    if (t.failed || t.text.failed)
        rc = WH_INTERNAL;
    else if (t.n > 0) {
        t.statement = "intake_bulk_update_households";
        rc = table_unnest(db, &t);
    }
    table_free(&t);
    return rc;
}

static int cmp_pair(const void *x, const void *y)
{
    const candidate *a = x, *b = y;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    if (a->b != b->b)
        return a->b < b->b ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static int cmp_order(const void *x, const void *y)
{
    const candidate *a = x, *b = y;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* The first candidate of each pair is inserted; the ones RETURNING gives back were raised. */
static int insert_suspicions(wh_db *db, resolver *s, const ids *t)
{
    if (s->n_cands == 0)
        return 0;
    for (size_t i = 0; i < s->n_cands; i++) {
        candidate *c = &s->cands[i];
        int64_t h = real_id(t, c->household_id), o = real_id(t, c->other);
        c->household_id = h;
        c->other = o;
        c->a = h < o ? h : o;
        c->b = h < o ? o : h;
    }
    qsort(s->cands, s->n_cands, sizeof *s->cands, cmp_pair);
    table u = {.name = "duplicate_suspicion", .n_cols = 3, .statement = "intake_bulk_suspect"};
    for (size_t i = 0; i < s->n_cands; i++) {
        candidate *c = &s->cands[i];
        c->first = i == 0 || c->a != s->cands[i - 1].a || c->b != s->cands[i - 1].b;
        if (!c->first)
            continue;
        cell_i64(&u, c->a);
        cell_i64(&u, c->b);
        cell(&u, c->reason);
    }
    int rc = u.failed || u.text.failed ? WH_INTERNAL : 0;
    wh_sqlarray cols[3] = {{0}};
    wh_params p;
    wh_params_reset(&p);
    for (int k = 0; k < 3 && rc == 0; k++) {
        array_literal(&cols[k], &u, k);
        const char *value = wh_sqlarray_value(&cols[k]);
        rc = value ? 0 : WH_INTERNAL;
        wh_params_text(&p, value);
    }
    PGresult *r = NULL;
    if (rc == 0 && !(r = wh_db_query(db, "intake_bulk_suspect", &p)))
        rc = wh_db_last_status(db);
    for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
        candidate key = {.a = wh_db_i64(r, i, 0, 0), .b = wh_db_i64(r, i, 1, 0), .order = 0};
        /* the first candidate of the pair: the lowest order, found by bisection on (a, b) */
        size_t lo = 0, hi = s->n_cands;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            const candidate *m = &s->cands[mid];
            if (m->a < key.a || (m->a == key.a && m->b < key.b))
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < s->n_cands && s->cands[lo].a == key.a && s->cands[lo].b == key.b)
            s->cands[lo].raised = true;
    }
    PQclear(r);
    for (int k = 0; k < 3; k++)
        wh_sqlarray_free(&cols[k]);
    table_free(&u);
    qsort(s->cands, s->n_cands, sizeof *s->cands, cmp_order);
    return rc;
}

/* The raised suspicions, in row order, into b->suspicions. */
static int collect_suspicions(resolver *s, intake_bulk *b)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_cands; i++)
        n += s->cands[i].raised;
    b->suspicions = n ? malloc(n * sizeof *b->suspicions) : NULL;
    if (n && !b->suspicions)
        return WH_INTERNAL;
    for (size_t i = 0; i < s->n_cands; i++) {
        const candidate *c = &s->cands[i];
        if (!c->raised)
            continue;
        intake_bulk_row *r = &b->rows[c->row];
        if (r->n_suspicions == 0)
            r->first_suspicion = b->n_suspicions;
        r->n_suspicions++;
        b->suspicions[b->n_suspicions++] = (intake_bulk_suspicion){c->household_id, c->other, c->reason};
    }
    return 0;
}

static void resolver_free(resolver *s)
{
    smap_free(&s->rrn);
    smap_free(&s->name);
    smap_free(&s->phone);
    smap_free(&s->address);
    free(s->ns.v);
    houses_free(&s->hh);
    free(s->persons);
    free(s->cands);
    free(s->hids);
    free(s->hows);
}

static const char COPY_HOUSEHOLDS[] = "COPY household (" INTAKE_BULK_HOUSEHOLD_COLUMNS ") FROM STDIN";
static const char COPY_PERSONS[] = "COPY person (" INTAKE_BULK_PERSON_COLUMNS ") FROM STDIN";
static const char COPY_REFERRALS[] = "COPY referral (" INTAKE_BULK_REFERRAL_COLUMNS ") FROM STDIN";

int intake_store_attach_many(wh_db *db, intake_bulk *b)
{
    resolver s = {.b = b};
    reads rd = {0};
    ids t = {0};
    table households = {.name = "household",
                        .copy_sql = COPY_HOUSEHOLDS,
                        .statement = "intake_bulk_insert_households",
                        .n_cols = 12};
    table persons = {
        .name = "person", .copy_sql = COPY_PERSONS, .statement = "intake_bulk_insert_persons", .n_cols = 9};
    table referrals = {.name = "referral",
                       .copy_sql = COPY_REFERRALS,
                       .statement = "intake_bulk_insert_referrals",
                       .n_cols = 19};
    b->suspicions = NULL;
    b->n_suspicions = 0;
    if (b->n_rows == 0)
        return 0;
    /* The reads as index probes at every size: planned while person was small (a fresh database, or
     * before autovacuum's next ANALYZE), each "= ANY" branch became a sequential scan comparing every
     * person with every key — 78 % of the backend's time under 16 x 16 SubmitReferral (perf). */
    int rc = wh_db_exec_sql(db, INTAKE_PLAN_INDEXED);
    if (rc == 0)
        rc = read_persons(db, b, &rd);
    if (rc == 0)
        rc = read_households(db, b, &rd);
    if (rc == 0)
        rc = wh_db_exec_sql(db, INTAKE_PLAN_DEFAULT);
    if (rc == 0)
        rc = load(&s, &rd);
    for (size_t i = 0; rc == 0 && i < b->n_rows; i++) {
        b->rows[i].n_suspicions = b->rows[i].first_suspicion = 0;
        resolve_row(&s, i);
        if (s.failed || s.ns.failed)
            rc = WH_INTERNAL;
    }
    if (rc == 0)
        rc = take_ids(db, s.n_new_households, s.n_person_ids, b->n_rows, &t);
    if (rc == 0) {
        for (size_t i = 0; i < b->n_rows; i++) {
            b->rows[i].state.id = real_id(&t, b->rows[i].state.id);
            b->rows[i].referral_id = t.referral[i];
        }
        household_rows(&s, &t, &households);
        person_rows(&s, &t, &persons);
        referral_rows(b, &referrals);
    }
    if (rc == 0)
        rc = table_write(db, &households, b->write);
    if (rc == 0)
        rc = update_households(db, &s);
    if (rc == 0)
        rc = table_write(db, &persons, b->write);
    if (rc == 0)
        rc = table_write(db, &referrals, b->write);
    if (rc == 0)
        rc = insert_suspicions(db, &s, &t);
    if (rc == 0)
        rc = collect_suspicions(&s, b);
    table_free(&households);
    table_free(&persons);
    table_free(&referrals);
    ids_free(&t);
    resolver_free(&s);
    PQclear(rd.persons);
    PQclear(rd.households);
    return rc;
}

void intake_bulk_free(intake_bulk *b)
{
    free(b->suspicions);
    b->suspicions = NULL;
    b->n_suspicions = 0;
}

int intake_store_reporters_known(wh_db *db, const int64_t *ids_in, size_t n, bool *known)
{
    wh_sqlarray a = {0};
    for (size_t i = 0; i < n; i++) {
        known[i] = false;
        wh_sqlarray_i64(&a, ids_in[i]);
    }
    const char *value = wh_sqlarray_value(&a);
    if (value == NULL) {
        wh_sqlarray_free(&a);
        return WH_INTERNAL;
    }
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, value);
    PGresult *r = wh_db_query(db, "intake_bulk_reporters", &p);
    wh_sqlarray_free(&a);
    if (!r)
        return wh_db_last_status(db);
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t id = wh_db_i64(r, i, 0, 0);
        for (size_t k = 0; k < n; k++)
            if (ids_in[k] == id)
                known[k] = true;
    }
    PQclear(r);
    return 0;
}

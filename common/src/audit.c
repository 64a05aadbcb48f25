/*
 * audit.c — the audit log: every refusal (a CURVE handshake, a message refused before or by a
 * handler) and every accepted command that discloses personal data — who (principal and the key as
 * presented), what (message type and, for a disclosure, the record), the decision and why, how many
 * times, from when to when — kept in the service's audit_log table.
 *
 * Entries are buffered and written on the next tick in one transaction of their own (refusals happen
 * before any transaction, and a refused command must not depend on the database).  The same entry
 * again within a tick adds to its count, so a flood is one row per tick with its count, not a row per
 * attempt.  When the buffer's distinct entries run out, an entry is folded into the principal's (or
 * key's) entry of the same decision, and, past that, into one service-wide entry of the decision: the
 * count of what was refused is never lost, only its detail.  Every string is kept as valid UTF-8 cut
 * at a character boundary to its column's limit below (wh_utf8_copy), so no field a peer chose can make
 * the insert fail.
 *
 * Should PostgreSQL refuse the tick's rows anyway (a row it will not take, whatever the reason), they
 * are written again one by one, so only the row refused is lost — logged, and its attempts counted in
 * wh_bus_audit_records_total{result="lost"} — never the whole tick's.  While the database is away the
 * rows wait (and count on) for the next tick.
 *
 * Refusals are logged here too, once a tick: one line per decision with how many attempts, how many
 * distinct rows, and one of them as an example — never a line per attempt, so a flood of refusals
 * cannot flood the log (commands.c and zap.c log none themselves).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bus_internal.h"
#include "wh/log.h"
#include "wh/util.h"

#define AUDIT_BUFFER    512 /* distinct entries per tick */
#define AUDIT_FOLDED    64  /* entries for folding (principal, decision) once those are used up */
#define AUDIT_CATCHALL  8   /* one per decision, past that */
#define AUDIT_SLOTS     (AUDIT_BUFFER + AUDIT_FOLDED + AUDIT_CATCHALL)
#define AUDIT_LOG_KINDS 16 /* decisions logged a tick (there are fewer) */

typedef struct audit_entry {
    char principal[WH_PRINCIPAL_NAME_MAX];
    char public_key[WH_Z85_KEY_LEN + 1];
    char type[128];
    char decision[32];
    char reason[128];
    char subject[64];
    int64_t first_ms, last_ms;
    int64_t count;
} audit_entry;

/* What the tick's log line of one decision says. */
typedef struct audit_log_line {
    char decision[32];
    int64_t count, rows;
    audit_entry example; /* the first of the tick */
} audit_log_line;

struct wh_audit {
    audit_entry entries[AUDIT_SLOTS];
    size_t n;    /* entries in use */
    size_t last; /* the entry matched last (a flood repeats itself) */
    audit_log_line lines[AUDIT_LOG_KINDS];
    size_t n_lines;
    wh_counter *recorded, *folded, *lost;
};

int wh_audit_start(wh_service *svc)
{
    svc->audit = calloc(1, sizeof *svc->audit);
    if (svc->audit == NULL)
        return WH_INTERNAL;
    svc->audit->recorded =
        wh_metrics_counter("wh_bus_audit_records_total", "result=\"stored\"",
                           "Audited attempts (refusals, disclosures), by what was kept of them");
    svc->audit->folded =
        wh_metrics_counter("wh_bus_audit_records_total", "result=\"folded\"",
                           "Audited attempts (refusals, disclosures), by what was kept of them");
    svc->audit->lost =
        wh_metrics_counter("wh_bus_audit_records_total", "result=\"lost\"",
                           "Audited attempts (refusals, disclosures), by what was kept of them");
    return 0;
}

static bool same(const audit_entry *e, const audit_entry *x, bool detail)
{
    return strcmp(e->decision, x->decision) == 0 && strcmp(e->principal, x->principal) == 0 &&
           strcmp(e->public_key, x->public_key) == 0 &&
           (!detail || (strcmp(e->type, x->type) == 0 && strcmp(e->reason, x->reason) == 0 &&
                        strcmp(e->subject, x->subject) == 0));
}

static audit_entry *find(wh_audit *a, const audit_entry *x, size_t from, size_t to, bool detail)
{
    if (a->last >= from && a->last < to && a->last < a->n && same(&a->entries[a->last], x, detail))
        return &a->entries[a->last];
    for (size_t i = from; i < to && i < a->n; i++)
        if (same(&a->entries[i], x, detail)) {
            a->last = i;
            return &a->entries[i];
        }
    return NULL;
}

/* Where x goes: its own entry, the same one again, or a folded one (its detail dropped). */
static audit_entry *slot_for(wh_audit *a, audit_entry *x, bool *folded)
{
    audit_entry *e = find(a, x, 0, AUDIT_BUFFER, true);

    *folded = false;
    if (e != NULL || a->n < AUDIT_BUFFER)
        return e;
    *folded = true;
    snprintf(x->type, sizeof x->type, "%s", "");
    snprintf(x->subject, sizeof x->subject, "%s", "");
    snprintf(x->reason, sizeof x->reason, "%s", "several (the tick's entries ran out)");
    if ((e = find(a, x, AUDIT_BUFFER, AUDIT_BUFFER + AUDIT_FOLDED, false)) != NULL ||
        a->n < AUDIT_BUFFER + AUDIT_FOLDED)
        return e;
    snprintf(x->principal, sizeof x->principal, "%s", "*");
    snprintf(x->public_key, sizeof x->public_key, "%s", "");
    snprintf(x->reason, sizeof x->reason, "%s", "several principals (the tick's entries ran out)");
    if ((e = find(a, x, AUDIT_BUFFER + AUDIT_FOLDED, AUDIT_SLOTS, false)) != NULL)
        return e;
    return a->n < AUDIT_SLOTS ? NULL : &a->entries[AUDIT_SLOTS - 1]; /* more decisions than slots */
}

/* Counts x for the tick's log line of its decision (a disclosure is no refusal: not logged). */
static void log_count(wh_audit *a, const audit_entry *x, bool new_row)
{
    audit_log_line *l = NULL;

    if (strcmp(x->decision, "disclosed") == 0)
        return;
    for (size_t i = 0; i < a->n_lines && l == NULL; i++)
        if (strcmp(a->lines[i].decision, x->decision) == 0)
            l = &a->lines[i];
    if (l == NULL) {
        l = &a->lines[a->n_lines < AUDIT_LOG_KINDS ? a->n_lines++ : AUDIT_LOG_KINDS - 1];
        if (l->count == 0) {
            snprintf(l->decision, sizeof l->decision, "%s", x->decision);
            l->example = *x;
        }
    }
    l->count++;
    l->rows += new_row;
}

/* One line per decision refused this tick, with its counts; then the counts start again. */
static void log_tick(wh_audit *a)
{
    for (size_t i = 0; i < a->n_lines; i++) {
        const audit_log_line *l = &a->lines[i];

        wh_log_warn("refused (this second)", "{s:s, s:I, s:I, s:s, s:s, s:s, s:s}", "decision", l->decision,
                    "count", (json_int_t)l->count, "distinct", (json_int_t)l->rows, "principal",
                    l->example.principal, "public_key", l->example.public_key, "type", l->example.type,
                    "reason", l->example.reason);
    }
    memset(a->lines, 0, sizeof a->lines[0] * a->n_lines);
    a->n_lines = 0;
}

void wh_audit_record(wh_service *svc, const char *principal, const char *public_key, const char *type,
                     const char *decision, const char *reason, const char *subject)
{
    wh_audit *a = svc->audit;
    audit_entry x, *e;
    bool folded;

    if (a == NULL)
        return;
    memset(&x, 0, sizeof x);
    /* every column as valid UTF-8 cut at a character boundary to its limit: whatever a peer put in a
     * field, its row can be stored (a byte cut inside a character would fail the insert, 22021) */
    wh_utf8_copy(x.principal, sizeof x.principal, principal);
    wh_utf8_copy(x.public_key, sizeof x.public_key, public_key);
    wh_utf8_copy(x.type, sizeof x.type, type);
    wh_utf8_copy(x.decision, sizeof x.decision, decision);
    wh_utf8_copy(x.reason, sizeof x.reason, reason);
    wh_utf8_copy(x.subject, sizeof x.subject, subject);
    x.first_ms = x.last_ms = wh_now_ms();
    e = slot_for(a, &x, &folded);
    if (folded)
        wh_counter_add(a->folded, 1);
    log_count(a, &x, e == NULL);
    if (e == NULL) {
        a->last = a->n;
        e = &a->entries[a->n++];
        *e = x;
    }
    e->count++;
    e->last_ms = x.last_ms;
}

static int insert(wh_service *svc, const audit_entry *e)
{
    return wh_bus_audit_insert(svc->db, e->principal, e->public_key, e->type, e->decision, e->reason,
                               e->subject, e->first_ms, e->last_ms, e->count);
}

/* The tick's rows were refused together: each on its own (autocommit), so only a row PostgreSQL
 * refuses is lost (logged once, with how many; counted); rows the database could not take because it
 * went away wait for the next tick. */
static void flush_row_by_row(wh_service *svc)
{
    wh_audit *a = svc->audit;
    int64_t stored = 0, stored_rows = 0, lost = 0, lost_rows = 0;
    size_t kept = 0;
    int first_error = 0;

    for (size_t i = 0; i < a->n; i++) {
        audit_entry *e = &a->entries[i];
        int rc = svc->db_up ? insert(svc, e) : WH_UNAVAILABLE;

        if (rc == 0) {
            stored += e->count;
            stored_rows++;
        } else if (rc == WH_UNAVAILABLE || !svc->db_up) {
            a->entries[kept++] = *e; /* the database went away: next tick */
        } else {
            lost += e->count;
            lost_rows++;
            if (first_error == 0)
                first_error = rc;
        }
    }
    wh_counter_add(a->recorded, (uint64_t)stored);
    wh_counter_add(a->lost, (uint64_t)lost);
    if (lost_rows > 0)
        wh_log_error("audit rows refused by the database, written one by one: the others kept, these lost",
                     "{s:I, s:I, s:I, s:s}", "rows_lost", (json_int_t)lost_rows, "attempts_lost",
                     (json_int_t)lost, "rows_stored", (json_int_t)stored_rows, "status",
                     wh_status_name(first_error));
    a->n = kept;
    a->last = 0;
}

void wh_audit_flush(wh_service *svc)
{
    wh_audit *a = svc->audit;
    int64_t attempts = 0;
    size_t i;
    int rc;

    if (a == NULL)
        return;
    log_tick(a);
    if (a->n == 0 || !svc->db_up)
        return;
    svc->trim_due = true; /* the entries and their statements */
    rc = wh_service_begin(svc);
    for (i = 0; rc == 0 && i < a->n; i++)
        rc = insert(svc, &a->entries[i]);
    if (rc == 0)
        rc = wh_service_commit(svc);
    else
        wh_service_rollback(svc);
    if (rc != 0 && rc != WH_UNAVAILABLE && svc->db_up) {
        flush_row_by_row(svc);
        return;
    }
    if (rc != 0) {
        wh_log_error("could not write the audit log; kept (and counted on) for the next tick", "{s:s}",
                     "status", wh_status_name(rc));
        return;
    }
    for (i = 0; i < a->n; i++)
        attempts += a->entries[i].count;
    wh_counter_add(a->recorded, (uint64_t)attempts);
    a->n = 0;
    a->last = 0;
}

void wh_audit_stop(wh_service *svc)
{
    if (svc->audit != NULL)
        wh_audit_flush(svc);
    free(svc->audit);
    svc->audit = NULL;
}

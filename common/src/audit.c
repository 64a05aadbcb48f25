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
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus_internal.h"
#include "wh/log.h"
#include "wh/util.h"

#define AUDIT_BUFFER   512 /* distinct entries per tick */
#define AUDIT_FOLDED   64  /* entries for folding (principal, decision) once those are used up */
#define AUDIT_CATCHALL 8   /* one per decision, past that */
#define AUDIT_SLOTS    (AUDIT_BUFFER + AUDIT_FOLDED + AUDIT_CATCHALL)

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

struct wh_audit {
    audit_entry entries[AUDIT_SLOTS];
    size_t n;    /* entries in use */
    size_t last; /* the entry matched last (a flood repeats itself) */
    wh_counter *recorded, *folded;
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
    if (e == NULL) {
        a->last = a->n;
        e = &a->entries[a->n++];
        *e = x;
    }
    e->count++;
    e->last_ms = x.last_ms;
}

void wh_audit_flush(wh_service *svc)
{
    wh_audit *a = svc->audit;
    int64_t attempts = 0;
    size_t i;
    int rc;

    if (a == NULL || a->n == 0 || !svc->db_up)
        return;
    rc = wh_service_begin(svc);
    for (i = 0; rc == 0 && i < a->n; i++) {
        audit_entry *e = &a->entries[i];
        rc = wh_bus_audit_insert(svc->db, e->principal, e->public_key, e->type, e->decision, e->reason,
                                 e->subject, e->first_ms, e->last_ms, e->count);
        attempts += e->count;
    }
    if (rc == 0)
        rc = wh_service_commit(svc);
    else
        wh_service_rollback(svc);
    if (rc != 0) {
        wh_log_error("could not write the audit log; kept (and counted on) for the next tick", "{s:s}",
                     "status", wh_status_name(rc));
        return;
    }
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

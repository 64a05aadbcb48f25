/*
 * audit.c — the audit log of refused attempts: who (principal and key), what (message type), the
 * decision and why, and when — kept in the service's audit_log table.
 *
 * Refusals happen before any transaction (a handshake, a message that is not allowed), so they are
 * buffered and written on the next tick in one transaction of their own.  The buffer is bounded: a
 * peer flooding the service with bad messages costs a counter, not the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus_internal.h"
#include "wh/log.h"
#include "wh/util.h"

#define AUDIT_BUFFER 512

typedef struct audit_entry {
    char principal[WH_PRINCIPAL_NAME_MAX];
    char public_key[WH_Z85_KEY_LEN + 1];
    char type[128];
    char decision[32];
    char reason[128];
    int64_t at_ms;
} audit_entry;

struct wh_audit {
    audit_entry entries[AUDIT_BUFFER];
    size_t n;
    wh_counter *recorded, *dropped;
};

int wh_audit_start(wh_service *svc)
{
    svc->audit = calloc(1, sizeof *svc->audit);
    if (svc->audit == NULL)
        return WH_INTERNAL;
    svc->audit->recorded = wh_metrics_counter("wh_bus_audit_records_total", "result=\"stored\"",
                                              "Refused attempts for the audit log");
    svc->audit->dropped = wh_metrics_counter("wh_bus_audit_records_total", "result=\"dropped\"",
                                             "Refused attempts for the audit log");
    return 0;
}

void wh_audit_record(wh_service *svc, const char *principal, const char *public_key, const char *type,
                     const char *decision, const char *reason)
{
    wh_audit *a = svc->audit;
    audit_entry *e;

    if (a == NULL)
        return;
    if (a->n == AUDIT_BUFFER) {
        wh_counter_add(a->dropped, 1);
        return;
    }
    e = &a->entries[a->n++];
    snprintf(e->principal, sizeof e->principal, "%s", principal != NULL ? principal : "");
    snprintf(e->public_key, sizeof e->public_key, "%s", public_key != NULL ? public_key : "");
    snprintf(e->type, sizeof e->type, "%s",
             type != NULL && wh_utf8_valid(type, sizeof e->type - 1) ? type : "");
    snprintf(e->decision, sizeof e->decision, "%s", decision);
    snprintf(e->reason, sizeof e->reason, "%s", reason != NULL ? reason : "");
    e->at_ms = wh_now_ms();
}

void wh_audit_flush(wh_service *svc)
{
    wh_audit *a = svc->audit;
    size_t i;
    int rc;

    if (a == NULL || a->n == 0 || !svc->db_up)
        return;
    rc = wh_service_begin(svc);
    for (i = 0; rc == 0 && i < a->n; i++) {
        audit_entry *e = &a->entries[i];
        rc = wh_bus_audit_insert(svc->db, e->principal, e->public_key, e->type, e->decision, e->reason,
                                 e->at_ms);
    }
    if (rc == 0)
        rc = wh_service_commit(svc);
    else
        wh_service_rollback(svc);
    if (rc != 0) {
        wh_log_error("could not write the audit log; kept for the next tick", "{s:s}", "status",
                     wh_status_name(rc));
        return;
    }
    wh_counter_add(a->recorded, a->n);
    a->n = 0;
}

void wh_audit_stop(wh_service *svc)
{
    if (svc->audit != NULL)
        wh_audit_flush(svc);
    free(svc->audit);
    svc->audit = NULL;
}

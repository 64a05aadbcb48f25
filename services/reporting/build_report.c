/*
 * build_report.c — a complete KPI report for a selection: report.c's checks and assembly around the
 * store's queries (store.c).  Kept apart from report.c so the pure assembly does not call the store
 * that calls it (no report.c <-> store.c cycle); the bus handlers, the HTTP pages and the comparison
 * table all build their reports here.
 */
#include <stdio.h>

#include "reporting.h"
#include "wh/status.h"

int reporting_build_report(wh_db *db, const reporting_selection *s, reporting_report *r, const char **field,
                           const char **why)
{
    int rc = reporting_selection_check(s, field, why);
    if (rc != 0)
        return rc;
    if ((rc = reporting_report_check_known(db, s, field, why)) != 0)
        return rc;
    rc = reporting_report_init(r, s);
    if (rc == 0)
        rc = reporting_store_query(db, s, r);
    if (rc == 0)
        reporting_report_finish(r);
    else
        reporting_report_free(r);
    return rc;
}

int reporting_report_check_known(wh_db *db, const reporting_selection *s, const char **field,
                                 const char **why)
{
    static __thread char message[96 + REPORTING_DONG_MAX];
    char unknown[REPORTING_DONG_MAX];
    int rc = reporting_store_first_unknown(db, s, unknown);
    if (rc != 0 || !unknown[0])
        return rc;
    snprintf(message, sizeof message, "unknown dong code %s (not defined by routing, no facts)", unknown);
    *field = "dong_codes";
    *why = message;
    return WH_INVALID_ARGUMENT;
}

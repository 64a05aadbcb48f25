/*
 * validate.c — checks the handlers share: texts, need domains and severities, roles, business dates.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "case.h"

#include "wh/log.h"
#include "wh/util.h"

bool case_text_ok(const char *s, size_t max)
{
    return s && *s && wh_utf8_valid(s, max);
}

bool case_need_domain_ok(int domain)
{
    return domain >= WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_INCOME &&
           domain <= WELFARE__COMMON__V1__NEED_DOMAIN__NEED_DOMAIN_EDUCATION;
}

bool case_severity_ok(int severity)
{
    return severity >= WELFARE__COMMON__V1__SEVERITY__SEVERITY_LOW &&
           severity <= WELFARE__COMMON__V1__SEVERITY__SEVERITY_CRITICAL;
}

bool case_role_ok(int role)
{
    return role >= WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_WELFARE_OFFICIAL &&
           role <= WELFARE__COMMON__V1__STAFF_ROLE__STAFF_ROLE_VOCATIONAL_COUNSELLOR;
}

void case_event_date(const char *given, const char *what, char out[11])
{
    if (wh_date_valid(given)) {
        memcpy(out, given, 10);
        out[10] = '\0';
        return;
    }
    wh_date_today(out);
    wh_log_warn("event carries no business date; using today", "{s:s}", "event", what);
}

int case_check_need(wh_ctx *ctx, const Welfare__Case__V1__Need *need, const char *field_prefix)
{
    char field[64];
    if (!need)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field_prefix, "%s is required", field_prefix);
    if (!case_need_domain_ok(need->domain)) {
        snprintf(field, sizeof field, "%s.domain", field_prefix);
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field, "%s must be a known need domain", field);
    }
    if (!case_severity_ok(need->severity)) {
        snprintf(field, sizeof field, "%s.severity", field_prefix);
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field, "%s must be LOW, MODERATE, HIGH or CRITICAL",
                           field);
    }
    return 0;
}

int case_check_note(wh_ctx *ctx, const char *note)
{
    if (!note || !*note)
        return 0;
    if (!wh_utf8_valid(note, CASE_NOTE_MAX))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "note", "note must be at most 2000 bytes of UTF-8");
    if (!case_settings_of(ctx)->notes_sealed)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "note",
                           "notes need the PII key (WH_PII_KEY_FILE) to be stored encrypted");
    return 0;
}

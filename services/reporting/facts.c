/*
 * facts.c — what each event adds to a dong's day in kpi_daily.
 *
 * Pure functions: an event in, a fact out, or the name of the field that makes the event uncountable
 * (no dong, no valid business date).  The handlers store the fact; the tests check the mapping.
 * Every event is counted on the business date it carries, never on the time it arrived, so history
 * loaded months later lands on the right days.
 */
#include <string.h>

#include "reporting.h"
#include "wh/status.h"
#include "wh/util.h"

bool reporting_dong_code_valid(const char *s)
{
    size_t n = 0;
    if (!s)
        return false;
    for (; s[n]; n++) {
        char c = s[n];
        bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-';
        if (!ok || n + 1 >= REPORTING_DONG_MAX)
            return false;
    }
    return n > 0;
}

/* Starts a fact for one dong and day, or names the bad field. */
static int fact_start(reporting_fact *f, const char *dong_code, const char *dong_field, const char *day,
                      const char *day_field, const char **field)
{
    memset(f, 0, sizeof *f);
    if (!reporting_dong_code_valid(dong_code)) {
        *field = dong_field;
        return WH_INVALID_ARGUMENT;
    }
    if (!wh_date_valid(day)) {
        *field = day_field;
        return WH_INVALID_ARGUMENT;
    }
    strcpy(f->dong_code, dong_code);
    memcpy(f->day, day, REPORTING_DATE_LEN);
    return 0;
}

int reporting_fact_targets(const Welfare__Intake__V1__TargetsChanged *e, reporting_fact *f, size_t cap,
                           size_t *n, const char **field)
{
    *n = 0;
    if (e->n_steps == 0 || e->n_steps > cap) {
        *field = "steps";
        return WH_INVALID_ARGUMENT;
    }
    for (size_t i = 0; i < e->n_steps; i++) {
        const Welfare__Intake__V1__TargetStep *s = e->steps[i];
        int rc = fact_start(&f[i], e->dong_code, "dong_code", s ? s->on : NULL, "steps.on", field);
        if (rc != 0)
            return rc;
        if (s->delta == 0) {
            *field = "steps.delta";
            return WH_INVALID_ARGUMENT;
        }
        f[i].delta[REPORTING_FACT_TARGETS] = s->delta;
    }
    *n = e->n_steps;
    return 0;
}

int reporting_fact_blind_spot(const Welfare__Intake__V1__BlindSpotDiscovered *e, reporting_fact *f,
                              const char **field)
{
    int rc = fact_start(f, e->dong_code, "dong_code", e->discovered_on, "discovered_on", field);
    if (rc == 0)
        f->delta[REPORTING_FACT_BLIND_SPOTS] = 1;
    return rc;
}

int reporting_fact_case_opened(const Welfare__Case__V1__CaseOpened *e, reporting_fact *f, const char **field)
{
    int rc = fact_start(f, e->dong_code, "dong_code", e->opened_on, "opened_on", field);
    if (rc == 0)
        f->delta[REPORTING_FACT_CASES_OPENED] = 1;
    return rc;
}

int reporting_fact_case_closed(const Welfare__Case__V1__CaseClosed *e, reporting_fact *f, const char **field)
{
    int rc = fact_start(f, e->dong_code, "dong_code", e->closed_on, "closed_on", field);
    if (rc == 0)
        f->delta[REPORTING_FACT_CASES_CLOSED] = 1;
    return rc;
}

int reporting_fact_linkage(const Welfare__Case__V1__LinkageCompleted *e, reporting_fact *f,
                           const char **field)
{
    int rc = fact_start(f, e->dong_code, "dong_code", e->completed_on, "completed_on", field);
    if (rc == 0)
        f->delta[REPORTING_FACT_LINKAGES] = 1;
    return rc;
}

int reporting_fact_visit(const Welfare__Routing__V1__VisitCompleted *e, reporting_fact *f, const char **field)
{
    int rc = fact_start(f, e->dong_code, "dong_code", e->visited_on, "visited_on", field);
    if (rc == 0)
        f->delta[REPORTING_FACT_VISITS] = 1;
    return rc;
}

int reporting_fact_visit_missed(const Welfare__Routing__V1__VisitMissed *e, reporting_fact *f,
                                const char **field)
{
    int rc = fact_start(f, e->dong_code, "dong_code", e->missed_on, "missed_on", field);
    if (rc == 0)
        f->delta[REPORTING_FACT_VISITS_MISSED] = 1;
    return rc;
}

int reporting_fact_resource(const Welfare__Registry__V1__ResourceRegistered *e, reporting_fact *f,
                            const char **field)
{
    int rc = fact_start(f, e->dong_code, "dong_code", e->discovered_on, "discovered_on", field);
    if (rc != 0)
        return rc;
    if (e->amount_krw < 0) {
        *field = "amount_krw";
        return WH_INVALID_ARGUMENT;
    }
    f->delta[REPORTING_FACT_RESOURCES] = 1;
    f->delta[REPORTING_FACT_AMOUNT_KRW] = e->amount_krw;
    return 0;
}

/* The resource ledger (registry's ledger.proto): a donation pledged is one resource discovery case
 * on pledged_on, with no amount yet; its value counts as it is received, on each receipt's date, in
 * the donation's dong — so a recurring pledge is counted per period by the instalments that arrived. */
int reporting_fact_donation_pledged(const Welfare__Registry__V1__DonationPledged *e, reporting_fact *f,
                                    const char **field)
{
    int rc = fact_start(f, e->dong_code, "dong_code", e->pledged_on, "pledged_on", field);
    if (rc == 0)
        f->delta[REPORTING_FACT_RESOURCES] = 1;
    return rc;
}

int reporting_fact_donation_received(const Welfare__Registry__V1__DonationReceived *e, reporting_fact *f,
                                     const char **field)
{
    int rc = fact_start(f, e->dong_code, "dong_code", e->received_on, "received_on", field);
    if (rc != 0)
        return rc;
    if (e->amount_krw <= 0) {
        *field = "amount_krw";
        return WH_INVALID_ARGUMENT;
    }
    f->delta[REPORTING_FACT_AMOUNT_KRW] = e->amount_krw;
    return 0;
}

/* A home visit recorded without a plan (visit_id 0): met and counselled is a site visit, not at home or
 * refused a missed one; moved, deceased, or a planned visit (counted from routing's VisitCompleted
 * already) add nothing. */
int reporting_fact_home_visit(const Welfare__Case__V1__HomeVisitRecorded *e, reporting_fact *f,
                              const char **field)
{
    int rc = fact_start(f, e->dong_code, "dong_code", e->visited_on, "visited_on", field);
    if (rc != 0 || e->visit_id != 0)
        return rc;
    if (e->outcome == WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_MET_COUNSELLED)
        f->delta[REPORTING_FACT_VISITS] = 1;
    else if (e->outcome == WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_NOT_AT_HOME ||
             e->outcome == WELFARE__CASE__V1__VISIT_OUTCOME__VISIT_OUTCOME_REFUSED)
        f->delta[REPORTING_FACT_VISITS_MISSED] = 1;
    return 0;
}

/* A service linkage of any household counts once, when it is delivered or started, on that date; a
 * linkage an unmerge restored to STARTED (`restored`) was counted when it started. */
int reporting_fact_service_linkage(const Welfare__Registry__V1__ServiceLinkageChanged *e, reporting_fact *f,
                                   const char **field)
{
    int rc = fact_start(f, e->dong_code, "dong_code", e->changed_on, "changed_on", field);
    if (rc == 0 && e->state == WELFARE__REGISTRY__V1__LINKAGE_STATE__LINKAGE_STATE_STARTED && !e->restored)
        f->delta[REPORTING_FACT_LINKAGES] = 1;
    return rc;
}

bool reporting_fact_empty(const reporting_fact *f)
{
    for (int i = 0; i < REPORTING_FACT_COUNT; i++)
        if (f->delta[i] != 0)
            return false;
    return true;
}

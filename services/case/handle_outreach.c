/*
 * handle_outreach.c — RequestHomeVisit and RecordHomeVisit: home visits and on-visit counselling for
 * any identified household, case or not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"

#include "wh/util.h"

#define DEFAULT_MINUTES 30
#define WINDOW_DAYS     14
#define MAX_SKILLS      8
#define SKILL_MAX       64

static int check_roles(wh_ctx *ctx, const Welfare__Common__V1__StaffRole *roles, size_t n, size_t min)
{
    char field[32];
    if (n < min || n > CASE_MAX_ROLES)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "roles", "%zu to 4 roles", min);
    for (size_t i = 0; i < n; i++)
        if (!case_role_ok(roles[i])) {
            snprintf(field, sizeof field, "roles.%zu", i);
            return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field, "%s is not a known staff role", field);
        }
    return 0;
}

static int check_window_and_skills(wh_ctx *ctx, const Welfare__Case__V1__RequestHomeVisit *m)
{
    char field[32];
    if (m->window_start_minute < 0 || m->window_start_minute > 1439)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "window_start_minute",
                           "window_start_minute must be 0..1439");
    if (m->window_end_minute != 0 &&
        (m->window_end_minute <= m->window_start_minute || m->window_end_minute > 1440))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "window_end_minute",
                           "window_end_minute must be after window_start_minute and at most 1440");
    if (m->window_end_minute != 0 &&
        m->window_end_minute - m->window_start_minute < (m->duration_minutes > 0 ? m->duration_minutes : 30))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "window_end_minute",
                           "the window is shorter than the visit");
    if (m->window_end_minute == 0 && m->window_start_minute != 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "window_end_minute", "a window needs its end minute");
    if (m->n_skills > MAX_SKILLS)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "skills", "at most 8 skills");
    for (size_t i = 0; i < m->n_skills; i++)
        if (!case_text_ok(m->skills[i], SKILL_MAX)) {
            snprintf(field, sizeof field, "skills.%zu", i);
            return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field, "%s must be 1..64 bytes of UTF-8", field);
        }
    return 0;
}

#define MAX_DELAY    1440 /* minutes between the starts of two sequential visits */
#define MAX_LATENESS 480  /* minutes a soft window may be overrun */

/* A sequence (one visit per role, min..max delay start to start) and a soft window's lateness. */
static int check_sequence(wh_ctx *ctx, const Welfare__Case__V1__RequestHomeVisit *m)
{
    bool sequential = m->sequence != WELFARE__CASE__V1__VISIT_SEQUENCE__VISIT_SEQUENCE_UNSPECIFIED;
    if (sequential && m->sequence != WELFARE__CASE__V1__VISIT_SEQUENCE__VISIT_SEQUENCE_IN_ORDER &&
        m->sequence != WELFARE__CASE__V1__VISIT_SEQUENCE__VISIT_SEQUENCE_ANY_ORDER)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "sequence", "sequence is not a known visit sequence");
    if (sequential && m->n_roles < 2)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "sequence", "a sequence needs two or more roles");
    if (m->sequence == WELFARE__CASE__V1__VISIT_SEQUENCE__VISIT_SEQUENCE_ANY_ORDER && m->n_roles != 2)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "sequence", "either order is for exactly two roles");
    if (!sequential && (m->min_delay_minutes != 0 || m->max_delay_minutes != 0))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "min_delay_minutes",
                           "delays are for sequential visits (set sequence)");
    if (m->min_delay_minutes < 0 || m->min_delay_minutes > MAX_DELAY)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "min_delay_minutes",
                           "min_delay_minutes must be 0..1440");
    if (m->max_delay_minutes < m->min_delay_minutes || m->max_delay_minutes > MAX_DELAY)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "max_delay_minutes",
                           "max_delay_minutes must be min_delay_minutes..1440");
    if (m->max_lateness_minutes < 0 || m->max_lateness_minutes > MAX_LATENESS)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "max_lateness_minutes",
                           "max_lateness_minutes must be 0..480");
    if (m->max_lateness_minutes > 0 && m->window_end_minute == 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "max_lateness_minutes",
                           "lateness needs a time window (window_end_minute)");
    return 0;
}

/* The household for a command, or a typed error naming household_id. */
static int load_household(wh_ctx *ctx, int64_t household_id, case_household *h)
{
    if (household_id <= 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "household_id", "household_id is required");
    int rc = case_store_household(wh_ctx_db(ctx), household_id, h);
    if (rc == WH_NOT_FOUND)
        return wh_ctx_fail(ctx, rc, "household_id", "no identified household with this id");
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the household");
    return 0;
}

/* earliest_on: not before the household was identified, not beyond the planning horizon. */
static int check_earliest(wh_ctx *ctx, const case_household *h, const char *earliest)
{
    char today[11], horizon[11];
    wh_date_today(today);
    wh_date_add_days(today, case_settings_of(ctx)->planning_horizon_days, horizon);
    if (strcmp(earliest, h->identified_on) < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "earliest_on",
                           "earliest_on is before the household was identified");
    if (strcmp(earliest, horizon) > 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "earliest_on",
                           "earliest_on is beyond the planning horizon (%s)", horizon);
    return 0;
}

static int visit_of_request(wh_ctx *ctx, const Welfare__Case__V1__RequestHomeVisit *m, case_visit *v)
{
    int rc = check_roles(ctx, m->roles, m->n_roles, 0);
    if (rc == 0)
        rc = check_window_and_skills(ctx, m);
    if (rc == 0)
        rc = check_sequence(ctx, m);
    if (rc == 0 && (m->priority < 0 || m->priority > 100))
        rc = wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "priority", "priority must be 0..100");
    if (rc == 0 && (m->duration_minutes < 0 || m->duration_minutes > 480))
        rc = wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "duration_minutes", "duration_minutes must be 0..480");
    if (rc == 0)
        rc = wh_ctx_business_date(ctx, m->earliest_on, "earliest_on", NULL, v->earliest_on);
    if (rc == 0 && m->latest_on && *m->latest_on) {
        rc = wh_ctx_business_date(ctx, m->latest_on, "latest_on", NULL, v->latest_on);
        if (rc == 0 && strcmp(v->latest_on, v->earliest_on) < 0)
            rc = wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "latest_on", "latest_on is before earliest_on");
    } else if (rc == 0) {
        wh_date_add_days(v->earliest_on, WINDOW_DAYS, v->latest_on);
    }
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < m->n_roles; i++)
        v->roles[v->n_roles++] = m->roles[i];
    if (v->n_roles == 0)
        v->roles[v->n_roles++] = CASE_ROLE_OFFICIAL;
    v->duration_minutes = m->duration_minutes > 0 ? m->duration_minutes : DEFAULT_MINUTES;
    v->window_start_minute = m->window_start_minute;
    v->window_end_minute = m->window_end_minute;
    v->skills = m->skills;
    v->n_skills = m->n_skills;
    v->sequence = (int)m->sequence;
    v->min_delay_minutes = m->min_delay_minutes;
    v->max_delay_minutes = m->max_delay_minutes;
    v->max_lateness_minutes = m->max_lateness_minutes;
    return 0;
}

int case_handle_request_home_visit(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Case__V1__RequestHomeVisit *m = (const void *)req;
    case_visit v = {.purpose = WELFARE__CASE__V1__VISIT_PURPOSE__VISIT_PURPOSE_HOME_VISIT};
    case_household h;
    int rc = visit_of_request(ctx, m, &v);
    if (rc == 0)
        rc = load_household(ctx, m->household_id, &h);
    if (rc == 0)
        rc = check_earliest(ctx, &h, v.earliest_on);
    if (rc == 0 && h.watch_ended)
        rc = wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "household_id",
                         "the household moved or died (watch ended)");
    if (rc < 0)
        return rc;
    v.priority = m->priority > 0 ? m->priority : h.risk_score;
    Welfare__Case__V1__RequestHomeVisitReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__case__v1__request_home_visit_reply__init(r);
    if ((rc = case_request_household_visit(ctx, &h, &v, &r->visit_request_id)) < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not request the visit");
    r->case_id = h.open_case_id;
    *reply = &r->base;
    return 0;
}

/* --- RecordHomeVisit -------------------------------------------------------------------------- */

static int check_needs(wh_ctx *ctx, const Welfare__Case__V1__RecordHomeVisit *m)
{
    char field[48];
    if (m->n_needs_observed > CASE_MAX_NEEDS)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "needs_observed", "at most 8 needs");
    if (m->n_needs_observed > 0 && m->outcome != CASE_OUTCOME_MET)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "needs_observed",
                           "needs are observed only when the household was met");
    for (size_t i = 0; i < m->n_needs_observed; i++) {
        snprintf(field, sizeof field, "needs_observed.%zu", i);
        int rc = case_check_need(ctx, m->needs_observed[i], field);
        if (rc < 0)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (m->needs_observed[j]->domain == m->needs_observed[i]->domain)
                return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, field, "%s repeats a domain", field);
    }
    return 0;
}

static int check_record(wh_ctx *ctx, const Welfare__Case__V1__RecordHomeVisit *m)
{
    if (!case_outcome_valid(m->outcome))
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "outcome", "outcome is required");
    if (m->visit_id < 0)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "visit_id", "visit_id must not be negative");
    int rc = check_roles(ctx, m->roles, m->n_roles, m->visit_id > 0 ? 0 : 1);
    if (rc == 0)
        rc = check_needs(ctx, m);
    return rc == 0 ? case_check_note(ctx, m->note) : rc;
}

/* visited_on (given or today), not in the future, not before identification; follow_up_on after it. */
static int record_dates(wh_ctx *ctx, const Welfare__Case__V1__RecordHomeVisit *m, const case_household *h,
                        char date[11], char follow[11])
{
    char today[11];
    wh_date_today(today);
    int rc = wh_ctx_business_date(ctx, m->visited_on, "visited_on", NULL, date);
    if (rc == 0 && strcmp(date, today) > 0)
        rc = wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "visited_on", "visited_on is in the future");
    if (rc == 0 && strcmp(date, h->identified_on) < 0)
        rc = wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "visited_on",
                         "visited_on is before the household was identified");
    follow[0] = '\0';
    if (rc == 0 && m->follow_up_on && *m->follow_up_on &&
        (rc = wh_ctx_business_date(ctx, m->follow_up_on, "follow_up_on", NULL, follow)) == 0 &&
        strcmp(follow, date) <= 0)
        rc = wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "follow_up_on", "follow_up_on must be after visited_on");
    return rc;
}

/* A planned visit routing recorded: the details go on its row, the class of outcome must agree. */
static int detail_planned(wh_ctx *ctx, const Welfare__Case__V1__RecordHomeVisit *m, const case_household *h,
                          case_home_visit *v, int64_t *id)
{
    int routing_outcome;
    bool detailed;
    int64_t household_id;
    char visited_on[11];
    int rc = case_store_planned_visit(wh_ctx_db(ctx), m->visit_id, id, &routing_outcome, &detailed,
                                      &household_id, visited_on);
    if (rc == WH_NOT_FOUND)
        return wh_ctx_fail(ctx, rc, "visit_id", "routing has reported no outcome for this visit");
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not read the visit");
    if (household_id != h->id)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "visit_id", "the visit was to another household");
    if (detailed)
        return wh_ctx_fail(ctx, WH_ALREADY_EXISTS, "visit_id", "the visit's details were recorded already");
    if ((routing_outcome == CASE_OUTCOME_MET) != (m->outcome == CASE_OUTCOME_MET))
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "outcome", "routing recorded the visit as %s",
                           routing_outcome == CASE_OUTCOME_MET ? "completed" : "missed");
    if (strcmp(visited_on, v->visited_on) != 0 && m->visited_on && *m->visited_on)
        return wh_ctx_fail(ctx, WH_INVALID_ARGUMENT, "visited_on", "routing recorded the visit on %s",
                           visited_on);
    v->visited_on = wh_ctx_strdup(ctx, visited_on);
    if ((rc = case_store_detail_home_visit(wh_ctx_db(ctx), *id, v)) < 0)
        return wh_ctx_fail(ctx, rc, rc == WH_ALREADY_EXISTS ? "visit_id" : NULL,
                           "could not record the visit");
    return 0;
}

static int emit_recorded(wh_ctx *ctx, const case_household *h, const case_home_visit *v, int64_t id,
                         const Welfare__Case__V1__RecordHomeVisit *m)
{
    Welfare__Case__V1__HomeVisitRecorded ev = WELFARE__CASE__V1__HOME_VISIT_RECORDED__INIT;
    ev.home_visit_id = id;
    ev.household_id = h->id;
    ev.case_id = h->open_case_id;
    ev.visit_id = v->visit_id;
    ev.dong_code = (char *)h->dong_code;
    ev.hub_dong_code = (char *)h->hub_dong_code;
    ev.roles = m->roles;
    ev.n_roles = m->n_roles;
    ev.outcome = (Welfare__Case__V1__VisitOutcome)v->outcome;
    ev.needs_observed = m->needs_observed;
    ev.n_needs_observed = m->n_needs_observed;
    ev.follow_up_on = (char *)(v->follow_up_on ? v->follow_up_on : "");
    ev.visited_on = (char *)v->visited_on;
    return wh_ctx_emit(ctx, &ev.base);
}

static int follow_up(wh_ctx *ctx, const case_household *h, const Welfare__Case__V1__RecordHomeVisit *m,
                     const char *on, int64_t *visit_request_id)
{
    case_visit v = {.purpose = WELFARE__CASE__V1__VISIT_PURPOSE__VISIT_PURPOSE_HOME_VISIT};
    for (size_t i = 0; i < m->n_roles; i++)
        v.roles[v.n_roles++] = m->roles[i];
    if (v.n_roles == 0)
        v.roles[v.n_roles++] = CASE_ROLE_OFFICIAL;
    v.priority = h->risk_score;
    v.duration_minutes = DEFAULT_MINUTES;
    memcpy(v.earliest_on, on, 11);
    wh_date_add_days(on, WINDOW_DAYS, v.latest_on);
    return case_request_household_visit(ctx, h, &v, visit_request_id);
}

static int record_visit(wh_ctx *ctx, const Welfare__Case__V1__RecordHomeVisit *m, const case_household *h,
                        case_home_visit *v, Welfare__Case__V1__RecordHomeVisitReply *r)
{
    bool fresh = true, escalated = false;
    int failed = h->failed_attempts, rc = 0;
    if (m->visit_id > 0) {
        if ((rc = detail_planned(ctx, m, h, v, &r->home_visit_id)) < 0)
            return rc;
        /* routing's outcome counted the attempt already; moving or dying still ends the watch */
        if (m->outcome == CASE_OUTCOME_MOVED || m->outcome == CASE_OUTCOME_DECEASED)
            rc = case_outreach_attempt(ctx, h, m->outcome, v->visited_on, &failed, &escalated);
    } else {
        rc = case_store_insert_home_visit(wh_ctx_db(ctx), v, &r->home_visit_id, &fresh);
        if (rc == 0 && fresh)
            rc = case_outreach_attempt(ctx, h, m->outcome, v->visited_on, &failed, &escalated);
    }
    if (rc == 0 && !fresh)
        rc = WH_INTERNAL;
    if (rc == 0)
        rc = emit_recorded(ctx, h, v, r->home_visit_id, m);
    if (rc == 0 && v->follow_up_on && *v->follow_up_on)
        rc = follow_up(ctx, h, m, v->follow_up_on, &r->visit_request_id);
    if (rc < 0)
        return wh_ctx_fail(ctx, rc, NULL, "could not record the visit");
    r->failed_attempts = failed;
    r->escalated = escalated;
    return 0;
}

int case_handle_record_home_visit(wh_ctx *ctx, const ProtobufCMessage *req, ProtobufCMessage **reply)
{
    const Welfare__Case__V1__RecordHomeVisit *m = (const void *)req;
    char date[11], follow[11];
    case_household h;
    int rc = check_record(ctx, m);
    if (rc == 0)
        rc = load_household(ctx, m->household_id, &h);
    if (rc == 0)
        rc = record_dates(ctx, m, &h, date, follow);
    if (rc < 0)
        return rc;
    char *sealed = NULL;
    if (case_seal_note(m->note, &sealed) < 0)
        return wh_ctx_fail(ctx, WH_FAILED_PRECONDITION, "note", "the note could not be sealed");
    int roles[CASE_MAX_ROLES];
    for (size_t i = 0; i < m->n_roles; i++)
        roles[i] = m->roles[i];
    case_home_visit v = {.household_id = h.id,
                         .case_id = h.open_case_id,
                         .visit_id = m->visit_id,
                         .visited_on = date,
                         .outcome = m->outcome,
                         .roles = roles,
                         .n_roles = (int)m->n_roles,
                         .needs = (const Welfare__Case__V1__Need *const *)m->needs_observed,
                         .n_needs = m->n_needs_observed,
                         .note_sealed = sealed ? wh_ctx_strdup(ctx, sealed) : "",
                         .follow_up_on = follow,
                         .detailed = true};
    free(sealed);
    Welfare__Case__V1__RecordHomeVisitReply *r = wh_ctx_alloc(ctx, sizeof *r);
    if (!r)
        return wh_ctx_fail(ctx, WH_INTERNAL, NULL, "out of memory");
    welfare__case__v1__record_home_visit_reply__init(r);
    if ((rc = record_visit(ctx, m, &h, &v, r)) < 0)
        return rc;
    *reply = &r->base;
    return 0;
}

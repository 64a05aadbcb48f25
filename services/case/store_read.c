/*
 * store_read.c — a case and its history, and pages of cases, read into reply messages (ctx memory).
 * The statements are in store.c's table; notes are opened here for the reader of GetCase only.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "wh/db_rows.h"

#include "wh/log.h"

static int status_of(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (s && strcmp(s, names[i]) == 0)
            return i + 1;
    return 0;
}

static PGresult *by_case(wh_ctx *ctx, const char *stmt, int64_t case_id)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    return wh_db_query(wh_ctx_db(ctx), stmt, &p);
}

/* Pointer arrays of n messages each `size` bytes, initialised with init (ctx memory). */
static void **messages(wh_ctx *ctx, size_t n, size_t size, void (*init)(void *))
{
    void **v = wh_ctx_alloc(ctx, sizeof *v * (n ? n : 1));
    for (size_t i = 0; v && i < n; i++)
        if ((v[i] = wh_ctx_alloc(ctx, size)) != NULL)
            init(v[i]);
        else
            return NULL;
    return v;
}

static Welfare__Case__V1__CaseSummary *summary_from_row(wh_ctx *ctx, const PGresult *r, int row)
{
    static const char *const statuses[] = {"open", "closed"};
    Welfare__Case__V1__CaseSummary *m = wh_ctx_alloc(ctx, sizeof *m);
    if (!m)
        return NULL;
    welfare__case__v1__case_summary__init(m);
    m->case_id = wh_db_i64(r, row, 0, 0);
    m->household_id = wh_db_i64(r, row, 1, 0);
    m->dong_code = wh_ctx_db_text(ctx, r, row, 2);
    m->hub_dong_code = wh_ctx_db_text(ctx, r, row, 3);
    m->status = (Welfare__Case__V1__CaseStatus)status_of(wh_db_text(r, row, 4), statuses, 2);
    m->risk_score = (int32_t)wh_db_i64(r, row, 5, 0);
    m->staff_id = wh_db_i64(r, row, 6, 0);
    m->opened_on = wh_ctx_db_text(ctx, r, row, 7);
    m->assigned_on = wh_ctx_db_text(ctx, r, row, 8);
    m->closed_on = wh_ctx_db_text(ctx, r, row, 9);
    m->close_reason = (Welfare__Case__V1__CloseReason)wh_db_i64(r, row, 10, 0);
    m->last_visit_on = wh_ctx_db_text(ctx, r, row, 11);
    m->previous_case_id = wh_db_i64(r, row, 12, 0);
    return m->dong_code && m->hub_dong_code && m->opened_on && m->assigned_on && m->closed_on &&
                   m->last_visit_on
               ? m
               : NULL;
}

static Welfare__Case__V1__Need *need(wh_ctx *ctx, int64_t domain, int64_t severity)
{
    Welfare__Case__V1__Need *n = wh_ctx_alloc(ctx, sizeof *n);
    if (!n)
        return NULL;
    welfare__case__v1__need__init(n);
    n->domain = (Welfare__Common__V1__NeedDomain)domain;
    n->severity = (Welfare__Common__V1__Severity)severity;
    return n;
}

/* Rows are (assessment, need) ordered by assessment: one message per assessment. */
static int read_assessments(wh_ctx *ctx, int64_t case_id, Welfare__Case__V1__GetCaseReply *out)
{
    PGresult *r = by_case(ctx, "case_read_assessments", case_id);
    if (!r)
        return wh_db_last_status(wh_ctx_db(ctx));
    int rows = PQntuples(r), rc = 0;
    Welfare__Case__V1__Assessment **v = wh_ctx_alloc(ctx, sizeof *v * (size_t)(rows ? rows : 1));
    size_t n = 0;
    for (int i = 0; v && rc == 0 && i < rows; i++) {
        int64_t id = wh_db_i64(r, i, 0, 0);
        if (n == 0 || v[n - 1]->assessment_id != id) {
            Welfare__Case__V1__Assessment *a = wh_ctx_alloc(ctx, sizeof *a);
            Welfare__Case__V1__Need **needs = wh_ctx_alloc(ctx, sizeof *needs * CASE_MAX_NEEDS);
            if (!a || !needs) {
                rc = WH_INTERNAL;
                break;
            }
            welfare__case__v1__assessment__init(a);
            a->assessment_id = id;
            a->assessed_on = wh_ctx_db_text(ctx, r, i, 1);
            a->needs = needs;
            v[n++] = a;
        }
        Welfare__Case__V1__Assessment *a = v[n - 1];
        if (a->n_needs < CASE_MAX_NEEDS &&
            !(a->needs[a->n_needs++] = need(ctx, wh_db_i64(r, i, 2, 0), wh_db_i64(r, i, 3, 0))))
            rc = WH_INTERNAL;
    }
    PQclear(r);
    if (!v || rc < 0)
        return WH_INTERNAL;
    out->assessments = v;
    out->n_assessments = n;
    return 0;
}

static void linkage_init(void *m)
{
    welfare__case__v1__linkage__init(m);
}

static int read_linkages(wh_ctx *ctx, int64_t case_id, Welfare__Case__V1__GetCaseReply *out)
{
    static const char *const statuses[] = {"requested", "completed", "failed"};
    PGresult *r = by_case(ctx, "case_read_linkages", case_id);
    if (!r)
        return wh_db_last_status(wh_ctx_db(ctx));
    size_t n = (size_t)PQntuples(r);
    Welfare__Case__V1__Linkage **v = (void *)messages(ctx, n, sizeof **v, linkage_init);
    for (size_t i = 0; v && i < n; i++) {
        int row = (int)i;
        v[i]->linkage_id = wh_db_i64(r, row, 0, 0);
        v[i]->need = need(ctx, wh_db_i64(r, row, 1, 0), wh_db_i64(r, row, 2, 0));
        v[i]->status = (Welfare__Case__V1__LinkageStatus)status_of(wh_db_text(r, row, 3), statuses, 3);
        v[i]->requested_on = wh_ctx_db_text(ctx, r, row, 4);
        v[i]->resource_id = wh_db_i64(r, row, 5, 0);
        v[i]->reservation_id = wh_db_i64(r, row, 6, 0);
        v[i]->completed_on = wh_ctx_db_text(ctx, r, row, 7);
        v[i]->failure_reason = wh_ctx_db_text(ctx, r, row, 8);
        if (!v[i]->need || !v[i]->requested_on || !v[i]->completed_on || !v[i]->failure_reason)
            v = NULL;
    }
    PQclear(r);
    if (!v)
        return WH_INTERNAL;
    out->linkages = v;
    out->n_linkages = n;
    return 0;
}

/* "{1,2}" → roles (ctx memory). */
static int parse_roles(wh_ctx *ctx, const char *s, Welfare__Common__V1__StaffRole **out, size_t *n)
{
    Welfare__Common__V1__StaffRole *v = wh_ctx_alloc(ctx, sizeof *v * CASE_MAX_ROLES);
    if (!v)
        return WH_INTERNAL;
    *n = 0;
    for (const char *c = s ? s : ""; *c && *n < CASE_MAX_ROLES;) {
        char *end;
        long role = strtol(c, &end, 10);
        if (end == c) {
            c++;
            continue;
        }
        v[(*n)++] = (Welfare__Common__V1__StaffRole)role;
        c = end;
    }
    *out = v;
    return 0;
}

static void visit_init(void *m)
{
    welfare__case__v1__visit_record__init(m);
}

static int read_visits(wh_ctx *ctx, int64_t case_id, Welfare__Case__V1__GetCaseReply *out)
{
    static const char *const statuses[] = {"requested", "completed"};
    PGresult *r = by_case(ctx, "case_read_visits", case_id);
    if (!r)
        return wh_db_last_status(wh_ctx_db(ctx));
    size_t n = (size_t)PQntuples(r);
    Welfare__Case__V1__VisitRecord **v = (void *)messages(ctx, n, sizeof **v, visit_init);
    for (size_t i = 0; v && i < n; i++) {
        int row = (int)i;
        v[i]->visit_request_id = wh_db_i64(r, row, 0, 0);
        v[i]->purpose = (Welfare__Case__V1__VisitPurpose)wh_db_i64(r, row, 1, 0);
        v[i]->priority = (int32_t)wh_db_i64(r, row, 3, 0);
        v[i]->earliest_on = wh_ctx_db_text(ctx, r, row, 4);
        v[i]->latest_on = wh_ctx_db_text(ctx, r, row, 5);
        v[i]->status = (Welfare__Case__V1__VisitStatus)status_of(wh_db_text(r, row, 6), statuses, 2);
        v[i]->visited_on = wh_ctx_db_text(ctx, r, row, 7);
        v[i]->misses = (int32_t)wh_db_i64(r, row, 8, 0);
        if (parse_roles(ctx, wh_db_text(r, row, 2), &v[i]->roles, &v[i]->n_roles) < 0 || !v[i]->earliest_on ||
            !v[i]->latest_on || !v[i]->visited_on)
            v = NULL;
    }
    PQclear(r);
    if (!v)
        return WH_INTERNAL;
    out->visits = v;
    out->n_visits = n;
    return 0;
}

static void follow_up_init(void *m)
{
    welfare__case__v1__follow_up__init(m);
}

/* The note in clear for the reader, audited as a disclosure ("follow_up:7"); a note that does not open
 * is shown empty and logged. */
char *case_note_for_reader(wh_ctx *ctx, const char *sealed, const char *kind, int64_t id)
{
    char *plain = NULL;
    if (!sealed || !*sealed)
        return wh_ctx_strdup(ctx, "");
    wh_ctx_audit_disclosure(ctx, "%s:%lld", kind, (long long)id);
    if (case_open_note(sealed, &plain) < 0) {
        wh_log_error("could not open a note", "{s:I}", "id", (json_int_t)id);
        return wh_ctx_strdup(ctx, "");
    }
    char *copy = wh_ctx_strdup(ctx, plain);
    explicit_bzero(plain, strlen(plain));
    free(plain);
    return copy;
}

static int read_follow_ups(wh_ctx *ctx, int64_t case_id, Welfare__Case__V1__GetCaseReply *out)
{
    PGresult *r = by_case(ctx, "case_read_follow_ups", case_id);
    if (!r)
        return wh_db_last_status(wh_ctx_db(ctx));
    size_t n = (size_t)PQntuples(r);
    Welfare__Case__V1__FollowUp **v = (void *)messages(ctx, n, sizeof **v, follow_up_init);
    for (size_t i = 0; v && i < n; i++) {
        int row = (int)i;
        v[i]->follow_up_id = wh_db_i64(r, row, 0, 0);
        v[i]->kind = (Welfare__Case__V1__FollowUpKind)wh_db_i64(r, row, 1, 0);
        v[i]->recorded_on = wh_ctx_db_text(ctx, r, row, 2);
        v[i]->note = case_note_for_reader(ctx, wh_db_text(r, row, 3), "follow_up", v[i]->follow_up_id);
        v[i]->visit_request_id = wh_db_i64(r, row, 4, 0);
        if (!v[i]->recorded_on || !v[i]->note)
            v = NULL;
    }
    PQclear(r);
    if (!v)
        return WH_INTERNAL;
    out->follow_ups = v;
    out->n_follow_ups = n;
    return 0;
}

static void assignment_init(void *m)
{
    welfare__case__v1__assignment__init(m);
}

static int read_assignments(wh_ctx *ctx, int64_t case_id, Welfare__Case__V1__GetCaseReply *out)
{
    PGresult *r = by_case(ctx, "case_read_assignments", case_id);
    if (!r)
        return wh_db_last_status(wh_ctx_db(ctx));
    size_t n = (size_t)PQntuples(r);
    Welfare__Case__V1__Assignment **v = (void *)messages(ctx, n, sizeof **v, assignment_init);
    for (size_t i = 0; v && i < n; i++) {
        v[i]->staff_id = wh_db_i64(r, (int)i, 0, 0);
        v[i]->assigned_on = wh_ctx_db_text(ctx, r, (int)i, 1);
        v[i]->ended_on = wh_ctx_db_text(ctx, r, (int)i, 2);
        if (!v[i]->assigned_on || !v[i]->ended_on)
            v = NULL;
    }
    PQclear(r);
    if (!v)
        return WH_INTERNAL;
    out->assignments = v;
    out->n_assignments = n;
    return 0;
}

int case_store_read_case(wh_ctx *ctx, int64_t case_id, Welfare__Case__V1__GetCaseReply *out)
{
    PGresult *r = by_case(ctx, "case_read_summary", case_id);
    if (!r)
        return wh_db_last_status(wh_ctx_db(ctx));
    if (PQntuples(r) == 0) {
        PQclear(r);
        return WH_NOT_FOUND;
    }
    out->summary = summary_from_row(ctx, r, 0);
    PQclear(r);
    if (!out->summary)
        return WH_INTERNAL;
    int (*const parts[])(wh_ctx *, int64_t, Welfare__Case__V1__GetCaseReply *) = {
        read_assessments, read_linkages,    read_visits,
        read_follow_ups,  read_assignments, case_store_read_plan};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof parts / sizeof parts[0]; i++)
        rc = parts[i](ctx, case_id, out);
    return rc;
}

int case_store_list_cases(wh_ctx *ctx, const Welfare__Case__V1__ListCases *q,
                          Welfare__Case__V1__ListCasesReply *out)
{
    static const char *const statuses[] = {"", "open", "closed"};
    wh_params p;
    wh_db *db = wh_ctx_db(ctx);
    int limit = q->limit > 0 ? q->limit : 100;
    wh_params_reset(&p);
    wh_params_text(&p, q->dong_code ? q->dong_code : "");
    wh_params_text(&p, q->hub_dong_code ? q->hub_dong_code : "");
    wh_params_text(&p, statuses[q->status >= 0 && q->status <= 2 ? q->status : 0]);
    wh_params_i64(&p, q->staff_id);
    wh_params_bool(&p, q->unassigned_only);
    wh_params_i64(&p, q->after_id);
    wh_params_i64(&p, limit + 1); /* one more says whether another page follows */
    PGresult *r = wh_db_query(db, "case_list", &p);
    if (!r)
        return wh_db_last_status(db);
    bool more = PQntuples(r) > limit;
    size_t n = more ? (size_t)limit : (size_t)PQntuples(r);
    Welfare__Case__V1__CaseSummary **v = wh_ctx_alloc(ctx, sizeof *v * (n ? n : 1));
    int rc = v ? 0 : WH_INTERNAL;
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (!(v[i] = summary_from_row(ctx, r, (int)i)))
            rc = WH_INTERNAL;
    PQclear(r);
    if (rc < 0)
        return rc;
    out->cases = v;
    out->n_cases = n;
    out->next_after_id = more ? v[n - 1]->case_id : 0;
    return 0;
}

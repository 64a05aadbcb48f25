/*
 * table.c — QueryKpiTable's work: the reports behind the comparison table, read with the same code
 * as QueryKpi (reporting_build_report), and the dong split by go-live (the dong_live history).
 *
 *   BEFORE_AFTER  rows 시행 전 / 시행 후 / 증감 for the dongs (the before period defaults to the same
 *                 months one year earlier)
 *   TREATED       one period; dongs live on its first day vs the rest: 시행동 / 미시행동 / 차이
 *   BOTH          both groups before and after, and the difference-in-differences
 */
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "wh/status.h"

static int fail(const char **field, const char **why, const char *f, const char *w)
{
    *field = f;
    *why = w;
    return WH_INVALID_ARGUMENT;
}

/* The total of one dong set over one period. */
static int total_of(wh_db *db, const reporting_dong_set *set, const char *from, const char *to,
                    reporting_values *v, const char **field, const char **why)
{
    char *codes[REPORTING_SELECT_MAX];
    for (size_t i = 0; i < set->n; i++)
        codes[i] = (char *)set->codes[i];
    reporting_selection s = {codes, set->n, from, to};
    reporting_report r;
    int rc = reporting_build_report(db, &s, &r, field, why);
    if (rc != 0)
        return rc;
    *v = r.total;
    reporting_report_free(&r);
    return 0;
}

static int periods(const reporting_table_request *q, reporting_table *t, const char **field, const char **why)
{
    bool has_from = q->before_from_on && *q->before_from_on, has_to = q->before_to_on && *q->before_to_on;
    reporting_selection after = {NULL, 0, q->from_on, q->to_on};
    int rc = reporting_selection_check(&after, field, why);
    if (rc != 0)
        return rc;
    snprintf(t->from_on, sizeof t->from_on, "%s", q->from_on);
    snprintf(t->to_on, sizeof t->to_on, "%s", q->to_on);
    if (q->cmp == REPORTING_CMP_TREATED)
        return 0;
    if (has_from != has_to)
        return fail(field, why, has_from ? "before_to_on" : "before_from_on",
                    "give both ends of the before period, or neither");
    if (!has_from) {
        if (reporting_date_years_back(q->from_on, 1, t->before_from_on) != 0 ||
            reporting_date_years_back(q->to_on, 1, t->before_to_on) != 0)
            return fail(field, why, "from_on", "no period one year earlier");
    } else {
        reporting_selection before = {NULL, 0, q->before_from_on, q->before_to_on};
        if ((rc = reporting_selection_check(&before, field, why)) != 0)
            return *field = strcmp(*field, "from_on") == 0 ? "before_from_on" : "before_to_on", rc;
        snprintf(t->before_from_on, sizeof t->before_from_on, "%s", q->before_from_on);
        snprintf(t->before_to_on, sizeof t->before_to_on, "%s", q->before_to_on);
    }
    if (strcmp(t->before_to_on, t->from_on) >= 0)
        return fail(field, why, "before_to_on", "the before period must end before the after period starts");
    reporting_table_check_periods(t);
    return 0;
}

/* Before/after warnings: a dong not live for the whole after period, or live already before. */
static void check_live(reporting_table *t, const reporting_dong_live *d, size_t n)
{
    size_t late = 0, early = 0;
    for (size_t i = 0; i < n; i++) {
        if (!d[i].first_live[0] || strcmp(d[i].first_live, t->from_on) > 0)
            late++;
        else if (strcmp(d[i].first_live, t->before_to_on) <= 0)
            early++;
    }
    if (late)
        reporting_table_warn(t,
                             "시행 후 기간 첫날에 시행되지 않은 동 %zu곳 / %zu dongs not live on the after "
                             "period's first day",
                             late, late);
    if (early)
        reporting_table_warn(t,
                             "시행 전 기간에 이미 시행된 동 %zu곳 / %zu dongs already live during the before "
                             "period",
                             early, early);
}

static void group_live(const reporting_dong_live *d, size_t n, const reporting_dong_set *set,
                       reporting_dong_live *out, size_t *m)
{
    *m = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < set->n; j++)
            if (strcmp(d[i].dong_code, set->codes[j]) == 0)
                out[(*m)++] = d[i];
}

static int fill_rows(wh_db *db, reporting_table *t, const char **field, const char **why)
{
    reporting_values tb, ta, ub, ua;
    int rc = total_of(db, &t->treated, t->from_on, t->to_on, &ta, field, why);
    if (rc == 0 && t->cmp != REPORTING_CMP_TREATED)
        rc = total_of(db, &t->treated, t->before_from_on, t->before_to_on, &tb, field, why);
    if (rc == 0 && t->cmp != REPORTING_CMP_BEFORE_AFTER)
        rc = total_of(db, &t->untreated, t->from_on, t->to_on, &ua, field, why);
    if (rc == 0 && t->cmp == REPORTING_CMP_BOTH)
        rc = total_of(db, &t->untreated, t->before_from_on, t->before_to_on, &ub, field, why);
    if (rc != 0)
        return rc;
    switch (t->cmp) {
    case REPORTING_CMP_BEFORE_AFTER:
        reporting_table_add_values(t, "시행 전", "Before", &tb);
        reporting_table_add_values(t, "시행 후", "After", &ta);
        reporting_table_add_difference(t, "증감", "Increase", &tb, &ta);
        break;
    case REPORTING_CMP_TREATED:
        reporting_table_add_values(t, "시행동", "Dongs where implemented", &ta);
        reporting_table_add_values(t, "미시행동", "Dongs where not implemented", &ua);
        reporting_table_add_difference(t, "차이", "Difference", &ua, &ta);
        break;
    case REPORTING_CMP_BOTH:
        reporting_table_add_values(t, "시행동 시행 전", "Treated, before", &tb);
        reporting_table_add_values(t, "시행동 시행 후", "Treated, after", &ta);
        reporting_table_add_difference(t, "시행동 증감", "Treated, increase", &tb, &ta);
        reporting_table_add_values(t, "미시행동 시행 전", "Untreated, before", &ub);
        reporting_table_add_values(t, "미시행동 시행 후", "Untreated, after", &ua);
        reporting_table_add_difference(t, "미시행동 증감", "Untreated, increase", &ub, &ua);
        reporting_table_add_did(t, &tb, &ta, &ub, &ua);
        break;
    }
    return 0;
}

int reporting_build_table(wh_db *db, const reporting_table_request *q, reporting_table *t, const char **field,
                          const char **why)
{
    memset(t, 0, sizeof *t);
    t->cmp = q->cmp;
    if (q->cmp != REPORTING_CMP_BEFORE_AFTER && q->cmp != REPORTING_CMP_TREATED &&
        q->cmp != REPORTING_CMP_BOTH)
        return fail(field, why, "comparison", "comparison must be BEFORE_AFTER, TREATED_UNTREATED or BOTH");
    reporting_selection s = {q->dong_codes, q->n_dongs, q->from_on, q->to_on};
    int rc = reporting_selection_check(&s, field, why);
    if (rc == 0)
        rc = periods(q, t, field, why);
    if (rc != 0)
        return rc;
    reporting_dong_live *d = NULL;
    size_t n = 0;
    if ((rc = reporting_store_dong_live(db, &s, t->to_on, &d, &n)) != 0)
        return rc;
    if (q->n_dongs > n) {
        free(d);
        return fail(field, why, "dong_codes", "unknown dong code (not defined by routing)");
    }
    reporting_dong_live *g = malloc((n ? n : 1) * sizeof *g);
    size_t m = 0;
    if (!g) {
        free(d);
        return WH_INTERNAL;
    }
    if (q->cmp == REPORTING_CMP_BEFORE_AFTER) {
        for (size_t i = 0; i < n; i++)
            snprintf(t->treated.codes[t->treated.n++], REPORTING_DONG_MAX, "%s", d[i].dong_code);
        check_live(t, d, n);
        reporting_table_check_models(t, "동 묶음", d, n);
    } else {
        reporting_table_split(t, d, n);
        group_live(d, n, &t->treated, g, &m);
        reporting_table_check_models(t, "시행동", g, m);
    }
    free(g);
    free(d);
    if (t->treated.n == 0 || (q->cmp != REPORTING_CMP_BEFORE_AFTER && t->untreated.n == 0))
        return fail(field, why, "dong_codes",
                    t->treated.n == 0 ? "no dong of the set is live on the period's first day"
                                      : "every dong of the set is live: no untreated dongs to compare with");
    return fill_rows(db, t, field, why);
}

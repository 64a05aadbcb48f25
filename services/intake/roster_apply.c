/*
 * roster_apply.c — enrolment changes applied for a set of persons, and the events they cause.
 *
 * For each person the changes concern: their stored enrolments are read (one statement for all of
 * them), their spells computed before, the changes applied in order in memory (a change of the same
 * programme and start_on as an enrolment updates its end and exit reason; any other creates one), the
 * spells computed after; then the new enrolments are inserted and the changed ones updated (one
 * statement each), and per person PersonEnrolled for every enrolment created or changed and
 * TargetsChanged with the steps between the two unions, when there are any.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roster.h"

/* An enrolment of the person being worked on: where it lives in the write lists. */
typedef struct entry {
    intake_enrolment e;
    int kind;   /* 0 stored, 1 stored and changed, 2 new */
    size_t out; /* index in inserts (kind 2) or updates (kind 1) */
} entry;

typedef struct ref {
    int kind; /* 1 update, 2 insert */
    size_t at;
} ref;

typedef struct person_out {
    int64_t household_id;
    const char *dong_code;
    size_t first_ref, n_refs;
    intake_step *steps;
    size_t n_steps;
} person_out;

typedef struct work {
    intake_enrolment *stored, *inserts, *updates;
    size_t n_stored, n_inserts, n_updates;
    ref *refs;
    size_t n_refs;
    person_out *persons;
    size_t n_persons;
    size_t *order; /* changes by person, then position */
    const intake_enrol_change *changes;
} work;

static const intake_enrol_change *sort_base;

static int cmp_order(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int64_t px = sort_base[x].person_id, py = sort_base[y].person_id;
    if (px != py)
        return px < py ? -1 : 1;
    return (x > y) - (x < y);
}

static size_t spans_of(const entry *l, size_t n, intake_span *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (intake_span){l[i].e.start, l[i].e.end};
    return intake_spans_union(out, n);
}

static entry *find(entry *l, size_t n, const char *programme, int32_t start)
{
    for (size_t i = 0; i < n; i++)
        if (l[i].e.start == start && strcmp(l[i].e.programme, programme) == 0)
            return &l[i];
    return NULL;
}

/* Applies one change to the person's list; the change points at its entry by index. */
static void apply_one(entry *l, size_t *n, intake_enrol_change *c, size_t *idx)
{
    entry *x = find(l, *n, c->programme, c->start);
    if (!x) {
        x = &l[(*n)++];
        memset(x, 0, sizeof *x);
        x->kind = 2;
        x->e.person_id = c->person_id;
        snprintf(x->e.programme, sizeof x->e.programme, "%s", c->programme);
        x->e.start = c->start;
        x->e.source = c->source;
        snprintf(x->e.decided_from, sizeof x->e.decided_from, "%s", c->decided_from ? c->decided_from : "");
        x->e.end = c->end;
        x->e.exit_reason = c->exit_reason;
        c->is_new = c->changed = true;
    } else if (x->e.end != c->end || x->e.exit_reason != c->exit_reason) {
        x->e.end = c->end;
        x->e.exit_reason = c->exit_reason;
        if (x->kind == 0)
            x->kind = 1;
        c->changed = true;
        c->is_new = x->kind == 2;
    }
    *idx = (size_t)(x - l);
}

/* Moves the person's changed and new entries to the write lists and records their refs. */
static int collect(work *w, entry *l, size_t n, person_out *po)
{
    po->first_ref = w->n_refs;
    for (size_t i = 0; i < n; i++) {
        if (l[i].kind == 0)
            continue;
        if (l[i].kind == 2) {
            l[i].out = w->n_inserts;
            w->inserts[w->n_inserts++] = l[i].e;
        } else {
            l[i].out = w->n_updates;
            w->updates[w->n_updates++] = l[i].e;
        }
        w->refs[w->n_refs++] = (ref){l[i].kind, l[i].out};
    }
    po->n_refs = w->n_refs - po->first_ref;
    return 0;
}

/* One person's changes (order[from..to)): the list, the unions, the steps. */
static int work_person(work *w, intake_enrol_change *changes, size_t from, size_t to, size_t *stored_at,
                       intake_roster_result *res)
{
    int64_t pid = changes[w->order[from]].person_id;
    while (*stored_at < w->n_stored && w->stored[*stored_at].person_id < pid)
        (*stored_at)++;
    size_t s0 = *stored_at;
    while (*stored_at < w->n_stored && w->stored[*stored_at].person_id == pid)
        (*stored_at)++;
    size_t n_stored = *stored_at - s0, cap = n_stored + (to - from), n = n_stored;
    entry *l = calloc(cap ? cap : 1, sizeof *l);
    size_t *idx = calloc(to - from, sizeof *idx);
    intake_span *before = calloc(cap ? cap : 1, sizeof *before),
                *after = calloc(cap ? cap : 1, sizeof *after);
    person_out *po = &w->persons[w->n_persons++];
    int rc = l && idx && before && after ? 0 : WH_INTERNAL;
    size_t nb = 0, na = 0;
    if (rc == 0) {
        for (size_t i = 0; i < n_stored; i++)
            l[i].e = w->stored[s0 + i];
        nb = spans_of(l, n, before);
        for (size_t k = from; k < to; k++)
            apply_one(l, &n, &changes[w->order[k]], &idx[k - from]);
        na = spans_of(l, n, after);
        po->household_id = changes[w->order[from]].household_id;
        po->dong_code = changes[w->order[from]].dong_code;
        po->steps = malloc(2 * (nb + na + 1) * sizeof *po->steps);
        rc = po->steps ? collect(w, l, n, po) : WH_INTERNAL;
    }
    if (rc == 0) {
        po->n_steps = intake_spans_steps(before, nb, after, na, po->steps);
        res->targets_changed += po->n_steps > 0;
        /* each change learns where its enrolment went: an index into inserts or updates, or the stored id */
        for (size_t k = from; k < to; k++) {
            const entry *x = &l[idx[k - from]];
            intake_enrol_change *c = &changes[w->order[k]];
            c->enrolment_id = x->kind == 2 ? -(int64_t)x->out - 1 : x->e.id;
        }
    }
    free(l);
    free(idx);
    free(before);
    free(after);
    return rc;
}

static int emit_person(wh_ctx *ctx, const work *w, const person_out *po)
{
    for (size_t i = 0; i < po->n_refs; i++) {
        const ref *r = &w->refs[po->first_ref + i];
        const intake_enrolment *e = r->kind == 2 ? &w->inserts[r->at] : &w->updates[r->at];
        char start[INTAKE_DATE_LEN + 1], end[INTAKE_DATE_LEN + 1] = "";
        Welfare__Intake__V1__PersonEnrolled ev;
        welfare__intake__v1__person_enrolled__init(&ev);
        intake_day_format(e->start, start);
        if (e->end != INTAKE_DAY_OPEN)
            intake_day_format(e->end, end);
        ev.enrolment_id = e->id;
        ev.household_id = po->household_id;
        ev.dong_code = (char *)po->dong_code;
        ev.programme = (char *)e->programme;
        ev.start_on = start;
        ev.end_on = end;
        ev.source = (Welfare__Intake__V1__EnrolmentSource)e->source;
        ev.exit_reason = (Welfare__Intake__V1__ExitReason)e->exit_reason;
        ev.is_new = r->kind == 2;
        int rc = wh_ctx_emit(ctx, &ev.base);
        if (rc < 0)
            return rc;
    }
    return po->n_steps
               ? intake_emit_targets_changed(ctx, po->household_id, po->dong_code, po->steps, po->n_steps)
               : 0;
}

int intake_emit_targets_changed(wh_ctx *ctx, int64_t household_id, const char *dong_code,
                                const intake_step *steps, size_t n)
{
    Welfare__Intake__V1__TargetsChanged ev;
    Welfare__Intake__V1__TargetStep *s = calloc(n, sizeof *s);
    Welfare__Intake__V1__TargetStep **ps = calloc(n, sizeof *ps);
    char(*days)[INTAKE_DATE_LEN + 1] = calloc(n, sizeof *days);
    int rc = s && ps && days ? 0 : WH_INTERNAL;
    welfare__intake__v1__targets_changed__init(&ev);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        welfare__intake__v1__target_step__init(&s[i]);
        intake_day_format(steps[i].day, days[i]);
        s[i].on = days[i];
        s[i].delta = steps[i].delta;
        ps[i] = &s[i];
    }
    ev.household_id = household_id;
    ev.dong_code = (char *)dong_code;
    ev.n_steps = n;
    ev.steps = ps;
    if (rc == 0)
        rc = wh_ctx_emit(ctx, &ev.base);
    free(s);
    free(ps);
    free(days);
    return rc;
}

static void work_free(work *w)
{
    for (size_t i = 0; i < w->n_persons; i++)
        free(w->persons[i].steps);
    free(w->stored);
    free(w->inserts);
    free(w->updates);
    free(w->refs);
    free(w->persons);
    free(w->order);
}

static int read_stored(wh_db *db, work *w, const intake_enrol_change *changes, size_t n)
{
    int64_t *ids = malloc(n * sizeof *ids);
    size_t k = 0;
    if (!ids)
        return WH_INTERNAL;
    for (size_t i = 0; i < n; i++) {
        int64_t pid = changes[w->order[i]].person_id;
        if (k == 0 || ids[k - 1] != pid)
            ids[k++] = pid;
    }
    int rc = intake_store_enrolments_of(db, ids, k, &w->stored, &w->n_stored);
    free(ids);
    return rc;
}

int intake_roster_apply(wh_ctx *ctx, intake_enrol_change *changes, size_t n, intake_roster_result *out)
{
    work w = {.changes = changes};
    memset(out, 0, sizeof *out);
    if (n == 0)
        return 0;
    w.order = malloc(n * sizeof *w.order);
    w.inserts = malloc(n * sizeof *w.inserts);
    w.updates = malloc(n * sizeof *w.updates);
    w.refs = malloc(n * sizeof *w.refs);
    w.persons = calloc(n, sizeof *w.persons);
    int rc = w.order && w.inserts && w.updates && w.refs && w.persons ? 0 : WH_INTERNAL;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        w.order[i] = i;
        changes[i].is_new = changes[i].changed = false;
    }
    if (rc == 0) {
        sort_base = changes;
        qsort(w.order, n, sizeof *w.order, cmp_order);
        rc = read_stored(wh_ctx_db(ctx), &w, changes, n);
    }
    size_t stored_at = 0;
    for (size_t from = 0; rc == 0 && from < n;) {
        size_t to = from + 1;
        while (to < n && changes[w.order[to]].person_id == changes[w.order[from]].person_id)
            to++;
        rc = work_person(&w, changes, from, to, &stored_at, out);
        from = to;
    }
    if (rc == 0)
        rc = intake_store_write_enrolments(wh_ctx_db(ctx), w.inserts, w.n_inserts, w.updates, w.n_updates);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (changes[i].enrolment_id < 0)
            changes[i].enrolment_id = w.inserts[-(changes[i].enrolment_id + 1)].id;
    for (size_t i = 0; rc == 0 && i < w.n_persons; i++)
        rc = emit_person(ctx, &w, &w.persons[i]);
    if (rc < 0)
        rc = wh_ctx_fail(ctx, rc, NULL, "could not record the enrolments");
    out->enrolments_added = (int)w.n_inserts;
    out->enrolments_changed = (int)w.n_updates;
    if (rc == 0)
        intake_metrics_roster(out->enrolments_added, out->enrolments_changed, out->targets_changed);
    work_free(&w);
    return rc;
}

/* One person's spells from their enrolments e[n] (sorted by person), as steps out of or into a dong. */
static int move_person(wh_ctx *ctx, const intake_enrolment *e, size_t n, const intake_roster_moving *m)
{
    intake_span *s = malloc(n * sizeof *s);
    intake_step *st = malloc(2 * n * sizeof *st);
    int rc = s && st ? 0 : WH_INTERNAL;
    for (size_t i = 0; rc == 0 && i < n; i++)
        s[i] = (intake_span){e[i].start, e[i].end};
    size_t k = rc == 0 ? intake_spans_union(s, n) : 0, ns = 0;
    if (rc == 0 && (ns = intake_spans_steps(s, k, NULL, 0, st)) > 0)
        rc = intake_emit_targets_changed(ctx, m->from_household, m->from_dong, st, ns);
    if (rc == 0 && (ns = intake_spans_steps(NULL, 0, s, k, st)) > 0)
        rc = intake_emit_targets_changed(ctx, m->to_household, m->to_dong, st, ns);
    free(s);
    free(st);
    return rc;
}

int intake_roster_move(wh_ctx *ctx, const intake_roster_moving *m)
{
    if (m->n_persons == 0 || strcmp(m->from_dong, m->to_dong) == 0)
        return 0; /* the stock of a dong moves only when the dong does */
    intake_enrolment *e = NULL;
    size_t n = 0;
    int rc = intake_store_enrolments_of(wh_ctx_db(ctx), m->person_ids, m->n_persons, &e, &n);
    for (size_t i = 0; rc == 0 && i < n;) {
        size_t j = i + 1;
        while (j < n && e[j].person_id == e[i].person_id)
            j++;
        rc = move_person(ctx, e + i, j - i, m);
        i = j;
    }
    free(e);
    return rc < 0 ? wh_ctx_fail(ctx, rc, NULL, "could not move the persons' targets") : 0;
}

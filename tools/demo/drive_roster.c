/*
 * drive_roster.c — the demo district's roster: every member of a household known to a programme is
 * on a national list (ImportEnrolmentBlock, blocks of 2,000 rows), in the programme its kind of
 * household draws (the table below), from a month of 2024 (or birth); one household in ten left its
 * programme at the end of July 2026, inside the demo period, so the KPI shows the stock of targets
 * and a change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drive.h"
#include "welfare/intake/v1/roster.pb-c.h"
#include "wh/status.h"

#define ROSTER_BLOCK 2000

/* The programme of each demo_household_kinds row, in its order. */
static const char *const kind_programme[] = {
    "basic_pension",      /* older person living alone */
    "basic_pension",      /* older couple */
    "nbls_living",        /* middle-aged person living alone */
    "single_parent",      /* single-parent family */
    "disability_pension", /* family with a disabled member */
    "secondary_poor",     /* young adult living alone */
    "nbls_living",        /* grandparents raising grandchildren */
};

typedef struct roster_row {
    Welfare__Intake__V1__ImportEnrolmentRow row;
    Welfare__Intake__V1__EnrolmentRow e;
    Welfare__Intake__V1__ReferredPerson p;
    Welfare__Intake__V1__ReferredHousehold h;
    char start[11];
} roster_row;

static void fill(roster_row *r, const demo_household *h, size_t hi, int pi, long line)
{
    const demo_person *p = &h->persons[pi];
    welfare__intake__v1__import_enrolment_row__init(&r->row);
    welfare__intake__v1__enrolment_row__init(&r->e);
    welfare__intake__v1__referred_person__init(&r->p);
    welfare__intake__v1__referred_household__init(&r->h);
    r->p.rrn = (char *)p->rrn;
    r->p.name = (char *)p->name;
    r->p.birth_date = (char *)p->birth_date;
    r->h.address = (char *)h->address;
    r->h.dong_code = (char *)demo_dongs[h->dong].code;
    snprintf(r->start, sizeof r->start, "2024-%02zu-01", 1 + hi % 12);
    if (strcmp(p->birth_date, r->start) > 0) /* born since: enrolled from birth */
        snprintf(r->start, sizeof r->start, "%s", p->birth_date);
    size_t kinds = sizeof kind_programme / sizeof kind_programme[0];
    r->e.person = &r->p;
    r->e.household = &r->h;
    r->e.programme =
        (char *)(h->kind >= 0 && (size_t)h->kind < kinds ? kind_programme[h->kind] : "nbls_living");
    r->e.start_on = r->start;
    if (hi % 10 == 0) {
        r->e.end_on = "2026-07-31";
        r->e.exit_reason = WELFARE__INTAKE__V1__EXIT_REASON__EXIT_REASON_NO_LONGER_ELIGIBLE;
    }
    r->row.line = line;
    r->row.enrolment = &r->e;
}

static int send_block(demo_run *run, roster_row *rows, size_t n, uint64_t block_no, int *targets)
{
    Welfare__Intake__V1__ImportEnrolmentRow **ptrs = malloc(n * sizeof *ptrs);
    if (!ptrs)
        return WH_INTERNAL;
    for (size_t i = 0; i < n; i++)
        ptrs[i] = &rows[i].row;
    Welfare__Intake__V1__ImportEnrolmentBlock b = WELFARE__INTAKE__V1__IMPORT_ENROLMENT_BLOCK__INIT;
    Welfare__Intake__V1__ImportEnrolmentBlockReply *r = NULL;
    b.import_id = "demo-national-list";
    b.block_no = (int64_t)block_no;
    b.rows = ptrs;
    b.n_rows = n;
    int rc =
        demo_call(run, run->intake, "roster", block_no, &b.base,
                  &welfare__intake__v1__import_enrolment_block_reply__descriptor, (ProtobufCMessage **)&r);
    free(ptrs);
    if (r) {
        *targets += r->targets_changed;
        for (size_t i = 0; i < r->n_errors; i++) {
            run->errors++;
            fprintf(stderr, "\ndemo: roster row %lld: %s: %s\n", (long long)r->errors[i]->line,
                    r->errors[i]->field, r->errors[i]->message);
        }
        protobuf_c_message_free_unpacked(&r->base, NULL);
    }
    return rc == WH_UNAVAILABLE ? rc : 0;
}

int demo_enrol_roster(demo_run *run)
{
    const demo_district *d = run->d;
    roster_row *rows = calloc(ROSTER_BLOCK, sizeof *rows);
    size_t n = 0, total = 0;
    uint64_t block_no = 0;
    int rc = rows ? 0 : WH_INTERNAL, targets = 0;
    for (size_t hi = 0; rc == 0 && hi < d->n_households; hi++) {
        const demo_household *h = &d->households[hi];
        for (int pi = 0; h->known_to_programme && rc == 0 && pi < h->n_persons; pi++) {
            fill(&rows[n++], h, hi, pi, (long)++total);
            if (n == ROSTER_BLOCK) {
                rc = send_block(run, rows, n, block_no++, &targets);
                n = 0;
            }
        }
    }
    if (rc == 0 && n > 0)
        rc = send_block(run, rows, n, block_no, &targets);
    free(rows);
    if (rc == 0)
        demo_say(run, "  roster: %zu enrolments of persons known to a programme, %d targets\n", total,
                 targets);
    return rc;
}

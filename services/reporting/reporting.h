/*
 * reporting.h — the reporting service's private types: KPI facts, the KPI definitions, reports.
 *
 * Reporting turns the other services' events into facts per dong per business day (kpi_daily), plus
 * two small interval tables for the indices that are not sums of days (cases open during a period,
 * staff active during a period) and the dong → hub map.  A KPI query sums the daily facts over the
 * period and counts the intervals that overlap it.  Nothing here is personal data: ids of cases and
 * staff, dong codes, dates and counts.
 *
 * The pure parts (event → fact, selection checks, report assembly, rendering) are separate from the
 * store so unit tests run them without a database.
 */
#ifndef REPORTING_H
#define REPORTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reporting_kpis.h"
#include "welfare/case/v1/events.pb-c.h"
#include "welfare/intake/v1/events.pb-c.h"
#include "welfare/intake/v1/roster.pb-c.h"
#include "welfare/registry/v1/events.pb-c.h"
#include "welfare/registry/v1/ledger.pb-c.h"
#include "welfare/reporting/v1/commands.pb-c.h"
#include "welfare/routing/v1/events.pb-c.h"
#include "wh/db.h"
#include "wh/http.h"
#include "wh/service.h"

/* The service's HTTP server, to add routes from the start hook.  Requested from the bus engineer
 * for wh/service.h (see /tmp/team-notes.md); this identical declaration stays harmless once it is
 * there. */
wh_http *wh_service_http(wh_service *svc);

#define REPORTING_DONG_MAX   24  /* bytes of a dong code, with its NUL */
#define REPORTING_NAME_MAX   96  /* bytes of a dong name, with its NUL */
#define REPORTING_DATE_LEN   11  /* "YYYY-MM-DD" and NUL */
#define REPORTING_SELECT_MAX 200 /* dong codes in one selection */

/* --- daily facts -------------------------------------------------------------------------------- */

/* The columns of kpi_daily, in the order of the upsert's parameters. */
typedef enum reporting_fact_col {
    REPORTING_FACT_TARGETS,      /* net change of the stock of targets that day (TargetsChanged steps) */
    REPORTING_FACT_BLIND_SPOTS,  /* blind-spot households discovered */
    REPORTING_FACT_CASES_OPENED, /* cases opened (the index itself counts intervals) */
    REPORTING_FACT_CASES_CLOSED,
    REPORTING_FACT_VISITS,        /* home visits completed */
    REPORTING_FACT_VISITS_MISSED, /* scheduled visits that did not happen */
    REPORTING_FACT_LINKAGES,      /* service linkages completed */
    REPORTING_FACT_RESOURCES,     /* resources registered ("resource discoveries") */
    REPORTING_FACT_AMOUNT_KRW,    /* their value */
    REPORTING_FACT_COUNT
} reporting_fact_col;

/* Column names of kpi_daily, indexed by reporting_fact_col. */
extern const char *const reporting_fact_columns[REPORTING_FACT_COUNT];

/* What one event adds to one dong's day. */
typedef struct reporting_fact {
    char dong_code[REPORTING_DONG_MAX];
    char day[REPORTING_DATE_LEN];
    int64_t delta[REPORTING_FACT_COUNT];
} reporting_fact;

/* The fact of each event that adds to kpi_daily.  0, or WH_INVALID_ARGUMENT with *field set to the
 * offending field (the event cannot be counted). */
/* A TargetsChanged is one fact per step (f[i] for steps[i]; *n of them, at most cap): the targets
 * column of the step's day moves by its delta. */
int reporting_fact_targets(const Welfare__Intake__V1__TargetsChanged *e, reporting_fact *f, size_t cap,
                           size_t *n, const char **field);
int reporting_fact_blind_spot(const Welfare__Intake__V1__BlindSpotDiscovered *e, reporting_fact *f,
                              const char **field);
int reporting_fact_case_opened(const Welfare__Case__V1__CaseOpened *e, reporting_fact *f, const char **field);
int reporting_fact_case_closed(const Welfare__Case__V1__CaseClosed *e, reporting_fact *f, const char **field);
int reporting_fact_linkage(const Welfare__Case__V1__LinkageCompleted *e, reporting_fact *f,
                           const char **field);
int reporting_fact_visit(const Welfare__Routing__V1__VisitCompleted *e, reporting_fact *f,
                         const char **field);
int reporting_fact_visit_missed(const Welfare__Routing__V1__VisitMissed *e, reporting_fact *f,
                                const char **field);
int reporting_fact_home_visit(const Welfare__Case__V1__HomeVisitRecorded *e, reporting_fact *f,
                              const char **field);
int reporting_fact_service_linkage(const Welfare__Registry__V1__ServiceLinkageChanged *e, reporting_fact *f,
                                   const char **field);
/* True when the fact adds nothing (nothing to store). */
bool reporting_fact_empty(const reporting_fact *f);
int reporting_fact_resource(const Welfare__Registry__V1__ResourceRegistered *e, reporting_fact *f,
                            const char **field);
/* The donation ledger: a pledge is a resource discovery case, a receipt its amount. */
int reporting_fact_donation_pledged(const Welfare__Registry__V1__DonationPledged *e, reporting_fact *f,
                                    const char **field);
int reporting_fact_donation_received(const Welfare__Registry__V1__DonationReceived *e, reporting_fact *f,
                                     const char **field);

/* True for a dong code reporting accepts: 1..23 ASCII letters, digits or '-' (Korean administrative
 * codes are 10 digits; tests and other districts may use others). */
bool reporting_dong_code_valid(const char *s);

/* --- KPI definitions ---------------------------------------------------------------------------- */

/* The values of a report, indexed by reporting_kpi: the KPI list is declared once, as options on
 * welfare.reporting.v1.KpiValues' fields (proto/welfare/reporting/v1/commands.proto), generated into
 * REPORTING_KPI_LIST (reporting_kpis.h). */
#define REPORTING_KPI_ENUM(NAME, ...) REPORTING_KPI_##NAME,
typedef enum reporting_kpi { REPORTING_KPI_LIST(REPORTING_KPI_ENUM) REPORTING_KPI_COUNT } reporting_kpi;
#undef REPORTING_KPI_ENUM

/* How a value is computed for a dong set and a period. */
typedef enum reporting_agg {
    REPORTING_AGG_DAILY_SUM,      /* sum of a kpi_daily column over the days; totals add up */
    REPORTING_AGG_STOCK,          /* sum of a kpi_daily column over every day up to the period's end (a
                                     stock kept as its daily changes); totals add up */
    REPORTING_AGG_CASES_OPEN,     /* cases whose interval overlaps the period; totals add up */
    REPORTING_AGG_STAFF_DISTINCT, /* distinct staff active in the period at the serving hubs; the
                                     total counts each person once, so it is not the sum of rows */
    REPORTING_AGG_STAFF_PRIVATE,  /* the same, privately employed only */
} reporting_agg;

/* One row of the KPI table as the district reports it. */
typedef struct reporting_kpi_def {
    reporting_kpi kpi;
    const char *key;      /* JSON and metric name: "site_visits" */
    const char *label_ko; /* as on the district's table */
    const char *label_en;
    const char *unit;  /* "persons", "households", "cases", "KRW" */
    reporting_agg agg; /* how it aggregates */
    int fact;          /* the kpi_daily column for REPORTING_AGG_DAILY_SUM, else -1 */
    int part_of;       /* the index it is a part of ("of whom privately employed"), else -1 */
} reporting_kpi_def;

extern const reporting_kpi_def reporting_kpi_defs[REPORTING_KPI_COUNT];

/* --- selections and reports --------------------------------------------------------------------- */

typedef struct reporting_values {
    int64_t v[REPORTING_KPI_COUNT];
} reporting_values;

typedef struct reporting_selection {
    char **dong_codes; /* borrowed; n_dongs == 0 means every dong */
    size_t n_dongs;
    const char *from_on;
    const char *to_on;
} reporting_selection;

/* Checks a selection: every code valid and distinct, at most REPORTING_SELECT_MAX of them, both dates
 * valid, from_on <= to_on.  0, or WH_INVALID_ARGUMENT with *field ("to_on") and *why. */
int reporting_selection_check(const reporting_selection *s, const char **field, const char **why);

/* The dong codes of a selection as a PostgreSQL text-array literal ("{a,b}") into out, or NULL-out
 * (out[0] = 0) for "every dong".  Codes are checked first, so no quoting is needed.  0, or
 * WH_INVALID_ARGUMENT when it does not fit. */
int reporting_dongs_literal(const reporting_selection *s, char *out, size_t size);

/* Splits a valid period for the month roll-ups: whole_from is the first day of the first whole month
 * inside it (after to_on when there is none), whole_until the first day of the month after the last
 * whole month (to_on's month when to_on is not a month's last day), from_month the first of from_on's
 * month.  0, or WH_INVALID_ARGUMENT for dates that do not parse. */
int reporting_period_bounds(const char *from_on, const char *to_on, char whole_from[REPORTING_DATE_LEN],
                            char whole_until[REPORTING_DATE_LEN], char from_month[REPORTING_DATE_LEN]);

/* Splits a comma-separated dong list (the HTTP "dongs" argument) into codes pointing into copy.
 * NULL or empty gives none ("every dong").  0, or WH_INVALID_ARGUMENT when it is too long or has more
 * than max codes; the codes themselves are checked by reporting_selection_check. */
int reporting_parse_dongs(const char *arg, char *copy, size_t size, char **codes, size_t max, size_t *n);

typedef struct reporting_row {
    char dong_code[REPORTING_DONG_MAX];
    char name[REPORTING_NAME_MAX];
    char hub_dong_code[REPORTING_DONG_MAX];
    reporting_values values;
} reporting_row;

typedef struct reporting_report {
    char from_on[REPORTING_DATE_LEN];
    char to_on[REPORTING_DATE_LEN];
    reporting_row *rows; /* sorted by dong code once finished */
    size_t n_rows, cap_rows;
    size_t next_hint; /* where reporting_report_row looks first */
    reporting_values total;
} reporting_report;

/* Starts an empty report for a period.  Rows for explicitly selected dongs are added up front so a
 * dong without facts still shows as zeros. */
int reporting_report_init(reporting_report *r, const reporting_selection *s);
void reporting_report_free(reporting_report *r);

/* The row of a dong, added (zeroed) when missing.  NULL on out-of-memory. */
reporting_row *reporting_report_row(reporting_report *r, const char *dong_code);

/* Sorts the rows and computes the total: the sum of rows for every additive index; the personnel
 * totals are set by the caller (distinct staff over the whole set) and kept. */
void reporting_report_finish(reporting_report *r);

/* A selected dong reporting does not know (never defined by routing, no facts, no staff) is an error,
 * not a row of zeros: 0, or WH_INVALID_ARGUMENT with *field "dong_codes" and *why naming the code. */
int reporting_report_check_known(wh_db *db, const reporting_selection *s, const char **field,
                                 const char **why);
/* The first code of s reporting does not know into out ("" when all are known).  0 or a status. */
int reporting_store_first_unknown(wh_db *db, const reporting_selection *s, char out[REPORTING_DONG_MAX]);

/* d = b - a, index by index. */
void reporting_values_diff(const reporting_values *a, const reporting_values *b, reporting_values *d);

/* --- rendering (HTTP) --------------------------------------------------------------------------- */

/* The report as JSON (the /api/kpi body).  Caller frees; NULL on out-of-memory. */
char *reporting_render_json(const reporting_report *r);
/* The dashboard page with this report (self-contained HTML); form_html is the form, rendered by
 * http.c with dash_form.c (may be NULL).  Caller frees; NULL on out-of-memory. */
char *reporting_render_html(const reporting_report *r, const char *form_html);
/* The page shown for a bad period or dong list: the form as filled in, then the error. */
char *reporting_render_html_error(const char *message, const char *form_html);

/* --- protobuf replies --------------------------------------------------------------------------- */

/* Copies a report into a KpiReport allocated from the handler's ctx.  NULL on out-of-memory. */
Welfare__Reporting__V1__KpiReport *reporting_report_to_proto(wh_ctx *ctx, const reporting_report *r);
Welfare__Reporting__V1__KpiValues *reporting_values_to_proto(wh_ctx *ctx, const reporting_values *v);

/* --- store (store.c: the only SQL) -------------------------------------------------------------- */

extern const wh_db_statement reporting_statements[];
extern const size_t reporting_statements_count;
/* Every statement of the service: store.c's and store_discovery.c's (*n of them). */
const wh_db_statement *reporting_all_statements(size_t *n);
/* Runs a read of a checked selection's period ($1, $2): statement `all` when it names no dong, else
 * `some` with the dongs as a text array in $3.  NULL on failure (wh_db_last_status). */
PGresult *reporting_store_read_selection(wh_db *db, const reporting_selection *s, const char *all,
                                         const char *some);

int reporting_store_add_fact(wh_db *db, const reporting_fact *f);
/* The facts f[0..n) in one statement (summed per dong and day, and per month). */
int reporting_store_add_facts(wh_db *db, const reporting_fact *f, size_t n);
/* Counts the cases case_ids[i] (dong and day in f[i]) that were not counted before: fresh[i] says
 * which (a repeated id: its first occurrence).  One statement. */
int reporting_store_open_cases(wh_db *db, const int64_t *case_ids, const reporting_fact *f, size_t n,
                               bool *fresh);
/* 1 when the case was new, 0 when it was known already, negative on failure. */
int reporting_store_open_case(wh_db *db, int64_t case_id, const char *dong_code, const char *opened_on);
/* Closes a case on f->day (no earlier than its opening); on 1 f holds the case's dong and the date it
 * was closed on, 0 when it was unknown or closed already, negative on failure. */
int reporting_store_close_case(wh_db *db, int64_t case_id, reporting_fact *f);
/* intake's merges (0007_merges.sql): a merge of two blind-spot households records and returns in
 * f (dong_code, day) the blind spot it takes back (1), 0 when it takes none or was applied already;
 * an unmerge returns the one to give back (1) once, else 0.  Or a status. */
int reporting_store_merge(wh_db *db, const Welfare__Intake__V1__HouseholdsMerged *e, reporting_fact *f);
int reporting_store_unmerge(wh_db *db, int64_t merge_id, reporting_fact *f);
/* The (dong_code, day) row a statement returns into f (reporting_close_case, reporting_merge,
 * reporting_unmerge, reporting_fold_case, reporting_reopen_case): 1 when there is one, 0 when not, or
 * a status. */
int reporting_store_dong_day(wh_db *db, const char *statement, const wh_params *p, reporting_fact *f);
/* The funnel follows a merge (store_merge.c, 0008_case_merges.sql): the merged household's referrals
 * count as the kept household's, whose stages take the earlier dates; the unmerge moves them back and
 * the stages the merge gave.  Once per merge. */
int reporting_store_merge_funnel(wh_db *db, int64_t merge_id, int64_t household_id,
                                 int64_t merged_household_id);
int reporting_store_unmerge_funnel(wh_db *db, int64_t merge_id);
/* A case folded by a merge (CaseClosed MERGED): its opening's (dong, day) into f, 1 once, else 0; a
 * reopened one (CaseReopened) the same, given back. */
int reporting_store_fold_case(wh_db *db, int64_t case_id, reporting_fact *f);
int reporting_store_reopen_case(wh_db *db, int64_t case_id, reporting_fact *f);
/* A case moved to another household (CaseMoved): the funnel's stages through it go there. */
int reporting_store_move_case(wh_db *db, int64_t case_id, int64_t household_id);
/* The case stream's merges (handlers_merge.c). */
int reporting_apply_case_folded(wh_ctx *ctx, const ProtobufCMessage *m);
int reporting_apply_case_reopened(wh_ctx *ctx, const ProtobufCMessage *m);
int reporting_apply_case_moved(wh_ctx *ctx, const ProtobufCMessage *m);
int reporting_store_define_dong(wh_db *db, const Welfare__Routing__V1__DongDefined *e);
int reporting_store_register_staff(wh_db *db, const Welfare__Routing__V1__StaffRegistered *e);
int reporting_store_deactivate_staff(wh_db *db, int64_t staff_id, const char *active_until);
/* Fills a report initialised for s.  0 or a negative status. */
int reporting_store_query(wh_db *db, const reporting_selection *s, reporting_report *r);
/* The dongs, by code: a PGresult with dong_code, name, hub_type, hub_dong_code (caller PQclear()s). */
PGresult *reporting_store_list_dongs(wh_db *db);
/* --- the discovery funnel (funnel.c, store.c, 0004_funnel.sql) --------------------------------- */

typedef enum reporting_funnel_stage {
    REPORTING_STAGE_BLIND_SPOT,
    REPORTING_STAGE_VISITED,
    REPORTING_STAGE_CASE,
    REPORTING_STAGE_LINKED,
    REPORTING_STAGE_COUNT
} reporting_funnel_stage;

/* The columns of a funnel row, in order. */
typedef enum reporting_funnel_col {
    REPORTING_FUNNEL_REFERRALS,  /* referrals reported in the period */
    REPORTING_FUNNEL_HOUSEHOLDS, /* households first reported in the period (the cohort) */
    REPORTING_FUNNEL_BLIND,      /* of them: blind spots */
    REPORTING_FUNNEL_VISITED,    /* visited (met and counselled) by the period's end */
    REPORTING_FUNNEL_CASES,      /* managed as a case by then */
    REPORTING_FUNNEL_LINKED,     /* linked to a service (started) by then */
    REPORTING_FUNNEL_COLS
} reporting_funnel_col;

#define REPORTING_CHANNELS 8 /* welfare.intake.v1.Channel 0..7 */

typedef struct reporting_funnel {
    char from_on[REPORTING_DATE_LEN], to_on[REPORTING_DATE_LEN];
    int64_t v[REPORTING_CHANNELS][REPORTING_FUNNEL_COLS]; /* by channel */
    int64_t total[REPORTING_FUNNEL_COLS];                 /* each household counts in one channel */
} reporting_funnel;

/* The channels as the funnel labels them (index = Channel value), and the columns. */
extern const char *const reporting_channel_labels[REPORTING_CHANNELS][2];
extern const char *const reporting_funnel_col_labels[REPORTING_FUNNEL_COLS][2];

/* The funnel of a selection (checked like a KPI report: INVALID_ARGUMENT naming the field). */
int reporting_build_funnel(wh_db *db, const reporting_selection *s, reporting_funnel *out, const char **field,
                           const char **why);

/* The funnel's writes, idempotent: a referral; a case's household; a household's stage reached on
 * a date (the earliest kept), by household id, or by case id (by_case) through the case's household. */
int reporting_store_funnel_referral(wh_db *db, const Welfare__Intake__V1__ReferralReceived *e);
/* The referrals of a run in one statement; a referral id seen before (or earlier in the run) is kept
 * as first stored, as one at a time does. */
int reporting_store_funnel_referrals(wh_db *db, const Welfare__Intake__V1__ReferralReceived *const *e,
                                     size_t n);
int reporting_store_funnel_case(wh_db *db, int64_t case_id, int64_t household_id);
int reporting_store_funnel_stage(wh_db *db, bool by_case, int64_t id, reporting_funnel_stage stage,
                                 const char *on);
/* Households' stages of a run, each household once with its earliest date of each stage ("" for a
 * stage it did not reach): one statement, the effect of writing them one at a time. */
typedef struct reporting_household_stages {
    int64_t household_id;
    char on[REPORTING_STAGE_COUNT][11];
} reporting_household_stages;
int reporting_store_funnel_stages(wh_db *db, const reporting_household_stages *rows, size_t n);
/* What an event adds to the funnel (funnel_apply.c): 0 for the events that add nothing; for a run. */
int reporting_funnel_apply(wh_db *db, const ProtobufCMessage *m);
int reporting_funnel_apply_all(wh_db *db, const ProtobufCMessage *const *events, size_t n);
/* The funnel read: rows of channel and the six columns. */
PGresult *reporting_store_funnel(wh_db *db, const reporting_selection *s);

/* The dongs for the dashboards' picker: code, name, hub type, serving hub, first go-live ("" none). */
PGresult *reporting_store_dong_menu(wh_db *db);

/* A complete report for a selection: checks it (0, WH_INVALID_ARGUMENT with field and why), then
 * queries.  Shared by the bus handlers and the HTTP thread. */
int reporting_build_report(wh_db *db, const reporting_selection *s, reporting_report *r, const char **field,
                           const char **why);

/* --- service ------------------------------------------------------------------------------------ */

const wh_service_def *reporting_service_def(void);
extern const wh_subscription reporting_subscriptions[]; /* handlers.c */
extern const size_t reporting_subscriptions_count;
/* handlers_batch.c: the same events a fetched run at a time (facts summed in one statement). */
extern const wh_event_batch reporting_event_batches[];
extern const size_t reporting_event_batches_count;
int reporting_apply_facts(wh_ctx *const *ctx, const ProtobufCMessage *const *events, size_t n);
int reporting_apply_cases_opened(wh_ctx *const *ctx, const ProtobufCMessage *const *events, size_t n);
/* Registers reporting_events_applied_total and _rejected_total for every type, at 0, so an alert on
 * the rejected count has a series before the first rejection. */
void reporting_event_metrics_register(void);
/* Counts an event that cannot be counted (reporting_events_rejected_total), logs it once with the
 * field and fails ctx with WH_INVALID_ARGUMENT naming it; returns that status. */
int reporting_reject_event(wh_ctx *ctx, const ProtobufCMessage *m, const char *field);
/* Counts an applied event (reporting_events_applied_total). */
void reporting_count_applied(const ProtobufCMessage *m);
extern const wh_command reporting_commands[]; /* queries.c */
extern const size_t reporting_commands_count;
extern const wh_migration reporting_migrations[]; /* generated from migrations/ */
extern const size_t reporting_migrations_count;

/* Adds /dashboard and /api/kpi to the service's HTTP server and opens their read-only connection. */
int reporting_http_start(wh_service *svc);
void reporting_http_stop(wh_service *svc);

#endif

/*
 * compare.h — the Ministry's comparison table (seed section 10): the seven indices as columns, rows
 * Before / After / Increase, or treated / untreated / difference, or both with the
 * difference-in-differences.  The arithmetic, the cells ("43(28)", "1,726(₩835,600,000)") and the
 * warnings are pure (compare.c, unit-tested); table.c reads the reports and the go-live history.
 */
#ifndef REPORTING_COMPARE_H
#define REPORTING_COMPARE_H

#include "dash_form.h"
#include "reporting.h"

#define REPORTING_COLUMNS    7 /* the seven indices of the table */
#define REPORTING_TABLE_ROWS 7 /* at most: BOTH is 2 × (before, after, increase) + DiD */
#define REPORTING_TABLE_WARN 6
#define REPORTING_WARN_MAX   320
#define REPORTING_CELL_MAX   64

typedef enum reporting_cmp {
    REPORTING_CMP_BEFORE_AFTER = 1,
    REPORTING_CMP_TREATED = 2,
    REPORTING_CMP_BOTH = 3,
} reporting_cmp;

typedef struct reporting_table_row {
    const char *label_ko, *label_en;
    reporting_values values;
    bool difference;  /* signed cells */
    bool has_percent; /* difference rows measured from a row (not the DiD) */
    bool percent_ok[REPORTING_KPI_COUNT];
    double percent[REPORTING_KPI_COUNT]; /* change in % of the base row, where it is not 0 */
} reporting_table_row;

typedef struct reporting_dong_set {
    char codes[REPORTING_SELECT_MAX][REPORTING_DONG_MAX];
    size_t n;
} reporting_dong_set;

typedef struct reporting_table {
    reporting_cmp cmp;
    char from_on[REPORTING_DATE_LEN], to_on[REPORTING_DATE_LEN];
    char before_from_on[REPORTING_DATE_LEN], before_to_on[REPORTING_DATE_LEN];
    reporting_dong_set treated, untreated;
    reporting_table_row rows[REPORTING_TABLE_ROWS];
    size_t n_rows;
    char warnings[REPORTING_TABLE_WARN][REPORTING_WARN_MAX];
    size_t n_warnings;
} reporting_table;

/* A dong as the comparison needs it: its first go-live (empty: not live yet) and its model on a day. */
typedef struct reporting_dong_live {
    char dong_code[REPORTING_DONG_MAX];
    char first_live[REPORTING_DATE_LEN]; /* "" when never live */
    int hub_type;                        /* on the period's last day; 0 when not live then */
} reporting_dong_live;

/* The table's columns: the KPI definitions that are not part of another (reporting_kpi values). */
extern const reporting_kpi reporting_table_columns[REPORTING_COLUMNS];
/* The part shown in brackets in a column's cell, or -1 ("of whom privately employed", "amount"). */
int reporting_column_part(reporting_kpi column);

/* Number of days of [from, to], both included; -1 for dates that do not parse. */
long reporting_period_days(const char *from_on, const char *to_on);
/* The same day `years` years earlier (29 February becomes the 28th).  0, or WH_INVALID_ARGUMENT. */
int reporting_date_years_back(const char *on, int years, char out[REPORTING_DATE_LEN]);

/* A row of values, and a difference row later − base with its percentages of base. */
void reporting_table_add_values(reporting_table *t, const char *ko, const char *en,
                                const reporting_values *v);
void reporting_table_add_difference(reporting_table *t, const char *ko, const char *en,
                                    const reporting_values *base, const reporting_values *later);
/* The difference-in-differences row: (ta − tb) − (ua − ub). */
void reporting_table_add_did(reporting_table *t, const reporting_values *tb, const reporting_values *ta,
                             const reporting_values *ub, const reporting_values *ua);
/* A warning line (Korean, then English); silently dropped past REPORTING_TABLE_WARN. */
void reporting_table_warn(reporting_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Warns when the two periods differ in length (BEFORE_AFTER and BOTH). */
void reporting_table_check_periods(reporting_table *t);
/* Warns when the dongs mix basic and sphere type on the period's last day. */
void reporting_table_check_models(reporting_table *t, const char *group_ko, const reporting_dong_live *d,
                                  size_t n);

/* Splits dongs for the period [from, to]: treated = live on its first day; untreated = the rest,
 * with a warning naming those that go live inside the period. */
void reporting_table_split(reporting_table *t, const reporting_dong_live *d, size_t n);

/* A cell as the table prints it: "43(28)", "1,726(₩835,600,000)", signed "+38(+28)" on a
 * difference row, and the percentage cell "+6.6%" / "-". */
void reporting_table_cell(const reporting_table_row *row, int column, char out[REPORTING_CELL_MAX]);
void reporting_table_percent_cell(const reporting_table_row *row, int column, char out[REPORTING_CELL_MAX]);
/* 12345 → "12,345" (signed: "+12,345", "-12,345"). */
void reporting_format_thousands(int64_t v, bool sign, char *out, size_t size);

/* --- table.c: reads the reports ------------------------------------------------------------------ */

typedef struct reporting_table_request {
    reporting_cmp cmp;
    char **dong_codes;
    size_t n_dongs;
    const char *from_on, *to_on, *before_from_on, *before_to_on; /* before: NULL/"" = one year earlier */
} reporting_table_request;

/* Builds the table.  0, or WH_INVALID_ARGUMENT with *field ("before_to_on", "dong_codes") and *why,
 * or a store status. */
int reporting_build_table(wh_db *db, const reporting_table_request *q, reporting_table *t, const char **field,
                          const char **why);
/* The dongs' go-live and model on `on` (every dong when n == 0), by code; *out is malloc'ed. */
int reporting_store_dong_live(wh_db *db, const reporting_selection *s, const char *on,
                              reporting_dong_live **out, size_t *n);
int reporting_store_record_live(wh_db *db, const Welfare__Routing__V1__DongDefined *e);

/* The QueryKpiTable handler (query_table.c). */
int reporting_handle_query_table(wh_ctx *ctx, const ProtobufCMessage *request, ProtobufCMessage **reply);

/* --- renderings ---------------------------------------------------------------------------------- */

/* The table as JSON (/api/kpi-table), CSV (/export/kpi-table.csv: UTF-8 with BOM, for Excel) and as
 * an .xlsx workbook (libxlsxwriter; *len set).  Caller frees; NULL on failure. */
char *reporting_table_json(const reporting_table *t);
char *reporting_table_csv(const reporting_table *t);
char *reporting_table_xlsx(const reporting_table *t, size_t *len);

/* --- HTTP (http_table.c, render_compare.c) ------------------------------------------------------ */

/* Builds a table on the HTTP thread's read-only connection (http.c holds it). */
int reporting_http_build_table(const reporting_table_request *q, reporting_table *t, const char **field,
                               const char **why);
/* A KPI report on the HTTP thread's connection (the trend's months). */
int reporting_http_build_report(const reporting_selection *s, reporting_report *r, const char **field,
                                const char **why);
/* The discovery funnel on the HTTP thread's connection. */
int reporting_http_build_funnel(const reporting_selection *s, reporting_funnel *f, const char **field,
                                const char **why);
/* Adds /api/funnel and /dashboard/funnel (http_funnel.c). */
int reporting_http_funnel_routes(wh_http *http);
/* Adds /dashboard/trend (http_trend.c). */
int reporting_http_trend_routes(wh_http *http);
/* Adds /api/kpi-table, /export/kpi-table.csv|.xlsx and /dashboard/compare. */
int reporting_http_table_routes(wh_http *http);
/* The comparison page: the form (v; the presets from req), then the table (t, export links with
 * query) or the error (t NULL; field, why). */
char *reporting_render_compare(const wh_http_request *req, const reporting_form_view *v,
                               const reporting_table *t, const char *query, const char *field,
                               const char *why);

#endif

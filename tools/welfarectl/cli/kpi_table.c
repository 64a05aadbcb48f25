/*
 * kpi_table.c — `welfarectl kpi-table`: reporting's QueryKpiTable as the Ministry's comparison table
 * (seed section 10), aligned: the period or dong group per row, the seven indices as columns, the
 * cells exactly as reporting formatted them ("43(28)", "1,726(₩835,600,000)"), a percentage row under
 * each increase, then the warnings.  --json prints the reply.
 *
 *   welfarectl kpi-table --compare before-after|treated|both [--dong CODE[,CODE…]]
 *                        --from DATE --to DATE [--before-from DATE --before-to DATE] [--json]
 */
#include <stdlib.h>
#include <string.h>

#include "wctl.h"
#include "welfare/reporting/v1/commands.pb-c.h"

#define N_COLS 8

void wctl_print_kpi_table(FILE *out, const Welfare__Reporting__V1__KpiTable *t)
{
    wctl_table *tab = wctl_table_new(N_COLS);
    wctl_table_right_from(tab, 1);
    const char *head[N_COLS] = {"구분 / period"};
    char heads[N_COLS][160];

    if (t->before_from_on[0])
        fprintf(out, "시행 전 / before %s .. %s    시행 후 / after %s .. %s\n", t->before_from_on,
                t->before_to_on, t->from_on, t->to_on);
    else
        fprintf(out, "기간 / period %s .. %s\n", t->from_on, t->to_on);
    fprintf(out, "시행동 / treated:");
    for (size_t i = 0; i < t->n_treated_dong_codes; i++)
        fprintf(out, " %s", t->treated_dong_codes[i]);
    if (t->n_untreated_dong_codes) {
        fprintf(out, "\n미시행동 / untreated:");
        for (size_t i = 0; i < t->n_untreated_dong_codes; i++)
            fprintf(out, " %s", t->untreated_dong_codes[i]);
    }
    fprintf(out, "\n\n");
    for (size_t c = 0; c < t->n_columns_ko && c + 1 < N_COLS; c++) {
        snprintf(heads[c + 1], sizeof heads[c + 1], "%s", t->columns_ko[c]);
        head[c + 1] = heads[c + 1];
    }
    wctl_table_add(tab, head);
    for (size_t i = 0; i < t->n_rows; i++) {
        const Welfare__Reporting__V1__KpiTableRow *row = t->rows[i];
        const char *cells[N_COLS] = {row->label_ko};
        for (size_t c = 0; c < row->n_cells && c + 1 < N_COLS; c++)
            cells[c + 1] = row->cells[c];
        wctl_table_add(tab, cells);
        if (row->n_change_percent) {
            const char *pct[N_COLS] = {"  증감률 / change %"};
            for (size_t c = 0; c < row->n_change_percent && c + 1 < N_COLS; c++)
                pct[c + 1] = row->change_percent[c];
            wctl_table_add(tab, pct);
        }
    }
    wctl_table_print(out, tab);
    wctl_table_free(&tab);
    fprintf(out, "\ncolumns:");
    for (size_t c = 0; c < t->n_columns_en; c++)
        fprintf(out, "%s %s", c ? ";" : "", t->columns_en[c]);
    fprintf(out, "\n");
    for (size_t i = 0; i < t->n_warnings; i++)
        fprintf(out, "경고 / warning: %s\n", t->warnings[i]);
}

static int usage(int rc)
{
    fputs("usage: welfarectl kpi-table --compare before-after|treated|both [--dong CODE[,CODE…]]\n"
          "                            --from YYYY-MM-DD --to YYYY-MM-DD\n"
          "                            [--before-from YYYY-MM-DD --before-to YYYY-MM-DD] [--json]\n"
          "  --compare  before-after: the dongs before and after (default: the same months a year earlier)\n"
          "             treated: dongs live on --from against dongs not live yet; both: and the DiD\n"
          "  --dong     dong codes (none = every dong)\n",
          rc == 0 ? stdout : stderr);
    return rc;
}

/* --compare's words → KpiComparison's names. */
static const char *comparison_of(const char *s)
{
    return strcmp(s, "before-after") == 0 ? "KPI_COMPARISON_BEFORE_AFTER"
           : strcmp(s, "treated") == 0    ? "KPI_COMPARISON_TREATED_UNTREATED"
           : strcmp(s, "both") == 0       ? "KPI_COMPARISON_BOTH"
                                          : NULL;
}

static void print_reply(const ProtobufCMessage *m)
{
    const Welfare__Reporting__V1__QueryKpiTableReply *reply =
        (const Welfare__Reporting__V1__QueryKpiTableReply *)m;

    if (reply->table != NULL)
        wctl_print_kpi_table(stdout, reply->table);
}

static const wctl_report_flag flags[] = {
    {"--compare", "comparison", comparison_of, "--compare must be before-after, treated or both"},
    {"--dong", "dong_codes", NULL, NULL},
    {"--from", "from_on", NULL, NULL},
    {"--to", "to_on", NULL, NULL},
    {"--before-from", "before_from_on", NULL, NULL},
    {"--before-to", "before_to_on", NULL, NULL},
};

static const wctl_report_query query = {"QueryKpiTable",
                                        &welfare__reporting__v1__query_kpi_table__descriptor,
                                        &welfare__reporting__v1__query_kpi_table_reply__descriptor,
                                        flags,
                                        sizeof flags / sizeof flags[0],
                                        usage,
                                        print_reply};

int wctl_cmd_kpi_table(int argc, char **argv)
{
    return wctl_report_run(&query, argc, argv);
}

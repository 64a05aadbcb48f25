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
#include "whclient.h"

#define N_COLS 8

static void print_table(const Welfare__Reporting__V1__KpiTable *t)
{
    wctl_table *tab = wctl_table_new(N_COLS);
    const char *head[N_COLS] = {"구분 / period"};
    char heads[N_COLS][160];

    if (t->before_from_on[0])
        printf("시행 전 / before %s .. %s    시행 후 / after %s .. %s\n", t->before_from_on, t->before_to_on,
               t->from_on, t->to_on);
    else
        printf("기간 / period %s .. %s\n", t->from_on, t->to_on);
    printf("시행동 / treated:");
    for (size_t i = 0; i < t->n_treated_dong_codes; i++)
        printf(" %s", t->treated_dong_codes[i]);
    if (t->n_untreated_dong_codes) {
        printf("\n미시행동 / untreated:");
        for (size_t i = 0; i < t->n_untreated_dong_codes; i++)
            printf(" %s", t->untreated_dong_codes[i]);
    }
    printf("\n\n");
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
    wctl_table_print(stdout, tab);
    wctl_table_free(&tab);
    printf("\ncolumns:");
    for (size_t c = 0; c < t->n_columns_en; c++)
        printf("%s %s", c ? ";" : "", t->columns_en[c]);
    printf("\n");
    for (size_t i = 0; i < t->n_warnings; i++)
        printf("경고 / warning: %s\n", t->warnings[i]);
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

static int comparison_of(const char *s)
{
    return strcmp(s, "before-after") == 0
               ? WELFARE__REPORTING__V1__KPI_COMPARISON__KPI_COMPARISON_BEFORE_AFTER
           : strcmp(s, "treated") == 0
               ? WELFARE__REPORTING__V1__KPI_COMPARISON__KPI_COMPARISON_TREATED_UNTREATED
           : strcmp(s, "both") == 0 ? WELFARE__REPORTING__V1__KPI_COMPARISON__KPI_COMPARISON_BOTH
                                    : -1;
}

int wctl_cmd_kpi_table(int argc, char **argv)
{
    Welfare__Reporting__V1__QueryKpiTable *req = NULL;
    Welfare__Reporting__V1__QueryKpiTableReply *reply = NULL;
    whc *c = NULL;
    whc_error err;
    char msg[256];
    int rc = 2;

    req = (Welfare__Reporting__V1__QueryKpiTable *)wctl_message_new(
        &welfare__reporting__v1__query_kpi_table__descriptor);
    for (int i = 0; i < argc; i++) {
        const char *field = strcmp(argv[i], "--dong") == 0          ? "dong_codes"
                            : strcmp(argv[i], "--from") == 0        ? "from_on"
                            : strcmp(argv[i], "--to") == 0          ? "to_on"
                            : strcmp(argv[i], "--before-from") == 0 ? "before_from_on"
                            : strcmp(argv[i], "--before-to") == 0   ? "before_to_on"
                                                                    : NULL;

        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            rc = usage(0);
            goto cleanup;
        }
        if (strcmp(argv[i], "--compare") == 0 && i + 1 < argc) {
            int cmp = comparison_of(argv[++i]);
            if (cmp < 0) {
                fprintf(stderr, "error: --compare must be before-after, treated or both\n");
                goto cleanup;
            }
            req->comparison = (Welfare__Reporting__V1__KpiComparison)cmp;
            continue;
        }
        if (field == NULL || i + 1 >= argc) {
            rc = usage(2);
            goto cleanup;
        }
        if (wctl_field_set(&req->base, field, argv[++i], msg, sizeof msg) != 0) {
            fprintf(stderr, "error: %s\n", msg);
            goto cleanup;
        }
    }
    rc = 1;
    if (wctl_connect(&c, "reporting") != 0)
        goto cleanup;
    if (whc_call(c, &req->base, &welfare__reporting__v1__query_kpi_table_reply__descriptor,
                 (ProtobufCMessage **)&reply, &err) != 0) {
        wctl_print_error("QueryKpiTable", &err);
        goto cleanup;
    }
    if (wctl_json_output)
        wctl_print_reply(&reply->base);
    else if (reply->table != NULL)
        print_table(reply->table);
    rc = 0;
cleanup:
    if (reply != NULL)
        protobuf_c_message_free_unpacked(&reply->base, NULL);
    if (req != NULL)
        protobuf_c_message_free_unpacked(&req->base, NULL);
    whc_close(&c);
    return rc;
}

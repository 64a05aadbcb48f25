/*
 * kpi.c — `welfarectl kpi --dong CODE[,CODE…] --from DATE --to DATE`: reporting's QueryKpi as the
 * district's KPI table, one row per dong and a total.  The seven indices: targets (the stock on the
 * period's last day, and its change over the period), visiting
 * personnel (public and privately employed), households managed as cases, blind spots discovered,
 * site visits, service linkages, resources discovered (count and KRW amount).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "reporting_kpis.h"
#include "wctl.h"
#include "welfare/reporting/v1/commands.pb-c.h"

/* The columns follow reporting's KPI list (REPORTING_KPI_LIST, from the options on KpiValues). */
#define KPI_ONE(...)                       +1
#define N_NUMS                             (0 REPORTING_KPI_LIST(KPI_ONE))
#define N_COLS                             (3 + N_NUMS)
#define KPI_VALUE(NAME, key, ...)          v->key,
#define KPI_COLUMN(NAME, key, column, ...) column,

static void values_cells(const Welfare__Reporting__V1__KpiValues *v, char cells[][32])
{
    const int64_t nums[N_NUMS] = {REPORTING_KPI_LIST(KPI_VALUE)};

    for (int i = 0; i < N_NUMS; i++)
        snprintf(cells[i], 32, "%" PRId64, nums[i]);
}

static void add_row(wctl_table *t, const char *code, const char *name, const char *hub,
                    const Welfare__Reporting__V1__KpiValues *v)
{
    static const Welfare__Reporting__V1__KpiValues zero = WELFARE__REPORTING__V1__KPI_VALUES__INIT;
    char nums[N_NUMS][32];
    const char *cells[N_COLS] = {code, name, hub};

    values_cells(v != NULL ? v : &zero, nums);
    for (int i = 0; i < N_NUMS; i++)
        cells[3 + i] = nums[i];
    wctl_table_add(t, cells);
}

static void print_kpi(const Welfare__Reporting__V1__KpiReport *r)
{
    static const char *const head[N_COLS] = {"dong", "name", "hub", REPORTING_KPI_LIST(KPI_COLUMN)};
    wctl_table *t = wctl_table_new(N_COLS);

    if (r->selection != NULL)
        printf("KPI %s .. %s\n\n", r->selection->from_on, r->selection->to_on);
    wctl_table_add(t, head);
    for (size_t i = 0; i < r->n_dongs; i++)
        add_row(t, r->dongs[i]->dong_code, r->dongs[i]->name, r->dongs[i]->hub_dong_code,
                r->dongs[i]->values);
    add_row(t, "total", "", "", r->total);
    wctl_table_print(stdout, t);
    wctl_table_free(&t);
}

static int usage(int rc)
{
    fputs("usage: welfarectl kpi [--dong CODE[,CODE…]] --from YYYY-MM-DD --to YYYY-MM-DD [--json]\n"
          "  --dong  10-digit dong codes (repeatable or comma-separated; none = every dong)\n",
          rc == 0 ? stdout : stderr);
    return rc;
}

static void print_reply(const ProtobufCMessage *m)
{
    const Welfare__Reporting__V1__QueryKpiReply *reply = (const Welfare__Reporting__V1__QueryKpiReply *)m;

    if (reply->report != NULL)
        print_kpi(reply->report);
    else
        puts("no KPI report (reporting has no data for this selection)");
}

static const wctl_report_flag flags[] = {
    {"--dong", "selection.dong_codes", NULL, NULL},
    {"--from", "selection.from_on", NULL, NULL},
    {"--to", "selection.to_on", NULL, NULL},
};

static const wctl_report_query query = {"QueryKpi",
                                        &welfare__reporting__v1__query_kpi__descriptor,
                                        &welfare__reporting__v1__query_kpi_reply__descriptor,
                                        flags,
                                        sizeof flags / sizeof flags[0],
                                        usage,
                                        print_reply};

int wctl_cmd_kpi(int argc, char **argv)
{
    return wctl_report_run(&query, argc, argv);
}

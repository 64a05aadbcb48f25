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

#include "wctl.h"
#include "welfare/reporting/v1/commands.pb-c.h"
#include "whclient.h"

#define N_COLS 13
#define N_NUMS 10

static void values_cells(const Welfare__Reporting__V1__KpiValues *v, char cells[][32])
{
    const int64_t nums[N_NUMS] = {v->targets,
                                  v->targets_change,
                                  v->visiting_personnel,
                                  v->visiting_personnel_private,
                                  v->case_households,
                                  v->blind_spots,
                                  v->site_visits,
                                  v->service_linkages,
                                  v->resources_discovered,
                                  v->resource_amount_krw};

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
    static const char *const head[N_COLS] = {"dong",      "name",      "hub",       "targets", "change",
                                             "personnel", "private",   "cases",     "blind",   "visits",
                                             "linkages",  "resources", "amount_krw"};
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

int wctl_cmd_kpi(int argc, char **argv)
{
    Welfare__Reporting__V1__QueryKpi *req = NULL;
    Welfare__Reporting__V1__QueryKpiReply *reply = NULL;
    whc *c = NULL;
    whc_error err;
    char msg[256];
    int rc = 2;

    req =
        (Welfare__Reporting__V1__QueryKpi *)wctl_message_new(&welfare__reporting__v1__query_kpi__descriptor);
    for (int i = 0; i < argc; i++) {
        const char *field = strcmp(argv[i], "--dong") == 0   ? "selection.dong_codes"
                            : strcmp(argv[i], "--from") == 0 ? "selection.from_on"
                            : strcmp(argv[i], "--to") == 0   ? "selection.to_on"
                                                             : NULL;

        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            rc = usage(0);
            goto cleanup;
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
    if (whc_call(c, &req->base, &welfare__reporting__v1__query_kpi_reply__descriptor,
                 (ProtobufCMessage **)&reply, &err) != 0) {
        wctl_print_error("QueryKpi", &err);
        goto cleanup;
    }
    if (wctl_json_output)
        wctl_print_reply(&reply->base);
    else if (reply->report != NULL)
        print_kpi(reply->report);
    else
        puts("no KPI report (reporting has no data for this selection)");
    rc = 0;
cleanup:
    if (reply != NULL)
        protobuf_c_message_free_unpacked(&reply->base, NULL);
    if (req != NULL)
        protobuf_c_message_free_unpacked(&req->base, NULL);
    whc_close(&c);
    return rc;
}

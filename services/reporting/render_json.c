/*
 * render_json.c — a KPI report as JSON, the body of GET /api/kpi.
 *
 *   {"from_on":"2026-01-01","to_on":"2026-06-30",
 *    "indices":[{"key":"targets","label_ko":"대상자 수","label_en":"Number of targets","unit":"persons"},…],
 *    "dongs":[{"dong_code":"2650051000","name":"Gwangan 1-dong","hub_dong_code":"2650051000",
 *              "values":{"targets":120,…}},…],
 *    "total":{"targets":…}}
 *
 * The keys and labels come from the KPI definitions, so the API and the dashboard cannot drift.
 */
#include <jansson.h>

#include "reporting.h"

static json_t *values_json(const reporting_values *v)
{
    json_t *o = json_object();
    for (int k = 0; o && k < REPORTING_KPI_COUNT; k++)
        json_object_set_new(o, reporting_kpi_defs[k].key, json_integer(v->v[k]));
    return o;
}

static json_t *indices_json(void)
{
    json_t *a = json_array();
    for (int k = 0; a && k < REPORTING_KPI_COUNT; k++) {
        const reporting_kpi_def *d = &reporting_kpi_defs[k];
        json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "key", d->key, "label_ko", d->label_ko, "label_en",
                              d->label_en, "unit", d->unit);
        if (o && d->part_of >= 0)
            json_object_set_new(o, "part_of", json_string(reporting_kpi_defs[d->part_of].key));
        json_array_append_new(a, o);
    }
    return a;
}

char *reporting_render_json(const reporting_report *r)
{
    json_t *dongs = json_array();
    for (size_t i = 0; dongs && i < r->n_rows; i++) {
        const reporting_row *row = &r->rows[i];
        json_array_append_new(dongs, json_pack("{s:s, s:s, s:s, s:o}", "dong_code", row->dong_code, "name",
                                               row->name, "hub_dong_code", row->hub_dong_code, "values",
                                               values_json(&row->values)));
    }
    json_t *doc = json_pack("{s:s, s:s, s:o, s:o, s:o}", "from_on", r->from_on, "to_on", r->to_on, "indices",
                            indices_json(), "dongs", dongs, "total", values_json(&r->total));
    if (!doc)
        return NULL;
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return text;
}

/*
 * apply_intake.c — what case does with intake's events: a household identified at case-level risk
 * (WH_CASE_RISK_THRESHOLD) gets a case, unless it has an open one already — then the case keeps the
 * higher risk score and the newer location, and no second case is opened.
 */
#include <jansson.h>

#include "case.h"

#include "wh/log.h"
#include "wh/util.h"

int case_apply_household_identified(wh_ctx *ctx, const ProtobufCMessage *event)
{
    const Welfare__Intake__V1__HouseholdIdentified *ev = (const void *)event;
    if (ev->household_id <= 0 || !case_text_ok(ev->dong_code, CASE_CODE_MAX) || ev->risk_score < 0 ||
        ev->risk_score > 100) {
        /* Retrying cannot mend it; the stream moves on and the log says why. */
        wh_log_warn("ignoring household without id, dong or a valid risk score", "{s:I}", "referral_id",
                    (json_int_t)ev->referral_id);
        return 0;
    }
    char date[11];
    bool had_closed_case;
    case_event_date(ev->identified_on, "HouseholdIdentified", date);
    /* Every identified household is known to outreach, case or not. */
    int rc = case_store_upsert_household(wh_ctx_db(ctx), ev, date, &had_closed_case);
    if (rc < 0 || ev->risk_score < case_settings_of(ctx)->risk_threshold)
        return rc;
    if (had_closed_case) {
        /* A closed case's household re-reported: the hub decides (OpenCase), no case opens by itself. */
        wh_log_info("re-report of a closed case's household waits for the hub's decision", "{s:I}",
                    "household_id", (json_int_t)ev->household_id);
        return 0;
    }
    const Welfare__Common__V1__GeoPoint *at = ev->location;
    bool located =
        at && wh_geo_valid(at->latitude, at->longitude) && (at->latitude != 0.0 || at->longitude != 0.0);
    case_opening o = {.household_id = ev->household_id,
                      .referral_id = ev->referral_id,
                      .dong_code = ev->dong_code,
                      .has_location = located,
                      .latitude = located ? at->latitude : 0.0,
                      .longitude = located ? at->longitude : 0.0,
                      .risk_score = ev->risk_score,
                      .opened_on = date};
    case_record c;
    int64_t visit_request_id;
    bool created;
    rc = case_open(ctx, &o, &c, &visit_request_id, &created);
    if (rc == 0 && !created)
        wh_log_debug("household has an open case already", "{s:I, s:I}", "household_id",
                     (json_int_t)ev->household_id, "case_id", (json_int_t)c.id);
    return rc;
}

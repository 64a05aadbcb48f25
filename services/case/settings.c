/*
 * settings.c — the service's settings (WH_CASE_*), read once at start, and the accessor handlers use.
 */
#include "case.h"

#include "wh/config.h"

static const case_settings defaults = {50, 115, 7, 80, false};

const case_settings *case_settings_of(wh_ctx *ctx)
{
    const case_settings *s = ctx ? wh_ctx_state(ctx) : NULL;
    return s ? s : &defaults;
}

int case_settings_read(case_settings *out)
{
    int64_t threshold, limit, days, joint;
    *out = defaults;
    if (wh_config_int("WH_CASE_RISK_THRESHOLD", 50, 0, 100, &threshold) < 0 ||
        wh_config_int("WH_CASE_CASELOAD_LIMIT", 115, 1, 10000, &limit) < 0 ||
        wh_config_int("WH_CASE_FIRST_VISIT_DAYS", 7, 0, 90, &days) < 0 ||
        wh_config_int("WH_CASE_JOINT_VISIT_RISK", 80, 0, 101, &joint) < 0)
        return WH_INVALID_ARGUMENT;
    out->risk_threshold = (int)threshold;
    out->caseload_limit = (int)limit;
    out->first_visit_days = (int)days;
    out->joint_visit_risk = (int)joint;
    return 0;
}

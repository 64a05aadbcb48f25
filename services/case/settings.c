/*
 * settings.c — the service's settings (WH_CASE_*), read once at start, and the accessor handlers use.
 */
#include "case.h"

#include "wh/config.h"
#include "wh/log.h"

#define DEFAULT_CYCLES "80:30,50:90,30:180"

static const case_settings defaults = {
    50, 115, 7, 80, false, 3, 90, {3, {80, 50, 30}, {30, 90, 180}}, true,
};

const case_settings *case_settings_of(wh_ctx *ctx)
{
    const case_settings *s = ctx ? wh_ctx_state(ctx) : NULL;
    return s ? s : &defaults;
}

int case_settings_read(case_settings *out)
{
    int64_t threshold, limit, days, joint, attempts, horizon, close_unreachable;
    *out = defaults;
    if (wh_config_int("WH_CASE_RISK_THRESHOLD", 50, 0, 100, &threshold) < 0 ||
        wh_config_int("WH_CASE_CASELOAD_LIMIT", 115, 1, 10000, &limit) < 0 ||
        wh_config_int("WH_CASE_FIRST_VISIT_DAYS", 7, 0, 90, &days) < 0 ||
        wh_config_int("WH_CASE_JOINT_VISIT_RISK", 80, 0, 101, &joint) < 0 ||
        wh_config_int("WH_CASE_UNREACHABLE_ATTEMPTS", 3, 1, 100, &attempts) < 0 ||
        wh_config_int("WH_CASE_PLANNING_HORIZON_DAYS", 90, 1, 730, &horizon) < 0 ||
        wh_config_int("WH_CASE_CLOSE_UNREACHABLE", 1, 0, 1, &close_unreachable) < 0)
        return WH_INVALID_ARGUMENT;
    const char *cycles = wh_config_str("WH_CASE_VISIT_CYCLES", DEFAULT_CYCLES);
    if (case_cycles_parse(cycles, &out->cycles) < 0) {
        wh_log_error("WH_CASE_VISIT_CYCLES must be risk:days pairs, e.g. " DEFAULT_CYCLES, "{s:s}", "value",
                     cycles);
        return WH_INVALID_ARGUMENT;
    }
    out->risk_threshold = (int)threshold;
    out->caseload_limit = (int)limit;
    out->first_visit_days = (int)days;
    out->joint_visit_risk = (int)joint;
    out->unreachable_attempts = (int)attempts;
    out->planning_horizon_days = (int)horizon;
    out->close_unreachable = close_unreachable != 0;
    return 0;
}

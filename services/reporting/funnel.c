/*
 * funnel.c — the discovery funnel per channel: for a dong set and a period, per channel (safety net,
 * partner agencies, surveys, the national list, walk-in, outreach, rosters), the referrals reported,
 * the households first reported then, and how many of those reached each stage by the period's end:
 * blind spot, visited, managed as a case, linked to a service.  A household belongs to the channel
 * (and dong) of its first referral, so the rows add up to the total.  The labels are data here.
 */
#include <stdlib.h>
#include <string.h>

#include "reporting.h"
#include "wh/status.h"

const char *const reporting_channel_labels[REPORTING_CHANNELS][2] = {
    {"미상", "Unknown"},
    {"인적 안전망", "Human safety net"},
    {"협약 기관", "Partner agencies"},
    {"전수 조사", "Surveys"},
    {"사각지대 발굴 명단", "National blind-spot list"},
    {"방문·전화 (본인)", "Walk-in / call"},
    {"현장 발견", "Found on outreach"},
    {"수급자 명부", "Programme rosters"},
};

const char *const reporting_funnel_col_labels[REPORTING_FUNNEL_COLS][2] = {
    {"접수 의뢰", "Referrals"}, {"발굴 가구", "Households"},      {"복지사각지대", "Blind spots"},
    {"현장방문", "Visited"},    {"사례관리", "Managed as cases"}, {"서비스 연계", "Linked"},
};

int reporting_build_funnel(wh_db *db, const reporting_selection *s, reporting_funnel *out, const char **field,
                           const char **why)
{
    int rc = reporting_selection_check(s, field, why);
    if (rc == 0)
        rc = reporting_report_check_known(db, s, field, why);
    if (rc != 0)
        return rc;
    memset(out, 0, sizeof *out);
    snprintf(out->from_on, sizeof out->from_on, "%s", s->from_on);
    snprintf(out->to_on, sizeof out->to_on, "%s", s->to_on);
    PGresult *res = reporting_store_funnel(db, s);
    if (!res)
        return wh_db_last_status(db);
    for (int i = 0; i < PQntuples(res); i++) {
        int64_t channel = wh_db_i64(res, i, 0, 0);
        if (channel < 0 || channel >= REPORTING_CHANNELS)
            channel = 0; /* a channel this release does not name counts as unknown */
        for (int c = 0; c < REPORTING_FUNNEL_COLS; c++) {
            int64_t n = wh_db_i64(res, i, 1 + c, 0);
            out->v[channel][c] += n;
            out->total[c] += n;
        }
    }
    PQclear(res);
    return 0;
}

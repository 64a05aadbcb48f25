/*
 * discovery.c — the figures of a selection (dongs, period): the surveys with the seed's per-survey
 * figures and their total; the safety net per member, per team (its members' work and the team's
 * own finds) and in total.  The selection is
 * checked as QueryKpi's (codes, dates, known dongs); the rows are read by store_discovery.c and
 * copied into plain memory, so the bus (query_discovery.c) and HTTP (http_discovery.c) share them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discovery.h"
#include "wh/status.h"

static int check(wh_db *db, const reporting_selection *s, const char **field, const char **why)
{
    int rc = reporting_selection_check(s, field, why);
    return rc != 0 ? rc : reporting_report_check_known(db, s, field, why);
}

static void copy_period(char *from_on, char *to_on, const reporting_selection *s)
{
    snprintf(from_on, REPORTING_DATE_LEN, "%s", s->from_on);
    snprintf(to_on, REPORTING_DATE_LEN, "%s", s->to_on);
}

int reporting_build_surveys(wh_db *db, const reporting_selection *s, reporting_surveys *out,
                            const char **field, const char **why)
{
    memset(out, 0, sizeof *out);
    int rc = check(db, s, field, why);
    if (rc != 0)
        return rc;
    copy_period(out->from_on, out->to_on, s);
    PGresult *res = reporting_store_surveys(db, s);
    if (!res)
        return wh_db_last_status(db);
    int n = PQntuples(res);
    out->rows = n ? calloc((size_t)n, sizeof *out->rows) : NULL;
    if (n && !out->rows) {
        PQclear(res);
        return WH_INTERNAL;
    }
    for (int i = 0; i < n; i++) {
        reporting_survey_row *row = &out->rows[out->n_rows++];
        row->survey_id = wh_db_i64(res, i, 0, 0);
        snprintf(row->name, sizeof row->name, "%s", wh_db_text(res, i, 1));
        snprintf(row->target_group, sizeof row->target_group, "%s", wh_db_text(res, i, 2));
        snprintf(row->start_on, sizeof row->start_on, "%s", wh_db_text(res, i, 3));
        snprintf(row->end_on, sizeof row->end_on, "%s", wh_db_text(res, i, 4));
        for (int c = 0; c < REPORTING_SURVEY_COLS; c++) {
            row->v[c] = wh_db_i64(res, i, 5 + c, 0);
            out->total[c] += row->v[c];
        }
    }
    PQclear(res);
    return 0;
}

void reporting_surveys_free(reporting_surveys *s)
{
    free(s->rows);
    s->rows = NULL;
    s->n_rows = 0;
}

static int team_index(int64_t team)
{
    return team > 0 && team < REPORTING_TEAMS ? (int)team : 0;
}

/* Adds a member's row to its team's (teams[] indexed by team while building). */
static void add_to_team(reporting_team_row *teams, const reporting_member_row *m)
{
    int t = team_index(m->team);
    teams[t].team = t;
    teams[t].members++;
    for (int c = 0; c < REPORTING_NET_COLS; c++)
        teams[t].v[c] += m->v[c];
}

/* Adds the teams' own finds (no member named) to their rows and the total; *shown[t] when team t
 * has such a find, so its row is listed even without members. */
static int add_team_finds(wh_db *db, const reporting_selection *s, reporting_team_row *teams, int64_t *total,
                          bool *shown)
{
    PGresult *res = reporting_store_team_finds(db, s);
    if (!res)
        return wh_db_last_status(db);
    for (int i = 0; i < PQntuples(res); i++) {
        int t = team_index(wh_db_i64(res, i, 0, 0));
        int64_t finds = wh_db_i64(res, i, 1, 0), krw = wh_db_i64(res, i, 2, 0);
        teams[t].team = t;
        teams[t].v[REPORTING_NET_FOUND] += finds;
        teams[t].v[REPORTING_NET_FOUND_KRW] += krw;
        total[REPORTING_NET_FOUND] += finds;
        total[REPORTING_NET_FOUND_KRW] += krw;
        shown[t] = true;
    }
    PQclear(res);
    return 0;
}

int reporting_build_safety_net(wh_db *db, const reporting_selection *s, reporting_safety_net *out,
                               const char **field, const char **why)
{
    reporting_team_row by_team[REPORTING_TEAMS] = {0};
    bool shown[REPORTING_TEAMS] = {false};
    memset(out, 0, sizeof *out);
    int rc = check(db, s, field, why);
    if (rc != 0)
        return rc;
    copy_period(out->from_on, out->to_on, s);
    PGresult *res = reporting_store_safety_net(db, s);
    if (!res)
        return wh_db_last_status(db);
    int n = PQntuples(res);
    out->members = n ? calloc((size_t)n, sizeof *out->members) : NULL;
    if (n && !out->members) {
        PQclear(res);
        return WH_INTERNAL;
    }
    for (int i = 0; i < n; i++) {
        reporting_member_row *m = &out->members[out->n_members++];
        m->member_id = wh_db_i64(res, i, 0, 0);
        snprintf(m->dong_code, sizeof m->dong_code, "%s", wh_db_text(res, i, 1));
        m->team = (int)wh_db_i64(res, i, 2, 0);
        snprintf(m->affiliation, sizeof m->affiliation, "%s", wh_db_text(res, i, 3));
        for (int c = 0; c < REPORTING_NET_COLS; c++) {
            m->v[c] = wh_db_i64(res, i, 4 + c, 0);
            out->total[c] += m->v[c];
        }
        add_to_team(by_team, m);
    }
    PQclear(res);
    if ((rc = add_team_finds(db, s, by_team, out->total, shown)) != 0)
        return rc;
    for (int t = 1; t <= REPORTING_TEAMS; t++) /* the defined teams, then unknown */
        if (by_team[t % REPORTING_TEAMS].members || shown[t % REPORTING_TEAMS])
            out->teams[out->n_teams++] = by_team[t % REPORTING_TEAMS];
    return 0;
}

void reporting_safety_net_free(reporting_safety_net *n)
{
    free(n->members);
    n->members = NULL;
    n->n_members = 0;
}

/*
 * store_discovery.c — the SQL of surveys and the safety net (0005_discovery.sql): the events' rows
 * and the figures of a selection.  Each read has two forms, `_some` for a list of dongs
 * (`= ANY($3)`) and `_all` without a dong filter, as the KPI reads (a generic plan of one form with
 * `$3 IS NULL OR …` could not use the dong keys).
 */

#include "discovery.h"
#include "wh/sqlarray.h"
#include "wh/status.h"

/* Per survey whose period overlaps [$1, $2] (and whose dongs meet $3): its list in the dongs, its
 * results surveyed in the period in the dongs, and its listed households with no result by $2. */
#define SURVEYS_READ(SURVEY_DONGS, DONGS)                                                                    \
    "WITH s AS (SELECT survey_id, name, target_group, start_on, end_on FROM survey "                         \
    "WHERE start_on <= $2::date AND end_on >= $1::date " SURVEY_DONGS "), "                                  \
    "l AS (SELECT survey_id, sum(households) AS n FROM survey_listed WHERE survey_id IN "                    \
    "(SELECT survey_id FROM s) " DONGS " GROUP BY survey_id), "                                              \
    "r AS (SELECT survey_id, count(*) FILTER (WHERE outcome IN (1, 2)) AS surveyed, "                        \
    "count(*) FILTER (WHERE outcome = 1) AS no_need, count(*) FILTER (WHERE outcome = 2) AS need, "          \
    "count(*) FILTER (WHERE outcome = 3) AS unreachable, count(*) FILTER (WHERE outcome = 4) AS refused, "   \
    "sum(service_linkages) AS linkages, sum(support_krw) AS support, "                                       \
    "count(*) FILTER (WHERE selected_for_case_management) AS managed FROM survey_result "                    \
    "WHERE survey_id IN (SELECT survey_id FROM s) AND surveyed_on BETWEEN $1::date AND $2::date " DONGS      \
    " GROUP BY survey_id), "                                                                                 \
    "d AS (SELECT survey_id, count(*) AS n FROM survey_result WHERE survey_id IN (SELECT survey_id FROM s) " \
    "AND surveyed_on <= $2::date " DONGS " GROUP BY survey_id) "                                             \
    "SELECT s.survey_id, s.name, s.target_group, s.start_on::text, s.end_on::text, coalesce(l.n, 0), "       \
    "coalesce(r.surveyed, 0), coalesce(r.no_need, 0), coalesce(r.need, 0), coalesce(r.unreachable, 0), "     \
    "coalesce(r.refused, 0), greatest(coalesce(l.n, 0) - coalesce(d.n, 0), 0), coalesce(r.linkages, 0), "    \
    "coalesce(r.support, 0), coalesce(r.managed, 0) "                                                        \
    "FROM s LEFT JOIN l USING (survey_id) LEFT JOIN r USING (survey_id) LEFT JOIN d USING (survey_id) "      \
    "ORDER BY s.start_on, s.survey_id"

/* Per member of the dongs active in [$1, $2] or with work counted in it: the referrals they filed and
 * those that created the household, check-ins by outcome and those referred, credits by kind, the
 * ledger's finds credited to them and their value. */
#define NET_READ(DONGS)                                                                                      \
    "WITH f AS (SELECT m.member_id, count(*) AS n, count(*) FILTER (WHERE r.created_household) AS found "    \
    "FROM net_member m JOIN funnel_referral r ON r.reporter_id = m.reporter_id AND m.reporter_id <> 0 "      \
    "WHERE r.reported_on BETWEEN $1::date AND $2::date GROUP BY m.member_id), "                              \
    "c AS (SELECT member_id, count(*) AS n, count(*) FILTER (WHERE outcome = 1) AS well, "                   \
    "count(*) FILTER (WHERE outcome = 2) AS concern, count(*) FILTER (WHERE outcome = 3) AS unseen, "        \
    "count(*) FILTER (WHERE referred) AS referred FROM net_check_in "                                        \
    "WHERE checked_on BETWEEN $1::date AND $2::date GROUP BY member_id), "                                   \
    "k AS (SELECT member_id, count(*) FILTER (WHERE kind = 1) AS aid, count(*) FILTER (WHERE kind = 2) "     \
    "AS cases FROM net_credit WHERE credited_on BETWEEN $1::date AND $2::date GROUP BY member_id), "         \
    "g AS (SELECT member_id, sum(finds) AS n, sum(amount_krw) AS krw FROM net_find "                         \
    "WHERE found_on BETWEEN $1::date AND $2::date AND member_id <> 0 GROUP BY member_id) "                   \
    "SELECT m.member_id, m.dong_code, m.team, m.affiliation, coalesce(f.n, 0), coalesce(f.found, 0), "       \
    "coalesce(c.n, 0), coalesce(c.well, 0), coalesce(c.concern, 0), coalesce(c.unseen, 0), "                 \
    "coalesce(c.referred, 0), coalesce(k.aid, 0), coalesce(k.cases, 0), coalesce(g.n, 0), "                  \
    "coalesce(g.krw, 0) FROM net_member m LEFT JOIN f USING (member_id) LEFT JOIN c USING (member_id) "      \
    "LEFT JOIN k USING (member_id) LEFT JOIN g USING (member_id) "                                           \
    "WHERE ((m.active_from <= $2::date AND (m.active_until IS NULL OR m.active_until >= $1::date)) "         \
    "OR f.member_id IS NOT NULL OR c.member_id IS NOT NULL OR k.member_id IS NOT NULL "                      \
    "OR g.member_id IS NOT NULL) " DONGS " ORDER BY m.member_id"

/* Per team, its own finds (no member named) made in the dongs in [$1, $2] and their value. */
#define TEAM_FINDS_READ(DONGS)                                                                               \
    "SELECT team, sum(finds), sum(amount_krw) FROM net_find WHERE member_id = 0 AND "                        \
    "found_on BETWEEN $1::date AND $2::date " DONGS " GROUP BY team ORDER BY team"

const wh_db_statement reporting_discovery_statements[] = {
    {"reporting_survey", "INSERT INTO survey (survey_id, name, target_group, dong_codes, start_on, end_on) "
                         "VALUES ($1, $2, $3, $4::text[], $5, $6) ON CONFLICT (survey_id) DO NOTHING"},
    {"reporting_survey_listed",
     "INSERT INTO survey_listed (survey_id, dong_code, households) "
     "SELECT $1, d, n FROM unnest($2::text[], $3::integer[]) AS x (d, n) "
     "ON CONFLICT (survey_id, dong_code) DO UPDATE SET households = survey_listed.households + "
     "EXCLUDED.households"},
    {"reporting_survey_result",
     "INSERT INTO survey_result (survey_id, household_id, dong_code, outcome, surveyed_on, service_linkages, "
     "support_krw, selected_for_case_management) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
     "ON CONFLICT (survey_id, household_id) DO UPDATE SET dong_code = EXCLUDED.dong_code, "
     "outcome = EXCLUDED.outcome, surveyed_on = EXCLUDED.surveyed_on, "
     "service_linkages = EXCLUDED.service_linkages, support_krw = EXCLUDED.support_krw, "
     "selected_for_case_management = EXCLUDED.selected_for_case_management"},
    {"reporting_net_member",
     "INSERT INTO net_member (member_id, dong_code, team, affiliation, active_from, active_until, "
     "reporter_id) "
     "VALUES ($1, $2, $3, $4, $5, NULLIF($6, '')::date, $7) ON CONFLICT (member_id) DO NOTHING"},
    {"reporting_net_check_in",
     "INSERT INTO net_check_in (check_in_id, member_id, outcome, checked_on, referred) "
     "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (check_in_id) DO NOTHING"},
    {"reporting_net_credit",
     "INSERT INTO net_credit (household_id, kind, member_id, credited_on) VALUES ($1, $2, $3, $4) "
     "ON CONFLICT (household_id, kind) DO NOTHING"},
    {"reporting_net_find",
     "INSERT INTO net_find (source, source_id, member_id, team, dong_code, found_on, finds, amount_krw) "
     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (source, source_id) DO NOTHING"},
    {"reporting_surveys_all", SURVEYS_READ("", "")},
    {"reporting_surveys_some",
     SURVEYS_READ("AND dong_codes && $3::text[]", "AND dong_code = ANY ($3::text[])")},
    {"reporting_net_all", NET_READ("")},
    {"reporting_net_some", NET_READ("AND m.dong_code = ANY ($3::text[])")},
    {"reporting_team_finds_all", TEAM_FINDS_READ("")},
    {"reporting_team_finds_some", TEAM_FINDS_READ("AND dong_code = ANY ($3::text[])")},
};
const size_t reporting_discovery_statements_count =
    sizeof reporting_discovery_statements / sizeof reporting_discovery_statements[0];

static int exec(wh_db *db, const char *statement, const wh_params *p)
{
    int64_t n = wh_db_exec(db, statement, p);
    return n < 0 ? (int)n : 0;
}

int reporting_store_survey(wh_db *db, const Welfare__Intake__V1__SurveyCreated *e)
{
    wh_sqlarray dongs = {0};
    for (size_t i = 0; i < e->n_dong_codes; i++)
        wh_sqlarray_text(&dongs, e->dong_codes[i]);
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, e->survey_id);
    wh_params_text(&p, e->name);
    wh_params_text(&p, e->target_group);
    wh_params_text(&p, wh_sqlarray_value(&dongs));
    wh_params_text(&p, e->start_on);
    wh_params_text(&p, e->end_on);
    int rc = dongs.failed ? WH_INTERNAL : exec(db, "reporting_survey", &p);
    wh_sqlarray_free(&dongs);
    return rc;
}

int reporting_store_survey_listed(wh_db *db, const Welfare__Intake__V1__SurveyHouseholdsListed *e)
{
    wh_sqlarray dongs = {0}, counts = {0};
    for (size_t i = 0; i < e->n_dongs; i++) {
        wh_sqlarray_text(&dongs, e->dongs[i]->dong_code);
        wh_sqlarray_i64(&counts, e->dongs[i]->households);
    }
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, e->survey_id);
    wh_params_text(&p, wh_sqlarray_value(&dongs));
    wh_params_text(&p, wh_sqlarray_value(&counts));
    int rc = dongs.failed || counts.failed ? WH_INTERNAL : exec(db, "reporting_survey_listed", &p);
    wh_sqlarray_free(&dongs);
    wh_sqlarray_free(&counts);
    return rc;
}

int reporting_store_survey_result(wh_db *db, const Welfare__Intake__V1__SurveyResultRecorded *e)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, e->survey_id);
    wh_params_i64(&p, e->household_id);
    wh_params_text(&p, e->dong_code);
    wh_params_i64(&p, e->outcome);
    wh_params_text(&p, e->surveyed_on);
    wh_params_i64(&p, e->service_linkages);
    wh_params_i64(&p, e->support_krw);
    wh_params_bool(&p, e->selected_for_case_management);
    return exec(db, "reporting_survey_result", &p);
}

int reporting_store_member(wh_db *db, const Welfare__Intake__V1__MemberRegistered *e)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, e->member_id);
    wh_params_text(&p, e->dong_code);
    wh_params_i64(&p, e->team);
    wh_params_text(&p, e->affiliation);
    wh_params_text(&p, e->active_from);
    wh_params_text(&p, e->active_until ? e->active_until : "");
    wh_params_i64(&p, e->reporter_id);
    return exec(db, "reporting_net_member", &p);
}

int reporting_store_check_in(wh_db *db, const Welfare__Intake__V1__CheckInRecorded *e)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, e->check_in_id);
    wh_params_i64(&p, e->member_id);
    wh_params_i64(&p, e->outcome);
    wh_params_text(&p, e->checked_on);
    wh_params_bool(&p, e->referral_id != 0);
    return exec(db, "reporting_net_check_in", &p);
}

int reporting_store_credit(wh_db *db, const Welfare__Intake__V1__MemberCredited *e)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, e->household_id);
    wh_params_i64(&p, e->kind);
    wh_params_i64(&p, e->member_id);
    wh_params_text(&p, e->credited_on);
    return exec(db, "reporting_net_credit", &p);
}

int reporting_store_find(wh_db *db, const reporting_find *f)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, f->source);
    wh_params_i64(&p, f->source_id);
    wh_params_i64(&p, f->member_id);
    wh_params_i64(&p, f->team);
    wh_params_text(&p, f->dong_code);
    wh_params_text(&p, f->found_on);
    wh_params_i64(&p, f->finds);
    wh_params_i64(&p, f->amount_krw);
    return exec(db, "reporting_net_find", &p);
}

PGresult *reporting_store_surveys(wh_db *db, const reporting_selection *s)
{
    return reporting_store_read_selection(db, s, "reporting_surveys_all", "reporting_surveys_some");
}

PGresult *reporting_store_safety_net(wh_db *db, const reporting_selection *s)
{
    return reporting_store_read_selection(db, s, "reporting_net_all", "reporting_net_some");
}

PGresult *reporting_store_team_finds(wh_db *db, const reporting_selection *s)
{
    return reporting_store_read_selection(db, s, "reporting_team_finds_all", "reporting_team_finds_some");
}

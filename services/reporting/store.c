/*
 * store.c — reporting's SQL: the only file that knows the tables of the `reporting` schema.
 *
 * Writes are upserts that add an event's fact to its dong's day, and small updates of the case and
 * staff intervals; each runs in the bus's transaction with the stream position, so an event counts
 * exactly once.  A KPI query is four reads over the selection ($1 a text[] of dong codes, NULL for
 * every dong; $2..$3 the period): the daily sums, the cases open in the period, the staff active in
 * it per dong and for the whole set, plus the dongs' names.  Each read is two statements, one per
 * kind of selection, so that every generic plan uses the dong keys when there is a list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "discovery.h"
#include "reporting.h"
#include "wh/sqlarray.h"
#include "wh/status.h"

/* The dong filter of a KPI read: a list of codes, or every dong ($1 is then NULL; the test is a
 * one-time filter, there only so that $1 has a type). */
#define SOME_DONGS   "dong_code = ANY($1::text[])"
#define ALL_DONGS    "$1::text[] IS NULL"
#define STAFF_ACTIVE "s.active_from <= $3::date AND (s.active_until IS NULL OR s.active_until >= $2::date)"

/* Columns in reporting_fact_col order.  $4 = first whole month of the period, $5 = the day after the
 * last whole month (see reporting_period_bounds): whole months from kpi_monthly, the partial months at
 * either end from kpi_daily. */
#define Q_DAILY(DONGS)                                                                                       \
    "SELECT dong_code, sum(targets)::bigint, sum(blind_spots)::bigint, sum(cases_opened)::bigint, "          \
    "sum(cases_closed)::bigint, sum(site_visits)::bigint, sum(visits_missed)::bigint, "                      \
    "sum(service_linkages)::bigint, sum(resources_discovered)::bigint, sum(resource_amount_krw)::bigint"     \
    " FROM (SELECT dong_code, targets, blind_spots, cases_opened, cases_closed, site_visits, "               \
    "visits_missed, "                                                                                        \
    "service_linkages, resources_discovered, resource_amount_krw FROM kpi_monthly"                           \
    " WHERE " DONGS " AND month >= $4::date AND month < $5::date"                                            \
    " UNION ALL SELECT dong_code, targets, blind_spots, cases_opened, cases_closed, site_visits, "           \
    "visits_missed, service_linkages, resources_discovered, resource_amount_krw FROM kpi_daily"              \
    " WHERE " DONGS " AND day >= $2::date AND day < LEAST($4::date, $3::date + 1)"                           \
    " UNION ALL SELECT dong_code, targets, blind_spots, cases_opened, cases_closed, site_visits, "           \
    "visits_missed, service_linkages, resources_discovered, resource_amount_krw FROM kpi_daily"              \
    " WHERE " DONGS " AND day >= GREATEST($4::date, $5::date) AND day <= $3::date) f"                        \
    " GROUP BY dong_code ORDER BY dong_code"

/* Cases open at any time in [$2, $3] = opened on or before $3 - closed before $2, both from whole
 * months of kpi_monthly plus at most one month of kpi_daily.  $4 = the day after the last whole month
 * up to $3, $5 = the first of $2's month (reporting_period_bounds). */
#define Q_CASES(DONGS)                                                                                       \
    "SELECT dong_code, (sum(opened) - sum(closed))::bigint FROM ("                                           \
    "SELECT dong_code, cases_opened AS opened, 0 AS closed FROM kpi_monthly WHERE " DONGS                    \
    " AND month < $4::date"                                                                                  \
    " UNION ALL SELECT dong_code, cases_opened, 0 FROM kpi_daily"                                            \
    " WHERE " DONGS " AND day >= $4::date AND day <= $3::date"                                               \
    " UNION ALL SELECT dong_code, 0, cases_closed FROM kpi_monthly WHERE " DONGS " AND month < $5::date"     \
    " UNION ALL SELECT dong_code, 0, cases_closed FROM kpi_daily"                                            \
    " WHERE " DONGS " AND day >= $5::date AND day < $2::date) c"                                             \
    " GROUP BY dong_code ORDER BY dong_code"

/* The stock of targets on $2 = every step up to $2: whole months before $3 (the day after the last
 * whole month up to $2) from kpi_monthly, the days from $3 to $2 from kpi_daily. */
#define Q_STOCK(DONGS)                                                                                       \
    "SELECT dong_code, sum(targets)::bigint FROM ("                                                          \
    "SELECT dong_code, targets FROM kpi_monthly WHERE " DONGS " AND month < $3::date"                        \
    " UNION ALL SELECT dong_code, targets FROM kpi_daily"                                                    \
    " WHERE " DONGS " AND day >= $3::date AND day <= $2::date) t"                                            \
    " GROUP BY dong_code ORDER BY dong_code"

/* Visiting personnel belong to the community centre (hub) they are assigned to: a member of staff
 * counts in the row of their hub's dong only, on the dates of their assignment, so a sphere hub's
 * staff count once in its central dong (not again in each linked dong), the rows add up to the
 * district's headcount, and re-linking a dong in October leaves April's figures as they were. */
#define STAFF_SOME "s.hub_dong_code = ANY($1::text[])"
#define Q_STAFF(DONGS)                                                                                       \
    "SELECT s.hub_dong_code, count(DISTINCT s.staff_id), count(DISTINCT s.staff_id) FILTER (WHERE "          \
    "s.is_private)"                                                                                          \
    " FROM staff_interval s WHERE " DONGS " AND " STAFF_ACTIVE " GROUP BY s.hub_dong_code ORDER BY 1"

#define Q_STAFF_TOTAL(DONGS)                                                                                 \
    "SELECT count(DISTINCT s.staff_id), count(DISTINCT s.staff_id) FILTER (WHERE s.is_private)"              \
    " FROM staff_interval s WHERE " DONGS " AND " STAFF_ACTIVE

/* Each dong's first go-live and its model on $2 (0 when not live then); $1 NULL for every dong. */
#define Q_DONG_LIVE                                                                                          \
    "SELECT d.dong_code, coalesce((SELECT min(l.live_from)::text FROM dong_live l"                           \
    " WHERE l.dong_code = d.dong_code), ''),"                                                                \
    " coalesce((SELECT l.hub_type FROM dong_live l WHERE l.dong_code = d.dong_code AND l.live_from <= "      \
    "$2::date"                                                                                               \
    " ORDER BY l.live_from DESC LIMIT 1), 0)::int"                                                           \
    " FROM dong d WHERE $1::text[] IS NULL OR d.dong_code = ANY($1::text[]) ORDER BY d.dong_code"

#define Q_NAMES(DONGS) "SELECT dong_code, name, hub_dong_code FROM dong WHERE " DONGS " ORDER BY dong_code"

/* The funnel's stage upsert keeps each stage's first date (LEAST ignores the NULLs of the stages an
 * event does not reach). */
#define FUNNEL_EARLIEST                                                                                      \
    "blind_on = LEAST(funnel_household.blind_on, EXCLUDED.blind_on), "                                       \
    "visited_on = LEAST(funnel_household.visited_on, EXCLUDED.visited_on), "                                 \
    "case_on = LEAST(funnel_household.case_on, EXCLUDED.case_on), "                                          \
    "linked_on = LEAST(funnel_household.linked_on, EXCLUDED.linked_on)"
/* A stage of the kept household at an unmerge: the merged household's date the merge gave it (still
 * there, earlier than its own) goes back to its own. */
#define UNMERGED_STAGE(s)                                                                                    \
    s " = CASE WHEN a." s " IS NOT NULL AND h." s " = a." s " AND (m.kept_" s " IS NULL OR m.kept_" s        \
      " > a." s ") THEN m.kept_" s " ELSE h." s " END"
/* Per channel over [$1, $2]: the referrals reported; the households first reported then (the
 * cohort, by the channel and dong of their first referral) and how many of them reached each stage
 * by $2.  Columns: channel, referrals, households, blind spots, visited, cases, linked. */
#define FUNNEL_READ(DONGS)                                                                                   \
    "WITH r AS (SELECT channel, count(*) AS n FROM funnel_referral WHERE reported_on BETWEEN $1::date "      \
    "AND $2::date " DONGS " GROUP BY channel), "                                                             \
    "first AS (SELECT DISTINCT ON (household_id) household_id, channel, dong_code, reported_on "             \
    "FROM funnel_referral ORDER BY household_id, reported_on, referral_id), "                                \
    "c AS (SELECT f.channel, count(*) AS households, count(h.blind_on) FILTER (WHERE h.blind_on <= $2) AS "  \
    "b, "                                                                                                    \
    "count(h.visited_on) FILTER (WHERE h.visited_on <= $2) AS v, "                                           \
    "count(h.case_on) FILTER (WHERE h.case_on <= $2) AS k, "                                                 \
    "count(h.linked_on) FILTER (WHERE h.linked_on <= $2) AS l "                                              \
    "FROM first f LEFT JOIN funnel_household h USING (household_id) "                                        \
    "WHERE f.reported_on BETWEEN $1::date AND $2::date " DONGS " GROUP BY f.channel) "                       \
    "SELECT channel, coalesce(r.n, 0), coalesce(c.households, 0), coalesce(c.b, 0), coalesce(c.v, 0), "      \
    "coalesce(c.k, 0), coalesce(c.l, 0) FROM r FULL JOIN c USING (channel) ORDER BY channel"

const wh_db_statement reporting_statements[] = {
    /* The facts of one event or of a batch of them ($1 dongs, $2 days, $3.. the deltas, arrays of one
     * length), summed per day and per month, in one round trip (a data-modifying CTE always runs). */
    {"reporting_add_facts",
     "WITH f AS (SELECT * FROM unnest($1::text[], $2::date[], $3::bigint[], $4::bigint[], $5::bigint[],"
     " $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[])"
     " AS f(dong_code, day, targets, blind_spots, cases_opened, cases_closed, site_visits, visits_missed,"
     " service_linkages, resources_discovered, resource_amount_krw)), "
     "daily AS ("
     "INSERT INTO kpi_daily (dong_code, day, targets, blind_spots, cases_opened, cases_closed, site_visits, "
     "visits_missed, service_linkages, resources_discovered, resource_amount_krw)"
     " SELECT dong_code, day, sum(targets), sum(blind_spots), sum(cases_opened), sum(cases_closed),"
     " sum(site_visits), sum(visits_missed), sum(service_linkages), sum(resources_discovered),"
     " sum(resource_amount_krw) FROM f GROUP BY dong_code, day"
     " ON CONFLICT (dong_code, day) DO UPDATE SET"
     " targets = kpi_daily.targets + EXCLUDED.targets,"
     " blind_spots = kpi_daily.blind_spots + EXCLUDED.blind_spots,"
     " cases_opened = kpi_daily.cases_opened + EXCLUDED.cases_opened,"
     " cases_closed = kpi_daily.cases_closed + EXCLUDED.cases_closed,"
     " site_visits = kpi_daily.site_visits + EXCLUDED.site_visits,"
     " visits_missed = kpi_daily.visits_missed + EXCLUDED.visits_missed,"
     " service_linkages = kpi_daily.service_linkages + EXCLUDED.service_linkages,"
     " resources_discovered = kpi_daily.resources_discovered + EXCLUDED.resources_discovered,"
     " resource_amount_krw = kpi_daily.resource_amount_krw + EXCLUDED.resource_amount_krw"
     " RETURNING 1) "
     "INSERT INTO kpi_monthly (dong_code, month, targets, blind_spots, cases_opened, cases_closed, "
     "site_visits, visits_missed, service_linkages, resources_discovered, resource_amount_krw)"
     " SELECT dong_code, date_trunc('month', day)::date, sum(targets), sum(blind_spots), sum(cases_opened),"
     " sum(cases_closed), sum(site_visits), sum(visits_missed), sum(service_linkages),"
     " sum(resources_discovered), sum(resource_amount_krw) FROM f GROUP BY 1, 2"
     " ON CONFLICT (dong_code, month) DO UPDATE SET"
     " targets = kpi_monthly.targets + EXCLUDED.targets,"
     " blind_spots = kpi_monthly.blind_spots + EXCLUDED.blind_spots,"
     " cases_opened = kpi_monthly.cases_opened + EXCLUDED.cases_opened,"
     " cases_closed = kpi_monthly.cases_closed + EXCLUDED.cases_closed,"
     " site_visits = kpi_monthly.site_visits + EXCLUDED.site_visits,"
     " visits_missed = kpi_monthly.visits_missed + EXCLUDED.visits_missed,"
     " service_linkages = kpi_monthly.service_linkages + EXCLUDED.service_linkages,"
     " resources_discovered = kpi_monthly.resources_discovered + EXCLUDED.resources_discovered,"
     " resource_amount_krw = kpi_monthly.resource_amount_krw + EXCLUDED.resource_amount_krw"},
    /* A batch of CaseOpened ($1 case ids, $2 dongs, $3 days): the ids that were not counted before. */
    {"reporting_open_cases",
     "INSERT INTO case_interval (case_id, dong_code, opened_on)"
     " SELECT * FROM unnest($1::bigint[], $2::text[], $3::date[]) ON CONFLICT (case_id) DO NOTHING"
     " RETURNING case_id"},
    {"reporting_open_case",
     "INSERT INTO case_interval (case_id, dong_code, opened_on) VALUES ($1, $2, $3::date)"
     " ON CONFLICT (case_id) DO NOTHING"},
    {"reporting_close_case", "UPDATE case_interval SET closed_on = GREATEST($2::date, opened_on)"
                             " WHERE case_id = $1 AND closed_on IS NULL RETURNING dong_code, closed_on"},
    {"reporting_define_dong",
     "INSERT INTO dong (dong_code, name, hub_type, hub_dong_code, latitude, longitude)"
     " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dong_code) DO UPDATE SET name = EXCLUDED.name,"
     " hub_type = EXCLUDED.hub_type, hub_dong_code = EXCLUDED.hub_dong_code, latitude = EXCLUDED.latitude,"
     " longitude = EXCLUDED.longitude"},
    /* A new registration ends the member's open period the day before it starts. */
    {"reporting_end_staff", "UPDATE staff_interval SET active_until = $2::date - 1"
                            " WHERE staff_id = $1 AND active_until IS NULL AND active_from < $2::date"},
    {"reporting_start_staff",
     "INSERT INTO staff_interval (staff_id, active_from, hub_dong_code, role, is_private)"
     " VALUES ($1, $2::date, $3, $4, $5) ON CONFLICT (staff_id, active_from) DO UPDATE SET"
     " hub_dong_code = EXCLUDED.hub_dong_code, role = EXCLUDED.role, is_private = EXCLUDED.is_private,"
     " active_until = NULL"},
    {"reporting_deactivate_staff", "UPDATE staff_interval SET active_until = GREATEST($2::date, active_from)"
                                   " WHERE staff_id = $1 AND active_until IS NULL"},
    /* Each KPI read comes twice: _some for a list of dongs ($1 a text[]), _all for every dong ($1
     * NULL).  One statement with "($1 IS NULL OR dong_code = ANY($1))" had a generic plan that could
     * not use the (dong_code, …) keys and scanned every dong's rows of the period. */
    {"reporting_q_daily_some", Q_DAILY(SOME_DONGS)},
    {"reporting_q_daily_all", Q_DAILY(ALL_DONGS)},
    {"reporting_q_cases_some", Q_CASES(SOME_DONGS)},
    {"reporting_q_stock_some", Q_STOCK(SOME_DONGS)},
    {"reporting_q_stock_all", Q_STOCK(ALL_DONGS)},
    {"reporting_q_cases_all", Q_CASES(ALL_DONGS)},
    {"reporting_q_staff_some", Q_STAFF(STAFF_SOME)},
    {"reporting_q_staff_all", Q_STAFF(ALL_DONGS)},
    {"reporting_q_staff_total_some", Q_STAFF_TOTAL(STAFF_SOME)},
    {"reporting_q_staff_total_all", Q_STAFF_TOTAL(ALL_DONGS)},
    {"reporting_q_names_some", Q_NAMES(SOME_DONGS)},
    {"reporting_q_names_all", Q_NAMES(ALL_DONGS)},
    {"reporting_dong_live", Q_DONG_LIVE},
    {"reporting_record_live",
     "INSERT INTO dong_live (dong_code, live_from, hub_type, hub_dong_code) VALUES ($1, $2::date, $3, $4)"
     " ON CONFLICT (dong_code, live_from) DO UPDATE SET hub_type = EXCLUDED.hub_type,"
     " hub_dong_code = EXCLUDED.hub_dong_code"},
    /* The codes of $1 reporting does not know: neither defined by routing nor with any fact or staff
     * (each test an index probe). */
    {"reporting_unknown_dongs",
     "SELECT c FROM unnest($1::text[]) c WHERE NOT EXISTS (SELECT 1 FROM dong WHERE dong_code = c)"
     " AND NOT EXISTS (SELECT 1 FROM kpi_monthly WHERE dong_code = c)"
     " AND NOT EXISTS (SELECT 1 FROM staff_interval WHERE hub_dong_code = c) LIMIT 1"},
    {"reporting_list_dongs", "SELECT dong_code, name, hub_type, hub_dong_code FROM dong ORDER BY dong_code"},
    /* the discovery funnel (0004_funnel.sql): idempotent writes, one read per dong filter */
    {"reporting_funnel_referral",
     "INSERT INTO funnel_referral (referral_id, household_id, dong_code, channel, reported_on, reporter_id, "
     "created_household) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (referral_id) DO NOTHING"},
    {"reporting_funnel_referrals",
     "INSERT INTO funnel_referral (referral_id, household_id, dong_code, channel, reported_on, reporter_id, "
     "created_household) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::int[], $5::date[], "
     "$6::bigint[], $7::boolean[]) ON CONFLICT (referral_id) DO NOTHING"},
    /* a merge of two households both counted as blind spots takes the later count back (0007) */
    {"reporting_merge",
     "WITH b AS (SELECT CASE WHEN m.blind_on >= s.blind_on THEN $5::text ELSE $4::text END AS dong_code, "
     "GREATEST(m.blind_on, s.blind_on) AS day FROM funnel_household s, funnel_household m "
     "WHERE s.household_id = $2 AND m.household_id = $3 AND s.blind_on IS NOT NULL "
     "AND m.blind_on IS NOT NULL), "
     "i AS (INSERT INTO household_merge (merge_id, household_id, merged_household_id, dong_code, day) "
     "SELECT $1, $2, $3, (SELECT dong_code FROM b), (SELECT day FROM b) "
     "ON CONFLICT (merge_id) DO NOTHING RETURNING dong_code, day) "
     "SELECT dong_code, day::text FROM i WHERE day IS NOT NULL"},
    {"reporting_unmerge", "WITH u AS (UPDATE household_merge SET unmerged = true WHERE merge_id = $1 AND "
                          "NOT unmerged RETURNING dong_code, day) "
                          "SELECT dong_code, day::text FROM u WHERE day IS NOT NULL"},
    /* merges in the funnel and the cases KPI (0008_case_merges.sql, store_merge.c): once per merge,
     * fold and reopening */
    {"reporting_merge_funnel",
     "WITH m AS (UPDATE household_merge SET funnel_moved = true, kept_blind_on = k.blind_on, "
     "kept_visited_on = k.visited_on, kept_case_on = k.case_on, kept_linked_on = k.linked_on "
     "FROM (SELECT 1) one LEFT JOIN funnel_household k ON k.household_id = $2 "
     "WHERE merge_id = $1 AND NOT funnel_moved RETURNING merge_id), "
     "moved AS (UPDATE funnel_referral SET household_id = $2 WHERE household_id = $3 "
     "AND EXISTS (SELECT 1 FROM m) RETURNING referral_id), "
     "rec AS (INSERT INTO funnel_merge_referral (merge_id, referral_id) SELECT $1, referral_id FROM moved) "
     "INSERT INTO funnel_household (household_id, blind_on, visited_on, case_on, linked_on) "
     "SELECT $2, a.blind_on, a.visited_on, a.case_on, a.linked_on FROM funnel_household a "
     "WHERE a.household_id = $3 AND EXISTS (SELECT 1 FROM m) "
     "ON CONFLICT (household_id) DO UPDATE SET " FUNNEL_EARLIEST},
    /* a stage the merge gave the kept household (the merged one's earlier date, still there) goes
     * back to the kept household's own */
    {"reporting_unmerge_funnel",
     "WITH m AS (UPDATE household_merge SET funnel_moved = false WHERE merge_id = $1 AND funnel_moved "
     "RETURNING household_id, merged_household_id, kept_blind_on, kept_visited_on, kept_case_on, "
     "kept_linked_on), "
     "back AS (UPDATE funnel_referral f SET household_id = m.merged_household_id FROM m, "
     "funnel_merge_referral r WHERE r.merge_id = $1 AND f.referral_id = r.referral_id "
     "AND f.household_id = m.household_id RETURNING f.referral_id) "
     "UPDATE funnel_household h SET " UNMERGED_STAGE("blind_on") ", " UNMERGED_STAGE(
         "visited_on") ", " UNMERGED_STAGE("case_on") ", " UNMERGED_STAGE("linked_on") " FROM m, "
                                                                                       "funnel_household a "
                                                                                       "WHERE h.household_id "
                                                                                       "= m.household_id AND "
                                                                                       "a.household_id = "
                                                                                       "m.merged_household_"
                                                                                       "id"},
    {"reporting_fold_case", "UPDATE case_interval SET folded = true WHERE case_id = $1 AND NOT folded "
                            "AND closed_on IS NULL RETURNING dong_code, opened_on::text"},
    {"reporting_reopen_case", "UPDATE case_interval SET folded = false WHERE case_id = $1 AND folded "
                              "RETURNING dong_code, opened_on::text"},
    {"reporting_move_case", "UPDATE funnel_case SET household_id = $2 WHERE case_id = $1"},
    {"reporting_funnel_case", "INSERT INTO funnel_case (case_id, household_id) VALUES ($1, $2) "
                              "ON CONFLICT (case_id) DO NOTHING"},
    {"reporting_funnel_stage",
     "INSERT INTO funnel_household (household_id, blind_on, visited_on, case_on, linked_on) "
     "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (household_id) DO UPDATE SET " FUNNEL_EARLIEST},
    {"reporting_funnel_stages",
     "INSERT INTO funnel_household (household_id, blind_on, visited_on, case_on, linked_on) "
     "SELECT * FROM unnest($1::bigint[], $2::date[], $3::date[], $4::date[], $5::date[]) "
     "ON CONFLICT (household_id) DO UPDATE SET " FUNNEL_EARLIEST},
    {"reporting_funnel_stage_of_case",
     "INSERT INTO funnel_household (household_id, blind_on, visited_on, case_on, linked_on) "
     "SELECT household_id, $2::date, $3::date, $4::date, $5::date FROM funnel_case WHERE case_id = $1 "
     "ON CONFLICT (household_id) DO UPDATE SET " FUNNEL_EARLIEST},
    {"reporting_funnel_some", FUNNEL_READ("AND dong_code = ANY($3::text[])")},
    {"reporting_funnel_all", FUNNEL_READ("")},
    /* the dashboards' dong picker: by serving hub, the central dong first, each with its first go-live */
    {"reporting_dong_menu",
     "SELECT d.dong_code, d.name, d.hub_type, d.hub_dong_code, "
     "coalesce((SELECT min(l.live_from)::text FROM dong_live l WHERE l.dong_code = d.dong_code), '') "
     "FROM dong d ORDER BY CASE WHEN d.hub_type = 2 AND d.hub_dong_code <> '' THEN d.hub_dong_code "
     "ELSE d.dong_code END, d.hub_type, d.dong_code"},
};
const size_t reporting_statements_count = sizeof reporting_statements / sizeof reporting_statements[0];

const wh_db_statement *reporting_all_statements(size_t *n)
{
    static const wh_db_statement_part parts[] = {
        {reporting_statements, &reporting_statements_count},
        {reporting_discovery_statements, &reporting_discovery_statements_count},
    };
    return wh_db_statements_join(parts, sizeof parts / sizeof parts[0], n);
}

static int exec_status(wh_db *db, const char *statement, const wh_params *p, int64_t *rows)
{
    int64_t n = wh_db_exec(db, statement, p);
    if (n < 0)
        return (int)n;
    if (rows)
        *rows = n;
    return 0;
}

int reporting_store_add_fact(wh_db *db, const reporting_fact *f)
{
    return reporting_store_add_facts(db, f, 1);
}

int reporting_store_add_facts(wh_db *db, const reporting_fact *f, size_t n)
{
    wh_sqlarray col[2 + REPORTING_FACT_COUNT] = {0};
    const char *values[2 + REPORTING_FACT_COUNT];
    int rc = 0;
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        wh_sqlarray_text(&col[0], f[i].dong_code);
        wh_sqlarray_text(&col[1], f[i].day);
        for (int k = 0; k < REPORTING_FACT_COUNT; k++)
            wh_sqlarray_i64(&col[2 + k], f[i].delta[k]);
    }
    wh_params p;
    wh_params_reset(&p);
    for (int k = 0; k < 2 + REPORTING_FACT_COUNT; k++) {
        if ((values[k] = wh_sqlarray_value(&col[k])) == NULL)
            rc = WH_INTERNAL;
        wh_params_text(&p, values[k]);
    }
    if (rc == 0)
        rc = exec_status(db, "reporting_add_facts", &p, NULL);
    for (int k = 0; k < 2 + REPORTING_FACT_COUNT; k++)
        wh_sqlarray_free(&col[k]);
    return rc;
}

int reporting_store_open_cases(wh_db *db, const int64_t *case_ids, const reporting_fact *f, size_t n,
                               bool *fresh)
{
    wh_sqlarray ids = {0}, dongs = {0}, days = {0};
    for (size_t i = 0; i < n; i++) {
        wh_sqlarray_i64(&ids, case_ids[i]);
        wh_sqlarray_text(&dongs, f[i].dong_code);
        wh_sqlarray_text(&days, f[i].day);
        fresh[i] = false;
    }
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, wh_sqlarray_value(&ids));
    wh_params_text(&p, wh_sqlarray_value(&dongs));
    wh_params_text(&p, wh_sqlarray_value(&days));
    PGresult *r =
        ids.failed || dongs.failed || days.failed ? NULL : wh_db_query(db, "reporting_open_cases", &p);
    int rc = r != NULL ? 0 : ids.failed || dongs.failed || days.failed ? WH_INTERNAL : wh_db_last_status(db);
    /* A case id may come twice (a replayed stream): the first of them is the fresh one. */
    for (int row = 0; r != NULL && row < PQntuples(r); row++) {
        int64_t id = wh_db_i64(r, row, 0, 0);
        for (size_t i = 0; i < n; i++)
            if (case_ids[i] == id) {
                fresh[i] = true;
                break;
            }
    }
    PQclear(r);
    wh_sqlarray_free(&ids);
    wh_sqlarray_free(&dongs);
    wh_sqlarray_free(&days);
    return rc;
}

int reporting_store_open_case(wh_db *db, int64_t case_id, const char *dong_code, const char *opened_on)
{
    wh_params p;
    int64_t rows = 0;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    wh_params_text(&p, dong_code);
    wh_params_text(&p, opened_on);
    int rc = exec_status(db, "reporting_open_case", &p, &rows);
    return rc != 0 ? rc : rows > 0;
}

int reporting_store_dong_day(wh_db *db, const char *statement, const wh_params *p, reporting_fact *f)
{
    PGresult *res = wh_db_query(db, statement, p);
    if (!res)
        return wh_db_last_status(db);
    int hit = PQntuples(res) == 1;
    if (hit) {
        snprintf(f->dong_code, sizeof f->dong_code, "%s", wh_db_text(res, 0, 0));
        snprintf(f->day, sizeof f->day, "%s", wh_db_text(res, 0, 1));
    }
    PQclear(res);
    return hit;
}

int reporting_store_close_case(wh_db *db, int64_t case_id, reporting_fact *f)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    wh_params_text(&p, f->day);
    return reporting_store_dong_day(db, "reporting_close_case", &p, f);
}

int reporting_store_merge(wh_db *db, const Welfare__Intake__V1__HouseholdsMerged *e, reporting_fact *f)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, e->merge_id);
    wh_params_i64(&p, e->household_id);
    wh_params_i64(&p, e->merged_household_id);
    wh_params_text(&p, e->dong_code);
    wh_params_text(&p, e->merged_dong_code && e->merged_dong_code[0] ? e->merged_dong_code : e->dong_code);
    return reporting_store_dong_day(db, "reporting_merge", &p, f);
}

int reporting_store_unmerge(wh_db *db, int64_t merge_id, reporting_fact *f)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, merge_id);
    return reporting_store_dong_day(db, "reporting_unmerge", &p, f);
}

int reporting_store_define_dong(wh_db *db, const Welfare__Routing__V1__DongDefined *e)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, e->dong_code);
    wh_params_text(&p, e->name ? e->name : "");
    wh_params_i64(&p, e->hub_type);
    wh_params_text(&p, e->hub_dong_code);
    if (e->centre) {
        wh_params_f64(&p, e->centre->latitude);
        wh_params_f64(&p, e->centre->longitude);
    } else {
        wh_params_text(&p, NULL);
        wh_params_text(&p, NULL);
    }
    return exec_status(db, "reporting_define_dong", &p, NULL);
}

int reporting_store_register_staff(wh_db *db, const Welfare__Routing__V1__StaffRegistered *e)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, e->staff_id);
    wh_params_text(&p, e->active_from);
    int rc = exec_status(db, "reporting_end_staff", &p, NULL);
    if (rc != 0)
        return rc;
    wh_params_text(&p, e->hub_dong_code);
    wh_params_i64(&p, e->role);
    wh_params_bool(&p, e->employment == WELFARE__COMMON__V1__EMPLOYMENT__EMPLOYMENT_PRIVATE);
    return exec_status(db, "reporting_start_staff", &p, NULL);
}

int reporting_store_deactivate_staff(wh_db *db, int64_t staff_id, const char *active_until)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, staff_id);
    wh_params_text(&p, active_until);
    return exec_status(db, "reporting_deactivate_staff", &p, NULL);
}

/* Runs one query of the selection and hands each row to fill(). */
static int query_rows(wh_db *db, const char *statement, const wh_params *p, reporting_report *r,
                      int (*fill)(reporting_report *r, const PGresult *res, int row))
{
    PGresult *res = wh_db_query(db, statement, p);
    if (!res)
        return wh_db_last_status(db);
    int rc = 0;
    for (int i = 0; i < PQntuples(res) && rc == 0; i++)
        rc = fill(r, res, i);
    PQclear(res);
    return rc;
}

static int fill_daily(reporting_report *r, const PGresult *res, int i)
{
    reporting_row *row = reporting_report_row(r, wh_db_text(res, i, 0));
    if (!row)
        return WH_INTERNAL;
    for (int k = 0; k < REPORTING_KPI_COUNT; k++)
        if (reporting_kpi_defs[k].agg == REPORTING_AGG_DAILY_SUM)
            row->values.v[k] = wh_db_i64(res, i, 1 + reporting_kpi_defs[k].fact, 0);
    return 0;
}

static int fill_cases(reporting_report *r, const PGresult *res, int i)
{
    reporting_row *row = reporting_report_row(r, wh_db_text(res, i, 0));
    if (!row)
        return WH_INTERNAL;
    row->values.v[REPORTING_KPI_CASES] = wh_db_i64(res, i, 1, 0);
    return 0;
}

static int fill_stock(reporting_report *r, const PGresult *res, int i)
{
    reporting_row *row = reporting_report_row(r, wh_db_text(res, i, 0));
    if (!row)
        return WH_INTERNAL;
    for (int k = 0; k < REPORTING_KPI_COUNT; k++)
        if (reporting_kpi_defs[k].agg == REPORTING_AGG_STOCK &&
            reporting_kpi_defs[k].fact == REPORTING_FACT_TARGETS)
            row->values.v[k] = wh_db_i64(res, i, 1, 0);
    return 0;
}

static int fill_staff(reporting_report *r, const PGresult *res, int i)
{
    reporting_row *row = reporting_report_row(r, wh_db_text(res, i, 0));
    if (!row)
        return WH_INTERNAL;
    row->values.v[REPORTING_KPI_PERSONNEL] = wh_db_i64(res, i, 1, 0);
    row->values.v[REPORTING_KPI_PERSONNEL_PRIVATE] = wh_db_i64(res, i, 2, 0);
    return 0;
}

static int fill_staff_total(reporting_report *r, const PGresult *res, int i)
{
    r->total.v[REPORTING_KPI_PERSONNEL] = wh_db_i64(res, i, 0, 0);
    r->total.v[REPORTING_KPI_PERSONNEL_PRIVATE] = wh_db_i64(res, i, 1, 0);
    return 0;
}

static int fill_names(reporting_report *r, const PGresult *res, int i)
{
    reporting_row *row = reporting_report_row(r, wh_db_text(res, i, 0));
    if (!row)
        return WH_INTERNAL;
    const char *name = wh_db_text(res, i, 1), *hub = wh_db_text(res, i, 2);
    snprintf(row->name, sizeof row->name, "%s", name ? name : "");
    snprintf(row->hub_dong_code, sizeof row->hub_dong_code, "%s", hub ? hub : "");
    return 0;
}

/* The names of the KPI reads, by filter (the rows of reporting_statements above). */
enum { Q_NAMES_STMT, Q_DAILY_STMT, Q_CASES_STMT, Q_STAFF_STMT, Q_STAFF_TOTAL_STMT, Q_STOCK_STMT };
static const char *const q_some[] = {"reporting_q_names_some",       "reporting_q_daily_some",
                                     "reporting_q_cases_some",       "reporting_q_staff_some",
                                     "reporting_q_staff_total_some", "reporting_q_stock_some"};
static const char *const q_all[] = {"reporting_q_names_all",       "reporting_q_daily_all",
                                    "reporting_q_cases_all",       "reporting_q_staff_all",
                                    "reporting_q_staff_total_all", "reporting_q_stock_all"};

int reporting_store_query(wh_db *db, const reporting_selection *s, reporting_report *r)
{
    char dongs[REPORTING_SELECT_MAX * (REPORTING_DONG_MAX + 1) + 3];
    char whole_from[REPORTING_DATE_LEN], whole_until[REPORTING_DATE_LEN], from_month[REPORTING_DATE_LEN];
    wh_params p, daily, cases, stock;
    if (reporting_dongs_literal(s, dongs, sizeof dongs) != 0 ||
        reporting_period_bounds(s->from_on, s->to_on, whole_from, whole_until, from_month) != 0)
        return WH_INVALID_ARGUMENT;
    wh_params_reset(&p);
    wh_params_text(&p, dongs[0] ? dongs : NULL);
    const char *const *q = dongs[0] ? q_some : q_all;
    int rc = query_rows(db, q[Q_NAMES_STMT], &p, r, fill_names); /* $1 only */
    stock = p;
    wh_params_text(&stock, s->to_on);
    wh_params_text(&stock, whole_until);
    wh_params_text(&p, s->from_on);
    wh_params_text(&p, s->to_on);
    daily = cases = p;
    wh_params_text(&daily, whole_from);
    wh_params_text(&daily, whole_until);
    wh_params_text(&cases, whole_until);
    wh_params_text(&cases, from_month);
    if (rc == 0)
        rc = query_rows(db, q[Q_DAILY_STMT], &daily, r, fill_daily);
    if (rc == 0)
        rc = query_rows(db, q[Q_CASES_STMT], &cases, r, fill_cases);
    if (rc == 0)
        rc = query_rows(db, q[Q_STOCK_STMT], &stock, r, fill_stock);
    if (rc == 0)
        rc = query_rows(db, q[Q_STAFF_STMT], &p, r, fill_staff);
    if (rc == 0)
        rc = query_rows(db, q[Q_STAFF_TOTAL_STMT], &p, r, fill_staff_total);
    return rc;
}

PGresult *reporting_store_list_dongs(wh_db *db)
{
    wh_params p;
    wh_params_reset(&p);
    return wh_db_query(db, "reporting_list_dongs", &p);
}

PGresult *reporting_store_dong_menu(wh_db *db)
{
    wh_params p;
    wh_params_reset(&p);
    return wh_db_query(db, "reporting_dong_menu", &p);
}

int reporting_store_record_live(wh_db *db, const Welfare__Routing__V1__DongDefined *e)
{
    if (!e->live_from || !*e->live_from)
        return 0;
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, e->dong_code);
    wh_params_text(&p, e->live_from);
    wh_params_i64(&p, e->hub_type);
    wh_params_text(&p, e->hub_dong_code);
    return exec_status(db, "reporting_record_live", &p, NULL);
}

int reporting_store_dong_live(wh_db *db, const reporting_selection *s, const char *on,
                              reporting_dong_live **out, size_t *n)
{
    char dongs[REPORTING_SELECT_MAX * (REPORTING_DONG_MAX + 1) + 3];
    wh_params p;
    *out = NULL;
    *n = 0;
    if (reporting_dongs_literal(s, dongs, sizeof dongs) != 0)
        return WH_INVALID_ARGUMENT;
    wh_params_reset(&p);
    wh_params_text(&p, dongs[0] ? dongs : NULL);
    wh_params_text(&p, on);
    PGresult *res = wh_db_query(db, "reporting_dong_live", &p);
    if (!res)
        return wh_db_last_status(db);
    int rows = PQntuples(res);
    *out = calloc((size_t)(rows ? rows : 1), sizeof **out);
    if (!*out) {
        PQclear(res);
        return WH_INTERNAL;
    }
    for (int i = 0; i < rows; i++) {
        reporting_dong_live *d = &(*out)[i];
        snprintf(d->dong_code, sizeof d->dong_code, "%s", wh_db_text(res, i, 0));
        snprintf(d->first_live, sizeof d->first_live, "%s", wh_db_text(res, i, 1));
        d->hub_type = (int)wh_db_i64(res, i, 2, 0);
    }
    *n = (size_t)rows;
    PQclear(res);
    return 0;
}

int reporting_store_first_unknown(wh_db *db, const reporting_selection *s, char out[REPORTING_DONG_MAX])
{
    char dongs[REPORTING_SELECT_MAX * (REPORTING_DONG_MAX + 1) + 3];
    wh_params p;
    out[0] = 0;
    if (s->n_dongs == 0)
        return 0;
    if (reporting_dongs_literal(s, dongs, sizeof dongs) != 0)
        return WH_INVALID_ARGUMENT;
    wh_params_reset(&p);
    wh_params_text(&p, dongs);
    PGresult *res = wh_db_query(db, "reporting_unknown_dongs", &p);
    if (!res)
        return wh_db_last_status(db);
    if (PQntuples(res) == 1)
        snprintf(out, REPORTING_DONG_MAX, "%s", wh_db_text(res, 0, 0));
    PQclear(res);
    return 0;
}

/* --- the discovery funnel ------------------------------------------------------------------------- */

int reporting_store_funnel_referral(wh_db *db, const Welfare__Intake__V1__ReferralReceived *e)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, e->referral_id);
    wh_params_i64(&p, e->household_id);
    wh_params_text(&p, e->dong_code);
    wh_params_i64(&p, e->channel);
    wh_params_text(&p, e->reported_on);
    wh_params_i64(&p, e->reporter_id);
    wh_params_bool(&p, e->created_household);
    return exec_status(db, "reporting_funnel_referral", &p, NULL);
}

int reporting_store_funnel_referrals(wh_db *db, const Welfare__Intake__V1__ReferralReceived *const *e,
                                     size_t n)
{
    wh_sqlarray col[7] = {{0}};
    wh_params p;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        wh_sqlarray_i64(&col[0], e[i]->referral_id);
        wh_sqlarray_i64(&col[1], e[i]->household_id);
        wh_sqlarray_text(&col[2], e[i]->dong_code);
        wh_sqlarray_i64(&col[3], e[i]->channel);
        wh_sqlarray_text(&col[4], e[i]->reported_on);
        wh_sqlarray_i64(&col[5], e[i]->reporter_id);
        wh_sqlarray_text(&col[6], e[i]->created_household ? "t" : "f");
    }
    wh_params_reset(&p);
    for (int k = 0; k < 7; k++) {
        const char *v = wh_sqlarray_value(&col[k]);
        if (v == NULL)
            rc = WH_INTERNAL;
        wh_params_text(&p, v);
    }
    if (rc == 0)
        rc = exec_status(db, "reporting_funnel_referrals", &p, NULL);
    for (int k = 0; k < 7; k++)
        wh_sqlarray_free(&col[k]);
    return rc;
}

int reporting_store_funnel_case(wh_db *db, int64_t case_id, int64_t household_id)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, case_id);
    wh_params_i64(&p, household_id);
    return exec_status(db, "reporting_funnel_case", &p, NULL);
}

int reporting_store_funnel_stage(wh_db *db, bool by_case, int64_t id, reporting_funnel_stage stage,
                                 const char *on)
{
    wh_params p;
    wh_params_reset(&p);
    wh_params_i64(&p, id);
    for (int k = 0; k < REPORTING_STAGE_COUNT; k++)
        if (k == (int)stage)
            wh_params_text(&p, on);
        else
            wh_params_text(&p, NULL);
    return exec_status(db, by_case ? "reporting_funnel_stage_of_case" : "reporting_funnel_stage", &p, NULL);
}

int reporting_store_funnel_stages(wh_db *db, const reporting_household_stages *rows, size_t n)
{
    wh_sqlarray col[1 + REPORTING_STAGE_COUNT] = {{0}};
    for (size_t i = 0; i < n; i++) {
        wh_sqlarray_i64(&col[0], rows[i].household_id);
        for (int k = 0; k < REPORTING_STAGE_COUNT; k++)
            if (rows[i].on[k][0])
                wh_sqlarray_text(&col[1 + k], rows[i].on[k]);
            else
                wh_sqlarray_null(&col[1 + k]);
    }
    wh_params p;
    wh_params_reset(&p);
    int rc = 0;
    for (int k = 0; k <= REPORTING_STAGE_COUNT && rc == 0; k++) {
        const char *v = wh_sqlarray_value(&col[k]);
        rc = v ? 0 : WH_INTERNAL;
        wh_params_text(&p, v);
    }
    if (rc == 0)
        rc = exec_status(db, "reporting_funnel_stages", &p, NULL);
    for (int k = 0; k <= REPORTING_STAGE_COUNT; k++)
        wh_sqlarray_free(&col[k]);
    return rc;
}

PGresult *reporting_store_read_selection(wh_db *db, const reporting_selection *s, const char *all,
                                         const char *some)
{
    static __thread char literal[REPORTING_SELECT_MAX * (REPORTING_DONG_MAX + 3) + 4];
    wh_params p;
    wh_params_reset(&p);
    wh_params_text(&p, s->from_on);
    wh_params_text(&p, s->to_on);
    if (s->n_dongs == 0)
        return wh_db_query(db, all, &p);
    if (reporting_dongs_literal(s, literal, sizeof literal) != 0)
        return NULL;
    wh_params_text(&p, literal);
    return wh_db_query(db, some, &p);
}

PGresult *reporting_store_funnel(wh_db *db, const reporting_selection *s)
{
    return reporting_store_read_selection(db, s, "reporting_funnel_all", "reporting_funnel_some");
}

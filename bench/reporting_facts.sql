-- reporting_facts.sql — loads reporting's fact tables straight from :events synthetic events (run as
-- superuser by bench/run.sh; 10 M events through the bus would take most of an hour here).  The
-- events are drawn in SQL, seeded, over :dongs dongs ":prefix" || 8 digits and :days business days
-- from :'first', and folded exactly as the service's handlers fold them: each event adds to its
-- dong's day in kpi_daily and its month in kpi_monthly; each CaseOpened is a case_interval row (80%
-- later closed, which adds a CaseClosed event on the closing day); staff work periods at the hubs.
-- The KPI queries then go through the real service.  Mix per 100 events: 35 HouseholdIdentified
-- (1..3 persons added), 8 BlindSpotDiscovered, 5 CaseOpened, 30 VisitCompleted, 4 VisitMissed,
-- 17 LinkageCompleted, 1 ResourceRegistered (KRW 0.1..5 M).  Ids are >= 10^12, clear of real ones.
\set ON_ERROR_STOP on
SET search_path = reporting;
SELECT setseed(0.4711);
BEGIN;
CREATE TEMP TABLE bench_event ON COMMIT DROP AS
SELECT :'prefix' || lpad(floor(random() * :dongs)::int::text, 8, '0') AS dong_code,
       (date :'first' + floor(random() * :days)::int) AS day,
       floor(random() * 100)::int AS kind,
       random() AS x
FROM generate_series(1, :events);

INSERT INTO kpi_daily (dong_code, day, targets, blind_spots, cases_opened, site_visits, visits_missed,
                       service_linkages, resources_discovered, resource_amount_krw)
SELECT dong_code, day,
       sum(CASE WHEN kind < 35 THEN 1 + floor(x * 3)::int ELSE 0 END),
       count(*) FILTER (WHERE kind >= 35 AND kind < 43),
       count(*) FILTER (WHERE kind >= 43 AND kind < 48),
       count(*) FILTER (WHERE kind >= 48 AND kind < 78),
       count(*) FILTER (WHERE kind >= 78 AND kind < 82),
       count(*) FILTER (WHERE kind >= 82 AND kind < 99),
       count(*) FILTER (WHERE kind = 99),
       coalesce(sum(100000 + floor(x * 4900000)::bigint) FILTER (WHERE kind = 99), 0)
FROM bench_event GROUP BY dong_code, day;

INSERT INTO case_interval (case_id, dong_code, opened_on, closed_on)
SELECT 1000000000000 + row_number() OVER (), dong_code, day,
       CASE WHEN x < 0.8 THEN day + 30 + floor(x * 450)::int END
FROM bench_event WHERE kind >= 43 AND kind < 48;

INSERT INTO kpi_daily AS k (dong_code, day, cases_closed)
SELECT dong_code, closed_on, count(*) FROM case_interval
WHERE case_id >= 1000000000000 AND closed_on IS NOT NULL GROUP BY dong_code, closed_on
ON CONFLICT (dong_code, day) DO UPDATE SET cases_closed = k.cases_closed + EXCLUDED.cases_closed;

INSERT INTO kpi_monthly (dong_code, month, targets, blind_spots, cases_opened, cases_closed, site_visits,
                         visits_missed, service_linkages, resources_discovered, resource_amount_krw)
SELECT dong_code, date_trunc('month', day)::date, sum(targets), sum(blind_spots), sum(cases_opened),
       sum(cases_closed), sum(site_visits), sum(visits_missed), sum(service_linkages),
       sum(resources_discovered), sum(resource_amount_krw)
FROM kpi_daily WHERE dong_code LIKE :'prefix' || '%' GROUP BY 1, 2;

INSERT INTO dong (dong_code, name, hub_type, hub_dong_code)
SELECT :'prefix' || lpad(i::text, 8, '0'), 'bench dong ' || i, 1, :'prefix' || lpad(i::text, 8, '0')
FROM generate_series(0, :dongs - 1) AS i;

INSERT INTO staff_interval (staff_id, active_from, active_until, hub_dong_code, role, is_private)
SELECT 1000000000000 + i, date :'first' + floor(random() * :days / 2)::int,
       CASE WHEN random() < 0.2 THEN date :'first' + :days / 2 + floor(random() * :days / 2)::int END,
       :'prefix' || lpad((i % :dongs)::text, 8, '0'), 1 + (i % 4), random() < 0.64
FROM generate_series(1, 15 * :dongs) AS i;

SELECT (SELECT count(*) FROM bench_event)
       + (SELECT count(*) FROM case_interval WHERE case_id >= 1000000000000 AND closed_on IS NOT NULL)
       AS events_loaded,
       (SELECT count(*) FROM kpi_daily WHERE dong_code LIKE :'prefix' || '%') AS daily_rows,
       (SELECT count(*) FROM kpi_monthly WHERE dong_code LIKE :'prefix' || '%') AS monthly_rows \gset
COMMIT;
ANALYZE kpi_daily;
ANALYZE kpi_monthly;
ANALYZE case_interval;
ANALYZE staff_interval;
\echo events_loaded=:events_loaded
\echo daily_rows=:daily_rows
\echo monthly_rows=:monthly_rows

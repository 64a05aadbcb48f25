-- check.sql — the fault suite's checker: what the clients were acknowledged (the driver's journal,
-- loaded into faults.ack by run.sh) against what every service's schema holds and what reporting
-- counts.  Run as superuser with psql variables:
--   dongs   the scenario's dong pattern ('8<prefix>__', LIKE), its clients' dongs only
--   kpi     reporting's QueryKpi reply for those dongs over March 2026, as welfarectl kpi --json prints it
-- Prints one line per check: name, got, want.  run.sh fails the scenario on any line where they differ.
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
\pset fieldsep ' '

CREATE TEMP VIEW ok AS SELECT * FROM faults.ack WHERE status = 0 AND dong LIKE :'dongs';
CREATE TEMP VIEW kpi AS SELECT (:'kpi'::jsonb) -> 'report' -> 'total' AS t;

-- Every acknowledged command (success or final error) is recorded by its service: nothing lost.
WITH recorded AS (
    SELECT message_id FROM intake.processed_command
    UNION ALL SELECT message_id FROM casework.processed_command
    UNION ALL SELECT message_id FROM registry.processed_command
    UNION ALL SELECT message_id FROM routing.processed_command)
SELECT 'acked_commands_lost', count(*), 0 FROM faults.ack a
 WHERE a.dong LIKE :'dongs' AND a.type NOT IN ('ListCases')
   AND NOT EXISTS (SELECT 1 FROM recorded r WHERE r.message_id = a.message_id);

-- Effects: exactly one per acknowledged command.
SELECT 'referrals_stored', count(*), (SELECT count(*) FROM ok WHERE type = 'SubmitReferral')
  FROM intake.referral r JOIN intake.household h ON h.id = r.household_id WHERE h.dong_code LIKE :'dongs';
SELECT 'acked_referrals_missing', count(*), 0 FROM ok a
 WHERE a.type = 'SubmitReferral' AND NOT EXISTS (SELECT 1 FROM intake.referral r WHERE r.id = a.n4);
SELECT 'households_stored', count(*), (SELECT count(*) FROM ok WHERE type = 'SubmitReferral')
  FROM intake.household WHERE dong_code LIKE :'dongs';
SELECT 'cases_opened', count(*), (SELECT coalesce(sum(n3), 0) FROM ok WHERE type = 'SubmitReferral')
  FROM casework.cases WHERE dong_code LIKE :'dongs';
SELECT 'assessments_stored', count(*), (SELECT count(*) FROM ok WHERE type = 'AssessNeeds')
  FROM casework.assessment a JOIN casework.cases c ON c.id = a.case_id WHERE c.dong_code LIKE :'dongs';
SELECT 'linkages_completed', count(*) FILTER (WHERE l.status = 'completed'),
       (SELECT coalesce(sum(n1), 0) FROM ok WHERE type = 'AssessNeeds')
  FROM casework.linkage l JOIN casework.cases c ON c.id = l.case_id WHERE c.dong_code LIKE :'dongs';
SELECT 'visits_completed', count(*), (SELECT coalesce(sum(n1), 0) FROM ok WHERE type = 'RecordVisitOutcome')
  FROM routing.visit WHERE hub_dong_code LIKE :'dongs' AND status = 'completed';
SELECT 'staff_stored', count(*), (SELECT count(*) FROM ok WHERE type = 'RegisterStaff')
  FROM routing.staff WHERE hub_dong_code LIKE :'dongs';
SELECT 'resources_stored', count(*), (SELECT count(*) FROM ok WHERE type = 'RegisterResource')
  FROM registry.resource WHERE dong_code LIKE :'dongs';

-- Streams: every producer's outbox numbered without a gap up to its head …
WITH s AS (
    SELECT 'intake' AS stream, count(*) AS n, min(sequence) AS lo, max(sequence) AS hi,
           (SELECT head FROM intake.stream_head WHERE stream = 'intake') AS head FROM intake.outbox
    UNION ALL SELECT 'case', count(*), min(sequence), max(sequence),
           (SELECT head FROM casework.stream_head WHERE stream = 'case') FROM casework.outbox
    UNION ALL SELECT 'registry', count(*), min(sequence), max(sequence),
           (SELECT head FROM registry.stream_head WHERE stream = 'registry') FROM registry.outbox
    UNION ALL SELECT 'routing', count(*), min(sequence), max(sequence),
           (SELECT head FROM routing.stream_head WHERE stream = 'routing') FROM routing.outbox)
SELECT 'stream_gaps', count(*) FILTER (WHERE n > 0 AND (hi - lo + 1 <> n OR hi <> head)), 0 FROM s;
-- … and every consumer of every stream at that head (run.sh waited for it; this proves it).
SELECT 'consumers_behind', count(*), 0 FROM faults.lagging;

-- Dead letters: none but the poison messages the suite injects itself (message ids 'poison-…').
WITH d AS (
    SELECT message_id FROM intake.dead_letter UNION ALL SELECT message_id FROM casework.dead_letter
    UNION ALL SELECT message_id FROM registry.dead_letter UNION ALL SELECT message_id FROM routing.dead_letter
    UNION ALL SELECT message_id FROM reporting.dead_letter)
SELECT 'unexpected_dead_letters', count(*), 0 FROM d WHERE message_id NOT LIKE 'poison-%';

-- Reporting's KPI totals equal the checker's own count from the replies.
-- (targets are the roster's stock, which the load does not enrol: referrals add none)
SELECT 'kpi_targets', (SELECT coalesce((t ->> 'targets')::bigint, 0) FROM kpi), 0;
SELECT 'kpi_blind_spots', (SELECT (t ->> 'blind_spots')::bigint FROM kpi),
       (SELECT coalesce(sum(n2), 0) FROM ok WHERE type = 'SubmitReferral');
SELECT 'kpi_case_households', (SELECT (t ->> 'case_households')::bigint FROM kpi),
       (SELECT coalesce(sum(n3), 0) FROM ok WHERE type = 'SubmitReferral');
SELECT 'kpi_service_linkages', (SELECT (t ->> 'service_linkages')::bigint FROM kpi),
       (SELECT coalesce(sum(n1), 0) FROM ok WHERE type = 'AssessNeeds');
SELECT 'kpi_site_visits', (SELECT (t ->> 'site_visits')::bigint FROM kpi),
       (SELECT coalesce(sum(n1), 0) FROM ok WHERE type = 'RecordVisitOutcome');
SELECT 'kpi_visiting_personnel', (SELECT (t ->> 'visiting_personnel')::bigint FROM kpi),
       (SELECT count(*) FROM ok WHERE type = 'RegisterStaff');
SELECT 'kpi_personnel_private', (SELECT (t ->> 'visiting_personnel_private')::bigint FROM kpi),
       (SELECT coalesce(sum(n2), 0) FROM ok WHERE type = 'RegisterStaff');
SELECT 'kpi_resources', (SELECT (t ->> 'resources_discovered')::bigint FROM kpi),
       (SELECT count(*) FROM ok WHERE type = 'RegisterResource');
SELECT 'kpi_resource_amount_krw', (SELECT (t ->> 'resource_amount_krw')::bigint FROM kpi),
       (SELECT coalesce(sum(n2), 0) FROM ok WHERE type = 'RegisterResource');

-- Figures (want = got: reported, not judged).  Commands that a kill -9 caught between their commit
-- and their reply: committed before the kill of their service, acknowledged (by a resend) after it.
WITH p AS (
    SELECT 'intake' AS service, message_id, processed_at FROM intake.processed_command
    UNION ALL SELECT 'case', message_id, processed_at FROM casework.processed_command
    UNION ALL SELECT 'registry', message_id, processed_at FROM registry.processed_command
    UNION ALL SELECT 'routing', message_id, processed_at FROM routing.processed_command),
n AS (SELECT count(DISTINCT a.message_id) AS n FROM faults.ack a JOIN p USING (service, message_id)
        JOIN faults.kill k ON k.service = a.service
       WHERE a.dong LIKE :'dongs' AND extract(epoch FROM p.processed_at) * 1000 < k.at_ms AND a.ack_ms > k.at_ms)
SELECT 'figure_committed_before_kill_answered_after', n, n FROM n;
SELECT 'figure_acked_commands', count(*), count(*) FROM faults.ack WHERE dong LIKE :'dongs';
SELECT 'figure_resent_commands', count(*), count(*) FROM faults.ack WHERE dong LIKE :'dongs' AND tries > 1;
SELECT 'figure_events_in_streams', sum(head), sum(head) FROM (
    SELECT head FROM intake.stream_head UNION ALL SELECT head FROM casework.stream_head
    UNION ALL SELECT head FROM registry.stream_head UNION ALL SELECT head FROM routing.stream_head) h;

-- setup.sql — the fault suite's own schema in the stack's database (superuser; nothing of a service):
-- faults.ack holds the driver's journals, faults.kill the moments the harness killed a service, and
-- faults.lagging lists every consumer whose position is below its producer's head.
\set ON_ERROR_STOP 1
CREATE SCHEMA IF NOT EXISTS faults;
CREATE TABLE IF NOT EXISTS faults.ack (
    service text, type text, message_id text, status integer, tries integer, sent_ms bigint, ack_ms bigint,
    dong text, n1 bigint, n2 bigint, n3 bigint, n4 bigint);
CREATE TABLE IF NOT EXISTS faults.kill (service text, at_ms bigint);
CREATE OR REPLACE VIEW faults.lagging AS
WITH heads AS (
    SELECT 'intake' AS stream, head FROM intake.stream_head WHERE stream = 'intake'
    UNION ALL SELECT 'case', head FROM casework.stream_head WHERE stream = 'case'
    UNION ALL SELECT 'registry', head FROM registry.stream_head WHERE stream = 'registry'
    UNION ALL SELECT 'routing', head FROM routing.stream_head WHERE stream = 'routing'),
positions AS (
    SELECT 'intake' AS consumer, stream, position FROM intake.consumer_position
    UNION ALL SELECT 'case', stream, position FROM casework.consumer_position
    UNION ALL SELECT 'registry', stream, position FROM registry.consumer_position
    UNION ALL SELECT 'routing', stream, position FROM routing.consumer_position
    UNION ALL SELECT 'reporting', stream, position FROM reporting.consumer_position)
SELECT consumer, stream, position, head FROM positions JOIN heads USING (stream) WHERE position < head;

-- The faults' own trigger functions run as the service roles: they may use this schema.
GRANT USAGE ON SCHEMA faults TO PUBLIC;
CREATE OR REPLACE FUNCTION faults.slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_sleep(0.1);
    RETURN NULL;
END $$;

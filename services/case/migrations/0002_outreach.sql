-- Outreach to every identified household, case or not: the households intake identified (any risk,
-- from HouseholdIdentified), their home visits with the outcome, and what the visit cycle and the
-- unreachable escalation need.  No personal data: ids, dongs, dates, codes; notes sealed.

-- risk_score is the present one (the latest identification's), not the highest ever.
-- failed_attempts counts failed visits in a row (not at home, refused); a meeting resets it.
-- escalated_on: unreachable after WH_CASE_UNREACHABLE_ATTEMPTS failed attempts, until met again.
-- watch_ended_on: moved or deceased; no more monitoring visits.
-- decision_since: a closed case's household re-reported: waits for the hub's decision.
CREATE TABLE household (
    household_id    bigint PRIMARY KEY,
    dong_code       text NOT NULL,
    latitude        double precision,
    longitude       double precision,
    risk_score      integer NOT NULL CHECK (risk_score BETWEEN 0 AND 100),
    identified_on   date NOT NULL,
    failed_attempts integer NOT NULL DEFAULT 0,
    escalated_on    date,
    watch_ended_on  date,
    last_met_on     date,
    decision_since  date
);
CREATE INDEX household_dong ON household (dong_code);
CREATE INDEX household_escalated ON household (dong_code, escalated_on) WHERE escalated_on IS NOT NULL;

-- Visit requests of a household without a case: case_id NULL.
ALTER TABLE visit_request ALTER COLUMN case_id DROP NOT NULL;
ALTER TABLE visit_request ADD COLUMN household_id bigint;
UPDATE visit_request v SET household_id = c.household_id FROM cases c WHERE c.id = v.case_id;
ALTER TABLE visit_request DROP CONSTRAINT visit_request_purpose_check;
ALTER TABLE visit_request ADD CONSTRAINT visit_request_purpose_check CHECK (purpose BETWEEN 1 AND 5);
CREATE INDEX visit_request_household ON visit_request (household_id) WHERE status = 'requested';

-- Each home visit once: from routing's outcome of a planned visit (visit_id, detailed later by
-- RecordHomeVisit) or recorded by RecordHomeVisit alone (visit_id 0).  note_sealed as follow_up's.
CREATE TABLE home_visit (
    id               bigserial PRIMARY KEY,
    household_id     bigint NOT NULL REFERENCES household (household_id),
    case_id          bigint NOT NULL DEFAULT 0,
    visit_id         bigint NOT NULL DEFAULT 0,
    visited_on       date NOT NULL,
    outcome          integer NOT NULL CHECK (outcome BETWEEN 1 AND 5),
    roles            integer[] NOT NULL DEFAULT '{}',
    need_domains     integer[] NOT NULL DEFAULT '{}',
    need_severities  integer[] NOT NULL DEFAULT '{}',
    note_sealed      text NOT NULL DEFAULT '',
    follow_up_on     date,
    detailed         boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX home_visit_planned ON home_visit (visit_id) WHERE visit_id <> 0;
CREATE INDEX home_visit_household ON home_visit (household_id, visited_on);

-- Outreach: visit requests of any household (case_id 0 when it has no case), the resident's time of
-- day and the skills the visit needs, and requests dropped because their case closed, their household
-- was escalated as unreachable, or moved or died.
ALTER TABLE visit_request ADD COLUMN window_start_minute integer NOT NULL DEFAULT 0;
ALTER TABLE visit_request ADD COLUMN window_end_minute integer NOT NULL DEFAULT 0;
ALTER TABLE visit_request ADD COLUMN skills text[] NOT NULL DEFAULT '{}';
ALTER TABLE visit_request ADD COLUMN dropped_reason text;
ALTER TABLE visit_request DROP CONSTRAINT visit_request_status_check;
ALTER TABLE visit_request ADD CONSTRAINT visit_request_status_check
    CHECK (status IN ('pending', 'scheduled', 'completed', 'dropped'));
CREATE INDEX visit_request_case ON visit_request (case_id) WHERE status IN ('pending', 'scheduled');
CREATE INDEX visit_request_household ON visit_request (household_id) WHERE status IN ('pending', 'scheduled');
ALTER TABLE visit DROP CONSTRAINT visit_status_check;
ALTER TABLE visit ADD CONSTRAINT visit_status_check CHECK (status IN ('scheduled', 'completed', 'missed', 'dropped'));

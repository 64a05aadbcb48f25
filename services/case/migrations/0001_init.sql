-- case (schema casework): cases, their needs assessments, linkages, visit requests, follow-ups and
-- assignments, and what the service keeps of routing's map and staff: dongs and hubs, case workers.

-- The district's dongs as routing.DongDefined describes them: a sphere-type dong is served by its
-- hub's staff.
CREATE TABLE dong (
    dong_code     text PRIMARY KEY,
    hub_dong_code text NOT NULL,
    hub_type      integer NOT NULL,
    latitude      double precision,
    longitude     double precision
);

-- Visiting staff as routing.StaffRegistered / StaffDeactivated describe them; carries_cases for the
-- roles that own cases (case managers, welfare officials).  No names: routing keeps those.
CREATE TABLE worker (
    staff_id      bigint PRIMARY KEY,
    hub_dong_code text NOT NULL,
    role          integer NOT NULL,
    employment    integer NOT NULL,
    carries_cases boolean NOT NULL,
    active_from   date NOT NULL,
    active_until  date
);
CREATE INDEX worker_hub ON worker (hub_dong_code) WHERE carries_cases;

CREATE TABLE cases (
    id            bigserial PRIMARY KEY,
    household_id  bigint NOT NULL CHECK (household_id > 0),
    referral_id   bigint NOT NULL DEFAULT 0,
    dong_code     text NOT NULL,
    hub_dong_code text NOT NULL,
    latitude      double precision,
    longitude     double precision,
    risk_score    integer NOT NULL CHECK (risk_score BETWEEN 0 AND 100),
    status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    staff_id      bigint REFERENCES worker (staff_id),
    opened_on     date NOT NULL,
    assigned_on   date,
    closed_on     date,
    close_reason  integer NOT NULL DEFAULT 0,
    last_visit_on date,
    CHECK (closed_on IS NULL OR closed_on >= opened_on)
);
-- One open case per household; one case per referral that opened one.
CREATE UNIQUE INDEX cases_household_open ON cases (household_id) WHERE status = 'open';
CREATE UNIQUE INDEX cases_referral ON cases (referral_id) WHERE referral_id <> 0;
CREATE INDEX cases_staff_open ON cases (staff_id) WHERE status = 'open';
CREATE INDEX cases_waiting ON cases (hub_dong_code, risk_score DESC, opened_on, id)
    WHERE status = 'open' AND staff_id IS NULL;
CREATE INDEX cases_dong ON cases (dong_code, id);
CREATE INDEX cases_hub ON cases (hub_dong_code, id);

-- Who owned a case when; ended_on is NULL for the current owner.
CREATE TABLE assignment (
    id          bigserial PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases (id),
    staff_id    bigint NOT NULL REFERENCES worker (staff_id),
    assigned_on date NOT NULL,
    ended_on    date
);
CREATE UNIQUE INDEX assignment_current ON assignment (case_id) WHERE ended_on IS NULL;

CREATE TABLE assessment (
    id          bigserial PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases (id),
    assessed_on date NOT NULL
);
CREATE INDEX assessment_case ON assessment (case_id, id);

CREATE TABLE need (
    assessment_id bigint NOT NULL REFERENCES assessment (id),
    domain        integer NOT NULL CHECK (domain BETWEEN 1 AND 8),
    severity      integer NOT NULL CHECK (severity BETWEEN 1 AND 4),
    PRIMARY KEY (assessment_id, domain)
);

CREATE TABLE linkage (
    id             bigserial PRIMARY KEY,
    case_id        bigint NOT NULL REFERENCES cases (id),
    assessment_id  bigint REFERENCES assessment (id),
    domain         integer NOT NULL CHECK (domain BETWEEN 1 AND 8),
    severity       integer NOT NULL CHECK (severity BETWEEN 1 AND 4),
    status         text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'completed', 'failed')),
    requested_on   date NOT NULL,
    resource_id    bigint NOT NULL DEFAULT 0,
    reservation_id bigint NOT NULL DEFAULT 0,
    completed_on   date,
    failure_reason text NOT NULL DEFAULT ''
);
-- At most one linkage per case and domain waits for the registry at a time.
CREATE UNIQUE INDEX linkage_waiting ON linkage (case_id, domain) WHERE status = 'requested';
CREATE INDEX linkage_case ON linkage (case_id, id);

CREATE TABLE visit_request (
    id               bigserial PRIMARY KEY,
    case_id          bigint NOT NULL REFERENCES cases (id),
    purpose          integer NOT NULL CHECK (purpose BETWEEN 1 AND 3),
    roles            integer[] NOT NULL,
    priority         integer NOT NULL CHECK (priority BETWEEN 0 AND 100),
    duration_minutes integer NOT NULL CHECK (duration_minutes > 0),
    earliest_on      date NOT NULL,
    latest_on        date NOT NULL CHECK (latest_on >= earliest_on),
    status           text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'completed')),
    visited_on       date,
    misses           integer NOT NULL DEFAULT 0
);
CREATE INDEX visit_request_case ON visit_request (case_id, id);

-- Each of routing's visit outcomes once (its visit id), so a repeat changes nothing.
CREATE TABLE visit_outcome (
    visit_id         bigint PRIMARY KEY,
    visit_request_id bigint NOT NULL REFERENCES visit_request (id),
    completed        boolean NOT NULL,
    miss_reason      integer NOT NULL DEFAULT 0,
    outcome_on       date NOT NULL
);

-- note is sealed with the PII key (XChaCha20-Poly1305, base64), never stored in clear.
CREATE TABLE follow_up (
    id               bigserial PRIMARY KEY,
    case_id          bigint NOT NULL REFERENCES cases (id),
    kind             integer NOT NULL CHECK (kind BETWEEN 1 AND 4),
    note_sealed      text NOT NULL DEFAULT '',
    recorded_on      date NOT NULL,
    visit_request_id bigint NOT NULL DEFAULT 0
);
CREATE INDEX follow_up_case ON follow_up (case_id, id);

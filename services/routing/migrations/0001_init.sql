-- routing: dongs and hubs, visiting staff, visit requests, day plans and visits.

CREATE TABLE dong (
    dong_code     text PRIMARY KEY,
    name          text NOT NULL,
    hub_type      integer NOT NULL CHECK (hub_type IN (1, 2)),
    hub_dong_code text NOT NULL,
    latitude      double precision NOT NULL,
    longitude     double precision NOT NULL
);
CREATE INDEX dong_hub ON dong (hub_dong_code);

-- name is the only personal datum routing holds; it is never logged nor published.
CREATE TABLE staff (
    id            bigserial PRIMARY KEY,
    name          text NOT NULL,
    role          integer NOT NULL CHECK (role BETWEEN 1 AND 4),
    employment    integer NOT NULL CHECK (employment IN (1, 2)),
    hub_dong_code text NOT NULL REFERENCES dong (dong_code),
    shift_start   integer NOT NULL CHECK (shift_start >= 0),
    shift_end     integer NOT NULL CHECK (shift_end <= 1440 AND shift_end > shift_start),
    skills        text[] NOT NULL DEFAULT '{}',
    active_from   date NOT NULL,
    active_until  date
);
CREATE INDEX staff_hub ON staff (hub_dong_code);

-- One row per case.VisitRequested; the id is the case service's visit request id.
CREATE TABLE visit_request (
    id               bigint PRIMARY KEY,
    case_id          bigint NOT NULL,
    household_id     bigint NOT NULL,
    dong_code        text NOT NULL,
    hub_dong_code    text NOT NULL,
    latitude         double precision,
    longitude        double precision,
    roles            integer[] NOT NULL,
    priority         integer NOT NULL,
    duration_minutes integer NOT NULL CHECK (duration_minutes > 0),
    earliest_on      date NOT NULL,
    latest_on        date NOT NULL,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'scheduled', 'completed'))
);
CREATE INDEX visit_request_pending ON visit_request (hub_dong_code, earliest_on) WHERE status = 'pending';

-- A planned (hub, date), each member of staff's route summary, and what planning left out.
CREATE TABLE day_plan (
    hub_dong_code text NOT NULL,
    plan_date     date NOT NULL,
    PRIMARY KEY (hub_dong_code, plan_date)
);
CREATE TABLE day_route (
    hub_dong_code  text NOT NULL,
    plan_date      date NOT NULL,
    staff_id       bigint NOT NULL REFERENCES staff (id),
    travel_minutes integer NOT NULL,
    return_minute  integer NOT NULL,
    PRIMARY KEY (hub_dong_code, plan_date, staff_id)
);
CREATE TABLE unplaced (
    hub_dong_code    text NOT NULL,
    plan_date        date NOT NULL,
    visit_request_id bigint NOT NULL REFERENCES visit_request (id),
    reason           integer NOT NULL,
    PRIMARY KEY (hub_dong_code, plan_date, visit_request_id)
);

CREATE TABLE visit (
    id               bigserial PRIMARY KEY,
    visit_request_id bigint NOT NULL REFERENCES visit_request (id),
    hub_dong_code    text NOT NULL,
    plan_date        date NOT NULL,
    start_minute     integer NOT NULL,
    end_minute       integer NOT NULL,
    status           text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'completed', 'missed')),
    miss_reason      integer NOT NULL DEFAULT 0,
    outcome_on       date
);
CREATE INDEX visit_day ON visit (hub_dong_code, plan_date);

-- Who goes on a visit, and where it sits in each one's route.
CREATE TABLE visit_staff (
    visit_id       bigint NOT NULL REFERENCES visit (id),
    staff_id       bigint NOT NULL REFERENCES staff (id),
    seq            integer NOT NULL,
    travel_minutes integer NOT NULL,
    PRIMARY KEY (visit_id, staff_id)
);
CREATE INDEX visit_staff_staff ON visit_staff (staff_id);

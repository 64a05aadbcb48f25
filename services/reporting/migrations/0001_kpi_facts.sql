-- Reporting's facts: counts per dong per business day, the intervals of cases and staff, and the
-- dong -> hub map.  No personal data: ids, dong codes, dates and counts only.

-- One row per dong and business day; every event adds to one row here and to its month's row in
-- kpi_monthly.  A KPI query reads whole months from kpi_monthly and the partial months at either end
-- of the period from kpi_daily, both by primary-key range scans, so its cost grows with dongs x months
-- in the period, never with the number of events.
CREATE TABLE kpi_daily (
    dong_code            text   NOT NULL,
    day                  date   NOT NULL,
    targets              bigint NOT NULL DEFAULT 0,
    blind_spots          bigint NOT NULL DEFAULT 0,
    cases_opened         bigint NOT NULL DEFAULT 0,
    cases_closed         bigint NOT NULL DEFAULT 0,
    site_visits          bigint NOT NULL DEFAULT 0,
    visits_missed        bigint NOT NULL DEFAULT 0,
    service_linkages     bigint NOT NULL DEFAULT 0,
    resources_discovered bigint NOT NULL DEFAULT 0,
    resource_amount_krw  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (dong_code, day)
);
-- For every-dong queries: the partial months at the ends are a range of days across all dongs.
CREATE INDEX kpi_daily_day ON kpi_daily (day);

-- The same counters per dong and calendar month (month = its first day).
CREATE TABLE kpi_monthly (
    dong_code            text   NOT NULL,
    month                date   NOT NULL CHECK (extract(day FROM month) = 1),
    targets              bigint NOT NULL DEFAULT 0,
    blind_spots          bigint NOT NULL DEFAULT 0,
    cases_opened         bigint NOT NULL DEFAULT 0,
    cases_closed         bigint NOT NULL DEFAULT 0,
    site_visits          bigint NOT NULL DEFAULT 0,
    visits_missed        bigint NOT NULL DEFAULT 0,
    service_linkages     bigint NOT NULL DEFAULT 0,
    resources_discovered bigint NOT NULL DEFAULT 0,
    resource_amount_krw  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (dong_code, month)
);
CREATE INDEX kpi_monthly_month ON kpi_monthly (month);

-- Each case once, so a replayed CaseOpened or a second CaseClosed counts nothing, and a close is
-- dated no earlier than the opening.  Cases open at any time in [from, to] are then
-- (opened on or before `to`) - (closed before `from`), both sums of the counters above.
CREATE TABLE case_interval (
    case_id   bigint PRIMARY KEY,
    dong_code text   NOT NULL,
    opened_on date   NOT NULL,
    closed_on date,
    CHECK (closed_on IS NULL OR closed_on >= opened_on)
);

-- Work periods of visiting staff at a hub.  A StaffRegistered for a member already working starts a
-- new period (new hub, role or employment) and ends the previous one the day before.
CREATE TABLE staff_interval (
    staff_id      bigint   NOT NULL,
    active_from   date     NOT NULL,
    active_until  date,
    hub_dong_code text     NOT NULL,
    role          smallint NOT NULL,
    is_private    boolean  NOT NULL,
    PRIMARY KEY (staff_id, active_from)
);
CREATE INDEX staff_interval_hub ON staff_interval (hub_dong_code, active_from);

-- The district's dongs and the hub serving each (itself for a basic-type hub).
CREATE TABLE dong (
    dong_code     text     PRIMARY KEY,
    name          text     NOT NULL,
    hub_type      smallint NOT NULL,
    hub_dong_code text     NOT NULL,
    latitude      double precision,
    longitude     double precision
);
CREATE INDEX dong_hub ON dong (hub_dong_code);

-- The go-live history of each dong's hub: from which business date it is served as which model
-- (basic type, or sphere type served by a central dong's hub).  One row per DongDefined carrying a
-- live_from; a dong without rows here is defined but not live yet.  Reporting splits "before/after
-- go-live" and "live vs not yet live" dongs with it; no personal data.
CREATE TABLE dong_live (
    dong_code     text     NOT NULL,
    live_from     date     NOT NULL,
    hub_type      smallint NOT NULL,
    hub_dong_code text     NOT NULL,
    PRIMARY KEY (dong_code, live_from)
);

-- registry: providers, resources and capacity reservations, and the dong map routing publishes.

-- The district's dongs as routing.DongDefined describes them: centre (for distances) and hub
-- (a resource in a dong serves its hub's whole sphere).
CREATE TABLE dong (
    dong_code     text PRIMARY KEY,
    hub_dong_code text NOT NULL,
    latitude      double precision NOT NULL,
    longitude     double precision NOT NULL
);
CREATE INDEX dong_hub ON dong (hub_dong_code);

CREATE TABLE provider (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL,
    is_private boolean NOT NULL,
    has_mou    boolean NOT NULL,
    dong_code  text NOT NULL
);

CREATE TABLE resource (
    id                bigserial PRIMARY KEY,
    provider_id       bigint NOT NULL REFERENCES provider (id),
    domain            integer NOT NULL CHECK (domain > 0),
    kind              integer NOT NULL CHECK (kind > 0),
    dong_code         text NOT NULL,
    capacity          integer NOT NULL CHECK (capacity > 0),
    -- Kept in step with the active reservations so that reserving is one conditional UPDATE.
    remaining         integer NOT NULL CHECK (remaining >= 0 AND remaining <= capacity),
    amount_krw        bigint NOT NULL DEFAULT 0 CHECK (amount_krw >= 0),
    eligibility_notes text NOT NULL DEFAULT '',
    title             text NOT NULL DEFAULT '',
    min_severity      integer NOT NULL DEFAULT 0,
    discovered_on     date NOT NULL
);
CREATE INDEX resource_domain_open ON resource (domain) WHERE remaining > 0;
CREATE INDEX resource_dong ON resource (dong_code, id);

CREATE TABLE reservation (
    id          bigserial PRIMARY KEY,
    resource_id bigint NOT NULL REFERENCES resource (id),
    linkage_id  bigint NOT NULL DEFAULT 0,
    case_id     bigint NOT NULL DEFAULT 0,
    reserved_on date NOT NULL,
    released_on date
);
-- A linkage holds at most one active reservation.
CREATE UNIQUE INDEX reservation_linkage_active ON reservation (linkage_id)
    WHERE linkage_id <> 0 AND released_on IS NULL;
CREATE INDEX reservation_resource ON reservation (resource_id);

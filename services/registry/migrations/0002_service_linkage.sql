-- Service linkages of any household, case or not, as a closed loop: requested → accepted (or
-- refused) by the provider → started (delivered) → ended with an outcome.  A resource linkage holds
-- one reservation while it is requested, accepted or started; refusing or ending it gives the unit
-- back.  The households intake identified are kept (id and dong only) so a linkage names a real one.
CREATE TABLE household (
    household_id  bigint PRIMARY KEY,
    dong_code     text NOT NULL,
    identified_on date NOT NULL
);

-- Who registered a provider (the principal's name): an agency may move only its own providers'
-- linkages.
ALTER TABLE provider ADD COLUMN registered_by text NOT NULL DEFAULT '';

CREATE TABLE service_linkage (
    id             bigserial PRIMARY KEY,
    household_id   bigint NOT NULL REFERENCES household (household_id),
    case_id        bigint NOT NULL DEFAULT 0,
    dong_code      text NOT NULL,
    kind           integer NOT NULL CHECK (kind IN (1, 2)),
    programme      integer NOT NULL DEFAULT 0,
    provider_id    bigint NOT NULL DEFAULT 0,
    resource_id    bigint NOT NULL DEFAULT 0,
    reservation_id bigint NOT NULL DEFAULT 0,
    domain         integer NOT NULL CHECK (domain > 0),
    channel        integer NOT NULL DEFAULT 0,
    referral_id    bigint NOT NULL DEFAULT 0,
    state          integer NOT NULL CHECK (state BETWEEN 1 AND 5),
    outcome        integer NOT NULL DEFAULT 0,
    requested_on   date NOT NULL,
    changed_on     date NOT NULL
);
CREATE INDEX service_linkage_household ON service_linkage (household_id, id);
CREATE INDEX service_linkage_provider ON service_linkage (provider_id, id);
CREATE INDEX service_linkage_case_open ON service_linkage (case_id) WHERE case_id <> 0 AND state IN (1, 2, 4);
CREATE INDEX reservation_case_active ON reservation (case_id) WHERE case_id <> 0 AND released_on IS NULL;

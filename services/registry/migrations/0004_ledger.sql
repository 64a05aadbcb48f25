-- registry: the resource ledger — the finder credited with each find, donations (pledged,
-- received, allocated to service linkages), MOUs as records with their commitments.

-- Who found a resource: a safety-net member (intake's id, 0 none), a team (0 none) and the hub
-- credited (a dong code).  Resources from before the ledger are credited to their dong's hub.
ALTER TABLE resource
    ADD COLUMN finder_member_id bigint NOT NULL DEFAULT 0 CHECK (finder_member_id >= 0),
    ADD COLUMN finder_team integer NOT NULL DEFAULT 0 CHECK (finder_team BETWEEN 0 AND 3),
    ADD COLUMN finder_hub text NOT NULL DEFAULT '';
UPDATE resource r SET finder_hub = COALESCE((SELECT d.hub_dong_code FROM dong d WHERE d.dong_code = r.dong_code),
                                            r.dong_code);
CREATE INDEX resource_finder_discovered ON resource (discovered_on, finder_hub);

-- A pledge: one-off (one instalment) or recurring (instalments of instalment_krw).  received_krw and
-- allocated_krw are kept in step with the receipts and allocations, so the CHECKs below refuse an
-- over-receipt and an over-allocation in the statement that would make one.  A person's name is only
-- stored sealed (wh_pii_seal); an organisation's is in clear; any contact is sealed.
CREATE TABLE donation (
    id                   bigserial PRIMARY KEY,
    donor_kind           integer NOT NULL CHECK (donor_kind IN (1, 2)),
    donor_name           text NOT NULL DEFAULT '',
    donor_name_sealed    text,
    donor_contact_sealed text,
    provider_id          bigint REFERENCES provider (id),
    kind                 integer NOT NULL CHECK (kind BETWEEN 1 AND 3),
    description          text NOT NULL DEFAULT '',
    instalment_krw       bigint NOT NULL CHECK (instalment_krw > 0),
    recurrence           integer NOT NULL CHECK (recurrence BETWEEN 1 AND 4),
    instalments          integer NOT NULL CHECK (instalments >= 1),
    pledged_krw          bigint NOT NULL,
    received_krw         bigint NOT NULL DEFAULT 0,
    allocated_krw        bigint NOT NULL DEFAULT 0,
    pledged_on           date NOT NULL,
    dong_code            text NOT NULL,
    finder_member_id     bigint NOT NULL DEFAULT 0 CHECK (finder_member_id >= 0),
    finder_team          integer NOT NULL DEFAULT 0 CHECK (finder_team BETWEEN 0 AND 3),
    finder_hub           text NOT NULL,
    resource_id          bigint REFERENCES resource (id),
    CHECK (pledged_krw = instalment_krw * instalments),
    CHECK (received_krw BETWEEN 0 AND pledged_krw),
    CHECK (allocated_krw BETWEEN 0 AND received_krw),
    CHECK (donor_kind = 2 OR (donor_name = '' AND donor_name_sealed IS NOT NULL))
);
CREATE INDEX donation_dong ON donation (dong_code, id);
CREATE INDEX donation_pledged ON donation (pledged_on);

CREATE TABLE donation_receipt (
    id          bigserial PRIMARY KEY,
    donation_id bigint NOT NULL REFERENCES donation (id),
    amount_krw  bigint NOT NULL CHECK (amount_krw > 0),
    received_on date NOT NULL
);
CREATE INDEX donation_receipt_donation ON donation_receipt (donation_id);
CREATE INDEX donation_receipt_received ON donation_receipt (received_on);

CREATE TABLE donation_allocation (
    id           bigserial PRIMARY KEY,
    donation_id  bigint NOT NULL REFERENCES donation (id),
    linkage_id   bigint NOT NULL REFERENCES service_linkage (id),
    household_id bigint NOT NULL,
    amount_krw   bigint NOT NULL CHECK (amount_krw > 0),
    allocated_on date NOT NULL
);
CREATE INDEX donation_allocation_donation ON donation_allocation (donation_id);
CREATE INDEX donation_allocation_linkage ON donation_allocation (linkage_id);

-- A memorandum of understanding with a partner: purpose, period (open-ended when ends_on is NULL)
-- and what the partner commits to.  provider.has_mou stays for compatibility; a provider reads as
-- having an MOU when that flag is set or it has a row here.
CREATE TABLE mou (
    id               bigserial PRIMARY KEY,
    provider_id      bigint NOT NULL REFERENCES provider (id),
    purpose          text NOT NULL,
    starts_on        date NOT NULL,
    ends_on          date CHECK (ends_on IS NULL OR ends_on >= starts_on),
    finder_member_id bigint NOT NULL DEFAULT 0 CHECK (finder_member_id >= 0),
    finder_team      integer NOT NULL DEFAULT 0 CHECK (finder_team BETWEEN 0 AND 3),
    finder_hub       text NOT NULL
);
CREATE INDEX mou_provider ON mou (provider_id, id);

CREATE TABLE mou_commitment (
    mou_id   bigint NOT NULL REFERENCES mou (id),
    ordinal  integer NOT NULL,
    what     text NOT NULL,
    quantity integer NOT NULL CHECK (quantity > 0),
    per      integer NOT NULL CHECK (per BETWEEN 1 AND 3),
    domain   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (mou_id, ordinal)
);

-- The safety net's finds per member (registry's Finder on ResourceRegistered, DonationPledged and
-- DonationReceived, when it names a member): one row per event, keyed by the registry's id of what
-- it records, so an event applied twice counts once.  source: 1 a resource registered (finds 1, its
-- value), 2 a donation pledged (finds 1, no value yet), 3 a donation's receipt (finds 0, its value).
-- Events applied before this migration credit no member: a rebuild from replay counts them (README,
-- "Backfill").
CREATE TABLE net_find (
    source     smallint NOT NULL,
    source_id  bigint   NOT NULL,
    member_id  bigint   NOT NULL,
    found_on   date     NOT NULL,
    finds      smallint NOT NULL,
    amount_krw bigint   NOT NULL,
    PRIMARY KEY (source, source_id)
);
CREATE INDEX net_find_day ON net_find (found_on, member_id);

-- intake: matching keys of NFC text.  Since db3bbf7 the bus normalises every string to NFC on the way
-- in (and since 2026-12 intake_normalize does too), so a name or an address that was stored from
-- decomposed (NFD) text before has a name_key / address_key no new referral computes any more: its
-- household would stop matching.  The keys are keyed hashes, so only the service (with the PII key)
-- can recompute them: rekey.c does at start while this row is pending, in batches, and records what
-- it changed.  A database without households has nothing to rekey.
CREATE TABLE key_migration (
    name              text PRIMARY KEY,
    pending           boolean NOT NULL,
    -- The last household id done (the rekey resumes after it).
    after_household   bigint  NOT NULL DEFAULT 0,
    households_rekeyed bigint NOT NULL DEFAULT 0,
    persons_rekeyed   bigint  NOT NULL DEFAULT 0,
    -- Persons whose key was made from another address than their household's (a later referral's):
    -- their old key cannot be recomputed, so it is left as it was.
    persons_kept      bigint  NOT NULL DEFAULT 0,
    done_at           timestamptz
);
INSERT INTO key_migration (name, pending) SELECT 'nfc', EXISTS (SELECT 1 FROM household);

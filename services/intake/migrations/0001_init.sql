-- intake: reporters, households, persons, referrals and duplicate suspicions.
--
-- Personal data is never stored in clear: *_hash columns are keyed BLAKE2b hashes (hex) used for
-- exact matching, *_sealed columns are XChaCha20-Poly1305 ciphertexts (base64) — see wh/pii.h.

-- A registered reporting organisation or group (not a private person).
CREATE TABLE reporter (
    id      bigserial PRIMARY KEY,
    name    text NOT NULL,
    channel integer NOT NULL CHECK (channel > 0)
);

CREATE TABLE household (
    id                 bigserial PRIMARY KEY,
    dong_code          text NOT NULL,
    latitude           double precision,
    longitude          double precision,
    address_sealed     text NOT NULL,
    -- Keyed hash of the normalized address, to notice different households at one address.
    address_key        text NOT NULL,
    known_to_programme boolean NOT NULL,
    blind_spot         boolean NOT NULL,
    -- Highest risk score of its referrals.
    risk_score         integer NOT NULL CHECK (risk_score BETWEEN 0 AND 100),
    referral_count     integer NOT NULL DEFAULT 1,
    first_reported_on  date NOT NULL,
    last_reported_on   date NOT NULL,
    -- Set when ResolveDuplicate merged it into another household; it then holds nothing.
    merged_into        bigint REFERENCES household (id)
);
CREATE INDEX household_address_key ON household (address_key);
CREATE INDEX household_dong ON household (dong_code);

CREATE TABLE person (
    id           bigserial PRIMARY KEY,
    household_id bigint NOT NULL REFERENCES household (id),
    -- Keyed hash of the 13 digits: one person, one row, whatever household reported them.
    rrn_hash     text NOT NULL UNIQUE,
    rrn_sealed   text NOT NULL,
    name_sealed  text NOT NULL,
    -- Keyed hash of normalized name + birth date + normalized address (matching without a number).
    name_key     text NOT NULL,
    phone_hash   text,
    phone_sealed text,
    birth_date   date NOT NULL
);
CREATE INDEX person_household ON person (household_id);
CREATE INDEX person_name_key ON person (name_key);
CREATE INDEX person_phone_hash ON person (phone_hash) WHERE phone_hash IS NOT NULL;

-- A referral with its risk indicators as reported (one column per indicator of the rule table).
CREATE TABLE referral (
    id                       bigserial PRIMARY KEY,
    household_id             bigint NOT NULL REFERENCES household (id),
    channel                  integer NOT NULL CHECK (channel > 0),
    reporter_id              bigint REFERENCES reporter (id),
    reported_on              date NOT NULL,
    concern_sealed           text,
    months_utility_arrears   integer NOT NULL DEFAULT 0,
    months_rent_arrears      integer NOT NULL DEFAULT 0,
    months_insurance_arrears integer NOT NULL DEFAULT 0,
    lives_alone              boolean NOT NULL DEFAULT false,
    aged_65_or_over          boolean NOT NULL DEFAULT false,
    disability               boolean NOT NULL DEFAULT false,
    chronic_illness          boolean NOT NULL DEFAULT false,
    unemployed               boolean NOT NULL DEFAULT false,
    single_parent            boolean NOT NULL DEFAULT false,
    risk_score               integer NOT NULL CHECK (risk_score BETWEEN 0 AND 100),
    person_count             integer NOT NULL,
    persons_added            integer NOT NULL,
    created_household        boolean NOT NULL
);
CREATE INDEX referral_household ON referral (household_id);

-- Two households that look alike.  One row per pair (household_a < household_b); resolution 0 while
-- open, else welfare.intake.v1.DuplicateResolution.
CREATE TABLE duplicate_suspicion (
    household_a bigint NOT NULL REFERENCES household (id),
    household_b bigint NOT NULL REFERENCES household (id),
    reason      text NOT NULL,
    resolution  integer NOT NULL DEFAULT 0,
    PRIMARY KEY (household_a, household_b),
    CHECK (household_a < household_b)
);

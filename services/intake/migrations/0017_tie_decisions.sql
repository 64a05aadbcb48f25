-- intake: a tie an operator decides (issue 16).  Since 432350c a referral's person whom the score
-- took for two or more persons of the household alike is listed in DuplicateSuspected.tied and named
-- to no one; nothing recorded the operator's answer, so every later referral of the same reading
-- tied again.  Now each such tie is a row (store_ties.c), DecideTie records the decision on it, and
-- the household rule reads the decisions of the rows' name keys (resolve.c: a decided person among
-- the best tied is the one).
CREATE TABLE person_tie (
    id                bigserial PRIMARY KEY,
    -- The referral and the position of its person who was tied (DuplicateSuspected.referral_id,
    -- SuspectedPerson.person).
    referral_id       bigint NOT NULL REFERENCES referral (id),
    person            smallint NOT NULL CHECK (person >= 0),
    -- The household the referral attached to, and the persons tied (by id, at most 8).
    household_id      bigint NOT NULL REFERENCES household (id),
    tied_person_ids   bigint[] NOT NULL CHECK (cardinality(tied_person_ids) >= 2),
    -- The referral's person as prepare.c made them: what a new person needs (TIE_DECISION_NEW_PERSON)
    -- and the reading later referrals are matched by (name_key).  The sealed values are wiped once
    -- decided (only the key and the ids stay).
    name_key          bytea NOT NULL,
    name_sealed       text,
    phone_hash        bytea,
    phone_sealed      text,
    birth_date        date,
    birth_year        smallint,
    sex               char(1) CHECK (sex IN ('F', 'M')),
    name_block        bytea,
    address_block     bytea,
    -- The referral's person when the resolver added them (a resident number no one held).
    added_person_id   bigint REFERENCES person (id),
    -- 0 open, 1 same person (TIE_DECISION_SAME_PERSON), 2 a new person (TIE_DECISION_NEW_PERSON).
    decision          smallint NOT NULL DEFAULT 0 CHECK (decision IN (0, 1, 2)),
    decided_person_id bigint REFERENCES person (id),
    decided_by        text,
    decided_at        timestamptz,
    CHECK ((decision = 0) = (decided_person_id IS NULL)),
    UNIQUE (referral_id, person)
);
-- The household rule's read: the decisions of a block's name keys.
CREATE INDEX person_tie_decided ON person_tie (name_key) WHERE decided_person_id IS NOT NULL;

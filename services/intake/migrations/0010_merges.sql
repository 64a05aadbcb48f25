-- intake: merges are reversible (issue 16).  ResolveDuplicate MERGE records what it moved, so
-- UnmergeHouseholds can move exactly those persons and referrals back; HouseholdsMerged and
-- HouseholdsUnmerged tell the readers.  Merges before this migration were not recorded: they cannot
-- be undone (UnmergeHouseholds answers FAILED_PRECONDITION for them).
CREATE TABLE household_merge (
    id                 bigserial PRIMARY KEY,
    -- The household that stays, and the one merged into it.
    household_id       bigint NOT NULL REFERENCES household (id),
    other_household_id bigint NOT NULL REFERENCES household (id) CHECK (other_household_id <> household_id),
    -- The other household's known_to_programme before the fold (the rest is recomputed from referrals).
    other_known        boolean NOT NULL,
    merged_at          timestamptz NOT NULL DEFAULT now(),
    unmerged_at        timestamptz
);
-- A household is merged away at most once at a time.
CREATE UNIQUE INDEX household_merge_live ON household_merge (other_household_id) WHERE unmerged_at IS NULL;

-- What a merge moved: each row one person or one referral.
CREATE TABLE household_merge_row (
    merge_id    bigint NOT NULL REFERENCES household_merge (id),
    person_id   bigint REFERENCES person (id),
    referral_id bigint REFERENCES referral (id),
    CHECK (num_nonnulls(person_id, referral_id) = 1)
);
CREATE INDEX household_merge_row_merge ON household_merge_row (merge_id);

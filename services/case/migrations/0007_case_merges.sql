-- case: an open case follows intake's merges (issue 16).  HouseholdsMerged of a household with an
-- open case either moves the case to the household that stays (it had none: CaseMoved) or closes it
-- as CLOSE_REASON_MERGED, folded into that household's own open case (CaseClosed); the unmerge moves
-- it back or reopens it (CaseReopened).  One row per merge, so a replayed merge or unmerge changes
-- nothing.
CREATE TABLE case_merge (
    merge_id            bigint  PRIMARY KEY,
    household_id        bigint  NOT NULL,
    merged_household_id bigint  NOT NULL,
    -- The merged household's open case at the merge, NULL when it had none.
    case_id             bigint  REFERENCES cases (id),
    -- true: closed as merged (folded); false: moved to household_id.
    folded              boolean NOT NULL DEFAULT false,
    unmerged            boolean NOT NULL DEFAULT false
);

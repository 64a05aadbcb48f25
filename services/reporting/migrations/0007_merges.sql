-- intake's merges as reporting followed them (HouseholdsMerged, HouseholdsUnmerged): when both
-- households had been counted as blind spots, the merge takes the later of the two counts back (the
-- household stays discovered on its first date) and records where (dong_code, day); the unmerge
-- gives it back once.  NULL dong_code/day: the merge took nothing back.  Ids, codes and dates only.
CREATE TABLE household_merge (
    merge_id            bigint  PRIMARY KEY,
    household_id        bigint  NOT NULL,
    merged_household_id bigint  NOT NULL,
    dong_code           text,
    day                 date,
    unmerged            boolean NOT NULL DEFAULT false,
    CHECK ((dong_code IS NULL) = (day IS NULL))
);

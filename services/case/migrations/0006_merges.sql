-- case: households intake merged (HouseholdsMerged) leave the hub's outreach queues until intake
-- undoes the merge (HouseholdsUnmerged): merged_into is the household that stayed, NULL when live.
ALTER TABLE household ADD COLUMN merged_into bigint;

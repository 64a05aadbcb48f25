-- The safety net's finds credited to a team with no member named (registry's Finder with team set and
-- member_id 0): rows of net_find with member_id 0, the team and the dong the find was made in, so a
-- team's row counts every find of the team (a member's finds count in the member's team already).
-- Events applied before this migration credit no team: a rebuild from replay counts them (README,
-- "Backfill").
ALTER TABLE net_find ADD COLUMN team smallint NOT NULL DEFAULT 0;
ALTER TABLE net_find ADD COLUMN dong_code text NOT NULL DEFAULT '';
CREATE INDEX net_find_team_day ON net_find (found_on, dong_code) WHERE member_id = 0;

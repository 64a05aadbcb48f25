-- reporting follows merges into the cases KPI and the funnel (issue 16).
--   case_interval.folded   case closed as CLOSE_REASON_MERGED: folded into the open case of the
--                          household it was merged into; its opening is taken back (cases_opened -1
--                          on its opened_on) until CaseReopened gives it back.  Once per fold.
--   household_merge.funnel_moved and kept_*: the merged household's funnel referrals now count as
--                          the household that stays, whose stages took the earlier of the two dates;
--                          kept_* are its own before, for the unmerge.
--   funnel_merge_referral  which referrals the merge moved (moved back by the unmerge).
ALTER TABLE case_interval ADD COLUMN folded boolean NOT NULL DEFAULT false;
ALTER TABLE household_merge ADD COLUMN funnel_moved boolean NOT NULL DEFAULT false,
                            ADD COLUMN kept_blind_on date,
                            ADD COLUMN kept_visited_on date,
                            ADD COLUMN kept_case_on date,
                            ADD COLUMN kept_linked_on date;
CREATE TABLE funnel_merge_referral (
    merge_id    bigint NOT NULL,
    referral_id bigint NOT NULL,
    PRIMARY KEY (merge_id, referral_id)
);

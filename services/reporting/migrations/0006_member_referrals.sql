-- The safety net's referrals per member: who filed each referral (ReferralReceived.reporter_id, 0 when
-- anonymous or unregistered) and whether it created the household, and each member's reporter
-- (MemberRegistered.reporter_id).  Ids and flags only.  Rows applied before this migration have 0 and
-- false (intake's events carried neither): a rebuild from replay counts them (README, "Backfill").
ALTER TABLE funnel_referral ADD COLUMN reporter_id bigint NOT NULL DEFAULT 0,
                            ADD COLUMN created_household boolean NOT NULL DEFAULT false;
CREATE INDEX funnel_referral_reporter ON funnel_referral (reporter_id, reported_on) WHERE reporter_id <> 0;
ALTER TABLE net_member ADD COLUMN reporter_id bigint NOT NULL DEFAULT 0;

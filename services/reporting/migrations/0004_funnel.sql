-- The discovery funnel per channel: referrals → households → blind spots → visited → cases → linked.
-- A household belongs to the channel of its first referral (earliest reported_on, then referral id);
-- its stages are the first business date it reached each.  Only ids, codes, channels and dates: no
-- personal data.  Every write is idempotent (a replayed event changes nothing), so the tables can be
-- rebuilt by replaying the streams (services/reporting/README.md, "The discovery funnel").
CREATE TABLE funnel_referral (
    referral_id  bigint   PRIMARY KEY,
    household_id bigint   NOT NULL,
    dong_code    text     NOT NULL,
    channel      smallint NOT NULL,
    reported_on  date     NOT NULL
);
CREATE INDEX funnel_referral_day ON funnel_referral (reported_on);
CREATE INDEX funnel_referral_household ON funnel_referral (household_id, reported_on, referral_id);
CREATE TABLE funnel_household (
    household_id bigint PRIMARY KEY,
    blind_on     date,
    visited_on   date,
    case_on      date,
    linked_on    date
);
-- the household of a case, for the stages that name only the case (VisitCompleted, LinkageCompleted)
CREATE TABLE funnel_case (
    case_id      bigint PRIMARY KEY,
    household_id bigint NOT NULL
);

-- intake: the human safety net — members, the households they look in on, their check-ins and the
-- credits for households they reported that were selected for aid or opened as a case.

-- A member of a dong's safety net.  Personal data sealed (wh/pii.h); each member has a reporter of
-- channel CHANNEL_SAFETY_NET, the reporter_id of the member's referrals.
CREATE TABLE safety_net_member (
    id           bigserial PRIMARY KEY,
    reporter_id  bigint NOT NULL UNIQUE REFERENCES reporter (id),
    dong_code    text NOT NULL,
    -- welfare.intake.v1.SafetyNetTeam
    team         integer NOT NULL CHECK (team BETWEEN 1 AND 3),
    -- a code of services/intake/affiliations.c
    affiliation  text NOT NULL,
    name_sealed  text NOT NULL,
    phone_sealed text,
    active_from  date NOT NULL,
    active_until date,
    CHECK (active_until IS NULL OR active_until >= active_from)
);
CREATE INDEX safety_net_member_dong ON safety_net_member (dong_code, team);

-- A household a visiting-and-checking member looks in on every every_days days.
CREATE TABLE safety_net_watch (
    id                   bigserial PRIMARY KEY,
    member_id            bigint NOT NULL REFERENCES safety_net_member (id),
    household_id         bigint NOT NULL REFERENCES household (id),
    every_days           integer NOT NULL CHECK (every_days BETWEEN 1 AND 90),
    from_on              date NOT NULL,
    last_checked_on      date,
    -- NOT_SEEN check-ins in a row (reset by SEEN_WELL and CONCERN)
    consecutive_not_seen integer NOT NULL DEFAULT 0,
    UNIQUE (member_id, household_id)
);
CREATE INDEX safety_net_watch_household ON safety_net_watch (household_id);

CREATE TABLE safety_net_check_in (
    id           bigserial PRIMARY KEY,
    watch_id     bigint NOT NULL REFERENCES safety_net_watch (id),
    -- welfare.intake.v1.CheckInOutcome
    outcome      integer NOT NULL CHECK (outcome BETWEEN 1 AND 3),
    checked_on   date NOT NULL,
    -- the referral it became, when it did
    referral_id  bigint REFERENCES referral (id)
);
CREATE INDEX safety_net_check_in_watch ON safety_net_check_in (watch_id);

-- One credit per household and kind (welfare.intake.v1.MemberCreditKind), to the member whose
-- referral of the household came first.
CREATE TABLE safety_net_credit (
    household_id bigint NOT NULL REFERENCES household (id),
    kind         integer NOT NULL CHECK (kind BETWEEN 1 AND 2),
    member_id    bigint NOT NULL REFERENCES safety_net_member (id),
    credited_on  date NOT NULL,
    source       text NOT NULL,
    PRIMARY KEY (household_id, kind)
);
CREATE INDEX safety_net_credit_member ON safety_net_credit (member_id);
CREATE INDEX referral_reporter ON referral (reporter_id) WHERE reporter_id IS NOT NULL;

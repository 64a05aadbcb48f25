-- Surveys and the human safety net, from intake's events: ids, codes, dates and counts only (no
-- names, no addresses).  A survey result is the household's result as it now stands (a later
-- SurveyResultRecorded for the same survey and household replaces it); check-ins and credits are
-- keyed by intake's ids, so a replayed event changes nothing.
CREATE TABLE survey (
    survey_id    bigint PRIMARY KEY,
    name         text   NOT NULL,
    target_group text   NOT NULL,
    dong_codes   text[] NOT NULL,
    start_on     date   NOT NULL,
    end_on       date   NOT NULL
);
CREATE INDEX survey_period ON survey (start_on, end_on);
-- households on a survey's list per dong (SurveyHouseholdsListed adds)
CREATE TABLE survey_listed (
    survey_id  bigint  NOT NULL,
    dong_code  text    NOT NULL,
    households integer NOT NULL CHECK (households >= 0),
    PRIMARY KEY (survey_id, dong_code)
);
-- outcome: welfare.intake.v1.SurveyOutcome (1 no need, 2 need, 3 not reachable, 4 refused)
CREATE TABLE survey_result (
    survey_id                    bigint   NOT NULL,
    household_id                 bigint   NOT NULL,
    dong_code                    text     NOT NULL,
    outcome                      smallint NOT NULL,
    surveyed_on                  date     NOT NULL,
    service_linkages             integer  NOT NULL CHECK (service_linkages >= 0),
    support_krw                  bigint   NOT NULL CHECK (support_krw >= 0),
    selected_for_case_management boolean  NOT NULL,
    PRIMARY KEY (survey_id, household_id)
);
-- team: welfare.intake.v1.SafetyNetTeam
CREATE TABLE net_member (
    member_id    bigint   PRIMARY KEY,
    dong_code    text     NOT NULL,
    team         smallint NOT NULL,
    affiliation  text     NOT NULL,
    active_from  date     NOT NULL,
    active_until date
);
CREATE INDEX net_member_dong ON net_member (dong_code);
-- outcome: welfare.intake.v1.CheckInOutcome (1 seen well, 2 concern, 3 not seen)
CREATE TABLE net_check_in (
    check_in_id bigint   PRIMARY KEY,
    member_id   bigint   NOT NULL,
    outcome     smallint NOT NULL,
    checked_on  date     NOT NULL,
    referred    boolean  NOT NULL
);
CREATE INDEX net_check_in_day ON net_check_in (checked_on, member_id);
-- kind: welfare.intake.v1.MemberCreditKind (1 selected for aid, 2 case opened); once per household and kind
CREATE TABLE net_credit (
    household_id bigint   NOT NULL,
    kind         smallint NOT NULL,
    member_id    bigint   NOT NULL,
    credited_on  date     NOT NULL,
    PRIMARY KEY (household_id, kind)
);
CREATE INDEX net_credit_day ON net_credit (credited_on, member_id);

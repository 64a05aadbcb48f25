-- intake: survey campaigns — a survey, the households on its list and what it found at each.

CREATE TABLE survey (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL,
    -- a code of services/intake/survey_targets.c
    target_group text NOT NULL,
    dong_codes   text[] NOT NULL CHECK (cardinality(dong_codes) BETWEEN 1 AND 64),
    start_on     date NOT NULL,
    end_on       date NOT NULL CHECK (end_on >= start_on)
);

-- A household on a survey's list; outcome 0 until a result is recorded (welfare.intake.v1.SurveyOutcome).
CREATE TABLE survey_household (
    survey_id                    bigint NOT NULL REFERENCES survey (id),
    household_id                 bigint NOT NULL REFERENCES household (id),
    outcome                      integer NOT NULL DEFAULT 0 CHECK (outcome BETWEEN 0 AND 4),
    surveyed_on                  date,
    service_linkages             integer NOT NULL DEFAULT 0 CHECK (service_linkages >= 0),
    support_krw                  bigint NOT NULL DEFAULT 0 CHECK (support_krw >= 0),
    selected_for_case_management boolean NOT NULL DEFAULT false,
    -- the referral a NEED became
    referral_id                  bigint REFERENCES referral (id),
    PRIMARY KEY (survey_id, household_id)
);

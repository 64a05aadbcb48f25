-- intake: the roster of people subject to welfare — each person's programme enrolments.
--
-- A person is a target on every day one of their enrolments covers; the union of their enrolments is
-- computed when they change (spells.c) and published as TargetsChanged steps, so no table of spells
-- is kept.  Programme codes are those of programmes.c.

CREATE TABLE enrolment (
    id           bigserial PRIMARY KEY,
    person_id    bigint  NOT NULL REFERENCES person (id),
    programme    text    NOT NULL,
    start_on     date    NOT NULL,
    -- Last day enrolled; NULL while it runs.
    end_on       date,
    -- welfare.intake.v1.EnrolmentSource of the command that created it.
    source       integer NOT NULL CHECK (source > 0),
    -- welfare.intake.v1.ExitReason, 0 while it runs or when no reason was given.
    exit_reason  integer NOT NULL DEFAULT 0,
    -- SelectForPublicAid.decided_from ("visit:812"), '' otherwise.
    decided_from text    NOT NULL DEFAULT '',
    -- One enrolment per person, programme and start: a national list imported again changes it.
    UNIQUE (person_id, programme, start_on),
    CHECK (end_on IS NULL OR end_on >= start_on)
);

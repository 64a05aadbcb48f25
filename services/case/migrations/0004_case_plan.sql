-- Case depth: the plan's goals per need domain (the note sealed like follow-ups'), and the case team
-- (besides the owner, other professions with their role, from/until dates).
CREATE TABLE case_goal (
    id          bigserial PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases (id),
    domain      integer NOT NULL CHECK (domain > 0),
    status      integer NOT NULL CHECK (status BETWEEN 1 AND 3),
    target_on   date,
    note_sealed text NOT NULL DEFAULT '',
    set_on      date NOT NULL,
    UNIQUE (case_id, domain)
);
CREATE TABLE case_team (
    case_id  bigint NOT NULL REFERENCES cases (id),
    staff_id bigint NOT NULL,
    role     integer NOT NULL CHECK (role > 0),
    from_on  date NOT NULL,
    until_on date,
    PRIMARY KEY (case_id, staff_id)
);

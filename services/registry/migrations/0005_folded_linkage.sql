-- The linkages a merge's fold ended (CaseClosed CLOSE_REASON_MERGED: the case folded into the kept
-- household's), with the state each was in, so that the unmerge's CaseReopened can put them back.
-- undone_on is set once the reopening has dealt with the row: restored is true when the linkage is
-- in its state again, false when its resource had no unit left by then (the hub requests anew).
CREATE TABLE folded_linkage (
    linkage_id   bigint PRIMARY KEY REFERENCES service_linkage (id),
    case_id      bigint NOT NULL,
    state_before integer NOT NULL CHECK (state_before IN (1, 2, 4)),
    folded_on    date NOT NULL,
    undone_on    date,
    restored     boolean
);
CREATE INDEX folded_linkage_case ON folded_linkage (case_id) WHERE undone_on IS NULL;

-- The reservations a merge's fold released (CaseClosed CLOSE_REASON_MERGED): the units the case's own
-- LinkageRequested (and ReserveCapacity naming the case) held, so that the unmerge's CaseReopened
-- takes them again for the same linkages. undone_on is set once the reopening has dealt with the row:
-- restored_as is the reservation that took its place, NULL when its resource had no unit left by then
-- (the case requests anew) or its linkage held a reservation again.
CREATE TABLE folded_reservation (
    reservation_id bigint PRIMARY KEY REFERENCES reservation (id),
    case_id        bigint NOT NULL,
    folded_on      date NOT NULL,
    undone_on      date,
    restored_as    bigint REFERENCES reservation (id)
);
CREATE INDEX folded_reservation_case ON folded_reservation (case_id) WHERE undone_on IS NULL;

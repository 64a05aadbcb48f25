-- intake: the rows of ImportReferralBlock that carried a row_id, per sender, with a digest of the
-- row's referral and the referral stored for it (import_rows.c).  A row sent again under the same id
-- and referral — in any block — is answered "already imported" and not stored twice; the same id with
-- another referral is refused.  One row per stored referral that had an id: it grows with referral.
CREATE TABLE import_row (
    principal   text COLLATE "C" NOT NULL,
    row_id      text COLLATE "C" NOT NULL,
    digest      bytea NOT NULL,
    referral_id bigint NOT NULL,
    PRIMARY KEY (principal, row_id)
);

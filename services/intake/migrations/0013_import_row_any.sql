-- intake: import_row holds the row ids of every import (issue 13): ImportReferralBlock's rows, a
-- SubmitReferral's row_id (welfarectl --row-by-row) and ImportEnrolmentBlock's rows.  A roster row
-- whose person intake knew stores no referral: referral_id is NULL for it.
ALTER TABLE import_row ALTER COLUMN referral_id DROP NOT NULL;

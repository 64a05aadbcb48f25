-- A case opened again for a household links to the household's last closed case (its history).
ALTER TABLE cases ADD COLUMN previous_case_id bigint;
CREATE INDEX household_decision ON household (dong_code) WHERE decision_since IS NOT NULL;

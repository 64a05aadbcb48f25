-- audit_log rows are aggregated: the same attempt (principal, key, type, decision, reason, subject)
-- within one tick is one row with its count, from `at` (the first) to `last_at` (the last); a flood
-- beyond a tick's entries is folded into counted rows of the principal or the service, never dropped
-- (common/src/audit.c).  `subject` names what an accepted command disclosed (decision 'disclosed':
-- "household:12", "follow_up:7").  Rows written before have count 1.
ALTER TABLE audit_log ADD COLUMN count bigint NOT NULL DEFAULT 1 CHECK (count >= 1);
ALTER TABLE audit_log ADD COLUMN last_at timestamptz;
ALTER TABLE audit_log ADD COLUMN subject text NOT NULL DEFAULT '';

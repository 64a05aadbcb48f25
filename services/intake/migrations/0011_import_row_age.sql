-- intake: import_row is pruned like the command records (issue 13).  A row id only has to outlive the
-- re-imports of its file; after WH_COMMAND_RETENTION_DAYS (30 by default, the framework's retention of
-- processed commands) the tick deletes it in batches (store_import_row.c, intake_import_rows_prune),
-- and a row of that file imported again is new again.  Rows stored before this migration get the
-- migration's time: they are kept a whole retention period from now.
ALTER TABLE import_row ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX import_row_created_at ON import_row (created_at);

-- processed_command.digest: BLAKE2b-256 of the command's type, a NUL and its payload bytes as received
-- (common/src/commands_batch.c).  A message id used again with a different digest (another type or
-- payload) is a conflict (ALREADY_EXISTS naming message_id), not the old reply.  Rows stored before
-- this column existed have none and keep answering their id with the stored reply.
ALTER TABLE processed_command ADD COLUMN digest bytea CHECK (digest IS NULL OR length(digest) = 32);

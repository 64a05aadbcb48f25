-- What audit_log.decision holds, in the schema itself: 0001_bus.sql's comment on the column listed
-- five of the decisions only (and an applied migration is never edited: its checksum is recorded).
-- common/src/audit.c writes the rows; docs/bus-protocol.md ("Audit") says when each is written.
-- And where 0003_audit_count.sql says a flood is "never dropped": folding drops no count, but a row
-- PostgreSQL refuses is lost alone (the others of its second are written one by one, audit.c).
COMMENT ON COLUMN audit_log.decision IS
    'handshake_denied (a key not on the allow-list, public_key as presented), handshake_failed (not a '
    'CURVE client, a protocol error, or closed before the handshake completed), malformed, too_large, '
    'unknown_type, invalid_text, permission_denied (before or by a handler), resource_exhausted (a '
    'per-connection or per-key bound), reply_dropped (the connection does not read its replies), '
    'disclosed (an accepted command that read personal data: subject names it)';

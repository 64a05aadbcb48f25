-- audit_log.decision connection_limit gains its second case: without a principal (there is none before
-- the CURVE handshake), a connection the command socket closed because it held WH_MAX_CONNECTIONS
-- connections already — the one that had waited longest without sending anything (common/src/
-- connection_bound.c; docs/bus-protocol.md, section 8).
COMMENT ON COLUMN audit_log.decision IS
    'handshake_denied (a key not on the allow-list, public_key as presented), connection_limit (an '
    'allow-listed key whose connections were at WH_MAX_CONNECTIONS_PER_KEY: its handshake refused; or, '
    'principal and key empty, a connection closed past WH_MAX_CONNECTIONS on the command socket, the one '
    'waiting longest without sending anything), '
    'handshake_failed (not a CURVE client, a protocol error, or closed before the handshake completed), '
    'malformed, too_large, unknown_type, invalid_text, permission_denied (before or by a handler), '
    'resource_exhausted (a per-connection or per-key bound), reply_dropped (the connection does not read '
    'its replies), disclosed (an accepted command that read personal data: subject names it)';

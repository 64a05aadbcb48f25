-- audit_log.decision gains connection_limit: a CURVE handshake of an allow-listed key refused by the
-- ZAP handler because that key had WH_MAX_CONNECTIONS_PER_KEY connections open already on the command
-- socket, counted from their handshake on (common/src/zap.c, peer_bounds.c; docs/bus-protocol.md).
COMMENT ON COLUMN audit_log.decision IS
    'handshake_denied (a key not on the allow-list, public_key as presented), connection_limit (an '
    'allow-listed key whose connections were at WH_MAX_CONNECTIONS_PER_KEY: its handshake refused), '
    'handshake_failed (not a CURVE client, a protocol error, or closed before the handshake completed), '
    'malformed, too_large, unknown_type, invalid_text, permission_denied (before or by a handler), '
    'resource_exhausted (a per-connection or per-key bound), reply_dropped (the connection does not read '
    'its replies), disclosed (an accepted command that read personal data: subject names it)';

-- The bus's own tables, in every service's schema (component "bus").
--
-- processed_command: the exactly-once record of commands — a repeated message_id is answered with the
-- stored reply and has no new effect.  stream_head + outbox: this service's event stream; a handler's
-- events are written in its transaction with the stream's next sequence (the counter row serializes
-- writers, a rollback returns the numbers), so the stream is gap-free and in commit order.
-- consumer_position: for each stream this service consumes, the last sequence applied, updated in the
-- same transaction as the effect.  dead_letter: events whose handler kept failing, parked with the error
-- until an operator replays them.  audit_log: attempts refused before any handler ran.

CREATE TABLE processed_command (
    principal    text NOT NULL,
    message_id   text NOT NULL CHECK (length(message_id) BETWEEN 1 AND 64),
    type         text NOT NULL,
    status       integer NOT NULL,
    reply        bytea NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, message_id) -- ids are the sender's: another principal's id is another command
);
CREATE INDEX processed_command_processed_at ON processed_command (processed_at);

CREATE TABLE stream_head (
    stream text PRIMARY KEY,
    head   bigint NOT NULL DEFAULT 0 CHECK (head >= 0)
);

CREATE TABLE outbox (
    sequence       bigint PRIMARY KEY CHECK (sequence > 0),
    message_id     text NOT NULL UNIQUE,
    type           text NOT NULL,
    correlation_id text NOT NULL,
    causation_id   text NOT NULL,
    time_ms        bigint NOT NULL,
    payload        bytea NOT NULL
);

CREATE TABLE consumer_position (
    stream     text PRIMARY KEY,
    position   bigint NOT NULL DEFAULT 0 CHECK (position >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dead_letter (
    stream     text NOT NULL,
    sequence   bigint NOT NULL,
    message_id text NOT NULL,
    type       text NOT NULL,
    correlation_id text NOT NULL,
    causation_id   text NOT NULL,
    time_ms    bigint NOT NULL,
    payload    bytea NOT NULL,
    attempts   integer NOT NULL,
    error      text NOT NULL,
    parked_at  timestamptz NOT NULL DEFAULT now(),
    replayed_at timestamptz,
    PRIMARY KEY (stream, sequence)
);

CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL,
    principal  text NOT NULL, -- '' when the key is unknown
    public_key text NOT NULL, -- Z85, as presented in the handshake
    type       text NOT NULL, -- the message type, '' for a refused handshake
    decision   text NOT NULL, -- handshake_denied, permission_denied, malformed, too_large, unknown_type
    reason     text NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);

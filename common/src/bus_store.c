/*
 * bus_store.c — the SQL of the bus framework: stored replies, the outbox stream, consumer positions
 * and dead letters (tables in common/migrations).  Binary values travel as bytea in hex text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus_internal.h"
#include "welfare/bus/v1/admin.pb-c.h"

const wh_db_statement wh_bus_statements[] = {
    /* One primary-key probe per id, whatever the statistics: as a plain join, the plan cached while
     * processed_command was new and small (a fresh service, before autovacuum's first ANALYZE) was a
     * hash join over a sequential scan, and stayed so as the table grew — 8.9 ms a batch at 54,000
     * rows in the command-path bench (docs/benchmarks.md).  LIMIT 1 keeps the subquery a parameterised
     * index scan; the key is unique, so it changes no answer. */
    {"bus_find_replies",
     "SELECT u.i, c.reply, c.type, c.digest FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u "
     "(principal, message_id, i) CROSS JOIN LATERAL (SELECT c.reply, c.type, c.digest "
     "FROM processed_command c WHERE c.principal = u.principal AND c.message_id = u.message_id LIMIT 1) c"},
    {"bus_store_replies",
     "INSERT INTO processed_command (principal, message_id, type, status, reply, digest) "
     "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::bytea[], $6::bytea[])"},
    {"bus_append_events",
     "WITH s AS (UPDATE stream_head SET head = head + $2 WHERE stream = $1 RETURNING head - $2 AS base), "
     "e AS (INSERT INTO outbox (sequence, message_id, type, correlation_id, causation_id, time_ms, payload) "
     "SELECT s.base + u.n, u.message_id, u.type, u.correlation_id, u.causation_id, u.time_ms, u.payload "
     "FROM s, unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bytea[]) "
     "WITH ORDINALITY AS u (message_id, type, correlation_id, causation_id, time_ms, payload, n)) "
     "SELECT base + $2 FROM s"},
    {"bus_stream_ensure", "INSERT INTO stream_head (stream) VALUES ($1) ON CONFLICT (stream) DO NOTHING"},
    {"bus_stream_head", "SELECT head FROM stream_head WHERE stream = $1"},
/* At most $3 events after $1 up to $2 (of the types $6 only, in the second), and no more than the
 * reply's byte bound $4 can take: an event is read out only while the bytes of the ones before it
 * (their strings and payload, and $5 for what every envelope holds besides, a lower bound of what
 * wh_bus_read_events counts) are within $4, so the rows it would drop past the bound are not sent
 * (a reply holds ~1,150 of intake's events, the limit was 2,000: 44% of the rows read were thrown
 * away and read again by the next fetch, docs/benchmarks.md).  The eighth column is how many rows
 * the range gave before that cut: more than the rows returned means the byte bound stopped the
 * read (the reply covers only up to its last event).  A type filter is on the primary key's range,
 * bounded by the caller (WH_FETCH_SCAN_PER_EVENT), so no index on type is needed. */
#define READ_EVENTS(FILTER)                                                                                  \
    "SELECT sequence, message_id, type, correlation_id, causation_id, time_ms, payload, read FROM (SELECT "  \
    "o.*, coalesce(sum(octet_length(o.message_id) + octet_length(o.type) + octet_length(o.correlation_id) "  \
    "+ "                                                                                                     \
    "octet_length(o.causation_id) + octet_length(o.payload) + $5) OVER (ORDER BY o.sequence ROWS BETWEEN "   \
    "UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before, count(*) OVER () AS read FROM (SELECT * FROM "      \
    "outbox WHERE sequence > $1 AND sequence <= $2 " FILTER " ORDER BY sequence LIMIT $3) o) e "             \
    "WHERE e.before <= $4 ORDER BY sequence"
    {"bus_read_events", READ_EVENTS("")},
    {"bus_read_events_of_types", READ_EVENTS("AND type = ANY ($6::text[])")},
    {"bus_position_ensure",
     "INSERT INTO consumer_position (stream) VALUES ($1) ON CONFLICT (stream) DO NOTHING"},
    {"bus_position_load", "SELECT position FROM consumer_position WHERE stream = $1"},
    {"bus_position_advance", "UPDATE consumer_position SET position = $3, updated_at = now() "
                             "WHERE stream = $1 AND position = $2"},
    {"bus_park", "INSERT INTO dead_letter (stream, sequence, message_id, type, correlation_id, causation_id, "
                 "time_ms, payload, "
                 "attempts, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::bytea, $9, $10) "
                 "ON CONFLICT (stream, sequence) DO NOTHING"},
    {"bus_prune_commands",
     "DELETE FROM processed_command WHERE (principal, message_id) IN (SELECT principal, message_id "
     "FROM processed_command WHERE processed_at < now() - make_interval(days => $1::int) LIMIT $2)"},
    {"bus_audit_insert", "INSERT INTO audit_log (at, principal, public_key, type, decision, reason, subject, "
                         "last_at, count) VALUES (to_timestamp($1::bigint / 1000.0), $2, $3, $4, $5, $6, $7, "
                         "to_timestamp($8::bigint / 1000.0), $9)"},
    {"bus_dead_letters", "SELECT stream, sequence, message_id, type, attempts, error, "
                         "(extract(epoch FROM parked_at) * 1000)::bigint, "
                         "coalesce((extract(epoch FROM replayed_at) * 1000)::bigint, 0) "
                         "FROM dead_letter WHERE ($1 = '' OR stream = $1) AND ($2 OR replayed_at IS NULL) "
                         "ORDER BY parked_at, stream, sequence LIMIT $3"},
    {"bus_dead_letter_load",
     "SELECT sequence, message_id, type, correlation_id, causation_id, time_ms, payload "
     "FROM dead_letter WHERE stream = $1 AND sequence = $2 AND replayed_at IS NULL FOR UPDATE"},
    {"bus_dead_letter_replayed",
     "UPDATE dead_letter SET replayed_at = now() WHERE stream = $1 AND sequence = $2"},
};
const size_t wh_bus_statements_count = sizeof wh_bus_statements / sizeof wh_bus_statements[0];

/* "\\x…" text of len bytes (PostgreSQL's hex bytea input), malloc()ed; not in constant time (payloads are
 * not secret). */
static char *hex_encode(const uint8_t *data, size_t len)
{
    char *out = malloc(2 * len + 3);

    if (out == NULL)
        return NULL;
    out[0] = '\\';
    out[1] = 'x';
    wh_hex(data, len, out + 2);
    return out;
}

/* Decodes PostgreSQL's hex bytea output into out (at least (strlen(text) - 2) / 2 bytes).  Payloads
 * are not secret: no constant-time decoding (sodium_hex2bin) for them. */
static int hex_decode(const char *text, uint8_t *out, size_t *len)
{
    size_t n = strlen(text);

    if (n < 2 || text[0] != '\\' || text[1] != 'x' || !wh_unhex(text + 2, n - 2, out))
        return WH_INTERNAL;
    *len = (n - 2) / 2;
    return 0;
}

int wh_bus_bytea(const char *text, uint8_t **out, size_t *len)
{
    *out = malloc(text != NULL ? strlen(text) / 2 + 1 : 1);
    if (*out == NULL)
        return WH_INTERNAL;
    if (hex_decode(text != NULL ? text : "\\x", *out, len) != 0) {
        free(*out);
        *out = NULL;
        return WH_INTERNAL;
    }
    return 0;
}

PGresult *wh_bus_find_replies(wh_db *db, const char *principals, const char *message_ids)
{
    wh_params p;

    wh_params_reset(&p);
    wh_params_text(&p, principals);
    wh_params_text(&p, message_ids);
    return wh_db_query(db, "bus_find_replies", &p);
}

int wh_bus_store_replies(wh_db *db, const char *const columns[WH_KEEP_COLUMNS])
{
    wh_params p;

    wh_params_reset(&p);
    for (int i = 0; i < WH_KEEP_COLUMNS; i++)
        wh_params_text(&p, columns[i]);
    return wh_db_exec(db, "bus_store_replies", &p) < 0 ? wh_db_last_status(db) : 0;
}

int wh_bus_append_events(wh_db *db, const char *stream, size_t n,
                         const char *const columns[WH_OUTBOX_COLUMNS], uint64_t *head)
{
    wh_params p;
    PGresult *r;
    int rc = 0;

    wh_params_reset(&p);
    wh_params_text(&p, stream);
    wh_params_i64(&p, (int64_t)n);
    for (int i = 0; i < WH_OUTBOX_COLUMNS; i++)
        wh_params_text(&p, columns[i]);
    r = wh_db_query(db, "bus_append_events", &p);
    if (r == NULL)
        return wh_db_last_status(db);
    if (PQntuples(r) != 1)
        rc = WH_INTERNAL; /* no stream_head row: the service did not ensure its stream */
    else
        *head = (uint64_t)wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    return rc;
}

int wh_bus_stream_ensure(wh_db *db, const char *stream, uint64_t *head)
{
    wh_params p;
    PGresult *r;

    wh_params_reset(&p);
    wh_params_text(&p, stream);
    if (wh_db_exec(db, "bus_stream_ensure", &p) < 0)
        return wh_db_last_status(db);
    r = wh_db_query(db, "bus_stream_head", &p);
    if (r == NULL)
        return wh_db_last_status(db);
    *head = (uint64_t)wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    return 0;
}

/* Copies a text cell into the arena. */
static char *arena_text(wh_arena *arena, const PGresult *r, int row, int col)
{
    const char *s = wh_db_text(r, row, col);
    size_t n = strlen(s != NULL ? s : "") + 1;
    char *out = wh_arena_alloc(arena, n);

    if (out != NULL)
        memcpy(out, s != NULL ? s : "", n);
    return out;
}

static int row_to_envelope(wh_arena *arena, const PGresult *r, int row, const char *stream,
                           Welfare__Bus__V1__Envelope *env)
{
    const char *payload = wh_db_text(r, row, 6);

    welfare__bus__v1__envelope__init(env);
    env->sequence = (uint64_t)wh_db_i64(r, row, 0, 0);
    env->message_id = arena_text(arena, r, row, 1);
    env->type = arena_text(arena, r, row, 2);
    env->correlation_id = arena_text(arena, r, row, 3);
    env->causation_id = arena_text(arena, r, row, 4);
    env->time_unix_ms = wh_db_i64(r, row, 5, 0);
    env->stream = (char *)stream;
    env->producer = (char *)stream;
    env->payload.data = wh_arena_alloc(arena, payload != NULL ? strlen(payload) / 2 + 1 : 1);
    if (env->message_id == NULL || env->type == NULL || env->correlation_id == NULL ||
        env->causation_id == NULL || env->payload.data == NULL)
        return WH_INTERNAL;
    return hex_decode(payload != NULL ? payload : "\\x", env->payload.data, &env->payload.len);
}

/* The least an envelope of this stream packs besides its strings' and payload's bytes, plus the 8
 * the reply's bound adds to each (below): a tag and at least one byte for the sequence (never 0), a
 * tag and a length for message_id and type (never empty), and the stream's name as stream and as
 * producer, each with its tag and length. */
static size_t envelope_floor(const char *stream)
{
    return 8 + 2 + 2 * 2 + 2 * (2 + strlen(stream));
}

int wh_bus_read_events(wh_db *db, wh_arena *arena, const char *stream, uint64_t after, uint64_t upto,
                       const char *types, uint32_t max, size_t max_bytes,
                       Welfare__Bus__V1__FetchEventsReply *reply)
{
    wh_params p;
    PGresult *r;
    int rc = 0, n, kept = 0;
    size_t bytes = 0;

    wh_params_reset(&p);
    wh_params_i64(&p, (int64_t)after);
    wh_params_i64(&p, (int64_t)upto);
    wh_params_i64(&p, max);
    wh_params_i64(&p, (int64_t)max_bytes);
    wh_params_i64(&p, (int64_t)envelope_floor(stream));
    if (types != NULL)
        wh_params_text(&p, types);
    r = wh_db_query(db, types != NULL ? "bus_read_events_of_types" : "bus_read_events", &p);
    if (r == NULL)
        return wh_db_last_status(db);
    n = PQntuples(r);
    reply->events = wh_arena_alloc(arena, (size_t)(n > 0 ? n : 1) * sizeof *reply->events);
    Welfare__Bus__V1__Envelope *envs = wh_arena_alloc(arena, (size_t)(n > 0 ? n : 1) * sizeof *envs);
    if (reply->events == NULL || envs == NULL)
        rc = WH_INTERNAL;
    for (int i = 0; rc == 0 && i < n; i++) {
        rc = row_to_envelope(arena, r, i, stream, &envs[i]);
        if (rc != 0)
            break;
        /* the reply's bytes are bounded, at least one event (a frame never exceeds the sender's limit) */
        bytes += welfare__bus__v1__envelope__get_packed_size(&envs[i]) + 8;
        if (i > 0 && bytes > max_bytes)
            break;
        reply->events[i] = &envs[i];
        kept = i + 1;
    }
    reply->n_events = rc == 0 ? (size_t)kept : 0;
    /* a bound (the count, the bytes here or the statement's cut by bytes: more rows read than
     * returned) stopped the read at its last event; else every sequence up to upto was read */
    int64_t read = n > 0 ? wh_db_i64(r, 0, 7, 0) : 0;
    if (rc == 0)
        reply->covered_sequence =
            kept < n || read > n || (uint64_t)read == max ? envs[kept - 1].sequence : upto;
    PQclear(r);
    return rc;
}

int wh_bus_position_load(wh_db *db, const char *stream, uint64_t *position)
{
    wh_params p;
    PGresult *r;

    wh_params_reset(&p);
    wh_params_text(&p, stream);
    if (wh_db_exec(db, "bus_position_ensure", &p) < 0)
        return wh_db_last_status(db);
    r = wh_db_query(db, "bus_position_load", &p);
    if (r == NULL)
        return wh_db_last_status(db);
    *position = (uint64_t)wh_db_i64(r, 0, 0, 0);
    PQclear(r);
    return 0;
}

int wh_bus_position_advance(wh_db *db, const char *stream, uint64_t from, uint64_t to)
{
    wh_params p;
    int64_t n;

    wh_params_reset(&p);
    wh_params_text(&p, stream);
    wh_params_i64(&p, (int64_t)from);
    wh_params_i64(&p, (int64_t)to);
    n = wh_db_exec(db, "bus_position_advance", &p);
    if (n < 0)
        return (int)n;
    return n == 1 ? 0 : WH_FAILED_PRECONDITION;
}

int wh_bus_park(wh_db *db, const char *stream, const Welfare__Bus__V1__Envelope *event, int attempts,
                const char *error)
{
    char *hex = hex_encode(event->payload.data, event->payload.len);
    wh_params p;
    int64_t rc;

    if (hex == NULL)
        return WH_INTERNAL;
    wh_params_reset(&p);
    wh_params_text(&p, stream);
    wh_params_i64(&p, (int64_t)event->sequence);
    wh_params_text(&p, event->message_id);
    wh_params_text(&p, event->type);
    wh_params_text(&p, event->correlation_id != NULL ? event->correlation_id : "");
    wh_params_text(&p, event->causation_id != NULL ? event->causation_id : "");
    wh_params_i64(&p, event->time_unix_ms);
    wh_params_text(&p, hex);
    wh_params_i64(&p, attempts);
    wh_params_text(&p, error);
    rc = wh_db_exec(db, "bus_park", &p);
    free(hex);
    return rc < 0 ? (int)rc : 0;
}

int wh_bus_audit_insert(wh_db *db, const char *principal, const char *public_key, const char *type,
                        const char *decision, const char *reason, const char *subject, int64_t first_ms,
                        int64_t last_ms, int64_t count)
{
    wh_params p;

    wh_params_reset(&p);
    wh_params_i64(&p, first_ms);
    wh_params_text(&p, principal);
    wh_params_text(&p, public_key);
    wh_params_text(&p, type);
    wh_params_text(&p, decision);
    wh_params_text(&p, reason);
    wh_params_text(&p, subject);
    wh_params_i64(&p, last_ms);
    wh_params_i64(&p, count);
    return wh_db_exec(db, "bus_audit_insert", &p) < 0 ? wh_db_last_status(db) : 0;
}

int wh_bus_dead_letters(wh_db *db, wh_arena *arena, const char *stream, bool include_replayed, uint32_t max,
                        Welfare__Bus__V1__ListDeadLettersReply *reply)
{
    wh_params p;
    PGresult *r;
    int n, rc = 0;

    wh_params_reset(&p);
    wh_params_text(&p, stream != NULL ? stream : "");
    wh_params_bool(&p, include_replayed);
    wh_params_i64(&p, max);
    r = wh_db_query(db, "bus_dead_letters", &p);
    if (r == NULL)
        return wh_db_last_status(db);
    n = PQntuples(r);
    reply->dead_letters = wh_arena_alloc(arena, (size_t)(n > 0 ? n : 1) * sizeof *reply->dead_letters);
    Welfare__Bus__V1__DeadLetter *rows = wh_arena_alloc(arena, (size_t)(n > 0 ? n : 1) * sizeof *rows);
    if (reply->dead_letters == NULL || rows == NULL)
        rc = WH_INTERNAL;
    for (int i = 0; rc == 0 && i < n; i++) {
        Welfare__Bus__V1__DeadLetter *d = &rows[i];
        welfare__bus__v1__dead_letter__init(d);
        d->stream = arena_text(arena, r, i, 0);
        d->sequence = (uint64_t)wh_db_i64(r, i, 1, 0);
        d->message_id = arena_text(arena, r, i, 2);
        d->type = arena_text(arena, r, i, 3);
        d->attempts = (int32_t)wh_db_i64(r, i, 4, 0);
        d->error = arena_text(arena, r, i, 5);
        d->parked_unix_ms = wh_db_i64(r, i, 6, 0);
        d->replayed_unix_ms = wh_db_i64(r, i, 7, 0);
        if (d->stream == NULL || d->message_id == NULL || d->type == NULL || d->error == NULL)
            rc = WH_INTERNAL;
        reply->dead_letters[i] = d;
    }
    reply->n_dead_letters = rc == 0 ? (size_t)n : 0;
    PQclear(r);
    return rc;
}

int wh_bus_dead_letter_load(wh_db *db, wh_arena *arena, const char *stream, uint64_t sequence,
                            Welfare__Bus__V1__Envelope *env)
{
    wh_params p;
    PGresult *r;
    int rc;

    wh_params_reset(&p);
    wh_params_text(&p, stream);
    wh_params_i64(&p, (int64_t)sequence);
    r = wh_db_query(db, "bus_dead_letter_load", &p);
    if (r == NULL)
        return wh_db_last_status(db);
    rc = PQntuples(r) == 1 ? row_to_envelope(arena, r, 0, stream, env) : WH_NOT_FOUND;
    PQclear(r);
    return rc;
}

int wh_bus_dead_letter_replayed(wh_db *db, const char *stream, uint64_t sequence)
{
    wh_params p;

    wh_params_reset(&p);
    wh_params_text(&p, stream);
    wh_params_i64(&p, (int64_t)sequence);
    return wh_db_exec(db, "bus_dead_letter_replayed", &p) < 0 ? wh_db_last_status(db) : 0;
}

int64_t wh_bus_prune_commands(wh_db *db, int64_t days, int64_t limit)
{
    wh_params p;

    wh_params_reset(&p);
    wh_params_i64(&p, days);
    wh_params_i64(&p, limit);
    return wh_db_exec(db, "bus_prune_commands", &p);
}

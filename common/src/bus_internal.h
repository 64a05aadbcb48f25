/*
 * bus_internal.h — what the files of libwh's service framework share (not installed).
 *
 *   service.c        lifecycle: environment → database → keys → sockets → HTTP → loop → shutdown
 *   service_state.c  the accessors services use from start/stop and timers
 *   service_db.c     the framework's connection: open, migrate, reconnect while PostgreSQL is away
 *   ctx.c arena.c    a handler's context and its batch-lifetime memory
 *   zsock.c          a ZeroMQ socket on the libuv loop (ZMQ_FD is edge-triggered)
 *   zap.c            the ZAP handler: CURVE keys from the allow-list become principals
 *   monitor.c        the command socket's connection events: gone, a handshake failed before ZAP
 *   peer_bounds.c    what one connection (and one key's connections) may cost the service
 *   zap_protocol.c   the ZAP exchange itself, policy left to the caller
 *   commands.c       the ROUTER: drain, reject what is bad, one transaction per batch, reply after commit
 *   commands_batch.c the batch's transactions: queries first, then the commands fast or careful
 *   envelope.c       building, packing and unpacking Envelopes
 *   outbox.c         wh_ctx_emit: an event, its gap-free sequence, in the handler's transaction
 *   hints.c          StreamHead on the PUB socket after each commit and as a heartbeat
 *   fetch.c          FetchEvents: a stream's events after a position
 *   fetched.c        a FetchEvents reply's coverage: which event follows a consumer's position
 *   consumer.c       one subscribed stream: position, pull, apply exactly once, dead letters
 *   bus_store.c      the SQL of all of the above
 */
#ifndef WH_BUS_INTERNAL_H
#define WH_BUS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "welfare/bus/v1/admin.pb-c.h"
#include "welfare/bus/v1/stream.pb-c.h"
#include "wh/http.h"
#include "wh/metrics.h"
#include "wh/service.h"
#include "wh/sqlarray.h"
#include "wh/util.h"

#define WH_BATCH_MAX_DEFAULT         256
#define WH_BATCH_MAX_BYTES_DEFAULT   (256 * 1024)       /* a batch takes no more commands past these bytes */
#define WH_MAX_FRAME_DEFAULT         (1024 * 1024)      /* a larger command gets TOO_LARGE */
#define WH_HARD_FRAME_LIMIT          (16 * 1024 * 1024) /* libzmq drops the peer above this */
#define WH_FETCH_MAX_DEFAULT         2000 /* ≥ the events of one busy batch; the byte bound binds first */
#define WH_FETCH_TIMEOUT_MS          5000
#define WH_FETCH_WAIT_MS             2000  /* a consumer's fetch at the head waits this long for a commit */
#define WH_FETCH_WAIT_MAX_MS         3000  /* the most a producer holds a waiting fetch (< the timeout) */
#define WH_FETCH_WAITING_MAX         256   /* waiting fetches held at once; beyond, answered at once */
#define WH_FETCH_MAX_TYPES           64    /* event types one FetchEvents may ask for */
#define WH_FETCH_TYPE_MAX_BYTES      128   /* the longest type name it may ask for */
#define WH_FETCH_SCAN_PER_EVENT      16    /* a filtered reply reads ≤ this × WH_FETCH_MAX sequences */
#define WH_FETCH_LIVENESS_DEFAULT_MS 15000 /* an idle stream's fetch when no hint came */
#define WH_TICK_MS                   1000
#define WH_HEAP_ARENAS               2            /* glibc arenas at most (service.c:configure_heap) */
#define WH_HEAP_MMAP_THRESHOLD       (128 * 1024) /* blocks this large are mapped, not kept in the heap */
#define WH_HEAP_TRIM_THRESHOLD       (128 * 1024) /* free heap top given back past this */
#define WH_ROUTER_SNDHWM             128 /* replies queued per connection (≥ welfarectl's window of 64); then dropped */
#define WH_ROUTER_RCVHWM             128 /* commands queued per connection; a client beyond it waits */
#define WH_PEER_UNREAD_MAX_BYTES                                                                             \
    (256 * 1024) /* unsent bytes of a connection: its commands wait (peer_bounds.c) */
#define WH_FETCH_MAX_BYTES_DEFAULT                                                                           \
    (256 * 1024) /* events per FetchEvents reply, in bytes (at least one event) */
#define WH_FETCH_START_BYTES_DEFAULT                                                                         \
    (16 * 1024) /* a connection's first FetchEvents replies, in bytes (fetch_pace.c) */
#define WH_RETRY_UNREAD_MS                 500 /* retry hint to a peer that does not read its replies */
#define WH_RETRY_FETCH_MS                  50 /* retry hint for a second FetchEvents of a connection in one batch */
#define WH_MAX_CONNECTIONS_PER_KEY_DEFAULT 32   /* 2x the bench's 16 of one key (operations.md) */
#define WH_RETRY_CONNECTIONS_MS            1000 /* retry hint to a connection beyond its key's bound */
#define WH_IDLE_CONNECTION_DEFAULT_S       30   /* a connection that sent nothing this long is closed */
#define WH_MAX_CONNECTIONS_DEFAULT         384  /* connections on the command socket, all keys and none */
#define WH_WAITING_PER_ADDRESS_DEFAULT     256  /* of one source address, nothing sent yet */
#define WH_HANDSHAKE_DEFAULT_S             10 /* ZMQ_HANDSHAKE_IVL: a handshake not done by then is closed */
#define WH_OPEN_FILES_WANTED               65536 /* RLIMIT_NOFILE raised towards (service.c) */
#define WH_ZAP_DOMAIN_COMMANDS             "welfarehub-commands" /* the command socket's (zap.c) */
#define WH_ZAP_DOMAIN                      "welfarehub"          /* every other CURVE server socket */
#define WH_ZAP_DOMAIN_HINTS                "welfarehub-hints"    /* the hint socket\'s (hint_bound.c) */
#define WH_MAX_HINT_CONNECTIONS_DEFAULT    64 /* on the hint socket; a service\'s never refused */
#define WH_RETRY_IN_FLIGHT_MS              100 /* retry hint past WH_IN_FLIGHT_MAX commands of a connection (status.h) */
#define WH_MESSAGE_ID_MAX                  64
#define WH_PRINCIPAL_NAME_MAX              64

/* --- arena.c: memory that lives until a batch is answered --------------------------------- */

typedef struct wh_arena wh_arena;
wh_arena *wh_arena_new(void);
void *wh_arena_alloc(wh_arena *a, size_t size); /* zeroed; NULL when out of memory */
void wh_arena_reset(wh_arena *a);               /* frees everything allocated so far */
void wh_arena_free(wh_arena **a);

/* --- sqlarray.c: wh/sqlarray.h ------------------------------------------------------------- */

/* --- outbox.c: the events of the open transaction, written in one statement at commit -------- */

#define WH_OUTBOX_COLUMNS 6 /* message_id, type, correlation_id, causation_id, time_ms, payload */

typedef struct wh_outbox {
    wh_sqlarray col[WH_OUTBOX_COLUMNS];
} wh_outbox;

typedef struct wh_outbox_mark {
    size_t len[WH_OUTBOX_COLUMNS];
    size_t n;
} wh_outbox_mark;

/* Writes the buffered events with the stream's next sequences (one statement) and empties the
 * buffer; the new head in *head.  Called by wh_service_commit before COMMIT. */
int wh_outbox_flush(wh_service *svc, uint64_t *head);
void wh_outbox_mark_get(const wh_service *svc, wh_outbox_mark *m);
void wh_outbox_rewind(wh_service *svc, const wh_outbox_mark *m); /* drops events after the mark */
void wh_outbox_clear(wh_service *svc);
void wh_outbox_free(wh_service *svc);
/* The column buffers given back when no event waits in them (an idle service's; service.c). */
void wh_outbox_release(wh_service *svc);

/* --- zsock.c -------------------------------------------------------------------------------- */

typedef struct wh_zsock wh_zsock;
typedef void (*wh_zsock_fn)(wh_zsock *z, void *arg);

struct wh_zsock {
    void *sock;
    uv_poll_t poll;
    uv_idle_t idle;
    wh_zsock_fn on_readable; /* drains what it wants; called again while messages wait */
    void *arg;
    bool started;
    bool more; /* set by on_readable: it has work left with no message waiting; call it next turn */
    void (*on_closed)(wh_zsock *z); /* optional: after wh_zsock_close, once the handles are closed */
    int handles_closed;
};

/* Puts a ZeroMQ socket on the loop; on_readable runs whenever messages wait.  0 or WH_INTERNAL. */
int wh_zsock_start(wh_zsock *z, uv_loop_t *loop, void *sock, wh_zsock_fn on_readable, void *arg);
/* Re-reads ZMQ_EVENTS after a send elsewhere (the edge may have been consumed). */
void wh_zsock_kick(wh_zsock *z);
/* Takes the socket off the loop and closes it; the handles close on the next loop turn, then
 * on_closed runs (at once when the socket never started). */
void wh_zsock_close(wh_zsock *z);
/* wh_zsock_close, then free(z->arg) once the handles are closed: for a struct that holds its z and is
 * z's arg (the monitor, the ZAP handler). */
void wh_zsock_close_and_free(wh_zsock *z);
/* Sets the CURVE options: server (secret only, and the ZAP domain its handshakes are asked in) or
 * client (with the server's public key). */
int wh_zsock_curve_server(void *sock, const char *secret_z85, const char *zap_domain);
int wh_zsock_curve_client(void *sock, const char *secret_z85, const char *public_z85,
                          const char *server_public_z85);

/* --- zap.c ----------------------------------------------------------------------------------- */

typedef struct wh_zap wh_zap;
typedef struct wh_hint_bound wh_hint_bound;
/* Binds the ZAP endpoint in the service's zctx and answers on the loop from its current allow-list. */
int wh_zap_start(wh_zap **out, wh_service *svc);
void wh_zap_stop(wh_zap **zap);

/* --- zap_protocol.c ---------------------------------------------------------------------------- */

/* May this CURVE key (Z85) in?  key is NULL when the handshake is not CURVE or the request is
 * malformed (why says which); on refusal, set why for the 400 answer. */
typedef bool (*wh_zap_decide_fn)(void *arg, const char *domain, const char *key, const char *address,
                                 const char **why);
/* Answers the ZAP requests waiting on a REP socket (at most 64); returns how many. */
int wh_zap_answer_waiting(void *sock, wh_zap_decide_fn decide, void *arg);

/* Reads up to `most` socket-monitor events waiting on the PAIR socket sock (each two frames: the event
 * and its value, then the endpoint, unused), calling on(arg, event, value) for each (monitor.c). */
typedef void (*wh_monitor_event_fn)(void *arg, uint16_t event, uint32_t value);
void wh_monitor_read(void *sock, int most, wh_monitor_event_fn on, void *arg);

/* --- the running service ----------------------------------------------------------------------- */

typedef struct wh_consumer wh_consumer;
typedef struct wh_audit wh_audit;
typedef struct wh_commands wh_commands;
typedef struct wh_monitor wh_monitor;

struct wh_service {
    const wh_service_def *def;
    uv_loop_t *loop;
    void *state;
    wh_http *http;

    /* database */
    wh_db *db;
    char *db_conninfo;
    bool db_up;
    uv_timer_t reconnect_timer;

    /* keys and sockets */
    wh_access *access; /* the current allow-list (access_reload.c swaps it between batches) */
    char allowlist_path[1024];
    struct {
        long long mtime_ns, size, inode;
    } allowlist_stat;
    wh_audit *audit;
    char secret_key[WH_Z85_KEY_LEN + 1];
    char public_key[WH_Z85_KEY_LEN + 1];
    void *zctx;
    wh_zap *zap;
    wh_commands *commands;
    void *pub;                 /* the hint socket (an XPUB) */
    wh_hint_bound *hint_bound; /* its connections (hint_bound.c) */
    wh_consumer **consumers;
    size_t n_consumers;

    /* own stream */
    uint64_t head;      /* highest committed sequence */
    uint64_t published; /* highest sequence announced on PUB */
    wh_outbox outbox;   /* events of the open transaction, written at commit */

    /* settings */
    int64_t batch_max, batch_max_bytes, max_frame, fetch_max, fetch_max_bytes, retention_days;
    int64_t fetch_start_bytes; /* WH_FETCH_START_BYTES: a connection's first replies (fetch_pace.c) */
    int64_t max_conns_per_key; /* WH_MAX_CONNECTIONS_PER_KEY (peer_bounds.c) */
    int64_t idle_conn_s;       /* WH_IDLE_CONNECTION_SECONDS (peer_bounds.c) */
    int64_t max_conns;         /* WH_MAX_CONNECTIONS (connection_bound.c) */
    int64_t max_hint_conns;    /* WH_MAX_HINT_CONNECTIONS (hint_bound.c) */
    int64_t waiting_per_addr;  /* WH_MAX_HANDSHAKES_PER_ADDRESS (address_bound.c) */
    int64_t handshake_s;       /* WH_HANDSHAKE_SECONDS (ZMQ_HANDSHAKE_IVL of the CURVE server sockets) */
    int64_t liveness_ms;       /* WH_FETCH_LIVENESS_MS: an idle stream's fetch without hints */
    uint64_t ticks;
    int worked;    /* 2 after a batch or an applied event, counted down on each idle tick (memory) */
    bool trim_due; /* something ran since the last malloc_trim: the next idle tick trims (memory) */

    uv_timer_t tick;
    uv_signal_t sigint, sigterm;
    bool stopping;

    wh_gauge *ready_gauge, *head_gauge;
    wh_counter *events_emitted;
};

struct wh_ctx {
    wh_service *svc;
    wh_arena *arena;
    const Welfare__Bus__V1__Envelope *env;
    const wh_principal *principal;
    int status;
    char field[128];
    char message[256];
    size_t fetch_bytes;     /* FetchEvents: its connection's allowance (fetch_pace.c); 0: fetch_max_bytes */
    uint64_t fetch_covered; /* FetchEvents: the reply's covered_sequence, once built */
    bool fetch_replied;     /* … and it was built */
};

/* fetch_pace.c: a connection's slow start of FetchEvents reply bytes. */
typedef struct wh_fetch_pace {
    size_t allowance; /* bytes of events its next reply may hold; 0 before its first fetch */
    uint64_t end;     /* the covered_sequence of its last reply, where a reader continues */
    bool replied;     /* a reply was built since the allowance was last decided */
} wh_fetch_pace;
/* The allowance of a FetchEvents asking after `after`; all_taken: the kernel has nothing of the
 * connection unsent.  Starts at min(start, max), doubles up to max when the connection is seen to read
 * (after at or past its last reply's end, all taken), back to the start when it is not taking. */
size_t wh_fetch_pace_allowance(wh_fetch_pace *pace, uint64_t after, bool all_taken, size_t start, size_t max);
/* The reply to the fetch last weighed was built; covered is its covered_sequence. */
void wh_fetch_pace_replied(wh_fetch_pace *pace, uint64_t covered);

/* ctx.c */
void wh_ctx_init(wh_ctx *ctx, wh_service *svc, wh_arena *arena, const Welfare__Bus__V1__Envelope *env,
                 const wh_principal *principal);

/* --- envelope.c -------------------------------------------------------------------------------- */

/* Packs msg as the payload of a new envelope (fresh message id, time now) caused by cause (may be
 * NULL) and returns the packed envelope in *frame (malloc()ed) — or, with error_status < 0, an error
 * reply of type reply_type.  0 or WH_INTERNAL. */
/* Sets `replayed` on a stored reply frame (re-encoded in place): it answers a repeat.  0 or a status. */
int wh_envelope_mark_replayed(uint8_t **frame, size_t *len);
int wh_envelope_reply(const wh_service *svc, const Welfare__Bus__V1__Envelope *cause, const char *reply_type,
                      const ProtobufCMessage *msg, int error_status, const char *error_field,
                      const char *error_message, uint32_t retry_after_ms, uint8_t **frame, size_t *len);
/* Packs a message (payload) with a fresh id into *frame; 0 or WH_INTERNAL. */
int wh_envelope_pack_message(const char *producer, const char *correlation_id, const ProtobufCMessage *msg,
                             uint8_t **frame, size_t *len);
/* The payload of env decoded as descriptor, or NULL (caller frees with protobuf_c_message_free_unpacked). */
ProtobufCMessage *wh_envelope_payload(const Welfare__Bus__V1__Envelope *env,
                                      const ProtobufCMessageDescriptor *descriptor);
/* --- envelope_check.c: the envelope of a command, before it may join a batch ---------------------- */

#define WH_FIELD_PATH_MAX 128 /* a field's dotted path in a typed error */
#define WH_TYPE_MAX       128 /* characters of a message type */

/* correlation_id, causation_id, producer, stream: empty (or NULL) or the message-id rule. */
bool wh_envelope_id_ok(const char *id);
/* A message type: 1–128 characters of [A-Za-z0-9._]. */
bool wh_envelope_type_valid(const char *type);
/* Every envelope field of a received command frame (env decoded from frame): 0, or WH_MALFORMED with
 * the field's name and a reason (static text) — see the rules in envelope_check.c. */
int wh_envelope_check(const Welfare__Bus__V1__Envelope *env, const uint8_t *frame, size_t len,
                      char field[WH_FIELD_PATH_MAX], const char **why);
/* The message id and type of a frame that will not be decoded (too large), read from the wire: each
 * set only when present and valid (else empty).  True when the id could be recovered. */
bool wh_envelope_peek(const uint8_t *frame, size_t len, char id[WH_MESSAGE_ID_MAX + 1],
                      char type[WH_TYPE_MAX + 1]);

/* --- bus_store.c: the framework's SQL ------------------------------------------------------------ */

extern const wh_db_statement wh_bus_statements[];
extern const size_t wh_bus_statements_count;

/* Appends n events (columns as array literals) with the stream's next sequences; the new head. */
int wh_bus_append_events(wh_db *db, const char *stream, size_t n,
                         const char *const columns[WH_OUTBOX_COLUMNS], uint64_t *head);
/* Stored replies of (principal, message id) pairs given as array literals: the result has the
 * 1-based position of each pair found, its reply (hex bytea), type and digest (hex bytea or NULL);
 * NULL on failure. */
PGresult *wh_bus_find_replies(wh_db *db, const char *principals, const char *message_ids);
#define WH_KEEP_COLUMNS 6 /* principal, message_id, type, status, reply, digest */
/* Stores n replies given as array literals (the WH_KEEP_COLUMNS). */
int wh_bus_store_replies(wh_db *db, const char *const columns[WH_KEEP_COLUMNS]);
/* Decodes a hex bytea cell into a malloc()ed buffer. */
int wh_bus_bytea(const char *text, uint8_t **out, size_t *len);
int wh_bus_stream_ensure(wh_db *db, const char *stream, uint64_t *head);
/* Events after a position and up to `upto` (the committed head: a batch must never hand out events
 * its own transaction has not committed), of the types in the array literal `types` (NULL: every
 * type): fills reply (from the arena) with at most max events and, past the first, max_bytes of them
 * (packed), and reply->covered_sequence with the highest sequence the reply accounts for (upto when
 * neither bound stopped the read, else its last event). */
int wh_bus_read_events(wh_db *db, wh_arena *arena, const char *stream, uint64_t after, uint64_t upto,
                       const char *types, uint32_t max, size_t max_bytes,
                       Welfare__Bus__V1__FetchEventsReply *reply);
int wh_bus_position_load(wh_db *db, const char *stream, uint64_t *position);
/* Moves the position from `from` to `to`; WH_FAILED_PRECONDITION when it was not at `from`. */
int wh_bus_position_advance(wh_db *db, const char *stream, uint64_t from, uint64_t to);
/* Dead letters, oldest first (stream "" for all; replayed ones too when asked). */
int wh_bus_dead_letters(wh_db *db, wh_arena *arena, const char *stream, bool include_replayed, uint32_t max,
                        Welfare__Bus__V1__ListDeadLettersReply *reply);
/* A parked, not yet replayed event, locked for the transaction; WH_NOT_FOUND when there is none. */
int wh_bus_dead_letter_load(wh_db *db, wh_arena *arena, const char *stream, uint64_t sequence,
                            Welfare__Bus__V1__Envelope *env);
int wh_bus_dead_letter_replayed(wh_db *db, const char *stream, uint64_t sequence);
int wh_bus_park(wh_db *db, const char *stream, const Welfare__Bus__V1__Envelope *event, int attempts,
                const char *error);

/* --- service_db.c ---------------------------------------------------------------------------- */

/* Opens the connection and applies the migrations; 0 or a status (logged). */
int wh_service_db_open(wh_service *svc);
/* Called when a statement failed with UNAVAILABLE: marks the database down and starts reconnecting. */
void wh_service_db_lost(wh_service *svc);
/* Between transactions, when idle: a connection whose libpq buffers grew past a bound (one large
 * statement) is replaced by a fresh one, so an idle service does not keep them (wh_db_recycle). */
void wh_service_db_shrink(wh_service *svc);
/* BEGIN / COMMIT / ROLLBACK on the framework's connection; a lost connection calls db_lost. */
int wh_service_begin(wh_service *svc);
int wh_service_commit(wh_service *svc);
void wh_service_rollback(wh_service *svc);

/* --- audit.c: refused attempts, kept in PostgreSQL --------------------------------------------- */

int wh_audit_start(wh_service *svc);
/* Remembers a refusal or a disclosure (principal name or "", its key, the message type, decision,
 * reason, subject: what was disclosed, or ""); written to audit_log on the next tick, the same entry
 * again in a tick adding to its count.  A flood beyond the buffer is folded into counted entries of
 * the principal or the service: counted, never dropped. */
void wh_audit_record(wh_service *svc, const char *principal, const char *public_key, const char *type,
                     const char *decision, const char *reason, const char *subject);
void wh_audit_flush(wh_service *svc);
void wh_audit_stop(wh_service *svc);
int wh_bus_audit_insert(wh_db *db, const char *principal, const char *public_key, const char *type,
                        const char *decision, const char *reason, const char *subject, int64_t first_ms,
                        int64_t last_ms, int64_t count);

/* --- retention.c ------------------------------------------------------------------------------- */

int wh_retention_start(wh_service *svc);
/* Once a minute: deletes command records older than the retention. */
void wh_retention_tick(wh_service *svc);
/* Deletes at most limit records older than days; the number deleted or a negative status. */
int64_t wh_bus_prune_commands(wh_db *db, int64_t days, int64_t limit);

/* --- access_reload.c ---------------------------------------------------------------------------- */

/* Remembers the state of the allow-list file just loaded (svc->allowlist_path). */
void wh_access_watch(wh_service *svc);
/* Re-reads the allow-list when its file changed; keeps the old one when the new one does not parse. */
void wh_access_reload_if_changed(wh_service *svc);

/* --- admin.c: dead letters ---------------------------------------------------------------------- */

int wh_admin_list_dead_letters(wh_ctx *ctx, const ProtobufCMessage *request, ProtobufCMessage **reply);
int wh_admin_replay_dead_letter(wh_ctx *ctx, const ProtobufCMessage *request, ProtobufCMessage **reply);
/* Applies one stored event of a subscribed stream with its handler, in the open transaction. */
int wh_consumer_apply_stored(wh_ctx *ctx, const char *stream, const Welfare__Bus__V1__Envelope *event);

/* --- commands.c ------------------------------------------------------------------------------ */

int wh_commands_start(wh_commands **out, wh_service *svc);
void wh_commands_stop(wh_commands **c);
/* The allow-list was replaced (access_reload.c): every command taken and not yet run, and every
 * FetchEvents held (fetch_wait.c), is looked up again by its connection's key in the new list and
 * refused (PERMISSION_DENIED, audited) when that list no longer lets it send its type — as it would be
 * if it arrived now.  So a reload waits for no gap between batches, which a service kept busy by a
 * closed loop of clients may never have; the old list may be freed after. */
void wh_commands_reauthorize(wh_commands *c);
/* peer_bounds.c: may a handshake of this key (Z85) on the command socket in?  Not when the key has
 * WH_MAX_CONNECTIONS_PER_KEY connections already, nor half of them in places held by handshakes not
 * yet followed by a message, nor when every key together has WH_MAX_CONNECTIONS, counted from their
 * handshake on; else its place is held for the new connection. */
typedef enum {
    WH_HANDSHAKE_IN,
    WH_HANDSHAKE_KEY_FULL,
    WH_HANDSHAKE_KEY_HELD,
    WH_HANDSHAKE_SOCKET_FULL,
    WH_HANDSHAKE_HINTS_FULL /* the hint socket's WH_MAX_HINT_CONNECTIONS (hint_bound.c) */
} wh_peer_handshake_verdict;
wh_peer_handshake_verdict wh_peer_handshake(wh_commands *c, const char *key);
/* peer_bounds.c, each tick: closes the connections that sent nothing for WH_IDLE_CONNECTION_SECONDS
 * since they were accepted, and frees the places their handshakes held. */
void wh_peers_tick(wh_commands *c);

/* --- fetched.c ---------------------------------------------------------------------------------- */

/* A FetchEvents reply as its consumer reads it: which of its events follows a position. */
typedef struct wh_fetched {
    Welfare__Bus__V1__Envelope **ev;
    size_t n;
    bool skips;       /* covered_sequence set: the events are the asked types only, sequences skipped */
    bool after_known; /* the reply answers the request in flight, whose position is `after` */
    uint64_t after;
    uint64_t end; /* the highest sequence it accounts for: covered_sequence, or its last event */
} wh_fetched;

void wh_fetched_init(wh_fetched *f, const Welfare__Bus__V1__FetchEventsReply *reply, bool after_known,
                     uint64_t after);
/* Whether event i is the next one to apply at `position`; i == n: whether the reply's tail (no event
 * to apply, up to f->end) follows it, so the position may move to f->end. */
bool wh_fetched_follows(const wh_fetched *f, size_t i, uint64_t position);
/* The index of the first event past `position` (n when none is). */
size_t wh_fetched_first_after(const wh_fetched *f, uint64_t position);
/* Whether events from+1 .. to each follow the one before them (no gap a gap-free reply should not have). */
bool wh_fetched_chained(const wh_fetched *f, size_t from, size_t to);

/* --- fetch.c ------------------------------------------------------------------------------------ */

int wh_fetch_handle(wh_ctx *ctx, const ProtobufCMessage *request, ProtobufCMessage **reply);
bool wh_fetch_allowed(const wh_service *svc, const wh_principal *p, const ProtobufCMessage *request);

/* --- fetch_wait.c (the command socket's FetchEvents that wait for the next commit) -------------- */

/* Answers the held fetches that are due: the head moved past them (called after every commit, where
 * the hint is published), or their wait is over (each tick).  Nothing while a batch runs. */
void wh_fetch_wait_wake(wh_commands *c);

/* --- hint_bound.c: the connections of the hint socket --------------------------------------- */

typedef struct wh_hint_conn {
    bool waiting;         /* accepted, not subscribed yet: closed once its held place is over */
    bool placed;          /* subscribed: it has a place */
    uint64_t accepted_ms; /* monotonic */
    uint64_t peer;        /* wh_peer_hash when accepted: tells the connection from one that got its fd */
} wh_hint_conn;

/* The hint socket's places: connections subscribed (by fd) and places held by handshakes accepted. */
typedef struct wh_hint_places {
    wh_hint_conn *by_fd;
    size_t n_fd;
    int64_t n_placed;
    uint64_t *held; /* monotonic ms at which each held place is forgotten */
    size_t n_held, cap_held;
} wh_hint_places;

/* Places taken and held at now. */
int64_t wh_hint_places_count(wh_hint_places *p, uint64_t now);
/* May a handshake in?  Not when the places are at max, unless never_refused; if in, a place is held
 * until a connection subscribes, or for hold_ms. */
bool wh_hint_places_admit(wh_hint_places *p, int64_t max, bool never_refused, uint64_t now, uint64_t hold_ms);
/* A connection was accepted on fd (its peer, wh_peer_hash); it subscribed on fd (the oldest held
 * place is its); it is gone. */
void wh_hint_places_accepted(wh_hint_places *p, int fd, uint64_t peer, uint64_t now);
void wh_hint_places_subscribed(wh_hint_places *p, int fd);
void wh_hint_places_gone(wh_hint_places *p, int fd);
/* An fd accepted hold_ms ago or more that has not subscribed (each once), or -1. */
int wh_hint_places_unsubscribed(wh_hint_places *p, uint64_t now, uint64_t hold_ms);
void wh_hint_places_free(wh_hint_places *p);

/* Takes the hint socket (an XPUB, before it binds) onto the loop: its subscriptions and its monitor. */
int wh_hint_bound_start(wh_hint_bound **out, wh_service *svc, void *xpub);
/* From the ZAP handler: may who's handshake on the hint socket in (WH_MAX_HINT_CONNECTIONS)? */
bool wh_hint_bound_admit(wh_hint_bound *b, const wh_principal *who);
/* After a send on the hint socket (the edge its poll waits for may have been taken). */
void wh_hint_bound_kick(wh_hint_bound *b);
/* Each tick: closes connections that subscribed to nothing within their held place's time. */
void wh_hint_bound_tick(wh_hint_bound *b);
/* Closes the hint socket with it. */
void wh_hint_bound_stop(wh_hint_bound **b);

/* --- hints.c ------------------------------------------------------------------------------------ */

int wh_hints_start(wh_service *svc);
/* After a commit: announces the new head if it moved (or always, with heartbeat). */
void wh_hints_publish(wh_service *svc, bool heartbeat);
void wh_hints_stop(wh_service *svc);

/* --- consumer.c ------------------------------------------------------------------------------- */

int wh_consumers_start(wh_service *svc);
/* On the tick: fetch the streams that are ahead, retry what failed, and the liveness fetch of a
 * stream not fetched for WH_FETCH_LIVENESS_MS (an idle stream is not polled every tick). */
void wh_consumers_tick(wh_service *svc);
/* Now, every stream whose fetch is not in flight (at start, the database back). */
void wh_consumers_poll(wh_service *svc);
void wh_consumers_stop(wh_service *svc);

#endif

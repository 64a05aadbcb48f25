/*
 * commands_internal.h — what the command socket (commands.c) and the batch it runs
 * (commands_batch.c) share: a received message on its way, and the socket's state.
 */
#ifndef WH_COMMANDS_INTERNAL_H
#define WH_COMMANDS_INTERNAL_H

#include <zmq.h>

#include "bus_internal.h"

#define ROUTE_MAX             4  /* routing frames before the envelope: the ROUTER's id, a REQ's delimiter */
#define STATUS_SLOTS          10 /* -WH_TOO_LARGE + 1 */
#define WH_COMMAND_DIGEST_LEN 32 /* BLAKE2b-256 */

typedef struct pending {
    zmq_msg_t route[ROUTE_MAX];
    int n_route;
    Welfare__Bus__V1__Envelope *env;
    const wh_command *cmd;
    wh_command_batch_fn together; /* the type's batch handler, or NULL */
    size_t row;                   /* index of cmd in the service's table, then the built-in rows */
    const wh_principal *principal;
    char public_key[WH_Z85_KEY_LEN + 1]; /* the connection's, from the handshake */
    ProtobufCMessage *request;
    uint8_t *reply;
    size_t reply_len;
    int status;
    uint64_t received_ns;
    int fd;        /* the fd it came on (ZMQ_SRCFD; -1: none), maybe closed or reused since (peer_bounds.c) */
    bool done;     /* answered (a query, before the commands ran) */
    bool replayed; /* reply is the stored reply of an earlier batch */
    bool held;     /* left out of the transaction running now (the batch's commands run alone) */
    uint8_t digest[WH_COMMAND_DIGEST_LEN]; /* of type and payload: a reused id must bring the same */
    bool conflict;                         /* the id was used for another command: ALREADY_EXISTS */
    char **hidden_at; /* an envelope field that failed its check, set aside so no reply echoes it */
    char *hidden;
    int repeat_of;      /* index of an earlier command of this batch with the same principal and id, or -1 */
    bool is_fetch;      /* a FetchEvents admitted to this batch (one per connection, peer_bounds.c) */
    size_t fetch_bytes; /* its connection's allowance of event bytes (fetch_pace.c) */
    uint32_t retry_after_ms; /* with UNAVAILABLE for a per-connection bound: the reply's retry hint */
    bool waited;             /* a FetchEvents held for the next commit (fetch_wait.c): not held again */
    uint64_t wait_until_ns;  /* when a held FetchEvents is answered empty */
    char why[128];           /* the error reply's message, for the audit of a handler's refusal */
} pending;

/* peer_bounds.c: the connections of each key (WH_MAX_CONNECTIONS_PER_KEY), by the fd they came on. */
typedef struct peer_conn {
    uint64_t route;       /* a hash of the connection's routing id: a reused fd is another connection */
    uint64_t peer;        /* a hash of its peer's address and port (getpeername), 0 when unknown */
    uint64_t accepted_ms; /* when the monitor saw it accepted (waiting) */
    uint64_t source;      /* while waiting: its peer's IP address, no port (address_bound.c); 0: not IP */
    uint32_t key;         /* its entry in wh_peers.keys */
    bool used, refused;
    bool waiting; /* accepted, no message yet: closed once idle for WH_IDLE_CONNECTION_SECONDS */
    bool shed;    /* closed by the bound on all connections (connection_bound.c), its end not seen yet */
    bool secured; /* its CURVE handshake succeeded (monitor.c): no longer counted by address_bound.c */
    uint64_t secured_ms; /* when (connection_bound.c: silent since, it may be closed past the bound) */
    bool told;          /* placed after the monitor told its accept: the next end told on its fd is its own */
    wh_fetch_pace pace; /* its FetchEvents replies' slow start (fetch_pace.c) */
    uint64_t tallied;   /* the source it is counted under in wh_peers.tally (address_tally.c), 0: none */
} peer_conn;
typedef struct peer_key {
    char key[WH_Z85_KEY_LEN + 1];
    int64_t open;   /* its connections served */
    uint64_t *held; /* expiry (ms) of each handshake let in whose connection has sent nothing yet */
    size_t n_held, cap_held;
} peer_key;
/* peer_gone.c: the routing ids of the last connections gone, a ring indexed by an open-addressing set. */
#define WH_GONE_REMEMBERED 4096
#define WH_GONE_SLOTS      8192
typedef struct peer_gone {
    uint64_t ring[WH_GONE_REMEMBERED]; /* keys in the order their ends were told */
    uint64_t slot[WH_GONE_SLOTS];      /* the same keys by hash (0: empty) */
    size_t next, n;
} peer_gone;
/* address_tally.c: connections in their handshake by source address (open addressing; count 0 kept). */
typedef struct addr_tally {
    uint64_t *source; /* 0: empty */
    uint32_t *count;
    size_t cap, used; /* slots (a power of two), and those with an address */
} addr_tally;
typedef struct wh_peers {
    peer_conn *by_fd;
    size_t n_fd;
    peer_key *keys;
    size_t n_keys, cap_keys;
    int64_t shedding; /* connections shed (connection_bound.c) whose end the monitor has not told yet */
    peer_gone gone;   /* connections ended: their queries still queued are dropped (peer_gone.c) */
    addr_tally tally; /* connections in their handshake, by source address (address_tally.c) */
} wh_peers;

/* The stages of a batch, each timed (wh_bus_batch_stage_seconds{stage=…}): where a command's
 * latency goes. */
typedef enum wh_batch_stage {
    WH_STAGE_RECEIVE,  /* draining the socket: decode, checks, principal, digest */
    WH_STAGE_QUERIES,  /* the queries' read transaction */
    WH_STAGE_REPEATS,  /* BEGIN and the batch's stored replies looked up */
    WH_STAGE_HANDLERS, /* the handlers (their statements included) */
    WH_STAGE_REPLIES,  /* the replies stored */
    WH_STAGE_COMMIT,   /* the events written and COMMIT (the WAL flushed) */
    WH_STAGE_SEND,     /* the replies sent */
    WH_STAGE_COUNT
} wh_batch_stage;

struct wh_commands {
    wh_service *svc;
    wh_zsock z;
    wh_arena *arena;
    pending *batch;
    size_t n;
    pending *waiting; /* FetchEvents held for the next commit (fetch_wait.c), WH_FETCH_WAITING_MAX */
    size_t n_waiting;
    wh_counter **by_row;     /* [(n_commands + N_BUILTIN) * STATUS_SLOTS], registered on first use */
    wh_counter **undeclared; /* the same shape: statuses answered that the command does not declare */
    wh_counter *rejected_malformed, *rejected_large, *rejected_unknown, *rejected_denied, *rejected_text,
        *rejected_busy, *rejected_in_flight, *rejected_connections, *connections_refused, *replayed,
        *dropped_unread, *dropped_gone, *queries_gone, *idle_closed, *shed, *fetches_held;
    wh_histogram *latency;
    wh_histogram *stage[WH_STAGE_COUNT];
    wh_gauge *batch_size;
    wh_peers peers;
    wh_monitor *monitor; /* the command socket's connection events (monitor.c) */
    wh_sqlarray
        keep[WH_KEEP_COLUMNS]; /* replies to store: principal, message_id, type, status, reply, digest */
};

/* The reply to keep and send: status, and the reply message on success (an error otherwise). */
void wh_cmd_set_reply(wh_commands *c, pending *p, int status, const char *field, const char *message,
                      const ProtobufCMessage *msg);
/* A handler answered p with a status its command does not declare (wh_command_may_return): logged
 * the first time for its type and status, counted every time. */
void wh_cmd_undeclared(wh_commands *c, const pending *p, int status, const char *field, const char *message);
/* Sends a reply and counts it; the message is answered. */
void wh_cmd_finish(wh_commands *c, pending *p);
/* peer_bounds.c: the connection's peer (the fd the message came in on) leaves more of its replies
 * unread than WH_PEER_UNREAD_MAX_BYTES (TCP: unsent in the kernel; a Unix socket: unread), or than half
 * its send buffer if that is less; false when unknown. */
bool wh_peer_unread_past_bound(zmq_msg_t *body);
bool wh_fd_unread_past_bound(int fd);
/* Where p's connection stands against its key's bound of connections (placed on its first message,
 * refused for good beyond it); STALE: the fd ZMQ_SRCFD gave is another connection's now (p's is gone),
 * so nothing of that fd is p's. */
typedef enum wh_peer_standing { WH_PEER_SERVED, WH_PEER_REFUSED, WH_PEER_STALE } wh_peer_standing;
wh_peer_standing wh_peer_connection_ok(wh_commands *c, const pending *p, zmq_msg_t *body);
/* The same for the connection with this routing-id hash and key on fd (unit tests). */
wh_peer_standing wh_peer_place(wh_commands *c, int fd, uint64_t route, const char *key);
/* The connection on fd is gone (monitor.c): its place is free, and its routing id remembered when it
 * is surely the connection that ended (peer_gone.c). */
void wh_peer_gone(wh_commands *c, int fd);
/* A hash of p's routing id (its first routing frame). */
uint64_t wh_peer_route_hash(const pending *p);
/* peer_gone.c: the set of connections gone, by the hash of their routing id. */
void wh_gone_remember(peer_gone *g, uint64_t route);
bool wh_gone_has(const peer_gone *g, uint64_t route);
/* True when p came on a connection that is gone: its routing id is one the ROUTER made and the monitor
 * told its end, or the fd it came on is no connected socket any more. */
bool wh_peer_message_gone(wh_commands *c, const pending *p);
/* A connection was accepted on fd (monitor.c): it has WH_IDLE_CONNECTION_SECONDS to send. */
void wh_peer_accepted(wh_commands *c, int fd);
/* Who is at the other end of fd and which socket it is (a hash of its peer's address and port and its
 * inode), 0 when fd is no connected socket. */
uint64_t wh_peer_hash(int fd);
/* fd is a connected socket (one getpeername: what wh_peer_hash is not 0 for, without its fstat). */
bool wh_fd_connected(int fd);
/* connection_bound.c: the command socket holds `open` connections (monitor.c), one just accepted;
 * past WH_MAX_CONNECTIONS one that cannot have sent anything unread is closed (wh_peer_shed_choice). */
void wh_peer_total_bound(wh_commands *c, int64_t open);
#define WH_SHED_SILENT_MS 10000 /* silent this long past its handshake: it may be closed past the bound */
/* peer_bounds.c: the places one key's handshakes may hold at once (half its connections, at least 1),
 * and how long each is held without a message (WH_SHED_SILENT_MS or the idle bound, +2 ticks). */
int64_t wh_peer_held_max(int64_t per_key);
uint64_t wh_peer_held_ms(int64_t idle_conn_s);
/* The fd of the connection to close past WH_MAX_CONNECTIONS at now_ms: placed connections never; of the
 * others, one silent WH_SHED_SILENT_MS past its handshake (the longest), else one whose handshake is
 * undecided (accepted longest ago), else none (-1). */
int wh_peer_shed_choice(const wh_peers *ps, uint64_t now_ms);
/* Closes the connection on fd, which has sent nothing (counted wh_bus_connections_shed_total, audited
 * connection_limit with reason); false when fd is no longer the connection accepted on it. */
bool wh_peer_shed(wh_commands *c, int fd, const char *reason);
/* address_bound.c: a connection was accepted on fd (after wh_peer_accepted); when its source address
 * has more than WH_MAX_HANDSHAKES_PER_ADDRESS connections with their handshake undecided, it is closed. */
void wh_peer_address_bound(wh_commands *c, int fd);
/* The connection on fd completed its handshake (monitor.c): its address's bound no longer counts it. */
void wh_peer_secured(wh_commands *c, int fd);
/* address_tally.c: after pc changed (waiting, used, secured, source), the tally counts it as it now is;
 * before pc's slot is cleared, it counts it no more; how many connections of source it counts. */
void wh_tally_update(wh_peers *ps, peer_conn *pc);
void wh_tally_forget(wh_peers *ps, peer_conn *pc);
int64_t wh_tally_of(const wh_peers *ps, uint64_t source);
void wh_tally_free(addr_tally *t);
void wh_peers_free(wh_peers *ps);
/* monitor.c: attaches the monitor to the command socket before it binds. */
int wh_monitor_start(wh_monitor **out, wh_commands *c, void *sock);
void wh_monitor_stop(wh_monitor **m);
/* Reads the events waiting now (at most a loop turn's): before a batch, so the connections gone are known. */
void wh_monitor_drain(wh_monitor *m);
/* How many commands of p's connection the batch holds already (WH_IN_FLIGHT_MAX at most). */
size_t wh_peer_in_batch(const wh_commands *c, const pending *p);
/* True when the batch has a FetchEvents of p's connection already. */
bool wh_peer_fetch_in_batch(const wh_commands *c, const pending *p);
/* The bytes of events p (a FetchEvents asking after `after`) may get: its connection's allowance
 * (fetch_pace.c), the service's WH_FETCH_MAX_BYTES for a connection with no place (peer_bounds.c). */
size_t wh_peer_fetch_allowance(wh_commands *c, const pending *p, uint64_t after);
/* p's FetchEvents reply was built, covering up to `covered`: its connection's next is weighed by it. */
void wh_peer_fetch_replied(wh_commands *c, const pending *p, uint64_t covered);

/* True when a and b came on the same connection (their routing ids). */
bool wh_peer_same_connection(const pending *a, const pending *b);
/* Frees what p holds and empties it. */
void wh_cmd_pending_clear(pending *p);
/* fetch_wait.c: holds p, a FetchEvents about to run, for the next commit when it asks to wait and
 * nothing is after its position (the slot in the batch is left done and empty); false: run it now. */
bool wh_fetch_wait_hold(wh_commands *c, pending *p);
/* Forgets the held fetches unanswered (the socket closes). */
void wh_fetch_wait_free(wh_commands *c);
/* The held fetches authorized again after a reload (wh_commands_reauthorize); the refused answered
 * and let go. */
void wh_fetch_wait_reauthorize(wh_commands *c);
/* p's principal looked up again by its key in the current allow-list; true when it may still send
 * its type, else p is answered PERMISSION_DENIED (done). */
bool wh_cmd_authorized_again(wh_commands *c, pending *p);
/* The batch's queries (FetchEvents held or not) in a read transaction, each answered at once. */
void wh_cmd_run_queries(wh_commands *c);
/* The batch's commands in one write transaction (its queries were answered when it was taken:
 * wh_cmd_run_queries); the replies wait in the batch (every pending answered or ready to be). */
void wh_cmd_run_batch(wh_commands *c);
/* Observes the time since *since_ns in the stage's histogram and moves *since_ns to now. */
void wh_cmd_stage_done(wh_commands *c, wh_batch_stage stage, uint64_t *since_ns);

#endif

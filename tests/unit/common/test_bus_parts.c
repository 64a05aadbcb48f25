/*
 * test_bus_parts.c — the framework's small parts without sockets or a database: the batch arena,
 * message id checks, and reply envelopes (causation, correlation, typed errors, payload round trip);
 * and how a connection is placed in its key's bound when the fd ZMQ_SRCFD gives is stale.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "bus_internal.h"
#include "commands_internal.h"
#include "welfare/bus/v1/stream.pb-c.h"
#include "wh/util.h"

static void arena_gives_zeroed_aligned_memory_and_resets(void **state)
{
    wh_arena *a = wh_arena_new();

    assert_non_null(a);
    for (int round = 0; round < 3; round++) {
        for (size_t size = 1; size < 200000; size = size * 3 + 1) {
            unsigned char *p = wh_arena_alloc(a, size);
            assert_non_null(p);
            assert_int_equal((uintptr_t)p % 16, 0);
            for (size_t i = 0; i < size; i++)
                assert_int_equal(p[i], 0);
            memset(p, 0xab, size); /* dirty it: the next round must get zeroes again */
        }
        wh_arena_reset(a);
    }
    assert_non_null(wh_arena_alloc(a, 0));
    wh_arena_free(&a);
    assert_null(a);
    wh_arena_free(&a); /* NULL-safe */
}

static void message_ids(void **state)
{
    char long_id[WH_MESSAGE_ID_MAX + 2];

    assert_true(wh_message_id_valid("0f8fad5b-d9cb-469f-a165-70867728950e"));
    assert_true(wh_message_id_valid("import:42.7_a"));
    assert_false(wh_message_id_valid(NULL));
    assert_false(wh_message_id_valid(""));
    assert_false(wh_message_id_valid("has space"));
    assert_false(wh_message_id_valid("quote'"));
    assert_false(wh_message_id_valid("\xc3\xa9"));
    memset(long_id, 'a', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    assert_false(wh_message_id_valid(long_id));
    long_id[WH_MESSAGE_ID_MAX] = '\0';
    assert_true(wh_message_id_valid(long_id));
}

static const wh_service_def def = {.name = "unit", .schema = "unit"};

static void reply_answers_its_command(void **state)
{
    wh_service svc = {.def = &def};
    Welfare__Bus__V1__Envelope cause = WELFARE__BUS__V1__ENVELOPE__INIT;
    Welfare__Bus__V1__StreamHead head = WELFARE__BUS__V1__STREAM_HEAD__INIT;
    Welfare__Bus__V1__Envelope *env;
    Welfare__Bus__V1__StreamHead *back;
    uint8_t *frame = NULL;
    size_t len = 0;

    cause.message_id = "cmd-1";
    cause.correlation_id = "flow-9";
    head.stream = "unit";
    head.head_sequence = 42;
    assert_int_equal(wh_envelope_reply(&svc, &cause, "welfare.bus.v1.StreamHead", &head.base, 0, NULL, NULL,
                                       0, &frame, &len),
                     0);
    env = welfare__bus__v1__envelope__unpack(NULL, len, frame);
    assert_non_null(env);
    assert_string_equal(env->causation_id, "cmd-1");
    assert_string_equal(env->correlation_id, "flow-9");
    assert_string_equal(env->producer, "unit");
    assert_string_equal(env->type, "welfare.bus.v1.StreamHead");
    assert_int_equal(strlen(env->message_id), 36);
    assert_null(env->error);
    back =
        (Welfare__Bus__V1__StreamHead *)wh_envelope_payload(env, &welfare__bus__v1__stream_head__descriptor);
    assert_non_null(back);
    assert_int_equal(back->head_sequence, 42);
    protobuf_c_message_free_unpacked(&back->base, NULL);
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
    free(frame);
}

static void error_reply_is_typed_and_empty(void **state)
{
    wh_service svc = {.def = &def};
    Welfare__Bus__V1__Envelope cause = WELFARE__BUS__V1__ENVELOPE__INIT;
    Welfare__Bus__V1__Envelope *env;
    uint8_t *frame = NULL;
    size_t len = 0;

    cause.message_id = "cmd-2"; /* no correlation: the command started the flow */
    assert_int_equal(wh_envelope_reply(&svc, &cause, "welfare.x.v1.FooReply", NULL, WH_INVALID_ARGUMENT,
                                       "persons.0.birth_date", "birth date must be YYYY-MM-DD", 0, &frame,
                                       &len),
                     0);
    env = welfare__bus__v1__envelope__unpack(NULL, len, frame);
    assert_non_null(env);
    assert_string_equal(env->correlation_id, "cmd-2");
    assert_non_null(env->error);
    assert_int_equal(env->error->status, WELFARE__BUS__V1__STATUS__STATUS_INVALID_ARGUMENT);
    assert_string_equal(env->error->field, "persons.0.birth_date");
    assert_string_equal(env->error->message, "birth date must be YYYY-MM-DD");
    assert_int_equal(env->payload.len, 0);
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
    free(frame);
}

/* A packed envelope for the checks, with field `number` then replaced by raw bytes (the last value
 * of a singular field wins, so the decoded envelope holds what the C string can). */
static uint8_t *frame_with(unsigned number, const char *bytes, size_t n, size_t *len)
{
    Welfare__Bus__V1__Envelope env = WELFARE__BUS__V1__ENVELOPE__INIT;
    env.message_id = "cmd-3";
    env.type = "welfare.intake.v1.SubmitReferral";
    env.correlation_id = "flow-3";
    env.time_unix_ms = 1764633600000;
    size_t base = welfare__bus__v1__envelope__get_packed_size(&env);
    uint8_t *f = malloc(base + n + 8);
    assert_non_null(f);
    welfare__bus__v1__envelope__pack(&env, f);
    *len = base;
    if (number > 0) {
        f[(*len)++] = (uint8_t)(number << 3 | 2);
        assert_true(n < 128);
        f[(*len)++] = (uint8_t)n;
        memcpy(f + *len, bytes, n);
        *len += n;
    }
    return f;
}

static void expect_envelope_check(unsigned number, const char *bytes, size_t n, int want, const char *field)
{
    size_t len;
    uint8_t *f = frame_with(number, bytes, n, &len);
    Welfare__Bus__V1__Envelope *env = welfare__bus__v1__envelope__unpack(NULL, len, f);
    char got[WH_FIELD_PATH_MAX];
    const char *why = NULL;
    assert_non_null(env);
    assert_int_equal(wh_envelope_check(env, f, len, got, &why), want);
    assert_string_equal(got, field);
    assert_true(want == 0 ? why == NULL : why != NULL);
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
    free(f);
}

static void envelope_fields_are_checked(void **state)
{
    char long_id[66];
    memset(long_id, 'x', 65);
    expect_envelope_check(0, "", 0, 0, "");
    expect_envelope_check(3, "flow\xff", 5, WH_MALFORMED, "correlation_id");
    expect_envelope_check(3, "flow\0x", 6, WH_MALFORMED, "correlation_id");
    expect_envelope_check(3, "flow\x01", 5, WH_MALFORMED, "correlation_id");
    expect_envelope_check(3, long_id, 65, WH_MALFORMED, "correlation_id");
    expect_envelope_check(3, long_id, 64, 0, "");
    expect_envelope_check(4, "\xc3\x28", 2, WH_MALFORMED, "causation_id");
    expect_envelope_check(5, "a b", 3, WH_MALFORMED, "producer");
    expect_envelope_check(7, "\xed\xa0\x80", 3, WH_MALFORMED, "stream"); /* a UTF-16 surrogate */
    expect_envelope_check(1, "cmd\0x", 5, WH_MALFORMED, "message_id");
    expect_envelope_check(2, "welfare.a b", 11, WH_MALFORMED, "type");
    expect_envelope_check(2, "", 0, WH_MALFORMED, "type");
}

static void envelope_time_is_bounded(void **state)
{
    Welfare__Bus__V1__Envelope env = WELFARE__BUS__V1__ENVELOPE__INIT;
    const int64_t times[] = {-1, INT64_C(4102444800000), INT64_C(1) << 62};
    char field[WH_FIELD_PATH_MAX];
    const char *why;
    uint8_t frame[256];

    env.message_id = "cmd-4";
    env.type = "welfare.x.v1.Foo";
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        env.time_unix_ms = times[i];
        size_t len = welfare__bus__v1__envelope__pack(&env, frame);
        assert_int_equal(wh_envelope_check(&env, frame, len, field, &why), WH_MALFORMED);
        assert_string_equal(field, "time_unix_ms");
    }
    env.time_unix_ms = 0;
    size_t len = welfare__bus__v1__envelope__pack(&env, frame);
    assert_int_equal(wh_envelope_check(&env, frame, len, field, &why), 0);
}

/* A reply copies back only ids that pass the checks: it never echoes bad bytes. */
static void reply_never_echoes_a_bad_id(void **state)
{
    wh_service svc = {.def = &def};
    Welfare__Bus__V1__Envelope cause = WELFARE__BUS__V1__ENVELOPE__INIT;
    uint8_t *frame = NULL;
    size_t len = 0;

    cause.message_id = "cmd-5";
    cause.correlation_id = "flow\xff";
    assert_int_equal(wh_envelope_reply(&svc, &cause, "welfare.x.v1.FooReply", NULL, WH_MALFORMED,
                                       "correlation_id", "bad", 0, &frame, &len),
                     0);
    Welfare__Bus__V1__Envelope *env = welfare__bus__v1__envelope__unpack(NULL, len, frame);
    assert_non_null(env);
    assert_string_equal(env->causation_id, "cmd-5");
    assert_string_equal(env->correlation_id, "cmd-5");
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
    free(frame);
    cause.message_id = "has space";
    assert_int_equal(wh_envelope_reply(&svc, &cause, "welfare.x.v1.FooReply", NULL, WH_MALFORMED,
                                       "message_id", "bad", 0, &frame, &len),
                     0);
    env = welfare__bus__v1__envelope__unpack(NULL, len, frame);
    assert_non_null(env);
    assert_string_equal(env->causation_id, "");
    assert_string_equal(env->correlation_id, "");
    welfare__bus__v1__envelope__free_unpacked(env, NULL);
    free(frame);
}

/* A TCP connection to a listener on 127.0.0.1: *server is the accepted end. */
static int tcp_pair(int listener, int *server)
{
    struct sockaddr_in a;
    socklen_t n = sizeof a;
    int client = socket(AF_INET, SOCK_STREAM, 0);

    assert_int_equal(getsockname(listener, (struct sockaddr *)&a, &n), 0);
    assert_int_equal(connect(client, (struct sockaddr *)&a, sizeof a), 0);
    *server = accept(listener, NULL, NULL);
    assert_true(*server >= 0);
    return client;
}

/* ZMQ_SRCFD may name an fd that was closed and given to another connection: a late message of the gone
 * connection must not take the place of the one that has the fd now, and a new connection on a reused
 * fd (the old one's end not read yet) must. */
static void a_stale_fd_does_not_take_another_connections_place(void **state)
{
    wh_service svc;
    wh_commands c;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int listener = socket(AF_INET, SOCK_STREAM, 0), s1, s2, c1, c2;
    const char *key = "0123456789012345678901234567890123456789";

    memset(&svc, 0, sizeof svc);
    memset(&c, 0, sizeof c);
    svc.max_conns_per_key = 64;
    svc.max_conns = 1024;
    svc.idle_conn_s = 30;
    c.svc = &svc;
    c.connections_refused = wh_metrics_counter("wh_test_connections_refused_total", NULL, "test");
    assert_int_equal(bind(listener, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(listener, 4), 0);
    c1 = tcp_pair(listener, &s1);
    c2 = tcp_pair(listener, &s2);

    assert_int_equal(wh_peer_place(&c, s1, 1, key), WH_PEER_SERVED);
    assert_int_equal(c.peers.keys[0].open, 1);
    /* a message of connection 2 whose fd was s1 (gone, s1 given to connection 1): stale */
    assert_int_equal(wh_peer_place(&c, s1, 2, key), WH_PEER_STALE);
    assert_int_equal(c.peers.by_fd[s1].route, 1);
    assert_int_equal(wh_peer_place(&c, s1, 1, key), WH_PEER_SERVED);
    assert_int_equal(c.peers.keys[0].open, 1);
    /* connection 1 gone, its fd given to another connection (dup2: s1 is now s2's peer), whose first
     * message comes before the monitor's gone event: it takes the fd, the count unchanged */
    assert_int_equal(dup2(s2, s1), s1);
    assert_int_equal(wh_peer_place(&c, s1, 3, key), WH_PEER_SERVED);
    assert_int_equal(c.peers.by_fd[s1].route, 3);
    assert_int_equal(c.peers.keys[0].open, 1);
    wh_peers_free(&c.peers);
    close(c1);
    close(c2);
    close(s1);
    close(s2);
    close(listener);
}

static void peers_init(wh_service *svc, wh_commands *c, int64_t per_key, int64_t idle_s)
{
    memset(svc, 0, sizeof *svc);
    memset(c, 0, sizeof *c);
    svc->max_conns_per_key = per_key;
    svc->max_conns = 1024;
    svc->idle_conn_s = idle_s;
    c->svc = svc;
    c->connections_refused = wh_metrics_counter("wh_test_connections_refused_total", NULL, "test");
}

/* ipc:// peers: every Unix peer's address is the same (unnamed), so the socket's own inode tells a new
 * connection on a reused fd from a late message of the gone one, as the address and port do for TCP. */
static void a_reused_fd_of_a_unix_peer_is_another_connection(void **state)
{
    wh_service svc;
    wh_commands c;
    int p1[2], p2[2];
    const char *key = "0123456789012345678901234567890123456789";

    peers_init(&svc, &c, 64, 30);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p1), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p2), 0);
    assert_int_equal(wh_peer_place(&c, p1[0], 1, key), WH_PEER_SERVED);
    assert_int_equal(wh_peer_place(&c, p1[0], 2, key), WH_PEER_STALE); /* the same socket: a late message */
    assert_int_equal(dup2(p2[0], p1[0]), p1[0]);                       /* the fd is another socket now */
    assert_int_equal(wh_peer_place(&c, p1[0], 3, key), WH_PEER_SERVED);
    assert_int_equal(c.peers.by_fd[p1[0]].route, 3);
    assert_int_equal(c.peers.keys[0].open, 1);
    wh_peers_free(&c.peers);
    for (int i = 0; i < 2; i++) {
        close(p1[i]);
        close(p2[i]);
    }
}

/* The unread-replies bound for an ipc:// peer, whose Unix socket has no SIOCOUTQNSD: past half the
 * send buffer of bytes written and not read; a TCP connection with nothing unsent is within. */
static void a_unix_peer_that_does_not_read_is_past_the_bound(void **state)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int p[2], listener = socket(AF_INET, SOCK_STREAM, 0), server, client;
    char chunk[4096];

    memset(chunk, 'r', sizeof chunk);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p), 0);
    assert_int_equal(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
    assert_int_equal(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
    assert_false(wh_fd_unread_past_bound(p[0]));
    while (write(p[0], chunk, sizeof chunk) > 0) /* replies the peer does not read, until it blocks */
        ;
    assert_true(wh_fd_unread_past_bound(p[0]));
    while (read(p[1], chunk, sizeof chunk) > 0) /* the peer reads them all */
        ;
    assert_false(wh_fd_unread_past_bound(p[0]));
    assert_int_equal(bind(listener, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(listener, 4), 0);
    client = tcp_pair(listener, &server);
    assert_false(wh_fd_unread_past_bound(server));
    assert_false(wh_fd_unread_past_bound(-1));
    close(p[0]);
    close(p[1]);
    close(client);
    close(server);
    close(listener);
}

/* A TCP peer that does not read, on a connection whose send buffer is smaller than the bound's 256 KiB
 * (a shut window keeps the kernel's autotuned buffer near its start off loopback; fixed here at 32 KiB):
 * the kernel takes at most that buffer, so the unsent bytes never reach 256 KiB — past half the send
 * buffer is past the bound, or the replies would pile up in libzmq's queue instead (issue 10). */
static void a_tcp_peer_that_does_not_read_past_a_small_send_buffer_is_past_the_bound(void **state)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int listener = socket(AF_INET, SOCK_STREAM, 0), server, client, small = 16 * 1024;
    char chunk[4096];

    memset(chunk, 'r', sizeof chunk);
    assert_int_equal(bind(listener, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(listener, 4), 0);
    client = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(setsockopt(client, SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
    {
        struct sockaddr_in to;
        socklen_t n = sizeof to;
        assert_int_equal(getsockname(listener, (struct sockaddr *)&to, &n), 0);
        assert_int_equal(connect(client, (struct sockaddr *)&to, sizeof to), 0);
    }
    server = accept(listener, NULL, NULL);
    assert_true(server >= 0);
    assert_int_equal(setsockopt(server, SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
    assert_int_equal(fcntl(server, F_SETFL, O_NONBLOCK), 0);
    assert_false(wh_fd_unread_past_bound(server));
    while (write(server, chunk, sizeof chunk) > 0) /* replies the peer does not read, until it blocks */
        ;
    assert_true(wh_fd_unread_past_bound(server));
    assert_int_equal(fcntl(client, F_SETFL, O_NONBLOCK), 0);
    for (int i = 0; i < 200 && wh_fd_unread_past_bound(server); i++) { /* the peer reads them all */
        while (read(client, chunk, sizeof chunk) > 0)
            ;
        usleep(5000);
    }
    assert_false(wh_fd_unread_past_bound(server));
    close(client);
    close(server);
    close(listener);
}

/* A handshake's place (ZAP names no fd, TCP or ipc alike) is held until its connection sends, or
 * WH_IDLE_CONNECTION_SECONDS + 2 s at most — 32 s by default; here 1 + 2 s. */
static void a_held_place_is_freed_after_the_idle_bound(void **state)
{
    wh_service svc;
    wh_commands c;
    const char *key = "0123456789012345678901234567890123456789";
    uint64_t t0 = wh_mono_ns();

    peers_init(&svc, &c, 1, 1);
    assert_int_equal(wh_peer_handshake(&c, key), WH_HANDSHAKE_IN);       /* its place held */
    assert_int_equal(wh_peer_handshake(&c, key), WH_HANDSHAKE_KEY_FULL); /* the key's one place taken */
    while (wh_mono_ns() - t0 < 2500000000ull)
        usleep(100000);
    assert_int_equal(wh_peer_handshake(&c, key), WH_HANDSHAKE_KEY_FULL); /* still held at 2.5 s */
    while (wh_mono_ns() - t0 < 3100000000ull)
        usleep(100000);
    assert_int_equal(wh_peer_handshake(&c, key), WH_HANDSHAKE_IN); /* free by 3.1 s */
    wh_peers_free(&c.peers);
}

/* WH_MAX_CONNECTIONS bounds the connections of every key together, counted from the handshake on as
 * the per-key bound is: past it any key's handshake is refused, and a connection that sends without
 * a held place is refused for its life; a place freed (its connection gone) lets the next one in. */
static void every_key_together_is_bounded(void **state)
{
    wh_service svc;
    wh_commands c;
    const char *a = "0123456789012345678901234567890123456789",
               *b = "abcdefghijabcdefghijabcdefghijabcdefghij";
    int pa[2], pb[2], pc[2];

    peers_init(&svc, &c, 64, 30);
    svc.max_conns = 2;
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, pa), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, pb), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, pc), 0);
    assert_int_equal(wh_peer_handshake(&c, a), WH_HANDSHAKE_IN);
    assert_int_equal(wh_peer_handshake(&c, b), WH_HANDSHAKE_IN);
    assert_int_equal(wh_peer_handshake(&c, b), WH_HANDSHAKE_SOCKET_FULL); /* b has 63 left of its own */
    assert_int_equal(wh_peer_handshake(&c, a), WH_HANDSHAKE_SOCKET_FULL);
    assert_int_equal(wh_peer_place(&c, pa[0], 1, a), WH_PEER_SERVED); /* the held places taken */
    assert_int_equal(wh_peer_place(&c, pb[0], 2, b), WH_PEER_SERVED);
    assert_int_equal(wh_peer_handshake(&c, b), WH_HANDSHAKE_SOCKET_FULL);
    assert_int_equal(wh_peer_place(&c, pc[0], 3, b), WH_PEER_REFUSED); /* in without a held place */
    wh_peer_gone(&c, pc[0]);
    wh_peer_gone(&c, pa[0]);
    assert_int_equal(wh_peer_handshake(&c, b), WH_HANDSHAKE_IN); /* a's place is free */
    wh_peers_free(&c.peers);
    for (int i = 0; i < 2; i++) {
        close(pa[i]);
        close(pb[i]);
        close(pc[i]);
    }
}

/* One key's handshakes hold at most half its places at once, each for at most WH_SHED_SILENT_MS + 2
 * ticks (12 s; was the idle bound + 2 s, 32 s): a few keys that handshake and never send cannot keep
 * everyone else's handshakes out for long, and a connection that sends takes its place back. */
static void a_key_holds_half_its_places_in_handshakes(void **state)
{
    wh_service svc;
    wh_commands c;
    const char *a = "0123456789012345678901234567890123456789",
               *b = "abcdefghijabcdefghijabcdefghijabcdefghij";
    int p[2];

    peers_init(&svc, &c, 8, 30);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(wh_peer_handshake(&c, a), WH_HANDSHAKE_IN);
    assert_int_equal(wh_peer_handshake(&c, a), WH_HANDSHAKE_KEY_HELD); /* 4 of its 8 held: no more */
    assert_int_equal(wh_peer_handshake(&c, b), WH_HANDSHAKE_IN);       /* another key's own */
    assert_int_equal(wh_peer_place(&c, p[0], 1, a), WH_PEER_SERVED);   /* sent: a held place taken */
    assert_int_equal(wh_peer_handshake(&c, a), WH_HANDSHAKE_IN);
    assert_int_equal(wh_peer_handshake(&c, a), WH_HANDSHAKE_KEY_HELD);
    /* each held place is freed at most 12 s after its handshake, whatever the idle bound */
    uint64_t latest = wh_mono_ns() / 1000000u + WH_SHED_SILENT_MS + 2 * WH_TICK_MS;
    for (size_t i = 0; i < c.peers.keys[0].n_held; i++)
        assert_true(c.peers.keys[0].held[i] <= latest);
    assert_int_equal(wh_peer_held_ms(30), WH_SHED_SILENT_MS + 2 * WH_TICK_MS);
    assert_int_equal(wh_peer_held_ms(3), 3000 + 2 * WH_TICK_MS); /* a shorter idle bound closes it first */
    assert_int_equal(wh_peer_held_max(1), 1);
    wh_peers_free(&c.peers);
    close(p[0]);
    close(p[1]);
}

/* The hint socket's places (hint_bound.c): a handshake holds one until a connection subscribes, then
 * that connection's fd has it until it is gone; at the bound an agency's handshake is refused, a
 * service's never (it counts); a held place whose connection never subscribed is forgotten after its
 * time, and that connection is the one to close. */
static void the_hint_socket_holds_its_bound(void **state)
{
    wh_hint_places p;
    const uint64_t hold = 12000;

    memset(&p, 0, sizeof p);
    for (int fd = 10; fd < 14; fd++)
        wh_hint_places_accepted(&p, fd, 1, 0);
    assert_true(wh_hint_places_admit(&p, 3, false, 0, hold));
    assert_true(wh_hint_places_admit(&p, 3, false, 0, hold));
    wh_hint_places_subscribed(&p, 10);
    wh_hint_places_subscribed(&p, 10); /* a second topic of the same connection */
    assert_true(wh_hint_places_admit(&p, 3, false, 1, hold));
    assert_int_equal(wh_hint_places_count(&p, 1), 3);
    assert_false(wh_hint_places_admit(&p, 3, false, 1, hold)); /* an agency's: at the bound */
    assert_true(wh_hint_places_admit(&p, 3, true, 1, hold));   /* a service's: in, and counted */
    assert_int_equal(wh_hint_places_count(&p, 1), 4);
    wh_hint_places_subscribed(&p, 11);
    wh_hint_places_subscribed(&p, 12);
    assert_int_equal(wh_hint_places_count(&p, 2), 4); /* 3 placed, 1 held (fd 13's, not subscribed) */
    wh_hint_places_gone(&p, 11);
    wh_hint_places_gone(&p, 99); /* refused, never counted */
    wh_hint_places_gone(&p, 12);
    assert_int_equal(wh_hint_places_count(&p, 3), 2);
    assert_true(wh_hint_places_admit(&p, 3, false, 3, hold));
    assert_false(wh_hint_places_admit(&p, 3, false, 4, hold));
    assert_int_equal(wh_hint_places_unsubscribed(&p, hold - 1, hold), -1);
    assert_int_equal(wh_hint_places_unsubscribed(&p, hold, hold), 13); /* to close: subscribed to nothing */
    assert_int_equal(wh_hint_places_unsubscribed(&p, hold, hold), -1); /* once */
    assert_true(wh_hint_places_admit(&p, 3, false, 3 + hold, hold));   /* the held places forgotten */
    assert_int_equal(p.n_placed, 1);
    wh_hint_places_free(&p);
}

/* The connections gone (peer_gone.c): the last WH_GONE_REMEMBERED ends are known, older ones are
 * forgotten, and forgetting one never hides another — here every key has the same home slot, so each
 * removal has to move the rest of the run back. */
static void the_last_connections_gone_are_remembered(void **state)
{
    static peer_gone g; /* 96 KiB: not on the stack */
    const uint64_t same_home = UINT64_C(5) << 11, n = WH_GONE_REMEMBERED + 700;

    memset(&g, 0, sizeof g);
    for (uint64_t i = 0; i < n; i++)
        wh_gone_remember(&g, same_home | (i << 32));
    for (uint64_t i = 0; i < n; i++)
        assert_int_equal(wh_gone_has(&g, same_home | (i << 32)), i >= n - WH_GONE_REMEMBERED);
    assert_false(wh_gone_has(&g, UINT64_C(7) << 11));
    memset(&g, 0, sizeof g);
    for (uint64_t i = 0; i < 3 * WH_GONE_REMEMBERED; i++) /* spread keys: the set stays at most half full */
        wh_gone_remember(&g, i * UINT64_C(0x9E3779B97F4A7C15));
    for (uint64_t i = 0; i < 3 * WH_GONE_REMEMBERED; i++)
        assert_int_equal(wh_gone_has(&g, i * UINT64_C(0x9E3779B97F4A7C15)), i >= 2 * WH_GONE_REMEMBERED);
}

/* A connection's routing id is remembered at its end only when it was placed after the monitor told its
 * accept on that fd: an end told on an fd whose connection was placed before its accept was told is
 * an older connection's (its fd reused), and the one placed must not be taken for gone. */
static void only_a_connections_own_end_marks_it_gone(void **state)
{
    wh_service svc;
    static wh_commands c; /* its set of connections gone is 96 KiB */
    int p[2];
    const char *key = "0123456789012345678901234567890123456789";

    peers_init(&svc, &c, 64, 30);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p), 0);
    wh_peer_accepted(&c, p[0]);
    assert_int_equal(wh_peer_place(&c, p[0], 11, key), WH_PEER_SERVED);
    wh_peer_gone(&c, p[0]);
    assert_true(wh_gone_has(&c.peers.gone, 11));
    assert_int_equal(wh_peer_place(&c, p[0], 12, key), WH_PEER_SERVED); /* placed, its accept not told */
    wh_peer_gone(&c, p[0]); /* the end of the one before it on this fd */
    assert_false(wh_gone_has(&c.peers.gone, 12));
    assert_int_equal(wh_peer_place(&c, p[0], 13, key), WH_PEER_SERVED);
    wh_peer_accepted(&c, p[0]); /* its accept told after its first message */
    wh_peer_gone(&c, p[0]);
    assert_true(wh_gone_has(&c.peers.gone, 13));
    wh_peers_free(&c.peers);
    close(p[0]);
    close(p[1]);
}

/* Past WH_MAX_CONNECTIONS (connection_bound.c): a connection silent 10 s past its handshake goes
 * first, else the oldest whose handshake is undecided; one whose handshake succeeded within 10 s —
 * its first command may wait unread — never, however long ago it was accepted; a placed one never. */
static void past_the_bound_a_connection_that_may_have_sent_is_kept(void **state)
{
    peer_conn by_fd[5] = {
        {.waiting = true, .secured = true, .accepted_ms = 1000, .secured_ms = 95000},  /* secured 5 s ago */
        {.waiting = true, .accepted_ms = 90000},                                       /* in its handshake */
        {.waiting = true, .secured = true, .accepted_ms = 50000, .secured_ms = 60000}, /* silent 40 s */
        {.waiting = true, .used = true, .accepted_ms = 10},                            /* placed */
        {.waiting = true, .accepted_ms = 99000},                                       /* in its handshake */
    };
    wh_peers ps = {.by_fd = by_fd, .n_fd = 5};

    assert_int_equal(wh_peer_shed_choice(&ps, 100000), 2);
    by_fd[2].secured_ms = 95000; /* silent only 5 s */
    assert_int_equal(wh_peer_shed_choice(&ps, 100000), 1);
    by_fd[1].waiting = by_fd[4].waiting = false;
    assert_int_equal(wh_peer_shed_choice(&ps, 100000), -1); /* each may have sent: none */
    assert_int_equal(wh_peer_shed_choice(&ps, 105000), 0);  /* 10 s on, the oldest silent one */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_gives_zeroed_aligned_memory_and_resets),
        cmocka_unit_test(message_ids),
        cmocka_unit_test(reply_answers_its_command),
        cmocka_unit_test(error_reply_is_typed_and_empty),
        cmocka_unit_test(envelope_fields_are_checked),
        cmocka_unit_test(envelope_time_is_bounded),
        cmocka_unit_test(reply_never_echoes_a_bad_id),
        cmocka_unit_test(a_stale_fd_does_not_take_another_connections_place),
        cmocka_unit_test(a_reused_fd_of_a_unix_peer_is_another_connection),
        cmocka_unit_test(a_unix_peer_that_does_not_read_is_past_the_bound),
        cmocka_unit_test(a_tcp_peer_that_does_not_read_past_a_small_send_buffer_is_past_the_bound),
        cmocka_unit_test(a_held_place_is_freed_after_the_idle_bound),
        cmocka_unit_test(every_key_together_is_bounded),
        cmocka_unit_test(a_key_holds_half_its_places_in_handshakes),
        cmocka_unit_test(the_hint_socket_holds_its_bound),
        cmocka_unit_test(the_last_connections_gone_are_remembered),
        cmocka_unit_test(only_a_connections_own_end_marks_it_gone),
        cmocka_unit_test(past_the_bound_a_connection_that_may_have_sent_is_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

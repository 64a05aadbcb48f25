/*
 * test_zsock.c — a ZeroMQ socket on the libuv loop is closed once, whatever state it is in: its
 * on_closed callback runs exactly once and may free the wh_zsock itself (a consumer renewing its
 * DEALER frees the old one there; a consumer's last socket frees the consumer holding it); and an
 * owner that says it has work left (wh_zsock.more: the command socket's batch taken, its commands not
 * yet run) is called again on the loop's next turns with no message waiting, until it says it has none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <zmq.h>

#include "bus_internal.h"

static int closed_calls;

static void free_on_closed(wh_zsock *z)
{
    closed_calls++;
    free(z);
}

static void on_readable(wh_zsock *z, void *arg)
{
    (void)z;
    (void)arg;
}

static int readable_calls;

static void works_three_turns(wh_zsock *z, void *arg)
{
    (void)arg;
    z->more = ++readable_calls < 3;
}

static void an_owner_with_work_left_is_called_again(void **state)
{
    void *ctx = zmq_ctx_new();
    uv_loop_t loop;
    wh_zsock *z = calloc(1, sizeof *z);

    assert_non_null(z);
    assert_int_equal(uv_loop_init(&loop), 0);
    assert_int_equal(wh_zsock_start(z, &loop, zmq_socket(ctx, ZMQ_DEALER), works_three_turns, NULL), 0);
    readable_calls = 0;
    z->more = true; /* as on_readable leaves it with a batch taken; the start looks once */
    for (int turn = 0; turn < 10; turn++)
        uv_run(&loop, UV_RUN_NOWAIT);    /* no message ever waits on the socket */
    assert_int_equal(readable_calls, 3); /* called while it said more, then no longer */
    z->on_closed = free_on_closed;
    closed_calls = 0;
    wh_zsock_close(z);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(closed_calls, 1);
    assert_int_equal(uv_loop_close(&loop), 0);
    zmq_ctx_term(ctx);
}

static void never_started_socket_may_be_freed_by_its_callback(void **state)
{
    void *ctx = zmq_ctx_new();
    wh_zsock *z = calloc(1, sizeof *z);

    assert_non_null(ctx);
    assert_non_null(z);
    z->sock = zmq_socket(ctx, ZMQ_DEALER);
    assert_non_null(z->sock);
    z->on_closed = free_on_closed;
    closed_calls = 0;
    wh_zsock_close(z); /* frees z: nothing may touch it afterwards (ASan says so if it does) */
    assert_int_equal(closed_calls, 1);
    zmq_ctx_term(ctx);
}

static void started_socket_reports_once_its_handles_are_closed(void **state)
{
    void *ctx = zmq_ctx_new();
    uv_loop_t loop;
    wh_zsock *z = calloc(1, sizeof *z);

    assert_non_null(z);
    assert_int_equal(uv_loop_init(&loop), 0);
    assert_int_equal(wh_zsock_start(z, &loop, zmq_socket(ctx, ZMQ_DEALER), on_readable, NULL), 0);
    z->on_closed = free_on_closed;
    closed_calls = 0;
    wh_zsock_close(z);
    assert_int_equal(closed_calls, 0); /* not before libuv closed both handles */
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(closed_calls, 1);
    assert_int_equal(uv_loop_close(&loop), 0);
    zmq_ctx_term(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(never_started_socket_may_be_freed_by_its_callback),
        cmocka_unit_test(started_socket_reports_once_its_handles_are_closed),
        cmocka_unit_test(an_owner_with_work_left_is_called_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

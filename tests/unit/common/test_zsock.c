/*
 * test_zsock.c — a ZeroMQ socket on the libuv loop is closed once, whatever state it is in: its
 * on_closed callback runs exactly once and may free the wh_zsock itself (a consumer renewing its
 * DEALER frees the old one there; a consumer's last socket frees the consumer holding it).
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

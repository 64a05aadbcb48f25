/*
 * command_table.h — checks a service's command table, generated from the options in its
 * commands.proto, against the grants a test writes out by hand: each command's type, roles, query
 * flag and summary, in order.  A change of who may send a command must change the test too.
 */
#ifndef COMMAND_TABLE_H
#define COMMAND_TABLE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "wh/service.h"

typedef struct expected_command {
    const char *type; /* the request's full name */
    unsigned roles;
    bool query;
    const char *summary;
} expected_command;

static inline void assert_command_table(const wh_service_def *def, const expected_command *expected, size_t n)
{
    assert_int_equal(def->n_commands, n);
    for (size_t i = 0; i < n; i++) {
        const wh_command *c = &def->commands[i];
        assert_string_equal(c->request->name, expected[i].type);
        assert_int_equal(c->roles, expected[i].roles);
        assert_int_equal(c->query, expected[i].query);
        assert_string_equal(c->summary, expected[i].summary);
        assert_non_null(c->reply);
        assert_non_null(c->handle);
    }
}

#endif

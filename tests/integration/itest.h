/*
 * itest.h — helpers for the integration tests, which run against the real stack that
 * tests/integration/run.sh started (PostgreSQL, the five services, keys; all found through WH_*).
 *
 *   itest_client("intake")          a whclient connection as the operator (cli)
 *   itest_sql_i64("SELECT …", …)    one number from the database, as superuser (WH_TEST_DB_URL)
 *   itest_wait_i64(want, secs, sql) polls until the query returns want (events are asynchronous)
 *   itest_stack("wh_service_stop case KILL")   runs a scripts/stack.sh function
 */
#ifndef ITEST_H
#define ITEST_H

#include <stdbool.h>
#include <stdint.h>

#include "whclient.h"

/* Opens a client to a service with the environment's keys (fails the test when it cannot). */
whc *itest_client(const char *service);
/* The same with another principal's secret key file in $WH_VAR/keys (e.g. "agency-demo"). */
whc *itest_client_as(const char *service, const char *principal);

/* Runs a query with text parameters (NULL-terminated) and returns the first column of the first row
 * as a number (-1 when there is no row or on failure, which is printed). */
int64_t itest_sql_i64(const char *sql, ...);

/* Polls sql (no parameters) every 50 ms until it returns want or secs pass; returns the last value. */
int64_t itest_wait_i64(int64_t want, int secs, const char *sql);

/* Runs `source scripts/stack.sh; <command>` in bash; returns its exit status. */
int itest_stack(const char *command);

/* A unique suffix for this test run (so re-runs against a kept stack do not collide). */
const char *itest_run_id(void);

#endif

#!/bin/bash
# run.sh PROGRAM… — the integration suite: brings up a real stack (private PostgreSQL, the five
# services on their own ports, keys) under a throw-away directory, runs each test program against it
# over the real bus, then tears it down.  Test programs are cmocka programs or scripts; they find the
# stack through the WH_* environment and may use the functions of scripts/stack.sh (sourced by
# scripts) to stop, kill and restart services.  Ends with "integration: N passed, N failed", and fails
# too when a service logged a status its command does not declare, a sanitizer report (make SAN=1
# test: leaks are found as the services exit), or a SIGTERM it did not finish stopping on.
set -u
cd "$(dirname "$0")/../.."
export WH_VAR=${WH_ITEST_VAR:-$PWD/${BUILD:-build}/itest}
export WH_PG_PORT=${WH_ITEST_PG_PORT:-55490} WH_PORT_BASE=${WH_ITEST_PORT_BASE:-17101}
export WH_HTTP_BASE=${WH_ITEST_HTTP_BASE:-18101} WH_BIN=${WH_BIN:-$PWD/${BUILD:-build}/bin}
source scripts/stack.sh
wh_pg_forget
rm -rf "$WH_VAR"
trap 'wh_stack_stop; [ -n "${WH_KEEP:-}" ] || { wh_pg_forget; rm -rf "$WH_VAR"; }' EXIT

# Another stack on our ports would answer /readyz for services that could not bind, and the tests
# would run against it: refuse to start instead.
wh_itest_ports_free() {
    local i port busy=0
    for i in 0 1 2 3 4; do
        for port in $((WH_PORT_BASE + 10 * i)) $((WH_PORT_BASE + 10 * i + 1)) $((WH_HTTP_BASE + 10 * i)); do
            if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
                echo "integration: port $port is in use by another process (set WH_ITEST_PORT_BASE / WH_ITEST_HTTP_BASE)" >&2
                busy=1
            fi
        done
    done
    return $busy
}

# Every service we started is still running (wait_ready alone cannot tell ours from another's).
wh_itest_services_alive() {
    local svc
    for svc in "${WH_SERVICES[@]}"; do
        kill -0 "$(wh_service_pid "$svc")" 2>/dev/null || { echo "integration: $svc exited" >&2; return 1; }
    done
}

if ! wh_itest_ports_free; then
    echo "integration: 0 passed, 1 failed"
    exit 1
fi
if ! wh_stack_start || ! wh_itest_services_alive; then
    echo "integration: could not start the stack (logs in $WH_VAR/log)" >&2
    for f in "$WH_VAR"/log/*.log; do echo "== $f"; tail -20 "$f"; done
    echo "integration: 0 passed, 1 failed"
    exit 1
fi
# The services are the stack's, not this script's jobs: a test's kill -9 of one is no "Killed" line here.
disown -a
# the district's dongs the scripts name, known to intake before any referral (itest_dong_code
# defines each run's own dongs itself)
if ! wh_dongs_define 2650051000:남천1동 2650052000:망미1동 2650053000:광안1동; then
    echo "integration: 0 passed, 1 failed"
    exit 1
fi
export WH_TEST_DB_URL="$(wh_pg_superuser_url)"
scripts/run-tests.sh integration "$@"
status=$?
# Stopped here rather than by the EXIT trap, so the checks below see what each service wrote on its
# way out: a sanitizer's report (LeakSanitizer runs at exit) or a shutdown that never finished.
for svc in "${WH_SERVICES[@]}"; do wh_service_stop "$svc"; done
sanitizer=$(grep -h -A12 -E "ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:" "$WH_VAR"/log/*.log 2>/dev/null)
if [ -n "$sanitizer" ]; then
    echo "integration: a service's sanitizer reported (whole reports in $WH_VAR/log):" >&2
    echo "$sanitizer" | head -80 >&2
    status=1
fi
for f in "$WH_VAR"/log/*.log; do
    stopping=$(grep -c '"msg":"stopping"' "$f") stopped=$(grep -c '"msg":"stopped"' "$f")
    if [ "$stopping" -ne "$stopped" ]; then
        echo "integration: $(basename "$f" .log) was asked to stop $stopping times and stopped $stopped times" >&2
        status=1
    fi
done
# every status a handler answered is one its command declares (commands.proto errors, the READMEs'
# tables): a service logs the first of each undeclared type and status
undeclared=$(grep -h "does not declare" "$WH_VAR"/log/*.log 2>/dev/null)
if [ -n "$undeclared" ]; then
    echo "integration: a command answered a status it does not declare in its proto (errors option):" >&2
    echo "$undeclared" >&2
    status=1
fi
if [ $status -ne 0 ]; then
    for f in "$WH_VAR"/log/*.log; do echo "== last lines of $f"; tail -15 "$f"; done
fi
exit $status

#!/bin/bash
# demo_again.sh — welfare-demo run twice on a private stack, the second time with --force (make
# test-integration): the second run sends every command again under its first message id, so each
# must be the same command, answered with its stored reply.  A choice made from what the services
# hold now (a resource's capacity left, which the first run used up) was another payload under the
# same id: the bus said ALREADY_EXISTS (73 outreach linkages at 3,000 households, 13 at 300).
#   WH_ITEST_PORT_BASE, WH_ITEST_HTTP_BASE, WH_ITEST_PG_PORT  the ports (shared with the itests)
#   DEMO_AGAIN_HOUSEHOLDS                                    the district's size (300)
set -u
cd "$(dirname "$0")/../.."
export WH_VAR=${WH_DEMO_AGAIN_VAR:-$PWD/${BUILD:-build}/demo-again} WH_PG_PORT=${WH_ITEST_PG_PORT:-55481}
export WH_PORT_BASE=$((${WH_ITEST_PORT_BASE:-7301} + 400)) WH_HTTP_BASE=$((${WH_ITEST_HTTP_BASE:-8301} + 400))
export WH_BIN=${WH_BIN:-$PWD/${BUILD:-build}/bin}
source scripts/stack.sh
wh_pg_forget
rm -rf "$WH_VAR"
trap 'wh_stack_stop; wh_pg_forget; rm -rf "$WH_VAR"' EXIT
wh_stack_start || { echo "FAIL: the stack did not start"; exit 1; }
n=${DEMO_AGAIN_HOUSEHOLDS:-300} failures=0
for run in first again; do
    force=() && [ $run = again ] && force=(--force)
    "$WH_BIN/welfare-demo" --seed 7 --households "$n" --quiet "${force[@]}" >"$WH_VAR/demo-$run.log" 2>&1
    rc=$? failed=$(grep -c ' failed: ' "$WH_VAR/demo-$run.log")
    echo "demo $run run (${force[*]:-no flag}): rc $rc, $failed commands failed"
    grep ' failed: ' "$WH_VAR/demo-$run.log" | sed 's/ #[0-9]*//' | sort | uniq -c | head
    [ "$rc" -eq 0 ] && [ "$failed" -eq 0 ] || failures=$((failures + 1))
done
[ $failures -eq 0 ] && echo "demo_again: ok" || echo "FAIL: demo_again: $failures runs with failures"
exit $((failures > 0))

#!/bin/bash
# idle-fetches.sh — FetchEvents per minute on an idle stack (the five services, no traffic): every
# producer's wh_bus_commands_total{type="welfare.bus.v1.FetchEvents"} summed, over IDLE_SECONDS (60)
# after IDLE_SETTLE seconds (10) from the start.  Brings up its own throw-away stack (scripts/stack.sh)
# on the bench's ports (WH_BENCH_PG_PORT, WH_BENCH_PORT_BASE, WH_BENCH_HTTP_BASE); WH_BIN may name the
# binaries of another build (a "before" run beside an "after" one).
#
#   BUILD=build bench/idle-fetches.sh      prints fetches_per_minute=N and the load average
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export WH_VAR=$PWD/$BUILD/idle/var WH_BIN=${WH_BIN:-$PWD/$BUILD/bin}
export WH_PG_PORT=${WH_BENCH_PG_PORT:-55540} WH_PORT_BASE=${WH_BENCH_PORT_BASE:-23101}
export WH_HTTP_BASE=${WH_BENCH_HTTP_BASE:-23601} WH_LOG_LEVEL=${WH_LOG_LEVEL:-warn}
source scripts/stack.sh
source bench/lib.sh
bench_ports_free || exit 1
rm -rf "$WH_VAR"
trap 'wh_stack_stop; rm -rf "$WH_VAR"' EXIT
wh_stack_start || exit 1

# FetchEvents answered so far, all producers together.
fetches_served() {
    local i
    for i in "${!WH_SERVICES[@]}"; do
        bench_http_get "$((WH_HTTP_BASE + 10 * i))" /metrics
    done | awk '/^wh_bus_commands_total\{/ && /FetchEvents/ { n += $NF } END { printf "%d\n", n }'
}

sleep "${IDLE_SETTLE:-10}"
before=$(fetches_served)
sleep "${IDLE_SECONDS:-60}"
after=$(fetches_served)
awk -v a="$before" -v b="$after" -v s="${IDLE_SECONDS:-60}" \
    'BEGIN { printf "fetches_per_minute=%.0f\n", (b - a) * 60 / s }'
echo "load: $(uptime | sed 's/.*load average: //')"

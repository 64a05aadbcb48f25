#!/bin/bash
# run.sh — `make bench-services` (part of `make bench`): the brief's performance table, measured.
# Brings up its own stack (private PostgreSQL, the five services, keys) under a throw-away WH_VAR
# with scripts/stack.sh, then measures in this order, each on the stack left idle by the one before
# (consumers caught up):
#   1. memory: RSS of each freshly started, idle service
#   2. command path: SubmitReferral from 16 concurrent pipelined clients (wh-bench commands)
#   3. event path: referral ack → case opened → KPI visible at 1,000 referrals/s (wh-bench events),
#      each service's CPU seconds over it (ev_cpu_<service>_s)
#   4. registry matching: BENCH_RESOURCES resources, BENCH_MATCHES MatchNeeds (wh-bench match)
#   5. bulk intake: BENCH_ROWS CSV rows through `welfarectl import`, and COPY of the same file into
#      a bare table, side by side; then until the consumers have applied every event, and each
#      service's peak RSS (VmHWM)
#   6. reporting: BENCH_EVENTS events loaded into the fact tables, QueryKpi through the service
#   7. memory again, idle after all of the above
# and prints a table, also written to $BUILD/bench/services.md (figures as key=value in
# $BUILD/bench/services.env), both kept with the services' and PostgreSQL's logs in
# $BUILD/bench/runs/<UTC time>-<commit>/.  Settings: BUILD, BENCH_ROWS (1000000), BENCH_SECONDS (20),
# BENCH_EVENTS (10000000), BENCH_EVENT_SECONDS (10) and BENCH_EVENT_CONNECTIONS (4) of the 1,000/s
# event run, BENCH_STEPS (all: "memory commands events match bulk reporting"; e.g.
# BENCH_STEPS=bulk for the bulk step alone), WH_BENCH_PG_PORT (55540), WH_BENCH_PORT_BASE (23101),
# WH_BENCH_HTTP_BASE (23601), WH_BENCH_KEEP=1 keeps the stack's directory, BENCH_SMOKE=1 fails on
# errors only (make bench-smoke), BENCH_MAKE_JOBS (2) the make -j of the build run.sh starts when run
# by hand, BENCH_HOLD=S keeps the stack up S seconds after the last memory reading (to profile the idle
# services: $BUILD/bench/holding exists meanwhile).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=$PWD/$BUILD/bench
export WH_VAR=$OUT/var WH_BIN=$PWD/$BUILD/bin
export WH_PG_PORT=${WH_BENCH_PG_PORT:-55540} WH_PORT_BASE=${WH_BENCH_PORT_BASE:-23101}
export WH_HTTP_BASE=${WH_BENCH_HTTP_BASE:-23601}
export WH_LOG_LEVEL=${WH_LOG_LEVEL:-warn}
ROWS=${BENCH_ROWS:-1000000} SECONDS_RUN=${BENCH_SECONDS:-20} EVENTS=${BENCH_EVENTS:-10000000}
STEPS=" ${BENCH_STEPS:-memory commands events match bulk reporting} "
step() { [[ $STEPS == *" $1 "* ]]; }
# Started by hand (not from make's bench targets, which built them): the binaries first, so a fresh
# BUILD gets wh-bench and the services, and an old one is brought up to date.
if [ -z "${MAKELEVEL:-}" ]; then
    make -s -j"${BENCH_MAKE_JOBS:-2}" BUILD="$BUILD" bench-binaries || exit 1
fi
source scripts/stack.sh
source bench/lib.sh
source bench/roster.sh

# A run refused here leaves alone whatever another run has under $WH_VAR.
bench_ports_free || exit 1
mkdir -p "$OUT"
rm -rf "$WH_VAR"
: >"$OUT/services.env"
rm -f "$OUT/services.md"
# Each run's report, figures and logs are kept under $OUT/runs/<UTC time>-<commit>, so a second run
# (a longer event step, a before/after pair into one BUILD) does not overwrite the first one's.
RUN_DIR=$OUT/runs/$(date -u +%Y%m%dT%H%M%SZ)-${BENCH_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}
keep_run() {
    mkdir -p "$RUN_DIR/log"
    cp -p "$OUT/services.env" "$RUN_DIR/" 2>/dev/null
    [ -f "$OUT/services.md" ] && cp -p "$OUT/services.md" "$RUN_DIR/"
    cp -p "$WH_VAR"/log/*.log "$RUN_DIR/log/" 2>/dev/null
    cp "$(wh_pg_dir)/server.log" "$RUN_DIR/log/postgresql.log" 2>/dev/null
    echo "bench: this run's report and logs are in $RUN_DIR" >&2
}
trap 'wh_stack_stop; keep_run; [ -n "${WH_BENCH_KEEP:-}" ] || rm -rf "$WH_VAR" "$OUT/referrals.csv"' EXIT

echo "bench: starting the stack under $WH_VAR" >&2
if ! wh_stack_start; then
    for f in "$WH_VAR"/log/*.log; do echo "== $f" >&2; tail -20 "$f" >&2; done
    exit 1
fi
export WH_BENCH_DB_URL="$(wh_pg_superuser_url)"
# Intake refuses referrals and roster rows naming a dong routing has not defined: the bench's dongs
# (bench/load/referral.c's ten district codes, wh-bench events' 50 of 98… and 99…, the roster's 20
# of 26500900NN) are defined before any traffic, and intake has applied them.
bench_dongs() {
    local i
    for i in $(seq 51 60); do echo "26500${i}000"; done
    for i in $(seq 0 49); do printf '98%08d\n99%08d\n' "$i" "$i"; done
    for i in $(seq 0 19); do printf '26500900%02d\n' "$i"; done
}
wh_dongs_define $(bench_dongs) || exit 1
bench_machine
sleep 2
step memory && bench_memory idle_start

if step commands; then
    echo "bench: command path (16 clients, ${SECONDS_RUN} s)" >&2
    bench_metrics_snapshot "$OUT/metrics_cmd_before.prom"
    "$WH_BIN/wh-bench" commands --clients 16 --window 16 --seconds "$SECONDS_RUN" --warmup 3 |
        bench_record cmd || exit 1
    bench_stages cmd "$OUT/metrics_cmd_before.prom"
    bench_wait_caught_up || exit 1
fi

if step events; then
    echo "bench: event path (1,000 referrals/s, ${BENCH_EVENT_SECONDS:-10} s)" >&2
    bench_metrics_snapshot "$OUT/metrics_ev_before.prom"
    bench_cpu_mark ev_before
    "$WH_BIN/wh-bench" events --rate 1000 --seconds "${BENCH_EVENT_SECONDS:-10}" \
        --connections "${BENCH_EVENT_CONNECTIONS:-4}" | bench_record ev || exit 1
    bench_wait_caught_up || exit 1
    bench_cpu_used ev ev_before # each service's CPU seconds over the run and the catch-up
    bench_load ev_end
    bench_stages ev "$OUT/metrics_ev_before.prom"
    # The same at a rate intake sustains here, to tell the event path's own latency from a backlog.
    echo "bench: event path (100 referrals/s, 10 s)" >&2
    bench_metrics_snapshot "$OUT/metrics_ev100_before.prom"
    "$WH_BIN/wh-bench" events --rate 100 --seconds 10 --seed 2 --ns 19 | bench_record ev100 || exit 1
    bench_wait_caught_up || exit 1
    bench_stages ev100 "$OUT/metrics_ev100_before.prom"
fi

if step match; then
    bench_match "${BENCH_RESOURCES:-10000}" "${BENCH_MATCHES:-100000}" || exit 1
    bench_stages match "$OUT/metrics_match_before.prom"
    bench_wait_caught_up || exit 1
fi

if step bulk; then
    bench_bulk "$ROWS" || exit 1 # waits for the consumers too (bulk_caught_up_s)
fi

if step roster; then # not among the default steps: BENCH_STEPS="bulk roster" puts both imports side by side
    bench_roster "${BENCH_ROSTER_ROWS:-$ROWS}" || exit 1
    if step reporting || step memory; then bench_wait_caught_up 3600 || exit 1; fi
fi

if step reporting; then
    bench_reporting "$EVENTS" || exit 1
fi
if step memory; then
    sleep 2
    bench_memory idle_end
    if [ -n "${BENCH_HOLD:-}" ]; then echo "bench: holding $BENCH_HOLD s" >&2; touch "$OUT/holding"; sleep "$BENCH_HOLD"; rm -f "$OUT/holding"; fi
fi
bench_load end

# BENCH_SMOKE=1 (make bench-smoke): fail on errors only — every row stored, events written, the
# consumers caught up — never on times.
if [ -n "${BENCH_SMOKE:-}" ]; then
    source "$OUT/services.env"
    if [ "${bulk_import_rc:-1}" -ne 0 ] || [ "${bulk_referrals:-0}" -ne "$ROWS" ] || [ "${bulk_events:-0}" -le "$ROWS" ] ||
        [ -z "${bulk_caught_up_s:-}" ]; then
        echo "bench-smoke: FAILED (import exit ${bulk_import_rc:-?}, ${bulk_referrals:-0} of $ROWS referrals, ${bulk_events:-0} events)" >&2
        bench/report.sh "$OUT/services.env" >&2
        exit 1
    fi
    echo "bench-smoke: $ROWS rows imported, ${bulk_events} events, consumers caught up (times not judged)" >&2
fi

bench/report.sh "$OUT/services.env" | tee "$OUT/services.md"

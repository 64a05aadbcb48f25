#!/bin/bash
# run.sh — `make test-faults`: the fault suite.  Brings up its own stack (private PostgreSQL and the
# five services on their own ports, scripts/stack.sh), then runs each scenario: the load driver
# (faults-load) sends referrals and their follow-on commands from several clients while a fault
# schedule runs; afterwards the checker (check.sql) compares what the clients were acknowledged with
# every schema and reporting's KPI.  Scenarios: kill -9 of each service, PostgreSQL stopped hard,
# a subscriber stopped for a while, duplicated and reordered deliveries (a proxy on the bus, and the
# clients' own retries), a slow consumer, a poison message, and all of them together (FAULTS_LONG=1:
# the long combined run).  Prints the figures, and ends with "faults: N passed, N failed".
#
#   FAULTS_LONG=1          the long combined run only (about 15 minutes)
#   FAULTS_ONLY="a b"      only these scenarios (names as below)
#   FAULTS_SEED=n          the random schedule's seed (printed; default: the clock)
#   WH_KEEP=1              keep the stack's directory afterwards
set -u
cd "$(dirname "$0")/../.."
export WH_VAR=${WH_FAULTS_VAR:-$PWD/${BUILD:-build}/faults}
export WH_PG_PORT=${WH_FAULTS_PG_PORT:-55550} WH_PORT_BASE=${WH_FAULTS_PORT_BASE:-19101}
export WH_HTTP_BASE=${WH_FAULTS_HTTP_BASE:-19601} WH_BIN=${WH_BIN:-$PWD/${BUILD:-build}/bin}
export WH_BUS_DETOUR=5 # every bus connection goes through a faults-proxy (lib.sh)
source scripts/stack.sh
LOAD=$WH_BIN/faults-load
PROXY=$WH_BIN/faults-proxy
CTL=$WH_BIN/welfarectl
HERE=tests/faults
FIGURES=${FAULTS_FIGURES:-$PWD/${BUILD:-build}/faults-figures.txt}
SEED=${FAULTS_SEED:-$(date +%s)}
RANDOM=$SEED
CLIENTS=${FAULTS_CLIENTS:-4}
passed=0 failed=0 failures=""

rm -rf "$WH_VAR"
trap 'for s in "${WH_SERVICES[@]}"; do kill -CONT "$(wh_service_pid "$s")" 2>/dev/null; done; proxies_stop; wh_stack_stop; [ -n "${WH_KEEP:-}" ] || rm -rf "$WH_VAR"' EXIT

source "$HERE/lib.sh"

# Doses of the bus proxies (faults-proxy options): how often a delivery is repeated (the copy after
# up to --hold-max-ms) or held back that long, in both directions.  A light dose everywhere; the
# duplicates scenario holds some messages past the clients' 1 s timeout, so resends and late
# originals cross.
DOSE_LIGHT="--dup 0.01 --hold 0.01 --hold-max-ms 40"
DOSE_HEAVY="--dup 0.15 --hold 0.15 --hold-max-ms 1500"
DOSE_COMBINED="--dup 0.05 --hold 0.05 --hold-max-ms 400"

# --- the scenarios --------------------------------------------------------------------------------
# Each runs the load for some seconds with a fault schedule in the background of this shell, then
# checks.  $1 of a schedule is the load's length in seconds.

# kill -9 of each service once, in random order and at random moments, restarted at once (the
# intake kill lands under full load: commands between commit and reply, FetchEvents being served).
schedule_kill_each() {
    local svc order
    order=$(printf '%s\n' "${WH_SERVICES[@]}" | shuf --random-source=<(yes "$SEED"))
    sleep 3
    for svc in $order; do
        fault_kill "$svc"
        sleep "$(rand_between 1 3)"
    done
    fault_kill_in_commit intake
    sleep 1
    fault_kill_in_commit case
    sleep 1
    fault_kill_serving_fetch intake
}

# PostgreSQL stopped hard (pg_ctl -m immediate: no checkpoint, every connection cut) and restarted.
schedule_database() {
    sleep 6
    fault_pg_restart 3
    sleep 6
    fault_pg_restart 1
}

# A subscriber (reporting, then case) stopped for a while while the flow goes on, then restarted:
# it catches up by replay.
schedule_subscriber() {
    sleep 4
    fault_stop_for reporting 8
    sleep 2
    fault_stop_for case 5
}

# No fault but duplicates: the proxies repeat and hold back deliveries in both directions (commands,
# replies, the consumers' FetchEvents and their events), every second referral has a racing twin and
# four replayers resend old commands out of order (the other scenarios run a lighter dose of the same).
schedule_none() {
    sleep "$1"
}

# A slow consumer: reporting gets a tenth of the time (SIGSTOP/SIGCONT) for most of the run while
# the producers go at full rate; intake's memory is sampled and reporting's lag read from /metrics.
schedule_slow_consumer() {
    sleep 2
    fault_slow reporting $(($1 - 6))
}

# A poison message from a faulty producer, and an event that a consumer-side fault rejects.
schedule_poison() {
    sleep 4
    poison_inject
    sleep "$(($1 - 4))"
}

# Everything, at random, one fault after another, for the whole run.
schedule_combined() {
    local end=$((SECONDS + $1 - 4)) poisoned=0
    sleep 3
    while [ $SECONDS -lt $end ]; do
        case $((RANDOM % 8)) in
        0) fault_kill "${WH_SERVICES[$((RANDOM % 5))]}" ;;
        1) fault_kill_in_commit intake ;; # the producer whose commands never stop
        2) fault_pg_restart "$(rand_between 1 3)" ;;
        3) fault_stop_for "${WH_SERVICES[$((1 + RANDOM % 4))]}" "$(rand_between 2 6)" ;;
        4) fault_slow "${WH_SERVICES[$((1 + RANDOM % 4))]}" "$(rand_between 3 6)" ;;
        5) [ $poisoned -eq 1 ] || { poison_inject_faulty_producer && poisoned=1; } ;;
        6) fault_kill_serving_fetch intake ;;
        7) fault_proxy_restart "${WH_SERVICES[$((RANDOM % 5))]}" $SCENARIO_DOSE ;;
        esac
        sleep "$(rand_between 2 5)"
    done
}

main() {
    echo "faults: seed $SEED, $CLIENTS clients, stack under $WH_VAR"
    : >"$FIGURES"
    stack_up || { echo "faults: 0 passed, 1 failed"; exit 1; }
    disown -a # the services are killed on purpose: no "Killed" notices from this shell
    if [ -n "${FAULTS_LONG:-}" ]; then
        DOSE=$DOSE_COMBINED scenario combined-long 900 schedule_combined
    else
        scenario kill-each-service 28 schedule_kill_each
        scenario database-restart 26 schedule_database
        scenario subscriber-stopped 26 schedule_subscriber
        DOSE=$DOSE_HEAVY scenario duplicates 20 schedule_none --twin-every 2 --replayers 4
        scenario slow-consumer 24 schedule_slow_consumer --rate 40
        scenario poison-message 18 schedule_poison
        DOSE=$DOSE_COMBINED scenario combined 60 schedule_combined
    fi
    echo
    cat "$FIGURES"
    [ -z "$failures" ] || echo "failed scenarios:$failures"
    echo "faults: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

main

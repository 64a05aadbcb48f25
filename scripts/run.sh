#!/bin/bash
# run.sh — `make run`: the whole system on this machine.
#
# Starts a private PostgreSQL cluster under ./var, creates the database roles and schemas, makes the
# CURVE and PII keys, starts the five services, loads the demo district (once: a second run reuses the
# data), prints the KPI table and what to try next, then waits.  Ctrl-C stops everything cleanly.
set -u
cd "$(dirname "$0")/.."
source scripts/stack.sh

stopping=0
stop_all() {
    [ "$stopping" -eq 1 ] && return
    stopping=1
    echo
    echo "stopping services and PostgreSQL…"
    wh_stack_stop
    echo "stopped. Data is kept in $WH_VAR; \`make run\` again reuses it, \`rm -rf $WH_VAR\` starts afresh."
}
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

started=$(date +%s)
echo "starting PostgreSQL ($(wh_pg_dir)) and the five services…"
if ! wh_stack_start; then
    echo "could not start the stack; logs are in $WH_VAR/log and $(wh_pg_dir)/server.log" >&2
    exit 1
fi

echo "loading the demo district (seed 42; skipped when already loaded)…"
"$WH_BIN/welfare-demo" --seed 42 || { echo "demo load failed" >&2; exit 1; }

echo
"$WH_BIN/welfarectl" kpi --from 2026-01-01 --to 2026-12-31
echo
echo "ready in $(($(date +%s) - started)) s."
cat <<TXT

welfarehub is running.
  dashboard      http://127.0.0.1:$WH_REPORTING_HTTP_PORT/dashboard
  metrics        http://127.0.0.1:$WH_INTAKE_HTTP_PORT/metrics   (each service: /healthz /readyz /metrics)
  logs           $WH_VAR/log/<service>.log

Try, in another terminal (the environment comes from scripts/env.sh):
  source scripts/env.sh
  build/bin/welfarectl --help
  build/bin/welfarectl kpi --dong 2650051000 --from 2026-01-01 --to 2026-12-31
  build/bin/welfarectl case list-cases --json
  build/bin/welfarectl events intake --from 0
  build/bin/welfarectl import referrals tools/welfarectl/examples/referrals-sample.csv

Ctrl-C stops everything.
TXT
while true; do sleep 3600 & wait $!; done

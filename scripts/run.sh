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
    # Under `make run | tee log`, Ctrl-C stops tee too: writing to the pipe must not kill this script
    # before PostgreSQL is stopped, so SIGPIPE is ignored and output errors are dropped.
    trap '' PIPE
    exec 2>/dev/null
    echo
    echo "stopping services and PostgreSQL…"
    wh_stack_stop
    echo "stopped. Data is kept in $WH_VAR (the cluster: $(wh_pg_dir)); \`make run\` again reuses it, \`rm -rf $WH_VAR$([ -L "$WH_VAR/pg" ] && echo " $(wh_pg_dir)")\` starts afresh."
}
trap 'stop_all; exit 0' INT TERM HUP
trap stop_all EXIT

started=$(date +%s)
wh_pg_place || { echo "cannot prepare the cluster's directory $WH_VAR/pg" >&2; exit 1; }
echo "starting PostgreSQL (cluster in $(wh_pg_where)) and the five services…"
if ! wh_stack_start; then
    echo "could not start the stack; logs are in $WH_VAR/log and $(wh_pg_dir)/server.log" >&2
    exit 1
fi

echo "loading the demo district (seed 42; skipped when already loaded)…"
"$WH_BIN/welfare-demo" --seed 42 || {
    rc=$?
    [ $rc -eq 3 ] && echo "the demo district is incomplete: the commands named above were refused;" \
        "\`make run\` again resumes it" >&2 || echo "demo load failed (exit $rc)" >&2
    exit 1
}

echo
"$WH_BIN/welfarectl" kpi --from 2026-01-01 --to 2026-12-31
echo
echo "ready in $(($(date +%s) - started)) s."
cat <<TXT

welfarehub is running.
  dashboard      http://$WH_HTTP_BIND:$WH_REPORTING_HTTP_PORT/dashboard
  metrics        http://$WH_HTTP_BIND:$WH_INTAKE_HTTP_PORT/metrics   (each service: /healthz /readyz /metrics)
  logs           $WH_VAR/log/<service>.log
  database       $(wh_pg_where), port $WH_PG_PORT (Unix socket only)
  ports/paths    $WH_VAR/env (read by scripts/env.sh)

Try, in another terminal of this directory (bin/welfarectl reads $WH_VAR/env by itself;
or \`source scripts/env.sh\`, which also puts welfarectl on PATH):
  bin/welfarectl --help
  bin/welfarectl kpi --dong 2650051000 --from 2026-01-01 --to 2026-12-31
  bin/welfarectl case list-cases --json
  bin/welfarectl events intake --from 0
  bin/welfarectl import referrals --check tools/welfarectl/examples/referrals-sample.csv
  bin/welfarectl import referrals tools/welfarectl/examples/referrals-sample.csv

Ctrl-C stops everything.
TXT
while true; do sleep 3600 & wait $!; done

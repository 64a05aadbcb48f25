#!/bin/bash
# repro-refused-fetch-loop.sh — a minimal reproduction of a framework bug the fault suite found (fixed in
# 7418fec; kept as a regression check, not
# part of `make test-faults`; see docs/reliability.md, "Found by the suite").
#
# When a producer answers FetchEvents with an error (UNAVAILABLE: its database connection is gone)
# while the consumer knows the stream's head is ahead of its position, common/src/consumer.c fetches
# again at once from on_dealer() — no backoff — so the two services spin, and the consumer logs
# "stream fetch refused" thousands of times a second.  Here: reporting is paused while referrals
# flow (so its head is ahead), intake's database login is taken away, reporting resumes.
# Prints the number of "stream fetch refused" lines reporting wrote in 3 s (a few is right; the bug
# gives thousands).  Own ports and directory; stops everything it started.
set -u
cd "$(dirname "$0")/../.."
export WH_VAR=${WH_REPRO_VAR:-/tmp/wh-repro-fetch-loop} WH_PG_PORT=55551 WH_PORT_BASE=57301 WH_HTTP_BASE=58301
export WH_BIN=${WH_BIN:-$PWD/${BUILD:-build}/bin}
source scripts/stack.sh
rm -rf "$WH_VAR"
trap 'kill -CONT "$(wh_service_pid reporting)" 2>/dev/null; wh_stack_stop; rm -rf "$WH_VAR"' EXIT
wh_stack_start >/dev/null || exit 1
disown -a
su=$(wh_pg_superuser_url)
kill -STOP "$(wh_service_pid reporting)"
"$WH_BIN/faults-load" run --journal "$WH_VAR/journal.csv" --prefix 7654321 --clients 1 --seconds 2 --replayers 0 >/dev/null 2>&1
psql -X -q "$su" -c "ALTER ROLE wh_intake NOLOGIN" \
    -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'wh_intake'" >/dev/null
WH_TIMEOUT_MS=500 WH_RETRIES=0 "$WH_BIN/welfarectl" intake list-referrals >/dev/null 2>&1 # intake notices
kill -CONT "$(wh_service_pid reporting)"
sleep 0.5
before=$(grep -c "stream fetch refused" "$WH_VAR/log/reporting.log")
sleep 3
after=$(grep -c "stream fetch refused" "$WH_VAR/log/reporting.log")
psql -X -q "$su" -c "ALTER ROLE wh_intake LOGIN" >/dev/null
echo "reporting logged $((after - before)) \"stream fetch refused\" lines in 3 s"
[ $((after - before)) -lt 100 ]

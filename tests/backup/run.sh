#!/bin/bash
# tests/backup/run.sh — `make test-backup`: backups that restore.  A stack (scripts/stack.sh) whose
# cluster archives its WAL (scripts/pg-backup.sh, archive_timeout 5 s) is loaded with referrals, base-
# backed up, and written to again — one acknowledged SubmitReferral after another, each recorded with
# the time its reply came — until the disaster: PostgreSQL killed (-9) and its data directory deleted
# while commands are in flight.  Then the restore: the base backup, the WAL archive replayed to its
# end, the services restarted.  Checks: every command acknowledged up to the recovery point (the last
# transaction replayed) is there; the event streams are gap-free (outbox sequences 1..head); every
# consumer resumes (after new writes, each consumer's position reaches its producer's head).  Prints
# the measured RPO (acknowledged commands lost, and the time between the last one kept and the
# disaster) and RTO (restore start to every service ready).
set -u
cd "$(dirname "$0")/../.."
export WH_VAR=${WH_BACKUP_VAR:-$PWD/${BUILD:-build}/backup-test}
export WH_PG_PORT=${WH_BACKUP_PG_PORT:-55496} WH_PORT_BASE=${WH_BACKUP_PORT_BASE:-17301}
export WH_HTTP_BASE=${WH_BACKUP_HTTP_BASE:-18301} WH_BIN=${WH_BIN:-$PWD/${BUILD:-build}/bin}
source scripts/stack.sh
source scripts/pg-backup.sh
wh_pg_forget
rm -rf "$WH_VAR"
trap 'kill $writer 2>/dev/null; wh_stack_stop; [ -n "${WH_KEEP:-}" ] || { wh_pg_forget; rm -rf "$WH_VAR"; }' EXIT
writer=
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
now_ms() { date +%s%3N; }
sql() { psql -X -qtA "$(wh_pg_superuser_url)" -c "$1"; }

mkdir -p "$WH_VAR"
wh_pg_place || exit 1
pg=$(wh_pg_dir)
archive=$pg/archive backup=$pg/backup/base
mkdir -p "$archive" && { [ "$(id -u)" -ne 0 ] || chown postgres: "$archive"; }
export WH_PG_OPTIONS=$(wh_backup_pg_options "$archive" 5)
wh_stack_start || { echo "backup: the stack did not start"; exit 1; }
wh_dongs_define $(seq -f 265005%g000 1 9) || { echo "backup: intake did not learn the load's dongs"; exit 1; }
ctl=$WH_BIN/welfarectl

# 1. Data: 2,000 referrals through the import.
python3 - "$WH_VAR/load.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("channel,reported_on,household.dong_code,household.address,persons.0.name,persons.0.rrn,risk.months_rent_arrears,risk.lives_alone\n")
    for i in range(2000):
        f.write("survey,2026-10-%02d,265005%d000,부산광역시 수영구 적재 %d,적재%d,430512-2123452,%d,true\n" % (1 + i % 28, 1 + i % 9, i, i, i % 7))
PY
"$ctl" import referrals "$WH_VAR/load.csv" >"$WH_VAR/load.out" 2>&1 || { cat "$WH_VAR/load.out"; fail "the load"; }

# 2. The base backup, while the services run.
t0=$(now_ms)
wh_backup_base "$backup" || { echo "backup: pg_basebackup failed"; exit 1; }
echo "base backup: $(( $(now_ms) - t0 )) ms, $(du -sh "$backup" | cut -f1)"

# 3. Writing on: one acknowledged command after another, each with its reply time.
(
    i=0
    while true; do
        out=$("$ctl" intake submit-referral --channel self --reported_on 2026-11-15 \
            --household.dong_code 2650051000 --household.address "부산광역시 수영구 계속 $i" \
            --persons.name "계속$i" --persons.rrn 750823-1234562 --json 2>/dev/null) || { i=$((i + 1)); continue; }
        id=$(printf '%s' "$out" | python3 -c 'import sys, json; print(json.load(sys.stdin)["referral_id"])' 2>/dev/null)
        [ -n "$id" ] && echo "$id $(date +%s%3N)" >>"$WH_VAR/acked"
        i=$((i + 1))
    done
) &
writer=$!
sleep 12

# 4. The disaster, with commands in flight.
postmaster=$(head -1 "$pg/data/postmaster.pid")
disaster=$(now_ms)
kill -KILL "$postmaster" $(ps -o pid= --ppid "$postmaster") # the server and its backends, by id
rm -rf "$pg/data"
sleep 2
kill "$writer" 2>/dev/null
wait "$writer" 2>/dev/null
writer=
acked=$(wc -l <"$WH_VAR/acked")
echo "written after the base backup: $acked acknowledged SubmitReferral"

# 5. The restore: services stopped, base backup + archive, services started.
t0=$(now_ms)
for svc in "${WH_SERVICES[@]}"; do wh_service_stop "$svc"; done
wh_backup_restore "$backup" "$archive" || { echo "backup: restore failed"; exit 1; }
for svc in "${WH_SERVICES[@]}"; do wh_service_start "$svc"; done
for svc in "${WH_SERVICES[@]}"; do wh_service_wait_ready "$svc" 60 || fail "$svc after the restore"; done
rto=$(( $(now_ms) - t0 ))

# The recovery point: the last transaction replayed (PostgreSQL's own line in its log).
rp_text=$(grep -o 'last completed transaction was at log time [0-9-]* [0-9:.]*[+0-9]*' "$pg/server.log" | tail -1 | sed 's/.*log time //')
rp=$(date -d "$rp_text" +%s%3N 2>/dev/null) || { fail "no recovery point in the log"; rp=0; }

# 6. Every acknowledged command up to the recovery point is there.
missing=0 kept=0 lost=0 last_kept=0
while read -r id at; do
    present=$(sql "SELECT count(*) FROM intake.referral WHERE id = $id")
    if [ "$at" -le "$rp" ]; then
        [ "$present" = 1 ] || missing=$((missing + 1))
    fi
    if [ "$present" = 1 ]; then kept=$((kept + 1)); [ "$at" -gt "$last_kept" ] && last_kept=$at; else lost=$((lost + 1)); fi
done <"$WH_VAR/acked"
[ "$missing" -eq 0 ] || fail "$missing commands acknowledged before the recovery point are missing"
[ "$(sql "SELECT count(*) FROM intake.referral WHERE reported_on BETWEEN '2026-10-01' AND '2026-10-31'")" = 2000 ] ||
    fail "the 2,000 loaded referrals are not all there"

# 7. Streams gap-free, consumers resume.
for schema in intake casework registry routing reporting; do
    gaps=$(sql "SELECT count(*) <> coalesce(max(sequence), 0) FROM $schema.outbox")
    head=$(sql "SELECT coalesce(max(head), 0) FROM $schema.stream_head")
    maxseq=$(sql "SELECT coalesce(max(sequence), 0) FROM $schema.outbox")
    [ "$gaps" = f ] && [ "$head" = "$maxseq" ] || fail "$schema's stream has a gap (head $head, max $maxseq)"
done
"$ctl" intake submit-referral --channel self --reported_on 2026-11-16 --household.dong_code 2650051000 \
    --household.address "부산광역시 수영구 복구 후" --persons.name 복구후 --persons.rrn 430512-2123452 \
    --risk.months_rent_arrears 6 --risk.lives_alone >/dev/null || fail "a command after the restore"
resumed=0
for _ in $(seq 1 300); do
    behind=$(sql "SELECT count(*) FROM (
        SELECT 'casework' s, stream, position FROM casework.consumer_position UNION ALL
        SELECT 'registry', stream, position FROM registry.consumer_position UNION ALL
        SELECT 'routing', stream, position FROM routing.consumer_position UNION ALL
        SELECT 'reporting', stream, position FROM reporting.consumer_position UNION ALL
        SELECT 'intake', stream, position FROM intake.consumer_position) c
      JOIN (SELECT 'intake' p, max(sequence) h FROM intake.outbox UNION ALL
            SELECT 'case', max(sequence) FROM casework.outbox UNION ALL
            SELECT 'registry', max(sequence) FROM registry.outbox UNION ALL
            SELECT 'routing', max(sequence) FROM routing.outbox UNION ALL
            SELECT 'reporting', max(sequence) FROM reporting.outbox) h ON h.p = c.stream
      WHERE c.position < h.h")
    [ "$behind" = 0 ] && { resumed=1; break; }
    sleep 0.2
done
[ "$resumed" -eq 1 ] || fail "consumers did not catch up after the restore ($behind behind)"

echo
echo "recovery point       $rp_text"
echo "acknowledged         $acked after the base backup: $kept kept, $lost lost (acknowledged after the last archived segment)"
[ "$last_kept" -gt 0 ] && echo "RPO measured         $(( (disaster - last_kept) )) ms: the last command kept was acknowledged that long before the disaster (archive_timeout 5 s bounds it)"
echo "RTO measured         $rto ms (services stopped, base backup copied, $(ls "$archive" | wc -l) WAL segments replayed, services ready)"
[ "$failures" -eq 0 ] && echo "backup: restore checks passed"
[ "$failures" -eq 0 ]

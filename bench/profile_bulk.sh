#!/bin/bash
# profile_bulk.sh — by hand: where the bulk step's time goes.  Runs bench/run.sh's bulk step
# (BENCH_STEPS="bulk memory", pg_stat_statements loaded) and, beside it, once the import has started:
#   - CPU seconds (user + system, /proc/PID/stat) of every process of the stack — the five services
#     and each PostgreSQL process by its role (`wh_intake` backend, checkpointer, walwriter, …) — over
#     the import and over the import plus the consumers' catch-up;
#   - `perf record -g` of the same processes for PROFILE_SECONDS (15) from PROFILE_DELAY (3) seconds
#     after the import started, summarised by process and by symbol;
#   - intake's statements over the import (pg_stat_statements, reset when the import starts), and
#     every service's over the import and the catch-up.
# Output: $BUILD/bench/profile/*.txt (and perf.data).  Settings: BUILD (build), BENCH_ROWS (200000),
# PROFILE_SECONDS, PROFILE_DELAY, PROFILE_FREQ (499 Hz); the rest as bench/run.sh (BENCH_BLOCK_ROWS,
# BENCH_IMPORT_JOBS, WH_BENCH_PG_PORT, WH_BENCH_PORT_BASE, WH_BENCH_HTTP_BASE).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=$PWD/$BUILD/bench
PROF=$OUT/profile
VAR=$OUT/var
mkdir -p "$PROF"
rm -f "$PROF"/*.txt "$PROF"/perf.data "$PROF"/snap.* "$PROF"/stop-sampling

export BENCH_STEPS="bulk memory" BENCH_HOLD=${BENCH_HOLD:-8} BENCH_ROWS=${BENCH_ROWS:-200000}
export WH_PG_OPTIONS="${WH_PG_OPTIONS:-} -c shared_preload_libraries=pg_stat_statements"
bench/run.sh >"$PROF/run.txt" 2>&1 &
run=$!

# The stack's processes: "pid label" lines (services by name, PostgreSQL's by their process title).
stack_pids() {
    local f pm pid
    for f in "$VAR"/run/*.pid; do echo "$(cat "$f") $(basename "$f" .pid)"; done
    pm=$(head -1 "$(readlink -f "$VAR/pg")/data/postmaster.pid" 2>/dev/null) || return 0
    echo "$pm postmaster"
    for pid in $(pgrep -P "$pm"); do
        echo "$pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | sed 's/^postgres: *//; s/ *$//; s/ /_/g')"
    done
}

cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null; }

# "pid label cpu" lines; a process gone before its CPU was read is left out (not read as 0).
snapshot() {
    local cpu
    stack_pids | while read -r pid label; do
        cpu=$(cpu_of "$pid") && [ -n "$cpu" ] && echo "$pid $label $cpu"
    done
}

# CPU seconds from snapshot $1 over $2 … (each later one), summed by label (a backend's title loses its
# state word).  A process that appears in a later snapshot only (intake recycles its connection when
# idle) counts from 0; one gone before the next counts up to the last snapshot that saw it (its
# highest reading: CPU time only grows).
cpu_delta() {
    awk 'FNR == 1 { f++ }
         { l = $2; sub(/_(idle|active|idle_in_transaction|COPY|INSERT|SELECT|UPDATE|COMMIT|BEGIN|BIND).*$/, "", l)
           if (f == 1) base[$1] = $3
           label[$1] = l
           if (!($1 in top) || $3 > top[$1]) top[$1] = $3 }
         END { for (p in top) d[label[p]] += top[p] - (p in base ? base[p] : 0)
               for (l in d) if (d[l] >= 0.005) { printf "%8.2f  %s\n", d[l], l; all += d[l] }
               printf "%8.2f  (all)\n", all }' "$@" | sort -rn
}

psql_su() { psql -X -q -tA "host=$(readlink -f "$VAR/pg")/run port=$WH_BENCH_PG_PORT user=postgres dbname=welfarehub password=$(cat "$VAR/secrets/pg-superuser.password")" "$@"; }

until pgrep -f "$(readlink -f "$BUILD")/bin/welfarectl import" >/dev/null; do
    kill -0 "$run" 2>/dev/null || { echo "profile: the run ended before the import" >&2; cat "$PROF/run.txt" >&2; exit 1; }
    sleep 0.2
done
psql_su -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "SELECT pg_stat_statements_reset()" \
    -c "SELECT pg_stat_reset_shared('wal')" >/dev/null
snapshot >"$PROF/cpu0"
t0=$(date +%s.%N)
# A snapshot a second besides: a backend that ends meanwhile (intake recycles its connection once
# idle for a tick, which a loaded machine gives it mid-import) counts up to its last one.
( i=0; while [ ! -e "$PROF/stop-sampling" ]; do sleep 1; i=$((i + 1)); snapshot >"$PROF/snap.$(printf %05d $i)"; done ) &
sampler=$!
echo "profile: import started; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
sleep "${PROFILE_DELAY:-3}"
perf record -q -F "${PROFILE_FREQ:-499}" -g -o "$PROF/perf.data" -p "$(stack_pids | awk '{print $1}' | paste -sd,)" \
    -- sleep "${PROFILE_SECONDS:-15}" 2>"$PROF/perf-record.txt"
while pgrep -f "$(readlink -f "$BUILD")/bin/welfarectl import" >/dev/null; do sleep 0.2; done
t1=$(date +%s.%N)
snapshot >"$PROF/cpu1"
import_snaps=$(ls "$PROF"/snap.* 2>/dev/null)
psql_su -F' | ' -c "SELECT calls, round(total_exec_time::numeric, 1) AS ms, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 90)
    FROM pg_stat_statements WHERE userid = (SELECT oid FROM pg_roles WHERE rolname = 'wh_intake')
    ORDER BY total_exec_time DESC LIMIT 20" >"$PROF/statements.txt"
psql_su -F' | ' -c "SELECT 'WAL over the import: records', wal_records, 'full-page images', wal_fpi, 'MB',
    round(wal_bytes / 1048576.0, 1) FROM pg_stat_wal" >>"$PROF/statements.txt"
until [ -e "$OUT/holding" ]; do kill -0 "$run" 2>/dev/null || break; sleep 0.2; done
snapshot >"$PROF/cpu2"
# Every role's statements over the import and the catch-up: the consumers' share by statement.
psql_su -F' | ' -c "SELECT r.rolname, calls, round(total_exec_time::numeric, 1) AS ms, rows,
    left(regexp_replace(query, '\s+', ' ', 'g'), 80) FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
    WHERE r.rolname <> 'postgres' ORDER BY total_exec_time DESC LIMIT 40" >"$PROF/statements-all.txt"
touch "$PROF/stop-sampling"
wait "$sampler"
wait "$run"
{
    echo "import wall $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"
    echo "== CPU seconds over the import"
    # shellcheck disable=SC2086 # the snapshots' names, one word each
    cpu_delta "$PROF/cpu0" $import_snaps "$PROF/cpu1"
    echo "== CPU seconds over the import and the consumers' catch-up"
    # shellcheck disable=SC2086
    cpu_delta "$PROF/cpu0" $import_snaps "$PROF/cpu1" $(comm -13 <(echo "$import_snaps") <(ls "$PROF"/snap.*)) "$PROF/cpu2"
} >"$PROF/cpu.txt"
perf report -i "$PROF/perf.data" --no-children --sort comm,dso -q --stdio 2>/dev/null | head -40 >"$PROF/by-dso.txt"
perf report -i "$PROF/perf.data" --no-children --sort comm,sym -q --stdio -g none 2>/dev/null | head -80 >"$PROF/by-symbol.txt"
perf report -i "$PROF/perf.data" --children --sort sym -q --stdio -g none 2>/dev/null | head -80 >"$PROF/children.txt"
grep -E '^\| (bulk|load)|rows/s|COPY' "$OUT/services.md" 2>/dev/null >"$PROF/summary.txt"
cat "$PROF/summary.txt" "$PROF/cpu.txt" "$PROF/statements.txt" "$PROF/statements-all.txt"
echo "profile: $PROF" >&2

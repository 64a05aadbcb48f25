#!/bin/bash
# lib.sh — the steps of bench/run.sh, sourced after scripts/stack.sh.  Each step appends its figures
# as key=value lines to $OUT/services.env (bench_record) and says what it is doing on stderr.

bench_psql() { psql -X -q -v ON_ERROR_STOP=1 "$WH_BENCH_DB_URL" "$@"; }

bench_now() { date +%s.%N; }

# Seconds from $1 to $2 (both bench_now), to the millisecond.
bench_elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# Appends stdin's key=value lines to the figures, each key prefixed with $1_.
bench_record() {
    local line ok=1
    while IFS= read -r line; do
        case $line in
        *=*) echo "$1_$line" >>"$OUT/services.env"; echo "  $1_$line" >&2 ;;
        *) echo "  $line" >&2 ;;
        esac
    done
    return 0
}

bench_set() { echo "$1=$2" >>"$OUT/services.env"; echo "  $1=$2" >&2; }

# Another stack on our ports would answer for services that could not bind: refuse instead.
bench_ports_free() {
    local i port busy=0
    for i in 0 1 2 3 4; do
        for port in $((WH_PORT_BASE + 10 * i)) $((WH_PORT_BASE + 10 * i + 1)) $((WH_HTTP_BASE + 10 * i)); do
            if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
                echo "bench: port $port is in use (set WH_BENCH_PORT_BASE / WH_BENCH_HTTP_BASE)" >&2
                busy=1
            fi
        done
    done
    return $busy
}

bench_machine() {
    bench_set machine_nproc "$(nproc)"
    bench_set machine_cpu "\"$(lscpu | sed -n 's/^Model name: *//p' | head -1)\""
    bench_set machine_mem "\"$(free -g | awk '/^Mem:/ {print $2 " GiB"}')\""
    bench_set machine_os "\"$(. /etc/os-release && echo "$PRETTY_NAME")\""
    bench_set machine_pg "\"$(bench_psql -tAc 'SHOW server_version')\""
    bench_set machine_cc "\"$(${CC:-cc} --version | head -1)\""
    # BENCH_COMMIT names the commit of binaries built earlier (a "before" run beside an "after" one).
    bench_set machine_commit "${BENCH_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- . 2>/dev/null || echo +dirty)}"
    bench_set machine_date "$(date -u +%Y-%m-%dT%H:%MZ)"
    bench_set pg_synchronous_commit "$(bench_psql -tAc 'SHOW synchronous_commit')"
    bench_set pg_fsync "$(bench_psql -tAc 'SHOW fsync')"
    # deploy/postgresql/welfarehub.conf and scripts/stack.sh's shared_buffers, as the cluster has them.
    local name
    for name in full_page_writes shared_buffers max_wal_size checkpoint_timeout wal_compression; do
        bench_set "pg_$name" "$(bench_psql -tAc "SHOW $name")"
    done
    bench_load start
}

# The machine's load average (1, 5, 15 min) now, as load_<label>: the machine may be shared.
bench_load() { bench_set "load_$1" "\"$(cut -d' ' -f1-3 /proc/loadavg)\""; }

# RSS (KiB) of every service, as memory_<label>_<service>, and what it is (/proc/PID/smaps_rollup):
# anonymous (the heap, thread stacks: the process's own) as memory_<label>_<service>_anon, the rest
# file-backed (code and read-only data, shared with the page cache); the whole smaps kept as
# $OUT/smaps_<label>_<service> to compare mapping by mapping.
bench_memory() {
    local svc pid rss anon
    for svc in "${WH_SERVICES[@]}"; do
        pid=$(wh_service_pid "$svc")
        rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
        anon=$(awk '/^Anonymous:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null)
        bench_set "memory_$1_$svc" "${rss:-0}"
        bench_set "memory_$1_${svc}_anon" "${anon:-0}"
        cp "/proc/$pid/smaps" "$OUT/smaps_$1_$svc" 2>/dev/null
    done
}

# Peak RSS (KiB, VmHWM: the most the process ever held) of every service, as memory_peak_<service>.
bench_memory_peak() {
    local svc pid hwm
    for svc in "${WH_SERVICES[@]}"; do
        pid=$(wh_service_pid "$svc")
        hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
        bench_set "memory_peak_$svc" "${hwm:-0}"
    done
}

# True when every consumer has applied its producer's whole stream.
bench_caught_up() {
    local consumer rows stream position head
    for consumer in casework registry routing reporting; do
        rows=$(bench_psql -tAF' ' -c "SELECT stream, position FROM $consumer.consumer_position") || return 1
        while read -r stream position; do
            [ -n "$stream" ] || continue
            head=$(bench_psql -tAc "SELECT coalesce(max(head), 0) FROM $(wh_schema_of "$stream").stream_head WHERE stream = '$stream'")
            [ "$position" -ge "$head" ] || return 1
        done <<<"$rows"
    done
}

# The sum of every consumer's positions: it grows while they apply.
bench_positions() {
    local consumer sum=0 v
    for consumer in casework registry routing reporting; do
        v=$(bench_psql -tAc "SELECT coalesce(sum(position), 0) FROM $consumer.consumer_position") || return 1
        sum=$((sum + v))
    done
    echo "$sum"
}

# Waits (default 300 s) until the consumers have caught up; records how long that took.  Gives up
# sooner when they stop moving: no position advanced for BENCH_STUCK_S (120) seconds is an error
# (stuck), however much time is left — slow is not, within the limit.
bench_wait_caught_up() {
    local limit=${1:-300} stuck=${BENCH_STUCK_S:-120} t0 i last=-1 now moved
    t0=$(bench_now)
    moved=$(date +%s)
    for i in $(seq 1 $((limit * 5))); do
        if bench_caught_up; then
            echo "  consumers caught up after $(bench_elapsed "$t0" "$(bench_now)") s" >&2
            return 0
        fi
        if [ $((i % 25)) -eq 0 ]; then # every 5 s
            now=$(bench_positions) || return 1
            [ "$now" != "$last" ] && moved=$(date +%s) && last=$now
            if [ $(($(date +%s) - moved)) -ge "$stuck" ]; then
                echo "bench: consumers stuck (no position moved for $stuck s)" >&2
                return 1
            fi
        fi
        sleep 0.2
    done
    echo "bench: consumers still behind after $limit s" >&2
    return 1
}

bench_copy_table() {
    local cols="channel text, reported_on date, dong_code text, address text, latitude double precision,
        longitude double precision, known_to_programme boolean" j
    for j in 0 1 2; do cols="$cols, p${j}_name text, p${j}_rrn text, p${j}_phone text"; done
    cols="$cols, utility int, rent int, insurance int, lives_alone boolean, disability boolean,
        chronic_illness boolean, unemployed boolean, single_parent boolean, concern text"
    bench_psql -c "DROP SCHEMA IF EXISTS bench_copy CASCADE" -c "CREATE SCHEMA bench_copy" \
        -c "CREATE TABLE bench_copy.referral_rows ($cols)"
}

bench_count() { bench_psql -tAc "$1"; }

# Bulk intake: the CSV, COPY of it into a bare table, then `welfarectl import` of it.
bench_bulk() {
    local rows=$1 csv=$OUT/referrals.csv t0 t1 before_ref before_ev before_hh
    echo "bench: bulk intake of $rows rows" >&2
    "$WH_BIN/wh-bench" csv "$rows" 1 "$csv" | bench_record bulk_csv || return 1
    bench_copy_table || return 1
    t0=$(bench_now)
    bench_psql -c "\\copy bench_copy.referral_rows FROM '$csv' WITH (FORMAT csv, HEADER true)" || return 1
    t1=$(bench_now)
    bench_set bulk_copy_s "$(bench_elapsed "$t0" "$t1")"
    before_ref=$(bench_count "SELECT count(*) FROM intake.referral")
    before_hh=$(bench_count "SELECT count(*) FROM intake.household")
    before_ev=$(bench_count "SELECT coalesce(max(head), 0) FROM intake.stream_head")
    local mode=() jobs=${BENCH_IMPORT_JOBS:-4}
    if [ "${BENCH_IMPORT_MODE:-block}" = row-by-row ]; then
        mode=(--row-by-row)
        jobs=${BENCH_IMPORT_JOBS:-64}
    fi
    bench_set bulk_mode "${BENCH_IMPORT_MODE:-block}"
    bench_set bulk_jobs "$jobs"
    t0=$(bench_now)
    "$WH_BIN/welfarectl" import referrals "$csv" --jobs "$jobs" "${mode[@]}" \
        --block-rows "${BENCH_BLOCK_ROWS:-2000}" >"$OUT/import.out" 2>"$OUT/import.err"
    local rc=$?
    t1=$(bench_now)
    bench_set bulk_import_rc "$rc"
    bench_set bulk_import_s "$(bench_elapsed "$t0" "$t1")"
    bench_set bulk_import_summary "\"$(tr -s ' \n' ' ' <"$OUT/import.out")\""
    bench_set bulk_referrals "$(($(bench_count "SELECT count(*) FROM intake.referral") - before_ref))"
    bench_set bulk_households "$(($(bench_count "SELECT count(*) FROM intake.household") - before_hh))"
    bench_set bulk_events "$(($(bench_count "SELECT coalesce(max(head), 0) FROM intake.stream_head") - before_ev))"
    bench_set bulk_copy_rows "$(bench_count "SELECT count(*) FROM bench_copy.referral_rows")"
    bench_set bulk_db_size_mb "$(bench_count "SELECT pg_database_size('welfarehub') / 1048576")"
    head -5 "$OUT/import.err" >&2
    bench_load bulk
    [ "$rc" -eq 0 ] || return 1
    # The consumers included: how long after the import's end until case and reporting have applied
    # every event (the KPI reflects the import).
    local limit=${BENCH_CATCH_UP_LIMIT:-3600}
    bench_wait_caught_up "$limit" || return 1
    bench_set bulk_caught_up_s "$(bench_elapsed "$t1" "$(bench_now)")"
    bench_set bulk_suspicion_events "$(bench_count "SELECT count(*) FROM intake.outbox WHERE sequence > $before_ev AND type = 'welfare.intake.v1.DuplicateSuspected'")"
    bench_memory_peak
}

# Reporting: the fact tables loaded with N events, then QueryKpi through the service.
bench_reporting() {
    local t0 t1
    echo "bench: loading $1 events into reporting's fact tables" >&2
    t0=$(bench_now)
    bench_psql -v events="$1" -v prefix=97 -v dongs=20 -v first=2016-01-01 -v days=3650 \
        -f bench/reporting_facts.sql | bench_record kpi_load || return 1
    t1=$(bench_now)
    bench_set kpi_load_s "$(bench_elapsed "$t0" "$t1")"
    echo "bench: QueryKpi" >&2
    "$WH_BIN/wh-bench" kpi --queries 2000 --dongs 20 --prefix 97 --year 2016 --days 3650 | bench_record kpi
}

# The body of GET $2 from 127.0.0.1:$1 (HTTP/1.0 through bash's /dev/tcp: no client to install).
bench_http_get() {
    (
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
        timeout 5 cat <&3 | tr -d '\r' | sed '1,/^$/d'
    )
}

# The /metrics of every service, each line prefixed with the service's name, into $1.
bench_metrics_snapshot() {
    local i svc
    : >"$1"
    for i in "${!WH_SERVICES[@]}"; do
        svc=${WH_SERVICES[$i]}
        bench_http_get "$((WH_HTTP_BASE + 10 * i))" /metrics | sed "s/^/$svc /" >>"$1"
    done
}

# Where a step's time went (bench/stages.awk) between snapshot $2 and now, into $OUT/stages_$1.md.
bench_stages() {
    bench_metrics_snapshot "$OUT/metrics_$1_after.prom"
    awk -f bench/stages.awk "$2" "$OUT/metrics_$1_after.prom" >"$OUT/stages_$1.md"
    cat "$OUT/stages_$1.md" >&2
}

# CPU seconds (user + system) a service's process has used so far.
bench_cpu_seconds() {
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$(wh_service_pid "$1")/stat"
}

# Every service's CPU seconds so far, kept under the label $1 (bench_cpu_used reads them back).
bench_cpu_mark() {
    local svc
    for svc in "${WH_SERVICES[@]}"; do echo "$svc $(bench_cpu_seconds "$svc")"; done >"$OUT/cpu_$1"
}

# Each service's CPU seconds since bench_cpu_mark $2, as $1_cpu_<service>_s.
bench_cpu_used() {
    local svc before now
    while read -r svc before; do
        now=$(bench_cpu_seconds "$svc")
        bench_set "$1_cpu_${svc}_s" "$(awk -v a="$before" -v b="$now" 'BEGIN { printf "%.1f", b - a }')"
    done <"$OUT/cpu_$2"
}

# Registry matching: $1 resources over 100 dongs (spheres of four), the consumers caught up, then $2
# MatchNeeds, 16 in flight; the registry's CPU seconds over the queries beside the driver's figures.
bench_match() {
    local cpu0 cpu1
    echo "bench: registry matching ($1 resources, $2 MatchNeeds)" >&2
    "$WH_BIN/wh-bench" match --setup 1 --resources "$1" || return 1
    bench_wait_caught_up || return 1
    bench_metrics_snapshot "$OUT/metrics_match_before.prom"
    cpu0=$(bench_cpu_seconds registry)
    "$WH_BIN/wh-bench" match --resources "$1" --queries "$2" --window 16 | bench_record match || return 1
    cpu1=$(bench_cpu_seconds registry)
    bench_set match_registry_cpu_s "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.1f", b - a }')"
}

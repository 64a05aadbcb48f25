#!/bin/bash
# report.sh FIGURES.env — the markdown report of one bench/run.sh run: the machine, then each target
# of the brief with what was measured and whether it was met.
# Not `set -u`: a run of some steps only (BENCH_STEPS) leaves the other steps' figures unset.
source "$1"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", ((b > 0) ? a / b : 0) }'; }
# A step ran when the figure its driver always writes is there; a step left out (BENCH_STEPS) is
# "not run" in both the measured and the verdict column, never "met".
ran() {
    case $1 in
    bulk) [ -n "${bulk_import_rc:-}" ] ;;
    caught_up) [ -n "${bulk_import_rc:-}" ] ;;
    cmd) [ -n "${cmd_replies:-}" ] ;;
    ev) [ -n "${ev_sent:-}" ] ;;
    ev100) [ -n "${ev100_sent:-}" ] ;;
    match) [ -n "${match_queries:-}" ] ;;
    kpi) [ -n "${kpi_queries:-}" ] ;;
    memory) [ -n "${memory_idle_start_intake:-}" ] ;;
    *) return 1 ;;
    esac
}
# measured STEP TEXT: the text, or "not run".
measured() { if ran "$1"; then echo "$2"; else echo "not run"; fi; }
# le|ge STEP VALUE TARGET: met / missed when the step ran (an empty figure of a step that ran is
# missed), else "not run".
judge() {
    local step=$1 op=$2 a=$3 b=$4
    ran "$step" || { echo "not run"; return; }
    [ -n "$a" ] || { echo "**missed** (no figure)"; return; }
    awk -v a="$a" -v b="$b" -v op="$op" 'BEGIN { exit !((op == "le") ? (a <= b) : (a >= b)) }' && echo met ||
        echo "**missed**"
}
le() { judge "$1" le "$2" "$3"; }
ge() { judge "$1" ge "$2" "$3"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
mib_or_not_run() { if [ -n "$1" ]; then mib "$1"; else echo "not run"; fi; }

# (Parentheses around every condition: a bare `>` after printf is awk's output redirection.)
import_rate=$(awk -v r="$bulk_referrals" -v s="$bulk_import_s" 'BEGIN { printf "%.0f", ((s > 0) ? r / s : 0) }')
copy_rate=$(awk -v r="$bulk_copy_rows" -v s="$bulk_copy_s" 'BEGIN { printf "%.0f", ((s > 0) ? r / s : 0) }')
copy_ratio=$(ratio "$bulk_import_s" "$bulk_copy_s")
projected=$(awk -v s="$bulk_import_s" -v r="$bulk_referrals" 'BEGIN { printf "%.0f", ((r > 0) ? s * 1000000 / r : 0) }')
roster_line=
if [ -n "${roster_import_s:-}" ]; then
    roster_rate=$(awk -v r="$roster_rows" -v s="$roster_import_s" 'BEGIN { printf "%.0f", ((s > 0) ? r / s : 0) }')
    roster_line="- Roster (BENCH_STEPS=\"bulk roster\"): \`welfarectl import roster\` of $roster_rows rows in $roster_import_s s,
  $roster_rate rows/s (the referral import above: $import_rate rows/s, ratio $(ratio "$roster_rate" "$import_rate"));
  $roster_enrolments enrolments, $roster_events events; \`$roster_import_summary\`, exit status $roster_import_rc.
"
fi
max_rss=0
for svc in intake case registry routing reporting; do
    v=memory_idle_end_$svc
    [ "${!v:-0}" -gt "$max_rss" ] && max_rss=${!v:-0}
    v=memory_idle_start_$svc
    [ "${!v:-0}" -gt "$max_rss" ] && max_rss=${!v:-0}
done
total_s=$(awk -v s="$bulk_import_s" -v c="${bulk_caught_up_s:-0}" -v r="$bulk_referrals" 'BEGIN { printf "%.0f", ((r > 0) ? (s + c) * 1000000 / r : 0) }')

cat <<MD
### Run of $machine_date at $machine_commit

Load average (1, 5, 15 min): at the start $load_start, after the bulk import ${load_bulk:-—}, at the end ${load_end:-—}.
Machine: $machine_nproc cores (\`nproc\`), \`lscpu\` model name "$machine_cpu", $machine_mem; $machine_os,
PostgreSQL $machine_pg (fsync=$pg_fsync, synchronous_commit=$pg_synchronous_commit, full_page_writes=${pg_full_page_writes:-—};
shared_buffers=${pg_shared_buffers:-—}, max_wal_size=${pg_max_wal_size:-—}, checkpoint_timeout=${pg_checkpoint_timeout:-—}, wal_compression=${pg_wal_compression:-—}), $machine_cc \`-O2\`.
The services, PostgreSQL and the load drivers share the $machine_nproc cores.

| what | target | measured | |
|---|---|---|---|
| bulk intake: ${bulk_csv_rows:-BENCH_ROWS} CSV rows through \`welfarectl import\` | ≤ 60 s for 1 M | $(measured bulk "$bulk_import_s s, $import_rate rows/s (1 M at this rate: $projected s; $bulk_csv_duplicates re-reports)") | $(le bulk "$projected" 60) |
| PostgreSQL \`COPY\` of the same file into a bare table | — | $(measured bulk "$bulk_copy_s s, $copy_rate rows/s") | |
| import ÷ COPY | ≤ 3× (stretch) | $(measured bulk "$copy_ratio×") | $(le bulk "$copy_ratio" 3) |
| … consumers included: import end → case and reporting have applied every event (KPI reflects it) | ≤ 30 s | $(measured caught_up "${bulk_caught_up_s:-—} s") | $(le caught_up "${bulk_caught_up_s:-}" 30) |
| … import + catch-up, 1 M at this rate | ≤ 60 s | $(measured caught_up "$total_s s") | $(le caught_up "${bulk_caught_up_s:+$total_s}" 60) |
| … DuplicateSuspected events (one per referral with new suspicions) | — | $(measured bulk "${bulk_suspicion_events:-—} of $bulk_events events") | |
| memory: intake's peak RSS (VmHWM) through the bulk step, bounded under a backlog | — | $(measured bulk "$(mib "${memory_peak_intake:-0}") MiB") | |
| command path: SubmitReferral, ${cmd_clients:-16} clients × ${cmd_window:-16} in flight, ${cmd_seconds:-BENCH_SECONDS} s (first ${cmd_warmup:-3} s not counted) | ≥ 4,000/s | $(measured cmd "$cmd_rate/s") | $(ge cmd "$cmd_rate" 4000) |
| … its latency, send → ack after commit | p99 ≤ 50 ms | $(measured cmd "p50 $cmd_p50_ms ms, p99 $cmd_p99_ms ms (max $cmd_max_ms)") | $(le cmd "$cmd_p99_ms" 50) |
| event path at ${ev_rate:-1000} referrals/s for ${ev_seconds:-10} s: ack → KPI visible | p99 ≤ 250 ms | $(measured ev "p50 $ev_kpi_p50_ms ms, p99 $ev_kpi_p99_ms ms (max $ev_kpi_max_ms)") | $(le ev "$ev_kpi_p99_ms" 250) |
| … ack → case opened (casework) | — | $(measured ev "p50 $ev_case_p50_ms ms, p99 $ev_case_p99_ms ms") | |
| event path at ${ev100_rate:-100} referrals/s for ${ev100_seconds:-10} s (below intake's ceiling): ack → KPI visible | — | $(measured ev100 "p50 $ev100_kpi_p50_ms ms, p99 $ev100_kpi_p99_ms ms (max $ev100_kpi_max_ms); to case opened p50 $ev100_case_p50_ms, p99 $ev100_case_p99_ms ms") | |
| registry matching: ${match_queries:-BENCH_MATCHES} MatchNeeds over ${match_resources:-BENCH_RESOURCES} resources, ${match_window:-16} in flight | — (index on dong, domain, capacity) | $(measured match "$match_rate/s, p50 $match_p50_ms ms, p99 $match_p99_ms ms; registry CPU $match_registry_cpu_s s over the queries; $match_mean_candidates candidates a match; $match_dongs dongs") | |
| reporting: QueryKpi over ${kpi_load_events_loaded:-BENCH_EVENTS} events, random dong sets and periods | p99 ≤ 20 ms | $(measured kpi "p50 $kpi_p50_ms ms, p99 $kpi_p99_ms ms (max $kpi_max_ms, $kpi_queries queries)") | $(le kpi "$kpi_p99_ms" 20) |
| memory: RSS of each idle service | ≤ 16 MiB | $(measured memory "largest $(mib "$max_rss") MiB (table below)") | $(le memory "$max_rss" 16384) |

Details:

$roster_line- Bulk: $(measured bulk "\`$bulk_import_summary\`; in intake $bulk_referrals referrals, $bulk_households new households,
  $bulk_events events on the intake stream; exit status $bulk_import_rc. COPY loaded $bulk_copy_rows rows.")
- Command path: $(measured cmd "$cmd_replies replies in all, $cmd_errors error replies, $cmd_failed_clients clients failed.")
- Event path: $(measured ev "$ev_sent sent over ${ev_connections:-1} connection(s), $ev_acked acked, $ev_errors error replies; $ev_cases cases seen in casework,
  $ev_kpi_seen in reporting (polled every $ev_poll_ms ms, so figures include up to one poll interval);
  QueryKpi over the 50 event-path dongs answers case_households = $ev_kpi_case_households.") At ${ev100_rate:-100}/s:
  $(measured ev100 "$ev100_sent sent, $ev100_acked acked, $ev100_kpi_seen seen in reporting, QueryKpi case_households = $ev100_kpi_case_households.")
- Reporting: $(measured kpi "the fact tables were loaded directly ($kpi_load_daily_rows daily and $kpi_load_monthly_rows monthly
  rows for 20 dongs over 10 years, in $kpi_load_s s); the queries went through the service over the bus,
  one client, one after another; $kpi_errors errors.")

| service | RSS idle at start MiB | RSS idle after the runs MiB |
|---|---:|---:|
MD
for svc in intake case registry routing reporting; do
    a=memory_idle_start_$svc b=memory_idle_end_$svc
    echo "| $svc | $(mib_or_not_run "${!a:-}") | $(mib_or_not_run "${!b:-}") |"
done

# Where the time of the command and event steps went (bench/stages.awk), when they ran.
dir=$(dirname "$1")
for step in cmd ev ev100 match; do
    [ -s "$dir/stages_$step.md" ] || continue
    case $step in
    cmd) title="Command path ($cmd_clients × $cmd_window)" ;;
    ev) title="Event path at $ev_rate referrals/s" ;;
    ev100) title="Event path at $ev100_rate referrals/s" ;;
    match) title="Registry matching ($match_queries MatchNeeds)" ;;
    esac
    echo
    echo "Where the time went — $title (histograms of the services' /metrics over the step):"
    echo
    cat "$dir/stages_$step.md"
done

#!/bin/bash
# report.sh FIGURES.env — the markdown report of one bench/run.sh run: the machine, then each target
# of the brief with what was measured and whether it was met.
# Not `set -u`: a run of some steps only (BENCH_STEPS) leaves the other steps' figures unset.
source "$1"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", ((b > 0) ? a / b : 0) }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }' && echo met || echo "**missed**"; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }' && echo met || echo "**missed**"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

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

cat <<MD
### Run of $machine_date at $machine_commit

Load average (1, 5, 15 min): at the start $load_start, after the bulk import ${load_bulk:-—}, at the end ${load_end:-—}.
Machine: $machine_nproc cores (\`nproc\`), \`lscpu\` model name "$machine_cpu", $machine_mem; $machine_os,
PostgreSQL $machine_pg (fsync=$pg_fsync, synchronous_commit=$pg_synchronous_commit), $machine_cc \`-O2\`.
The services, PostgreSQL and the load drivers share the $machine_nproc cores.

| what | target | measured | |
|---|---|---|---|
| bulk intake: $bulk_csv_rows CSV rows ($bulk_csv_duplicates re-reports) through \`welfarectl import\` | ≤ 60 s for 1 M | $bulk_import_s s, $import_rate rows/s (1 M at this rate: $projected s) | $(le "$projected" 60) |
| PostgreSQL \`COPY\` of the same file into a bare table | — | $bulk_copy_s s, $copy_rate rows/s | |
| import ÷ COPY | ≤ 3× (stretch) | $copy_ratio× | $(le "$copy_ratio" 3) |
| … consumers included: import end → case and reporting have applied every event (KPI reflects it) | ≤ 30 s | ${bulk_caught_up_s:-—} s | $(le "${bulk_caught_up_s:-9999}" 30) |
| … import + catch-up, 1 M at this rate | ≤ 60 s | $(awk -v s="$bulk_import_s" -v c="${bulk_caught_up_s:-0}" -v r="$bulk_referrals" 'BEGIN { printf "%.0f", ((r > 0) ? (s + c) * 1000000 / r : 0) }') s | $(le "$(awk -v s="$bulk_import_s" -v c="${bulk_caught_up_s:-0}" -v r="$bulk_referrals" 'BEGIN { printf "%.0f", ((r > 0) ? (s + c) * 1000000 / r : 0) }')" 60) |
| … DuplicateSuspected events (one per referral with new suspicions) | — | ${bulk_suspicion_events:-—} of $bulk_events events | |
| memory: intake's peak RSS (VmHWM) through the bulk step, bounded under a backlog | — | $(mib "${memory_peak_intake:-0}") MiB | |
| command path: SubmitReferral, $cmd_clients clients × $cmd_window in flight, ${cmd_seconds} s (first ${cmd_warmup} s not counted) | ≥ 3,000/s | $cmd_rate/s | $(ge "$cmd_rate" 3000) |
| … its latency, send → ack after commit | p99 ≤ 50 ms | p50 $cmd_p50_ms ms, p99 $cmd_p99_ms ms (max $cmd_max_ms) | $(le "$cmd_p99_ms" 50) |
| event path at $ev_rate referrals/s for $ev_seconds s: ack → KPI visible | p99 ≤ 250 ms | p50 $ev_kpi_p50_ms ms, p99 $ev_kpi_p99_ms ms (max $ev_kpi_max_ms) | $(le "$ev_kpi_p99_ms" 250) |
| … ack → case opened (casework) | — | p50 $ev_case_p50_ms ms, p99 $ev_case_p99_ms ms | |
| event path at $ev100_rate referrals/s for $ev100_seconds s (below intake's ceiling): ack → KPI visible | — | p50 $ev100_kpi_p50_ms ms, p99 $ev100_kpi_p99_ms ms (max $ev100_kpi_max_ms); to case opened p50 $ev100_case_p50_ms, p99 $ev100_case_p99_ms ms | |
| registry matching: $match_queries MatchNeeds over $match_resources resources in $match_dongs dongs, $match_window in flight | — (index on dong, domain, capacity) | $match_rate/s, p50 $match_p50_ms ms, p99 $match_p99_ms ms; registry CPU $match_registry_cpu_s s over the queries; $match_mean_candidates candidates a match | |
| reporting: QueryKpi over $kpi_load_events_loaded events, random dong sets and periods | p99 ≤ 20 ms | p50 $kpi_p50_ms ms, p99 $kpi_p99_ms ms (max $kpi_max_ms, $kpi_queries queries) | $(le "$kpi_p99_ms" 20) |
| memory: RSS of each idle service | ≤ 16 MiB | largest $(mib "$max_rss") MiB (table below) | $(le "$max_rss" 16384) |

Details:

$roster_line- Bulk: \`$bulk_import_summary\`; in intake $bulk_referrals referrals, $bulk_households new households,
  $bulk_events events on the intake stream; exit status $bulk_import_rc. COPY loaded $bulk_copy_rows rows.
- Command path: $cmd_replies replies in all, $cmd_errors error replies, $cmd_failed_clients clients failed.
- Event path: $ev_sent sent, $ev_acked acked, $ev_errors error replies; $ev_cases cases seen in casework,
  $ev_kpi_seen in reporting (polled every $ev_poll_ms ms, so figures include up to one poll interval);
  QueryKpi over the 50 event-path dongs answers case_households = $ev_kpi_case_households. At $ev100_rate/s:
  $ev100_sent sent, $ev100_acked acked, $ev100_kpi_seen seen in reporting, QueryKpi case_households = $ev100_kpi_case_households.
- Reporting: the fact tables were loaded directly ($kpi_load_daily_rows daily and $kpi_load_monthly_rows monthly
  rows for 20 dongs over 10 years, in $kpi_load_s s); the queries went through the service over the bus,
  one client, one after another; $kpi_errors errors.

| service | RSS idle at start MiB | RSS idle after the runs MiB |
|---|---:|---:|
MD
for svc in intake case registry routing reporting; do
    a=memory_idle_start_$svc b=memory_idle_end_$svc
    echo "| $svc | $(mib "${!a}") | $(mib "${!b}") |"
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

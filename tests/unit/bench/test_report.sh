#!/bin/bash
# test_report.sh — bench/report.sh on the figures of a run of some steps only (BENCH_STEPS="memory
# bulk"): the steps left out say "not run" in both columns, never "met"; a step that ran is judged
# (the memory row over 16 MiB is missed); the memory table shows MiB for readings taken.
set -u
cd "$(dirname "$0")/../../.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat >"$dir/services.env" <<'ENV'
machine_date=2026-12-03T00:00Z
machine_commit=test
load_start="1 1 1"
bulk_import_rc=0
bulk_import_s=20
bulk_referrals=50000
bulk_csv_rows=50000
bulk_copy_s=1
bulk_copy_rows=50000
bulk_caught_up_s=10
bulk_events=135000
memory_idle_start_intake=14900
memory_idle_end_intake=17000
ENV
out=$(bench/report.sh "$dir/services.env")
fail() {
    echo "test_report: $1" >&2
    echo "$out" >&2
    exit 1
}
row() { grep -F -- "$1" <<<"$out" | head -1; }
for r in "command path: SubmitReferral" "… its latency" "event path at 1000" "reporting: QueryKpi"; do
    line=$(row "$r")
    [ -n "$line" ] || fail "no row \"$r\""
    [[ $line == *"| not run | not run |" ]] || fail "row \"$r\" is not \"not run\": $line"
done
[[ $(row "registry matching") == *"| not run | |" ]] || fail "registry matching is not \"not run\""
[[ $(row "memory: RSS of each idle service") == *"**missed**"* ]] || fail "memory over 16 MiB is not missed"
[[ $(row "import ÷ COPY") == *"20.00×"*"**missed**"* ]] || fail "import ÷ COPY not judged"
[[ $(row "| intake |") == "| intake | 14.6 | 16.6 |" ]] || fail "intake's memory row: $(row "| intake |")"
[[ $(row "| case |") == "| case | not run | not run |" ]] || fail "case's memory row: $(row "| case |")"
if grep -F "| met |" <<<"$out" | grep -qE "command path|event path|QueryKpi"; then
    fail "a step not run is met"
fi
echo "test_report: ok"

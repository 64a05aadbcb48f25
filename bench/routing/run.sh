#!/bin/sh
# run.sh BENCH SOLOMON_DIR OUT_DIR "BUDGETS_MS" — the bench-routing recipe: the 56 Solomon instances at
# each budget (one core per instance; BENCH_ROUTING_JOBS instances side by side, default 2), then the
# scale case at 5 s.  Tables go to stdout and to OUT_DIR/routing.md, with the machine they ran on.
set -eu
bench=$1 dir=$2 out=$3 budgets=$4
jobs=${BENCH_ROUTING_JOBS:-2}
scale_ms=${BENCH_ROUTING_SCALE_MS:-5000}
[ -f "$dir/reference.csv" ] || { echo "bench-routing: no $dir/reference.csv (set SOLOMON_DIR)" >&2; exit 1; }
status=0
{
    echo "## Visit routing run $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "machine: $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p'); $jobs instances at a time, one core each"
    for ms in $budgets; do
        "$bench" solomon "$dir" "$ms" "$jobs" || status=1
    done
    "$bench" scale "$scale_ms" 1 || status=1
} | tee "$out/routing.md"
exit $status

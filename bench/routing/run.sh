#!/bin/sh
# run.sh BENCH SOLOMON_DIR OUT_DIR "BUDGETS_MS" [GH_DIR] — the bench-routing recipe: the 56 Solomon
# instances at each budget (one core per instance; BENCH_ROUTING_JOBS instances side by side, default 2),
# the Gehring–Homberger 1,000-customer set of GH_DIR (BENCH_ROUTING_GH_SET: "one" per class by default,
# "all" for the 54, or a comma-separated list; BENCH_ROUTING_GH_MS per instance, default 60000; "none"
# skips it), the generated home-care days with double visits (bench/routing/homecare.c; 100 and 200
# patients, BENCH_ROUTING_HC_SEEDS seeds, BENCH_ROUTING_HC_MS each, default 5 and 10000), then the scale
# case at 5 s.  Budgets are CPU time (BENCH_ROUTING_CLOCK=wall for
# wall-clock).  Tables go to stdout and to OUT_DIR/routing.md, with the machine they ran on.
set -eu
bench=$1 dir=$2 out=$3 budgets=$4 gh_dir=${5:-}
gh_set=${BENCH_ROUTING_GH_SET:-one}
gh_ms=${BENCH_ROUTING_GH_MS:-60000}
jobs=${BENCH_ROUTING_JOBS:-2}
scale_ms=${BENCH_ROUTING_SCALE_MS:-5000}
[ -f "$dir/reference.csv" ] || { echo "bench-routing: no $dir/reference.csv (set SOLOMON_DIR)" >&2; exit 1; }
status=0
{
    echo "## Visit routing run $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown); $(uptime)"
    echo "machine: $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p'); $jobs instances at a time, one core each"
    for ms in $budgets; do
        "$bench" solomon "$dir" "$ms" "$jobs" || status=1
    done
    if [ -n "$gh_dir" ] && [ "$gh_set" != none ]; then
        "$bench" gh "$gh_dir" "$gh_ms" "$jobs" "$gh_set" || status=1
    fi
    for n in 100 200; do
        "$bench" homecare "${BENCH_ROUTING_HC_MS:-10000}" "$n" "${BENCH_ROUTING_HC_SEEDS:-5}" || status=1
    done
    "$bench" scale "$scale_ms" 1 || status=1
} | tee "$out/routing.md"
exit $status

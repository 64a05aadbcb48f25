#!/bin/bash
# run.sh SECONDS WORKDIR TARGET… — runs each libFuzzer target for SECONDS, starting from its committed
# seeds (fuzz/corpus/<name>/, the welfarectl CSV examples for welfarectl_csv) plus what earlier runs
# kept in WORKDIR/corpus/<name>/, and prints one line per target: executions, corpus size, result.
# A crash's input is written to WORKDIR/artifacts/<name>/ and makes the script fail (after the others
# ran).  Logs are in WORKDIR/logs/<name>.log.
set -u
seconds=$1 work=$2
shift 2
mkdir -p "$work/logs"
failed=""
printf '%-16s %12s %8s %8s  %s\n' target executions exec/s corpus result
for bin in "$@"; do
    name=$(basename "$bin")
    corpus=$work/corpus/$name artifacts=$work/artifacts/$name log=$work/logs/$name.log
    mkdir -p "$corpus" "$artifacts"
    seeds=fuzz/corpus/$name
    [ "$name" = welfarectl_csv ] && seeds=tools/welfarectl/examples
    # -close_fd_mask=2: the services' JSON log lines go nowhere; libFuzzer and the sanitizers keep
    # printing their reports.  Seeds are read, new inputs are written to the work corpus only.
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -close_fd_mask=2 -artifact_prefix="$artifacts/" "$corpus" "$seeds" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    units=$(find "$corpus" -type f | wc -l)
    result=ok
    if [ $rc -ne 0 ]; then
        result="FAILED (exit $rc, see $log and $artifacts/)"
        failed="$failed $name"
    fi
    printf '%-16s %12s %8s %8s  %s\n' "$name" "${execs:-?}" "${rate:-?}" "$units" "$result"
done
if [ -n "$failed" ]; then
    echo "fuzz: failures in:$failed" >&2
    exit 1
fi
echo "fuzz: every target ran ${seconds}s without a finding"

#!/bin/sh
# run-tests.sh SUITE PROGRAM... — runs each test program, shows its output, and ends with one line
# "SUITE: N passed, N failed" counting programs.  Exits non-zero when any program failed.  A program
# still running after WH_TEST_TIMEOUT seconds (default 600) is stopped and counted as failed.
set -u
suite=$1
shift
passed=0 failed=0 failures=""
for t in "$@"; do
    echo "== $t"
    timeout --kill-after=10 "${WH_TEST_TIMEOUT:-600}" "$t"
    status=$?
    [ $status -ne 124 ] && [ $status -ne 137 ] || echo "$t: stopped after ${WH_TEST_TIMEOUT:-600} s" >&2
    if [ $status -eq 0 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures="$failures $t"
    fi
done
[ -z "$failures" ] || echo "failed programs:$failures"
echo "$suite: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/sh
# run-tests.sh SUITE PROGRAM... — runs each test program, shows its output, and ends with one line
# "SUITE: N passed, N failed" counting programs.  Exits non-zero when any program failed.
set -u
suite=$1
shift
passed=0 failed=0 failures=""
for t in "$@"; do
    echo "== $t"
    if "$t"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures="$failures $t"
    fi
done
[ -z "$failures" ] || echo "failed programs:$failures"
echo "$suite: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

# tests/checks.sh — counted checks and waits for the script suites (tests/deploy, tests/ops), sourced.  Set
# CHECKS_NAME (the suite's name, printed in the closing line) first; `finish` prints
# `NAME: N passed, N failed` and exits non-zero when one failed or none ran.
started=${started:-$(date +%s)}
passed=0 failed=0

log() { echo "[$(($(date +%s) - started)) s] $*"; }
check() { # check NAME COMMAND…: one counted check
    local name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
        log "ok: $name"
    else
        failed=$((failed + 1))
        log "FAILED: $name"
    fi
}
finish() {
    echo "$CHECKS_NAME: $passed passed, $failed failed"
    [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
    exit $?
}
wait_for() { # wait_for SECONDS COMMAND…: true once COMMAND succeeds, false after SECONDS
    local deadline=$(($(date +%s) + $1))
    shift
    until "$@"; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 1
    done
}

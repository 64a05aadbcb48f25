# engine.sh — sourced by run.sh: a Docker engine for the test.  Uses the one that answers; when none
# does, starts `dockerd --bridge=none --iptables=false` (this machine has no bridge networking; every
# test container runs on the host network) and, at the end, stops only that one.  Its images stay in
# /var/lib/docker, so base images and build layers are cached for the next run.

wh_engine_pid=""

wh_engine_start() {
    local log=$1 i
    docker info >/dev/null 2>&1 && return 0
    if ! command -v dockerd >/dev/null 2>&1; then
        echo "engine: no Docker engine answers and dockerd is not installed (Debian: docker.io)" >&2
        return 1
    fi
    if [ "$(id -u)" -ne 0 ]; then
        echo "engine: no Docker engine answers, and starting dockerd needs root" >&2
        return 1
    fi
    echo "engine: starting dockerd --bridge=none --iptables=false (log: $log)"
    dockerd --bridge=none --iptables=false >"$log" 2>&1 &
    wh_engine_pid=$!
    for i in $(seq 1 60); do
        docker info >/dev/null 2>&1 && return 0
        kill -0 "$wh_engine_pid" 2>/dev/null || break
        sleep 1
    done
    echo "engine: dockerd did not come up; last lines of $log:" >&2
    tail -20 "$log" >&2
    wh_engine_stop
    return 1
}

wh_engine_stop() {
    local i
    [ -n "$wh_engine_pid" ] || return 0
    kill -TERM "$wh_engine_pid" 2>/dev/null || true
    for i in $(seq 1 30); do
        kill -0 "$wh_engine_pid" 2>/dev/null || break
        sleep 1
    done
    kill -KILL "$wh_engine_pid" 2>/dev/null || true
    wait "$wh_engine_pid" 2>/dev/null || true
    wh_engine_pid=""
}

#!/bin/bash
# stack.sh — the local welfarehub stack: a private PostgreSQL cluster, the database roles and
# schemas, CURVE and PII keys, and the five services.  Sourced by scripts/run.sh and the integration
# tests; every function reads its settings from the environment:
#
#   WH_VAR         state directory (default ./var): pg/ data, keys/, secrets/, log/, run/
#   WH_PG_PORT     port of the private cluster (default 55432; it listens on a Unix socket only)
#   WH_PORT_BASE   first bus port (default 7101); service i gets base+10*i (bus) and +1 (hints)
#   WH_HTTP_BASE   first HTTP port (default 8101); service i gets base+10*i
#   WH_HTTP_BIND   address the HTTP endpoints listen on (default 127.0.0.1, like the bus)
#   WH_BIN         where the binaries are (default ./build/bin)
#   WH_PG_OPTIONS  more postgres -c settings for the cluster (the backup test's WAL archiving); they win
#                  over deploy/postgresql/welfarehub.conf, which every cluster includes, and over the
#                  shared_buffers wh_pg_shared_buffers derives from the machine's memory
#   WH_BUS_DETOUR  when set (the fault suite): everyone reaches service i's bus at base+10*i+DETOUR,
#                  where a proxy listens, while the service itself binds base+10*i
#   WH_INTAKE_PLACES_FILE  the district's place table intake loads at start (services/intake/README.md),
#                  made absolute from where the stack is started; unset or empty: no table
#
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user — which must be
# able to reach its directory.  When it cannot (a checkout under /root, say), the cluster lives in
# /var/lib/welfarehub/pg-<hash of WH_VAR> instead (not /var/tmp, which is cleaned after 30 days),
# $WH_VAR/pg is a link to it (wh_pg_dir) and wh_pg_where says so.

WH_SERVICES=(intake case registry routing reporting)
: "${WH_VAR:=$PWD/var}" "${WH_PG_PORT:=55432}" "${WH_PORT_BASE:=7101}" "${WH_HTTP_BASE:=8101}"
: "${WH_BIN:=$PWD/build/bin}" "${WH_HTTP_BIND:=127.0.0.1}"
export WH_HTTP_BIND
WH_PG_ROOT_HOME=/var/lib/welfarehub
WH_PG_BIN=$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)
[ -x "$WH_PG_BIN/initdb" ] || WH_PG_BIN=/usr/lib/postgresql/15/bin

wh_schema_of() { [ "$1" = case ] && echo casework || echo "$1"; }

wh_as_pg_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

wh_random_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

# Bus and HTTP endpoints of every service, exported for the services and welfarectl alike.
wh_export_endpoints() {
    local i=0 svc up
    for svc in "${WH_SERVICES[@]}"; do
        up=${svc^^}
        export "WH_${up}_BUS=tcp://127.0.0.1:$((WH_PORT_BASE + 10 * i + ${WH_BUS_DETOUR:-0}))"
        export "WH_${up}_BUS_BIND=tcp://127.0.0.1:$((WH_PORT_BASE + 10 * i))"
        export "WH_${up}_HINTS=tcp://127.0.0.1:$((WH_PORT_BASE + 10 * i + 1))"
        export "WH_${up}_HTTP_PORT=$((WH_HTTP_BASE + 10 * i))"
        i=$((i + 1))
    done
    # Under make run and the tests every HTTP port (dashboard included) listens on loopback only; a
    # deployment says where in its compose file (WH_HTTP_BIND there).
    export WH_HTTP_BIND=${WH_HTTP_BIND:-127.0.0.1}
    export WH_ALLOWLIST_FILE="$WH_VAR/keys/allowlist"
    export WH_SECRET_KEY_FILE="$WH_VAR/keys/cli.key"
}

# Where the cluster lives: $WH_VAR/pg, or where that link points.
wh_pg_dir() {
    if [ -L "$WH_VAR/pg" ]; then readlink "$WH_VAR/pg"; else echo "$WH_VAR/pg"; fi
}

# Where the cluster lives, and why when it is not $WH_VAR/pg, for people to read.
wh_pg_where() {
    if [ -L "$WH_VAR/pg" ]; then
        echo "$(wh_pg_dir) (PostgreSQL runs as the postgres user, who cannot enter $WH_VAR; $WH_VAR/pg links there)"
    else
        echo "$WH_VAR/pg"
    fi
}

# The ports and paths this stack uses, for scripts/env.sh in another shell.
wh_env_write() {
    mkdir -p "$WH_VAR"
    cat >"$WH_VAR/env.tmp" <<ENV
# written by scripts/stack.sh (make run): what scripts/env.sh reads
WH_VAR=$WH_VAR
WH_BIN=$WH_BIN
WH_PG_PORT=$WH_PG_PORT
WH_PORT_BASE=$WH_PORT_BASE
WH_HTTP_BASE=$WH_HTTP_BASE
WH_HTTP_BIND=$WH_HTTP_BIND
ENV
    mv "$WH_VAR/env.tmp" "$WH_VAR/env"
}

# As root: makes $WH_VAR/pg a directory the postgres user can reach.
wh_pg_place() {
    local elsewhere
    mkdir -p "$WH_VAR"
    [ "$(id -u)" -eq 0 ] || return 0
    chmod 755 "$WH_VAR"
    [ -L "$WH_VAR/pg" ] && return 0
    if runuser -u postgres -- test -x "$WH_VAR"; then
        mkdir -p "$WH_VAR/pg"
    else
        elsewhere=$WH_PG_ROOT_HOME/pg-$(printf %s "$WH_VAR" | md5sum | cut -c1-16)
        mkdir -p "$elsewhere" && chmod 755 "$WH_PG_ROOT_HOME" && rm -rf "$WH_VAR/pg" &&
            ln -s "$elsewhere" "$WH_VAR/pg" || return 1
    fi
    chown postgres: "$(wh_pg_dir)"
}

# The project's PostgreSQL settings (deploy/postgresql/welfarehub.conf, docs/operations.md), copied into
# data directory $1 on every start and included from its postgresql.conf: a cluster made before the
# file existed, or by an older checkout, gets the current settings at its next start.
wh_pg_settings() {
    local here
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    install -m 644 "$here/deploy/postgresql/welfarehub.conf" "$1/welfarehub.conf" || return 1
    [ "$(id -u)" -eq 0 ] && chown postgres: "$1/welfarehub.conf"
    grep -qx "include 'welfarehub.conf'" "$1/postgresql.conf" ||
        echo "include 'welfarehub.conf'" >>"$1/postgresql.conf"
}

# shared_buffers for a private cluster: a quarter of the memory this machine (or its cgroup) has, at
# most 2 GB — several clusters share a developer's machine, and 2 GB holds the bench's hot pages at
# 1 M rows — and at least PostgreSQL's default 128 MB.  In MB.
wh_pg_shared_buffers() {
    local mb limit
    mb=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 }' /proc/meminfo)
    limit=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null)
    case $limit in '' | max | *[!0-9]*) ;; *) [ "$((limit / 1048576))" -lt "$mb" ] && mb=$((limit / 1048576)) ;; esac
    mb=$((mb / 4))
    [ "$mb" -gt 2048 ] && mb=2048
    [ "$mb" -lt 128 ] && mb=128
    echo "${mb}MB"
}

wh_pg_start() {
    local pg
    mkdir -p "$WH_VAR/secrets"
    chmod 700 "$WH_VAR/secrets"
    wh_pg_place || return 1
    pg=$(wh_pg_dir)
    mkdir -p "$pg"
    if [ ! -f "$pg/data/PG_VERSION" ]; then
        wh_random_hex 16 >"$WH_VAR/secrets/pg-superuser.password"
        install -m 600 "$WH_VAR/secrets/pg-superuser.password" "$pg/.pwfile"
        [ "$(id -u)" -eq 0 ] && chown postgres: "$pg/.pwfile"
        wh_as_pg_owner "$WH_PG_BIN/initdb" -D "$pg/data" -U postgres --auth=scram-sha-256 \
            --pwfile="$pg/.pwfile" -E UTF8 --locale=C.UTF-8 >"$pg/initdb.log" || return 1
        rm -f "$pg/.pwfile"
    fi
    mkdir -p "$pg/run"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$pg/run"
    wh_pg_settings "$pg/data" || return 1
    if ! wh_as_pg_owner "$WH_PG_BIN/pg_ctl" -D "$pg/data" status >/dev/null 2>&1; then
        wh_as_pg_owner "$WH_PG_BIN/pg_ctl" -D "$pg/data" -w -t 60 -l "$pg/server.log" \
            -o "-p $WH_PG_PORT -k $pg/run -c listen_addresses='' -c max_connections=100 -c shared_buffers=$(wh_pg_shared_buffers) ${WH_PG_OPTIONS:-}" start \
            >/dev/null || { tail -20 "$pg/server.log" >&2; return 1; }
    fi
}

wh_pg_stop() {
    local pg
    pg=$(wh_pg_dir)
    [ -f "$pg/data/PG_VERSION" ] || return 0
    wh_as_pg_owner "$WH_PG_BIN/pg_ctl" -D "$pg/data" -m "${1:-fast}" -w stop >/dev/null 2>&1 || true
}

# Removes a cluster that lives outside $WH_VAR (call before removing $WH_VAR).
wh_pg_forget() {
    [ -L "$WH_VAR/pg" ] && rm -rf "$(wh_pg_dir)"
    return 0
}

wh_pg_superuser_url() {
    echo "host=$(wh_pg_dir)/run port=$WH_PG_PORT user=postgres dbname=${1:-welfarehub} password=$(cat "$WH_VAR/secrets/pg-superuser.password")"
}

wh_db_url_of() {
    echo "host=$(wh_pg_dir)/run port=$WH_PG_PORT dbname=welfarehub user=wh_$1 password=$(cat "$WH_VAR/secrets/db-$1.password")"
}

# One service's role and schema (deploy/db/init-service.sql), its password in $WH_VAR/secrets.
wh_db_init_service() {
    local svc=$1 here
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    [ -f "$WH_VAR/secrets/db-$svc.password" ] || wh_random_hex 16 >"$WH_VAR/secrets/db-$svc.password"
    psql -X -q "$(wh_pg_superuser_url)" -v role="wh_$svc" -v schema="$(wh_schema_of "$svc")" \
        -v password="$(cat "$WH_VAR/secrets/db-$svc.password")" -f "$here/deploy/db/init-service.sql"
}

# Database, one role and schema per service (deploy/db/*.sql), passwords in $WH_VAR/secrets.
wh_db_init() {
    local here svc
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    psql -X -q "$(wh_pg_superuser_url postgres)" -tAc "SELECT 1 FROM pg_database WHERE datname = 'welfarehub'" |
        grep -q 1 || psql -X -q "$(wh_pg_superuser_url postgres)" -c "CREATE DATABASE welfarehub" || return 1
    psql -X -q "$(wh_pg_superuser_url)" -f "$here/deploy/db/init-database.sql" || return 1
    for svc in "${WH_SERVICES[@]}"; do
        wh_db_init_service "$svc" || return 1
    done
}

# Rebuilds reporting from replay (services/reporting/README.md, "Backfill"): reporting holds derived
# data only, so it is stopped, its schema dropped and made again empty (its role cannot create one),
# and started: its migrations run and its consumers fetch every stream from position 0.  Its audit log
# is not derived: its rows are copied out first and back in (new ids) once reporting is up.  Waits
# until reporting is ready (up to ${1:-60} s), not until it has caught up.
WH_AUDIT_COLUMNS="at, principal, public_key, type, decision, reason, count, last_at, subject"
wh_reporting_rebuild() {
    local audit="$WH_VAR/reporting-audit.copy" db
    db=$(wh_pg_superuser_url)
    wh_service_stop reporting
    psql -X -q -v ON_ERROR_STOP=1 "$db" -c "COPY reporting.audit_log ($WH_AUDIT_COLUMNS) TO STDOUT" >"$audit" || return 1
    psql -X -q -v ON_ERROR_STOP=1 "$db" -c "SET client_min_messages = warning" \
        -c "DROP SCHEMA reporting CASCADE" || return 1
    wh_db_init_service reporting || return 1
    wh_service_start reporting
    wh_service_wait_ready reporting "${1:-60}" || return 1
    psql -X -q -v ON_ERROR_STOP=1 "$db" -c "COPY reporting.audit_log ($WH_AUDIT_COLUMNS) FROM STDIN" <"$audit" || return 1
    rm -f "$audit"
}

# CURVE keys for the services, the CLI and a test agency; the PII master key.
wh_keys_init() {
    mkdir -p "$WH_VAR/keys"
    "$WH_BIN/welfarectl" keys generate "$WH_VAR/keys" --agency agency-demo >/dev/null || return 1
    [ -f "$WH_VAR/secrets/pii.key" ] || (umask 077 && wh_random_hex 32 >"$WH_VAR/secrets/pii.key")
}

wh_service_start() {
    local svc=$1 up=${1^^}
    mkdir -p "$WH_VAR/log" "$WH_VAR/run"
    (
        export WH_DB_URL="$(wh_db_url_of "$svc")"
        export WH_SECRET_KEY_FILE="$WH_VAR/keys/$svc.key"
        export WH_PII_KEY_FILE="$WH_VAR/secrets/pii.key"
        eval "export WH_HTTP_PORT=\$WH_${up}_HTTP_PORT WH_BUS_BIND=\$WH_${up}_BUS_BIND"
        if [ "$svc" = intake ] && [ -n "${WH_INTAKE_PLACES_FILE:-}" ]; then
            export WH_INTAKE_PLACES_FILE="$(realpath -m -- "$WH_INTAKE_PLACES_FILE")"
        fi
        exec "$WH_BIN/welfare-$svc" >>"$WH_VAR/log/$svc.log" 2>&1
    ) &
    echo $! >"$WH_VAR/run/$svc.pid"
}

wh_service_pid() { cat "$WH_VAR/run/$1.pid" 2>/dev/null; }

wh_service_stop() {
    local pid
    pid=$(wh_service_pid "$1") || return 0
    kill -"${2:-TERM}" "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$WH_VAR/run/$1.pid"
}

# Waits until a service answers /readyz (default 30 s).
wh_service_wait_ready() {
    local up=${1^^} port i
    eval "port=\$WH_${up}_HTTP_PORT"
    for i in $(seq 1 $((${2:-30} * 10))); do
        curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
        kill -0 "$(wh_service_pid "$1")" 2>/dev/null || { echo "$1 exited; see $WH_VAR/log/$1.log" >&2; tail -5 "$WH_VAR/log/$1.log" >&2; return 1; }
        sleep 0.1
    done
    echo "$1 not ready after ${2:-30} s; see $WH_VAR/log/$1.log" >&2
    return 1
}

# An agency files referrals only as its own reporter (services/intake/identity.c): the operator
# registers the agency's reporter (RegisterReporter, channel PARTNER_AGENCY) and lists its id with the
# agency's key as the grant reporter:<id>; the services pick the changed allow-list up within a tick.
# Idempotent: an agency whose line has a reporter grant already is left alone.
wh_agency_onboard() {
    local name=$1 list="$WH_VAR/keys/allowlist" grants id
    grants=$(awk -v n="$name" '$1 == n { for (i = 4; i <= NF; i++) printf "%s ", $i }' "$list")
    case " $grants" in *" reporter:"[0-9]*) return 0 ;; esac
    # straight to intake's own endpoint: a suite that detours the bus (WH_BUS_DETOUR, the fault
    # suite's proxies) has not started its detour yet
    id=$(WH_SECRET_KEY_FILE="$WH_VAR/keys/cli.key" WH_INTAKE_BUS="$WH_INTAKE_BUS_BIND" \
        "$WH_BIN/welfarectl" intake register-reporter \
        --name "$name" --channel PARTNER_AGENCY --json | sed -n 's/.*"reporter_id": *"\{0,1\}\([0-9][0-9]*\).*/\1/p')
    [ -n "$id" ] || { echo "could not register a reporter for $name" >&2; return 1; }
    set -- ${grants:-welfare.intake.v1.SubmitReferral} "reporter:$id"
    "$WH_BIN/welfarectl" keys add-agency "$WH_VAR/keys" "$name" $(printf -- '--grant %s ' "$@") >/dev/null || return 1
    sleep 1.2 # one tick of every service: the new grant is in force
}

# Intake refuses a referral naming a dong routing has not defined (services/intake/dongs.c), so a
# stack defines its dongs before traffic: each CODE[:NAME] as a basic-type hub of its own (centre in
# Suyeong-gu), all in one `welfarectl batch`, then waits until intake has applied every one (routing's
# DongDefined over the bus).  A dong defined already is redefined with the same values (an upsert).
wh_dongs_define() {
    local spec code name
    for spec in "$@"; do
        code=${spec%%:*}
        name=${spec#*:}
        [ "$name" != "$spec" ] || name="dong $code"
        printf '{"dong_code":"%s","name":"%s","hub_type":"basic","centre":{"latitude":35.15,"longitude":129.11}}\n' \
            "$code" "$name"
    done >"$WH_VAR/dongs.jsonl"
    WH_SECRET_KEY_FILE="$WH_VAR/keys/cli.key" WH_ROUTING_BUS="$WH_ROUTING_BUS_BIND" \
        "$WH_BIN/welfarectl" batch routing define-dong "$WH_VAR/dongs.jsonl" >/dev/null ||
        { echo "could not define the dongs (welfarectl batch routing define-dong $WH_VAR/dongs.jsonl)" >&2; return 1; }
    wh_dongs_wait "$@"
}

# Waits (up to 30 s) until intake knows every CODE[:NAME] given (intake.dong, applied from routing).
wh_dongs_wait() {
    local codes="" spec i
    for spec in "$@"; do codes="$codes${codes:+,}${spec%%:*}"; done
    for i in $(seq 1 300); do
        [ "$(echo "SELECT count(*) FROM intake.dong WHERE dong_code = ANY (string_to_array(:'codes', ','))" |
            psql -X -q -tA "$(wh_pg_superuser_url)" -v codes="$codes")" = "$#" ] && return 0
        sleep 0.1
    done
    echo "intake has not applied routing's dongs ($codes) after 30 s; see $WH_VAR/log/intake.log" >&2
    return 1
}

wh_stack_start() {
    local svc
    wh_export_endpoints
    wh_env_write
    wh_pg_start && wh_db_init && wh_keys_init || return 1
    for svc in "${WH_SERVICES[@]}"; do wh_service_start "$svc"; done
    for svc in "${WH_SERVICES[@]}"; do wh_service_wait_ready "$svc" || return 1; done
    wh_agency_onboard agency-demo
}

wh_stack_stop() {
    local svc
    for svc in "${WH_SERVICES[@]}"; do wh_service_stop "$svc"; done
    wh_pg_stop
}

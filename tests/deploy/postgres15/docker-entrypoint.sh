#!/bin/bash
# docker-entrypoint.sh — the stand-in postgres:15's entrypoint, doing what the official one does for
# the variables welfarehub uses: as root, fix PGDATA's ownership and re-run itself as postgres; on an
# empty PGDATA, initdb with POSTGRES_USER and the password from POSTGRES_PASSWORD(_FILE), password
# (scram-sha-256) authentication for every TCP client, POSTGRES_DB created, the scripts in
# /docker-entrypoint-initdb.d run; then exec the server.
set -euo pipefail

[ "${1:0:1}" = "-" ] && set -- postgres "$@"

file_env() { # file_env VAR: VAR from VAR_FILE when only the file is given, as the official image does
    local var=$1 file_var="${1}_FILE"
    if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
        echo "error: both $var and $file_var are set" >&2
        exit 1
    fi
    if [ -n "${!file_var:-}" ]; then
        export "$var=$(<"${!file_var}")"
        unset "$file_var"
    fi
}

init_cluster() {
    local pwfile
    : "${POSTGRES_USER:=postgres}" "${POSTGRES_DB:=$POSTGRES_USER}"
    if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
        echo "error: database is uninitialized and no superuser password is given:" \
            "set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE" >&2
        exit 1
    fi
    pwfile=$(mktemp)
    printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
    initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust \
        --auth-host="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" ${POSTGRES_INITDB_ARGS:-} -D "$PGDATA" >/dev/null
    rm -f "$pwfile"
    printf 'host all all all %s\n' "${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >>"$PGDATA/pg_hba.conf"

    pg_ctl -D "$PGDATA" -w -o "-c listen_addresses='' -p ${PGPORT:-5432}" start >/dev/null
    export PGUSER="$POSTGRES_USER" PGPORT="${PGPORT:-5432}"
    if [ "$POSTGRES_DB" != postgres ]; then
        psql -X -q -v ON_ERROR_STOP=1 -d postgres -v db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
    fi
    local f
    for f in /docker-entrypoint-initdb.d/*; do
        case "$f" in
        *.sh) echo "running $f" && . "$f" ;;
        *.sql) echo "running $f" && psql -X -q -v ON_ERROR_STOP=1 -d "$POSTGRES_DB" -f "$f" ;;
        esac
    done
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    unset PGUSER
    echo "PostgreSQL init process complete; ready for start up."
}

if [ "$1" = postgres ]; then
    file_env POSTGRES_PASSWORD # as root, like the official image: the secret need not be postgres's
    if [ "$(id -u)" = 0 ]; then
        mkdir -p "$PGDATA"
        chown postgres:postgres "$PGDATA"
        chmod 700 "$PGDATA"
        exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
    fi
    [ -s "$PGDATA/PG_VERSION" ] || init_cluster
fi
exec "$@"

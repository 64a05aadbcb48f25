#!/bin/bash
# pg-backup.sh — continuous archiving and point-in-time recovery of the welfarehub database, for a
# cluster run by scripts/stack.sh (sourced after it; the same steps apply to any PostgreSQL 15, see
# docs/operations.md "Backup and restore"):
#
#   wh_backup_pg_options ARCHIVE [TIMEOUT_S]   postgres settings that copy every finished WAL segment
#                                              to ARCHIVE (and a segment at least every TIMEOUT_S)
#   wh_backup_base DIR                         a base backup (pg_basebackup) of the running cluster
#   wh_backup_restore DIR ARCHIVE              a new data directory from DIR, replaying ARCHIVE to its
#                                              end; the cluster starts and is promoted
#
# What is lost in a disaster is what was not archived yet: at most TIMEOUT_S of commits (the RPO).

wh_backup_pg_options() {
    local archive=$1 timeout=${2:-60}
    echo "-c wal_level=replica -c archive_mode=on -c archive_timeout=$timeout -c 'archive_command=test ! -f $archive/%f && cp %p $archive/%f'"
}

wh_backup_base() {
    local dir=$1
    wh_as_pg_owner mkdir -p "$(dirname "$dir")" || return 1
    wh_as_pg_owner env PGPASSWORD="$(cat "$WH_VAR/secrets/pg-superuser.password")" "$WH_PG_BIN/pg_basebackup" \
        -h "$(wh_pg_dir)/run" -p "$WH_PG_PORT" -U postgres -D "$dir" -Fp -X stream -c fast --no-password \
        >/dev/null 2>"$WH_VAR/basebackup.log" ||
        { cat "$WH_VAR/basebackup.log" >&2; return 1; }
}

wh_backup_restore() {
    local dir=$1 archive=$2 data
    data=$(wh_pg_dir)/data
    wh_as_pg_owner cp -a "$dir" "$data" || return 1
    wh_as_pg_owner rm -rf "$data/pg_wal"/0* "$data/postmaster.pid"
    wh_as_pg_owner sh -c "echo \"restore_command = 'cp $archive/%f %p'\" >>'$data/postgresql.auto.conf' && touch '$data/recovery.signal'" || return 1
    wh_pg_start || return 1
    for _ in $(seq 1 600); do
        [ "$(psql -X -qtA "$(wh_pg_superuser_url postgres)" -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ] && return 0
        sleep 0.1
    done
    echo "restore: still recovering after 60 s" >&2
    return 1
}

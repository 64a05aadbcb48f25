#!/bin/sh
# welfare-db-init — the compose one-shot step: creates the welfarehub database and one login role and
# schema per service (deploy/db/*.sql), then exits.  Safe on every start: it only brings passwords up to
# date.  Each service applies its own migrations when it starts (advisory lock, checksums).
#
# Reads the superuser password from POSTGRES_PASSWORD_FILE and each role's password from the secret
# /run/secrets/db_<service>_password, the file that service reads through WH_DB_PASSWORD_FILE.
# PGHOST/PGPORT say where PostgreSQL is.
set -eu
export PGUSER="${PGUSER:-postgres}" PGCONNECT_TIMEOUT=5
PGPASSWORD=$(cat "$POSTGRES_PASSWORD_FILE")
export PGPASSWORD
sql=/usr/share/welfarehub/db

tries=0
until pg_isready -q -d postgres; do
    tries=$((tries + 1))
    [ "$tries" -lt 60 ] || { echo "welfare-db-init: PostgreSQL at ${PGHOST:-?}:${PGPORT:-5432} is not ready" >&2; exit 1; }
    sleep 1
done

psql -X -q -v ON_ERROR_STOP=1 -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'welfarehub'" |
    grep -q 1 || psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE welfarehub"
psql -X -q -d welfarehub -f "$sql/init-database.sql"

for svc in intake case registry routing reporting; do
    schema=$svc
    [ "$svc" = case ] && schema=casework
    secret=/run/secrets/db_${svc}_password
    password=$(cat "$secret")
    if [ -z "$password" ]; then
        echo "welfare-db-init: $secret is empty" >&2
        exit 1
    fi
    psql -X -q -d welfarehub -v role="wh_$svc" -v schema="$schema" -v password="$password" \
        -f "$sql/init-service.sql"
done
echo "welfare-db-init: database welfarehub ready (5 roles and schemas)"

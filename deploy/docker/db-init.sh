#!/bin/sh
# welfare-db-init — the compose one-shot step: creates the welfarehub database, one role and schema per
# service (deploy/db/*.sql), with passwords from the secret files.  Safe to run on every start.
# Migrations are applied by each service itself when it starts.
set -eu
export PGHOST="${PGHOST:-postgres}" PGUSER="${PGUSER:-postgres}"
PGPASSWORD=$(cat "$POSTGRES_PASSWORD_FILE")
export PGPASSWORD
until pg_isready -q; do sleep 1; done
psql -X -q -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'welfarehub'" | grep -q 1 ||
    psql -X -q -d postgres -c "CREATE DATABASE welfarehub"
psql -X -q -d welfarehub -f /usr/share/welfarehub/db/init-database.sql
for svc in intake case registry routing reporting; do
    schema=$svc
    [ "$svc" = case ] && schema=casework
    psql -X -q -d welfarehub -v role="wh_$svc" -v schema="$schema" \
        -v password="$(cat "/run/secrets/db_${svc}_password")" -f /usr/share/welfarehub/db/init-service.sql
done
echo "welfarehub database ready"

#!/bin/bash
# with-db.sh COMMAND… — runs COMMAND with a throw-away PostgreSQL cluster and WH_TEST_DB_URL set to a
# superuser connection to its `whtest` database; stops and removes the cluster afterwards.
# Unit tests of stores use WH_TEST_DB_URL and skip themselves when it is unset.
set -u
cd "$(dirname "$0")/.."
export WH_VAR=${WH_TEST_VAR:-$PWD/${BUILD:-build}/test-db}
export WH_PG_PORT=${WH_TEST_PG_PORT:-55480}
source scripts/stack.sh
wh_pg_forget
rm -rf "$WH_VAR"
trap 'wh_pg_stop immediate; wh_pg_forget; rm -rf "$WH_VAR"' EXIT
wh_pg_start || { echo "with-db: could not start PostgreSQL" >&2; exit 1; }
psql -X -q "$(wh_pg_superuser_url postgres)" -c "CREATE DATABASE whtest" || exit 1
export WH_TEST_DB_URL="$(wh_pg_superuser_url whtest)"
"$@"

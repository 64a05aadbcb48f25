#!/bin/bash
# make-secrets.sh [--agency NAME …] — creates every secret the compose file names, once:
#
#   $WH_SECRETS_DIR/ (default ./secrets)
#     pg_superuser_password         PostgreSQL's superuser (used by the postgres image and db-init only)
#     db_<service>_password         each service's own database role's password
#     pii_key                       the 32-byte master key for personal identifiers (64 hex digits)
#     grafana_admin_password        Grafana's admin (ops profile)
#     keys/<name>.key, keys/allowlist   CURVE keys of the services, the CLI and each agency (keys.sh)
#
# A file that exists is never overwritten: run it again after adding --agency names, or to repair the
# file modes.  Losing pii_key makes the stored personal identifiers unreadable: back it up apart from
# the database (docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/secret-files.sh

dir=$(wh_secrets_dir)
services=(intake case registry routing reporting)

random_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

# write_once FILE CONTENT: creates FILE (0600 until the modes are set) unless it exists.
write_once() {
    [ -e "$1" ] && return 0
    (umask 077 && printf '%s\n' "$2" >"$1.tmp" && mv "$1.tmp" "$1")
    echo "made $1"
}

mkdir -p "$dir"
chmod 700 "$dir"
write_once "$dir/pg_superuser_password" "$(random_hex 24)"
for svc in "${services[@]}"; do
    write_once "$dir/db_${svc}_password" "$(random_hex 24)"
done
write_once "$dir/pii_key" "$(random_hex 32)"
write_once "$dir/grafana_admin_password" "$(random_hex 16)"
deploy/keys.sh generate "$@"
wh_secrets_fix_modes "$dir"
echo "secrets ready in $dir"

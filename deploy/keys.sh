#!/bin/bash
# keys.sh SUBCOMMAND [ARG…] — `welfarectl keys` on the deployment's key directory, then the file modes
# the containers need.  Runs welfarectl from the welfarehub image (or the one on PATH when there is
# one), so a district needs nothing but Docker:
#
#   deploy/keys.sh generate [--agency NAME …]          keys for the five services, the CLI, agencies
#   deploy/keys.sh add-agency NAME [--grant TYPE …]     a new partner agency (default grant: SubmitReferral)
#   deploy/keys.sh revoke NAME                          removes its allow-list line
#   deploy/keys.sh publish                              only publishes the current allow-list
#
# The directory is $WH_SECRETS_DIR/keys (default ./secrets/keys).  Every subcommand then publishes the
# allow-list to $WH_SECRETS_DIR/access/, which the containers mount: running services apply an added
# or revoked agency within a second, with no restart (docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/.."
here=deploy
source "$here/secret-files.sh"

[ $# -ge 1 ] || { sed -n '2,14s/^# \{0,1\}//p' "$0" >&2; exit 2; }
sub=$1
shift
dir=$(wh_secrets_dir)/keys
mkdir -p "$dir"
chmod 700 "$dir"

if [ "$sub" = publish ]; then
    :
elif command -v welfarectl >/dev/null 2>&1; then
    welfarectl keys "$sub" "$dir" "$@"
else
    docker run --rm --network none --user "$(id -u):$(id -g)" -v "$(cd "$dir" && pwd):/keys" \
        "${WH_IMAGE:-welfarehub:latest}" welfarectl keys "$sub" /keys "$@"
fi
wh_secrets_fix_modes "$(wh_secrets_dir)"
wh_allowlist_publish "$(wh_secrets_dir)"

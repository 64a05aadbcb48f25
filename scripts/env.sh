# env.sh — source it to point welfarectl at the stack `make run` started:
#     source scripts/env.sh
# Reads the ports and paths `make run` wrote to $WH_VAR/env (default ./var/env); without that file,
# the same defaults as scripts/stack.sh.  Puts welfarectl on PATH.
_wh_here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WH_VAR=${WH_VAR:-$_wh_here/var}
if [ -f "$WH_VAR/env" ]; then
    set -a
    source "$WH_VAR/env"
    set +a
else
    echo "env.sh: no $WH_VAR/env (has \`make run\` started?); using the default ports" >&2
fi
WH_BIN=${WH_BIN:-$_wh_here/build/bin}
source "$_wh_here/scripts/stack.sh"
wh_export_endpoints
case ":$PATH:" in *":$WH_BIN:"*) ;; *) export PATH="$WH_BIN:$PATH" ;; esac
unset _wh_here

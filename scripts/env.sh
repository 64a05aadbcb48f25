# env.sh — source it to point welfarectl at the stack `make run` started:
#     source scripts/env.sh
# Uses the same defaults as scripts/stack.sh (WH_VAR=./var, standard ports).
_wh_here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WH_VAR=${WH_VAR:-$_wh_here/var}
source "$_wh_here/scripts/stack.sh"
wh_export_endpoints
unset _wh_here

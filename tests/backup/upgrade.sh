#!/bin/bash
# tests/backup/upgrade.sh — the upgrade from the previous release: the services of release ba3bfa8
# (built from git into $BUILD/upgrade-from, once) run the demo district on a fresh cluster; then this
# tree's services start on the same database, apply their new migrations, and must have lost nothing:
# every table's row count, every stream's head and the KPI table (the previous release's indices) are
# as before, the migrations are recorded, and a new command works and reaches every consumer.
set -u
cd "$(dirname "$0")/../.."
from=${WH_UPGRADE_FROM:-ba3bfa8}
build=$PWD/${BUILD:-build}
old=$build/upgrade-from-$from
export WH_VAR=$build/upgrade-test
export WH_PG_PORT=${WH_BACKUP_PG_PORT:-55496} WH_PORT_BASE=${WH_BACKUP_PORT_BASE:-17301}
export WH_HTTP_BASE=${WH_BACKUP_HTTP_BASE:-18301}
new_bin=${WH_BIN:-$build/bin}
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

if ! git cat-file -e "$from^{commit}" 2>/dev/null; then
    echo "upgrade: commit $from is not in this clone (a shallow clone?); fetch it first"
    exit 1
fi
bins="welfare-intake welfare-case welfare-registry welfare-routing welfare-reporting welfarectl welfare-demo"
if [ ! -x "$old/build/bin/welfare-demo" ]; then
    echo "upgrade: building release $from (the services, welfarectl, the demo) in $old"
    rm -rf "$old" && mkdir -p "$old/src"
    git archive "$from" | tar -x -C "$old/src"
    nice make -C "$old/src" -j2 BUILD="$old/build" $(for b in $bins; do printf '%s ' "$old/build/bin/$b"; done) \
        >"$old/build.log" 2>&1 || { tail -20 "$old/build.log"; echo "upgrade: the old release did not build"; exit 1; }
fi

export WH_BIN=$old/build/bin
source scripts/stack.sh
wh_pg_forget
rm -rf "$WH_VAR"
trap 'wh_stack_stop; [ -n "${WH_KEEP:-}" ] || { wh_pg_forget; rm -rf "$WH_VAR"; }' EXIT
sql() { psql -X -qtA "$(wh_pg_superuser_url)" -c "$1"; }
# Row counts of every table of every service schema, and every stream head, one line each.
census() {
    sql "SELECT table_schema || '.' || table_name FROM information_schema.tables
         WHERE table_schema IN ('intake','casework','registry','routing','reporting') AND table_type = 'BASE TABLE'
         ORDER BY 1" | while read -r t; do echo "$t $(sql "SELECT count(*) FROM $t")"; done
}
kpi() { "$1/welfarectl" kpi --from 2026-01-01 --to 2026-12-31 --json | python3 -c '
import sys, json
d = json.load(sys.stdin)
keep = ("personnel", "private", "cases", "blind", "visits", "linkages", "resources", "amount_krw")
def walk(x):
    if isinstance(x, dict):
        return {k: walk(v) for k, v in sorted(x.items()) if not isinstance(v, (int, float)) or any(s in k for s in keep)}
    if isinstance(x, list):
        return [walk(v) for v in x]
    return x
# This release counts the staff of a central hub once, in the central dong (services/reporting/README.md,
# "Visiting personnel"): the personnel of a sphere-linked dong were those of the central hub before and are its own
# now, so they are compared for the dongs that are their own hub only.
for dong in d.get("report", {}).get("dongs", []):
    if dong.get("hub_dong_code") not in (None, dong.get("dong_code")):
        for k in [k for k in dong.get("values", {}) if "personnel" in k]:
            del dong["values"][k]
print(json.dumps(walk(d), sort_keys=True))'; }

wh_stack_start || { echo "upgrade: release $from did not start"; exit 1; }
"$WH_BIN/welfare-demo" --seed 42 >"$WH_VAR/demo.log" 2>&1 || { tail "$WH_VAR/demo.log"; fail "the old demo load"; }
sleep 2 # the last events consumed
kpi "$WH_BIN" >"$WH_VAR/kpi.before"
for svc in "${WH_SERVICES[@]}"; do wh_service_stop "$svc"; done
census >"$WH_VAR/census.before"
positions() {
    for s in intake casework registry routing reporting; do sql "SELECT '$s', stream, position FROM $s.consumer_position ORDER BY 2"; done
}
positions >"$WH_VAR/positions.before"
# This release's intake refuses dongs routing has not defined, and learns them by replaying routing's
# stream from its start (a new subscription begins at position 0): that holds only while routing's
# outbox still has every DongDefined, i.e. starts at sequence 1 (nothing deletes from an outbox).
[ "$(sql "SELECT coalesce(min(sequence), 1) FROM routing.outbox")" = 1 ] ||
    fail "routing's outbox does not start at 1: intake could not learn the older dongs"

# The new release on the same database.
export WH_BIN=$new_bin
for svc in "${WH_SERVICES[@]}"; do wh_service_start "$svc"; done
for svc in "${WH_SERVICES[@]}"; do wh_service_wait_ready "$svc" 60 || fail "$svc of this tree on the old schema"; done
census >"$WH_VAR/census.after"
# Every old table keeps its rows; only the migrations applied and the positions of streams a service
# newly consumes are added (and every old position is kept).
while read -r t n; do
    after=$(awk -v t="$t" '$1 == t {print $2}' "$WH_VAR/census.after")
    case $t in
    *.schema_migrations | *.consumer_position) [ "${after:-0}" -ge "$n" ] || fail "$t: $n rows before the upgrade, ${after:-none} after" ;;
    *) [ "$after" = "$n" ] || fail "$t: $n rows before the upgrade, ${after:-none} after" ;;
    esac
done <"$WH_VAR/census.before"
positions >"$WH_VAR/positions.after"
moved_back=$(awk -F'|' 'NR == FNR {after[$1 "|" $2] = $3; next} !(($1 "|" $2) in after) || after[$1 "|" $2] < $3' \
    "$WH_VAR/positions.after" "$WH_VAR/positions.before")
[ -z "$moved_back" ] || fail "consumer positions lost or moved back: $moved_back"
# Intake has learnt every dong of the old release (routing's DongDefined replayed from position 0).
missing=
for _ in $(seq 1 150); do
    missing=$(sql "SELECT count(*) FROM routing.dong r WHERE NOT EXISTS (SELECT 1 FROM intake.dong i WHERE i.dong_code = r.dong_code)")
    [ "$missing" = 0 ] && break
    sleep 0.2
done
[ "$missing" = 0 ] || fail "intake did not learn $missing of routing's $(sql "SELECT count(*) FROM routing.dong") dongs after the upgrade"
echo "dongs intake learnt from routing's replayed stream: $(sql "SELECT count(*) FROM intake.dong")"
applied=$(( $(sql "SELECT count(*) FROM intake.schema_migrations") ))
echo "migrations recorded after the upgrade (intake): $applied"
kpi "$WH_BIN" >"$WH_VAR/kpi.after"
cmp -s "$WH_VAR/kpi.before" "$WH_VAR/kpi.after" || fail "the KPI table changed: $(python3 -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
def paths(x, p=""):
    if isinstance(x, dict):
        for k, v in x.items(): yield from paths(v, p + "." + k)
    elif isinstance(x, list):
        for i, v in enumerate(x): yield from paths(v, p + "[%d]" % i)
    else: yield p, x
pa, pb = dict(paths(a)), dict(paths(b))
for k in sorted(set(pa) | set(pb)):
    if pa.get(k) != pb.get(k): print(k, pa.get(k), "->", pb.get(k))' "$WH_VAR/kpi.before" "$WH_VAR/kpi.after" | head -12)"
"$WH_BIN/welfarectl" intake submit-referral --channel self --reported_on 2026-11-16 --household.dong_code 2650051000 \
    --household.address "부산광역시 수영구 업그레이드 후" --persons.name 업그레이드 --persons.rrn 430512-2123452 \
    --risk.months_rent_arrears 6 --risk.lives_alone >/dev/null || fail "a command after the upgrade"
head=$(sql "SELECT max(sequence) FROM intake.outbox")
caught=0
for _ in $(seq 1 150); do
    [ "$(sql "SELECT count(*) FROM casework.consumer_position WHERE stream = 'intake' AND position = $head")" = 1 ] &&
        [ "$(sql "SELECT count(*) FROM reporting.consumer_position WHERE stream = 'intake' AND position = $head")" = 1 ] &&
        { caught=1; break; }
    sleep 0.2
done
[ "$caught" -eq 1 ] || fail "case and reporting did not consume the new referral's event"
echo "upgrade from $from: $(wc -l <"$WH_VAR/census.before") tables kept their rows ($(awk '{s += $2} END {print s}' "$WH_VAR/census.before") rows), $(( $(wc -l <"$WH_VAR/census.after") - $(wc -l <"$WH_VAR/census.before") )) new tables"
[ "$failures" -eq 0 ] && echo "upgrade: all checks passed"
[ "$failures" -eq 0 ]

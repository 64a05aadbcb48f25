#!/bin/bash
# address_hot_key.sh — what one agency's flood of one address costs everyone else (issue 16's hostile
# pattern on the exact-key path): ADDRESS_HOT households (10,000) live at one address key (one
# address in one dong, a person with a resident number each), then ADDRESS_TRIES SubmitReferrals are
# timed one after another (welfarectl, send to reply): a new resident of that address (another
# agency's referral at the hot key), beside one at an address of its own (the cold key: process
# start, CURVE, bus and commit alone); then the cold referrals again while the flooding agency goes on
# importing ADDRESS_FLOOD rows at the hot address in blocks (welfarectl import referrals), and that
# import's time.  Medians in ms.
#
#   bench/address_hot_key.sh                              the binaries of BUILD (default build)
#   ADDRESS_BEFORE_INTAKE=/path/welfare-intake bench/address_hot_key.sh
#       first with that intake (built from an earlier commit), then the same database with BUILD's
#       (which applies its newer migrations on start): a before/after on one set of rows
#
# The hot key is cloned in SQL from one household stored through the bus (its address key; each
# clone's person a resident number, name key and blocks of its own), so it takes seconds.  Ports:
# WH_BENCH_PG_PORT, WH_BENCH_PORT_BASE, WH_BENCH_HTTP_BASE; ADDRESS_KEEP=1 keeps the cluster
# (stopped) under ADDRESS_VAR.  Settings of the intake under test pass through
# (WH_INTAKE_ADDRESS_MAX_HOUSEHOLDS).
set -u
cd "$(dirname "$0")/.."
HOT=${ADDRESS_HOT:-10000}
TRIES=${ADDRESS_TRIES:-21}
FLOOD=${ADDRESS_FLOOD:-20000}
HOT_ADDRESS="부산광역시 수영구 광안해변로 100"
source bench/before_after.sh
ba_stack address_hot_key "${ADDRESS_VAR:-$PWD/$BUILD/bench-address/var}" "${ADDRESS_BEFORE_INTAKE:-}" "${ADDRESS_KEEP:-}"

# rrns FROM N SEX: N synthetic resident numbers from FROM (region digits 96-99, never issued; a valid
# check digit), one a line.
rrns() {
    python3 - "$1" "$2" "$3" <<'PY'
import sys
base, n, sex = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for k in range(base, base + n):
    d = "%02d%02d%02d" % (40 + k // 100000 % 50, 1 + k // 10000 % 12, 1 + k // 1000 % 28) + sex + "9%d" % (6 + k // 100 % 4) + "%03d" % (k % 1000)
    d = d[:12]
    s = sum(int(c) * w for c, w in zip(d, [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]))
    print(d[:6] + "-" + d[6:] + str((11 - s % 11) % 10))
PY
}

submit() { # ADDRESS N RRN: one SubmitReferral of a numbered person; prints its reply
    "$ctl" intake submit-referral --channel partner_agency --reported_on 2026-11-15 \
        --household.dong_code "$DONG" --household.address "$1" \
        --persons.name "주민$2" --persons.rrn "$3" --json
}

seed=$(submit "$HOT_ADDRESS" 1 "$(rrns 1 1 1)") || { echo "address_hot_key: the seed referral failed" >&2; exit 1; }
household=$(printf '%s' "$seed" | python3 -c 'import sys, json; print(json.load(sys.stdin)["household_id"])')
ba_clone "$household" "$HOT" "" \
    "rrn_hash = pp.rrn_hash || convert_to('-hot-' || pp.g, 'UTF8'), name_key = pp.name_key || convert_to('-hot-' || pp.g, 'UTF8'), name_block = pp.name_block || convert_to('-hot-' || pp.g, 'UTF8'), address_block = pp.address_block || convert_to('-hot-' || pp.g, 'UTF8')" || exit 1

capped() { curl -fsS "http://127.0.0.1:$WH_INTAKE_HTTP_PORT/metrics" | awk '/^intake_address_households_capped_total/ { print $2 }'; }

# The flood: FLOOD rows at the hot address from BASE, a resident number each.
flood_csv() {
    echo "channel,reported_on,household.dong_code,household.address,persons.0.name,persons.0.rrn"
    rrns "$1" "$FLOOD" 2 | awk -v dong="$DONG" -v a="$HOT_ADDRESS" -v b="$1" \
        '{ printf "partner_agency,2026-11-16,%s,%s,주민%d,%s\n", dong, a, b + NR, $1 }'
}
sql() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$(wh_pg_superuser_url)" -c "$1"; }

probe() { # PHASE BASE: hot and cold referrals alternating, then cold ones under the flood
    local i t0 hot="" cold="" busy="" n=$2 r=()
    mapfile -t r < <(rrns "$n" $((3 * TRIES + 3)) 1)
    for i in $(seq 1 "$TRIES"); do
        t0=$(now_ms)
        submit "$HOT_ADDRESS" $((n + i)) "${r[i]}" >/dev/null || { echo "address_hot_key: a hot referral failed" >&2; exit 1; }
        hot="$hot $(($(now_ms) - t0))"
        t0=$(now_ms)
        submit "부산광역시 수영구 황령대로 $1 $i" $((n + i)) "${r[TRIES + i]}" >/dev/null ||
            { echo "address_hot_key: a cold referral failed" >&2; exit 1; }
        cold="$cold $(($(now_ms) - t0))"
    done
    flood_csv $((n + 1000)) >"$WH_VAR/flood-$1.csv"
    local last
    last=$(sql "SELECT max(id) FROM intake.household")
    t0=$(now_ms)
    "$ctl" import referrals "$WH_VAR/flood-$1.csv" >"$WH_VAR/flood-$1.log" 2>&1 &
    local pid=$! flood_ms
    sleep 0.3
    for i in $(seq 1 "$TRIES"); do
        kill -0 $pid 2>/dev/null || break
        local t1
        t1=$(now_ms)
        submit "부산광역시 수영구 수영로 $1 $i" $((n + i)) "${r[2 * TRIES + i]}" >/dev/null ||
            { echo "address_hot_key: a cold referral under the flood failed" >&2; exit 1; }
        busy="$busy $(($(now_ms) - t1))"
    done
    wait $pid || { echo "address_hot_key: the flood import failed" >&2; tail "$WH_VAR/flood-$1.log" >&2; exit 1; }
    flood_ms=$(($(now_ms) - t0))
    printf '%-7s hot key (%d households): median %s ms; cold key: median %s ms; cold key under the flood: median %s ms (%d tries); the flood of %d rows: %d ms; capped referrals: %s\n' \
        "$1" "$HOT" "$(echo $hot | tr ' ' '\n' | median)" "$(echo $cold | tr ' ' '\n' | median)" \
        "$(echo ${busy:-0} | tr ' ' '\n' | median)" "$(echo $busy | wc -w)" "$FLOOD" "$flood_ms" "$(capped || true)"
    # The flood's households leave the hot key, so the next phase meets the same HOT households.
    sql "UPDATE intake.household SET address_key = address_key || convert_to('-flooded-$1', 'UTF8') WHERE id > $last AND address_key = (SELECT address_key FROM intake.household WHERE id = $household)" >/dev/null
}

echo "address_hot_key: $HOT households at one address key, $TRIES referrals each, a flood of $FLOOD rows; commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo +dirty); load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${ADDRESS_BEFORE_INTAKE:-}" ]; then
    probe before 10000
    ba_after
fi
probe after 20000
echo "address_hot_key: done; load $(cut -d' ' -f1-3 /proc/loadavg)"

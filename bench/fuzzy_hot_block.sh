#!/bin/bash
# fuzzy_hot_block.sh — the time of a referral that meets a hot fuzzy block (issue 16's hostile
# slow-down): FUZZY_HOT persons (10,000) without a resident number share one name block (one name in
# one dong, each in a household of their own), then FUZZY_TRIES SubmitReferrals of that name at
# another address are timed one after another (welfarectl, send to reply), beside as many of a name
# of its own (the cold block: process start, CURVE, bus and commit alone).  Medians in ms.
#
#   bench/fuzzy_hot_block.sh                           the binaries of BUILD (default build)
#   FUZZY_BEFORE_INTAKE=/path/welfare-intake bench/fuzzy_hot_block.sh
#       first with that intake (built from an earlier commit), then the same database with BUILD's
#       (which applies its newer migrations on start): a before/after on one set of rows
#
# The hot block is cloned in SQL from one person stored through the bus (their sealed name, name
# block and dong; birth years spread over 60 years, address blocks and keys of their own), so it
# takes seconds whatever the matching costs.  Ports: WH_BENCH_PG_PORT, WH_BENCH_PORT_BASE,
# WH_BENCH_HTTP_BASE; FUZZY_KEEP=1 keeps the cluster (stopped) under FUZZY_VAR.  Settings of the intake under test pass through (WH_INTAKE_FUZZY_MAX_CANDIDATES).
set -u
cd "$(dirname "$0")/.."
HOT=${FUZZY_HOT:-10000}
TRIES=${FUZZY_TRIES:-21}
NAME=김철수
source bench/before_after.sh
ba_stack fuzzy_hot_block "${FUZZY_VAR:-$PWD/$BUILD/bench-fuzzy/var}" "${FUZZY_BEFORE_INTAKE:-}" "${FUZZY_KEEP:-}"

submit() { # NAME ADDRESS: one SubmitReferral of a person without a number; prints its reply
    "$ctl" intake submit-referral --channel self --reported_on 2026-11-15 \
        --household.dong_code "$DONG" --household.address "$2" \
        --persons.name "$1" --persons.approximate_age 70 --json
}

seed=$(submit "$NAME" "부산광역시 수영구 광남로 1") || { echo "fuzzy_hot_block: the seed referral failed" >&2; exit 1; }
household=$(printf '%s' "$seed" | python3 -c 'import sys, json; print(json.load(sys.stdin)["household_id"])')
ba_clone "$household" "$HOT" "address_key = address_key || convert_to('-hot-' || g, 'UTF8')" \
    "name_key = pp.name_key || convert_to('-hot-' || pp.g, 'UTF8'), birth_year = 1930 + pp.g % 60, address_block = pp.address_block || convert_to('-hot-' || pp.g, 'UTF8')" || exit 1


probe() { # LABEL: TRIES hot and TRIES cold referrals, alternating; prints the medians
    local i t0 hot="" cold=""
    for i in $(seq 1 "$TRIES"); do
        t0=$(now_ms)
        submit "$NAME" "부산광역시 수영구 수영로 $1 $i" >/dev/null || { echo "fuzzy_hot_block: a hot referral failed" >&2; exit 1; }
        hot="$hot $(($(now_ms) - t0))"
        t0=$(now_ms)
        submit "박영$1$i" "부산광역시 수영구 황령대로 $1 $i" >/dev/null || { echo "fuzzy_hot_block: a cold referral failed" >&2; exit 1; }
        cold="$cold $(($(now_ms) - t0))"
    done
    local capped
    capped=$(curl -fsS "http://127.0.0.1:$WH_INTAKE_HTTP_PORT/metrics" | awk '/^[a-z_]*intake_fuzzy_candidates_capped_total/ { print $2 }')
    printf '%-7s hot block (%d persons): median %s ms; cold block: median %s ms; capped look-ups: %s\n' "$1" \
        "$HOT" "$(echo $hot | tr ' ' '\n' | median)" "$(echo $cold | tr ' ' '\n' | median)" "${capped:-no metric}"
}

echo "fuzzy_hot_block: $HOT persons in one name block, $TRIES referrals each; commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo +dirty); load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${FUZZY_BEFORE_INTAKE:-}" ]; then
    probe before
    ba_after
fi
probe after
echo "fuzzy_hot_block: done; load $(cut -d' ' -f1-3 /proc/loadavg)"

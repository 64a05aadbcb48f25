#!/bin/bash
# seed004.sh — seed 004's three KPI tables (section 10), driven through welfarectl only against a
# running stack, and checked to the unit for every index, then cell by cell as `welfarectl kpi-table`
# prints them:
#   1. the 5 basic-type dongs (A), Apr–Oct 2015 before vs Apr–Oct 2016 after their hubs;
#   2. those 5 against the 5 dongs not implemented then (U: the sphere pair B, live 1 Oct 2016, and
#      three dongs C of the full implementation of 2017), Apr–Oct 2016;
#   3. the 7 dongs of the expansion (A and B), Jan–Dec 2014 before vs Jan–Dec 2016 after.
#
#   E2E_SCALE=10 (default)  the targets and the four volume indices (blind spots, site visits, service
#                           linkages, resource discoveries and their amount) divided by 10, rounded half up;
#                           visiting personnel and households managed as cases at full size (they
#                           cost a few hundred commands)
#   E2E_SCALE=1             the seed's own figures (make test-e2e)
#
# It finds the stack through WH_* (scripts/stack.sh: WH_VAR, WH_PORT_BASE); tests/integration/run.sh
# runs it in `make test`, tests/e2e/run.sh brings up a stack of its own for the full size.
# "Number of targets" is the roster's stock: distinct persons enrolled in any programme on the
# period's last day, fed by `welfarectl import roster` (2015's list; in 2016 the unqualified
# beneficiaries exposed leave and new persons join; some persons hold two programmes).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/stack.sh
wh_export_endpoints
S=${E2E_SCALE:-10}
W="${WH_BIN:-$PWD/${BUILD:-build}/bin}/welfarectl"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
started=$(date +%s)
say() { echo "seed004: [$(($(date +%s) - started)) s] $*" >&2; }
scaled() { echo $(((2 * $1 + S) / (2 * S))); } # n / S rounded half up

# --- the seed's table (full size) and what this run drives ------------------------------------------
TARGETS=($(scaled 33669) $(scaled 35886))
EXPOSED=$(scaled 333) # unqualified beneficiaries found in 2016 (section 11)
FROM=(2015-04-01 2016-04-01)
TO=(2015-10-31 2016-10-31)
PERSONNEL=(5 43)
PRIVATE=(0 28)
CASES=(71 216)
BLIND=($(scaled 1453) $(scaled 5522))
VISITS=($(scaled 2995) $(scaled 23960))
LINKAGES=($(scaled 17787) $(scaled 38274))
RESOURCES=($(scaled 1178) $(scaled 1726))
AMOUNT=($(scaled 608331000) $(scaled 835600000))

# Table 2's five dongs where the initiative was not implemented (Apr–Oct 2016) ...
U_TARGETS=$(scaled 21564)
U_PERSONNEL=5
U_PRIVATE=0
U_CASES=5
U_BLIND=$(scaled 592)
U_VISITS=$(scaled 1363)
U_LINKAGES=$(scaled 5325)
U_RESOURCES=$(scaled 50)
U_AMOUNT=$(scaled 56749000)
# ... and table 3's seven dongs, Jan–Dec 2014 and Jan–Dec 2016.
Y_FROM=(2014-01-01 2016-01-01)
Y_TO=(2014-12-31 2016-12-31)
Y_TARGETS=($(scaled 53279) $(scaled 57396))
Y_PERSONNEL=(16 50)
Y_PRIVATE=(4 32)
Y_CASES=(88 285)
Y_BLIND=($(scaled 1164) $(scaled 6881))
Y_VISITS=($(scaled 4645) $(scaled 34044))
Y_LINKAGES=($(scaled 17880) $(scaled 59130))
Y_RESOURCES=($(scaled 515) $(scaled 2576))
Y_AMOUNT=($(scaled 585000000) $(scaled 1104000000))
# Where the rest of table 3's 2016 comes from: the sphere pair's first months, after table 2's period
# (November–December 2016): 2016's seven dongs minus the five of table 1.
B_BLIND=$((Y_BLIND[1] - BLIND[1]))
B_CASES=$((Y_CASES[1] - CASES[1]))
B_VISITS=$((Y_VISITS[1] - VISITS[1]))
B_LINKAGES=$((Y_LINKAGES[1] - LINKAGES[1]))
B_RESOURCES=$((Y_RESOURCES[1] - RESOURCES[1]))
B_AMOUNT=$((Y_AMOUNT[1] - AMOUNT[1]))
B_PERSONNEL=$((Y_PERSONNEL[1] - PERSONNEL[1]))
B_PRIVATE=$((Y_PRIVATE[1] - PRIVATE[1]))
X_TARGETS=$(scaled 14000) # the sphere pair's long-standing beneficiaries (from 2014)

run=$(($(date +%s) % 100000000))
DONGS=() B_DONGS=() C_DONGS=()
for i in 0 1 2 3 4; do DONGS+=("$(printf '6%d%08d' "$i" "$run")"); done
for i in 5 6; do B_DONGS+=("$(printf '6%d%08d' "$i" "$run")"); done
for i in 7 8 9; do C_DONGS+=("$(printf '6%d%08d' "$i" "$run")"); done
list() { local IFS=,; echo "$*"; }
DONG_LIST=$(list "${DONGS[@]}")
B_LIST=$(list "${B_DONGS[@]}")
C_LIST=$(list "${C_DONGS[@]}")
batch() { # batch SERVICE COMMAND FILE [--json]: fails the test when a line fails
    "$W" batch "$1" "$2" "$3" --jobs 32 ${4:-} || { say "$1 $2: lines failed"; exit 1; }
}
# days files: a period's dates, one a line (day 0 = the first); awk reads them (no date functions).
# days0/days1: table 1's periods; days_y14: 2014 from 2 January; days_u16: table 2's (= days1);
# days_b16: November–December 2016.
days() { for ((d = 0; d < $2; d++)); do date -u -d "$1 + $d days" +%F; done; }
for p in 0 1; do days "${FROM[$p]}" 214 >"$tmp/days$p"; done
days 2014-01-02 214 >"$tmp/days_y14"
cp "$tmp/days1" "$tmp/days_u16"
days 2016-11-01 61 >"$tmp/days_b16"
# Each extra set of activity: its dongs, the day its referrals are reported, how many days its
# visits and linkages spread over, when its cases close (empty: open), its first household number.
declare -A SET_DONGS=([y14]=$DONG_LIST [u16]=$C_LIST [b16]=$B_LIST)
declare -A SET_ON=([y14]=2014-01-02 [u16]=2016-04-01 [b16]=2016-11-01)
declare -A SET_SPAN=([y14]=200 [u16]=200 [b16]=55)
declare -A SET_CLOSE=([y14]=2014-12-15 [u16]= [b16]=)
declare -A SET_FIRST=([y14]=200000 [u16]=250000 [b16]=270000)
declare -A SET_BLIND=([y14]=${Y_BLIND[0]} [u16]=$U_BLIND [b16]=$B_BLIND)
declare -A SET_CASES=([y14]=${Y_CASES[0]} [u16]=$U_CASES [b16]=$B_CASES)
declare -A SET_VISITS=([y14]=${Y_VISITS[0]} [u16]=$U_VISITS [b16]=$B_VISITS)
declare -A SET_LINKAGES=([y14]=${Y_LINKAGES[0]} [u16]=$U_LINKAGES [b16]=$B_LINKAGES)
declare -A SET_RESOURCES=([y14]=${Y_RESOURCES[0]} [u16]=$U_RESOURCES [b16]=$B_RESOURCES)
declare -A SET_AMOUNT=([y14]=${Y_AMOUNT[0]} [u16]=$U_AMOUNT [b16]=$B_AMOUNT)
SETS=(y14 u16 b16)

# --- routing: the ten dongs and their go-live, the hubs' staff -----------------------------------------
define() { # define CODE NAME TYPE HUB LIVE_FROM
    "$W" routing define-dong --dong_code "$1" --name "$2" --hub_type "$3" ${4:+--hub_dong_code "$4"} \
        --centre.latitude "35.1$((RANDOM % 90 + 10))" --centre.longitude "129.1$((RANDOM % 90 + 10))" \
        ${5:+--live_from "$5"} >/dev/null
}
for i in 0 1 2 3 4; do define "${DONGS[$i]}" "수영 e2e $i" basic "" 2016-04-01; done
define "${B_DONGS[0]}" "남천1 e2e" basic "" 2016-10-01 # the sphere type's central dong ...
define "${B_DONGS[1]}" "남천2 e2e" sphere "${B_DONGS[0]}" 2016-10-01 # ... and its linked dong
for i in 0 1 2; do define "${C_DONGS[$i]}" "광안 e2e $i" basic "" 2017-01-01; done
wh_dongs_wait "${DONGS[@]}" "${B_DONGS[@]}" "${C_DONGS[@]}" # intake refuses referrals to dongs it lacks
: >"$tmp/staff.jsonl"
: >"$tmp/staff14.jsonl"
staff() { # staff N ROLE EMPLOYMENT FROM HUB[,HUB…] [FILE]
    local hubs
    IFS=, read -r -a hubs <<<"$5"
    for ((k = 0; k < $1; k++)); do
        printf '{"name":"E2E %s %s %d","role":"%s","employment":"%s","hub_dong_code":"%s","shift_start_minute":540,"shift_end_minute":1080,"active_from":"%s"}\n' \
            "$3" "$4" "$k" "$2" "$3" "${hubs[$((k % ${#hubs[@]}))]}" "$4" >>"${6:-$tmp/staff.jsonl}"
    done
}
staff "${PERSONNEL[0]}" welfare_official public 2015-01-01 "$DONG_LIST" # the five dongs' officials
staff $((PERSONNEL[1] - PERSONNEL[0] - PRIVATE[1])) visiting_nurse public 2016-01-01 "$DONG_LIST"
staff "${PRIVATE[1]}" case_manager private 2016-01-01 "$DONG_LIST"
staff "$U_PERSONNEL" welfare_official public 2016-01-01 "$C_LIST" # the not-implemented dongs' officials
staff $((B_PERSONNEL - B_PRIVATE)) welfare_official public 2016-11-01 "${B_DONGS[0]}" # the central hub
staff "$B_PRIVATE" case_manager private 2016-11-01 "${B_DONGS[0]}"
batch routing register-staff "$tmp/staff.jsonl" 2>/dev/null
# 2014's pilot staff, gone by the end of the year
staff $((Y_PERSONNEL[0] - Y_PRIVATE[0])) welfare_official public 2014-01-01 "$DONG_LIST" "$tmp/staff14.jsonl"
staff "${Y_PRIVATE[0]}" case_manager private 2014-01-01 "$DONG_LIST" "$tmp/staff14.jsonl"
"$W" batch routing register-staff "$tmp/staff14.jsonl" --jobs 32 --json 2>/dev/null |
    jq -c '{staff_id: .reply.staff_id, active_until: "2014-12-31"}' >"$tmp/leave14.jsonl"
[ "$(wc -l <"$tmp/leave14.jsonl")" = "${Y_PERSONNEL[0]}" ] || { say "routing: 2014 staff failed"; exit 1; }
batch routing deactivate-staff "$tmp/leave14.jsonl" 2>/dev/null
say "routing: 10 dongs, $(($(wc -l <"$tmp/staff.jsonl") + ${Y_PERSONNEL[0]})) staff"

# --- registry: resource discoveries with their amounts ------------------------------------------------
provider=$("$W" registry register-provider --name "E2E 수영구 나눔 $run" --kind private --has_mou \
    --dong_code "${DONGS[0]}" --json | jq -r .provider_id)
for p in 0 1; do
    n=${RESOURCES[$p]} a=${AMOUNT[$p]}
    : >"$tmp/resources$p.jsonl"
    for ((k = 0; k < n; k++)); do
        amount=$((a / n + (k == 0 ? a % n : 0)))
        on=${FROM[$p]}
        [ "$p" = 1 ] && [ "$k" = $((n - 1)) ] && on=${TO[1]} # the probe: discovered on the last day
        printf '{"provider_id":%s,"domain":"care","kind":"goods","dong_code":"%s","capacity":100000,"amount_krw":%d,"discovered_on":"%s","title":"E2E resource %d-%d"}\n' \
            "$provider" "${DONGS[$((k % 5))]}" "$amount" "$on" "$p" "$k" >>"$tmp/resources$p.jsonl"
    done
    "$W" batch registry register-resource "$tmp/resources$p.jsonl" --jobs 32 --json 2>/dev/null |
        jq -r '.reply.resource_id' >"$tmp/resource_ids$p"
    [ "$(wc -l <"$tmp/resource_ids$p")" = "$n" ] || { say "registry: resources failed"; exit 1; }
done
probe=$(tail -1 "$tmp/resource_ids1")
sed -i '$d' "$tmp/resource_ids1" # linkages of 2016 use the others (discovered 1 April)
for set in "${SETS[@]}"; do # the extra sets' resources, discovered the day their referrals come in
    n=${SET_RESOURCES[$set]} a=${SET_AMOUNT[$set]}
    IFS=, read -r -a sd <<<"${SET_DONGS[$set]}"
    for ((k = 0; k < n; k++)); do
        printf '{"provider_id":%s,"domain":"care","kind":"goods","dong_code":"%s","capacity":100000,"amount_krw":%d,"discovered_on":"%s","title":"E2E resource %s-%d"}\n' \
            "$provider" "${sd[$((k % ${#sd[@]}))]}" $((a / n + (k == 0 ? a % n : 0))) "${SET_ON[$set]}" "$set" "$k"
    done >"$tmp/resources_$set.jsonl"
    "$W" batch registry register-resource "$tmp/resources_$set.jsonl" --jobs 32 --json 2>/dev/null |
        jq -r '.reply.resource_id' >"$tmp/resource_ids_$set"
    [ "$(wc -l <"$tmp/resource_ids_$set")" = "$n" ] || { say "registry: $set resources failed"; exit 1; }
done
say "registry: ${RESOURCES[0]} + ${RESOURCES[1]} resources; $(for set in "${SETS[@]}"; do printf '%s %s ' "$set" "${SET_RESOURCES[$set]}"; done)"

# The resident numbers of the run: valid check digits, region digits 96-99 (never issued).
rrn_awk='
    function rrn(i,    d, sum, k, w) {
        d = sprintf("%02d%02d%02d1%02d%03d", 20, 1 + int(i / 4000) % 12, 1 + int(i / 48000) % 28, 96 + i % 4,
                    int(i / 4) % 1000)
        split("2 3 4 5 6 7 8 9 2 3 4 5", w, " ")
        sum = 0
        for (k = 1; k <= 12; k++) sum += substr(d, k, 1) * w[k]
        return substr(d, 1, 6) "-" substr(d, 7) (11 - sum % 11) % 10
    }'

# --- intake: blind spots (low risk, unknown to any programme) and case-level households ---------------
referrals() { # referrals ON FIRST BLIND CASES [DONGS]: the import CSV
    awk -v first="$2" -v blind="$3" -v cases="$4" -v on="$1" -v dongs="${5:-$DONG_LIST}" -v run="$run" "$rrn_awk"'
    BEGIN {
        n = split(dongs, dong, ",")
        print "channel,reported_on,household.dong_code,household.address,household.known_to_programme,persons.0.name,persons.0.rrn,risk.months_utility_arrears,risk.months_rent_arrears,risk.lives_alone"
        for (k = 0; k < blind + cases; k++) {
            i = first + k
            high = k >= blind
            printf "survey,%s,%s,E2E-ro %s-%d,%s,주민%d,%s,%d,%d,%s\n", on, dong[i % n + 1], run, i,
                   high ? "true" : "false", i, rrn(i), high ? 3 : 0, high ? 3 : 0, high ? "true" : "false"
        }
    }'
}
wait_open_cases() { # wait_open_cases N [DONGS]: the open cases of the dongs (the five) reach N
    local got=0 t d ds
    IFS=, read -r -a ds <<<"${2:-$DONG_LIST}"
    for ((t = 0; t < 600; t++)); do
        got=0
        for d in "${ds[@]}"; do
            got=$((got + $("$W" case list-cases --dong_code "$d" --status open --limit 1000 --json | jq '.cases | length')))
        done
        [ "$got" = "$1" ] && return 0
        sleep 0.5
    done
    say "case: $got open cases, want $1"
    exit 1
}
close_open_cases() { # close_open_cases ON DONGS: every open case of the dongs closes on ON
    local d ds
    IFS=, read -r -a ds <<<"$2"
    : >"$tmp/close.jsonl"
    for d in "${ds[@]}"; do
        "$W" case list-cases --dong_code "$d" --status open --limit 1000 --json |
            jq -c --arg on "$1" '.cases[] | {case_id, reason: "goals_met", closed_on: $on}' >>"$tmp/close.jsonl"
    done
    batch case close-case "$tmp/close.jsonl" 2>/dev/null
}
import_referrals() { # import_referrals ON FIRST BLIND CASES DONGS [CLOSED_ON]
    referrals "$1" "$2" "$3" "$4" "$5" >"$tmp/r.csv"
    "$W" import referrals "$tmp/r.csv" >/dev/null 2>&1 || { say "import of $1 failed"; exit 1; }
    wait_open_cases "$4" "$5"
    [ -z "${6:-}" ] || close_open_cases "$6" "$5"
}
# 2014's cases close before 2015, 2015's before the 2016 period (the five dongs' open cases are
# always one period's)
import_referrals "${SET_ON[y14]}" "${SET_FIRST[y14]}" "${SET_BLIND[y14]}" "${SET_CASES[y14]}" "$DONG_LIST" "${SET_CLOSE[y14]}"
import_referrals "${FROM[0]}" 0 "${BLIND[0]}" "${CASES[0]}" "$DONG_LIST" 2015-12-15
import_referrals "${FROM[1]}" 100000 "${BLIND[1]}" "${CASES[1]}" "$DONG_LIST"
for set in u16 b16; do
    import_referrals "${SET_ON[$set]}" "${SET_FIRST[$set]}" "${SET_BLIND[$set]}" "${SET_CASES[$set]}" "${SET_DONGS[$set]}"
done
say "intake: ${BLIND[0]} + ${BLIND[1]} blind spots, ${CASES[0]} + ${CASES[1]} cases; $(for set in "${SETS[@]}"; do printf '%s %s + %s ' "$set" "${SET_BLIND[$set]}" "${SET_CASES[$set]}"; done)"

# The households of each period, from intake's stream (low risk: the outreach households).
"$W" events intake --json | jq -r \
    'select(.type == "welfare.intake.v1.HouseholdIdentified") | .payload | select(.risk_score < 50)
     | "\(.identified_on) \(.dong_code) \(.household_id)"' | sort -u >"$tmp/households"
households() { # households ON DONGS N FILE: the day's outreach households of the dongs, N of them
    awk -v on="$1" -v dongs="$2" 'BEGIN { n = split(dongs, d, ","); for (i = 1; i <= n; i++) in_set[d[i]] = 1 }
        $1 == on && ($2 in in_set) { print $3 }' "$tmp/households" >"$4"
    [ "$(wc -l <"$4")" = "$3" ] || { say "intake stream: $(wc -l <"$4") households of $1, want $3"; exit 1; }
}
for p in 0 1; do households "${FROM[$p]}" "$DONG_LIST" "${BLIND[$p]}" "$tmp/h$p"; done
for set in "${SETS[@]}"; do households "${SET_ON[$set]}" "${SET_DONGS[$set]}" "${SET_BLIND[$set]}" "$tmp/h_$set"; done

# --- case: home visits, re-visits included; failed attempts do not count ------------------------------
visits() { # visits HOUSEHOLDS DAYS V SPAN: V visits met (and a tenth more not at home) over SPAN days
    awk -v v="$3" -v dfile="$2" -v span="$4" '
    BEGIN { while ((getline x < dfile) > 0) day[nd++] = x }
    { h[n++] = $1 }
    END {
        for (k = 0; k < v + int(v / 10); k++) {
            met = k < v
            roles = k % 5 == 0 ? "[\"welfare_official\",\"visiting_nurse\"]" : "[\"welfare_official\"]"
            printf "{\"household_id\":%s,\"visited_on\":\"%s\",\"roles\":%s,\"outcome\":\"%s\"%s}\n", h[k % n],
                   day[1 + k % span], roles, met ? "met_counselled" : "not_at_home",
                   met && k % 7 == 0 ? ",\"needs_observed\":[{\"domain\":\"care\",\"severity\":\"moderate\"}]" : ""
        }
    }' "$1" >"$tmp/visits.jsonl"
    batch case record-home-visit "$tmp/visits.jsonl" 2>/dev/null
}
for p in 0 1; do visits "$tmp/h$p" "$tmp/days$p" "${VISITS[$p]}" 200; done
for set in "${SETS[@]}"; do visits "$tmp/h_$set" "$tmp/days_$set" "${SET_VISITS[$set]}" "${SET_SPAN[$set]}"; done
say "case: ${VISITS[0]} + ${VISITS[1]} visits met (and a tenth more not at home); $(for set in "${SETS[@]}"; do printf '%s %s ' "$set" "${SET_VISITS[$set]}"; done)"

# --- registry: service linkages, requested then started; some refused --------------------------------
probe_household=$(tail -1 "$tmp/h_b16") # the last household intake identified
for ((t = 0; ; t++)); do # the registry has heard of the last household (the probe changes nothing)
    out=$("$W" registry request-service-linkage --household_id "$probe_household" --kind resource \
        --resource_id "$probe" --domain care --requested_on 2016-04-02 2>&1 || true)
    case "$out" in *"(requested_on)"*) break ;; esac
    [ "$t" -lt 600 ] || { say "registry never heard of household $probe_household: $out"; exit 1; }
    sleep 0.5
done
linkages() { # linkages HOUSEHOLDS DAYS RESOURCES L SPAN PUBLIC OUT: L started (a twentieth more refused)
    awk -v l="$4" -v dfile="$2" -v rfile="$3" -v span="$5" -v public="$6" '
    BEGIN { while ((getline r < rfile) > 0) res[nr++] = r; while ((getline x < dfile) > 0) day[nd++] = x }
    { h[n++] = $1 }
    END {
        for (k = 0; k < l + int(l / 20); k++) {
            if (public && k % 3 == 0)
                what = sprintf("\"kind\":\"public_programme\",\"programme\":%d,\"domain\":\"income\"", 1 + k % 11)
            else
                what = sprintf("\"kind\":\"resource\",\"resource_id\":%s,\"domain\":\"care\"", res[k % nr])
            printf "{\"household_id\":%s,%s,\"channel\":3,\"requested_on\":\"%s\"}\n", h[k % n], what,
                   day[1 + k % span]
        }
    }' "$1" >"$7"
    "$W" batch registry request-service-linkage "$7" --jobs 32 --json 2>/dev/null >"$tmp/linked" ||
        { say "linkage requests failed"; exit 1; }
    # the first L start three days after their request; the rest are refused by the provider. The
    # request of line k was made on day 1 + (k - 1) % SPAN, see above.
    jq -r '"\(.line) \(.reply.linkage_id)"' "$tmp/linked" | sort -n |
        awk -v l="$4" -v dfile="$2" -v span="$5" '
        BEGIN { while ((getline x < dfile) > 0) day[nd++] = x }
        {
            d = 1 + ($1 - 1) % span
            if ($1 <= l)
                printf "{\"linkage_id\":%s,\"state\":\"started\",\"changed_on\":\"%s\"}\n", $2, day[d + 3]
            else
                printf "{\"linkage_id\":%s,\"state\":\"refused\",\"changed_on\":\"%s\"}\n", $2, day[d]
        }' >"$tmp/change.jsonl"
    batch registry change-service-linkage "$tmp/change.jsonl" 2>/dev/null
}
# Table 1's periods: a third public programmes (their households become targets, below), the rest
# resources; the extra sets link resources only.
for p in 0 1; do linkages "$tmp/h$p" "$tmp/days$p" "$tmp/resource_ids$p" "${LINKAGES[$p]}" 200 1 "$tmp/link$p.jsonl"; done
for set in "${SETS[@]}"; do
    linkages "$tmp/h_$set" "$tmp/days_$set" "$tmp/resource_ids_$set" "${SET_LINKAGES[$set]}" "${SET_SPAN[$set]}" 0 \
        "$tmp/link_$set.jsonl"
done
say "registry: ${LINKAGES[0]} + ${LINKAGES[1]} linkages started (and a twentieth more refused); $(for set in "${SETS[@]}"; do printf '%s %s ' "$set" "${SET_LINKAGES[$set]}"; done)"

# --- intake's roster: the people subject to welfare ----------------------------------------------------
# A started public-programme linkage enrols its household's person (the roster's hub decision), so
# the outreach households linked to one below are targets too: every blind-spot household of both
# periods that had one started (the first LINKAGES[p] lines started; a third are public programmes).
# The national list holds the rest of each period's stock.
LINKED=()
for p in 0 1; do
    LINKED+=("$(head -n "${LINKAGES[$p]}" "$tmp/link$p.jsonl" | jq -r 'select(.kind == "public_programme") | .household_id' |
        sort -u | wc -l)")
done
ROSTER0=$((TARGETS[0] - LINKED[0]))
ROSTER1=$((TARGETS[1] - LINKED[0] - LINKED[1]))
# The 2016 stock without the linked households: the list's 2015 persons minus the exposed and, when
# the linkages alone outgrow the seed's increase, minus persons whose term ended on 2016-03-31; plus
# persons joining on 2016-01-01.
JOINED=$((ROSTER1 - ROSTER0 + EXPOSED))
ENDED=0
[ "$JOINED" -ge 0 ] || { ENDED=$((-JOINED)); JOINED=0; }
# Table 3's 2014 and tables 2 and 3's other dongs: the five dongs' list already holds its persons
# from 2014 (as does the sphere pair's), and persons whose term ended on 2015-03-31 were targets at
# the end of 2014 only; the three not-implemented dongs' list starts in 2016, the sphere pair gains
# persons from 1 November 2016 (after table 2's period).
ENDED14=$((Y_TARGETS[0] - ROSTER0 - X_TARGETS))
C_ROSTER=$((U_TARGETS - X_TARGETS))
B_JOINED=$((Y_TARGETS[1] - TARGETS[1] - X_TARGETS))
for n in ENDED14 C_ROSTER B_JOINED; do
    [ "${!n}" -ge 0 ] || { say "roster: $n = ${!n} (the seed's tables cannot be composed at scale 1/$S)"; exit 1; }
done
awk -v t0="$ROSTER0" -v exposed="$EXPOSED" -v ended="$ENDED" -v joined="$JOINED" \
    -v dongs="$DONG_LIST" -v run="$run" -v ended14="$ENDED14" -v x="$X_TARGETS" -v c="$C_ROSTER" \
    -v bj="$B_JOINED" -v b_dongs="$B_LIST" -v c_dongs="$C_LIST" "$rrn_awk"'
    function row(i, programme, start, end, reason) {
        printf "%s,명부%d,E2E-gil %s-%d,%s,%s,%s,%s,%s\n", rrn(i), i, run, i, dong[i % n + 1], programme, start, end, reason
    }
    function others(first, count, list, start, end, reason,    k) { # count persons of other dongs
        n = split(list, dong, ",")
        for (k = 0; k < count; k++)
            row(first + k, prog[k % 7 + 1], start, end, reason)
    }
    BEGIN {
        n = split(dongs, dong, ",")
        split("nbls_living secondary_poor single_parent basic_pension disability_pension child_low_income ordinance_emergency", prog, " ")
        print "person.rrn,person.name,household.address,household.dong_code,programme,start_on,end_on,exit_reason"
        for (k = 0; k < t0; k++) {
            i = 300000 + k
            if (k < exposed)
                row(i, prog[k % 7 + 1], "2014-01-01", "2016-02-29", "unqualified_beneficiary")
            else if (k < exposed + ended)
                row(i, prog[k % 7 + 1], "2014-01-01", "2016-03-31", "term_ended")
            else
                row(i, prog[k % 7 + 1], "2014-01-01", "", "")
            if (k % 10 == 5 && k >= exposed + ended) # a second programme: still one target
                row(i, "disability_allowance", "2015-03-01", "", "")
        }
        for (k = 0; k < joined; k++)
            row(400000 + k, prog[k % 7 + 1], "2016-01-01", "", "")
        others(500000, ended14, dongs, "2014-01-01", "2015-03-31", "term_ended")
        others(600000, x, b_dongs, "2014-01-01", "", "")
        others(700000, c, c_dongs, "2016-01-01", "", "")
        others(800000, bj, b_dongs, "2016-11-01", "", "")
    }' >"$tmp/roster.csv"
"$W" import roster "$tmp/roster.csv" >/dev/null 2>&1 || { say "import roster failed"; exit 1; }
say "roster: $ROSTER0 enrolled from 2014 in the five dongs (and $ENDED14 until 2015-03-31); in 2016 $EXPOSED unqualified beneficiaries and $ENDED others leave, $JOINED join; the sphere pair $X_TARGETS from 2014 and $B_JOINED from 2016-11-01, the other three dongs $C_ROSTER from 2016"

# --- reporting: every index, both periods, to the unit --------------------------------------------------
check() { # check PERIOD: 0 when reporting's totals equal the run's
    local p=$1 got want
    got=$("$W" kpi --dong "$DONG_LIST" --from "${FROM[$p]}" --to "${TO[$p]}" --json |
        jq -r '.report.total | "\(.targets) \(.visiting_personnel) \(.visiting_personnel_private) \(.case_households) \(.blind_spots) \(.site_visits) \(.service_linkages) \(.resources_discovered) \(.resource_amount_krw)"')
    want="${TARGETS[$p]} ${PERSONNEL[$p]} ${PRIVATE[$p]} ${CASES[$p]} ${BLIND[$p]} ${VISITS[$p]} ${LINKAGES[$p]} ${RESOURCES[$p]} ${AMOUNT[$p]}"
    echo "$got" >"$tmp/got$p"
    [ "$got" = "$want" ]
}
status=0
for p in 0 1; do
    for ((t = 0; t < 240; t++)); do check "$p" && break; sleep 0.5; done
    read -r g_targets g_pers g_priv g_cases g_blind g_visits g_links g_res g_amount <"$tmp/got$p"
    printf 'seed004 %s..%s (scale 1/%s)  want / got\n' "${FROM[$p]}" "${TO[$p]}" "$S"
    printf '  %-34s %s / %s\n' "number of targets (on ${TO[$p]})" "${TARGETS[$p]}" "$g_targets"
    printf '  %-34s %s(%s) / %s(%s)\n' "visiting personnel (private)" "${PERSONNEL[$p]}" "${PRIVATE[$p]}" "$g_pers" "$g_priv"
    printf '  %-34s %s / %s\n' "households managed as cases" "${CASES[$p]}" "$g_cases" \
        "blind spots discovered" "${BLIND[$p]}" "$g_blind" "site visits" "${VISITS[$p]}" "$g_visits" \
        "service linkages" "${LINKAGES[$p]}" "$g_links" "resource discoveries" "${RESOURCES[$p]}" "$g_res" \
        "resource amount (KRW)" "${AMOUNT[$p]}" "$g_amount"
    check "$p" || { say "period ${FROM[$p]}: the KPI differs"; status=1; }
done
# --- the discovery funnel of 2016's five dongs (every referral came from the survey channel) ------------
# The cohort: the households first reported in Apr–Oct 2016 (the blind spots and the case households);
# every blind-spot household was visited and linked (visits and linkages outnumber them), the others
# became cases.
funnel_want="[$((BLIND[1] + CASES[1])),$((BLIND[1] + CASES[1])),${BLIND[1]},${BLIND[1]},${CASES[1]},${BLIND[1]}]"
funnel_url="http://127.0.0.1:$WH_REPORTING_HTTP_PORT/api/funnel?dongs=$DONG_LIST&from=${FROM[1]}&to=${TO[1]}"
for ((t = 0; t < 240; t++)); do
    funnel_got=$(curl -fsS "$funnel_url" | jq -c '[.channels[] | select(.channel == 3) | .values[]]')
    [ "$funnel_got" = "$funnel_want" ] && break
    sleep 0.5
done
printf '\nseed004 funnel %s..%s, survey channel (referrals, households, blind spots, visited, cases, linked)\n  want %s\n  got  %s\n' \
    "${FROM[1]}" "${TO[1]}" "$funnel_want" "$funnel_got"
[ "$funnel_got" = "$funnel_want" ] || { say "the funnel differs"; status=1; }

# --- the seed's three tables as the product prints them (welfarectl kpi-table), cell by cell --------------
commas() { # commas N [SIGN]: 1234567 → 1,234,567 (with SIGN: +1,234,567 / -1,234,567), as reporting prints
    local n=${1#-} sign=""
    [ "${1:0:1}" = - ] && sign=-
    [ -n "${2:-}" ] && [ -z "$sign" ] && sign=+
    echo "$sign$(echo "$n" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')"
}
cells() { # cells [+] TARGETS PERSONNEL PRIVATE CASES BLIND VISITS LINKAGES RESOURCES AMOUNT: a row's cells
    local d=""
    [ "$1" = + ] && { d=+; shift; }
    local amount
    amount=$(commas "$9" $d)
    echo "$(commas "$1" $d)|$(commas "$2" $d)($(commas "$3" $d))|$(commas "$4" $d)|$(commas "$5" $d)|$(commas "$6" $d)|$(commas "$7" $d)|$(commas "$8" $d)(${amount%%[0-9]*}₩${amount#[+-]})"
}
row_values() { # row_values ARRAY-PREFIX INDEX: the nine figures of a period of table 1 or 3
    local i=$2
    case $1 in
    T) echo "${TARGETS[$i]} ${PERSONNEL[$i]} ${PRIVATE[$i]} ${CASES[$i]} ${BLIND[$i]} ${VISITS[$i]} ${LINKAGES[$i]} ${RESOURCES[$i]} ${AMOUNT[$i]}" ;;
    Y) echo "${Y_TARGETS[$i]} ${Y_PERSONNEL[$i]} ${Y_PRIVATE[$i]} ${Y_CASES[$i]} ${Y_BLIND[$i]} ${Y_VISITS[$i]} ${Y_LINKAGES[$i]} ${Y_RESOURCES[$i]} ${Y_AMOUNT[$i]}" ;;
    U) echo "$U_TARGETS $U_PERSONNEL $U_PRIVATE $U_CASES $U_BLIND $U_VISITS $U_LINKAGES $U_RESOURCES $U_AMOUNT" ;;
    esac
}
expected_rows() { # expected_rows "FIRST NINE" "SECOND NINE" SIGN: the rows and SIGN × (second − first)
    local -a a b diff
    read -r -a a <<<"$1"
    read -r -a b <<<"$2"
    for k in 0 1 2 3 4 5 6 7 8; do diff+=($(($3 * (b[k] - a[k])))); done
    cells "${a[@]}"
    cells "${b[@]}"
    cells + "${diff[@]}"
}
table() { # table N TITLE FIRST SECOND SIGN KPI-TABLE-ARGS…: prints the table and checks its three rows
    local n=$1 title=$2 first=$3 second=$4 sign=$5
    shift 5
    expected_rows "$first" "$second" "$sign" >"$tmp/want_table$n"
    for ((t = 0; t < 240; t++)); do
        "$W" kpi-table --json "$@" | jq -r '.table.rows[:3][] | .cells | join("|")' >"$tmp/got_table$n"
        cmp -s "$tmp/want_table$n" "$tmp/got_table$n" && break
        sleep 0.5
    done
    printf '\nseed004 table %s: %s (scale 1/%s)\n' "$n" "$title" "$S"
    "$W" kpi-table "$@" || return 1
    if ! cmp -s "$tmp/want_table$n" "$tmp/got_table$n"; then
        say "table $n differs from the seed's cells (want, then got):"
        paste -d'\n' "$tmp/want_table$n" "$tmp/got_table$n" >&2
        return 1
    fi
    echo "seed004 table $n: the three rows equal the seed's cells (7 columns)"
}
# Before/after: 증감 = after − before; treated/untreated: 차이 = treated − untreated.
table 1 "Before vs. After with a basic-type applied in 5 Dongs" "$(row_values T 0)" "$(row_values T 1)" 1 \
    --compare before-after --dong "$DONG_LIST" --from "${FROM[1]}" --to "${TO[1]}" \
    --before-from "${FROM[0]}" --before-to "${TO[0]}" || status=1
table 2 "Comparison with 5 dongs where the initiative was not implemented (Apr.~Oct. 2016)" \
    "$(row_values T 1)" "$(row_values U 0)" -1 \
    --compare treated --dong "$DONG_LIST,$B_LIST,$C_LIST" --from "${FROM[1]}" --to "${TO[1]}" || status=1
table 3 "Before vs. After in expansion into 7 Dongs" "$(row_values Y 0)" "$(row_values Y 1)" 1 \
    --compare before-after --dong "$DONG_LIST,$B_LIST" --from "${Y_FROM[1]}" --to "${Y_TO[1]}" \
    --before-from "${Y_FROM[0]}" --before-to "${Y_TO[0]}" || status=1
exit $status

#!/bin/bash
# seed004.sh — seed 004's first KPI table (section 10: 5 dongs, Apr–Oct 2015 before vs Apr–Oct 2016
# after the basic-type hubs), driven through welfarectl only against a running stack, and checked to
# the unit for every index and both periods.
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

run=$(($(date +%s) % 100000000))
DONGS=()
for i in 0 1 2 3 4; do DONGS+=("$(printf '6%d%08d' "$i" "$run")"); done
DONG_LIST=$(IFS=,; echo "${DONGS[*]}")
batch() { # batch SERVICE COMMAND FILE [--json]: fails the test when a line fails
    "$W" batch "$1" "$2" "$3" --jobs 32 ${4:-} || { say "$1 $2: lines failed"; exit 1; }
}
# days[p] file: the period's dates, one a line (day 0 = the first); awk reads them (no date functions)
for p in 0 1; do
    for ((d = 0; d < 214; d++)); do date -u -d "${FROM[$p]} + $d days" +%F; done >"$tmp/days$p"
done

# --- routing: five basic-type hubs, their staff -------------------------------------------------------
for i in 0 1 2 3 4; do
    "$W" routing define-dong --dong_code "${DONGS[$i]}" --name "수영 e2e $i" --hub_type basic \
        --centre.latitude "35.15$i" --centre.longitude "129.11$i" --live_from 2016-04-01 >/dev/null
done
: >"$tmp/staff.jsonl"
staff() { # staff N ROLE EMPLOYMENT FROM
    for ((k = 0; k < $1; k++)); do
        printf '{"name":"E2E %s %s %d","role":"%s","employment":"%s","hub_dong_code":"%s","shift_start_minute":540,"shift_end_minute":1080,"active_from":"%s"}\n' \
            "$3" "$4" "$k" "$2" "$3" "${DONGS[$((k % 5))]}" "$4" >>"$tmp/staff.jsonl"
    done
}
staff "${PERSONNEL[0]}" welfare_official public 2015-01-01 # the five dongs' officials, both periods
staff $((PERSONNEL[1] - PERSONNEL[0] - PRIVATE[1])) visiting_nurse public 2016-01-01
staff "${PRIVATE[1]}" case_manager private 2016-01-01
batch routing register-staff "$tmp/staff.jsonl" 2>/dev/null
say "routing: 5 dongs, $(wc -l <"$tmp/staff.jsonl") staff"

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
say "registry: ${RESOURCES[0]} + ${RESOURCES[1]} resources"

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
referrals() { # referrals PERIOD FIRST BLIND CASES: the import CSV
    awk -v first="$2" -v blind="$3" -v cases="$4" -v on="${FROM[$1]}" -v dongs="$DONG_LIST" -v run="$run" "$rrn_awk"'
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
wait_open_cases() { # wait_open_cases N: the open cases of the five dongs reach N
    local got=0 t
    for ((t = 0; t < 600; t++)); do
        got=0
        for d in "${DONGS[@]}"; do
            got=$((got + $("$W" case list-cases --dong_code "$d" --status open --limit 1000 --json | jq '.cases | length')))
        done
        [ "$got" = "$1" ] && return 0
        sleep 0.5
    done
    say "case: $got open cases, want $1"
    exit 1
}
referrals 0 0 "${BLIND[0]}" "${CASES[0]}" >"$tmp/r0.csv"
"$W" import referrals "$tmp/r0.csv" >/dev/null 2>&1 || { say "import 2015 failed"; exit 1; }
wait_open_cases "${CASES[0]}"
# the 2015 cases end before the 2016 period
: >"$tmp/close.jsonl"
for d in "${DONGS[@]}"; do
    "$W" case list-cases --dong_code "$d" --status open --limit 1000 --json |
        jq -c '.cases[] | {case_id, reason: "goals_met", closed_on: "2015-12-15"}' >>"$tmp/close.jsonl"
done
batch case close-case "$tmp/close.jsonl" 2>/dev/null
referrals 1 100000 "${BLIND[1]}" "${CASES[1]}" >"$tmp/r1.csv"
"$W" import referrals "$tmp/r1.csv" >/dev/null 2>&1 || { say "import 2016 failed"; exit 1; }
wait_open_cases "${CASES[1]}"
say "intake: ${BLIND[0]} + ${BLIND[1]} blind spots, ${CASES[0]} + ${CASES[1]} cases"

# The households of each period, from intake's stream (low risk: the outreach households).
"$W" events intake --json | jq -r --arg dongs "$DONG_LIST" \
    'select(.type == "welfare.intake.v1.HouseholdIdentified") | .payload
     | select((.dong_code as $d | $dongs | split(",") | index($d)) and .risk_score < 50)
     | "\(.identified_on) \(.household_id)"' | sort -u >"$tmp/households"
for p in 0 1; do
    grep "^${FROM[$p]} " "$tmp/households" | cut -d' ' -f2 >"$tmp/h$p"
    [ "$(wc -l <"$tmp/h$p")" = "${BLIND[$p]}" ] || { say "intake stream: $(wc -l <"$tmp/h$p") households"; exit 1; }
done

# --- case: home visits, re-visits included; failed attempts do not count ------------------------------
for p in 0 1; do
    awk -v v="${VISITS[$p]}" -v dfile="$tmp/days$p" '
    BEGIN { while ((getline x < dfile) > 0) day[nd++] = x }
    { h[n++] = $1 }
    END {
        for (k = 0; k < v + int(v / 10); k++) {
            met = k < v
            roles = k % 5 == 0 ? "[\"welfare_official\",\"visiting_nurse\"]" : "[\"welfare_official\"]"
            printf "{\"household_id\":%s,\"visited_on\":\"%s\",\"roles\":%s,\"outcome\":\"%s\"%s}\n", h[k % n],
                   day[1 + k % 200], roles, met ? "met_counselled" : "not_at_home",
                   met && k % 7 == 0 ? ",\"needs_observed\":[{\"domain\":\"care\",\"severity\":\"moderate\"}]" : ""
        }
    }' "$tmp/h$p" >"$tmp/visits$p.jsonl"
    batch case record-home-visit "$tmp/visits$p.jsonl" 2>/dev/null
done
say "case: ${VISITS[0]} + ${VISITS[1]} visits met (and a tenth more not at home)"

# --- registry: service linkages, requested then started; some refused --------------------------------
probe_household=$(tail -1 "$tmp/h1")
for ((t = 0; ; t++)); do # the registry has heard of the last household (the probe changes nothing)
    out=$("$W" registry request-service-linkage --household_id "$probe_household" --kind resource \
        --resource_id "$probe" --domain care --requested_on 2016-04-02 2>&1 || true)
    case "$out" in *"(requested_on)"*) break ;; esac
    [ "$t" -lt 600 ] || { say "registry never heard of household $probe_household: $out"; exit 1; }
    sleep 0.5
done
for p in 0 1; do
    awk -v l="${LINKAGES[$p]}" -v dfile="$tmp/days$p" -v rfile="$tmp/resource_ids$p" '
    BEGIN { while ((getline r < rfile) > 0) res[nr++] = r; while ((getline x < dfile) > 0) day[nd++] = x }
    { h[n++] = $1 }
    END {
        for (k = 0; k < l + int(l / 20); k++) {
            if (k % 3 == 0)
                what = sprintf("\"kind\":\"public_programme\",\"programme\":%d,\"domain\":\"income\"", 1 + k % 11)
            else
                what = sprintf("\"kind\":\"resource\",\"resource_id\":%s,\"domain\":\"care\"", res[k % nr])
            printf "{\"household_id\":%s,%s,\"channel\":3,\"requested_on\":\"%s\"}\n", h[k % n], what,
                   day[1 + k % 200]
        }
    }' "$tmp/h$p" >"$tmp/link$p.jsonl"
    "$W" batch registry request-service-linkage "$tmp/link$p.jsonl" --jobs 32 --json 2>/dev/null >"$tmp/linked$p" ||
        { say "linkage requests failed"; exit 1; }
    # the first L start three days after their request; the rest are refused by the provider. The
    # request of line k was made on day 1 + (k - 1) % 200, see above.
    jq -r '"\(.line) \(.reply.linkage_id)"' "$tmp/linked$p" | sort -n |
        awk -v l="${LINKAGES[$p]}" -v dfile="$tmp/days$p" '
        BEGIN { while ((getline x < dfile) > 0) day[nd++] = x }
        {
            d = 1 + ($1 - 1) % 200
            if ($1 <= l)
                printf "{\"linkage_id\":%s,\"state\":\"started\",\"changed_on\":\"%s\"}\n", $2, day[d + 3]
            else
                printf "{\"linkage_id\":%s,\"state\":\"refused\",\"changed_on\":\"%s\"}\n", $2, day[d]
        }' >"$tmp/change$p.jsonl"
    batch registry change-service-linkage "$tmp/change$p.jsonl" 2>/dev/null
done
say "registry: ${LINKAGES[0]} + ${LINKAGES[1]} linkages started (and a twentieth more refused)"

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
awk -v t0="$ROSTER0" -v exposed="$EXPOSED" -v ended="$ENDED" -v joined="$JOINED" \
    -v dongs="$DONG_LIST" -v run="$run" "$rrn_awk"'
    function row(i, programme, start, end, reason) {
        printf "%s,명부%d,E2E-gil %s-%d,%s,%s,%s,%s,%s\n", rrn(i), i, run, i, dong[i % n + 1], programme, start, end, reason
    }
    BEGIN {
        n = split(dongs, dong, ",")
        split("nbls_living secondary_poor single_parent basic_pension disability_pension child_low_income ordinance_emergency", prog, " ")
        print "person.rrn,person.name,household.address,household.dong_code,programme,start_on,end_on,exit_reason"
        for (k = 0; k < t0; k++) {
            i = 300000 + k
            if (k < exposed)
                row(i, prog[k % 7 + 1], "2015-01-01", "2016-02-29", "unqualified_beneficiary")
            else if (k < exposed + ended)
                row(i, prog[k % 7 + 1], "2015-01-01", "2016-03-31", "term_ended")
            else
                row(i, prog[k % 7 + 1], "2015-01-01", "", "")
            if (k % 10 == 5 && k >= exposed + ended) # a second programme: still one target
                row(i, "disability_allowance", "2015-03-01", "", "")
        }
        for (k = 0; k < joined; k++)
            row(400000 + k, prog[k % 7 + 1], "2016-01-01", "", "")
    }' >"$tmp/roster.csv"
"$W" import roster "$tmp/roster.csv" >/dev/null 2>&1 || { say "import roster failed"; exit 1; }
say "roster: $ROSTER0 enrolled in 2015 from the national lists; in 2016 $EXPOSED unqualified beneficiaries and $ENDED others leave, $JOINED join"

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
# The seed's table as the product prints it: reporting's QueryKpiTable (welfarectl kpi-table), the
# same months before and after the hubs went live on 1 April 2016.
"$W" kpi-table --compare before-after --dong "$DONG_LIST" --from "${FROM[1]}" --to "${TO[1]}" \
    --before-from "${FROM[0]}" --before-to "${TO[0]}" || status=1
exit $status

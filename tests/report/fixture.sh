# fixture.sh — sourced by tests/report/*.sh: the comparison table's known-count fixture, loaded
# through the real commands (routing DefineDong with go-live dates, RegisterStaff with dated
# assignments, registry RegisterResource) into a running stack, and the table it must give.
#
#   T1 8000000001 basic, live 2016-04-01   staff: 1 public from 2015-01-01; 3 from 2016-04-01 (2 private)
#   T2 8000000002 basic, live 2016-04-01   staff: 1 private from 2016-04-01
#   U1 8000000003 basic, not live          staff: 1 public from 2015-01-01
#   U2 8000000004 basic (not live), then sphere type of T1 from 2016-10-01 (goes live inside the period)
#   resources (KRW): T1 2015-05-10 100,000 · 2016-05-10 300,000 · 2016-06-01 200,000
#                    T2 2016-07-01 50,000
#                    U1 2015-08-01 10,000 · 2016-08-01 20,000 · 2016-09-01 30,000
#                    U2 2016-04-15 5,000
#
# Both comparisons over Apr–Oct 2016 against Apr–Oct 2015: treated {T1, T2}, untreated {U1, U2}.
T1=8000000001 T2=8000000002 U1=8000000003 U2=8000000004
FIXTURE_QUERY="compare=both&from=2016-04-01&to=2016-10-31"

# The personnel and resource cells of the seven rows, as the table must print them.
FIXTURE_EXPECTED='[
 ["시행동 시행 전",   "1(0)",     "1(₩100,000)"],
 ["시행동 시행 후",   "5(3)",     "3(₩550,000)"],
 ["시행동 증감",      "+4(+3)",   "+2(+₩450,000)"],
 ["미시행동 시행 전", "1(0)",     "1(₩10,000)"],
 ["미시행동 시행 후", "1(0)",     "3(₩55,000)"],
 ["미시행동 증감",    "+0(+0)",   "+2(+₩45,000)"],
 ["이중차분 (시행동 증감 − 미시행동 증감)", "+4(+3)", "+0(+₩405,000)"]
]'

# fixture_stack VAR PG_PORT OFFSET: a private stack in VAR (removed on exit) on PG_PORT and the
# itest bus/HTTP bases + OFFSET, with the fixture loaded and counted.
fixture_stack() {
    export WH_VAR=$1 WH_PG_PORT=$2 WH_PORT_BASE=$((${WH_ITEST_PORT_BASE:-7301} + $3))
    export WH_HTTP_BASE=$((${WH_ITEST_HTTP_BASE:-8301} + $3)) WH_BIN=${WH_BIN:-$PWD/${BUILD:-build}/bin}
    source scripts/stack.sh
    wh_pg_forget
    rm -rf "$WH_VAR"
    trap 'wh_stack_stop; wh_pg_forget; rm -rf "$WH_VAR"' EXIT
    wh_stack_start && fixture_load && fixture_wait
}

ctl() { "$WH_BIN/welfarectl" "$@" >/dev/null || { echo "fixture: welfarectl $* failed" >&2; return 1; }; }

fixture_load() {
    local c=--centre.latitude lon=--centre.longitude
    ctl routing define-dong --dong_code $T1 --name 시행1동 --hub_type BASIC $c 35.15 $lon 129.11 --live_from 2016-04-01 &&
    ctl routing define-dong --dong_code $T2 --name 시행2동 --hub_type BASIC $c 35.16 $lon 129.12 --live_from 2016-04-01 &&
    ctl routing define-dong --dong_code $U1 --name 미시행1동 --hub_type BASIC $c 35.17 $lon 129.10 &&
    ctl routing define-dong --dong_code $U2 --name 미시행2동 --hub_type BASIC $c 35.18 $lon 129.13 &&
    ctl routing define-dong --dong_code $U2 --name 미시행2동 --hub_type SPHERE --hub_dong_code $T1 $c 35.18 \
        $lon 129.13 --live_from 2016-10-01 || return 1
    wh_dongs_wait $T1 $T2 $U1 $U2 || return 1 # intake refuses referrals to dongs it has not applied yet
    local s
    staff() { ctl routing register-staff --name "$1" --role WELFARE_OFFICIAL --employment "$2" --hub_dong_code "$3" \
        --shift_start_minute 540 --shift_end_minute 1080 --active_from "$4"; }
    staff 직원1 PUBLIC $T1 2015-01-01 && staff 직원2 PUBLIC $T1 2016-04-01 && staff 직원3 PRIVATE $T1 2016-04-01 &&
    staff 직원4 PRIVATE $T1 2016-04-01 && staff 직원5 PRIVATE $T2 2016-04-01 && staff 직원6 PUBLIC $U1 2015-01-01 ||
        return 1
    local provider
    provider=$("$WH_BIN/welfarectl" registry register-provider --name 수영복지관 --kind PRIVATE --dong_code $T1 --json |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("providerId") or d.get("provider_id"))') ||
        return 1
    res() { ctl registry register-resource --provider_id "$provider" --domain CARE --kind MONEY --dong_code "$1" \
        --capacity 1 --amount_krw "$3" --discovered_on "$2" --title "자원 $1 $2"; }
    res $T1 2015-05-10 100000 && res $T1 2016-05-10 300000 && res $T1 2016-06-01 200000 && res $T2 2016-07-01 50000 &&
    res $U1 2015-08-01 10000 && res $U1 2016-08-01 20000 && res $U1 2016-09-01 30000 && res $U2 2016-04-15 5000
}

# Waits until reporting has applied the fixture's events (the last resource and the staff).
fixture_wait() {
    local port=$WH_REPORTING_HTTP_PORT i
    for i in $(seq 1 300); do
        curl -fsS "http://127.0.0.1:$port/api/kpi-table?$FIXTURE_QUERY" 2>/dev/null |
            grep -q '"3(₩55,000)"' && grep -q '"5(3)"' <(curl -fsS "http://127.0.0.1:$port/api/kpi-table?$FIXTURE_QUERY") &&
            return 0
        sleep 0.1
    done
    echo "fixture: reporting did not count the fixture in 30 s" >&2
    return 1
}

# discovery.sh — sourced by tests/report/browser.sh after fixture.sh: the surveys page's known-count
# fixture, recorded through intake's real commands (welfarectl) in the fixture's dongs in 2018, a year
# no other page shows:
#
#   members   T1: discovery (village foreman), visiting and checking (women's society)
#             T2: visiting and checking (shop) · U1: resource-engaging (religious)
#   referrals by the T1 discovery member, no resident number: H1, H2 in T1, H3 in T2 (name, address,
#             birth year or age); H4, H5 (T2) and H6 (U1) walk-ins
#   watches   H1 by the T1 visitor weekly from 2018-03-01: seen well, not seen, not seen (a referral),
#             concern (a referral) · H3 by the T2 visitor: seen well, seen well
#   surveys   over-60s living alone (T1, T2; Apr–Jun 2018): H1 need (2 linkages, KRW 300,000, case
#             management), H2 no need, H3 not reachable, H4 refused, H5 need (1 linkage)
#             secondary poor (T2, U1; May–Jul 2018): H3 listed, no result yet; H6 no need
#   credit    H2 selected for aid (basic pension): the T1 discovery member credited
#   so the safety net's total: 5 referrals filed (3 by the discovery member, all new households; the
#   two check-ins'), 6 check-ins (3 seen well, 1 concern, 2 not seen, 2 referred), 1 credit for aid,
#   and the U1 resource-engaging member's find: a rice-cake shop's monthly pledge of KRW 200,000 (June
#   2018, the first instalment on the spot), 1 resource found worth KRW 200,000
DISCOVERY_QUERY="from=2018-01-01&to=2018-12-31"
# /api/surveys's rows and total, /api/safety-net's total, as they must be.
DISCOVERY_SURVEYS='[[5,3,1,2,1,1,0,3,300000,1],[2,1,1,0,0,0,1,0,0,0]]'
DISCOVERY_SURVEYS_TOTAL='[7,4,2,2,1,1,1,3,300000,1]'
DISCOVERY_NET_TOTAL='[5,3,6,3,1,2,2,1,0,1,200000]'

# wctl FIELD ARGS…: runs welfarectl --json ARGS and prints the reply's FIELD.
wctl() {
    local field=$1 out
    shift
    out=$("$WH_BIN/welfarectl" --json "$@") || { echo "discovery: welfarectl $* failed" >&2; return 1; }
    python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$field" <<<"$out"
}

discovery_load() {
    local m1 r1 m2 m3 m4 h1 h2 h3 h4 h5 h6 w1 w3 s1 s2
    member() { wctl "$1" intake register-member --dong_code "$2" --team "$3" --affiliation "$4" --name "$5" \
        --active_from 2018-01-01; }
    local reply
    reply=$("$WH_BIN/welfarectl" --json intake register-member --dong_code $T1 --team DISCOVERY \
        --affiliation village_foreman --name 김통장 --active_from 2018-01-01) || return 1
    read -r m1 r1 < <(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["member_id"], d["reporter_id"])' "$reply")
    m2=$(member member_id $T1 VISITING_AND_CHECKING womens_society 이부녀) &&
        m3=$(member member_id $T2 VISITING_AND_CHECKING shop 박상인) &&
        m4=$(member member_id $U1 RESOURCE_ENGAGING religious 최교인) || return 1
    ctl registry record-donation --donor_kind organisation --donor_name "미시행동 떡집" --kind goods \
        --instalment_krw 200000 --recurrence monthly --instalments 12 --pledged_on 2018-06-01 --dong_code $U1 \
        --received_krw 200000 --finder.member_id "$m4" --finder.team resource_engaging || return 1
    by_member() { wctl household_id intake submit-referral --channel SAFETY_NET --reporter_id "$r1" \
        --household.dong_code "$1" --household.address "$2" --persons.name "$3" "$4" "$5" --persons.sex FEMALE \
        --risk.lives_alone true --reported_on 2018-02-01 --concern "한 주째 보이지 않음"; }
    walk_in() { wctl household_id intake submit-referral --channel SELF --household.dong_code "$1" \
        --household.address "$2" --persons.name "$3" --persons.birth_year "$4" --reported_on 2018-02-05; }
    h1=$(by_member $T1 "부산광역시 수영구 시행로 11" 정순자 --persons.birth_year 1938) &&
        h2=$(by_member $T1 "부산광역시 수영구 시행로 22" 한말순 --persons.approximate_age 81) &&
        h3=$(by_member $T2 "부산광역시 수영구 시행2로 33" 윤옥례 --persons.birth_year 1944) &&
        h4=$(walk_in $T2 "부산광역시 수영구 시행2로 44" 서영길 1950) &&
        h5=$(walk_in $T2 "부산광역시 수영구 시행2로 55" 오덕희 1947) &&
        h6=$(walk_in $U1 "부산광역시 수영구 미시행로 66" 장기철 1961) || return 1
    w1=$(wctl watch_id intake assign-watch --member_id "$m2" --household_id "$h1" --every_days 7 --from_on 2018-03-01) &&
        w3=$(wctl watch_id intake assign-watch --member_id "$m3" --household_id "$h3" --every_days 7 --from_on 2018-03-01) ||
        return 1
    check() { ctl intake record-check-in --watch_id "$1" --outcome "$2" --checked_on "$3" ${4:+--concern "$4"}; }
    check "$w1" SEEN_WELL 2018-03-01 && check "$w1" NOT_SEEN 2018-03-08 && check "$w1" NOT_SEEN 2018-03-15 &&
        check "$w1" CONCERN 2018-03-22 "식사를 거르는 듯함" && check "$w3" SEEN_WELL 2018-03-01 &&
        check "$w3" SEEN_WELL 2018-03-08 || return 1
    ctl intake select-for-public-aid --household_id "$h2" --programme basic_pension --start_on 2018-02-20 || return 1
    s1=$(wctl survey_id intake create-survey --name "2018 홀로 사는 어르신 조사" --target_group seniors_living_alone \
        --dong_codes $T1 --dong_codes $T2 --start_on 2018-04-01 --end_on 2018-06-30) &&
        s2=$(wctl survey_id intake create-survey --name "2018 차상위계층 조사" --target_group secondary_poor \
            --dong_codes $T2 --dong_codes $U1 --start_on 2018-05-01 --end_on 2018-07-31) || return 1
    ctl intake add-survey-households --survey_id "$s1" --household_ids "$h1" --household_ids "$h2" \
        --household_ids "$h3" --household_ids "$h4" --household_ids "$h5" &&
        ctl intake add-survey-households --survey_id "$s2" --household_ids "$h3" --household_ids "$h6" || return 1
    result() { ctl intake record-survey-result --survey_id "$1" --household_id "$2" --outcome "$3" --surveyed_on "$4" "${@:5}"; }
    result "$s1" "$h1" NEED 2018-04-10 --concern "난방비" --service_linkages 2 --support_krw 300000 \
        --selected_for_case_management true &&
        result "$s1" "$h2" NO_NEED 2018-04-11 && result "$s1" "$h3" NOT_REACHABLE 2018-04-12 &&
        result "$s1" "$h4" REFUSED 2018-04-13 && result "$s1" "$h5" NEED 2018-04-14 --service_linkages 1 &&
        result "$s2" "$h6" NO_NEED 2018-05-10
}

# Waits until reporting shows the fixture's surveys and check-ins.
discovery_wait() {
    local api="http://127.0.0.1:$WH_REPORTING_HTTP_PORT" i
    for ((i = 0; i < 300; i++)); do
        curl -fsS "$api/api/surveys?$DISCOVERY_QUERY" | grep -qF "\"total\":$DISCOVERY_SURVEYS_TOTAL" &&
            curl -fsS "$api/api/safety-net?$DISCOVERY_QUERY" | grep -qF "\"total\":$DISCOVERY_NET_TOTAL" && return 0
        sleep 0.1
    done
    echo "discovery: reporting did not show the fixture in 30 s:" >&2
    curl -sS "$api/api/surveys?$DISCOVERY_QUERY" >&2
    curl -sS "$api/api/safety-net?$DISCOVERY_QUERY" >&2
    return 1
}

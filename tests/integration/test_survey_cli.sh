#!/bin/bash
# test_survey_cli.sh — two of seed 004's surveys (section 6) as a hub worker runs them with
# welfarectl, against the integration stack (tests/integration/run.sh), read back from reporting:
#   210 households of seniors collecting waste paper, Jun–Aug 2015: 152 service linkages (full size);
#   7,113 households aged over 60 living alone, Jan–Jul 2016: 833 service linkages, support of KRW
#   10,757,000 — at 1/10: 711 households, 83 linkages, KRW 1,075,700.
# The households come from `welfarectl import referrals`; the lists from `intake add-survey-households`
# (one command per survey); the results from `batch intake record-survey-result`; the figures from
# `reporting query-surveys` (--json and the table) must be the seed's, and equal intake's
# `get-survey-results`. A result for a household of the other survey is refused naming household_id.
set -u
cd "$(dirname "$0")/../.."
ctl=$WH_BIN/welfarectl
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
sql() { psql -X -qtA "$WH_TEST_DB_URL" -c "$1"; }

dong="73$(printf '%08d' $((($$ * 7919 + RANDOM) % 100000000)))"
"$ctl" routing define-dong --dong_code "$dong" --name "CLI 조사동" --hub_type basic --hub_dong_code "$dong" \
    --centre.latitude 35.15 --centre.longitude 129.11 >/dev/null || fail "define-dong"

# 921 households of the dong, one senior each (resident numbers of this run: serials 90000-90920, never issued)
python3 - "$dir/households.csv" "$dong" "$$" <<'PY'
import datetime, sys
path, dong, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
born = datetime.date(1941, 1, 1) + datetime.timedelta(days=(pid * 37) % 5000)
with open(path, "w", encoding="utf-8") as f:
    f.write("channel,reported_on,household.dong_code,household.address,persons.0.name,persons.0.rrn\n")
    for k in range(921):
        d = born.strftime("%y%m%d") + "1" + "%05d" % (90000 + k)
        check = (11 - sum(int(c) * w for c, w in zip(d, weights)) % 11) % 10
        f.write("outreach,2015-05-04,%s,부산광역시 수영구 조사로 %d-%d,어르신%d,%s-%s%d\n"
                % (dong, pid % 1000, k, k, d[:6], d[6:], check))
PY
"$ctl" import referrals "$dir/households.csv" >"$dir/import.txt" 2>&1 || fail "import: $(tail -3 "$dir/import.txt")"
ids=($(sql "SELECT id FROM intake.household WHERE dong_code = '$dong' ORDER BY id"))
[ "${#ids[@]}" = 921 ] || { echo "FAIL: ${#ids[@]} households, want 921"; exit 1; }
join() { local IFS=,; echo "$*"; }

survey() { # survey NAME TARGET START END → id
    "$ctl" intake create-survey --name "$1" --target_group "$2" --dong_codes "$dong" --start_on "$3" \
        --end_on "$4" --json | jq -r .survey_id
}
paper=$(survey "2015 폐지 수집 어르신 $dong" seniors_waste_paper 2015-06-01 2015-08-31)
alone=$(survey "2016 60세 이상 홀몸 어르신 $dong" seniors_living_alone 2016-01-01 2016-07-31)
out=$("$ctl" intake add-survey-households --survey_id "$paper" --household_ids "$(join "${ids[@]:0:210}")" --json)
[ "$(jq -r .added <<<"$out")" = 210 ] || fail "add-survey-households (paper): $out"
out=$("$ctl" intake add-survey-households --survey_id "$alone" --household_ids "$(join "${ids[@]:210:711}")" --json)
[ "$(jq -r .added <<<"$out")" = 711 ] || fail "add-survey-households (alone): $out"

# results: paper, 152 needs with one linkage each; alone, 83 needs with one linkage each and
# KRW 1,075,700 of support (82 × 12,960 + 12,980); the others no need
for i in $(seq 0 209); do
    h=${ids[$i]}
    if [ "$i" -lt 152 ]; then
        echo "{\"survey_id\":$paper,\"household_id\":$h,\"outcome\":\"need\",\"surveyed_on\":\"2015-07-01\",\"concern\":\"폐지 수입 감소\",\"service_linkages\":1}"
    else
        echo "{\"survey_id\":$paper,\"household_id\":$h,\"outcome\":\"no_need\",\"surveyed_on\":\"2015-07-01\"}"
    fi
done >"$dir/paper.jsonl"
for i in $(seq 0 710); do
    h=${ids[$((210 + i))]}
    if [ "$i" -lt 83 ]; then
        support=$([ "$i" = 0 ] && echo 12980 || echo 12960)
        echo "{\"survey_id\":$alone,\"household_id\":$h,\"outcome\":\"need\",\"surveyed_on\":\"2016-03-15\",\"concern\":\"고독\",\"service_linkages\":1,\"support_krw\":$support}"
    else
        echo "{\"survey_id\":$alone,\"household_id\":$h,\"outcome\":\"no_need\",\"surveyed_on\":\"2016-03-15\"}"
    fi
done >"$dir/alone.jsonl"
"$ctl" batch intake record-survey-result "$dir/paper.jsonl" --jobs 8 >/dev/null 2>"$dir/paper.err" ||
    fail "batch paper: $(tail -3 "$dir/paper.err")"
"$ctl" batch intake record-survey-result "$dir/alone.jsonl" --jobs 8 >/dev/null 2>"$dir/alone.err" ||
    fail "batch alone: $(tail -3 "$dir/alone.err")"

out=$("$ctl" intake record-survey-result --survey_id "$paper" --household_id "${ids[300]}" --outcome no_need \
    --surveyed_on 2015-07-01 2>&1)
grep -q "FAILED_PRECONDITION (household_id)" <<<"$out" || fail "a household of the other survey: $out"

# reporting follows intake's events: wait until it has every result
for _ in $(seq 1 100); do
    [ "$(sql "SELECT count(*) FROM reporting.survey_result WHERE survey_id IN ($paper, $alone)")" = 921 ] && break
    sleep 0.2
done
out=$("$ctl" reporting query-surveys --selection.dong_codes "$dong" --selection.from_on 2015-01-01 \
    --selection.to_on 2016-12-31 --json)
figures() { jq -r --argjson id "$1" '.surveys[] | select(.survey_id == ($id | tostring) or .survey_id == $id) |
    "\(.households_listed)/\(.households_surveyed)/\(.service_linkages // 0)/\(.support_krw // 0)"' <<<"$out"; }
[ "$(figures "$paper")" = "210/210/152/0" ] || fail "paper survey: $(figures "$paper") in $out"
[ "$(figures "$alone")" = "711/711/83/1075700" ] || fail "alone survey: $(figures "$alone") in $out"
in=$("$ctl" intake get-survey-results --survey_id "$alone" --json)
[ "$(jq -r '"\(.results.households_surveyed)/\(.results.service_linkages)/\(.results.support_krw)"' <<<"$in")" = \
    "711/83/1075700" ] || fail "intake's get-survey-results: $in"
table=$("$ctl" reporting query-surveys --selection.dong_codes "$dong" --selection.from_on 2016-01-01 \
    --selection.to_on 2016-12-31)
grep -q "1075700\|1,075,700" <<<"$table" || fail "query-surveys table: $table"
grep -q "seniors_waste_paper" <<<"$table" && fail "2016's table lists 2015's survey: $table"

printf 'seed004 section 6 from reporting (listed/surveyed/linkages/support KRW): waste paper %s; over-60s alone at 1/10 %s\n' \
    "$(figures "$paper")" "$(figures "$alone")"
echo "test_survey_cli: $failures failure(s)"
[ "$failures" = 0 ]

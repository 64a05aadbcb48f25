#!/bin/bash
# test_import_trust.sh — `welfarectl import referrals` as a welfare team member sees it, against the
# integration stack (tests/integration/run.sh): a file with every kind of bad row (an oversize cell,
# a missing field, bad resident numbers, bad and future dates, invalid UTF-8, a missing name), a
# CP949 file with the template's Korean headings.  Checks that --check and the real import report the
# same rows with the same line numbers, that nothing of a bad row is stored, that the rejects file
# imports once fixed, and that importing the same file again says "already imported (no change)" —
# judged by content (the service's Envelope.replayed: same id, same payload digest), so at once, and a
# changed row counts as new; a file imported in blocks is already imported row by row, and the other
# way round (one row id per row, ImportRow.row_id and SubmitReferral.row_id).
set -u
cd "$(dirname "$0")/../.."
ctl=$WH_BIN/welfarectl
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
referrals() { psql -X -qtA "$WH_TEST_DB_URL" -c "SELECT count(*) FROM intake.referral WHERE reported_on BETWEEN '2026-11-01' AND '2026-11-30'"; }
errors_of() { grep -E '^lines? [0-9]' "$1" | sort; }

nonce=$$-$RANDOM # rows of their own on every run, so the suite can run again on one stack
python3 - "$dir" "$nonce" <<'PY'
import sys
d, nonce = sys.argv[1], sys.argv[2]
hdr = "channel,reported_on,household.dong_code,household.address,persons.0.name,persons.0.rrn,concern"
rows = [
    "survey,2026-11-02,2650051000,부산광역시 수영구 남천동 701,김가나,430512-2123452,정상",
    "survey,2026-11-02,2650051000,부산광역시 수영구 남천동 702,김다라,750823-1234562," + "가" * 350000,
    "survey,,2650051000,부산광역시 수영구 남천동 703,박마바,560101-2456780,신고일 없음",
    "survey,2026-11-02,2650051000,부산광역시 수영구 남천동 704,이사아,560101-2456781,주민번호 검증숫자",
    "survey,2026-11-02,2650051000,부산광역시 수영구 남천동 705,이사자,12345,주민번호 짧음",
    "survey,2026-11-31,2650051000,부산광역시 수영구 남천동 706,최자차,900315-1567895,없는 날짜",
    "survey,2099-11-02,2650051000,부산광역시 수영구 남천동 707,정카타,900315-1567895,미래 날짜",
    "survey,2026-11-02,2650051000,부산광역시 수영구 남천동 708,\udcff\udcfe,900315-1567895,UTF-8 아님",
    "survey,2026-11-02,2650051000,부산광역시 수영구 남천동 709,,900315-1567895,이름 없음",
    "survey,2026-11-02,2650051000,부산광역시 수영구 남천동 710,셀수,900315-1567895,칸 수가 틀림,extra",
    "self,2026-11-03,2650053000,부산광역시 수영구 광안동 711,윤거너,750823-1234562,정상",
]
with open(d + "/bad.csv", "wb") as f:
    f.write((hdr + "\n").encode())
    for r in rows:
        f.write((r + "" if r.count(",") > 6 else r + " " + nonce).encode("utf-8", "surrogateescape") + b"\n")
PY

before=$(referrals)
"$ctl" import referrals --check "$dir/bad.csv" >"$dir/check.out" 2>"$dir/check.err"
[ $? -eq 1 ] || fail "--check of a file with bad rows exits 1"
grep -q "checked 11 rows: 2 would be accepted, 9 would fail (nothing sent)" "$dir/check.out" || fail "--check summary: $(cat "$dir/check.out")"
[ "$(referrals)" = "$before" ] || fail "--check stored something"
for l in 3 4 5 6 7 8 9 10 11; do grep -q "^line $l: " "$dir/check.err" || fail "--check does not report line $l"; done
grep -q "^line 3: INVALID_ARGUMENT (concern)" "$dir/check.err" || fail "oversize cell not reported as such"
grep -q "^line 8: INVALID_ARGUMENT (reported_on): reported_on is after today" "$dir/check.err" || fail "future date"
grep -q "^line 9: INVALID_ARGUMENT (persons.0.name): not valid UTF-8" "$dir/check.err" || fail "invalid UTF-8"

WH_TIMEOUT_MS=5000 "$ctl" import referrals "$dir/bad.csv" --rejects "$dir/rejects.csv" >"$dir/import.out" 2>"$dir/import.err"
[ $? -eq 1 ] || fail "import of a file with bad rows exits 1"
diff <(errors_of "$dir/check.err") <(errors_of "$dir/import.err") >/dev/null ||
    fail "--check and the import report different rows: $(diff <(errors_of "$dir/check.err") <(errors_of "$dir/import.err"))"
grep -qE "^  new +2 " "$dir/import.out" || fail "import summary new: $(cat "$dir/import.out")"
grep -qE "^  failed +9$" "$dir/import.out" || fail "import summary failed"
[ "$(referrals)" = "$((before + 2))" ] || fail "the good rows alone are stored ($(referrals) - $before)"
[ "$(($(wc -l <"$dir/rejects.csv")))" = 10 ] || fail "rejects file: header and 9 rows ($(wc -l <"$dir/rejects.csv"))"
head -1 "$dir/rejects.csv" | grep -q ",오류" || fail "rejects file has the error column"
grep -q "^import: 100%  11 of 11 rows  9 failed" "$dir/import.err" || fail "off a terminal, a plain progress line per 10%"

# At once, with no pause: the service says which replies were stored before (no clocks compared).
"$ctl" import referrals "$dir/bad.csv" >"$dir/again.out" 2>/dev/null
grep -qE "^  already imported \(no change\) +2$" "$dir/again.out" || fail "the same file again: $(cat "$dir/again.out")"
grep -qE "^  new +0 " "$dir/again.out" || fail "the same file again stores nothing new"
[ "$(referrals)" = "$((before + 2))" ] || fail "the same file again stored referrals"

# Fix the rejected rows as a person would in a spreadsheet, and import the rejects file itself.
python3 - "$dir/rejects.csv" "$dir/fixed.csv" "$nonce" <<'PY'
import sys, csv
csv.field_size_limit(1 << 24)
src, dst = sys.argv[1], sys.argv[2]
with open(src, "rb") as f:
    text = f.read().decode("utf-8", "replace").lstrip("\ufeff")
rows = list(csv.reader(text.splitlines()))
good_rrn = ["560101-2456780", "900315-1567895", "430512-2123452", "750823-1234562"]
out = [rows[0]]
for i, r in enumerate(rows[1:]):
    r = (r + [""] * 8)[:8]
    r[1] = "2026-11-%02d" % (10 + i)
    r[4] = r[4] if r[4] and "\ufffd" not in r[4] else "이름%d" % i
    r[5] = good_rrn[i % 4]
    r[6] = "고침 " + sys.argv[3]
    r[3] = "부산광역시 수영구 남천동 8%02d" % i
    out.append(r)
with open(dst, "w", newline="") as f:
    csv.writer(f).writerows(out)
PY
"$ctl" import referrals "$dir/fixed.csv" >"$dir/fixed.out" 2>"$dir/fixed.err" || fail "the fixed rejects file imports: $(cat "$dir/fixed.err")"
grep -qE "^  new +9 " "$dir/fixed.out" || fail "fixed rejects: $(cat "$dir/fixed.out")"
[ "$(referrals)" = "$((before + 11))" ] || fail "after the fixed rejects, 11 referrals ($(referrals) - $before)"

# Korean Excel: CP949 with the template's headings.
{
    "$ctl" import template referrals --persons 1 | sed 's/^\xef\xbb\xbf//'
    echo "survey,,2026-11-20,2650051000,홍길동,430512-2123452,,,부산광역시 수영구 남천동 901,,,false,,,,true,,,,,,엑셀 파일 $nonce"
} | iconv -f UTF-8 -t CP949 >"$dir/excel.csv"
"$ctl" import referrals "$dir/excel.csv" >"$dir/excel.out" 2>"$dir/excel.err" || fail "CP949 file: $(cat "$dir/excel.err")"
grep -q "read as CP949" "$dir/excel.err" || fail "CP949 detected and said so"
grep -qE "^  new +1 " "$dir/excel.out" || fail "CP949 row stored: $(cat "$dir/excel.out")"
"$ctl" import referrals --encoding utf-8 --check "$dir/excel.csv" >/dev/null 2>&1 && fail "the CP949 file read as UTF-8 is refused"

# Row by row, each row its own command: the same two rows again are already imported; with one row's
# content changed, that row alone is new (stored once more), the other already imported.
all_referrals() { psql -X -qtA "$WH_TEST_DB_URL" -c "SELECT count(*) FROM intake.referral"; }
{
    echo "channel,reported_on,household.dong_code,household.address,persons.0.name,persons.0.rrn,concern"
    echo "survey,2026-10-05,2650052000,부산광역시 수영구 망미동 31,한줄씩,430512-2123452,하나 $nonce"
    echo "survey,2026-10-05,2650052000,부산광역시 수영구 망미동 32,두줄씩,750823-1234562,둘 $nonce"
} >"$dir/rows.csv"
sed "s/,둘 $nonce/,둘 고침 $nonce/" "$dir/rows.csv" >"$dir/rows-changed.csv"
first=$(all_referrals)
"$ctl" import referrals --row-by-row "$dir/rows.csv" >"$dir/rows1.out" 2>&1 || fail "row by row: $(cat "$dir/rows1.out")"
grep -qE "^  new +2 " "$dir/rows1.out" || fail "row by row, first time: $(cat "$dir/rows1.out")"
"$ctl" import referrals --row-by-row "$dir/rows.csv" >"$dir/rows2.out" 2>&1 || fail "row by row again: $(cat "$dir/rows2.out")"
grep -qE "^  new +0 " "$dir/rows2.out" && grep -qE "^  already imported \(no change\) +2$" "$dir/rows2.out" ||
    fail "row by row, the same rows again: $(cat "$dir/rows2.out")"
"$ctl" import referrals --row-by-row "$dir/rows-changed.csv" >"$dir/rows3.out" 2>&1 || fail "changed row: $(cat "$dir/rows3.out")"
grep -qE "^  new +1 " "$dir/rows3.out" && grep -qE "^  already imported \(no change\) +1$" "$dir/rows3.out" ||
    fail "row by row, one row changed: $(cat "$dir/rows3.out")"
[ "$(all_referrals)" = "$((first + 3))" ] || fail "two rows, then the changed one: 3 referrals ($(all_referrals) - $first)"

# The same in blocks (the default): the block with a changed row is a new command, but each row carries
# its own id, so intake answers the unchanged rows "already imported" and stores only the changed one;
# a row added to the file is new, the others already imported.
sed "s/ $nonce/ 블록 $nonce/" "$dir/rows.csv" >"$dir/blocks.csv"
sed "s/,둘 블록 $nonce/,둘 블록 고침 $nonce/" "$dir/blocks.csv" >"$dir/blocks-changed.csv"
{ cat "$dir/blocks-changed.csv"; echo "survey,2026-10-06,2650052000,부산광역시 수영구 망미동 33,세줄씩,430512-2123452,셋 블록 $nonce"; } \
    >"$dir/blocks-added.csv"
first=$(all_referrals)
"$ctl" import referrals "$dir/blocks.csv" >"$dir/blocks1.out" 2>&1 || fail "blocks: $(cat "$dir/blocks1.out")"
grep -qE "^  new +2 " "$dir/blocks1.out" || fail "blocks, first time: $(cat "$dir/blocks1.out")"
"$ctl" import referrals "$dir/blocks-changed.csv" >"$dir/blocks2.out" 2>&1 || fail "blocks changed: $(cat "$dir/blocks2.out")"
grep -qE "^  new +1 " "$dir/blocks2.out" && grep -qE "^  already imported \(no change\) +1$" "$dir/blocks2.out" ||
    fail "blocks, one row changed: $(cat "$dir/blocks2.out")"
"$ctl" import referrals --json "$dir/blocks-added.csv" >"$dir/blocks3.out" 2>&1 || fail "blocks added: $(cat "$dir/blocks3.out")"
grep -q '"new": 1, "already_imported": 2, "failed": 0' "$dir/blocks3.out" ||
    fail "blocks, one row added: $(cat "$dir/blocks3.out")"
[ "$(all_referrals)" = "$((first + 4))" ] || fail "blocks: two rows, the changed one, the added one: 4 referrals ($(all_referrals) - $first)"

# One row id whichever way a file comes: the rows imported in blocks are already imported row by row
# (SubmitReferral.row_id), and the rows imported row by row already imported in blocks; nothing stored.
first=$(all_referrals)
"$ctl" import referrals --row-by-row "$dir/blocks-added.csv" >"$dir/cross1.out" 2>&1 || fail "blocks, then row by row: $(cat "$dir/cross1.out")"
grep -qE "^  new +0 " "$dir/cross1.out" && grep -qE "^  already imported \(no change\) +3$" "$dir/cross1.out" ||
    fail "blocks, then row by row: $(cat "$dir/cross1.out")"
"$ctl" import referrals "$dir/rows-changed.csv" >"$dir/cross2.out" 2>&1 || fail "row by row, then blocks: $(cat "$dir/cross2.out")"
grep -qE "^  new +0 " "$dir/cross2.out" && grep -qE "^  already imported \(no change\) +2$" "$dir/cross2.out" ||
    fail "row by row, then blocks: $(cat "$dir/cross2.out")"
[ "$(all_referrals)" = "$first" ] || fail "cross-path re-imports store nothing ($(all_referrals) - $first)"

for c in "import referrals" "import template referrals" "import roster" "kpi" "events" "keys generate" "dead-letters list"; do
    "$ctl" $c --help >/dev/null 2>&1 || fail "$c --help"
    "$ctl" $c --version | grep -q "^welfarectl " || fail "$c --version"
done

[ "$failures" -eq 0 ] && echo "import trust: all checks passed"
[ "$failures" -eq 0 ]

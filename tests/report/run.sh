#!/bin/bash
# run.sh — the comparison table end to end (make test-report, part of make test): a private stack,
# the known-count fixture (fixture.sh) loaded through welfarectl, then the same table read from the
# CLI (aligned), the bus (welfarectl --json), the JSON API, the CSV and .xlsx exports and the
# dashboard page — check.py requires them to agree cell for cell and with the fixture's counts —
# and an unknown dong refused on each surface instead of a row of zeros.  check.py runs with the
# system python3 (Debian python3-openpyxl reads the workbook back).
#   WH_ITEST_PORT_BASE, WH_ITEST_HTTP_BASE, WH_ITEST_PG_PORT  the ports (shared with the itests)
set -u
cd "$(dirname "$0")/../.."
source tests/report/fixture.sh
fixture_stack "${WH_REPORT_VAR:-$PWD/${BUILD:-build}/report-test}" "${WH_ITEST_PG_PORT:-55481}" 300 || exit 1

out=$WH_VAR/out api="http://127.0.0.1:$WH_REPORTING_HTTP_PORT"
mkdir -p "$out"
args=(kpi-table --compare both --from 2016-04-01 --to 2016-10-31)
"$WH_BIN/welfarectl" "${args[@]}" >"$out/cli.txt" || exit 1
"$WH_BIN/welfarectl" --json "${args[@]}" >"$out/bus.json" || exit 1
curl -fsS "$api/api/kpi-table?$FIXTURE_QUERY" >"$out/api.json" &&
    curl -fsS "$api/export/kpi-table.csv?$FIXTURE_QUERY" >"$out/table.csv" &&
    curl -fsS "$api/export/kpi-table.xlsx?$FIXTURE_QUERY" >"$out/table.xlsx" &&
    curl -fsS "$api/dashboard/compare?$FIXTURE_QUERY" >"$out/page.html" || exit 1
cat "$out/cli.txt"
/usr/bin/python3 tests/report/check.py "$out" "$FIXTURE_EXPECTED" || exit 1

# The aligned table as a person sees it: printed on a 200-column terminal (tmux), the screen read back.
tmux -L "wh-report-$$" new-session -d -x 200 -y 60 \
    "$WH_BIN/welfarectl ${args[*]} >/dev/null && clear && $WH_BIN/welfarectl ${args[*]}; sleep 30" || exit 1
for ((t = 0; t < 50; t++)); do
    tmux -L "wh-report-$$" capture-pane -p >"$out/screen.txt" 2>/dev/null
    grep -q '^columns:' "$out/screen.txt" && break
    sleep 0.2
done
tmux -L "wh-report-$$" kill-server 2>/dev/null
/usr/bin/python3 tests/report/aligned.py "$out/screen.txt" || exit 1

# An unknown dong is an error everywhere, naming it; the page keeps the form.
fail=0
if "$WH_BIN/welfarectl" kpi --dong 9999999999 --from 2016-04-01 --to 2016-10-31 >"$out/err.txt" 2>&1 ||
    ! grep -q 9999999999 "$out/err.txt"; then
    echo "FAIL: welfarectl kpi accepted an unknown dong"; cat "$out/err.txt"; fail=1
fi
if "$WH_BIN/welfarectl" "${args[@]}" --dong 9999999999 >"$out/err.txt" 2>&1; then
    echo "FAIL: welfarectl kpi-table accepted an unknown dong"; fail=1
fi
code=$(curl -s -o "$out/err.json" -w '%{http_code}' "$api/api/kpi?dongs=9999999999&from=2016-04-01&to=2016-10-31")
[ "$code" = 400 ] && grep -q '"field":"dongs"' "$out/err.json" || { echo "FAIL: /api/kpi gave $code"; fail=1; }
code=$(curl -s -o "$out/err.html" -w '%{http_code}' "$api/dashboard/compare?$FIXTURE_QUERY&dongs=9999999999")
[ "$code" = 400 ] && grep -q '입력을 확인' "$out/err.html" && grep -q 'value="9999999999"' "$out/err.html" ||
    { echo "FAIL: /dashboard/compare gave $code without the form kept"; fail=1; }
[ $fail -eq 0 ] && echo "report: unknown dongs refused by welfarectl kpi, kpi-table, /api/kpi and the page"
exit $fail

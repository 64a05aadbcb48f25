#!/bin/bash
# browser.sh — make test-browser: the dashboard in headless Chromium over the known-count fixture
# (fixture.sh) on a stack of its own; screenshots at 1,366 and 1,920 px into docs/img/ (or
# $BROWSER_OUT), page widths and the comparison's, the funnel's and the surveys page's cells checked
# against the JSON API (browser.mjs); the surveys page's fixture is tests/report/discovery.sh.
# Needs Debian chromium and fonts-noto-cjk (mk/deps.mk) and playwright-core (package.json, npm ci).
set -u
cd "$(dirname "$0")/../.."
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund >/dev/null || exit 1
source tests/report/fixture.sh
fixture_stack "${WH_BROWSER_VAR:-$PWD/${BUILD:-build}/browser-test}" \
    "${WH_BROWSER_PG_PORT:-$((${WH_ITEST_PG_PORT:-55481} + 3))}" 400 || exit 1
# The funnel's referrals: welfarectl's sample (four channels) moved into the fixture's dongs and 2017,
# outside every period the other pages show.
sed -e "s/2650051000/$T1/; s/2650053000/$U1/; s/2650054000/$T2/; s/2650056000/$U2/; s/,2026-05-/,2017-05-/" \
    tools/welfarectl/examples/referrals-sample.csv >"$WH_VAR/funnel.csv"
"$WH_BIN/welfarectl" import referrals "$WH_VAR/funnel.csv" >/dev/null || exit 1
for ((i = 0; i < 300; i++)); do
    curl -fsS "http://127.0.0.1:$WH_REPORTING_HTTP_PORT/api/funnel?from=2017-01-01&to=2017-12-31" | grep -q '"total":\[4,' && break
    sleep 0.1
done
# The surveys page's figures: the safety net's and two surveys' recorded work in 2018 (discovery.sh).
source tests/report/discovery.sh
discovery_load && discovery_wait || exit 1
out=${BROWSER_OUT:-docs/img}
mkdir -p "$out"
node tests/report/browser.mjs "http://127.0.0.1:$WH_REPORTING_HTTP_PORT" "$out" "$FIXTURE_QUERY" \
    "$DISCOVERY_SURVEYS" "$DISCOVERY_NET_TOTAL"

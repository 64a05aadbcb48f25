#!/bin/bash
# browser.sh — make test-browser: the dashboard in headless Chromium over the known-count fixture
# (fixture.sh) on a stack of its own; screenshots at 1,366 and 1,920 px into docs/img/ (or
# $BROWSER_OUT), page widths and the comparison's cells checked against the JSON API (browser.mjs).
# Needs Debian chromium and fonts-noto-cjk (mk/deps.mk) and playwright-core (package.json, npm ci).
set -u
cd "$(dirname "$0")/../.."
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund >/dev/null || exit 1
source tests/report/fixture.sh
fixture_stack "${WH_BROWSER_VAR:-$PWD/${BUILD:-build}/browser-test}" \
    "${WH_BROWSER_PG_PORT:-$((${WH_ITEST_PG_PORT:-55481} + 3))}" 400 || exit 1
out=${BROWSER_OUT:-docs/img}
mkdir -p "$out"
node tests/report/browser.mjs "http://127.0.0.1:$WH_REPORTING_HTTP_PORT" "$out" "$FIXTURE_QUERY"

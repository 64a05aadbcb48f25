#!/bin/bash
# check-ops.sh — `make lint-ops`: the ops profile's configuration, checked without running Prometheus
# or Grafana (their images cannot be pulled on every machine):
#
#   prometheus/prometheus.yml   promtool check config (which also checks the rule files it names)
#   prometheus/alerts.yml       promtool check rules, and promtool test rules on alerts.test.yml
#   alertmanager/alertmanager.yml  amtool check-config
#   grafana/provisioning/*      YAML that parses; the datasource uid the dashboards use
#   grafana/dashboards/*.json   JSON that parses, unique panel ids, every panel on that datasource,
#                               every query valid PromQL (promtool, with Grafana's variables filled in)
#   docs/operations.md          says what each alert means
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
problems=0
problem() { echo "lint-ops: $*" >&2; problems=$((problems + 1)); }

promtool check config deploy/prometheus/prometheus.yml >"$tmp/out" 2>&1 || { cat "$tmp/out"; problem "promtool check config failed"; }
promtool check rules deploy/prometheus/alerts.yml >"$tmp/out" 2>&1 || { cat "$tmp/out"; problem "promtool check rules failed"; }
promtool test rules deploy/prometheus/alerts.test.yml >"$tmp/out" 2>&1 || { cat "$tmp/out"; problem "promtool test rules failed"; }
amtool check-config deploy/alertmanager/alertmanager.yml >"$tmp/out" 2>&1 || { cat "$tmp/out"; problem "amtool check-config failed"; }

for f in deploy/grafana/provisioning/*/*.yml; do
    python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$f" 2>"$tmp/out" ||
        { cat "$tmp/out"; problem "$f is not YAML"; }
done
uid=$(python3 -c 'import yaml; print(yaml.safe_load(open("deploy/grafana/provisioning/datasources/prometheus.yml"))["datasources"][0]["uid"])')

for f in deploy/grafana/dashboards/*.json; do
    if ! jq empty "$f" 2>"$tmp/out"; then
        cat "$tmp/out"
        problem "$f is not JSON"
        continue
    fi
    dup=$(jq '[.panels[].id] | length - (unique | length)' "$f")
    [ "$dup" -eq 0 ] || problem "$f: $dup panel ids used twice"
    jq -r --arg uid "$uid" '.panels[] | select(.type != "row")
        | select(.datasource.uid != $uid or (.gridPos | not) or ((.targets // []) | length) == 0
                 or ([.targets[] | select(.datasource.uid != $uid or (.expr // "") == "")] | length) > 0)
        | "panel \(.id) \"\(.title)\""' "$f" >"$tmp/bad"
    while IFS= read -r p; do problem "$f: $p: not on datasource $uid, without gridPos, or a target without a query"; done <"$tmp/bad"
    # Every query as a recording rule, Grafana's variables replaced, so promtool parses the PromQL.
    {
        echo "groups: [{name: dashboard, rules: ["
        jq -r '.panels[] | select(.type != "row") | .targets[] | .expr' "$f" |
            sed -e 's/\$__rate_interval/5m/g; s/\$__range/1h/g; s/\$service/.*/g' |
            jq -R -r '"{record: dashboard_query, expr: \(. | @json)},"'
        echo "]}]"
    } >"$tmp/queries.yml"
    promtool check rules "$tmp/queries.yml" >"$tmp/out" 2>&1 || { cat "$tmp/out"; problem "$f: a query is not valid PromQL"; }
done

for alert in $(sed -n 's/^ *- alert: *//p' deploy/prometheus/alerts.yml); do
    grep -q "$alert" docs/operations.md 2>/dev/null || problem "docs/operations.md does not explain $alert"
done

[ "$problems" -eq 0 ] || exit 1
echo "lint-ops: promtool check config/rules, test rules, amtool check-config, Grafana provisioning and dashboards: clean"
